//! Tock's core: everything about one-time passwords that does not touch the OS.
//!
//! Architecture invariants (see ARCHITECTURE.md):
//! - no Tauri, no keychain, no camera, no file or clock access: time, bytes and secrets are passed in;
//! - secrets live in [`Secret`], which zeroizes on drop, prints `<redacted>` and cannot be serialised.
#![deny(missing_docs)]

pub mod account;
pub mod backup;
pub mod export;
pub mod import;
pub mod lock;
pub mod migration;
pub mod otp;
pub mod qr;
pub mod secret;
pub mod uri;
pub mod vault;

pub use account::{Account, AccountId, SignInMethod, VaultDoc};
pub use otp::{Algorithm, Code, OtpKind, OtpParams};
pub use secret::Secret;
pub use uri::OtpAuthUri;
