//! The backup-code commands (thin, over [`tock_ops::backup`]). Using a code copies it from Rust (the webview
//! gets the count left); the native file dialogs are opened from Rust and the files are read and written
//! here, so the webview needs no dialog or file permission.
use std::path::PathBuf;
use std::sync::Mutex;

use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tock_ops::accounts::AccountView;
use tock_ops::backup::{
    suggested_file_name, BackupCodeView, CopyFormat, RecognisedCodes, UsedBackupCode,
};
use tock_ops::session::parse_id;
use tock_ops::{Error, ErrorCode, Result, Session};
use zeroize::Zeroizing;

use crate::desktop::clock::now;
use crate::window::events::notify_changed;

/// The HTML sheet saved last, which "Open for printing" may open (and nothing else).
#[derive(Default)]
pub struct BackupState {
    last_sheet: Mutex<Option<PathBuf>>,
}

/// Finds the codes in pasted text.
#[tauri::command]
pub fn recognise_backup_codes(text: Zeroizing<String>) -> RecognisedCodes {
    RecognisedCodes::from_text(&text, None)
}

/// Opens the native file dialog (from Rust) and reads the codes from the chosen file; null if cancelled.
#[tauri::command]
pub async fn open_backup_codes_file(app: AppHandle) -> Result<Option<RecognisedCodes>> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Open the backup codes the site gave you")
            .add_filter("Text", &["txt", "text", "md", "csv", "tsv"])
            .blocking_pick_file()
    })
    .await
    .map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
    match picked.and_then(|p| p.into_path().ok()) {
        Some(path) => RecognisedCodes::from_file(&path).map(Some),
        None => Ok(None),
    }
}

/// Stores the codes the person checked; `replace` must be set to replace a stored set.
#[tauri::command]
pub fn save_backup_codes(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    codes: Vec<Zeroizing<String>>,
    replace: bool,
) -> Result<AccountView> {
    let view = session.save_backup_codes(&parse_id(&id)?, &codes, replace, now())?;
    notify_changed(&app);
    Ok(view)
}

/// The stored codes, for the person who asked to see them.
#[tauri::command]
pub fn reveal_backup_codes(session: State<'_, Session>, id: String) -> Result<Vec<BackupCodeView>> {
    session.reveal_backup_codes(&parse_id(&id)?)
}

/// Marks `code` (or the next unused code) used and copies it to the clipboard.
#[tauri::command]
pub fn use_backup_code(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    code: Option<Zeroizing<String>>,
) -> Result<UsedBackupCode> {
    let code = code.as_deref().map(String::as_str);
    let (used, left) = session.use_backup_code(&parse_id(&id)?, code, now())?;
    crate::window::copy::copy_text(&app, used)?;
    notify_changed(&app);
    Ok(left)
}

/// Records where the person keeps the copy away from this computer.
#[tauri::command]
pub fn confirm_backup_offline(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    place: String,
) -> Result<AccountView> {
    let view = session.confirm_backup_offline(&parse_id(&id)?, &place, now())?;
    notify_changed(&app);
    Ok(view)
}

/// Whether to walk the person through backup codes after each enrolment.
#[tauri::command]
pub fn backup_walkthrough_wanted(session: State<'_, Session>) -> Result<bool> {
    session.backup_walkthrough_wanted()
}

/// "Don't ask again" (false), or asking again (true).
#[tauri::command]
pub fn set_backup_walkthrough(session: State<'_, Session>, ask: bool) -> Result<()> {
    session.set_backup_walkthrough(ask)
}

/// Saves an offline copy where the person chooses in the native save dialog; returns the file's path, or
/// null if they cancelled.
#[tauri::command]
pub async fn export_backup_codes(
    app: AppHandle,
    id: String,
    format: CopyFormat,
) -> Result<Option<String>> {
    let id = parse_id(&id)?;
    let doc = app.state::<Session>().doc()?;
    let account = doc.get(&id).ok_or_else(Error::gone)?;
    let extension = format.extension();
    let filter = match format {
        CopyFormat::Txt => "Text",
        CopyFormat::Html => "Web page (to print)",
    };
    let suggested = suggested_file_name(&account.issuer, &account.name, extension);
    let dialog_app = app.clone();
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let mut dialog = dialog_app
            .dialog()
            .file()
            .set_title("Save a copy of the backup codes")
            .set_file_name(suggested)
            .add_filter(filter, &[extension]);
        if let Ok(folder) = dialog_app.path().document_dir() {
            dialog = dialog.set_directory(folder);
        }
        dialog.blocking_save_file()
    })
    .await
    .map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    app.state::<Session>()
        .export_backup_codes(&id, format, &path, now())?;
    if format == CopyFormat::Html {
        *app.state::<BackupState>()
            .last_sheet
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(path.clone());
    }
    Ok(Some(path.display().to_string()))
}

/// Opens the HTML sheet saved last in the default browser, to print it. Only that file can be opened.
#[tauri::command]
pub fn open_backup_sheet(backup: State<'_, BackupState>) -> Result<()> {
    let path = backup
        .last_sheet
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .ok_or_else(|| Error::invalid("Save the sheet first, then open it for printing."))?;
    open_in_browser(&path).map_err(|e| {
        Error::new(
            ErrorCode::Internal,
            format!(
                "The sheet could not be opened ({e}). Open {} yourself to print it.",
                path.display()
            ),
        )
    })
}

fn open_in_browser(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(not(any(target_os = "macos", windows)))]
    let mut command = std::process::Command::new("xdg-open");
    #[cfg(target_os = "macos")]
    let mut command = std::process::Command::new("open");
    #[cfg(windows)]
    let mut command = {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    };
    command.arg(path).spawn().map(|_| ())
}
