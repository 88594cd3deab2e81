//! Helpers of the unit tests: sessions on in-memory stores.
use tock_core::otp::DigitsPolicy;
use tock_core::vault::memory::{MemoryDoc, MemorySecrets};
use tock_core::vault::{NewAccount, Vault};
use tock_core::{AccountId, OtpParams, Secret};

use crate::Session;

/// RFC 4226 / 6238's SHA1 seed, "12345678901234567890", in base32.
pub const RFC_SEED_BASE32: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// An empty vault in memory.
pub fn memory_vault() -> Vault<MemorySecrets, MemoryDoc> {
    Vault::open(MemorySecrets::default(), MemoryDoc::default(), || {
        "vault-1".into()
    })
    .unwrap()
}

/// A session on an empty vault in memory.
pub fn memory_session() -> Session<MemorySecrets, MemoryDoc> {
    Session::from_vault(memory_vault())
}

/// "`issuer` (alice)" with the RFC seed as its secret, 30-second TOTP.
pub fn rfc_account(issuer: &str) -> NewAccount {
    NewAccount {
        issuer: issuer.into(),
        name: "alice".into(),
        secret: Secret::from_bytes(b"12345678901234567890".to_vec()),
        params: OtpParams::totp_default(),
        notes: String::new(),
    }
}

/// Adds "`issuer` (alice)" with the RFC seed and `params`; returns its id.
pub fn add_rfc_account(
    session: &Session<MemorySecrets, MemoryDoc>,
    issuer: &str,
    params: OtpParams,
) -> AccountId {
    let new = NewAccount {
        params,
        ..rfc_account(issuer)
    };
    let view = session.add_new(new, DigitsPolicy::Manual, 0).unwrap();
    AccountId::parse(&view.id).unwrap()
}
