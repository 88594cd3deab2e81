//! Backup-code recognition over hand-written layouts in the styles sites publish
//! (`tests/fixtures/backup-codes`, see its PROVENANCE.md): every code found, in order, and every line
//! that holds none reported as ignored.
use serde_json::Value;
use tock_core::backup::{recognise, BackupCodes};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/backup-codes");

fn expected() -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(format!("{DIR}/expected.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_object()
        .unwrap()
        .clone()
}

#[test]
fn every_layout_gives_the_codes_a_person_would_copy() {
    let cases = expected();
    let files = std::fs::read_dir(DIR)
        .unwrap()
        .filter(|e| {
            let name = e.as_ref().unwrap().file_name();
            let name = name.to_string_lossy();
            !["expected.json", "PROVENANCE.md", "MANIFEST.sha256"].contains(&name.as_ref())
        })
        .count();
    assert_eq!(files, cases.len(), "every fixture has expectations");
    assert!(cases.len() >= 15, "many layouts");
    let mut failures = Vec::new();
    for (file, case) in &cases {
        let text = std::fs::read_to_string(format!("{DIR}/{file}")).unwrap();
        let found = recognise(&text);
        let codes: Vec<&str> = found.codes.iter().map(|c| c.as_str()).collect();
        let want: Vec<&str> = case["codes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let ignored: Vec<u64> = found.ignored.iter().map(|i| i.line as u64).collect();
        let want_ignored: Vec<u64> = case["ignored_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .collect();
        if codes != want || ignored != want_ignored {
            failures.push(format!(
                "{file}:\n  codes   {codes:?}\n  wanted  {want:?}\n  ignored {ignored:?}, wanted {want_ignored:?}"
            ));
        }
        // What is recognised is always a valid set.
        BackupCodes::new(codes.iter()).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
