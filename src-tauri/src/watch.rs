//! Changes made outside the window — `tock add` in a terminal, another program — reach the window and the
//! tray: the data folder is watched (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows)
//! and a vault document that really changed is announced like a change made in the window. The watcher's
//! thread sleeps until the file system says something happened: no polling.
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use tauri::{AppHandle, Manager};
use tock_core::VaultDoc;

use crate::state::AppState;

/// Writes come in bursts (temporary file, rename); one look after the burst is enough.
const SETTLE: Duration = Duration::from_millis(150);

/// Starts watching `data_dir`. Without a watcher (e.g. no inotify instances left) Tock still works: changes
/// made elsewhere then show with the next change made in the window.
pub fn start(app: &AppHandle, data_dir: &Path) {
    let (tx, rx) = mpsc::channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        let touches_vault = event.is_ok_and(|e| {
            e.paths
                .iter()
                .any(|p| p.file_name().is_some_and(|n| n == tock_store::VAULT_FILE))
        });
        if touches_vault {
            let _ = tx.send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            return eprintln!("warning: changes made outside the window will not show at once: {e}")
        }
    };
    // The folder, not the file: the file is replaced by a rename at every write.
    if let Err(e) = watcher.watch(data_dir, RecursiveMode::NonRecursive) {
        return eprintln!("warning: changes made outside the window will not show at once: {e}");
    }
    let app = app.clone();
    std::thread::spawn(move || {
        let _watcher = watcher; // lives as long as this thread
        let mut seen = current_doc(&app);
        while rx.recv().is_ok() {
            while rx.recv_timeout(SETTLE).is_ok() {}
            let now = current_doc(&app);
            if now.is_some() && now != seen {
                crate::app::notify_changed(&app);
            }
            seen = now;
        }
    });
}

fn current_doc(app: &AppHandle) -> Option<VaultDoc> {
    app.state::<AppState>().doc().ok()
}
