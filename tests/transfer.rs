//! Moving accounts in the real app, driven like a person would, on one app start: show the accounts as QR
//! codes for a phone (after confirming), read the code on screen back with zbar, confirm one on the
//! checklist; then import an encrypted Aegis export through the native open dialog, with a wrong password
//! first, review it (a duplicate flagged), and import. The CLI checks the vault and the saved progress.
use std::process::Command;

use tock_e2e::{answer_file_dialog, cli, App, RFC_SEED};

/// Reads the QR code in a PNG with zbarimg (the reference reader; scripts/setup installs it).
fn zbar(png: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("qr.png");
    std::fs::write(&file, png).unwrap();
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&file)
        .output()
        .expect("zbarimg (scripts/setup installs zbar-tools)");
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

#[tokio::test(flavor = "multi_thread")]
async fn show_codes_for_a_phone_then_import_an_encrypted_export() {
    let app = App::start(|dir| {
        cli(
            dir,
            &[
                "add",
                &format!("otpauth://totp/GitHub:alice?secret={RFC_SEED}&issuer=GitHub"),
            ],
        );
        cli(
            dir,
            &[
                "add",
                "otpauth://totp/Bank:alice?secret=JBSWY3DPEHPK3PXP&issuer=Bank&digits=8",
            ],
        );
        cli(
            dir,
            &[
                "add",
                "otpauth://totp/Forum:alice?secret=MFRGGZDFMZTWQ2LK&issuer=Forum",
            ],
        );
    })
    .await;
    app.find("account-list").await;
    let listed: serde_json::Value =
        serde_json::from_str(&cli(app.data_dir.path(), &["list", "--json"])).unwrap();
    let id = |i: usize| listed[i]["id"].as_str().unwrap().to_owned();
    let (github, bank) = (id(0), id(1));

    // To a phone: two of the three accounts, one code each, after a confirmation.
    app.click("move-button").await;
    app.find("move-dialog").await;
    app.click("move-tab-to-phone").await;
    app.click("move-some").await;
    app.click(&format!("move-account-{github}")).await;
    app.click(&format!("move-account-{bank}")).await;
    app.click("transfer-show").await;
    app.click("show-codes-confirm").await;
    let title = app.find("transfer-qr-title").await;
    assert_eq!(app.text(&title).await, "GitHub (alice)");
    let qr = app.find("transfer-qr").await;
    let png = qr.screenshot().await.unwrap();
    let uri = zbar(&png);
    assert!(
        uri.starts_with("otpauth://totp/GitHub:alice?") && uri.contains(RFC_SEED),
        "the code on screen holds the account: {uri}"
    );
    app.click("transfer-next").await;
    app.eventually("the second account's code shows", || async {
        app.text_of("transfer-qr-title").await == "Bank (alice)"
    })
    .await;
    let uri = zbar(&app.find("transfer-qr").await.screenshot().await.unwrap());
    assert!(uri.contains("digits=8"), "{uri}");
    assert!(
        app.text_of("transfer-qr-position").await.contains("2 of 2"),
        "only the chosen accounts are shown"
    );

    // The checklist beside the code on screen: the phone shows the same code for Bank; the choice is saved
    // for the next start.
    app.click(&format!("verify-{bank}")).await;
    let moves = app.data_dir.path().join("moves.json");
    app.eventually("the confirmation is saved", || async {
        std::fs::read_to_string(&moves).is_ok_and(|t| t.contains(&bank))
    })
    .await;

    // From another app: an encrypted Aegis export with one account Tock has and one it has not.
    let other = tempfile::tempdir().unwrap();
    cli(
        other.path(),
        &[
            "add",
            &format!("otpauth://totp/GitHub:alice?secret={RFC_SEED}&issuer=GitHub"),
        ],
    );
    cli(
        other.path(),
        &[
            "add",
            "otpauth://totp/GitLab:carol?secret=KRUGS4ZAON2WE2TFMN2CA53JOQ&issuer=GitLab",
        ],
    );
    let files = tempfile::tempdir().unwrap();
    let password = files.path().join("password");
    std::fs::write(&password, "pässwörd\n").unwrap();
    let export = files.path().join("aegis-export.json");
    cli(
        other.path(),
        &[
            "export",
            "--format",
            "aegis",
            "--out",
            export.to_str().unwrap(),
            "--export-password-file",
            password.to_str().unwrap(),
        ],
    );

    app.click("move-tab-from-phone").await;
    app.click("import-button").await;
    app.find("import-dialog").await;
    app.click("import-choose").await;
    answer_file_dialog("Import accounts from another authenticator", &export).await;
    app.eventually("the dialog asks for the file's password", || async {
        if let Some(e) = app.all("import-error").await.first() {
            panic!("the file was not read: {}", app.text(e).await);
        }
        !app.all("import-password").await.is_empty()
    })
    .await;
    let field = app.find("import-password").await;
    field.send_keys("wrong").await.unwrap();
    app.click("import-unlock").await;
    app.eventually("a wrong password is named", || async {
        match app.all("import-error").await.first() {
            Some(e) => app.text(e).await.to_lowercase().contains("password"),
            None => false,
        }
    })
    .await;
    let field = app.find("import-password").await;
    field.clear().await.unwrap();
    field.send_keys("pässwörd").await.unwrap();
    app.click("import-unlock").await;
    let duplicate = app.find("import-entry-0").await;
    assert!(
        app.text(&duplicate).await.contains("Already in Tock"),
        "{}",
        app.text(&duplicate).await
    );
    assert!(app.text_of("import-entry-1").await.contains("GitLab"));
    app.click("import-commit").await;
    let summary = app.find("import-summary").await;
    app.eventually("the summary counts the import", || async {
        app.text(&summary).await.contains('1')
    })
    .await;

    let listed = cli(app.data_dir.path(), &["list"]);
    assert!(listed.contains("GitLab"), "{listed}");
    assert_eq!(listed.lines().filter(|l| l.contains("GitHub")).count(), 1);
    assert_eq!(
        cli(app.data_dir.path(), &["code", "gitlab", "--at", "59"]),
        cli(other.path(), &["code", "gitlab", "--at", "59"]),
        "the imported secret gives the same codes"
    );
    app.close().await;
}
