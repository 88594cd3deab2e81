//! Backup codes in the window: the types that cross IPC and the Tauri commands (thin, over [`AppState`]).
//!
//! Codes cross to the webview only in the flows where the person handles them: the text they paste comes
//! in and what was recognised goes back for them to check; the list goes out when they ask to see it.
//! Using a code copies it from Rust (the webview gets the count left); the native file dialogs are opened
//! from Rust and the files are read and written here, so the webview needs no dialog or file permission.
use std::path::PathBuf;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tock_core::backup::{self, BackupCodes, BackupSummary, Risk, Sheet};
use tock_core::vault::VaultError;
use tock_core::AccountId;
use tock_store::DiskVault;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::app::{notify_changed, now_ms};
use crate::backup_cli::ExportFormat;
use crate::ipc::{AccountView, ErrorCode, IpcError};
use crate::state::AppState;

type Result<T> = std::result::Result<T, IpcError>;

/// What the account list knows of an account's backup codes (never a code).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupView {
    /// The stored set's counts and offline copy; null when no codes are stored.
    pub codes: Option<BackupSetView>,
    /// Why the account would lock its owner out if this computer died today (empty: it would not).
    pub risks: Vec<BackupRisk>,
}

/// Counts and dates of a stored set.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupSetView {
    pub total: u32,
    pub left: u32,
    /// Unix seconds.
    #[ts(type = "number")]
    pub stored_at: u64,
    /// Where the person keeps a copy away from this computer, if they said so.
    pub offline_place: Option<String>,
    /// Unix seconds.
    #[ts(type = "number | null")]
    pub offline_confirmed_at: Option<u64>,
}

/// The readiness rules of [`tock_core::backup::risks`].
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum BackupRisk {
    /// No backup codes stored.
    NoCodes,
    /// No copy away from this computer confirmed.
    NotOffline,
    /// Two codes left or fewer.
    FewLeft,
}

impl BackupView {
    /// The view of an account's summary.
    pub fn of(summary: Option<&BackupSummary>) -> Self {
        BackupView {
            codes: summary.map(|s| BackupSetView {
                total: s.total,
                left: s.left,
                stored_at: s.stored_at,
                offline_place: s.offline.as_ref().map(|o| o.place.clone()),
                offline_confirmed_at: s.offline.as_ref().map(|o| o.confirmed_at),
            }),
            risks: backup::risks(summary)
                .into_iter()
                .map(|r| match r {
                    Risk::NoCodes => BackupRisk::NoCodes,
                    Risk::NotOffline => BackupRisk::NotOffline,
                    Risk::FewLeft(_) => BackupRisk::FewLeft,
                })
                .collect(),
        }
    }
}

/// What was recognised in pasted text or an opened file, for the person to check before saving.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RecognisedCodes {
    #[ts(type = "string[]")]
    pub codes: Vec<Zeroizing<String>>,
    /// Lines that held no code: headings and prose, or a code-like text that did not fit the others.
    pub ignored: Vec<IgnoredLine>,
    /// Repeated codes left out.
    pub duplicates: u32,
    /// The opened file's name (null for pasted text).
    pub file_name: Option<String>,
}

/// A line of the pasted text that gave no code.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct IgnoredLine {
    pub line: u32,
    pub text: String,
}

impl RecognisedCodes {
    fn from_text(text: &str, file_name: Option<String>) -> Self {
        let found = backup::recognise(text);
        RecognisedCodes {
            codes: found.codes,
            ignored: found
                .ignored
                .into_iter()
                .map(|i| IgnoredLine {
                    line: i.line as u32,
                    text: i.text,
                })
                .collect(),
            duplicates: found.duplicates as u32,
            file_name,
        }
    }
}

/// One stored code, shown when the person asks to see them.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupCodeView {
    #[ts(type = "string")]
    pub code: Zeroizing<String>,
    /// Unix seconds; null while unused.
    #[ts(type = "number | null")]
    pub used_at: Option<u64>,
}

/// After "Use a backup code": the code is on the clipboard; this says how many are left.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct UsedBackupCode {
    pub left: u32,
    pub total: u32,
}

/// The formats of an offline copy.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CopyFormat {
    Txt,
    Html,
}

/// The window's backup-code state: the data folder (where export refuses to write) and the HTML sheet saved
/// last, which "Open for printing" may open (and nothing else).
pub struct BackupState {
    data_dir: PathBuf,
    last_sheet: Mutex<Option<PathBuf>>,
}

impl BackupState {
    /// The state of the window on the vault in `data_dir`.
    pub fn new(data_dir: &std::path::Path) -> Self {
        BackupState {
            data_dir: data_dir.to_path_buf(),
            last_sheet: Mutex::new(None),
        }
    }
}

fn parse_id(id: &str) -> Result<AccountId> {
    AccountId::parse(id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "That account no longer exists."))
}

fn now() -> u64 {
    now_ms() / 1000
}

fn invalid(message: impl Into<String>) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, message)
}

fn io_error(message: String) -> IpcError {
    IpcError::new(ErrorCode::Storage, crate::ipc::capitalise(&message) + ".")
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
    .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bytes = Zeroizing::new(
        std::fs::read(&path).map_err(|e| io_error(format!("{name} could not be read ({e})")))?,
    );
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        invalid(format!(
            "{name} is not a text file. Open the text file the site offers, or paste the codes."
        ))
    })?;
    Ok(Some(RecognisedCodes::from_text(text, Some(name))))
}

/// Stores the codes the person checked; `replace` must be set to replace a stored set.
#[tauri::command]
pub fn save_backup_codes(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    codes: Vec<Zeroizing<String>>,
    replace: bool,
) -> Result<AccountView> {
    let codes = BackupCodes::new(codes.iter().map(|c| c.as_str()))
        .map_err(|e| invalid(crate::ipc::capitalise(&e.to_string()) + "."))?;
    change(&app, &state, &id, |v, id| {
        v.store_backup_codes(id, &codes, replace, now()).map(|_| ())
    })
}

/// Changes an account in the vault, tells the window and the tray, and returns the account as it is now.
fn change(
    app: &AppHandle,
    state: &AppState,
    id: &str,
    f: impl FnOnce(&mut DiskVault, &AccountId) -> std::result::Result<(), VaultError>,
) -> Result<AccountView> {
    let id = parse_id(id)?;
    let view = state.with_vault(|v| {
        f(v, &id)?;
        Ok(AccountView::from(v.doc().get(&id).expect("just changed")))
    })?;
    notify_changed(app);
    Ok(view)
}

/// The stored codes, for the person who asked to see them.
#[tauri::command]
pub fn reveal_backup_codes(state: State<'_, AppState>, id: String) -> Result<Vec<BackupCodeView>> {
    let id = parse_id(&id)?;
    let codes = state.with_vault(|v| Ok(v.backup_codes(&id)?))?;
    Ok(codes
        .codes()
        .iter()
        .map(|c| BackupCodeView {
            code: Zeroizing::new(c.code().to_owned()),
            used_at: c.used_at(),
        })
        .collect())
}

/// Marks `code` (or the next unused code) used and copies it to the clipboard.
#[tauri::command]
pub fn use_backup_code(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    code: Option<Zeroizing<String>>,
) -> Result<UsedBackupCode> {
    let id = parse_id(&id)?;
    let (used, left, total) = state.with_vault(|v| {
        let used = v.use_backup_code(&id, code.as_deref().map(String::as_str), now())?;
        let summary = v.doc().get(&id).and_then(|a| a.backup_codes.as_ref());
        let (left, total) = summary.map(|s| (s.left, s.total)).unwrap_or_default();
        Ok((used, left, total))
    })?;
    crate::clipboard::copy_text(&app, used)?;
    notify_changed(&app);
    Ok(UsedBackupCode { left, total })
}

/// Records where the person keeps the copy away from this computer.
#[tauri::command]
pub fn confirm_backup_offline(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    place: String,
) -> Result<AccountView> {
    change(&app, &state, &id, |v, id| {
        v.confirm_offline_copy(id, &place, now())
    })
}

/// Whether to walk the person through backup codes after each enrolment.
#[tauri::command]
pub fn backup_walkthrough_wanted(state: State<'_, AppState>) -> Result<bool> {
    state.with_vault(|v| Ok(!v.doc().skip_backup_walkthrough))
}

/// "Don't ask again" (false), or asking again (true).
#[tauri::command]
pub fn set_backup_walkthrough(state: State<'_, AppState>, ask: bool) -> Result<()> {
    state.with_vault(|v| Ok(v.set_backup_walkthrough(ask)?))
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
    let (issuer, name) = app.state::<AppState>().with_vault(|v| {
        let a = v
            .doc()
            .get(&id)
            .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "That account no longer exists."))?;
        Ok((a.issuer.clone(), a.name.clone()))
    })?;
    let (extension, filter) = match format {
        CopyFormat::Txt => ("txt", "Text"),
        CopyFormat::Html => ("html", "Web page (to print)"),
    };
    let suggested = suggested_file_name(&issuer, &name, extension);
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
    .map_err(|e| IpcError::new(ErrorCode::Internal, e.to_string()))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    let backup_state = app.state::<BackupState>();
    if crate::backup_cli::is_inside(&path, &backup_state.data_dir) {
        return Err(invalid(
            "That folder is Tock's own data folder, where codes are never written. Choose another place.",
        ));
    }
    let text = app.state::<AppState>().with_vault(|v| {
        let codes = v.backup_codes(&id)?;
        let sheet = Sheet {
            issuer: &issuer,
            name: &name,
            codes: &codes,
            now: now(),
        };
        Ok(match format {
            CopyFormat::Txt => ExportFormat::Txt.render(&sheet),
            CopyFormat::Html => ExportFormat::Html.render(&sheet),
        })
    })?;
    crate::backup_cli::write_copy(&path, &text).map_err(io_error)?;
    if format == CopyFormat::Html {
        *backup_state
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
        .ok_or_else(|| invalid("Save the sheet first, then open it for printing."))?;
    open_in_browser(&path).map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!(
                "The sheet could not be opened ({e}). Open {} yourself to print it.",
                path.display()
            ),
        )
    })
}

/// "backup-codes-github-alice.html": letters, digits and dashes only.
fn suggested_file_name(issuer: &str, name: &str, extension: &str) -> String {
    let mut slug = String::new();
    for c in format!("{issuer} {name}").chars() {
        if c.is_alphanumeric() {
            slug.extend(c.to_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        format!("backup-codes.{extension}")
    } else {
        format!("backup-codes-{slug}.{extension}")
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_safe_slugs() {
        assert_eq!(
            suggested_file_name("GitHub", "alice@example.com", "txt"),
            "backup-codes-github-alice-example-com.txt"
        );
        assert_eq!(
            suggested_file_name("../Bank/", "", "html"),
            "backup-codes-bank.html"
        );
        assert_eq!(suggested_file_name("", "", "txt"), "backup-codes.txt");
    }

    #[test]
    fn views_carry_counts_and_risks_but_no_code() {
        let mut summary = BackupCodes::new(["11111111", "22222222", "33333333"])
            .unwrap()
            .summary(7);
        let view = BackupView::of(Some(&summary));
        assert_eq!(view.risks, [BackupRisk::NotOffline]);
        summary.left = 1;
        summary.offline = Some(tock_core::backup::OfflineCopy {
            confirmed_at: 9,
            place: "drawer".into(),
        });
        let json = serde_json::to_value(BackupView::of(Some(&summary))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"codes": {"total": 3, "left": 1, "storedAt": 7, "offlinePlace": "drawer",
                "offlineConfirmedAt": 9}, "risks": ["few_left"]})
        );
        assert_eq!(BackupView::of(None).risks, [BackupRisk::NoCodes]);
    }

    #[test]
    fn recognised_codes_cross_as_strings() {
        let json =
            serde_json::to_value(RecognisedCodes::from_text("Codes:\n1234 5678\n", None)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"codes": ["12345678"], "ignored": [{"line": 1, "text": "Codes:"}],
                "duplicates": 0, "fileName": null})
        );
    }
}
