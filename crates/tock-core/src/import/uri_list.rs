//! Plain text lists of `otpauth://` URIs, one per line: Aegis's and andOTP's plain-text exports, Stratum's
//! URI list, and Ente Auth's plain-text export (the same, with Ente's `codeDisplay` parameter).
//!
//! Format: Google's Key Uri Format (github.com/google/google-authenticator/wiki/Key-Uri-Format), read by
//! [`crate::uri`] with its documented leniency (`otpauth://steam/`, `encoder=steam`, lower-case algorithms, …).
//! Blank lines and lines starting with `#` are skipped. A line holding a Google Authenticator transfer URI
//! (`otpauth-migration://offline?data=…`) is expanded into its accounts by [`crate::migration`].
//! Ente's `codeDisplay` is percent-encoded JSON: its `note` becomes the account's notes and `pinned` its
//! favourite flag; a `trashed` code is imported like the others (Ente exports it, and the person may want it).
//!
//! Lost on import: other URI parameters (`image`, `color`, Ente's tags and icons). Transfer URIs carry only TOTP
//! (30 s) and HOTP.
//!
//! Fixtures: `aegis-importers/files/{plain.txt,ente_auth.txt}`, `importers-extra/files/proton/aegis/aegis-txt.txt`,
//! `importers-extra/files/proton/ente/*.txt`, `importers-extra/files/stratum/{urilist.txt,ente.unencrypted.txt,
//! googleauthenticator.txt}`.
use percent_encoding::percent_decode_str;
use serde_json::Value;

use super::{starts_with_ci, Collector, Format, ImportError, ImportedEntry, Read};
use crate::{migration, OtpAuthUri};

/// Lines that are neither blank nor comments.
fn meaningful(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .map(str::trim)
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

fn is_uri(line: &str) -> bool {
    starts_with_ci(line, "otpauth://") || starts_with_ci(line, "otpauth-migration://")
}

/// Whether the first meaningful line is an otpauth or transfer URI.
pub(crate) fn is_uri_list(text: &str) -> bool {
    meaningful(text).next().is_some_and(|(_, l)| is_uri(l))
}

/// Reads the list; it is an Ente Auth export when a line carries `codeDisplay`.
pub(crate) fn read(text: &str) -> Result<Read, ImportError> {
    let format = if text.contains("codeDisplay=") {
        Format::EnteAuth
    } else {
        Format::UriList
    };
    read_as(text, format)
}

pub(crate) fn read_as(text: &str, format: Format) -> Result<Read, ImportError> {
    let mut out = Collector::new(format);
    let mut any = false;
    for (i, line) in meaningful(text) {
        if out.stop() {
            break;
        }
        any = true;
        let where_ = |label: Option<String>| match label {
            Some(l) if !l.is_empty() => format!("line {} ({l})", i + 1),
            _ => format!("line {}", i + 1),
        };
        if starts_with_ci(line, "otpauth-migration://") {
            match migration::parse_migration_uri(line) {
                Ok(batch) => {
                    for e in batch.entries {
                        out.push(String::new, Ok(ImportedEntry::from(e)));
                    }
                    for why in batch.errors {
                        out.error(where_(None), why);
                    }
                }
                Err(e) => out.error(where_(None), e.to_string()),
            }
            continue;
        }
        if !starts_with_ci(line, "otpauth://") {
            out.error(where_(None), "it is not an otpauth:// URI".into());
            continue;
        }
        match line.parse::<OtpAuthUri>() {
            Ok(uri) => {
                let (notes, favourite) = code_display(line);
                out.push(
                    String::new,
                    Ok(ImportedEntry {
                        issuer: uri.issuer,
                        name: uri.name,
                        secret: uri.secret,
                        params: uri.params,
                        notes,
                        favourite,
                    }),
                );
            }
            Err(e) => out.error(where_(Some(label_of(line))), e.to_string()),
        }
    }
    if !any {
        return Err(ImportError::Empty);
    }
    out.read()
}

/// "Issuer: name" from a URI's label (never the secret, which is in the query).
fn label_of(line: &str) -> String {
    let path = line.split(['?', '#']).next().unwrap_or("");
    let label = path.splitn(4, '/').nth(3).unwrap_or("");
    let (issuer, name) = crate::uri::parse_label(label);
    let text = super::describe(&issuer, &name, 0);
    if issuer.is_empty() && name.is_empty() {
        String::new()
    } else {
        text
    }
}

/// Ente's `codeDisplay={"note":…,"pinned":…}`: the note and the pinned flag.
fn code_display(line: &str) -> (String, bool) {
    let Some(query) = line.split_once('?').map(|(_, q)| q) else {
        return (String::new(), false);
    };
    let Some(value) = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == "codeDisplay")
        .map(|(_, v)| v)
    else {
        return (String::new(), false);
    };
    let decoded = percent_decode_str(&value.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned();
    let Ok(json) = serde_json::from_str::<Value>(&decoded) else {
        return (String::new(), false);
    };
    let note = json
        .get("note")
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned();
    let pinned = json.get("pinned").and_then(Value::as_bool).unwrap_or(false);
    (note, pinned)
}
