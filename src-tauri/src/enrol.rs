//! Enrolment by QR code in the window: turns what a scan found into accounts to review. Secrets stay here,
//! keyed by a random token, until the person saves or discards each one.
use std::collections::HashMap;

use tock_core::migration::{parse_migration_uri, AddOutcome, MigrationCollector};
use tock_core::qr::{classify, Payload};
use tock_core::vault::NewAccount;
use tock_core::{otp, OtpAuthUri};

use crate::ipc::{AccountView, AddPreview, BatchProgress, ScanReport, ScannedAccount};

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
