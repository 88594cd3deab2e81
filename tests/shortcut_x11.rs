//! The quick-search shortcut on X11 (`src-tauri/src/desktop/hotkey.rs`: a key grab on the root window). When another
//! program holds the keys, Settings says so; once they are free, saving the settings registers them and they
//! open the palette. One test in its own binary: no other Tock may hold the default shortcut meanwhile.
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tock_e2e::{tock_binary, visible_window, wait_until, App, PALETTE_TITLE};

/// The other program, ended when the test ends even if it fails (so that it does not hold the keys).
struct Other(Child);

impl Other {
    fn end(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Drop for Other {
    fn drop(&mut self) {
        self.end();
    }
}

fn press(keys: &str) {
    let pressed = Command::new("xdotool")
        .args(["key", keys])
        .status()
        .unwrap();
    assert!(pressed.success(), "xdotool key {keys}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_shortcut_held_by_another_program_is_reported_and_registered_once_free() {
    // Another program holds Ctrl+Alt+O, Tock's default: here a second Tock, on a vault of its own. Its
    // palette opening on the keys shows that its grab is in place.
    let other_vault = tempfile::tempdir().unwrap();
    let mut other = Other(
        Command::new(tock_binary())
            .env("TOCK_DATA_DIR", other_vault.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    wait_until("the other program's window", || visible_window("^Tock$"));
    let started = Instant::now();
    while !visible_window(PALETTE_TITLE) {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the other program never took Ctrl+Alt+O"
        );
        press("ctrl+alt+o");
        std::thread::sleep(Duration::from_millis(300));
    }

    let app = App::start(|_| {}).await;
    app.find("empty-state").await;
    app.click("settings-button").await;
    let status = app.find("settings-shortcut-status").await;
    let text = app.text(&status).await;
    assert_eq!(
        text,
        "CommandOrControl+Alt+O could not be registered (another program already uses it); choose another."
    );
    assert_eq!(status.attr("role").await.unwrap().as_deref(), Some("alert"));

    // The other program quits; saving the settings registers the keys, and they open Tock's palette.
    other.end();
    wait_until("the other program's palette is gone", || {
        !visible_window(PALETTE_TITLE)
    });
    app.click("settings-save").await;
    // The dialog closes once the shortcut is in force (it stays open to show a failure).
    app.settings_closed().await;
    app.click("settings-button").await;
    assert_eq!(
        app.text_of("settings-shortcut-status").await,
        "Active: press Ctrl+Alt+O anywhere to open the quick search."
    );
    app.click("settings-cancel").await;
    app.settings_closed().await;
    press("ctrl+alt+o");
    wait_until("Tock's quick search palette is shown", || {
        visible_window(PALETTE_TITLE)
    });
    app.close().await;
}
