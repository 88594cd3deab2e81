//! The system clipboard, with clipboard hygiene: what Tock copies is marked as sensitive where the platform
//! has a convention for it (KDE's `x-kde-passwordManagerHint` on Linux, `org.nspasteboard.ConcealedType` on
//! macOS, Windows' clipboard history and cloud clipboard exclusions), so clipboard managers skip it, and it is
//! cleared after a delay only if the clipboard still holds it ([`tock_ops::copy::clear_if_unchanged`]).
//! Which code to copy and what to say about it is [`tock_ops::copy`]'s.
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tock_ops::copy::{clear_if_unchanged, Board};
use zeroize::Zeroizing;

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

/// A long-running Tock's clipboard (the window's): kept open while Tock runs (on X11 Tock serves what it
/// copied), with the code waiting to be cleared.
#[derive(Default, Clone)]
pub struct AppClipboard(Arc<Shared>);

#[derive(Default)]
struct Shared {
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
        let mut board = self.0.board.lock().unwrap_or_else(|p| p.into_inner());
        if board.is_none() {
            *board = Some(SystemClipboard::open()?);
        }
        f(board.as_mut().expect("just opened"))
    }

    /// Puts `text` (a code) on the clipboard, marked as sensitive, and after `clear_after_secs` (0: never)
    /// clears it if the clipboard still holds it and nothing was copied since.
    pub fn copy(&self, text: Zeroizing<String>, clear_after_secs: u32) -> Result<(), String> {
        self.with_board(|b| b.set_sensitive(&text, Serve::No))?;
        let generation = self.0.generation.fetch_add(1, Ordering::SeqCst) + 1;
        *self.0.pending.lock().unwrap_or_else(|p| p.into_inner()) = Some(text);
        if clear_after_secs > 0 {
            let clipboard = self.clone();
            let delay = Duration::from_secs(clear_after_secs.into());
            std::thread::spawn(move || {
                std::thread::sleep(delay);
                if clipboard.0.generation.load(Ordering::SeqCst) == generation {
                    clipboard.clear_pending();
                }
            });
        }
        Ok(())
    }

    /// Clears the last copied code if the clipboard still holds it (when its delay ends, and at Quit).
    pub fn clear_pending(&self) {
        let pending = self
            .0
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
