//! Quick search: a global shortcut (or `tock --quick-search`) opens a small palette window; typing filters,
//! Enter copies, Esc closes. The palette is the same web UI (`index.html#palette`), made once and then
//! shown and hidden.
use std::sync::Mutex;

use serde::Serialize;
use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Emitter, Manager, WebviewUrl, WebviewWindowBuilder, WindowEvent, Wry};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};
use ts_rs::TS;

/// The palette window's label.
pub const PALETTE: &str = "palette";

/// Whether the quick-search shortcut works, in words for the Settings dialog.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
#[ts(export)]
pub enum ShortcutStatus {
    /// No shortcut is set.
    Off,
    /// The shortcut is registered.
    Active { shortcut: String },
    /// The shortcut could not be registered; `message` says why and what to do instead.
    Failed { message: String },
}

/// The status of the shortcut in force.
pub struct QuickState(Mutex<ShortcutStatus>);

impl Default for QuickState {
    fn default() -> Self {
        QuickState(Mutex::new(ShortcutStatus::Off))
    }
}

impl QuickState {
    /// The shortcut's status.
    pub fn status(&self) -> ShortcutStatus {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// The global-shortcut plugin: the one shortcut Tock registers opens the palette when pressed.
pub fn plugin() -> TauriPlugin<Wry> {
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(|app, _shortcut, event| {
            if event.state() == ShortcutState::Pressed {
                open_palette(app);
            }
        })
        .build()
}

/// A Wayland session, where X11 key grabs only see keys typed into X11 windows.
fn wayland_session() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some()
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
}

/// Registers `text` as the quick-search shortcut (replacing the previous one) and records the outcome.
pub fn apply_shortcut(app: &AppHandle, text: &str) -> ShortcutStatus {
    let status = register(app, text.trim());
    *app.state::<QuickState>()
        .0
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = status.clone();
    status
}

fn register(app: &AppHandle, text: &str) -> ShortcutStatus {
    let shortcuts = app.global_shortcut();
    let _ = shortcuts.unregister_all();
    if text.is_empty() {
        return ShortcutStatus::Off;
    }
    let failed = |message: String| ShortcutStatus::Failed { message };
    if wayland_session() {
        return failed(format!(
            "On Wayland, Tock cannot register {text} itself: add a shortcut in your desktop's keyboard settings that runs `tock {}`.",
            crate::desktop::QUICK_SEARCH_FLAG
        ));
    }
    let shortcut: Shortcut = match text.parse() {
        Ok(s) => s,
        Err(_) => {
            return failed(format!(
            "\"{text}\" is not a shortcut Tock understands; write it like CommandOrControl+Alt+O."
        ))
        }
    };
    match shortcuts.register(shortcut) {
        Ok(()) => ShortcutStatus::Active {
            shortcut: text.to_owned(),
        },
        Err(e) => failed(format!(
            "{text} could not be registered ({e}); another program may be using it, so choose another."
        )),
    }
}

/// At start-up: registers the shortcut from the settings, and opens the palette if asked on the command line.
pub fn setup(app: &AppHandle, open: bool) {
    let shortcut = app
        .state::<crate::settings::SettingsState>()
        .get()
        .quick_search_shortcut;
    apply_shortcut(app, &shortcut);
    if open {
        open_palette(app);
    }
}

/// Shows the palette (making it the first time), with an empty search and the accounts reloaded.
pub fn open_palette(app: &AppHandle) {
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
pub fn close_palette(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(PALETTE) {
        let _ = window.hide();
    }
}

/// The palette hides when it loses the focus (after having had it: window managers differ at mapping).
pub fn on_window_event(window: &tauri::Window, event: &WindowEvent) {
    static HAD_FOCUS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if window.label() != PALETTE {
        return;
    }
    use std::sync::atomic::Ordering;
    match event {
        WindowEvent::Focused(true) => HAD_FOCUS.store(true, Ordering::SeqCst),
        WindowEvent::Focused(false) if HAD_FOCUS.swap(false, Ordering::SeqCst) => {
            let _ = window.hide();
        }
        _ => {}
    }
}
