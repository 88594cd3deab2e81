//! Replays the committed fuzzing corpora (`fuzz/corpus/<target>/` at the repository root, see `fuzz/README.md`)
//! through the same entry points as the cargo-fuzz targets, on stable Rust: every input gives a result or an
//! error, never a panic. Crash inputs found by fuzzing are added to these folders, so they stay fixed.
use std::path::{Path, PathBuf};

use tock_core::import::{self, Read, FORMATS};
use tock_core::migration::parse_migration_uri;
use tock_core::OtpAuthUri;

fn corpus(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(
        files.len() >= 10,
        "{}: only {} inputs",
        dir.display(),
        files.len()
    );
    files
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect()
}

/// What the `import` target does; returns how many reads and decryptions ended in an error.
fn import_target(data: &[u8]) -> (usize, usize) {
    let mut outcomes = (0, 0);
    let mut run = |data: &[u8], hint| match import::read(data, hint) {
        Ok(Read::NeedsPassword(sealed)) => {
            if sealed.decrypt("x").is_err() {
                outcomes.1 += 1;
            }
        }
        Ok(Read::Imported(_)) => {}
        Err(e) => {
            assert!(!e.to_string().is_empty());
            outcomes.0 += 1;
        }
    };
    run(data, None);
    if let Some((&pick, rest)) = data.split_first() {
        run(
            rest,
            Some(FORMATS[usize::from(pick) % FORMATS.len()].format),
        );
    }
    outcomes
}

#[test]
fn import_corpus() {
    let inputs = corpus("import");
    let mut errors = 0;
    for (_, data) in &inputs {
        let (read_errors, decrypt_errors) = import_target(data);
        errors += read_errors + decrypt_errors;
    }
    // The seeds include junk and encrypted files (whose password is not "x"): some inputs must be errors.
    assert!(errors > 0);
}

#[test]
fn otpauth_corpus() {
    let mut parsed = 0;
    for (path, data) in corpus("otpauth") {
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        if let Ok(uri) = text.parse::<OtpAuthUri>() {
            let again: OtpAuthUri = uri
                .to_uri_string()
                .parse()
                .unwrap_or_else(|e| panic!("{}: written URI not read back: {e}", path.display()));
            assert_eq!(
                (&again.secret, &again.params),
                (&uri.secret, &uri.params),
                "{}",
                path.display()
            );
            parsed += 1;
        }
    }
    assert!(parsed > 0);
}

#[test]
fn migration_corpus() {
    let mut decoded = 0;
    for (_, data) in corpus("migration") {
        if let Ok(text) = std::str::from_utf8(&data) {
            decoded += usize::from(parse_migration_uri(text).is_ok());
            let _ = parse_migration_uri(&format!("otpauth-migration://offline?data={text}"));
        }
        let _ = parse_migration_uri(&format!(
            "otpauth-migration://offline?data={}",
            data_encoding::BASE64.encode(&data)
        ));
    }
    assert!(decoded > 0);
}
