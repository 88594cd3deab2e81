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

use tock_ops::{Error, ErrorCode, Result};

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
