//! FreeOTP+ JSON exports.
//!
//! Format: FreeOTP+'s `TokenPersistence` / `Token` (github.com/helloworld1/FreeOTPPlus): `{"tokenOrder":[…],
//! "tokens":[{"algo","counter","digits","issuerExt","issuerInt","label","period","secret","type"}]}` where
//! `secret` is the key as a list of signed bytes (−128…127) and `type` is TOTP or HOTP.
//!
//! Readings: the issuer is `issuerExt` (the one shown; `issuerInt` when it is absent). The HOTP counter: FreeOTP(+)
//! stores one less than the otpauth counter it was given (it subtracts 1 when adding a URI and adds 1 when
//! writing one) and computes its next code at the stored value (`getHOTP(counter++)`). The counter is imported as
//! stored, as Aegis and Stratum do and as the test corpora require: Tock's next code is the one FreeOTP+ would
//! have shown next (an otpauth URI that FreeOTP+ wrote for the same account would say one more).
//!
//! Lost on import: icons, `tokenOrder` (entries keep file order). FreeOTP+ has no Steam kind.
//!
//! Fixtures: `aegis-importers/files/freeotp_plus.json`, `importers-extra/files/stratum/freeotpplus.json`.
use serde_json::Value;

use super::{
    describe, opt_int, str_field, Collector, Format, ImportError, RawEntry, RawKind, Read,
};
use crate::Secret;

const FORMAT: Format = Format::FreeOtpPlus;

pub(crate) fn read(json: &Value) -> Result<Read, ImportError> {
    let tokens = json
        .get("tokens")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::Corrupt {
            format: FORMAT,
            detail: "it has no list of tokens".into(),
        })?;
    let mut out = Collector::new(FORMAT);
    for (i, t) in tokens.iter().enumerate() {
        if out.stop() {
            break;
        }
        let issuer = str_field(t, "issuerExt")
            .or_else(|| str_field(t, "issuerInt"))
            .unwrap_or("");
        let name = str_field(t, "label").unwrap_or("");
        out.push(|| describe(issuer, name, i), entry(t, issuer, name));
    }
    out.read()
}

fn entry(t: &Value, issuer: &str, name: &str) -> Result<super::ImportedEntry, String> {
    let kind = match str_field(t, "type").map(str::to_ascii_uppercase).as_deref() {
        None | Some("TOTP") => RawKind::Totp,
        Some("HOTP") => RawKind::Hotp,
        Some(other) => {
            return Err(format!(
                "its type \"{}\" is not supported (only TOTP and HOTP are)",
                super::quoted(other)
            ))
        }
    };
    let mut raw = RawEntry::new(issuer, name, kind);
    raw.algorithm = str_field(t, "algo").map(str::to_owned);
    raw.digits = opt_int(t, "digits")?;
    if kind == RawKind::Hotp {
        raw.counter = opt_int(t, "counter")?;
    } else {
        raw.period = opt_int(t, "period")?;
    }
    raw.finish(secret(t.get("secret")))
}

/// The key as FreeOTP+ writes it: a list of signed bytes.
fn secret(v: Option<&Value>) -> Result<Secret, String> {
    let list = v
        .and_then(Value::as_array)
        .ok_or("its secret key is missing or not a list of bytes")?;
    let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(list.len()));
    for b in list {
        match b.as_i64() {
            Some(n @ -128..=255) => bytes.push(n as u8),
            _ => return Err("its secret key holds a value that is not a byte".into()),
        }
    }
    Ok(Secret::from_bytes(std::mem::take(&mut *bytes)))
}
