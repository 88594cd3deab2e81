//! The Settings dialog's commands: what is in force (with the shortcut's status and any problem with the
//! file), and saving (the shortcut is registered again).
use serde::Serialize;
use tauri::{AppHandle, Manager};
use tock_ops::settings::{Settings, SettingsStore};
use tock_ops::Result;
use ts_rs::TS;

use crate::desktop::shortcut::{self, ShortcutState, ShortcutStatus};
use crate::desktop::tray;

/// What the Settings dialog shows: the settings, whether the shortcut works, and any problem with the file.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SettingsView {
    pub settings: Settings,
    pub shortcut: ShortcutStatus,
    /// Why the settings file could not be read (the defaults are in force).
    pub problem: Option<String>,
    /// Whether the tray icon exists (closing to the tray needs it).
    pub tray: bool,
}

fn view(app: &AppHandle) -> SettingsView {
    let store = app.state::<SettingsStore>();
    SettingsView {
        settings: store.get(),
        shortcut: app.state::<ShortcutState>().status(),
        problem: store.problem(),
        tray: tray::exists(app),
    }
}

/// The settings, whether the quick-search shortcut works, and any problem with the settings file.
#[tauri::command]
pub fn get_settings(app: AppHandle) -> SettingsView {
    view(&app)
}

/// Saves and applies the settings (the shortcut is registered again).
#[tauri::command]
pub fn save_settings(app: AppHandle, settings: Settings) -> Result<SettingsView> {
    let keys = settings.quick_search_shortcut.clone();
    app.state::<SettingsStore>().set(settings)?;
    shortcut::apply_shortcut(&app, &keys);
    super::trouble::settings_saved(&app);
    Ok(view(&app))
}
