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

use crate::accounts::AccountView;
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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    /// Which entry: "Issuer (name)", or its place in the file.
    pub entry: String,
    /// Why, in one clause.
    pub reason: String,
}

/// What an import did.
#[derive(Debug)]
pub struct ImportSummary {
    /// The accounts added, in file order.
    pub added: Vec<AccountView>,
    /// The entries left out, in file order: those the file could not carry first, then the rest.
    pub skipped: Vec<Skipped>,
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Adds the entries of a read file at `now` (Unix seconds), skipping duplicates; all are added in one
    /// step, or none (a keychain or disk failure leaves the vault as it was).
    pub fn import(&self, imported: Imported, now: u64) -> Result<ImportSummary> {
        let mut skipped: Vec<Skipped> = imported
            .errors
            .into_iter()
            .map(|e| Skipped {
                entry: e.entry,
                reason: e.reason,
            })
            .collect();
        let mut inner = self.lock();
        inner.load_secrets()?;
        let (vault, secrets, _) = inner.parts()?;
        let existing: Vec<(Account, Option<Secret>)> = vault
            .doc()
            .accounts
            .iter()
            .map(|a| (a.clone(), secrets.get(&a.id).cloned()))
            .collect();
        let mut kept: Vec<(AccountId, NewAccount, bool)> = Vec::new();
        for (index, entry) in imported.entries.into_iter().enumerate() {
            let ImportedEntry {
                issuer,
                name,
                secret,
                params,
                notes,
                favourite,
            } = entry;
            let this = describe(&issuer, &name, index);
            if let Err(e) = params.validate(DigitsPolicy::Import) {
                skipped.push(Skipped {
                    entry: this,
                    reason: e.to_string(),
                });
                continue;
            }
            let in_vault = existing.iter().find(|(a, s)| {
                same_label(&a.issuer, &a.name, &issuer, &name) || s.as_ref() == Some(&secret)
            });
            if let Some((a, _)) = in_vault {
                skipped.push(Skipped {
                    entry: this,
                    reason: format!("already in the vault as {} (id {})", a.label(), a.id),
                });
                continue;
            }
            let twice = kept.iter().any(|(_, k, _)| {
                same_label(&k.issuer, &k.name, &issuer, &name) || k.secret == secret
            });
            if twice {
                skipped.push(Skipped {
                    entry: this,
                    reason: "it appears twice in the file; the first one was imported".into(),
                });
                continue;
            }
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
        let added: Vec<AccountView> = vault
            .add_many(kept, now, DigitsPolicy::Import)?
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
