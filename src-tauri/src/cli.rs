//! The command-line interface: the same vault as the window, no display needed (never initialises GTK).
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use tock_core::otp::DigitsPolicy;
use tock_core::vault::NewAccount;
use tock_core::{Account, Algorithm, OtpAuthUri, OtpKind, OtpParams, Secret};
use tock_store::DiskVault;

/// Tock: two-factor codes on the desktop. With no command it opens the window.
#[derive(Parser, Debug)]
#[command(name = "tock", version, about, disable_help_subcommand = true)]
pub struct Cli {
    /// Folder of the vault (default: the platform's data folder, e.g. ~/.local/share/tock).
    #[arg(long, global = true, env = "TOCK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Open the quick search (in the running window, if there is one).
    #[arg(long)]
    pub quick_search: bool,

    /// What to do; nothing opens the window.
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Add an account from an otpauth:// URI or from its parts; prints the new account's id.
    Add(AddArgs),
    /// List the accounts (never their secrets).
    List {
        /// Print a JSON array instead of a table.
        #[arg(long)]
        json: bool,
        /// Also read every secret from the keychain and show the current codes (HOTP counters do not advance).
        #[arg(long)]
        codes: bool,
    },
    /// Print the current code of one account (for HOTP: the code of the stored counter, then advance it).
    Code {
        /// An account id, or text that matches one account's issuer or name.
        #[arg(value_name = "ID_OR_SEARCH")]
        query: String,
        /// Compute the code at this Unix time instead of now (TOTP and Steam).
        #[arg(long, value_name = "UNIX_SECONDS")]
        at: Option<u64>,
    },
    /// Find authenticator QR codes in images (PNG, JPEG, WebP, BMP, GIF) or on the screen and print their text.
    Scan {
        /// Image files to search.
        #[arg(value_name = "IMAGE")]
        images: Vec<PathBuf>,
        /// Search the screen (every monitor) as well: X11 directly; on Wayland through the desktop's
        /// screenshot portal (xdg-desktop-portal), whose copy of the screenshot Tock then deletes.
        #[arg(long)]
        screen: bool,
        /// Add the accounts found (transfer codes expanded; duplicates reported, not added).
        #[arg(long, conflicts_with = "json")]
        add: bool,
        /// Print every QR code found, authenticator or not, as JSON: {"file", "text", "authenticator"}.
        #[arg(long)]
        json: bool,
    },
    /// Store, list, use and export an account's backup (recovery) codes.
    BackupCodes {
        /// What to do with the codes.
        #[command(subcommand)]
        command: crate::backup_cli::BackupCommand,
    },
    /// Copy an account's code to the clipboard (marked as sensitive) and clear it later if it is still there.
    Copy(crate::copy_cli::CopyArgs),
    /// Remove an account and its keychain item.
    Remove {
        /// The account id (or a search matching exactly one account).
        #[arg(value_name = "ID")]
        id: String,
    },
}

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

/// A CLI failure: printed as one `error:` line.
pub type CliResult = Result<(), String>;

/// Runs one subcommand.
pub fn run(command: Command, vault: &mut DiskVault) -> CliResult {
    match command {
        Command::Add(args) => add(args, vault),
        Command::List { json, codes } => list(vault, json, codes),
        Command::Code { query, at } => code(vault, &query, at),
        Command::Scan { .. } | Command::BackupCodes { .. } | Command::Copy(_) => {
            unreachable!("main runs these with the data folder, not an open vault")
        }
        Command::Remove { id } => {
            let id = vault.find(&id).map_err(|e| e.to_string())?.id.clone();
            let removed = vault.remove(&id).map_err(|e| e.to_string())?;
            eprintln!("removed {}", removed.label());
            Ok(())
        }
    }
}

/// Unix seconds now (the CLI's one clock reading).
pub fn now() -> u64 {
    crate::app::now_ms() / 1000
}

fn read_stdin_line(what: &str) -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("could not read the {what} from standard input: {e}"))?;
    Ok(line.trim().to_owned())
}

fn add(args: AddArgs, vault: &mut DiskVault) -> CliResult {
    let (new, policy) = match args.uri {
        Some(uri) => {
            let uri = zeroize::Zeroizing::new(if uri == "-" {
                read_stdin_line("URI")?
            } else {
                uri
            });
            let parsed: OtpAuthUri = uri.trim().parse().map_err(|e| format!("{e}"))?;
            (NewAccount::from(parsed), DigitsPolicy::Import)
        }
        None => (manual_account(args)?, DigitsPolicy::Manual),
    };
    let account = vault
        .add(new, tock_store::new_account_id(), now(), policy)
        .map_err(|e| e.to_string())?;
    println!("{}", account.id);
    Ok(())
}

fn manual_account(args: AddArgs) -> Result<NewAccount, String> {
    let secret_text = zeroize::Zeroizing::new(match args.secret {
        Some(s) if s == "-" => read_stdin_line("secret")?,
        Some(s) => s,
        None => return Err("give an otpauth:// URI, or --secret with the setup key (and --issuer/--name); see tock add --help".into()),
    });
    let secret = Secret::from_base32(&secret_text).map_err(|e| e.to_string())?;
    let algorithm = match args.algorithm {
        None | Some(AlgorithmArg::Sha1) => Algorithm::Sha1,
        Some(AlgorithmArg::Sha256) => Algorithm::Sha256,
        Some(AlgorithmArg::Sha512) => Algorithm::Sha512,
    };
    let (kind, digits) = if args.steam {
        (
            OtpKind::Steam {
                period: args.period.unwrap_or(30),
            },
            5,
        )
    } else if args.hotp {
        (
            OtpKind::Hotp {
                counter: args.counter.unwrap_or(0),
            },
            args.digits.unwrap_or(6),
        )
    } else {
        (
            OtpKind::Totp {
                period: args.period.unwrap_or(30),
            },
            args.digits.unwrap_or(6),
        )
    };
    let issuer = args.issuer.unwrap_or_default();
    let name = args.name.unwrap_or_default();
    if issuer.trim().is_empty() && name.trim().is_empty() {
        return Err("give the account a name: --issuer (e.g. GitHub) and/or --name (e.g. alice@example.com)".into());
    }
    Ok(NewAccount {
        issuer: issuer.trim().into(),
        name: name.trim().into(),
        secret,
        params: OtpParams {
            kind,
            algorithm,
            digits,
        },
        notes: String::new(),
    })
}

/// One account as `tock list --json` prints it.
#[derive(serde::Serialize)]
struct ListedAccount<'a> {
    id: &'a str,
    issuer: &'a str,
    name: &'a str,
    kind: &'static str,
    algorithm: Algorithm,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    added_at: u64,
    notes: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
}

impl<'a> From<&'a Account> for ListedAccount<'a> {
    fn from(a: &'a Account) -> Self {
        ListedAccount {
            id: a.id.as_str(),
            issuer: &a.issuer,
            name: &a.name,
            kind: a.params.kind_name(),
            algorithm: a.params.algorithm,
            digits: a.params.digits,
            period: a.params.period(),
            counter: a.params.counter(),
            added_at: a.added_at,
            notes: &a.notes,
            code: None,
        }
    }
}

fn list(vault: &DiskVault, json: bool, with_codes: bool) -> CliResult {
    let accounts = &vault.doc().accounts;
    let now = now();
    let mut codes = Vec::new();
    if with_codes {
        let ids: Vec<_> = accounts.iter().map(|a| a.id.clone()).collect();
        let secrets: std::collections::HashMap<_, _> = vault
            .secrets_of(&ids)
            .map_err(|e| e.to_string())?
            .into_iter()
            .collect();
        for a in accounts {
            let secret = secrets.get(&a.id).ok_or_else(|| {
                tock_core::vault::VaultError::SecretMissing(a.label()).to_string()
            })?;
            codes.push(Some(tock_core::otp::code_at(secret, &a.params, now).code));
        }
    } else {
        codes.resize(accounts.len(), None);
    }
    if json {
        let listed: Vec<ListedAccount> = accounts
            .iter()
            .zip(codes)
            .map(|(a, code)| ListedAccount {
                code,
                ..ListedAccount::from(a)
            })
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&listed).expect("serialisable")
        );
        return Ok(());
    }
    if accounts.is_empty() {
        eprintln!(
            "no accounts yet; add one with `tock add otpauth://…` or open the window with `tock`"
        );
        return Ok(());
    }
    for (a, code) in accounts.iter().zip(codes) {
        let algorithm = algorithm_name(a.params.algorithm);
        let digits = a.params.digits;
        let detail = match a.params.kind {
            OtpKind::Totp { period } => format!("totp {algorithm} {digits} digits every {period}s"),
            OtpKind::Hotp { counter } => {
                format!("hotp {algorithm} {digits} digits, counter {counter}")
            }
            OtpKind::Steam { .. } => "steam".to_owned(),
        };
        match code {
            Some(code) => println!(
                "{}  {code:>10}  {:<20} {:<28} {detail}",
                a.id, a.issuer, a.name
            ),
            None => println!("{}  {:<20} {:<28} {detail}", a.id, a.issuer, a.name),
        }
    }
    Ok(())
}

/// "SHA1", "SHA256" or "SHA512".
pub fn algorithm_name(algorithm: Algorithm) -> &'static str {
    match algorithm {
        Algorithm::Sha1 => "SHA1",
        Algorithm::Sha256 => "SHA256",
        Algorithm::Sha512 => "SHA512",
    }
}

fn code(vault: &mut DiskVault, query: &str, at: Option<u64>) -> CliResult {
    let id = vault.find(query).map_err(|e| e.to_string())?.id.clone();
    let code = vault
        .use_code(&id, at.unwrap_or_else(now))
        .map_err(|e| e.to_string())?;
    println!("{}", code.code);
    Ok(())
}
