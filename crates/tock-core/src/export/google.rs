//! Google Authenticator transfer URIs (`otpauth-migration://offline?data=…`), as its "Transfer accounts" QR
//! codes hold them.
//!
//! Format: the `MigrationPayload` protobuf (see [`crate::migration`] for the field table), written by hand here
//! as the reader there reads it: per account the secret bytes, the name, the issuer, the algorithm (1 SHA1,
//! 2 SHA256, 3 SHA512), the digits (1 six, 2 eight), the type (1 HOTP, 2 TOTP) and the HOTP counter; per URI
//! `version` 1, `batch_size`, `batch_index` and the caller's `batch_id`. `data` is standard base64 with padding,
//! percent-encoded (`+` `/` `=` as `%2B` `%2F` `%3D`) as Google Authenticator writes it.
//!
//! The format carries only TOTP and HOTP with 6 or 8 digits, and TOTP only with a 30-second period: every other
//! account (Steam, 7 digits, a 60-second period, …) is left out and named in [`GoogleExport::left_out`], never
//! changed. Lost: notes and favourites. A name holding a colon is written `issuer:name`, so that the reader's
//! `Issuer:` prefix rule gives the name back unchanged.
//!
//! Tested by round trips through [`crate::migration::parse_migration_uri`] (`tests/importers.rs`).
use zeroize::Zeroizing;

use super::ExportEntry;
use crate::{Algorithm, OtpKind};

/// Accounts per transfer URI (Google Authenticator puts about ten in one QR code).
pub const ACCOUNTS_PER_URI: usize = 10;

/// What [`google_transfer`] made. Its `Debug` output counts the URIs but does not show them (they hold secrets).
pub struct GoogleExport {
    /// The URIs, in order; each holds secrets.
    pub uris: Vec<Zeroizing<String>>,
    /// For each URI, the positions in the `entries` given of the accounts it carries.
    pub batches: Vec<Vec<usize>>,
    /// The accounts the format cannot carry, each named with why.
    pub left_out: Vec<LeftOut>,
}

impl std::fmt::Debug for GoogleExport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GoogleExport")
            .field("uris", &format_args!("<{} redacted>", self.uris.len()))
            .field("batches", &self.batches)
            .field("left_out", &self.left_out)
            .finish()
    }
}

/// An account left out of an export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LeftOut {
    /// Which account: "Issuer (name)".
    pub entry: String,
    /// Why, in one clause.
    pub reason: String,
}

impl std::fmt::Display for LeftOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} was left out: {}", self.entry, self.reason)
    }
}

/// Why the format cannot carry this account, if it cannot.
fn refusal(e: &ExportEntry<'_>) -> Option<String> {
    let p = e.params;
    match p.kind {
        OtpKind::Steam { .. } => {
            return Some(
                "Google Authenticator transfer codes cannot carry Steam Guard accounts".into(),
            )
        }
        OtpKind::Totp { period } if period != 30 => {
            return Some(format!(
            "its period is {period} seconds and Google Authenticator transfer codes carry only 30"
        ))
        }
        _ => {}
    }
    if p.digits != 6 && p.digits != 8 {
        return Some(format!(
            "it has {} digits and Google Authenticator transfer codes carry only 6 or 8",
            p.digits
        ));
    }
    None
}

/// Transfer URIs for `entries`, [`ACCOUNTS_PER_URI`] accounts each, all with `batch_id`.
pub fn google_transfer(entries: &[ExportEntry<'_>], batch_id: i32) -> GoogleExport {
    let mut left_out = Vec::new();
    let mut carried = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        match refusal(e) {
            Some(reason) => left_out.push(LeftOut {
                entry: e.label(i),
                reason,
            }),
            None => carried.push((i, e)),
        }
    }
    let chunks: Vec<&[(usize, &ExportEntry<'_>)]> = carried.chunks(ACCOUNTS_PER_URI).collect();
    let batches = chunks
        .iter()
        .map(|chunk| chunk.iter().map(|(i, _)| *i).collect())
        .collect();
    let size = chunks.len() as u64;
    let uris = chunks
        .iter()
        .enumerate()
        .map(|(index, chunk)| {
            let mut payload = Zeroizing::new(Vec::new());
            for (_, e) in chunk.iter() {
                let account = Zeroizing::new(otp_parameters(e));
                bytes_field(&mut payload, 1, &account);
            }
            varint_field(&mut payload, 2, 1);
            varint_field(&mut payload, 3, size);
            varint_field(&mut payload, 4, index as u64);
            // int32 on the wire: negative values are sign-extended to 64 bits.
            varint_field(&mut payload, 5, i64::from(batch_id) as u64);
            let data = Zeroizing::new(data_encoding::BASE64.encode(&payload));
            let mut uri = Zeroizing::new(String::with_capacity(40 + data.len() * 3 / 2));
            uri.push_str("otpauth-migration://offline?data=");
            for c in data.chars() {
                match c {
                    '+' => uri.push_str("%2B"),
                    '/' => uri.push_str("%2F"),
                    '=' => uri.push_str("%3D"),
                    c => uri.push(c),
                }
            }
            uri
        })
        .collect();
    GoogleExport {
        uris,
        batches,
        left_out,
    }
}

/// One `OtpParameters` message.
fn otp_parameters(e: &ExportEntry<'_>) -> Vec<u8> {
    let p = e.params;
    let mut out = Vec::new();
    bytes_field(&mut out, 1, e.secret.as_bytes());
    let (issuer, name) = (e.issuer.trim(), e.name.trim());
    let name = if name.contains(':') {
        format!("{issuer}:{name}")
    } else {
        name.to_owned()
    };
    bytes_field(&mut out, 2, name.as_bytes());
    bytes_field(&mut out, 3, issuer.as_bytes());
    let algorithm = match p.algorithm {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    varint_field(&mut out, 4, algorithm);
    varint_field(&mut out, 5, if p.digits == 8 { 2 } else { 1 });
    match p.kind {
        OtpKind::Hotp { counter } => {
            varint_field(&mut out, 6, 1);
            varint_field(&mut out, 7, counter);
        }
        _ => varint_field(&mut out, 6, 2),
    }
    out
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn varint_field(out: &mut Vec<u8>, number: u64, v: u64) {
    varint(out, number << 3);
    varint(out, v);
}

fn bytes_field(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    varint(out, (number << 3) | 2);
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}
