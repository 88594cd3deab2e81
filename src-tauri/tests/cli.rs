//! Black-box tests of the `tock` CLI against a real Secret Service.
//!
//! Run them through `scripts/test` (or `scripts/with-keyring cargo test -p tock --test cli`), which starts a
//! private D-Bus session with an unlocked gnome-keyring. Without one they fail, saying so: they never skip.
use std::path::Path;
use std::process::Command;

mod common;
use common::{ok, require_secret_service, tock, BIN};

/// RFC 6238 Appendix B's SHA1 seed, "12345678901234567890".
const RFC_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

fn err(dir: &Path, args: &[&str]) -> String {
    let out = tock(dir, args);
    assert!(
        !out.status.success(),
        "tock {args:?} should fail but printed {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: "),
        "stderr must start with `error:`: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

fn vault_id(dir: &Path) -> String {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vault.json")).unwrap()).unwrap();
    doc["vault_id"].as_str().unwrap().to_owned()
}

fn keychain_has(dir: &Path, id: &str) -> bool {
    let user = format!("{}/{id}", vault_id(dir));
    let out = Command::new("secret-tool")
        .args(["lookup", "service", "tock", "username", &user])
        .output()
        .unwrap();
    out.status.success() && !out.stdout.is_empty()
}

#[test]
fn add_list_code_remove_round_trip() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let uri = format!(
        "otpauth://totp/ACME%20Co:alice@example.com?secret={RFC_SEED}&issuer=ACME%20Co&digits=8"
    );
    let id = ok(dir.path(), &["add", &uri]);
    assert_eq!(id.len(), 16, "prints the new id: {id}");
    assert!(
        keychain_has(dir.path(), &id),
        "the secret is in the keychain"
    );

    let listed: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["list", "--json"])).unwrap();
    let expected = serde_json::json!({"id": id, "issuer": "ACME Co", "name": "alice@example.com", "kind": "totp",
        "algorithm": "SHA1", "digits": 8, "period": 30, "counter": null});
    for (key, value) in expected.as_object().unwrap() {
        assert_eq!(&listed[0][key], value, "key {key}");
    }
    let text =
        std::fs::read_to_string(dir.path().join("vault.json")).unwrap() + &listed.to_string();
    assert!(
        !text.contains(RFC_SEED) && !text.contains("12345678901234567890"),
        "no secret on disk or in list"
    );

    // RFC 6238 Appendix B, SHA1: T=59 -> 94287082, T=1111111109 -> 07081804.
    assert_eq!(ok(dir.path(), &["code", "acme", "--at", "59"]), "94287082");
    assert_eq!(
        ok(dir.path(), &["code", &id, "--at", "1111111109"]),
        "07081804"
    );

    ok(dir.path(), &["remove", &id]);
    assert!(!keychain_has(dir.path(), &id), "the keychain item is gone");
    assert_eq!(ok(dir.path(), &["list", "--json"]), "[]");
}

#[test]
fn manual_add_with_flags_and_hotp_counter_advances() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    // --data-dir is accepted after the subcommand as well.
    let out = Command::new(BIN)
        .args([
            "add",
            "--issuer",
            "Bank",
            "--name",
            "bob",
            "--secret",
            "gezd gnbv gy3t qojq gezd gnbv gy3t qojq",
            "--hotp",
            "--counter",
            "0",
        ])
        .arg("--data-dir")
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // RFC 4226 Appendix D: counters 0, 1, 2.
    assert_eq!(ok(dir.path(), &["code", "bank"]), "755224");
    assert_eq!(ok(dir.path(), &["code", "bank"]), "287082");
    assert_eq!(ok(dir.path(), &["code", "bob"]), "359152");
    let listed: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(
        (
            listed[0]["kind"].as_str(),
            listed[0]["counter"].as_u64(),
            listed[0]["period"].is_null()
        ),
        (Some("hotp"), Some(3), true)
    );

    ok(
        dir.path(),
        &[
            "add",
            "--issuer",
            "Work",
            "--name",
            "bob",
            "--secret",
            RFC_SEED,
            "--algorithm",
            "sha256",
            "--digits",
            "8",
            "--period",
            "60",
        ],
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(
        (
            listed[1]["algorithm"].as_str(),
            listed[1]["digits"].as_u64(),
            listed[1]["period"].as_u64()
        ),
        (Some("SHA256"), Some(8), Some(60))
    );

    ok(
        dir.path(),
        &[
            "add",
            "--issuer",
            "Steam",
            "--name",
            "gamer",
            "--secret",
            "JBSWY3DPEHPK3PXP",
            "--steam",
        ],
    );
    let code = ok(dir.path(), &["code", "steam", "--at", "1700000000"]);
    assert!(
        code.len() == 5
            && code
                .chars()
                .all(|c| "23456789BCDFGHJKMNPQRTVWXY".contains(c)),
        "steam code {code}"
    );
}

#[test]
fn ambiguous_and_unknown_searches_are_clear_errors() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        &["add", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"],
    );
    ok(
        dir.path(),
        &["add", "otpauth://totp/GitLab:alice?secret=JBSWY3DPEHPK3PXP"],
    );
    let e = err(dir.path(), &["code", "alice"]);
    assert!(
        e.contains("GitHub (alice)") && e.contains("GitLab (alice)"),
        "{e}"
    );
    let e = err(dir.path(), &["code", "nobody"]);
    assert!(e.contains("no account matches"), "{e}");
    assert_eq!(ok(dir.path(), &["code", "gitlab", "--at", "0"]).len(), 6);
}

#[test]
fn bad_input_is_refused_and_writes_nothing() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    for (uri, needle) in [
        ("otpauth://totp/X?secret=JBSWY3DPEHPK3PX1", "base32"),
        ("otpauth://totp/X?issuer=X", "secret"),
        (
            "otpauth://totp/X?secret=JBSWY3DPEHPK3PXP&algorithm=MD5",
            "algorithm",
        ),
        (
            "otpauth://totp/X?secret=JBSWY3DPEHPK3PXP&digits=12",
            "digits",
        ),
        (
            "otpauth://totp/X?secret=JBSWY3DPEHPK3PXP&period=0",
            "period",
        ),
        ("https://example.com/?secret=JBSWY3DPEHPK3PXP", "otpauth"),
        ("otpauth://hotp/X?secret=JBSWY3DPEHPK3PXP", "counter"),
    ] {
        let e = err(dir.path(), &["add", uri]);
        assert!(e.to_lowercase().contains(needle), "{uri}: {e}");
    }
    let e = err(
        dir.path(),
        &[
            "add",
            "--issuer",
            "X",
            "--secret",
            "JBSWY3DPEHPK3PXP",
            "--digits",
            "9",
        ],
    );
    assert!(e.contains("digits"), "{e}");
    assert!(
        !dir.path().join("vault.json").exists(),
        "nothing was written"
    );
}

#[test]
fn missing_keychain_item_and_corrupt_file_are_named() {
    require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let id = ok(
        dir.path(),
        &["add", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"],
    );
    let user = format!("{}/{id}", vault_id(dir.path()));
    assert!(Command::new("secret-tool")
        .args(["clear", "service", "tock", "username", &user])
        .status()
        .unwrap()
        .success());
    let e = err(dir.path(), &["code", &id]);
    assert!(
        e.contains("GitHub (alice)") && e.contains("missing from the keychain"),
        "{e}"
    );

    std::fs::write(
        dir.path().join("vault.json"),
        "{\"version\": 1, \"accounts\": [tru",
    )
    .unwrap();
    let e = err(dir.path(), &["list"]);
    assert!(e.contains("damaged"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("vault.json")).unwrap(),
        "{\"version\": 1, \"accounts\": [tru",
        "left untouched"
    );
}

#[test]
fn vaults_in_different_data_dirs_never_collide() {
    require_secret_service();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    ok(
        a.path(),
        &[
            "add",
            "otpauth://totp/Same:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        ],
    );
    ok(
        b.path(),
        &["add", "otpauth://totp/Same:alice?secret=JBSWY3DPEHPK3PXP"],
    );
    assert_ne!(vault_id(a.path()), vault_id(b.path()));
    assert_eq!(ok(a.path(), &["code", "same", "--at", "59"]), "287082");
    assert_ne!(ok(b.path(), &["code", "same", "--at", "59"]), "287082");
}

#[test]
fn unreachable_keychain_is_a_clear_error_and_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir.path())
        .args(["add", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"])
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/tock-test-bus",
        )
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.starts_with("error: the OS keychain"), "{stderr}");
    assert!(
        !dir.path().join("vault.json").exists(),
        "no account without its secret"
    );
}

#[test]
fn list_codes_reads_every_secret_of_this_vault_only() {
    require_secret_service();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (issuer, secret) in [
        ("One", RFC_SEED),
        ("Two", "JBSWY3DPEHPK3PXP"),
        ("Three", "HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ"),
    ] {
        ok(
            a.path(),
            &[
                "add",
                &format!("otpauth://totp/{issuer}:alice?secret={secret}"),
            ],
        );
    }
    ok(
        b.path(),
        &[
            "add",
            "otpauth://totp/Elsewhere:bob?secret=KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TFOQ",
        ],
    );
    // The bulk read and the per-item read must agree (retry once if a period boundary falls in between).
    let agree = || {
        let listed: serde_json::Value =
            serde_json::from_str(&ok(a.path(), &["list", "--codes", "--json"])).unwrap();
        let rows = listed.as_array().unwrap();
        rows.len() == 3
            && rows.iter().all(|row| {
                row["code"].as_str()
                    == Some(ok(a.path(), &["code", row["id"].as_str().unwrap()]).as_str())
            })
    };
    assert!(
        agree() || agree(),
        "list --codes matches tock code for every account"
    );
    let other: serde_json::Value =
        serde_json::from_str(&ok(b.path(), &["list", "--codes", "--json"])).unwrap();
    assert_eq!(other.as_array().unwrap().len(), 1);
}

#[test]
fn sign_in_notes_are_set_shown_and_forgotten() {
    common::require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let id = ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        ],
    );
    assert_eq!(
        ok(dir.path(), &["note", "github"]),
        "method: not recorded\nnotes:"
    );
    assert_eq!(
        ok(
            dir.path(),
            &[
                "note",
                &id,
                "--method",
                "Google",
                "--text",
                "work laptop only"
            ]
        ),
        "method: google\nnotes: work laptop only"
    );
    // Setting one keeps the other; the list shows the method too.
    assert_eq!(
        ok(dir.path(), &["note", "github", "--text", ""]),
        "method: google\nnotes:"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed[0]["sign_in"], "google");
    assert_eq!(
        ok(dir.path(), &["note", "github", "--method", "none"]),
        "method: not recorded\nnotes:"
    );
    let out = tock(
        dir.path(),
        &["note", "github", "--method", "carrier-pigeon"],
    );
    assert!(!out.status.success());
    let e = String::from_utf8_lossy(&out.stderr);
    assert!(
        e.starts_with("error: invalid value 'carrier-pigeon'"),
        "{e}"
    );
}

#[test]
fn relink_removes_the_old_entry_only_after_the_new_one_is_confirmed() {
    common::require_secret_service();
    let dir = tempfile::tempdir().unwrap();
    let old = ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
        ],
    );
    let shown = ok(dir.path(), &["relink", &old, "start"]);
    assert!(
        shown.starts_with("re-linking GitHub (alice)\n[ ] sign in to the site"),
        "{shown}"
    );
    assert!(shown.ends_with("new account: not chosen"), "{shown}");
    ok(dir.path(), &["relink", &old, "done", "sign-in"]);
    ok(dir.path(), &["relink", &old, "done", "enter-code"]);
    // No new account yet: refused, and nothing is removed.
    let e = err(dir.path(), &["relink", &old, "finish"]);
    assert!(e.contains("only after the new one is chosen"), "{e}");
    // The site's new code, scanned as a second GitHub entry, is chosen as the replacement.
    let new = ok(
        dir.path(),
        &[
            "add",
            "otpauth://totp/GitHub:alice?secret=KRUGS4ZAON2WE2TFMN2CA53JOQ&issuer=GitHub",
        ],
    );
    let shown = ok(dir.path(), &["relink", &old, "new", &new]);
    assert!(
        shown.contains(&format!("new account: GitHub (alice) (id {new})")),
        "{shown}"
    );
    assert!(
        shown.contains("[x] sign in to the site\n[ ] turn two-factor"),
        "{shown}"
    );
    // The checklist is kept between commands, as in the window (moves.json).
    assert!(ok(dir.path(), &["relink", &old, "show"]).contains("[x] the site accepted"));
    let done = ok(dir.path(), &["relink", &old, "finish"]);
    assert!(
        done.starts_with("removed the old entry GitHub (alice)"),
        "{done}"
    );
    let listed: serde_json::Value =
        serde_json::from_str(&ok(dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["id"], new.as_str());
    assert!(!keychain_has(dir.path(), &old), "the old secret is gone");
}
