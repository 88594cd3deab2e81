//! Exporting the vault's accounts to a file other authenticators import: an encrypted Aegis vault (the
//! default), a plain Aegis vault or otpauth URI list (every secret readable: the faces warn and confirm),
//! or Google Authenticator transfer codes as PNG images. Files go where the person chooses — never into the
//! data folder — written atomically, readable by their owner only.
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tock_core::export::{self, aegis::AegisKeys, ExportEntry};
use tock_core::vault::{DocStore, SecretStore, VaultError};
use tock_core::{qr, Account, AccountId, Secret};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::backup::is_inside;
use crate::{Error, ErrorCode, Result, Session};

/// The formats of an export.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export, rename = "ExportFormatName")]
pub enum ExportFormat {
    /// Aegis's vault, encrypted with a password (scrypt and AES-256-GCM).
    Aegis,
    /// Aegis's vault, not encrypted: every secret readable.
    AegisPlain,
    /// One otpauth:// URI per line: every secret readable.
    Otpauth,
    /// Google Authenticator transfer codes, ten accounts per PNG image.
    GoogleQr,
}

impl ExportFormat {
    /// Whether the file holds the secrets in plain form.
    pub fn is_plain(self) -> bool {
        !matches!(self, ExportFormat::Aegis)
    }
}

/// What an export wrote.
#[derive(Serialize, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, rename = "ExportDone")]
pub struct ExportReport {
    /// The files written, in order.
    #[ts(type = "Array<string>")]
    pub files: Vec<PathBuf>,
    /// How many accounts they hold.
    #[ts(type = "number")]
    pub exported: usize,
    /// Accounts the format cannot carry, each with why ("GitHub (alice) was left out: …").
    pub left_out: Vec<String>,
}

/// How accounts are shown for another device to scan.
#[derive(Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum TransferMode {
    /// One otpauth QR code per account (every authenticator reads it).
    Single,
    /// Google Authenticator transfer codes, up to ten accounts each (Google Authenticator, Aegis, 2FAS, Ente).
    Google,
}

/// One QR code to show.
#[derive(Serialize, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TransferCode {
    /// The code as a standalone SVG document (it holds secrets: shown only after the person confirmed).
    #[ts(type = "string")]
    pub svg: Zeroizing<String>,
    /// The account's label, or "QR 2 of 4".
    pub title: String,
    /// The accounts it carries.
    pub account_ids: Vec<String>,
}

/// The codes to show, and the accounts the chosen mode cannot carry.
#[derive(Serialize, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct TransferCodes {
    /// In order.
    pub codes: Vec<TransferCode>,
    /// "GitHub (alice) was left out: …" for each account left out.
    pub left_out: Vec<String>,
}

/// Pixels per module of the transfer-code images: large enough for a phone to read from a screen.
const QR_MODULE_PX: u32 = 8;

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS random number generator failed");
    bytes
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// The accounts `ids` (none: all), in vault order, with their secrets; an unknown id is an error, and so
    /// is an account whose secret is missing (an export never silently drops one).
    fn chosen_with_secrets(&self, ids: &[AccountId]) -> Result<(Vec<Account>, Vec<Secret>)> {
        let mut inner = self.lock();
        inner.load_secrets()?;
        let doc = inner.vault_ref()?.doc();
        if let Some(gone) = ids.iter().find(|id| doc.get(id).is_none()) {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("account {gone} no longer exists; reload the list and choose again"),
            ));
        }
        let accounts: Vec<Account> = doc
            .accounts
            .iter()
            .filter(|a| ids.is_empty() || ids.contains(&a.id))
            .cloned()
            .collect();
        let secrets = accounts
            .iter()
            .map(|a| {
                inner
                    .secrets
                    .get(&a.id)
                    .cloned()
                    .ok_or_else(|| Error::from(VaultError::SecretMissing(a.label())))
            })
            .collect::<Result<_>>()?;
        Ok((accounts, secrets))
    }

    /// QR codes to show on screen for another device to scan: one otpauth code per account
    /// ([`TransferMode::Single`]), or Google Authenticator transfer codes of up to ten accounts each.
    pub fn transfer_codes(&self, ids: &[AccountId], mode: TransferMode) -> Result<TransferCodes> {
        let (accounts, secrets) = self.chosen_with_secrets(ids)?;
        let entries: Vec<ExportEntry> = accounts
            .iter()
            .zip(&secrets)
            .map(|(a, s)| ExportEntry::of_account(a, s))
            .collect();
        let svg = |text: &str| {
            qr::encode_svg(text)
                .map(Zeroizing::new)
                .map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))
        };
        match mode {
            TransferMode::Single => {
                let codes = accounts
                    .iter()
                    .zip(&entries)
                    .map(|(a, e)| {
                        Ok(TransferCode {
                            svg: svg(&export::uri_list::uri_of(e))?,
                            title: a.label(),
                            account_ids: vec![a.id.to_string()],
                        })
                    })
                    .collect::<Result<_>>()?;
                Ok(TransferCodes {
                    codes,
                    left_out: Vec::new(),
                })
            }
            TransferMode::Google => {
                let batch_id = i32::from_le_bytes(random()) & i32::MAX;
                let made = export::google::google_transfer(&entries, batch_id);
                let count = made.uris.len();
                let codes = made
                    .uris
                    .iter()
                    .zip(&made.batches)
                    .enumerate()
                    .map(|(i, (uri, members))| {
                        Ok(TransferCode {
                            svg: svg(uri)?,
                            title: format!("QR {} of {count}", i + 1),
                            account_ids: members
                                .iter()
                                .map(|&m| accounts[m].id.to_string())
                                .collect(),
                        })
                    })
                    .collect::<Result<_>>()?;
                Ok(TransferCodes {
                    codes,
                    left_out: made.left_out.iter().map(ToString::to_string).collect(),
                })
            }
        }
    }

    /// Exports the accounts `ids` (none: every account) in `format` to `out` (for Google transfer codes,
    /// `out-1.png`, `out-2.png`, …). `password` encrypts the Aegis vault (required for it, ignored otherwise).
    pub fn export(
        &self,
        format: ExportFormat,
        ids: &[AccountId],
        out: &Path,
        password: Option<&str>,
    ) -> Result<ExportReport> {
        if let Some(dir) = self.data_dir() {
            if is_inside(out, dir) {
                return Err(Error::invalid(format!(
                    "{} is inside Tock's data folder, where exports are never written; choose a place outside it",
                    out.display()
                )));
            }
        }
        let (accounts, secrets) = self.chosen_with_secrets(ids)?;
        let entries: Vec<ExportEntry> = accounts
            .iter()
            .zip(&secrets)
            .map(|(a, s)| ExportEntry::of_account(a, s))
            .collect();
        let one = |text: &[u8]| -> Result<ExportReport> {
            write_file(out, text)?;
            Ok(ExportReport {
                files: vec![out.to_owned()],
                exported: entries.len(),
                left_out: Vec::new(),
            })
        };
        match format {
            ExportFormat::Aegis => {
                let password = password.filter(|p| !p.is_empty()).ok_or_else(|| {
                    Error::invalid(
                        "an encrypted export needs a password; give one to protect the file",
                    )
                })?;
                let keys = AegisKeys {
                    master_key: random(),
                    salt: random(),
                    slot_nonce: random(),
                    db_nonce: random(),
                    slot_uuid: random(),
                };
                one(export::aegis::encrypted(&entries, password, &keys).as_bytes())
            }
            ExportFormat::AegisPlain => one(export::aegis::plain(&entries).as_bytes()),
            ExportFormat::Otpauth => one(export::uri_list::uri_list(&entries).as_bytes()),
            ExportFormat::GoogleQr => {
                let batch_id = i32::from_le_bytes(random()) & i32::MAX;
                let made = export::google::google_transfer(&entries, batch_id);
                let stem = out.as_os_str().to_string_lossy().into_owned();
                let stem = stem.strip_suffix(".png").unwrap_or(&stem).to_owned();
                let mut files = Vec::new();
                for (i, uri) in made.uris.iter().enumerate() {
                    let image = qr::encode_image(uri, QR_MODULE_PX)
                        .map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
                    let mut png = Zeroizing::new(Vec::new());
                    image::DynamicImage::ImageLuma8(image)
                        .write_to(
                            &mut std::io::Cursor::new(&mut *png),
                            image::ImageFormat::Png,
                        )
                        .map_err(|e| Error::new(ErrorCode::Internal, e.to_string()))?;
                    let path = PathBuf::from(format!("{stem}-{}.png", i + 1));
                    write_file(&path, &png)?;
                    files.push(path);
                }
                Ok(ExportReport {
                    files,
                    exported: entries.len() - made.left_out.len(),
                    left_out: made.left_out.iter().map(|l| l.to_string()).collect(),
                })
            }
        }
    }
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    tock_store::write_atomically(path, bytes).map_err(|e| {
        Error::new(
            ErrorCode::Storage,
            format!(
                "{} could not be written ({e}); check the folder and free space",
                path.display()
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session};
    use tock_core::import::{read, Read};
    use tock_core::{OtpKind, OtpParams};

    #[test]
    fn every_format_reads_back_and_google_names_what_it_leaves_out() {
        let session = memory_session();
        add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        add_rfc_account(
            &session,
            "Bank",
            OtpParams {
                kind: OtpKind::Totp { period: 60 },
                ..OtpParams::totp_default()
            },
        );
        let dir = tempfile::tempdir().unwrap();

        let aegis = dir.path().join("vault.json");
        let e = session
            .export(ExportFormat::Aegis, &[], &aegis, None)
            .unwrap_err();
        assert!(e.message.contains("needs a password"), "{e}");
        session
            .export(ExportFormat::Aegis, &[], &aegis, Some("pässwörd"))
            .unwrap();
        let Read::NeedsPassword(sealed) = read(&std::fs::read(&aegis).unwrap(), None).unwrap()
        else {
            panic!("an encrypted export reads as encrypted")
        };
        assert_eq!(sealed.decrypt("pässwörd").unwrap().entries.len(), 2);

        for format in [ExportFormat::AegisPlain, ExportFormat::Otpauth] {
            let out = dir.path().join(format!("{format:?}.txt"));
            let report = session.export(format, &[], &out, None).unwrap();
            assert_eq!((report.exported, report.files.len()), (2, 1));
            let Read::Imported(back) = read(&std::fs::read(&out).unwrap(), None).unwrap() else {
                panic!("{format:?} reads as plain")
            };
            let issuers: Vec<&str> = back.entries.iter().map(|e| e.issuer.as_str()).collect();
            assert_eq!(issuers, ["GitHub", "Bank"], "{format:?}");
        }

        let report = session
            .export(
                ExportFormat::GoogleQr,
                &[],
                &dir.path().join("transfer.png"),
                None,
            )
            .unwrap();
        assert_eq!(report.files, [dir.path().join("transfer-1.png")]);
        assert_eq!(report.exported, 1);
        assert_eq!(report.left_out.len(), 1);
        assert!(
            report.left_out[0].starts_with("Bank (alice) was left out"),
            "{:?}",
            report.left_out
        );
        let found = qr::decode_image_bytes(&std::fs::read(&report.files[0]).unwrap()).unwrap();
        assert!(found[0]
            .text
            .starts_with("otpauth-migration://offline?data="));
        let batch = tock_core::migration::parse_migration_uri(&found[0].text).unwrap();
        assert_eq!(batch.entries.len(), 1);

        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&aegis).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read an export");
        }
    }
}
