//! The settings (tray, clipboard, quick search): `settings.json` in the data folder, beside the vault; the
//! window edits them, `tock copy` reads them.
//! Missing fields take their defaults, so older files open; a damaged file is reported, never overwritten
//! silently. Written atomically, like the vault document.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{capitalise, Error, ErrorCode};

/// The file name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

/// The longest clipboard clearing delay accepted (one day).
pub const MAX_CLEAR_AFTER_SECS: u32 = 86_400;

/// What a copy does when the code has fewer than [`crate::copy::NEAR_EXPIRY_SECS`] seconds left.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum NearExpiry {
    /// Copy the current code and say how little time is left.
    #[default]
    Warn,
    /// Copy the next code instead.
    CopyNext,
}

/// The settings the window's Settings dialog edits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(default, rename_all = "camelCase")]
#[ts(export)]
pub struct Settings {
    /// Closing the window hides it in the tray (when there is a tray icon).
    pub close_to_tray: bool,
    /// Start with the window hidden in the tray.
    pub start_minimised: bool,
    /// Seconds after which a copied code is cleared from the clipboard (if it is still there); 0: never.
    pub clear_after_secs: u32,
    /// What a copy does in the last seconds of a code.
    pub near_expiry: NearExpiry,
    /// The global shortcut that opens quick search, e.g. "CommandOrControl+Alt+O"; empty: none.
    pub quick_search_shortcut: String,
    /// Measure the clock's offset at start-up.
    pub check_clock_at_start: bool,
    /// Compute codes at the corrected time (the last measured offset).
    pub correct_clock: bool,
    /// The SNTP servers asked, "host" or "host:port".
    pub time_servers: Vec<String>,
    /// With the app lock on: seconds without input in Tock after which it locks; 0: never.
    pub auto_lock_secs: u32,
    /// With the app lock on: lock when the screen locks or the computer goes to sleep.
    pub lock_on_session_lock: bool,
}

/// The time servers asked unless the settings say otherwise: three independent public pools.
pub const DEFAULT_TIME_SERVERS: [&str; 3] =
    ["pool.ntp.org", "time.cloudflare.com", "time.google.com"];

/// The most time servers asked at once.
pub const MAX_TIME_SERVERS: usize = 8;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            close_to_tray: false,
            start_minimised: false,
            clear_after_secs: 30,
            near_expiry: NearExpiry::Warn,
            quick_search_shortcut: "CommandOrControl+Alt+O".into(),
            check_clock_at_start: true,
            correct_clock: false,
            time_servers: DEFAULT_TIME_SERVERS.map(String::from).to_vec(),
            auto_lock_secs: 300,
            lock_on_session_lock: true,
        }
    }
}

impl Settings {
    /// Parses the settings file's text; missing fields default.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let settings: Settings = serde_json::from_str(text).map_err(|e| {
            format!(
                "the settings file is damaged ({e}); fix or delete it to go back to the defaults"
            )
        })?;
        settings.validate()?;
        Ok(settings)
    }

    /// Checks the values a person can type.
    pub fn validate(&self) -> Result<(), String> {
        if self.clear_after_secs > MAX_CLEAR_AFTER_SECS {
            return Err(format!(
                "the clipboard clearing delay must be at most {MAX_CLEAR_AFTER_SECS} seconds (0 never clears it)"
            ));
        }
        if self.time_servers.len() > MAX_TIME_SERVERS {
            return Err(format!(
                "at most {MAX_TIME_SERVERS} time servers can be asked; remove some"
            ));
        }
        if let Some(bad) = self.time_servers.iter().find(|s| {
            s.trim().is_empty() || s.len() > 253 || s.chars().any(|c| c.is_whitespace() || c == '/')
        }) {
            return Err(format!(
                "{bad:?} is not a time server; write a host name or address, optionally with :port"
            ));
        }
        Ok(())
    }
}

/// Reads the settings of `data_dir`; no file means the defaults.
pub fn load(data_dir: &Path) -> Result<Settings, String> {
    let path = data_dir.join(SETTINGS_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Settings::from_json(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Settings::default()),
        Err(e) => Err(format!(
            "the settings file {} could not be read ({e}); check its permissions",
            path.display()
        )),
    }
}

/// Writes the settings of `data_dir` atomically.
pub fn save(data_dir: &Path, settings: &Settings) -> Result<(), String> {
    let path = data_dir.join(SETTINGS_FILE);
    let text = serde_json::to_string_pretty(settings).expect("settings always serialise");
    tock_store::write_atomically(&path, text.as_bytes()).map_err(|e| {
        format!(
            "the settings file {} could not be written ({e}); check free space and permissions",
            path.display()
        )
    })
}

/// The settings in force in a running Tock, and where they are saved.
pub struct SettingsStore {
    dir: PathBuf,
    current: Mutex<Settings>,
    /// Why the file could not be read at start-up (the defaults are in force meanwhile).
    problem: Mutex<Option<String>>,
}

impl SettingsStore {
    /// Loads the settings of `data_dir`; a damaged file leaves the defaults in force and is reported.
    pub fn open(data_dir: &Path) -> Self {
        let (current, problem) = match load(data_dir) {
            Ok(s) => (s, None),
            Err(e) => (Settings::default(), Some(e)),
        };
        SettingsStore {
            dir: data_dir.to_owned(),
            current: Mutex::new(current),
            problem: Mutex::new(problem),
        }
    }

    /// The settings in force.
    pub fn get(&self) -> Settings {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Why the settings file could not be read, if it could not.
    pub fn problem(&self) -> Option<String> {
        self.problem
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Validates, saves and applies new settings.
    pub fn set(&self, settings: Settings) -> Result<(), Error> {
        let invalid = |e: String| Error::new(ErrorCode::InvalidInput, capitalise(&e));
        settings.validate().map_err(invalid)?;
        save(&self.dir, &settings).map_err(|e| Error::new(ErrorCode::Storage, capitalise(&e)))?;
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = settings;
        *self.problem.lock().unwrap_or_else(|p| p.into_inner()) = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_fields_default_and_unknown_values_are_refused() {
        let s = Settings::from_json(r#"{"clearAfterSecs": 5}"#).unwrap();
        assert_eq!(
            s,
            Settings {
                clear_after_secs: 5,
                ..Settings::default()
            }
        );
        assert_eq!(Settings::from_json("{}").unwrap(), Settings::default());
        let err = Settings::from_json(r#"{"nearExpiry": "sometimes"}"#).unwrap_err();
        assert!(err.contains("damaged"), "{err}");
        let err = Settings::from_json(r#"{"clearAfterSecs": 100000}"#).unwrap_err();
        assert!(err.contains("at most 86400"), "{err}");
    }

    #[test]
    fn saved_settings_load_back_and_no_file_means_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), Settings::default());
        let state = SettingsStore::open(dir.path());
        let changed = Settings {
            close_to_tray: true,
            near_expiry: NearExpiry::CopyNext,
            quick_search_shortcut: String::new(),
            ..Settings::default()
        };
        state.set(changed.clone()).unwrap();
        assert_eq!(load(dir.path()).unwrap(), changed);
        assert_eq!(state.get(), changed);
    }

    #[test]
    fn a_damaged_file_is_reported_and_the_defaults_apply() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SETTINGS_FILE), "{not json").unwrap();
        let state = SettingsStore::open(dir.path());
        assert_eq!(state.get(), Settings::default());
        assert!(state.problem().unwrap().contains("damaged"));
    }
}
