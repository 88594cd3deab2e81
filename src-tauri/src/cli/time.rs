//! `tock time check [--server HOST[:PORT]]... [--json]`: measures this computer's clock against time servers
//! (SNTP), prints `offset +47.2 s (HOST:PORT)` (how far this clock is ahead; negative when behind) and records
//! it. `tock time correct on|off`: codes (`tock code`, the window) are computed at the corrected time.
use std::path::Path;

use clap::{Subcommand, ValueEnum};
use tock_ops::clock::{self, signed_seconds};
use tock_ops::settings;

use super::CliResult;
use crate::desktop::time_check;

/// What `tock time` does.
#[derive(Subcommand, Debug)]
pub enum TimeCommand {
    /// Measure the clock's offset now and record it (every server at once, a few seconds at most).
    Check {
        /// Ask this server instead of the configured ones (repeatable).
        #[arg(long = "server", value_name = "HOST[:PORT]")]
        servers: Vec<String>,
        /// Print {"offsetMs", "server", "measuredAt"} as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Compute codes at the corrected time (the last recorded offset, measured again when over an hour old).
    Correct {
        /// on or off.
        #[arg(value_enum)]
        state: OnOff,
    },
}

/// on or off.
#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum OnOff {
    /// Turn it on.
    On,
    /// Turn it off.
    Off,
}

/// Runs `tock time …` on the data folder `data_dir`.
pub fn run(command: TimeCommand, data_dir: &Path) -> CliResult {
    let mut settings = settings::load(data_dir)?;
    match command {
        TimeCommand::Check { servers, json } => {
            let servers = if servers.is_empty() {
                time_check::servers(&settings.time_servers)
            } else {
                servers
            };
            let record = time_check::check_and_record(data_dir, &servers)?;
            if json {
                println!(
                    "{}",
                    serde_json::json!({
                        "offsetMs": record.offset_ms,
                        "server": record.server,
                        "measuredAt": record.measured_at,
                    })
                );
            } else {
                println!(
                    "offset {} ({})",
                    signed_seconds(record.offset_ms),
                    record.server
                );
            }
            Ok(())
        }
        TimeCommand::Correct { state } => {
            settings.correct_clock = matches!(state, OnOff::On);
            settings::save(data_dir, &settings)?;
            match (state, clock::load(data_dir).map_err(|e| e.message)?) {
                (OnOff::Off, _) => println!("clock correction off"),
                (OnOff::On, Some(r)) => println!(
                    "clock correction on (last offset {}, from {})",
                    signed_seconds(r.offset_ms),
                    r.server
                ),
                (OnOff::On, None) => {
                    println!(
                        "clock correction on (no offset recorded yet: the next code measures it)"
                    )
                }
            }
            Ok(())
        }
    }
}
