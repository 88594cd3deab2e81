//! The command-line interface: the same vault and the same operations as the window, no display needed
//! (never initialises GTK). One file per subcommand: parse, call the operation, print.
use std::path::{Path, PathBuf};

use clap::{Parser, Subcommand};
use tock_ops::Session;

mod add;
mod autobackup;
mod backup_codes;
mod code;
mod copy;
mod export;
mod import;
mod list;
mod lock;
mod note;
mod password;
mod relink;
mod remove;
mod scan;
mod time;

/// Tock: two-factor codes on the desktop. With no command it opens the window.
#[derive(Parser, Debug)]
#[command(name = "tock", version, about, disable_help_subcommand = true)]
pub struct Cli {
    /// Folder of the vault (default: the platform's data folder, e.g. ~/.local/share/tock).
    #[arg(long, global = true, env = "TOCK_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,

    /// Tock's password (when the lock is on), read from this file: its text up to the first line end. Without
    /// it, commands that need a secret ask on a terminal.
    #[arg(long, global = true, env = "TOCK_PASSWORD_FILE", value_name = "PATH")]
    pub password_file: Option<PathBuf>,

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
    Add(add::AddArgs),
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
        command: backup_codes::BackupCommand,
    },
    /// Automatic encrypted backups of the whole vault: now, status, set DIR, off.
    Backup {
        /// What to do.
        #[command(subcommand)]
        command: autobackup::BackupCommand,
    },
    /// Restore a backup file: prints what would be added, replaced or left alone, then asks (or --yes).
    Restore(autobackup::RestoreArgs),
    /// Copy an account's code to the clipboard (marked as sensitive) and clear it later if it is still there.
    Copy(copy::CopyArgs),
    /// Import another authenticator's export file; prints "imported N, skipped M" and the skipped entries.
    Import(import::ImportArgs),
    /// Export every account to a file another authenticator imports (encrypted Aegis vault, plain formats,
    /// or Google Authenticator transfer codes).
    Export(export::ExportArgs),
    /// Re-link an account's two-factor authentication the safe way, step by step (the window's checklist).
    Relink {
        /// The account being re-linked (its id, or a search matching exactly one account).
        #[arg(value_name = "ID")]
        id: String,
        /// start, show, done STEP, undo STEP, new NEW_ID, finish or cancel.
        #[command(subcommand)]
        command: relink::RelinkCommand,
    },
    /// Show or set how you sign in to an account's site (password, Google, …) and your notes on it.
    Note(note::NoteArgs),
    /// Check this computer's clock against time servers, or correct codes for it.
    Time {
        /// check or correct.
        #[command(subcommand)]
        command: time::TimeCommand,
    },
    /// Turn the app lock on or off, change its password, or show its status.
    Lock {
        /// on, off, change or status.
        #[command(subcommand)]
        command: lock::LockCommand,
    },
    /// Move the secrets to an encrypted file in the data folder (for sessions without a keychain) or back to
    /// the keychain; crash-safe, nothing is lost.
    Storage {
        /// file or keychain.
        #[arg(value_enum)]
        target: lock::StorageArg,
        /// With the lock off, the new password for the file, read from this file; else asked twice.
        #[arg(long, value_name = "PATH")]
        new_password_file: Option<PathBuf>,
    },
    /// Remove an account and its keychain item.
    Remove {
        /// The account id (or a search matching exactly one account).
        #[arg(value_name = "ID")]
        id: String,
    },
}

/// A CLI failure: printed as one `error:` line.
pub type CliResult = Result<(), String>;

/// The lock's password file of this run (`--password-file` or `TOCK_PASSWORD_FILE`), set once by [`run`].
static PASSWORD_FILE: std::sync::OnceLock<Option<PathBuf>> = std::sync::OnceLock::new();

/// Runs one subcommand on the vault in `data_dir`; `password_file` unlocks it when the lock is on.
pub fn run(command: Command, data_dir: &Path, password_file: Option<PathBuf>) -> CliResult {
    let password_file = PASSWORD_FILE.get_or_init(|| password_file).as_deref();
    match command {
        Command::Lock { command } => lock::run(command, data_dir, password_file),
        Command::Storage {
            target,
            new_password_file,
        } => lock::run_storage(
            target,
            data_dir,
            password_file,
            new_password_file.as_deref(),
        ),
        Command::Add(args) => add::run(args, &open(data_dir)?),
        Command::List { json, codes } => list::run(&open(data_dir)?, json, codes),
        Command::Code { query, at } => code::run(&open(data_dir)?, data_dir, &query, at),
        Command::Scan {
            images,
            screen,
            add,
            json,
        } => scan::run(
            scan::ScanArgs {
                images,
                screen,
                add,
                json,
            },
            || open(data_dir),
        ),
        Command::BackupCodes { command } => backup_codes::run(command, &open(data_dir)?),
        Command::Backup { command } => autobackup::run(command, &open(data_dir)?, data_dir),
        Command::Restore(args) => autobackup::restore(args, &open(data_dir)?),
        Command::Copy(args) => copy::run(args, data_dir),
        Command::Remove { id } => remove::run(&open(data_dir)?, &id),
        Command::Import(args) => import::run(args, &open(data_dir)?),
        Command::Export(args) => export::run(args, &open(data_dir)?),
        Command::Note(args) => note::run(args, &open(data_dir)?),
        Command::Relink { id, command } => relink::run(&open(data_dir)?, data_dir, &id, command),
        Command::Time { command } => time::run(command, data_dir),
    }
}

/// Opens the vault of `data_dir` (unlocking it when the lock is on), or says why it cannot be opened.
fn open(data_dir: &Path) -> Result<Session, String> {
    let session = Session::open(data_dir);
    lock::unlock(&session, PASSWORD_FILE.get().cloned().flatten().as_deref())?;
    session.doc().map_err(|e| e.to_string())?;
    Ok(session)
}

/// Reads one line of standard input (a URI or a key kept out of the shell history), trimmed.
fn read_stdin_line(what: &str) -> Result<String, String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("could not read the {what} from standard input: {e}"))?;
    Ok(line.trim().to_owned())
}
