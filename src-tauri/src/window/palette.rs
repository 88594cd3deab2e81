//! The quick-search palette: a small window opened by the global shortcut (or `tock --quick-search`);
//! typing filters, Enter copies, Esc closes. It is the same web UI (`index.html#palette`), made once and
//! then shown and hidden.
use std::sync::atomic::{AtomicBool, Ordering};

use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent};

/// The palette window's label.
pub const PALETTE: &str = "palette";

/// Shows the palette (making it the first time), with an empty search and the accounts reloaded.
pub fn open(app: &AppHandle) {
    let handle = app.clone();
    let _ = app.run_on_main_thread(move || {
        if let Some(window) = handle.get_webview_window(PALETTE) {
            let _ = handle.emit_to(PALETTE, "palette-opened", ());
            let _ = window.show();
            let _ = window.set_focus();
            return;
        }
        let made = WebviewWindowBuilder::new(
            &handle,
            PALETTE,
            WebviewUrl::App("index.html#palette".into()),
        )
        .title("Tock quick search")
        .inner_size(420.0, 340.0)
        .resizable(false)
        .decorations(false)
        .always_on_top(true)
        .skip_taskbar(true)
        .center()
        .focused(true)
        .build();
        if let Err(e) = made {
            eprintln!("error: the quick search window could not be opened ({e})");
        }
    });
}

/// Hides the palette.
pub fn close(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(PALETTE) {
        let _ = window.hide();
    }
}

/// The palette hides when it loses the focus (after having had it: window managers differ at mapping).
pub fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    static HAD_FOCUS: AtomicBool = AtomicBool::new(false);
    if window.label() != PALETTE {
        return;
    }
    match event {
        WindowEvent::Focused(true) => HAD_FOCUS.store(true, Ordering::SeqCst),
        WindowEvent::Focused(false) if HAD_FOCUS.swap(false, Ordering::SeqCst) => {
            let _ = window.hide();
        }
        _ => {}
    }
}
