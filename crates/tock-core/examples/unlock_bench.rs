//! How long unlocking takes: the app lock's Argon2id key derivation and unwrap (`tock_core::lock::unwrap`)
//! with the parameters new locks use, beside the reference implementation of Argon2 (the `argon2` command of
//! the P-H-C reference code, Debian's package `argon2`) with the same parameters, interleaved, in one run.
//!
//! `cargo run --release -p tock-core --example unlock_bench [-- ROUNDS]` (the dev profile builds tock-core and
//! argon2 optimised too). Prints Markdown rows for docs/PERFORMANCE.md.
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use tock_core::lock::{self, KdfParams, VaultKey};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let p = KdfParams::DEFAULT;
    let wrapped = lock::wrap(
        &VaultKey::from_bytes([7; 32]),
        "correct horse",
        p,
        [1; 16],
        [2; 24],
    );
    let log2_m = (p.m_kib as f64).log2().round() as u32;
    assert_eq!(
        1u32 << log2_m,
        p.m_kib,
        "the reference takes memory as a power of two"
    );
    let (mut ours, mut reference) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let start = Instant::now();
        lock::unwrap(&wrapped, "correct horse").expect("the right password");
        ours.push(start.elapsed().as_secs_f64() * 1000.0);

        let start = Instant::now();
        let mut child = Command::new("argon2")
            .args([
                "saltsaltsaltsalt",
                "-id",
                "-t",
                &p.t.to_string(),
                "-m",
                &log2_m.to_string(),
            ])
            .args(["-p", &p.p.to_string(), "-l", "32", "-r"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the argon2 command (apt install argon2)");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(b"correct horse")
            .unwrap();
        assert!(child.wait().unwrap().success());
        reference.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let (o, r) = (median(ours), median(reference));
    println!(
        "Argon2id m = {} MiB, t = {}, p = {}; {rounds} interleaved rounds",
        p.m_kib / 1024,
        p.t,
        p.p
    );
    println!("| step | median |");
    println!("| --- | --- |");
    println!("| Tock: derive the password key and unwrap the vault key (in process) | {o:.0} ms |");
    println!("| reference: the `argon2` command, same parameters (whole process) | {r:.0} ms |");
    println!("| ratio | {:.2}× |", o / r);
}
