//! Moving accounts in and out (thin, over [`tock_ops::import`], [`tock_ops::export`] and
//! [`tock_ops::moves`]): import a file in two phases (read it in Rust from the native open dialog, review,
//! import the chosen entries with progress), export to where the native save dialog says, show QR codes for
//! another device, and the checklists kept across restarts. The webview gets no file permission and no
//! secret except the QR codes it asked to show.
use std::path::PathBuf;

use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tock_core::import::{Encrypted, Imported, Read};
use tock_ops::export::{ExportFormat, ExportReport, TransferCodes, TransferMode};
use tock_ops::import::{read_file, ImportReview, ImportSummary};
use tock_ops::moves::{MoveProgress, MovesStore, RelinkStep};
use tock_ops::session::parse_id;
use tock_ops::{Error, Result, Session};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::blocking;
use crate::desktop::clock::now;
use crate::window::events::notify_changed;

/// The file read by the open dialog, until it is imported or the dialog closes.
pub type ImportState = super::Slot<Pending>;

/// What it holds: the file, sealed until its password is given.
pub enum Pending {
    Sealed(Encrypted),
    Open(Imported),
}

/// A file chosen for import: its format, and its entries unless it waits for a password.
#[derive(Serialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ImportOpened {
    /// The file's name.
    pub file_name: String,
    /// Its format, e.g. "Aegis".
    pub format: String,
    /// The file is encrypted: ask the password, then `unlock_import`.
    pub needs_password: bool,
    /// The entries to review (null until unlocked).
    pub review: Option<ImportReview>,
}

/// How far storing the chosen entries has come.
#[derive(Serialize, Clone, TS)]
#[ts(export)]
pub struct ImportProgress {
    /// Stored so far.
    pub done: u32,
    /// To store.
    pub total: u32,
}

fn no_file() -> Error {
    Error::invalid("Choose the export file again: the one chosen before was closed.")
}

/// Opens the native open dialog and reads the chosen file; null if cancelled.
#[tauri::command]
pub async fn open_import_file(app: AppHandle) -> Result<Option<ImportOpened>> {
    let dialog_app = app.clone();
    let picked = blocking(move || {
        Ok(dialog_app
            .dialog()
            .file()
            .set_title("Import accounts from another authenticator")
            .add_filter(
                "Authenticator exports",
                &["json", "2fas", "txt", "csv", "bin", "aes", "authpro"],
            )
            .add_filter("All files", &["*"])
            .blocking_pick_file())
    })
    .await?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let file_name = file_name(&path);
    let handle = app.clone();
    blocking(move || {
        let state = handle.state::<ImportState>();
        state.take();
        let opened = match read_file(&path, None)? {
            Read::NeedsPassword(sealed) => {
                let format = sealed.format().to_string();
                state.put(Pending::Sealed(sealed));
                ImportOpened {
                    file_name,
                    format,
                    needs_password: true,
                    review: None,
                }
            }
            Read::Imported(imported) => {
                let review = handle.state::<Session>().review_import(&imported)?;
                state.put(Pending::Open(imported));
                ImportOpened {
                    file_name,
                    format: review.format.clone(),
                    needs_password: false,
                    review: Some(review),
                }
            }
        };
        Ok(Some(opened))
    })
    .await
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Decrypts the chosen file with `password`; a wrong password keeps the file, to try again.
#[tauri::command]
pub async fn unlock_import(app: AppHandle, password: Zeroizing<String>) -> Result<ImportReview> {
    blocking(move || {
        let state = app.state::<ImportState>();
        let Some(pending) = state.take() else {
            return Err(no_file());
        };
        let imported = match pending {
            Pending::Open(imported) => imported,
            Pending::Sealed(sealed) => match sealed.decrypt(&password) {
                Ok(imported) => imported,
                Err(e) => {
                    state.put(Pending::Sealed(sealed));
                    return Err(Error::invalid(e.to_string()));
                }
            },
        };
        let review = app.state::<Session>().review_import(&imported);
        state.put(Pending::Open(imported));
        review
    })
    .await
}

/// Imports the entries at `selected` (indices of the review) in one step, reporting progress.
#[tauri::command]
pub async fn finish_import(
    app: AppHandle,
    selected: Vec<u32>,
    on_progress: Channel<ImportProgress>,
) -> Result<ImportSummary> {
    blocking(move || {
        let state = app.state::<ImportState>();
        let imported = match state.take() {
            Some(Pending::Open(imported)) => imported,
            Some(sealed @ Pending::Sealed(_)) => {
                state.put(sealed);
                return Err(Error::invalid(
                    "Enter the file's password first: its entries are still encrypted.",
                ));
            }
            None => return Err(no_file()),
        };
        let mut last = std::time::Instant::now();
        let summary = app.state::<Session>().import_selected(
            imported,
            Some(&selected),
            now(),
            &mut |done, total| {
                // Enough for a smooth bar without flooding the webview.
                if done == total || last.elapsed().as_millis() >= 50 {
                    last = std::time::Instant::now();
                    let _ = on_progress.send(ImportProgress {
                        done: done as u32,
                        total: total as u32,
                    });
                }
            },
        )?;
        notify_changed(&app);
        Ok(summary)
    })
    .await
}

/// Forgets the chosen file (the dialog closed without importing).
#[tauri::command]
pub fn cancel_import(state: State<'_, ImportState>) {
    state.take();
}

fn ids(ids: &[String]) -> Result<Vec<tock_core::AccountId>> {
    ids.iter().map(|id| parse_id(id)).collect()
}

/// Exports the accounts `ids` (none: all) in `format` where the native save dialog says; null if cancelled.
#[tauri::command]
pub async fn export_accounts(
    app: AppHandle,
    format: ExportFormat,
    ids: Vec<String>,
    password: Option<Zeroizing<String>>,
) -> Result<Option<ExportReport>> {
    let ids = self::ids(&ids)?;
    if format == ExportFormat::Aegis && password.as_ref().is_none_or(|p| p.is_empty()) {
        return Err(Error::invalid(
            "An encrypted export needs a password; enter one to protect the file.",
        ));
    }
    let (suggested, filter, extensions): (&str, &str, &[&str]) = match format {
        ExportFormat::Aegis => ("tock-export.json", "Aegis vault (encrypted)", &["json"]),
        ExportFormat::AegisPlain => ("tock-export-plain.json", "Aegis vault (plain)", &["json"]),
        ExportFormat::Otpauth => ("tock-otpauth.txt", "otpauth:// list", &["txt"]),
        ExportFormat::GoogleQr => ("tock-transfer.png", "PNG images", &["png"]),
    };
    let dialog_app = app.clone();
    let picked = blocking(move || {
        let mut dialog = dialog_app
            .dialog()
            .file()
            .set_title("Export accounts")
            .set_file_name(suggested)
            .add_filter(filter, extensions);
        if let Ok(folder) = dialog_app.path().document_dir() {
            dialog = dialog.set_directory(folder);
        }
        Ok(dialog.blocking_save_file())
    })
    .await?;
    let Some(path): Option<PathBuf> = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    blocking(move || {
        let password = password.as_deref().map(String::as_str);
        app.state::<Session>()
            .export(format, &ids, &path, password)
            .map(Some)
    })
    .await
}

/// The QR codes of the accounts `ids`, to show for another device (the person confirmed first).
#[tauri::command]
pub async fn transfer_codes(
    app: AppHandle,
    ids: Vec<String>,
    mode: TransferMode,
) -> Result<TransferCodes> {
    let ids = self::ids(&ids)?;
    blocking(move || app.state::<Session>().transfer_codes(&ids, mode)).await
}

/// Which accounts were confirmed on the other device, and the re-link checklists under way.
#[tauri::command]
pub fn get_moves(
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
) -> Result<MoveProgress> {
    session.move_progress(&moves)
}

/// Records that the other device shows the same code for `id` (or takes it back).
#[tauri::command]
pub fn set_verified(
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
    id: String,
    verified: bool,
) -> Result<MoveProgress> {
    session.set_verified(&moves, &parse_id(&id)?, verified)
}

/// Starts re-linking `id`.
#[tauri::command]
pub fn start_relink(
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
    id: String,
) -> Result<MoveProgress> {
    session.start_relink(&moves, &parse_id(&id)?, now())
}

/// Ticks a step of `id`'s re-link checklist.
#[tauri::command]
pub fn set_relink_step(
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
    id: String,
    step: RelinkStep,
    done: bool,
) -> Result<MoveProgress> {
    session.set_relink_step(&moves, &parse_id(&id)?, step, done)
}

/// Chooses the new account that replaces `id`.
#[tauri::command]
pub fn set_relink_new(
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
    id: String,
    new_id: Option<String>,
) -> Result<MoveProgress> {
    let new_id = new_id.as_deref().map(parse_id).transpose()?;
    session.set_relink_new(&moves, &parse_id(&id)?, new_id.as_ref())
}

/// Removes the old entry `id` once its replacement was confirmed.
#[tauri::command]
pub fn finish_relink(
    app: AppHandle,
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
    id: String,
) -> Result<MoveProgress> {
    let progress = session.finish_relink(&moves, &parse_id(&id)?)?;
    notify_changed(&app);
    Ok(progress)
}

/// Forgets `id`'s re-link checklist.
#[tauri::command]
pub fn cancel_relink(
    session: State<'_, Session>,
    moves: State<'_, MovesStore>,
    id: String,
) -> Result<MoveProgress> {
    session.cancel_relink(&moves, &parse_id(&id)?)
}
