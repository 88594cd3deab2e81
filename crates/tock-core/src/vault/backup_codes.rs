//! The vault's rules for backup codes. The codes live in a keychain item of their own per account; the
//! document keeps only their summary (counts, dates, the offline copy), so the window can show them
//! without reading the keychain.
//!
//! The invariant: an account has a backup-code item exactly when its summary says so, and the summary's
//! counts are those of the item. The keychain is written first and the document second; if the document
//! cannot be written, the item gets its previous contents back.
use zeroize::Zeroizing;

use super::{DocStore, SecretStore, Vault, VaultError};
use crate::backup::{BackupCodes, BackupError, BackupSummary, OfflineCopy};
use crate::{AccountId, Secret};

impl<S: SecretStore, D: DocStore> Vault<S, D> {
    /// The stored backup codes of an account, read from the keychain.
    pub fn backup_codes(&self, id: &AccountId) -> Result<BackupCodes, VaultError> {
        let account = &self.doc.accounts[self.index(id)?];
        if account.backup_codes.is_none() {
            return Err(VaultError::NoBackupCodes(account.label()));
        }
        let item = self
            .secrets
            .get_backup_codes(&self.doc.vault_id, id)?
            .ok_or_else(|| VaultError::BackupCodesMissing(account.label()))?;
        Ok(BackupCodes::from_secret(&item)?)
    }

    /// Stores a set of backup codes for an account. A set already stored is replaced only with `replace`:
    /// it is then gone for good, and the offline copy confirmed for it no longer counts.
    pub fn store_backup_codes(
        &mut self,
        id: &AccountId,
        codes: &BackupCodes,
        replace: bool,
        now: u64,
    ) -> Result<&BackupSummary, VaultError> {
        let index = self.index(id)?;
        let before = self.doc.accounts[index].clone();
        if before.backup_codes.is_some() && !replace {
            return Err(VaultError::BackupCodesExist(before.label()));
        }
        let old = self.secrets.get_backup_codes(&self.doc.vault_id, id)?;
        self.put_codes(id, &before.label(), codes)?;
        self.doc.accounts[index].backup_codes = Some(codes.summary(now));
        if let Err(e) = self.save() {
            self.doc.accounts[index] = before;
            self.put_back(id, old);
            return Err(e);
        }
        Ok(self.doc.accounts[index]
            .backup_codes
            .as_ref()
            .expect("just stored"))
    }

    /// Marks `which` (compared ignoring case, spaces and dashes), or else the next unused code, as used at
    /// `now`, and returns it. An unknown or already used code is an error and changes nothing.
    pub fn use_backup_code(
        &mut self,
        id: &AccountId,
        which: Option<&str>,
        now: u64,
    ) -> Result<Zeroizing<String>, VaultError> {
        let mut codes = self.backup_codes(id)?;
        let old = codes.to_secret();
        let code = codes.mark_used(which, now)?;
        let index = self.index(id)?;
        let before = self.doc.accounts[index].clone();
        self.put_codes(id, &before.label(), &codes)?;
        if let Some(summary) = &mut self.doc.accounts[index].backup_codes {
            summary.total = codes.total();
            summary.left = codes.remaining();
        }
        if let Err(e) = self.save() {
            self.doc.accounts[index] = before;
            self.put_back(id, Some(old));
            return Err(e);
        }
        Ok(code)
    }

    /// Records where the person keeps a copy of the codes away from this computer.
    pub fn confirm_offline_copy(
        &mut self,
        id: &AccountId,
        place: &str,
        now: u64,
    ) -> Result<(), VaultError> {
        let index = self.index(id)?;
        let place = place.trim();
        if place.is_empty() {
            return Err(BackupError::NoPlace.into());
        }
        let before = self.doc.accounts[index].clone();
        let Some(summary) = &mut self.doc.accounts[index].backup_codes else {
            return Err(VaultError::NoBackupCodes(before.label()));
        };
        summary.offline = Some(OfflineCopy {
            confirmed_at: now,
            place: place.to_owned(),
        });
        self.save_or_restore(index, before)
    }

    /// Whether to walk the person through their backup codes after each enrolment.
    pub fn set_backup_walkthrough(&mut self, ask: bool) -> Result<(), VaultError> {
        let before = self.doc.skip_backup_walkthrough;
        self.doc.skip_backup_walkthrough = !ask;
        if let Err(e) = self.save() {
            self.doc.skip_backup_walkthrough = before;
            return Err(e);
        }
        Ok(())
    }

    fn put_codes(
        &self,
        id: &AccountId,
        label: &str,
        codes: &BackupCodes,
    ) -> Result<(), VaultError> {
        let item = codes.to_secret();
        Ok(self
            .secrets
            .put_backup_codes(&self.doc.vault_id, id, label, &item)?)
    }

    /// Undoes a keychain write after the document could not be saved.
    fn put_back(&self, id: &AccountId, old: Option<Secret>) {
        let vault_id = &self.doc.vault_id;
        let _ = match old {
            Some(item) => self.secrets.put_backup_codes(vault_id, id, "", &item),
            None => self.secrets.delete_backup_codes(vault_id, id),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::super::memory::{MemoryDoc, MemorySecrets};
    use super::super::NewAccount;
    use super::*;
    use crate::otp::DigitsPolicy;
    use crate::{OtpParams, VaultDoc};

    type TestVault = Vault<MemorySecrets, MemoryDoc>;

    fn vault_with_account() -> (TestVault, AccountId) {
        let mut v = Vault::open(MemorySecrets::default(), MemoryDoc::default(), || {
            "vault-1".into()
        })
        .unwrap();
        let id = AccountId::from_random([1; 8]);
        let new = NewAccount {
            issuer: "GitHub".into(),
            name: "alice".into(),
            secret: Secret::from_bytes(b"12345678901234567890".to_vec()),
            params: OtpParams::totp_default(),
            notes: String::new(),
        };
        v.add(new, id.clone(), 100, DigitsPolicy::Manual).unwrap();
        (v, id)
    }

    fn set(codes: &[&str]) -> BackupCodes {
        BackupCodes::new(codes).unwrap()
    }

    fn saved(v: &TestVault) -> VaultDoc {
        VaultDoc::from_json(v.file.text.borrow().as_deref().unwrap()).unwrap()
    }

    #[test]
    fn store_use_and_count() {
        let (mut v, id) = vault_with_account();
        assert!(matches!(
            v.use_backup_code(&id, None, 1),
            Err(VaultError::NoBackupCodes(_))
        ));
        v.store_backup_codes(&id, &set(&["11111111", "22222222", "33333333"]), false, 200)
            .unwrap();
        assert_eq!(*v.use_backup_code(&id, None, 300).unwrap(), "11111111");
        assert_eq!(
            *v.use_backup_code(&id, Some("3333 3333"), 301).unwrap(),
            "33333333"
        );
        let summary = saved(&v).accounts[0].backup_codes.clone().unwrap();
        assert_eq!(
            (summary.total, summary.left, summary.stored_at),
            (3, 1, 200)
        );
        let stored = v.backup_codes(&id).unwrap();
        assert_eq!(stored.remaining(), 1);
        assert_eq!(stored.codes()[2].used_at(), Some(301));
        assert!(
            !v.file.text.borrow().as_deref().unwrap().contains("1111"),
            "no code in the document"
        );
    }

    #[test]
    fn replacing_needs_consent_and_forgets_the_old_set_and_its_offline_copy() {
        let (mut v, id) = vault_with_account();
        v.store_backup_codes(&id, &set(&["11111111", "22222222"]), false, 200)
            .unwrap();
        v.confirm_offline_copy(&id, "  printed, desk drawer ", 250)
            .unwrap();
        assert_eq!(
            saved(&v).accounts[0]
                .backup_codes
                .as_ref()
                .unwrap()
                .offline
                .as_ref()
                .unwrap()
                .place,
            "printed, desk drawer"
        );
        assert!(matches!(
            v.store_backup_codes(&id, &set(&["44444444"]), false, 300),
            Err(VaultError::BackupCodesExist(_))
        ));
        v.store_backup_codes(&id, &set(&["44444444"]), true, 300)
            .unwrap();
        let summary = saved(&v).accounts[0].backup_codes.clone().unwrap();
        assert_eq!((summary.total, summary.offline), (1, None));
        let stored = v.backup_codes(&id).unwrap();
        assert_eq!(stored.codes()[0].code(), "44444444");
        assert!(matches!(
            v.use_backup_code(&id, Some("11111111"), 301),
            Err(VaultError::Backup(BackupError::Unknown))
        ));
    }

    #[test]
    fn failed_document_write_restores_the_keychain_item() {
        let (mut v, id) = vault_with_account();
        v.store_backup_codes(&id, &set(&["11111111", "22222222"]), false, 200)
            .unwrap();
        v.file.read_only.set(true);
        assert!(v.use_backup_code(&id, None, 300).is_err());
        assert!(v
            .store_backup_codes(&id, &set(&["55555555"]), true, 300)
            .is_err());
        v.file.read_only.set(false);
        let stored = v.backup_codes(&id).unwrap();
        assert_eq!(stored.remaining(), 2, "the use was undone");
        assert_eq!(stored.codes()[0].code(), "11111111", "the old set is back");
        assert_eq!(v.doc().accounts[0].backup_codes.as_ref().unwrap().left, 2);

        let (mut fresh, id) = vault_with_account();
        fresh.file.read_only.set(true);
        assert!(fresh
            .store_backup_codes(&id, &set(&["11111111"]), false, 200)
            .is_err());
        assert!(fresh.secrets.backup_items.borrow().is_empty(), "no orphan");
        assert_eq!(fresh.doc().accounts[0].backup_codes, None);
    }

    #[test]
    fn removing_an_account_removes_its_codes_or_nothing() {
        let (mut v, id) = vault_with_account();
        v.store_backup_codes(&id, &set(&["11111111"]), false, 200)
            .unwrap();
        v.secrets.refuse_secret_delete.set(true);
        assert!(v.remove(&id).is_err());
        assert_eq!(saved(&v).accounts.len(), 1, "the account is back");
        assert_eq!(
            v.backup_codes(&id).unwrap().codes()[0].code(),
            "11111111",
            "its codes are back"
        );
        v.secrets.refuse_secret_delete.set(false);
        v.remove(&id).unwrap();
        assert!(v.secrets.backup_items.borrow().is_empty());
        assert!(v.secrets.items.borrow().is_empty());
    }

    #[test]
    fn offline_copy_needs_codes_and_a_place() {
        let (mut v, id) = vault_with_account();
        assert!(matches!(
            v.confirm_offline_copy(&id, "drawer", 1),
            Err(VaultError::NoBackupCodes(_))
        ));
        v.store_backup_codes(&id, &set(&["11111111"]), false, 200)
            .unwrap();
        assert!(matches!(
            v.confirm_offline_copy(&id, "  ", 1),
            Err(VaultError::Backup(BackupError::NoPlace))
        ));
    }

    #[test]
    fn walkthrough_preference_is_saved() {
        let (mut v, _) = vault_with_account();
        v.set_backup_walkthrough(false).unwrap();
        assert!(saved(&v).skip_backup_walkthrough);
        v.set_backup_walkthrough(true).unwrap();
        assert!(!saved(&v).skip_backup_walkthrough);
    }
}
