//! `tock scan`: find authenticator QR codes in image files or on the screen, print or add them.
use std::path::PathBuf;

use tock_core::migration::parse_migration_uri;
use tock_core::otp::DigitsPolicy;
use tock_core::qr::{self, Found, Payload};
use tock_core::vault::NewAccount;
use tock_core::OtpAuthUri;
use tock_store::DiskVault;

/// What to scan and what to do with it.
pub struct ScanArgs {
    pub images: Vec<PathBuf>,
    pub screen: bool,
    pub add: bool,
    pub json: bool,
}

/// One QR code as `--json` prints it.
#[derive(serde::Serialize)]
struct JsonFound {
    file: String,
    text: String,
    authenticator: bool,
}

/// Runs the scan; the vault is opened only with `--add`.
pub fn run(
    args: ScanArgs,
    open_vault: impl FnOnce() -> Result<DiskVault, String>,
) -> Result<(), String> {
    if args.images.is_empty() && !args.screen {
        return Err("give one or more image files, or --screen; see tock scan --help".into());
    }
    let mut found: Vec<(String, Found)> = Vec::new();
    let mut unreadable = 0;
    let mut last_error = String::new();
    for path in &args.images {
        let name = path.display().to_string();
        let result = std::fs::read(path)
            .map_err(|e| format!("{name} could not be read ({e})"))
            .and_then(|bytes| qr::decode_image_bytes(&bytes).map_err(|e| format!("{name}: {e}")));
        match result {
            Ok(codes) => found.extend(codes.into_iter().map(|f| (name.clone(), f))),
            Err(message) => {
                if unreadable > 0 {
                    eprintln!("error: {last_error}");
                }
                last_error = message;
                unreadable += 1;
            }
        }
    }
    if args.screen {
        let screen = crate::capture::capture_screen()?;
        if let Some(note) = &screen.note {
            eprintln!("note: {note}");
        }
        found.extend(
            qr::decode_luma(&screen.image)
                .into_iter()
                .map(|f| ("screen".to_owned(), f)),
        );
    }

    if args.json {
        let listed: Vec<JsonFound> = found
            .iter()
            .map(|(file, f)| JsonFound {
                file: file.clone(),
                text: f.text.clone(),
                authenticator: !matches!(qr::classify(&f.text), Payload::Other(_)),
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&listed).expect("serialisable")
        );
        return if unreadable > 0 {
            Err(last_error)
        } else {
            Ok(())
        };
    }

    let mut authenticator = Vec::new();
    for (file, f) in &found {
        match qr::classify(&f.text) {
            Payload::Other(text) => eprintln!(
                "note: {file}: a QR code that is not an authenticator code: {}",
                crate::enrol::shorten(&text, 60)
            ),
            _ => authenticator.push(f.text.clone()),
        }
    }
    if authenticator.is_empty() && unreadable > 0 {
        return Err(last_error);
    }
    if authenticator.is_empty() {
        let looked = if args.screen && args.images.is_empty() {
            "on the screen".to_owned()
        } else {
            "in the given images".to_owned()
        };
        return Err(format!("no authenticator QR code found {looked}; make sure the whole code is visible and sharp"));
    }
    if args.add {
        let mut vault = open_vault()?;
        for text in &authenticator {
            add_payload(&mut vault, text)?;
        }
    } else {
        for text in &authenticator {
            println!("{text}");
        }
    }
    if unreadable > 0 {
        return Err(last_error);
    }
    Ok(())
}

/// Adds the accounts of one otpauth:// or otpauth-migration:// text; duplicates are reported, not added.
fn add_payload(vault: &mut DiskVault, text: &str) -> Result<(), String> {
    let accounts: Vec<NewAccount> = match qr::classify(text) {
        Payload::OtpAuth(uri) => {
            let parsed: OtpAuthUri = uri.parse().map_err(|e| format!("{e}"))?;
            vec![NewAccount::from(parsed)]
        }
        Payload::Migration(uri) => {
            let batch = parse_migration_uri(&uri).map_err(|e| e.to_string())?;
            if batch.batch_size > 1 {
                eprintln!(
                    "transfer code: batch {} of {} scanned",
                    batch.batch_index + 1,
                    batch.batch_size
                );
            }
            for error in &batch.errors {
                eprintln!("skipped: {error}");
            }
            batch.entries.into_iter().map(NewAccount::from).collect()
        }
        Payload::Other(_) => return Ok(()),
    };
    for new in accounts {
        let duplicates = vault
            .duplicates_of(&new.issuer, &new.name, &new.secret)
            .map_err(|e| e.to_string())?;
        if let Some(existing) = duplicates.first() {
            eprintln!(
                "already in the vault, not added: {} (id {})",
                existing.label(),
                existing.id
            );
            continue;
        }
        let now = crate::cli::now();
        let account = vault
            .add(new, tock_store::new_account_id(), now, DigitsPolicy::Import)
            .map_err(|e| e.to_string())?;
        println!("{}  {}", account.id, account.label());
    }
    Ok(())
}
