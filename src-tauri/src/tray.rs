//! The system-tray icon. Its menu is [`crate::menu`]'s model (favourites, recently used, the rest, "More…",
//! "Open Tock", "Quit"), rebuilt whenever accounts change ([`refresh`], called by `app::notify_changed`).
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::clipboard::AppClipboard;
use crate::menu::{self, Action, Item};
use crate::state::AppState;

/// The tray icon's id (tests find its menu on D-Bus by it).
pub const TRAY_ID: &str = "main-tray";

static CREATED: AtomicBool = AtomicBool::new(false);

fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    // A vault that cannot be read lists no accounts; the window says why.
    let accounts = app
        .state::<AppState>()
        .with_vault(|v| Ok(v.doc().accounts.clone()))
        .unwrap_or_default();
    let menu = Menu::new(app)?;
    for item in menu::items(&accounts) {
        if item == Item::Separator {
            menu.append(&PredefinedMenuItem::separator(app)?)?;
        } else {
            menu.append(&MenuItem::with_id(
                app,
                item.id(),
                item.text(),
                item.enabled(),
                None::<&str>,
            )?)?;
        }
    }
    Ok(menu)
}

/// Creates the tray icon once, after the window's first paint (`ui_painted`) or, failing that, a few seconds
/// after start: the tray's D-Bus set-up then does not delay the first codes on screen. Main thread only.
pub fn create_once(app: &AppHandle) {
    if CREATED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Err(e) = create(app) {
        eprintln!("warning: the tray icon could not be created ({e}); the window works without it");
    }
}

/// Whether the tray icon exists (closing the window to the tray needs it).
pub fn exists(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

fn create(app: &AppHandle) -> tauri::Result<()> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Tock")
        .menu(&build_menu(app)?)
        .on_menu_event(|app, event| {
            if let Some(action) = menu::action(event.id().as_ref()) {
                run(app, action);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Does what a menu item says.
fn run(app: &AppHandle, action: Action) {
    match action {
        // Off the main thread: the keychain and the vault file are read, the notification is sent.
        Action::Copy(id) => {
            let app = app.clone();
            std::thread::spawn(move || {
                if let Err(e) = crate::clipboard::copy(&app, &id) {
                    eprintln!("error: {}", e.message);
                }
            });
        }
        Action::Open => crate::desktop::show_main(app),
        Action::Quit => {
            app.state::<AppClipboard>().clear_pending();
            app.exit(0);
        }
    }
}

/// Rebuilds the menu after accounts changed.
pub fn refresh(app: &AppHandle) {
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), build_menu(app)) {
        let _ = tray.set_menu(Some(menu));
    }
}
