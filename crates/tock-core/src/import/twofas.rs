//! 2FAS Authenticator backups (`.2fas`, and schema 1's `.json`), plain and encrypted.
//!
//! Format: 2FAS's open-source apps (github.com/twofas/2fas-android, `BackupContent`, schemas 1–4). A JSON object
//! with `services` (each: `name` = the service, `secret` base32, `otp` {`account`, `label`, `issuer`,
//! `digits`, `period`, `algorithm`, `tokenType` TOTP/HOTP/STEAM, `counter`}) and `schemaVersion`. Encrypted,
//! `services` is empty and `servicesEncrypted` is `base64(ciphertext‖tag):base64(salt):base64(iv)`:
//! PBKDF2-HMAC-SHA256(password, salt, 10,000 rounds) → AES-256-GCM key; the plaintext is the `services` array.
//!
//! Readings: the issuer is the service's `name` (what the person sees, and edits, in 2FAS; `otp.issuer` when the
//! name is empty); the account is `otp.account` (or, without it, `otp.label`). Schemas 1 and 2 know only TOTP:
//! without a `tokenType` the entry is TOTP. A `counter` on a TOTP entry (iOS writes 0) is ignored.
//!
//! Lost on import: icons, groups, order, `link`. 2FAS's fixed 10,000 PBKDF2 rounds are not in the file.
//!
//! Fixtures: `aegis-importers/files/2fas_authenticator*` (schemas 1–4), `importers-extra/files/proton/2fas/*`
//! (iOS, manual entries, unsupported algorithms), `importers-extra/files/stratum/twofas.*`.
use serde_json::Value;

use super::{
    aes_gcm_open, base32_secret, base64, describe, opt_int, parse_json, pbkdf2_key, str_field,
    Collector, Encrypted, Format, ImportError, Imported, Prf, RawEntry, RawKind, Read,
};

const FORMAT: Format = Format::TwoFas;

/// 2FAS's PBKDF2 round count (fixed by the app, not written in the file).
const PBKDF2_ROUNDS: u64 = 10_000;

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

/// An encrypted 2FAS backup.
#[derive(Debug)]
pub(crate) struct Sealed {
    ciphertext: Vec<u8>,
    salt: Vec<u8>,
    iv: Vec<u8>,
}

pub(crate) fn read(json: &Value) -> Result<Read, ImportError> {
    if let Some(sealed) = str_field(json, "servicesEncrypted") {
        let parts: Vec<&str> = sealed.split(':').collect();
        let [ct, salt, iv] = parts.as_slice() else {
            return Err(corrupt("its servicesEncrypted does not have three parts"));
        };
        let b64 = |t: &str, what: &str| {
            base64(t).ok_or_else(|| corrupt(&format!("its {what} is not base64")))
        };
        let (ciphertext, salt, iv) = (b64(ct, "ciphertext")?, b64(salt, "salt")?, b64(iv, "IV")?);
        if iv.len() != 12 || ciphertext.len() < 16 {
            return Err(corrupt("its ciphertext or IV is too short"));
        }
        return Ok(Read::NeedsPassword(Encrypted {
            format: FORMAT,
            sealed: super::Sealed::TwoFas(Sealed {
                ciphertext,
                salt,
                iv,
            }),
        }));
    }
    let services = json
        .get("services")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("it has no list of services"))?;
    read_services(services).map(Read::Imported)
}

impl Sealed {
    pub(crate) fn open(&self, password: &str) -> Result<Imported, ImportError> {
        let key = pbkdf2_key(
            FORMAT,
            Prf::Sha256,
            password.as_bytes(),
            &self.salt,
            PBKDF2_ROUNDS,
        )?;
        let plain = aes_gcm_open(key.as_ref(), &self.iv, &self.ciphertext, b"")
            .ok_or(ImportError::WrongPassword { format: FORMAT })?;
        let text = std::str::from_utf8(&plain).map_err(|_| corrupt("its services are not text"))?;
        let services = super::Wiped(parse_json(text).map_err(|d| corrupt(&d))?);
        let list = services
            .as_array()
            .ok_or_else(|| corrupt("its services are not a list"))?;
        read_services(list)
    }
}

fn read_services(services: &[Value]) -> Result<Imported, ImportError> {
    let mut out = Collector::new(FORMAT);
    for (i, s) in services.iter().enumerate() {
        if out.stop() {
            break;
        }
        let otp = s.get("otp").cloned().unwrap_or(Value::Null);
        let service = str_field(s, "name").unwrap_or("").trim();
        let issuer = if service.is_empty() {
            str_field(&otp, "issuer").unwrap_or("")
        } else {
            service
        };
        let name = str_field(&otp, "account")
            .or_else(|| str_field(&otp, "label"))
            .unwrap_or("");
        out.push(|| describe(issuer, name, i), entry(s, &otp, issuer, name));
    }
    out.finish()
}

fn entry(s: &Value, otp: &Value, issuer: &str, name: &str) -> Result<super::ImportedEntry, String> {
    let kind = RawKind::from_type(str_field(otp, "tokenType"))?;
    let mut raw = RawEntry::new(issuer, name, kind);
    raw.algorithm = str_field(otp, "algorithm").map(str::to_owned);
    raw.digits = opt_int(otp, "digits")?;
    if kind == RawKind::Hotp {
        raw.counter = opt_int(otp, "counter")?;
    } else {
        raw.period = opt_int(otp, "period")?;
    }
    let secret = str_field(s, "secret").ok_or("it has no secret key")?;
    raw.finish(base32_secret(secret))
}
