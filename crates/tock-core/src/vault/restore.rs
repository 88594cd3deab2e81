//! The vault's rules for restoring a backup: accounts added with their backup codes, sign-in method and dates
//! in one step, and an existing account's secret (and the rest) replaced by the backup's.
//!
//! The invariant of [`super`] holds: every item is written to the keychain first and the document second, and
//! a failure puts back what was there before (deletes what was added, restores the old secret and codes), so
//! no account lacks its secret, no summary lacks its codes and nothing is left that the document does not list.
use super::{DocStore, NewAccount, SecretStore, Vault, VaultError};
use crate::backup::{BackupCodes, BackupSummary, OfflineCopy};
use crate::otp::DigitsPolicy;
use crate::{Account, AccountId, Secret, SignInMethod};

/// An account from a backup, to add or to put in place of an existing one.
#[derive(Clone, Debug)]
pub struct Restored {
    /// Issuer, name, secret, parameters and notes.
    pub account: NewAccount,
    /// Pinned to the top.
    pub favourite: bool,
    /// Its backup codes, with their used marks.
    pub backup_codes: Option<BackupCodes>,
    /// When the codes were stored (Unix seconds; the restore time if unknown).
    pub backup_codes_stored_at: Option<u64>,
    /// The copy of the codes kept away from the computer.
    pub offline_copy: Option<OfflineCopy>,
    /// How the person signs in to the site.
    pub sign_in: Option<SignInMethod>,
    /// When it was first added (Unix seconds; the restore time if unknown).
    pub added_at: Option<u64>,
    /// When its code was last copied.
    pub last_used: Option<u64>,
}

impl Restored {
    fn summary(&self, now: u64) -> Option<BackupSummary> {
        self.backup_codes.as_ref().map(|codes| BackupSummary {
            offline: self.offline_copy.clone(),
            ..codes.summary(self.backup_codes_stored_at.unwrap_or(now))
        })
    }
}

impl<S: SecretStore, D: DocStore> Vault<S, D> {
    /// Adds the accounts of a backup in one step: each secret and set of codes first, then the document,
    /// written once. If any item cannot be stored or the document cannot be written, the items stored so far
    /// are deleted again and nothing is added. All are checked before anything is stored.
    pub fn restore_many(
        &mut self,
        items: Vec<(AccountId, Restored)>,
        now: u64,
        policy: DigitsPolicy,
    ) -> Result<&[Account], VaultError> {
        for (_, r) in &items {
            r.account.params.validate(policy)?;
        }
        let vault_id = self.doc.vault_id.clone();
        let first = self.doc.accounts.len();
        let mut stored: Vec<AccountId> = Vec::with_capacity(items.len());
        let undo = |secrets: &S, stored: &[AccountId]| {
            for id in stored {
                let _ = secrets.delete_backup_codes(&vault_id, id);
                let _ = secrets.delete(&vault_id, id);
            }
        };
        let mut accounts = Vec::with_capacity(items.len());
        for (id, r) in items {
            let backup_codes = r.summary(now);
            let account = Account {
                id,
                issuer: r.account.issuer,
                name: r.account.name,
                params: r.account.params,
                added_at: r.added_at.unwrap_or(now),
                notes: r.account.notes,
                backup_codes,
                favourite: r.favourite,
                last_used: r.last_used,
                sign_in: r.sign_in,
            };
            let label = account.label();
            let written = self
                .secrets
                .put(&vault_id, &account.id, &label, &r.account.secret)
                .and_then(|()| match &r.backup_codes {
                    Some(codes) => self.secrets.put_backup_codes(
                        &vault_id,
                        &account.id,
                        &label,
                        &codes.to_secret(),
                    ),
                    None => Ok(()),
                });
            if let Err(e) = written {
                // This account's secret may be stored already: delete it with the others.
                stored.push(account.id);
                undo(&self.secrets, &stored);
                return Err(e.into());
            }
            stored.push(account.id.clone());
            accounts.push(account);
        }
        self.doc.accounts.extend(accounts);
        if let Err(e) = self.save() {
            self.doc.accounts.truncate(first);
            undo(&self.secrets, &stored);
            return Err(e);
        }
        Ok(&self.doc.accounts[first..])
    }

    /// Puts the backup's version of an account in place of account `id`: its secret, parameters, issuer, name,
    /// notes, favourite and sign-in method. Its backup codes are replaced when the backup has a set; without
    /// one the stored set is kept. The id, and when it was added, stay. The new secret and codes are written
    /// first; if the document cannot be written, the old secret and codes are put back.
    pub fn replace_account(
        &mut self,
        id: &AccountId,
        r: Restored,
        now: u64,
        policy: DigitsPolicy,
    ) -> Result<&Account, VaultError> {
        r.account.params.validate(policy)?;
        let index = self.index(id)?;
        let before = self.doc.accounts[index].clone();
        let vault_id = self.doc.vault_id.clone();
        let old_secret = self.secrets.get(&vault_id, id)?;
        let old_codes = self.secrets.get_backup_codes(&vault_id, id)?;
        let label = before.label();
        self.secrets.put(&vault_id, id, &label, &r.account.secret)?;
        let put_back_secret = |secrets: &S, old: &Option<Secret>| {
            let _ = match old {
                Some(secret) => secrets.put(&vault_id, id, &label, secret),
                None => secrets.delete(&vault_id, id),
            };
        };
        if let Some(codes) = &r.backup_codes {
            if let Err(e) = self
                .secrets
                .put_backup_codes(&vault_id, id, &label, &codes.to_secret())
            {
                put_back_secret(&self.secrets, &old_secret);
                return Err(e.into());
            }
        }
        let summary = r.summary(now);
        let account = &mut self.doc.accounts[index];
        account.issuer = r.account.issuer;
        account.name = r.account.name;
        account.params = r.account.params;
        account.notes = r.account.notes;
        account.favourite = r.favourite;
        account.sign_in = r.sign_in.or(before.sign_in);
        account.last_used = r.last_used.max(before.last_used);
        if summary.is_some() {
            account.backup_codes = summary;
        }
        if let Err(e) = self.save() {
            self.doc.accounts[index] = before;
            put_back_secret(&self.secrets, &old_secret);
            if r.backup_codes.is_some() {
                let _ = match &old_codes {
                    Some(item) => self.secrets.put_backup_codes(&vault_id, id, &label, item),
                    None => self.secrets.delete_backup_codes(&vault_id, id),
                };
            }
            return Err(e);
        }
        Ok(&self.doc.accounts[index])
    }
}

#[cfg(test)]
mod tests {
    use super::super::memory::{MemoryDoc, MemorySecrets};
    use super::*;
    use crate::{OtpParams, VaultDoc};

    type TestVault = Vault<MemorySecrets, MemoryDoc>;

    fn vault() -> TestVault {
        Vault::open(MemorySecrets::default(), MemoryDoc::default(), || {
            "vault-1".into()
        })
        .unwrap()
    }

    fn id(n: u8) -> AccountId {
        AccountId::from_random([n; 8])
    }

    fn restored(issuer: &str, secret: &[u8], with_codes: bool) -> Restored {
        let mut codes = BackupCodes::new(["aaaa-1111", "bbbb-2222"]).unwrap();
        codes.mark_used(None, 50).unwrap();
        Restored {
            account: NewAccount {
                issuer: issuer.into(),
                name: "alice".into(),
                secret: Secret::from_bytes(secret.to_vec()),
                params: OtpParams::totp_default(),
                notes: "from the backup".into(),
            },
            favourite: true,
            backup_codes: with_codes.then_some(codes),
            backup_codes_stored_at: Some(40),
            offline_copy: Some(OfflineCopy {
                confirmed_at: 45,
                place: "safe".into(),
            }),
            sign_in: Some(SignInMethod::Password),
            added_at: Some(10),
            last_used: Some(60),
        }
    }

    fn saved(v: &TestVault) -> VaultDoc {
        VaultDoc::from_json(v.file.text.borrow().as_deref().unwrap()).unwrap()
    }

    #[test]
    fn restoring_adds_accounts_with_their_codes_and_extras_in_one_write() {
        let mut v = vault();
        let added = v
            .restore_many(
                vec![
                    (id(1), restored("GitHub", b"secret one 12345", true)),
                    (id(2), restored("Bank", b"secret two 12345", false)),
                ],
                100,
                DigitsPolicy::Import,
            )
            .unwrap();
        assert_eq!(added.len(), 2);
        let doc = saved(&v);
        let github = &doc.accounts[0];
        assert_eq!(github.added_at, 10);
        assert_eq!(github.last_used, Some(60));
        assert_eq!(github.sign_in, Some(SignInMethod::Password));
        assert!(github.favourite);
        let summary = github.backup_codes.as_ref().unwrap();
        assert_eq!((summary.total, summary.left, summary.stored_at), (2, 1, 40));
        assert_eq!(summary.offline.as_ref().unwrap().place, "safe");
        assert!(doc.accounts[1].backup_codes.is_none());
        let codes = v.backup_codes(&id(1)).unwrap();
        assert_eq!(codes.codes()[0].used_at(), Some(50));
        assert_eq!(v.secret(&id(2)).unwrap().as_bytes(), b"secret two 12345");
        assert_eq!(v.secrets().backup_items.borrow().len(), 1);
    }

    #[test]
    fn a_failed_restore_leaves_nothing_behind() {
        let mut v = vault();
        v.file.read_only.set(true);
        let items = vec![
            (id(1), restored("GitHub", b"secret one 12345", true)),
            (id(2), restored("Bank", b"secret two 12345", true)),
        ];
        assert!(v
            .restore_many(items.clone(), 100, DigitsPolicy::Import)
            .is_err());
        assert!(v.doc().accounts.is_empty());
        assert!(v.secrets().items.borrow().is_empty());
        assert!(v.secrets().backup_items.borrow().is_empty());
        v.file.read_only.set(false);

        let mut bad = items;
        bad[1].1.account.params.digits = 12;
        assert!(v.restore_many(bad, 100, DigitsPolicy::Import).is_err());
        assert!(v.secrets().items.borrow().is_empty(), "checked first");
    }

    #[test]
    fn replacing_puts_the_backups_secret_and_codes_in_place() {
        let mut v = vault();
        v.add(
            restored("GitHub", b"old secret 123456", false).account,
            id(1),
            5,
            DigitsPolicy::Manual,
        )
        .unwrap();
        v.replace_account(
            &id(1),
            restored("GitHub", b"new secret 123456", true),
            100,
            DigitsPolicy::Import,
        )
        .unwrap();
        assert_eq!(v.secret(&id(1)).unwrap().as_bytes(), b"new secret 123456");
        let doc = saved(&v);
        assert_eq!(doc.accounts[0].added_at, 5, "when it was added stays");
        assert_eq!(doc.accounts[0].notes, "from the backup");
        assert_eq!(doc.accounts[0].backup_codes.as_ref().unwrap().left, 1);
        assert_eq!(v.backup_codes(&id(1)).unwrap().total(), 2);

        // Without codes in the backup, the stored set stays.
        v.replace_account(
            &id(1),
            restored("GitHub", b"third secret 1234", false),
            100,
            DigitsPolicy::Import,
        )
        .unwrap();
        assert_eq!(v.backup_codes(&id(1)).unwrap().total(), 2);
    }

    #[test]
    fn a_failed_replace_puts_the_old_secret_and_codes_back() {
        let mut v = vault();
        v.add(
            restored("GitHub", b"old secret 123456", false).account,
            id(1),
            5,
            DigitsPolicy::Manual,
        )
        .unwrap();
        let before = saved(&v);
        v.file.read_only.set(true);
        assert!(v
            .replace_account(
                &id(1),
                restored("Renamed", b"new secret 123456", true),
                100,
                DigitsPolicy::Import,
            )
            .is_err());
        v.file.read_only.set(false);
        assert_eq!(v.secret(&id(1)).unwrap().as_bytes(), b"old secret 123456");
        assert!(v.secrets().backup_items.borrow().is_empty());
        assert_eq!(v.doc(), &before, "memory matches the file");
        assert!(matches!(
            v.replace_account(
                &id(9),
                restored("x", b"x", false),
                100,
                DigitsPolicy::Import
            ),
            Err(VaultError::NotFound(_))
        ));
    }
}
