//! Google Authenticator transfer codes (`otpauth-migration://offline?data=…`).
//!
//! Google Authenticator's "Transfer accounts" shows one or more QR codes; each holds a URI whose `data`
//! parameter is URL-encoded base64 of a protobuf `MigrationPayload`:
//!
//! | field | MigrationPayload | OtpParameters (repeated in field 1) |
//! | --- | --- | --- |
//! | 1 | otp_parameters (message) | secret (bytes) |
//! | 2 | version (int32) | name (string, often `Issuer:account`) |
//! | 3 | batch_size (int32) | issuer (string) |
//! | 4 | batch_index (int32) | algorithm: 0 unspecified → SHA1, 1 SHA1, 2 SHA256, 3 SHA512, 4 MD5 (refused) |
//! | 5 | batch_id (int32) | digits: 0 unspecified → 6, 1 six, 2 eight |
//! | 6 | | type: 0 unspecified → TOTP, 1 HOTP, 2 TOTP |
//! | 7 | | counter (int64, HOTP) |
//!
//! The protobuf is read by hand (varints and length-delimited fields; unknown fields are skipped).
//! A payload that cannot be read at all is a [`MigrationError`]; an account that cannot be imported (MD5, an
//! unknown enum value, an empty key) is reported in [`MigrationBatch::errors`] and does not stop the others.
//! A large export is split over several codes ("batches") sharing a `batch_id`: [`MigrationCollector`]
//! gathers them. Secrets never appear in `Debug` output or in messages.
use std::collections::BTreeMap;

use percent_encoding::percent_decode_str;

use crate::{Algorithm, OtpKind, OtpParams, Secret};

/// One transfer QR code's content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationBatch {
    /// Payload format version (1 in current exports; 0 when absent).
    pub version: i32,
    /// How many codes the export has (0 when absent, meaning one).
    pub batch_size: i32,
    /// Which of them this is, from 0.
    pub batch_index: i32,
    /// Identifies the export; every code of one export has the same (it may be negative).
    pub batch_id: i32,
    /// The accounts that can be imported, in payload order.
    pub entries: Vec<MigrationEntry>,
    /// One sentence per account that was skipped, saying why (never containing the secret).
    pub errors: Vec<String>,
}

/// One account from a transfer code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MigrationEntry {
    /// The service (from the issuer field, or from an `Issuer:` prefix of the name when that field is empty).
    pub issuer: String,
    /// The account name, without an `Issuer:` prefix that repeats the issuer.
    pub name: String,
    /// The key.
    pub secret: Secret,
    /// TOTP (30 s) or HOTP with its counter, algorithm and digits.
    pub params: OtpParams,
}

/// Why a transfer code could not be read at all.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MigrationError {
    /// The text does not start with `otpauth-migration://offline`.
    #[error("this is not a Google Authenticator transfer code: it must start with otpauth-migration://offline")]
    NotMigrationUri,
    /// No `data=` parameter.
    #[error("the transfer code has no data= parameter")]
    MissingData,
    /// `data` is not base64.
    #[error("the transfer code's data is not valid base64")]
    BadBase64,
    /// `data` is base64 but not a Google Authenticator export (truncated or corrupt).
    #[error("the transfer code's data is damaged or is not a Google Authenticator export")]
    Malformed,
}

/// Reads one `otpauth-migration://offline?data=…` URI (surrounding whitespace ignored).
///
/// `data` may be percent-encoded (`%2B`, `%2F`, `%3D`) or raw base64 with literal `+` and `/`; a space is read
/// as `+` (a `+` that something turned into a space), padding is optional and the URL-safe alphabet is accepted.
pub fn parse_migration_uri(uri: &str) -> Result<MigrationBatch, MigrationError> {
    let uri = uri.trim();
    const PREFIX: &str = "otpauth-migration://offline";
    if uri.len() < PREFIX.len()
        || !uri.as_bytes()[..PREFIX.len()].eq_ignore_ascii_case(PREFIX.as_bytes())
    {
        return Err(MigrationError::NotMigrationUri);
    }
    let rest = &uri[PREFIX.len()..];
    let query = match rest.strip_prefix('/').unwrap_or(rest).strip_prefix('?') {
        Some(q) => q,
        None if rest.is_empty() || rest == "/" => return Err(MigrationError::MissingData),
        None => return Err(MigrationError::NotMigrationUri),
    };
    let data = query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| k.eq_ignore_ascii_case("data"))
        .map(|(_, v)| v)
        .next_back()
        .ok_or(MigrationError::MissingData)?;
    let payload = decode_base64(data)?;
    parse_payload(&payload)
}

/// Percent-decodes (keeping `+`), then reads lenient base64.
fn decode_base64(data: &str) -> Result<Vec<u8>, MigrationError> {
    let text = percent_decode_str(data)
        .decode_utf8()
        .map_err(|_| MigrationError::BadBase64)?;
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\r' | '\n' | '\t'))
        .map(|c| match c {
            ' ' | '-' => '+',
            '_' => '/',
            c => c,
        })
        .collect();
    let cleaned = cleaned.trim_end_matches('=');
    let mut spec = data_encoding::BASE64_NOPAD.specification();
    spec.check_trailing_bits = false;
    let encoding = spec.encoding().expect("valid base64 specification");
    encoding
        .decode(cleaned.as_bytes())
        .map_err(|_| MigrationError::BadBase64)
}

/// A protobuf field value.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    /// Fixed 32/64-bit values (unused by this schema, skipped).
    Fixed,
}

/// A minimal protobuf reader: varint, 64-bit, length-delimited and 32-bit wire types.
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn varint(&mut self) -> Result<u64, MigrationError> {
        let mut value = 0u64;
        for i in 0..10 {
            let (&b, rest) = self.buf.split_first().ok_or(MigrationError::Malformed)?;
            self.buf = rest;
            value |= ((b & 0x7f) as u64) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(MigrationError::Malformed)
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], MigrationError> {
        if n > self.buf.len() {
            return Err(MigrationError::Malformed);
        }
        let (head, rest) = self.buf.split_at(n);
        self.buf = rest;
        Ok(head)
    }

    /// The next field number and value, or `None` at the end.
    fn field(&mut self) -> Result<Option<(u64, Value<'a>)>, MigrationError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let number = key >> 3;
        if number == 0 {
            return Err(MigrationError::Malformed);
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(self.varint()?).map_err(|_| MigrationError::Malformed)?;
                Value::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Value::Fixed
            }
            _ => return Err(MigrationError::Malformed),
        };
        Ok(Some((number, value)))
    }
}

fn int32(v: &Value<'_>) -> Result<i32, MigrationError> {
    match v {
        // int32 is sign-extended to 64 bits on the wire; truncation gives the value back.
        Value::Varint(n) => Ok(*n as i64 as i32),
        _ => Err(MigrationError::Malformed),
    }
}

fn bytes<'a>(v: &Value<'a>) -> Result<&'a [u8], MigrationError> {
    match v {
        Value::Bytes(b) => Ok(b),
        _ => Err(MigrationError::Malformed),
    }
}

fn parse_payload(payload: &[u8]) -> Result<MigrationBatch, MigrationError> {
    let mut batch = MigrationBatch {
        version: 0,
        batch_size: 0,
        batch_index: 0,
        batch_id: 0,
        entries: Vec::new(),
        errors: Vec::new(),
    };
    let mut raw_entries = Vec::new();
    let mut r = Reader { buf: payload };
    while let Some((number, value)) = r.field()? {
        match number {
            1 => raw_entries.push(RawEntry::parse(bytes(&value)?)?),
            2 => batch.version = int32(&value)?,
            3 => batch.batch_size = int32(&value)?,
            4 => batch.batch_index = int32(&value)?,
            5 => batch.batch_id = int32(&value)?,
            _ => {}
        }
    }
    for (i, raw) in raw_entries.into_iter().enumerate() {
        match raw.into_entry() {
            Ok(entry) => batch.entries.push(entry),
            Err((label, why)) => {
                let who = if label.is_empty() {
                    format!("account {}", i + 1)
                } else {
                    format!("the account \"{label}\"")
                };
                batch.errors.push(format!("{who} was skipped: {why}"));
            }
        }
    }
    Ok(batch)
}

/// OtpParameters as read, before checking.
#[derive(Default)]
struct RawEntry {
    secret: Vec<u8>,
    name: String,
    issuer: String,
    algorithm: u64,
    digits: u64,
    kind: u64,
    counter: u64,
}

impl Drop for RawEntry {
    fn drop(&mut self) {
        zeroize::Zeroize::zeroize(&mut self.secret);
    }
}

impl RawEntry {
    fn parse(buf: &[u8]) -> Result<RawEntry, MigrationError> {
        let mut e = RawEntry::default();
        let mut r = Reader { buf };
        let varint = |v: &Value<'_>| match v {
            Value::Varint(n) => Ok(*n),
            _ => Err(MigrationError::Malformed),
        };
        while let Some((number, value)) = r.field()? {
            match number {
                1 => e.secret = bytes(&value)?.to_vec(),
                2 => e.name = String::from_utf8_lossy(bytes(&value)?).into_owned(),
                3 => e.issuer = String::from_utf8_lossy(bytes(&value)?).into_owned(),
                4 => e.algorithm = varint(&value)?,
                5 => e.digits = varint(&value)?,
                6 => e.kind = varint(&value)?,
                7 => e.counter = varint(&value)?,
                _ => {}
            }
        }
        Ok(e)
    }

    /// Checks the values; on failure returns the account's label and why (one clause, no secret).
    fn into_entry(mut self) -> Result<MigrationEntry, (String, String)> {
        let (issuer, name) = split_label(&self.name, &self.issuer);
        let label = if issuer.is_empty() {
            name.clone()
        } else {
            format!("{issuer}: {name}")
        };
        let fail = |why: String| Err((label.clone(), why));
        let algorithm = match self.algorithm {
            0 | 1 => Algorithm::Sha1,
            2 => Algorithm::Sha256,
            3 => Algorithm::Sha512,
            4 => return fail("it uses the MD5 algorithm, which Tock does not support".into()),
            n => return fail(format!("its algorithm ({n}) is unknown")),
        };
        let digits = match self.digits {
            0 | 1 => 6,
            2 => 8,
            n => return fail(format!("its number of digits ({n}) is unknown")),
        };
        let kind = match self.kind {
            0 | 2 => OtpKind::Totp { period: 30 },
            1 => {
                if (self.counter as i64) < 0 {
                    return fail("its HOTP counter is negative".into());
                }
                OtpKind::Hotp {
                    counter: self.counter,
                }
            }
            n => return fail(format!("its type ({n}) is neither TOTP nor HOTP")),
        };
        if self.secret.is_empty() {
            return fail("it has no secret key".into());
        }
        let secret = Secret::from_bytes(std::mem::take(&mut self.secret));
        Ok(MigrationEntry {
            issuer,
            name,
            secret,
            params: OtpParams {
                kind,
                algorithm,
                digits,
            },
        })
    }
}

/// Splits `Issuer:account` like an otpauth label when the issuer field is empty or equals the prefix;
/// spaces after the colon are dropped. Otherwise the name is kept whole.
fn split_label(name: &str, issuer: &str) -> (String, String) {
    if let Some((prefix, account)) = name.split_once(':') {
        if issuer.is_empty() || prefix == issuer {
            return (prefix.to_string(), account.trim_start().to_string());
        }
    }
    (issuer.to_string(), name.to_string())
}

/// Gathers the batches (QR codes) of one export, whatever order they are scanned in.
#[derive(Clone, Debug, Default)]
pub struct MigrationCollector {
    batches: BTreeMap<i32, MigrationBatch>,
    batch_id: Option<i32>,
    batch_size: i32,
}

/// What [`MigrationCollector::add`] did with a batch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddOutcome {
    /// A batch not seen before: its accounts were added.
    Added,
    /// This batch was already scanned: ignored.
    AlreadyScanned,
    /// The batch belongs to another export (other `batch_id` or `batch_size`, or an index out of range): ignored.
    OtherExport,
}

impl MigrationCollector {
    /// An empty collector; the first batch added decides which export it collects.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one scanned batch.
    pub fn add(&mut self, batch: MigrationBatch) -> AddOutcome {
        let size = batch.batch_size.max(1);
        if batch.batch_index < 0 || batch.batch_index >= size {
            return AddOutcome::OtherExport;
        }
        match self.batch_id {
            Some(id) if id != batch.batch_id || self.batch_size != size => {
                return AddOutcome::OtherExport
            }
            Some(_) if self.batches.contains_key(&batch.batch_index) => {
                return AddOutcome::AlreadyScanned
            }
            Some(_) => {}
            None => {
                self.batch_id = Some(batch.batch_id);
                self.batch_size = size;
            }
        }
        self.batches.insert(batch.batch_index, batch);
        AddOutcome::Added
    }

    /// How many batches were scanned.
    pub fn scanned(&self) -> usize {
        self.batches.len()
    }

    /// How many batches the export has (0 before the first one is added).
    pub fn total(&self) -> usize {
        self.batch_size as usize
    }

    /// For the person scanning: "batch 2 of 3 scanned" (number scanned of total).
    pub fn progress(&self) -> String {
        format!("batch {} of {} scanned", self.scanned(), self.total())
    }

    /// The batch numbers still to scan, counted from 1 as Google Authenticator shows them.
    pub fn missing(&self) -> Vec<i32> {
        (0..self.batch_size)
            .filter(|i| !self.batches.contains_key(i))
            .map(|i| i + 1)
            .collect()
    }

    /// True once every batch `0..batch_size` was scanned.
    pub fn is_complete(&self) -> bool {
        self.batch_id.is_some() && self.batches.len() == self.batch_size as usize
    }

    /// Every account gathered so far, in batch order.
    pub fn entries(&self) -> impl Iterator<Item = &MigrationEntry> {
        self.batches.values().flat_map(|b| b.entries.iter())
    }

    /// Every skipped-account message gathered so far, in batch order.
    pub fn errors(&self) -> impl Iterator<Item = &str> {
        self.batches
            .values()
            .flat_map(|b| b.errors.iter().map(String::as_str))
    }
}
