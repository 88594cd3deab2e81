//! Proton Authenticator exports: plain JSON, and the password-protected variant.
//!
//! Format: Proton Authenticator's exporter (github.com/protonpass/proton-pass-common,
//! `proton-authenticator/src/entry/exporter.rs` and `password_exporter.rs`). Plain: `{"version":1,"entries":[
//! {"id","content":{"uri","entry_type":"Totp"|"Steam","name"},"note"}]}`; TOTP entries carry an `otpauth://`
//! URI, Steam entries `steam://SECRET` with the account name in `content.name`. Password-protected:
//! `{"version":1,"salt","content"}`, both base64: the key is Argon2id v0x13 (m = 19 MiB, t = 2, p = 1, 32 bytes)
//! of the password and the 16-byte salt; `content` is a 12-byte nonce, then AES-256-GCM ciphertext and tag with
//! the associated data `proton.authenticator.export.v1`; the plaintext is the plain export.
//!
//! Readings: a Steam key is base32 when written in upper-case base32, else base64 (what Proton's own code
//! generator does, so the codes are the ones Proton showed); the issuer of a Steam entry is `Steam`.
//!
//! Lost on import: ids. Proton Authenticator has no HOTP.
//!
//! Fixtures: `aegis-importers/files/proton_authenticator.json`, `importers-extra/files/stratum/
//! protonauthenticator.json` (a real export). No real password-protected file exists: the test builds one with
//! the RustCrypto crates and reads it back.
use serde_json::Value;

use super::{
    aes_gcm_open, argon2_params, argon2id_key, base32_secret, base64, describe, parse_json,
    starts_with_ci, str_field, Collector, Encrypted, Format, ImportError, Imported, ImportedEntry,
    RawEntry, RawKind, Read,
};
use crate::{OtpAuthUri, Secret};

const FORMAT: Format = Format::ProtonAuthenticator;

/// The associated data of a password-protected export.
pub(crate) const AAD: &[u8] = b"proton.authenticator.export.v1";
/// Proton's fixed Argon2id parameters: memory in KiB, passes, lanes.
pub(crate) const ARGON2: (u64, u64, u64) = (19 * 1024, 2, 1);

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

/// A password-protected Proton Authenticator export.
#[derive(Debug)]
pub(crate) struct Sealed {
    salt: Vec<u8>,
    content: Vec<u8>,
}

pub(crate) fn read(json: &Value) -> Result<Read, ImportError> {
    if let (Some(salt), Some(content)) = (str_field(json, "salt"), str_field(json, "content")) {
        let salt = base64(salt).ok_or_else(|| corrupt("its salt is not base64"))?;
        let content = base64(content).ok_or_else(|| corrupt("its content is not base64"))?;
        if salt.len() < 8 || content.len() < 12 + 16 {
            return Err(corrupt("its salt or content is too short"));
        }
        return Ok(Read::NeedsPassword(Encrypted {
            format: FORMAT,
            sealed: super::Sealed::Proton(Sealed { salt, content }),
        }));
    }
    let entries = json
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("it has no list of entries"))?;
    let mut out = Collector::new(FORMAT);
    for (i, e) in entries.iter().enumerate() {
        if out.stop() {
            break;
        }
        let content = e.get("content").cloned().unwrap_or(Value::Null);
        let name = str_field(&content, "name").unwrap_or("");
        let result = entry(&content, name).map(|mut entry| {
            entry.notes = str_field(e, "note").unwrap_or("").to_owned();
            entry
        });
        out.push(|| describe("", name, i), result);
    }
    out.read()
}

impl Sealed {
    pub(crate) fn open(&self, password: &str) -> Result<Imported, ImportError> {
        let (m, t, p) = ARGON2;
        let key = argon2id_key(
            FORMAT,
            argon2_params(FORMAT, m, t, p)?,
            password.as_bytes(),
            &self.salt,
        )?;
        let (nonce, sealed) = self.content.split_at(12);
        let plain = aes_gcm_open(key.as_ref(), nonce, sealed, AAD)
            .ok_or(ImportError::WrongPassword { format: FORMAT })?;
        let text = std::str::from_utf8(&plain).map_err(|_| corrupt("its contents are not text"))?;
        let json = super::Wiped(parse_json(text).map_err(|d| corrupt(&d))?);
        if json.get("salt").is_some() {
            return Err(corrupt("it is encrypted twice"));
        }
        match read(&json)? {
            Read::Imported(i) => Ok(i),
            Read::NeedsPassword(_) => Err(corrupt("it is encrypted twice")),
        }
    }
}

fn entry(content: &Value, name: &str) -> Result<ImportedEntry, String> {
    let uri = str_field(content, "uri").ok_or("it has no URI")?.trim();
    // A Steam entry has a steam:// URI (an otpauth:// one, e.g. with encoder=steam, is read as such).
    if starts_with_ci(uri, "steam://") {
        // `steam://` is ASCII, so byte 8 is a character boundary.
        return RawEntry::new("Steam", name, RawKind::Steam).finish(steam_secret(&uri[8..]));
    }
    let parsed: OtpAuthUri = uri
        .parse()
        .map_err(|e: crate::uri::UriError| e.to_string())?;
    Ok(ImportedEntry {
        issuer: parsed.issuer,
        name: parsed.name,
        secret: parsed.secret,
        params: parsed.params,
        notes: String::new(),
        favourite: false,
    })
}

/// Upper-case base32, else standard base64 (as Proton reads Steam keys).
fn steam_secret(key: &str) -> Result<Secret, String> {
    let key = key.trim();
    let upper_base32 = !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b) || b == b'=');
    if upper_base32 {
        return base32_secret(key);
    }
    base64(key)
        .filter(|b| !b.is_empty())
        .map(Secret::from_bytes)
        .ok_or_else(|| "its Steam key is neither base32 nor base64".into())
}
