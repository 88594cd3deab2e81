//! Accounts: the views the list shows, adding (from a URI or typed in), renaming, moving, favourites,
//! deleting, and the quick-access order of the tray and the quick search.
use serde::{Deserialize, Serialize};
use tock_core::otp::DigitsPolicy;
use tock_core::vault::{DocStore, NewAccount, SecretStore};
use tock_core::{
    Account, AccountId, Algorithm, OtpAuthUri, OtpKind, OtpParams, Secret, SignInMethod,
};
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::backup::BackupView;
use crate::{Error, Result, Session};

/// One account as the list shows it.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct AccountView {
    pub id: String,
    pub issuer: String,
    pub name: String,
    pub kind: OtpKindName,
    pub algorithm: AlgorithmName,
    pub digits: u8,
    pub period: Option<u32>,
    #[ts(type = "number | null")]
    pub counter: Option<u64>,
    /// Unix seconds.
    #[ts(type = "number")]
    pub added_at: u64,
    pub notes: String,
    /// Pinned to the top of the tray menu and the quick search.
    pub favourite: bool,
    /// Its backup codes' counts and recovery risks (never a code).
    pub backup: BackupView,
    /// How the person signs in to the site, if they said.
    #[ts(as = "Option<SignInMethodName>")]
    pub sign_in: Option<SignInMethod>,
}

/// The longest notes kept with an account.
pub const MAX_NOTES_BYTES: usize = 16 * 1024;

// The TypeScript twin of the core's `SignInMethod` (the core has no ts-rs); never built: `AccountView::sign_in`
// holds the core's type, which serialises the same way.
/// How a person signs in to a site ("password", "google", …).
#[derive(Serialize, Clone, Copy, Debug, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "SignInMethod")]
#[allow(missing_docs, dead_code)]
enum SignInMethodName {
    Password,
    Google,
    Microsoft,
    Apple,
    Phone,
    Sso,
    Passkey,
    Other,
}

/// "totp", "hotp" or "steam".
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
#[allow(missing_docs)]
pub enum OtpKindName {
    Totp,
    Hotp,
    Steam,
}

/// "SHA1", "SHA256" or "SHA512".
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[ts(export)]
#[allow(clippy::upper_case_acronyms, missing_docs)]
pub enum AlgorithmName {
    SHA1,
    SHA256,
    SHA512,
}

impl From<Algorithm> for AlgorithmName {
    fn from(a: Algorithm) -> Self {
        match a {
            Algorithm::Sha1 => AlgorithmName::SHA1,
            Algorithm::Sha256 => AlgorithmName::SHA256,
            Algorithm::Sha512 => AlgorithmName::SHA512,
        }
    }
}

impl From<AlgorithmName> for Algorithm {
    fn from(a: AlgorithmName) -> Self {
        match a {
            AlgorithmName::SHA1 => Algorithm::Sha1,
            AlgorithmName::SHA256 => Algorithm::Sha256,
            AlgorithmName::SHA512 => Algorithm::Sha512,
        }
    }
}

pub(crate) fn kind_name(kind: OtpKind) -> OtpKindName {
    match kind {
        OtpKind::Totp { .. } => OtpKindName::Totp,
        OtpKind::Hotp { .. } => OtpKindName::Hotp,
        OtpKind::Steam { .. } => OtpKindName::Steam,
    }
}

impl From<&Account> for AccountView {
    fn from(a: &Account) -> Self {
        AccountView {
            id: a.id.to_string(),
            issuer: a.issuer.clone(),
            name: a.name.clone(),
            kind: kind_name(a.params.kind),
            algorithm: a.params.algorithm.into(),
            digits: a.params.digits,
            period: a.params.period(),
            counter: a.params.counter(),
            added_at: a.added_at,
            notes: a.notes.clone(),
            favourite: a.favourite,
            backup: BackupView::of(a.backup_codes.as_ref()),
            sign_in: a.sign_in,
        }
    }
}

/// An account typed in by hand (the sites' "can't scan? enter this key").
#[derive(Deserialize, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct ManualEntry {
    pub issuer: String,
    pub name: String,
    /// The setup key; zeroized when dropped.
    #[ts(type = "string")]
    pub secret: Zeroizing<String>,
    pub kind: OtpKindName,
    pub algorithm: AlgorithmName,
    pub digits: u8,
    pub period: u32,
    #[ts(type = "number")]
    pub counter: u64,
}

/// What the add dialog sends.
#[derive(Deserialize, Debug, TS)]
#[serde(tag = "type", rename_all = "lowercase")]
#[ts(export)]
#[allow(missing_docs)]
pub enum AddRequest {
    Uri {
        #[ts(type = "string")]
        uri: Zeroizing<String>,
    },
    Manual(ManualEntry),
}

/// What an add request would create (no secret).
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct AddPreview {
    pub issuer: String,
    pub name: String,
    pub kind: OtpKindName,
    pub algorithm: AlgorithmName,
    pub digits: u8,
    pub period: Option<u32>,
    #[ts(type = "number | null")]
    pub counter: Option<u64>,
}

impl From<&NewAccount> for AddPreview {
    fn from(new: &NewAccount) -> Self {
        AddPreview {
            issuer: new.issuer.clone(),
            name: new.name.clone(),
            kind: kind_name(new.params.kind),
            algorithm: new.params.algorithm.into(),
            digits: new.params.digits,
            period: new.params.period(),
            counter: new.params.counter(),
        }
    }
}

impl AddRequest {
    /// The account this request describes and the digit range it may use (a URI may carry what a site chose;
    /// a person typing is held to 6–8), or why it cannot be one.
    pub fn to_new_account(&self) -> Result<(NewAccount, DigitsPolicy)> {
        match self {
            AddRequest::Uri { uri } => {
                let parsed: OtpAuthUri = uri
                    .trim()
                    .parse()
                    .map_err(|e: tock_core::uri::UriError| Error::invalid(e.to_string()))?;
                Ok((NewAccount::from(parsed), DigitsPolicy::Import))
            }
            AddRequest::Manual(m) => {
                let issuer = m.issuer.trim().to_owned();
                let name = m.name.trim().to_owned();
                if issuer.is_empty() && name.is_empty() {
                    return Err(Error::invalid(
                        "give the account a name: the site (e.g. GitHub) or your account name there",
                    ));
                }
                let secret =
                    Secret::from_base32(&m.secret).map_err(|e| Error::invalid(e.to_string()))?;
                let (kind, digits) = match m.kind {
                    OtpKindName::Totp => (OtpKind::Totp { period: m.period }, m.digits),
                    OtpKindName::Hotp => (OtpKind::Hotp { counter: m.counter }, m.digits),
                    OtpKindName::Steam => (OtpKind::Steam { period: m.period }, 5),
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
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Accounts in display order.
    pub fn accounts(&self) -> Result<Vec<AccountView>> {
        self.with_vault(|vault| Ok(vault.doc().accounts.iter().map(AccountView::from).collect()))
    }

    /// The accounts in quick-access order ([`quick_order`]), for the quick search.
    pub fn quick_accounts(&self) -> Result<Vec<AccountView>> {
        self.with_vault(|vault| {
            let ordered = quick_order(&vault.doc().accounts);
            Ok(ordered.into_iter().map(AccountView::from).collect())
        })
    }

    /// Checks an add request without saving anything.
    pub fn preview(&self, request: &AddRequest) -> Result<AddPreview> {
        let (new, policy) = request.to_new_account()?;
        new.params
            .validate(policy)
            .map_err(|e| Error::invalid(e.to_string()))?;
        Ok(AddPreview::from(&new))
    }

    /// Adds an account at `now` (Unix seconds); its secret goes to the keychain, the rest to the vault file.
    pub fn add(&self, request: &AddRequest, now: u64) -> Result<AccountView> {
        let (new, policy) = request.to_new_account()?;
        self.add_new(new, policy, now)
    }

    /// Adds an account already checked into a [`NewAccount`].
    pub fn add_new(&self, new: NewAccount, policy: DigitsPolicy, now: u64) -> Result<AccountView> {
        let secret = new.secret.clone();
        let mut inner = self.lock();
        let (vault, secrets, _) = inner.parts()?;
        vault.reload()?;
        let account = vault.add(new, tock_store::new_account_id(), now, policy)?;
        secrets.insert(account.id.clone(), secret);
        Ok(AccountView::from(account))
    }

    /// Renames an account (issuer and account name, trimmed).
    pub fn rename(&self, id: &AccountId, issuer: &str, name: &str) -> Result<AccountView> {
        self.change(id, |vault| {
            vault.rename(id, issuer.trim().to_owned(), name.trim().to_owned())
        })
    }

    /// Pins an account to the top of the tray menu and the quick search, or unpins it.
    pub fn set_favourite(&self, id: &AccountId, favourite: bool) -> Result<AccountView> {
        self.change(id, |vault| vault.set_favourite(id, favourite))
    }

    /// Records how the person signs in to the site, and their notes (trimmed at the end).
    pub fn set_sign_in(
        &self,
        id: &AccountId,
        method: Option<SignInMethod>,
        notes: &str,
    ) -> Result<AccountView> {
        if notes.len() > MAX_NOTES_BYTES {
            return Err(Error::invalid(format!(
                "notes can be at most {} KiB; shorten them",
                MAX_NOTES_BYTES / 1024
            )));
        }
        let notes = notes.trim_end().to_owned();
        self.change(id, |vault| vault.set_sign_in(id, method, notes))
    }

    /// Moves an account to position `to` of the list.
    pub fn move_to(&self, id: &AccountId, to: usize) -> Result<()> {
        self.with_vault(|vault| Ok(vault.move_to(id, to)?))
    }

    /// Deletes an account, its keychain item and its backup codes; returns the account as it was.
    pub fn delete(&self, id: &AccountId) -> Result<Account> {
        let mut inner = self.lock();
        let (vault, secrets, _) = inner.parts()?;
        vault.reload()?;
        let removed = vault.remove(id)?;
        secrets.remove(id);
        Ok(removed)
    }

    /// Changes one account with `f` and returns it as it is now.
    pub(crate) fn change(
        &self,
        id: &AccountId,
        f: impl FnOnce(
            &mut tock_core::vault::Vault<S, D>,
        ) -> std::result::Result<(), tock_core::vault::VaultError>,
    ) -> Result<AccountView> {
        self.with_vault(|vault| {
            f(vault)?;
            let account = vault.doc().get(id).ok_or_else(Error::gone)?;
            Ok(AccountView::from(account))
        })
    }
}

/// Accounts in quick-access order: favourites (in display order), then the recently used (newest first),
/// then the rest (in display order). The tray menu and the quick search both list them so.
pub fn quick_order(accounts: &[Account]) -> Vec<&Account> {
    let favourites = accounts.iter().filter(|a| a.favourite);
    let mut recent: Vec<&Account> = accounts
        .iter()
        .filter(|a| !a.favourite && a.last_used.is_some())
        .collect();
    // Stable: accounts used in the same second keep their display order.
    recent.sort_by_key(|a| std::cmp::Reverse(a.last_used));
    let rest = accounts
        .iter()
        .filter(|a| !a.favourite && a.last_used.is_none());
    favourites.chain(recent).chain(rest).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::parse_id;
    use crate::test_support::{memory_session, RFC_SEED_BASE32};

    fn manual(issuer: &str, name: &str, secret: &str, kind: OtpKindName) -> AddRequest {
        AddRequest::Manual(ManualEntry {
            issuer: issuer.into(),
            name: name.into(),
            secret: Zeroizing::new(secret.into()),
            kind,
            algorithm: AlgorithmName::SHA1,
            digits: 6,
            period: 30,
            counter: 0,
        })
    }

    #[test]
    fn add_requests_parse_from_the_ui_shape() {
        let uri: AddRequest = serde_json::from_value(
            serde_json::json!({"type": "uri", "uri": "otpauth://totp/X?secret=JBSWY3DPEHPK3PXP"}),
        )
        .unwrap();
        assert!(matches!(uri, AddRequest::Uri { .. }));
        let manual: AddRequest = serde_json::from_value(serde_json::json!({
            "type": "manual", "issuer": "GitHub", "name": "alice", "secret": "JBSW Y3DP", "kind": "totp",
            "algorithm": "SHA256", "digits": 8, "period": 30, "counter": 0
        }))
        .unwrap();
        let AddRequest::Manual(m) = manual else {
            panic!("expected manual")
        };
        assert_eq!(
            (m.algorithm, m.digits, m.kind),
            (AlgorithmName::SHA256, 8, OtpKindName::Totp)
        );
    }

    #[test]
    fn preview_saves_nothing_and_add_saves_trimmed_names() {
        let session = memory_session();
        let request = manual("  GitHub ", " alice ", RFC_SEED_BASE32, OtpKindName::Totp);
        let preview = session.preview(&request).unwrap();
        assert_eq!(
            (preview.issuer.as_str(), preview.name.as_str()),
            ("GitHub", "alice")
        );
        assert!(
            session.accounts().unwrap().is_empty(),
            "a preview adds nothing"
        );

        let view = session.add(&request, 1_700_000_000).unwrap();
        assert_eq!(
            (view.issuer.as_str(), view.name.as_str()),
            ("GitHub", "alice")
        );
        assert_eq!(view.added_at, 1_700_000_000);
        let listed = session.accounts().unwrap();
        assert_eq!(listed.len(), 1);
        assert_eq!(listed[0].id, view.id);
    }

    #[test]
    fn bad_requests_are_refused_with_a_sentence_and_add_nothing() {
        let session = memory_session();
        let unnamed = manual(" ", "", RFC_SEED_BASE32, OtpKindName::Totp);
        let e = session.add(&unnamed, 0).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::InvalidInput);
        assert!(e.message.starts_with("give the account a name"), "{e}");
        let bad_key = manual("GitHub", "alice", "not base32!", OtpKindName::Totp);
        assert_eq!(
            session.add(&bad_key, 0).unwrap_err().code,
            crate::ErrorCode::InvalidInput
        );
        let uri = AddRequest::Uri {
            uri: Zeroizing::new("https://example.com".into()),
        };
        assert_eq!(
            session.preview(&uri).unwrap_err().code,
            crate::ErrorCode::InvalidInput
        );
        assert!(session.accounts().unwrap().is_empty());
    }

    #[test]
    fn steam_keeps_its_five_characters_and_the_period_given() {
        let session = memory_session();
        let view = session
            .add(
                &manual("Steam", "gaben", RFC_SEED_BASE32, OtpKindName::Steam),
                0,
            )
            .unwrap();
        assert_eq!(
            (view.kind, view.digits, view.period),
            (OtpKindName::Steam, 5, Some(30))
        );
    }

    #[test]
    fn rename_move_favourite_and_delete() {
        let session = memory_session();
        let a = session
            .add(&manual("A", "alice", RFC_SEED_BASE32, OtpKindName::Totp), 1)
            .unwrap();
        let b = session
            .add(&manual("B", "bob", RFC_SEED_BASE32, OtpKindName::Hotp), 2)
            .unwrap();
        let (a_id, b_id) = (parse_id(&a.id).unwrap(), parse_id(&b.id).unwrap());

        let renamed = session.rename(&a_id, " Bank ", " alice ").unwrap();
        assert_eq!(
            (renamed.issuer.as_str(), renamed.name.as_str()),
            ("Bank", "alice")
        );
        session.move_to(&b_id, 0).unwrap();
        let order: Vec<String> = session
            .accounts()
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(order, [b.id.clone(), a.id.clone()]);

        assert!(session.set_favourite(&a_id, true).unwrap().favourite);
        let quick: Vec<String> = session
            .quick_accounts()
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(quick, [a.id.clone(), b.id.clone()], "favourites first");

        let removed = session.delete(&a_id).unwrap();
        assert_eq!(removed.label(), "Bank (alice)");
        assert_eq!(session.accounts().unwrap().len(), 1);
        assert_eq!(
            session.delete(&a_id).unwrap_err().code,
            crate::ErrorCode::NotFound
        );
        assert_eq!(session.find("bob").unwrap(), b_id);
    }

    #[test]
    fn the_quick_order_is_favourites_then_recently_used_then_the_rest() {
        let session = memory_session();
        let mut ids = Vec::new();
        for issuer in ["A", "B", "C", "D", "E"] {
            let view = session
                .add(
                    &manual(issuer, "alice", RFC_SEED_BASE32, OtpKindName::Totp),
                    0,
                )
                .unwrap();
            ids.push(parse_id(&view.id).unwrap());
        }
        session.set_favourite(&ids[3], true).unwrap();
        // Copying records the use: B at 100, then C at 300.
        let near = crate::settings::NearExpiry::Warn;
        session.pick_code(&ids[1], 100, near).unwrap();
        session.pick_code(&ids[2], 300, near).unwrap();
        let order: Vec<String> = session
            .quick_accounts()
            .unwrap()
            .into_iter()
            .map(|a| a.issuer)
            .collect();
        assert_eq!(order, ["D", "C", "B", "A", "E"]);
    }
}
