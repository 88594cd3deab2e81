//! Black-box tests of `tock import` and `tock export` against a real Secret Service, on real export files of
//! other apps (the fixtures of tock-core's importer tests, with their provenance there).
use std::path::{Path, PathBuf};

mod common;
use common::{ok, require_secret_service, tock};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures/importers")
        .join(path)
}

fn password_file(dir: &Path, password: &str) -> PathBuf {
    let file = dir.join("password");
    std::fs::write(&file, format!("{password}\n")).unwrap();
    file
}

/// Runs tock, which must fail with one `error:` line; returns it.
fn err(dir: &Path, args: &[&str]) -> String {
    let out = tock(dir, args);
    assert!(!out.status.success(), "tock {args:?} should fail");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

fn listed(dir: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str::<Vec<serde_json::Value>>(&ok(dir, &["list", "--json", "--codes"]))
        .unwrap()
}

#[test]
fn an_encrypted_aegis_export_imports_once_and_duplicates_are_skipped() {
    require_secret_service();
    let vault = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let file = fixture("aegis-importers/files/aegis_encrypted.json");
    let file = file.to_str().unwrap();

    let wrong = password_file(scratch.path(), "not the password");
    let e = err(
        vault.path(),
        &[
            "import",
            file,
            "--import-password-file",
            wrong.to_str().unwrap(),
        ],
    );
    assert!(e.contains("password is wrong"), "{e}");
    let e = err(vault.path(), &["import", file]);
    assert!(
        e.contains("--import-password-file"),
        "no terminal: it says how to give the password: {e}"
    );
    assert!(
        !vault.path().join("vault.json").exists(),
        "a refused import adds nothing"
    );

    let right = password_file(scratch.path(), "test");
    let out = ok(
        vault.path(),
        &[
            "import",
            file,
            "--import-password-file",
            right.to_str().unwrap(),
        ],
    );
    assert_eq!(out, "imported 7, skipped 0");
    let accounts = listed(vault.path());
    assert_eq!(accounts.len(), 7);
    let deno = accounts.iter().find(|a| a["issuer"] == "Deno").unwrap();
    assert_eq!(
        (deno["name"].as_str(), deno["kind"].as_str()),
        (Some("Mason"), Some("totp"))
    );
    let spdx = accounts.iter().find(|a| a["issuer"] == "SPDX").unwrap();
    assert_eq!(
        (spdx["digits"].as_u64(), spdx["period"].as_u64()),
        (Some(7), Some(20))
    );

    // The same accounts again, from the plain export: every one is skipped, with its reason.
    let plain = fixture("aegis-importers/files/aegis_plain.json");
    let again = ok(vault.path(), &["import", plain.to_str().unwrap()]);
    let mut lines = again.lines();
    assert_eq!(lines.next(), Some("imported 0, skipped 7"));
    let reasons: Vec<&str> = lines.collect();
    assert_eq!(reasons.len(), 7);
    assert!(
        reasons
            .iter()
            .all(|l| l.starts_with("skipped ") && l.contains("already in the vault as")),
        "{reasons:?}"
    );
    assert_eq!(listed(vault.path()).len(), 7);
}

#[test]
fn entry_errors_are_listed_and_other_apps_files_are_refused_whole() {
    require_secret_service();
    let vault = tempfile::tempdir().unwrap();
    let bad = fixture(
        "importers-extra/files/proton/aegis/aegis-json-unencrypted-with-bad-period-digits.json",
    );
    let out = ok(vault.path(), &["import", bad.to_str().unwrap()]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("imported 0, skipped 2"));
    assert_eq!(lines.filter(|l| l.starts_with("skipped ")).count(), 2);

    let lastpass = fixture("importers-extra/files/proton/lastpass/lastpass.json");
    let e = err(vault.path(), &["import", lastpass.to_str().unwrap()]);
    assert!(e.contains("not a format Tock can import"), "{e}");
    let junk = vault.path().join("junk.bin");
    std::fs::write(&junk, b"\x00\x01 nothing an authenticator wrote").unwrap();
    err(vault.path(), &["import", junk.to_str().unwrap()]);
    let e = err(vault.path(), &["import", "/nonexistent/export.json"]);
    assert!(e.contains("could not be read"), "{e}");
    assert_eq!(listed(vault.path()).len(), 0);
}

/// A vault holding Aegis's seven test vectors (imported from its plain export), and a scratch folder.
fn vault_with_the_vectors() -> (tempfile::TempDir, tempfile::TempDir) {
    require_secret_service();
    let vault = tempfile::tempdir().unwrap();
    let source = fixture("aegis-importers/files/aegis_plain.json");
    assert_eq!(
        ok(vault.path(), &["import", source.to_str().unwrap()]),
        "imported 7, skipped 0"
    );
    (vault, tempfile::tempdir().unwrap())
}

#[test]
fn exports_read_back_into_a_fresh_vault_with_the_same_codes() {
    let (vault, scratch) = vault_with_the_vectors();
    // Each account's code: TOTP and Steam at a fixed time, HOTP at its stored counter (listing does not
    // advance it).
    let codes = |dir: &Path| {
        let mut pairs: Vec<(String, String)> = listed(dir)
            .iter()
            .map(|a| {
                let issuer = a["issuer"].as_str().unwrap().to_owned();
                let code = if a["kind"] == "hotp" {
                    a["code"].as_str().unwrap().to_owned()
                } else {
                    ok(dir, &["code", &issuer, "--at", "1700000000"])
                };
                (issuer, code)
            })
            .collect();
        pairs.sort();
        pairs
    };
    let original = codes(vault.path());
    assert_eq!(original.len(), 7);

    let password = password_file(scratch.path(), "pässwörd 🔑");
    let aegis = scratch.path().join("tock.json");
    ok(
        vault.path(),
        &[
            "export",
            "--format",
            "aegis",
            "--out",
            aegis.to_str().unwrap(),
            "--export-password-file",
            password.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&aegis).unwrap();
    assert!(
        !text.contains("4SJHB4GSD43FZBAI7C2HLRJGPQ"),
        "the encrypted export holds no secret in plain form"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&aegis).unwrap().permissions().mode() & 0o077,
            0
        );
    }
    let fresh = tempfile::tempdir().unwrap();
    let out = ok(
        fresh.path(),
        &[
            "import",
            aegis.to_str().unwrap(),
            "--import-password-file",
            password.to_str().unwrap(),
        ],
    );
    assert_eq!(out, "imported 7, skipped 0");
    assert_eq!(codes(fresh.path()), original);

    let plain = scratch.path().join("uris.txt");
    let e = err(
        vault.path(),
        &[
            "export",
            "--format",
            "otpauth",
            "--out",
            plain.to_str().unwrap(),
        ],
    );
    assert!(e.contains("--yes"), "{e}");
    assert!(!plain.exists());
    ok(
        vault.path(),
        &[
            "export",
            "--format",
            "otpauth",
            "--out",
            plain.to_str().unwrap(),
            "--yes",
        ],
    );
    assert_eq!(
        std::fs::read_to_string(&plain)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("otpauth://"))
            .count(),
        7
    );

    let inside = vault.path().join("export.json");
    let e = err(
        vault.path(),
        &[
            "export",
            "--format",
            "aegis-plain",
            "--out",
            inside.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(e.contains("data folder"), "{e}");
}

#[test]
fn google_transfer_codes_are_images_tock_scans_back() {
    let (vault, scratch) = vault_with_the_vectors();
    let out = scratch.path().join("transfer");
    let result = tock(
        vault.path(),
        &[
            "export",
            "--format",
            "google-qr",
            "--out",
            out.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(
        result.status.success(),
        "{}",
        String::from_utf8_lossy(&result.stderr)
    );
    let files = String::from_utf8(result.stdout).unwrap();
    assert_eq!(
        files.trim(),
        scratch.path().join("transfer-1.png").to_str().unwrap()
    );
    // Google's format carries TOTP and HOTP with 6 or 8 digits and 30-s TOTP: SPDX (7 digits, 20 s), Airbnb
    // (50 s), Air Canada (7 digits) and the Steam token cannot travel, and are named.
    let stderr = String::from_utf8(result.stderr).unwrap();
    assert!(stderr.contains("was left out"), "{stderr}");
    assert!(
        stderr.contains("Boeing (Sophia) was left out"),
        "Steam is named: {stderr}"
    );

    let fresh = tempfile::tempdir().unwrap();
    let added = ok(
        fresh.path(),
        &[
            "scan",
            "--add",
            scratch.path().join("transfer-1.png").to_str().unwrap(),
        ],
    );
    let exported: usize = stderr
        .lines()
        .find_map(|l| l.strip_prefix("exported ")?.split(' ').next()?.parse().ok())
        .unwrap();
    assert_eq!(
        added.lines().count(),
        exported,
        "every exported account is read back: {added}"
    );
    assert!(exported >= 1);
}
