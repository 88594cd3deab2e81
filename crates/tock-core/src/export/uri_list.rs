//! A plain list of `otpauth://` URIs, one per line: what Tock's own URI-list importer, Aegis, 2FAS, Ente,
//! Stratum and most other apps read.
//!
//! Format: Google's Key Uri Format, written by [`crate::uri::OtpAuthUri::to_uri_string`] (every parameter spelled
//! out; Steam as `otpauth://totp/…&encoder=steam`). Lost: notes and favourites.
//!
//! Tested by a round trip through [`crate::import::read`] (`tests/importers.rs`).
use zeroize::Zeroizing;

use super::ExportEntry;
use crate::OtpAuthUri;

/// One URI per line, each line ending in `\n`.
pub fn uri_list(entries: &[ExportEntry<'_>]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::new());
    for e in entries {
        out.push_str(&uri_of(e));
        out.push('\n');
    }
    out
}

/// The `otpauth://` URI of one entry (what a single-account QR code holds).
pub fn uri_of(e: &ExportEntry<'_>) -> Zeroizing<String> {
    let uri = OtpAuthUri {
        issuer: e.issuer.to_owned(),
        name: e.name.to_owned(),
        secret: e.secret.clone(),
        params: *e.params,
    };
    uri.to_uri_string()
}
