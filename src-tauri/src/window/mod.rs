//! The window: Tauri set-up (plugins, state, commands, window events), the code ticker and change
//! notifications, the tray's and the quick search's reactions. Commands are thin: deserialize, call one
//! operation of [`tock_ops`], tell the window what changed, return.
use std::path::Path;
use std::time::Duration;

use tauri::Manager;
use tock_ops::autobackup::AutoBackupStore;
use tock_ops::moves::MovesStore;
use tock_ops::settings::SettingsStore;
use tock_ops::Session;

use crate::desktop;

mod commands;
mod copy;
mod events;
mod main_window;
mod palette;
mod tray;

/// Every command passes the lock's gate first ([`commands::lock::refuse_while_locked`]).
fn gated(
    handler: impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static,
) -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
    move |invoke| {
        let app = invoke.message.webview().app_handle().clone();
        if let Some(refusal) = commands::lock::refuse_while_locked(&app, invoke.message.command()) {
            invoke.resolver.reject(refusal);
            return true;
        }
        handler(invoke)
    }
}

/// Opens the window on the vault in `data_dir` (or, if Tock already runs on it, focuses that window; with
/// `quick_search`, opens the quick search).
pub fn run(data_dir: &Path, quick_search: bool) -> Result<(), String> {
    // WebKitGTK's DMA-BUF renderer repaints the whole window through (often software) GL at every step of
    // the countdown rings: without it idle CPU halves (docs/PERFORMANCE.md). It also avoids WebKitGTK's
    // blank-window bugs on some GPU drivers. A value the user set wins.
    if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
        std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
    }
    let watched = data_dir.to_owned();
    let builder = tauri::Builder::default()
        .plugin(desktop::single_instance::plugin(
            data_dir,
            main_window::on_second_launch,
        ))
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init());
    // On Linux the shortcut is Tock's own X11 grab or the portal (desktop/hotkey.rs, desktop/shortcut.rs).
    #[cfg(not(target_os = "linux"))]
    let builder = builder.plugin(desktop::shortcut::plugin(palette::open));
    builder
        .manage(Session::open(data_dir))
        .manage(events::TickerWake::default())
        .manage(commands::backup::BackupState::default())
        .manage(SettingsStore::open(data_dir))
        .manage(MovesStore::open(data_dir))
        .manage(AutoBackupStore::open(data_dir))
        .manage(commands::autobackup::RestoreState::default())
        .manage(commands::transfer::ImportState::default())
        .manage(commands::trouble::ClockState::default())
        .manage(commands::lock::Activity::default())
        .manage(desktop::clipboard::AppClipboard::default())
        .manage(desktop::shortcut::ShortcutState::new(palette::open))
        .manage(desktop::camera::Cameras::default())
        .invoke_handler(gated(tauri::generate_handler![
            commands::accounts::list_accounts,
            commands::accounts::get_codes,
            commands::accounts::preview_add,
            commands::accounts::add_account,
            commands::accounts::rename_account,
            commands::accounts::move_account,
            commands::accounts::delete_account,
            commands::accounts::copy_code,
            commands::accounts::set_favourite,
            commands::accounts::quick_accounts,
            commands::accounts::close_palette,
            commands::accounts::ui_painted,
            commands::settings::get_settings,
            commands::settings::save_settings,
            commands::backup::recognise_backup_codes,
            commands::backup::open_backup_codes_file,
            commands::backup::save_backup_codes,
            commands::backup::reveal_backup_codes,
            commands::backup::use_backup_code,
            commands::backup::confirm_backup_offline,
            commands::backup::backup_walkthrough_wanted,
            commands::backup::set_backup_walkthrough,
            commands::backup::export_backup_codes,
            commands::backup::open_backup_sheet,
            commands::scan::scan_screen,
            commands::scan::scan_clipboard,
            commands::scan::save_scanned,
            commands::scan::discard_scanned,
            commands::scan::open_image_files,
            commands::camera::list_cameras,
            commands::camera::start_camera,
            commands::camera::stop_camera,
            commands::transfer::open_import_file,
            commands::transfer::unlock_import,
            commands::transfer::finish_import,
            commands::transfer::cancel_import,
            commands::transfer::export_accounts,
            commands::transfer::transfer_codes,
            commands::transfer::get_moves,
            commands::transfer::set_verified,
            commands::transfer::start_relink,
            commands::transfer::set_relink_step,
            commands::transfer::set_relink_new,
            commands::transfer::finish_relink,
            commands::transfer::cancel_relink,
            commands::trouble::get_clock,
            commands::trouble::check_clock,
            commands::trouble::set_clock_correction,
            commands::trouble::troubleshoot,
            commands::trouble::set_sign_in,
            commands::lock::lock_status,
            commands::lock::unlock,
            commands::lock::lock_now,
            commands::lock::note_activity,
            commands::lock::enable_lock,
            commands::lock::disable_lock,
            commands::lock::change_lock_password,
            commands::lock::set_storage,
            commands::lock::show_unlock,
            commands::autobackup::auto_backup_status,
            commands::autobackup::choose_backup_folder,
            commands::autobackup::set_auto_backup,
            commands::autobackup::turn_off_auto_backup,
            commands::autobackup::backup_now,
            commands::autobackup::open_restore_file,
            commands::autobackup::unlock_restore,
            commands::autobackup::finish_restore,
            commands::autobackup::cancel_restore,
        ]))
        .on_window_event(|window, event| {
            main_window::on_window_event(window, event);
            palette::on_window_event(window, event);
            commands::camera::on_window_event(window, event);
            // Image files dropped on the window are scanned in Rust; the UI gets the report.
            if let tauri::WindowEvent::DragDrop(tauri::DragDropEvent::Drop { paths, .. }) = event {
                let app = window.app_handle().clone();
                let paths = paths.clone();
                std::thread::spawn(move || commands::scan::scan_and_report(&app, &paths));
            }
        })
        .setup(move |app| {
            main_window::setup(app.handle());
            desktop::shortcut::setup(app.handle());
            commands::trouble::start(app.handle());
            commands::lock::start(app.handle());
            let locker = app.handle().clone();
            desktop::session_lock::watch(move || {
                if locker.state::<SettingsStore>().get().lock_on_session_lock {
                    commands::lock::lock(&locker);
                }
            });
            commands::autobackup::start(app.handle());
            if quick_search {
                palette::open(app.handle());
            }
            let (look, tell) = (app.handle().clone(), app.handle().clone());
            desktop::watch::start(
                &watched,
                tock_store::VAULT_FILE,
                move || look.state::<Session>().doc().ok(),
                move || events::notify_changed(&tell),
            );
            // A lock turned on or off by the CLI reaches the window at once.
            let told = app.handle().clone();
            let storage_dir = watched.clone();
            desktop::watch::start(
                &watched,
                tock_store::storage::STORAGE_FILE,
                move || tock_store::StorageState::load(&storage_dir).ok(),
                move || commands::lock::announce(&told),
            );
            let handle = app.handle().clone();
            std::thread::spawn(move || handle.state::<Session>().preload());
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(3));
                let app = handle.clone();
                let _ = handle.run_on_main_thread(move || tray::create_once(&app));
            });
            tauri::async_runtime::spawn(events::ticker(app.handle().clone()));
            Ok(())
        })
        .run(tauri::generate_context!("../tauri.conf.json"))
        .map_err(|e| format!("the window could not be opened: {e}"))
}
