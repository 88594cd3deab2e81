//! Copying's policy, the same for the window, the tray, the quick search and `tock copy`: which code a copy
//! takes (the current one, or the next one in the last seconds), what is said about it (never the code
//! itself), and the clearing rule (clear only what was copied, so nothing the person copied since is lost).
//! Putting text on the system clipboard is the desktop's job.
use serde::Serialize;
use tock_core::otp::OtpKind;
use tock_core::vault::{DocStore, SecretStore, Vault, VaultError};
use tock_core::AccountId;
use ts_rs::TS;
use zeroize::Zeroizing;

use crate::settings::NearExpiry;
use crate::Session;

/// What a copy tells the person (never the code): the notification's title and body, and the window's toast.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct CopyReport {
    /// "Code copied: GitHub (alice)".
    pub title: String,
    /// How long the code stays valid and when the clipboard is cleared.
    pub body: String,
    /// "Copied", "Copied: 3 s left" or "Copied the next code".
    pub toast: String,
}

/// A code with fewer seconds than this left is "about to change".
pub const NEAR_EXPIRY_SECS: u64 = 5;

/// The code chosen for a copy, and what to tell the person about it.
pub struct Picked {
    /// The code (zeroized when dropped).
    pub code: Zeroizing<String>,
    /// "Issuer (name)".
    pub label: String,
    /// Seconds the copied code stays valid; `None` for HOTP (valid until used).
    pub remaining: Option<u64>,
    /// The next code was copied because the current one was about to change.
    pub next: bool,
}

/// Chooses the code to copy at `now` (Unix seconds): the current one, or with [`NearExpiry::CopyNext`] the
/// next one when the current one has fewer than [`NEAR_EXPIRY_SECS`] left. HOTP counters advance (as with
/// every use); the account is recorded as used (a failure to record that does not stop the copy).
pub fn pick<S: SecretStore, D: DocStore>(
    vault: &mut Vault<S, D>,
    id: &AccountId,
    now: u64,
    near: NearExpiry,
) -> Result<Picked, VaultError> {
    let current = vault.use_code(id, now)?;
    let account = vault
        .doc()
        .get(id)
        .ok_or_else(|| VaultError::NotFound(id.to_string()))?;
    let label = account.label();
    let hotp = matches!(account.params.kind, OtpKind::Hotp { .. });
    let left = current.valid_until.map(|until| until.saturating_sub(now));
    let picked = match (current.valid_until, left) {
        (Some(until), Some(left))
            if !hotp && left < NEAR_EXPIRY_SECS && near == NearExpiry::CopyNext =>
        {
            let next = vault.use_code(id, until)?;
            Picked {
                code: Zeroizing::new(next.code),
                label,
                remaining: next.valid_until.map(|u| u.saturating_sub(now)),
                next: true,
            }
        }
        _ => Picked {
            code: Zeroizing::new(current.code),
            label,
            remaining: left,
            next: false,
        },
    };
    if let Err(e) = vault.mark_used(id, now) {
        eprintln!("warning: could not record that the account was used ({e})");
    }
    Ok(picked)
}

fn seconds(n: u64) -> String {
    if n == 1 {
        "1 second".into()
    } else {
        format!("{n} seconds")
    }
}

impl Picked {
    /// What to say about the copy: a title naming the account, and a sentence or two on how long the code
    /// is valid and when the clipboard is cleared (`clear_after` seconds, 0: never). Never the code.
    pub fn report(&self, clear_after: u32) -> CopyReport {
        let validity = match (self.remaining, self.next) {
            (None, _) => "Counter-based code: valid until it is used.".to_owned(),
            (Some(left), true) => format!(
                "The current code was about to change, so the next one was copied; it is valid for {}.",
                seconds(left)
            ),
            (Some(left), false) if left < NEAR_EXPIRY_SECS => format!(
                "Only {} left before this code changes: if the site rejects it, copy again for the next one.",
                seconds(left)
            ),
            (Some(left), false) => format!("Valid for {}.", seconds(left)),
        };
        let clearing = match clear_after {
            0 => String::new(),
            n => format!(" The clipboard is cleared in {}.", seconds(n.into())),
        };
        let toast = match (self.remaining, self.next) {
            (_, true) => "Copied the next code".to_owned(),
            (Some(left), false) if left < NEAR_EXPIRY_SECS => format!("Copied: {left} s left"),
            _ => "Copied".to_owned(),
        };
        CopyReport {
            title: format!("Code copied: {}", self.label),
            body: validity + &clearing,
            toast,
        }
    }
}

/// What a clipboard must do for the clearing rule (the real one, or a fake in tests).
pub trait Board {
    /// The clipboard's text, if it holds text.
    fn text(&mut self) -> Option<String>;
    /// Empties the clipboard.
    fn clear(&mut self) -> Result<(), String>;
}

/// The clearing rule: clear only if the clipboard still holds exactly what was copied, so that something the
/// person copied since is never lost. Returns whether it cleared.
pub fn clear_if_unchanged(board: &mut impl Board, copied: &str) -> Result<bool, String> {
    let current = board.text().map(Zeroizing::new);
    if current.as_deref().map(String::as_str) != Some(copied) {
        return Ok(false);
    }
    board.clear()?;
    Ok(true)
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Chooses the code to copy for account `id` at `now` (see [`pick`]).
    pub fn pick_code(&self, id: &AccountId, now: u64, near: NearExpiry) -> crate::Result<Picked> {
        self.with_vault(|vault| Ok(pick(vault, id, now, near)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tock_core::otp::DigitsPolicy;
    use tock_core::vault::memory::{MemoryDoc, MemorySecrets};
    use tock_core::vault::NewAccount;
    use tock_core::{OtpParams, Secret};

    /// A clipboard in memory.
    struct FakeBoard(Option<String>);

    impl Board for FakeBoard {
        fn text(&mut self) -> Option<String> {
            self.0.clone()
        }
        fn clear(&mut self) -> Result<(), String> {
            self.0 = None;
            Ok(())
        }
    }

    #[test]
    fn clears_only_what_it_copied() {
        let mut board = FakeBoard(Some("123456".into()));
        assert!(clear_if_unchanged(&mut board, "123456").unwrap());
        assert_eq!(board.0, None);

        let mut changed = FakeBoard(Some("something the person copied since".into()));
        assert!(!clear_if_unchanged(&mut changed, "123456").unwrap());
        assert_eq!(
            changed.0.as_deref(),
            Some("something the person copied since")
        );

        let mut empty = FakeBoard(None);
        assert!(!clear_if_unchanged(&mut empty, "123456").unwrap());
    }

    fn vault_with(params: OtpParams) -> (Vault<MemorySecrets, MemoryDoc>, AccountId) {
        let mut v = Vault::open(MemorySecrets::default(), MemoryDoc::default(), || {
            "v".into()
        })
        .unwrap();
        let id = AccountId::from_random([1; 8]);
        let new = NewAccount {
            issuer: "ACME".into(),
            name: "alice".into(),
            // RFC 6238 Appendix B's SHA1 seed.
            secret: Secret::from_bytes(b"12345678901234567890".to_vec()),
            params,
            notes: String::new(),
        };
        v.add(new, id.clone(), 0, DigitsPolicy::Manual).unwrap();
        (v, id)
    }

    #[test]
    fn near_expiry_warns_or_copies_the_next_code() {
        let (mut v, id) = vault_with(OtpParams::totp_default());
        // RFC 6238 SHA1, 8 digits: T=59 -> 94287082; at T=57 the code has 3 s left. The 6-digit codes are
        // the last six digits: 287082 for [30, 60) and, for [60, 90), the code of T=60.
        let warned = pick(&mut v, &id, 57, NearExpiry::Warn).unwrap();
        assert_eq!(
            (warned.code.as_str(), warned.remaining, warned.next),
            ("287082", Some(3), false)
        );
        let report = warned.report(30);
        assert_eq!(report.title, "Code copied: ACME (alice)");
        assert!(
            report.body.starts_with("Only 3 seconds left"),
            "{}",
            report.body
        );
        assert!(report
            .body
            .ends_with("The clipboard is cleared in 30 seconds."));
        assert!(!report.body.contains("287082") && !report.title.contains("287082"));

        let next = pick(&mut v, &id, 57, NearExpiry::CopyNext).unwrap();
        let expected = v.use_code(&id, 60).unwrap().code;
        assert_eq!(
            (next.code.as_str(), next.remaining, next.next),
            (expected.as_str(), Some(33), true)
        );
        assert_eq!(next.report(0).toast, "Copied the next code");
        assert!(!next.report(0).body.contains("cleared"));

        let early = pick(&mut v, &id, 40, NearExpiry::CopyNext).unwrap();
        assert_eq!(
            (early.code.as_str(), early.remaining, early.next),
            ("287082", Some(20), false)
        );
        assert_eq!(
            early.report(5).body,
            "Valid for 20 seconds. The clipboard is cleared in 5 seconds."
        );
        assert_eq!(v.doc().accounts[0].last_used, Some(40), "recorded as used");
    }

    #[test]
    fn hotp_codes_have_no_expiry_and_advance() {
        let (mut v, id) = vault_with(OtpParams {
            kind: OtpKind::Hotp { counter: 0 },
            ..OtpParams::totp_default()
        });
        // RFC 4226 Appendix D, counters 0 and 1.
        let first = pick(&mut v, &id, 57, NearExpiry::CopyNext).unwrap();
        assert_eq!(
            (first.code.as_str(), first.remaining, first.next),
            ("755224", None, false)
        );
        assert_eq!(
            first.report(30).body,
            "Counter-based code: valid until it is used. The clipboard is cleared in 30 seconds."
        );
        assert_eq!(
            pick(&mut v, &id, 57, NearExpiry::Warn)
                .unwrap()
                .code
                .as_str(),
            "287082"
        );
    }
}
