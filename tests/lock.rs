//! The app lock in the real app, on one app start with the lock on: the window starts on its lock screen
//! with no account anywhere in the page, every command but the lock's few is refused from the webview, the
//! tray lists no account; a wrong password is named, the right one shows the codes; the header's button
//! locks, the tray's Lock locks, the idle lock (a 6-s setting) locks by itself, and so does the screen saver's
//! `ActiveChanged(true)` signal.
use std::time::{Duration, Instant};

use tock_e2e::{cli, App, TrayMenu, RFC_SEED};

const PASSWORD: &str = "correct horse battery";

/// Tock's own commands, as src-tauri/build.rs lists them (so a new command is swept too).
fn all_commands() -> Vec<String> {
    let build = include_str!("../src-tauri/build.rs");
    let list = build
        .split("const COMMANDS: &[&str] = &[")
        .nth(1)
        .and_then(|rest| rest.split("];").next())
        .expect("the COMMANDS list in src-tauri/build.rs");
    list.split(',')
        .map(|s| s.trim().trim_matches('"').to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The commands the window may call while locked (src-tauri/src/window/commands/lock.rs).
const ALLOWED: [&str; 9] = [
    "lock_status",
    "unlock",
    "lock_now",
    "note_activity",
    "show_unlock",
    "close_palette",
    "ui_painted",
    "get_settings",
    "get_clock",
];

async fn page_text(app: &App) -> String {
    app.client
        .execute("return document.body.innerText", vec![])
        .await
        .unwrap()
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn wait_for_lock_screen(app: &App, within: Duration) {
    let start = Instant::now();
    loop {
        let shown = app
            .client
            .execute(
                "return !!document.querySelector('[data-testid=lock-screen]')",
                vec![],
            )
            .await
            .unwrap();
        if shown.as_bool() == Some(true) {
            return;
        }
        assert!(
            start.elapsed() < within,
            "the lock screen did not show within {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn unlock(app: &App, password: &str) {
    let field = app.find("unlock-password").await;
    field.send_keys(password).await.unwrap();
    app.click("unlock-button").await;
}

/// Runs blocking D-Bus calls on the tray's menu off the async runtime's threads.
async fn tray(menu: &std::sync::Arc<TrayMenu>, f: impl FnOnce(&TrayMenu) + Send + 'static) {
    let menu = menu.clone();
    tokio::task::spawn_blocking(move || f(&menu)).await.unwrap();
}

fn wait_until(what: &str, within: Duration, mut check: impl FnMut() -> bool) {
    let start = Instant::now();
    while !check() {
        assert!(
            start.elapsed() < within,
            "{what} did not happen within {within:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn locked_nothing_shows_the_password_unlocks_and_every_way_of_locking_locks() {
    let scratch = tempfile::tempdir().unwrap();
    let pw = scratch.path().join("pw");
    std::fs::write(&pw, format!("{PASSWORD}\n")).unwrap();
    let pw_arg = pw.to_str().unwrap().to_owned();
    let app = App::start(|dir| {
        cli(
            dir,
            &[
                "add",
                &format!("otpauth://totp/GitHub:alice?secret={RFC_SEED}&issuer=GitHub"),
            ],
        );
        cli(
            dir,
            &[
                "add",
                "otpauth://totp/Bank:bob?secret=JBSWY3DPEHPK3PXP&issuer=Bank",
            ],
        );
        cli(dir, &["lock", "on", "--new-password-file", &pw_arg]);
        std::fs::write(dir.join("settings.json"), r#"{"autoLockSecs": 6}"#).unwrap();
    })
    .await;
    let dir = app.data_dir.path().to_owned();

    eprintln!("step: Locked at start");
    // Locked at start: the lock screen, and no account name anywhere in the page.
    wait_for_lock_screen(&app, Duration::from_secs(20)).await;
    let text = page_text(&app).await;
    assert!(!text.contains("GitHub") && !text.contains("Bank"), "{text}");

    eprintln!("step: Every command from the webview");
    // Every command from the webview is refused as locked, except the lock's own few, which say nothing
    // of the accounts.
    let commands: Vec<String> = all_commands()
        .into_iter()
        .filter(|c| c != "unlock" && c != "show_unlock")
        .collect();
    assert!(commands.len() > 50, "{commands:?}");
    let results = app
        .client
        .execute_async(
            r#"const [commands, done] = arguments;
               (async () => {
                 const out = {};
                 // A superset of the arguments commands take; the gate refuses before any is read.
                 const args = { id: "0000000000000000", ids: [], query: "x", password: "x", text: "x",
                   uri: "x", token: "x", selected: [], format: "aegis", mode: "single", step: "x" };
                 for (const c of commands) {
                   try { out[c] = { ok: JSON.stringify(await window.__TAURI_INTERNALS__.invoke(c, args)) }; }
                   catch (e) { out[c] = { err: e }; }
                 }
                 done(out);
               })();"#,
            vec![serde_json::json!(commands)],
        )
        .await
        .unwrap();
    for command in &commands {
        let result = &results[command];
        let shown = result.to_string();
        assert!(
            !shown.contains("GitHub") && !shown.contains("Bank") && !shown.contains("alice"),
            "{command} revealed an account while locked: {shown}"
        );
        if !ALLOWED.contains(&command.as_str()) {
            assert_eq!(
                result["err"]["code"], "locked",
                "{command} was not refused as locked: {shown}"
            );
        }
    }

    eprintln!("step: The tray lists no account");
    // The tray lists no account, only "Unlock…".
    let pid = app.pid();
    let menu = std::sync::Arc::new(
        tokio::task::spawn_blocking(move || TrayMenu::find(pid))
            .await
            .unwrap(),
    );
    tray(&menu, |menu| {
        wait_until("the tray's locked menu", Duration::from_secs(10), || {
            menu.labels() == ["Tock is locked", "", "Unlock…", "Quit"]
        })
    })
    .await;

    eprintln!("step: A wrong password is named");
    // A wrong password is named and the field cleared; after the wait the right one shows the codes.
    unlock(&app, "wrong password").await;
    let error = app.text_of("unlock-error").await;
    assert!(error.to_lowercase().contains("wrong password"), "{error}");
    tokio::time::sleep(Duration::from_millis(1200)).await;
    app.eventually("the unlock button enabled after the wait", || async {
        app.find("unlock-button")
            .await
            .is_enabled()
            .await
            .unwrap_or(false)
    })
    .await;
    unlock(&app, PASSWORD).await;
    app.find("account-list").await;
    let code = cli(&dir, &["--password-file", &pw_arg, "code", "GitHub"]);
    app.eventually("GitHub's current code on screen", || async {
        let text = page_text(&app).await;
        text.contains("GitHub") && text.replace(' ', "").contains(&code)
    })
    .await;

    eprintln!("step: The header's button locks.");
    // The header's button locks.
    app.click("lock-button").await;
    wait_for_lock_screen(&app, Duration::from_secs(5)).await;
    assert!(!page_text(&app).await.contains("GitHub"));

    eprintln!("step: Unlocked again, the tray");
    // Unlocked again, the tray offers Lock, and it locks.
    unlock(&app, PASSWORD).await;
    app.find("account-list").await;
    tray(&menu, |menu| {
        wait_until("the tray's Lock item", Duration::from_secs(10), || {
            menu.labels().iter().any(|l| l == "Lock")
        });
        menu.click("Lock");
    })
    .await;
    wait_for_lock_screen(&app, Duration::from_secs(5)).await;

    eprintln!("step: Unlocked once more");
    // Unlocked once more and left alone: the idle lock (6 s) locks by itself.
    unlock(&app, PASSWORD).await;
    app.find("account-list").await;
    let unlocked_at = Instant::now();
    wait_for_lock_screen(&app, Duration::from_secs(15)).await;
    assert!(
        unlocked_at.elapsed() >= Duration::from_secs(5),
        "locked too early: {:?}",
        unlocked_at.elapsed()
    );
    assert!(!page_text(&app).await.contains("GitHub"));

    // Unlocked, then the screen saver starts (its signal on the session bus, sent by another client): locked.
    eprintln!("step: the screen saver starts");
    unlock(&app, PASSWORD).await;
    app.find("account-list").await;
    tokio::task::spawn_blocking(|| {
        let conn = zbus::blocking::Connection::session().expect("session bus");
        conn.emit_signal(
            None::<&str>,
            "/org/freedesktop/ScreenSaver",
            "org.freedesktop.ScreenSaver",
            "ActiveChanged",
            &(true,),
        )
        .expect("the signal is sent");
    })
    .await
    .unwrap();
    // Within 3 s of unlocking: the idle lock (6 s) cannot be what locked it.
    wait_for_lock_screen(&app, Duration::from_secs(3)).await;
    app.close().await;
}
