//! The backup-code walk-through in the real app, driven like a person would: add an account, paste the
//! codes the site showed, see them recognised, save, say where the offline copy is kept, see the count on
//! the row, use a code (it lands on the clipboard) and see the count go down. The CLI checks the vault.
use std::io::Write;
use std::process::{Command, Stdio};

use tock_e2e::{cli, clipboard, App};

/// Google-style codes as a site's page shows them: a heading, two numbered columns, a footer.
const PASTED: &str = "SAVE YOUR BACKUP CODES\n\
 1. 6858 1640        6. 4367 0451\n\
 2. 8301 2896        7. 9024 8361\n\
 3. 1175 5309        8. 3386 7712\n\
 4. 5542 0098        9. 7719 2643\n\
 5. 2290 4815       10. 0463 5527\n\
* You can only use each backup code once.\n";

/// Puts text on the X clipboard (xclip keeps serving it in the background).
fn set_clipboard(text: &str) {
    let mut child = Command::new("xclip")
        .args(["-selection", "clipboard", "-i"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("xclip (scripts/setup installs it)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
}

fn listed_codes(app: &App) -> Vec<serde_json::Value> {
    let json = cli(
        app.data_dir.path(),
        &["backup-codes", "list", "github", "--json"],
    );
    serde_json::from_str::<serde_json::Value>(&json)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn walk_through_after_adding_then_use_a_code() {
    let app = App::start(|_| {}).await;
    app.find("empty-state").await;

    // Enrol an account: the walk-through follows.
    app.click("add-button").await;
    app.click("add-mode-uri").await;
    app.find("add-uri-input")
        .await
        .send_keys("otpauth://totp/GitHub:alice?secret=JBSWY3DPEHPK3PXP&issuer=GitHub")
        .await
        .unwrap();
    app.eventually("the preview shows the account", || async {
        match app.all("add-preview").await.first() {
            Some(p) => app.text(p).await.contains("GitHub"),
            None => false,
        }
    })
    .await;
    app.click("add-submit").await;
    let walkthrough = app.find("backup-walkthrough").await;
    assert!(app
        .text(&walkthrough)
        .await
        .contains("Did the site give you backup codes?"));
    app.click("backup-walkthrough-yes").await;

    // Paste the codes (Ctrl+V from the real clipboard): they are recognised at once.
    set_clipboard(PASTED);
    let paste = app.find("backup-paste-input").await;
    paste.send_keys("\u{E009}v\u{E000}").await.unwrap();
    let recognised = app.find("backup-recognised").await;
    assert!(
        app.text(&recognised)
            .await
            .starts_with("Recognised 10 codes."),
        "{}",
        app.text(&recognised).await
    );
    let inputs = app.all("backup-code-input").await;
    assert_eq!(inputs.len(), 10);
    assert_eq!(
        inputs[1].prop("value").await.unwrap().as_deref(),
        Some("43670451"),
        "reading left to right across the columns"
    );
    assert!(app
        .text_of("backup-ignored")
        .await
        .contains("2 lines without a code"));
    app.click("backup-save").await;

    // Save the sheet to print through the native save dialog (GTK, opened by Rust), then say where the
    // copy is kept.
    app.find("backup-offline").await;
    let sheet = tempfile::tempdir().unwrap();
    let sheet_path = sheet.path().join("github-codes.html");
    app.click("backup-export-html").await;
    tock_e2e::answer_file_dialog("Save a copy of the backup codes", &sheet_path).await;
    app.eventually("the window says where the sheet is", || async {
        match app.all("backup-export-saved").await.first() {
            Some(saved) => app.text(saved).await.contains("github-codes.html"),
            None => false,
        }
    })
    .await;
    let html = std::fs::read_to_string(&sheet_path).unwrap();
    assert!(html.contains("GitHub") && html.contains("68581640") && html.contains("04635527"));
    app.find("backup-open-sheet").await;
    app.click("backup-place-option").await;
    app.click("backup-offline-confirm").await;
    app.eventually("the walk-through closes", || async {
        app.all("backup-walkthrough").await.is_empty()
    })
    .await;
    app.eventually("the row shows 10 codes left", || async {
        match app.all("account-backup-count").await.first() {
            Some(badge) => app.text(badge).await.contains("10 codes left"),
            None => false,
        }
    })
    .await;
    let codes = listed_codes(&app);
    assert_eq!(codes.len(), 10);
    assert_eq!(codes[0]["code"], "68581640");
    let doc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(app.data_dir.path().join("vault.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        doc["accounts"][0]["backup_codes"]["offline"]["place"],
        "Printed, kept safe at home"
    );

    // Use one: it is copied, marked used, and the count goes down.
    app.click("account-backup-count").await;
    app.find("backup-dialog").await;
    assert!(app.text_of("backup-left").await.contains("10 codes left"));
    app.click("backup-use-next").await;
    app.eventually("the code is on the clipboard", || async {
        clipboard().trim() == "68581640"
    })
    .await;
    app.eventually("the dialog counts 9 left", || async {
        app.text_of("backup-left").await.contains("9 codes left")
    })
    .await;
    app.click("backup-close").await;
    app.eventually("the row shows 9 codes left", || async {
        match app.all("account-backup-count").await.first() {
            Some(badge) => app.text(badge).await.contains("9 codes left"),
            None => false,
        }
    })
    .await;
    let codes = listed_codes(&app);
    assert_eq!(codes[0]["used"], true);
    assert_eq!(codes[1]["used"], false);
    app.close().await;
}
