//! The account model and the vault document that lists accounts (everything but secrets).
use serde::{Deserialize, Serialize};

use crate::backup::BackupSummary;
use crate::OtpParams;

/// An account's stable identifier: 16 lowercase hex characters, made by the caller from random bytes.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AccountId(String);

impl AccountId {
    /// Builds an id from 8 random bytes (the caller supplies the randomness).
    pub fn from_random(bytes: [u8; 8]) -> Self {
        AccountId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Accepts an id typed by a person or read from a file.
    pub fn parse(text: &str) -> Option<Self> {
        let ok = text.len() == 16
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| AccountId(text.to_owned()))
    }

    /// The id text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AccountId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// One account's metadata. The secret lives in the keychain under the vault id and this id.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Stable id.
    pub id: AccountId,
    /// The service, e.g. "GitHub".
    pub issuer: String,
    /// The account at that service, e.g. "alice@example.com".
    pub name: String,
    /// Kind, algorithm, digits, period or counter.
    #[serde(flatten)]
    pub params: OtpParams,
    /// When it was added, in Unix seconds.
    pub added_at: u64,
    /// Free text the user keeps with the account.
    #[serde(default)]
    pub notes: String,
    /// Counts and dates of its backup codes (the codes are in the keychain); `None`: none stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_codes: Option<BackupSummary>,
    /// Pinned to the top of the tray menu and the quick search.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub favourite: bool,
    /// When its code was last copied, in Unix seconds (orders "recently used" in the tray menu).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used: Option<u64>,
    /// How the person signs in to the site, if they said (shown when a sign-in fails).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in: Option<SignInMethod>,
}

/// How a person signs in to a site: what "I can't log in" help starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SignInMethod {
    /// A password (with this account's codes as the second step).
    Password,
    /// "Continue with Google".
    Google,
    /// "Continue with Microsoft".
    Microsoft,
    /// "Sign in with Apple".
    Apple,
    /// A phone number and a texted code.
    Phone,
    /// The organisation's single sign-on.
    Sso,
    /// A passkey.
    Passkey,
    /// Something else (the notes say what).
    Other,
}

impl SignInMethod {
    /// Every method, in the order people are asked.
    pub const ALL: [SignInMethod; 8] = [
        SignInMethod::Password,
        SignInMethod::Google,
        SignInMethod::Microsoft,
        SignInMethod::Apple,
        SignInMethod::Phone,
        SignInMethod::Sso,
        SignInMethod::Passkey,
        SignInMethod::Other,
    ];

    /// The lower-case id used in files and on the command line (`google`, `sso`, …).
    pub fn id(self) -> &'static str {
        match self {
            SignInMethod::Password => "password",
            SignInMethod::Google => "google",
            SignInMethod::Microsoft => "microsoft",
            SignInMethod::Apple => "apple",
            SignInMethod::Phone => "phone",
            SignInMethod::Sso => "sso",
            SignInMethod::Passkey => "passkey",
            SignInMethod::Other => "other",
        }
    }

    /// The method with this id, in any case.
    pub fn from_id(id: &str) -> Option<SignInMethod> {
        SignInMethod::ALL
            .into_iter()
            .find(|m| m.id().eq_ignore_ascii_case(id))
    }
}

impl Account {
    /// "Issuer (name)", "Issuer", or "name": how the account is named in messages.
    pub fn label(&self) -> String {
        match (self.issuer.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{} ({})", self.issuer, self.name),
            (false, true) => self.issuer.clone(),
            (true, false) => self.name.clone(),
            (true, true) => format!("unnamed account {}", self.id),
        }
    }

    fn matches(&self, needle: &str) -> bool {
        let hay = format!(
            "{} {} {}:{}",
            self.issuer, self.name, self.issuer, self.name
        )
        .to_lowercase();
        hay.contains(needle)
    }
}

/// The current vault document format version. Version 2 added backup-code summaries; version 1 files open
/// as they are (the new fields default) and are written back as version 2, which older Tocks refuse rather
/// than drop the summaries (and orphan the keychain items they describe).
pub const VAULT_VERSION: u32 = 2;

/// The vault document: written as JSON beside the app's data; never holds a secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultDoc {
    /// Format version; readers refuse versions they do not know.
    pub version: u32,
    /// Random id of this vault; keychain items carry it so that vaults never collide.
    pub vault_id: String,
    /// Accounts in display order.
    pub accounts: Vec<Account>,
    /// The person asked not to be walked through storing backup codes after each enrolment.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skip_backup_walkthrough: bool,
}

/// Why a vault document could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DocError {
    /// Not JSON, or not the expected shape.
    #[error("the vault file is damaged ({0}); restore it from a backup or move it away to start a new vault")]
    Corrupt(String),
    /// Written by a newer Tock.
    #[error("the vault file has format version {0}, which this Tock does not know; update Tock")]
    TooNew(u32),
}

/// What a search for one account found.
#[derive(Debug, PartialEq, Eq)]
pub enum Lookup<'a> {
    /// Exactly one account.
    One(&'a Account),
    /// No account matched.
    None,
    /// Several matched; the caller lists them.
    Many(Vec<&'a Account>),
}

impl VaultDoc {
    /// An empty vault with the given id.
    pub fn new(vault_id: String) -> Self {
        VaultDoc {
            version: VAULT_VERSION,
            vault_id,
            accounts: Vec::new(),
            skip_backup_walkthrough: false,
        }
    }

    /// Parses the JSON text of a vault file.
    pub fn from_json(text: &str) -> Result<Self, DocError> {
        #[derive(Deserialize)]
        struct Header {
            version: u32,
        }
        let header: Header =
            serde_json::from_str(text).map_err(|e| DocError::Corrupt(e.to_string()))?;
        if header.version > VAULT_VERSION {
            return Err(DocError::TooNew(header.version));
        }
        let mut doc: VaultDoc =
            serde_json::from_str(text).map_err(|e| DocError::Corrupt(e.to_string()))?;
        doc.version = VAULT_VERSION; // older versions are read compatibly and written as the current one
        Ok(doc)
    }

    /// Pretty JSON text of the document.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a vault document always serialises")
    }

    /// The account with this id.
    pub fn get(&self, id: &AccountId) -> Option<&Account> {
        self.accounts.iter().find(|a| &a.id == id)
    }

    /// Mutable access to the account with this id.
    pub fn get_mut(&mut self, id: &AccountId) -> Option<&mut Account> {
        self.accounts.iter_mut().find(|a| &a.id == id)
    }

    /// Finds one account by exact id, else by a case-insensitive search of "issuer name" and "issuer:name".
    /// An exact (case-insensitive) label match wins over partial matches.
    pub fn lookup(&self, query: &str) -> Lookup<'_> {
        if let Some(a) = AccountId::parse(query).and_then(|id| self.get(&id)) {
            return Lookup::One(a);
        }
        let needle = query.trim().to_lowercase();
        let found: Vec<&Account> = self
            .accounts
            .iter()
            .filter(|a| a.matches(&needle))
            .collect();
        let exact: Vec<&Account> = found
            .iter()
            .copied()
            .filter(|a| {
                [
                    a.issuer.to_lowercase(),
                    a.name.to_lowercase(),
                    format!("{}:{}", a.issuer, a.name).to_lowercase(),
                ]
                .contains(&needle)
            })
            .collect();
        match (found.len(), exact.len()) {
            (0, _) => Lookup::None,
            (1, _) => Lookup::One(found[0]),
            (_, 1) => Lookup::One(exact[0]),
            _ => Lookup::Many(found),
        }
    }

    /// Moves the account `id` to position `to` (clamped to the list).
    pub fn move_to(&mut self, id: &AccountId, to: usize) -> bool {
        let Some(from) = self.accounts.iter().position(|a| &a.id == id) else {
            return false;
        };
        let account = self.accounts.remove(from);
        let to = to.min(self.accounts.len());
        self.accounts.insert(to, account);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(n: u8, issuer: &str, name: &str) -> Account {
        Account {
            id: AccountId::from_random([n; 8]),
            issuer: issuer.into(),
            name: name.into(),
            params: OtpParams::totp_default(),
            added_at: 1_700_000_000,
            notes: String::new(),
            backup_codes: None,
            favourite: false,
            last_used: None,
            sign_in: None,
        }
    }

    fn doc() -> VaultDoc {
        let mut d = VaultDoc::new("v".into());
        d.accounts = vec![
            account(1, "GitHub", "alice"),
            account(2, "GitLab", "alice"),
            account(3, "Git", "bob"),
        ];
        d
    }

    #[test]
    fn lookup_by_id_search_and_ambiguity() {
        let d = doc();
        assert_eq!(d.lookup("0101010101010101"), Lookup::One(&d.accounts[0]));
        assert_eq!(d.lookup("gitlab"), Lookup::One(&d.accounts[1]));
        assert_eq!(
            d.lookup("Git"),
            Lookup::One(&d.accounts[2]),
            "exact issuer wins over partial matches"
        );
        assert_eq!(
            d.lookup("alice"),
            Lookup::Many(vec![&d.accounts[0], &d.accounts[1]])
        );
        assert_eq!(d.lookup("nobody"), Lookup::None);
    }

    #[test]
    fn json_round_trip_and_version_check() {
        let d = doc();
        assert_eq!(VaultDoc::from_json(&d.to_json()).unwrap(), d);
        assert!(matches!(
            VaultDoc::from_json(r#"{"version":99}"#),
            Err(DocError::TooNew(99))
        ));
        assert!(matches!(
            VaultDoc::from_json("{not json"),
            Err(DocError::Corrupt(_))
        ));
    }

    #[test]
    fn version_1_files_open_with_defaults_and_are_written_as_the_current_version() {
        let v1 = r#"{"version":1,"vault_id":"v","accounts":[{"id":"0101010101010101","issuer":"GitHub",
            "name":"alice","kind":"totp","period":30,"algorithm":"SHA1","digits":6,"added_at":5}]}"#;
        let d = VaultDoc::from_json(v1).unwrap();
        assert_eq!(d.accounts[0].backup_codes, None);
        assert!(!d.accounts[0].favourite);
        assert_eq!(d.accounts[0].last_used, None);
        assert!(!d.skip_backup_walkthrough);
        let written: serde_json::Value = serde_json::from_str(&d.to_json()).unwrap();
        assert_eq!(written["version"], VAULT_VERSION);
        assert!(
            ["backup_codes", "favourite", "last_used"]
                .iter()
                .all(|k| written["accounts"][0].get(k).is_none()),
            "absent fields stay absent"
        );
    }

    #[test]
    fn move_to_reorders_and_clamps() {
        let mut d = doc();
        let id = d.accounts[0].id.clone();
        assert!(d.move_to(&id, 99));
        assert_eq!(d.accounts[2].id, id);
        assert!(!d.move_to(&AccountId::from_random([9; 8]), 0));
    }
}
