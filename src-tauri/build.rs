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
    "ui_painted",
    "scan_screen",
    "scan_clipboard",
    "save_scanned",
    "discard_scanned",
];

fn main() {
    let attributes = tauri_build::Attributes::new()
        .config_path("../tauri.conf.json")
        .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    tauri_build::try_build(attributes).expect("tauri.conf.json and the command list must be valid");
}
