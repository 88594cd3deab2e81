//! The clock check against time servers the tests run on 127.0.0.1 (tests/sntp.rs): one whose clock is a
//! chosen offset away, one that never answers, one that answers garbage, one that sends a Kiss-o'-Death.
//! First the CLI (`tock time check`, `tock time correct`, `tock code` at the corrected time), then the
//! window's banner and correction.
use std::path::Path;
use std::process::{Command, Output};
use std::time::Instant;

use tock_e2e::sntp::{Answer, FakeSntp};
use tock_e2e::{cli, tock_binary, unix_now, App, RFC_SEED};

/// `tock ARGS` on `dir` asking `servers` (comma-separated) for the time.
fn tock(dir: &Path, servers: &str, args: &[&str]) -> Output {
    Command::new(tock_binary())
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("TOCK_TIME_SERVERS", servers)
        .output()
        .expect("tock runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).trim_end().to_owned()
}

/// The seconds of "offset +47.2 s (HOST:PORT)".
fn offset_of(line: &str) -> f64 {
    let number = line
        .strip_prefix("offset ")
        .and_then(|rest| rest.split(' ').next())
        .unwrap_or_else(|| panic!("not an offset line: {line:?}"));
    number.parse().unwrap()
}

#[test]
fn time_check_measures_records_and_refuses_bad_servers() {
    let dir = tempfile::tempdir().unwrap();
    // A server 47.2 s behind: this computer's clock is 47.2 s fast.
    let behind = FakeSntp::start(Answer::OffsetMs(-47_200));
    let out = tock(dir.path(), &behind.address(), &["time", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let line = text(&out.stdout);
    assert!(
        (offset_of(&line) - 47.2).abs() < 0.15,
        "the offset is measured: {line}"
    );
    assert!(line.ends_with(&format!("({})", behind.address())), "{line}");
    let recorded = std::fs::read_to_string(dir.path().join("clock.json")).unwrap();
    assert!(recorded.contains(&behind.address()), "recorded: {recorded}");

    // --server replaces the configured servers; --json for scripts. A server ahead gives a negative offset.
    let ahead = FakeSntp::start(Answer::OffsetMs(3_000));
    let out = tock(
        dir.path(),
        "127.0.0.1:9",
        &["time", "check", "--server", &ahead.address(), "--json"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(&text(&out.stdout)).unwrap();
    let offset = json["offsetMs"].as_i64().unwrap();
    assert!((offset + 3_000).abs() < 150, "{json}");
    assert_eq!(json["server"], ahead.address());

    // Servers that never answer, answer garbage or send a Kiss-o'-Death: one error line, within 5 s.
    let silent = FakeSntp::start(Answer::Silent);
    let garbage = FakeSntp::start(Answer::Garbage);
    let kiss = FakeSntp::start(Answer::KissOfDeath);
    for (servers, expected) in [
        (silent.address(), "no time server answered"),
        (garbage.address(), "no time server gave a usable answer"),
        (kiss.address(), "no time server gave a usable answer"),
    ] {
        let started = Instant::now();
        let out = tock(dir.path(), &servers, &["time", "check"]);
        let elapsed = started.elapsed();
        assert!(!out.status.success(), "{servers}");
        let err = text(&out.stderr);
        assert!(
            err.starts_with("error: could not check the clock: ") && err.contains(expected),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(elapsed.as_secs_f64() < 5.0, "took {elapsed:?}");
    }

    // One good answer among silent and refusing servers is enough; two that disagree are not trusted.
    let servers = format!(
        "{},{},{}",
        silent.address(),
        kiss.address(),
        behind.address()
    );
    let out = tock(dir.path(), &servers, &["time", "check"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!((offset_of(&text(&out.stdout)) - 47.2).abs() < 0.15);
    let servers = format!("{},{}", behind.address(), ahead.address());
    let out = tock(dir.path(), &servers, &["time", "check"]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("the time servers disagree by 50."),
        "{}",
        text(&out.stderr)
    );
    // The failed checks left the last good record in place.
    let recorded = std::fs::read_to_string(dir.path().join("clock.json")).unwrap();
    assert!(recorded.contains(&behind.address()), "{recorded}");
}

#[test]
fn codes_are_computed_at_the_corrected_time_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    cli(
        dir.path(),
        &[
            "add",
            &format!("otpauth://totp/GitHub:alice?secret={RFC_SEED}&issuer=GitHub"),
        ],
    );
    // This computer's clock is an hour fast: uncorrected codes are an hour ahead.
    let server = FakeSntp::start(Answer::OffsetMs(-3_600_000));
    let out = tock(dir.path(), &server.address(), &["time", "correct", "on"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "clock correction on (no offset recorded yet: the next code measures it)"
    );

    // Compare with the code at the corrected time, asked for explicitly (again if a period ended between).
    let mut matched = false;
    for _ in 0..3 {
        let out = tock(dir.path(), &server.address(), &["code", "github"]);
        assert!(out.status.success(), "{}", text(&out.stderr));
        assert_eq!(text(&out.stderr), "clock corrected by -3600.0 s");
        let at = (unix_now() - 3_600).to_string();
        let expected = cli(dir.path(), &["code", "github", "--at", &at]);
        if text(&out.stdout) == expected {
            matched = true;
            break;
        }
    }
    assert!(matched, "the code is the one at the corrected time");

    // An offset measured over an hour ago is measured again first.
    let stale = serde_json::json!({
        "offsetMs": 0, "server": "old:123", "measuredAt": unix_now() - 7_200,
    });
    std::fs::write(dir.path().join("clock.json"), stale.to_string()).unwrap();
    let out = tock(dir.path(), &server.address(), &["code", "github"]);
    assert_eq!(text(&out.stderr), "clock corrected by -3600.0 s");
    // Offline, with only the stale record: it is used, and stderr says why.
    std::fs::write(dir.path().join("clock.json"), stale.to_string()).unwrap();
    let silent = FakeSntp::start(Answer::Silent);
    let out = tock(dir.path(), &silent.address(), &["code", "github"]);
    assert!(out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("no time server answered; using the offset measured before"),
        "{err}"
    );
    assert!(err.ends_with("clock corrected by +0.0 s"), "{err}");

    // Off again: no correction, nothing on stderr.
    let out = tock(dir.path(), &server.address(), &["time", "correct", "off"]);
    assert_eq!(text(&out.stdout), "clock correction off");
    let out = tock(dir.path(), &server.address(), &["code", "github"]);
    assert_eq!(text(&out.stderr), "");
}

#[tokio::test(flavor = "multi_thread")]
async fn the_window_warns_about_a_fast_clock_corrects_codes_and_troubleshoots() {
    // This computer's clock is 47 s fast, by the time server's account.
    let server = FakeSntp::start(Answer::OffsetMs(-47_000));
    let app = App::start_with_env(&[("TOCK_TIME_SERVERS", &server.address())], |dir| {
        let github = format!("otpauth://totp/GitHub:alice?secret={RFC_SEED}&issuer=GitHub");
        cli(dir, &["add", &github]);
        // The same site scanned again with a new key (re-enrolled): the troubleshooter names it.
        cli(
            dir,
            &[
                "add",
                "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub",
            ],
        );
    })
    .await;
    let listed: serde_json::Value =
        serde_json::from_str(&cli(app.data_dir.path(), &["list", "--json"])).unwrap();
    let first = listed[0]["id"].as_str().unwrap().to_owned();
    let second = listed[1]["id"].as_str().unwrap().to_owned();
    let banner = app.find("clock-banner").await;
    app.eventually("the banner says how far off the clock is", || async {
        app.text(&banner).await.contains("Your clock is 47 s fast")
    })
    .await;
    app.click("clock-correct").await;
    app.find("clock-badge").await;

    // The code on screen is the one at the corrected time.
    let code_of = |at: u64| {
        cli(
            app.data_dir.path(),
            &["code", &first, "--at", &at.to_string()],
        )
    };
    let digits = |t: String| -> String { t.chars().filter(char::is_ascii_digit).collect() };
    app.eventually("the row shows the corrected code", || async {
        let shown = digits(
            app.text(&app.find_css("[data-testid='account-code']").await)
                .await,
        );
        shown == code_of(unix_now() - 47)
    })
    .await;

    // "Code not accepted?" on the first entry: the previous, current and next codes at the corrected time,
    // and the other GitHub entry with when it was added.
    app.click("account-menu").await;
    app.click("row-menu-troubleshoot").await;
    app.find("troubleshoot-dialog").await;
    let mut right = false;
    for _ in 0..3 {
        let t = unix_now() - 47;
        let shown = (
            digits(
                app.text(
                    &app.find_css("[data-testid='troubleshoot-code-prev'] .code")
                        .await,
                )
                .await,
            ),
            digits(
                app.text(
                    &app.find_css("[data-testid='troubleshoot-code-current'] .code")
                        .await,
                )
                .await,
            ),
            digits(
                app.text(
                    &app.find_css("[data-testid='troubleshoot-code-next'] .code")
                        .await,
                )
                .await,
            ),
        );
        if shown == (code_of(t - 30), code_of(t), code_of(t + 30)) {
            right = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
    assert!(
        right,
        "the previous, current and next codes are those of the corrected time"
    );
    let other = app.text_of(&format!("troubleshoot-other-{second}")).await;
    assert!(
        other.contains("GitHub") && other.to_lowercase().contains("added"),
        "{other}"
    );
    app.click("troubleshoot-close").await;

    // How you sign in, asked while adding an account, shows on its row.
    app.click("add-button").await;
    app.click("add-mode-uri").await;
    app.find("add-uri-input")
        .await
        .send_keys("otpauth://totp/Forum:alice?secret=MFRGGZDFMZTWQ2LK&issuer=Forum")
        .await
        .unwrap();
    app.find_css("[data-testid='add-sign-in'] option[value='google']")
        .await
        .click()
        .await
        .unwrap();
    app.click("add-submit").await;
    app.click("backup-walkthrough-skip").await;
    app.eventually("the new row says how you sign in", || async {
        let mut found = false;
        for label in app.all("row-sign-in").await {
            found |= app.text(&label).await.contains("Google");
        }
        found
    })
    .await;
    let listed: serde_json::Value =
        serde_json::from_str(&cli(app.data_dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed[2]["sign_in"], "google");
    app.close().await;
}
