//! Importing other authenticators' export files, in two phases: read the file (its format recognised from
//! the content; an encrypted file waits for its password), then add its entries to the vault in one step.
//! Entries the file could not carry, entries the vault already has (same issuer and name, or the same
//! secret) and entries repeated in the file are skipped, each with its reason; the rest are added together
//! or not at all.
use std::path::Path;

use tock_core::import::{self, describe, Imported, ImportedEntry, Read, MAX_FILE_BYTES};
use tock_core::otp::DigitsPolicy;
use tock_core::vault::{same_label, DocStore, NewAccount, SecretStore};
use tock_core::{Account, AccountId, Secret};
use zeroize::Zeroizing;

use serde::Serialize;
use ts_rs::TS;

use crate::accounts::{kind_name, AccountView, OtpKindName};
use crate::session::Inner;
use crate::{Error, ErrorCode, Result, Session};

pub use tock_core::import::{Format, FORMATS};

/// Reads the export file at `path` (as `hint` if given); a file larger than any export is refused before it
/// is read.
pub fn read_file(path: &Path, hint: Option<Format>) -> Result<Read> {
    let name = path.display();
    let size = std::fs::metadata(path)
        .map_err(|e| {
            Error::new(
                ErrorCode::Storage,
                format!("{name} could not be read ({e}); check the path"),
            )
        })?
        .len();
    if size > MAX_FILE_BYTES as u64 {
        return Err(Error::invalid(
            import::ImportError::TooLarge {
                mib: size.div_ceil(1024 * 1024) as usize,
            }
            .to_string(),
        ));
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        Error::new(
            ErrorCode::Storage,
            format!("{name} could not be read ({e}); check the path"),
        )
    })?);
    import::read(&bytes, hint).map_err(|e| Error::invalid(e.to_string()))
}

/// An entry that was not imported, and why.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct SkippedEntry {
    /// Which entry: "Issuer (name)", or its place in the file.
    pub entry: String,
    /// Why, in one clause.
    pub reason: String,
}

/// What an import did.
#[derive(Serialize, Debug, TS)]
#[ts(export, rename = "ImportDone")]
pub struct ImportSummary {
    /// The accounts added, in file order.
    pub added: Vec<AccountView>,
    /// The entries left out, in file order: those the file could not carry first, then the rest.
    pub skipped: Vec<SkippedEntry>,
}

/// How an entry of the file stands against the vault.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EntryStatus {
    /// Not in the vault: imported unless the person leaves it out.
    New,
    /// Same issuer and name, or the same secret, as an account in the vault.
    Duplicate,
    /// The same as an earlier entry of the file.
    Repeated,
    /// Tock cannot use it (e.g. 12 digits); never imported.
    Invalid,
}

/// The vault's account an entry duplicates.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ExistingAccount {
    /// Its id.
    pub id: String,
    /// "Issuer (name)".
    pub label: String,
    /// When it was added (Unix seconds).
    #[ts(type = "number")]
    pub added_at: u64,
}

/// One entry of a read file, for the review (never its secret).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct ReviewEntry {
    /// Its place among the file's readable entries (what the person selects).
    pub index: u32,
    /// The service.
    pub issuer: String,
    /// The account at that service.
    pub name: String,
    /// TOTP, HOTP or Steam.
    pub kind: OtpKindName,
    /// Digits of its codes.
    pub digits: u8,
    /// Seconds per code (TOTP and Steam).
    pub period: Option<u32>,
    /// New, a duplicate, repeated or invalid.
    pub status: EntryStatus,
    /// Why it is not new, in one clause.
    pub reason: Option<String>,
    /// The account it duplicates.
    pub existing: Option<ExistingAccount>,
}

/// A read file, to review before importing.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct ImportReview {
    /// The format's name, e.g. "Aegis".
    pub format: String,
    /// The readable entries, in file order.
    pub entries: Vec<ReviewEntry>,
    /// The entries the file holds but Tock could not read, with why.
    pub unreadable: Vec<SkippedEntry>,
}

/// What the review decided for one entry.
struct Verdict {
    status: EntryStatus,
    reason: Option<String>,
    existing: Option<ExistingAccount>,
}

/// Checks each entry against the vault's accounts (with their secrets) and the entries before it.
fn classify(existing: &[(Account, Option<Secret>)], entries: &[ImportedEntry]) -> Vec<Verdict> {
    entries
        .iter()
        .enumerate()
        .map(|(index, e)| {
            if let Err(error) = e.params.validate(DigitsPolicy::Import) {
                return Verdict {
                    status: EntryStatus::Invalid,
                    reason: Some(error.to_string()),
                    existing: None,
                };
            }
            let in_vault = existing.iter().find(|(a, s)| {
                same_label(&a.issuer, &a.name, &e.issuer, &e.name) || s.as_ref() == Some(&e.secret)
            });
            if let Some((a, _)) = in_vault {
                return Verdict {
                    status: EntryStatus::Duplicate,
                    reason: Some(format!(
                        "already in the vault as {} (id {})",
                        a.label(),
                        a.id
                    )),
                    existing: Some(ExistingAccount {
                        id: a.id.to_string(),
                        label: a.label(),
                        added_at: a.added_at,
                    }),
                };
            }
            let earlier = entries[..index].iter().any(|k| {
                same_label(&k.issuer, &k.name, &e.issuer, &e.name) || k.secret == e.secret
            });
            if earlier {
                return Verdict {
                    status: EntryStatus::Repeated,
                    reason: Some("it appears twice in the file; the first one was imported".into()),
                    existing: None,
                };
            }
            Verdict {
                status: EntryStatus::New,
                reason: None,
                existing: None,
            }
        })
        .collect()
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// The vault's accounts with their secrets (for finding duplicates).
    fn accounts_with_secrets(inner: &mut Inner<S, D>) -> Result<Vec<(Account, Option<Secret>)>> {
        inner.load_secrets()?;
        let (vault, secrets, _) = inner.parts()?;
        Ok(vault
            .doc()
            .accounts
            .iter()
            .map(|a| (a.clone(), secrets.get(&a.id).cloned()))
            .collect())
    }

    /// What importing `imported` would do, entry by entry.
    pub fn review_import(&self, imported: &Imported) -> Result<ImportReview> {
        let existing = Self::accounts_with_secrets(&mut self.lock())?;
        let verdicts = classify(&existing, &imported.entries);
        let entries = imported
            .entries
            .iter()
            .zip(verdicts)
            .enumerate()
            .map(|(index, (e, v))| ReviewEntry {
                index: index as u32,
                issuer: e.issuer.clone(),
                name: e.name.clone(),
                kind: kind_name(e.params.kind),
                digits: e.params.digits,
                period: e.params.period(),
                status: v.status,
                reason: v.reason,
                existing: v.existing,
            })
            .collect();
        Ok(ImportReview {
            format: imported.format.to_string(),
            entries,
            unreadable: imported
                .errors
                .iter()
                .map(|e| SkippedEntry {
                    entry: e.entry.clone(),
                    reason: e.reason.clone(),
                })
                .collect(),
        })
    }

    /// Adds the new entries of a read file at `now` (Unix seconds), skipping the rest with their reasons;
    /// all are added in one step, or none (a keychain or disk failure leaves the vault as it was).
    pub fn import(&self, imported: Imported, now: u64) -> Result<ImportSummary> {
        self.import_selected(imported, None, now, &mut |_, _| {})
    }

    /// Adds the entries at `selected` (indices into the file's entries; `None`: the new ones). A selected
    /// duplicate or repeated entry is added (the person chose it); an invalid one never is. `progress` gets
    /// `(stored, total)` after each secret is stored.
    pub fn import_selected(
        &self,
        imported: Imported,
        selected: Option<&[u32]>,
        now: u64,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<ImportSummary> {
        // One lock from the duplicate check to the write: nothing can slip in between.
        let mut inner = self.lock();
        let existing = Self::accounts_with_secrets(&mut inner)?;
        let verdicts = classify(&existing, &imported.entries);
        let mut skipped: Vec<SkippedEntry> = imported
            .errors
            .into_iter()
            .map(|e| SkippedEntry {
                entry: e.entry,
                reason: e.reason,
            })
            .collect();
        let mut kept: Vec<(AccountId, NewAccount, bool)> = Vec::new();
        for (index, (entry, verdict)) in imported.entries.into_iter().zip(verdicts).enumerate() {
            let chosen = match selected {
                Some(list) => list.contains(&(index as u32)),
                None => verdict.status == EntryStatus::New,
            };
            if verdict.status == EntryStatus::Invalid || !chosen {
                skipped.push(SkippedEntry {
                    entry: describe(&entry.issuer, &entry.name, index),
                    reason: verdict
                        .reason
                        .unwrap_or_else(|| "it was not selected".into()),
                });
                continue;
            }
            let ImportedEntry {
                issuer,
                name,
                secret,
                params,
                notes,
                favourite,
            } = entry;
            let new = NewAccount {
                issuer,
                name,
                secret,
                params,
                notes,
            };
            kept.push((tock_store::new_account_id(), new, favourite));
        }
        let cached: Vec<(AccountId, Secret)> = kept
            .iter()
            .map(|(id, new, _)| (id.clone(), new.secret.clone()))
            .collect();
        let total = kept.len();
        let (vault, secrets, _) = inner.parts()?;
        let added: Vec<AccountView> = vault
            .add_many_with_progress(kept, now, DigitsPolicy::Import, &mut |n| progress(n, total))?
            .iter()
            .map(AccountView::from)
            .collect();
        secrets.extend(cached);
        Ok(ImportSummary { added, skipped })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session};
    use tock_core::OtpParams;

    fn entry(issuer: &str, secret: &[u8]) -> ImportedEntry {
        ImportedEntry {
            issuer: issuer.into(),
            name: "alice".into(),
            secret: Secret::from_bytes(secret.to_vec()),
            params: OtpParams::totp_default(),
            notes: String::new(),
            favourite: issuer == "Fav",
        }
    }

    #[test]
    fn imports_what_is_new_and_names_what_it_skips() {
        let session = memory_session();
        add_rfc_account(&session, "ACME", OtpParams::totp_default());
        let file = Imported {
            format: Format::UriList,
            entries: vec![
                entry("GitHub", b"one secret"),
                entry("acme", b"another secret"),
                entry("Bank", b"12345678901234567890"),
                entry("Fav", b"a third secret"),
                entry("GitLab", b"one secret"),
                ImportedEntry {
                    params: OtpParams {
                        digits: 12,
                        ..OtpParams::totp_default()
                    },
                    ..entry("Odd", b"odd secret")
                },
            ],
            errors: vec![import::EntryError {
                entry: "entry 7".into(),
                reason: "its algorithm \"SHA384\" is not supported".into(),
            }],
        };
        let summary = session.import(file, 42).unwrap();
        let added: Vec<&str> = summary.added.iter().map(|a| a.issuer.as_str()).collect();
        assert_eq!(added, ["GitHub", "Fav"]);
        assert!(summary.added[1].favourite);
        let skipped: Vec<(&str, &str)> = summary
            .skipped
            .iter()
            .map(|s| (s.entry.as_str(), s.reason.as_str()))
            .collect();
        assert_eq!(
            skipped[0],
            ("entry 7", "its algorithm \"SHA384\" is not supported")
        );
        assert_eq!(skipped[1].0, "acme (alice)");
        assert!(
            skipped[1]
                .1
                .starts_with("already in the vault as ACME (alice)"),
            "{skipped:?}"
        );
        assert!(
            skipped[2]
                .1
                .starts_with("already in the vault as ACME (alice)"),
            "same secret"
        );
        assert_eq!(skipped[3].0, "GitLab (alice)");
        assert!(skipped[3].1.contains("twice"));
        assert_eq!(skipped[4].0, "Odd (alice)");
        assert_eq!(skipped.len(), 5);
        assert_eq!(session.accounts().unwrap().len(), 3);
        assert_eq!(
            session.snapshot(0).unwrap().codes.len(),
            3,
            "secrets cached"
        );
    }

    #[test]
    fn the_review_flags_duplicates_with_dates_and_the_selection_decides() {
        let session = memory_session();
        add_rfc_account(&session, "ACME", OtpParams::totp_default());
        let file = || Imported {
            format: Format::Aegis,
            entries: vec![
                entry("GitHub", b"one secret"),
                entry("acme", b"another secret"),
                entry("GitLab", b"one secret"),
                ImportedEntry {
                    params: OtpParams {
                        digits: 12,
                        ..OtpParams::totp_default()
                    },
                    ..entry("Odd", b"odd secret")
                },
            ],
            errors: vec![import::EntryError {
                entry: "entry 5".into(),
                reason: "it has no secret".into(),
            }],
        };
        let review = session.review_import(&file()).unwrap();
        assert_eq!(review.format, "Aegis");
        let statuses: Vec<EntryStatus> = review.entries.iter().map(|e| e.status).collect();
        use EntryStatus::*;
        assert_eq!(statuses, [New, Duplicate, Repeated, Invalid]);
        let existing = review.entries[1].existing.as_ref().unwrap();
        assert_eq!(
            (existing.label.as_str(), existing.added_at),
            ("ACME (alice)", 0)
        );
        assert!(review.entries[3].reason.as_deref().unwrap().contains("12"));
        assert_eq!(review.unreadable[0].entry, "entry 5");

        // The person keeps the duplicate, leaves the new one out, and tries to force the invalid one.
        let mut seen = Vec::new();
        let summary = session
            .import_selected(file(), Some(&[1, 3]), 9, &mut |n, total| {
                seen.push((n, total))
            })
            .unwrap();
        let added: Vec<&str> = summary.added.iter().map(|a| a.issuer.as_str()).collect();
        assert_eq!(added, ["acme"]);
        assert_eq!(seen, [(1, 1)]);
        let skipped: Vec<&str> = summary.skipped.iter().map(|s| s.entry.as_str()).collect();
        assert_eq!(
            skipped,
            ["entry 5", "GitHub (alice)", "GitLab (alice)", "Odd (alice)"]
        );
        assert_eq!(summary.skipped[1].reason, "it was not selected");
        assert_eq!(session.accounts().unwrap().len(), 2);
    }

    #[test]
    fn a_failed_import_adds_nothing() {
        let session = memory_session();
        session
            .with_vault(|v| {
                v.secrets().locked.set(true);
                Ok(())
            })
            .unwrap();
        let file = Imported {
            format: Format::UriList,
            entries: vec![entry("GitHub", b"one secret")],
            errors: Vec::new(),
        };
        assert_eq!(
            session.import(file, 0).unwrap_err().code,
            ErrorCode::Keychain
        );
        session
            .with_vault(|v| {
                v.secrets().locked.set(false);
                Ok(())
            })
            .unwrap();
        assert!(session.accounts().unwrap().is_empty());
    }

    #[test]
    fn files_too_large_are_refused_before_reading() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.json");
        let file = std::fs::File::create(&big).unwrap();
        file.set_len(MAX_FILE_BYTES as u64 + 1).unwrap();
        let e = read_file(&big, None).unwrap_err();
        assert!(e.message.contains("more than the 20 MiB"), "{e}");
        let e = read_file(&dir.path().join("missing.json"), None).unwrap_err();
        assert!(e.message.contains("could not be read"), "{e}");
    }
}
