//! `tock remove`: an account, its keychain item and its backup codes.
use tock_ops::Session;

use super::CliResult;

/// Removes the account `query` names and says which it was.
pub fn run(session: &Session, query: &str) -> CliResult {
    let id = session.find(query).map_err(|e| e.to_string())?;
    let removed = session.delete(&id).map_err(|e| e.to_string())?;
    eprintln!("removed {}", removed.label());
    Ok(())
}
