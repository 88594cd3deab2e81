//! How the main window lives beside the tray: a second launch focuses it (or opens the quick search with
//! `--quick-search`), closing it hides it in the tray when the settings say so, and it can start hidden.
use tauri::{AppHandle, Manager, Window, WindowEvent};
use tock_ops::settings::SettingsStore;

use crate::desktop::clipboard::AppClipboard;
use crate::desktop::shortcut::QUICK_SEARCH_FLAG;
use crate::desktop::tray;

/// The main window's label.
pub const MAIN: &str = "main";

/// A second launch on the same vault: opens the quick search if asked, else shows this window.
pub fn on_second_launch(app: &AppHandle, argv: &[String]) {
    if argv.iter().any(|a| a == QUICK_SEARCH_FLAG) {
        super::palette::open(app);
    } else {
        show(app);
    }
}

/// Shows, unminimises and focuses the main window.
pub fn show(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// At start-up: hides the main window when the settings say to start in the tray.
pub fn setup(app: &AppHandle) {
    if app.state::<SettingsStore>().get().start_minimised {
        if let Some(window) = app.get_webview_window(MAIN) {
            let _ = window.hide();
        }
    }
}

/// Closing the main window hides it when "close to tray" is on and there is a tray icon; once the main
/// window is really closed Tock ends (even if the quick search window exists, hidden).
pub fn on_window_event(window: &Window, event: &WindowEvent) {
    if window.label() != MAIN {
        return;
    }
    let app = window.app_handle();
    match event {
        WindowEvent::CloseRequested { api, .. }
            if app.state::<SettingsStore>().get().close_to_tray && tray::exists(app) =>
        {
            api.prevent_close();
            let _ = window.hide();
        }
        WindowEvent::Destroyed => {
            app.state::<AppClipboard>().clear_pending();
            app.exit(0);
        }
        _ => {}
    }
}
