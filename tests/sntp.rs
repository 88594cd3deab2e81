//! A time server for the tests, on 127.0.0.1: it answers SNTP requests (RFC 4330) as a server whose clock is
//! `offset` ahead of this computer's, or never answers, or answers garbage, or sends a Kiss-o'-Death (stratum
//! 0, "RATE"). It stops when dropped.
use std::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// How the server answers.
#[derive(Clone, Copy, Debug)]
pub enum Answer {
    /// As a server whose clock is this many milliseconds ahead of this computer's (so this computer's clock
    /// is that much behind: Tock reports the negated offset).
    OffsetMs(i64),
    /// Never.
    Silent,
    /// Ten bytes that are no NTP packet.
    Garbage,
    /// A Kiss-o'-Death: stratum 0, reference id "RATE".
    KissOfDeath,
}

/// A running server.
pub struct FakeSntp {
    address: String,
    stop: Arc<AtomicBool>,
}

/// Seconds from 1900 (NTP's epoch) to 1970.
const NTP_UNIX_OFFSET: u64 = 2_208_988_800;

fn ntp_timestamp(unix_ms: i128) -> [u8; 8] {
    let secs = (unix_ms.div_euclid(1000)) as u64 + NTP_UNIX_OFFSET;
    let frac = ((unix_ms.rem_euclid(1000) as u64) << 32) / 1000;
    let mut out = [0u8; 8];
    out[..4].copy_from_slice(&(secs as u32).to_be_bytes());
    out[4..].copy_from_slice(&(frac as u32).to_be_bytes());
    out
}

fn now_ms() -> i128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_millis() as i128
}

impl FakeSntp {
    /// Starts a server answering `answer`.
    pub fn start(answer: Answer) -> FakeSntp {
        let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let address = socket.local_addr().unwrap().to_string();
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = stop.clone();
        std::thread::spawn(move || {
            let mut request = [0u8; 512];
            while !stopped.load(Ordering::Relaxed) {
                let Ok((n, from)) = socket.recv_from(&mut request) else {
                    continue;
                };
                if n < 48 {
                    continue;
                }
                let reply: Vec<u8> = match answer {
                    Answer::Silent => continue,
                    Answer::Garbage => b"not ntp!!!".to_vec(),
                    Answer::OffsetMs(offset) => packet(&request, 1, *b"TEST", offset),
                    Answer::KissOfDeath => packet(&request, 0, *b"RATE", 0),
                };
                let _ = socket.send_to(&reply, from);
            }
        });
        FakeSntp { address, stop }
    }

    /// "127.0.0.1:PORT".
    pub fn address(&self) -> String {
        self.address.clone()
    }
}

/// A server reply (mode 4, version 4) to `request`.
fn packet(request: &[u8], stratum: u8, reference: [u8; 4], offset_ms: i64) -> Vec<u8> {
    let server_now = now_ms() + i128::from(offset_ms);
    let mut p = vec![0u8; 48];
    p[0] = 0b00_100_100; // no leap warning, version 4, server
    p[1] = stratum;
    p[2] = 4; // poll
    p[3] = 0xEC; // precision 2^-20
    p[12..16].copy_from_slice(&reference);
    p[16..24].copy_from_slice(&ntp_timestamp(server_now - 1000)); // reference
    p[24..32].copy_from_slice(&request[40..48]); // originate = the client's transmit time
    p[32..40].copy_from_slice(&ntp_timestamp(server_now)); // receive
    p[40..48].copy_from_slice(&ntp_timestamp(server_now)); // transmit
    p
}

impl Drop for FakeSntp {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}
