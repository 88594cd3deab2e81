//! Tauri commands: one-liners that delegate to [`AppState`] and tell the window and the tray what changed.
use tauri::{AppHandle, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::app::{notify_changed, now_ms};
use crate::ipc::{AccountView, AddPreview, AddRequest, CodesSnapshot, ErrorCode, IpcError};
use crate::state::AppState;

type Result<T> = std::result::Result<T, IpcError>;

#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>> {
    state.accounts()
}

#[tauri::command]
pub fn get_codes(state: State<'_, AppState>) -> Result<CodesSnapshot> {
    state.snapshot(now_ms())
}

#[tauri::command]
pub fn preview_add(state: State<'_, AppState>, request: AddRequest) -> Result<AddPreview> {
    state.preview(&request)
}

#[tauri::command]
pub fn add_account(app: AppHandle, state: State<'_, AppState>, request: AddRequest) -> Result<AccountView> {
    let view = state.add(&request, now_ms() / 1000)?;
    notify_changed(&app);
    Ok(view)
}

#[tauri::command]
pub fn rename_account(app: AppHandle, state: State<'_, AppState>, id: String, issuer: String, name: String) -> Result<AccountView> {
    let view = state.rename(&id, issuer, name)?;
    notify_changed(&app);
    Ok(view)
}

#[tauri::command]
pub fn move_account(app: AppHandle, state: State<'_, AppState>, id: String, to: usize) -> Result<()> {
    state.move_to(&id, to)?;
    notify_changed(&app);
    Ok(())
}

#[tauri::command]
pub fn delete_account(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<()> {
    state.delete(&id)?;
    notify_changed(&app);
    Ok(())
}

#[tauri::command]
pub fn copy_code(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<()> {
    copy(&app, &state, &id)
}

/// Copies an account's current code to the clipboard (the tray uses this too).
pub fn copy(app: &AppHandle, state: &AppState, id: &str) -> Result<()> {
    let code = state.use_code(id, now_ms() / 1000)?;
    app.clipboard()
        .write_text(code)
        .map_err(|e| IpcError::new(ErrorCode::Internal, format!("The code could not be copied to the clipboard ({e}).")))?;
    notify_changed(app);
    Ok(())
}

/// The window calls this once its first codes are painted. With TOCK_EXIT_AFTER_PAINT set (start-up
/// benchmarks), Tock prints "painted" and exits.
#[tauri::command]
pub fn ui_painted(app: AppHandle) {
    if std::env::var_os("TOCK_EXIT_AFTER_PAINT").is_some() {
        println!("painted");
        app.exit(0);
    }
}
