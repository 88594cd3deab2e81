//! `tock copy ID_OR_SEARCH [--clear-after SECONDS]`: copies an account's code, marked as sensitive, and
//! returns at once. A detached copy of Tock (`tock copy --serve`, started here) keeps serving the clipboard
//! (X11 clipboards need a living owner) until it clears the code after the delay, or until something else
//! replaces it; then it exits. The code travels to it through a pipe, never on a command line. No GTK.
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use clap::Args;
use zeroize::Zeroizing;

use tock_ops::copy::{clear_if_unchanged, Board};
use tock_ops::settings::{self, MAX_CLEAR_AFTER_SECS};

use super::CliResult;
use crate::desktop::clipboard::{Serve, SystemClipboard};
use crate::desktop::clock::now;

/// Arguments of `tock copy`.
#[derive(Args, Debug)]
pub struct CopyArgs {
    /// An account id, or text that matches one account's issuer or name.
    #[arg(value_name = "ID_OR_SEARCH", required_unless_present = "serve")]
    pub query: Option<String>,
    /// Clear the clipboard after this many seconds if it still holds the code (0: never; default: the
    /// window's setting, 30 unless changed).
    #[arg(long, value_name = "SECONDS")]
    pub clear_after: Option<u32>,
    /// Serve a code read from standard input (the background half of `tock copy`).
    #[arg(long, hide = true, conflicts_with = "query")]
    pub serve: bool,
}

/// Runs `tock copy`.
pub fn run(args: CopyArgs, dir: &Path) -> CliResult {
    if args.serve {
        serve(args.clear_after.unwrap_or(0));
        return Ok(());
    }
    let settings = settings::load(dir)?;
    let clear_after = args.clear_after.unwrap_or(settings.clear_after_secs);
    if clear_after > MAX_CLEAR_AFTER_SECS {
        return Err(format!(
            "--clear-after must be at most {MAX_CLEAR_AFTER_SECS} seconds (0 never clears)"
        ));
    }
    let query = args.query.expect("clap requires it without --serve");
    let session = super::open(dir)?;
    let id = session.find(&query).map_err(|e| e.to_string())?;
    // The clipboard first: an HOTP counter must not advance for a code that cannot be copied.
    let mut server = Server::start(clear_after)?;
    let picked = session
        .pick_code(&id, now(), settings.near_expiry)
        .map_err(|e| e.to_string())?;
    server.hand_over(&picked.code)?;
    let report = picked.report(clear_after);
    eprintln!("{}. {}", report.title, report.body);
    Ok(())
}

/// The background half, seen from `tock copy`.
struct Server {
    child: Child,
    replies: BufReader<ChildStdout>,
}

impl Server {
    /// Starts `tock copy --serve` and waits until it holds the clipboard open.
    fn start(clear_after: u32) -> Result<Self, String> {
        let exe = std::env::current_exe()
            .map_err(|e| format!("Tock could not find its own program file ({e})"))?;
        let mut command = Command::new(exe);
        command
            .args(["copy", "--serve", "--clear-after", &clear_after.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .current_dir("/");
        // Its own process group: Ctrl+C in the terminal and the terminal closing leave it alone.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let mut child = command
            .spawn()
            .map_err(|e| format!("the clipboard helper could not be started ({e})"))?;
        let stdout = child.stdout.take().expect("piped");
        let mut server = Server {
            child,
            replies: BufReader::new(stdout),
        };
        server.expect("ready")?;
        Ok(server)
    }

    /// Sends the code and waits until it is on the clipboard.
    fn hand_over(&mut self, code: &str) -> Result<(), String> {
        let mut stdin = self.child.stdin.take().expect("piped");
        stdin
            .write_all(format!("{code}\n").as_bytes())
            .map_err(|e| format!("the clipboard helper stopped ({e})"))?;
        drop(stdin);
        self.expect("copied")
    }

    /// Reads the helper's next line: `word`, or an `error: …` line to pass on.
    fn expect(&mut self, word: &str) -> Result<(), String> {
        let mut line = String::new();
        let _ = self.replies.read_line(&mut line);
        match line.trim_end() {
            reply if reply == word => Ok(()),
            reply => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                Err(reply
                    .strip_prefix("error: ")
                    .unwrap_or("the clipboard helper stopped unexpectedly")
                    .to_owned())
            }
        }
    }
}

/// `tock copy --serve`: takes the clipboard, says `ready`, reads the code, copies it, says `copied`, then
/// serves it until it is replaced or `clear_after` seconds have passed (then clears it if still there).
fn serve(clear_after: u32) {
    let mut board = match SystemClipboard::open() {
        Ok(b) => b,
        Err(e) => return say(&format!("error: {e}")),
    };
    say("ready");
    let mut code = Zeroizing::new(String::new());
    if std::io::stdin().read_line(&mut code).is_err() || code.trim().is_empty() {
        return;
    }
    let code = Zeroizing::new(code.trim().to_owned());
    let deadline =
        (clear_after > 0).then(|| Instant::now() + Duration::from_secs(clear_after.into()));
    // The copy blocks while it serves, so a second handle confirms from another thread once it is there.
    let confirm = {
        let code = code.clone();
        std::thread::spawn(move || {
            let mut probe = SystemClipboard::open()?;
            for _ in 0..500 {
                if probe.text().as_deref() == Some(code.as_str()) {
                    return Ok(());
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            Err("the clipboard did not take the code; try again".to_owned())
        })
    };
    let reporter = std::thread::spawn(move || {
        match confirm
            .join()
            .unwrap_or_else(|_| Err("the clipboard helper failed".into()))
        {
            Ok(()) => say("copied"),
            Err(e) => say(&format!("error: {e}")),
        }
    });
    let serve = match deadline {
        Some(deadline) => Serve::Until(deadline),
        None => Serve::UntilReplaced,
    };
    if let Err(e) = board.set_sensitive(&code, serve) {
        eprintln!("error: {e}"); // stderr is closed; the reporter says the code was not taken
    }
    let _ = reporter.join();
    // Replaced: nothing to do. Still there: the delay is over (X11), or it is waited out here (where the
    // copy does not block), and the code is cleared if it is still there then.
    if let Some(deadline) = deadline {
        if board.text().as_deref() == Some(code.as_str()) {
            std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
            let _ = clear_if_unchanged(&mut board, &code);
        }
    }
}

/// One line to `tock copy`, which waits for it.
fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}
