//! The app lock and where the secrets are kept: unlocking (with a growing wait after wrong passwords,
//! remembered in `lock-attempts.json`), locking, turning the lock on or off, changing its password, and
//! moving between the keychain and the encrypted file vault. The cryptography is `tock_core::lock`; the
//! crash-safe moves are `tock_store::storage`.
use std::path::Path;

use serde::{Deserialize, Serialize};
use tock_core::lock::{self, KdfParams, LockError, VaultKey, WrappedKey};
use tock_core::vault::{SecretStore, VaultError};
use tock_core::AccountId;
use tock_store::storage::{self, MoveTo, StorageState};
use tock_store::Backend;
use ts_rs::TS;

use crate::{Error, ErrorCode, Result, Session};

/// The file that remembers wrong passwords across restarts.
pub const ATTEMPTS_FILE: &str = "lock-attempts.json";

/// Where the secrets are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum StorageKind {
    /// The OS keychain.
    Keychain,
    /// An encrypted file in the data folder.
    File,
}

impl From<Backend> for StorageKind {
    fn from(b: Backend) -> Self {
        match b {
            Backend::Keychain => StorageKind::Keychain,
            Backend::File => StorageKind::File,
        }
    }
}

impl From<StorageKind> for Backend {
    fn from(k: StorageKind) -> Self {
        match k {
            StorageKind::Keychain => Backend::Keychain,
            StorageKind::File => Backend::File,
        }
    }
}

/// The lock as the window and the CLI show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LockStatus {
    /// The lock is on (always, with the file vault).
    pub enabled: bool,
    /// Secrets and codes are unavailable until the password is given.
    pub locked: bool,
    /// Where the secrets are.
    pub storage: StorageKind,
    /// Whether the OS keychain answers (when it does not, the file vault is offered).
    pub keychain_reachable: bool,
    /// Seconds before another password may be tried.
    pub wait_seconds: u32,
    /// Wrong passwords in a row.
    pub failures: u32,
}

/// Progress of re-encrypting or moving the items.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ProgressStep {
    /// Accounts done.
    pub done: u32,
    /// Accounts in all.
    pub total: u32,
}

/// Wrong passwords in a row and when the last one was given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Attempts {
    failures: u32,
    last_failure_at: u64,
}

impl Attempts {
    fn load(dir: &Path) -> Self {
        std::fs::read_to_string(dir.join(ATTEMPTS_FILE))
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default()
    }

    fn save(&self, dir: &Path) -> Result<()> {
        let text = serde_json::to_string(self).expect("always serialises");
        tock_store::write_atomically(&dir.join(ATTEMPTS_FILE), text.as_bytes()).map_err(|e| {
            Error::new(
                ErrorCode::Storage,
                format!(
                    "the data folder could not be written ({e}); check free space and permissions"
                ),
            )
        })
    }

    /// Seconds left before the next try; a clock set back does not extend it beyond one full wait.
    fn wait_left(&self, now: u64) -> u64 {
        let wait = lock::wait_after(self.failures);
        let until = self.last_failure_at.saturating_add(wait);
        until.saturating_sub(now).min(wait)
    }
}

fn seconds(n: u64) -> String {
    if n == 1 {
        "1 second".into()
    } else {
        format!("{n} seconds")
    }
}

fn random_key() -> VaultKey {
    VaultKey::from_bytes(tock_store::random_bytes::<32>())
}

fn new_wrap(key: &VaultKey, password: &str) -> Result<WrappedKey> {
    if password.is_empty() {
        return Err(Error::invalid(
            "the password is empty; choose one you will remember",
        ));
    }
    Ok(lock::wrap(
        key,
        password,
        KdfParams::DEFAULT,
        tock_store::random_bytes::<16>(),
        tock_store::random_bytes::<24>(),
    ))
}

impl Session {
    fn dir(&self) -> Result<&Path> {
        self.data_dir()
            .ok_or_else(|| Error::new(ErrorCode::Internal, "this vault has no data folder"))
    }

    /// Whether the lock is on, whether the vault is locked, where the secrets are, and how long to wait.
    pub fn lock_status(&self, now: u64) -> Result<LockStatus> {
        let dir = self.dir()?;
        let state = StorageState::load(dir).map_err(VaultError::from)?;
        let locked = {
            let mut inner = self.lock_alone();
            let vault = inner.vault_any()?;
            vault.secrets().refresh().map_err(VaultError::from)?;
            vault.secrets().is_locked()
        };
        let attempts = Attempts::load(dir);
        Ok(LockStatus {
            enabled: state.lock.is_some(),
            locked,
            storage: state.place.backend.into(),
            keychain_reachable: tock_store::keychain_reachable(),
            wait_seconds: attempts.wait_left(now) as u32,
            failures: attempts.failures,
        })
    }

    /// Whether the lock is on (one small file read; no keychain is asked).
    pub fn lock_enabled(&self) -> bool {
        self.data_dir()
            .and_then(|dir| StorageState::load(dir).ok())
            .is_some_and(|state| state.lock.is_some())
    }

    /// Whether the lock is on and no password was given yet (no keychain is asked).
    pub fn is_locked(&self) -> bool {
        let mut inner = self.lock_alone();
        match inner.vault_any() {
            Ok(vault) => vault.secrets().refresh().is_ok() && vault.secrets().is_locked(),
            Err(_) => false,
        }
    }

    /// The vault key, if `password` opens it; a wrong password counts towards the wait, and a try during
    /// the wait is refused without looking at the password.
    fn check_password(&self, password: &str, now: u64) -> Result<(StorageState, VaultKey)> {
        let dir = self.dir()?;
        let state = StorageState::load(dir).map_err(VaultError::from)?;
        let Some(wrapped) = &state.lock else {
            return Err(Error::invalid(
                "the lock is off; there is no password to check",
            ));
        };
        let mut attempts = Attempts::load(dir);
        let wait = attempts.wait_left(now);
        if wait > 0 {
            return Err(Error::new(
                ErrorCode::Wait,
                format!("wait {} before trying again", seconds(wait)),
            ));
        }
        match lock::unwrap(wrapped, password) {
            Ok(key) => {
                if attempts.failures > 0 {
                    Attempts::default().save(dir)?;
                }
                Ok((state, key))
            }
            Err(LockError::WrongPassword) => {
                attempts.failures = attempts.failures.saturating_add(1);
                attempts.last_failure_at = now;
                attempts.save(dir)?;
                Err(Error::new(
                    ErrorCode::WrongPassword,
                    format!(
                        "wrong password; try again in {}",
                        seconds(lock::wait_after(attempts.failures))
                    ),
                ))
            }
            Err(LockError::Damaged) => Err(Error::new(
                ErrorCode::Storage,
                format!(
                    "{} is damaged; restore the data folder from a backup",
                    dir.join(storage::STORAGE_FILE).display()
                ),
            )),
        }
    }

    /// Unlocks with the password.
    pub fn unlock(&self, password: &str, now: u64) -> Result<()> {
        let mut inner = self.lock_alone();
        let vault = inner.vault_any()?;
        vault.secrets().refresh().map_err(VaultError::from)?;
        if !vault.secrets().is_locked() {
            return Ok(());
        }
        let (state, key) = self.check_password(password, now)?;
        // Parameters below today's (a lock made by an older Tock) are raised now that the password is at
        // hand: one atomic write of storage.json, the vault key unchanged.
        if state
            .lock
            .as_ref()
            .is_some_and(|w| w.params != KdfParams::DEFAULT)
        {
            let _ = self.rewrap(&key, password);
        }
        vault.secrets().set_key(key);
        Ok(())
    }

    /// Wraps the vault key under `password` with today's parameters (a new salt and nonce) in storage.json.
    fn rewrap(&self, key: &VaultKey, password: &str) -> Result<()> {
        let dir = self.dir()?;
        let wrapped = new_wrap(key, password)?;
        let _hold = storage::StorageLock::shared(dir);
        let mut state = StorageState::load(dir).map_err(VaultError::from)?;
        state.lock = Some(wrapped);
        state.save(dir).map_err(VaultError::from)?;
        Ok(())
    }

    /// Locks: the key, every cached secret and the scans awaiting review are forgotten.
    pub fn lock_now(&self) {
        let mut inner = self.lock_alone();
        if let Ok(vault) = inner.vault_any() {
            vault.secrets().forget_key();
        }
        inner.forget();
    }

    /// Turns the lock on: a new vault key, wrapped under `password`, and every item sealed under it.
    pub fn enable_lock(
        &self,
        password: &str,
        progress: &mut dyn FnMut(ProgressStep),
    ) -> Result<()> {
        let dir = self.dir()?;
        let state = StorageState::load(dir).map_err(VaultError::from)?;
        if state.lock.is_some() {
            return Err(Error::invalid("the lock is already on"));
        }
        let key = random_key();
        let wrapped = new_wrap(&key, password)?;
        self.move_items_to(state.place.backend, Some((key, wrapped)), progress)
    }

    /// Turns the lock off: every item stored plain in the keychain again.
    pub fn disable_lock(
        &self,
        password: &str,
        now: u64,
        progress: &mut dyn FnMut(ProgressStep),
    ) -> Result<()> {
        let (state, key) = self.check_password(password, now)?;
        if state.place.backend == Backend::File {
            return Err(Error::invalid(
                "the file vault always has the lock on; move your accounts to the keychain first",
            ));
        }
        self.with_key(key);
        self.move_items_to(Backend::Keychain, None, progress)
    }

    /// Changes the lock's password: the vault key is wrapped again, nothing else changes (one atomic write).
    pub fn change_lock_password(&self, old: &str, new: &str, now: u64) -> Result<()> {
        let (_, key) = self.check_password(old, now)?;
        let _inner = self.lock_alone();
        self.rewrap(&key, new)
    }

    /// Moves the secrets to the keychain or the encrypted file. To the file with the lock off, `password` is
    /// the new lock's password; otherwise it is the lock's password (the lock stays on).
    pub fn set_storage(
        &self,
        kind: StorageKind,
        password: &str,
        now: u64,
        progress: &mut dyn FnMut(ProgressStep),
    ) -> Result<()> {
        let dir = self.dir()?;
        let state = StorageState::load(dir).map_err(VaultError::from)?;
        let backend = Backend::from(kind);
        if state.place.backend == backend {
            return Err(Error::invalid(match kind {
                StorageKind::File => "the secrets are already in the encrypted file",
                StorageKind::Keychain => "the secrets are already in the keychain",
            }));
        }
        let lock = match &state.lock {
            None => {
                let key = random_key();
                let wrapped = new_wrap(&key, password)?;
                (key, wrapped)
            }
            Some(wrapped) => {
                let (_, key) = self.check_password(password, now)?;
                self.with_key(key.clone());
                (key, wrapped.clone())
            }
        };
        self.move_items_to(backend, Some(lock), progress)
    }

    fn with_key(&self, key: VaultKey) {
        let mut inner = self.lock_alone();
        if let Ok(vault) = inner.vault_any() {
            vault.secrets().set_key(key);
        }
    }

    fn move_items_to(
        &self,
        backend: Backend,
        lock: Option<(VaultKey, WrappedKey)>,
        progress: &mut dyn FnMut(ProgressStep),
    ) -> Result<()> {
        let dir = self.dir()?.to_owned();
        let mut inner = self.lock_alone();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        let vault_id = vault.doc().vault_id.clone();
        let doc = tock_store::FileDoc::new(dir.join(tock_store::VAULT_FILE));
        let mut ids = || -> std::result::Result<Vec<AccountId>, tock_core::vault::StoreError> {
            let text = tock_core::vault::DocStore::load(&doc)?;
            Ok(match text {
                None => Vec::new(),
                Some(t) => tock_core::VaultDoc::from_json(&t)
                    .map_err(|e| tock_core::vault::StoreError(e.to_string()))?
                    .accounts
                    .into_iter()
                    .map(|a| a.id)
                    .collect(),
            })
        };
        storage::move_items(
            &dir,
            &vault_id,
            vault.secrets(),
            MoveTo { backend, lock },
            &mut ids,
            &mut |done, total| {
                progress(ProgressStep {
                    done: done as u32,
                    total: total as u32,
                })
            },
        )
        .map_err(VaultError::from)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_and_a_clock_set_back_cannot_stretch_it() {
        let a = Attempts {
            failures: 3,
            last_failure_at: 1000,
        };
        assert_eq!(a.wait_left(1000), 4);
        assert_eq!(a.wait_left(1003), 1);
        assert_eq!(a.wait_left(1004), 0);
        assert_eq!(
            a.wait_left(10),
            4,
            "a clock set back waits one full wait at most"
        );
        assert_eq!(Attempts::default().wait_left(5), 0);
    }

    /// The whole lock on the file vault (no keychain needed): the keychain paths run against the real
    /// Secret Service in src-tauri/tests/lock.rs.
    #[test]
    fn the_file_vault_locks_unlocks_and_counts_wrong_passwords() {
        let dir = tempfile::tempdir().unwrap();
        // A vault document with no accounts yet; the file vault needs no keychain.
        let session = Session::open(dir.path());
        let mut steps = Vec::new();
        session
            .set_storage(StorageKind::File, "hunter22", 100, &mut |s| steps.push(s))
            .unwrap();
        let status = session.lock_status(100).unwrap();
        assert!(status.enabled && !status.locked);
        assert_eq!(status.storage, StorageKind::File);
        session.lock_now();
        assert!(session.lock_status(100).unwrap().locked);
        assert_eq!(session.doc().unwrap_err().code, ErrorCode::Locked);

        let err = session.unlock("wrong", 100).unwrap_err();
        assert_eq!(err.code, ErrorCode::WrongPassword);
        assert!(
            err.message.contains("try again in 1 second"),
            "{}",
            err.message
        );
        let err = session.unlock("hunter22", 100).unwrap_err();
        assert_eq!(err.code, ErrorCode::Wait, "{}", err.message);
        // Remembered by a fresh session (a restart).
        let again = Session::open(dir.path());
        assert_eq!(again.lock_status(100).unwrap().wait_seconds, 1);
        again.unlock("hunter22", 101).unwrap();
        assert!(!again.lock_status(101).unwrap().locked);
        assert_eq!(again.lock_status(101).unwrap().failures, 0);
        assert!(again.doc().is_ok());

        again
            .change_lock_password("hunter22", "new one", 102)
            .unwrap();
        let third = Session::open(dir.path());
        assert_eq!(
            third.unlock("hunter22", 103).unwrap_err().code,
            ErrorCode::WrongPassword
        );
        third.unlock("new one", 105).unwrap();
        // A lock written with older, weaker parameters is raised to today's at the next unlock.
        let mut state = StorageState::load(dir.path()).unwrap();
        let key = lock::unwrap(state.lock.as_ref().unwrap(), "new one").unwrap();
        let weak = KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1,
        };
        state.lock = Some(lock::wrap(&key, "new one", weak, [1; 16], [2; 24]));
        state.save(dir.path()).unwrap();
        let fourth = Session::open(dir.path());
        fourth.unlock("new one", 107).unwrap();
        let raised = StorageState::load(dir.path()).unwrap().lock.unwrap();
        assert_eq!(raised.params, KdfParams::DEFAULT);
        assert_ne!(raised.salt, state.lock.unwrap().salt, "a new salt");
        assert!(fourth.doc().is_ok());
        let err = third.disable_lock("new one", 106, &mut |_| {}).unwrap_err();
        assert!(
            err.message.contains("always has the lock on"),
            "{}",
            err.message
        );
    }
}
