//! `tock backup-codes add|list|use|export`: an account's backup codes from the command line. The codes
//! live in the keychain; only the copy the person asks for with `export` is written to a file, and never
//! into Tock's data folder.
use std::io::Read;
use std::path::PathBuf;

use clap::{Subcommand, ValueEnum};
use tock_core::backup;
use tock_ops::backup::CopyFormat;
use tock_ops::Session;
use zeroize::Zeroizing;

use super::CliResult;
use crate::desktop::clock::now;

/// The `backup-codes` subcommands.
#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Read the codes a site gave from a file (- for standard input) and store them in the keychain;
    /// prints how many were recognised.
    Add {
        /// An account id, or text that matches one account's issuer or name.
        #[arg(value_name = "ID_OR_SEARCH")]
        query: String,
        /// The text or file the site gave (one code per line, numbered lists, columns, prose around them…).
        #[arg(value_name = "FILE|-")]
        file: String,
        /// Replace the stored set (the old codes are deleted for good).
        #[arg(long)]
        replace: bool,
    },
    /// Show an account's backup codes and which are used.
    List {
        /// An account id, or text that matches one account's issuer or name.
        #[arg(value_name = "ID_OR_SEARCH")]
        query: String,
        /// Print a JSON array of {"code", "used", "used_at"} (used_at: RFC 3339 or null).
        #[arg(long)]
        json: bool,
    },
    /// Mark a code used (the next unused one unless CODE is given) and print it.
    Use {
        /// An account id, or text that matches one account's issuer or name.
        #[arg(value_name = "ID_OR_SEARCH")]
        query: String,
        /// The code to mark (spaces, dashes and case do not matter).
        #[arg(value_name = "CODE")]
        code: Option<String>,
    },
    /// Write a copy to keep away from this computer: a text file, or an HTML sheet to print.
    Export {
        /// An account id, or text that matches one account's issuer or name.
        #[arg(value_name = "ID_OR_SEARCH")]
        query: String,
        /// txt or html.
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// The file to write (outside Tock's data folder).
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
    },
}

/// The formats of an offline copy.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    /// Plain text.
    Txt,
    /// A print-ready HTML page.
    Html,
}

impl From<ExportFormat> for CopyFormat {
    fn from(format: ExportFormat) -> Self {
        match format {
            ExportFormat::Txt => CopyFormat::Txt,
            ExportFormat::Html => CopyFormat::Html,
        }
    }
}

/// Runs one `backup-codes` subcommand.
pub fn run(command: BackupCommand, session: &Session) -> CliResult {
    match command {
        BackupCommand::Add {
            query,
            file,
            replace,
        } => add(session, &query, &file, replace),
        BackupCommand::List { query, json } => list(session, &query, json),
        BackupCommand::Use { query, code } => {
            let id = session.find(&query).map_err(|e| e.to_string())?;
            let (used, left) = session
                .use_backup_code(&id, code.as_deref(), now())
                .map_err(|e| e.to_string())?;
            println!("{}", *used);
            if left.total > 0 && left.left <= backup::LOW_WATER {
                eprintln!("only {} left: generate new codes on the site and add them with `tock backup-codes add --replace`", left.left);
            }
            Ok(())
        }
        BackupCommand::Export { query, format, out } => {
            let id = session.find(&query).map_err(|e| e.to_string())?;
            session
                .export_backup_codes(&id, format.into(), &out, now())
                .map_err(|e| e.to_string())?;
            eprintln!(
                "wrote {}; keep it away from this computer (printed, or on another device)",
                out.display()
            );
            Ok(())
        }
    }
}

fn add(session: &Session, query: &str, file: &str, replace: bool) -> CliResult {
    let id = session.find(query).map_err(|e| e.to_string())?;
    let text = Zeroizing::new(read_text(file)?);
    let found = backup::recognise(&text);
    if found.codes.is_empty() {
        return Err(format!(
            "no backup codes were recognised in {}; check that it holds the codes the site showed",
            if file == "-" { "standard input" } else { file }
        ));
    }
    let stored = session
        .save_backup_codes(&id, &found.codes, replace, now())
        .map_err(|e| e.to_string())?;
    let total = stored.backup.codes.map_or(0, |c| c.total);
    println!("recognised {total} backup codes");
    if !found.ignored.is_empty() {
        let lines: Vec<String> = found.ignored.iter().map(|i| i.line.to_string()).collect();
        eprintln!(
            "skipped lines without a code: {}; if one held a code, fix the file and add it again with --replace",
            lines.join(", ")
        );
    }
    if found.duplicates > 0 {
        eprintln!("left out {} repeated codes", found.duplicates);
    }
    Ok(())
}

fn read_text(file: &str) -> Result<String, String> {
    let mut bytes = Zeroizing::new(Vec::new());
    if file == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("could not read standard input ({e})"))?;
    } else {
        *bytes = std::fs::read(file)
            .map_err(|e| format!("{file} could not be read ({e}); check the path"))?;
    }
    String::from_utf8(bytes.to_vec()).map_err(|_| {
        format!(
            "{file} is not text; give the text file the site offers, or paste the codes into one"
        )
    })
}

/// One code as `list --json` prints it.
#[derive(serde::Serialize)]
struct ListedCode<'a> {
    code: &'a str,
    used: bool,
    used_at: Option<String>,
}

fn list(session: &Session, query: &str, json: bool) -> CliResult {
    let id = session.find(query).map_err(|e| e.to_string())?;
    let codes = session.backup_codes(&id).map_err(|e| e.to_string())?;
    if json {
        let listed: Vec<ListedCode> = codes
            .codes()
            .iter()
            .map(|c| ListedCode {
                code: c.code(),
                used: c.used_at().is_some(),
                used_at: c.used_at().map(backup::rfc3339),
            })
            .collect();
        let text = Zeroizing::new(serde_json::to_string_pretty(&listed).expect("serialisable"));
        println!("{}", *text);
        return Ok(());
    }
    for (index, code) in codes.codes().iter().enumerate() {
        match code.used_at() {
            Some(at) => println!(
                "{:>3}. {}  used {}",
                index + 1,
                code.code(),
                backup::date(at)
            ),
            None => println!("{:>3}. {}", index + 1, code.code()),
        }
    }
    eprintln!("{} of {} unused", codes.remaining(), codes.total());
    Ok(())
}
