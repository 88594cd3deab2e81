//! Progress of moving accounts, kept across restarts in `moves.json` beside the vault (no secret in it):
//! which accounts the person confirmed on their other device, and the re-link checklists under way.
//!
//! Re-linking an account the safe way: sign in to the site, turn two-factor authentication off, turn it on
//! again, scan the new code, enter its code on the site, store the new backup codes. The old entry is removed
//! only after a new one was chosen and its code accepted ([`Session::finish_relink`]).
//! Entries of accounts that no longer exist are dropped when the progress is read.
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};
use tock_core::vault::{DocStore, SecretStore};
use tock_core::AccountId;
use ts_rs::TS;

use crate::{Error, ErrorCode, Result, Session};

/// The file name inside the data folder.
pub const MOVES_FILE: &str = "moves.json";

/// A step of the re-link checklist, in order.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RelinkStep {
    /// Sign in to the site.
    SignIn,
    /// Turn two-factor authentication off.
    TurnOff,
    /// Turn it on again (the site shows a new QR code).
    TurnOn,
    /// Scan the new code with Tock (and the phone).
    Scan,
    /// Enter the new account's code on the site; the site accepted it.
    EnterCode,
    /// Store the new backup codes.
    BackupCodes,
}

/// A re-link checklist under way, as saved.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
struct Relink {
    id: AccountId,
    steps: Vec<RelinkStep>,
    new_id: Option<AccountId>,
    started_at: u64,
}

/// The saved file.
#[derive(Serialize, Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, rename_all = "camelCase")]
struct Moves {
    verified: Vec<AccountId>,
    relinks: Vec<Relink>,
}

/// A re-link checklist, for the window.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct RelinkView {
    /// The old account.
    pub id: String,
    /// Its label.
    pub label: String,
    /// The steps done.
    pub steps: Vec<RelinkStep>,
    /// The new account chosen as its replacement.
    pub new_id: Option<String>,
    /// When the checklist was started (Unix seconds).
    #[ts(type = "number")]
    pub started_at: u64,
}

/// Where moving stands.
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq, TS)]
#[ts(export)]
pub struct MoveProgress {
    /// Accounts confirmed on the other device (the same code shown on both).
    pub verified: Vec<String>,
    /// Re-link checklists under way.
    pub relinks: Vec<RelinkView>,
}

/// The progress file of one data folder; edits are serialised.
pub struct MovesStore {
    path: Option<PathBuf>,
    memory: Mutex<Moves>,
}

impl MovesStore {
    /// The progress kept in `data_dir`.
    pub fn open(data_dir: &Path) -> Self {
        MovesStore {
            path: Some(data_dir.join(MOVES_FILE)),
            memory: Mutex::new(Moves::default()),
        }
    }

    /// Progress kept in memory only (tests).
    pub fn in_memory() -> Self {
        MovesStore {
            path: None,
            memory: Mutex::new(Moves::default()),
        }
    }

    fn load(&self, memory: &Moves) -> Result<Moves> {
        let Some(path) = &self.path else {
            return Ok(memory.clone());
        };
        match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Error::new(
                    ErrorCode::Storage,
                    format!(
                        "the migration progress file {} is damaged ({e}); delete it to start the checklists again",
                        path.display()
                    ),
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Moves::default()),
            Err(e) => Err(Error::new(
                ErrorCode::Storage,
                format!("{} could not be read ({e}); check its permissions", path.display()),
            )),
        }
    }

    /// Reads, changes and saves the progress under one lock.
    fn edit<T>(&self, f: impl FnOnce(&mut Moves) -> Result<T>) -> Result<T> {
        let mut memory = self.memory.lock().unwrap_or_else(|p| p.into_inner());
        let mut moves = self.load(&memory)?;
        let out = f(&mut moves)?;
        match &self.path {
            Some(path) => {
                let text =
                    serde_json::to_string_pretty(&moves).expect("progress always serialises");
                tock_store::write_atomically(path, text.as_bytes()).map_err(|e| {
                    Error::new(
                        ErrorCode::Storage,
                        format!(
                            "{} could not be written ({e}); check free space and permissions",
                            path.display()
                        ),
                    )
                })?;
            }
            None => *memory = moves,
        }
        Ok(out)
    }
}

impl Moves {
    /// The re-link checklist of `id`, or why there is none.
    fn checklist(&mut self, id: &AccountId) -> Result<&mut Relink> {
        self.relinks
            .iter_mut()
            .find(|r| &r.id == id)
            .ok_or_else(no_checklist)
    }
}

fn no_checklist() -> Error {
    Error::new(
        ErrorCode::NotFound,
        "this account has no re-link checklist under way; start one first",
    )
}

impl<S: SecretStore, D: DocStore> Session<S, D> {
    /// Where moving stands, for the accounts that still exist.
    pub fn move_progress(&self, store: &MovesStore) -> Result<MoveProgress> {
        let doc = self.doc()?;
        let memory = store.memory.lock().unwrap_or_else(|p| p.into_inner());
        let moves = store.load(&memory)?;
        Ok(MoveProgress {
            verified: moves
                .verified
                .iter()
                .filter(|id| doc.get(id).is_some())
                .map(ToString::to_string)
                .collect(),
            relinks: moves
                .relinks
                .iter()
                .filter_map(|r| {
                    let account = doc.get(&r.id)?;
                    Some(RelinkView {
                        id: r.id.to_string(),
                        label: account.label(),
                        steps: r.steps.clone(),
                        new_id: r
                            .new_id
                            .as_ref()
                            .filter(|n| doc.get(n).is_some())
                            .map(ToString::to_string),
                        started_at: r.started_at,
                    })
                })
                .collect(),
        })
    }

    /// Records (or takes back) that the other device shows the same code for `id`.
    pub fn set_verified(
        &self,
        store: &MovesStore,
        id: &AccountId,
        verified: bool,
    ) -> Result<MoveProgress> {
        self.doc()?.get(id).ok_or_else(Error::gone)?;
        store.edit(|m| {
            m.verified.retain(|v| v != id);
            if verified {
                m.verified.push(id.clone());
            }
            Ok(())
        })?;
        self.move_progress(store)
    }

    /// Starts a re-link checklist for `id` at `now` (Unix seconds); one already under way is kept.
    pub fn start_relink(
        &self,
        store: &MovesStore,
        id: &AccountId,
        now: u64,
    ) -> Result<MoveProgress> {
        self.doc()?.get(id).ok_or_else(Error::gone)?;
        store.edit(|m| {
            if !m.relinks.iter().any(|r| &r.id == id) {
                m.relinks.push(Relink {
                    id: id.clone(),
                    steps: Vec::new(),
                    new_id: None,
                    started_at: now,
                });
            }
            Ok(())
        })?;
        self.move_progress(store)
    }

    /// Ticks (or unticks) a step of `id`'s checklist.
    pub fn set_relink_step(
        &self,
        store: &MovesStore,
        id: &AccountId,
        step: RelinkStep,
        done: bool,
    ) -> Result<MoveProgress> {
        store.edit(|m| {
            let r = m.checklist(id)?;
            r.steps.retain(|s| *s != step);
            if done {
                r.steps.push(step);
            }
            Ok(())
        })?;
        self.move_progress(store)
    }

    /// Chooses the account that replaces `id` (or none).
    pub fn set_relink_new(
        &self,
        store: &MovesStore,
        id: &AccountId,
        new_id: Option<&AccountId>,
    ) -> Result<MoveProgress> {
        if let Some(new_id) = new_id {
            if new_id == id {
                return Err(Error::invalid(
                    "the new account must be another entry than the one being re-linked; scan the site's new code first",
                ));
            }
            self.doc()?.get(new_id).ok_or_else(Error::gone)?;
        }
        store.edit(|m| {
            let r = m.checklist(id)?;
            r.new_id = new_id.cloned();
            Ok(())
        })?;
        self.move_progress(store)
    }

    /// Removes the old account `id` once its replacement is chosen and its code was accepted, and closes the
    /// checklist.
    pub fn finish_relink(&self, store: &MovesStore, id: &AccountId) -> Result<MoveProgress> {
        let doc = self.doc()?;
        store.edit(|m| {
            let r = m.relinks.iter().find(|r| &r.id == id).ok_or_else(no_checklist)?;
            let replaced = r.new_id.as_ref().is_some_and(|n| doc.get(n).is_some());
            if !replaced || !r.steps.contains(&RelinkStep::EnterCode) {
                return Err(Error::invalid(
                    "the old entry is removed only after the new one is chosen and the site accepted its code",
                ));
            }
            self.delete(id)?;
            m.relinks.retain(|r| &r.id != id);
            m.verified.retain(|v| v != id);
            Ok(())
        })?;
        self.move_progress(store)
    }

    /// Forgets `id`'s checklist (nothing is deleted).
    pub fn cancel_relink(&self, store: &MovesStore, id: &AccountId) -> Result<MoveProgress> {
        store.edit(|m| {
            m.relinks.retain(|r| &r.id != id);
            Ok(())
        })?;
        self.move_progress(store)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{add_rfc_account, memory_session};
    use tock_core::OtpParams;

    #[test]
    fn the_old_entry_goes_only_after_the_new_one_is_confirmed() {
        let session = memory_session();
        let old = add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        let store = MovesStore::in_memory();
        let p = session.start_relink(&store, &old, 100).unwrap();
        assert_eq!(p.relinks[0].label, "GitHub (alice)");
        assert_eq!(p.relinks[0].started_at, 100);

        let e = session.finish_relink(&store, &old).unwrap_err();
        assert!(e.message.contains("only after"), "{e}");
        for step in [
            RelinkStep::SignIn,
            RelinkStep::TurnOff,
            RelinkStep::EnterCode,
        ] {
            session.set_relink_step(&store, &old, step, true).unwrap();
        }
        assert!(
            session.finish_relink(&store, &old).is_err(),
            "no new account chosen"
        );
        assert!(session.set_relink_new(&store, &old, Some(&old)).is_err());

        let new = add_rfc_account(&session, "github", OtpParams::totp_default());
        let p = session.set_relink_new(&store, &old, Some(&new)).unwrap();
        assert_eq!(p.relinks[0].new_id, Some(new.to_string()));
        session
            .set_relink_step(&store, &old, RelinkStep::EnterCode, false)
            .unwrap();
        assert!(
            session.finish_relink(&store, &old).is_err(),
            "code not yet accepted"
        );
        session
            .set_relink_step(&store, &old, RelinkStep::EnterCode, true)
            .unwrap();
        let p = session.finish_relink(&store, &old).unwrap();
        assert!(p.relinks.is_empty());
        let left: Vec<String> = session
            .accounts()
            .unwrap()
            .into_iter()
            .map(|a| a.id)
            .collect();
        assert_eq!(left, [new.to_string()]);
    }

    #[test]
    fn progress_survives_a_restart_and_forgets_deleted_accounts() {
        let dir = tempfile::tempdir().unwrap();
        let session = memory_session();
        let a = add_rfc_account(&session, "GitHub", OtpParams::totp_default());
        let b = add_rfc_account(&session, "Bank", OtpParams::totp_default());
        let store = MovesStore::open(dir.path());
        session.set_verified(&store, &a, true).unwrap();
        session.set_verified(&store, &b, true).unwrap();
        session.set_verified(&store, &b, false).unwrap();
        session.start_relink(&store, &b, 5).unwrap();
        session
            .set_relink_step(&store, &b, RelinkStep::SignIn, true)
            .unwrap();

        let again = MovesStore::open(dir.path());
        let p = session.move_progress(&again).unwrap();
        assert_eq!(p.verified, [a.to_string()]);
        assert_eq!(p.relinks[0].steps, [RelinkStep::SignIn]);

        session.delete(&b).unwrap();
        assert!(session.move_progress(&again).unwrap().relinks.is_empty());
        assert!(session.set_verified(&again, &b, true).is_err(), "gone");

        std::fs::write(dir.path().join(MOVES_FILE), "{broken").unwrap();
        let e = session.move_progress(&again).unwrap_err();
        assert!(e.message.contains("damaged"), "{e}");
    }
}
