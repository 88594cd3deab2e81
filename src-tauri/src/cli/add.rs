//! `tock add`: an account from an otpauth:// URI or from its parts; prints the new account's id.
use clap::{Args, ValueEnum};
use tock_ops::accounts::{AddRequest, AlgorithmName, ManualEntry, OtpKindName};
use tock_ops::Session;
use zeroize::Zeroizing;

use super::{read_stdin_line, CliResult};
use crate::desktop::clock;

/// Arguments of `tock add`.
#[derive(Args, Debug)]
pub struct AddArgs {
    /// An otpauth:// URI (use - to read it from standard input, keeping it out of the shell history).
    #[arg(conflicts_with_all = ["issuer", "name", "secret", "algorithm", "digits", "period", "hotp", "counter", "steam"])]
    pub uri: Option<String>,
    /// The service, e.g. GitHub.
    #[arg(long)]
    pub issuer: Option<String>,
    /// The account at that service, e.g. alice@example.com.
    #[arg(long)]
    pub name: Option<String>,
    /// The setup key in base32 (spaces allowed; use - to read it from standard input).
    #[arg(long)]
    pub secret: Option<String>,
    /// HMAC algorithm.
    #[arg(long, value_enum, ignore_case = true)]
    pub algorithm: Option<AlgorithmArg>,
    /// Number of digits (6 to 8).
    #[arg(long)]
    pub digits: Option<u8>,
    /// Seconds per code (TOTP).
    #[arg(long)]
    pub period: Option<u32>,
    /// Counter-based (HOTP) instead of time-based.
    #[arg(long, conflicts_with_all = ["steam", "period"])]
    pub hotp: bool,
    /// The HOTP counter of the next code.
    #[arg(long, requires = "hotp")]
    pub counter: Option<u64>,
    /// Steam Guard (5 characters).
    #[arg(long, conflicts_with_all = ["algorithm", "digits"])]
    pub steam: bool,
}

/// Algorithm names on the command line.
#[derive(ValueEnum, Clone, Copy, Debug)]
#[allow(missing_docs)]
pub enum AlgorithmArg {
    Sha1,
    Sha256,
    Sha512,
}

/// Adds the account and prints its id.
pub fn run(args: AddArgs, session: &Session) -> CliResult {
    let request = match args.uri {
        Some(uri) => AddRequest::Uri {
            uri: Zeroizing::new(if uri == "-" {
                read_stdin_line("URI")?
            } else {
                uri
            }),
        },
        None => AddRequest::Manual(manual_entry(args)?),
    };
    let account = session
        .add(&request, clock::now())
        .map_err(|e| e.to_string())?;
    println!("{}", account.id);
    Ok(())
}

/// The parts given as options, with the defaults of a site's QR code (SHA1, 6 digits, 30 s).
fn manual_entry(args: AddArgs) -> Result<ManualEntry, String> {
    let secret = Zeroizing::new(match args.secret {
        Some(s) if s == "-" => read_stdin_line("secret")?,
        Some(s) => s,
        None => return Err("give an otpauth:// URI, or --secret with the setup key (and --issuer/--name); see tock add --help".into()),
    });
    let issuer = args.issuer.unwrap_or_default();
    let name = args.name.unwrap_or_default();
    if issuer.trim().is_empty() && name.trim().is_empty() {
        return Err("give the account a name: --issuer (e.g. GitHub) and/or --name (e.g. alice@example.com)".into());
    }
    let kind = if args.steam {
        OtpKindName::Steam
    } else if args.hotp {
        OtpKindName::Hotp
    } else {
        OtpKindName::Totp
    };
    let algorithm = match args.algorithm {
        None | Some(AlgorithmArg::Sha1) => AlgorithmName::SHA1,
        Some(AlgorithmArg::Sha256) => AlgorithmName::SHA256,
        Some(AlgorithmArg::Sha512) => AlgorithmName::SHA512,
    };
    Ok(ManualEntry {
        issuer,
        name,
        secret,
        kind,
        algorithm,
        digits: args.digits.unwrap_or(6),
        period: args.period.unwrap_or(30),
        counter: args.counter.unwrap_or(0),
    })
}
