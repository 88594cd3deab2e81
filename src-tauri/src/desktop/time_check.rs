//! Measuring this computer's clock against time servers (SNTP, through rsntp): every server at once, each
//! with a short timeout, the whole check bounded; never on the UI thread (callers run it on a worker).
//!
//! A measurement is trusted only when the servers that answered agree: one answer, or several within
//! [`MAX_DISAGREEMENT_MS`] of each other (then the median is taken). Servers that send a Kiss-o'-Death, garbage
//! or nothing count as not answering.
use std::sync::mpsc;
use std::time::{Duration, Instant};

use std::path::Path;

use tock_ops::clock::{self as record, ClockRecord};
use tock_ops::settings::Settings;

use super::clock;

/// How long each server is waited for.
pub const PER_SERVER_TIMEOUT: Duration = Duration::from_millis(2_000);

/// The whole check's bound (name lookups included: a server whose name does not resolve in time is dropped).
pub const OVERALL_TIMEOUT: Duration = Duration::from_millis(2_500);

/// Answers further apart than this are not trusted (one of the servers is wrong, or the network is odd).
pub const MAX_DISAGREEMENT_MS: i64 = 1_000;

/// The environment variable that replaces the settings' servers (comma-separated), for tests.
pub const SERVERS_ENV: &str = "TOCK_TIME_SERVERS";

/// The servers to ask: `TOCK_TIME_SERVERS` if set, else `configured`.
pub fn servers(configured: &[String]) -> Vec<String> {
    match std::env::var(SERVERS_ENV) {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect(),
        _ => configured.to_vec(),
    }
}

/// "host:port" (port 123 unless given).
fn with_port(server: &str) -> String {
    let bare_ipv6 = server.parse::<std::net::Ipv6Addr>().is_ok();
    if bare_ipv6 {
        format!("[{server}]:123")
    } else if server.contains(':') {
        server.to_owned()
    } else {
        format!("{server}:123")
    }
}

/// Asks every server at once; the record of the agreed offset, or one sentence saying why there is none.
pub fn measure(servers: &[String]) -> Result<ClockRecord, String> {
    if servers.is_empty() {
        return Err("could not check the clock: no time server is set; add one in Settings".into());
    }
    let (tx, rx) = mpsc::channel();
    for server in servers {
        let (tx, server) = (tx.clone(), with_port(server));
        std::thread::spawn(move || {
            let mut client = rsntp::SntpClient::new();
            client.set_timeout(PER_SERVER_TIMEOUT);
            let answer = match client.synchronize(server.as_str()) {
                Ok(r) => Ok((-r.clock_offset().as_secs_f64() * 1000.0).round() as i64),
                Err(rsntp::SynchronizationError::IOError(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    Err(None)
                }
                Err(e) if e.is_kiss_of_death() => {
                    Err(Some("it asked Tock to stop (Kiss-o'-Death)".to_owned()))
                }
                Err(e) => Err(Some(e.to_string())),
            };
            let _ = tx.send((server, answer));
        });
    }
    drop(tx);
    let deadline = Instant::now() + OVERALL_TIMEOUT;
    let mut answers: Vec<(String, i64)> = Vec::new();
    let mut refusals = Vec::new();
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok((server, Ok(offset))) => answers.push((server, offset)),
            Ok((server, Err(Some(why)))) => refusals.push(format!("{server}: {why}")),
            Ok((_, Err(None))) => {} // no answer in time
            Err(_) => break,         // timed out, or every server has answered
        }
    }
    let measured_at = clock::raw_now();
    agree(answers, refusals, measured_at)
}

/// Measures with `servers` and records the result in `data_dir`.
pub fn check_and_record(data_dir: &Path, servers: &[String]) -> Result<ClockRecord, String> {
    let measured = measure(servers)?;
    record::save(data_dir, &measured).map_err(|e| e.message)?;
    Ok(measured)
}

/// The offset codes are corrected by under `settings`: none when the correction is off or nothing was ever
/// measured; a record older than an hour is measured again first (if that fails, the old one is used and
/// the second value says why).
pub fn correction(data_dir: &Path, settings: &Settings) -> (Option<ClockRecord>, Option<String>) {
    if !settings.correct_clock {
        return (None, None);
    }
    let last = record::load(data_dir).ok().flatten();
    match last {
        Some(r) if !r.is_stale(clock::raw_now()) => (Some(r), None),
        last => match check_and_record(data_dir, &servers(&settings.time_servers)) {
            Ok(fresh) => (Some(fresh), None),
            Err(why) => (last, Some(why)),
        },
    }
}

/// The agreed offset of the answers, or why there is none.
fn agree(
    mut answers: Vec<(String, i64)>,
    refusals: Vec<String>,
    measured_at: u64,
) -> Result<ClockRecord, String> {
    if answers.is_empty() {
        return Err(match refusals.first() {
            Some(first) => {
                format!("could not check the clock: no time server gave a usable answer ({first})")
            }
            None => "could not check the clock: no time server answered".into(),
        });
    }
    answers.sort_by_key(|(_, offset)| *offset);
    let spread = answers[answers.len() - 1].1 - answers[0].1;
    if spread > MAX_DISAGREEMENT_MS {
        return Err(format!(
            "could not check the clock: the time servers disagree by {:.1} s",
            spread as f64 / 1000.0
        ));
    }
    let (server, offset_ms) = answers.swap_remove(answers.len() / 2);
    Ok(ClockRecord {
        offset_ms,
        server,
        measured_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_agreeing_answers_and_nothing_from_disagreeing_ones() {
        let a = |s: &str, o: i64| (s.to_owned(), o);
        let r = agree(
            vec![a("a:123", 47_100), a("b:123", 47_300), a("c:123", 47_200)],
            vec![],
            9,
        )
        .unwrap();
        assert_eq!(
            (r.server.as_str(), r.offset_ms, r.measured_at),
            ("c:123", 47_200, 9)
        );
        let e = agree(
            vec![a("a:123", 0), a("b:123", 5_000)],
            vec!["c:123: x".into()],
            9,
        )
        .unwrap_err();
        assert!(e.contains("disagree by 5.0 s"), "{e}");
        assert!(agree(vec![], vec![], 9)
            .unwrap_err()
            .contains("no time server answered"));
        let e = agree(vec![], vec!["c:123: Kiss-o'-Death".into()], 9).unwrap_err();
        assert!(e.ends_with("usable answer (c:123: Kiss-o'-Death)"), "{e}");
        assert_eq!(with_port("pool.ntp.org"), "pool.ntp.org:123");
        assert_eq!(with_port("127.0.0.1:5123"), "127.0.0.1:5123");
        assert_eq!(with_port("::1"), "[::1]:123");
    }
}
