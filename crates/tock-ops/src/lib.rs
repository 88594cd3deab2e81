//! Tock's operations: everything that more than one face offers — the CLI, the window, the tray and the
//! quick search — over the domain (`tock-core`) and the storage (`tock-store`).
//!
//! A face parses its input (arguments, IPC), calls one operation, and prints or returns the result. The rules
//! live here, once: the open vault and its secret cache ([`Session`]), listing and code snapshots, adding
//! and changing accounts, scan-then-review, backup codes, what a copy copies, and the settings.
//!
//! No Tauri, no GTK, no clock: time is an argument (Unix seconds or milliseconds), read once at the edge.
//! The view types that cross IPC live beside the operations they describe; ts-rs writes their TypeScript
//! twins into `ui/src/lib/bindings` when this crate's tests run.
#![deny(missing_docs)]

pub mod accounts;
pub mod autobackup;
pub mod backup;
pub mod clock;
pub mod codes;
pub mod copy;
pub mod enrol;
pub mod error;
pub mod export;
pub mod import;
pub mod lock;
pub mod moves;
pub mod session;
pub mod settings;
pub mod ticks;
pub mod troubleshoot;

#[cfg(test)]
mod test_support;

pub use error::{capitalise, Error, ErrorCode, Result};
pub use session::Session;
