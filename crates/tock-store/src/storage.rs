//! Where a vault's items live and how they are protected: `storage.json` in the data folder, the
//! [`Secrets`] store that seals and opens items under the vault key, and the crash-safe moves between
//! places (turning the lock on or off, moving between the keychain and the file).
//!
//! A *place* is a backend (the keychain, or a file) and a generation. Generation 0 is the keychain's original
//! naming (`<vault id>/<account id>`); generation N > 0 names items `<vault id>.N/<account id>` in the keychain,
//! or is the file `secrets-N.json`. A move never rewrites items in place: it writes every item at a new
//! place, then commits by replacing `storage.json` atomically (the one step that decides which place is in
//! force), then deletes the old items. A crash before the commit leaves the old place in force and the new
//! items listed as `pending`; after it, the new place in force and the old items listed as `stale`; either
//! list is deleted at the next open. So a move killed at any point loses nothing, and no plain item outlives
//! the next start.
//!
//! Concurrency: a move holds `storage.lock` exclusively; every operation of a session holds it shared
//! ([`StorageLock`]), so no account can be added in the middle of a move and missed by it.
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tock_core::lock::{self, VaultKey, WrappedKey};
use tock_core::vault::{SecretStore, StoreError};
use tock_core::{AccountId, Secret};

use crate::file_items::{file_of, FileItems};
use crate::KeyringSecrets;

/// The file that says where the items are.
pub const STORAGE_FILE: &str = "storage.json";
/// The file whose lock keeps moves and other operations apart.
pub const LOCK_FILE: &str = "storage.lock";
/// The vault-wide items every move carries over (see [`SecretStore::put_extra`]).
pub const EXTRA_NAMES: &[&str] = &["backup-password"];

/// The message of every operation refused while the vault is locked.
pub const LOCKED: &str = "Tock is locked; unlock it with your password first";

/// Where items are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// The OS keychain.
    Keychain,
    /// An encrypted file in the data folder.
    File,
}

/// A backend and a generation of item names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Place {
    /// Keychain or file.
    pub backend: Backend,
    /// Which generation of names (0: the original keychain names).
    pub generation: u32,
}

/// `storage.json`: the place in force, the wrapped vault key when the lock is on, and the leftovers of a move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageState {
    /// Format version (1).
    pub version: u32,
    /// Where the items are.
    pub place: Place,
    /// The vault key wrapped under the password; `None`: the lock is off and items are plain.
    pub lock: Option<WrappedKey>,
    /// Items of a move that did not finish: deleted at the next open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Place>,
    /// Items of the place before the last move: deleted at the next open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Place>,
}

impl Default for StorageState {
    fn default() -> Self {
        StorageState {
            version: 1,
            place: Place {
                backend: Backend::Keychain,
                generation: 0,
            },
            lock: None,
            pending: None,
            stale: None,
        }
    }
}

impl StorageState {
    /// The state in `data_dir` (the default, keychain without lock, when there is no file).
    pub fn load(data_dir: &Path) -> Result<Self, StoreError> {
        let path = data_dir.join(STORAGE_FILE);
        let damaged = || {
            StoreError(format!(
                "{} is damaged; restore the data folder from a backup",
                path.display()
            ))
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(e) => {
                return Err(StoreError(format!(
                    "{} could not be read ({e}); check its permissions",
                    path.display()
                )))
            }
        };
        let state: StorageState = serde_json::from_str(&text).map_err(|_| damaged())?;
        if state.version != 1 {
            return Err(StoreError(format!(
                "{} was written by a newer Tock; update Tock to open this vault",
                path.display()
            )));
        }
        if state.place.backend == Backend::File && state.lock.is_none() {
            return Err(damaged());
        }
        Ok(state)
    }

    /// Replaces `storage.json` atomically.
    pub fn save(&self, data_dir: &Path) -> Result<(), StoreError> {
        let path = data_dir.join(STORAGE_FILE);
        let text = serde_json::to_string_pretty(self).expect("the state always serialises");
        crate::write_atomically(&path, text.as_bytes()).map_err(|e| {
            StoreError(format!(
                "{} could not be written ({e}); check free space and permissions",
                path.display()
            ))
        })
    }

    fn highest_generation(&self) -> u32 {
        [Some(self.place), self.pending, self.stale]
            .into_iter()
            .flatten()
            .map(|p| p.generation)
            .max()
            .unwrap_or(0)
    }
}

/// A hold on `storage.lock`: shared for ordinary operations, exclusive for a move. Released on drop.
pub struct StorageLock(#[allow(dead_code)] Option<File>);

impl StorageLock {
    /// A shared hold, waiting for a move to finish. Nothing is held (and nothing created) when the data
    /// folder does not exist yet: there is then no move to wait for.
    pub fn shared(data_dir: &Path) -> Self {
        if !data_dir.is_dir() {
            return StorageLock(None);
        }
        let file = lock_file(data_dir).ok();
        if let Some(f) = &file {
            let _ = f.lock_shared();
        }
        StorageLock(file)
    }

    /// An exclusive hold, or `None` when another process holds it (a move or an operation under way).
    fn try_exclusive(data_dir: &Path) -> Result<Option<Self>, StoreError> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            StoreError(format!(
                "the data folder {} could not be created ({e})",
                data_dir.display()
            ))
        })?;
        let file = lock_file(data_dir).map_err(|e| {
            StoreError(format!(
                "{} could not be opened ({e})",
                data_dir.join(LOCK_FILE).display()
            ))
        })?;
        match file.try_lock() {
            Ok(()) => Ok(Some(StorageLock(Some(file)))),
            Err(std::fs::TryLockError::WouldBlock) => Ok(None),
            Err(std::fs::TryLockError::Error(e)) => Err(StoreError(format!(
                "{} could not be locked ({e})",
                data_dir.join(LOCK_FILE).display()
            ))),
        }
    }
}

fn lock_file(data_dir: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(data_dir.join(LOCK_FILE))
}

/// The plain items of one place.
enum Raw {
    Keychain(KeyringSecrets),
    File(FileItems),
}

impl Raw {
    fn of(data_dir: &Path, place: Place) -> Self {
        match place.backend {
            Backend::Keychain => Raw::Keychain(KeyringSecrets),
            Backend::File => Raw::File(FileItems::new(file_of(data_dir, place.generation))),
        }
    }

    fn store(&self) -> &dyn SecretStore {
        match self {
            Raw::Keychain(k) => k,
            Raw::File(f) => f,
        }
    }
}

struct Current {
    place: Place,
    raw: Raw,
    sealed: bool,
    key: Option<VaultKey>,
}

/// The vault's items at the place in force: sealed under the vault key when the lock is on, plain otherwise.
/// Follows `storage.json` ([`Secrets::refresh`]), so a move made by another process is seen at the next
/// operation; while the lock is on and no key is given, every call fails with [`LOCKED`].
pub struct Secrets {
    data_dir: PathBuf,
    current: Mutex<Current>,
}

impl Secrets {
    /// The items of the vault in `data_dir`, at the place `state` names (locked if the lock is on).
    pub fn new(data_dir: &Path, state: &StorageState) -> Self {
        Secrets {
            data_dir: data_dir.to_owned(),
            current: Mutex::new(Current {
                place: state.place,
                raw: Raw::of(data_dir, state.place),
                sealed: state.lock.is_some(),
                key: None,
            }),
        }
    }

    fn current(&self) -> std::sync::MutexGuard<'_, Current> {
        self.current.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Re-reads `storage.json`; when the place or the lock changed (a move by another process), the key is
    /// forgotten if it no longer fits. Returns the state read.
    pub fn reload_state(&self) -> Result<StorageState, StoreError> {
        let state = StorageState::load(&self.data_dir)?;
        let mut current = self.current();
        if current.place != state.place || current.sealed != state.lock.is_some() {
            let key = current.key.take();
            *current = Current {
                place: state.place,
                raw: Raw::of(&self.data_dir, state.place),
                sealed: state.lock.is_some(),
                // A key stays valid across moves that keep the lock on (the vault key is kept).
                key: if state.lock.is_some() { key } else { None },
            };
        }
        Ok(state)
    }

    /// Holds the vault key (after the password unwrapped it).
    pub fn set_key(&self, key: VaultKey) {
        self.current().key = Some(key);
    }

    /// Forgets the vault key (locking).
    pub fn forget_key(&self) {
        self.current().key = None;
    }

    /// The key held, for a move that keeps it.
    pub fn key(&self) -> Option<VaultKey> {
        self.current().key.clone()
    }

    fn with<T>(
        &self,
        vault_id: &str,
        f: impl FnOnce(&dyn SecretStore, &str, Option<&VaultKey>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let c = self.current();
        if c.sealed && c.key.is_none() {
            return Err(StoreError(LOCKED.into()));
        }
        let scope = scope(vault_id, c.place.generation);
        f(
            c.raw.store(),
            &scope,
            if c.sealed { c.key.as_ref() } else { None },
        )
    }
}

/// The vault id items of a generation are filed under.
fn scope(vault_id: &str, generation: u32) -> String {
    if generation == 0 {
        vault_id.to_owned()
    } else {
        format!("{vault_id}.{generation}")
    }
}

fn seal(key: Option<&VaultKey>, vault_id: &str, kind: &str, item: &str, plain: &Secret) -> Secret {
    match key {
        None => plain.clone(),
        Some(key) => Secret::from_bytes(lock::seal(
            key,
            crate::random_bytes::<24>(),
            vault_id,
            kind,
            item,
            plain.as_bytes(),
        )),
    }
}

fn unseal(
    key: Option<&VaultKey>,
    vault_id: &str,
    kind: &str,
    item: &str,
    stored: Option<Secret>,
) -> Result<Option<Secret>, StoreError> {
    match (key, stored) {
        (_, None) => Ok(None),
        (None, Some(plain)) => Ok(Some(plain)),
        (Some(key), Some(sealed)) => lock::open(key, vault_id, kind, item, sealed.as_bytes())
            .map(|plain| Some(Secret::from_bytes(plain.to_vec())))
            .map_err(|_| {
                StoreError(
                    "a stored item of Tock is damaged or was changed outside Tock; restore it from a backup"
                        .into(),
                )
            }),
    }
}

const SECRET: &str = "secret";
const CODES: &str = "codes";
const EXTRA: &str = "extra";

impl SecretStore for Secrets {
    /// Items are sealed and no key is held.
    fn is_locked(&self) -> bool {
        let c = self.current();
        c.sealed && c.key.is_none()
    }
    fn refresh(&self) -> Result<(), StoreError> {
        self.reload_state().map(|_| ())
    }
    fn put(
        &self,
        vault_id: &str,
        id: &AccountId,
        label: &str,
        secret: &Secret,
    ) -> Result<(), StoreError> {
        self.with(vault_id, |raw, scope, key| {
            raw.put(
                scope,
                id,
                label,
                &seal(key, vault_id, SECRET, id.as_str(), secret),
            )
        })
    }
    fn get(&self, vault_id: &str, id: &AccountId) -> Result<Option<Secret>, StoreError> {
        self.with(vault_id, |raw, scope, key| {
            unseal(key, vault_id, SECRET, id.as_str(), raw.get(scope, id)?)
        })
    }
    fn delete(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
        self.with(vault_id, |raw, scope, _| raw.delete(scope, id))
    }
    fn put_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
        label: &str,
        codes: &Secret,
    ) -> Result<(), StoreError> {
        self.with(vault_id, |raw, scope, key| {
            raw.put_backup_codes(
                scope,
                id,
                label,
                &seal(key, vault_id, CODES, id.as_str(), codes),
            )
        })
    }
    fn get_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
    ) -> Result<Option<Secret>, StoreError> {
        self.with(vault_id, |raw, scope, key| {
            unseal(
                key,
                vault_id,
                CODES,
                id.as_str(),
                raw.get_backup_codes(scope, id)?,
            )
        })
    }
    fn delete_backup_codes(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
        self.with(vault_id, |raw, scope, _| raw.delete_backup_codes(scope, id))
    }
    fn put_extra(&self, vault_id: &str, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.with(vault_id, |raw, scope, key| {
            raw.put_extra(scope, name, &seal(key, vault_id, EXTRA, name, value))
        })
    }
    fn get_extra(&self, vault_id: &str, name: &str) -> Result<Option<Secret>, StoreError> {
        self.with(vault_id, |raw, scope, key| {
            unseal(key, vault_id, EXTRA, name, raw.get_extra(scope, name)?)
        })
    }
    fn delete_extra(&self, vault_id: &str, name: &str) -> Result<(), StoreError> {
        self.with(vault_id, |raw, scope, _| raw.delete_extra(scope, name))
    }
    fn get_many(
        &self,
        vault_id: &str,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountId, Secret)>, StoreError> {
        self.with(vault_id, |raw, scope, key| {
            let mut found = Vec::with_capacity(ids.len());
            for (id, stored) in raw.get_many(scope, ids)? {
                if let Some(plain) = unseal(key, vault_id, SECRET, id.as_str(), Some(stored))? {
                    found.push((id, plain));
                }
            }
            Ok(found)
        })
    }
}

/// Deletes every item of `place` for these accounts (and the vault-wide items), or the whole file.
fn delete_place(
    data_dir: &Path,
    vault_id: &str,
    place: Place,
    ids: &[AccountId],
) -> Result<(), StoreError> {
    match place.backend {
        Backend::File => match std::fs::remove_file(file_of(data_dir, place.generation)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError(format!(
                "an old secrets file could not be deleted ({e})"
            ))),
        },
        Backend::Keychain => {
            let raw = KeyringSecrets;
            let scope = scope(vault_id, place.generation);
            for id in ids {
                raw.delete_backup_codes(&scope, id)?;
                raw.delete(&scope, id)?;
            }
            for name in EXTRA_NAMES {
                raw.delete_extra(&scope, name)?;
            }
            Ok(())
        }
    }
}

/// Deletes what an interrupted or finished move left (`pending`, `stale`), when no other process is moving.
/// A failure (say, the keychain is not reachable) keeps the leftovers listed for the next try.
pub fn tidy(data_dir: &Path, vault_id: &str, ids: &[AccountId]) -> Result<(), StoreError> {
    let state = StorageState::load(data_dir)?;
    if state.pending.is_none() && state.stale.is_none() {
        return Ok(());
    }
    let Some(_hold) = StorageLock::try_exclusive(data_dir)? else {
        return Ok(()); // a move is under way in another process: it tidies up itself
    };
    let mut state = StorageState::load(data_dir)?;
    for leftover in [state.pending.take(), state.stale.take()]
        .into_iter()
        .flatten()
    {
        if leftover != state.place {
            delete_place(data_dir, vault_id, leftover, ids)?;
        }
    }
    state.save(data_dir)
}

/// Where a move goes and how the items are protected there.
pub struct MoveTo {
    /// The backend.
    pub backend: Backend,
    /// The vault key the items are sealed under there, and its wrapped form for `storage.json`; `None`: plain.
    pub lock: Option<(VaultKey, WrappedKey)>,
}

/// Moves every item of the vault (each account's secret and backup codes, the vault-wide items) to a new
/// place, as the module's documentation describes. `ids` gives the accounts (it is asked again before the
/// commit, in case one was added meanwhile). `progress(done, total)` is called after each account.
pub fn move_items(
    data_dir: &Path,
    vault_id: &str,
    from: &Secrets,
    to: MoveTo,
    ids: &mut dyn FnMut() -> Result<Vec<AccountId>, StoreError>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(), StoreError> {
    let Some(_hold) = StorageLock::try_exclusive(data_dir)? else {
        return Err(StoreError(
            "another Tock is using the vault right now; wait a moment and try again".into(),
        ));
    };
    let mut state = StorageState::load(data_dir)?;
    if to.backend == Backend::File && to.lock.is_none() {
        return Err(StoreError("the file vault needs a password".into()));
    }
    let old = state.place;
    let new = Place {
        backend: to.backend,
        generation: state.highest_generation() + 1,
    };
    state.pending = Some(new);
    state.save(data_dir)?;

    let target_state = StorageState {
        version: 1,
        place: new,
        lock: to.lock.as_ref().map(|(_, w)| w.clone()),
        pending: None,
        stale: None,
    };
    let target = Secrets::new(data_dir, &target_state);
    if let Some((key, _)) = &to.lock {
        target.set_key(key.clone());
    }
    let copy = |id: &AccountId| -> Result<(), StoreError> {
        match from.get(vault_id, id)? {
            Some(secret) => target.put(vault_id, id, "", &secret)?,
            None => target.delete(vault_id, id)?,
        }
        if let Some(codes) = from.get_backup_codes(vault_id, id)? {
            target.put_backup_codes(vault_id, id, "", &codes)?;
        }
        Ok(())
    };
    let result = (|| {
        let mut done: Vec<AccountId> = Vec::new();
        loop {
            let all = ids()?;
            let todo: Vec<AccountId> = all
                .iter()
                .filter(|id| !done.contains(id))
                .cloned()
                .collect();
            if todo.is_empty() {
                break;
            }
            for id in todo {
                copy(&id)?;
                done.push(id);
                progress(done.len(), all.len().max(done.len()));
            }
        }
        for name in EXTRA_NAMES {
            match from.get_extra(vault_id, name) {
                Ok(Some(value)) => target.put_extra(vault_id, name, &value)?,
                Ok(None) => {}
                // A vault without accounts may move out of an unreachable keychain (the reason for the file
                // vault): there is nothing of value to carry.
                Err(_) if done.is_empty() => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    })();
    let done = match result {
        Ok(done) => done,
        Err(e) => {
            // Nothing was committed: the old place stays in force; the new items go now, or at the next open.
            let ids = ids().unwrap_or_default();
            if delete_place(data_dir, vault_id, new, &ids).is_ok() {
                state.pending = None;
                let _ = state.save(data_dir);
            }
            return Err(e);
        }
    };
    // The commit.
    let committed = StorageState {
        stale: Some(old),
        ..target_state
    };
    committed.save(data_dir)?;
    from.reload_state()?;
    if let Some((key, _)) = to.lock {
        from.set_key(key);
    }
    if delete_place(data_dir, vault_id, old, &done).is_ok() {
        let finished = StorageState {
            stale: None,
            ..committed
        };
        finished.save(data_dir)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_state_is_the_keychain_without_lock_and_a_file_vault_needs_a_lock() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            StorageState::load(dir.path()).unwrap(),
            StorageState::default()
        );
        let mut state = StorageState::default();
        state.place.backend = Backend::File;
        state.save(dir.path()).unwrap();
        let err = StorageState::load(dir.path()).unwrap_err();
        assert!(err.0.contains("damaged"), "{err}");
        std::fs::write(
            dir.path().join(STORAGE_FILE),
            r#"{"version":2,"place":{"backend":"keychain","generation":0},"lock":null}"#,
        )
        .unwrap();
        assert!(StorageState::load(dir.path())
            .unwrap_err()
            .0
            .contains("newer Tock"));
    }

    fn key() -> (VaultKey, WrappedKey) {
        let key = VaultKey::from_bytes([5; 32]);
        let params = lock::KdfParams {
            m_kib: 8 * 1024,
            t: 1,
            p: 1,
        };
        let wrapped = lock::wrap(&key, "pw", params, [1; 16], [2; 24]);
        (key, wrapped)
    }

    /// File-to-file moves (the keychain is tested against the real Secret Service in src-tauri/tests/lock.rs).
    #[test]
    fn a_move_between_file_places_keeps_every_item_sealed_and_removes_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let (k, w) = key();
        let state = StorageState {
            place: Place {
                backend: Backend::File,
                generation: 1,
            },
            lock: Some(w.clone()),
            ..StorageState::default()
        };
        state.save(dir.path()).unwrap();
        let secrets = Secrets::new(dir.path(), &state);
        let id = AccountId::from_random([3; 8]);
        assert_eq!(
            secrets
                .put("v", &id, "", &Secret::from_bytes(b"secret!".to_vec()))
                .unwrap_err()
                .0,
            LOCKED
        );
        secrets.set_key(k.clone());
        secrets
            .put("v", &id, "", &Secret::from_bytes(b"secret!".to_vec()))
            .unwrap();
        secrets
            .put_backup_codes("v", &id, "", &Secret::from_bytes(b"codes!".to_vec()))
            .unwrap();
        secrets
            .put_extra("v", "backup-password", &Secret::from_bytes(b"bpw".to_vec()))
            .unwrap();
        let on_disk = std::fs::read_to_string(file_of(dir.path(), 1)).unwrap();
        for plain in ["secret!", "codes!", "bpw"] {
            assert!(
                !on_disk.contains(&data_encoding::BASE64.encode(plain.as_bytes())),
                "{on_disk}"
            );
        }

        let mut seen = Vec::new();
        move_items(
            dir.path(),
            "v",
            &secrets,
            MoveTo {
                backend: Backend::File,
                lock: Some((k.clone(), w)),
            },
            &mut || Ok(vec![id.clone()]),
            &mut |done, total| seen.push((done, total)),
        )
        .unwrap();
        assert_eq!(seen, [(1, 1)]);
        let state = StorageState::load(dir.path()).unwrap();
        assert_eq!(
            state.place,
            Place {
                backend: Backend::File,
                generation: 2
            }
        );
        assert_eq!((state.pending, state.stale), (None, None));
        assert!(!file_of(dir.path(), 1).exists());
        assert_eq!(
            secrets.get("v", &id).unwrap().unwrap().as_bytes(),
            b"secret!"
        );
        assert_eq!(
            secrets
                .get_backup_codes("v", &id)
                .unwrap()
                .unwrap()
                .as_bytes(),
            b"codes!"
        );
        assert_eq!(
            secrets
                .get_extra("v", "backup-password")
                .unwrap()
                .unwrap()
                .as_bytes(),
            b"bpw"
        );

        // Another session that has not refreshed still points at generation 1; refresh moves it on.
        let other = Secrets::new(
            dir.path(),
            &StorageState {
                place: Place {
                    backend: Backend::File,
                    generation: 1,
                },
                ..state.clone()
            },
        );
        other.set_key(k);
        assert_eq!(other.get("v", &id).unwrap(), None);
        other.reload_state().unwrap();
        assert!(other.get("v", &id).unwrap().is_some());
    }

    #[test]
    fn leftovers_of_an_interrupted_move_are_deleted_at_the_next_tidy() {
        let dir = tempfile::tempdir().unwrap();
        let (_, w) = key();
        let state = StorageState {
            place: Place {
                backend: Backend::File,
                generation: 1,
            },
            lock: Some(w),
            pending: Some(Place {
                backend: Backend::File,
                generation: 2,
            }),
            stale: None,
            version: 1,
        };
        state.save(dir.path()).unwrap();
        std::fs::write(file_of(dir.path(), 1), "{}").unwrap();
        std::fs::write(file_of(dir.path(), 2), "{}").unwrap();
        tidy(dir.path(), "v", &[]).unwrap();
        assert!(
            file_of(dir.path(), 1).exists(),
            "the place in force is kept"
        );
        assert!(
            !file_of(dir.path(), 2).exists(),
            "the unfinished move's file is gone"
        );
        assert_eq!(StorageState::load(dir.path()).unwrap().pending, None);
    }

    #[test]
    fn a_move_is_refused_while_another_process_holds_the_lock_file() {
        let dir = tempfile::tempdir().unwrap();
        let held = lock_file(dir.path()).unwrap();
        held.lock_shared().unwrap();
        let (k, w) = key();
        let secrets = Secrets::new(dir.path(), &StorageState::default());
        let err = move_items(
            dir.path(),
            "v",
            &secrets,
            MoveTo {
                backend: Backend::File,
                lock: Some((k, w)),
            },
            &mut || Ok(vec![]),
            &mut |_, _| {},
        )
        .unwrap_err();
        assert!(err.0.contains("another Tock"), "{err}");
    }
}
