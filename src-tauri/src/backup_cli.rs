//! `tock backup-codes add|list|use|export`: an account's backup codes from the command line. The codes
//! live in the keychain; only the copy the person asks for with `export` is written to a file, and never
//! into Tock's data folder.
use std::io::Read;
use std::path::{Path, PathBuf};

use clap::{Subcommand, ValueEnum};
use tock_core::backup::{self, BackupCodes, Sheet};
use tock_core::AccountId;
use tock_store::DiskVault;
use zeroize::Zeroizing;

use crate::cli::{now, CliResult};

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

impl ExportFormat {
    /// The sheet in this format.
    pub fn render(self, sheet: &Sheet) -> Zeroizing<String> {
        match self {
            ExportFormat::Txt => sheet.to_txt(),
            ExportFormat::Html => sheet.to_html(),
        }
    }
}

/// Runs one `backup-codes` subcommand on the vault in `data_dir`.
pub fn run(command: BackupCommand, data_dir: &Path) -> CliResult {
    let mut vault = tock_store::open_vault(data_dir).map_err(|e| e.to_string())?;
    match command {
        BackupCommand::Add {
            query,
            file,
            replace,
        } => add(&mut vault, &query, &file, replace),
        BackupCommand::List { query, json } => list(&vault, &query, json),
        BackupCommand::Use { query, code } => {
            let id = find(&vault, &query)?;
            let used = vault
                .use_backup_code(&id, code.as_deref(), now())
                .map_err(|e| e.to_string())?;
            println!("{}", *used);
            let left = vault.doc().get(&id).and_then(|a| a.backup_codes.as_ref());
            if let Some(s) = left.filter(|s| s.left <= backup::LOW_WATER) {
                eprintln!("only {} left: generate new codes on the site and add them with `tock backup-codes add --replace`", s.left);
            }
            Ok(())
        }
        BackupCommand::Export { query, format, out } => {
            export(&vault, &query, format, &out, data_dir)
        }
    }
}

fn find(vault: &DiskVault, query: &str) -> Result<AccountId, String> {
    Ok(vault.find(query).map_err(|e| e.to_string())?.id.clone())
}

fn add(vault: &mut DiskVault, query: &str, file: &str, replace: bool) -> CliResult {
    let id = find(vault, query)?;
    let text = Zeroizing::new(read_text(file)?);
    let found = backup::recognise(&text);
    if found.codes.is_empty() {
        return Err(format!(
            "no backup codes were recognised in {}; check that it holds the codes the site showed",
            if file == "-" { "standard input" } else { file }
        ));
    }
    let codes = BackupCodes::new(found.codes.iter()).map_err(|e| e.to_string())?;
    vault
        .store_backup_codes(&id, &codes, replace, now())
        .map_err(|e| e.to_string())?;
    println!("recognised {} backup codes", codes.total());
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

fn list(vault: &DiskVault, query: &str, json: bool) -> CliResult {
    let id = find(vault, query)?;
    let codes = vault.backup_codes(&id).map_err(|e| e.to_string())?;
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

fn export(
    vault: &DiskVault,
    query: &str,
    format: ExportFormat,
    out: &Path,
    data_dir: &Path,
) -> CliResult {
    let id = find(vault, query)?;
    let account = vault.doc().get(&id).expect("found");
    let codes = vault.backup_codes(&id).map_err(|e| e.to_string())?;
    if is_inside(out, data_dir) {
        return Err(format!(
            "{} is inside Tock's data folder, where codes are never written; choose a place outside it",
            out.display()
        ));
    }
    let sheet = Sheet {
        issuer: &account.issuer,
        name: &account.name,
        codes: &codes,
        now: now(),
    };
    write_copy(out, &format.render(&sheet))?;
    eprintln!(
        "wrote {}; keep it away from this computer (printed, or on another device)",
        out.display()
    );
    Ok(())
}

/// Writes an offline copy (mode 0600 on Unix, replacing the file atomically).
pub fn write_copy(path: &Path, text: &str) -> CliResult {
    tock_store::write_atomically(path, text.as_bytes()).map_err(|e| {
        format!(
            "{} could not be written ({e}); check the folder and free space",
            path.display()
        )
    })
}

/// Whether `path` would land inside `dir` (both resolved as far as they exist).
pub fn is_inside(path: &Path, dir: &Path) -> bool {
    let resolve = |p: &Path| {
        let absolute = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
        // The file may not exist yet: resolve its folder.
        match (absolute.parent(), absolute.file_name()) {
            (Some(parent), Some(name)) => parent
                .canonicalize()
                .map(|p| p.join(name))
                .unwrap_or(absolute),
            _ => absolute,
        }
    };
    let dir = dir
        .canonicalize()
        .unwrap_or_else(|_| std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
    resolve(path).starts_with(dir)
}
