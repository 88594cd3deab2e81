//! Tock's storage: secrets in the OS keychain through the `keyring` crate, the vault document (everything
//! but secrets) in a JSON file written atomically.
//!
//! Keychain items: service `tock`, user `<vault id>/<account id>`, one small item per account (so 1,000
//! accounts fit Windows' 2,560-byte limit per credential, and vaults in different data dirs never collide).
//! An account's backup codes are a second item, service `tock-backup-codes`, same user.
//!
//! [`storage`] decides where the items are (the keychain or an encrypted file, which generation of names) and
//! seals them under the vault key when the app lock is on; [`KeyringSecrets`] and [`FileItems`] only keep
//! the bytes they are given.
#![deny(missing_docs)]

mod file_items;
pub mod storage;

pub use file_items::FileItems;
pub use storage::{Backend, Secrets, StorageState};

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use tock_core::vault::{DocStore, SecretStore, StoreError, Vault, VaultError};
use tock_core::{AccountId, Secret};

/// The keychain service name of every Tock item.
pub const KEYCHAIN_SERVICE: &str = "tock";

/// The keychain service name of backup-code items (user `<vault id>/<account id>` as for secrets): a service
/// of its own, so these items never collide with an account's secret and the bulk read of secrets never
/// sees them.
pub const BACKUP_CODES_SERVICE: &str = "tock-backup-codes";

/// The keychain service name of vault-wide items that belong to no account (user `<vault id>/<name>`), such as
/// the automatic backups' password.
pub const EXTRA_SERVICE: &str = "tock-extra";

/// The file name of the vault document inside the data dir.
pub const VAULT_FILE: &str = "vault.json";

/// A vault backed by the place `storage.json` names (the OS keychain by default) and a file.
pub type DiskVault = Vault<Secrets, FileDoc>;

/// Opens the vault in `data_dir` (created on the first change), locked if the app lock is on. What an
/// interrupted move left behind is deleted first (see [`storage`]).
pub fn open_vault(data_dir: &Path) -> Result<DiskVault, VaultError> {
    let file = FileDoc::new(data_dir.join(VAULT_FILE));
    let state = StorageState::load(data_dir)?;
    let vault = Vault::open(Secrets::new(data_dir, &state), file, random_hex::<16>)?;
    if state.pending.is_some() || state.stale.is_some() {
        let ids: Vec<AccountId> = vault.doc().accounts.iter().map(|a| a.id.clone()).collect();
        // A failure (the keychain not reachable) keeps the leftovers listed for the next open.
        let _ = storage::tidy(data_dir, &vault.doc().vault_id, &ids);
    }
    Ok(vault)
}

/// The data dir: the override if given (from `--data-dir` or `TOCK_DATA_DIR`), else the platform's data
/// dir (`~/.local/share/tock` on Linux).
pub fn data_dir(overridden: Option<PathBuf>) -> Result<PathBuf, StoreError> {
    if let Some(dir) = overridden {
        return Ok(dir);
    }
    dirs::data_dir().map(|d| d.join("tock")).ok_or_else(|| {
        StoreError(
            "no data folder could be found for this user; pass --data-dir DIR or set TOCK_DATA_DIR"
                .into(),
        )
    })
}

/// Whether the OS keychain can be reached. On Linux: a Secret Service owns, or can be started for, the name
/// `org.freedesktop.secrets` on the session bus (asked over one short-lived connection). Elsewhere: a lookup
/// of an item that does not exist succeeds in saying so.
pub fn keychain_reachable() -> bool {
    #[cfg(target_os = "linux")]
    {
        secret_service_bulk::reachable()
    }
    #[cfg(not(target_os = "linux"))]
    match keyring::Entry::new(KEYCHAIN_SERVICE, "reachability-check") {
        Ok(entry) => matches!(entry.get_secret(), Ok(_) | Err(keyring::Error::NoEntry)),
        Err(_) => false,
    }
}

/// A fresh random account id.
pub fn new_account_id() -> AccountId {
    AccountId::from_random(random_bytes::<8>())
}

/// Random bytes from the OS.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS random number generator failed");
    bytes
}

fn random_hex<const N: usize>() -> String {
    random_bytes::<N>()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Secrets in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows).
pub struct KeyringSecrets;

impl KeyringSecrets {
    fn entry(vault_id: &str, id: &AccountId) -> Result<keyring::Entry, StoreError> {
        Self::entry_in(KEYCHAIN_SERVICE, vault_id, id)
    }

    fn entry_in(
        service: &str,
        vault_id: &str,
        id: &AccountId,
    ) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(service, &format!("{vault_id}/{id}")).map_err(keychain_error)
    }

    fn extra(vault_id: &str, name: &str) -> Result<keyring::Entry, StoreError> {
        keyring::Entry::new(EXTRA_SERVICE, &format!("{vault_id}/{name}")).map_err(keychain_error)
    }

    fn read(entry: keyring::Entry) -> Result<Option<Secret>, StoreError> {
        match entry.get_secret() {
            Ok(bytes) => Ok(Some(Secret::from_bytes(bytes))),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(keychain_error(e)),
        }
    }

    fn remove(entry: keyring::Entry) -> Result<(), StoreError> {
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(keychain_error(e)),
        }
    }
}

impl SecretStore for KeyringSecrets {
    fn put(
        &self,
        vault_id: &str,
        id: &AccountId,
        _label: &str,
        secret: &Secret,
    ) -> Result<(), StoreError> {
        Self::entry(vault_id, id)?
            .set_secret(secret.as_bytes())
            .map_err(keychain_error)
    }

    fn get(&self, vault_id: &str, id: &AccountId) -> Result<Option<Secret>, StoreError> {
        Self::read(Self::entry(vault_id, id)?)
    }

    fn delete(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
        Self::remove(Self::entry(vault_id, id)?)
    }

    fn put_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
        _label: &str,
        codes: &Secret,
    ) -> Result<(), StoreError> {
        Self::entry_in(BACKUP_CODES_SERVICE, vault_id, id)?
            .set_secret(codes.as_bytes())
            .map_err(keychain_error)
    }

    fn get_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
    ) -> Result<Option<Secret>, StoreError> {
        Self::read(Self::entry_in(BACKUP_CODES_SERVICE, vault_id, id)?)
    }

    fn delete_backup_codes(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
        Self::remove(Self::entry_in(BACKUP_CODES_SERVICE, vault_id, id)?)
    }

    fn put_extra(&self, vault_id: &str, name: &str, value: &Secret) -> Result<(), StoreError> {
        Self::extra(vault_id, name)?
            .set_secret(value.as_bytes())
            .map_err(keychain_error)
    }

    fn get_extra(&self, vault_id: &str, name: &str) -> Result<Option<Secret>, StoreError> {
        Self::read(Self::extra(vault_id, name)?)
    }

    fn delete_extra(&self, vault_id: &str, name: &str) -> Result<(), StoreError> {
        Self::remove(Self::extra(vault_id, name)?)
    }

    /// On Linux, one search and one GetSecrets call for the whole vault instead of a few calls per item
    /// (500 accounts: see docs/PERFORMANCE.md). Anything unusual (locked items, another Secret Service
    /// behaviour) falls back to the per-item path, which reports errors as usual.
    fn get_many(
        &self,
        vault_id: &str,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountId, Secret)>, StoreError> {
        #[cfg(target_os = "linux")]
        if let Ok(found) = secret_service_bulk::read_all(vault_id, ids) {
            return Ok(found);
        }
        tock_core::vault::get_each(self, vault_id, ids)
    }
}

/// A bulk read of Tock's items straight from the Secret Service D-Bus API.
#[cfg(target_os = "linux")]
mod secret_service_bulk {
    use std::collections::HashMap;

    use tock_core::{AccountId, Secret};
    use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
    use zbus::{Connection, Proxy};

    const DEST: &str = "org.freedesktop.secrets";

    /// Why the bulk path gave up; the caller then takes the per-item path.
    #[derive(Debug)]
    pub struct Fallback;

    impl From<zbus::Error> for Fallback {
        fn from(_: zbus::Error) -> Self {
            Fallback
        }
    }

    /// (session, parameters, value, content type) as the Secret Service returns a secret.
    type SecretStruct = (OwnedObjectPath, Vec<u8>, Vec<u8>, String);

    /// Whether `org.freedesktop.secrets` has an owner or is activatable on the session bus.
    pub fn reachable() -> bool {
        zbus::block_on(async {
            let conn = Connection::session().await?;
            let bus = Proxy::new(
                &conn,
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
            )
            .await?;
            let owned: bool = bus.call("NameHasOwner", &(DEST,)).await?;
            if owned {
                return Ok::<bool, zbus::Error>(true);
            }
            let activatable: Vec<String> = bus.call("ListActivatableNames", &()).await?;
            Ok(activatable.iter().any(|n| n == DEST))
        })
        .unwrap_or(false)
    }

    pub fn read_all(
        vault_id: &str,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountId, Secret)>, Fallback> {
        zbus::block_on(read_all_async(vault_id, ids))
    }

    async fn read_all_async(
        vault_id: &str,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountId, Secret)>, Fallback> {
        let conn = Connection::session().await?;
        let service = Proxy::new(
            &conn,
            DEST,
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service",
        )
        .await?;
        let attributes = HashMap::from([("service", super::KEYCHAIN_SERVICE)]);
        let (unlocked, locked): (Vec<OwnedObjectPath>, Vec<OwnedObjectPath>) =
            service.call("SearchItems", &(attributes,)).await?;
        if !locked.is_empty() {
            return Err(Fallback); // the per-item path asks the keyring to unlock them
        }
        // The session bus is private to this user; the per-item path (keyring) uses an encrypted session.
        let (_, session): (OwnedValue, OwnedObjectPath) = service
            .call("OpenSession", &("plain", Value::from("")))
            .await?;
        // All attribute reads are sent at once and answered in one pass (no round trip per item).
        let reads = unlocked.iter().map(|path| {
            conn.call_method(
                Some(DEST),
                path.as_str(),
                Some("org.freedesktop.DBus.Properties"),
                "Get",
                &("org.freedesktop.Secret.Item", "Attributes"),
            )
        });
        let replies = futures_util::future::join_all(reads).await;
        let mut by_user = HashMap::with_capacity(unlocked.len());
        for (path, reply) in unlocked.iter().zip(replies) {
            let value: OwnedValue = reply?.body().deserialize()?;
            let attrs = HashMap::<String, String>::try_from(value).map_err(|_| Fallback)?;
            if let Some(user) = attrs.get("username") {
                by_user.insert(user.clone(), path.clone());
            }
        }
        let wanted: Vec<(AccountId, OwnedObjectPath)> = ids
            .iter()
            .filter_map(|id| {
                by_user
                    .get(&format!("{vault_id}/{id}"))
                    .map(|p| (id.clone(), p.clone()))
            })
            .collect();
        let paths: Vec<&OwnedObjectPath> = wanted.iter().map(|(_, p)| p).collect();
        let mut secrets: HashMap<OwnedObjectPath, SecretStruct> =
            service.call("GetSecrets", &(paths, &session)).await?;
        let _ = conn
            .call_method(
                Some(DEST),
                session.as_str(),
                Some("org.freedesktop.Secret.Session"),
                "Close",
                &(),
            )
            .await;
        let mut found = Vec::with_capacity(wanted.len());
        for (id, path) in wanted {
            let (_, _, value, _) = secrets.remove(&path).ok_or(Fallback)?;
            found.push((id, Secret::from_bytes(value)));
        }
        Ok(found)
    }
}

/// Turns a keyring error into one sentence saying what is wrong and what to do. Never includes secret
/// bytes (keyring's `BadEncoding` carries them in its payload; only our own words are used).
fn keychain_error(e: keyring::Error) -> StoreError {
    use keyring::Error as E;
    let text = match e {
        E::NoDefaultStore => "the OS keychain is not reachable (no Secret Service on the session bus); start your keyring (GNOME Keyring, KWallet or KeePassXC with Secret Service enabled) and try again".to_owned(),
        E::NoStorageAccess(inner) => format!("the OS keychain refused access ({inner}); unlock your keyring (for example by logging in again or opening Passwords and Keys) and try again"),
        E::PlatformFailure(inner) => format!("the OS keychain failed ({inner}); check that your keyring is running and unlocked, then try again"),
        E::NoEntry => "the keychain item is missing".to_owned(),
        E::BadEncoding(_) | E::BadDataFormat(..) => "a keychain item has unexpected contents; it was not written by Tock".to_owned(),
        E::TooLong(name, limit) => format!("the keychain refused the item: {name} is longer than its limit of {limit}"),
        other => format!("the OS keychain failed ({other}); try again"),
    };
    StoreError(text)
}

/// The vault document in a file, replaced atomically (temporary file, fsync, rename, fsync of the folder).
pub struct FileDoc {
    path: PathBuf,
}

impl FileDoc {
    /// A document at `path` (its folder is created on the first save).
    pub fn new(path: PathBuf) -> Self {
        FileDoc { path }
    }

    /// Where the document lives.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl DocStore for FileDoc {
    fn load(&self) -> Result<Option<String>, StoreError> {
        match fs::read_to_string(&self.path) {
            Ok(text) => Ok(Some(text)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError(format!(
                "the vault file {} could not be read ({e}); check its permissions",
                self.path.display()
            ))),
        }
    }

    fn save(&self, text: &str) -> Result<(), StoreError> {
        write_atomically(&self.path, text.as_bytes()).map_err(|e| {
            StoreError(format!(
                "the vault file {} could not be written ({e}); check free space and permissions",
                self.path.display()
            ))
        })
    }
}

/// Writes `bytes` to `path` so that readers see either the old or the new contents, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("vault");
    let tmp = dir.join(format!(".{name}.{}.tmp", random_hex::<6>()));
    let result = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&tmp, path)?;
        #[cfg(unix)]
        fs::File::open(dir)?.sync_all()?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_leaves_no_temp_files() {
        let dir = tempfile::tempdir().unwrap();
        let doc = FileDoc::new(dir.path().join("sub").join(VAULT_FILE));
        assert_eq!(doc.load().unwrap(), None);
        doc.save("one").unwrap();
        doc.save("two").unwrap();
        assert_eq!(doc.load().unwrap().as_deref(), Some("two"));
        let names: Vec<_> = fs::read_dir(dir.path().join("sub"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [std::ffi::OsString::from(VAULT_FILE)]);
    }

    #[test]
    fn unwritable_folder_gives_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        fs::write(&blocker, "x").unwrap();
        let doc = FileDoc::new(blocker.join(VAULT_FILE));
        let err = doc.save("x").unwrap_err();
        assert!(err.0.contains("could not be written"), "{err}");
    }

    #[test]
    fn ids_are_random_and_well_formed() {
        let a = new_account_id();
        assert!(AccountId::parse(a.as_str()).is_some());
        assert_ne!(a, new_account_id());
    }
}
