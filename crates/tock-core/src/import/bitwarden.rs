//! Bitwarden (and Bitwarden Authenticator) unencrypted exports: JSON and CSV.
//!
//! Format: Bitwarden's export documentation (bitwarden.com/help/export-your-data, "condensed" JSON and CSV) and
//! its clients' `ImportResult`/exporters (github.com/bitwarden/clients). JSON: `{"encrypted":false,"items":[…]}`,
//! each login item (`type` 1) with `name`, `notes`, `favorite`, `login` {`username`, `totp`}. CSV: a header row
//! naming the columns (`name`, `notes`, `favorite`, `login_username`, `login_totp`, …), then one row per item;
//! rows may have more values than the header (the extra ones are ignored) and blank lines are skipped.
//! `totp` / `login_totp` holds an `otpauth://` URI, a `steam://` URI (base32 key) or a bare base32 key (TOTP,
//! SHA1, 6 digits, 30 s).
//!
//! Readings: for an otpauth URI the URI decides issuer and name; an empty URI issuer becomes the item's name.
//! For a bare key or a Steam key the issuer is the item's name and the name is the login's username. Items
//! without a TOTP (cards, identities, notes, logins without 2FA) are not accounts and not errors.
//!
//! Lost on import: everything that is not the TOTP (passwords, URIs, folders). Encrypted (account- or
//! password-protected) exports are refused: export them unencrypted.
//!
//! Fixtures: `aegis-importers/files/bitwarden.{json,csv}`, `importers-extra/files/proton/bitwarden/*`,
//! `importers-extra/files/stratum/bitwarden*.json`.
use serde_json::Value;

use super::{
    base32_secret, describe, starts_with_ci, str_field, Collector, Format, ImportError,
    ImportedEntry, RawEntry, RawKind, Read,
};
use crate::OtpAuthUri;

const FORMAT: Format = Format::Bitwarden;

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

pub(crate) fn read_json(json: &Value) -> Result<Read, ImportError> {
    if json.get("encrypted").and_then(Value::as_bool) == Some(true) {
        return Err(ImportError::Unsupported {
            what: "an encrypted Bitwarden export",
            advice: "export from Bitwarden again as .json or .csv without encryption",
        });
    }
    let items = json
        .get("items")
        .and_then(Value::as_array)
        .ok_or_else(|| corrupt("it has no list of items"))?;
    let mut out = Collector::new(FORMAT);
    for (i, item) in items.iter().enumerate() {
        if out.stop() {
            break;
        }
        let login = item.get("login").cloned().unwrap_or(Value::Null);
        let Some(totp) = str_field(&login, "totp").filter(|t| !t.trim().is_empty()) else {
            continue;
        };
        let item_name = str_field(item, "name").unwrap_or("");
        let username = str_field(&login, "username").unwrap_or("");
        let notes = str_field(item, "notes").unwrap_or("");
        let favourite = item
            .get("favorite")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        out.push(
            || describe(item_name, username, i),
            entry(totp, item_name, username, notes, favourite),
        );
    }
    out.read()
}

/// Whether the text is a Bitwarden CSV export (its header names `login_totp`).
pub(crate) fn is_csv(text: &str) -> bool {
    text.lines()
        .find(|l| !l.trim().is_empty())
        .is_some_and(|header| {
            header
                .split(',')
                .any(|c| c.trim().trim_matches('"') == "login_totp")
        })
}

pub(crate) fn read_csv(text: &str) -> Result<Read, ImportError> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| corrupt("its header row cannot be read"))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let totp_col = column("login_totp").ok_or_else(|| corrupt("it has no login_totp column"))?;
    let (name_col, user_col, notes_col, fav_col) = (
        column("name"),
        column("login_username"),
        column("notes"),
        column("favorite"),
    );
    let mut out = Collector::new(FORMAT);
    for (i, record) in reader.records().enumerate() {
        if out.stop() {
            break;
        }
        let record = record.map_err(|e| match e.position() {
            Some(p) => corrupt(&format!("its row at line {} cannot be read", p.line())),
            None => corrupt("a row cannot be read"),
        })?;
        let get = |c: Option<usize>| c.and_then(|c| record.get(c)).unwrap_or("");
        let totp = get(Some(totp_col));
        if totp.trim().is_empty() {
            continue;
        }
        let (item_name, username) = (get(name_col), get(user_col));
        let favourite = matches!(get(fav_col).trim(), "1" | "true" | "TRUE" | "True");
        out.push(
            || describe(item_name, username, i),
            entry(totp, item_name, username, get(notes_col), favourite),
        );
    }
    out.read()
}

fn entry(
    totp: &str,
    item_name: &str,
    username: &str,
    notes: &str,
    favourite: bool,
) -> Result<ImportedEntry, String> {
    let totp = totp.trim();
    let mut e = if starts_with_ci(totp, "otpauth://") {
        let uri: OtpAuthUri = totp
            .parse()
            .map_err(|e: crate::uri::UriError| e.to_string())?;
        let issuer = if uri.issuer.is_empty() {
            item_name.trim().to_owned()
        } else {
            uri.issuer
        };
        ImportedEntry {
            issuer,
            name: uri.name,
            secret: uri.secret,
            params: uri.params,
            notes: String::new(),
            favourite: false,
        }
    } else if starts_with_ci(totp, "steam://") {
        RawEntry::new(item_name, username, RawKind::Steam).finish(base32_secret(&totp[8..]))?
    } else {
        RawEntry::new(item_name, username, RawKind::Totp).finish(base32_secret(totp))?
    };
    e.notes = notes.to_owned();
    e.favourite = favourite;
    Ok(e)
}
