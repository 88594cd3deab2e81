//! The open vault and the secrets read from the keychain, behind one lock: what every face works on.
//!
//! The window keeps one [`Session`] for as long as it runs; the CLI opens one per command. Before every
//! operation the vault document is read again from its file, so the CLI and the window can be used side by
//! side. Secrets read once are cached (as [`Secret`], zeroized when dropped) and forgotten when their account
//! goes.
//!
//! With the app lock on, the vault's store is sealed: until [`Session::unlock`] every operation fails with
//! [`crate::ErrorCode::Locked`], and locking forgets the key, the cached secrets and the scans awaiting review.
//! Each operation holds `storage.lock` shared, so a move of the items by another process (turning the lock
//! on, say) happens between operations, never inside one.
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use tock_core::vault::{DocStore, SecretStore, Vault, VaultError};
use tock_core::{AccountId, Secret, VaultDoc};
use tock_store::storage::StorageLock;
use tock_store::{FileDoc, Secrets};

use crate::enrol::Pending;
use crate::{Error, Result};

/// A vault (or why it could not be opened), its cached secrets and the scanned accounts awaiting review.
/// The default stores are the place `storage.json` names (the OS keychain, or the encrypted file) and the
/// vault file; unit tests use in-memory ones.
pub struct Session<S: SecretStore = Secrets, D: DocStore = FileDoc> {
    inner: Mutex<Inner<S, D>>,
    /// The data folder, where copies of secrets or codes are never written (`None` for in-memory vaults).
    data_dir: Option<PathBuf>,
}

pub(crate) struct Inner<S: SecretStore, D: DocStore> {
    vault: std::result::Result<Vault<S, D>, Error>,
    pub(crate) secrets: HashMap<AccountId, Secret>,
    pub(crate) pending: Pending,
}

impl Session {
    /// Opens the vault in `data_dir`; a failure is kept and returned by every operation. Secrets are read
    /// when first needed, or ahead of time by [`Session::preload`].
    pub fn open(data_dir: &Path) -> Self {
        Session {
            inner: Mutex::new(Inner::new(
                tock_store::open_vault(data_dir).map_err(Error::from),
            )),
            data_dir: Some(data_dir.to_owned()),
        }
    }
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// A session on a vault already opened (in-memory stores in tests).
    pub fn from_vault(vault: Vault<S, D>) -> Self {
        Session {
            inner: Mutex::new(Inner::new(Ok(vault))),
            data_dir: None,
        }
    }

    /// The data folder of the vault, if it lives in one.
    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Reads the secrets from the keychain ahead of the first snapshot (the window does it on a thread of its
    /// own at start-up, so the keychain and the webview start in parallel). A keychain problem is reported
    /// by the operation that needs the secrets.
    pub fn preload(&self) {
        let _ = self.lock().load_secrets();
    }

    /// The session for one operation: its mutex, and `storage.lock` held shared.
    pub(crate) fn lock(&self) -> Held<'_, S, D> {
        let storage = self.data_dir.as_deref().map(StorageLock::shared);
        Held {
            inner: self.lock_alone(),
            _storage: storage,
        }
    }

    /// The session's mutex without `storage.lock` (for the moves, which take it exclusively).
    pub(crate) fn lock_alone(&self) -> MutexGuard<'_, Inner<S, D>> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `f` on the vault, re-read from its file first.
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut Vault<S, D>) -> Result<T>) -> Result<T> {
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        f(vault)
    }

    /// The vault document (every account, no secret), re-read from its file.
    pub fn doc(&self) -> Result<VaultDoc> {
        self.with_vault(|vault| Ok(vault.doc().clone()))
    }

    /// The account an id or a search names: an exact id, or text that matches exactly one account's issuer
    /// or name.
    pub fn find(&self, query: &str) -> Result<AccountId> {
        self.with_vault(|vault| Ok(vault.find(query)?.id.clone()))
    }
}

/// The session held for one operation (see [`Session::lock`]).
pub(crate) struct Held<'a, S: SecretStore, D: DocStore> {
    inner: MutexGuard<'a, Inner<S, D>>,
    _storage: Option<StorageLock>,
}

impl<S: SecretStore, D: DocStore> std::ops::Deref for Held<'_, S, D> {
    type Target = Inner<S, D>;
    fn deref(&self) -> &Inner<S, D> {
        &self.inner
    }
}

impl<S: SecretStore, D: DocStore> std::ops::DerefMut for Held<'_, S, D> {
    fn deref_mut(&mut self) -> &mut Inner<S, D> {
        &mut self.inner
    }
}

impl<S: SecretStore, D: DocStore> Inner<S, D> {
    fn new(vault: std::result::Result<Vault<S, D>, Error>) -> Self {
        Inner {
            vault,
            secrets: HashMap::new(),
            pending: Pending::default(),
        }
    }

    /// Follows a move made elsewhere and refuses while locked.
    fn unlocked(&self) -> Result<&Vault<S, D>> {
        let vault = self.vault.as_ref().map_err(Clone::clone)?;
        vault.secrets().refresh().map_err(VaultError::from)?;
        if vault.secrets().is_locked() {
            return Err(Error::locked());
        }
        Ok(vault)
    }

    /// [`Inner::unlocked`]; a lock noticed here (turned on by another process) also forgets the cached
    /// secrets and the scans awaiting review.
    fn check_unlocked(&mut self) -> Result<()> {
        let result = self.unlocked().map(|_| ());
        if matches!(&result, Err(e) if e.code == crate::ErrorCode::Locked) {
            self.forget();
        }
        result
    }

    /// Forgets every secret held: the cache and the scans awaiting review.
    pub(crate) fn forget(&mut self) {
        self.secrets.clear();
        self.pending = Pending::default();
    }

    pub(crate) fn vault_ref(&self) -> Result<&Vault<S, D>> {
        self.unlocked()
    }

    pub(crate) fn vault_mut(&mut self) -> Result<&mut Vault<S, D>> {
        self.check_unlocked()?;
        self.vault.as_mut().map_err(|e| e.clone())
    }

    /// The vault whether locked or not (for the lock's own operations).
    pub(crate) fn vault_any(&mut self) -> Result<&mut Vault<S, D>> {
        self.vault.as_mut().map_err(|e| e.clone())
    }

    /// The vault and the secret cache, borrowed apart.
    pub(crate) fn parts(
        &mut self,
    ) -> Result<(
        &mut Vault<S, D>,
        &mut HashMap<AccountId, Secret>,
        &mut Pending,
    )> {
        self.check_unlocked()?;
        let vault = self.vault.as_mut().map_err(|e| e.clone())?;
        Ok((vault, &mut self.secrets, &mut self.pending))
    }

    /// Reads from the keychain the secrets not yet cached (after start-up or a change by the CLI), and forgets
    /// those of accounts that are gone.
    pub(crate) fn load_secrets(&mut self) -> Result<()> {
        let (vault, secrets, _) = self.parts()?;
        vault.reload()?;
        let missing: Vec<AccountId> = vault
            .doc()
            .accounts
            .iter()
            .map(|a| a.id.clone())
            .filter(|id| !secrets.contains_key(id))
            .collect();
        // Missing items become rows without a code; `tock code` names the account and what to do.
        for (id, secret) in vault.secrets_of(&missing)? {
            secrets.insert(id, secret);
        }
        let known: HashSet<&AccountId> = vault.doc().accounts.iter().map(|a| &a.id).collect();
        secrets.retain(|id, _| known.contains(id));
        Ok(())
    }
}

/// An account id from the UI; an id that cannot be one names an account that no longer exists.
pub fn parse_id(id: &str) -> Result<AccountId> {
    AccountId::parse(id).ok_or_else(Error::gone)
}
