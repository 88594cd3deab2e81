//! The app lock in the window (thin, over [`tock_ops::lock`]): its status, unlocking, locking (on demand,
//! after the idle time of the settings, when the session locks or the machine sleeps), turning it on or off,
//! its password, and where the secrets are. Every change is announced with `lock-changed`; locking also
//! rebuilds the tray's menu without any account.
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::ipc::Channel;
use tauri::{AppHandle, Emitter, Manager};
use tock_ops::lock::{LockStatus, ProgressStep, StorageKind};
use tock_ops::settings::SettingsStore;
use tock_ops::{Result, Session};
use zeroize::Zeroizing;

use super::blocking;
use crate::desktop::clock::raw_now;
use crate::window::events::notify_changed;

/// When the person last did something in Tock (Unix seconds): input in the window, a copy from the tray
/// or the quick search.
#[derive(Default)]
pub struct Activity(AtomicU64);

impl Activity {
    /// Notes activity now.
    pub fn touch(&self) {
        self.0.store(raw_now(), Ordering::Relaxed);
    }
}

/// The only commands the window may call while Tock is locked: none of them reads an account.
pub const ALLOWED_WHILE_LOCKED: &[&str] = &[
    "lock_status",
    "unlock",
    "lock_now",
    "note_activity",
    "show_unlock",
    "close_palette",
    "ui_painted",
    "get_settings",
    "get_clock",
];

/// The gate in front of every command: while locked, any command not in [`ALLOWED_WHILE_LOCKED`] is refused
/// with `locked` before it runs (the operations refuse too; this also covers the ones that would open a
/// native dialog first). Returns the refusal, or `None` to let the command run.
pub fn refuse_while_locked(app: &AppHandle, command: &str) -> Option<tock_ops::Error> {
    (!ALLOWED_WHILE_LOCKED.contains(&command) && app.state::<Session>().is_locked())
        .then(tock_ops::Error::locked)
}

fn status(app: &AppHandle) -> Result<LockStatus> {
    app.state::<Session>().lock_status(raw_now())
}

/// Tells the window, the tray and the quick search that the lock changed.
pub fn announce(app: &AppHandle) {
    if let Ok(status) = status(app) {
        let _ = app.emit("lock-changed", status);
    }
    if app.state::<Session>().is_locked() {
        super::super::tray::refresh(app);
    } else {
        notify_changed(app);
    }
}

/// Locks now, if the lock is on and Tock unlocked: the session forgets the key, the cached secrets and the
/// scans awaiting review; the window forgets an import or a restore under way and stops the camera.
pub fn lock(app: &AppHandle) {
    let session = app.state::<Session>();
    if session.lock_enabled() && !session.is_locked() {
        session.lock_now();
        // What the window holds beside the session: an import or a restore under way, the camera.
        app.state::<super::transfer::ImportState>().forget();
        app.state::<super::autobackup::RestoreState>().forget();
        app.state::<crate::desktop::camera::Cameras>().stop();
        announce(app);
    }
}

/// Whether the lock is on, whether Tock is locked, where the secrets are, and how long to wait.
#[tauri::command]
pub async fn lock_status(app: AppHandle) -> Result<LockStatus> {
    blocking(move || status(&app)).await
}

/// Unlocks with the password (Argon2id takes about half a second: off the UI thread).
#[tauri::command]
pub async fn unlock(app: AppHandle, password: String) -> Result<LockStatus> {
    let password = Zeroizing::new(password);
    blocking(move || {
        app.state::<Session>().unlock(&password, raw_now())?;
        app.state::<Activity>().touch();
        let handle = app.clone();
        std::thread::spawn(move || handle.state::<Session>().preload());
        announce(&app);
        status(&app)
    })
    .await
}

/// Locks now (Ctrl+L, the header's button).
#[tauri::command]
pub fn lock_now(app: AppHandle) {
    lock(&app);
}

/// Input in the window: postpones the idle lock.
#[tauri::command]
pub fn note_activity(app: AppHandle) {
    app.state::<Activity>().touch();
}

fn sender(channel: Channel<ProgressStep>) -> impl FnMut(ProgressStep) {
    let mut last = std::time::Instant::now();
    move |step: ProgressStep| {
        if step.done == step.total || last.elapsed().as_millis() >= 50 {
            last = std::time::Instant::now();
            let _ = channel.send(step);
        }
    }
}

/// Runs a move of the items (`f`, given the password and the progress sink) off the UI thread, then tells
/// everyone what changed and returns the new status.
async fn moving(
    app: AppHandle,
    password: String,
    on_progress: Channel<ProgressStep>,
    f: impl FnOnce(&Session, &str, &mut dyn FnMut(ProgressStep)) -> Result<()> + Send + 'static,
) -> Result<LockStatus> {
    let password = Zeroizing::new(password);
    blocking(move || {
        f(&app.state::<Session>(), &password, &mut sender(on_progress))?;
        announce(&app);
        status(&app)
    })
    .await
}

/// Turns the lock on with this password (every item sealed; progress on the channel).
#[tauri::command]
pub async fn enable_lock(
    app: AppHandle,
    password: String,
    on_progress: Channel<ProgressStep>,
) -> Result<LockStatus> {
    moving(app, password, on_progress, |s, pw, p| s.enable_lock(pw, p)).await
}

/// Turns the lock off (the password is checked first).
#[tauri::command]
pub async fn disable_lock(
    app: AppHandle,
    password: String,
    on_progress: Channel<ProgressStep>,
) -> Result<LockStatus> {
    moving(app, password, on_progress, |s, pw, p| {
        s.disable_lock(pw, raw_now(), p)
    })
    .await
}

/// Changes the lock's password.
#[tauri::command]
pub async fn change_lock_password(
    app: AppHandle,
    old_password: String,
    new_password: String,
) -> Result<()> {
    let (old, new) = (Zeroizing::new(old_password), Zeroizing::new(new_password));
    blocking(move || {
        app.state::<Session>()
            .change_lock_password(&old, &new, raw_now())
    })
    .await
}

/// Moves the secrets to the keychain or the encrypted file.
#[tauri::command]
pub async fn set_storage(
    app: AppHandle,
    kind: StorageKind,
    password: String,
    on_progress: Channel<ProgressStep>,
) -> Result<LockStatus> {
    moving(app, password, on_progress, move |s, pw, p| {
        s.set_storage(kind, pw, raw_now(), p)
    })
    .await
}

/// From the quick search while locked: the main window on its lock screen.
#[tauri::command]
pub fn show_unlock(app: AppHandle) {
    super::super::palette::close(&app);
    super::super::main_window::show(&app);
}

/// The idle lock: checks every few seconds whether the settings' idle time has passed without activity.
pub fn start(app: &AppHandle) {
    app.state::<Activity>().touch();
    let app = app.clone();
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(2));
        let idle_limit = u64::from(app.state::<SettingsStore>().get().auto_lock_secs);
        if idle_limit == 0 {
            continue;
        }
        let last = app.state::<Activity>().0.load(Ordering::Relaxed);
        if raw_now().saturating_sub(last) >= idle_limit {
            lock(&app);
            app.state::<Activity>().touch();
        }
    });
}
