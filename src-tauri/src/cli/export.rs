//! `tock export --format aegis|aegis-plain|otpauth|google-qr --out PATH [--export-password-file PATH] [--yes]`:
//! every account to a file another authenticator imports. `aegis` (the default choice to make) is encrypted
//! with a password; the plain formats hold every secret readable and ask for confirmation on a terminal, or
//! need `--yes`. `google-qr` writes `PATH-1.png`, `PATH-2.png`, … and names the accounts it cannot carry.
use std::path::PathBuf;

use clap::{Args, ValueEnum};
use tock_ops::export::ExportFormat;
use tock_ops::Session;

use super::{password, CliResult};

/// Arguments of `tock export`.
#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The format of the file.
    #[arg(long, value_enum)]
    pub format: FormatArg,
    /// The file to write (outside Tock's data folder); for google-qr, the start of the images' names.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
    /// The password for `aegis`, read from this file (up to its first line end); without it Tock asks on a
    /// terminal.
    #[arg(long = "export-password-file", value_name = "PATH")]
    pub file_password: Option<PathBuf>,
    /// Write a plain export (every secret readable) without asking.
    #[arg(long)]
    pub yes: bool,
}

/// The formats on the command line.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum FormatArg {
    /// Aegis's vault, encrypted with a password (Aegis, Tock and others import it).
    Aegis,
    /// Aegis's vault, not encrypted.
    AegisPlain,
    /// One otpauth:// URI per line, not encrypted.
    Otpauth,
    /// Google Authenticator transfer codes, as PNG images (TOTP and HOTP with 6 or 8 digits, 30-s TOTP).
    GoogleQr,
}

/// Writes the export and says what was written and what was left out.
pub fn run(args: ExportArgs, session: &Session) -> CliResult {
    let format = match args.format {
        FormatArg::Aegis => ExportFormat::Aegis,
        FormatArg::AegisPlain => ExportFormat::AegisPlain,
        FormatArg::Otpauth => ExportFormat::Otpauth,
        FormatArg::GoogleQr => ExportFormat::GoogleQr,
    };
    let password = if format == ExportFormat::Aegis {
        let password = password::get(
            args.file_password.as_deref(),
            "Password for the export: ",
            true,
            "an encrypted export needs a password; give it with --export-password-file PATH",
        )?;
        if password.is_empty() {
            return Err("the password is empty; choose one to protect the file".into());
        }
        Some(password)
    } else {
        let what = match format {
            ExportFormat::GoogleQr => "a transfer code",
            _ => "a plain export",
        };
        password::confirm_plain(args.yes, what)?;
        None
    };
    let report = session
        .export(
            format,
            &[],
            &args.out,
            password.as_deref().map(String::as_str),
        )
        .map_err(|e| e.to_string())?;
    for file in &report.files {
        println!("{}", file.display());
    }
    eprintln!(
        "exported {} accounts; keep the file away from this computer and delete it once imported",
        report.exported
    );
    for left in &report.left_out {
        eprintln!("{left}");
    }
    Ok(())
}
