//! Exporting accounts to files other authenticators (and Tock) import.
//!
//! Each format has its own file; every function returns the text, zeroized on drop because it holds the
//! secrets, and writes nothing: choosing where the file goes is the caller's job. Nothing here reads the clock or
//! the random number generator: salts, nonces, keys and ids that must be random are passed in by the caller.
//!
//! - [`aegis::plain`] and [`aegis::encrypted`]: Aegis's vault format (one scrypt password slot, N = 2^15,
//!   r = 8, p = 1; AES-256-GCM key wrap and database encryption), which Aegis imports, and Tock too.
//! - [`uri_list::uri_list`]: one `otpauth://` URI per line.
//! - [`google::google_transfer`]: Google Authenticator transfer URIs (`otpauth-migration://`), ten accounts
//!   each, leaving out (and naming) the accounts the format cannot carry.
//! - [`backup_file::write`] and [`backup_file::read`]: Tock's automatic backups, an encrypted Aegis vault that
//!   also carries backup codes (with their used marks), sign-in notes and dates in keys Aegis ignores.
use crate::import::ImportedEntry;
use crate::{Account, OtpParams, Secret};

pub mod aegis;
pub mod backup_file;
pub mod google;
pub mod uri_list;

/// One account to export, borrowed from wherever it lives.
#[derive(Clone, Copy, Debug)]
pub struct ExportEntry<'a> {
    /// The service.
    pub issuer: &'a str,
    /// The account at that service.
    pub name: &'a str,
    /// The key.
    pub secret: &'a Secret,
    /// Kind, algorithm, digits, period or counter.
    pub params: &'a OtpParams,
    /// The note (formats without notes drop it).
    pub notes: &'a str,
    /// Whether it is a favourite (formats without favourites drop it).
    pub favourite: bool,
}

impl<'a> ExportEntry<'a> {
    /// A vault account and its secret.
    pub fn of_account(account: &'a Account, secret: &'a Secret) -> Self {
        ExportEntry {
            issuer: &account.issuer,
            name: &account.name,
            secret,
            params: &account.params,
            notes: &account.notes,
            favourite: account.favourite,
        }
    }

    /// An imported entry (e.g. to convert a file from one format to another).
    pub fn of_imported(e: &'a ImportedEntry) -> Self {
        ExportEntry {
            issuer: &e.issuer,
            name: &e.name,
            secret: &e.secret,
            params: &e.params,
            notes: &e.notes,
            favourite: e.favourite,
        }
    }

    /// "Issuer (name)", "Issuer", "name" or "account N" (1-based): how the account is named in results.
    pub fn label(&self, index: usize) -> String {
        let label = crate::import::describe(self.issuer, self.name, index);
        if self.issuer.trim().is_empty() && self.name.trim().is_empty() {
            format!("account {}", index + 1)
        } else {
            label
        }
    }
}
