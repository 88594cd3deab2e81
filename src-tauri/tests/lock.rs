//! The app lock and the file vault, black-box, against a real Secret Service (run through scripts/test or
//! scripts/with-keyring; without one they fail and say so). The keychain is read by `secret-tool` (libsecret,
//! not Tock's code); the data folder byte by byte.
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

mod common;
use common::{require_secret_service, BIN};

/// Accounts: (otpauth URI, the secret's bytes as text). RFC 4226/6238's secret, and two others.
const ACCOUNTS: [(&str, &[u8]); 3] = [
    (
        "otpauth://totp/GitHub:alice?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitHub",
        b"12345678901234567890",
    ),
    (
        "otpauth://totp/Bank:bob?secret=JBSWY3DPEHPK3PXP&issuer=Bank",
        b"Hello!\xde\xad\xbe\xef",
    ),
    (
        "otpauth://hotp/Mail:carol?secret=MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U&issuer=Mail&counter=3",
        b"abcdefghijklmnopqrst",
    ),
];

/// The base32 of each secret (as the URIs carry them).
const BASE32: [&str; 3] = [
    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
    "JBSWY3DPEHPK3PXP",
    "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U",
];

const BACKUP_CODES: [&str; 3] = ["48211-93746", "10593-27784", "66402-11839"];

fn tock_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("TOCK_DATA_DIR")
        .env_remove("TOCK_PASSWORD_FILE")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("tock runs")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let out = tock_env(dir, args, &[]);
    assert!(
        out.status.success(),
        "tock {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A command that must fail with one `error:` line; returns it.
fn fails(dir: &Path, args: &[&str]) -> String {
    let out = tock_env(dir, args, &[]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success(), "tock {args:?} should fail");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    stderr
}

fn password_file(dir: &Path, name: &str, password: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("{password}\n")).unwrap();
    path
}

/// A vault with the three accounts, backup codes on the first; returns (data dir, scratch dir).
fn vault() -> (tempfile::TempDir, tempfile::TempDir) {
    require_secret_service();
    let (dir, scratch) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    for (uri, _) in ACCOUNTS {
        ok(dir.path(), &["add", uri]);
    }
    let codes = scratch.path().join("codes.txt");
    std::fs::write(&codes, BACKUP_CODES.join("\n")).unwrap();
    ok(
        dir.path(),
        &["backup-codes", "add", "GitHub", codes.to_str().unwrap()],
    );
    (dir, scratch)
}

/// The codes of the TOTP accounts at a fixed time (HOTP would advance).
fn codes(dir: &Path, password: Option<&Path>) -> Vec<String> {
    ["GitHub", "Bank"]
        .iter()
        .map(|name| {
            let mut args = vec![];
            if let Some(p) = password {
                args.extend(["--password-file", p.to_str().unwrap()]);
            }
            args.extend(["code", name, "--at", "1111111109"]);
            ok(dir, &args).trim().to_owned()
        })
        .collect()
}

fn vault_id(dir: &Path) -> String {
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("vault.json")).unwrap()).unwrap();
    doc["vault_id"].as_str().unwrap().to_owned()
}

/// Every item of Tock's three services for this vault, as `secret-tool search --all` prints them.
fn keychain_dump(dir: &Path) -> String {
    let vault = vault_id(dir);
    let mut all = String::new();
    for service in ["tock", "tock-backup-codes", "tock-extra"] {
        // secret-tool prints attributes on standard error: one pipe for both keeps each item whole.
        let out = Command::new("sh")
            .args([
                "-c",
                "secret-tool search --all --unlock service \"$1\" 2>&1",
                "sh",
                service,
            ])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        // Keep only this vault's items (other tests share the keyring).
        for item in text.split("\n[").filter(|item| item.contains(&vault)) {
            all.push_str(item);
            all.push('\n');
        }
    }
    all
}

fn items_of_vault(dir: &Path) -> usize {
    keychain_dump(dir).matches("attribute.username").count()
}

/// Every file under `dir`, as bytes.
fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            found.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

/// Fails if `haystack` holds any secret (raw, base32 in any case, hex) or backup code.
fn assert_no_secret(haystack: &[u8], where_: &str) {
    let text = String::from_utf8_lossy(haystack).to_lowercase();
    let contains = |needle: &[u8]| haystack.windows(needle.len()).any(|w| w == needle);
    for ((_, raw), b32) in ACCOUNTS.iter().zip(BASE32) {
        assert!(!contains(raw), "{where_} holds a raw secret");
        assert!(
            !text.contains(&b32.to_lowercase()),
            "{where_} holds a base32 secret"
        );
        let hex: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        assert!(!text.contains(&hex), "{where_} holds a hex secret");
    }
    for code in BACKUP_CODES {
        assert!(!text.contains(code), "{where_} holds a backup code");
        assert!(
            !text.contains(&code.replace('-', "")),
            "{where_} holds a backup code"
        );
    }
}

#[test]
fn with_the_lock_on_neither_the_keychain_nor_the_data_folder_holds_a_secret() {
    let (dir, scratch) = vault();
    let before = codes(dir.path(), None);
    // Without the lock the keychain holds the secrets readable: the check below is not vacuous.
    let plain = keychain_dump(dir.path());
    assert!(plain.contains("12345678901234567890"), "{plain}");

    let pw = password_file(scratch.path(), "pw", "correct horse battery");
    ok(
        dir.path(),
        &["lock", "on", "--new-password-file", pw.to_str().unwrap()],
    );
    let sealed = keychain_dump(dir.path());
    assert_eq!(
        items_of_vault(dir.path()),
        4,
        "3 secrets and 1 set of backup codes: {sealed}"
    );
    assert_no_secret(sealed.as_bytes(), "the keychain");
    for (path, bytes) in files_under(dir.path()) {
        assert_no_secret(&bytes, &path.display().to_string());
    }

    // Locked: no code, no list, no backup code without the password.
    for args in [
        &["list"][..],
        &["list", "--codes"],
        &["code", "GitHub"],
        &["backup-codes", "list", "GitHub"],
    ] {
        let e = fails(dir.path(), args);
        assert!(e.starts_with("error: Tock is locked: "), "{e}");
    }
    let wrong = password_file(scratch.path(), "wrong", "correct horse battery staple");
    let e = fails(
        dir.path(),
        &["--password-file", wrong.to_str().unwrap(), "list"],
    );
    assert!(e.contains("wrong password; try again in 1 second"), "{e}");
    std::thread::sleep(Duration::from_millis(1100));
    let e = fails(
        dir.path(),
        &["--password-file", wrong.to_str().unwrap(), "list"],
    );
    assert!(e.contains("try again in 2 seconds"), "{e}");
    // Straight after, even the right password waits (remembered across processes; Argon2id is not run).
    let e = fails(
        dir.path(),
        &["--password-file", pw.to_str().unwrap(), "list"],
    );
    assert!(
        e.contains("wait 1 second") || e.contains("wait 2 seconds"),
        "{e}"
    );
    std::thread::sleep(Duration::from_millis(2100));
    assert_eq!(codes(dir.path(), Some(&pw)), before);
    // TOCK_PASSWORD_FILE works as the option does.
    let out = tock_env(
        dir.path(),
        &["backup-codes", "list", "GitHub"],
        &[("TOCK_PASSWORD_FILE", pw.to_str().unwrap())],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(BACKUP_CODES[1]));
    assert!(ok(dir.path(), &["lock", "status"]).contains("lock on"));
}

#[test]
fn lock_off_password_change_and_moves_between_keychain_and_file_lose_nothing() {
    let (dir, scratch) = vault();
    let before = codes(dir.path(), None);
    let pw = password_file(scratch.path(), "pw", "first");
    let new = password_file(scratch.path(), "new", "second");
    ok(
        dir.path(),
        &["lock", "on", "--new-password-file", pw.to_str().unwrap()],
    );
    ok(
        dir.path(),
        &[
            "--password-file",
            pw.to_str().unwrap(),
            "lock",
            "change",
            "--new-password-file",
            new.to_str().unwrap(),
        ],
    );
    ok(
        dir.path(),
        &["--password-file", new.to_str().unwrap(), "storage", "file"],
    );
    assert_eq!(items_of_vault(dir.path()), 0, "the keychain items are gone");
    let secrets_file = files_under(dir.path())
        .into_iter()
        .find(|(p, _)| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("secrets-")
        })
        .expect("a secrets file");
    assert_no_secret(&secrets_file.1, "the secrets file");
    assert_eq!(codes(dir.path(), Some(&new)), before);
    let e = fails(
        dir.path(),
        &["--password-file", new.to_str().unwrap(), "lock", "off"],
    );
    assert!(e.contains("always has the lock on"), "{e}");
    ok(
        dir.path(),
        &[
            "--password-file",
            new.to_str().unwrap(),
            "storage",
            "keychain",
        ],
    );
    assert!(
        !secrets_file.0.exists(),
        "the file is gone after moving back"
    );
    ok(
        dir.path(),
        &["--password-file", new.to_str().unwrap(), "lock", "off"],
    );
    assert_eq!(codes(dir.path(), None), before);
    let listed = ok(dir.path(), &["backup-codes", "list", "GitHub"]);
    assert!(listed.contains(BACKUP_CODES[2]), "{listed}");
    assert_eq!(
        items_of_vault(dir.path()),
        4,
        "one generation of items only"
    );
}

/// A small deterministic generator (the seed is printed, so a failure can be replayed).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

#[test]
fn killed_at_random_points_of_a_move_the_vault_opens_and_loses_no_account() {
    let (dir, scratch) = vault();
    for n in 0..12 {
        ok(
            dir.path(),
            &[
                "add",
                &format!(
                    "otpauth://totp/Site{n}:x?secret=JBSWY3DPEHPK3PX{}&issuer=Site{n}",
                    ["A", "B", "C", "D"][n % 4]
                ),
            ],
        );
    }
    let pw = password_file(scratch.path(), "pw", "pw");
    // Every account with its secret and parameters, as an otpauth list (the password is ignored while the
    // lock is off).
    let everything = || {
        let out = scratch.path().join("all.txt");
        let _ = std::fs::remove_file(&out);
        ok(
            dir.path(),
            &[
                "--password-file",
                pw.to_str().unwrap(),
                "export",
                "--format",
                "otpauth",
                "--out",
                out.to_str().unwrap(),
                "--yes",
            ],
        );
        std::fs::read_to_string(&out).unwrap()
    };
    let expected = everything();
    assert_eq!(expected.lines().count(), 15);
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64;
    eprintln!("seed {seed}");
    let mut rng = Lcg(seed);
    let mut interrupted = 0;
    for round in 0..16 {
        let status = ok(
            dir.path(),
            &["--password-file", pw.to_str().unwrap(), "lock", "status"],
        );
        let (on, file) = (
            status.contains("lock on"),
            status.contains("encrypted file"),
        );
        let args: Vec<&str> = match (on, file, round % 2) {
            (false, _, _) => vec!["lock", "on", "--new-password-file", pw.to_str().unwrap()],
            (true, true, _) => vec![
                "--password-file",
                pw.to_str().unwrap(),
                "storage",
                "keychain",
            ],
            (true, false, 0) => vec!["--password-file", pw.to_str().unwrap(), "storage", "file"],
            (true, false, _) => vec!["--password-file", pw.to_str().unwrap(), "lock", "off"],
        };
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(dir.path())
            .args(&args)
            .env_remove("TOCK_PASSWORD_FILE")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(rng.next(600)));
        if child.try_wait().unwrap().is_none() {
            interrupted += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        // Whatever the state, the vault opens with the password and every code is there.
        assert_eq!(
            everything(),
            expected,
            "round {round} ({args:?}), seed {seed}"
        );
        // And once it is opened, no plain item outlives the tidy-up while the lock is on.
        let status = ok(dir.path(), &["lock", "status"]);
        if status.contains("lock on") {
            assert_no_secret(
                keychain_dump(dir.path()).as_bytes(),
                "the keychain after a kill",
            );
        }
    }
    eprintln!("{interrupted} of 16 moves were killed before they finished");
    assert!(
        interrupted > 0,
        "no move was interrupted: the test proved nothing (seed {seed})"
    );
}

#[test]
fn without_a_session_bus_the_message_is_clear_and_the_file_vault_works() {
    let dir = tempfile::tempdir().unwrap();
    let scratch = tempfile::tempdir().unwrap();
    let no_bus = [(
        "DBUS_SESSION_BUS_ADDRESS",
        "unix:path=/nonexistent/tock-test-bus",
    )];
    let out = tock_env(dir.path(), &["add", ACCOUNTS[0].0], &no_bus);
    let e = String::from_utf8(out.stderr).unwrap();
    assert!(!out.status.success());
    assert!(e.starts_with("error: the OS keychain"), "{e}");
    assert!(
        !dir.path().join("vault.json").exists()
            || !std::fs::read_to_string(dir.path().join("vault.json"))
                .unwrap()
                .contains("GitHub"),
        "no half-written account"
    );

    let pw = password_file(scratch.path(), "pw", "file vault");
    let pw = pw.to_str().unwrap();
    let run = |args: &[&str]| {
        let out = tock_env(dir.path(), args, &no_bus);
        assert!(
            out.status.success(),
            "tock {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run(&["storage", "file", "--new-password-file", pw]).contains("encrypted file"));
    for (uri, _) in ACCOUNTS {
        run(&["--password-file", pw, "add", uri]);
    }
    let code = run(&["--password-file", pw, "code", "GitHub", "--at", "59"]);
    assert_eq!(
        code.trim(),
        "287082",
        "RFC 6238's SHA-1 vector (6 digits) at T=59"
    );
    let out = tock_env(dir.path(), &["code", "GitHub"], &no_bus);
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: Tock is locked: "));
    for (path, bytes) in files_under(dir.path()) {
        assert_no_secret(&bytes, &path.display().to_string());
    }
}
