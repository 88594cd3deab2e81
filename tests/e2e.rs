//! The real app, in its real webview, driven like a person would: add an account, see its code and its
//! ring, copy the code, search, rename and delete.

use tock_e2e::{cli, clipboard, unix_now, App, RFC_SEED};
use tokio::sync::Mutex;

/// One app at a time: the machine has two cores and one X display.
static ONE_AT_A_TIME: Mutex<()> = Mutex::const_new(());

#[tokio::test(flavor = "multi_thread")]
async fn add_through_the_ui_then_see_and_copy_the_code() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|_| {}).await;

    let empty = app.find("empty-state").await;
    assert!(
        app.text(&empty).await.to_lowercase().contains("add"),
        "the empty state says what to do first"
    );

    app.click("add-button").await;
    app.find("add-dialog").await;
    app.click("add-mode-uri").await;
    let input = app.find("add-uri-input").await;
    input
        .send_keys("otpauth://totp/ACME%20Co:alice@example.com?secret=NOT-BASE32!")
        .await
        .unwrap();
    let error = app.find("add-error").await;
    app.eventually("the inline error names the problem", || async {
        app.text(&error).await.to_lowercase().contains("base32")
    })
    .await;

    input.clear().await.unwrap();
    let uri =
        format!("otpauth://totp/ACME%20Co:alice@example.com?secret={RFC_SEED}&issuer=ACME%20Co");
    input.send_keys(&uri).await.unwrap();
    app.eventually("the preview shows the issuer", || async {
        match app.all("add-preview").await.first() {
            Some(p) => app.text(p).await.contains("ACME Co"),
            None => false,
        }
    })
    .await;
    app.click("add-submit").await;
    // The backup-code walk-through follows every enrolment; this test skips it (tests/backup.rs takes it).
    app.click("backup-walkthrough-skip").await;

    let row = app.find("account-row").await;
    assert_eq!(app.text_of("account-issuer").await, "ACME Co");
    assert_eq!(app.text_of("account-name").await, "alice@example.com");
    let id = row
        .attr("data-id")
        .await
        .unwrap()
        .expect("rows carry their id");

    // The code on screen is the one the CLI computes from the same keychain item (retry across a boundary).
    let shown = app.find("account-code").await;
    app.eventually("the window shows the CLI's current code", || async {
        let text = app.text(&shown).await;
        let expected = cli(
            app.data_dir.path(),
            &["code", &id, "--at", &unix_now().to_string()],
        );
        text.len() == 7 && text.replace(' ', "") == expected
    })
    .await;

    let ring = app.find("account-ring").await;
    let duration = app
        .client
        .execute("return getComputedStyle(arguments[0].querySelector('circle:last-of-type') || arguments[0]).animationDuration", vec![serde_json::to_value(&ring).unwrap()])
        .await
        .unwrap();
    assert_eq!(
        duration.as_str(),
        Some("30s"),
        "the ring drains over the 30 s period"
    );

    row.click().await.unwrap();
    app.find("copied-toast").await;
    app.eventually("the code is on the clipboard", || async {
        let expected = cli(
            app.data_dir.path(),
            &["code", &id, "--at", &unix_now().to_string()],
        );
        clipboard().trim() == expected
    })
    .await;
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn search_and_confirmed_delete() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|dir| {
        cli(
            dir,
            &["add", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"],
        );
        cli(
            dir,
            &["add", "otpauth://totp/GitLab:alice?secret=JBSWY3DPEHPK3PXP"],
        );
    })
    .await;
    app.eventually("both accounts are listed", || async {
        app.all("account-row").await.len() == 2
    })
    .await;

    app.find("search-input")
        .await
        .send_keys("lab")
        .await
        .unwrap();
    app.eventually("the search keeps GitLab only", || async {
        app.all("account-row").await.len() == 1
    })
    .await;
    assert_eq!(app.text_of("account-issuer").await, "GitLab");
    app.find("search-input").await.clear().await.unwrap();
    app.find("search-input")
        .await
        .send_keys("zzz")
        .await
        .unwrap();
    app.find("no-matches").await;
    app.find("search-input").await.clear().await.unwrap();
    app.eventually("both are back", || async {
        app.all("account-row").await.len() == 2
    })
    .await;

    // Delete the first (GitHub): the dialog shows when it was added; cancel keeps it, confirm removes it.
    app.click("account-menu").await;
    app.click("delete-action").await;
    app.find("delete-dialog").await;
    assert!(
        !app.text_of("delete-added-at").await.trim().is_empty(),
        "the added date is shown"
    );
    app.click("delete-cancel").await;
    assert_eq!(app.all("account-row").await.len(), 2);
    app.click("account-menu").await;
    app.click("delete-action").await;
    app.click("delete-confirm").await;
    app.eventually("one account is left", || async {
        app.all("account-row").await.len() == 1
    })
    .await;
    let listed: serde_json::Value =
        serde_json::from_str(&cli(app.data_dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(
        listed[0]["issuer"], "GitLab",
        "the vault lost GitHub, not GitLab"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn scan_a_qr_code_shown_on_the_screen_review_and_save() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|_| {}).await;
    app.find("empty-state").await;
    // A site's enrolment QR code, shown in another window on the same (virtual) screen.
    let qr = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../crates/tock-core/tests/fixtures/google-migration/dim13/example.png");
    let mut viewer = std::process::Command::new("display")
        .args(["-geometry", "+700+300"])
        .arg(&qr)
        .spawn()
        .expect("ImageMagick's display");
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;

    app.click("scan-screen-button").await;
    app.find("scan-review-dialog").await;
    let card = app.find("scan-account").await;
    let text = app.text(&card).await;
    let _ = viewer.kill();
    let _ = viewer.wait();
    assert!(
        text.contains("Example") && text.contains("alice@google.com"),
        "the review names the account: {text}"
    );
    assert!(
        text.contains("Enter this code on the site"),
        "the review says what to do next: {text}"
    );
    app.save_the_scanned_account("Example").await;
    let listed: serde_json::Value =
        serde_json::from_str(&cli(app.data_dir.path(), &["list", "--json"])).unwrap();
    assert_eq!(listed[0]["name"], "alice@google.com");
    // The saved secret is the one in the QR code: JBSWY3DPEHPK3PXP gives 996554 at T=59 (HMAC-SHA1, counter 1).
    assert_eq!(
        cli(app.data_dir.path(), &["code", "example", "--at", "59"]),
        "996554"
    );
    app.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn changes_made_with_the_cli_show_in_the_open_window() {
    let _one = ONE_AT_A_TIME.lock().await;
    let app = App::start(|dir| {
        cli(
            dir,
            &["add", "otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP"],
        );
    })
    .await;
    app.eventually("the seeded account is listed", || async {
        app.all("account-row").await.len() == 1
    })
    .await;

    // While the window is open, the CLI adds an account and then removes the first one.
    let added = cli(
        app.data_dir.path(),
        &[
            "add",
            "otpauth://totp/OpenAI:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        ],
    );
    app.eventually(
        "the window lists the account the CLI added, with its code",
        || async {
            let rows = app.all("account-row").await;
            let codes = app.all("account-code").await;
            rows.len() == 2 && codes.len() == 2
        },
    )
    .await;
    let ids: Vec<String> = {
        let mut ids = Vec::new();
        for row in app.all("account-row").await {
            ids.push(row.attr("data-id").await.unwrap().unwrap());
        }
        ids
    };
    assert!(ids.contains(&added), "rows {ids:?} include {added}");
    let first = ids.iter().find(|id| **id != added).unwrap().clone();
    cli(app.data_dir.path(), &["remove", &first]);
    app.eventually("the account the CLI removed leaves the window", || async {
        app.all("account-row").await.len() == 1
    })
    .await;
    assert_eq!(app.text_of("account-issuer").await, "OpenAI");
    app.close().await;
}
