//! The system-tray icon: one menu item per account copies its code; Show and Quit.
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Wry};

use crate::state::AppState;

/// The tray icon's id (tests find its menu on D-Bus by it).
pub const TRAY_ID: &str = "main-tray";
const COPY_PREFIX: &str = "copy:";

fn build_menu(app: &AppHandle) -> tauri::Result<Menu<Wry>> {
    let menu = Menu::new(app)?;
    let accounts = app.state::<AppState>().labels();
    if accounts.is_empty() {
        menu.append(&MenuItem::with_id(
            app,
            "none",
            "No accounts yet",
            false,
            None::<&str>,
        )?)?;
    }
    for (id, label) in accounts {
        menu.append(&MenuItem::with_id(
            app,
            format!("{COPY_PREFIX}{id}"),
            format!("Copy code: {label}"),
            true,
            None::<&str>,
        )?)?;
    }
    menu.append(&PredefinedMenuItem::separator(app)?)?;
    menu.append(&MenuItem::with_id(
        app,
        "show",
        "Show Tock",
        true,
        None::<&str>,
    )?)?;
    menu.append(&MenuItem::with_id(app, "quit", "Quit", true, None::<&str>)?)?;
    Ok(menu)
}

static CREATED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Creates the tray icon once, after the window's first paint (`ui_painted`) or, failing that, a few seconds
/// after start: the tray's D-Bus set-up then does not delay the first codes on screen. Main thread only.
pub fn create_once(app: &AppHandle) {
    if CREATED.swap(true, std::sync::atomic::Ordering::SeqCst) {
        return;
    }
    if let Err(e) = create(app) {
        eprintln!("warning: the tray icon could not be created ({e}); the window works without it");
    }
}

/// Creates the tray icon.
fn create(app: &AppHandle) -> tauri::Result<()> {
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Tock")
        .menu(&build_menu(app)?)
        .on_menu_event(|app, event| {
            let id = event.id().as_ref();
            if let Some(account) = id.strip_prefix(COPY_PREFIX) {
                if let Err(e) = crate::commands::copy(app, &app.state::<AppState>(), account) {
                    eprintln!("error: {}", e.message);
                }
            } else if id == "show" {
                if let Some(window) = app.get_webview_window("main") {
                    let _ = window.show();
                    let _ = window.unminimize();
                    let _ = window.set_focus();
                }
            } else if id == "quit" {
                app.exit(0);
            }
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    Ok(())
}

/// Rebuilds the menu after accounts changed.
pub fn refresh(app: &AppHandle) {
    if let (Some(tray), Ok(menu)) = (app.tray_by_id(TRAY_ID), build_menu(app)) {
        let _ = tray.set_menu(Some(menu));
    }
}
