//! The Tauri commands, by what they are about. Each is a few lines: deserialize, call one operation of
//! [`tock_ops`] (or a desktop part), tell the window and the tray what changed, return.
pub mod accounts;
pub mod autobackup;
pub mod backup;
pub mod camera;
pub mod lock;
pub mod scan;
pub mod settings;
pub mod transfer;
pub mod trouble;

use std::sync::Mutex;

use tock_ops::{Error, ErrorCode, Result};

/// A file a dialog read and holds until the next step uses it or the dialog closes (an import, a restore):
/// one at a time, taken out to be used, forgotten on locking (with any secret it holds).
pub struct Slot<T>(Mutex<Option<T>>);

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot(Mutex::new(None))
    }
}

impl<T> Slot<T> {
    /// Drops what is held: locking forgets it.
    pub fn forget(&self) {
        drop(self.take());
    }

    fn take(&self) -> Option<T> {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn put(&self, value: T) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = Some(value);
    }
}

/// Runs blocking work (the keychain, a camera, a file) off the async runtime's threads.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T> + Send + 'static) -> Result<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| internal(e.to_string()))?
}

/// A failure of Tock itself (a task that did not finish), for a scan.
fn internal(message: String) -> Error {
    Error::new(ErrorCode::Internal, format!("Scanning failed ({message})."))
}
