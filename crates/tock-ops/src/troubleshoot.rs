//! "Code not accepted?": what one screen needs to check and explain, in the order help pages give — the
//! clock, the previous/current/next codes with their windows (HOTP: the next counter values, to resynchronise),
//! other entries for the same site with when each was added (a site scanned twice: the newest is usually the
//! linked one), and the account itself with its backup codes and sign-in notes.
use serde::Serialize;
use tock_core::otp;
use tock_core::vault::{DocStore, SecretStore};
use tock_core::{AccountId, OtpKind, OtpParams};
use ts_rs::TS;

use crate::accounts::AccountView;
use crate::clock::ClockStatus;
use crate::{Error, Result, Session};

/// How many HOTP codes after the current counter are shown.
pub const HOTP_AHEAD: u64 = 5;

/// A code around now: the previous (-1), current (0) or next (1) one.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct StepCode {
    /// -1, 0 or 1.
    pub step: i32,
    /// The code.
    pub code: String,
    /// When it is (or was) valid from, in milliseconds since the Unix epoch.
    #[ts(type = "number")]
    pub valid_from_ms: u64,
    /// When the following code takes over.
    #[ts(type = "number")]
    pub valid_until_ms: u64,
}

/// An HOTP code at a counter value.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[ts(export)]
pub struct HotpCode {
    /// The counter value.
    #[ts(type = "number")]
    pub counter: u64,
    /// Its code.
    pub code: String,
}

/// Another entry for the same site or the same account name.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct OtherEntry {
    /// The entry (with when it was added).
    pub account: AccountView,
    /// It holds the same key (a harmless duplicate: its codes are the same).
    pub same_secret: bool,
}

/// Everything the "Code not accepted?" screen shows for one account.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct Troubleshoot {
    /// The account.
    pub account: AccountView,
    /// The clock as last measured.
    pub clock: ClockStatus,
    /// TOTP and Steam: the previous, current and next codes.
    pub codes: Vec<StepCode>,
    /// HOTP: the codes of the next counter values.
    pub hotp_next: Vec<HotpCode>,
    /// Other entries for the same issuer or account name, oldest first.
    pub others: Vec<OtherEntry>,
}

fn same_word(a: &str, b: &str) -> bool {
    let (a, b) = (a.trim(), b.trim());
    !a.is_empty() && a.to_lowercase() == b.to_lowercase()
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// The troubleshooter's facts for `id` at `now_ms` (the time codes are computed at: corrected if the
    /// correction is on).
    pub fn troubleshoot(
        &self,
        id: &AccountId,
        now_ms: u64,
        clock: ClockStatus,
    ) -> Result<Troubleshoot> {
        let mut inner = self.lock();
        inner.load_secrets()?;
        let vault = inner.vault_ref()?;
        let account = vault.doc().get(id).ok_or_else(Error::gone)?.clone();
        let secret = inner.secrets.get(id).ok_or_else(|| {
            Error::from(tock_core::vault::VaultError::SecretMissing(account.label()))
        })?;
        let now = now_ms / 1000;
        let mut codes = Vec::new();
        let mut hotp_next = Vec::new();
        match account.params.kind {
            OtpKind::Totp { period } | OtpKind::Steam { period } => {
                let period = u64::from(period.max(1));
                let start = now - now % period;
                for step in [-1i32, 0, 1] {
                    let at = (start as i64 + i64::from(step) * period as i64).max(0) as u64;
                    let code = otp::code_at(secret, &account.params, at);
                    codes.push(StepCode {
                        step,
                        code: code.code,
                        valid_from_ms: at * 1000,
                        valid_until_ms: (at + period) * 1000,
                    });
                }
            }
            OtpKind::Hotp { counter } => {
                for counter in counter..counter.saturating_add(HOTP_AHEAD) {
                    let params = OtpParams {
                        kind: OtpKind::Hotp { counter },
                        ..account.params
                    };
                    hotp_next.push(HotpCode {
                        counter,
                        code: otp::code_at(secret, &params, now).code,
                    });
                }
            }
        }
        let mut others: Vec<OtherEntry> = vault
            .doc()
            .accounts
            .iter()
            .filter(|a| {
                a.id != account.id
                    && (same_word(&a.issuer, &account.issuer) || same_word(&a.name, &account.name))
            })
            .map(|a| OtherEntry {
                account: AccountView::from(a),
                same_secret: inner.secrets.get(&a.id) == Some(secret),
            })
            .collect();
        others.sort_by_key(|o| o.account.added_at);
        Ok(Troubleshoot {
            account: AccountView::from(&account),
            clock,
            codes,
            hotp_next,
            others,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session, rfc_account};
    use tock_core::otp::DigitsPolicy;
    use tock_core::Secret;

    #[test]
    fn codes_around_now_match_rfc_6238_and_other_entries_are_found() {
        let session = memory_session();
        let github = add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        // The same site scanned again later, with a new key, and an unrelated account.
        let again = tock_core::vault::NewAccount {
            secret: Secret::from_bytes(b"another key for github".to_vec()),
            ..rfc_account("github")
        };
        session.add_new(again, DigitsPolicy::Manual, 100).unwrap();
        let unrelated = tock_core::vault::NewAccount {
            name: "bob".into(),
            ..rfc_account("Bank")
        };
        session
            .add_new(unrelated, DigitsPolicy::Manual, 200)
            .unwrap();

        // RFC 6238 Appendix B: T = 59 s gives 94287082 (8 digits); 6 digits keep the last six.
        let t = session
            .troubleshoot(&github, 59_000, ClockStatus::default())
            .unwrap();
        let steps: Vec<(i32, &str, u64)> = t
            .codes
            .iter()
            .map(|c| (c.step, c.code.as_str(), c.valid_from_ms))
            .collect();
        assert_eq!(steps[1], (0, "287082", 30_000));
        assert_eq!(steps[0].0, -1);
        assert_eq!(steps[0].2, 0);
        assert_eq!(steps[2].2, 60_000);
        assert!(t.hotp_next.is_empty());
        let others: Vec<(&str, bool)> = t
            .others
            .iter()
            .map(|o| (o.account.issuer.as_str(), o.same_secret))
            .collect();
        assert_eq!(
            others,
            [("github", false)],
            "same issuer; Bank's name differs"
        );
    }

    #[test]
    fn hotp_shows_the_next_counter_values() {
        let session = memory_session();
        let id = add_rfc_account(
            &session,
            "Vpn",
            OtpParams {
                kind: OtpKind::Hotp { counter: 2 },
                ..OtpParams::totp_default()
            },
        );
        let t = session
            .troubleshoot(&id, 0, ClockStatus::default())
            .unwrap();
        // RFC 4226 Appendix D: counters 2..6.
        let codes: Vec<(u64, &str)> = t
            .hotp_next
            .iter()
            .map(|h| (h.counter, h.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                (2, "359152"),
                (3, "969429"),
                (4, "338314"),
                (5, "254676"),
                (6, "287922")
            ]
        );
        assert!(t.codes.is_empty());
    }
}
