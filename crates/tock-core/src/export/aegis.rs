//! Aegis vault files, plain and encrypted, exactly as Aegis writes and reads them.
//!
//! Format: Aegis's `docs/vault.md` (github.com/beemdevelopment/Aegis). `{"version":1,"header":{"slots","params"},
//! "db"}` with a content of database version 1 (`{"version":1,"entries":[…]}`, which every Aegis reads); each
//! entry has `type` (totp, hotp, steam), a `uuid`, `name`, `issuer`, `note`, `favorite`, `icon` null and `info`
//! {`secret` base32 without padding, `algo`, `digits`, `period` or `counter`}.
//!
//! Encrypted: one password slot (type 1) with scrypt N = 2^15, r = 8, p = 1 (Aegis's own parameters) and a
//! 32-byte salt; the 32-byte master key is AES-256-GCM-wrapped under the scrypt key (slot `key`,
//! `key_params.nonce`, `key_params.tag`, hex) and the content is AES-256-GCM-encrypted under the master key
//! (`db` base64 with padding, `header.params.nonce` and `.tag` hex). The master key, the salt, both nonces and
//! the uuids are passed in ([`AegisKeys`]); entry uuids are derived from them and the entry (version-4 form),
//! so that a file is reproducible from its inputs.
//!
//! Lost: nothing Tock has (Aegis has notes and favourites); Tock has no icons or groups to write.
//!
//! Tested by round trips through [`crate::import::read`] (`tests/importers.rs`); the importer itself is checked
//! against Aegis's own encrypted test vault.
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::ExportEntry;
use crate::import::{aes_gcm_seal, Wiped};
use crate::OtpKind;

/// The random values an encrypted Aegis vault needs, made by the caller (the core has no randomness).
pub struct AegisKeys {
    /// The vault's master key.
    pub master_key: [u8; 32],
    /// The password slot's scrypt salt.
    pub salt: [u8; 32],
    /// The nonce wrapping the master key.
    pub slot_nonce: [u8; 12],
    /// The nonce encrypting the content.
    pub db_nonce: [u8; 12],
    /// The password slot's uuid (its version and variant bits are set here).
    pub slot_uuid: [u8; 16],
}

impl Drop for AegisKeys {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.master_key);
    }
}

impl std::fmt::Debug for AegisKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AegisKeys(<redacted>)")
    }
}

/// scrypt log2(N), r and p of the password slot: Aegis's own.
const SCRYPT: (u8, u32, u32) = (15, 8, 1);

/// A plain (unencrypted) Aegis vault.
pub fn plain(entries: &[ExportEntry<'_>]) -> Zeroizing<String> {
    let mut db = content(entries, b"tock plain export");
    let mut vault = Wiped(json!({
        "version": 1,
        "header": { "slots": Value::Null, "params": Value::Null },
        "db": Value::Null,
    }));
    vault.0["db"] = std::mem::take(&mut db.0);
    Zeroizing::new(serde_json::to_string_pretty(&*vault).expect("JSON values always serialise"))
}

/// An encrypted Aegis vault with one password slot.
pub fn encrypted(entries: &[ExportEntry<'_>], password: &str, keys: &AegisKeys) -> String {
    seal(&content(entries, &keys.master_key), password, keys)
}

/// An encrypted Aegis vault holding the database object `db` (which [`content`] made, perhaps with more in it).
pub(crate) fn seal(db: &Wiped, password: &str, keys: &AegisKeys) -> String {
    let db_text =
        Zeroizing::new(serde_json::to_string(&**db).expect("JSON values always serialise"));
    let (log_n, r, p) = SCRYPT;
    let params = scrypt::Params::new(log_n, r, p, 32).expect("Aegis's scrypt parameters are valid");
    let mut derived = Zeroizing::new([0u8; 32]);
    scrypt::scrypt(password.as_bytes(), &keys.salt, &params, derived.as_mut())
        .expect("a 32-byte output is valid for scrypt");
    let wrapped = aes_gcm_seal(&derived, &keys.slot_nonce, &keys.master_key, b"");
    let sealed = aes_gcm_seal(&keys.master_key, &keys.db_nonce, db_text.as_bytes(), b"");
    let (key, key_tag) = wrapped.split_at(32);
    let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
    let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
    let vault = json!({
        "version": 1,
        "header": {
            "slots": [{
                "type": 1,
                "uuid": uuid(keys.slot_uuid),
                "key": hex(key),
                "key_params": { "nonce": hex(&keys.slot_nonce), "tag": hex(key_tag) },
                "n": 1u32 << log_n,
                "r": r,
                "p": p,
                "salt": hex(&keys.salt),
                "repaired": true,
            }],
            "params": { "nonce": hex(&keys.db_nonce), "tag": hex(tag) },
        },
        "db": data_encoding::BASE64.encode(ciphertext),
    });
    serde_json::to_string_pretty(&vault).expect("JSON values always serialise")
}

/// The content (database) object. `seed` makes the entry uuids (hashed with each entry).
pub(crate) fn content(entries: &[ExportEntry<'_>], seed: &[u8]) -> Wiped {
    let list: Vec<Value> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let p = e.params;
            let secret = e.secret.to_base32();
            let (kind, info) = match p.kind {
                OtpKind::Totp { period } => (
                    "totp",
                    json!({"secret": secret.as_str(), "algo": p.algorithm.as_str(), "digits": p.digits, "period": period}),
                ),
                OtpKind::Hotp { counter } => (
                    "hotp",
                    json!({"secret": secret.as_str(), "algo": p.algorithm.as_str(), "digits": p.digits, "counter": counter}),
                ),
                OtpKind::Steam { period } => (
                    "steam",
                    json!({"secret": secret.as_str(), "algo": "SHA1", "digits": 5, "period": period}),
                ),
            };
            let mut h = Sha256::new();
            h.update(b"tock aegis entry uuid\0");
            h.update(seed);
            h.update((i as u64).to_be_bytes());
            h.update(e.secret.as_bytes());
            let digest = h.finalize();
            let mut id = [0u8; 16];
            id.copy_from_slice(&digest[..16]);
            json!({
                "type": kind,
                "uuid": uuid(id),
                "name": e.name,
                "issuer": e.issuer,
                "note": e.notes,
                "favorite": e.favourite,
                "icon": Value::Null,
                "info": info,
            })
        })
        .collect();
    Wiped(json!({ "version": 1, "entries": list }))
}

/// A version-4-form UUID from 16 bytes.
fn uuid(mut b: [u8; 16]) -> String {
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = data_encoding::HEXLOWER.encode(&b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}
