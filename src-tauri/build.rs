/// Tock's own commands: each gets an `allow-…` permission, and the main window's capability in
/// tauri.conf.json grants exactly these (plus listening to events).
const COMMANDS: &[&str] = &[
    "list_accounts",
    "get_codes",
    "preview_add",
    "add_account",
    "rename_account",
    "move_account",
    "delete_account",
    "copy_code",
    "set_favourite",
    "quick_accounts",
    "close_palette",
    "get_settings",
    "save_settings",
    "ui_painted",
    "recognise_backup_codes",
    "open_backup_codes_file",
    "save_backup_codes",
    "reveal_backup_codes",
    "use_backup_code",
    "confirm_backup_offline",
    "backup_walkthrough_wanted",
    "set_backup_walkthrough",
    "export_backup_codes",
    "open_backup_sheet",
    "scan_screen",
    "scan_clipboard",
    "save_scanned",
    "discard_scanned",
    "open_image_files",
    "list_cameras",
    "start_camera",
    "stop_camera",
    "open_import_file",
    "unlock_import",
    "finish_import",
    "cancel_import",
    "export_accounts",
    "transfer_codes",
    "get_moves",
    "set_verified",
    "start_relink",
    "set_relink_step",
    "set_relink_new",
    "finish_relink",
    "cancel_relink",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri.conf.json and the command list must be valid");
}
