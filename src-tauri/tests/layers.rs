//! The layering of the `tock` binary, checked over its source files: `cli/` and `window/` are the two faces
//! and never use each other; `desktop/` (the operating system's parts) uses neither face. Both faces reach
//! the vault only through the `tock-ops` crate (scripts/test checks with `cargo tree` that it, and the core
//! below it, never depend on Tauri). ARCHITECTURE.md describes the layers.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The groups of `src/`, and the groups each may use besides itself.
const ALLOWED: &[(&str, &[&str])] = &[
    ("cli", &["desktop"]),
    ("window", &["desktop"]),
    ("desktop", &[]),
];

fn source_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first path segments after `crate::`, and after a `super::super::…` that climbs `depth` modules up to
/// the crate's root, in Rust source (comments left out): `crate::desktop::clock` gives `desktop`;
/// `use crate::{cli, window::x}` gives `cli` and `window`.
fn groups_used(source: &str, depth: usize) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    let code: String = source
        .lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n");
    let ident = |text: &str| -> String {
        text.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let to_root = "super::".repeat(depth);
    let mut rest = code.as_str();
    while let Some(i) = rest.find(&to_root) {
        rest = &rest[i + to_root.len()..];
        let next = ident(rest);
        if next != "super" && !next.is_empty() {
            used.insert(next);
        }
    }
    let mut rest = code.as_str();
    while let Some(i) = rest.find("crate::") {
        rest = &rest[i + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let end = list.find('}').unwrap_or(list.len());
            for item in list[..end].split(',') {
                let head: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !head.is_empty() {
                    used.insert(head);
                }
            }
        } else {
            let head: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            used.insert(head);
        }
    }
    used
}

#[test]
fn faces_never_use_each_other_and_the_desktop_uses_neither() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    source_files(&src, &mut files);
    let mut seen_groups = BTreeSet::new();
    let mut broken = Vec::new();
    for file in &files {
        let relative = file.strip_prefix(&src).unwrap();
        let Some(group) = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .filter(|_| relative.components().count() > 1)
        else {
            continue; // main.rs chooses a face: it may name every group
        };
        let (_, allowed) = ALLOWED
            .iter()
            .find(|(g, _)| *g == group)
            .unwrap_or_else(|| {
                panic!("{group}/ is not a known group: add it to ALLOWED and ARCHITECTURE.md")
            });
        seen_groups.insert(group.to_owned());
        let source = std::fs::read_to_string(file).unwrap();
        // Modules between this file and the crate's root (a mod.rs is its folder's module).
        let depth = relative.components().count() - usize::from(relative.ends_with("mod.rs"));
        for used in groups_used(&source, depth) {
            if used != group && !allowed.contains(&used.as_str()) {
                broken.push(format!("{} uses crate::{used}", relative.display()));
            }
        }
    }
    assert_eq!(
        seen_groups,
        ALLOWED.iter().map(|(g, _)| g.to_string()).collect(),
        "every group has files"
    );
    assert!(broken.is_empty(), "layering broken:\n{}", broken.join("\n"));
}

#[test]
fn the_reader_finds_every_form_of_path() {
    let found = groups_used(
        "use crate::desktop::clock;\nuse crate::{cli, window::x};\nlet a = crate::desktop::y();\n// crate::ignored\n",
        1,
    );
    assert_eq!(
        found,
        ["cli", "desktop", "window"]
            .map(String::from)
            .into_iter()
            .collect()
    );
    // From window/commands/x.rs, two levels up is the crate's root; one level up is still window/.
    let climbed = groups_used(
        "use super::super::super::cli::x;\nuse super::internal;\n",
        3,
    );
    assert_eq!(climbed, ["cli"].map(String::from).into_iter().collect());
    assert!(groups_used("use super::super::events;", 3).is_empty());
}
