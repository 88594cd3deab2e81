//! The clock check's record: the last measured offset of this computer's clock (`clock.json` in the data
//! folder, beside the settings), what the faces say about it, and the correction codes are computed with.
//!
//! The offset is how far this computer's clock is ahead of the time servers' (negative: behind). Measuring it
//! is the desktop layer's work (SNTP over the network); this module only keeps and reads the result, so it
//! takes the time as an argument like the rest of the operations.
use std::path::Path;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::{Error, ErrorCode, Result};

/// The file name inside the data folder.
pub const CLOCK_FILE: &str = "clock.json";

/// An offset this large (either way) is worth telling: sites accept codes for 30 s, some one step more.
pub const NOTABLE_OFFSET_MS: i64 = 5_000;

/// A measurement older than this is taken again before it is used to correct codes.
pub const MAX_AGE_SECS: u64 = 3_600;

/// The last measurement, as saved.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ClockRecord {
    /// How far this computer's clock is ahead of the server's, in milliseconds.
    pub offset_ms: i64,
    /// The server whose answer was taken ("host:port").
    pub server: String,
    /// When (Unix seconds, this computer's clock).
    pub measured_at: u64,
}

impl ClockRecord {
    /// Whether it is too old to correct codes with at `now`.
    pub fn is_stale(&self, now: u64) -> bool {
        now.saturating_sub(self.measured_at) > MAX_AGE_SECS || now < self.measured_at
    }
}

/// Reads the record of `data_dir`; none yet is `Ok(None)`, a damaged file is one that must be measured again.
pub fn load(data_dir: &Path) -> Result<Option<ClockRecord>> {
    let path = data_dir.join(CLOCK_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => Ok(serde_json::from_str(&text).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::new(
            ErrorCode::Storage,
            format!(
                "{} could not be read ({e}); check its permissions",
                path.display()
            ),
        )),
    }
}

/// Saves the record of `data_dir` atomically.
pub fn save(data_dir: &Path, record: &ClockRecord) -> Result<()> {
    let path = data_dir.join(CLOCK_FILE);
    let text = serde_json::to_string_pretty(record).expect("a clock record always serialises");
    tock_store::write_atomically(&path, text.as_bytes()).map_err(|e| {
        Error::new(
            ErrorCode::Storage,
            format!(
                "{} could not be written ({e}); check free space and permissions",
                path.display()
            ),
        )
    })
}

/// What the window shows of the clock.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct ClockStatus {
    /// How far this computer's clock is ahead of the time servers (negative: behind), last measured; null:
    /// never measured.
    #[ts(type = "number | null")]
    pub offset_ms: Option<i64>,
    /// The server that answered ("host:port").
    pub server: Option<String>,
    /// When it was measured (Unix seconds).
    #[ts(type = "number | null")]
    pub measured_at: Option<u64>,
    /// Why the last check failed, in one sentence (no false alarm: the offset above is then not new).
    pub problem: Option<String>,
    /// Codes are computed at the corrected time.
    pub correcting: bool,
    /// The offset taken off this computer's time for codes (0 unless correcting).
    #[ts(type = "number")]
    pub applied_offset_ms: i64,
}

impl ClockStatus {
    /// The status from the last record, the last check's problem, and whether correction is on.
    pub fn new(record: Option<&ClockRecord>, problem: Option<String>, correct: bool) -> Self {
        let applied = if correct {
            record.map_or(0, |r| r.offset_ms)
        } else {
            0
        };
        ClockStatus {
            offset_ms: record.map(|r| r.offset_ms),
            server: record.map(|r| r.server.clone()),
            measured_at: record.map(|r| r.measured_at),
            problem,
            correcting: correct && record.is_some(),
            applied_offset_ms: applied,
        }
    }
}

/// "+47.2 s" or "-0.3 s": an offset as the CLI prints it.
pub fn signed_seconds(offset_ms: i64) -> String {
    let tenths = (offset_ms.unsigned_abs() + 50) / 100;
    let sign = if offset_ms < 0 && tenths > 0 {
        '-'
    } else {
        '+'
    };
    format!("{sign}{}.{} s", tenths / 10, tenths % 10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_load_back_and_age() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), None);
        let record = ClockRecord {
            offset_ms: 47_200,
            server: "127.0.0.1:1234".into(),
            measured_at: 1_000,
        };
        save(dir.path(), &record).unwrap();
        assert_eq!(load(dir.path()).unwrap(), Some(record.clone()));
        assert!(!record.is_stale(1_000 + MAX_AGE_SECS));
        assert!(record.is_stale(1_000 + MAX_AGE_SECS + 1));
        assert!(record.is_stale(999), "a clock set back since");
        std::fs::write(dir.path().join(CLOCK_FILE), "{damaged").unwrap();
        assert_eq!(load(dir.path()).unwrap(), None, "measured again");
    }

    #[test]
    fn the_status_applies_the_offset_only_when_correcting() {
        let record = ClockRecord {
            offset_ms: -3_000,
            server: "s:123".into(),
            measured_at: 5,
        };
        let off = ClockStatus::new(Some(&record), None, false);
        assert_eq!((off.correcting, off.applied_offset_ms), (false, 0));
        let on = ClockStatus::new(Some(&record), None, true);
        assert_eq!((on.correcting, on.applied_offset_ms), (true, -3_000));
        let never = ClockStatus::new(None, Some("no server answered".into()), true);
        assert_eq!((never.correcting, never.offset_ms), (false, None));
    }

    #[test]
    fn offsets_print_with_sign_and_one_decimal() {
        assert_eq!(signed_seconds(47_200), "+47.2 s");
        assert_eq!(signed_seconds(-47_249), "-47.2 s");
        assert_eq!(signed_seconds(0), "+0.0 s");
        assert_eq!(signed_seconds(-300), "-0.3 s");
        assert_eq!(signed_seconds(1_950), "+2.0 s");
        assert_eq!(signed_seconds(-40), "+0.0 s");
    }
}
