//! Codes: the snapshot of every current code that the window shows, the listing of `tock list --codes`,
//! one account's code for `tock code`, and when the next codes are due.
use serde::Serialize;
use tock_core::otp::{self, Code};
use tock_core::vault::{DocStore, SecretStore, VaultError};
use tock_core::{Account, AccountId};
use ts_rs::TS;

use crate::{ticks, Result, Session};

/// The code of one account; codes are what the UI gets, never secrets.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct CodeView {
    pub id: String,
    pub code: String,
    /// The code of the following period (TOTP and Steam).
    pub next_code: Option<String>,
    #[ts(type = "number | null")]
    pub valid_from_ms: Option<u64>,
    /// When the next code takes over; null for HOTP.
    #[ts(type = "number | null")]
    pub valid_until_ms: Option<u64>,
}

/// All current codes, sent on `codes-changed` and by `get_codes`.
#[derive(Serialize, Clone, Debug, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
#[allow(missing_docs)]
pub struct CodesSnapshot {
    #[ts(type = "number")]
    pub generated_at_ms: u64,
    pub codes: Vec<CodeView>,
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Every account's current code at `now_ms` (HOTP counters do not advance). Accounts whose secret is
    /// missing from the keychain are left out (their rows show no code); a keychain that cannot be read fails.
    pub fn snapshot(&self, now_ms: u64) -> Result<CodesSnapshot> {
        let mut inner = self.lock();
        inner.load_secrets()?;
        let now = now_ms / 1000;
        let vault = inner.vault_ref()?;
        let mut codes = Vec::with_capacity(vault.doc().accounts.len());
        for account in &vault.doc().accounts {
            let Some(secret) = inner.secrets.get(&account.id) else {
                continue;
            };
            let current = otp::code_at(secret, &account.params, now);
            let next_code = current
                .valid_until
                .map(|t| otp::code_at(secret, &account.params, t).code);
            codes.push(CodeView {
                id: account.id.to_string(),
                code: current.code,
                next_code,
                valid_from_ms: current.valid_from.map(|t| t * 1000),
                valid_until_ms: current.valid_until.map(|t| t * 1000),
            });
        }
        Ok(CodesSnapshot {
            generated_at_ms: now_ms,
            codes,
        })
    }

    /// Every account with its code at `now` (Unix seconds), in display order, for a listing that must show
    /// them all: fails, naming the account, if a secret is missing from the keychain.
    pub fn all_codes(&self, now: u64) -> Result<Vec<(Account, String)>> {
        let mut inner = self.lock();
        inner.load_secrets()?;
        let vault = inner.vault_ref()?;
        vault
            .doc()
            .accounts
            .iter()
            .map(|a| {
                let secret = inner
                    .secrets
                    .get(&a.id)
                    .ok_or_else(|| VaultError::SecretMissing(a.label()))?;
                Ok((a.clone(), otp::code_at(secret, &a.params, now).code))
            })
            .collect()
    }

    /// The code of one account at `now` (Unix seconds); for HOTP the code of the stored counter, and the
    /// counter advances (a code shown is a code used).
    pub fn use_code(&self, id: &AccountId, now: u64) -> Result<Code> {
        self.with_vault(|vault| Ok(vault.use_code(id, now)?))
    }

    /// The first moment after `now_ms` that is `lead_ms` before some code changes (see [`ticks`]); `None`
    /// without time-based accounts (or without a vault).
    pub fn next_change_ms(&self, now_ms: u64, lead_ms: u64) -> Option<u64> {
        let inner = self.lock();
        let vault = inner.vault_ref().ok()?;
        ticks::next_event_ms(
            vault
                .doc()
                .accounts
                .iter()
                .filter_map(|a| a.params.period()),
            now_ms,
            lead_ms,
        )
    }

    /// The ids of the time-based accounts whose code changes within `window_ms` after `now_ms`.
    pub fn expiring(&self, now_ms: u64, window_ms: u64) -> Vec<String> {
        let inner = self.lock();
        let Ok(vault) = inner.vault_ref() else {
            return Vec::new();
        };
        vault
            .doc()
            .accounts
            .iter()
            .filter(|a| {
                a.params
                    .period()
                    .is_some_and(|p| ticks::changes_within(p, now_ms, window_ms))
            })
            .map(|a| a.id.to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::test_support::{add_rfc_account, memory_session, memory_vault, rfc_account};
    use tock_core::otp::DigitsPolicy;
    use tock_core::{AccountId, OtpKind, OtpParams};

    #[test]
    fn the_snapshot_has_the_current_and_the_next_code() {
        let session = memory_session();
        let id = add_rfc_account(&session, "ACME", OtpParams::totp_default());
        // RFC 6238 SHA1: T=59 gives 94287082 (8 digits); 6 digits: 287082, valid over [30, 60).
        let snapshot = session.snapshot(59_000).unwrap();
        assert_eq!(snapshot.generated_at_ms, 59_000);
        let code = &snapshot.codes[0];
        assert_eq!(code.id, id.to_string());
        assert_eq!(code.code, "287082");
        assert_eq!(
            (code.valid_from_ms, code.valid_until_ms),
            (Some(30_000), Some(60_000))
        );
        let next = session.snapshot(60_000).unwrap().codes[0].code.clone();
        assert_eq!(code.next_code.as_deref(), Some(next.as_str()));
        let listed = session.all_codes(59).unwrap();
        assert_eq!(listed[0].1, "287082");
    }

    #[test]
    fn hotp_codes_advance_only_when_used() {
        let session = memory_session();
        let id = add_rfc_account(
            &session,
            "Bank",
            OtpParams {
                kind: OtpKind::Hotp { counter: 0 },
                ..OtpParams::totp_default()
            },
        );
        // RFC 4226 Appendix D: counter 0 -> 755224, 1 -> 287082.
        assert_eq!(session.snapshot(0).unwrap().codes[0].code, "755224");
        assert_eq!(
            session.snapshot(0).unwrap().codes[0].code,
            "755224",
            "a snapshot does not advance"
        );
        assert_eq!(session.use_code(&id, 0).unwrap().code, "755224");
        assert_eq!(session.use_code(&id, 0).unwrap().code, "287082");
        assert_eq!(session.snapshot(0).unwrap().codes[0].valid_until_ms, None);
    }

    #[test]
    fn a_missing_secret_leaves_the_row_without_a_code_but_fails_the_full_listing() {
        let mut vault = memory_vault();
        vault
            .add(
                rfc_account("ACME"),
                AccountId::from_random([3; 8]),
                0,
                DigitsPolicy::Manual,
            )
            .unwrap();
        vault.secrets().items.borrow_mut().clear();
        let session = crate::Session::from_vault(vault);
        assert!(session.snapshot(0).unwrap().codes.is_empty());
        let e = session.all_codes(0).unwrap_err();
        assert_eq!(e.code, crate::ErrorCode::SecretMissing);
        assert!(e.message.contains("ACME (alice)"), "{e}");
    }

    #[test]
    fn the_next_change_and_the_expiring_codes() {
        let session = memory_session();
        let id = add_rfc_account(&session, "ACME", OtpParams::totp_default());
        assert_eq!(session.next_change_ms(10_200, 0), Some(30_000));
        assert_eq!(session.next_change_ms(10_200, 5_000), Some(25_000));
        assert_eq!(session.expiring(26_000, 5_000), [id.to_string()]);
        assert!(session.expiring(20_000, 5_000).is_empty());
    }
}
