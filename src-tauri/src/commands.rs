//! Tauri commands: one-liners that delegate to [`AppState`] and tell the window and the tray what changed.
use tauri::{AppHandle, Emitter, Manager, State};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::app::{notify_changed, now_ms};
use crate::ipc::{
    AccountView, AddPreview, AddRequest, CodesSnapshot, ErrorCode, IpcError, ScanReport,
};
use crate::state::AppState;

type Result<T> = std::result::Result<T, IpcError>;

#[tauri::command]
pub fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>> {
    state.accounts()
}

#[tauri::command]
pub fn get_codes(state: State<'_, AppState>) -> Result<CodesSnapshot> {
    state.snapshot(now_ms())
}

#[tauri::command]
pub fn preview_add(state: State<'_, AppState>, request: AddRequest) -> Result<AddPreview> {
    state.preview(&request)
}

#[tauri::command]
pub fn add_account(
    app: AppHandle,
    state: State<'_, AppState>,
    request: AddRequest,
) -> Result<AccountView> {
    let view = state.add(&request, now_ms() / 1000)?;
    notify_changed(&app);
    Ok(view)
}

#[tauri::command]
pub fn rename_account(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    issuer: String,
    name: String,
) -> Result<AccountView> {
    let view = state.rename(&id, issuer, name)?;
    notify_changed(&app);
    Ok(view)
}

#[tauri::command]
pub fn move_account(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    to: usize,
) -> Result<()> {
    state.move_to(&id, to)?;
    notify_changed(&app);
    Ok(())
}

#[tauri::command]
pub fn delete_account(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<()> {
    state.delete(&id)?;
    notify_changed(&app);
    Ok(())
}

/// Copies an account's code, marked as sensitive and cleared later (see [`crate::clipboard`]).
#[tauri::command]
pub fn copy_code(app: AppHandle, id: String) -> Result<crate::ipc::CopyReport> {
    crate::clipboard::copy(&app, &id)
}

/// Pins an account to the top of the tray menu and the quick search, or unpins it.
#[tauri::command]
pub fn set_favourite(
    app: AppHandle,
    state: State<'_, AppState>,
    id: String,
    favourite: bool,
) -> Result<AccountView> {
    let view = state.set_favourite(&id, favourite)?;
    notify_changed(&app);
    Ok(view)
}

/// The accounts in quick-access order (favourites, recently used, the rest), for the quick search.
#[tauri::command]
pub fn quick_accounts(state: State<'_, AppState>) -> Result<Vec<AccountView>> {
    state.with_vault(|v| {
        let ordered = crate::menu::quick_order(&v.doc().accounts);
        Ok(ordered.into_iter().map(AccountView::from).collect())
    })
}

/// Hides the quick search.
#[tauri::command]
pub fn close_palette(app: AppHandle) {
    crate::quick::close_palette(&app);
}

/// The settings, whether the quick-search shortcut works, and any problem with the settings file.
#[tauri::command]
pub fn get_settings(app: AppHandle) -> crate::settings::SettingsView {
    crate::settings::view(&app)
}

/// Saves and applies the settings (the shortcut is registered again).
#[tauri::command]
pub fn save_settings(
    app: AppHandle,
    settings: crate::settings::Settings,
) -> Result<crate::settings::SettingsView> {
    crate::settings::apply(&app, settings)
}

/// The window calls this once its first codes are painted. With TOCK_EXIT_AFTER_PAINT set (start-up
/// benchmarks), Tock prints "painted" and exits.
#[tauri::command]
pub fn ui_painted(app: AppHandle) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || crate::tray::create_once(&handle));
    if std::env::var_os("TOCK_EXIT_AFTER_PAINT").is_some() {
        println!("painted");
        app.exit(0);
    }
}

/// Scans every monitor for enrolment QR codes; Tock's own window is hidden while the screen is captured.
#[tauri::command]
pub async fn scan_screen(app: AppHandle, window: tauri::WebviewWindow) -> Result<ScanReport> {
    let _ = window.hide();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let captured = tauri::async_runtime::spawn_blocking(crate::capture::capture_screen).await;
    let _ = window.show();
    let _ = window.set_focus();
    let screen = captured
        .map_err(|e| internal(e.to_string()))?
        .map_err(|e| IpcError::new(ErrorCode::InvalidInput, crate::ipc::capitalise(&e) + "."))?;
    let image = screen.image;
    let texts = tauri::async_runtime::spawn_blocking(move || decode_texts(&image))
        .await
        .map_err(|e| internal(e.to_string()))?;
    let mut report = app
        .state::<AppState>()
        .scan_report("screen", texts, now_ms() / 1000)?;
    // Where the screenshot portal left a copy of the screen, if Tock could not delete it.
    report
        .notes
        .extend(screen.note.map(|n| crate::ipc::capitalise(&n) + "."));
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
            _ => return Err(IpcError::new(ErrorCode::InvalidInput, "The clipboard holds no image and no otpauth:// link; copy a screenshot of the QR code, or the link, and try again.")),
        },
    };
    app.state::<AppState>()
        .scan_report("clipboard", texts, now_ms() / 1000)
}

/// Saves a scanned account after review (`replace`: remove the accounts it duplicates first).
#[tauri::command]
pub fn save_scanned(
    app: AppHandle,
    state: State<'_, AppState>,
    token: String,
    replace: bool,
) -> Result<AccountView> {
    let view = state.save_scanned(&token, replace, now_ms() / 1000)?;
    notify_changed(&app);
    Ok(view)
}

/// Forgets a scanned account.
#[tauri::command]
pub fn discard_scanned(state: State<'_, AppState>, token: String) {
    state.discard_scanned(&token);
}

/// The cameras to choose from (a folder of recorded frames first when `TOCK_FAKE_CAMERA` is set).
#[tauri::command]
pub async fn list_cameras() -> Result<Vec<crate::ipc::CameraInfo>> {
    blocking(|| crate::camera::list().map_err(IpcError::from)).await
}

/// Opens a camera and scans its frames: previews (JPEG bytes) and [`crate::ipc::CameraEvent`]s go to `events`.
#[tauri::command]
pub async fn start_camera(
    app: AppHandle,
    camera: String,
    events: tauri::ipc::Channel,
) -> Result<()> {
    let sink = std::sync::Arc::new(crate::camera::WindowSink {
        app: app.clone(),
        channel: events,
    });
    blocking(move || Ok(app.state::<crate::camera::Cameras>().start(camera, sink)?)).await
}

/// Stops scanning; returns once the camera is released.
#[tauri::command]
pub async fn stop_camera(app: AppHandle) -> Result<()> {
    blocking(move || {
        app.state::<crate::camera::Cameras>().stop();
        Ok(())
    })
    .await
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| internal(e.to_string()))?
}

/// The texts of the QR codes in an image.
pub fn decode_texts(image: &image::GrayImage) -> Vec<String> {
    tock_core::qr::decode_luma(image)
        .into_iter()
        .map(|f| f.text)
        .collect()
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
pub fn scan_files(app: &AppHandle, paths: &[std::path::PathBuf]) -> Result<ScanReport> {
    let mut texts = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match std::fs::read(path)
            .map_err(|e| format!("{name} could not be read ({e})"))
            .and_then(|b| tock_core::qr::decode_image_bytes(&b).map_err(|e| format!("{name}: {e}")))
        {
            Ok(found) => texts.extend(found.into_iter().map(|f| f.text)),
            Err(problem) => problems.push(crate::ipc::capitalise(&problem) + "."),
        }
    }
    let mut report = app.state::<AppState>().scan_report(
        &file_names(paths).join(", "),
        texts,
        now_ms() / 1000,
    )?;
    if !problems.is_empty() {
        report
            .notes
            .retain(|n| !n.starts_with("No QR code was found"));
        report.notes.splice(0..0, problems);
    }
    Ok(report)
}

fn internal(message: String) -> IpcError {
    IpcError::new(ErrorCode::Internal, format!("Scanning failed ({message})."))
}
