//! The real app, fed QR codes the ways a person does besides Scan QR: pasting (a screenshot or an otpauth://
//! link on the X clipboard, then a real Ctrl+V key press), dropping image files on the window (a real XDND
//! drop from an X client, as a file manager does), and the open dialog (GTK's, typed into like a person).
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use tock_e2e::{cli, xdnd, App};
use tokio::sync::Mutex;

/// One app at a time: the machine has two cores and one X display (and one clipboard).
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// dim13's example enrolment code (see the fixtures' PROVENANCE.md): Example / alice@google.com, secret
/// JBSWY3DPEHPK3PXP, which gives 996554 at T=59 (HMAC-SHA1, counter 1).
const DIM13: &str = "google-migration/dim13/example.png";
const DIM13_AT_59: &str = "996554";

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures")
        .join(path)
        .canonicalize()
        .unwrap()
}

const MAIN_WINDOW: &str = "^Tock$";
const OPEN_DIALOG: &str = "^Scan images for QR codes$";

/// Runs xdotool (real X input through XTEST, like a keyboard); returns what it printed.
fn xdotool(args: &[&str]) -> String {
    let out = Command::new("xdotool")
        .args(args)
        .output()
        .expect("xdotool (scripts/setup installs it)");
    assert!(
        out.status.success(),
        "xdotool {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The visible X window of this app titled `title` (a regex), once it exists. (By process: the window of an
/// earlier test's app may still be closing. `--all`: xdotool's criteria are otherwise alternatives.)
fn window(app: &App, title: &str) -> String {
    let pid = app.pid().to_string();
    let found = xdotool(&[
        "search",
        "--all",
        "--sync",
        "--onlyvisible",
        "--pid",
        &pid,
        "--name",
        title,
    ]);
    found.lines().next().unwrap().to_owned()
}

/// Gives the keyboard focus to this app's window titled `title`.
fn focus(app: &App, title: &str) {
    xdotool(&["windowfocus", "--sync", &window(app, title)]);
}

/// Gives the keyboard focus to this app's open dialog, once GTK is ready for keys: a dialog that has just
/// been mapped drops the first ones (seen under Xvfb without a window manager).
fn focus_dialog(app: &App) {
    focus(app, OPEN_DIALOG);
    std::thread::sleep(std::time::Duration::from_secs(1));
}

/// Owns the X clipboard with `data` of MIME type `kind` until dropped (xclip in the foreground).
struct ClipboardOwner(Child);

impl ClipboardOwner {
    fn new(kind: &str, data: &[u8]) -> ClipboardOwner {
        let mut xclip = Command::new("xclip")
            .args(["-quiet", "-selection", "clipboard", "-t", kind, "-i"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("xclip (scripts/setup installs it)");
        use std::io::Write;
        let mut stdin = xclip.stdin.take().unwrap();
        stdin.write_all(data).unwrap();
        drop(stdin);
        // xclip owns the selection once it has read its input.
        std::thread::sleep(std::time::Duration::from_millis(300));
        ClipboardOwner(xclip)
    }
}

impl Drop for ClipboardOwner {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The review shows one account, Example / alice@google.com; Save adds it with the QR code's secret.
async fn review_and_save_dim13(app: &App) {
    app.find("scan-review-dialog").await;
    let card = app.text(&app.find("scan-account").await).await;
    assert!(
        card.contains("Example") && card.contains("alice@google.com"),
        "the review names the account: {card}"
    );
    app.click("scan-save").await;
    app.eventually("the account is listed", || async {
        app.all("account-row").await.len() == 1
    })
    .await;
    assert_eq!(app.text_of("account-issuer").await, "Example");
    assert_eq!(
        cli(app.data_dir.path(), &["code", "example", "--at", "59"]),
        DIM13_AT_59
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn paste_a_screenshot_of_the_qr_code() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|_| {}).await;
    app.find("empty-state").await;
    let _clipboard = ClipboardOwner::new("image/png", &std::fs::read(fixture(DIM13)).unwrap());
    focus(&app, MAIN_WINDOW);
    xdotool(&["key", "--clearmodifiers", "ctrl+v"]);
    review_and_save_dim13(&app).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn paste_an_otpauth_link() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|_| {}).await;
    app.find("empty-state").await;
    // RFC 6238's SHA1 seed: 94287082 at T=59, so 287082 with 6 digits.
    let link = "otpauth://totp/GitLab:bob@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=GitLab";
    let _clipboard = ClipboardOwner::new("UTF8_STRING", link.as_bytes());
    focus(&app, MAIN_WINDOW);
    xdotool(&["key", "--clearmodifiers", "ctrl+v"]);
    app.find("add-dialog").await;
    app.eventually("the add dialog previews the pasted link", || async {
        match app.all("add-preview").await.first() {
            Some(p) => app.text(p).await.contains("GitLab"),
            None => false,
        }
    })
    .await;
    app.click("add-submit").await;
    app.eventually("the account is listed", || async {
        app.all("account-row").await.len() == 1
    })
    .await;
    assert_eq!(app.text_of("account-issuer").await, "GitLab");
    assert_eq!(
        cli(app.data_dir.path(), &["code", "gitlab", "--at", "59"]),
        "287082"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn drop_image_files_on_the_window() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|_| {}).await;
    app.find("empty-state").await;
    let menu = fixture("google-migration/scito/qr_but_without_otp.png");
    let target = window(&app, MAIN_WINDOW).parse().unwrap();
    xdnd::drop_files(target, &[&fixture(DIM13), &menu]);

    let dialog = app.find("scan-review-dialog").await;
    let title = app.text(&dialog).await;
    assert!(
        title.contains("Scanned example.png, qr_but_without_otp.png"),
        "the review names the dropped files: {title}"
    );
    let notes = app.all("scan-note").await;
    assert_eq!(
        notes.len(),
        1,
        "the code that is not an authenticator code is mentioned"
    );
    assert!(app
        .text(&notes[0])
        .await
        .contains("not for two-factor authentication"));
    review_and_save_dim13(&app).await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn open_an_image_file_from_the_dialog() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|_| {}).await;
    app.find("empty-state").await;

    // The header's button opens GTK's open dialog; the file's path is typed into it as a person would.
    app.click("scan-file-button").await;
    focus_dialog(&app);
    let path = fixture(DIM13);
    xdotool(&["type", "--delay", "20", path.to_str().unwrap()]);
    // GTK checks the typed path in the background; Return before that is ignored.
    std::thread::sleep(std::time::Duration::from_secs(1));
    xdotool(&["key", "Return"]);
    review_and_save_dim13(&app).await;

    // Ctrl+O opens it too; Escape closes it, and nothing is reported.
    focus(&app, MAIN_WINDOW);
    xdotool(&["key", "--clearmodifiers", "ctrl+o"]);
    focus_dialog(&app);
    xdotool(&["key", "Escape"]);
    let pid = app.pid().to_string();
    app.eventually("the dialog is closed", || async {
        let search = [
            "search",
            "--all",
            "--onlyvisible",
            "--pid",
            &pid,
            "--name",
            OPEN_DIALOG,
        ];
        // xdotool search fails when it finds nothing.
        !Command::new("xdotool")
            .args(search)
            .status()
            .unwrap()
            .success()
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(app.all("scan-review-dialog").await.is_empty());
    assert!(app.all("error-banner").await.is_empty());
    assert_eq!(app.all("account-row").await.len(), 1);
    app.close().await;
}
