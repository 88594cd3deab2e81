//! The items of a vault kept in a file instead of the keychain (for sessions without a Secret Service).
//!
//! Only ever used sealed (the file vault always has the lock on): [`crate::Secrets`] hands this store items
//! that are already encrypted under the vault key, and it keeps them as base64 in one JSON object, written
//! atomically (mode 0600) at every change. The file of generation N is `secrets-N.json`; a move to another
//! place writes a new file, so the old one is simply deleted once the move is committed.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use tock_core::vault::{SecretStore, StoreError};
use tock_core::{AccountId, Secret};
use zeroize::Zeroizing;

/// One file of items.
pub struct FileItems {
    path: PathBuf,
}

/// The file of a generation inside the data folder.
pub fn file_of(data_dir: &Path, generation: u32) -> PathBuf {
    data_dir.join(format!("secrets-{generation}.json"))
}

type Items = BTreeMap<String, String>;

impl FileItems {
    /// The items in `path` (the file is created on the first write).
    pub fn new(path: PathBuf) -> Self {
        FileItems { path }
    }

    fn load(&self) -> Result<Items, StoreError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&Zeroizing::new(bytes)).map_err(|_| {
                StoreError(format!(
                    "the secrets file {} is damaged; restore the data folder from a backup",
                    self.path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Items::new()),
            Err(e) => Err(StoreError(format!(
                "the secrets file {} could not be read ({e}); check its permissions",
                self.path.display()
            ))),
        }
    }

    fn change(&self, f: impl FnOnce(&mut Items)) -> Result<(), StoreError> {
        let mut items = self.load()?;
        f(&mut items);
        let text =
            Zeroizing::new(serde_json::to_vec_pretty(&items).expect("strings always serialise"));
        crate::write_atomically(&self.path, &text).map_err(|e| {
            StoreError(format!(
                "the secrets file {} could not be written ({e}); check free space and permissions",
                self.path.display()
            ))
        })
    }

    fn put_item(&self, key: String, bytes: &[u8]) -> Result<(), StoreError> {
        let value = data_encoding::BASE64.encode(bytes);
        self.change(|items| {
            items.insert(key, value);
        })
    }

    fn get_item(&self, key: &str) -> Result<Option<Secret>, StoreError> {
        let items = self.load()?;
        match items.get(key) {
            None => Ok(None),
            Some(text) => data_encoding::BASE64
                .decode(text.as_bytes())
                .map(|b| Some(Secret::from_bytes(b)))
                .map_err(|_| {
                    StoreError(format!(
                        "the secrets file {} is damaged; restore the data folder from a backup",
                        self.path.display()
                    ))
                }),
        }
    }

    fn delete_item(&self, key: &str) -> Result<(), StoreError> {
        if !self.path.exists() {
            return Ok(());
        }
        self.change(|items| {
            items.remove(key);
        })
    }
}

fn key(kind: &str, vault_id: &str, item: &str) -> String {
    format!("{kind}:{vault_id}/{item}")
}

impl SecretStore for FileItems {
    fn put(
        &self,
        vault_id: &str,
        id: &AccountId,
        _label: &str,
        secret: &Secret,
    ) -> Result<(), StoreError> {
        self.put_item(key("secret", vault_id, id.as_str()), secret.as_bytes())
    }
    fn get(&self, vault_id: &str, id: &AccountId) -> Result<Option<Secret>, StoreError> {
        self.get_item(&key("secret", vault_id, id.as_str()))
    }
    fn delete(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
        self.delete_item(&key("secret", vault_id, id.as_str()))
    }
    fn put_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
        _label: &str,
        codes: &Secret,
    ) -> Result<(), StoreError> {
        self.put_item(key("codes", vault_id, id.as_str()), codes.as_bytes())
    }
    fn get_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
    ) -> Result<Option<Secret>, StoreError> {
        self.get_item(&key("codes", vault_id, id.as_str()))
    }
    fn delete_backup_codes(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
        self.delete_item(&key("codes", vault_id, id.as_str()))
    }
    fn put_extra(&self, vault_id: &str, name: &str, value: &Secret) -> Result<(), StoreError> {
        self.put_item(key("extra", vault_id, name), value.as_bytes())
    }
    fn get_extra(&self, vault_id: &str, name: &str) -> Result<Option<Secret>, StoreError> {
        self.get_item(&key("extra", vault_id, name))
    }
    fn delete_extra(&self, vault_id: &str, name: &str) -> Result<(), StoreError> {
        self.delete_item(&key("extra", vault_id, name))
    }
    /// One read of the file for all of them.
    fn get_many(
        &self,
        vault_id: &str,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountId, Secret)>, StoreError> {
        let items = self.load()?;
        let mut found = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(text) = items.get(&key("secret", vault_id, id.as_str())) {
                let bytes = data_encoding::BASE64.decode(text.as_bytes()).map_err(|_| {
                    StoreError(format!(
                        "the secrets file {} is damaged; restore the data folder from a backup",
                        self.path.display()
                    ))
                })?;
                found.push((id.clone(), Secret::from_bytes(bytes)));
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_round_trip_and_kinds_stay_apart() {
        let dir = tempfile::tempdir().unwrap();
        let store = FileItems::new(file_of(dir.path(), 3));
        let id = AccountId::from_random([1; 8]);
        assert_eq!(store.get("v", &id).unwrap(), None);
        store
            .put("v", &id, "", &Secret::from_bytes(vec![1, 2, 3]))
            .unwrap();
        store
            .put_backup_codes("v", &id, "", &Secret::from_bytes(vec![4]))
            .unwrap();
        store
            .put_extra("v", "backup-password", &Secret::from_bytes(vec![5]))
            .unwrap();
        assert_eq!(store.get("v", &id).unwrap().unwrap().as_bytes(), [1, 2, 3]);
        assert_eq!(
            store
                .get_backup_codes("v", &id)
                .unwrap()
                .unwrap()
                .as_bytes(),
            [4]
        );
        assert_eq!(
            store
                .get_extra("v", "backup-password")
                .unwrap()
                .unwrap()
                .as_bytes(),
            [5]
        );
        assert_eq!(store.get("w", &id).unwrap(), None);
        assert_eq!(
            store
                .get_many("v", std::slice::from_ref(&id))
                .unwrap()
                .len(),
            1
        );
        store.delete("v", &id).unwrap();
        assert_eq!(store.get("v", &id).unwrap(), None);
        assert!(store.get_backup_codes("v", &id).unwrap().is_some());
        assert!(dir.path().join("secrets-3.json").exists());
    }

    #[test]
    fn a_damaged_file_is_named_not_misread() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(file_of(dir.path(), 0), "{not json").unwrap();
        let store = FileItems::new(file_of(dir.path(), 0));
        let err = store.get("v", &AccountId::from_random([1; 8])).unwrap_err();
        assert!(err.0.contains("is damaged"), "{err}");
    }
}
