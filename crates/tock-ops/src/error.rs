//! How operations fail: a code the UI can react to and one sentence for people, saying what is wrong and what
//! to do. The CLI prints the sentence after `error: `; over IPC it crosses as `{code, message}`, capitalised.
use serde::ser::{Serialize, SerializeStruct, Serializer};
use tock_core::vault::VaultError;
use ts_rs::TS;

/// What operations return.
pub type Result<T> = std::result::Result<T, Error>;

/// Error kinds the UI can react to.
#[derive(serde::Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
#[allow(missing_docs)]
pub enum ErrorCode {
    InvalidInput,
    Keychain,
    Storage,
    NotFound,
    SecretMissing,
    /// The app lock is on and the vault is not unlocked.
    Locked,
    /// The password does not open the vault, or a file's password is wrong: the person may try again.
    #[serde(rename = "wrong-password")]
    #[ts(rename = "wrong-password")]
    WrongPassword,
    /// Too soon after a wrong password.
    Wait,
    Internal,
}

/// A failed command: a code for the UI's logic and one sentence for people.
#[derive(Clone, Debug, PartialEq, Eq, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export, rename = "IpcError")]
pub struct Error {
    /// What kind of failure.
    pub code: ErrorCode,
    /// The sentence, as the CLI prints it (the UI gets it with a capital first letter).
    pub message: String,
}

impl Error {
    /// An error of this kind with this sentence.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
        }
    }

    /// Input that cannot be used.
    pub fn invalid(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }

    /// The vault is locked.
    pub fn locked() -> Self {
        Error::new(ErrorCode::Locked, tock_store::storage::LOCKED)
    }

    /// The account an id named is gone (deleted meanwhile, e.g. by the CLI).
    pub fn gone() -> Self {
        Error::new(ErrorCode::NotFound, "That account no longer exists.")
    }
}

impl Serialize for Error {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut out = serializer.serialize_struct("IpcError", 2)?;
        out.serialize_field("code", &self.code)?;
        out.serialize_field("message", &capitalise(&self.message))?;
        out.end()
    }
}

impl From<VaultError> for Error {
    fn from(e: VaultError) -> Self {
        use VaultError as E;
        let code = match &e {
            E::Store(s) if s.0 == tock_store::storage::LOCKED => ErrorCode::Locked,
            E::Store(s) if s.0.contains("keychain") => ErrorCode::Keychain,
            E::Store(_) | E::Doc(_) => ErrorCode::Storage,
            E::NotFound(_) | E::Ambiguous { .. } => ErrorCode::NotFound,
            E::SecretMissing(_) => ErrorCode::SecretMissing,
            E::Params(_) | E::Backup(_) | E::BackupCodesExist(_) => ErrorCode::InvalidInput,
            E::NoBackupCodes(_) | E::BackupCodesMissing(_) => ErrorCode::NotFound,
        };
        Error::new(code, e.to_string())
    }
}

/// Messages start with a capital letter in the UI; the CLI prints them after "error: ".
pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_cross_ipc_as_code_and_message() {
        let e = Error::new(ErrorCode::SecretMissing, "The secret is missing.");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "secret_missing", "message": "The secret is missing."})
        );
    }

    #[test]
    fn vault_errors_keep_their_words_for_the_cli_and_are_capitalised_for_the_ui() {
        let e = Error::from(VaultError::NotFound("bank".into()));
        assert_eq!(e.code, ErrorCode::NotFound);
        assert!(
            e.to_string().starts_with("no account matches \"bank\""),
            "{e}"
        );
        let json = serde_json::to_value(&e).unwrap();
        assert!(
            json["message"]
                .as_str()
                .unwrap()
                .starts_with("No account matches \"bank\""),
            "{json}"
        );
        let keychain = Error::from(VaultError::Store(tock_core::vault::StoreError(
            "the OS keychain is locked".into(),
        )));
        assert_eq!(keychain.code, ErrorCode::Keychain);
    }
}
