//! The tray icon's side of the window: its menu lists the vault's accounts, and its items copy a code, open
//! the window or quit.
use tauri::{AppHandle, Manager};
use tock_core::Account;
use tock_ops::Session;

use crate::desktop::clipboard::AppClipboard;
use crate::desktop::tray;
use crate::desktop::tray_menu::{Action, LockItem};

/// The accounts the menu lists; a vault that cannot be read lists none (the window says why).
fn accounts(app: &AppHandle) -> Vec<Account> {
    app.state::<Session>()
        .doc()
        .map(|doc| doc.accounts)
        .unwrap_or_default()
}

/// The lock as the menu shows it.
fn lock_item(app: &AppHandle) -> LockItem {
    let session = app.state::<Session>();
    match (session.lock_enabled(), session.is_locked()) {
        (false, _) => LockItem::Off,
        (true, false) => LockItem::Unlocked,
        (true, true) => LockItem::Locked,
    }
}

/// Creates the tray icon once, after the window's first paint (`ui_painted`) or, failing that, a few seconds
/// after start: the tray's D-Bus set-up then does not delay the first codes on screen. Main thread only.
pub fn create_once(app: &AppHandle) {
    tray::create_once(app, &accounts(app), lock_item(app), on_action);
}

/// Rebuilds the menu after accounts changed.
pub fn refresh(app: &AppHandle) {
    tray::refresh(app, &accounts(app), lock_item(app));
}

/// Does what a menu item says.
fn on_action(app: &AppHandle, action: Action) {
    match action {
        // Off the main thread: the keychain and the vault file are read, the notification is sent.
        Action::Copy(id) => {
            let app = app.clone();
            std::thread::spawn(move || {
                let copied =
                    tock_ops::session::parse_id(&id).and_then(|id| super::copy::copy(&app, &id));
                if let Err(e) = copied {
                    eprintln!("error: {}", e.message);
                }
            });
        }
        Action::Open => super::main_window::show(app),
        Action::Lock => super::commands::lock::lock(app),
        Action::Quit => {
            app.state::<AppClipboard>().clear_pending();
            app.exit(0);
        }
    }
}
