//! `tock`: with no arguments the window; with a subcommand the CLI on the same vault.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod app;
mod backup_cli;
mod backup_window;
mod camera;
mod capture;
mod cli;
mod clipboard;
mod commands;
mod copy_cli;
mod desktop;
mod enrol;
mod hotkey;
mod ipc;
mod menu;
mod portal;
mod quick;
mod scan;
mod settings;
mod state;
mod ticks;
mod tray;
mod watch;

use clap::Parser;

fn main() {
    let args = cli::Cli::parse();
    let result = tock_store::data_dir(args.data_dir)
        .map_err(|e| e.to_string())
        .and_then(|dir| match args.command {
            // The CLI never touches GTK, so it works without a display.
            Some(cli::Command::Scan {
                images,
                screen,
                add,
                json,
            }) => scan::run(
                scan::ScanArgs {
                    images,
                    screen,
                    add,
                    json,
                },
                || tock_store::open_vault(&dir).map_err(|e| e.to_string()),
            ),
            Some(cli::Command::BackupCodes { command }) => backup_cli::run(command, &dir),
            Some(cli::Command::Copy(args)) => copy_cli::run(args, &dir),
            Some(command) => tock_store::open_vault(&dir)
                .map_err(|e| e.to_string())
                .and_then(|mut vault| cli::run(command, &mut vault)),
            None => {
                // WebKitGTK's DMA-BUF renderer repaints the whole window through (often software) GL at every
                // step of the countdown rings: without it idle CPU halves (docs/PERFORMANCE.md). It also avoids
                // WebKitGTK's blank-window bugs on some GPU drivers. A value the user set wins.
                if std::env::var_os("WEBKIT_DISABLE_DMABUF_RENDERER").is_none() {
                    std::env::set_var("WEBKIT_DISABLE_DMABUF_RENDERER", "1");
                }
                app::run(&dir, args.quick_search)
            }
        });
    if let Err(message) = result {
        eprintln!("error: {message}");
        std::process::exit(1);
    }
}
