//! What the window hears from Rust: `accounts-changed` and `codes-changed` after every change (made here, by
//! the tray, or by the CLI), and the code ticker's `codes-changed` at period boundaries and `codes-expiring`
//! 5 s before them.
use std::time::Duration;

use tauri::{AppHandle, Emitter, Manager};
use tock_ops::accounts::AccountView;
use tock_ops::Session;
use tokio::sync::Notify;

use crate::desktop::clock::now_ms;

/// Wakes the ticker when accounts change (their periods may have).
#[derive(Default)]
pub struct TickerWake(Notify);

/// How long before a code changes the window shows the next one and turns the ring to its warning colour.
pub const EXPIRING_MS: u64 = 5_000;

/// Tells the window, the tray and the ticker that accounts or codes changed.
pub fn notify_changed(app: &AppHandle) {
    let session = app.state::<Session>();
    if let Ok(accounts) = session.accounts() {
        let _ = app.emit::<Vec<AccountView>>("accounts-changed", accounts);
    }
    emit_codes(app);
    super::tray::refresh(app);
    app.state::<TickerWake>().0.notify_one();
}

fn emit_codes(app: &AppHandle) {
    if let Ok(snapshot) = app.state::<Session>().snapshot(now_ms()) {
        let _ = app.emit("codes-changed", snapshot);
    }
}

/// Sleeps until the next period boundary of any account, then sends the new codes; and 5 s before it, sends
/// the ids of the codes about to change (`codes-expiring`). No polling: with 30-second accounts the window
/// hears from Rust four times a minute.
pub async fn ticker(app: AppHandle) {
    loop {
        let now = now_ms();
        let session = app.state::<Session>();
        let change = session.next_change_ms(now, 0);
        let warn = session.next_change_ms(now, EXPIRING_MS);
        let next = match (change, warn) {
            (Some(c), Some(w)) => Some(c.min(w)),
            (c, w) => c.or(w),
        };
        let wait = next
            .map(|t| t.saturating_sub(now) + 5)
            .unwrap_or(60_000)
            .min(60_000);
        let wake = &app.state::<TickerWake>().0;
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_millis(wait)) => {
                if next.is_some() && next == change {
                    emit_codes(&app);
                }
                let expiring = app.state::<Session>().expiring(now_ms(), EXPIRING_MS + 50);
                if !expiring.is_empty() && next != change {
                    let _ = app.emit("codes-expiring", expiring);
                }
            }
            _ = wake.notified() => {}
        }
    }
}
