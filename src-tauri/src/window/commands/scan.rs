//! Commands that scan for enrolment QR codes: the screen, the clipboard, image files (dropped on the window
//! or chosen in the open dialog, which Rust shows: the webview has no dialog permission), and saving or
//! discarding what the review shows. Files go through one [`scan_and_report`]: `scan-started`, then
//! `scan-report` or `scan-error`.
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;
use tock_ops::accounts::AccountView;
use tock_ops::enrol::{decode_image_file, decode_texts, ScanReport};
use tock_ops::{capitalise, Error, ErrorCode, Result, Session};

use super::internal;
use crate::desktop::capture;
use crate::desktop::clock::now;
use crate::window::events::notify_changed;

/// Scans every monitor for enrolment QR codes; Tock's own window is hidden while the screen is captured.
#[tauri::command]
pub async fn scan_screen(app: AppHandle, window: tauri::WebviewWindow) -> Result<ScanReport> {
    let _ = window.hide();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let captured = tauri::async_runtime::spawn_blocking(capture::capture_screen).await;
    let _ = window.show();
    let _ = window.set_focus();
    let screen = captured
        .map_err(|e| internal(e.to_string()))?
        .map_err(|e| Error::new(ErrorCode::InvalidInput, capitalise(&e) + "."))?;
    let image = screen.image;
    let texts = tauri::async_runtime::spawn_blocking(move || decode_texts(&image))
        .await
        .map_err(|e| internal(e.to_string()))?;
    let mut report = app.state::<Session>().scan_report("screen", texts, now())?;
    // Where the screenshot portal left a copy of the screen, if Tock could not delete it.
    report
        .notes
        .extend(screen.note.map(|n| capitalise(&n) + "."));
    Ok(report)
}

/// Scans the clipboard: an image with QR codes, or an otpauth:// text.
#[tauri::command]
pub async fn scan_clipboard(app: AppHandle) -> Result<ScanReport> {
    let texts = match app.clipboard().read_image() {
        Ok(image) => {
            let (w, h) = (image.width(), image.height());
            let rgba = image::RgbaImage::from_raw(w, h, image.rgba().to_vec()).ok_or_else(|| internal("the clipboard image is damaged".into()))?;
            let gray = image::DynamicImage::ImageRgba8(rgba).into_luma8();
            tauri::async_runtime::spawn_blocking(move || decode_texts(&gray)).await.map_err(|e| internal(e.to_string()))?
        }
        Err(_) => match app.clipboard().read_text() {
            Ok(text) if !matches!(tock_core::qr::classify(&text), tock_core::qr::Payload::Other(_)) => vec![text.trim().to_owned()],
            _ => return Err(Error::new(ErrorCode::InvalidInput, "The clipboard holds no image and no otpauth:// link; copy a screenshot of the QR code, or the link, and try again.")),
        },
    };
    app.state::<Session>()
        .scan_report("clipboard", texts, now())
}

/// Saves a scanned account after review (`replace`: remove the accounts it duplicates first).
#[tauri::command]
pub fn save_scanned(
    app: AppHandle,
    session: State<'_, Session>,
    token: String,
    replace: bool,
) -> Result<AccountView> {
    let view = session.save_scanned(&token, replace, now())?;
    notify_changed(&app);
    Ok(view)
}

/// Forgets a scanned account.
#[tauri::command]
pub fn discard_scanned(session: State<'_, Session>, token: String) {
    session.discard_scanned(&token);
}

/// The image types the open dialog offers (GTK's filter patterns are case-sensitive, hence both cases).
const IMAGE_EXTENSIONS: &[&str] = &[
    "png", "PNG", "jpg", "JPG", "jpeg", "JPEG", "webp", "WEBP", "bmp", "BMP", "gif", "GIF",
];

/// Shows the open dialog (from Rust: the webview has no dialog permission) and scans the chosen images the
/// way dropped ones are scanned ([`scan_and_report`]). False when the person chose nothing.
#[tauri::command]
pub async fn open_image_files(app: AppHandle, window: tauri::WebviewWindow) -> Result<bool> {
    use tauri_plugin_dialog::DialogExt;
    let (chosen, answer) = tokio::sync::oneshot::channel();
    let mut dialog = app
        .dialog()
        .file()
        .set_title("Scan images for QR codes")
        .add_filter("Images (PNG, JPEG, WebP, BMP, GIF)", IMAGE_EXTENSIONS)
        .set_parent(&window);
    if let Some(folder) = screenshots_folder(&app) {
        dialog = dialog.set_directory(folder);
    }
    dialog.pick_files(move |files| {
        let _ = chosen.send(files);
    });
    let paths: Vec<std::path::PathBuf> = answer
        .await
        .ok()
        .flatten()
        .unwrap_or_default()
        .into_iter()
        .filter_map(|file| file.into_path().ok())
        .collect();
    if paths.is_empty() {
        return Ok(false);
    }
    std::thread::spawn(move || scan_and_report(&app, &paths));
    Ok(true)
}

/// Where screenshots usually are: ~/Pictures/Screenshots (GNOME, KDE), else ~/Pictures, else the home folder.
fn screenshots_folder(app: &AppHandle) -> Option<std::path::PathBuf> {
    let pictures = app.path().picture_dir().ok();
    [
        pictures.as_ref().map(|p| p.join("Screenshots")),
        pictures,
        app.path().home_dir().ok(),
    ]
    .into_iter()
    .flatten()
    .find(|folder| folder.is_dir())
}

/// Scans image files dropped on the window or chosen in the open dialog, and tells the window:
/// `scan-started` (the files' names) now, then `scan-report` or `scan-error`.
pub fn scan_and_report(app: &AppHandle, paths: &[std::path::PathBuf]) {
    let _ = app.emit("scan-started", file_names(paths).join(", "));
    let _ = match scan_files(app, paths) {
        Ok(report) => app.emit("scan-report", report),
        Err(e) => app.emit("scan-error", e),
    };
}

fn file_names(paths: &[std::path::PathBuf]) -> Vec<String> {
    paths
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect()
}

/// Decodes image files (dropped or opened); unreadable ones become notes.
fn scan_files(app: &AppHandle, paths: &[std::path::PathBuf]) -> Result<ScanReport> {
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match decode_image_file(path, &name) {
            Ok(found) => texts.extend(found.into_iter().map(|f| f.text)),
            Err(problem) => problems.push(capitalise(&problem) + "."),
        }
    }
    let mut report =
        app.state::<Session>()
            .scan_report(&file_names(paths).join(", "), texts, now())?;
    if !problems.is_empty() {
        report
            .notes
            .retain(|n| !n.starts_with("No QR code was found"));
        report.notes.splice(0..0, problems);
    }
    Ok(report)
}
