//! `tock note ID [--method METHOD] [--text TEXT]`: how you sign in to the site and your notes on the account.
//! With neither option it prints them; otherwise it sets what is given and prints the result.
use clap::Args;
use tock_core::SignInMethod;
use tock_ops::Session;

use super::CliResult;

/// Arguments of `tock note`.
#[derive(Args, Debug)]
pub struct NoteArgs {
    /// The account id (or a search matching exactly one account).
    #[arg(value_name = "ID")]
    pub id: String,
    /// How you sign in: password, google, microsoft, apple, phone, sso, passkey, other, or none to forget it.
    #[arg(long, value_name = "METHOD", ignore_case = true, value_parser = method_names())]
    pub method: Option<String>,
    /// The notes kept with the account (replaces them; "" clears them).
    #[arg(long, value_name = "TEXT")]
    pub text: Option<String>,
}

fn method_names() -> clap::builder::PossibleValuesParser {
    let mut names: Vec<&'static str> = SignInMethod::ALL.iter().map(|m| m.id()).collect();
    names.push("none");
    clap::builder::PossibleValuesParser::new(names)
}

/// Prints (and, with options, first sets) the account's sign-in method and notes.
pub fn run(args: NoteArgs, session: &Session) -> CliResult {
    let id = session.find(&args.id).map_err(|e| e.to_string())?;
    let doc = session.doc().map_err(|e| e.to_string())?;
    let account = doc.get(&id).ok_or("that account no longer exists")?.clone();
    let view = if args.method.is_some() || args.text.is_some() {
        let method = match args.method.as_deref() {
            None => account.sign_in,
            Some(id) if id.eq_ignore_ascii_case("none") => None,
            Some(id) => SignInMethod::from_id(id),
        };
        let notes = args.text.unwrap_or(account.notes);
        session
            .set_sign_in(&id, method, &notes)
            .map_err(|e| e.to_string())?
    } else {
        tock_ops::accounts::AccountView::from(&account)
    };
    let method = view.sign_in.map(SignInMethod::id).unwrap_or("not recorded");
    println!("method: {method}");
    if view.notes.is_empty() {
        println!("notes:");
    } else {
        println!("notes: {}", view.notes);
    }
    Ok(())
}
