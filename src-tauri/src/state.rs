//! The app's state: the open vault and the secrets it has read from the keychain, behind one lock.
//! Commands and the tray call these methods; they know nothing of Tauri.
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use tock_core::otp::{self, DigitsPolicy};
use tock_core::vault::NewAccount;
use tock_core::{AccountId, OtpAuthUri, OtpKind, OtpParams, Secret};
use tock_store::DiskVault;

use crate::enrol::Pending;
use crate::ipc::{
    AccountView, AddPreview, AddRequest, CodeView, CodesSnapshot, ErrorCode, IpcError, OtpKindName,
    ScanReport,
};

type Result<T> = std::result::Result<T, IpcError>;

/// The vault (or why it could not be opened) and a cache of secrets, zeroized when dropped.
pub struct AppState {
    inner: Mutex<Inner>,
}

struct Inner {
    vault: std::result::Result<DiskVault, IpcError>,
    secrets: HashMap<AccountId, Secret>,
    pending: Pending,
}

impl AppState {
    /// Opens the vault in `data_dir`; a failure is kept and reported by every command. Secrets are read
    /// by [`AppState::preload`].
    pub fn open(data_dir: &Path) -> Self {
        let vault = tock_store::open_vault(data_dir).map_err(IpcError::from);
        AppState {
            inner: Mutex::new(Inner {
                vault,
                secrets: HashMap::new(),
                pending: Pending::default(),
            }),
        }
    }

    /// Reads the secrets from the keychain; called on a thread of its own at start-up, so the keychain and
    /// the webview start in parallel (the first `get_codes` waits for it). A keychain problem is reported
    /// when the UI asks for codes.
    pub fn preload(&self) {
        let _ = self.lock().load_secrets();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Accounts in display order.
    pub fn accounts(&self) -> Result<Vec<AccountView>> {
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        Ok(vault.doc().accounts.iter().map(AccountView::from).collect())
    }

    /// The vault document, re-read from its file.
    pub fn doc(&self) -> Result<tock_core::VaultDoc> {
        self.with_vault(|vault| Ok(vault.doc().clone()))
    }

    /// Runs `f` on the vault, re-read from its file first (favourites, the tray menu, copying).
    pub fn with_vault<T>(&self, f: impl FnOnce(&mut DiskVault) -> Result<T>) -> Result<T> {
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        f(vault)
    }

    /// Every account's current code at `now_ms`; fails when secrets cannot be read from the keychain.
    pub fn snapshot(&self, now_ms: u64) -> Result<CodesSnapshot> {
        let mut inner = self.lock();
        inner.load_secrets()?;
        let now = now_ms / 1000;
        let vault = inner.vault_ref()?;
        let mut codes = Vec::with_capacity(vault.doc().accounts.len());
        for account in &vault.doc().accounts {
            let Some(secret) = inner.secrets.get(&account.id) else {
                continue;
            };
            let current = otp::code_at(secret, &account.params, now);
            let next_code = current
                .valid_until
                .map(|t| otp::code_at(secret, &account.params, t).code);
            codes.push(CodeView {
                id: account.id.to_string(),
                code: current.code,
                next_code,
                valid_from_ms: current.valid_from.map(|t| t * 1000),
                valid_until_ms: current.valid_until.map(|t| t * 1000),
            });
        }
        Ok(CodesSnapshot {
            generated_at_ms: now_ms,
            codes,
        })
    }

    /// The first moment after `now_ms` that is `lead_ms` before some code changes (see [`crate::ticks`]).
    pub fn next_change_ms(&self, now_ms: u64, lead_ms: u64) -> Option<u64> {
        let inner = self.lock();
        let vault = inner.vault.as_ref().ok()?;
        crate::ticks::next_event_ms(
            vault
                .doc()
                .accounts
                .iter()
                .filter_map(|a| a.params.period()),
            now_ms,
            lead_ms,
        )
    }

    /// The ids of the time-based accounts whose code changes within `window_ms` after `now_ms`.
    pub fn expiring(&self, now_ms: u64, window_ms: u64) -> Vec<String> {
        let inner = self.lock();
        let Ok(vault) = inner.vault.as_ref() else {
            return Vec::new();
        };
        vault
            .doc()
            .accounts
            .iter()
            .filter(|a| {
                a.params
                    .period()
                    .is_some_and(|p| crate::ticks::changes_within(p, now_ms, window_ms))
            })
            .map(|a| a.id.to_string())
            .collect()
    }

    /// Checks an add request without saving anything.
    pub fn preview(&self, request: &AddRequest) -> Result<AddPreview> {
        let (new, policy) = to_new_account(request)?;
        new.params.validate(policy).map_err(|e| {
            IpcError::new(
                ErrorCode::InvalidInput,
                crate::ipc::capitalise(&e.to_string()),
            )
        })?;
        Ok(AddPreview::from(&new))
    }

    /// Adds an account; its secret goes to the keychain, the rest to the vault file.
    pub fn add(&self, request: &AddRequest, now: u64) -> Result<AccountView> {
        let (new, policy) = to_new_account(request)?;
        let secret = new.secret.clone();
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        let view = AccountView::from(vault.add(new, tock_store::new_account_id(), now, policy)?);
        let id = AccountId::parse(&view.id).expect("ids we make parse");
        inner.secrets.insert(id, secret);
        Ok(view)
    }

    /// Renames an account.
    pub fn rename(&self, id: &str, issuer: String, name: String) -> Result<AccountView> {
        let id = parse_id(id)?;
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        vault.rename(&id, issuer.trim().to_owned(), name.trim().to_owned())?;
        Ok(AccountView::from(
            vault.doc().get(&id).expect("just renamed"),
        ))
    }

    /// Pins an account to the top of the tray menu and the quick search, or unpins it.
    pub fn set_favourite(&self, id: &str, favourite: bool) -> Result<AccountView> {
        let id = parse_id(id)?;
        self.with_vault(|vault| {
            vault.set_favourite(&id, favourite)?;
            Ok(AccountView::from(
                vault.doc().get(&id).expect("just changed"),
            ))
        })
    }

    /// Moves an account to position `to`.
    pub fn move_to(&self, id: &str, to: usize) -> Result<()> {
        let id = parse_id(id)?;
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        Ok(vault.move_to(&id, to)?)
    }

    /// Deletes an account and its keychain item.
    pub fn delete(&self, id: &str) -> Result<()> {
        let id = parse_id(id)?;
        let mut inner = self.lock();
        let vault = inner.vault_mut()?;
        vault.reload()?;
        vault.remove(&id)?;
        inner.secrets.remove(&id);
        Ok(())
    }
}

impl AppState {
    /// Turns the QR texts a scan found into accounts to review (secrets stay here under tokens).
    pub fn scan_report(&self, source: &str, texts: Vec<String>, now: u64) -> Result<ScanReport> {
        let mut inner = self.lock();
        let inner = &mut *inner;
        let vault = inner.vault.as_mut().map_err(|e| e.clone())?;
        vault.reload()?;
        let mut failure = None;
        let report = inner.pending.report(source, texts, now, |new| {
            match vault.duplicates_of(&new.issuer, &new.name, &new.secret) {
                Ok(found) => found.into_iter().map(AccountView::from).collect(),
                Err(e) => {
                    failure = Some(IpcError::from(e));
                    Vec::new()
                }
            }
        });
        match failure {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Saves a reviewed account; with `replace`, the accounts it duplicates are removed first.
    pub fn save_scanned(&self, token: &str, replace: bool, now: u64) -> Result<AccountView> {
        let mut inner = self.lock();
        let inner = &mut *inner;
        let new = inner.pending.take(token).ok_or_else(|| {
            IpcError::new(
                ErrorCode::NotFound,
                "That scanned account was already saved or discarded; scan again.",
            )
        })?;
        let vault = inner.vault.as_mut().map_err(|e| e.clone())?;
        vault.reload()?;
        if replace {
            let old: Vec<AccountId> = vault
                .duplicates_of(&new.issuer, &new.name, &new.secret)?
                .into_iter()
                .map(|a| a.id.clone())
                .collect();
            for id in old {
                vault.remove(&id)?;
                inner.secrets.remove(&id);
            }
        }
        let secret = new.secret.clone();
        let view = AccountView::from(vault.add(
            new,
            tock_store::new_account_id(),
            now,
            DigitsPolicy::Import,
        )?);
        inner.secrets.insert(
            AccountId::parse(&view.id).expect("ids we make parse"),
            secret,
        );
        Ok(view)
    }

    /// Forgets a scanned account without saving it.
    pub fn discard_scanned(&self, token: &str) {
        self.lock().pending.take(token);
    }
}

impl Inner {
    fn vault_ref(&self) -> Result<&DiskVault> {
        self.vault.as_ref().map_err(Clone::clone)
    }

    fn vault_mut(&mut self) -> Result<&mut DiskVault> {
        self.vault.as_mut().map_err(|e| e.clone())
    }

    /// Reads from the keychain the secrets not yet cached (after start-up or a change by the CLI).
    fn load_secrets(&mut self) -> Result<()> {
        let vault = self.vault.as_mut().map_err(|e| e.clone())?;
        vault.reload()?;
        let missing: Vec<AccountId> = vault
            .doc()
            .accounts
            .iter()
            .map(|a| a.id.clone())
            .filter(|id| !self.secrets.contains_key(id))
            .collect();
        // Missing items become rows without a code; `tock code` names the account and what to do.
        for (id, secret) in vault.secrets_of(&missing)? {
            self.secrets.insert(id, secret);
        }
        let known: std::collections::HashSet<&AccountId> =
            vault.doc().accounts.iter().map(|a| &a.id).collect();
        self.secrets.retain(|id, _| known.contains(id));
        Ok(())
    }
}

fn parse_id(id: &str) -> Result<AccountId> {
    AccountId::parse(id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "That account no longer exists."))
}

fn invalid(message: String) -> IpcError {
    IpcError::new(ErrorCode::InvalidInput, crate::ipc::capitalise(&message))
}

fn to_new_account(request: &AddRequest) -> Result<(NewAccount, DigitsPolicy)> {
    match request {
        AddRequest::Uri { uri } => {
            let parsed: OtpAuthUri = uri
                .trim()
                .parse()
                .map_err(|e: tock_core::uri::UriError| invalid(e.to_string()))?;
            Ok((NewAccount::from(parsed), DigitsPolicy::Import))
        }
        AddRequest::Manual(m) => {
            let issuer = m.issuer.trim().to_owned();
            let name = m.name.trim().to_owned();
            if issuer.is_empty() && name.is_empty() {
                return Err(invalid(
                    "give the account a name: the site (e.g. GitHub) or your account name there"
                        .into(),
                ));
            }
            let secret = Secret::from_base32(&m.secret).map_err(|e| invalid(e.to_string()))?;
            let (kind, digits) = match m.kind {
                OtpKindName::Totp => (OtpKind::Totp { period: m.period }, m.digits),
                OtpKindName::Hotp => (OtpKind::Hotp { counter: m.counter }, m.digits),
                OtpKindName::Steam => (OtpKind::Steam { period: 30 }, 5),
            };
            let params = OtpParams {
                kind,
                algorithm: m.algorithm.into(),
                digits,
            };
            Ok((
                NewAccount {
                    issuer,
                    name,
                    secret,
                    params,
                    notes: String::new(),
                },
                DigitsPolicy::Manual,
            ))
        }
    }
}
