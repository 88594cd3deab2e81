//! Aegis vault exports (JSON), plain and encrypted.
//!
//! Format: Aegis's `docs/vault.md` (github.com/beemdevelopment/Aegis). `{"version":1,"header":{"slots","params"},
//! "db"}`: plain, `db` is the database object; encrypted, `db` is base64 of AES-256-GCM ciphertext under a random
//! master key (nonce and tag in `header.params`), and each password slot (`type` 1) holds that master key
//! AES-256-GCM-wrapped under scrypt(password, salt, N, r, p). Biometric and raw slots are skipped.
//! Database entries: `type` (totp, hotp, steam; motp and yandex are reported as errors), `name`, `issuer`,
//! `note`, `favorite`, `info` {`secret` base32, `algo`, `digits`, `period`, `counter`}.
//!
//! Lost on import: icons, groups, uuids, Yandex and mOTP entries (Tock has neither kind).
//!
//! Fixtures: `aegis-importers/files/aegis_{plain,encrypted}.json` (Aegis's importer tests),
//! `importers-extra/files/proton/aegis/*` (Proton Authenticator's) and `importers-extra/files/stratum/aegis.*`
//! (Stratum's: db version 2 with groups).
use serde_json::Value;
use zeroize::Zeroizing;

use super::{
    aes_gcm_open, base32_secret, base64, describe, hex, limits, opt_int, parse_json, str_field,
    Collector, Encrypted, Format, ImportError, Imported, RawEntry, RawKind, Read,
};

const FORMAT: Format = Format::Aegis;

/// Most password slots tried (each costs one scrypt run); Aegis writes one.
const MAX_PASSWORD_SLOTS: usize = 4;

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

/// A password slot.
#[derive(Debug)]
struct Slot {
    key: Vec<u8>,
    nonce: Vec<u8>,
    tag: Vec<u8>,
    salt: Vec<u8>,
    params: scrypt::Params,
}

/// An encrypted Aegis vault: its password slots and the encrypted database.
#[derive(Debug)]
pub(crate) struct Sealed {
    slots: Vec<Slot>,
    nonce: Vec<u8>,
    tag: Vec<u8>,
    db: Vec<u8>,
}

pub(crate) fn read(json: &Value) -> Result<Read, ImportError> {
    if !json.is_object() {
        return Err(corrupt("it is not a JSON object"));
    }
    let header = json
        .get("header")
        .ok_or_else(|| corrupt("it has no header"))?;
    match json.get("db") {
        Some(db @ Value::Object(_)) => read_db(db).map(Read::Imported),
        Some(Value::String(text)) => {
            let db = base64(text).ok_or_else(|| corrupt("its db is not base64"))?;
            let params = header
                .get("params")
                .filter(|p| p.is_object())
                .ok_or_else(|| corrupt("it is encrypted but has no header.params"))?;
            let nonce = hex_field(params, "nonce")?;
            let tag = hex_field(params, "tag")?;
            let slots_json = header
                .get("slots")
                .and_then(Value::as_array)
                .ok_or_else(|| corrupt("it is encrypted but has no slots"))?;
            let password_slots: Vec<&Value> = slots_json
                .iter()
                .filter(|s| s.get("type").and_then(Value::as_i64) == Some(1))
                .collect();
            if password_slots.is_empty() {
                return Err(ImportError::UnsupportedVariant {
                    format: FORMAT,
                    what: "no password slot (only biometric or key slots)".into(),
                    advice: "set a password in Aegis and export again",
                });
            }
            if password_slots.len() > MAX_PASSWORD_SLOTS {
                return Err(ImportError::KdfTooCostly {
                    format: FORMAT,
                    what: format!("{} password slots", password_slots.len()),
                    limit: format!("at most {MAX_PASSWORD_SLOTS}"),
                });
            }
            let slots = password_slots
                .into_iter()
                .map(slot)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Read::NeedsPassword(Encrypted {
                format: FORMAT,
                sealed: super::Sealed::Aegis(Sealed {
                    slots,
                    nonce,
                    tag,
                    db,
                }),
            }))
        }
        _ => Err(corrupt("it has no db")),
    }
}

fn hex_field(v: &Value, key: &str) -> Result<Vec<u8>, ImportError> {
    str_field(v, key)
        .and_then(hex)
        .ok_or_else(|| corrupt(&format!("its {key} is missing or not hex")))
}

fn slot(v: &Value) -> Result<Slot, ImportError> {
    let key = hex_field(v, "key")?;
    let key_params = v
        .get("key_params")
        .ok_or_else(|| corrupt("a slot has no key_params"))?;
    let nonce = hex_field(key_params, "nonce")?;
    let tag = hex_field(key_params, "tag")?;
    let salt = hex_field(v, "salt")?;
    let num = |k: &str| {
        v.get(k).and_then(Value::as_u64).ok_or_else(|| {
            corrupt(&format!(
                "a slot's scrypt {k} is missing or not a whole number"
            ))
        })
    };
    let (n, r, p) = (num("n")?, num("r")?, num("p")?);
    let too = |what: String, limit: String| ImportError::KdfTooCostly {
        format: FORMAT,
        what,
        limit,
    };
    if n < 2 || !n.is_power_of_two() {
        return Err(corrupt("a slot's scrypt N is not a power of two"));
    }
    let log_n = n.trailing_zeros() as u8;
    if log_n > limits::MAX_SCRYPT_LOG_N {
        return Err(too(
            format!("scrypt N = 2^{log_n}"),
            format!("at most 2^{}", limits::MAX_SCRYPT_LOG_N),
        ));
    }
    if r == 0 || p == 0 {
        return Err(corrupt("a slot's scrypt r or p is 0"));
    }
    if r.saturating_mul(p) > limits::MAX_SCRYPT_R_TIMES_P {
        return Err(too(
            format!("scrypt r·p = {}", r.saturating_mul(p)),
            format!("at most {}", limits::MAX_SCRYPT_R_TIMES_P),
        ));
    }
    if 128u64.saturating_mul(n).saturating_mul(r) > limits::MAX_SCRYPT_MEMORY {
        return Err(too(
            format!("{} MiB of scrypt memory", (128 * n).saturating_mul(r) >> 20),
            "at most 1024 MiB".into(),
        ));
    }
    let params = scrypt::Params::new(log_n, r as u32, p as u32, 32)
        .map_err(|_| corrupt("a slot's scrypt parameters are invalid"))?;
    Ok(Slot {
        key,
        nonce,
        tag,
        salt,
        params,
    })
}

impl Sealed {
    pub(crate) fn open(&self, password: &str) -> Result<Imported, ImportError> {
        let db = self.open_db(password)?;
        read_db(&db)
    }

    /// Decrypts the database object with `password` (its strings zeroized on drop), unread.
    pub(crate) fn open_db(&self, password: &str) -> Result<super::Wiped, ImportError> {
        let wrong = ImportError::WrongPassword { format: FORMAT };
        let mut master = None;
        for slot in &self.slots {
            let mut derived = Zeroizing::new([0u8; 32]);
            scrypt::scrypt(
                password.as_bytes(),
                &slot.salt,
                &slot.params,
                derived.as_mut(),
            )
            .map_err(|_| corrupt("a slot's scrypt parameters are invalid"))?;
            let wrapped = [slot.key.as_slice(), slot.tag.as_slice()].concat();
            if let Some(key) = aes_gcm_open(derived.as_ref(), &slot.nonce, &wrapped, b"") {
                master = Some(key);
                break;
            }
        }
        let master = master.ok_or(wrong.clone())?;
        let sealed_db = [self.db.as_slice(), self.tag.as_slice()].concat();
        let plain = aes_gcm_open(&master, &self.nonce, &sealed_db, b"").ok_or(wrong)?;
        let text = std::str::from_utf8(&plain).map_err(|_| corrupt("its database is not text"))?;
        let db = super::Wiped(parse_json(text).map_err(|d| corrupt(&d))?);
        if !db.is_object() {
            return Err(corrupt("its database is not a JSON object"));
        }
        Ok(db)
    }
}

/// Reads the database object (`{"version", "entries", "groups"}`).
fn read_db(db: &Value) -> Result<Imported, ImportError> {
    let mut out = Collector::new(FORMAT);
    let Some(entries) = db.get("entries").and_then(Value::as_array) else {
        out.error("the database".into(), "it has no list of entries".into());
        return out.finish();
    };
    for (i, e) in entries.iter().enumerate() {
        if out.stop() {
            break;
        }
        let issuer = str_field(e, "issuer").unwrap_or("");
        let name = str_field(e, "name").unwrap_or("");
        out.push(|| describe(issuer, name, i), entry(e, issuer, name));
    }
    out.finish()
}

pub(crate) fn entry(e: &Value, issuer: &str, name: &str) -> Result<super::ImportedEntry, String> {
    let kind = match str_field(e, "type").map(str::to_ascii_lowercase).as_deref() {
        Some("totp") => RawKind::Totp,
        Some("hotp") => RawKind::Hotp,
        Some("steam") => RawKind::Steam,
        Some(other) => {
            return Err(format!(
                "its type \"{}\" is not supported (only TOTP, HOTP and Steam are)",
                super::quoted(other)
            ))
        }
        None => return Err("it has no type".into()),
    };
    let info = e.get("info").ok_or("it has no info")?;
    let mut raw = RawEntry::new(issuer, name, kind);
    raw.algorithm = str_field(info, "algo").map(str::to_owned);
    raw.digits = opt_int(info, "digits")?;
    raw.period = opt_int(info, "period")?;
    raw.counter = opt_int(info, "counter")?;
    raw.notes = str_field(e, "note").unwrap_or("").to_owned();
    raw.favourite = e.get("favorite").and_then(Value::as_bool).unwrap_or(false);
    let secret = str_field(info, "secret").ok_or("it has no secret key")?;
    raw.finish(base32_secret(secret))
}
