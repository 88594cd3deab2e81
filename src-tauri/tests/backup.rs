//! Black-box tests of `tock backup-codes` against a real Secret Service (run through scripts/test or
//! scripts/with-keyring; without one they fail and say so). The layouts come from tock-core's fixtures
//! (`tests/fixtures/backup-codes`, see its PROVENANCE.md).
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{ok, require_secret_service, tock_with_input};

/// The ten codes of the Google-style fixture, in order.
const GOOGLE_CODES: [&str; 10] = [
    "68581640", "43670451", "83012896", "90248361", "11755309", "33867712", "55420098", "77192643",
    "22904815", "04635527",
];

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures/backup-codes")
        .join(name)
}

fn run_ok(dir: &Path, args: &[&str], input: Option<&str>) -> (String, String) {
    let out = tock_with_input(dir, args, input);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(out.status.success(), "tock {args:?} failed: {stderr}");
    (String::from_utf8(out.stdout).unwrap(), stderr)
}

/// Runs a command that must fail with one `error:` line; returns that line.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = tock_with_input(dir, args, None);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !out.status.success(),
        "tock {args:?} should fail; printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

/// A data folder with one account; returns the folder and the account id.
fn vault_with_github() -> (tempfile::TempDir, String) {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let id = ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        ],
    );
    (dir, id)
}

fn keychain_item(dir: &Path, service: &str, id: &str) -> Option<String> {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vault.json")).unwrap()).unwrap();
    let user = format!("{}/{id}", doc["vault_id"].as_str().unwrap());
    let out = Command::new("secret-tool")
        .args(["lookup", "service", service, "username", &user])
        .output()
        .unwrap();
    (out.status.success() && !out.stdout.is_empty())
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn listed(dir: &Path, query: &str) -> Vec<serde_json::Value> {
    let json: serde_json::Value =
        serde_json::from_str(&ok(dir, &["backup-codes", "list", query, "--json"])).unwrap();
    json.as_array().unwrap().clone()
}

/// Every byte of every file under `dir`, as text (lossy).
fn everything_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap()).into_owned();
                found.push((path, text));
            }
        }
    }
    found
}

#[test]
fn add_list_use_and_replace_round_trip() {
    let (dir, id) = vault_with_github();
    let file = fixture("google-download.txt");
    let (stdout, stderr) = run_ok(
        dir.path(),
        &["backup-codes", "add", "github", file.to_str().unwrap()],
        None,
    );
    assert_eq!(stdout.trim(), "recognised 10 backup codes");
    assert!(stderr.contains("1, 2, 10, 12, 13, 14"), "{stderr}");

    let codes = listed(dir.path(), &id);
    assert_eq!(codes.len(), 10);
    for (entry, expected) in codes.iter().zip(GOOGLE_CODES) {
        assert_eq!(
            entry,
            &serde_json::json!({"code": expected, "used": false, "used_at": null})
        );
    }

    // The next unused code, then a chosen one typed the way the site groups it.
    assert_eq!(
        ok(dir.path(), &["backup-codes", "use", "github"]),
        GOOGLE_CODES[0]
    );
    assert_eq!(
        ok(dir.path(), &["backup-codes", "use", "github", "9024 8361"]),
        GOOGLE_CODES[3]
    );
    let codes = listed(dir.path(), "github");
    let used: Vec<bool> = codes.iter().map(|c| c["used"].as_bool().unwrap()).collect();
    assert_eq!(
        used,
        [true, false, false, true, false, false, false, false, false, false]
    );
    let used_at = codes[0]["used_at"].as_str().unwrap();
    assert!(
        used_at.len() == 20 && used_at.ends_with('Z') && used_at.as_bytes()[10] == b'T',
        "RFC 3339: {used_at}"
    );
    assert!(codes[1]["used_at"].is_null());
    assert_eq!(
        ok(dir.path(), &["backup-codes", "use", "github"]),
        GOOGLE_CODES[1],
        "next skips the used ones"
    );

    let error = fails(
        dir.path(),
        &["backup-codes", "use", "github", GOOGLE_CODES[3]],
    );
    assert!(error.contains("already used"), "{error}");
    let error = fails(dir.path(), &["backup-codes", "use", "github", "11112222"]);
    assert!(error.contains("not one of the stored"), "{error}");

    // The summary in vault.json follows; no code is in it.
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("vault.json")).unwrap())
            .unwrap();
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["accounts"][0]["backup_codes"]["total"], 10);
    assert_eq!(doc["accounts"][0]["backup_codes"]["left"], 7);

    // A new set replaces the old only when asked to.
    let other = fixture("facebook-style.txt");
    let error = fails(
        dir.path(),
        &["backup-codes", "add", "github", other.to_str().unwrap()],
    );
    assert!(error.contains("--replace"), "{error}");
    assert_eq!(listed(dir.path(), "github")[0]["code"], GOOGLE_CODES[0]);
    ok(
        dir.path(),
        &[
            "backup-codes",
            "add",
            "github",
            other.to_str().unwrap(),
            "--replace",
        ],
    );
    let codes = listed(dir.path(), "github");
    assert_eq!(codes.len(), 10);
    assert_eq!(codes[0]["code"], "12345678");
    assert!(codes.iter().all(|c| c["used"] == false));
    let item = keychain_item(dir.path(), "tock-backup-codes", &id).unwrap();
    assert!(
        !GOOGLE_CODES.iter().any(|c| item.contains(c)),
        "the old set is kept nowhere"
    );
}

#[test]
fn codes_have_their_own_keychain_item_removed_with_the_account() {
    let (dir, id) = vault_with_github();
    run_ok(
        dir.path(),
        &["backup-codes", "add", &id, "-"],
        Some("abcd-efgh\nijkl-mnop\nq1r2-s3t4\n"),
    );
    let secret = keychain_item(dir.path(), "tock", &id).expect("the secret item");
    let codes = keychain_item(dir.path(), "tock-backup-codes", &id).expect("the codes item");
    assert!(codes.contains("ijkl-mnop") && !secret.contains("ijkl"));
    // The account's codes still work after its secret is read (no collision between the two items).
    assert_eq!(ok(dir.path(), &["code", &id, "--at", "59"]), "996554");

    ok(dir.path(), &["remove", &id]);
    assert_eq!(keychain_item(dir.path(), "tock", &id), None);
    assert_eq!(
        keychain_item(dir.path(), "tock-backup-codes", &id),
        None,
        "no orphaned codes"
    );
}

#[test]
fn no_code_is_ever_written_under_the_data_dir() {
    let (dir, id) = vault_with_github();
    let file = fixture("github-recovery-codes.txt");
    ok(
        dir.path(),
        &["backup-codes", "add", &id, file.to_str().unwrap()],
    );
    ok(dir.path(), &["backup-codes", "use", &id]);
    ok(dir.path(), &["backup-codes", "use", &id, "12345-67890"]);
    ok(dir.path(), &["backup-codes", "list", &id]);
    let elsewhere = tempfile::tempdir().unwrap();
    let out = elsewhere.path().join("codes.txt");
    ok(
        dir.path(),
        &[
            "backup-codes",
            "export",
            &id,
            "--format",
            "txt",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let inside = dir.path().join("codes.html");
    let error = fails(
        dir.path(),
        &[
            "backup-codes",
            "export",
            &id,
            "--format",
            "html",
            "--out",
            inside.to_str().unwrap(),
        ],
    );
    assert!(error.contains("data folder"), "{error}");

    let text = std::fs::read_to_string(file).unwrap();
    let codes: Vec<&str> = text.lines().collect();
    assert_eq!(codes.len(), 16);
    let files = everything_under(dir.path());
    assert!(!files.is_empty());
    for (path, content) in &files {
        for code in &codes {
            let joined = code.replace('-', "");
            assert!(
                !content.contains(code) && !content.contains(&joined),
                "{} holds a backup code",
                path.display()
            );
        }
    }
    // The copy asked for does hold them.
    let copy = std::fs::read_to_string(&out).unwrap();
    assert!(codes.iter().all(|c| copy.contains(c)));
}

#[test]
fn export_writes_a_text_copy_and_a_print_sheet() {
    let (dir, id) = vault_with_github();
    let file = fixture("microsoft-recovery-code.txt");
    ok(
        dir.path(),
        &["backup-codes", "add", &id, file.to_str().unwrap()],
    );
    let out = tempfile::tempdir().unwrap();
    for format in ["txt", "html"] {
        let path = out.path().join(format!("github.{format}"));
        ok(
            dir.path(),
            &[
                "backup-codes",
                "export",
                "github",
                "--format",
                format,
                "--out",
                path.to_str().unwrap(),
            ],
        );
        let text = std::fs::read_to_string(&path).unwrap();
        for expected in [
            "GitHub",
            "alice",
            "ABCD3-EFGH4-JKLM5-NPQR6-STUV7",
            "away from this computer",
        ] {
            assert!(text.contains(expected), "{format}: {expected} in {text}");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only the owner may read the copy");
        }
    }
    let html = std::fs::read_to_string(out.path().join("github.html")).unwrap();
    assert!(html.starts_with("<!doctype html>") && html.contains("window.print()"));
}

#[test]
fn bad_input_is_one_clear_error_and_changes_nothing() {
    let (dir, id) = vault_with_github();
    let error = fails(dir.path(), &["backup-codes", "list", &id]);
    assert!(error.contains("no backup codes"), "{error}");
    let error = fails(dir.path(), &["backup-codes", "use", &id]);
    assert!(error.contains("no backup codes"), "{error}");
    let prose = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(prose.path(), "Dear Alice,\nthank you for turning on 2FA.\n").unwrap();
    let error = fails(
        dir.path(),
        &["backup-codes", "add", &id, prose.path().to_str().unwrap()],
    );
    assert!(error.contains("no backup codes were recognised"), "{error}");
    let error = fails(
        dir.path(),
        &["backup-codes", "add", &id, "/nonexistent/codes.txt"],
    );
    assert!(error.contains("could not be read"), "{error}");
    let error = fails(dir.path(), &["backup-codes", "list", "nobody"]);
    assert!(error.contains("no account matches"), "{error}");
    assert_eq!(keychain_item(dir.path(), "tock-backup-codes", &id), None);
}

#[test]
fn a_version_1_vault_opens_and_gets_codes() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let id = ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/Bank:bob?secret=JBSWY3DPEHPK3PXP&issuer=Bank",
        ],
    );
    // Rewrite the document as Tock 0.1's version 1 wrote it.
    let path = dir.path().join("vault.json");
    let mut doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    doc["version"] = 1.into();
    std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap()).unwrap();

    run_ok(
        dir.path(),
        &["backup-codes", "add", "bank", "-"],
        Some("1. 1234 5678\n2. 2345 6789\n"),
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(doc["version"], 2);
    assert_eq!(doc["accounts"][0]["id"], id.as_str());
    assert_eq!(listed(dir.path(), "bank").len(), 2);
}
