//! `tock import FILE [--format FORMAT] [--import-password-file PATH]`: another authenticator's export file into the
//! vault. Prints `imported N, skipped M`, then one line per skipped entry with its reason. A file that cannot
//! be read (wrong password, damaged, unknown format) is one `error:` line, and nothing is added.
use std::path::PathBuf;

use clap::Args;
use tock_core::import::Read;
use tock_ops::import::{read_file, Format, FORMATS};
use tock_ops::Session;

use super::{password, CliResult};
use crate::desktop::clock;

/// Arguments of `tock import`.
#[derive(Args, Debug)]
pub struct ImportArgs {
    /// The export file (Aegis, 2FAS, andOTP, Bitwarden, Ente Auth, FreeOTP+, Proton Authenticator, Stratum,
    /// or a list of otpauth:// URIs); its format is recognised from its content.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Read the file as this format instead of recognising it.
    #[arg(long, value_name = "FORMAT", value_parser = clap::builder::PossibleValuesParser::new(format_ids()))]
    pub format: Option<String>,
    /// The file's password, read from this file (up to its first line end); without it Tock asks on a
    /// terminal.
    #[arg(long = "import-password-file", value_name = "PATH")]
    pub file_password: Option<PathBuf>,
}

fn format_ids() -> Vec<&'static str> {
    FORMATS.iter().map(|f| f.id).collect()
}

/// Reads the file (asking for its password if it is encrypted) and imports its entries.
pub fn run(args: ImportArgs, session: &Session) -> CliResult {
    let hint = args.format.as_deref().and_then(Format::from_id);
    let imported = match read_file(&args.file, hint).map_err(|e| e.to_string())? {
        Read::Imported(imported) => imported,
        Read::NeedsPassword(sealed) => {
            let password = password::get(
                args.file_password.as_deref(),
                &format!("Password of the {} file: ", sealed.format()),
                false,
                &format!(
                    "the {} file is encrypted; give its password with --import-password-file PATH",
                    sealed.format()
                ),
            )?;
            sealed.decrypt(&password).map_err(|e| e.to_string())?
        }
    };
    let summary = session
        .import(imported, clock::now())
        .map_err(|e| e.to_string())?;
    println!(
        "imported {}, skipped {}",
        summary.added.len(),
        summary.skipped.len()
    );
    for skipped in &summary.skipped {
        println!("skipped {}: {}", skipped.entry, skipped.reason);
    }
    Ok(())
}
