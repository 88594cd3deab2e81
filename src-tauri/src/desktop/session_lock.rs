//! Noticing that the session locks or the machine goes to sleep, so that Tock can lock too: the screen
//! saver's `ActiveChanged(true)` on the session bus (org.freedesktop.ScreenSaver, org.gnome.ScreenSaver and
//! the desktops that copy them) and logind's `Lock` (any session of this machine's) and `PrepareForSleep(true)`
//! on the system bus. Each bus has a thread that sleeps on its connection; a bus that is not there (no
//! system bus in a container) is simply not watched.
use std::sync::Arc;

use futures_util::StreamExt;
use zbus::message::Type;
use zbus::{Connection, MatchRule, MessageStream};

/// Calls `on_lock` whenever the session locks or the machine is about to sleep.
pub fn watch(on_lock: impl Fn() + Send + Sync + 'static) {
    let on_lock = Arc::new(on_lock);
    let on_screen_saver = on_lock.clone();
    std::thread::spawn(move || {
        let _ = zbus::block_on(listen(
            Bus::Session,
            &[(None, "ActiveChanged")],
            &*on_screen_saver,
        ));
    });
    std::thread::spawn(move || {
        let _ = zbus::block_on(listen(
            Bus::System,
            &[
                (Some("org.freedesktop.login1.Manager"), "PrepareForSleep"),
                (Some("org.freedesktop.login1.Session"), "Lock"),
            ],
            &*on_lock,
        ));
    });
}

enum Bus {
    Session,
    System,
}

/// Listens for the signals `(interface, member)` on `bus`; `ActiveChanged` and `PrepareForSleep` count only
/// with `true` (the screen saver starting, sleep beginning), `Lock` always.
async fn listen(
    bus: Bus,
    signals: &[(Option<&str>, &str)],
    on_lock: &(dyn Fn() + Send + Sync),
) -> zbus::Result<()> {
    let conn = match bus {
        Bus::Session => Connection::session().await?,
        Bus::System => Connection::system().await?,
    };
    let mut streams = Vec::new();
    for (interface, member) in signals {
        let mut rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .member(*member)?;
        if let Some(interface) = interface {
            rule = rule.interface(*interface)?;
        }
        streams.push(MessageStream::for_match_rule(rule.build(), &conn, Some(8)).await?);
    }
    let mut all = futures_util::stream::select_all(streams);
    while let Some(message) = all.next().await {
        let Ok(message) = message else { continue };
        let header = message.header();
        let member = header
            .member()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default();
        let starts = match member.as_str() {
            "Lock" => true,
            _ => message.body().deserialize::<bool>().unwrap_or(false),
        };
        if starts {
            on_lock();
        }
    }
    Ok(())
}
