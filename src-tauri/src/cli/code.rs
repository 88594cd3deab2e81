//! `tock code`: the current code of one account (for HOTP: the code of the stored counter, which advances).
use tock_ops::Session;

use super::CliResult;
use crate::desktop::clock;

/// Prints the code of the account `query` names, at `at` (Unix seconds) or now.
pub fn run(session: &Session, query: &str, at: Option<u64>) -> CliResult {
    let id = session.find(query).map_err(|e| e.to_string())?;
    let code = session
        .use_code(&id, at.unwrap_or_else(clock::now))
        .map_err(|e| e.to_string())?;
    println!("{}", code.code);
    Ok(())
}
