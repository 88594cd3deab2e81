//! `tock scan`: find authenticator QR codes in image files or on the screen, print or add them.
use std::path::PathBuf;

use tock_core::qr::{self, Found, Payload};
use tock_ops::enrol::{decode_image_file, shorten, Added};
use tock_ops::Session;

use crate::desktop::{capture, clock};

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
    open_vault: impl FnOnce() -> Result<Session, String>,
) -> Result<(), String> {
    if args.images.is_empty() && !args.screen {
        return Err("give one or more image files, or --screen; see tock scan --help".into());
    }
    let mut found: Vec<(String, Found)> = Vec::new();
    let mut unreadable = 0;
    let mut last_error = String::new();
    for path in &args.images {
        let name = path.display().to_string();
        match decode_image_file(path, &name) {
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
        let screen = capture::capture_screen()?;
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
                shorten(&text, 60)
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
        let session = open_vault()?;
        for text in &authenticator {
            session
                .add_scanned(text, clock::now(), say)
                .map_err(|e| e.to_string())?;
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

/// Tells what `--add` did with one account (added: its id and name on standard output).
fn say(added: Added) {
    match added {
        Added::Batch { index, size } => eprintln!("transfer code: batch {index} of {size} scanned"),
        Added::Skipped(error) => eprintln!("skipped: {error}"),
        Added::Duplicate(existing) => eprintln!(
            "already in the vault, not added: {} (id {})",
            existing.label(),
            existing.id
        ),
        Added::Added(account) => println!("{}  {}", account.id, account.label()),
    }
}
