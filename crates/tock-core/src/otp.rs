//! HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard codes, computed with totp-rs.
//! Time is always passed in (Unix seconds); nothing here reads the clock.
use serde::{Deserialize, Serialize};

use crate::Secret;

/// HMAC algorithm of an account.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Algorithm {
    /// HMAC-SHA1, the default almost every site uses.
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA512.
    #[serde(rename = "SHA512")]
    Sha512,
}

/// Which kind of code, with its moving factor's parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum OtpKind {
    /// Time-based: a new code every `period` seconds.
    Totp {
        /// Seconds per code, at least 1.
        period: u32,
    },
    /// Counter-based: the code for `counter`; the counter advances after each use.
    Hotp {
        /// The counter of the next code.
        counter: u64,
    },
    /// Steam Guard: TOTP with 5 characters from Steam's alphabet.
    Steam {
        /// Seconds per code (Steam uses 30).
        period: u32,
    },
}

/// How many digits are allowed: 6–8 when a person types them, 4–10 when an import or a URI carries them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigitsPolicy {
    /// Typed by a person in the add form or the CLI: 6 to 8.
    Manual,
    /// Carried by a URI, a QR code or an import file: 4 to 10.
    Import,
}

/// Everything needed to compute codes, apart from the secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtpParams {
    /// TOTP, HOTP or Steam.
    #[serde(flatten)]
    pub kind: OtpKind,
    /// The HMAC algorithm.
    pub algorithm: Algorithm,
    /// Number of digits (5 for Steam).
    pub digits: u8,
}

/// Why parameters were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParamError {
    /// Digits outside the allowed range.
    #[error("{digits} digits is not supported: codes must have {min} to {max} digits")]
    Digits {
        /// What was given.
        digits: u32,
        /// Smallest allowed.
        min: u8,
        /// Largest allowed.
        max: u8,
    },
    /// A period of zero seconds.
    #[error("the period must be at least 1 second")]
    ZeroPeriod,
}

/// A code and the time span it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Code {
    /// The code as the site expects it (digits, or Steam's 5 characters).
    pub code: String,
    /// Unix second at which this code became current (TOTP/Steam); `None` for HOTP.
    pub valid_from: Option<u64>,
    /// Unix second at which the next code takes over (TOTP/Steam); `None` for HOTP.
    pub valid_until: Option<u64>,
}

impl OtpParams {
    /// Default TOTP: SHA1, 6 digits, 30 seconds.
    pub fn totp_default() -> Self {
        OtpParams { kind: OtpKind::Totp { period: 30 }, algorithm: Algorithm::Sha1, digits: 6 }
    }

    /// Checks digits and period against `policy`.
    pub fn validate(&self, policy: DigitsPolicy) -> Result<(), ParamError> {
        todo!("core helper {policy:?}")
    }

    /// The period in seconds, for TOTP and Steam.
    pub fn period(&self) -> Option<u32> {
        match self.kind {
            OtpKind::Totp { period } | OtpKind::Steam { period } => Some(period),
            OtpKind::Hotp { .. } => None,
        }
    }

    /// The stored counter, for HOTP.
    pub fn counter(&self) -> Option<u64> {
        match self.kind {
            OtpKind::Hotp { counter } => Some(counter),
            _ => None,
        }
    }

    /// "totp", "hotp" or "steam".
    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            OtpKind::Totp { .. } => "totp",
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Steam { .. } => "steam",
        }
    }
}

/// The current code at `unix_secs` (TOTP/Steam), or the code for the stored counter (HOTP).
pub fn code_at(secret: &Secret, params: &OtpParams, unix_secs: u64) -> Code {
    todo!("core helper {secret:?} {params:?} {unix_secs}")
}

/// RFC 4226 HOTP for an explicit counter.
pub fn hotp(secret: &Secret, algorithm: Algorithm, digits: u8, counter: u64) -> String {
    todo!("core helper {secret:?} {algorithm:?} {digits} {counter}")
}
