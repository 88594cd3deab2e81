//! Copying a code from the window, the tray or the quick search: the operation chooses the code and the words
//! ([`tock_ops::copy`]), the desktop's clipboard takes it (marked as sensitive, cleared later if unchanged),
//! and a notification names the account and how long the code stays valid — never the code.
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tock_core::AccountId;
use tock_ops::copy::CopyReport;
use tock_ops::settings::SettingsStore;
use tock_ops::{capitalise, Error, ErrorCode, Result, Session};
use zeroize::Zeroizing;

use crate::desktop::clipboard::AppClipboard;
use crate::desktop::clock;

/// Copies an account's code, schedules its clearing and shows a notification.
pub fn copy(app: &AppHandle, id: &AccountId) -> Result<CopyReport> {
    app.state::<super::commands::lock::Activity>().touch();
    let settings = app.state::<SettingsStore>().get();
    let picked = app
        .state::<Session>()
        .pick_code(id, clock::now(), settings.near_expiry)?;
    copy_text(app, picked.code.clone())?;
    let report = picked.report(settings.clear_after_secs);
    notify(app, &report);
    super::events::notify_changed(app);
    Ok(report)
}

/// Puts `text` (a code, or a backup code) on the clipboard, marked as sensitive, and clears it after the
/// delay of the settings if the clipboard still holds it.
pub fn copy_text(app: &AppHandle, text: Zeroizing<String>) -> Result<()> {
    let clear_after = app.state::<SettingsStore>().get().clear_after_secs;
    app.state::<AppClipboard>()
        .copy(text, clear_after)
        .map_err(|e| Error::new(ErrorCode::Internal, capitalise(&e) + "."))
}

/// Shows the copy notification; without a notification service (or permission) the copy still counts.
fn notify(app: &AppHandle, report: &CopyReport) {
    let shown = app
        .notification()
        .builder()
        .title(&report.title)
        .body(&report.body)
        .show();
    if let Err(e) = shown {
        eprintln!("warning: the notification could not be shown ({e})");
    }
}
