//! Black-box tests of `tock scan` on real QR images (fixtures of tock-core, see their PROVENANCE.md), the
//! X11 screen (under Xvfb) and the real Secret Service for `--add`. Run through scripts/test.
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_tock");

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures")
        .join(path)
}

fn tock(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .output()
        .expect("tock runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

const DIM13: &str = "google-migration/dim13/example.png";
const DIM13_TEXT: &str =
    "otpauth://totp/Example:alice@google.com?issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP";

#[test]
fn prints_authenticator_codes_and_mentions_others_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let out = tock(
        dir.path(),
        &[
            "scan",
            fixture(DIM13).to_str().unwrap(),
            fixture("google-migration/scito/qr_but_without_otp.png")
                .to_str()
                .unwrap(),
        ],
    );
    assert_eq!(stdout(&out), format!("{DIM13_TEXT}\n"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not an authenticator code") && stderr.contains("qr_but_without_otp.png"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("vault.json").exists(),
        "scanning without --add writes nothing"
    );
}

#[test]
fn json_lists_every_code_with_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let other = fixture("google-migration/scito/qr_but_without_otp.png");
    let export = fixture("google-migration/scito/example_export.png");
    let out = tock(
        dir.path(),
        &[
            "scan",
            "--json",
            other.to_str().unwrap(),
            export.to_str().unwrap(),
        ],
    );
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2, "{listed}");
    assert_eq!(listed[0]["authenticator"], false);
    assert_eq!(listed[0]["file"], other.to_str().unwrap());
    assert_eq!(listed[1]["authenticator"], true);
    let text = listed[1]["text"].as_str().unwrap();
    let batch = tock_core::migration::parse_migration_uri(text)
        .expect("the exact text is a valid transfer code");
    let issuers: Vec<&str> = batch.entries.iter().map(|e| e.issuer.as_str()).collect();
    assert_eq!(
        issuers,
        ["Test1", "Test2", "Test3"],
        "scito's example export PNG holds three accounts"
    );
}

#[test]
fn unreadable_files_and_empty_results_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let fake = fixture("google-migration/scito/text_masquerading_as_image.jpeg");
    let out = tock(dir.path(), &["scan", fake.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: ")
            && stderr.contains("text_masquerading_as_image.jpeg")
            && stderr.contains("not an image"),
        "{stderr}"
    );

    let out = tock(dir.path(), &["scan", "/nonexistent/shot.png"]);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("/nonexistent/shot.png could not be read")
    );

    let out = tock(
        dir.path(),
        &[
            "scan",
            fixture("google-migration/scito/qr_but_without_otp.png")
                .to_str()
                .unwrap(),
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: no authenticator QR code found"));
}

#[test]
fn add_expands_transfer_codes_and_skips_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let export = fixture("google-migration/scito/example_export.png");
    let first = stdout(&tock(
        dir.path(),
        &["scan", "--add", export.to_str().unwrap()],
    ));
    let listed: serde_json::Value =
        serde_json::from_str(&stdout(&tock(dir.path(), &["list", "--json"]))).unwrap();
    let accounts = listed.as_array().unwrap();
    assert_eq!(
        first.lines().count(),
        accounts.len(),
        "one line per added account: {first}"
    );
    assert!(
        accounts.len() >= 2,
        "the export holds several accounts: {listed}"
    );

    let again = tock(dir.path(), &["scan", "--add", export.to_str().unwrap()]);
    assert_eq!(stdout(&again), "", "nothing is added twice");
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in the vault"));
    let relisted: serde_json::Value =
        serde_json::from_str(&stdout(&tock(dir.path(), &["list", "--json"]))).unwrap();
    assert_eq!(relisted.as_array().unwrap().len(), accounts.len());
}

#[test]
fn screen_scan_reads_a_code_shown_on_the_x_display() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "needs an X display: run through scripts/test (Xvfb)"
    );
    let dir = tempfile::tempdir().unwrap();
    // Show the QR image in a window on the virtual screen, then scan the whole screen.
    let mut viewer = Command::new("display")
        .args(["-geometry", "+300+200"])
        .arg(fixture(DIM13))
        .spawn()
        .expect("ImageMagick's display");
    let mut result = String::new();
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(200));
        let out = tock(dir.path(), &["scan", "--screen"]);
        if out.status.success() {
            result = String::from_utf8(out.stdout).unwrap();
            break;
        }
    }
    let _ = viewer.kill();
    let _ = viewer.wait();
    assert_eq!(result, format!("{DIM13_TEXT}\n"));
}
