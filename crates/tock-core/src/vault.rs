//! The vault's rules, over two storage traits: secrets (the OS keychain) and the metadata document (a file).
//!
//! The invariant kept here: after every operation, successful or not, each account in the document has its
//! secret in the keychain and no secret is stored that the document does not list. Writes happen in the
//! order that makes a failure undoable, and a failure undoes what was done before it.
use crate::account::{DocError, Lookup};
use crate::otp::{self, Code, DigitsPolicy, OtpKind, ParamError};
use crate::{Account, AccountId, OtpParams, Secret, SignInMethod, VaultDoc};

mod backup_codes;
mod restore;

pub use restore::Restored;

/// Where secrets are kept: one item per account, keyed by vault id and account id.
pub trait SecretStore {
    /// Stores (or replaces) the secret of `id`. `label` is a human description for keychain browsers.
    fn put(
        &self,
        vault_id: &str,
        id: &AccountId,
        label: &str,
        secret: &Secret,
    ) -> Result<(), StoreError>;
    /// The secret of `id`, or `None` when there is no such item.
    fn get(&self, vault_id: &str, id: &AccountId) -> Result<Option<Secret>, StoreError>;
    /// Deletes the secret of `id`; deleting a missing item is not an error.
    fn delete(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError>;

    /// Stores (or replaces) the backup codes of `id` ([`crate::backup::BackupCodes::to_secret`]) in an item
    /// of their own, never the secret's item.
    fn put_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
        label: &str,
        codes: &Secret,
    ) -> Result<(), StoreError>;
    /// The backup codes item of `id`, or `None` when there is none.
    fn get_backup_codes(
        &self,
        vault_id: &str,
        id: &AccountId,
    ) -> Result<Option<Secret>, StoreError>;
    /// Deletes the backup codes item of `id`; deleting a missing item is not an error.
    fn delete_backup_codes(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError>;

    /// Stores (or replaces) a vault-wide secret that belongs to no account (such as the automatic backups'
    /// password), under a short `name`, in an item of its own.
    fn put_extra(&self, vault_id: &str, name: &str, value: &Secret) -> Result<(), StoreError>;
    /// The vault-wide secret `name`, or `None` when there is none.
    fn get_extra(&self, vault_id: &str, name: &str) -> Result<Option<Secret>, StoreError>;
    /// Deletes the vault-wide secret `name`; deleting a missing item is not an error.
    fn delete_extra(&self, vault_id: &str, name: &str) -> Result<(), StoreError>;

    /// Whether the store cannot be used until it is unlocked (the app lock is on and no key is held).
    fn is_locked(&self) -> bool {
        false
    }

    /// Takes note of changes made by other processes to where the items are (a store that can move).
    fn refresh(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// The secrets of many accounts at once; missing items are left out. Stores with a bulk read override it.
    fn get_many(
        &self,
        vault_id: &str,
        ids: &[AccountId],
    ) -> Result<Vec<(AccountId, Secret)>, StoreError> {
        get_each(self, vault_id, ids)
    }
}

/// Reads secrets one item at a time: [`SecretStore::get_many`]'s default, and the fallback of bulk readers.
pub fn get_each<S: SecretStore + ?Sized>(
    store: &S,
    vault_id: &str,
    ids: &[AccountId],
) -> Result<Vec<(AccountId, Secret)>, StoreError> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        if let Some(secret) = store.get(vault_id, id)? {
            found.push((id.clone(), secret));
        }
    }
    Ok(found)
}

/// Where the vault document is kept.
pub trait DocStore {
    /// The document's text, or `None` when there is no vault yet.
    fn load(&self) -> Result<Option<String>, StoreError>;
    /// Replaces the document atomically.
    fn save(&self, text: &str) -> Result<(), StoreError>;
}

/// A storage failure, already phrased for people: what is wrong and what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// Why a vault operation failed.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    /// The keychain or the file could not be used.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The vault document is damaged or too new.
    #[error(transparent)]
    Doc(#[from] DocError),
    /// No account matches.
    #[error("no account matches \"{0}\"; run `tock list` to see the accounts")]
    NotFound(String),
    /// Several accounts match a search.
    #[error("\"{query}\" matches {} accounts: {}; use an id or a longer search", .matches.len(), .matches.join(", "))]
    Ambiguous {
        /// The search text.
        query: String,
        /// "id  label" of each match.
        matches: Vec<String>,
    },
    /// The document lists an account whose keychain item is gone.
    #[error("the secret of {0} is missing from the keychain; restore it from a backup, or remove the account and enrol it again")]
    SecretMissing(String),
    /// Parameters out of range.
    #[error(transparent)]
    Params(#[from] ParamError),
    /// The account has no backup codes stored.
    #[error("{0} has no backup codes stored; add the codes the site gave you first")]
    NoBackupCodes(String),
    /// Adding a set where one exists, without asking to replace it.
    #[error("{0} already has backup codes; replacing them deletes the old set for good, so it must be asked for (--replace, or Regenerate in the window)")]
    BackupCodesExist(String),
    /// The document lists backup codes whose keychain item is gone.
    #[error("the backup codes of {0} are missing from the keychain; generate new ones on the site and add them again")]
    BackupCodesMissing(String),
    /// Codes that cannot be taken, or a code that cannot be used.
    #[error(transparent)]
    Backup(#[from] crate::backup::BackupError),
}

/// Whether two accounts carry the same issuer and account name, ignoring case: an enrolment (or an import)
/// of the second would duplicate the first.
pub fn same_label(issuer: &str, name: &str, other_issuer: &str, other_name: &str) -> bool {
    issuer.to_lowercase() == other_issuer.to_lowercase()
        && name.to_lowercase() == other_name.to_lowercase()
}

/// What is needed to add an account.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// The service.
    pub issuer: String,
    /// The account at that service.
    pub name: String,
    /// The key.
    pub secret: Secret,
    /// Kind, algorithm, digits, period or counter.
    pub params: OtpParams,
    /// Free text.
    pub notes: String,
}

impl From<crate::OtpAuthUri> for NewAccount {
    fn from(uri: crate::OtpAuthUri) -> Self {
        NewAccount {
            issuer: uri.issuer,
            name: uri.name,
            secret: uri.secret,
            params: uri.params,
            notes: String::new(),
        }
    }
}

impl From<crate::migration::MigrationEntry> for NewAccount {
    fn from(e: crate::migration::MigrationEntry) -> Self {
        NewAccount {
            issuer: e.issuer,
            name: e.name,
            secret: e.secret,
            params: e.params,
            notes: String::new(),
        }
    }
}

/// An open vault: the document in memory, the stores behind it.
pub struct Vault<S: SecretStore, D: DocStore> {
    secrets: S,
    file: D,
    doc: VaultDoc,
}

impl<S: SecretStore, D: DocStore> Vault<S, D> {
    /// Opens the vault in `file`, or starts an empty one with `new_vault_id` (written on the first change).
    pub fn open(
        secrets: S,
        file: D,
        new_vault_id: impl FnOnce() -> String,
    ) -> Result<Self, VaultError> {
        let doc = match file.load()? {
            Some(text) => VaultDoc::from_json(&text)?,
            None => VaultDoc::new(new_vault_id()),
        };
        Ok(Vault { secrets, file, doc })
    }

    /// Re-reads the document from its store (another process, such as the CLI, may have changed it).
    pub fn reload(&mut self) -> Result<(), VaultError> {
        if let Some(text) = self.file.load()? {
            self.doc = VaultDoc::from_json(&text)?;
        }
        Ok(())
    }

    /// The document (accounts in display order).
    pub fn doc(&self) -> &VaultDoc {
        &self.doc
    }

    /// The secret store.
    pub fn secrets(&self) -> &S {
        &self.secrets
    }

    /// Finds one account by id or search text.
    pub fn find(&self, query: &str) -> Result<&Account, VaultError> {
        match self.doc.lookup(query) {
            Lookup::One(a) => Ok(a),
            Lookup::None => Err(VaultError::NotFound(query.to_owned())),
            Lookup::Many(found) => Err(VaultError::Ambiguous {
                query: query.to_owned(),
                matches: found
                    .iter()
                    .map(|a| format!("{}  {}", a.id, a.label()))
                    .collect(),
            }),
        }
    }

    /// Adds an account: the secret first, then the document; if the document cannot be written the secret is
    /// deleted again, so nothing half-written remains.
    pub fn add(
        &mut self,
        new: NewAccount,
        id: AccountId,
        now: u64,
        policy: DigitsPolicy,
    ) -> Result<&Account, VaultError> {
        let added = self.add_many(vec![(id, new, false)], now, policy)?;
        Ok(&added[0])
    }

    /// Adds many accounts at once (an import): every secret first, then the document, written once. If a
    /// secret cannot be stored or the document cannot be written, the secrets stored so far are deleted again
    /// and nothing is added. Each entry is `(id, account, favourite)`; all are checked before anything is
    /// stored. Returns the accounts added, in order.
    pub fn add_many(
        &mut self,
        news: Vec<(AccountId, NewAccount, bool)>,
        now: u64,
        policy: DigitsPolicy,
    ) -> Result<&[Account], VaultError> {
        self.add_many_with_progress(news, now, policy, &mut |_| {})
    }

    /// [`Vault::add_many`], calling `progress` with the number of secrets stored so far after each one
    /// (an import of a thousand accounts takes seconds: the window shows a progress bar).
    pub fn add_many_with_progress(
        &mut self,
        news: Vec<(AccountId, NewAccount, bool)>,
        now: u64,
        policy: DigitsPolicy,
        progress: &mut dyn FnMut(usize),
    ) -> Result<&[Account], VaultError> {
        for (_, new, _) in &news {
            new.params.validate(policy)?;
        }
        let vault_id = self.doc.vault_id.clone();
        let first = self.doc.accounts.len();
        let mut stored: Vec<AccountId> = Vec::with_capacity(news.len());
        let undo = |secrets: &S, stored: &[AccountId]| {
            for id in stored {
                let _ = secrets.delete(&vault_id, id);
            }
        };
        let mut accounts = Vec::with_capacity(news.len());
        for (id, new, favourite) in news {
            let account = Account {
                id,
                issuer: new.issuer,
                name: new.name,
                params: new.params,
                added_at: now,
                notes: new.notes,
                backup_codes: None,
                favourite,
                last_used: None,
                sign_in: None,
            };
            if let Err(e) = self
                .secrets
                .put(&vault_id, &account.id, &account.label(), &new.secret)
            {
                undo(&self.secrets, &stored);
                return Err(e.into());
            }
            stored.push(account.id.clone());
            accounts.push(account);
            progress(stored.len());
        }
        self.doc.accounts.extend(accounts);
        if let Err(e) = self.save() {
            self.doc.accounts.truncate(first);
            undo(&self.secrets, &stored);
            return Err(e);
        }
        Ok(&self.doc.accounts[first..])
    }

    /// Removes an account: the document first, then its backup codes, then the secret; if an item cannot be
    /// deleted the account goes back into the document (and its backup codes back into the keychain), so no
    /// item is left that the document does not know and no account loses its codes.
    pub fn remove(&mut self, id: &AccountId) -> Result<Account, VaultError> {
        let index = self.index(id)?;
        let vault_id = self.doc.vault_id.clone();
        let backup = self.secrets.get_backup_codes(&vault_id, id)?;
        let account = self.doc.accounts.remove(index);
        if let Err(e) = self.save() {
            self.doc.accounts.insert(index, account);
            return Err(e);
        }
        let deleted = self
            .secrets
            .delete_backup_codes(&vault_id, id)
            .and_then(|()| {
                self.secrets.delete(&vault_id, id).inspect_err(|_| {
                    if let Some(codes) = &backup {
                        let _ =
                            self.secrets
                                .put_backup_codes(&vault_id, id, &account.label(), codes);
                    }
                })
            });
        if let Err(e) = deleted {
            self.doc.accounts.insert(index, account);
            let _ = self.save();
            return Err(e.into());
        }
        Ok(account)
    }

    /// Renames an account.
    pub fn rename(
        &mut self,
        id: &AccountId,
        issuer: String,
        name: String,
    ) -> Result<(), VaultError> {
        let index = self.index(id)?;
        let old = self.doc.accounts[index].clone();
        self.doc.accounts[index].issuer = issuer;
        self.doc.accounts[index].name = name;
        self.save_or_restore(index, old)
    }

    /// Sets an account's notes.
    pub fn set_notes(&mut self, id: &AccountId, notes: String) -> Result<(), VaultError> {
        let index = self.index(id)?;
        let old = self.doc.accounts[index].clone();
        self.doc.accounts[index].notes = notes;
        self.save_or_restore(index, old)
    }

    /// Pins an account to the top of the tray menu and the quick search, or unpins it.
    pub fn set_favourite(&mut self, id: &AccountId, favourite: bool) -> Result<(), VaultError> {
        let index = self.index(id)?;
        let old = self.doc.accounts[index].clone();
        self.doc.accounts[index].favourite = favourite;
        self.save_or_restore(index, old)
    }

    /// Records how the person signs in to the site, and their notes on the account.
    pub fn set_sign_in(
        &mut self,
        id: &AccountId,
        method: Option<SignInMethod>,
        notes: String,
    ) -> Result<(), VaultError> {
        let index = self.index(id)?;
        let old = self.doc.accounts[index].clone();
        self.doc.accounts[index].sign_in = method;
        self.doc.accounts[index].notes = notes;
        self.save_or_restore(index, old)
    }

    /// Records that an account's code was copied at `now` (Unix seconds), for "recently used".
    pub fn mark_used(&mut self, id: &AccountId, now: u64) -> Result<(), VaultError> {
        let index = self.index(id)?;
        let old = self.doc.accounts[index].clone();
        self.doc.accounts[index].last_used = Some(now);
        self.save_or_restore(index, old)
    }

    /// Moves an account to position `to`.
    pub fn move_to(&mut self, id: &AccountId, to: usize) -> Result<(), VaultError> {
        let before = self.doc.accounts.clone();
        if !self.doc.move_to(id, to) {
            return Err(VaultError::NotFound(id.to_string()));
        }
        if let Err(e) = self.save() {
            self.doc.accounts = before;
            return Err(e);
        }
        Ok(())
    }

    /// Accounts that an enrolment of (`issuer`, `name`, `secret`) would duplicate: the same issuer and account
    /// name (ignoring case), or the same secret. People who scanned twice must keep the entry the site knows.
    pub fn duplicates_of(
        &self,
        issuer: &str,
        name: &str,
        secret: &Secret,
    ) -> Result<Vec<&Account>, VaultError> {
        let same_label = |a: &Account| same_label(&a.issuer, &a.name, issuer, name);
        let mut found = Vec::new();
        for account in &self.doc.accounts {
            if same_label(account)
                || self.secrets.get(&self.doc.vault_id, &account.id)?.as_ref() == Some(secret)
            {
                found.push(account);
            }
        }
        Ok(found)
    }

    /// The secrets of these accounts, read in bulk where the store can; accounts whose item is missing are
    /// left out (and reported by [`Vault::secret`] when used).
    pub fn secrets_of(&self, ids: &[AccountId]) -> Result<Vec<(AccountId, Secret)>, VaultError> {
        if ids.is_empty() {
            // Nothing to ask the keychain (a bulk read would still search the whole vault).
            return Ok(Vec::new());
        }
        Ok(self.secrets.get_many(&self.doc.vault_id, ids)?)
    }

    /// The secret of an account (from the keychain).
    pub fn secret(&self, id: &AccountId) -> Result<Secret, VaultError> {
        let account = &self.doc.accounts[self.index(id)?];
        self.secrets
            .get(&self.doc.vault_id, id)?
            .ok_or_else(|| VaultError::SecretMissing(account.label()))
    }

    /// The current code of a TOTP or Steam account at `now` (Unix seconds), or the HOTP code for the stored
    /// counter; for HOTP the counter is advanced and saved before the code is returned.
    pub fn use_code(&mut self, id: &AccountId, now: u64) -> Result<Code, VaultError> {
        let secret = self.secret(id)?;
        let index = self.index(id)?;
        let account = &self.doc.accounts[index];
        let code = otp::code_at(&secret, &account.params, now);
        if let OtpKind::Hotp { counter } = account.params.kind {
            let old = account.clone();
            self.doc.accounts[index].params.kind = OtpKind::Hotp {
                counter: counter.saturating_add(1),
            };
            self.save_or_restore(index, old)?;
        }
        Ok(code)
    }

    fn index(&self, id: &AccountId) -> Result<usize, VaultError> {
        self.doc
            .accounts
            .iter()
            .position(|a| &a.id == id)
            .ok_or_else(|| VaultError::NotFound(id.to_string()))
    }

    fn save(&self) -> Result<(), VaultError> {
        Ok(self.file.save(&self.doc.to_json())?)
    }

    fn save_or_restore(&mut self, index: usize, old: Account) -> Result<(), VaultError> {
        if let Err(e) = self.save() {
            self.doc.accounts[index] = old;
            return Err(e);
        }
        Ok(())
    }
}

/// In-memory stores for unit tests of the core, with switchable failures.
pub mod memory {
    use super::*;
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    /// A keychain in memory.
    #[derive(Default)]
    pub struct MemorySecrets {
        /// Stored items by (vault id, account id).
        pub items: RefCell<HashMap<(String, AccountId), Secret>>,
        /// Stored backup-code items by (vault id, account id).
        pub backup_items: RefCell<HashMap<(String, AccountId), Secret>>,
        /// Stored vault-wide items by (vault id, name).
        pub extra_items: RefCell<HashMap<(String, String), Secret>>,
        /// When set, every call fails as a locked keychain would.
        pub locked: Cell<bool>,
        /// When set, deleting a secret (not a backup-code item) fails.
        pub refuse_secret_delete: Cell<bool>,
    }

    impl MemorySecrets {
        fn check(&self) -> Result<(), StoreError> {
            if self.locked.get() {
                return Err(StoreError(
                    "the keychain is locked; unlock it and try again".into(),
                ));
            }
            Ok(())
        }
    }

    impl SecretStore for MemorySecrets {
        fn put(
            &self,
            vault_id: &str,
            id: &AccountId,
            _label: &str,
            secret: &Secret,
        ) -> Result<(), StoreError> {
            self.check()?;
            self.items
                .borrow_mut()
                .insert((vault_id.to_owned(), id.clone()), secret.clone());
            Ok(())
        }
        fn get(&self, vault_id: &str, id: &AccountId) -> Result<Option<Secret>, StoreError> {
            self.check()?;
            Ok(self
                .items
                .borrow()
                .get(&(vault_id.to_owned(), id.clone()))
                .cloned())
        }
        fn delete(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
            self.check()?;
            if self.refuse_secret_delete.get() {
                return Err(StoreError("the keychain refused to delete the item".into()));
            }
            self.items
                .borrow_mut()
                .remove(&(vault_id.to_owned(), id.clone()));
            Ok(())
        }
        fn put_backup_codes(
            &self,
            vault_id: &str,
            id: &AccountId,
            _label: &str,
            codes: &Secret,
        ) -> Result<(), StoreError> {
            self.check()?;
            self.backup_items
                .borrow_mut()
                .insert((vault_id.to_owned(), id.clone()), codes.clone());
            Ok(())
        }
        fn get_backup_codes(
            &self,
            vault_id: &str,
            id: &AccountId,
        ) -> Result<Option<Secret>, StoreError> {
            self.check()?;
            Ok(self
                .backup_items
                .borrow()
                .get(&(vault_id.to_owned(), id.clone()))
                .cloned())
        }
        fn delete_backup_codes(&self, vault_id: &str, id: &AccountId) -> Result<(), StoreError> {
            self.check()?;
            self.backup_items
                .borrow_mut()
                .remove(&(vault_id.to_owned(), id.clone()));
            Ok(())
        }
        fn put_extra(&self, vault_id: &str, name: &str, value: &Secret) -> Result<(), StoreError> {
            self.check()?;
            self.extra_items
                .borrow_mut()
                .insert((vault_id.to_owned(), name.to_owned()), value.clone());
            Ok(())
        }
        fn get_extra(&self, vault_id: &str, name: &str) -> Result<Option<Secret>, StoreError> {
            self.check()?;
            Ok(self
                .extra_items
                .borrow()
                .get(&(vault_id.to_owned(), name.to_owned()))
                .cloned())
        }
        fn delete_extra(&self, vault_id: &str, name: &str) -> Result<(), StoreError> {
            self.check()?;
            self.extra_items
                .borrow_mut()
                .remove(&(vault_id.to_owned(), name.to_owned()));
            Ok(())
        }
    }

    /// A vault file in memory.
    #[derive(Default)]
    pub struct MemoryDoc {
        /// The saved text.
        pub text: RefCell<Option<String>>,
        /// When set, saving fails as a full disk would.
        pub read_only: Cell<bool>,
    }

    impl DocStore for MemoryDoc {
        fn load(&self) -> Result<Option<String>, StoreError> {
            Ok(self.text.borrow().clone())
        }
        fn save(&self, text: &str) -> Result<(), StoreError> {
            if self.read_only.get() {
                return Err(StoreError(
                    "the vault file could not be written: no space left on device".into(),
                ));
            }
            *self.text.borrow_mut() = Some(text.to_owned());
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::memory::{MemoryDoc, MemorySecrets};
    use super::*;

    fn new_account(issuer: &str) -> NewAccount {
        NewAccount {
            issuer: issuer.into(),
            name: "alice".into(),
            secret: Secret::from_bytes(b"12345678901234567890".to_vec()),
            params: OtpParams::totp_default(),
            notes: String::new(),
        }
    }

    fn vault() -> Vault<MemorySecrets, MemoryDoc> {
        Vault::open(MemorySecrets::default(), MemoryDoc::default(), || {
            "vault-1".into()
        })
        .unwrap()
    }

    fn id(n: u8) -> AccountId {
        AccountId::from_random([n; 8])
    }

    #[test]
    fn many_accounts_are_added_in_one_write_or_not_at_all() {
        let mut v = vault();
        let batch = |from: u8| -> Vec<(AccountId, NewAccount, bool)> {
            (from..from + 3)
                .map(|n| (id(n), new_account(&format!("Site {n}")), n == from))
                .collect()
        };
        let mut seen = Vec::new();
        let added: Vec<String> = v
            .add_many_with_progress(batch(1), 7, DigitsPolicy::Import, &mut |n| seen.push(n))
            .unwrap()
            .iter()
            .map(|a| a.issuer.clone())
            .collect();
        assert_eq!(added, ["Site 1", "Site 2", "Site 3"]);
        assert_eq!(seen, [1, 2, 3], "progress after each secret stored");
        assert!(v.doc().accounts[0].favourite && !v.doc().accounts[1].favourite);
        assert_eq!(v.doc().accounts[2].added_at, 7);
        assert_eq!(v.secrets().items.borrow().len(), 3);

        // The document cannot be written: nothing is added and no secret is left behind.
        v.file.read_only.set(true);
        assert!(v.add_many(batch(10), 8, DigitsPolicy::Import).is_err());
        v.file.read_only.set(false);
        assert_eq!(v.doc().accounts.len(), 3);
        assert_eq!(v.secrets().items.borrow().len(), 3);

        // A bad entry is refused before anything is stored.
        let mut bad = batch(20);
        bad[2].1.params.digits = 12;
        assert!(v.add_many(bad, 9, DigitsPolicy::Import).is_err());
        assert_eq!(v.secrets().items.borrow().len(), 3);

        // The keychain refuses: nothing is added.
        v.secrets().locked.set(true);
        assert!(v.add_many(batch(30), 9, DigitsPolicy::Import).is_err());
        v.secrets().locked.set(false);
        assert_eq!(v.secrets().items.borrow().len(), 3);
        assert_eq!(v.doc().accounts.len(), 3);
    }

    fn assert_consistent(v: &Vault<MemorySecrets, MemoryDoc>) {
        let saved = v
            .file
            .text
            .borrow()
            .clone()
            .map(|t| VaultDoc::from_json(&t).unwrap());
        let listed: Vec<AccountId> = saved
            .map(|d| d.accounts.into_iter().map(|a| a.id).collect())
            .unwrap_or_default();
        let mut stored: Vec<AccountId> = v
            .secrets
            .items
            .borrow()
            .keys()
            .map(|(_, id)| id.clone())
            .collect();
        stored.sort();
        let mut listed_sorted = listed.clone();
        listed_sorted.sort();
        assert_eq!(
            stored, listed_sorted,
            "keychain items and vault file disagree"
        );
        assert_eq!(
            listed,
            v.doc
                .accounts
                .iter()
                .map(|a| a.id.clone())
                .collect::<Vec<_>>(),
            "memory and file disagree"
        );
    }

    #[test]
    fn add_then_code_then_remove() {
        let mut v = vault();
        v.add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap();
        assert_consistent(&v);
        // RFC 6238 SHA1 vector at T=59 is 94287082 (8 digits); the 6-digit code is its last 6 digits.
        assert_eq!(v.use_code(&id(1), 59).unwrap().code, "287082");
        v.remove(&id(1)).unwrap();
        assert_consistent(&v);
        assert!(v.doc().accounts.is_empty());
    }

    #[test]
    fn failed_file_write_leaves_no_secret_behind() {
        let mut v = vault();
        v.file.read_only.set(true);
        let err = v
            .add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap_err();
        assert!(err.to_string().contains("no space left"), "{err}");
        assert!(v.secrets.items.borrow().is_empty());
        assert!(v.doc().accounts.is_empty());
    }

    #[test]
    fn locked_keychain_adds_nothing_and_removes_nothing() {
        let mut v = vault();
        v.add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap();
        v.secrets.locked.set(true);
        let err = v
            .add(new_account("GitLab"), id(2), 100, DigitsPolicy::Manual)
            .unwrap_err();
        assert!(err.to_string().contains("locked"), "{err}");
        let err = v.remove(&id(1)).unwrap_err();
        assert!(err.to_string().contains("locked"), "{err}");
        v.secrets.locked.set(false);
        assert_consistent(&v);
        assert_eq!(v.doc().accounts.len(), 1);
    }

    #[test]
    fn hotp_advances_the_saved_counter() {
        let mut v = vault();
        let mut new = new_account("Bank");
        new.params.kind = OtpKind::Hotp { counter: 0 };
        v.add(new, id(1), 100, DigitsPolicy::Manual).unwrap();
        let codes: Vec<String> = (0..3)
            .map(|_| v.use_code(&id(1), 0).unwrap().code)
            .collect();
        assert_eq!(
            codes,
            ["755224", "287082", "359152"],
            "RFC 4226 Appendix D, counters 0-2"
        );
        let saved = VaultDoc::from_json(v.file.text.borrow().as_deref().unwrap()).unwrap();
        assert_eq!(saved.accounts[0].params.counter(), Some(3));
    }

    #[test]
    fn missing_secret_is_reported_by_name() {
        let mut v = vault();
        v.add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap();
        v.secrets.items.borrow_mut().clear();
        let err = v.use_code(&id(1), 0).unwrap_err();
        assert!(
            err.to_string().contains("GitHub (alice)") && err.to_string().contains("missing"),
            "{err}"
        );
    }

    #[test]
    fn duplicates_by_label_or_by_secret() {
        let mut v = vault();
        v.add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap();
        let other = Secret::from_bytes(b"another secret key!!".to_vec());
        let same = Secret::from_bytes(b"12345678901234567890".to_vec());
        assert_eq!(
            v.duplicates_of("github", "ALICE", &other).unwrap().len(),
            1,
            "same label, other secret"
        );
        assert_eq!(
            v.duplicates_of("Renamed", "bob", &same).unwrap().len(),
            1,
            "other label, same secret"
        );
        assert!(v
            .duplicates_of("GitLab", "alice", &other)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn rename_move_and_ambiguous_search() {
        let mut v = vault();
        v.add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap();
        v.add(new_account("GitLab"), id(2), 100, DigitsPolicy::Manual)
            .unwrap();
        assert!(matches!(v.find("alice"), Err(VaultError::Ambiguous { .. })));
        v.rename(&id(2), "Codeberg".into(), "al".into()).unwrap();
        v.move_to(&id(2), 0).unwrap();
        let reopened = Vault::open(
            MemorySecrets::default(),
            MemoryDoc {
                text: v.file.text.clone(),
                ..Default::default()
            },
            || unreachable!(),
        )
        .unwrap();
        assert_eq!(reopened.doc().accounts[0].issuer, "Codeberg");
        assert_eq!(reopened.doc().vault_id, "vault-1");
    }

    #[test]
    fn favourite_and_last_used_are_saved_and_a_failed_write_changes_nothing() {
        let mut v = vault();
        v.add(new_account("GitHub"), id(1), 100, DigitsPolicy::Manual)
            .unwrap();
        v.set_favourite(&id(1), true).unwrap();
        v.mark_used(&id(1), 1_700_000_000).unwrap();
        let saved = VaultDoc::from_json(v.file.text.borrow().as_deref().unwrap()).unwrap();
        assert!(saved.accounts[0].favourite);
        assert_eq!(saved.accounts[0].last_used, Some(1_700_000_000));
        v.file.read_only.set(true);
        assert!(v.set_favourite(&id(1), false).is_err());
        assert!(v.mark_used(&id(1), 1_800_000_000).is_err());
        assert!(v.doc().accounts[0].favourite, "memory matches the file");
        assert_eq!(v.doc().accounts[0].last_used, Some(1_700_000_000));
        assert!(matches!(
            v.set_favourite(&id(9), true),
            Err(VaultError::NotFound(_))
        ));
    }
}
