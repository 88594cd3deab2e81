//! `tock lock on|off|change|status` and `tock storage file|keychain`: the app lock and where the secrets are
//! kept, over the same `tock_ops::lock` operations as the window. Passwords come from `--password-file PATH`
//! (or `TOCK_PASSWORD_FILE`) or are asked on a terminal; a new password is asked twice, or read from
//! `--new-password-file PATH`.
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use tock_ops::lock::{ProgressStep, StorageKind};
use tock_ops::Session;

use super::{password, CliResult};
use crate::desktop::clock;

/// What `tock lock` does.
#[derive(Subcommand, Debug)]
pub enum LockCommand {
    /// Turn the lock on: secrets and backup codes sealed under a key only your password opens.
    On {
        /// The new password, read from this file (up to its first line end); else asked twice on a terminal.
        #[arg(long, value_name = "PATH")]
        new_password_file: Option<PathBuf>,
    },
    /// Turn the lock off (asks for the password): secrets stored plain in the keychain again.
    Off,
    /// Change the password (asks for the current one, then the new one).
    Change {
        /// The new password, read from this file; else asked twice on a terminal.
        #[arg(long, value_name = "PATH")]
        new_password_file: Option<PathBuf>,
    },
    /// Print whether the lock is on and where the secrets are.
    Status,
}

/// Where `tock storage` moves the secrets.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum StorageArg {
    /// An encrypted file in the data folder, behind a password (the lock is then always on).
    File,
    /// The OS keychain.
    Keychain,
}

const MISSING: &str = "Tock is locked: give its password with --password-file PATH or TOCK_PASSWORD_FILE, or run the command in a terminal";

fn current_password(file: Option<&Path>) -> Result<zeroize::Zeroizing<String>, String> {
    password::get(file, "Tock's password: ", false, MISSING)
}

fn new_password(file: Option<&Path>) -> Result<zeroize::Zeroizing<String>, String> {
    password::get(
        file,
        "New password for Tock: ",
        true,
        "a new password is needed; give it with --new-password-file PATH, or run the command in a terminal",
    )
}

fn progress(step: ProgressStep) {
    if step.total >= 20 && (step.done.is_multiple_of(20) || step.done == step.total) {
        eprintln!("{} of {} accounts", step.done, step.total);
    }
}

/// Runs `tock lock …`.
pub fn run(command: LockCommand, data_dir: &Path, password_file: Option<&Path>) -> CliResult {
    let session = Session::open(data_dir);
    let now = clock::raw_now();
    match command {
        LockCommand::Status => {
            let status = session.lock_status(now).map_err(|e| e.to_string())?;
            let storage = match status.storage {
                StorageKind::File => "the encrypted file",
                StorageKind::Keychain => "the keychain",
            };
            println!("lock {}", if status.enabled { "on" } else { "off" });
            println!("secrets in {storage}");
            if status.wait_seconds > 0 {
                println!("wait {} s before the next password", status.wait_seconds);
            }
        }
        LockCommand::On { new_password_file } => {
            let password = new_password(new_password_file.as_deref())?;
            session
                .enable_lock(&password, &mut progress)
                .map_err(|e| e.to_string())?;
            println!("lock on");
        }
        LockCommand::Off => {
            let password = current_password(password_file)?;
            session
                .disable_lock(&password, now, &mut progress)
                .map_err(|e| e.to_string())?;
            println!("lock off");
        }
        LockCommand::Change { new_password_file } => {
            let old = current_password(password_file)?;
            let new = new_password(new_password_file.as_deref())?;
            session
                .change_lock_password(&old, &new, now)
                .map_err(|e| e.to_string())?;
            println!("password changed");
        }
    }
    Ok(())
}

/// Runs `tock storage file|keychain`. To the file with the lock off, the password is a new one.
pub fn run_storage(
    target: StorageArg,
    data_dir: &Path,
    password_file: Option<&Path>,
    new_password_file: Option<&Path>,
) -> CliResult {
    let session = Session::open(data_dir);
    let now = clock::raw_now();
    let status = session.lock_status(now).map_err(|e| e.to_string())?;
    let password = if status.enabled {
        current_password(password_file)?
    } else {
        new_password(new_password_file.or(password_file))?
    };
    let kind = match target {
        StorageArg::File => StorageKind::File,
        StorageArg::Keychain => StorageKind::Keychain,
    };
    session
        .set_storage(kind, &password, now, &mut progress)
        .map_err(|e| e.to_string())?;
    println!(
        "secrets in {}",
        match kind {
            StorageKind::File => "the encrypted file",
            StorageKind::Keychain => "the keychain",
        }
    );
    Ok(())
}

/// Unlocks `session` if the lock is on: the password from `password_file`, or asked on a terminal.
pub fn unlock(session: &Session, password_file: Option<&Path>) -> CliResult {
    if !session.is_locked() {
        return Ok(());
    }
    let password = current_password(password_file)?;
    session
        .unlock(&password, clock::raw_now())
        .map_err(|e| format!("Tock is locked: {e}"))
}
