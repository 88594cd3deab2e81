//! What the black-box tests of the `tock` binary share: running it on a vault, and the Secret Service check.
#![allow(dead_code)] // each test file uses what it needs
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_tock");

/// Runs `tock --data-dir DIR ARGS…`.
pub fn tock(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("TOCK_DATA_DIR")
        .output()
        .expect("tock runs")
}

/// Runs `tock --data-dir DIR ARGS…` with `input` on its standard input (closed after it; `None`: empty).
pub fn tock_with_input(dir: &Path, args: &[&str], input: Option<&str>) -> Output {
    let mut child = Command::new(BIN)
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("TOCK_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tock runs");
    let mut stdin = child.stdin.take().unwrap();
    if let Some(text) = input {
        stdin.write_all(text.as_bytes()).unwrap();
    }
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// Runs tock, which must succeed; returns its standard output without the final newline.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let out = tock(dir, args);
    assert!(
        out.status.success(),
        "tock {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// Fails (never skips) without a reachable, unlocked Secret Service.
pub fn require_secret_service() {
    let probe = Command::new("secret-tool")
        .args(["search", "--all", "service", "tock-probe"])
        .output();
    let reachable = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        && probe.map(|o| o.status.success()).unwrap_or(false);
    assert!(reachable, "these tests need a real, unlocked Secret Service: run them through scripts/test or scripts/with-keyring");
}
