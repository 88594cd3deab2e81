//! The real app's tray menu, read and clicked over D-Bus (com.canonical.dbusmenu, as a desktop's tray would),
//! the clipboard read back with xclip, the quick search, single instance, and `tock copy`.
//!
//! Run through `scripts/test` (or `scripts/with-keyring xvfb-run -a cargo test -p tock --test tray`): they
//! need an X display, a private session bus and an unlocked Secret Service, and fail saying so otherwise.
//! The X clipboard is shared by the whole display, so the tests take turns.
use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use zbus::blocking::Connection;
use zbus::zvariant::OwnedValue;

mod common;
use common::{ok, require_secret_service, tock, BIN};
use tock_e2e::TrayMenu;

const HINT: &str = "x-kde-passwordManagerHint";

/// One test at a time on the display's clipboard.
fn clipboard_turn() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock().unwrap_or_else(|p| p.into_inner())
}

fn require_session() {
    require_secret_service();
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "these tests need an X display: run them through scripts/test, or \
         scripts/with-keyring xvfb-run -a cargo test -p tock --test tray"
    );
}

/// A vault with three accounts; Bank is a favourite. Returns (dir, GitHub's id).
fn vault(settings: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let github = ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        ],
    );
    ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/AT%26T:bob_x?secret=GEZDGNBVGY3TQOJQ&issuer=AT%26T",
        ],
    );
    let bank = ok(
        dir.path(),
        &[
            "add",
            "--hotp",
            "--issuer",
            "Bank",
            "--name",
            "carol",
            "--secret",
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        ],
    );
    let path = dir.path().join("vault.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    for account in doc["accounts"].as_array_mut().unwrap() {
        if account["id"] == bank.as_str() {
            account["favourite"] = true.into();
        }
    }
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
    std::fs::write(dir.path().join("settings.json"), settings).unwrap();
    (dir, github)
}

/// The clipboard's text, or `None` when it holds none.
fn clipboard() -> Option<String> {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip runs (scripts/setup installs it)");
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn clipboard_targets() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard", "-t", "TARGETS"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Copies `text` as another program would; xclip serves it until killed or replaced.
fn copy_elsewhere(text: &str) -> KillOnDrop {
    let mut child = Command::new("xclip")
        .args(["-i", "-selection", "clipboard", "-quiet"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let guard = KillOnDrop(child);
    wait_for("the other program's text on the clipboard", 5, || {
        clipboard().as_deref() == Some(text)
    });
    guard
}

fn wait_for(what: &str, seconds: u64, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    while !done() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The codes of an account at about now (either side of a period boundary), from `tock code`.
fn current_codes(dir: &Path, query: &str) -> Vec<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    [now.saturating_sub(2), now, now + 2]
        .iter()
        .map(|t| ok(dir, &["code", query, "--at", &t.to_string()]))
        .collect()
}

struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The real app on a vault.
fn start_app(dir: &Path, extra: &[&str]) -> KillOnDrop {
    KillOnDrop(
        Command::new(BIN)
            .arg("--data-dir")
            .arg(dir)
            .args(extra)
            .env_remove("TOCK_DATA_DIR")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tock starts"),
    )
}

/// (summary, body) of each notification received.
type Seen = Arc<Mutex<Vec<(String, String)>>>;

/// A notification server on the private session bus, recording what it is sent.
fn notifications() -> Seen {
    struct Server(Seen);

    #[zbus::interface(name = "org.freedesktop.Notifications")]
    impl Server {
        #[allow(clippy::too_many_arguments)]
        fn notify(
            &self,
            _app: String,
            _replaces: u32,
            _icon: String,
            summary: String,
            body: String,
            _actions: Vec<String>,
            _hints: HashMap<String, OwnedValue>,
            _timeout: i32,
        ) -> u32 {
            let mut seen = self.0.lock().unwrap();
            seen.push((summary, body));
            seen.len() as u32
        }
        fn get_capabilities(&self) -> Vec<String> {
            vec!["body".into()]
        }
        fn get_server_information(&self) -> (String, String, String, String) {
            ("tock-test".into(), "tock".into(), "1".into(), "1.2".into())
        }
        fn close_notification(&self, _id: u32) {}
    }

    static SEEN: OnceLock<(Seen, Connection)> = OnceLock::new();
    let (seen, _conn) = SEEN.get_or_init(|| {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let conn = zbus::blocking::connection::Builder::session()
            .unwrap()
            .name("org.freedesktop.Notifications")
            .unwrap()
            .serve_at("/org/freedesktop/Notifications", Server(seen.clone()))
            .unwrap()
            .build()
            .expect("the test notification server starts");
        (seen, conn)
    });
    seen.clone()
}

#[test]
fn tray_menu_lists_accounts_copies_and_clears_only_its_own_code() {
    require_session();
    let _turn = clipboard_turn();
    let seen = notifications();
    let (dir, _github) = vault(r#"{"clearAfterSecs": 3}"#);
    let app = start_app(dir.path(), &[]);
    let menu = TrayMenu::find(app.0.id());
    // Favourites first, then the rest in display order; "&" and "_" come through as typed.
    assert_eq!(
        menu.labels(),
        [
            "★ Bank (carol)",
            "GitHub (alice)",
            "AT&T (bob_x)",
            "",
            "Open Tock",
            "Quit"
        ]
    );

    // A click copies the current code, marked for clipboard managers to skip.
    let clicked_at = Instant::now(); // the copy (and its 3-s clock) starts after this
    menu.click("GitHub (alice)");
    let expected = current_codes(dir.path(), "github");
    wait_for("the code on the clipboard", 10, || {
        clipboard().is_some_and(|c| expected.contains(&c))
    });
    let copied = clipboard().unwrap();
    assert!(
        clipboard_targets().contains(HINT),
        "{}",
        clipboard_targets()
    );

    // The notification names the account and how long the code is valid, never the code.
    wait_for("the notification", 5, || !seen.lock().unwrap().is_empty());
    let (summary, body) = seen.lock().unwrap().last().cloned().unwrap();
    assert_eq!(summary, "Code copied: GitHub (alice)");
    assert!(
        (body.starts_with("Valid for ") || body.starts_with("Only "))
            && body.contains("cleared in 3 seconds"),
        "{body}"
    );
    assert!(!summary.contains(&copied) && !body.contains(&copied));

    // The menu follows the change: GitHub is now "recently used", right after the favourites.
    wait_for("the menu to reorder", 5, || {
        menu.labels()[1..3] == ["GitHub (alice)", "AT&T (bob_x)"]
    });

    // Cleared after 3 s, not before (measured from before the click: a slow poll above cannot fake it).
    wait_for("the clipboard to be cleared", 8, || clipboard().is_none());
    assert!(
        clicked_at.elapsed() >= Duration::from_millis(2_900),
        "cleared too early"
    );

    // Copied again, then something else copied in between: it is left alone.
    menu.click("AT&T (bob_x)");
    let expected = current_codes(dir.path(), "at&t");
    wait_for("the second code", 10, || {
        clipboard().is_some_and(|c| expected.contains(&c))
    });
    let _other = copy_elsewhere("a note the person copied");
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(clipboard().as_deref(), Some("a note the person copied"));
    assert_eq!(
        menu.labels()[1],
        "AT&T (bob_x)",
        "the latest used comes first"
    );

    // Quit ends the app.
    menu.click("Quit");
    let mut app = app;
    wait_for("the app to quit", 10, || {
        app.0.try_wait().unwrap().is_some()
    });
}

fn serving_processes() -> usize {
    std::fs::read_dir("/proc")
        .unwrap()
        .filter_map(|e| std::fs::read(e.ok()?.path().join("cmdline")).ok())
        .filter(|cmd| {
            let cmd = String::from_utf8_lossy(cmd).replace('\0', " ");
            cmd.starts_with(BIN) && cmd.contains("copy --serve")
        })
        .count()
}

#[test]
fn tock_copy_serves_the_clipboard_then_clears_it_or_leaves_a_newer_copy_alone() {
    require_session();
    let _turn = clipboard_turn();
    let (dir, _) = vault("{}");

    // Returns at once; a helper keeps serving the code, marked as sensitive, and clears it after 2 s.
    let started = Instant::now();
    let out = tock(dir.path(), &["copy", "github", "--clear-after", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "tock copy returns before the clearing delay"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("Code copied: GitHub (alice). ")
            && stderr.contains("cleared in 2 seconds"),
        "{stderr}"
    );
    let expected = current_codes(dir.path(), "github");
    let copied = clipboard().expect("the code is on the clipboard after tock copy exits");
    assert!(expected.contains(&copied), "{copied} not in {expected:?}");
    assert!(!stderr.contains(&copied), "the code is not printed");
    assert!(clipboard_targets().contains(HINT));
    assert_eq!(serving_processes(), 1);
    wait_for("the clipboard to be cleared", 6, || clipboard().is_none());
    wait_for("the helper to exit", 3, || serving_processes() == 0);

    // Something else copied meanwhile: left alone, and the helper exits at once.
    ok(dir.path(), &["copy", "github", "--clear-after", "3"]);
    let _other = copy_elsewhere("someone else's text");
    wait_for("the helper to exit when replaced", 3, || {
        serving_processes() == 0
    });
    std::thread::sleep(Duration::from_secs(4));
    assert_eq!(clipboard().as_deref(), Some("someone else's text"));
}

#[test]
fn tock_copy_without_a_display_fails_clearly_and_uses_no_hotp_code() {
    require_session();
    let (dir, _) = vault("{}");
    let out = Command::new(BIN)
        .args(["--data-dir"])
        .arg(dir.path())
        .args(["copy", "bank"])
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("error: the clipboard is not available"),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["list", "--json"])).unwrap();
    let bank = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["issuer"] == "Bank")
        .unwrap();
    assert_eq!(bank["counter"], 0, "the HOTP counter did not advance");

    let out = tock(dir.path(), &["copy", "github", "--clear-after", "100000"]);
    assert!(String::from_utf8_lossy(&out.stderr)
        .starts_with("error: --clear-after must be at most 86400"));
}

fn visible_window(name: &str) -> Option<String> {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", name])
        .output()
        .expect("xdotool runs (scripts/setup installs it)");
    let id = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()?
        .trim()
        .to_owned();
    (!id.is_empty()).then_some(id)
}

#[test]
fn start_minimised_single_instance_and_quick_search() {
    require_session();
    let _turn = clipboard_turn();
    let (dir, _) = vault(r#"{"startMinimised": true, "quickSearchShortcut": "Control+Alt+K"}"#);
    let mut app = start_app(dir.path(), &[]);
    let _menu = TrayMenu::find(app.0.id()); // up and running
    assert_eq!(visible_window("^Tock$"), None, "started hidden");

    // A second launch on the same vault shows the first one's window and exits.
    let second = tock(dir.path(), &[]);
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    wait_for("the window to be shown", 10, || {
        visible_window("^Tock$").is_some()
    });
    assert!(
        app.0.try_wait().unwrap().is_none(),
        "the first instance keeps running"
    );

    // The global shortcut opens the quick search; typing filters, Enter copies and closes it.
    let key = Command::new("xdotool")
        .args(["key", "ctrl+alt+k"])
        .status()
        .unwrap();
    assert!(key.success());
    wait_for("the quick search", 15, || {
        visible_window("^Tock quick search$").is_some()
    });
    let palette = visible_window("^Tock quick search$").unwrap();
    std::thread::sleep(Duration::from_millis(500));
    let typed = Command::new("xdotool")
        .args([
            "windowfocus",
            "--sync",
            &palette,
            "type",
            "--delay",
            "50",
            "github",
        ])
        .status()
        .unwrap();
    assert!(typed.success());
    std::thread::sleep(Duration::from_millis(300));
    assert!(Command::new("xdotool")
        .args(["key", "Return"])
        .status()
        .unwrap()
        .success());
    let expected = current_codes(dir.path(), "github");
    wait_for("the quick search's copy", 10, || {
        clipboard().is_some_and(|c| expected.contains(&c))
    });
    wait_for("the quick search to close", 5, || {
        visible_window("^Tock quick search$").is_none()
    });

    // `tock --quick-search` opens it in the running instance.
    let again = tock(dir.path(), &["--quick-search"]);
    assert!(again.status.success());
    wait_for("the quick search again", 10, || {
        visible_window("^Tock quick search$").is_some()
    });
    assert!(Command::new("xdotool")
        .args(["key", "Escape"])
        .status()
        .unwrap()
        .success());
    wait_for("Escape to close it", 5, || {
        visible_window("^Tock quick search$").is_none()
    });
}
