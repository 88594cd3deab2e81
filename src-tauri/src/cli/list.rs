//! `tock list`: the accounts (never their secrets), as a table or JSON, optionally with their current codes.
use tock_core::{Account, Algorithm, OtpKind};
use tock_ops::Session;

use super::CliResult;
use crate::desktop::clock;

/// One account as `tock list --json` prints it.
#[derive(serde::Serialize)]
struct ListedAccount<'a> {
    id: &'a str,
    issuer: &'a str,
    name: &'a str,
    kind: &'static str,
    algorithm: Algorithm,
    digits: u8,
    period: Option<u32>,
    counter: Option<u64>,
    added_at: u64,
    notes: &'a str,
    /// How the person signs in to the site ("google", …), if they said.
    sign_in: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
}

impl<'a> ListedAccount<'a> {
    fn new(a: &'a Account, code: Option<String>) -> Self {
        ListedAccount {
            id: a.id.as_str(),
            issuer: &a.issuer,
            name: &a.name,
            kind: a.params.kind_name(),
            algorithm: a.params.algorithm,
            digits: a.params.digits,
            period: a.params.period(),
            counter: a.params.counter(),
            added_at: a.added_at,
            notes: &a.notes,
            sign_in: a.sign_in.map(|m| m.id()),
            code,
        }
    }
}

/// Lists the accounts; with `with_codes`, every secret is read from the keychain and the current codes shown
/// (HOTP counters do not advance).
pub fn run(session: &Session, json: bool, with_codes: bool) -> CliResult {
    let listed: Vec<(Account, Option<String>)> = if with_codes {
        session
            .all_codes(clock::now())
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|(a, code)| (a, Some(code)))
            .collect()
    } else {
        let doc = session.doc().map_err(|e| e.to_string())?;
        doc.accounts.into_iter().map(|a| (a, None)).collect()
    };
    if json {
        let out: Vec<ListedAccount> = listed
            .iter()
            .map(|(a, code)| ListedAccount::new(a, code.clone()))
            .collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serialisable")
        );
        return Ok(());
    }
    if listed.is_empty() {
        eprintln!(
            "no accounts yet; add one with `tock add otpauth://…` or open the window with `tock`"
        );
        return Ok(());
    }
    for (a, code) in &listed {
        let algorithm = a.params.algorithm.as_str();
        let digits = a.params.digits;
        let detail = match a.params.kind {
            OtpKind::Totp { period } => format!("totp {algorithm} {digits} digits every {period}s"),
            OtpKind::Hotp { counter } => {
                format!("hotp {algorithm} {digits} digits, counter {counter}")
            }
            OtpKind::Steam { .. } => "steam".to_owned(),
        };
        match code {
            Some(code) => println!(
                "{}  {code:>10}  {:<20} {:<28} {detail}",
                a.id, a.issuer, a.name
            ),
            None => println!("{}  {:<20} {:<28} {detail}", a.id, a.issuer, a.name),
        }
    }
    Ok(())
}
