//! Backup codes: the counts and risks the list shows, recognising codes in pasted text or a site's file,
//! storing, revealing, using and replacing a set, confirming the copy kept away from this computer, and
//! writing that copy (a text file or a print-ready page) where the person chooses — never into the data
//! folder.
//!
//! Codes cross to the webview only in the flows where the person handles them: the text they paste comes in
//! and what was recognised goes back for them to check; the list goes out when they ask to see it.
use std::path::Path;

use serde::{Deserialize, Serialize};
use tock_core::backup::{self, BackupCodes, BackupSummary, Risk, Sheet};
use tock_core::vault::{DocStore, SecretStore};
use tock_core::AccountId;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::accounts::AccountView;
use crate::{Error, ErrorCode, Result, Session};

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
#[allow(missing_docs)]
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
    /// The codes, in the site's order.
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
#[allow(missing_docs)]
pub struct IgnoredLine {
    pub line: u32,
    pub text: String,
}

impl RecognisedCodes {
    /// The codes in `text` (pasted, or the contents of the file `file_name`).
    pub fn from_text(text: &str, file_name: Option<String>) -> Self {
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

    /// The codes in the text file at `path` (a site's download, a note the person kept).
    pub fn from_file(path: &Path) -> Result<Self> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
            Error::new(
                ErrorCode::Storage,
                format!("{name} could not be read ({e})."),
            )
        })?);
        let text = std::str::from_utf8(&bytes).map_err(|_| {
            Error::invalid(format!(
                "{name} is not a text file. Open the text file the site offers, or paste the codes."
            ))
        })?;
        Ok(RecognisedCodes::from_text(text, Some(name)))
    }
}

/// One stored code, shown when the person asks to see them.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BackupCodeView {
    /// The code.
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
#[allow(missing_docs)]
pub struct UsedBackupCode {
    pub left: u32,
    pub total: u32,
}

/// The formats of an offline copy.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum CopyFormat {
    /// Plain text.
    Txt,
    /// A print-ready HTML page.
    Html,
}

impl CopyFormat {
    /// The file name extension.
    pub fn extension(self) -> &'static str {
        match self {
            CopyFormat::Txt => "txt",
            CopyFormat::Html => "html",
        }
    }

    /// The sheet in this format.
    pub fn render(self, sheet: &Sheet) -> Zeroizing<String> {
        match self {
            CopyFormat::Txt => sheet.to_txt(),
            CopyFormat::Html => sheet.to_html(),
        }
    }
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Stores the codes the person checked; `replace` must be set to replace a stored set (the old codes are
    /// deleted for good).
    pub fn save_backup_codes<C: AsRef<str>>(
        &self,
        id: &AccountId,
        codes: &[C],
        replace: bool,
        now: u64,
    ) -> Result<AccountView> {
        let codes = BackupCodes::new(codes.iter().map(AsRef::as_ref))
            .map_err(|e| Error::invalid(e.to_string()))?;
        self.change(id, |v| {
            v.store_backup_codes(id, &codes, replace, now).map(|_| ())
        })
    }

    /// The stored codes of an account, with which are used.
    pub fn backup_codes(&self, id: &AccountId) -> Result<BackupCodes> {
        self.with_vault(|v| Ok(v.backup_codes(id)?))
    }

    /// The stored codes, for the person who asked to see them.
    pub fn reveal_backup_codes(&self, id: &AccountId) -> Result<Vec<BackupCodeView>> {
        Ok(self
            .backup_codes(id)?
            .codes()
            .iter()
            .map(|c| BackupCodeView {
                code: Zeroizing::new(c.code().to_owned()),
                used_at: c.used_at(),
            })
            .collect())
    }

    /// Marks `code` (or the next unused code) used at `now`; returns the code and how many are left.
    pub fn use_backup_code(
        &self,
        id: &AccountId,
        code: Option<&str>,
        now: u64,
    ) -> Result<(Zeroizing<String>, UsedBackupCode)> {
        self.with_vault(|v| {
            let used = v.use_backup_code(id, code, now)?;
            let summary = v.doc().get(id).and_then(|a| a.backup_codes.as_ref());
            let (left, total) = summary.map(|s| (s.left, s.total)).unwrap_or_default();
            Ok((used, UsedBackupCode { left, total }))
        })
    }

    /// Records where the person keeps the copy away from this computer.
    pub fn confirm_backup_offline(
        &self,
        id: &AccountId,
        place: &str,
        now: u64,
    ) -> Result<AccountView> {
        self.change(id, |v| v.confirm_offline_copy(id, place, now))
    }

    /// Whether to walk the person through backup codes after each enrolment.
    pub fn backup_walkthrough_wanted(&self) -> Result<bool> {
        self.with_vault(|v| Ok(!v.doc().skip_backup_walkthrough))
    }

    /// "Don't ask again" (false), or asking again (true).
    pub fn set_backup_walkthrough(&self, ask: bool) -> Result<()> {
        self.with_vault(|v| Ok(v.set_backup_walkthrough(ask)?))
    }

    /// Writes a copy of an account's codes to `out` (atomically, readable by its owner only), as of `now`.
    /// A place inside the data folder is refused: codes are never written there.
    pub fn export_backup_codes(
        &self,
        id: &AccountId,
        format: CopyFormat,
        out: &Path,
        now: u64,
    ) -> Result<()> {
        if let Some(dir) = self.data_dir() {
            if is_inside(out, dir) {
                return Err(Error::invalid(format!(
                    "{} is inside Tock's data folder, where codes are never written; choose a place outside it",
                    out.display()
                )));
            }
        }
        let text = self.with_vault(|v| {
            let account = v.doc().get(id).ok_or_else(Error::gone)?;
            let codes = v.backup_codes(id)?;
            let sheet = Sheet {
                issuer: &account.issuer,
                name: &account.name,
                codes: &codes,
                now,
            };
            Ok(format.render(&sheet))
        })?;
        write_copy(out, &text)
    }
}

/// Writes an offline copy (mode 0600 on Unix, replacing the file atomically).
pub fn write_copy(path: &Path, text: &str) -> Result<()> {
    tock_store::write_atomically(path, text.as_bytes()).map_err(|e| {
        Error::new(
            ErrorCode::Storage,
            format!(
                "{} could not be written ({e}); check the folder and free space",
                path.display()
            ),
        )
    })
}

/// Whether `path` would land inside `dir` (both resolved as far as they exist).
pub fn is_inside(path: &Path, dir: &Path) -> bool {
    let resolve = |p: &Path| {
        let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        // The file may not exist yet: resolve its folder.
        match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => parent
                .canonicalize()
                .map(|p| p.join(name))
                .unwrap_or(absolute),
            _ => absolute,
        }
    };
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    resolve(path).starts_with(dir)
}

/// "backup-codes-github-alice.html": letters, digits and dashes only.
pub fn suggested_file_name(issuer: &str, name: &str, extension: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session};
    use tock_core::OtpParams;

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

    #[test]
    fn a_set_is_stored_used_replaced_only_when_asked_and_confirmed_offline() {
        let session = memory_session();
        let id = add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        let view = session
            .save_backup_codes(&id, &["11111111", "22222222", "33333333"], false, 10)
            .unwrap();
        let set = view.backup.codes.unwrap();
        assert_eq!((set.total, set.left, set.stored_at), (3, 3, 10));
        assert_eq!(view.backup.risks, [BackupRisk::NotOffline]);

        let (code, left) = session.use_backup_code(&id, None, 20).unwrap();
        assert_eq!((code.as_str(), left.left, left.total), ("11111111", 2, 3));
        let (code, _) = session.use_backup_code(&id, Some("3333-3333"), 21).unwrap();
        assert_eq!(code.as_str(), "33333333");
        let revealed = session.reveal_backup_codes(&id).unwrap();
        let used: Vec<Option<u64>> = revealed.iter().map(|c| c.used_at).collect();
        assert_eq!(used, [Some(20), None, Some(21)]);

        let e = session
            .save_backup_codes(&id, &["44444444"], false, 30)
            .unwrap_err();
        assert!(e.message.contains("already has backup codes"), "{e}");
        let replaced = session
            .save_backup_codes(&id, &["44444444", "55555555"], true, 30)
            .unwrap();
        assert_eq!(replaced.backup.codes.unwrap().total, 2);

        let confirmed = session.confirm_backup_offline(&id, "drawer", 40).unwrap();
        assert_eq!(
            confirmed.backup.codes.unwrap().offline_place.as_deref(),
            Some("drawer")
        );
        // Two codes are "few"; the offline copy is no longer a risk.
        assert_eq!(confirmed.backup.risks, [BackupRisk::FewLeft]);

        assert!(session.backup_walkthrough_wanted().unwrap());
        session.set_backup_walkthrough(false).unwrap();
        assert!(!session.backup_walkthrough_wanted().unwrap());
    }

    #[test]
    fn copies_are_written_outside_the_data_folder_only() {
        let data = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        let session = memory_session();
        let id = add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        session
            .save_backup_codes(&id, &["11111111", "22222222"], false, 10)
            .unwrap();
        let out = elsewhere.path().join("codes.txt");
        session
            .export_backup_codes(&id, CopyFormat::Txt, &out, 10)
            .unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        assert!(
            text.contains("1111 1111") || text.contains("11111111"),
            "{text}"
        );
        assert!(is_inside(&data.path().join("x.txt"), data.path()));
        assert!(is_inside(&data.path().join("sub/../x.txt"), data.path()));
        assert!(!is_inside(&out, data.path()));
    }
}
