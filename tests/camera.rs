//! Scanning with the camera in the real app. These machines have no camera, so `TOCK_FAKE_CAMERA` points the
//! app at a folder of frames that it plays as a camera at 15 frames per second: the two real Android camera
//! frames of a phone screen from Aegis's test suite (crates/tock-core/tests/fixtures/aegis-camera-qr, see its
//! PROVENANCE.md), and frames of an empty scene.
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tock_e2e::{cli, App};
use tokio::sync::Mutex;

/// The text of the QR code in the Aegis frames (their PROVENANCE.md).
const AEGIS_URI: &str =
    "otpauth://totp/neo4j:Charlotte?secret=B33WS2ALPT34K4BNY24AYROE4M&issuer=neo4j&algorithm=SHA1&digits=6&period=30";

/// One app at a time: the machine has two cores and one X display.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

/// Writes a recorded Aegis frame (raw luminance plane, `stride` bytes per row) to `out` as a PNG.
fn aegis_frame(name: &str, width: u32, height: u32, stride: usize, out: &Path) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures/aegis-camera-qr")
        .join(name);
    let mut plane = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap())
        .read_to_end(&mut plane)
        .unwrap();
    let img = image::GrayImage::from_fn(width, height, |x, y| {
        image::Luma([plane[y as usize * stride + x as usize]])
    });
    img.save(out).unwrap();
}

/// A 1280×720 frame of a dim, uneven scene with no QR code in it.
fn empty_frame(seed: u32, out: &Path) {
    image::GrayImage::from_fn(1280, 720, |x, y| {
        image::Luma([(60 + (x / 7 + y / 5 + seed) % 90) as u8])
    })
    .save(out)
    .unwrap();
}

/// The rate at which the preview shows new frames, measured over `over`.
async fn preview_fps(app: &App, over: Duration) -> f64 {
    let preview = app.find("camera-preview").await;
    let frames = || async {
        let n: u64 = preview
            .attr("data-frames")
            .await
            .unwrap()
            .and_then(|n| n.parse().ok())
            .unwrap_or(0);
        (n, Instant::now())
    };
    app.eventually("the preview shows frames", || async {
        frames().await.0 > 0
    })
    .await;
    let (n0, t0) = frames().await;
    tokio::time::sleep(over).await;
    let (n1, t1) = frames().await;
    (n1 - n0) as f64 / (t1 - t0).as_secs_f64()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_preview_runs_live_and_escape_releases_the_camera() {
    let _one = ONE_AT_A_TIME.lock().await;
    let frames = tempfile::tempdir().unwrap();
    for i in 0..15 {
        empty_frame(i, &frames.path().join(format!("{i:02}.png")));
    }
    let dir = frames.path().to_str().unwrap();
    let app = App::start_with_env(&[("TOCK_FAKE_CAMERA", dir)], |_| {}).await;
    app.find("empty-state").await;

    app.click("scan-camera-button").await;
    app.find("camera-dialog").await;
    assert_eq!(
        app.text_of("camera-name").await,
        format!("Recorded frames ({dir})")
    );
    let fps = preview_fps(&app, Duration::from_secs(3)).await;
    eprintln!("preview: {fps:.1} frames per second (the recorded camera plays 15)");
    assert!(
        fps >= 12.0,
        "the preview keeps up with the camera: {fps:.1} fps"
    );
    app.eventually("the dialog says it is looking", || async {
        app.text_of("camera-status")
            .await
            .contains("Looking for a QR code")
    })
    .await;
    assert!(app.all("camera-outline").await.is_empty());

    // Escape (pressed on the focused Close button) closes the dialog, which stops the camera.
    app.find("camera-close")
        .await
        .send_keys("\u{E00C}")
        .await
        .unwrap();
    app.eventually("the camera dialog is closed", || async {
        app.all("camera-dialog").await.is_empty()
    })
    .await;
    assert!(app.all("scan-review-dialog").await.is_empty());
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_a_phone_screen_with_the_camera_review_and_save() {
    let _one = ONE_AT_A_TIME.lock().await;
    let frames = tempfile::tempdir().unwrap();
    aegis_frame("qr.y.gz", 1600, 1200, 1600, &frames.path().join("1.png"));
    aegis_frame(
        "qr.strided.y.gz",
        1840,
        1380,
        1856,
        &frames.path().join("2.png"),
    );
    let dir = frames.path().to_str().unwrap();
    let app = App::start_with_env(&[("TOCK_FAKE_CAMERA", dir)], |_| {}).await;
    app.find("empty-state").await;

    app.click("scan-camera-button").await;
    app.find("camera-dialog").await;
    // The code is read (the camera released), and the review shows the account with its first code.
    let review = app.find("scan-review-dialog").await;
    assert!(app.all("camera-dialog").await.is_empty());
    assert!(
        app.text(&review).await.contains("Scanned the camera"),
        "{}",
        app.text(&review).await
    );
    assert_eq!(app.text_of("scan-issuer").await, "neo4j");
    assert_eq!(app.text_of("scan-name").await, "Charlotte");
    app.save_the_scanned_account("neo4j").await;
    // The window shows the code of the secret in the frames: the CLI computes the same one from the keychain.
    let shown = app.find("account-code").await;
    app.eventually("the window shows the account's current code", || async {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs();
        let expected = cli(
            app.data_dir.path(),
            &["code", "neo4j", "--at", &now.to_string()],
        );
        app.text(&shown).await.replace(' ', "") == expected
    })
    .await;
    let listed: serde_json::Value =
        serde_json::from_str(&cli(app.data_dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed[0]["name"], "Charlotte");
    // The saved secret is the one in the frames: the same code as the frames' text added by hand elsewhere.
    let by_hand = tempfile::tempdir().unwrap();
    cli(by_hand.path(), &["add", AEGIS_URI]);
    assert_eq!(
        cli(app.data_dir.path(), &["code", "neo4j", "--at", "59"]),
        cli(by_hand.path(), &["code", "neo4j", "--at", "59"])
    );
    app.close().await;
}
