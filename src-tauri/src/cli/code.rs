//! `tock code`: the current code of one account (for HOTP: the code of the stored counter, which advances).
//! With the clock correction on and no `--at`, the code is computed at the corrected time and stderr says
//! `clock corrected by -47.2 s`.
use std::path::Path;

use tock_ops::clock::signed_seconds;
use tock_ops::{settings, Session};

use super::CliResult;
use crate::desktop::{clock, time_check};

/// Prints the code of the account `query` names, at `at` (Unix seconds) or now.
pub fn run(session: &Session, data_dir: &Path, query: &str, at: Option<u64>) -> CliResult {
    let id = session.find(query).map_err(|e| e.to_string())?;
    if at.is_none() {
        let settings = settings::load(data_dir)?;
        let (record, problem) = time_check::correction(data_dir, &settings);
        match (&problem, &record) {
            (Some(why), Some(_)) => eprintln!("warning: {why}; using the offset measured before"),
            (Some(why), None) => eprintln!("warning: {why}; the code is not corrected"),
            _ => {}
        }
        if let Some(record) = record {
            clock::set_correction_ms(record.offset_ms);
            eprintln!("clock corrected by {}", signed_seconds(-record.offset_ms));
        }
    }
    let code = session
        .use_code(&id, at.unwrap_or_else(clock::now))
        .map_err(|e| e.to_string())?;
    println!("{}", code.code);
    Ok(())
}
