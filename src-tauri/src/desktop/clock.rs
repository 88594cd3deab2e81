//! The clock: the one place Tock reads the time (the core and the operations take it as an argument).
//!
//! With the clock correction on (Settings, `tock time correct on`), the time Tock uses is this computer's
//! minus the last measured offset ([`set_correction_ms`]); [`raw_now`] is the uncorrected reading, for
//! measuring and recording the offset itself.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds taken off this computer's clock (how far it is ahead of the time servers), or 0.
static CORRECTION_MS: AtomicI64 = AtomicI64::new(0);

/// Corrects every later reading by `offset_ms` (0: no correction).
pub fn set_correction_ms(offset_ms: i64) {
    CORRECTION_MS.store(offset_ms, Ordering::Relaxed);
}

/// The correction in force, in milliseconds.
pub fn correction_ms() -> i64 {
    CORRECTION_MS.load(Ordering::Relaxed)
}

/// Milliseconds since the Unix epoch on this computer's clock, uncorrected.
pub fn raw_now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// Seconds since the Unix epoch on this computer's clock, uncorrected.
pub fn raw_now() -> u64 {
    raw_now_ms() / 1000
}

/// Milliseconds since the Unix epoch, corrected if the correction is on.
pub fn now_ms() -> u64 {
    (raw_now_ms() as i64 - correction_ms()).max(0) as u64
}

/// Seconds since the Unix epoch, corrected if the correction is on.
pub fn now() -> u64 {
    now_ms() / 1000
}
