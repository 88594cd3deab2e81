//! HOTP (RFC 4226), TOTP (RFC 6238) and Steam Guard codes, computed with totp-rs.
//! Time is always passed in (Unix seconds); nothing here reads the clock.
//!
//! The HMAC and, for 4–9 digits, the RFC 4226 truncation are totp-rs's (`Builder::build_noncompliant`, which
//! skips totp-rs's 128-bit minimum key length and 6–8 digit rule: Tock applies its own rules in
//! [`OtpParams::validate`]). HOTP is totp-rs with a 1-second step evaluated at "time" = counter. Ten-digit codes
//! and Steam Guard codes, which totp-rs's formatter cannot produce without its `steam` feature or for 10
//! digits, truncate totp-rs's HMAC the same RFC 4226 way here.
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

impl Algorithm {
    /// The name used in URIs and files: "SHA1", "SHA256" or "SHA512".
    pub fn as_str(&self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Reads an algorithm name in any case, with or without a dash ("sha1", "SHA-256", "Sha512").
    /// Anything else (MD5, AES, …) is `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        let name: String = name.trim().chars().filter(|&c| c != '-').collect();
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(&name))
    }

    fn engine(self) -> totp_rs::Algorithm {
        match self {
            Algorithm::Sha1 => totp_rs::Algorithm::SHA1,
            Algorithm::Sha256 => totp_rs::Algorithm::SHA256,
            Algorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

impl std::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
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

impl DigitsPolicy {
    /// The allowed number of digits, inclusive.
    pub fn range(self) -> std::ops::RangeInclusive<u8> {
        match self {
            DigitsPolicy::Manual => 6..=8,
            DigitsPolicy::Import => 4..=10,
        }
    }
}

/// The number of characters of a Steam Guard code.
pub const STEAM_DIGITS: u8 = 5;

/// Steam's period in seconds (the default when a Steam URI gives none).
pub const STEAM_PERIOD: u32 = 30;

/// The 26 characters Steam Guard codes are written with.
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";

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
    /// A Steam Guard account with another length than 5 characters.
    #[error("Steam Guard codes have 5 characters, not {0}")]
    SteamDigits(u8),
    /// A Steam Guard account with another algorithm than SHA1.
    #[error("Steam Guard codes use SHA1, not {0}")]
    SteamAlgorithm(Algorithm),
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
        OtpParams {
            kind: OtpKind::Totp { period: 30 },
            algorithm: Algorithm::Sha1,
            digits: 6,
        }
    }

    /// Checks digits and period against `policy`: digits in [`DigitsPolicy::range`] (Steam: exactly 5, SHA1,
    /// whatever the policy), and a period of at least 1 second. Any counter is fine.
    pub fn validate(&self, policy: DigitsPolicy) -> Result<(), ParamError> {
        if let OtpKind::Steam { .. } = self.kind {
            if self.digits != STEAM_DIGITS {
                return Err(ParamError::SteamDigits(self.digits));
            }
            if self.algorithm != Algorithm::Sha1 {
                return Err(ParamError::SteamAlgorithm(self.algorithm));
            }
        } else {
            let range = policy.range();
            if !range.contains(&self.digits) {
                return Err(ParamError::Digits {
                    digits: self.digits.into(),
                    min: *range.start(),
                    max: *range.end(),
                });
            }
        }
        if self.period() == Some(0) {
            return Err(ParamError::ZeroPeriod);
        }
        Ok(())
    }

    /// Steam Guard defaults: SHA1, 5 characters, 30 seconds.
    pub fn steam_default() -> Self {
        OtpParams {
            kind: OtpKind::Steam {
                period: STEAM_PERIOD,
            },
            algorithm: Algorithm::Sha1,
            digits: STEAM_DIGITS,
        }
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
///
/// Meant for parameters that passed [`OtpParams::validate`]; it never panics on others (a zero period is taken
/// as 1 second, and Steam codes always have 5 characters).
pub fn code_at(secret: &Secret, params: &OtpParams, unix_secs: u64) -> Code {
    match params.kind {
        OtpKind::Hotp { counter } => Code {
            code: hotp(secret, params.algorithm, params.digits, counter),
            valid_from: None,
            valid_until: None,
        },
        OtpKind::Totp { period } | OtpKind::Steam { period } => {
            let step = u64::from(period.max(1));
            let engine = engine(secret, params.algorithm, params.digits, step);
            let code = match params.kind {
                OtpKind::Steam { .. } => steam_chars(truncate(engine.sign(unix_secs).as_ref())),
                _ => format_code(&engine, params.digits, unix_secs),
            };
            let valid_from = unix_secs - unix_secs % step;
            Code {
                code,
                valid_from: Some(valid_from),
                valid_until: Some(valid_from.saturating_add(step)),
            }
        }
    }
}

/// RFC 4226 HOTP for an explicit counter.
pub fn hotp(secret: &Secret, algorithm: Algorithm, digits: u8, counter: u64) -> String {
    // A 1-second step makes totp-rs's moving factor time / step equal to the counter.
    format_code(&engine(secret, algorithm, digits, 1), digits, counter)
}

/// totp-rs with Tock's parameters and no skew. `build_noncompliant` skips totp-rs's own checks (128-bit minimum
/// key, 6–8 digits): Tock's rules live in [`OtpParams::validate`].
fn engine(secret: &Secret, algorithm: Algorithm, digits: u8, step: u64) -> totp_rs::Totp {
    totp_rs::Builder::new()
        .with_algorithm(algorithm.engine())
        .with_digits(digits)
        .with_skew(0)
        .with_step_duration(step)
        .with_secret(secret.as_bytes())
        .build_noncompliant()
}

/// The decimal code at `time`: totp-rs's token for 1–9 digits; for 10 and more (where totp-rs's u32 modulus
/// would overflow) the 31-bit truncated value itself, zero-padded, which is what `value mod 10^digits` gives.
fn format_code(engine: &totp_rs::Totp, digits: u8, time: u64) -> String {
    if (1..=9).contains(&digits) {
        engine.generate(time).to_string()
    } else {
        let value = u64::from(truncate(engine.sign(time).as_ref()));
        let modulus = 10u64.checked_pow(digits.into()).unwrap_or(u64::MAX);
        format!("{:0width$}", value % modulus, width = usize::from(digits))
    }
}

/// RFC 4226 §5.3 dynamic truncation: 31 bits at the offset named by the low nibble of the last byte.
fn truncate(hmac: &[u8]) -> u32 {
    let offset = usize::from(hmac[hmac.len() - 1] & 0x0f);
    u32::from_be_bytes([
        hmac[offset],
        hmac[offset + 1],
        hmac[offset + 2],
        hmac[offset + 3],
    ]) & 0x7fff_ffff
}

/// Steam Guard: 5 characters, least significant first, by repeated division by 26.
fn steam_chars(mut value: u32) -> String {
    (0..STEAM_DIGITS)
        .map(|_| {
            let c = STEAM_ALPHABET[(value % 26) as usize] as char;
            value /= 26;
            c
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890".to_vec())
    }

    fn params(kind: OtpKind, algorithm: Algorithm, digits: u8) -> OtpParams {
        OtpParams {
            kind,
            algorithm,
            digits,
        }
    }

    #[test]
    fn validate_applies_the_digit_policies() {
        for digits in 0..=12u8 {
            let p = params(OtpKind::Totp { period: 30 }, Algorithm::Sha1, digits);
            assert_eq!(
                p.validate(DigitsPolicy::Manual).is_ok(),
                (6..=8).contains(&digits),
                "manual {digits}"
            );
            assert_eq!(
                p.validate(DigitsPolicy::Import).is_ok(),
                (4..=10).contains(&digits),
                "import {digits}"
            );
        }
        let err = params(OtpKind::Hotp { counter: 0 }, Algorithm::Sha1, 3)
            .validate(DigitsPolicy::Import)
            .unwrap_err();
        assert_eq!(
            err,
            ParamError::Digits {
                digits: 3,
                min: 4,
                max: 10
            }
        );
        assert_eq!(
            err.to_string(),
            "3 digits is not supported: codes must have 4 to 10 digits"
        );
    }

    #[test]
    fn validate_periods_and_steam() {
        let zero = params(OtpKind::Totp { period: 0 }, Algorithm::Sha1, 6);
        assert_eq!(
            zero.validate(DigitsPolicy::Import),
            Err(ParamError::ZeroPeriod)
        );
        assert!(params(OtpKind::Totp { period: 1 }, Algorithm::Sha512, 6)
            .validate(DigitsPolicy::Manual)
            .is_ok());
        assert!(params(OtpKind::Totp { period: 90_000 }, Algorithm::Sha1, 6)
            .validate(DigitsPolicy::Manual)
            .is_ok());
        assert!(
            params(OtpKind::Hotp { counter: u64::MAX }, Algorithm::Sha1, 6)
                .validate(DigitsPolicy::Manual)
                .is_ok()
        );
        let steam = OtpParams::steam_default();
        assert!(
            steam.validate(DigitsPolicy::Manual).is_ok(),
            "5 characters are fine for Steam even when typed"
        );
        assert_eq!(
            OtpParams { digits: 6, ..steam }.validate(DigitsPolicy::Import),
            Err(ParamError::SteamDigits(6))
        );
        assert_eq!(
            OtpParams {
                algorithm: Algorithm::Sha256,
                ..steam
            }
            .validate(DigitsPolicy::Import),
            Err(ParamError::SteamAlgorithm(Algorithm::Sha256))
        );
        let steam_zero = OtpParams {
            kind: OtpKind::Steam { period: 0 },
            ..steam
        };
        assert_eq!(
            steam_zero.validate(DigitsPolicy::Import),
            Err(ParamError::ZeroPeriod)
        );
    }

    #[test]
    fn totp_code_and_its_time_span() {
        let p = params(OtpKind::Totp { period: 30 }, Algorithm::Sha1, 8);
        let code = code_at(&rfc_secret(), &p, 59);
        assert_eq!(
            code,
            Code {
                code: "94287082".into(),
                valid_from: Some(30),
                valid_until: Some(60)
            }
        );
        let code = code_at(&rfc_secret(), &p, 60);
        assert_eq!((code.valid_from, code.valid_until), (Some(60), Some(90)));
        let one_second = params(OtpKind::Totp { period: 1 }, Algorithm::Sha1, 6);
        assert_eq!(
            code_at(&rfc_secret(), &one_second, 2).code,
            "359152",
            "period 1 at t=2 is HOTP counter 2"
        );
        assert_eq!(code_at(&rfc_secret(), &one_second, 2).valid_until, Some(3));
    }

    #[test]
    fn hotp_codes_have_no_time_span() {
        let p = params(OtpKind::Hotp { counter: 1 }, Algorithm::Sha1, 6);
        assert_eq!(
            code_at(&rfc_secret(), &p, 123_456),
            Code {
                code: "287082".into(),
                valid_from: None,
                valid_until: None
            }
        );
        assert_eq!(hotp(&rfc_secret(), Algorithm::Sha1, 6, 0), "755224");
    }

    #[test]
    fn four_to_ten_digits() {
        // RFC 4226 Appendix D, counter 0: the truncated value is 1284755224.
        let s = rfc_secret();
        assert_eq!(hotp(&s, Algorithm::Sha1, 4, 0), "5224");
        assert_eq!(hotp(&s, Algorithm::Sha1, 9, 0), "284755224");
        assert_eq!(hotp(&s, Algorithm::Sha1, 10, 0), "1284755224");
        // Counter 2 truncates to 137359152: ten digits keep the leading zero.
        assert_eq!(hotp(&s, Algorithm::Sha1, 10, 2), "0137359152");
    }

    #[test]
    fn short_keys_work() {
        // 80-bit key from the Google wiki, and a 1-byte key: no minimum length.
        let wiki = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(code_at(&wiki, &OtpParams::totp_default(), 0).code.len(), 6);
        let tiny = Secret::from_base32("AA").unwrap();
        assert_eq!(code_at(&tiny, &OtpParams::totp_default(), 0).code.len(), 6);
    }

    #[test]
    fn steam_guard_codes() {
        // Codes captured from the Steam app by KeePassXC's developers (tests/TestTotp.cpp).
        let s = Secret::from_base32("63BEDWCQZKTQWPESARIERL5DTTQFCJTK").unwrap();
        let p = OtpParams::steam_default();
        let code = code_at(&s, &p, 1_511_200_518);
        assert_eq!(code.code, "FR8RV");
        assert_eq!(
            (code.valid_from, code.valid_until),
            (Some(1_511_200_500), Some(1_511_200_530))
        );
        assert_eq!(code_at(&s, &p, 1_511_200_714).code, "9P3VP");
        assert!(code.code.bytes().all(|b| STEAM_ALPHABET.contains(&b)));
    }

    #[test]
    fn never_panics_on_unvalidated_params() {
        let s = rfc_secret();
        for digits in [0u8, 11, 20, 255] {
            let _ = code_at(
                &s,
                &params(OtpKind::Totp { period: 0 }, Algorithm::Sha256, digits),
                59,
            );
        }
        let odd_steam = OtpParams {
            kind: OtpKind::Steam { period: 0 },
            digits: 8,
            ..OtpParams::steam_default()
        };
        assert_eq!(code_at(&s, &odd_steam, 59).code.len(), 5);
        assert_eq!(
            code_at(
                &s,
                &params(OtpKind::Totp { period: 30 }, Algorithm::Sha1, 12),
                59
            )
            .code
            .len(),
            12
        );
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(Algorithm::from_name("sha512"), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::from_name("SHA-256"), Some(Algorithm::Sha256));
        assert_eq!(Algorithm::from_name("Sha1"), Some(Algorithm::Sha1));
        assert_eq!(Algorithm::from_name("MD5"), None);
        assert_eq!(Algorithm::from_name(""), None);
        assert_eq!(Algorithm::Sha256.to_string(), "SHA256");
    }
}
