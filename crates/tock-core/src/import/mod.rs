//! Importing the export files of other authenticators, in two phases like Aegis's importers.
//!
//! 1. [`read`] takes the file's bytes (and, optionally, the format the person chose) and recognises the format
//!    from the content, never from the file name. A plain file gives [`Read::Imported`]; an encrypted one gives
//!    [`Read::NeedsPassword`], an [`Encrypted`] value holding what was read.
//! 2. [`Encrypted::decrypt`] takes the password and gives the same [`Imported`] result.
//!
//! One bad entry never sinks the file: [`Imported::errors`] lists each entry that could not be imported with a
//! one-sentence reason, and the rest are in [`Imported::entries`]. A file that cannot be read at all is one
//! [`ImportError`], whose message is one lower-case sentence saying what is wrong and what to do (the CLI prints
//! it after `error: `).
//!
//! The supported formats are listed, alphabetically, in [`FORMATS`]; each has its own file here, whose `//!` doc
//! names the format's source, what it cannot carry and where its test fixtures come from. Files of other apps
//! that Tock recognises but does not import (LastPass, Proton Pass, apps' internal databases, …) are refused as a
//! whole with a sentence naming the export to make instead: never a partial import.
//!
//! Limits: a file is at most [`MAX_FILE_BYTES`]; key-derivation parameters read from a file are capped (see
//! [`limits`]) and a file asking for more is refused, not obeyed. Nothing here reads files, the clock or the
//! random number generator, and nothing secret reaches a `Debug` output or an error message.
use data_encoding::{Encoding, Specification};
use serde_json::Value;
use zeroize::Zeroizing;

use crate::otp::{DigitsPolicy, STEAM_DIGITS, STEAM_PERIOD};
use crate::{Algorithm, OtpKind, OtpParams, Secret};

pub(crate) mod aegis;
mod andotp;
mod bitwarden;
mod ente;
mod freeotp_plus;
mod proton;
mod stratum;
mod twofas;
mod uri_list;

/// The largest file [`read`] accepts: 20 MiB (real exports of a few thousand accounts are well under 5 MiB).
pub const MAX_FILE_BYTES: usize = 20 * 1024 * 1024;

/// The most entries (accounts and entry errors together) one file may hold; a file with more is refused, so
/// that junk cannot make millions of error messages.
pub const MAX_ENTRIES: usize = 10_000;

/// Caps on the key-derivation parameters a file may ask for. Every real export in the test corpora is within
/// them (the largest: Ente's Argon2id 1 GiB × 4 passes, 2FAS's and andOTP's PBKDF2 up to 160,000 rounds, Aegis's
/// scrypt N = 2^15); a file asking for more would take minutes or gigabytes, so it is refused.
pub mod limits {
    /// Most PBKDF2 rounds (andOTP writes 140,000–160,000).
    pub const MAX_PBKDF2_ITERATIONS: u64 = 10_000_000;
    /// Largest scrypt log2(N) (Aegis writes N = 2^15).
    pub const MAX_SCRYPT_LOG_N: u8 = 20;
    /// Largest scrypt r·p (Aegis writes r = 8, p = 1).
    pub const MAX_SCRYPT_R_TIMES_P: u64 = 64;
    /// Most scrypt memory, 128·N·r bytes: 1 GiB.
    pub const MAX_SCRYPT_MEMORY: u64 = 1 << 30;
    /// Most Argon2 memory in KiB: 1 GiB (Ente's "sensitive" setting).
    pub const MAX_ARGON2_MEMORY_KIB: u64 = 1024 * 1024;
    /// Most Argon2 passes.
    pub const MAX_ARGON2_PASSES: u64 = 32;
    /// Most Argon2 memory × passes, in KiB: 4 GiB of memory filled in all (Ente: 1 GiB × 4, 256 MiB × 16).
    pub const MAX_ARGON2_WORK_KIB: u64 = 4 * 1024 * 1024;
    /// Most Argon2 lanes.
    pub const MAX_ARGON2_LANES: u64 = 16;
}

/// A supported format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// 2FAS Authenticator `.2fas` backups (schemas 1–4), plain or encrypted.
    TwoFas,
    /// Aegis vault exports (JSON), plain or encrypted.
    Aegis,
    /// andOTP backups: plain JSON, encrypted (new and old format).
    AndOtp,
    /// Bitwarden (and Bitwarden Authenticator) unencrypted exports, JSON or CSV.
    Bitwarden,
    /// Ente Auth exports: plain text, or the encrypted JSON.
    EnteAuth,
    /// FreeOTP+ JSON exports.
    FreeOtpPlus,
    /// Proton Authenticator exports, plain or password-protected.
    ProtonAuthenticator,
    /// Stratum (Authenticator Pro) backups: plain JSON, encrypted, legacy encrypted.
    Stratum,
    /// A plain text list of `otpauth://` URIs (and Google transfer `otpauth-migration://` URIs), one per line.
    UriList,
}

/// One row of the format registry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FormatInfo {
    /// The format.
    pub format: Format,
    /// Its name as people know it.
    pub name: &'static str,
    /// The id for a CLI flag such as `--format aegis`.
    pub id: &'static str,
    /// One sentence on how to make the file in that app.
    pub help: &'static str,
}

/// The supported formats, sorted alphabetically by name (case-insensitively); drives the CLI and the window.
pub const FORMATS: &[FormatInfo] = &[
    FormatInfo {
        format: Format::TwoFas,
        name: "2FAS Authenticator",
        id: "2fas",
        help: "In 2FAS, Settings › 2FAS Backup › Export to file; with or without a password.",
    },
    FormatInfo {
        format: Format::Aegis,
        name: "Aegis",
        id: "aegis",
        help: "In Aegis, Settings › Import & Export › Export, as an encrypted or plain JSON vault.",
    },
    FormatInfo {
        format: Format::AndOtp,
        name: "andOTP",
        id: "andotp",
        help: "In andOTP, Backups › Backup (plain JSON) or Backup (password-encrypted).",
    },
    FormatInfo {
        format: Format::Bitwarden,
        name: "Bitwarden",
        id: "bitwarden",
        help: "In Bitwarden or Bitwarden Authenticator, export the vault as .json or .csv (not encrypted).",
    },
    FormatInfo {
        format: Format::EnteAuth,
        name: "Ente Auth",
        id: "ente",
        help: "In Ente Auth, Settings › Data › Export codes, as plain text or encrypted.",
    },
    FormatInfo {
        format: Format::FreeOtpPlus,
        name: "FreeOTP+",
        id: "freeotp-plus",
        help: "In FreeOTP+, the menu › Export › Export JSON format.",
    },
    FormatInfo {
        format: Format::ProtonAuthenticator,
        name: "Proton Authenticator",
        id: "proton",
        help: "In Proton Authenticator, Settings › Export, with or without a password.",
    },
    FormatInfo {
        format: Format::Stratum,
        name: "Stratum (Authenticator Pro)",
        id: "stratum",
        help: "In Stratum, Backup › Backup to file (.authpro), with or without a password.",
    },
    FormatInfo {
        format: Format::UriList,
        name: "URI list (otpauth://)",
        id: "uri-list",
        help: "A text file with one otpauth:// or otpauth-migration:// URI per line, as Aegis, Ente and others write.",
    },
];

impl Format {
    /// Its registry row.
    pub fn info(self) -> &'static FormatInfo {
        FORMATS
            .iter()
            .find(|i| i.format == self)
            .expect("every format is in the registry")
    }

    /// Its name as people know it, e.g. "2FAS Authenticator".
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// The format with this CLI id (`aegis`, `2fas`, …), in any case.
    pub fn from_id(id: &str) -> Option<Format> {
        FORMATS
            .iter()
            .find(|i| i.id.eq_ignore_ascii_case(id.trim()))
            .map(|i| i.format)
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// One account read from a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportedEntry {
    /// The service (may be empty).
    pub issuer: String,
    /// The account at that service (may be empty).
    pub name: String,
    /// The key (zeroized on drop, `<redacted>` in `Debug`).
    pub secret: Secret,
    /// Kind (TOTP, HOTP with its counter, Steam), algorithm, digits, period.
    pub params: OtpParams,
    /// The note kept with the account, for formats that have one (else empty).
    pub notes: String,
    /// Marked as a favourite (pinned), for formats that have it.
    pub favourite: bool,
}

impl From<ImportedEntry> for crate::vault::NewAccount {
    fn from(e: ImportedEntry) -> Self {
        crate::vault::NewAccount {
            issuer: e.issuer,
            name: e.name,
            secret: e.secret,
            params: e.params,
            notes: e.notes,
        }
    }
}

impl From<crate::migration::MigrationEntry> for ImportedEntry {
    fn from(e: crate::migration::MigrationEntry) -> Self {
        ImportedEntry {
            issuer: e.issuer,
            name: e.name,
            secret: e.secret,
            params: e.params,
            notes: String::new(),
            favourite: false,
        }
    }
}

/// An entry that could not be imported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryError {
    /// Which entry: its issuer and name, or its position, e.g. `GitHub (alice)` or `entry 3` (never the secret).
    pub entry: String,
    /// Why, in one lower-case clause, e.g. `its algorithm "SHA384" is not supported`.
    pub reason: String,
}

impl std::fmt::Display for EntryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} was not imported: {}", self.entry, self.reason)
    }
}

/// What a readable file gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Imported {
    /// The format it was read as.
    pub format: Format,
    /// The accounts, in file order.
    pub entries: Vec<ImportedEntry>,
    /// The entries that could not be imported, in file order.
    pub errors: Vec<EntryError>,
}

/// The result of [`read`].
#[derive(Debug)]
pub enum Read {
    /// A plain file: its entries.
    Imported(Imported),
    /// An encrypted file: call [`Encrypted::decrypt`] with the password.
    NeedsPassword(Encrypted),
}

/// An encrypted file, read and waiting for its password.
#[derive(Debug)]
pub struct Encrypted {
    format: Format,
    sealed: Sealed,
}

/// The parsed encryption envelope of each format (ciphertexts and public parameters only).
#[derive(Debug)]
enum Sealed {
    Aegis(aegis::Sealed),
    AndOtp(andotp::Sealed),
    Ente(ente::Sealed),
    Proton(proton::Sealed),
    Stratum(stratum::Sealed),
    TwoFas(twofas::Sealed),
}

impl Encrypted {
    /// The format of the file.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The envelope of an encrypted Aegis vault (Tock's backup files are those), else `None`.
    pub(crate) fn into_aegis(self) -> Option<aegis::Sealed> {
        match self.sealed {
            Sealed::Aegis(s) => Some(s),
            _ => None,
        }
    }

    /// Decrypts with `password` and reads the entries. A wrong password is [`ImportError::WrongPassword`]; the
    /// key derivation runs with the file's own parameters, which [`read`] already checked against [`limits`].
    pub fn decrypt(&self, password: &str) -> Result<Imported, ImportError> {
        match &self.sealed {
            Sealed::Aegis(s) => s.open(password),
            Sealed::AndOtp(s) => s.open(password),
            Sealed::Ente(s) => s.open(password),
            Sealed::Proton(s) => s.open(password),
            Sealed::Stratum(s) => s.open(password),
            Sealed::TwoFas(s) => s.open(password),
        }
    }
}

/// Why a file could not be imported at all. Each message is one lower-case sentence: what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// More than [`MAX_FILE_BYTES`].
    #[error(
        "the file is {mib} MiB, more than the 20 MiB an authenticator export can be; choose the export file itself"
    )]
    TooLarge {
        /// Its size, in whole MiB.
        mib: usize,
    },
    /// Nothing in it.
    #[error("the file is empty; export your accounts again and choose the new file")]
    Empty,
    /// Not a format Tock recognises.
    #[error(
        "this file is not in a format Tock recognises; export from your authenticator as one of: {}",
        supported_list()
    )]
    UnknownFormat,
    /// A format Tock recognises but does not import (another app's export or internal database).
    #[error("this file is {what}, not a format Tock can import; {advice}")]
    Unsupported {
        /// What the file is, e.g. "a LastPass Authenticator export" (the message reads "this file is …").
        what: &'static str,
        /// What to export instead.
        advice: &'static str,
    },
    /// The file is of this format but damaged, truncated or not what the format says.
    #[error("the {format} file is damaged or incomplete ({detail}); export it again")]
    Corrupt {
        /// The format.
        format: Format,
        /// What is wrong, in a few words (never secret content).
        detail: String,
    },
    /// Decryption failed: a wrong password, or a damaged file (the two cannot be told apart).
    #[error(
        "the password is wrong, or the {format} file is damaged; check the password and try again"
    )]
    WrongPassword {
        /// The format.
        format: Format,
    },
    /// More than [`MAX_ENTRIES`] entries.
    #[error("the {format} file holds more than 10000 entries, more than any authenticator export; check that it is the right file")]
    TooManyEntries {
        /// The format.
        format: Format,
    },
    /// Key-derivation parameters over [`limits`].
    #[error(
        "the {format} file asks for {what}, more than Tock allows ({limit}); \
         the app does not write such files, so it is not imported"
    )]
    KdfTooCostly {
        /// The format.
        format: Format,
        /// What it asks for, e.g. "2^40 scrypt rounds".
        what: String,
        /// Tock's limit, in words.
        limit: String,
    },
    /// The file uses an encryption scheme or version of the format that Tock does not know.
    #[error("this {format} file uses {what}, which Tock cannot read; {advice}")]
    UnsupportedVariant {
        /// The format.
        format: Format,
        /// What it uses.
        what: String,
        /// What to do.
        advice: &'static str,
    },
}

impl ImportError {
    /// A damaged `format` file; `detail` says what is wrong in a few words.
    pub(crate) fn corrupt(format: Format, detail: &str) -> Self {
        ImportError::Corrupt {
            format,
            detail: detail.into(),
        }
    }
}

fn supported_list() -> String {
    FORMATS
        .iter()
        .map(|f| f.name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads an export file: recognises the format from the content (or reads it as `hint` when given) and returns
/// its entries, or [`Read::NeedsPassword`] for an encrypted file. Never panics; work is linear in the input.
pub fn read(bytes: &[u8], hint: Option<Format>) -> Result<Read, ImportError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ImportError::TooLarge {
            mib: bytes.len().div_ceil(1024 * 1024),
        });
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ImportError::Empty);
    }
    if let Some(format) = hint {
        return read_as(format, bytes);
    }
    if let Some(refusal) = refuse_known_binary(bytes) {
        return Err(refusal);
    }
    if stratum::is_encrypted(bytes) {
        return stratum::read(bytes);
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        // Binary without a signature: andOTP's encrypted backups are the only such format.
        return andotp::read_encrypted(bytes);
    };
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        let json = parse_json(text).map_err(|detail| match guess_json_format(text) {
            Some(format) => ImportError::Corrupt { format, detail },
            None => ImportError::UnknownFormat,
        })?;
        return read_json(&json);
    }
    if trimmed.starts_with('<') {
        return Err(refuse_xml(text));
    }
    if bitwarden::is_csv(text) {
        return bitwarden::read_csv(text);
    }
    if uri_list::is_uri_list(text) {
        return uri_list::read(text);
    }
    Err(ImportError::UnknownFormat)
}

/// Reads `bytes` as `format`, whatever it looks like.
fn read_as(format: Format, bytes: &[u8]) -> Result<Read, ImportError> {
    let text = || {
        std::str::from_utf8(bytes).map_err(|_| ImportError::Corrupt {
            format,
            detail: "it is not text".into(),
        })
    };
    let json = || parse_json(text()?).map_err(|detail| ImportError::Corrupt { format, detail });
    match format {
        Format::Aegis => aegis::read(&json()?),
        Format::TwoFas => twofas::read(&json()?),
        Format::AndOtp => match std::str::from_utf8(bytes) {
            Ok(t) if t.trim_start().starts_with('[') => andotp::read(&json()?),
            _ => andotp::read_encrypted(bytes),
        },
        Format::Bitwarden => {
            let t = text()?;
            if t.trim_start().starts_with('{') {
                bitwarden::read_json(&json()?)
            } else {
                bitwarden::read_csv(t)
            }
        }
        Format::EnteAuth => {
            let t = text()?;
            if t.trim_start().starts_with('{') {
                ente::read(&json()?)
            } else {
                uri_list::read_as(t, Format::EnteAuth)
            }
        }
        Format::FreeOtpPlus => freeotp_plus::read(&json()?),
        Format::ProtonAuthenticator => proton::read(&json()?),
        Format::Stratum => {
            if stratum::is_encrypted(bytes) {
                stratum::read(bytes)
            } else {
                stratum::read_plain(&json()?)
            }
        }
        Format::UriList => uri_list::read(text()?),
    }
}

/// A parsed JSON document whose strings are zeroized on drop (decrypted contents hold secrets).
pub(crate) struct Wiped(pub(crate) Value);

impl std::ops::Deref for Wiped {
    type Target = Value;
    fn deref(&self) -> &Value {
        &self.0
    }
}

impl Drop for Wiped {
    fn drop(&mut self) {
        fn wipe(v: &mut Value) {
            match v {
                Value::String(s) => zeroize::Zeroize::zeroize(s),
                Value::Array(a) => a.iter_mut().for_each(wipe),
                Value::Object(o) => o.values_mut().for_each(wipe),
                _ => {}
            }
        }
        wipe(&mut self.0);
    }
}

/// serde_json with its default recursion limit (128), so deep nesting is an error, not a stack overflow.
pub(crate) fn parse_json(text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| {
        if e.is_eof() {
            "it ends too early".to_string()
        } else {
            format!("its JSON is invalid at line {}", e.line())
        }
    })
}

/// For a file that looks like JSON but does not parse: which format it probably is, from its first keys.
fn guess_json_format(text: &str) -> Option<Format> {
    let head: String = text.chars().take(2000).collect();
    let has = |k: &str| head.contains(&format!("\"{k}\""));
    if has("header") || has("db") {
        Some(Format::Aegis)
    } else if has("services") || has("servicesEncrypted") || has("schemaVersion") {
        Some(Format::TwoFas)
    } else if has("kdfParams") || has("encryptedData") {
        Some(Format::EnteAuth)
    } else if has("items") || has("encrypted") {
        Some(Format::Bitwarden)
    } else if has("tokens") || has("tokenOrder") {
        Some(Format::FreeOtpPlus)
    } else if has("Authenticators") {
        Some(Format::Stratum)
    } else if has("entries") || has("salt") {
        Some(Format::ProtonAuthenticator)
    } else if text.trim_start().starts_with("[{") && has("secret") {
        Some(Format::AndOtp)
    } else {
        None
    }
}

/// Recognises a parsed JSON document.
fn read_json(json: &Value) -> Result<Read, ImportError> {
    let key = |k: &str| json.get(k).is_some();
    if let Some(items) = json.as_array() {
        let first = items.first();
        let field = |k: &str| first.and_then(|f| f.get(k)).is_some();
        if field("otpGenerator") || field("accountType") {
            return Err(ImportError::Unsupported {
                what: "a Duo Mobile account list",
                advice: "Duo Mobile has no export Tock reads; add each account again from its site",
            });
        }
        if items.is_empty() || field("secret") {
            return andotp::read(json);
        }
        return Err(ImportError::UnknownFormat);
    }
    if !json.is_object() {
        return Err(ImportError::UnknownFormat);
    }
    if key("header") && key("db") {
        aegis::read(json)
    } else if key("servicesEncrypted")
        || (key("services") && (key("schemaVersion") || key("groups")))
    {
        twofas::read(json)
    } else if key("kdfParams") && key("encryptedData") {
        ente::read(json)
    } else if key("items") && (key("encrypted") || key("folders") || key("collections")) {
        bitwarden::read_json(json)
    } else if key("tokens") && key("tokenOrder") {
        freeotp_plus::read(json)
    } else if key("Authenticators") {
        stratum::read_plain(json)
    } else if key("entries") && key("version") || key("salt") && key("content") {
        proton::read(json)
    } else if key("accounts") && (key("deviceName") || key("localDeviceId") || key("deviceSecret"))
    {
        Err(ImportError::Unsupported {
            what: "a LastPass Authenticator export",
            advice: "move the accounts to an app that exports one of the formats Tock reads, or add them again from each site",
        })
    } else if key("shared_secret")
        || json
            .get("accounts")
            .is_some_and(|a| a.to_string().contains("shared_secret"))
    {
        Err(ImportError::Unsupported {
            what: "a Steam Guard maFile",
            advice: "add the Steam account with its otpauth://steam/ or steam:// key as a URI list instead",
        })
    } else {
        Err(ImportError::UnknownFormat)
    }
}

/// Refuses binary files Tock recognises but does not import: archives, databases, images, Java objects.
fn refuse_known_binary(bytes: &[u8]) -> Option<ImportError> {
    let (what, advice) = if bytes.starts_with(b"SQLite format 3\0") {
        (
            "an app's internal SQLite database",
            "export the accounts from inside that app instead (Tock reads Aegis, 2FAS, andOTP, Bitwarden, Ente, FreeOTP+, Proton and Stratum exports)",
        )
    } else if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        (
            "a zip archive (such as a Proton Pass or Authenticator Plus export)",
            "export from that app as a plain file in one of the formats Tock reads, or unzip it and choose the export inside",
        )
    } else if bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xff\xd8\xff")
        || bytes.starts_with(b"GIF8")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
        || bytes.starts_with(b"BM")
    {
        ("an image", "scan the QR codes in it with tock scan instead")
    } else if bytes.starts_with(b"\xac\xed\x00\x05") {
        (
            "a FreeOTP backup (Java serialised tokens)",
            "FreeOTP cannot export another format, so move the accounts through FreeOTP+ or add them again from each site",
        )
    } else if bytes.starts_with(b"%PDF") {
        (
            "a PDF document",
            "export the accounts from the authenticator app itself",
        )
    } else if bytes.starts_with(b"\x1f\x8b") {
        (
            "a gzip archive",
            "unpack it and choose the export file inside",
        )
    } else {
        return None;
    };
    Some(ImportError::Unsupported { what, advice })
}

/// XML files are apps' internal settings (Android shared_prefs): never an export.
fn refuse_xml(text: &str) -> ImportError {
    let head: String = text.chars().take(4096).collect();
    let what = if head.contains("com.authy") {
        "Authy's internal settings file"
    } else if head.contains("com.blizzard") {
        "Battle.net Authenticator's internal settings file"
    } else if head.contains("masterKey") || head.contains("tokenOrder") {
        "FreeOTP's internal token file"
    } else {
        "an app's internal settings file (Android shared_prefs XML)"
    };
    ImportError::Unsupported {
        what,
        advice: "export the accounts from inside that app instead (Tock reads Aegis, 2FAS, andOTP, Bitwarden, Ente, FreeOTP+, Proton and Stratum exports)",
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Helpers shared by the format files.

/// Whether `text` starts with the ASCII `prefix`, in any case (never slicing inside a character).
pub(crate) fn starts_with_ci(text: &str, prefix: &str) -> bool {
    text.as_bytes()
        .get(..prefix.len())
        .is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
}

/// Shortens a value for an error message (24 characters).
pub(crate) fn quoted(value: &str) -> String {
    const MAX: usize = 24;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        value.chars().take(MAX).chain(['…']).collect()
    }
}

/// How an entry is named in [`EntryError::entry`]: "Issuer (name)", "Issuer", "name", or "entry N" (1-based).
pub fn describe(issuer: &str, name: &str, index: usize) -> String {
    let issuer: String = issuer.trim().chars().take(60).collect();
    let name: String = name.trim().chars().take(60).collect();
    match (issuer.is_empty(), name.is_empty()) {
        (false, false) => format!("{issuer} ({name})"),
        (false, true) => issuer,
        (true, false) => name,
        (true, true) => format!("entry {}", index + 1),
    }
}

/// Collects entries and per-entry errors.
pub(crate) struct Collector {
    format: Format,
    entries: Vec<ImportedEntry>,
    errors: Vec<EntryError>,
    overflow: bool,
}

impl Collector {
    pub(crate) fn new(format: Format) -> Self {
        Collector {
            format,
            entries: Vec::new(),
            errors: Vec::new(),
            overflow: false,
        }
    }

    /// Adds an entry, or the error why it could not be read, described as `entry`.
    pub(crate) fn push(
        &mut self,
        entry: impl FnOnce() -> String,
        result: Result<ImportedEntry, String>,
    ) {
        match result {
            Ok(e) => self.entries.push(e),
            Err(reason) => self.errors.push(EntryError {
                entry: entry(),
                reason,
            }),
        }
    }

    pub(crate) fn error(&mut self, entry: String, reason: String) {
        if self.is_full() {
            self.overflow = true;
            return;
        }
        self.errors.push(EntryError { entry, reason });
    }

    /// Called before each entry: true once [`MAX_ENTRIES`] are held and another comes, so the format's loop
    /// stops and [`Collector::finish`] refuses the file.
    pub(crate) fn stop(&mut self) -> bool {
        if self.is_full() {
            self.overflow = true;
        }
        self.overflow
    }

    /// [`MAX_ENTRIES`] reached.
    pub(crate) fn is_full(&self) -> bool {
        self.entries.len() + self.errors.len() >= MAX_ENTRIES
    }

    pub(crate) fn finish(self) -> Result<Imported, ImportError> {
        if self.overflow {
            return Err(ImportError::TooManyEntries {
                format: self.format,
            });
        }
        Ok(Imported {
            format: self.format,
            entries: self.entries,
            errors: self.errors,
        })
    }

    pub(crate) fn read(self) -> Result<Read, ImportError> {
        self.finish().map(Read::Imported)
    }
}

/// The kind of code as read, before checking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RawKind {
    Totp,
    Hotp,
    Steam,
}

impl RawKind {
    /// The kind a format's `type` field names ("TOTP", "hotp", "Steam"; none: TOTP), or why it is not one.
    pub(crate) fn from_type(name: Option<&str>) -> Result<Self, String> {
        match name.map(str::to_ascii_uppercase).as_deref() {
            None | Some("TOTP") => Ok(RawKind::Totp),
            Some("HOTP") => Ok(RawKind::Hotp),
            Some("STEAM") => Ok(RawKind::Steam),
            Some(other) => Err(format!(
                "its type \"{}\" is not supported (only TOTP, HOTP and Steam are)",
                quoted(other)
            )),
        }
    }
}

/// The fields of an entry as read, before checking; formats fill what they have.
pub(crate) struct RawEntry {
    pub issuer: String,
    pub name: String,
    pub kind: RawKind,
    /// `None`: SHA1.
    pub algorithm: Option<String>,
    /// `None`: 6 (Steam: ignored).
    pub digits: Option<i64>,
    /// `None`: 30 seconds.
    pub period: Option<i64>,
    /// `None` for HOTP: an error (a counter is never guessed).
    pub counter: Option<i64>,
    pub notes: String,
    pub favourite: bool,
}

impl RawEntry {
    pub(crate) fn new(issuer: &str, name: &str, kind: RawKind) -> Self {
        RawEntry {
            issuer: issuer.trim().to_owned(),
            name: name.trim().to_owned(),
            kind,
            algorithm: None,
            digits: None,
            period: None,
            counter: None,
            notes: String::new(),
            favourite: false,
        }
    }

    /// Checks the parameters (the same rules as otpauth URIs: 4–10 digits, a period of at least 1 second, a
    /// counter for HOTP) and pairs them with the secret.
    pub(crate) fn finish(self, secret: Result<Secret, String>) -> Result<ImportedEntry, String> {
        let params = match self.kind {
            RawKind::Steam => {
                let period = match self.period {
                    None => STEAM_PERIOD,
                    Some(p) => period(p)?,
                };
                OtpParams {
                    kind: OtpKind::Steam { period },
                    algorithm: Algorithm::Sha1,
                    digits: STEAM_DIGITS,
                }
            }
            kind => {
                let algorithm = match self.algorithm.as_deref().map(str::trim) {
                    None | Some("") => Algorithm::Sha1,
                    Some(name) => Algorithm::from_name(name).ok_or_else(|| {
                        format!("its algorithm \"{}\" is not supported (only SHA1, SHA256 and SHA512 are)", quoted(name))
                    })?,
                };
                let digits = match self.digits {
                    None => 6,
                    Some(d) => {
                        let range = DigitsPolicy::Import.range();
                        match u8::try_from(d) {
                            Ok(d) if range.contains(&d) => d,
                            _ => {
                                return Err(format!(
                                    "its number of digits ({d}) is not supported (codes have {} to {} digits)",
                                    range.start(),
                                    range.end()
                                ))
                            }
                        }
                    }
                };
                let kind = if kind == RawKind::Hotp {
                    match self.counter {
                        None => return Err("it is an HOTP account without a counter".into()),
                        Some(c) if c < 0 => {
                            return Err(format!("its HOTP counter ({c}) is negative"))
                        }
                        Some(c) => OtpKind::Hotp { counter: c as u64 },
                    }
                } else {
                    OtpKind::Totp {
                        period: match self.period {
                            None => 30,
                            Some(p) => period(p)?,
                        },
                    }
                };
                OtpParams {
                    kind,
                    algorithm,
                    digits,
                }
            }
        };
        params
            .validate(DigitsPolicy::Import)
            .map_err(|e| e.to_string())?;
        let secret = secret?;
        if secret.is_empty() {
            return Err("it has no secret key".into());
        }
        Ok(ImportedEntry {
            issuer: self.issuer,
            name: self.name,
            secret,
            params,
            notes: self.notes,
            favourite: self.favourite,
        })
    }
}

fn period(p: i64) -> Result<u32, String> {
    match u32::try_from(p) {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(format!(
            "its period ({p} seconds) is not supported (it must be at least 1 second)"
        )),
    }
}

/// A base32 secret as people and apps write it ([`Secret::from_base32`]); the error never quotes it.
pub(crate) fn base32_secret(text: &str) -> Result<Secret, String> {
    Secret::from_base32(text).map_err(|e| e.to_string())
}

/// A JSON field as text: a string, or a number written as text; `None` when absent or null.
pub(crate) fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A JSON field as a whole number: an integer, a float with no fraction, or a numeric string.
/// `Some(Err)` when present but not a whole number.
pub(crate) fn int_field(v: &Value, key: &str) -> Option<Result<i64, String>> {
    let field = v.get(key)?;
    Some(match field {
        Value::Null => return None,
        Value::Number(n) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            })
            .ok_or_else(|| {
                format!(
                    "its {key} ({}) is not a whole number",
                    quoted(&n.to_string())
                )
            }),
        Value::String(s) if s.trim().is_empty() => return None,
        Value::String(s) => s
            .trim()
            .parse()
            .map_err(|_| format!("its {key} (\"{}\") is not a whole number", quoted(s))),
        _ => Err(format!("its {key} is not a number")),
    })
}

/// Reads an optional whole-number field into `Option<i64>`, or the error.
pub(crate) fn opt_int(v: &Value, key: &str) -> Result<Option<i64>, String> {
    int_field(v, key).transpose()
}

/// Standard base64, padding optional, whitespace ignored.
pub(crate) fn base64(text: &str) -> Option<Vec<u8>> {
    static B64: std::sync::LazyLock<Encoding> = std::sync::LazyLock::new(|| {
        let mut spec = Specification::new();
        spec.symbols
            .push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
        spec.check_trailing_bits = false;
        spec.ignore.push_str(" \t\r\n");
        spec.encoding().expect("a valid base64 specification")
    });
    let cleaned = text.trim().trim_end_matches('=');
    B64.decode(cleaned.as_bytes()).ok()
}

/// Lower-case hex.
pub(crate) fn hex(text: &str) -> Option<Vec<u8>> {
    data_encoding::HEXLOWER_PERMISSIVE
        .decode(text.trim().as_bytes())
        .ok()
}

/// AES-256-GCM decryption of `ciphertext ‖ tag` (tag of 16 bytes at the end); `None` when it does not
/// authenticate. The plaintext is zeroized on drop.
pub(crate) fn aes_gcm_open(
    key: &[u8],
    nonce: &[u8],
    ciphertext_and_tag: &[u8],
    aad: &[u8],
) -> Option<Zeroizing<Vec<u8>>> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    if nonce.len() != 12 || ciphertext_and_tag.len() < 16 {
        return None;
    }
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).ok()?;
    cipher
        .decrypt(
            aes_gcm::Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext_and_tag,
                aad,
            },
        )
        .ok()
        .map(Zeroizing::new)
}

/// AES-256-GCM encryption with a 12-byte nonce; returns `ciphertext ‖ tag`.
pub(crate) fn aes_gcm_seal(
    key: &[u8; 32],
    nonce: &[u8; 12],
    plaintext: &[u8],
    aad: &[u8],
) -> Vec<u8> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let cipher = aes_gcm::Aes256Gcm::new(key.into());
    cipher
        .encrypt(
            aes_gcm::Nonce::from_slice(nonce),
            Payload {
                msg: plaintext,
                aad,
            },
        )
        .expect("AES-GCM encrypts any message under 64 GiB")
}

/// The PRF of a PBKDF2 derivation.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Prf {
    Sha1,
    Sha256,
}

/// PBKDF2-HMAC into a 32-byte key, after checking `iterations` against [`limits::MAX_PBKDF2_ITERATIONS`].
pub(crate) fn pbkdf2_key(
    format: Format,
    prf: Prf,
    password: &[u8],
    salt: &[u8],
    iterations: u64,
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    check_pbkdf2(format, iterations)?;
    let rounds = u32::try_from(iterations).expect("checked against the cap");
    let mut key = Zeroizing::new([0u8; 32]);
    match prf {
        Prf::Sha1 => pbkdf2::pbkdf2_hmac::<sha1::Sha1>(password, salt, rounds, key.as_mut()),
        Prf::Sha256 => pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, salt, rounds, key.as_mut()),
    }
    Ok(key)
}

/// Refuses a PBKDF2 round count of 0 or over the cap.
pub(crate) fn check_pbkdf2(format: Format, iterations: u64) -> Result<(), ImportError> {
    if iterations == 0 {
        return Err(ImportError::Corrupt {
            format,
            detail: "its key derivation asks for 0 rounds".into(),
        });
    }
    if iterations > limits::MAX_PBKDF2_ITERATIONS {
        return Err(ImportError::KdfTooCostly {
            format,
            what: format!("{iterations} PBKDF2 rounds"),
            limit: format!("at most {} rounds", limits::MAX_PBKDF2_ITERATIONS),
        });
    }
    Ok(())
}

/// Checks Argon2 parameters (memory in KiB, passes, lanes) against [`limits`] and builds them.
pub(crate) fn argon2_params(
    format: Format,
    memory_kib: u64,
    passes: u64,
    lanes: u64,
) -> Result<argon2::Params, ImportError> {
    use limits::*;
    let too = |what: String, limit: String| {
        Err(ImportError::KdfTooCostly {
            format,
            what,
            limit,
        })
    };
    if memory_kib > MAX_ARGON2_MEMORY_KIB {
        return too(
            format!("{} MiB of Argon2 memory", memory_kib / 1024),
            "at most 1024 MiB".into(),
        );
    }
    if passes > MAX_ARGON2_PASSES {
        return too(
            format!("{passes} Argon2 passes"),
            format!("at most {MAX_ARGON2_PASSES}"),
        );
    }
    if lanes > MAX_ARGON2_LANES {
        return too(
            format!("{lanes} Argon2 lanes"),
            format!("at most {MAX_ARGON2_LANES}"),
        );
    }
    if memory_kib.saturating_mul(passes) > MAX_ARGON2_WORK_KIB {
        return too(
            format!(
                "{} MiB of Argon2 memory {passes} times over",
                memory_kib / 1024
            ),
            "at most 4 GiB filled in all".into(),
        );
    }
    argon2::Params::new(memory_kib as u32, passes as u32, lanes as u32, Some(32)).map_err(|e| {
        ImportError::Corrupt {
            format,
            detail: format!("its Argon2 parameters are invalid: {e}"),
        }
    })
}

/// Argon2id (version 0x13) into a 32-byte key.
pub(crate) fn argon2id_key(
    format: Format,
    params: argon2::Params,
    password: &[u8],
    salt: &[u8],
) -> Result<Zeroizing<[u8; 32]>, ImportError> {
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password, salt, key.as_mut())
        .map_err(|e| ImportError::Corrupt {
            format,
            detail: format!("its key derivation failed: {e}"),
        })?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_registry_is_alphabetical_and_complete() {
        let names: Vec<String> = FORMATS.iter().map(|f| f.name.to_lowercase()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
        for f in FORMATS {
            assert_eq!(Format::from_id(f.id), Some(f.format));
            assert_eq!(f.format.info(), f);
            assert!(f.help.ends_with('.'), "{}", f.help);
        }
        assert_eq!(Format::from_id(" AEGIS "), Some(Format::Aegis));
        assert_eq!(Format::from_id("lastpass"), None);
    }

    #[test]
    fn raw_entries_are_checked_like_uris() {
        let ok = |r: RawEntry| r.finish(base32_secret("JBSWY3DPEHPK3PXP"));
        let mut r = RawEntry::new(" GitHub ", "alice ", RawKind::Hotp);
        r.counter = Some(7);
        let e = ok(r).unwrap();
        assert_eq!((e.issuer.as_str(), e.name.as_str()), ("GitHub", "alice"));
        assert_eq!(e.params.counter(), Some(7));
        assert!(ok(RawEntry::new("a", "b", RawKind::Hotp))
            .unwrap_err()
            .contains("without a counter"));
        let mut r = RawEntry::new("a", "b", RawKind::Totp);
        r.algorithm = Some("SHA384".into());
        assert!(ok(r).unwrap_err().contains("SHA384"));
        let mut r = RawEntry::new("a", "b", RawKind::Totp);
        r.digits = Some(0);
        assert!(ok(r).unwrap_err().contains("digits (0)"));
        let mut r = RawEntry::new("a", "b", RawKind::Totp);
        r.period = Some(0);
        assert!(ok(r).unwrap_err().contains("period (0"));
        let mut r = RawEntry::new("a", "b", RawKind::Steam);
        r.digits = Some(7);
        r.algorithm = Some("SHA512".into());
        assert_eq!(ok(r).unwrap().params, OtpParams::steam_default());
        let err = RawEntry::new("a", "b", RawKind::Totp)
            .finish(base32_secret("JBSWY3DPEHPK3PXPA"))
            .unwrap_err();
        assert!(
            err.contains("17 base32 characters") && !err.contains("JBSW"),
            "{err}"
        );
    }

    #[test]
    fn key_derivation_caps() {
        let err = pbkdf2_key(Format::AndOtp, Prf::Sha1, b"x", b"salt", 1 << 40).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the andOTP file asks for 1099511627776 PBKDF2 rounds, more than Tock allows (at most 10000000 rounds); \
             the app does not write such files, so it is not imported"
        );
        assert!(check_pbkdf2(Format::AndOtp, limits::MAX_PBKDF2_ITERATIONS).is_ok());
        assert!(matches!(
            check_pbkdf2(Format::AndOtp, 0),
            Err(ImportError::Corrupt { .. })
        ));
        assert!(
            argon2_params(Format::EnteAuth, 1024 * 1024, 4, 1).is_ok(),
            "Ente's heaviest setting"
        );
        assert!(
            argon2_params(Format::EnteAuth, 10, 1, 1).is_ok(),
            "10 KiB, as libsodium allows"
        );
        for (m, t, p) in [
            (64 << 20, 1, 1),
            (1024 * 1024, 5, 1),
            (1024, 1 << 40, 1),
            (1024, 1, 64),
        ] {
            assert!(
                matches!(
                    argon2_params(Format::EnteAuth, m, t, p),
                    Err(ImportError::KdfTooCostly { .. })
                ),
                "{m} {t} {p}"
            );
        }
    }

    #[test]
    fn descriptions_and_messages() {
        assert_eq!(describe("GitHub", "alice", 0), "GitHub (alice)");
        assert_eq!(describe("", "", 2), "entry 3");
        let e = EntryError {
            entry: "GitHub (alice)".into(),
            reason: "it has no secret key".into(),
        };
        assert_eq!(
            e.to_string(),
            "GitHub (alice) was not imported: it has no secret key"
        );
        assert!(ImportError::UnknownFormat
            .to_string()
            .contains("2FAS Authenticator, Aegis, andOTP"));
        for e in [
            ImportError::TooLarge { mib: 21 },
            ImportError::Empty,
            ImportError::UnknownFormat,
            ImportError::WrongPassword {
                format: Format::Aegis,
            },
        ] {
            let m = e.to_string();
            assert!(!m.ends_with('.') && m.contains(';'), "{m}");
        }
    }
}
