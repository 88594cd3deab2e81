//! Tauri commands: one-liners that delegate to [`AppState`] and tell the window and the tray what changed.
use tauri::{AppHandle, Manager, State};
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

#[tauri::command]
pub fn copy_code(app: AppHandle, state: State<'_, AppState>, id: String) -> Result<()> {
    copy(&app, &state, &id)
}

/// Copies an account's current code to the clipboard (the tray uses this too).
pub fn copy(app: &AppHandle, state: &AppState, id: &str) -> Result<()> {
    let code = state.use_code(id, now_ms() / 1000)?;
    app.clipboard().write_text(code).map_err(|e| {
        IpcError::new(
            ErrorCode::Internal,
            format!("The code could not be copied to the clipboard ({e})."),
        )
    })?;
    notify_changed(app);
    Ok(())
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
    let image = captured
        .map_err(|e| internal(e.to_string()))?
        .map_err(|e| IpcError::new(ErrorCode::InvalidInput, crate::ipc::capitalise(&e)))?;
    let texts = tauri::async_runtime::spawn_blocking(move || decode_texts(&image))
        .await
        .map_err(|e| internal(e.to_string()))?;
    app.state::<AppState>()
        .scan_report("screen", texts, now_ms() / 1000)
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

/// The texts of the QR codes in an image.
pub fn decode_texts(image: &image::GrayImage) -> Vec<String> {
    tock_core::qr::decode_luma(image)
        .into_iter()
        .map(|f| f.text)
        .collect()
}

/// Decodes dropped image files; unreadable ones become notes.
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
    let names: Vec<String> = paths
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let mut report =
        app.state::<AppState>()
            .scan_report(&names.join(", "), texts, now_ms() / 1000)?;
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
