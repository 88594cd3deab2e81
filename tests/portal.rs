//! Screen capture through the xdg-desktop-portal Screenshot interface (Wayland), against a fake portal
//! (`tock_e2e::fake_portal`): `tock scan --screen` with WAYLAND_DISPLAY set and DISPLAY unset, on private
//! D-Bus daemons; and the window's Scan QR button with WAYLAND_DISPLAY set, on the app's session bus.
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use tock_e2e::fake_portal::{Answer, FakePortal, PrivateBus};
use tock_e2e::{cli, tock_binary, App};

const DIM13_TEXT: &str =
    "otpauth://totp/Example:alice@google.com?issuer=Example&period=30&secret=JBSWY3DPEHPK3PXP";

/// A 1920×1080 "screen" with a site's enrolment QR code (dim13's example, see the fixtures' PROVENANCE.md)
/// in the middle of a grey page.
fn screen_with_qr_code(dir: &Path) -> PathBuf {
    let qr = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures/google-migration/dim13/example.png");
    let screen = dir.join("screen.png");
    let status = Command::new("convert")
        .args(["-size", "1920x1080", "xc:#dddddd"])
        .arg(&qr)
        .args(["-geometry", "+860+420", "-composite"])
        .arg(&screen)
        .status()
        .expect("ImageMagick's convert (scripts/setup installs it)");
    assert!(status.success());
    screen
}

/// `tock scan --screen` without X11, on a Wayland session or (`wayland` false) on none, with `bus` as its
/// session bus; fails the test if it takes more than 30 s (e.g. a Response that was never heard).
fn scan_screen(bus: &str, wayland: bool) -> Output {
    let data = tempfile::tempdir().unwrap();
    let mut command = Command::new(tock_binary());
    if wayland {
        command.env("WAYLAND_DISPLAY", "wayland-tock-test");
    } else {
        command.env_remove("WAYLAND_DISPLAY");
    }
    let mut child = command
        .arg("--data-dir")
        .arg(data.path())
        .args(["scan", "--screen"])
        .env_remove("DISPLAY")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tock runs");
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!(
                "tock scan --screen did not end within 30 s: did it miss the portal's Response?"
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn scan_screen_on_wayland_reads_the_portal_screenshot_and_deletes_it() {
    let dir = tempfile::tempdir().unwrap();
    let bus = PrivateBus::start();
    let portal = FakePortal::serve(&bus.address, Answer::Image(screen_with_qr_code(dir.path())));

    let out = scan_screen(&bus.address, true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("{DIM13_TEXT}\n")
    );
    assert_eq!(
        stderr(&out),
        "",
        "nothing to report: the portal's file was deleted"
    );

    let calls = portal.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].interactive,
        Some(false),
        "no screenshot dialog is asked for"
    );
    let token = calls[0].handle_token.as_deref().expect("a handle_token");
    assert!(calls[0].request_path.ends_with(&format!("/{token}")));
    let file = calls[0].file.as_ref().unwrap();
    assert!(
        !file.exists(),
        "the portal's copy of the screen (it shows the secret) is deleted"
    );
}

#[test]
fn a_cancelled_screenshot_is_a_clear_error() {
    let bus = PrivateBus::start();
    let _portal = FakePortal::serve(&bus.address, Answer::Cancel);
    let out = scan_screen(&bus.address, true);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "error: the screenshot was cancelled, so nothing was scanned\n"
    );
}

#[test]
fn a_failed_screenshot_is_a_clear_error() {
    let bus = PrivateBus::start();
    let _portal = FakePortal::serve(&bus.address, Answer::Fail);
    let out = scan_screen(&bus.address, true);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.starts_with("error: the desktop did not take the screenshot")
            && err.lines().count() == 1,
        "{err}"
    );
    assert!(err.contains("scan that image file instead"), "{err}");
}

#[test]
fn a_missing_portal_or_bus_is_a_clear_error() {
    let bus = PrivateBus::start();
    let out = scan_screen(&bus.address, true);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.starts_with("error: the screenshot portal is not available (ServiceUnknown); install xdg-desktop-portal")
            && err.lines().count() == 1,
        "{err}"
    );

    let out = scan_screen("unix:path=/nonexistent/tock-test-bus", true);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.starts_with("error: there is no D-Bus session bus to reach the screenshot portal")
            && err.lines().count() == 1,
        "{err}"
    );

    // Neither Wayland nor X11 (e.g. over SSH), and no portal either.
    let out = scan_screen(&bus.address, false);
    assert!(!out.status.success());
    assert_eq!(
        stderr(&out),
        "error: there is no display to capture (neither WAYLAND_DISPLAY nor DISPLAY is set); save a \
         screenshot and scan that image file instead\n"
    );
}

#[test]
fn without_a_portal_xwayland_windows_are_still_captured() {
    assert!(
        std::env::var_os("DISPLAY").is_some(),
        "needs an X display: run through scripts/test (Xvfb)"
    );
    let bus = PrivateBus::start();
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(tock_binary())
        .arg("--data-dir")
        .arg(data.path())
        .args(["scan", "--screen", "--json"])
        .env("WAYLAND_DISPLAY", "wayland-tock-test")
        .env("DBUS_SESSION_BUS_ADDRESS", &bus.address)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "note: the screenshot portal is not available, so only the windows of X11 programs were \
         captured; install xdg-desktop-portal and your desktop's portal to capture the whole screen\n"
    );
}

/// The window's Scan QR button on a Wayland session: the screenshot comes from the portal (on the app's own
/// session bus, where scripts/with-keyring's Secret Service is too), the review shows the account, and it is
/// saved with the secret of the QR code.
#[tokio::test(flavor = "multi_thread")]
async fn the_scan_button_uses_the_portal_on_wayland() {
    let bus = std::env::var("DBUS_SESSION_BUS_ADDRESS")
        .expect("a session bus: run through scripts/with-keyring (scripts/test does)");
    let dir = tempfile::tempdir().unwrap();
    let portal = FakePortal::serve(&bus, Answer::Image(screen_with_qr_code(dir.path())));
    let app = App::start_on_wayland().await;
    app.click("scan-screen-button").await;
    app.find("scan-review-dialog").await;
    let card = app.text(&app.find("scan-account").await).await;
    assert!(
        card.contains("Example") && card.contains("alice@google.com"),
        "{card}"
    );
    assert_eq!(
        portal.calls().len(),
        1,
        "the screenshot came from the portal"
    );
    assert!(!portal.calls()[0].file.as_ref().unwrap().exists());

    app.click("scan-save").await;
    app.eventually("the account is listed", || async {
        app.all("account-row").await.len() == 1
    })
    .await;
    // JBSWY3DPEHPK3PXP gives 996554 at T=59 (HMAC-SHA1, counter 1).
    assert_eq!(
        cli(app.data_dir.path(), &["code", "example", "--at", "59"]),
        "996554"
    );
    app.close().await;
}
