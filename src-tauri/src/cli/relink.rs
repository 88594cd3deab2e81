//! `tock relink ID start|show|done STEP|undo STEP|new NEW_ID|finish|cancel`: the re-link checklist of the
//! window's Move dialog (kept in `moves.json`), for the terminal. `finish` removes the old entry, and only
//! once a new account was chosen and its code accepted (`done enter-code`).
//!
//! Every command prints the checklist: the old account, each step with `[x]` or `[ ]`, and the new account.
use std::path::Path;

use clap::builder::TypedValueParser;
use clap::Subcommand;
use tock_ops::moves::{MoveProgress, MovesStore, RelinkStep};
use tock_ops::Session;

use super::CliResult;
use crate::desktop::clock;

/// The steps in order: how they are typed, and how they are printed.
const STEPS: [(RelinkStep, &str, &str); 6] = [
    (RelinkStep::SignIn, "sign-in", "sign in to the site"),
    (
        RelinkStep::TurnOff,
        "turn-off",
        "turn two-factor authentication off",
    ),
    (RelinkStep::TurnOn, "turn-on", "turn it on again"),
    (
        RelinkStep::Scan,
        "scan",
        "scan the new code with Tock (tock scan --screen --add)",
    ),
    (
        RelinkStep::EnterCode,
        "enter-code",
        "the site accepted the new account's code",
    ),
    (
        RelinkStep::BackupCodes,
        "backup-codes",
        "store the new backup codes (tock backup-codes add)",
    ),
];

/// A step as typed: one of the names in [`STEPS`].
fn step_arg() -> impl clap::builder::TypedValueParser<Value = RelinkStep> {
    clap::builder::PossibleValuesParser::new(STEPS.map(|(_, name, _)| name)).map(|name| {
        STEPS
            .iter()
            .find(|(_, n, _)| *n == name)
            .map(|(step, ..)| *step)
            .expect("clap only lets the listed names through")
    })
}

/// What `tock relink ID …` does.
#[derive(Subcommand, Debug)]
pub enum RelinkCommand {
    /// Start a checklist for the account (one already under way is kept).
    Start,
    /// Print the checklist.
    Show,
    /// Tick a step.
    Done {
        /// The step.
        #[arg(value_parser = step_arg())]
        step: RelinkStep,
    },
    /// Untick a step.
    Undo {
        /// The step.
        #[arg(value_parser = step_arg())]
        step: RelinkStep,
    },
    /// Choose the new account (added by scanning the site's new code) that replaces this one.
    New {
        /// The new account's id (or a search matching exactly one account).
        #[arg(value_name = "NEW_ID")]
        new: String,
    },
    /// Remove the old entry: only once the new one is chosen and its code was accepted.
    Finish,
    /// Forget the checklist (nothing is removed).
    Cancel,
}

/// Runs `tock relink QUERY COMMAND` on the vault of `data_dir`.
pub fn run(session: &Session, data_dir: &Path, query: &str, command: RelinkCommand) -> CliResult {
    let id = session.find(query).map_err(|e| e.to_string())?;
    let label = session
        .doc()
        .map_err(|e| e.to_string())?
        .get(&id)
        .map(|a| a.label())
        .unwrap_or_default();
    let store = MovesStore::open(data_dir);
    let progress = match command {
        RelinkCommand::Start => session.start_relink(&store, &id, clock::now()),
        RelinkCommand::Show => session.move_progress(&store),
        RelinkCommand::Done { step } => session.set_relink_step(&store, &id, step, true),
        RelinkCommand::Undo { step } => session.set_relink_step(&store, &id, step, false),
        RelinkCommand::New { new } => {
            let new = session.find(&new).map_err(|e| e.to_string())?;
            session.set_relink_new(&store, &id, Some(&new))
        }
        RelinkCommand::Finish => {
            let p = session
                .finish_relink(&store, &id)
                .map_err(|e| e.to_string())?;
            println!("removed the old entry {label}");
            return print(&p, session, &id.to_string());
        }
        RelinkCommand::Cancel => {
            let p = session
                .cancel_relink(&store, &id)
                .map_err(|e| e.to_string())?;
            println!("forgot the checklist of {label}");
            return print(&p, session, &id.to_string());
        }
    }
    .map_err(|e| e.to_string())?;
    print(&progress, session, &id.to_string())
}

/// Prints the checklist of `id`, if there is one.
fn print(progress: &MoveProgress, session: &Session, id: &str) -> CliResult {
    let Some(r) = progress.relinks.iter().find(|r| r.id == id) else {
        return Ok(());
    };
    println!("re-linking {}", r.label);
    for (step, _, words) in STEPS {
        let mark = if r.steps.contains(&step) { 'x' } else { ' ' };
        println!("[{mark}] {words}");
    }
    let doc = session.doc().map_err(|e| e.to_string())?;
    let new = r
        .new_id
        .as_deref()
        .and_then(tock_core::AccountId::parse)
        .and_then(|n| doc.get(&n).map(|a| format!("{} (id {})", a.label(), a.id)));
    println!("new account: {}", new.as_deref().unwrap_or("not chosen"));
    Ok(())
}
