//! Stratum (formerly Authenticator Pro) backups: plain JSON, encrypted, legacy encrypted.
//!
//! Format: Stratum's `Stratum.Core/src/Backup/Backup.cs` and its encryption classes
//! (github.com/stratumauth/app). Plain: `{"Authenticators":[{"Type","Issuer","Username","Secret","Algorithm",
//! "Digits","Period","Counter",…}],"Categories",…}` with `Type` 1 HOTP, 2 TOTP, 3 mOTP, 4 Steam, 5 Yandex
//! and `Algorithm` 0 SHA1, 1 SHA256, 2 SHA512. Encrypted (`.authpro`): the 16 bytes `AUTHENTICATORPRO`, a
//! 16-byte salt, a 12-byte IV, then AES-256-GCM ciphertext and tag under Argon2id(t = 3, m = 64 MiB, p = 4).
//! Legacy encrypted: the 16 bytes `AuthenticatorPro`, a 20-byte salt, a 16-byte IV, then AES-256-CBC (PKCS#7)
//! under PBKDF2-HMAC-SHA1(64,000 rounds). Both parameter sets are fixed by the app, not read from the file.
//!
//! Lost on import: categories, icons, ranking, PINs. mOTP and Yandex entries are reported as errors.
//!
//! Fixtures: `aegis-importers/files/stratum_{plain.json,encrypted.bin,encrypted_legacy.bin}` (Aegis's tests),
//! `importers-extra/files/stratum/backup.*.authpro` (Stratum's own).
use serde_json::Value;

use super::{
    aes_gcm_open, argon2_params, argon2id_key, base32_secret, describe, opt_int, parse_json,
    pbkdf2_key, str_field, Collector, Encrypted, Format, ImportError, Imported, Prf, RawEntry,
    RawKind, Read,
};

const FORMAT: Format = Format::Stratum;
const STRONG: &[u8; 16] = b"AUTHENTICATORPRO";
const LEGACY: &[u8; 16] = b"AuthenticatorPro";

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

/// Whether the bytes start with one of Stratum's encryption headers.
pub(crate) fn is_encrypted(bytes: &[u8]) -> bool {
    bytes.starts_with(STRONG) || bytes.starts_with(LEGACY)
}

/// An encrypted Stratum backup.
#[derive(Debug)]
pub(crate) enum Sealed {
    /// Argon2id + AES-GCM.
    Strong {
        salt: Vec<u8>,
        iv: Vec<u8>,
        data: Vec<u8>,
    },
    /// PBKDF2-SHA1 + AES-CBC.
    Legacy {
        salt: Vec<u8>,
        iv: Vec<u8>,
        data: Vec<u8>,
    },
}

pub(crate) fn read(bytes: &[u8]) -> Result<Read, ImportError> {
    let sealed = if let Some(rest) = bytes.strip_prefix(STRONG) {
        if rest.len() < 16 + 12 + 16 {
            return Err(corrupt("it is too short"));
        }
        Sealed::Strong {
            salt: rest[..16].to_vec(),
            iv: rest[16..28].to_vec(),
            data: rest[28..].to_vec(),
        }
    } else if let Some(rest) = bytes.strip_prefix(LEGACY) {
        if rest.len() < 20 + 16 + 16 || (rest.len() - 36) % 16 != 0 {
            return Err(corrupt("it is too short or not whole AES blocks"));
        }
        Sealed::Legacy {
            salt: rest[..20].to_vec(),
            iv: rest[20..36].to_vec(),
            data: rest[36..].to_vec(),
        }
    } else {
        return Err(corrupt("it does not start with Stratum's header"));
    };
    Ok(Read::NeedsPassword(Encrypted {
        format: FORMAT,
        sealed: super::Sealed::Stratum(sealed),
    }))
}

impl Sealed {
    pub(crate) fn open(&self, password: &str) -> Result<Imported, ImportError> {
        let wrong = ImportError::WrongPassword { format: FORMAT };
        let plain = match self {
            Sealed::Strong { salt, iv, data } => {
                let params = argon2_params(FORMAT, 64 * 1024, 3, 4)?;
                let key = argon2id_key(FORMAT, params, password.as_bytes(), salt)?;
                aes_gcm_open(key.as_ref(), iv, data, b"").ok_or_else(|| wrong.clone())?
            }
            Sealed::Legacy { salt, iv, data } => {
                use aes::cipher::{block_padding::Pkcs7, BlockDecryptMut, KeyIvInit};
                let key = pbkdf2_key(FORMAT, Prf::Sha1, password.as_bytes(), salt, 64_000)?;
                let cipher = cbc::Decryptor::<aes::Aes256>::new_from_slices(key.as_ref(), iv)
                    .map_err(|_| corrupt("its IV has the wrong length"))?;
                zeroize::Zeroizing::new(
                    cipher
                        .decrypt_padded_vec_mut::<Pkcs7>(data)
                        .map_err(|_| wrong.clone())?,
                )
            }
        };
        // CBC has no authentication: a wrong password that happens to end in valid padding gives junk, which
        // is not UTF-8 JSON; say "wrong password" for it too.
        let text = std::str::from_utf8(&plain).map_err(|_| wrong.clone())?;
        let json = super::Wiped(parse_json(text).map_err(|_| wrong.clone())?);
        match read_plain(&json)? {
            Read::Imported(i) => Ok(i),
            Read::NeedsPassword(_) => Err(corrupt("it is encrypted twice")),
        }
    }
}

pub(crate) fn read_plain(json: &Value) -> Result<Read, ImportError> {
    let list = json
        .get("Authenticators")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("it has no list of authenticators"))?;
    let mut out = Collector::new(FORMAT);
    for (i, a) in list.iter().enumerate() {
        if out.stop() {
            break;
        }
        let issuer = str_field(a, "Issuer").unwrap_or("");
        let name = str_field(a, "Username").unwrap_or("");
        out.push(|| describe(issuer, name, i), entry(a, issuer, name));
    }
    out.read()
}

fn entry(a: &Value, issuer: &str, name: &str) -> Result<super::ImportedEntry, String> {
    let kind = match opt_int(a, "Type")? {
        Some(1) => RawKind::Hotp,
        Some(2) => RawKind::Totp,
        Some(4) => RawKind::Steam,
        Some(3) => return Err("it is an mOTP account, which Tock does not support".into()),
        Some(5) => return Err("it is a Yandex account, which Tock does not support".into()),
        Some(n) => return Err(format!("its type ({n}) is unknown")),
        None => return Err("it has no type".into()),
    };
    let mut raw = RawEntry::new(issuer, name, kind);
    raw.algorithm = match opt_int(a, "Algorithm")? {
        None | Some(0) => None,
        Some(1) => Some("SHA256".into()),
        Some(2) => Some("SHA512".into()),
        Some(n) => return Err(format!("its algorithm ({n}) is unknown")),
    };
    raw.digits = opt_int(a, "Digits")?;
    if kind == RawKind::Hotp {
        raw.counter = opt_int(a, "Counter")?;
    } else {
        raw.period = opt_int(a, "Period")?;
    }
    let secret = str_field(a, "Secret").ok_or("it has no secret key")?;
    raw.finish(base32_secret(secret))
}
