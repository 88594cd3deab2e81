//! andOTP backups: plain JSON, encrypted (current format) and encrypted (old format).
//!
//! Format: andOTP's `Utilities/Constants.java`, `EncryptionHelper.java` and `DatabaseHelper.java`
//! (github.com/andOTP/andOTP, archived). Plain: a JSON array of {`secret` base32 (often `=`-padded), `issuer`,
//! `label`, `digits`, `type` TOTP/HOTP/STEAM/MOTP, `algorithm`, `period`, `counter`, `tags`, …}.
//! Encrypted (andOTP ≥ 0.6.3): 4-byte big-endian PBKDF2 round count, 12-byte salt, 12-byte nonce, then
//! AES-256-GCM ciphertext and tag, the key PBKDF2-HMAC-SHA1(password, salt, rounds, 32 bytes).
//! Old encrypted format: 12-byte nonce, AES-256-GCM ciphertext and tag, the key SHA-256(password).
//! Neither encrypted format has a signature, so binary data that matches no other format is tried as andOTP
//! (the old format first, which costs one hash; then the new one if its round count is within the cap).
//!
//! Readings: old andOTP had no `issuer` field and wrote `Issuer - Issuer:Name` into `label`: the issuer is the
//! part before ` - ` and the rest is kept as the name (Aegis does the same). A Steam entry without `period` has
//! 30 seconds.
//!
//! Lost on import: tags, thumbnails, usage counts. mOTP entries are reported as errors.
//!
//! Fixtures: `aegis-importers/files/andotp_{plain.json,encrypted.bin,encrypted_old.bin}`,
//! `importers-extra/files/stratum/andotp.*` (with an mOTP entry).
use serde_json::Value;
use sha2::Digest;

use super::{
    aes_gcm_open, base32_secret, check_pbkdf2, describe, opt_int, parse_json, pbkdf2_key,
    str_field, Collector, Encrypted, Format, ImportError, Imported, Prf, RawEntry, RawKind, Read,
};

const FORMAT: Format = Format::AndOtp;

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

/// An encrypted andOTP backup (either format: told apart at decryption).
#[derive(Debug)]
pub(crate) struct Sealed {
    bytes: Vec<u8>,
}

/// The smallest encrypted backup: nonce and tag around an empty JSON array.
const MIN_OLD: usize = 12 + 16 + 2;

pub(crate) fn read_encrypted(bytes: &[u8]) -> Result<Read, ImportError> {
    if bytes.len() < MIN_OLD {
        return Err(ImportError::UnknownFormat);
    }
    Ok(Read::NeedsPassword(Encrypted {
        format: FORMAT,
        sealed: super::Sealed::AndOtp(Sealed {
            bytes: bytes.to_vec(),
        }),
    }))
}

impl Sealed {
    pub(crate) fn open(&self, password: &str) -> Result<Imported, ImportError> {
        let b = &self.bytes;
        // Old format: SHA-256 of the password, nonce first.
        let old_key =
            zeroize::Zeroizing::new(<[u8; 32]>::from(sha2::Sha256::digest(password.as_bytes())));
        if let Some(plain) = aes_gcm_open(old_key.as_ref(), &b[..12], &b[12..], b"") {
            return from_plaintext(&plain);
        }
        // Current format: rounds, salt, nonce.
        if b.len() < 4 + 12 + 12 + 16 {
            return Err(ImportError::WrongPassword { format: FORMAT });
        }
        // andOTP writes 140,000–160,000 rounds. A count of 0 or over the cap is not obeyed: such a file is an
        // old-format backup whose password was wrong (its first bytes are a random nonce), or damaged.
        let rounds = u64::from(u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        if check_pbkdf2(FORMAT, rounds).is_err() {
            return Err(ImportError::WrongPassword { format: FORMAT });
        }
        let key = pbkdf2_key(FORMAT, Prf::Sha1, password.as_bytes(), &b[4..16], rounds)?;
        let plain = aes_gcm_open(key.as_ref(), &b[16..28], &b[28..], b"")
            .ok_or(ImportError::WrongPassword { format: FORMAT })?;
        from_plaintext(&plain)
    }
}

fn from_plaintext(plain: &[u8]) -> Result<Imported, ImportError> {
    let text = std::str::from_utf8(plain).map_err(|_| corrupt("its contents are not text"))?;
    let json = super::Wiped(parse_json(text).map_err(|d| corrupt(&d))?);
    match read(&json)? {
        Read::Imported(i) => Ok(i),
        Read::NeedsPassword(_) => Err(corrupt("it is encrypted twice")),
    }
}

pub(crate) fn read(json: &Value) -> Result<Read, ImportError> {
    let list = json
        .as_array()
        .ok_or_else(|| corrupt("it is not a list of entries"))?;
    let mut out = Collector::new(FORMAT);
    for (i, e) in list.iter().enumerate() {
        if out.stop() {
            break;
        }
        let label = str_field(e, "label").unwrap_or("");
        let (issuer, name) = match str_field(e, "issuer") {
            Some(issuer) => (issuer, label),
            None => match label.split_once(" - ") {
                Some((issuer, rest)) => (issuer, rest),
                None => ("", label),
            },
        };
        out.push(|| describe(issuer, name, i), entry(e, issuer, name));
    }
    out.read()
}

fn entry(e: &Value, issuer: &str, name: &str) -> Result<super::ImportedEntry, String> {
    let kind = RawKind::from_type(str_field(e, "type"))?;
    let mut raw = RawEntry::new(issuer, name, kind);
    raw.algorithm = str_field(e, "algorithm").map(str::to_owned);
    raw.digits = opt_int(e, "digits")?;
    raw.period = opt_int(e, "period")?;
    raw.counter = opt_int(e, "counter")?;
    let secret = str_field(e, "secret").ok_or("it has no secret key")?;
    raw.finish(base32_secret(secret))
}
