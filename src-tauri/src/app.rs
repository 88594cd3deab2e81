//! The window: Tauri set-up, the code ticker and change notifications.
use std::path::Path;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use tauri::{AppHandle, Emitter, Manager};
use tokio::sync::Notify;

use crate::ipc::AccountView;
use crate::state::AppState;
use crate::{commands, tray};

/// Wakes the ticker when accounts change (their periods may have).
struct TickerWake(Notify);

/// Milliseconds since the Unix epoch (the only clock reading in Tock's window).
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Opens the window on the vault in `data_dir` (or, if Tock already runs on it, focuses that window; with
/// `quick_search`, opens the quick search).
pub fn run(data_dir: &Path, quick_search: bool) -> Result<(), String> {
    let watched = data_dir.to_owned();
    let builder = tauri::Builder::default()
        .plugin(crate::desktop::single_instance(data_dir))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init());
    // On Linux the shortcut is Tock's own X11 grab or the portal (hotkey.rs, quick.rs).
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(crate::quick::plugin());
    builder
        .manage(AppState::open(data_dir))
        .manage(TickerWake(Notify::new()))
        .manage(crate::backup_window::BackupState::new(data_dir))
        .manage(crate::settings::SettingsState::open(data_dir))
        .manage(crate::clipboard::AppClipboard::default())
        .manage(crate::quick::QuickState::default())
        .manage(crate::camera::Cameras::default())
        .invoke_handler(tauri::generate_handler![
            commands::list_accounts,
            commands::get_codes,
            commands::preview_add,
            commands::add_account,
            commands::rename_account,
            commands::move_account,
            commands::delete_account,
            commands::copy_code,
            commands::set_favourite,
            commands::quick_accounts,
            commands::close_palette,
            commands::get_settings,
            commands::save_settings,
            commands::ui_painted,
            crate::backup_window::recognise_backup_codes,
            crate::backup_window::open_backup_codes_file,
            crate::backup_window::save_backup_codes,
            crate::backup_window::reveal_backup_codes,
            crate::backup_window::use_backup_code,
            crate::backup_window::confirm_backup_offline,
            crate::backup_window::backup_walkthrough_wanted,
            crate::backup_window::set_backup_walkthrough,
            crate::backup_window::export_backup_codes,
            crate::backup_window::open_backup_sheet,
            commands::scan_screen,
            commands::scan_clipboard,
            commands::save_scanned,
            commands::discard_scanned,
            commands::open_image_files,
            commands::list_cameras,
            commands::start_camera,
            commands::stop_camera,
        ])
        .on_window_event(|window, event| {
            crate::desktop::on_window_event(window, event);
            crate::quick::on_window_event(window, event);
            crate::camera::on_window_event(window, event);
            // Image files dropped on the window are scanned in Rust; the UI gets the report.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let app = window.app_handle().clone();
                let paths = paths.clone();
                std::thread::spawn(move || commands::scan_and_report(&app, &paths));
            }
        })
        .setup(move |app| {
            crate::desktop::setup(app.handle());
            crate::quick::setup(app.handle(), quick_search);
            crate::watch::start(app.handle(), &watched);
            let handle = app.handle().clone();
            std::thread::spawn(move || handle.state::<AppState>().preload());
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(3));
                let app = handle.clone();
                let _ = handle.run_on_main_thread(move || tray::create_once(&app));
            });
            tauri::async_runtime::spawn(ticker(app.handle().clone()));
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .map_err(|e| format!("the window could not be opened: {e}"))
}

/// Tells the window, the tray and the ticker that accounts or codes changed.
pub fn notify_changed(app: &AppHandle) {
    let state = app.state::<AppState>();
    if let Ok(accounts) = state.accounts() {
        let _ = app.emit::<Vec<AccountView>>("accounts-changed", accounts);
    }
    emit_codes(app);
    tray::refresh(app);
    app.state::<TickerWake>().0.notify_one();
}

fn emit_codes(app: &AppHandle) {
    if let Ok(snapshot) = app.state::<AppState>().snapshot(now_ms()) {
        let _ = app.emit("codes-changed", snapshot);
    }
}

/// How long before a code changes the window shows the next one and turns the ring to its warning colour.
pub const EXPIRING_MS: u64 = 5_000;

/// Sleeps until the next period boundary of any account, then sends the new codes; and 5 s before it, sends
/// the ids of the codes about to change (`codes-expiring`). No polling: with 30-second accounts the window
/// hears from Rust four times a minute.
async fn ticker(app: AppHandle) {
    loop {
        let now = now_ms();
        let state = app.state::<AppState>();
        let change = state.next_change_ms(now, 0);
        let warn = state.next_change_ms(now, EXPIRING_MS);
        let next = match (change, warn) {
            (Some(c), Some(w)) => Some(c.min(w)),
            (c, w) => c.or(w),
        };
        let wait = next
            .map(|t| t.saturating_sub(now) + 5)
            .unwrap_or(60_000)
            .min(60_000);
        let wake = &app.state::<TickerWake>().0;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {
                if next.is_some() && next == change {
                    emit_codes(&app);
                }
                let expiring = app.state::<AppState>().expiring(now_ms(), EXPIRING_MS + 50);
                if !expiring.is_empty() && next != change {
                    let _ = app.emit("codes-expiring", expiring);
                }
            }
            _ = wake.notified() => {}
        }
    }
}
