//! The system-tray icon. Its menu is [`super::tray_menu`]'s model (favourites, recently used, the rest,
//! "More…", "Open Tock", "Quit"), built from the accounts the face hands in and rebuilt when they change;
//! what a click does is the face's (an [`OnAction`]).
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Wry};
use tock_core::Account;

use super::tray_menu::{self, Action, Item, LockItem};

/// The tray icon's id (tests find its menu on D-Bus by it).
pub const TRAY_ID: &str = "main-tray";

/// What clicking a menu item does (called on the main thread).
pub type OnAction = fn(&AppHandle, Action);

static CREATED: AtomicBool = AtomicBool::new(false);

fn build_menu(app: &AppHandle, accounts: &[Account], lock: LockItem) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    for item in tray_menu::items(accounts, lock) {
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

/// Creates the tray icon once (later calls do nothing), listing `accounts`. Main thread only.
pub fn create_once(app: &AppHandle, accounts: &[Account], lock: LockItem, on_action: OnAction) {
    if CREATED.swap(true, Ordering::SeqCst) {
        return;
    }
    if let Err(e) = create(app, accounts, lock, on_action) {
        eprintln!("warning: the tray icon could not be created ({e}); the window works without it");
    }
}

/// Whether the tray icon exists (closing the window to the tray needs it).
pub fn exists(app: &AppHandle) -> bool {
    app.tray_by_id(TRAY_ID).is_some()
}

fn create(
    app: &AppHandle,
    accounts: &[Account],
    lock: LockItem,
    on_action: OnAction,
) -> tauri::Result<()> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Tock")
        .menu(&build_menu(app, accounts, lock)?)
        .on_menu_event(move |app, event| {
            if let Some(action) = tray_menu::action(event.id().as_ref()) {
                on_action(app, action);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Rebuilds the menu for `accounts` (after they changed).
pub fn refresh(app: &AppHandle, accounts: &[Account], lock: LockItem) {
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), build_menu(app, accounts, lock)) {
        let _ = tray.set_menu(Some(menu));
    }
}
