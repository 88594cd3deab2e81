//! Automatic encrypted backups (thin, over [`tock_ops::autobackup`]): their settings, a backup now, restoring a
//! backup file in two phases (read it in Rust from the native open dialog, then its password, the review, and
//! the chosen replacements), and the background thread that writes a backup when one is due. The folder and
//! the file are chosen in native dialogs in Rust: the webview has no file permission.
use std::path::{Path, PathBuf};
use std::time::{Duration, UNIX_EPOCH};

use serde::Serialize;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_dialog::DialogExt;
use tock_core::export::backup_file::{BackupContents, SealedBackup};
use tock_ops::autobackup::{
    decrypt_backup, fresh_keys, open_backup_file, AutoBackupStatus, AutoBackupStore, BackupFile,
    RestoreReport, RestoreReview,
};
use tock_ops::{Error, Result, Session};
use ts_rs::TS;
use zeroize::Zeroizing;

use super::blocking;
use crate::desktop::clock::now;
use crate::window::events::notify_changed;

/// How often the background thread looks whether a backup is due.
const CHECK_EVERY: Duration = Duration::from_secs(60);

/// The backup file chosen for restoring, until it is restored or the dialog closes.
pub type RestoreState = super::Slot<Pending>;

/// What it holds: the file, sealed until its password is given.
pub enum Pending {
    Sealed(SealedBackup, String),
    Open(BackupContents, String),
}

/// A backup file chosen for restoring (it is always encrypted: ask its password, then `unlock_restore`).
#[derive(Serialize, TS)]
#[ts(export)]
pub struct RestoreOpened {
    /// The file's name.
    pub file_name: String,
}

fn no_file() -> Error {
    Error::invalid("Choose the backup file again: the one chosen before was closed.")
}

/// Where automatic backups stand.
#[tauri::command]
pub async fn auto_backup_status(app: AppHandle) -> Result<AutoBackupStatus> {
    blocking(move || {
        app.state::<Session>()
            .auto_backup_status(&app.state::<AutoBackupStore>())
    })
    .await
}

/// The native folder dialog; null if cancelled.
#[tauri::command]
pub async fn choose_backup_folder(app: AppHandle) -> Result<Option<String>> {
    let picked = blocking(move || {
        let mut dialog = app
            .dialog()
            .file()
            .set_title("Choose the folder for automatic backups (a synced folder keeps them off this computer)");
        if let Ok(home) = app.path().home_dir() {
            dialog = dialog.set_directory(home);
        }
        Ok(dialog.blocking_pick_folder())
    })
    .await?;
    Ok(picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string()))
}

/// Turns automatic backups on or changes them (`password` null keeps the stored one).
#[tauri::command]
pub async fn set_auto_backup(
    app: AppHandle,
    folder: String,
    password: Option<Zeroizing<String>>,
    keep: u32,
) -> Result<AutoBackupStatus> {
    blocking(move || {
        app.state::<Session>().set_auto_backup(
            &app.state::<AutoBackupStore>(),
            Path::new(&folder),
            password.as_deref().map(String::as_str),
            keep,
        )
    })
    .await
}

/// Turns automatic backups off (the files stay).
#[tauri::command]
pub async fn turn_off_auto_backup(app: AppHandle) -> Result<AutoBackupStatus> {
    blocking(move || {
        app.state::<Session>()
            .turn_off_auto_backup(&app.state::<AutoBackupStore>())
    })
    .await
}

/// Writes a backup now.
#[tauri::command]
pub async fn backup_now(app: AppHandle) -> Result<BackupFile> {
    blocking(move || {
        app.state::<Session>()
            .backup_now(&app.state::<AutoBackupStore>(), now(), fresh_keys())
    })
    .await
}

/// The native open dialog, then the file's envelope read; null if cancelled.
#[tauri::command]
pub async fn open_restore_file(app: AppHandle) -> Result<Option<RestoreOpened>> {
    let dialog_app = app.clone();
    let folder = blocking(move || {
        Ok(dialog_app
            .state::<Session>()
            .auto_backup_status(&dialog_app.state::<AutoBackupStore>())
            .ok()
            .and_then(|s| s.folder))
    })
    .await?;
    let dialog_app = app.clone();
    let picked = blocking(move || {
        let mut dialog = dialog_app
            .dialog()
            .file()
            .set_title("Restore a Tock backup")
            .add_filter("Tock backups", &["json"])
            .add_filter("All files", &["*"]);
        if let Some(folder) = folder {
            dialog = dialog.set_directory(folder);
        }
        Ok(dialog.blocking_pick_file())
    })
    .await?;
    let Some(path): Option<PathBuf> = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    blocking(move || {
        let state = app.state::<RestoreState>();
        state.take();
        let sealed = open_backup_file(&path)?;
        let file_name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        state.put(Pending::Sealed(sealed, file_name.clone()));
        Ok(Some(RestoreOpened { file_name }))
    })
    .await
}

/// Decrypts the chosen file with `password` and reviews it; a wrong password keeps the file, to try again.
#[tauri::command]
pub async fn unlock_restore(app: AppHandle, password: Zeroizing<String>) -> Result<RestoreReview> {
    blocking(move || {
        let state = app.state::<RestoreState>();
        let (contents, file_name) = match state.take().ok_or_else(no_file)? {
            Pending::Open(contents, name) => (contents, name),
            Pending::Sealed(sealed, name) => match decrypt_backup(&sealed, &password) {
                Ok(contents) => (contents, name),
                Err(e) => {
                    state.put(Pending::Sealed(sealed, name));
                    return Err(e);
                }
            },
        };
        let review = app.state::<Session>().review_restore(&contents, &file_name);
        state.put(Pending::Open(contents, file_name));
        review
    })
    .await
}

/// Restores the reviewed file: every new entry, and the replacements at `replace`.
#[tauri::command]
pub async fn finish_restore(app: AppHandle, replace: Vec<u32>) -> Result<RestoreReport> {
    blocking(move || {
        let state = app.state::<RestoreState>();
        let contents = match state.take() {
            Some(Pending::Open(contents, _)) => contents,
            Some(sealed @ Pending::Sealed(..)) => {
                state.put(sealed);
                return Err(Error::invalid(
                    "Enter the backup's password first: its entries are still encrypted.",
                ));
            }
            None => return Err(no_file()),
        };
        let report = app
            .state::<Session>()
            .finish_restore(contents, &replace, now())?;
        notify_changed(&app);
        Ok(report)
    })
    .await
}

/// Forgets the chosen file (the dialog closed without restoring).
#[tauri::command]
pub fn cancel_restore(state: State<'_, RestoreState>) {
    state.take();
}

/// When `vault.json` in `data_dir` last changed (Unix seconds), if it exists.
fn vault_changed_at(data_dir: &Path) -> Option<u64> {
    let modified = std::fs::metadata(data_dir.join(tock_store::VAULT_FILE))
        .ok()?
        .modified()
        .ok()?;
    Some(modified.duration_since(UNIX_EPOCH).ok()?.as_secs())
}

/// Starts the thread that, every minute, writes a backup when one is due (60 s after a change, at least
/// daily). A failure is recorded in `autobackup.json` (`last_error`, shown by the window), never raised.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(CHECK_EVERY);
        let session = app.state::<Session>();
        let Some(data_dir) = session.data_dir() else {
            continue;
        };
        if session.is_locked() {
            continue; // nothing can be read; the next check after unlocking catches up
        }
        let changed = vault_changed_at(data_dir);
        // backup_now records its own errors; nothing here can panic or print a secret.
        let _ = session.backup_if_due(&app.state::<AutoBackupStore>(), now(), changed, fresh_keys);
    });
}
