//! The quick-search shortcut on Wayland through the xdg-desktop-portal GlobalShortcuts interface, against a
//! fake portal (`tock_e2e::fake_portal`) on the app's session bus: the app runs with WAYLAND_DISPLAY set (GTK
//! still draws on Xvfb, GDK_BACKEND=x11), binds its shortcut through the portal, reports the trigger the
//! portal chose in Settings, opens the palette when the portal says the shortcut was pressed, and binds a
//! changed shortcut again; without a portal it says so plainly. The tests take turns: the fake portal owns
//! a well-known name on the shared session bus.
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use tock_e2e::fake_portal::{Answer, FakePortal, CHOSEN_TRIGGER};
use tock_e2e::{visible_window, wait_until, App, PALETTE_TITLE};

/// One test at a time owns (or leaves free) the portal's name on the session bus.
static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The Settings dialog's words about the shortcut (the dialog is opened and closed again).
async fn shortcut_status(app: &App) -> String {
    app.click("settings-button").await;
    let status = app.text_of("settings-shortcut-status").await;
    app.close_settings().await;
    status
}

#[tokio::test(flavor = "multi_thread")]
async fn the_shortcut_is_bound_through_the_portal_opens_the_palette_and_is_bound_again() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .expect("a session bus: run through scripts/with-keyring (scripts/test does)");
    let _turn = TURN.lock().await;
    let portal = FakePortal::serve(&bus, Answer::Cancel);
    let app = App::start_on_wayland().await;

    wait_until("the shortcut is bound through the portal", || {
        !portal.bindings().is_empty()
    });
    let binding = &portal.bindings()[0];
    assert_eq!(binding.shortcuts.len(), 1, "{binding:?}");
    let (id, description, preferred) = &binding.shortcuts[0];
    assert_eq!(id, "quick-search");
    assert!(description.as_deref().is_some_and(|d| !d.is_empty()));
    assert_eq!(
        preferred.as_deref(),
        Some("CTRL+ALT+o"),
        "the default CommandOrControl+Alt+O in the XDG shortcuts syntax"
    );

    // Settings shows the trigger the desktop chose.
    let started = Instant::now();
    let mut status = shortcut_status(&app).await;
    while !status.starts_with("Active") && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        status = shortcut_status(&app).await;
    }
    assert!(
        status.starts_with("Active") && status.contains(CHOSEN_TRIGGER),
        "{status}"
    );

    // The desktop reports the shortcut pressed: the palette opens.
    assert!(!visible_window(PALETTE_TITLE), "no palette before");
    portal.activate("quick-search");
    wait_until("the quick search palette is shown", || {
        visible_window(PALETTE_TITLE)
    });

    // Changing the shortcut in Settings binds it again, in a new session.
    app.click("settings-button").await;
    let field = app.find("settings-shortcut").await;
    field.clear().await.unwrap();
    field.send_keys("Control+Shift+K").await.unwrap();
    field.send_keys(&Key::Enter.to_string()).await.unwrap();
    wait_until("the new shortcut is bound", || portal.bindings().len() == 2);
    let bindings = portal.bindings();
    assert_eq!(bindings[1].shortcuts[0].2.as_deref(), Some("CTRL+SHIFT+k"));
    assert_ne!(
        bindings[0].session_handle, bindings[1].session_handle,
        "a new session"
    );
    // Until the desktop has answered, the dialog stays open and says it is asking.
    let asking = app.text_of("settings-shortcut-status").await;
    assert!(
        asking.contains("Control+Shift+K") || asking.starts_with("Active"),
        "{asking}"
    );
    app.close_settings().await;
    let status = shortcut_status(&app).await;
    assert!(
        status.starts_with("Active") && status.contains(CHOSEN_TRIGGER),
        "{status}"
    );
    app.close().await;
}

/// Without a portal (an older desktop), Settings says so in one sentence and keeps the advice to bind
/// `tock --quick-search` in the desktop's own settings.
#[tokio::test(flavor = "multi_thread")]
async fn without_a_portal_settings_says_so_and_how_to_bind_it_instead() {
    let _turn = TURN.lock().await;
    let app = App::start_on_wayland().await;
    let started = Instant::now();
    let mut status = shortcut_status(&app).await;
    while status.starts_with("Tock is asking") && started.elapsed() < Duration::from_secs(10) {
        tokio::time::sleep(Duration::from_millis(200)).await;
        status = shortcut_status(&app).await;
    }
    assert_eq!(
        status,
        "Your desktop offers no global shortcut portal, so Tock cannot register CommandOrControl+Alt+O \
         itself: add a shortcut in your desktop's keyboard settings that runs `tock --quick-search` instead."
    );
    app.close().await;
}
