//! Commands on accounts and codes: list, codes, add, rename, move, favourite, delete, copy, and the quick
//! search's list.
use tauri::{AppHandle, State};
use tock_ops::accounts::{AccountView, AddPreview, AddRequest};
use tock_ops::codes::CodesSnapshot;
use tock_ops::copy::CopyReport;
use tock_ops::session::parse_id;
use tock_ops::{Result, Session};

use crate::desktop::clock::{now, now_ms};
use crate::window::events::notify_changed;

#[tauri::command]
pub fn list_accounts(session: State<'_, Session>) -> Result<Vec<AccountView>> {
    session.accounts()
}

#[tauri::command]
pub fn get_codes(session: State<'_, Session>) -> Result<CodesSnapshot> {
    session.snapshot(now_ms())
}

#[tauri::command]
pub fn preview_add(session: State<'_, Session>, request: AddRequest) -> Result<AddPreview> {
    session.preview(&request)
}

#[tauri::command]
pub fn add_account(
    app: AppHandle,
    session: State<'_, Session>,
    request: AddRequest,
) -> Result<AccountView> {
    let view = session.add(&request, now())?;
    notify_changed(&app);
    Ok(view)
}

#[tauri::command]
pub fn rename_account(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    issuer: String,
    name: String,
) -> Result<AccountView> {
    let view = session.rename(&parse_id(&id)?, &issuer, &name)?;
    notify_changed(&app);
    Ok(view)
}

#[tauri::command]
pub fn move_account(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    to: usize,
) -> Result<()> {
    session.move_to(&parse_id(&id)?, to)?;
    notify_changed(&app);
    Ok(())
}

#[tauri::command]
pub fn delete_account(app: AppHandle, session: State<'_, Session>, id: String) -> Result<()> {
    session.delete(&parse_id(&id)?)?;
    notify_changed(&app);
    Ok(())
}

/// Copies an account's code, marked as sensitive and cleared later (see [`crate::window::copy`]).
#[tauri::command]
pub fn copy_code(app: AppHandle, id: String) -> Result<CopyReport> {
    crate::window::copy::copy(&app, &parse_id(&id)?)
}

/// Pins an account to the top of the tray menu and the quick search, or unpins it.
#[tauri::command]
pub fn set_favourite(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    favourite: bool,
) -> Result<AccountView> {
    let view = session.set_favourite(&parse_id(&id)?, favourite)?;
    notify_changed(&app);
    Ok(view)
}

/// The accounts in quick-access order (favourites, recently used, the rest), for the quick search.
#[tauri::command]
pub fn quick_accounts(session: State<'_, Session>) -> Result<Vec<AccountView>> {
    session.quick_accounts()
}

/// Hides the quick search.
#[tauri::command]
pub fn close_palette(app: AppHandle) {
    crate::window::palette::close(&app);
}

/// The window calls this once its first codes are painted. With TOCK_EXIT_AFTER_PAINT set (start-up
/// benchmarks), Tock prints "painted" and exits.
#[tauri::command]
pub fn ui_painted(app: AppHandle) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || crate::window::tray::create_once(&handle));
    if std::env::var_os("TOCK_EXIT_AFTER_PAINT").is_some() {
        println!("painted");
        app.exit(0);
    }
}
