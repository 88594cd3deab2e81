//! Black-box tests of `tock backup` and `tock restore` against a real Secret Service (run through
//! scripts/test or scripts/with-keyring; without one they fail and say so): backups written and rotated,
//! restored into a fresh data folder with the same codes, backup codes and sign-in methods, the review's
//! replace/same rules, and the file decrypted by an independent reader (`aegis_reader.py`, Python's
//! `cryptography` following Aegis's docs/vault.md).
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;
use common::{ok, require_secret_service, tock, tock_with_input};

const RFC_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const BANK_SEED: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
const AT: &str = "1700000000";
/// The key of a GitHub account enrolled again in another vault.
const NEW_SEED: &str = "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U";

/// Runs tock, which must fail with one `error:` line; returns it and the standard output.
fn fails(dir: &Path, args: &[&str]) -> (String, String) {
    let out = tock(dir, args);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "tock {args:?} should fail");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    (stderr, String::from_utf8(out.stdout).unwrap())
}

fn password_file(dir: &Path, name: &str, password: &str) -> PathBuf {
    let file = dir.join(name);
    std::fs::write(&file, format!("{password}\n")).unwrap();
    file
}

struct Fixture {
    vault: tempfile::TempDir,
    backups: tempfile::TempDir,
    scratch: tempfile::TempDir,
    password: PathBuf,
}

impl Fixture {
    fn vault(&self) -> &Path {
        self.vault.path()
    }

    fn password(&self) -> &str {
        self.password.to_str().unwrap()
    }

    fn backup_now(&self) -> PathBuf {
        let out = ok(self.vault(), &["backup", "now"]);
        let path = PathBuf::from(out.strip_prefix("wrote ").expect("wrote PATH"));
        assert!(path.is_file(), "{out}");
        path
    }
}

/// A vault with GitHub (RFC seed; three backup codes, one used; signs in with Google) and Bank (SHA256,
/// 8 digits, 60 s), automatic backups on into a folder of their own, keeping 3.
fn fixture() -> Fixture {
    require_secret_service();
    let f = Fixture {
        vault: tempfile::tempdir().unwrap(),
        backups: tempfile::tempdir().unwrap(),
        scratch: tempfile::tempdir().unwrap(),
        password: PathBuf::new(),
    };
    let vault = f.vault();
    ok(
        vault,
        &[
            "add",
            &format!("otpauth://totp/GitHub:alice?secret={RFC_SEED}&issuer=GitHub"),
        ],
    );
    ok(
        vault,
        &[
            "add",
            &format!(
                "otpauth://totp/Bank:bob?secret={BANK_SEED}&issuer=Bank&algorithm=SHA256&digits=8&period=60"
            ),
        ],
    );
    let out = tock_with_input(
        vault,
        &["backup-codes", "add", "GitHub", "-"],
        Some("1111-2222\n3333-4444\n5555-6666\n"),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(vault, &["backup-codes", "use", "GitHub"]);
    ok(
        vault,
        &[
            "note",
            "GitHub",
            "--method",
            "google",
            "--text",
            "work laptop",
        ],
    );
    let password = password_file(f.scratch.path(), "backup-password", "correct horse battery");
    Fixture { password, ..f }
}

fn set_on(f: &Fixture) {
    let out = ok(
        f.vault(),
        &[
            "backup",
            "set",
            f.backups.path().to_str().unwrap(),
            "--keep",
            "3",
            "--backup-password-file",
            f.password(),
        ],
    );
    assert!(out.starts_with("automatic backups on: "), "{out}");
}

fn code(dir: &Path, account: &str) -> String {
    ok(dir, &["code", account, "--at", AT])
}

fn backup_file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("tock-backup-"))
        .collect();
    names.sort();
    names
}

#[test]
fn backups_are_written_rotated_and_restore_into_a_fresh_vault_with_the_same_codes() {
    let f = fixture();
    let (e, _) = fails(f.vault(), &["backup", "now"]);
    assert!(e.contains("automatic backups are off"), "{e}");
    set_on(&f);
    let status = ok(f.vault(), &["backup", "status"]);
    assert!(status.contains("(keep 3)"), "{status}");
    assert!(
        status.contains("password: stored in the keychain"),
        "{status}"
    );
    assert!(status.contains("risk: no automatic backup yet"), "{status}");
    std::fs::write(f.backups.path().join("notes.txt"), "not a backup").unwrap();

    let mut written = Vec::new();
    for i in 0..5 {
        if i > 0 {
            // File names carry the second: one backup per second.
            std::thread::sleep(std::time::Duration::from_millis(1100));
        }
        written.push(f.backup_now());
    }
    let newest: Vec<String> = written[2..]
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        backup_file_names(f.backups.path()),
        newest,
        "the newest three"
    );
    assert!(
        f.backups.path().join("notes.txt").is_file(),
        "other files stay"
    );
    let status = ok(f.vault(), &["backup", "status"]);
    assert!(status.contains("last backup: "), "{status}");
    assert!(!status.contains("risk:"), "{status}");
    assert_eq!(status.matches("tock-backup-").count(), 3, "{status}");
    let text = std::fs::read_to_string(&written[4]).unwrap();
    for secret in [RFC_SEED, BANK_SEED, "1111-2222", "GitHub", "google"] {
        assert!(!text.contains(secret), "{secret} is encrypted");
    }

    // Into a fresh data folder: without a terminal and without --yes, only the review.
    let fresh = tempfile::tempdir().unwrap();
    let file = written[4].to_str().unwrap();
    let (e, review) = fails(
        fresh.path(),
        &["restore", file, "--backup-password-file", f.password()],
    );
    assert!(e.contains("pass --yes"), "{e}");
    assert!(
        review.contains("GitHub (alice), 3 backup codes: add"),
        "{review}"
    );
    assert!(review.contains("Bank (bob): add"), "{review}");
    assert!(
        review.contains("would add 2, replace 0, leave alone 0"),
        "{review}"
    );
    assert!(
        !fresh.path().join("vault.json").exists(),
        "nothing restored"
    );
    let wrong = password_file(f.scratch.path(), "wrong", "not it");
    let (e, _) = fails(
        fresh.path(),
        &[
            "restore",
            file,
            "--backup-password-file",
            wrong.to_str().unwrap(),
            "--yes",
        ],
    );
    assert!(e.contains("password is wrong"), "{e}");

    let out = ok(
        fresh.path(),
        &[
            "restore",
            file,
            "--backup-password-file",
            f.password(),
            "--yes",
        ],
    );
    assert!(out.ends_with("added 2, replaced 0, left alone 0"), "{out}");
    for account in ["GitHub", "Bank"] {
        assert_eq!(
            code(fresh.path(), account),
            code(f.vault(), account),
            "{account}"
        );
    }
    assert_eq!(
        code(fresh.path(), "GitHub"),
        "921300",
        "the RFC seed at T=1700000000, 6 digits"
    );
    let codes = |dir: &Path| ok(dir, &["backup-codes", "list", "GitHub", "--json"]);
    assert_eq!(
        codes(fresh.path()),
        codes(f.vault()),
        "codes and used marks"
    );
    assert!(codes(fresh.path()).contains("\"used\": true"));
    assert_eq!(
        ok(fresh.path(), &["note", "GitHub"]),
        ok(f.vault(), &["note", "GitHub"])
    );

    // Again: every entry is the same, nothing to do.
    let out = ok(
        fresh.path(),
        &[
            "restore",
            file,
            "--backup-password-file",
            f.password(),
            "--yes",
        ],
    );
    assert!(out.contains("same     (as "), "{out}");
    assert!(out.ends_with("nothing to restore"), "{out}");
    let listed: Vec<serde_json::Value> =
        serde_json::from_str(&ok(fresh.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed.len(), 2);
}

#[test]
fn an_account_is_replaced_only_when_chosen() {
    let f = fixture();
    set_on(&f);
    let file = f.backup_now();
    let file = file.to_str().unwrap();
    // Another vault where GitHub (alice) was enrolled again with a new key.
    let other = tempfile::tempdir().unwrap();
    let id = ok(
        other.path(),
        &[
            "add",
            &format!("otpauth://totp/GitHub:alice?secret={NEW_SEED}&issuer=GitHub"),
        ],
    );
    let before = code(other.path(), "GitHub");
    let args = [
        "restore",
        file,
        "--backup-password-file",
        f.password(),
        "--yes",
    ];
    let out = ok(other.path(), &args);
    assert!(
        out.contains(&format!(
            "replace  (account {id}: left alone unless --replace 0)"
        )),
        "{out}"
    );
    assert!(out.ends_with("added 1, replaced 0, left alone 1"), "{out}");
    assert_eq!(code(other.path(), "GitHub"), before, "not chosen: kept");

    let (e, _) = fails(other.path(), &[&args[..], &["--replace", "1"]].concat());
    assert!(e.contains("entry 1"), "{e}");
    let out = ok(other.path(), &[&args[..], &["--replace", "all"]].concat());
    assert!(out.ends_with("added 0, replaced 1, left alone 1"), "{out}");
    assert_eq!(code(other.path(), "GitHub"), code(f.vault(), "GitHub"));
    assert_eq!(
        ok(other.path(), &["list", "--json"])
            .matches("\"id\"")
            .count(),
        2
    );
}

#[test]
fn an_independent_reader_decrypts_the_backup_as_an_aegis_vault() {
    let f = fixture();
    set_on(&f);
    let file = f.backup_now();
    let reader = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/aegis_reader.py");
    let out = Command::new("python3")
        .arg(&reader)
        .arg(&file)
        .arg(&f.password)
        .arg(AT)
        .output()
        .expect("python3 runs (scripts/setup installs python3-cryptography)");
    assert!(
        out.status.success(),
        "the reader failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let db: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(db["version"], 1);
    assert_eq!(db["tock"]["version"], 1);
    assert!(db["tock"]["created_at"].as_u64().unwrap() > 1_700_000_000);
    let entries = db["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 2);
    let (github, bank) = (&entries[0], &entries[1]);
    assert_eq!(
        (github["issuer"].as_str(), github["name"].as_str()),
        (Some("GitHub"), Some("alice"))
    );
    assert_eq!(github["secret"], RFC_SEED);
    assert_eq!(bank["secret"], BANK_SEED);
    assert_eq!(
        (
            bank["algo"].as_str(),
            bank["digits"].as_u64(),
            bank["period"].as_u64()
        ),
        (Some("SHA256"), Some(8), Some(60))
    );
    for (entry, account) in [(github, "GitHub"), (bank, "Bank")] {
        assert_eq!(entry["type"], "totp");
        assert_eq!(
            entry["code"].as_str().unwrap(),
            code(f.vault(), account),
            "{account}"
        );
    }
    // Tock's extras ride in keys Aegis ignores.
    let extras = &github["tock"];
    assert_eq!(extras["sign_in"], "google");
    let codes = extras["backup_codes"]["codes"].as_array().unwrap();
    let listed: Vec<(&str, bool)> = codes
        .iter()
        .map(|c| (c["code"].as_str().unwrap(), c["used_at"].is_u64()))
        .collect();
    assert_eq!(
        listed,
        [
            ("1111-2222", true),
            ("3333-4444", false),
            ("5555-6666", false)
        ]
    );
    assert_eq!(github["note"], "work laptop");
    assert!(bank["tock"]["backup_codes"].is_null());
}
