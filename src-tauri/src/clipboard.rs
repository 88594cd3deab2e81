//! Copying codes with clipboard hygiene, for the window, the tray, the quick search and `tock copy`:
//! the code is marked as sensitive where the platform has a convention for it (KDE's
//! `x-kde-passwordManagerHint` on Linux, `org.nspasteboard.ConcealedType` on macOS, Windows' clipboard
//! history and cloud clipboard exclusions), so clipboard managers skip it; it is cleared after a delay, but
//! only if the clipboard still holds it; and what is said about it never contains the code itself.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;
use tock_core::otp::OtpKind;
use tock_core::vault::{DocStore, SecretStore, Vault, VaultError};
use tock_core::AccountId;
use zeroize::Zeroizing;

use crate::ipc::{CopyReport, ErrorCode, IpcError};
use crate::settings::{NearExpiry, SettingsState};
use crate::state::AppState;

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

/// How long a copy keeps serving the clipboard itself (X11 only; elsewhere the system keeps the text).
#[derive(Clone, Copy, Debug)]
pub enum Serve {
    /// Return at once (a long-running process, such as the window, serves it in the background).
    No,
    /// Block until this moment or until something else is copied.
    Until(Instant),
    /// Block until something else is copied.
    UntilReplaced,
}

/// The system clipboard through arboard.
pub struct SystemClipboard(arboard::Clipboard);

impl SystemClipboard {
    /// Connects to the clipboard (on Linux: the X server, or XWayland).
    pub fn open() -> Result<Self, String> {
        arboard::Clipboard::new().map(SystemClipboard).map_err(|e| {
            format!("the clipboard is not available ({e}); copying needs a graphical session (X11 or XWayland)")
        })
    }

    /// Puts `text` on the clipboard, marked as sensitive; on Linux it then serves it as `serve` says.
    pub fn set_sensitive(&mut self, text: &str, serve: Serve) -> Result<(), String> {
        let set = self.0.set();
        #[cfg(target_os = "linux")]
        let set = {
            use arboard::SetExtLinux;
            match serve {
                Serve::No => set.exclude_from_history(),
                Serve::Until(deadline) => set.exclude_from_history().wait_until(deadline),
                Serve::UntilReplaced => set.exclude_from_history().wait(),
            }
        };
        #[cfg(not(target_os = "linux"))]
        let _ = serve;
        #[cfg(target_os = "macos")]
        let set = {
            use arboard::SetExtApple;
            set.exclude_from_history()
        };
        #[cfg(windows)]
        let set = {
            use arboard::SetExtWindows;
            set.exclude_from_history().exclude_from_cloud()
        };
        set.text(text.to_owned())
            .map_err(|e| format!("the code could not be copied to the clipboard ({e})"))
    }
}

impl Board for SystemClipboard {
    fn text(&mut self) -> Option<String> {
        self.0.get_text().ok()
    }

    fn clear(&mut self) -> Result<(), String> {
        self.0
            .clear()
            .map_err(|e| format!("the clipboard could not be cleared ({e})"))
    }
}

/// The window's clipboard: kept open while Tock runs (on X11 Tock serves what it copied), with the code
/// waiting to be cleared.
#[derive(Default)]
pub struct AppClipboard {
    board: Mutex<Option<SystemClipboard>>,
    /// Bumped by every copy, so only the latest copy's timer clears.
    generation: AtomicU64,
    /// The last code copied, until it is cleared or replaced.
    pending: Mutex<Option<Zeroizing<String>>>,
}

impl AppClipboard {
    fn with_board<T>(
        &self,
        f: impl FnOnce(&mut SystemClipboard) -> Result<T, String>,
    ) -> Result<T, String> {
        let mut board = self.board.lock().unwrap_or_else(|p| p.into_inner());
        if board.is_none() {
            *board = Some(SystemClipboard::open()?);
        }
        f(board.as_mut().expect("just opened"))
    }

    /// Clears the last copied code if the clipboard still holds it (when its delay ends, and at Quit).
    pub fn clear_pending(&self) {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(code) = pending {
            if let Err(e) = self.with_board(|b| clear_if_unchanged(b, &code)) {
                eprintln!("warning: {e}");
            }
        }
    }
}

/// Copies an account's code (window, tray, quick search), schedules its clearing and shows a notification.
pub fn copy(app: &AppHandle, id: &str) -> Result<CopyReport, IpcError> {
    let settings = app.state::<SettingsState>().get();
    let id = AccountId::parse(id)
        .ok_or_else(|| IpcError::new(ErrorCode::NotFound, "That account no longer exists."))?;
    let now = crate::app::now_ms() / 1000;
    let picked = app
        .state::<AppState>()
        .with_vault(|vault| pick(vault, &id, now, settings.near_expiry).map_err(IpcError::from))?;
    copy_text(app, picked.code.clone())?;
    let report = picked.report(settings.clear_after_secs);
    notify(app, &report);
    crate::app::notify_changed(app);
    Ok(report)
}

/// Puts `text` (a code) on the clipboard, marked as sensitive, and clears it after the delay of the
/// settings if the clipboard still holds it (also for backup codes).
pub fn copy_text(app: &AppHandle, text: Zeroizing<String>) -> Result<(), IpcError> {
    let settings = app.state::<SettingsState>().get();
    let clipboard = app.state::<AppClipboard>();
    clipboard
        .with_board(|b| b.set_sensitive(&text, Serve::No))
        .map_err(|e| IpcError::new(ErrorCode::Internal, crate::ipc::capitalise(&e) + "."))?;
    let generation = clipboard.generation.fetch_add(1, Ordering::SeqCst) + 1;
    *clipboard.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(text);
    if settings.clear_after_secs > 0 {
        let app = app.clone();
        let delay = Duration::from_secs(settings.clear_after_secs.into());
        std::thread::spawn(move || {
            std::thread::sleep(delay);
            let clipboard = app.state::<AppClipboard>();
            if clipboard.generation.load(Ordering::SeqCst) == generation {
                clipboard.clear_pending();
            }
        });
    }
    Ok(())
}

/// Shows the copy notification; without a notification service (or permission) the copy still counts.
fn notify(app: &AppHandle, report: &CopyReport) {
    let shown = app
        .notification()
        .builder()
        .title(&report.title)
        .body(&report.body)
        .show();
    if let Err(e) = shown {
        eprintln!("warning: the notification could not be shown ({e})");
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
