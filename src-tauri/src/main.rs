//! `tock`: with no arguments the window; with a subcommand the CLI on the same vault.
//!
//! Three groups, each depending only on those below it (ARCHITECTURE.md; `tests/layers.rs` checks it):
//! `cli/` and `window/` are the faces, `desktop/` the operating system's parts they share (clock, clipboard,
//! screen, camera, tray, shortcut, …). Both faces call the same operations, in the `tock-ops` crate.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod cli;
mod desktop;
mod window;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let result = tock_store::data_dir(args.data_dir)
        .map_err(|e| e.to_string())
        .and_then(|dir| match args.command {
            // The CLI never touches GTK, so it works without a display.
            Some(command) => cli::run(command, &dir, args.password_file),
            None => window::run(&dir, args.quick_search),
        });
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
