//! Passwords on the command line: from `--password-file PATH` (the file's text up to its first line end, in
//! UTF-8), or asked for on a terminal without echo. Never from an argument, which other users could see.
use std::io::IsTerminal;
use std::path::Path;

use zeroize::Zeroizing;

/// The password in `file` (up to its first line end; a trailing newline is not part of it).
pub fn from_file(file: &Path) -> Result<Zeroizing<String>, String> {
    let bytes = Zeroizing::new(std::fs::read(file).map_err(|e| {
        format!(
            "the password file {} could not be read ({e}); check the path",
            file.display()
        )
    })?);
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        format!(
            "the password file {} is not UTF-8 text; save it as UTF-8",
            file.display()
        )
    })?;
    let line = text.split('\n').next().unwrap_or_default();
    Ok(Zeroizing::new(
        line.strip_suffix('\r').unwrap_or(line).to_owned(),
    ))
}

/// The password from `file` if given, else asked for on the terminal (`prompt`; with `confirm`, twice).
/// Without either, `missing` says what to do.
pub fn get(
    file: Option<&Path>,
    prompt: &str,
    confirm: bool,
    missing: &str,
) -> Result<Zeroizing<String>, String> {
    if let Some(file) = file {
        return from_file(file);
    }
    if !std::io::stdin().is_terminal() {
        return Err(missing.to_owned());
    }
    let read = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map(Zeroizing::new)
            .map_err(|e| format!("the password could not be read from the terminal ({e})"))
    };
    let password = read(prompt)?;
    if confirm && *read("Again, to be sure: ")? != *password {
        return Err("the two passwords differ; run the command again".into());
    }
    Ok(password)
}

/// Asks "yes" on a terminal before writing secrets in plain form; without a terminal `--yes` must be given.
pub fn confirm_plain(yes: bool, what: &str) -> Result<(), String> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(format!(
            "{what} holds every secret in plain form, readable by anyone who gets the file; add --yes to write it anyway"
        ));
    }
    eprint!("{what} holds every secret in plain form, readable by anyone who gets the file. Type yes to write it: ");
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| format!("could not read the answer ({e})"))?;
    if answer.trim().eq_ignore_ascii_case("yes") {
        Ok(())
    } else {
        Err("nothing was written".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_is_the_first_line_without_its_end() {
        let dir = tempfile::tempdir().unwrap();
        let cases = [
            ("test\n", "test"),
            ("test", "test"),
            ("pässwörd 🔑\r\nsecond line\n", "pässwörd 🔑"),
            (" spaces kept \n", " spaces kept "),
            ("\n", ""),
        ];
        for (text, expected) in cases {
            let file = dir.path().join("pw");
            std::fs::write(&file, text).unwrap();
            assert_eq!(from_file(&file).unwrap().as_str(), expected, "{text:?}");
        }
        std::fs::write(dir.path().join("bad"), [0xff, 0xfe]).unwrap();
        assert!(from_file(&dir.path().join("bad"))
            .unwrap_err()
            .contains("not UTF-8"));
    }
}
