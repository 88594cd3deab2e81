//! `tock backup now|status|set DIR|off` and `tock restore FILE`: the automatic encrypted backups of the whole
//! vault (`tock backup-codes` is about an account's backup codes). The window writes backups by itself after
//! changes and daily; `tock backup now` writes one at once.
//!
//! `tock restore` prints the review first — each entry `add`, `replace` (an account with the same issuer and
//! name, or the same secret, exists: replaced only if chosen with `--replace`) or `same` (left alone) — and
//! restores only after `yes` on a terminal or `--yes`. Without a terminal and without `--yes` it restores
//! nothing and fails.
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use tock_core::backup::rfc3339;
use tock_ops::autobackup::{
    decrypt_backup, fresh_keys, open_backup_file, risk_text, AutoBackupStore, RestoreAction,
    RestoreReview, DEFAULT_KEEP,
};
use tock_ops::Session;
use zeroize::Zeroizing;

use super::{password, CliResult};
use crate::desktop::clock;

/// What `tock backup …` does.
#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Write a backup into the backup folder now (and delete the oldest beyond the number to keep).
    Now,
    /// Show the folder, how many are kept, the last backup or error, the risks and the files.
    Status,
    /// Turn automatic backups on (or change them): the folder to write into, ideally a synced one.
    Set {
        /// The backup folder (it must exist; not inside Tock's data folder).
        #[arg(value_name = "DIR")]
        folder: PathBuf,
        /// How many backups to keep (default: as set before, else 10).
        #[arg(long, value_name = "N")]
        keep: Option<u32>,
        /// The backup password, read from this file (up to its first line end); without it Tock asks on a
        /// terminal, or keeps the stored one.
        #[arg(long, value_name = "PATH")]
        backup_password_file: Option<PathBuf>,
    },
    /// Turn automatic backups off (the stored password is deleted; the backup files stay).
    Off,
}

/// Arguments of `tock restore`.
#[derive(Args, Debug)]
pub struct RestoreArgs {
    /// The backup file (tock-backup-YYYYMMDD-HHMMSS.json).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The backup's password, read from this file (up to its first line end); without it Tock asks on a
    /// terminal.
    #[arg(long, value_name = "PATH")]
    pub backup_password_file: Option<PathBuf>,
    /// Which entries marked `replace` replace the existing account: `all`, or their numbers (`0,3`).
    #[arg(long, value_name = "all|N,N")]
    pub replace: Option<String>,
    /// Restore without asking (needed without a terminal).
    #[arg(long)]
    pub yes: bool,
}

/// Runs `tock backup …`.
pub fn run(command: BackupCommand, session: &Session, data_dir: &Path) -> CliResult {
    let store = AutoBackupStore::open(data_dir);
    let err = |e: tock_ops::Error| e.to_string();
    match command {
        BackupCommand::Now => {
            let file = session
                .backup_now(&store, clock::now(), fresh_keys())
                .map_err(err)?;
            println!("wrote {}", file.path);
        }
        BackupCommand::Status => {
            let status = session.auto_backup_status(&store).map_err(err)?;
            match &status.folder {
                Some(folder) => println!("folder: {folder} (keep {})", status.keep),
                None => println!("automatic backups are off"),
            }
            println!(
                "password: {}",
                if status.has_password {
                    "stored in the keychain"
                } else {
                    "none"
                }
            );
            if let Some(at) = status.last_backup_at {
                println!("last backup: {}", rfc3339(at));
            }
            if let Some(error) = &status.last_error {
                println!("last error: {error}");
            }
            for risk in status.risks(clock::now()) {
                println!("risk: {}", risk_text(risk));
            }
            for file in &status.files {
                println!(
                    "{}  {}  {} bytes",
                    file.name,
                    rfc3339(file.created_at),
                    file.size
                );
            }
        }
        BackupCommand::Set {
            folder,
            keep,
            backup_password_file,
        } => {
            let before = session.auto_backup_status(&store).map_err(err)?;
            let keep = keep.unwrap_or(if before.folder.is_some() {
                before.keep
            } else {
                DEFAULT_KEEP
            });
            let password = new_password(backup_password_file.as_deref(), before.has_password)?;
            let status = session
                .set_auto_backup(
                    &store,
                    &folder,
                    password.as_deref().map(|p| p.as_str()),
                    keep,
                )
                .map_err(err)?;
            println!(
                "automatic backups on: {} (keep {})",
                status.folder.unwrap_or_default(),
                status.keep
            );
        }
        BackupCommand::Off => {
            session.turn_off_auto_backup(&store).map_err(err)?;
            println!("automatic backups are off; the backup files stay where they are");
        }
    }
    Ok(())
}

/// The password to set: from the file, else asked on a terminal (empty keeps the stored one), else none
/// (keeping the stored one; [`Session::set_auto_backup`] says when there is none).
fn new_password(
    file: Option<&Path>,
    has_password: bool,
) -> Result<Option<Zeroizing<String>>, String> {
    if let Some(file) = file {
        return password::from_file(file).map(Some);
    }
    if !std::io::stdin().is_terminal() {
        return Ok(None);
    }
    let prompt = if has_password {
        "New backup password (Enter keeps the stored one): "
    } else {
        "Backup password: "
    };
    let first = Zeroizing::new(
        rpassword::prompt_password(prompt)
            .map_err(|e| format!("the password could not be read from the terminal ({e})"))?,
    );
    if first.is_empty() && has_password {
        return Ok(None);
    }
    let again = Zeroizing::new(
        rpassword::prompt_password("Again, to be sure: ")
            .map_err(|e| format!("the password could not be read from the terminal ({e})"))?,
    );
    if *again != *first {
        return Err("the two passwords differ; run the command again".into());
    }
    Ok(Some(first))
}

/// Runs `tock restore FILE`.
pub fn restore(args: RestoreArgs, session: &Session) -> CliResult {
    let err = |e: tock_ops::Error| e.to_string();
    let sealed = open_backup_file(&args.file).map_err(err)?;
    let password = password::get(
        args.backup_password_file.as_deref(),
        "Backup password: ",
        false,
        "the backup is encrypted; give its password with --backup-password-file PATH",
    )?;
    let contents = decrypt_backup(&sealed, &password).map_err(err)?;
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| args.file.display().to_string());
    let review = session.review_restore(&contents, &file_name).map_err(err)?;
    let replace = chosen(&review, args.replace.as_deref())?;
    print_review(&review, &replace);
    let adds = count(&review, RestoreAction::Add);
    if adds == 0 && replace.is_empty() {
        println!("nothing to restore");
        return Ok(());
    }
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                "nothing was restored: there is no terminal to confirm on; pass --yes to restore as listed"
                    .into(),
            );
        }
        eprint!(
            "Restore: add {adds}, replace {}? Type yes to restore: ",
            replace.len()
        );
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| format!("could not read the answer ({e})"))?;
        if !answer.trim().eq_ignore_ascii_case("yes") {
            return Err("nothing was restored".into());
        }
    }
    let report = session
        .finish_restore(contents, &replace, clock::now())
        .map_err(err)?;
    println!(
        "added {}, replaced {}, left alone {}",
        report.added, report.replaced, report.left_alone
    );
    Ok(())
}

fn count(review: &RestoreReview, action: RestoreAction) -> usize {
    review.entries.iter().filter(|e| e.action == action).count()
}

/// The entries `--replace` names: `all` of those marked replace, or the numbers given.
fn chosen(review: &RestoreReview, replace: Option<&str>) -> Result<Vec<u32>, String> {
    let Some(text) = replace.map(str::trim) else {
        return Ok(Vec::new());
    };
    if text.eq_ignore_ascii_case("all") {
        return Ok(review
            .entries
            .iter()
            .filter(|e| e.action == RestoreAction::Replace)
            .map(|e| e.index)
            .collect());
    }
    let mut picked = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let index: u32 = part.parse().map_err(|_| {
            format!("--replace takes all or entry numbers such as 0,3; \"{part}\" is neither")
        })?;
        match review.entries.get(index as usize) {
            Some(e) if e.action == RestoreAction::Replace => picked.push(index),
            Some(_) => {
                return Err(format!(
                    "entry {index} replaces no account; choose among the entries marked replace"
                ))
            }
            None => {
                return Err(format!(
                    "the backup has no entry {index}; it has {} entries (0 to {})",
                    review.entries.len(),
                    review.entries.len().saturating_sub(1)
                ))
            }
        }
    }
    Ok(picked)
}

fn print_review(review: &RestoreReview, replace: &[u32]) {
    let made = review
        .created_at
        .map(rfc3339)
        .unwrap_or_else(|| "an unknown time".into());
    println!(
        "{}: a backup of {made}, {} entries",
        review.file_name,
        review.entries.len()
    );
    for e in &review.entries {
        let label = tock_core::import::describe(&e.issuer, &e.name, e.index as usize);
        let existing = e.existing_id.as_deref().unwrap_or("");
        let what = match e.action {
            RestoreAction::Add => "add".to_owned(),
            RestoreAction::Same => format!("same     (as {existing}: left alone)"),
            RestoreAction::Replace if replace.contains(&e.index) => {
                format!("replace  (account {existing})")
            }
            RestoreAction::Replace => format!(
                "replace  (account {existing}: left alone unless --replace {})",
                e.index
            ),
        };
        let codes = match e.backup_codes {
            0 => String::new(),
            n => format!(", {n} backup codes"),
        };
        println!("{:>4}  {label}{codes}: {what}", e.index);
    }
    println!(
        "would add {}, replace {}, leave alone {}",
        count(review, RestoreAction::Add),
        replace.len(),
        review.entries.len() - count(review, RestoreAction::Add) - replace.len()
    );
}
