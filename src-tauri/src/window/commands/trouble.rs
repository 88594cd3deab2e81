//! When a code is rejected or a sign-in fails (thin, over [`tock_ops::clock`], [`tock_ops::troubleshoot`] and
//! the sign-in notes of [`tock_ops::accounts`]): the clock check (measured on a worker thread, at start-up
//! and on demand, again every hour while the correction is on), the correction applied to every code, the
//! "Code not accepted?" screen's facts, and how the person signs in to each site.
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Emitter, Manager, State};
use tock_core::SignInMethod;
use tock_ops::accounts::AccountView;
use tock_ops::clock::{self as record, ClockStatus};
use tock_ops::session::parse_id;
use tock_ops::settings::SettingsStore;
use tock_ops::troubleshoot::Troubleshoot;
use tock_ops::{capitalise, Result, Session};

use super::blocking;
use crate::desktop::{clock, time_check};
use crate::window::events::notify_changed;

/// How long a failed check waits before the next one (while the correction needs a fresh offset).
const RETRY_AFTER: Duration = Duration::from_secs(600);

/// Why the last clock check failed (shown once by the window), if it did.
#[derive(Default)]
pub struct ClockState {
    problem: Mutex<Option<String>>,
}

/// The clock as last measured, and the correction in force.
fn status(app: &AppHandle) -> ClockStatus {
    let last = app
        .state::<Session>()
        .data_dir()
        .and_then(|dir| record::load(dir).ok().flatten());
    let problem = app
        .state::<ClockState>()
        .problem
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    ClockStatus::new(
        last.as_ref(),
        problem,
        app.state::<SettingsStore>().get().correct_clock,
    )
}

/// Applies the correction the settings and the last record call for, and tells the window if it changed.
fn apply_correction(app: &AppHandle) -> ClockStatus {
    let status = status(app);
    if clock::correction_ms() != status.applied_offset_ms {
        clock::set_correction_ms(status.applied_offset_ms);
        notify_changed(app);
    }
    let _ = app.emit("clock-status", status.clone());
    status
}

/// Measures the clock now (blocking: call it off the UI thread), records it, applies the correction.
fn measure(app: &AppHandle) -> ClockStatus {
    let servers = time_check::servers(&app.state::<SettingsStore>().get().time_servers);
    let outcome = match app.state::<Session>().data_dir() {
        Some(dir) => time_check::check_and_record(dir, &servers).map(|_| ()),
        None => time_check::measure(&servers).map(|_| ()),
    };
    *app.state::<ClockState>()
        .problem
        .lock()
        .unwrap_or_else(|p| p.into_inner()) = outcome.err().map(|e| format!("{}.", capitalise(&e)));
    apply_correction(app)
}

/// At start-up: applies the recorded correction, checks the clock if the settings ask, and while the
/// correction is on measures again whenever the record is over an hour old.
pub fn start(app: &AppHandle) {
    apply_correction(app);
    let app = app.clone();
    std::thread::spawn(move || {
        if app.state::<SettingsStore>().get().check_clock_at_start {
            measure(&app);
        }
        // Offline, a failed check is tried again after ten minutes, not every minute.
        let mut next_try = Instant::now();
        loop {
            std::thread::sleep(Duration::from_secs(60));
            let settings = app.state::<SettingsStore>().get();
            let stale = app
                .state::<Session>()
                .data_dir()
                .and_then(|dir| record::load(dir).ok().flatten())
                .is_none_or(|r| r.is_stale(clock::raw_now()));
            if settings.correct_clock && stale && Instant::now() >= next_try {
                measure(&app);
                next_try = Instant::now() + RETRY_AFTER;
            }
        }
    });
}

/// Applies the settings' correction after they were saved.
pub fn settings_saved(app: &AppHandle) {
    apply_correction(app);
}

/// The clock as last measured (no network).
#[tauri::command]
pub fn get_clock(app: AppHandle) -> ClockStatus {
    status(&app)
}

/// Measures the clock now; a failure comes back as the status's `problem`, never as an error.
#[tauri::command]
pub async fn check_clock(app: AppHandle) -> Result<ClockStatus> {
    blocking(move || Ok(measure(&app))).await
}

/// Turns the correction on or off.
#[tauri::command]
pub async fn set_clock_correction(app: AppHandle, on: bool) -> Result<ClockStatus> {
    blocking(move || {
        let store = app.state::<SettingsStore>();
        let mut settings = store.get();
        settings.correct_clock = on;
        store.set(settings)?;
        let stale = status(&app)
            .measured_at
            .is_none_or(|t| clock::raw_now().saturating_sub(t) > record::MAX_AGE_SECS);
        Ok(if on && stale {
            measure(&app)
        } else {
            apply_correction(&app)
        })
    })
    .await
}

/// What the "Code not accepted?" screen shows for `id`.
#[tauri::command]
pub fn troubleshoot(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
) -> Result<Troubleshoot> {
    session.troubleshoot(&parse_id(&id)?, clock::now_ms(), status(&app))
}

/// Records how the person signs in to the site of `id`, and their notes.
#[tauri::command]
pub fn set_sign_in(
    app: AppHandle,
    session: State<'_, Session>,
    id: String,
    method: Option<SignInMethod>,
    notes: String,
) -> Result<AccountView> {
    let view = session.set_sign_in(&parse_id(&id)?, method, &notes)?;
    notify_changed(&app);
    Ok(view)
}
