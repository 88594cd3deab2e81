//! Enrolment by QR code: what a scan found (image files, the screen, the clipboard, the camera) becomes
//! accounts to review, each with the first code to type on the site and the accounts it would duplicate.
//! Their secrets stay here, keyed by a random token, until the person saves or discards each one. The CLI's
//! `tock scan --add` adds what it finds at once, leaving duplicates out.
use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use tock_core::migration::{parse_migration_uri, AddOutcome, MigrationCollector};
use tock_core::otp::DigitsPolicy;
use tock_core::qr::{self, classify, Found, Payload};
use tock_core::vault::{DocStore, NewAccount, SecretStore};
use tock_core::{otp, Account, AccountId, OtpAuthUri};
use ts_rs::TS;

use crate::accounts::{AccountView, AddPreview};
use crate::{Error, ErrorCode, Result, Session};

/// An account found by a scan, waiting for the person to review it. Its secret stays in Rust, under
/// `token`, until `save_scanned` or `discard_scanned`.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct ScannedAccount {
    pub token: String,
    /// Issuer, name, kind, algorithm, digits, period and counter.
    #[serde(flatten)]
    #[ts(flatten)]
    pub account: AddPreview,
    /// The code to type on the site to finish turning on two-factor authentication.
    pub first_code: String,
    /// Accounts already in the vault with the same issuer and name, or the same secret.
    pub duplicates: Vec<AccountView>,
}

/// Progress through a Google Authenticator export of several QR codes.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct BatchProgress {
    pub scanned: u32,
    pub total: u32,
    /// E.g. "Batch 2 of 3 scanned".
    pub message: String,
}

/// What a scan (screen, clipboard, dropped files) found.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScanReport {
    /// "screen", "clipboard" or the dropped files' names.
    pub source: String,
    /// The accounts found, to review.
    pub accounts: Vec<ScannedAccount>,
    /// One sentence per thing worth knowing: non-authenticator codes, unusable entries, nothing found.
    pub notes: Vec<String>,
    /// Where a multi-code transfer export stands.
    pub batch: Option<BatchProgress>,
}

/// Accounts found by scans and not yet saved or discarded, and the transfer export being collected.
#[derive(Default)]
pub struct Pending {
    entries: HashMap<String, NewAccount>,
    export: Option<MigrationCollector>,
}

impl Pending {
    /// Takes a pending account out (to save it), or `None` if it was already taken.
    pub fn take(&mut self, token: &str) -> Option<NewAccount> {
        self.entries.remove(token)
    }

    /// Turns the texts of the QR codes found in `source` into a report; `duplicates_of` looks the vault up.
    pub fn report(
        &mut self,
        source: &str,
        texts: Vec<String>,
        now: u64,
        mut duplicates_of: impl FnMut(&NewAccount) -> Vec<AccountView>,
    ) -> ScanReport {
        let mut found = Vec::new();
        let mut notes = Vec::new();
        let mut batch = None;
        for text in &texts {
            match classify(text) {
                Payload::OtpAuth(uri) => match uri.parse::<OtpAuthUri>() {
                    Ok(p) => found.push(NewAccount::from(p)),
                    Err(e) => notes.push(format!("A QR code could not be used: {e}.")),
                },
                Payload::Migration(uri) => match parse_migration_uri(&uri) {
                    Ok(b) => {
                        notes.extend(b.errors.iter().map(|e| format!("Skipped: {e}.")));
                        let total = b.batch_size.max(1) as u32;
                        let entries: Vec<NewAccount> =
                            b.entries.iter().cloned().map(NewAccount::from).collect();
                        let collector = self.export.get_or_insert_with(MigrationCollector::new);
                        let mut outcome = collector.add(b.clone());
                        if outcome == AddOutcome::OtherExport {
                            // A code of another export: start collecting that one.
                            *collector = MigrationCollector::new();
                            outcome = collector.add(b);
                        }
                        match outcome {
                            AddOutcome::AlreadyScanned => {
                                notes.push("This transfer code was already scanned.".into())
                            }
                            _ => found.extend(entries),
                        }
                        let scanned = collector.scanned() as u32;
                        let message = if scanned >= total {
                            format!("All {total} transfer codes scanned")
                        } else {
                            format!("Batch {scanned} of {total} scanned: show the next code and scan again, or save what you have")
                        };
                        batch = Some(BatchProgress {
                            scanned,
                            total,
                            message,
                        });
                        if collector.is_complete() {
                            self.export = None;
                        }
                    }
                    Err(e) => notes.push(format!("A transfer code could not be read: {e}.")),
                },
                Payload::Other(other) => notes.push(format!(
                    "Found a QR code that is not for two-factor authentication ({}).",
                    shorten(&other, 50)
                )),
            }
        }
        if texts.is_empty() {
            notes.push(format!("No QR code was found in the {source}; make sure the whole code is visible, not too small, and try again."));
        }
        let accounts = found
            .into_iter()
            .map(|new| {
                let token = random_token();
                let view = ScannedAccount {
                    token: token.clone(),
                    account: AddPreview::from(&new),
                    first_code: otp::code_at(&new.secret, &new.params, now).code,
                    duplicates: duplicates_of(&new),
                };
                self.entries.insert(token, new);
                view
            })
            .collect();
        ScanReport {
            source: source.to_owned(),
            accounts,
            notes,
            batch,
        }
    }
}

/// What `tock scan --add` did with one code's accounts, in order.
#[derive(Debug)]
pub enum Added {
    /// A transfer code that is one of several (`index` from 1).
    Batch {
        /// Which code of the export this was.
        index: i32,
        /// How many codes the export has.
        size: i32,
    },
    /// An entry of a transfer code that cannot be used, and why.
    Skipped(String),
    /// Already in the vault, so not added.
    Duplicate(Account),
    /// Added.
    Added(Account),
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Turns the texts of the QR codes found in `source` into accounts to review (secrets stay here under
    /// tokens), each with its duplicates in the vault.
    pub fn scan_report(&self, source: &str, texts: Vec<String>, now: u64) -> Result<ScanReport> {
        let mut inner = self.lock();
        let (vault, _, pending) = inner.parts()?;
        vault.reload()?;
        let mut failure = None;
        let report = pending.report(source, texts, now, |new| {
            match vault.duplicates_of(&new.issuer, &new.name, &new.secret) {
                Ok(found) => found.into_iter().map(AccountView::from).collect(),
                Err(e) => {
                    failure = Some(Error::from(e));
                    Vec::new()
                }
            }
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Saves a reviewed account; with `replace`, the accounts it duplicates are removed first.
    pub fn save_scanned(&self, token: &str, replace: bool, now: u64) -> Result<AccountView> {
        let mut inner = self.lock();
        let (vault, secrets, pending) = inner.parts()?;
        let new = pending.take(token).ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                "That scanned account was already saved or discarded; scan again.",
            )
        })?;
        vault.reload()?;
        if replace {
            let old: Vec<AccountId> = vault
                .duplicates_of(&new.issuer, &new.name, &new.secret)?
                .into_iter()
                .map(|a| a.id.clone())
                .collect();
            for id in old {
                vault.remove(&id)?;
                secrets.remove(&id);
            }
        }
        let secret = new.secret.clone();
        let account = vault.add(new, tock_store::new_account_id(), now, DigitsPolicy::Import)?;
        secrets.insert(account.id.clone(), secret);
        Ok(AccountView::from(account))
    }

    /// Forgets a scanned account without saving it.
    pub fn discard_scanned(&self, token: &str) {
        self.lock().pending.take(token);
    }

    /// Adds the accounts of one otpauth:// or otpauth-migration:// text at once (`tock scan --add`), telling
    /// `report` what happened to each in turn; duplicates are reported, not added. Other texts add nothing.
    pub fn add_scanned(&self, text: &str, now: u64, mut report: impl FnMut(Added)) -> Result<()> {
        let accounts: Vec<NewAccount> = match classify(text) {
            Payload::OtpAuth(uri) => {
                let parsed: OtpAuthUri = uri.parse().map_err(|e| Error::invalid(format!("{e}")))?;
                vec![NewAccount::from(parsed)]
            }
            Payload::Migration(uri) => {
                let batch = parse_migration_uri(&uri).map_err(|e| Error::invalid(e.to_string()))?;
                if batch.batch_size > 1 {
                    report(Added::Batch {
                        index: batch.batch_index + 1,
                        size: batch.batch_size,
                    });
                }
                for error in &batch.errors {
                    report(Added::Skipped(error.clone()));
                }
                batch.entries.into_iter().map(NewAccount::from).collect()
            }
            Payload::Other(_) => return Ok(()),
        };
        for new in accounts {
            let mut inner = self.lock();
            let (vault, secrets, _) = inner.parts()?;
            vault.reload()?;
            let duplicate = vault
                .duplicates_of(&new.issuer, &new.name, &new.secret)?
                .first()
                .map(|a| (*a).clone());
            if let Some(existing) = duplicate {
                drop(inner);
                report(Added::Duplicate(existing));
                continue;
            }
            let secret = new.secret.clone();
            let account = vault
                .add(new, tock_store::new_account_id(), now, DigitsPolicy::Import)?
                .clone();
            secrets.insert(account.id.clone(), secret);
            drop(inner);
            report(Added::Added(account));
        }
        Ok(())
    }
}

/// The QR codes in an image file, or one sentence (lower-case, no full stop) naming the file as `name` and
/// saying why it could not be read.
pub fn decode_image_file(path: &Path, name: &str) -> std::result::Result<Vec<Found>, String> {
    std::fs::read(path)
        .map_err(|e| format!("{name} could not be read ({e})"))
        .and_then(|bytes| qr::decode_image_bytes(&bytes).map_err(|e| format!("{name}: {e}")))
}

/// The texts of the QR codes in an image.
pub fn decode_texts(image: &image::GrayImage) -> Vec<String> {
    qr::decode_luma(image).into_iter().map(|f| f.text).collect()
}

/// One line of at most `max` characters of a QR code's text, for messages.
pub fn shorten(text: &str, max: usize) -> String {
    let one_line: String = text
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    match one_line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

fn random_token() -> String {
    tock_store::new_account_id().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session};
    use tock_core::OtpParams;

    /// The RFC seed as an otpauth URI for ACME (alice).
    const ACME: &str =
        "otpauth://totp/ACME:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=ACME";

    #[test]
    fn a_scan_is_reviewed_with_its_first_code_and_its_duplicates() {
        let session = memory_session();
        let existing = add_rfc_account(&session, "ACME", OtpParams::totp_default());
        let report = session
            .scan_report(
                "screen",
                vec![ACME.into(), "https://example.com/app".into()],
                59,
            )
            .unwrap();
        assert_eq!(report.source, "screen");
        assert_eq!(report.accounts.len(), 1);
        let found = &report.accounts[0];
        assert_eq!(found.first_code, "287082", "RFC 6238 at T=59, 6 digits");
        assert_eq!(found.duplicates.len(), 1);
        assert_eq!(found.duplicates[0].id, existing.to_string());
        assert!(
            report.notes[0].starts_with("Found a QR code that is not for two-factor"),
            "{:?}",
            report.notes
        );
        assert!(
            session.accounts().unwrap().len() == 1,
            "nothing saved before review"
        );

        // Saving with replace removes the old entry; the token is used up.
        let saved = session.save_scanned(&found.token, true, 100).unwrap();
        let ids: Vec<String> = session
            .accounts()
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(ids, [saved.id.clone()]);
        let again = session.save_scanned(&found.token, false, 100).unwrap_err();
        assert_eq!(again.code, ErrorCode::NotFound);
        assert_eq!(session.snapshot(59_000).unwrap().codes[0].code, "287082");
    }

    #[test]
    fn discarded_scans_are_forgotten_and_empty_scans_say_so() {
        let session = memory_session();
        let report = session
            .scan_report("clipboard", vec![ACME.into()], 0)
            .unwrap();
        session.discard_scanned(&report.accounts[0].token);
        assert!(session
            .save_scanned(&report.accounts[0].token, false, 0)
            .is_err());
        let empty = session.scan_report("screen", Vec::new(), 0).unwrap();
        assert!(empty.accounts.is_empty());
        assert!(empty.notes[0].starts_with("No QR code was found in the screen"));
        assert!(session.accounts().unwrap().is_empty());
    }

    #[test]
    fn adding_at_once_leaves_duplicates_out() {
        let session = memory_session();
        let mut said = Vec::new();
        session
            .add_scanned(ACME, 0, |a| said.push(format!("{a:?}")))
            .unwrap();
        session
            .add_scanned(ACME, 0, |a| said.push(format!("{a:?}")))
            .unwrap();
        session
            .add_scanned("not a code", 0, |a| said.push(format!("{a:?}")))
            .unwrap();
        assert_eq!(said.len(), 2, "{said:?}");
        assert!(
            said[0].starts_with("Added(") && said[1].starts_with("Duplicate("),
            "{said:?}"
        );
        assert_eq!(session.accounts().unwrap().len(), 1);
        let bad = session.add_scanned("otpauth://totp/X?secret=", 0, |_| {});
        assert_eq!(bad.unwrap_err().code, ErrorCode::InvalidInput);
    }

    #[test]
    fn transfer_codes_are_expanded_and_counted_and_not_taken_twice() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tock-core/tests/fixtures/google-migration/scito/example_export.txt"
        ))
        .unwrap();
        let uri = text
            .lines()
            .find(|l| l.starts_with("otpauth-migration://"))
            .unwrap()
            .to_owned();
        let session = memory_session();
        let report = session.scan_report("screen", vec![uri.clone()], 0).unwrap();
        assert_eq!(report.accounts.len(), 1);
        assert_eq!(report.accounts[0].account.issuer, "raspberrypi");
        let batch = report.batch.unwrap();
        assert_eq!((batch.scanned, batch.total), (1, 1));
        assert_eq!(batch.message, "All 1 transfer codes scanned");
        let mut added = Vec::new();
        session
            .add_scanned(&uri, 0, |a| added.push(format!("{a:?}")))
            .unwrap();
        assert!(
            added.len() == 1 && added[0].starts_with("Added("),
            "{added:?}"
        );
    }

    #[test]
    fn unreadable_files_are_named_in_the_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let missing = decode_image_file(&dir.path().join("gone.png"), "gone.png").unwrap_err();
        assert!(
            missing.starts_with("gone.png could not be read"),
            "{missing}"
        );
        let text = dir.path().join("notes.png");
        std::fs::write(&text, "not an image").unwrap();
        let junk = decode_image_file(&text, "notes.png").unwrap_err();
        assert!(junk.starts_with("notes.png: "), "{junk}");
        assert_eq!(shorten("a\nb", 10), "a b");
        assert_eq!(shorten("abcdef", 3), "abc…");
    }
}
