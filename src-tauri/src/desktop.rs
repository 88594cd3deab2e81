//! How the window lives beside the tray: one running Tock per vault (a second launch focuses it, or opens
//! the quick search with `--quick-search`), closing to the tray, starting hidden.
use std::path::Path;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Manager, Window, WindowEvent, Wry};

use crate::settings::SettingsState;

/// The main window's label.
pub const MAIN: &str = "main";

/// The flag that opens the quick search (also in a running Tock); desktops' own shortcut settings can run
/// `tock --quick-search` where Tock cannot register a global shortcut itself (Wayland).
pub const QUICK_SEARCH_FLAG: &str = "--quick-search";

/// The single-instance plugin. Instances are told apart by vault: the D-Bus name carries a hash of the
/// data folder, so Tocks on different vaults (and tests side by side) run independently.
pub fn single_instance(data_dir: &Path) -> TauriPlugin<Wry> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(data_dir))
        .callback(|app, argv, _cwd| {
            if argv.iter().any(|a| a == QUICK_SEARCH_FLAG) {
                crate::quick::open_palette(app);
            } else {
                show_main(app);
            }
        })
        .build()
}

/// "app.tock.desktop.v" and a hash of the data folder's absolute path (a valid D-Bus name element).
fn instance_id(data_dir: &Path) -> String {
    let path = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_owned());
    // FNV-1a: stable across runs and Rust versions, unlike the standard library's hasher.
    let hash = path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("app.tock.desktop.v{hash:016x}")
}

/// Shows, unminimises and focuses the main window.
pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        let _ = window.show();
        let _ = window.unminimize();
        let _ = window.set_focus();
    }
}

/// At start-up: hides the main window when the settings say to start in the tray.
pub fn setup(app: &AppHandle) {
    if app.state::<SettingsState>().get().start_minimised {
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
            if app.state::<SettingsState>().get().close_to_tray && crate::tray::exists(app) =>
        {
            api.prevent_close();
            let _ = window.hide();
        }
        WindowEvent::Destroyed => {
            app.state::<crate::clipboard::AppClipboard>()
                .clear_pending();
            app.exit(0);
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_are_valid_dbus_names_per_vault() {
        let a = instance_id(Path::new("/home/alice/.local/share/tock"));
        let b = instance_id(Path::new("/tmp/other-vault"));
        assert_ne!(a, b);
        assert_eq!(a, instance_id(Path::new("/home/alice/.local/share/tock")));
        let last = a.rsplit('.').next().unwrap();
        assert!(last.starts_with('v') && last.len() == 17, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    }
}
