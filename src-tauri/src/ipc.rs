//! The types that cross IPC to the web UI. TypeScript twins are generated into ui/src/lib/bindings by
//! ts-rs (`cargo test -p tock` writes them; CI checks they are committed). Secrets never appear here,
//! except the setup key a person typed into the add form, travelling in the other direction.
use serde::{Deserialize, Serialize};
use tock_core::{Account, Algorithm, OtpKind};
use ts_rs::TS;
use zeroize::Zeroizing;

/// One account as the list shows it.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
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
    pub backup: crate::backup_window::BackupView,
}

/// "totp", "hotp" or "steam".
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "lowercase")]
#[ts(export)]
pub enum OtpKindName {
    Totp,
    Hotp,
    Steam,
}

/// "SHA1", "SHA256" or "SHA512".
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[ts(export)]
#[allow(clippy::upper_case_acronyms)]
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

fn kind_name(kind: OtpKind) -> OtpKindName {
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
            backup: crate::backup_window::BackupView::of(a.backup_codes.as_ref()),
        }
    }
}

/// The code of one account; codes are what the UI gets, never secrets.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CodeView {
    pub id: String,
    pub code: String,
    /// The code of the following period (TOTP and Steam).
    pub next_code: Option<String>,
    #[ts(type = "number | null")]
    pub valid_from_ms: Option<u64>,
    /// When the next code takes over; null for HOTP.
    #[ts(type = "number | null")]
    pub valid_until_ms: Option<u64>,
}

/// All current codes, sent on `codes-changed` and by `get_codes`.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CodesSnapshot {
    #[ts(type = "number")]
    pub generated_at_ms: u64,
    pub codes: Vec<CodeView>,
}

/// What a copy tells the person (never the code): the notification's title and body, and the window's toast.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct CopyReport {
    /// "Code copied: GitHub (alice)".
    pub title: String,
    /// How long the code stays valid and when the clipboard is cleared.
    pub body: String,
    /// "Copied", "Copied: 3 s left" or "Copied the next code".
    pub toast: String,
}

/// An account typed in by hand (the sites' "can't scan? enter this key").
#[derive(Deserialize, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
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

impl From<&tock_core::vault::NewAccount> for AddPreview {
    fn from(new: &tock_core::vault::NewAccount) -> Self {
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

/// Error kinds the UI can react to.
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    InvalidInput,
    Keychain,
    Storage,
    NotFound,
    SecretMissing,
    Internal,
}

/// A failed command: a code for the UI's logic and one sentence for people.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS, thiserror::Error)]
#[error("{message}")]
#[ts(export)]
pub struct IpcError {
    pub code: ErrorCode,
    pub message: String,
}

impl IpcError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        IpcError {
            code,
            message: message.into(),
        }
    }
}

impl From<tock_core::vault::VaultError> for IpcError {
    fn from(e: tock_core::vault::VaultError) -> Self {
        use tock_core::vault::VaultError as E;
        let code = match &e {
            E::Store(s) if s.0.contains("keychain") => ErrorCode::Keychain,
            E::Store(_) | E::Doc(_) => ErrorCode::Storage,
            E::NotFound(_) | E::Ambiguous { .. } => ErrorCode::NotFound,
            E::SecretMissing(_) => ErrorCode::SecretMissing,
            E::Params(_) | E::Backup(_) | E::BackupCodesExist(_) => ErrorCode::InvalidInput,
            E::NoBackupCodes(_) | E::BackupCodesMissing(_) => ErrorCode::NotFound,
        };
        IpcError::new(code, capitalise(&e.to_string()))
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
        let e = IpcError::new(ErrorCode::SecretMissing, "The secret is missing.");
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::json!({"code": "secret_missing", "message": "The secret is missing."})
        );
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
}

/// An account found by a scan, waiting for the person to review it. Its secret stays in Rust, under
/// `token`, until `save_scanned` or `discard_scanned`.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScannedAccount {
    pub token: String,
    /// Issuer, name, kind, algorithm, digits, period and counter.
    #[serde(flatten)]
    #[ts(flatten)]
    pub account: AddPreview,
    /// The code to type on the site to finish turning on two-factor authentication.
    pub first_code: String,
    /// Accounts already in the vault with the same issuer and name, or the same secret.
    pub duplicates: Vec<AccountView>,
}

/// Progress through a Google Authenticator export of several QR codes.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct BatchProgress {
    pub scanned: u32,
    pub total: u32,
    /// E.g. "Batch 2 of 3 scanned".
    pub message: String,
}

/// What a scan (screen, clipboard, dropped files) found.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ScanReport {
    /// "screen", "clipboard" or the dropped files' names.
    pub source: String,
    pub accounts: Vec<ScannedAccount>,
    /// One sentence per thing worth knowing: non-authenticator codes, unusable entries, nothing found.
    pub notes: Vec<String>,
    pub batch: Option<BatchProgress>,
}

/// A camera the person can choose in the camera dialog.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CameraInfo {
    /// What `start_camera` takes.
    pub id: String,
    /// The camera's name, e.g. "Integrated Camera" or "Recorded frames (/tmp/frames)".
    pub label: String,
}

/// A QR code in the latest decoded camera frame, for the outline over the preview.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SeenCode {
    /// The code's corners in frame pixels (top-left, top-right, bottom-right, bottom-left of the code).
    pub corners: Vec<[f32; 2]>,
    /// An otpauth:// or otpauth-migration:// code (anything else is outlined but not taken).
    pub authenticator: bool,
}

/// What the camera session tells the camera dialog, as JSON messages on its channel (preview frames travel on
/// the same channel as raw JPEG bytes).
#[derive(Serialize, Clone, Debug, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum CameraEvent {
    /// The QR codes in the latest decoded frame (`width`×`height` pixels); sent when they change.
    Seen {
        width: u32,
        height: u32,
        codes: Vec<SeenCode>,
    },
    /// An authenticator code was read: the camera is already released, and this goes to the review.
    Report { report: ScanReport },
    /// The camera failed or stopped sending pictures; it is released.
    Failed { error: IpcError },
}
