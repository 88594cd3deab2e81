//! Google Authenticator transfer codes, driven by fixtures/google-migration/expected.json (see its
//! PROVENANCE.md): every case decoded field by field, every failure refused with a clear message, the PNGs read
//! through the QR pipeline, and multi-code exports gathered by `MigrationCollector`.
use std::path::{Path, PathBuf};

use serde_json::Value;
use tock_core::migration::{self, AddOutcome, MigrationBatch, MigrationCollector, MigrationError};
use tock_core::qr::{self, Payload, QrError};
use tock_core::{Algorithm, OtpKind};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/google-migration")
}

fn cases() -> Vec<Value> {
    let text = std::fs::read_to_string(root().join("expected.json")).unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    doc["cases"].as_array().unwrap().clone()
}

fn case(id: &str) -> Value {
    cases()
        .into_iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no case {id}"))
}

/// The case's URI: given inline, or URI number `line_index` of its fixture file (comment and blank lines not
/// counted), checked to agree with `uri`.
fn uri_of(c: &Value) -> Option<String> {
    let inline = c["uri"].as_str().map(str::to_string);
    if let (Some(file), Some(i)) = (c["file"].as_str(), c["line_index"].as_u64()) {
        let text = std::fs::read_to_string(root().join(file)).unwrap();
        let mut uris = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let line = uris.nth(i as usize).unwrap().to_string();
        assert_eq!(Some(&line), inline.as_ref(), "{}: fixture line", c["id"]);
        return Some(line);
    }
    inline
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks a decoded batch against a case's `payload`.
fn check_batch(id: &str, batch: &MigrationBatch, payload: &Value) {
    let int = |k: &str| payload[k].as_i64().unwrap_or(0) as i32;
    assert_eq!(batch.version, int("version"), "{id}: version");
    assert_eq!(batch.batch_size, int("batch_size"), "{id}: batch_size");
    assert_eq!(batch.batch_index, int("batch_index"), "{id}: batch_index");
    assert_eq!(batch.batch_id, int("batch_id"), "{id}: batch_id");
    assert!(batch.errors.is_empty(), "{id}: {:?}", batch.errors);
    let params = payload["otp_parameters"].as_array().unwrap();
    assert_eq!(
        batch.entries.len(),
        params.len(),
        "{id}: number of accounts"
    );
    for (i, (e, p)) in batch.entries.iter().zip(params).enumerate() {
        let at = format!("{id} #{i}");
        assert_eq!(
            hex(e.secret.as_bytes()),
            p["secret_hex"].as_str().unwrap(),
            "{at}: secret"
        );
        assert_eq!(
            data_encoding::BASE32_NOPAD.encode(e.secret.as_bytes()),
            p["secret_b32"].as_str().unwrap(),
            "{at}: secret (base32)"
        );
        // The protobuf name is often "Issuer:account"; the entry keeps the two apart.
        let (name, issuer) = (p["name"].as_str().unwrap(), p["issuer"].as_str().unwrap());
        let (want_issuer, want_name) = match name.split_once(':') {
            Some((pre, acct)) if issuer.is_empty() || pre == issuer => {
                (pre.to_string(), acct.trim_start().to_string())
            }
            _ => (issuer.to_string(), name.to_string()),
        };
        assert_eq!(
            (e.issuer.as_str(), e.name.as_str()),
            (want_issuer.as_str(), want_name.as_str()),
            "{at}: label"
        );
        let algorithm = match p["algorithm"].as_str().unwrap() {
            "SHA1" | "UNSPECIFIED(->SHA1)" => Algorithm::Sha1,
            "SHA256" => Algorithm::Sha256,
            "SHA512" => Algorithm::Sha512,
            other => panic!("{at}: unexpected algorithm {other}"),
        };
        assert_eq!(e.params.algorithm, algorithm, "{at}: algorithm");
        let digits = p["digits"].as_u64().unwrap_or(6) as u8; // "UNSPECIFIED(->6)"
        assert_eq!(e.params.digits, digits, "{at}: digits");
        match p["type"].as_str().unwrap() {
            "totp" => assert_eq!(e.params.kind, OtpKind::Totp { period: 30 }, "{at}: kind"),
            "hotp" => assert_eq!(
                e.params.kind,
                OtpKind::Hotp {
                    counter: p["counter"].as_u64().unwrap_or(0)
                },
                "{at}"
            ),
            other => panic!("{at}: unexpected type {other}"),
        }
        // Secrets stay out of Debug output.
        let debug = format!("{batch:?}");
        assert!(
            !debug.contains(p["secret_b32"].as_str().unwrap())
                && !debug.contains(p["secret_hex"].as_str().unwrap())
        );
    }
}

#[test]
fn every_ok_case_decodes_with_the_right_fields() {
    let mut checked = 0;
    for c in cases() {
        let id = c["id"].as_str().unwrap();
        if c["expect"] != "ok" || c["payload"].is_null() {
            continue;
        }
        let uri = uri_of(&c)
            .or_else(|| c["qr_text"].as_str().map(str::to_string))
            .unwrap();
        let batch = migration::parse_migration_uri(&uri).unwrap_or_else(|e| panic!("{id}: {e}"));
        check_batch(id, &batch, &c["payload"]);
        checked += 1;
    }
    assert_eq!(checked, 21);
}

#[test]
fn spot_checks() {
    // A name with a colon and no issuer field is split like an otpauth label.
    let b = migration::parse_migration_uri(&uri_of(&case("scito-example-5")).unwrap()).unwrap();
    assert_eq!(
        (b.entries[0].issuer.as_str(), b.entries[0].name.as_str()),
        ("encoding", "¿äÄéÉ? (demo)")
    );
    // HOTP with its counter.
    let b = migration::parse_migration_uri(&uri_of(&case("scito-example-4")).unwrap()).unwrap();
    assert_eq!(b.entries[0].params.kind, OtpKind::Hotp { counter: 4 });
    assert_eq!(
        (b.entries[0].issuer.as_str(), b.entries[0].name.as_str()),
        ("", "hotp demo")
    );
    // Issuers with spaces and "&".
    let b = migration::parse_migration_uri(case("jc-string3")["uri"].as_str().unwrap()).unwrap();
    assert_eq!(
        (b.entries[2].issuer.as_str(), b.entries[2].name.as_str()),
        ("Cats & Dogs", "marge@example.com")
    );
    // Algorithm and digits absent: SHA1, 6 digits; no batch fields at all.
    let b = migration::parse_migration_uri(case("dim13-minimal")["uri"].as_str().unwrap()).unwrap();
    assert_eq!(b.entries[0].secret.as_bytes(), b"Hello!\xde\xad\xbe\xef");
    assert_eq!(
        (b.entries[0].params.algorithm, b.entries[0].params.digits),
        (Algorithm::Sha1, 6)
    );
    assert_eq!((b.batch_size, b.batch_index, b.batch_id), (0, 0, 0));
    // Empty data: a valid, empty batch.
    let b = migration::parse_migration_uri("otpauth-migration://offline?data=").unwrap();
    assert!(b.entries.is_empty() && b.errors.is_empty());
}

#[test]
fn data_encodings_are_read_leniently() {
    let raw = case("jc-string_2_of_3")["uri"]
        .as_str()
        .unwrap()
        .to_string();
    let expected = migration::parse_migration_uri(&raw).unwrap();
    assert!(raw.contains('+') && raw.contains('/') && raw.ends_with("=="));
    let encoded = case("jc-string_2_of_3_urlencoded")["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(encoded.contains("%2B") || encoded.contains("%2F"));
    let (prefix, data) = raw.split_once("data=").unwrap();
    let variants = [
        encoded,
        raw.replace('+', " "), // "+" turned into spaces by a form decoder
        raw.trim_end_matches('=').to_string(), // padding dropped
        format!("{prefix}data={}", data.replace('=', "%3D")), // padding percent-encoded
        raw.replace("otpauth-migration://offline", "OTPAUTH-MIGRATION://OFFLINE"), // upper-case scheme
        format!("  {raw}\n"),                   // whitespace around
        format!("{prefix}foo=bar&data={data}"), // other parameters first
        format!("{prefix}data={}", data.replace('+', "-").replace('/', "_")), // URL-safe alphabet
    ];
    for v in variants {
        assert_eq!(migration::parse_migration_uri(&v).unwrap(), expected, "{v}");
    }
}

#[test]
fn failures_are_refused_with_clear_errors() {
    let read = |id: &str| {
        let c = case(id);
        let text = match c["file"].as_str() {
            Some(f) => std::fs::read_to_string(root().join(f)).unwrap(),
            None => c["uri"].as_str().unwrap().to_string(),
        };
        migration::parse_migration_uri(&text)
    };
    assert_eq!(
        read("scito-wrong-data").unwrap_err(),
        MigrationError::Malformed
    );
    assert_eq!(
        read("jc-errorString1").unwrap_err(),
        MigrationError::Malformed
    );
    assert_eq!(
        read("scito-wrong-content").unwrap_err(),
        MigrationError::NotMigrationUri
    );
    // Text before the scheme: refused (a strict reading; the case's outcome is implementation-defined).
    assert_eq!(
        read("scito-wrong-prefix").unwrap_err(),
        MigrationError::NotMigrationUri
    );
    let bad = [
        ("", MigrationError::NotMigrationUri),
        (
            "otpauth://totp/x?secret=AAAA",
            MigrationError::NotMigrationUri,
        ),
        (
            "otpauth-migration://online?data=AAAA",
            MigrationError::NotMigrationUri,
        ),
        ("otpauth-migration://offline", MigrationError::MissingData),
        (
            "otpauth-migration://offline?foo=bar",
            MigrationError::MissingData,
        ),
        (
            "otpauth-migration://offline?data=!!!!",
            MigrationError::BadBase64,
        ),
        (
            "otpauth-migration://offline?data=A",
            MigrationError::BadBase64,
        ),
        (
            "otpauth-migration://offline?data=%FF%FE",
            MigrationError::BadBase64,
        ),
    ];
    for (text, want) in &bad {
        let err = migration::parse_migration_uri(text).unwrap_err();
        assert_eq!(&err, want, "{text:?}");
        let msg = err.to_string();
        assert!(
            !msg.is_empty() && !msg.contains('\n') && msg.matches(". ").count() == 0,
            "one sentence: {msg}"
        );
    }
    // An empty file and a file of comments hold no transfer codes at all.
    for id in ["scito-empty-file", "scito-only-comments"] {
        let text =
            std::fs::read_to_string(root().join(case(id)["file"].as_str().unwrap())).unwrap();
        let uris: Vec<_> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .collect();
        assert!(uris.is_empty(), "{id}");
    }
    assert_eq!(
        MigrationError::NotMigrationUri.to_string(),
        "this is not a Google Authenticator transfer code: it must start with otpauth-migration://offline"
    );
}

/// A tiny protobuf writer for hand-made payloads.
fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}
fn field_bytes(out: &mut Vec<u8>, n: u64, b: &[u8]) {
    varint(out, n << 3 | 2);
    varint(out, b.len() as u64);
    out.extend_from_slice(b);
}
fn field_varint(out: &mut Vec<u8>, n: u64, v: u64) {
    varint(out, n << 3);
    varint(out, v);
}
fn entry(
    secret: &[u8],
    name: &str,
    issuer: &str,
    algorithm: u64,
    digits: u64,
    kind: u64,
) -> Vec<u8> {
    let mut e = Vec::new();
    field_bytes(&mut e, 1, secret);
    field_bytes(&mut e, 2, name.as_bytes());
    field_bytes(&mut e, 3, issuer.as_bytes());
    field_varint(&mut e, 4, algorithm);
    field_varint(&mut e, 5, digits);
    field_varint(&mut e, 6, kind);
    e
}
fn uri(payload: &[u8]) -> String {
    let b64 = data_encoding::BASE64.encode(payload);
    format!(
        "otpauth-migration://offline?data={}",
        b64.replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    )
}

#[test]
fn a_bad_account_does_not_sink_the_others() {
    let mut p = Vec::new();
    field_bytes(
        &mut p,
        1,
        &entry(b"0123456789", "good@example.com", "Good", 3, 2, 2),
    );
    field_bytes(
        &mut p,
        1,
        &entry(b"SECRETMD5!", "Old:md5@example.com", "", 4, 1, 2),
    );
    field_bytes(&mut p, 1, &entry(b"", "nokey@example.com", "", 1, 1, 2));
    field_bytes(&mut p, 1, &entry(b"ABCDEFGHIJ", "weird", "", 1, 9, 2));
    field_bytes(&mut p, 1, &entry(b"ABCDEFGHIJ", "", "", 1, 1, 7));
    // Unknown fields of every wire type are skipped.
    field_varint(&mut p, 15, 1);
    varint(&mut p, 16 << 3 | 1);
    p.extend_from_slice(&[0; 8]);
    varint(&mut p, 17 << 3 | 5);
    p.extend_from_slice(&[0; 4]);
    field_bytes(&mut p, 18, b"future");
    field_varint(&mut p, 2, 1);
    field_varint(&mut p, 5, (-5i64) as u64); // negative batch_id, sign-extended to 10 bytes
    let batch = migration::parse_migration_uri(&uri(&p)).unwrap();
    assert_eq!(batch.batch_id, -5);
    assert_eq!(batch.entries.len(), 1);
    let e = &batch.entries[0];
    assert_eq!(
        (e.issuer.as_str(), e.name.as_str()),
        ("Good", "good@example.com")
    );
    assert_eq!(
        (e.params.algorithm, e.params.digits),
        (Algorithm::Sha512, 8)
    );
    assert_eq!(
        batch.errors,
        [
            "the account \"Old: md5@example.com\" was skipped: it uses the MD5 algorithm, which Tock does not support",
            "the account \"nokey@example.com\" was skipped: it has no secret key",
            "the account \"weird\" was skipped: its number of digits (9) is unknown",
            "account 5 was skipped: its type (7) is neither TOTP nor HOTP",
        ]
    );
    let debug = format!("{batch:?}");
    for secret in ["0123456789", "SECRETMD5!", "GAYTEMZUGU3DOOBZ"] {
        assert!(!debug.contains(secret) && !batch.errors.concat().contains(secret));
    }
    // A known field with the wrong wire type, or a truncated length, is a damaged payload.
    let mut wrong = Vec::new();
    field_varint(&mut wrong, 1, 5);
    assert_eq!(
        migration::parse_migration_uri(&uri(&wrong)).unwrap_err(),
        MigrationError::Malformed
    );
    let mut truncated = Vec::new();
    field_bytes(&mut truncated, 1, &entry(b"0123456789", "x", "", 1, 1, 2));
    truncated.truncate(truncated.len() - 3);
    assert_eq!(
        migration::parse_migration_uri(&uri(&truncated)).unwrap_err(),
        MigrationError::Malformed
    );
}

#[test]
fn collector_gathers_a_three_code_export() {
    let batch =
        |id: &str| migration::parse_migration_uri(case(id)["uri"].as_str().unwrap()).unwrap();
    let mut c = MigrationCollector::new();
    assert!(!c.is_complete());
    assert_eq!(c.add(batch("jc-string_2_of_3")), AddOutcome::Added);
    assert_eq!(c.progress(), "batch 1 of 3 scanned");
    assert_eq!(c.missing(), [1, 3]);
    assert_eq!(
        c.add(batch("jc-string_2_of_3_urlencoded")),
        AddOutcome::AlreadyScanned
    );
    assert_eq!(c.add(batch("scito-example-1")), AddOutcome::OtherExport);
    assert_eq!(
        c.add(batch("jc-string_1_of_3_urlencoded")),
        AddOutcome::Added
    );
    assert_eq!(c.progress(), "batch 2 of 3 scanned");
    assert!(!c.is_complete());
    assert_eq!(c.add(batch("jc-string_3_of_3")), AddOutcome::Added);
    assert!(c.is_complete());
    assert_eq!(c.progress(), "batch 3 of 3 scanned");
    assert!(c.missing().is_empty());
    let names: Vec<&str> = c.entries().map(|e| e.name.as_str()).collect();
    assert_eq!(names.len(), 22);
    assert_eq!(names[0], "one@example.com");
    assert_eq!(names[10], "eleven@example.com");
    assert_eq!(names[21], "twenty-two@example.com");
    assert!(c.entries().all(|e| e.issuer == "ACME"));
    assert_eq!(c.errors().count(), 0);

    // A single-code export is complete at once.
    let mut single = MigrationCollector::new();
    assert_eq!(single.add(batch("scito-example-3")), AddOutcome::Added);
    assert!(single.is_complete());
    assert_eq!(single.entries().count(), 2);
}

#[test]
fn pngs_decode_through_the_qr_pipeline() {
    let read = |file: &str| std::fs::read(root().join(file)).unwrap();
    // scito's export screenshot: one migration code, three accounts.
    let c = case("scito-example-png");
    let found = qr::decode_image_bytes(&read("scito/example_export.png")).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].text, c["qr_text"].as_str().unwrap());
    let Payload::Migration(text) = qr::classify(&found[0].text) else {
        panic!("not a migration code")
    };
    check_batch(
        "scito-example-png",
        &migration::parse_migration_uri(&text).unwrap(),
        &c["payload"],
    );

    // dim13's example: a plain otpauth code.
    let found = qr::decode_image_bytes(&read("dim13/example.png")).unwrap();
    assert_eq!(found.len(), 1);
    let want = case("dim13-example-png")["qr_text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(qr::classify(&found[0].text), Payload::OtpAuth(want));

    // A valid QR code that is not an authenticator code.
    let found = qr::decode_image_bytes(&read("scito/qr_but_without_otp.png")).unwrap();
    assert_eq!(found.len(), 1);
    let want = case("scito-qr-without-otp")["qr_text"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(qr::classify(&found[0].text), Payload::Other(want.clone()));
    assert_eq!(
        migration::parse_migration_uri(&want).unwrap_err(),
        MigrationError::NotMigrationUri
    );

    // Text saved with a .jpeg name.
    let err = qr::decode_image_bytes(&read("scito/text_masquerading_as_image.jpeg")).unwrap_err();
    assert_eq!(err, QrError::NotAnImage);
    assert_eq!(
        err.to_string(),
        "the file is not an image Tock can read (PNG, JPEG, WebP, BMP or GIF)"
    );
}
