//! Automatic encrypted backups of the whole vault (not to be confused with [`crate::backup`], an account's
//! backup codes): a folder (a synced one puts the copies off this machine), a backup password kept in the
//! keychain, how many copies to keep. After each change (debounced) and at least daily the window writes
//! `tock-backup-YYYYMMDD-HHMMSS.json` (UTC) there, atomically, and deletes the oldest files of that pattern
//! beyond the number to keep (never another file). `tock backup now` writes one at once.
//!
//! A backup is a [`tock_core::export::backup_file`]: an encrypted Aegis vault (Aegis restores the accounts)
//! carrying backup codes with their used marks, sign-in methods and dates (Tock restores everything).
//! Restoring is reviewed first ([`Session::review_restore`]): each entry is added, would replace an
//! existing account (same issuer and name ignoring case, or the same secret), or is the same as one (left
//! alone); [`Session::finish_restore`] adds every new one in one step and replaces only those chosen.
//!
//! The settings live in `autobackup.json` in the data folder (no secret in it): the folder, how many to
//! keep, when the last backup was written and the last error, written atomically. The password is the
//! vault-wide keychain item [`PASSWORD_ITEM`].
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tock_core::backup::{self, VaultRisk};
use tock_core::export::aegis::AegisKeys;
use tock_core::export::backup_file::{
    self, BackupContents, BackupEntry, BackupFileError, BackupItem, SealedBackup,
};
use tock_core::otp::{DigitsPolicy, OtpKind};
use tock_core::vault::{same_label, DocStore, NewAccount, Restored, SecretStore, VaultError};
use tock_core::{Account, AccountId, OtpParams, Secret};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::backup::is_inside;
use crate::{Error, ErrorCode, Result, Session};

/// The settings file inside the data folder.
pub const AUTOBACKUP_FILE: &str = "autobackup.json";
/// The name of the backup password's keychain item (vault-wide, service `tock-extra`).
pub const PASSWORD_ITEM: &str = "backup-password";
/// How many backups are kept unless the person says otherwise.
pub const DEFAULT_KEEP: u32 = 10;
/// The most backups one can ask to keep.
pub const MAX_KEEP: u32 = 1000;
/// Seconds after a change before a backup is written (changes in a row make one backup).
pub const DEBOUNCE_SECS: u64 = 60;
/// The longest time between two backups while backups are on.
pub const MAX_INTERVAL_SECS: u64 = 24 * 3600;

const PREFIX: &str = "tock-backup-";
const SUFFIX: &str = ".json";

/// The saved settings.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(default)]
struct Config {
    folder: Option<PathBuf>,
    keep: u32,
    last_backup_at: Option<u64>,
    last_error: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            folder: None,
            keep: DEFAULT_KEEP,
            last_backup_at: None,
            last_error: None,
        }
    }
}

/// One backup file in the folder.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct BackupFile {
    /// Its file name, e.g. `tock-backup-20240501-123000.json`.
    pub name: String,
    /// Its full path.
    pub path: String,
    /// When it was made (Unix seconds, from its name).
    #[ts(type = "number")]
    pub created_at: u64,
    /// Its size in bytes.
    #[ts(type = "number")]
    pub size: u64,
}

/// Where automatic backups stand.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct AutoBackupStatus {
    /// The backup folder; null: automatic backups are off.
    pub folder: Option<String>,
    /// How many backups are kept.
    pub keep: u32,
    /// A backup password is stored in the keychain.
    pub has_password: bool,
    /// When the last backup was written (Unix seconds).
    #[ts(type = "number | null")]
    pub last_backup_at: Option<u64>,
    /// Why the last attempt failed (null: it did not).
    pub last_error: Option<String>,
    /// The backups in the folder, newest first.
    pub files: Vec<BackupFile>,
}

impl AutoBackupStatus {
    /// The vault-wide readiness risks at `now`: no automatic backup yet, or the last one 7 days old or more.
    pub fn risks(&self, now: u64) -> Vec<VaultRisk> {
        backup::vault_risks(self.folder.is_some(), self.last_backup_at, now)
    }
}

/// The readiness risk in words, as the CLI prints it.
pub fn risk_text(risk: VaultRisk) -> String {
    match risk {
        VaultRisk::NoAutomaticBackup => "no automatic backup yet".into(),
        VaultRisk::LastBackupDaysAgo(days) => format!("last backup {days} days ago"),
    }
}

/// What restoring would do with an entry of the file.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum RestoreAction {
    /// Not in the vault: added.
    Add,
    /// The same issuer and name (ignoring case), or the same secret, as an account: replaced only if chosen.
    Replace,
    /// The same secret and parameters as an account: left alone.
    Same,
}

/// One entry of a backup, for the review (never its secret).
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct RestoreEntry {
    /// Its place in the file (what the person chooses to replace).
    pub index: u32,
    /// The service.
    pub issuer: String,
    /// The account at that service.
    pub name: String,
    /// Added, replaced if chosen, or left alone.
    pub action: RestoreAction,
    /// How many backup codes the file holds for it.
    pub backup_codes: u32,
    /// The account it would replace or is the same as.
    pub existing_id: Option<String>,
}

/// A backup file read, to review before restoring.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct RestoreReview {
    /// The file's name.
    pub file_name: String,
    /// When the backup was made (Unix seconds).
    #[ts(type = "number | null")]
    pub created_at: Option<u64>,
    /// Its entries, in file order.
    pub entries: Vec<RestoreEntry>,
}

/// What a restore did.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct RestoreReport {
    /// Entries added as new accounts.
    pub added: u32,
    /// Accounts replaced by the backup's version.
    pub replaced: u32,
    /// Entries not restored: the same as an account, or one to replace that was not chosen.
    pub left_alone: u32,
}

/// The settings of one data folder; edits are serialised.
pub struct AutoBackupStore {
    path: PathBuf,
    lock: Mutex<()>,
}

fn keychain(e: tock_core::vault::StoreError) -> Error {
    Error::from(VaultError::from(e))
}

fn storage(message: String) -> Error {
    Error::new(ErrorCode::Storage, message)
}

impl AutoBackupStore {
    /// The settings kept in `data_dir`.
    pub fn open(data_dir: &Path) -> Self {
        AutoBackupStore {
            path: data_dir.join(AUTOBACKUP_FILE),
            lock: Mutex::new(()),
        }
    }

    fn load(&self) -> Result<Config> {
        match std::fs::read_to_string(&self.path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                storage(format!(
                    "the backup settings file {} is damaged ({e}); delete it and set up automatic backups again",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(storage(format!(
                "{} could not be read ({e}); check its permissions",
                self.path.display()
            ))),
        }
    }

    /// Reads, changes and saves the settings under one lock.
    fn edit<T>(&self, f: impl FnOnce(&mut Config) -> Result<T>) -> Result<T> {
        let _guard = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut config = self.load()?;
        let out = f(&mut config)?;
        let text = serde_json::to_string_pretty(&config).expect("settings always serialise");
        tock_store::write_atomically(&self.path, text.as_bytes()).map_err(|e| {
            storage(format!(
                "{} could not be written ({e}); check free space and permissions",
                self.path.display()
            ))
        })?;
        Ok(out)
    }
}

/// Fresh random keys for one backup file.
pub fn fresh_keys() -> AegisKeys {
    fn random<const N: usize>() -> [u8; N] {
        let mut bytes = [0u8; N];
        getrandom::fill(&mut bytes).expect("the OS random number generator failed");
        bytes
    }
    AegisKeys {
        master_key: random(),
        salt: random(),
        slot_nonce: random(),
        db_nonce: random(),
        slot_uuid: random(),
    }
}

/// Whether a backup is due at `now`: `DEBOUNCE_SECS` after the vault last changed (if it changed since the
/// last backup), and at least every `MAX_INTERVAL_SECS`. Unix seconds throughout.
pub fn backup_due(now: u64, vault_changed_at: Option<u64>, last_backup_at: Option<u64>) -> bool {
    let Some(last) = last_backup_at else {
        // None yet: once the changes settle.
        return vault_changed_at.is_none_or(|changed| now >= changed.saturating_add(DEBOUNCE_SECS));
    };
    if last > now {
        // The clock went back: one backup puts the record right.
        return true;
    }
    if let Some(changed) = vault_changed_at.filter(|&changed| changed >= last) {
        if now < changed.saturating_add(DEBOUNCE_SECS) {
            return false;
        }
        return true;
    }
    now - last >= MAX_INTERVAL_SECS
}

/// `tock-backup-YYYYMMDD-HHMMSS.json` of Unix seconds (UTC).
pub fn backup_file_name(created_at: u64) -> String {
    let digits: String = backup::rfc3339(created_at)
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    format!("{PREFIX}{}-{}{SUFFIX}", &digits[..8], &digits[8..14])
}

/// The time in a backup file's name, or `None` when the name does not have the pattern.
pub fn parse_backup_file_name(name: &str) -> Option<u64> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(SUFFIX)?;
    let b = stamp.as_bytes();
    if b.len() != 15 || b[8] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| -> Option<u64> {
        let part = &stamp[range];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())?
    };
    let (year, month, day) = (digits(0..4)?, digits(4..6)?, digits(6..8)?);
    let (hour, minute, second) = (digits(9..11)?, digits(11..13)?, digits(13..15)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 59
        || year < 1970
    {
        return None;
    }
    let days = days_from_civil(year as i64, month as i64, day as i64);
    let secs = days * 86_400 + (hour * 3600 + minute * 60 + second) as i64;
    let secs = u64::try_from(secs).ok()?;
    // 31 February and the like do not round-trip.
    (backup_file_name(secs) == name).then_some(secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The backup files in `folder` (only names of the pattern, only regular files), newest first.
pub fn list_backups(folder: &Path) -> Result<Vec<BackupFile>> {
    let entries = std::fs::read_dir(folder).map_err(|e| {
        storage(format!(
            "the backup folder {} could not be read ({e}); connect it or choose another folder",
            folder.display()
        ))
    })?;
    let mut files: Vec<BackupFile> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok()?;
            let created_at = parse_backup_file_name(&name)?;
            let meta = std::fs::symlink_metadata(entry.path()).ok()?;
            meta.is_file().then(|| BackupFile {
                path: entry.path().display().to_string(),
                name,
                created_at,
                size: meta.len(),
            })
        })
        .collect();
    files.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.name.cmp(&a.name)));
    Ok(files)
}

/// Deletes the oldest backup files of `folder` beyond the newest `keep` (files of the pattern only);
/// returns the names deleted.
pub fn rotate(folder: &Path, keep: u32) -> Result<Vec<String>> {
    let keep = keep.max(1) as usize;
    let mut deleted = Vec::new();
    for old in list_backups(folder)?.into_iter().skip(keep) {
        std::fs::remove_file(&old.path).map_err(|e| {
            storage(format!(
                "the old backup {} could not be deleted ({e}); check the folder's permissions",
                old.path
            ))
        })?;
        deleted.push(old.name);
    }
    Ok(deleted)
}

/// Reads the envelope of the backup file at `path` (the password is asked next).
pub fn open_backup_file(path: &Path) -> Result<SealedBackup> {
    let size = std::fs::metadata(path)
        .map_err(|e| {
            storage(format!(
                "{} could not be read ({e}); check the path",
                path.display()
            ))
        })?
        .len();
    if size > tock_core::import::MAX_FILE_BYTES as u64 {
        return Err(Error::invalid(
            BackupFileError::NotTockBackup("it is larger than any backup".into()).to_string(),
        ));
    }
    let bytes = Zeroizing::new(std::fs::read(path).map_err(|e| {
        storage(format!(
            "{} could not be read ({e}); check the path",
            path.display()
        ))
    })?);
    backup_file::open(&bytes).map_err(file_error)
}

/// Decrypts a backup file's contents with `password`.
pub fn decrypt_backup(sealed: &SealedBackup, password: &str) -> Result<BackupContents> {
    sealed.decrypt(password).map_err(file_error)
}

fn file_error(e: BackupFileError) -> Error {
    let code = match e {
        BackupFileError::WrongPassword => ErrorCode::WrongPassword,
        _ => ErrorCode::InvalidInput,
    };
    Error::new(code, e.to_string())
}

fn off() -> Error {
    Error::invalid(
        "automatic backups are off; choose a backup folder first (tock backup set DIR, or Settings in the window)",
    )
}

fn no_password() -> Error {
    Error::invalid(
        "no backup password is stored; set one (tock backup set DIR, or Settings in the window)",
    )
}

/// Whether two accounts compute the same codes: the same parameters (an HOTP counter aside, which moves on
/// with use).
fn same_params(a: &OtpParams, b: &OtpParams) -> bool {
    let kind = |p: &OtpParams| match p.kind {
        OtpKind::Hotp { .. } => OtpKind::Hotp { counter: 0 },
        other => other,
    };
    a.algorithm == b.algorithm && a.digits == b.digits && kind(a) == kind(b)
}

/// What restoring each entry would do against the vault's accounts (with their secrets).
fn classify(
    existing: &[(Account, Option<Secret>)],
    entries: &[BackupEntry],
) -> Vec<(RestoreAction, Option<AccountId>)> {
    entries
        .iter()
        .map(|e| {
            let a = &e.account;
            let same = existing
                .iter()
                .find(|(x, s)| s.as_ref() == Some(&a.secret) && same_params(&x.params, &a.params));
            if let Some((x, _)) = same {
                return (RestoreAction::Same, Some(x.id.clone()));
            }
            let clash = existing.iter().find(|(x, s)| {
                same_label(&x.issuer, &x.name, &a.issuer, &a.name) || s.as_ref() == Some(&a.secret)
            });
            match clash {
                Some((x, _)) => (RestoreAction::Replace, Some(x.id.clone())),
                None => (RestoreAction::Add, None),
            }
        })
        .collect()
}

fn restored(e: BackupEntry) -> Restored {
    let favourite = e.account.favourite;
    Restored {
        account: NewAccount::from(e.account),
        favourite,
        backup_codes: e.backup_codes,
        backup_codes_stored_at: e.backup_codes_stored_at,
        offline_copy: e.offline_copy,
        sign_in: e.sign_in,
        added_at: e.added_at,
        last_used: e.last_used,
    }
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Where automatic backups stand, with the files in the folder (a folder that cannot be read lists none
    /// and says why in `last_error`).
    pub fn auto_backup_status(&self, store: &AutoBackupStore) -> Result<AutoBackupStatus> {
        let config = store.load()?;
        let has_password = self.with_vault(|v| {
            let vault_id = v.doc().vault_id.clone();
            Ok(v.secrets()
                .get_extra(&vault_id, PASSWORD_ITEM)
                .map_err(keychain)?
                .is_some())
        })?;
        let (files, unreadable) = match &config.folder {
            Some(folder) => match list_backups(folder) {
                Ok(files) => (files, None),
                Err(e) => (Vec::new(), Some(e.message)),
            },
            None => (Vec::new(), None),
        };
        Ok(AutoBackupStatus {
            folder: config.folder.as_ref().map(|f| f.display().to_string()),
            keep: config.keep,
            has_password,
            last_backup_at: config.last_backup_at,
            last_error: unreadable.or(config.last_error),
            files,
        })
    }

    /// Turns automatic backups on (or changes them): the folder (it must exist, outside the data folder),
    /// the password (`None` keeps the stored one; the first time one is required) and how many to keep.
    pub fn set_auto_backup(
        &self,
        store: &AutoBackupStore,
        folder: &Path,
        password: Option<&str>,
        keep: u32,
    ) -> Result<AutoBackupStatus> {
        if !(1..=MAX_KEEP).contains(&keep) {
            return Err(Error::invalid(format!(
                "keep between 1 and {MAX_KEEP} backups; {keep} is not possible"
            )));
        }
        if !folder.is_dir() {
            return Err(Error::invalid(format!(
                "the backup folder {} does not exist; create it or choose another",
                folder.display()
            )));
        }
        let folder = folder.canonicalize().map_err(|e| {
            storage(format!(
                "the backup folder {} could not be opened ({e}); choose another",
                folder.display()
            ))
        })?;
        if let Some(dir) = self.data_dir() {
            if is_inside(&folder, dir) {
                return Err(Error::invalid(format!(
                    "{} is inside Tock's data folder, which would be lost with it; choose a folder elsewhere, ideally a synced one",
                    folder.display()
                )));
            }
        }
        if password.is_some_and(str::is_empty) {
            return Err(Error::invalid(
                "the backup password is empty; choose one to protect the backups",
            ));
        }
        self.with_vault(|v| {
            if v.doc().accounts.is_empty() {
                return Err(Error::invalid(
                    "there is nothing to back up yet; add an account first",
                ));
            }
            let vault_id = v.doc().vault_id.clone();
            match password {
                Some(p) => v.secrets().put_extra(
                    &vault_id,
                    PASSWORD_ITEM,
                    &Secret::from_bytes(p.as_bytes().to_vec()),
                )
                .map_err(keychain)?,
                None if v.secrets().get_extra(&vault_id, PASSWORD_ITEM).map_err(keychain)?.is_none() => {
                    return Err(Error::invalid(
                        "automatic backups need a password the first time; choose one to protect the backups",
                    ))
                }
                None => {}
            }
            Ok(())
        })?;
        store.edit(|c| {
            if c.folder.as_deref() != Some(folder.as_path()) {
                c.last_error = None;
            }
            c.folder = Some(folder.clone());
            c.keep = keep;
            Ok(())
        })?;
        self.auto_backup_status(store)
    }

    /// Turns automatic backups off: forgets the folder and deletes the stored password (the files stay).
    pub fn turn_off_auto_backup(&self, store: &AutoBackupStore) -> Result<AutoBackupStatus> {
        self.with_vault(|v| {
            let vault_id = v.doc().vault_id.clone();
            v.secrets()
                .delete_extra(&vault_id, PASSWORD_ITEM)
                .map_err(keychain)
        })?;
        store.edit(|c| {
            c.folder = None;
            c.last_error = None;
            Ok(())
        })?;
        self.auto_backup_status(store)
    }

    /// Writes a backup of everything into the folder now (at `now`, encrypted with `keys`), then deletes the
    /// oldest beyond the number to keep. The result is recorded: the time, or the error for the window.
    pub fn backup_now(
        &self,
        store: &AutoBackupStore,
        now: u64,
        keys: AegisKeys,
    ) -> Result<BackupFile> {
        let config = store.load()?;
        let folder = config.folder.ok_or_else(off)?;
        match self.write_backup(&folder, config.keep, now, &keys) {
            Ok(file) => {
                store.edit(|c| {
                    c.last_backup_at = Some(now);
                    c.last_error = None;
                    Ok(())
                })?;
                Ok(file)
            }
            Err(e) => {
                let message = e.message.clone();
                let _ = store.edit(|c| {
                    c.last_error = Some(message);
                    Ok(())
                });
                Err(e)
            }
        }
    }

    /// A backup if one is due at `now` (see [`backup_due`]; `vault_changed_at` is when `vault.json` last
    /// changed); `None` when backups are off, no password is stored, the vault is empty or none is due.
    pub fn backup_if_due(
        &self,
        store: &AutoBackupStore,
        now: u64,
        vault_changed_at: Option<u64>,
        keys: impl FnOnce() -> AegisKeys,
    ) -> Option<Result<BackupFile>> {
        let config = match store.load() {
            Ok(config) => config,
            Err(e) => return Some(Err(e)),
        };
        config.folder.as_ref()?;
        if !backup_due(now, vault_changed_at, config.last_backup_at) {
            return None;
        }
        let ready = self.with_vault(|v| {
            let vault_id = v.doc().vault_id.clone();
            Ok(!v.doc().accounts.is_empty()
                && v.secrets()
                    .get_extra(&vault_id, PASSWORD_ITEM)
                    .map_err(keychain)?
                    .is_some())
        });
        match ready {
            Ok(true) => Some(self.backup_now(store, now, keys())),
            Ok(false) => None,
            Err(e) => Some(Err(e)),
        }
    }

    fn write_backup(
        &self,
        folder: &Path,
        keep: u32,
        now: u64,
        keys: &AegisKeys,
    ) -> Result<BackupFile> {
        if !folder.is_dir() {
            return Err(storage(format!(
                "the backup folder {} is missing; connect it or choose another folder",
                folder.display()
            )));
        }
        let text = {
            let mut inner = self.lock();
            inner.load_secrets()?;
            let vault = inner.vault_ref()?;
            let doc = vault.doc();
            if doc.accounts.is_empty() {
                return Err(Error::invalid(
                    "there is nothing to back up yet; add an account first",
                ));
            }
            let password = vault
                .secrets()
                .get_extra(&doc.vault_id, PASSWORD_ITEM)
                .map_err(keychain)?
                .ok_or_else(no_password)?;
            let password = std::str::from_utf8(password.as_bytes()).map_err(|_| no_password())?;
            let mut codes = Vec::with_capacity(doc.accounts.len());
            for a in &doc.accounts {
                codes.push(match a.backup_codes {
                    Some(_) => Some(vault.backup_codes(&a.id)?),
                    None => None,
                });
            }
            let items = doc
                .accounts
                .iter()
                .zip(&codes)
                .map(|(a, c)| {
                    let secret = inner
                        .secrets
                        .get(&a.id)
                        .ok_or_else(|| Error::from(VaultError::SecretMissing(a.label())))?;
                    Ok(BackupItem::of_account(a, secret, c.as_ref()))
                })
                .collect::<Result<Vec<_>>>()?;
            Zeroizing::new(backup_file::write(&items, now, password, keys))
        };
        let name = backup_file_name(now);
        let path = folder.join(&name);
        tock_store::write_atomically(&path, text.as_bytes()).map_err(|e| {
            storage(format!(
                "the backup {} could not be written ({e}); check free space and the folder's permissions",
                path.display()
            ))
        })?;
        rotate(folder, keep)?;
        Ok(BackupFile {
            path: path.display().to_string(),
            name,
            created_at: now,
            size: text.len() as u64,
        })
    }

    /// The vault's accounts with their secrets, under the caller's lock.
    fn restore_targets(
        inner: &mut crate::session::Inner<S, D>,
    ) -> Result<Vec<(Account, Option<Secret>)>> {
        inner.load_secrets()?;
        let (vault, secrets, _) = inner.parts()?;
        Ok(vault
            .doc()
            .accounts
            .iter()
            .map(|a| (a.clone(), secrets.get(&a.id).cloned()))
            .collect())
    }

    /// What restoring `contents` (the file `file_name`) would do, entry by entry.
    pub fn review_restore(
        &self,
        contents: &BackupContents,
        file_name: &str,
    ) -> Result<RestoreReview> {
        let existing = Self::restore_targets(&mut self.lock())?;
        let verdicts = classify(&existing, &contents.entries);
        Ok(RestoreReview {
            file_name: file_name.to_owned(),
            created_at: Some(contents.created_at),
            entries: contents
                .entries
                .iter()
                .zip(verdicts)
                .enumerate()
                .map(|(index, (e, (action, existing)))| RestoreEntry {
                    index: index as u32,
                    issuer: e.account.issuer.clone(),
                    name: e.account.name.clone(),
                    action,
                    backup_codes: e.backup_codes.as_ref().map_or(0, |c| c.total()),
                    existing_id: existing.map(|id| id.to_string()),
                })
                .collect(),
        })
    }

    /// Restores `contents` at `now`: every entry to add, in one step with its backup codes, sign-in method
    /// and dates; then the accounts at `replace` (indices of entries the review marked "replace"), each
    /// replaced by the backup's version. Entries the same as an account are left alone.
    pub fn finish_restore(
        &self,
        contents: BackupContents,
        replace: &[u32],
        now: u64,
    ) -> Result<RestoreReport> {
        // One lock from the review to the last write: nothing can slip in between.
        let mut inner = self.lock();
        let existing = Self::restore_targets(&mut inner)?;
        let verdicts = classify(&existing, &contents.entries);
        let total = contents.entries.len() as u32;
        if let Some(&bad) = replace.iter().find(|&&i| {
            verdicts
                .get(i as usize)
                .is_none_or(|(action, _)| *action != RestoreAction::Replace)
        }) {
            return Err(Error::invalid(format!(
                "entry {bad} of the backup replaces no account; choose among the entries marked replace"
            )));
        }
        let mut adds = Vec::new();
        let mut replacements = Vec::new();
        for (index, (entry, (action, existing_id))) in
            contents.entries.into_iter().zip(verdicts).enumerate()
        {
            match (action, existing_id) {
                (RestoreAction::Add, _) => {
                    adds.push((tock_store::new_account_id(), restored(entry)))
                }
                (RestoreAction::Replace, Some(id)) if replace.contains(&(index as u32)) => {
                    replacements.push((id, restored(entry)))
                }
                _ => {}
            }
        }
        let added = adds.len() as u32;
        let cached: Vec<(AccountId, Secret)> = adds
            .iter()
            .map(|(id, r)| (id.clone(), r.account.secret.clone()))
            .collect();
        let (vault, secrets, _) = inner.parts()?;
        if !adds.is_empty() {
            vault.restore_many(adds, now, DigitsPolicy::Import)?;
            secrets.extend(cached);
        }
        let mut replaced = 0;
        for (id, r) in replacements {
            let secret = r.account.secret.clone();
            vault.replace_account(&id, r, now, DigitsPolicy::Import)?;
            secrets.insert(id, secret);
            replaced += 1;
        }
        Ok(RestoreReport {
            added,
            replaced,
            left_alone: total - added - replaced,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session, rfc_account};
    use tock_core::vault::memory::{MemoryDoc, MemorySecrets};
    use tock_core::SignInMethod;

    const T0: u64 = 1_714_566_600; // 2024-05-01T12:30:00Z

    fn keys(n: u8) -> AegisKeys {
        AegisKeys {
            master_key: [n; 32],
            salt: [n.wrapping_add(1); 32],
            slot_nonce: [n.wrapping_add(2); 12],
            db_nonce: [n.wrapping_add(3); 12],
            slot_uuid: [n.wrapping_add(4); 16],
        }
    }

    struct Setup {
        session: Session<MemorySecrets, MemoryDoc>,
        store: AutoBackupStore,
        folder: tempfile::TempDir,
        _data: tempfile::TempDir,
    }

    /// A vault with GitHub (backup codes, one used; sign-in Google) and Bank, backups on into a temp folder.
    fn setup() -> Setup {
        let session = memory_session();
        let github = add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        session
            .save_backup_codes(&github, &["1111-2222", "3333-4444"], false, T0 - 100)
            .unwrap();
        session
            .use_backup_code(&github, Some("33334444"), T0 - 50)
            .unwrap();
        session
            .with_vault(|v| {
                Ok(v.set_sign_in(&github, Some(SignInMethod::Google), "via work".into())?)
            })
            .unwrap();
        let mut bank = rfc_account("Bank");
        bank.secret = Secret::from_bytes(b"the bank's own key!!".to_vec());
        session
            .add_new(bank, DigitsPolicy::Manual, T0 - 10)
            .unwrap();
        let data = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let store = AutoBackupStore::open(data.path());
        session
            .set_auto_backup(&store, folder.path(), Some("backup pass"), 3)
            .unwrap();
        Setup {
            session,
            store,
            folder,
            _data: data,
        }
    }

    #[test]
    fn file_names_are_utc_stamps_and_only_they_match() {
        assert_eq!(backup_file_name(T0), "tock-backup-20240501-123000.json");
        assert_eq!(
            parse_backup_file_name("tock-backup-20240501-123000.json"),
            Some(T0)
        );
        assert_eq!(backup_file_name(0), "tock-backup-19700101-000000.json");
        for n in [0, 59, 951_782_400, 4_102_444_799, T0 + 12_345_678] {
            assert_eq!(parse_backup_file_name(&backup_file_name(n)), Some(n), "{n}");
        }
        for other in [
            "tock-backup-20240231-120000.json",
            "tock-backup-20240501-123000.json.tmp",
            ".tock-backup-20240501-123000.json.a1b2c3.tmp",
            "tock-backup-20240501-123000 (1).json",
            "tock-backup-2024050-1123000.json",
            "tock-backup-20240501-246000.json",
            "notes.json",
        ] {
            assert_eq!(parse_backup_file_name(other), None, "{other}");
        }
    }

    #[test]
    fn a_backup_is_due_after_changes_settle_and_at_least_daily() {
        let day = MAX_INTERVAL_SECS;
        assert!(backup_due(T0, None, None), "never backed up");
        assert!(
            !backup_due(T0, Some(T0 - 30), None),
            "changes still settling"
        );
        assert!(backup_due(T0, Some(T0 - 60), None));
        assert!(
            !backup_due(T0, Some(T0 - 3600), Some(T0 - 600)),
            "no change since"
        );
        assert!(!backup_due(T0, Some(T0 - 30), Some(T0 - 600)), "debounced");
        assert!(
            backup_due(T0, Some(T0 - 61), Some(T0 - 600)),
            "changed after the backup"
        );
        assert!(!backup_due(T0, None, Some(T0 - day + 1)));
        assert!(backup_due(T0, None, Some(T0 - day)), "daily");
        assert!(
            backup_due(T0, Some(T0 - 2 * day), Some(T0 - day)),
            "daily without changes"
        );
        assert!(
            !backup_due(T0, Some(T0 - 10), Some(T0 - 2 * day)),
            "debounce first"
        );
        assert!(backup_due(T0, None, Some(T0 + 3600)), "clock went back");
    }

    #[test]
    fn backups_rotate_keeping_the_newest_and_never_other_files() {
        let s = setup();
        let folder = s.folder.path();
        for other in [
            "notes.txt",
            "tock-backup-latest.json",
            "tock-backup-20240501-123000.json.bak",
        ] {
            std::fs::write(folder.join(other), "keep me").unwrap();
        }
        std::fs::create_dir(folder.join("tock-backup-20000101-000000.json")).unwrap();
        for i in 0..5 {
            let file = s
                .session
                .backup_now(&s.store, T0 + i * 3600, keys(i as u8))
                .unwrap();
            assert_eq!(file.created_at, T0 + i * 3600);
            assert!(Path::new(&file.path).is_file());
        }
        let status = s.session.auto_backup_status(&s.store).unwrap();
        let names: Vec<&str> = status.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "tock-backup-20240501-163000.json",
                "tock-backup-20240501-153000.json",
                "tock-backup-20240501-143000.json",
            ],
            "the newest three, newest first"
        );
        assert!(status.files.iter().all(|f| f.size > 500));
        assert_eq!(status.last_backup_at, Some(T0 + 4 * 3600));
        assert_eq!(status.last_error, None);
        assert!(status.has_password);
        for other in [
            "notes.txt",
            "tock-backup-latest.json",
            "tock-backup-20240501-123000.json.bak",
        ] {
            assert!(folder.join(other).is_file(), "{other} left alone");
        }
        assert!(folder.join("tock-backup-20000101-000000.json").is_dir());
        let leftovers = std::fs::read_dir(folder)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .ends_with(".tmp")
            })
            .count();
        assert_eq!(leftovers, 0, "no temporary file left");
    }

    #[test]
    fn a_backup_restores_everything_into_a_fresh_vault() {
        let s = setup();
        let file = s.session.backup_now(&s.store, T0, keys(9)).unwrap();
        let sealed = open_backup_file(Path::new(&file.path)).unwrap();
        let wrong = decrypt_backup(&sealed, "nope").unwrap_err();
        assert_eq!(wrong.code, ErrorCode::WrongPassword);
        let contents = decrypt_backup(&sealed, "backup pass").unwrap();

        let fresh = memory_session();
        let review = fresh.review_restore(&contents, &file.name).unwrap();
        assert_eq!(review.created_at, Some(T0));
        assert_eq!(review.file_name, file.name);
        let actions: Vec<(&str, RestoreAction, u32)> = review
            .entries
            .iter()
            .map(|e| (e.issuer.as_str(), e.action, e.backup_codes))
            .collect();
        assert_eq!(
            actions,
            [
                ("GitHub", RestoreAction::Add, 2),
                ("Bank", RestoreAction::Add, 0)
            ]
        );
        let report = fresh.finish_restore(contents, &[], T0 + 5).unwrap();
        assert_eq!(
            report,
            RestoreReport {
                added: 2,
                replaced: 0,
                left_alone: 0
            }
        );
        let (old, new) = (s.session.doc().unwrap(), fresh.doc().unwrap());
        assert_eq!(new.accounts.len(), 2);
        for (a, b) in old.accounts.iter().zip(&new.accounts) {
            assert_eq!(
                (&a.issuer, &a.name, a.params),
                (&b.issuer, &b.name, b.params)
            );
            assert_eq!(a.added_at, b.added_at);
            assert_eq!(a.sign_in, b.sign_in);
            assert_eq!(a.notes, b.notes);
            assert_eq!(
                s.session.with_vault(|v| Ok(v.secret(&a.id)?)).unwrap(),
                fresh.with_vault(|v| Ok(v.secret(&b.id)?)).unwrap()
            );
        }
        let codes = fresh.backup_codes(&new.accounts[0].id).unwrap();
        let used: Vec<Option<u64>> = codes.codes().iter().map(|c| c.used_at()).collect();
        assert_eq!(used, [None, Some(T0 - 50)], "used marks restored");
        assert_eq!(new.accounts[0].backup_codes.as_ref().unwrap().left, 1);
        assert_eq!(new.accounts[0].sign_in, Some(SignInMethod::Google));

        // Restoring the same file again: everything is the same, nothing changes.
        let again = decrypt_backup(&sealed, "backup pass").unwrap();
        let review = fresh.review_restore(&again, &file.name).unwrap();
        assert!(review
            .entries
            .iter()
            .all(|e| e.action == RestoreAction::Same));
        let report = fresh.finish_restore(again, &[], T0 + 6).unwrap();
        assert_eq!((report.added, report.left_alone), (0, 2));
        assert_eq!(fresh.doc().unwrap().accounts.len(), 2);
    }

    #[test]
    fn replacing_needs_choosing_and_other_entries_are_left_alone() {
        let s = setup();
        let file = s.session.backup_now(&s.store, T0, keys(3)).unwrap();
        let contents = || {
            decrypt_backup(
                &open_backup_file(Path::new(&file.path)).unwrap(),
                "backup pass",
            )
            .unwrap()
        };
        // A vault where GitHub has another key (re-enrolled) and a Bank with the same key and parameters.
        let other = memory_session();
        let mut github = rfc_account("github");
        github.name = "ALICE".into();
        github.secret = Secret::from_bytes(b"re-enrolled secret!!".to_vec());
        let github =
            AccountId::parse(&other.add_new(github, DigitsPolicy::Manual, 1).unwrap().id).unwrap();
        let mut bank = rfc_account("Bank renamed");
        bank.secret = Secret::from_bytes(b"the bank's own key!!".to_vec());
        other.add_new(bank, DigitsPolicy::Manual, 1).unwrap();

        let review = other.review_restore(&contents(), &file.name).unwrap();
        assert_eq!(review.entries[0].action, RestoreAction::Replace);
        assert_eq!(
            review.entries[0].existing_id.as_deref(),
            Some(github.as_str())
        );
        assert_eq!(review.entries[1].action, RestoreAction::Same);

        // Not chosen: GitHub keeps its key.
        let report = other.finish_restore(contents(), &[], T0).unwrap();
        assert_eq!(
            (report.added, report.replaced, report.left_alone),
            (0, 0, 2)
        );
        let secret = |s: &Session<MemorySecrets, MemoryDoc>| {
            s.with_vault(|v| Ok(v.secret(&github)?)).unwrap()
        };
        assert_eq!(secret(&other).as_bytes(), b"re-enrolled secret!!");
        // Only an entry marked replace can be chosen.
        let err = other.finish_restore(contents(), &[1], T0).unwrap_err();
        assert!(err.message.contains("entry 1"), "{}", err.message);
        let err = other.finish_restore(contents(), &[7], T0).unwrap_err();
        assert!(err.message.contains("entry 7"), "{}", err.message);
        // Chosen: the backup's key, codes and sign-in replace it; the id stays.
        let report = other.finish_restore(contents(), &[0], T0).unwrap();
        assert_eq!(
            (report.added, report.replaced, report.left_alone),
            (0, 1, 1)
        );
        assert_eq!(secret(&other).as_bytes(), b"12345678901234567890");
        assert_eq!(other.backup_codes(&github).unwrap().remaining(), 1);
        let doc = other.doc().unwrap();
        assert_eq!(doc.accounts.len(), 2);
        assert_eq!(
            doc.get(&github).unwrap().sign_in,
            Some(SignInMethod::Google)
        );
        // The session's cache has the new key: codes use it.
        let expected = tock_core::otp::code_at(
            &Secret::from_bytes(b"12345678901234567890".to_vec()),
            &OtpParams::totp_default(),
            T0,
        )
        .code;
        let codes = other.all_codes(T0).unwrap();
        let code = codes.iter().find(|(a, _)| a.id == github).map(|(_, c)| c);
        assert_eq!(code, Some(&expected));
    }

    #[test]
    fn an_hotp_account_further_on_is_the_same_but_other_parameters_are_not() {
        let entry = |params: OtpParams, issuer: &str| BackupEntry {
            account: tock_core::import::ImportedEntry {
                issuer: issuer.into(),
                name: "alice".into(),
                secret: Secret::from_bytes(b"12345678901234567890".to_vec()),
                params,
                notes: String::new(),
                favourite: false,
            },
            backup_codes: None,
            backup_codes_stored_at: None,
            offline_copy: None,
            sign_in: None,
            added_at: None,
            last_used: None,
        };
        let hotp = |counter| OtpParams {
            kind: OtpKind::Hotp { counter },
            ..OtpParams::totp_default()
        };
        let session = memory_session();
        let id = add_rfc_account(&session, "Bank", hotp(9));
        let existing = Session::restore_targets(&mut session.lock()).unwrap();
        let eight = OtpParams {
            digits: 8,
            ..OtpParams::totp_default()
        };
        let mut other = entry(eight, "Other");
        other.account.secret = Secret::from_bytes(b"a key of its own!!!!".to_vec());
        let verdicts = classify(
            &existing,
            &[entry(hotp(3), "Bank"), entry(eight, "Renamed"), other],
        );
        assert_eq!(
            verdicts[0],
            (RestoreAction::Same, Some(id.clone())),
            "the counter moves on with use"
        );
        assert_eq!(
            verdicts[1],
            (RestoreAction::Replace, Some(id.clone())),
            "same secret, other codes"
        );
        assert_eq!(verdicts[2], (RestoreAction::Add, None));
    }

    #[test]
    fn settings_are_checked_and_kept() {
        let session = memory_session();
        let data = tempfile::tempdir().unwrap();
        let folder = tempfile::tempdir().unwrap();
        let store = AutoBackupStore::open(data.path());
        let status = session.auto_backup_status(&store).unwrap();
        assert_eq!(status.folder, None);
        assert_eq!(status.keep, DEFAULT_KEEP);
        assert!(!status.has_password);
        assert_eq!(
            status.risks(T0),
            [VaultRisk::NoAutomaticBackup],
            "no automatic backup yet"
        );
        let err = session
            .set_auto_backup(&store, folder.path(), Some("pw"), 3)
            .unwrap_err();
        assert!(
            err.message.contains("nothing to back up"),
            "{}",
            err.message
        );
        add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        let err = session
            .set_auto_backup(&store, folder.path(), None, 3)
            .unwrap_err();
        assert!(err.message.contains("need a password"), "{}", err.message);
        let err = session
            .set_auto_backup(&store, &folder.path().join("missing"), Some("pw"), 3)
            .unwrap_err();
        assert!(err.message.contains("does not exist"), "{}", err.message);
        let err = session
            .set_auto_backup(&store, folder.path(), Some("pw"), 0)
            .unwrap_err();
        assert!(
            err.message.starts_with("keep between 1 and"),
            "{}",
            err.message
        );
        let err = session.backup_now(&store, T0, keys(1)).unwrap_err();
        assert!(
            err.message.starts_with("automatic backups are off"),
            "{}",
            err.message
        );

        let status = session
            .set_auto_backup(&store, folder.path(), Some("pw"), 4)
            .unwrap();
        assert_eq!(status.keep, 4);
        assert!(status.has_password);
        let saved = std::fs::read_to_string(data.path().join(AUTOBACKUP_FILE)).unwrap();
        assert!(
            !saved.contains("pw\""),
            "no password in the settings file: {saved}"
        );
        // None keeps the stored password.
        let status = session
            .set_auto_backup(&store, folder.path(), None, 5)
            .unwrap();
        assert!(status.has_password && status.keep == 5);

        session.backup_now(&store, T0, keys(2)).unwrap();
        let status = session.auto_backup_status(&store).unwrap();
        assert!(status.risks(T0 + 6 * 86_400).is_empty());
        assert_eq!(
            status.risks(T0 + 8 * 86_400),
            [VaultRisk::LastBackupDaysAgo(8)]
        );
        assert_eq!(
            risk_text(VaultRisk::LastBackupDaysAgo(8)),
            "last backup 8 days ago"
        );

        // A folder that went away: the error is recorded for the window, without any secret.
        let gone = folder.path().to_owned();
        drop(folder);
        let err = session.backup_now(&store, T0 + 100, keys(3)).unwrap_err();
        assert!(err.message.contains("is missing"), "{}", err.message);
        let status = session.auto_backup_status(&store).unwrap();
        assert!(status.last_error.is_some());
        assert_eq!(
            status.last_backup_at,
            Some(T0),
            "the last good backup stays"
        );
        assert!(!status.last_error.unwrap().contains("pw"));
        assert!(!gone.exists(), "not re-created");

        let status = session.turn_off_auto_backup(&store).unwrap();
        assert_eq!(status.folder, None);
        assert!(!status.has_password, "the password is deleted");
    }

    #[test]
    fn a_due_backup_is_written_once_then_waits() {
        let s = setup();
        let due = |now, changed| {
            s.session
                .backup_if_due(&s.store, now, changed, || keys(5))
                .map(|r| r.unwrap().created_at)
        };
        assert_eq!(due(T0, Some(T0 - 10)), None, "debounced");
        assert_eq!(due(T0 + 60, Some(T0 - 10)), Some(T0 + 60));
        assert_eq!(due(T0 + 120, Some(T0 - 10)), None, "nothing changed since");
        assert_eq!(due(T0 + 200, Some(T0 + 130)), Some(T0 + 200));
        assert_eq!(
            due(T0 + 200 + MAX_INTERVAL_SECS, None),
            Some(T0 + 200 + MAX_INTERVAL_SECS)
        );
        s.session.turn_off_auto_backup(&s.store).unwrap();
        assert_eq!(due(T0 + 10 * MAX_INTERVAL_SECS, None), None, "off");
    }
}
