//! The app lock's cryptography: a random vault key, wrapped under a key derived from the person's password,
//! and the keychain's items sealed under the vault key.
//!
//! - The password key is **Argon2id** (RFC 9106) with the parameters stored beside the wrapped key, so they can
//!   be raised later without breaking older vaults; parameters read from a file are capped ([`KdfParams::check`])
//!   so a tampered file cannot make unlocking take hours or gigabytes.
//! - Wrapping and sealing are **XChaCha20-Poly1305** (RustCrypto's `chacha20poly1305`): 24-byte random nonces,
//!   so random nonces never collide in practice. Every sealed item's associated data names the vault, the
//!   account and the item's kind, so a sealed item cannot be moved to another account or kind unnoticed.
//!
//! Nothing here is random or reads the clock: salts, nonces and keys are passed in.
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

/// The key that seals every item of a locked vault. Zeroized on drop; never printed.
#[derive(Clone)]
pub struct VaultKey(Zeroizing<[u8; 32]>);

impl VaultKey {
    /// A key from 32 random bytes (made by the caller).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        VaultKey(Zeroizing::new(bytes))
    }
}

impl std::fmt::Debug for VaultKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("VaultKey(<redacted>)")
    }
}

/// Argon2id's cost parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdfParams {
    /// Memory in KiB.
    pub m_kib: u32,
    /// Passes over the memory.
    pub t: u32,
    /// Lanes.
    pub p: u32,
}

impl KdfParams {
    /// What new locks use: 128 MiB, 6 passes, 1 lane (about half a second on the 2-core machines Tock is
    /// tested on, beside the reference implementation: docs/PERFORMANCE.md).
    pub const DEFAULT: KdfParams = KdfParams {
        m_kib: 128 * 1024,
        t: 6,
        p: 1,
    };

    /// Refuses parameters no Tock writes: below RFC 9106's second recommendation's spirit (8 MiB, 1 pass), or
    /// above 1 GiB, 20 passes or 8 lanes.
    pub fn check(&self) -> Result<(), LockError> {
        let ok = (8 * 1024..=1024 * 1024).contains(&self.m_kib)
            && (1..=20).contains(&self.t)
            && (1..=8).contains(&self.p);
        if ok {
            Ok(())
        } else {
            Err(LockError::Damaged)
        }
    }
}

/// The vault key wrapped under the password, as `storage.json` keeps it (bytes as lowercase hex).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    /// Always `argon2id`.
    pub kdf: String,
    /// The key derivation's cost.
    #[serde(flatten)]
    pub params: KdfParams,
    /// Argon2id's salt (16 bytes).
    pub salt: String,
    /// XChaCha20-Poly1305's nonce (24 bytes).
    pub nonce: String,
    /// The vault key and its tag (48 bytes).
    pub wrapped: String,
}

/// Why the lock's cryptography refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LockError {
    /// The password does not open the vault key.
    #[error("wrong password")]
    WrongPassword,
    /// A wrapped key or a sealed item that Tock did not write, or that was changed.
    #[error("the lock's data is damaged or was changed; restore the data folder from a backup")]
    Damaged,
}

const WRAP_AAD: &[u8] = b"tock vault key v1";
/// The first bytes of every sealed item (so a plain item is never mistaken for a sealed one).
const SEAL_MAGIC: &[u8] = b"TOCK-SEALED-1\0";

fn password_key(
    password: &str,
    params: KdfParams,
    salt: &[u8],
) -> Result<Zeroizing<[u8; 32]>, LockError> {
    params.check()?;
    let argon = argon2::Argon2::new(
        argon2::Algorithm::Argon2id,
        argon2::Version::V0x13,
        argon2::Params::new(params.m_kib, params.t, params.p, Some(32))
            .map_err(|_| LockError::Damaged)?,
    );
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into(password.as_bytes(), salt, key.as_mut())
        .map_err(|_| LockError::Damaged)?;
    Ok(key)
}

/// Wraps `key` under `password` (Argon2id with `params`, then XChaCha20-Poly1305).
pub fn wrap(
    key: &VaultKey,
    password: &str,
    params: KdfParams,
    salt: [u8; 16],
    nonce: [u8; 24],
) -> WrappedKey {
    let kek = password_key(password, params, &salt).expect("Tock's own parameters are valid");
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let wrapped = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: key.0.as_ref(),
                aad: WRAP_AAD,
            },
        )
        .expect("XChaCha20-Poly1305 takes any message of this size");
    let hex = |b: &[u8]| data_encoding::HEXLOWER.encode(b);
    WrappedKey {
        kdf: "argon2id".into(),
        params,
        salt: hex(&salt),
        nonce: hex(&nonce),
        wrapped: hex(&wrapped),
    }
}

/// The vault key, if `password` is the one it was wrapped under.
pub fn unwrap(wrapped: &WrappedKey, password: &str) -> Result<VaultKey, LockError> {
    let unhex = |s: &str| {
        data_encoding::HEXLOWER_PERMISSIVE
            .decode(s.as_bytes())
            .map_err(|_| LockError::Damaged)
    };
    let (salt, nonce, sealed) = (
        unhex(&wrapped.salt)?,
        unhex(&wrapped.nonce)?,
        unhex(&wrapped.wrapped)?,
    );
    if wrapped.kdf != "argon2id" || salt.len() < 16 || nonce.len() != 24 || sealed.len() != 48 {
        return Err(LockError::Damaged);
    }
    let kek = password_key(password, wrapped.params, &salt)?;
    let cipher = XChaCha20Poly1305::new(kek.as_ref().into());
    let key = Zeroizing::new(
        cipher
            .decrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: &sealed,
                    aad: WRAP_AAD,
                },
            )
            .map_err(|_| LockError::WrongPassword)?,
    );
    let mut bytes = [0u8; 32];
    bytes.copy_from_slice(&key);
    let key = VaultKey::from_bytes(bytes);
    zeroize::Zeroize::zeroize(&mut bytes);
    Ok(key)
}

/// What a sealed item belongs to: its associated data.
fn item_aad(vault_id: &str, kind: &str, item: &str) -> Vec<u8> {
    let mut aad = SEAL_MAGIC.to_vec();
    for part in [vault_id, kind, item] {
        aad.extend_from_slice(part.as_bytes());
        aad.push(0);
    }
    aad
}

/// Seals `plain` (a secret, a backup-code list) as item `item` of kind `kind` in vault `vault_id`.
pub fn seal(
    key: &VaultKey,
    nonce: [u8; 24],
    vault_id: &str,
    kind: &str,
    item: &str,
    plain: &[u8],
) -> Vec<u8> {
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    let aad = item_aad(vault_id, kind, item);
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plain,
                aad: &aad,
            },
        )
        .expect("XChaCha20-Poly1305 takes any message of this size");
    let mut out = Vec::with_capacity(SEAL_MAGIC.len() + 24 + sealed.len());
    out.extend_from_slice(SEAL_MAGIC);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out
}

/// Opens an item [`seal`] made for the same vault, kind and item.
pub fn open(
    key: &VaultKey,
    vault_id: &str,
    kind: &str,
    item: &str,
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, LockError> {
    let rest = sealed.strip_prefix(SEAL_MAGIC).ok_or(LockError::Damaged)?;
    if rest.len() < 24 + 16 {
        return Err(LockError::Damaged);
    }
    let (nonce, body) = rest.split_at(24);
    let cipher = XChaCha20Poly1305::new(key.0.as_ref().into());
    let aad = item_aad(vault_id, kind, item);
    cipher
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: &aad,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| LockError::Damaged)
}

/// Whether stored bytes are a sealed item (rather than a plain one written while the lock was off).
pub fn is_sealed(bytes: &[u8]) -> bool {
    bytes.starts_with(SEAL_MAGIC)
}

/// How long to wait after `failures` wrong passwords in a row: 0 before the first, then 1 s, 2 s, 4 s … up to
/// five minutes. It slows someone guessing at the keyboard; Argon2id is what slows guessing offline.
pub fn wait_after(failures: u32) -> u64 {
    match failures {
        0 => 0,
        n => 1u64.checked_shl(n - 1).unwrap_or(u64::MAX).min(300),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAST: KdfParams = KdfParams {
        m_kib: 8 * 1024,
        t: 1,
        p: 1,
    };

    #[test]
    fn the_right_password_unwraps_the_key_and_a_wrong_one_is_refused() {
        let key = VaultKey::from_bytes([7; 32]);
        let wrapped = wrap(&key, "correct horse", FAST, [1; 16], [2; 24]);
        assert_eq!(wrapped.kdf, "argon2id");
        let opened = unwrap(&wrapped, "correct horse").unwrap();
        assert_eq!(*opened.0, [7; 32]);
        assert_eq!(
            unwrap(&wrapped, "correct hors").unwrap_err(),
            LockError::WrongPassword
        );
        // The stored form never holds the key.
        let text = serde_json::to_string(&wrapped).unwrap();
        assert!(
            !text.contains(&data_encoding::HEXLOWER.encode(&[7; 32])),
            "{text}"
        );
        assert!(text.contains("\"m_kib\":8192"), "{text}");
    }

    #[test]
    fn the_password_key_is_deterministic_and_depends_on_the_salt() {
        let a = password_key("pw", FAST, &[1; 16]).unwrap();
        let b = password_key("pw", FAST, &[1; 16]).unwrap();
        let c = password_key("pw", FAST, &[2; 16]).unwrap();
        assert_eq!(*a, *b);
        assert_ne!(*a, *c);
    }

    #[test]
    fn tampered_parameters_are_refused_before_any_work() {
        let key = VaultKey::from_bytes([7; 32]);
        let mut wrapped = wrap(&key, "pw", FAST, [1; 16], [2; 24]);
        wrapped.params.m_kib = 64 * 1024 * 1024; // 64 GiB
        assert_eq!(unwrap(&wrapped, "pw").unwrap_err(), LockError::Damaged);
        let mut wrapped = wrap(&key, "pw", FAST, [1; 16], [2; 24]);
        wrapped.wrapped.replace_range(0..2, "00");
        assert!(unwrap(&wrapped, "pw").is_err());
        let mut wrapped = wrap(&key, "pw", FAST, [1; 16], [2; 24]);
        wrapped.salt = "zz".into();
        assert_eq!(unwrap(&wrapped, "pw").unwrap_err(), LockError::Damaged);
    }

    #[test]
    fn sealed_items_open_only_for_their_own_vault_kind_and_item() {
        let key = VaultKey::from_bytes([9; 32]);
        let sealed = seal(
            &key,
            [3; 24],
            "v1",
            "secret",
            "abc",
            b"12345678901234567890",
        );
        assert!(is_sealed(&sealed));
        assert!(!is_sealed(b"12345678901234567890"));
        assert!(!sealed.windows(20).any(|w| w == b"12345678901234567890"));
        assert_eq!(
            &*open(&key, "v1", "secret", "abc", &sealed).unwrap(),
            b"12345678901234567890"
        );
        for (vault, kind, item) in [
            ("v2", "secret", "abc"),
            ("v1", "codes", "abc"),
            ("v1", "secret", "abd"),
        ] {
            assert_eq!(
                open(&key, vault, kind, item, &sealed).unwrap_err(),
                LockError::Damaged
            );
        }
        let other = VaultKey::from_bytes([8; 32]);
        assert!(open(&other, "v1", "secret", "abc", &sealed).is_err());
        assert!(open(&key, "v1", "secret", "abc", &sealed[..30]).is_err());
        assert!(open(&key, "v1", "secret", "abc", b"plain").is_err());
    }

    #[test]
    fn the_wait_doubles_and_is_capped() {
        let waits: Vec<u64> = (0..12).map(wait_after).collect();
        assert_eq!(waits, [0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        assert_eq!(wait_after(u32::MAX), 300);
    }
}
