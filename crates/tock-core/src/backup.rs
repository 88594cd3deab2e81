//! Backup (recovery) codes: reading them from what a site shows or lets you download, the set kept per
//! account (each code used or not, and when), the recovery-readiness rules, and the offline copy (a text file
//! and a print-ready HTML sheet).
//!
//! Sites show backup codes in many layouts; [`recognise`] reads them all without knowing the site:
//! one code per line, numbered or bulleted lists (markers may also stand in the middle of a line, as in a
//! two-column printout), digits in groups (`1234 5678`, one code), dashed groups (`abcd-efgh`,
//! `xxxxx-xxxxx`), several codes per line (separated by wide gaps, tabs, commas, `|` or list markers), and
//! prose lines around them, which are reported as ignored rather than guessed at. Nothing here reads the
//! clock: times are Unix seconds passed in.
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::Secret;

/// At this many codes left (or fewer) the person is told to generate new ones on the site.
pub const LOW_WATER: u32 = 2;

/// The fewest letters and digits a code typed or fixed by hand may have.
const MIN_CODE_LEN: usize = 4;
/// The fewest letters and digits a code recognised in pasted text has (shorter tokens are years, indexes…).
const MIN_RECOGNISED_LEN: usize = 6;
/// The most letters and digits a code may have (long recovery keys are 64 hex digits).
const MAX_CODE_LEN: usize = 64;
/// The most codes a set may hold: sites give 5 to 16; a pasted page with hundreds is not a set of codes.
const MAX_CODES: usize = 100;

/// Why backup codes could not be taken or used. Messages never quote a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupError {
    /// No code at all.
    #[error("no backup codes were given; paste the codes the site showed, or open the file it let you download")]
    Empty,
    /// More codes than any site gives.
    #[error("{0} codes is more than any site gives; check that only the backup codes were pasted")]
    TooMany(usize),
    /// A code with other characters than letters, digits, spaces and dashes.
    #[error("backup code {0} has characters other than letters, digits and dashes; type it as the site shows it")]
    BadCharacters(usize),
    /// A code too short or too long.
    #[error("backup code {position} has {length} letters and digits; backup codes have {MIN_CODE_LEN} to {MAX_CODE_LEN}")]
    BadLength {
        /// 1-based position in the list.
        position: usize,
        /// Letters and digits counted.
        length: usize,
    },
    /// The same code twice.
    #[error("backup codes {first} and {second} are the same; remove one of them")]
    Duplicate {
        /// 1-based position of the first.
        first: usize,
        /// 1-based position of the repeat.
        second: usize,
    },
    /// `use` of a code that is not in the set.
    #[error(
        "that code is not one of the stored backup codes; check it, or use the next unused one"
    )]
    Unknown,
    /// `use` of a code already used.
    #[error("that backup code was already used on {}; use another one", date(*.0))]
    AlreadyUsed(u64),
    /// Every code is used.
    #[error("every backup code has been used; generate new ones on the site and add them in place of the old set")]
    AllUsed,
    /// An offline copy confirmed without saying where it is.
    #[error("say where the copy is kept (for example: printed, in the desk drawer), so that you can find it when you need it")]
    NoPlace,
    /// The keychain item is not a set of codes written by Tock.
    #[error(
        "the stored backup codes are damaged; generate new ones on the site and add them again"
    )]
    Damaged,
}

/// One backup code and whether it was used.
#[derive(Clone, PartialEq, Eq)]
pub struct BackupCode {
    code: Zeroizing<String>,
    used_at: Option<u64>,
}

impl BackupCode {
    /// The code as the site shows it (digit groups joined, dashes kept).
    pub fn code(&self) -> &str {
        &self.code
    }

    /// When it was used (Unix seconds), if it was.
    pub fn used_at(&self) -> Option<u64> {
        self.used_at
    }
}

impl std::fmt::Debug for BackupCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BackupCode(<redacted>, used_at: {:?})", self.used_at)
    }
}

/// One account's set of backup codes, in the order the site gave them. Codes are zeroized on drop.
#[derive(Clone, PartialEq, Eq, Default, Debug)]
pub struct BackupCodes {
    codes: Vec<BackupCode>,
}

/// The keychain form of a set (JSON inside the keychain item, never on disk).
#[derive(Deserialize)]
struct Wire {
    version: u32,
    codes: Vec<WireCode>,
}

#[derive(Deserialize)]
struct WireCode {
    code: String,
    used_at: Option<u64>,
}

#[derive(Serialize)]
struct WireRef<'a> {
    version: u32,
    codes: Vec<WireCodeRef<'a>>,
}

#[derive(Serialize)]
struct WireCodeRef<'a> {
    code: &'a str,
    used_at: Option<u64>,
}

/// The form codes are compared in: lower case, without spaces and dashes.
fn comparable(code: &str) -> Zeroizing<String> {
    Zeroizing::new(
        code.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect(),
    )
}

/// Reads one code as typed or fixed by a person: surrounding space trimmed, spaces between digit groups
/// removed, dashes kept. `position` (1-based) is used in the error.
pub fn clean_code(text: &str, position: usize) -> Result<Zeroizing<String>, BackupError> {
    let normalised: Zeroizing<String> = Zeroizing::new(
        text.trim()
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(normalise_dash)
            .collect(),
    );
    if normalised
        .chars()
        .any(|c| !c.is_ascii_alphanumeric() && c != '-')
    {
        return Err(BackupError::BadCharacters(position));
    }
    let length = normalised
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .count();
    if !(MIN_CODE_LEN..=MAX_CODE_LEN).contains(&length) {
        return Err(BackupError::BadLength { position, length });
    }
    let trimmed = normalised.trim_matches('-');
    let mut code = Zeroizing::new(String::with_capacity(trimmed.len()));
    for c in trimmed.chars() {
        if !(c == '-' && code.ends_with('-')) {
            code.push(c);
        }
    }
    Ok(code)
}

fn normalise_dash(c: char) -> char {
    match c {
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2212}' => '-',
        c => c,
    }
}

impl BackupCodes {
    /// A new, unused set from codes typed, pasted or recognised; each is cleaned with [`clean_code`].
    pub fn new<I, S>(codes: I) -> Result<Self, BackupError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut set = Vec::new();
        let mut seen: Vec<Zeroizing<String>> = Vec::new();
        for (index, text) in codes.into_iter().enumerate() {
            let code = clean_code(text.as_ref(), index + 1)?;
            let key = comparable(&code);
            if let Some(first) = seen.iter().position(|k| *k == key) {
                return Err(BackupError::Duplicate {
                    first: first + 1,
                    second: index + 1,
                });
            }
            seen.push(key);
            set.push(BackupCode {
                code,
                used_at: None,
            });
        }
        if set.is_empty() {
            return Err(BackupError::Empty);
        }
        if set.len() > MAX_CODES {
            return Err(BackupError::TooMany(set.len()));
        }
        Ok(BackupCodes { codes: set })
    }

    /// The codes in the site's order.
    pub fn codes(&self) -> &[BackupCode] {
        &self.codes
    }

    /// How many codes the set has.
    pub fn total(&self) -> u32 {
        self.codes.len() as u32
    }

    /// How many are not used yet.
    pub fn remaining(&self) -> u32 {
        self.codes.iter().filter(|c| c.used_at.is_none()).count() as u32
    }

    /// The first unused code.
    pub fn next_unused(&self) -> Option<&BackupCode> {
        self.codes.iter().find(|c| c.used_at.is_none())
    }

    /// Marks `which` (compared ignoring case, spaces and dashes), or else the next unused code, as used at
    /// `now`, and returns it.
    pub fn mark_used(
        &mut self,
        which: Option<&str>,
        now: u64,
    ) -> Result<Zeroizing<String>, BackupError> {
        let index = match which {
            Some(text) => {
                let key = comparable(text);
                let index = self
                    .codes
                    .iter()
                    .position(|c| comparable(&c.code) == key)
                    .ok_or(BackupError::Unknown)?;
                if let Some(at) = self.codes[index].used_at {
                    return Err(BackupError::AlreadyUsed(at));
                }
                index
            }
            None => self
                .codes
                .iter()
                .position(|c| c.used_at.is_none())
                .ok_or(BackupError::AllUsed)?,
        };
        self.codes[index].used_at = Some(now);
        Ok(self.codes[index].code.clone())
    }

    /// The set as the bytes of a keychain item.
    pub fn to_secret(&self) -> Secret {
        let wire = WireRef {
            version: 1,
            codes: self
                .codes
                .iter()
                .map(|c| WireCodeRef {
                    code: &c.code,
                    used_at: c.used_at,
                })
                .collect(),
        };
        // Sized up front so that no partial copy is left behind in a reallocated buffer.
        let capacity = 32 + self.codes.iter().map(|c| c.code.len() + 48).sum::<usize>();
        let mut bytes = Vec::with_capacity(capacity);
        serde_json::to_writer(&mut bytes, &wire).expect("a code set always serialises");
        Secret::from_bytes(bytes)
    }

    /// Reads a keychain item written by [`BackupCodes::to_secret`].
    pub fn from_secret(secret: &Secret) -> Result<Self, BackupError> {
        let wire: Wire =
            serde_json::from_slice(secret.as_bytes()).map_err(|_| BackupError::Damaged)?;
        if wire.version != 1 || wire.codes.is_empty() {
            return Err(BackupError::Damaged);
        }
        Ok(BackupCodes {
            codes: wire
                .codes
                .into_iter()
                .map(|c| BackupCode {
                    code: Zeroizing::new(c.code),
                    used_at: c.used_at,
                })
                .collect(),
        })
    }

    /// What the vault document keeps about a set stored at `stored_at` (no code in it).
    pub fn summary(&self, stored_at: u64) -> BackupSummary {
        BackupSummary {
            total: self.total(),
            left: self.remaining(),
            stored_at,
            offline: None,
        }
    }
}

/// What the vault document knows of an account's backup codes: counts and dates, never a code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BackupSummary {
    /// Codes in the set.
    pub total: u32,
    /// Codes not used yet.
    pub left: u32,
    /// When this set was stored (Unix seconds).
    pub stored_at: u64,
    /// Where the person said they keep a copy away from this computer; reset when the set is replaced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offline: Option<OfflineCopy>,
}

/// A copy of the codes kept away from this computer, as the person confirmed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfflineCopy {
    /// When they confirmed it (Unix seconds).
    pub confirmed_at: u64,
    /// Where, in their words (e.g. "printed, in the desk drawer").
    pub place: String,
}

/// Why an account would lock its owner out if this computer died today.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Risk {
    /// No backup codes stored.
    NoCodes,
    /// Codes stored, but no copy away from this computer was confirmed.
    NotOffline,
    /// [`LOW_WATER`] codes left or fewer (0: none).
    FewLeft(u32),
}

/// The risks of an account with this summary; empty when it is ready for a lost computer.
pub fn risks(summary: Option<&BackupSummary>) -> Vec<Risk> {
    let Some(s) = summary else {
        return vec![Risk::NoCodes];
    };
    let mut found = Vec::new();
    if s.left <= LOW_WATER {
        found.push(Risk::FewLeft(s.left));
    }
    if s.offline.is_none() {
        found.push(Risk::NotOffline);
    }
    found
}

/// Days after the last automatic backup from which it counts as a risk.
pub const STALE_BACKUP_DAYS: u64 = 7;

/// Why the whole vault would be lost with this computer: the automatic backups' state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultRisk {
    /// Automatic backups are off, or none was written yet.
    NoAutomaticBackup,
    /// The last automatic backup is this many days old ([`STALE_BACKUP_DAYS`] or more).
    LastBackupDaysAgo(u64),
}

/// The vault-wide risks: `folder_set` says whether automatic backups are on, `last_backup_at` when the last
/// one was written (Unix seconds), `now` the time.
pub fn vault_risks(folder_set: bool, last_backup_at: Option<u64>, now: u64) -> Vec<VaultRisk> {
    match last_backup_at {
        Some(at) if folder_set => {
            let days = now.saturating_sub(at) / 86_400;
            if days >= STALE_BACKUP_DAYS {
                vec![VaultRisk::LastBackupDaysAgo(days)]
            } else {
                Vec::new()
            }
        }
        _ => vec![VaultRisk::NoAutomaticBackup],
    }
}

/// A line of pasted text that gave no code, for the person to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ignored {
    /// 1-based line number.
    pub line: usize,
    /// The line (or the part of it) that was not taken.
    pub text: String,
}

/// What [`recognise`] found in pasted text or a downloaded file.
#[derive(Debug, Default)]
pub struct Recognised {
    /// The codes, in the order they appear (reading each line left to right), duplicates removed.
    pub codes: Vec<Zeroizing<String>>,
    /// Lines (or parts of lines) that were not taken as codes: headings, prose, odd one-offs.
    pub ignored: Vec<Ignored>,
    /// How many repeated codes were left out.
    pub duplicates: usize,
}

/// A code found in the text, before the document-wide checks.
struct Candidate {
    line: usize,
    code: Zeroizing<String>,
    /// The piece of the line it came from (reported if it is dropped).
    source: String,
    /// Lengths of its groups (dash- or space-separated), e.g. `[4, 4]` for `1234 5678`.
    groups: Vec<usize>,
    /// Has a digit or a dash: unlike a word, it cannot be prose.
    strong: bool,
    case: Case,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Case {
    NoLetters,
    Lower,
    Upper,
    Mixed,
}

fn case_of(text: &str) -> Case {
    let lower = text.chars().any(|c| c.is_ascii_lowercase());
    let upper = text.chars().any(|c| c.is_ascii_uppercase());
    match (lower, upper) {
        (false, false) => Case::NoLetters,
        (true, false) => Case::Lower,
        (false, true) => Case::Upper,
        (true, true) => Case::Mixed,
    }
}

/// Finds the backup codes in text pasted from a site or read from the file it offers.
///
/// Lines with anything but codes and list markers are prose and are reported in [`Recognised::ignored`];
/// so are odd ones out (a code-like token whose shape differs from most codes, such as a date or a phone
/// number among ten `xxxxx-xxxxx` codes). Letters-only words are taken only when they have the exact shape
/// of the codes around them.
pub fn recognise(text: &str) -> Recognised {
    let text = text.trim_start_matches('\u{feff}');
    let mut candidates = Vec::new();
    let mut ignored = Vec::new();
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        match line_candidates(line, index + 1) {
            Some(found) if !found.is_empty() => candidates.extend(found),
            _ => ignored.push(Ignored {
                line: index + 1,
                text: line.to_owned(),
            }),
        }
    }
    let candidates = split_by_common_group_count(candidates);
    let dominant = dominant_shape(&candidates);
    let mut found = Recognised::default();
    let mut seen: Vec<Zeroizing<String>> = Vec::new();
    for c in candidates {
        let fits = dominant
            .as_ref()
            .is_some_and(|(groups, case, _)| *groups == c.groups && compatible(*case, c.case));
        let firm = dominant.as_ref().is_some_and(|(_, _, firm)| *firm);
        let keep = if c.strong { fits || !firm } else { fits };
        if !keep {
            ignored.push(Ignored {
                line: c.line,
                text: c.source,
            });
            continue;
        }
        let key = comparable(&c.code);
        if seen.contains(&key) {
            found.duplicates += 1;
            continue;
        }
        seen.push(key);
        found.codes.push(c.code);
    }
    ignored.sort_by_key(|i| i.line);
    found.ignored = ignored;
    found
}

fn compatible(dominant: Case, case: Case) -> bool {
    // A code of digits only can appear among letters-and-digits codes by chance (and vice versa).
    dominant == case || dominant == Case::NoLetters || case == Case::NoLetters
}

/// The most common group lengths among the strong candidates, their letter case, and whether they are
/// common enough (at least 3, more than half) to rule out strong candidates of another shape.
fn dominant_shape(candidates: &[Candidate]) -> Option<(Vec<usize>, Case, bool)> {
    let strong: Vec<&Candidate> = candidates.iter().filter(|c| c.strong).collect();
    let mut best: Option<(&Vec<usize>, usize)> = None;
    for c in &strong {
        let count = strong.iter().filter(|o| o.groups == c.groups).count();
        if best.is_none_or(|(_, n)| count > n) {
            best = Some((&c.groups, count));
        }
    }
    let (groups, count) = best?;
    let shaped: Vec<&&Candidate> = strong.iter().filter(|c| &c.groups == groups).collect();
    let case = shaped
        .iter()
        .map(|c| c.case)
        .find(|c| *c != Case::NoLetters)
        .unwrap_or(Case::NoLetters);
    Some((groups.clone(), case, count >= 3 && count * 2 > strong.len()))
}

/// Grouped codes pasted with the gaps between columns collapsed (`1234 5678 2345 6789`) are split into
/// codes with the group count most codes have.
fn split_by_common_group_count(candidates: Vec<Candidate>) -> Vec<Candidate> {
    let spaced = |c: &Candidate| c.groups.len() > 1 && !c.code.contains('-');
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for c in candidates.iter().filter(|c| spaced(c)) {
        match counts.iter_mut().find(|(g, _)| *g == c.groups.len()) {
            Some((_, n)) => *n += 1,
            None => counts.push((c.groups.len(), 1)),
        }
    }
    let Some(common) = counts
        .iter()
        .max_by_key(|(g, n)| (*n, std::cmp::Reverse(*g)))
        .map(|(g, _)| *g)
    else {
        return candidates;
    };
    let mut out = Vec::with_capacity(candidates.len());
    for c in candidates {
        let len = c.groups.len();
        if !spaced(&c) || len <= common || len % common != 0 {
            out.push(c);
            continue;
        }
        let chars: Vec<char> = c.code.chars().collect();
        for part in 0..len / common {
            let groups = c.groups[part * common..(part + 1) * common].to_vec();
            let start: usize = c.groups[..part * common].iter().sum();
            let end = start + groups.iter().sum::<usize>();
            let code: Zeroizing<String> = Zeroizing::new(chars[start..end].iter().collect());
            out.push(Candidate {
                line: c.line,
                strong: code.chars().any(|ch| ch.is_ascii_digit()),
                case: case_of(&code),
                code,
                source: c.source.clone(),
                groups,
            });
        }
    }
    out
}

/// A list marker: a bullet, a checkbox, or a number with `.`, `)` or `:` (or a bare one- or two-digit
/// number): `-`, `•`, `[ ]`, `☐`, `1.`, `10)`, `(3)`, `#4`, `05`.
fn is_marker(token: &str) -> bool {
    const BULLETS: &[&str] = &[
        "-", "*", "•", "·", "–", "—", "○", "●", "◦", "▪", "■", "□", "☐", "☑", "☒", "✓", "✔", "[",
        "]", "[]", "[x]", "[X]", ">",
    ];
    if BULLETS.contains(&token) {
        return true;
    }
    let inner = token
        .strip_prefix('#')
        .or_else(|| token.strip_prefix('(').and_then(|t| t.strip_suffix(')')))
        .unwrap_or(token);
    let digits = inner.trim_end_matches(['.', ')', ':']);
    let punctuated = digits.len() < inner.len() || inner.len() < token.len();
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() <= 2 || (punctuated && digits.len() <= 3))
}

/// The codes on one line, or `None` when the line is prose.
fn line_candidates(line: &str, number: usize) -> Option<Vec<Candidate>> {
    let mut found = Vec::new();
    for piece in pieces(line) {
        // List markers separate codes too ("1. 1234 5678   6. 2345 6789" pasted with collapsed gaps).
        let mut tokens: Vec<String> = Vec::new();
        for token in piece.split_whitespace() {
            if is_marker(token) {
                found.extend(piece_candidates(&tokens, number)?);
                tokens.clear();
            } else {
                tokens.push(token.chars().map(normalise_dash).collect());
            }
        }
        found.extend(piece_candidates(&tokens, number)?);
    }
    Some(found)
}

/// Splits a line where codes are separated: tabs, two or more spaces, `,`, `;`, `|`.
fn pieces(line: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut spaces = 0;
    for c in line.chars() {
        if c == '\t' || c == ',' || c == ';' || c == '|' {
            out.push(String::new());
            spaces = 0;
        } else if c.is_whitespace() {
            spaces += 1;
            if spaces == 2 {
                out.push(String::new());
            }
        } else {
            if spaces == 1 {
                out.last_mut().expect("never empty").push(' ');
            }
            spaces = 0;
            out.last_mut().expect("never empty").push(c);
        }
    }
    out.retain(|p| !p.is_empty());
    out
}

fn is_code_token(token: &str) -> bool {
    !token.is_empty()
        && !token.starts_with('-')
        && !token.ends_with('-')
        && !token.contains("--")
        && token.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// The codes in the tokens between two separators, or `None` when they are prose.
fn piece_candidates(tokens: &[String], line: usize) -> Option<Vec<Candidate>> {
    if tokens.is_empty() {
        return Some(Vec::new());
    }
    if !tokens.iter().all(|t| is_code_token(t)) {
        return None;
    }
    let source = tokens.join(" ");
    let make = |code: String, groups: Vec<usize>, dashed: bool| {
        let alnum: usize = groups.iter().sum();
        if !(MIN_RECOGNISED_LEN..=MAX_CODE_LEN).contains(&alnum) {
            return None;
        }
        Some(Candidate {
            line,
            strong: dashed || code.chars().any(|c| c.is_ascii_digit()),
            case: case_of(&code),
            code: Zeroizing::new(code),
            source: source.clone(),
            groups,
        })
    };
    let short = |t: &String| !t.contains('-') && (3..=5).contains(&t.len());
    if tokens.len() >= 2 && tokens.iter().all(short) {
        // Groups of one code, e.g. "1234 5678": all as long as the first, the last maybe shorter.
        let first = tokens[0].len();
        let (last, rest) = tokens.split_last().expect("two or more");
        if rest.iter().any(|t| t.len() != first) || last.len() > first {
            return None;
        }
        let groups = tokens.iter().map(String::len).collect();
        return make(tokens.concat(), groups, false).map(|c| vec![c]);
    }
    // Each token is a code of its own ("abcd-efgh ijkl-mnop", "a1b2c3d4e5f6").
    tokens
        .iter()
        .map(|t| {
            let groups: Vec<usize> = t.split('-').map(str::len).collect();
            let dashed = groups.len() > 1;
            if dashed && groups.iter().any(|g| *g < 3) {
                return None; // dates (2024-05-01) and the like
            }
            make(t.clone(), groups, dashed)
        })
        .collect()
}

/// What an offline copy shows about the account.
pub struct Sheet<'a> {
    /// The service.
    pub issuer: &'a str,
    /// The account at that service.
    pub name: &'a str,
    /// The codes.
    pub codes: &'a BackupCodes,
    /// When the sheet is made (Unix seconds).
    pub now: u64,
}

const KEEP_AWAY: &str = "Keep this copy away from this computer (printed in a drawer, or on a USB stick or \
another device): if this computer is lost or broken, these codes are how you get back into the account. \
Each code works once. When few are left, generate new ones on the site and replace this copy.";

impl Sheet<'_> {
    fn title(&self) -> String {
        match (self.issuer.is_empty(), self.name.is_empty()) {
            (false, false) => format!("{} ({})", self.issuer, self.name),
            (false, true) => self.issuer.to_owned(),
            (true, _) => self.name.to_owned(),
        }
    }

    /// The plain-text copy.
    pub fn to_txt(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(1024 + self.codes.codes.len() * 96));
        let push = |out: &mut String, line: &str| {
            out.push_str(line);
            out.push('\n');
        };
        push(&mut out, "BACKUP CODES");
        push(&mut out, "");
        push(&mut out, &format!("Service:  {}", self.issuer));
        push(&mut out, &format!("Account:  {}", self.name));
        push(&mut out, &format!("Date:     {}", date(self.now)));
        push(
            &mut out,
            &format!(
                "Left:     {} of {} unused",
                self.codes.remaining(),
                self.codes.total()
            ),
        );
        push(&mut out, "");
        for (index, code) in self.codes.codes.iter().enumerate() {
            let mut line = Zeroizing::new(format!("{:>3}. {}", index + 1, code.code()));
            if let Some(at) = code.used_at {
                line.push_str(&format!("   (used {})", date(at)));
            }
            push(&mut out, &line);
        }
        push(&mut out, "");
        push(&mut out, &wrap(KEEP_AWAY, 78));
        out
    }

    /// The print-ready HTML sheet (one A4/Letter page, no external resources, a Print button).
    pub fn to_html(&self) -> Zeroizing<String> {
        let title = html_escape(&self.title());
        let mut out = Zeroizing::new(String::with_capacity(4096 + self.codes.codes.len() * 160));
        out.push_str(&format!(
            r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Backup codes: {title}</title>
<style>
  @page {{ size: auto; margin: 18mm; }}
  body {{ font: 14px/1.45 system-ui, sans-serif; color: #111; max-width: 720px; margin: 24px auto; padding: 0 16px; }}
  h1 {{ font-size: 22px; margin: 0 0 4px; }}
  .meta {{ color: #444; margin: 0 0 18px; }}
  ol {{ columns: 2; column-gap: 40px; padding-left: 28px; font: 18px/2 ui-monospace, 'DejaVu Sans Mono', monospace; }}
  li.used {{ color: #777; text-decoration: line-through; }}
  li small {{ font: 12px system-ui, sans-serif; text-decoration: none; }}
  .box {{ display: inline-block; width: 12px; height: 12px; border: 1px solid #333; margin-left: 10px; vertical-align: middle; }}
  .keep {{ border: 2px solid #111; border-radius: 6px; padding: 10px 14px; }}
  .print {{ font: inherit; padding: 6px 14px; margin-bottom: 16px; }}
  @media print {{ .print {{ display: none; }} body {{ margin: 0; }} }}
</style>
</head>
<body>
<button class="print" type="button" onclick="window.print()">Print</button>
<h1>Backup codes: {title}</h1>
<p class="meta">Service: <strong>{issuer}</strong> · Account: <strong>{name}</strong> · Date: {date} · {left} of {total} unused</p>
<ol>
"#,
            issuer = html_escape(self.issuer),
            name = html_escape(self.name),
            date = date(self.now),
            left = self.codes.remaining(),
            total = self.codes.total(),
        ));
        for code in &self.codes.codes {
            let escaped = Zeroizing::new(html_escape(code.code()));
            match code.used_at {
                Some(at) => out.push_str(&format!(
                    "  <li class=\"used\">{} <small>used {}</small></li>\n",
                    *escaped,
                    date(at)
                )),
                None => out.push_str(&format!(
                    "  <li>{}<span class=\"box\" aria-hidden=\"true\"></span></li>\n",
                    *escaped
                )),
            }
        }
        out.push_str(&format!(
            "</ol>\n<p class=\"keep\">{}</p>\n</body>\n</html>\n",
            html_escape(KEEP_AWAY)
        ));
        out
    }
}

fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn wrap(text: &str, width: usize) -> String {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("never empty");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines.join("\n")
}

/// (year, month, day) of a day count since 1970-01-01 (proleptic Gregorian; H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The UTC date of Unix seconds, as `2024-05-01`.
pub fn date(secs: u64) -> String {
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Unix seconds as RFC 3339 in UTC, e.g. `2024-05-01T12:30:00Z`.
pub fn rfc3339(secs: u64) -> String {
    let rest = secs % 86_400;
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        date(secs),
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<String> {
        recognise(text)
            .codes
            .iter()
            .map(|c| c.to_string())
            .collect()
    }

    #[test]
    fn set_uses_next_or_chosen_code_and_counts() {
        let mut set = BackupCodes::new(["1234 5678", "abcde-12345", " 8765-4321 "]).unwrap();
        assert_eq!(
            set.codes().iter().map(|c| c.code()).collect::<Vec<_>>(),
            ["12345678", "abcde-12345", "8765-4321"]
        );
        assert_eq!((set.total(), set.remaining()), (3, 3));
        assert_eq!(
            *set.mark_used(Some("ABCDE12345"), 100).unwrap(),
            "abcde-12345"
        );
        assert_eq!(
            set.mark_used(Some("abcde-12345"), 101),
            Err(BackupError::AlreadyUsed(100))
        );
        assert_eq!(
            set.mark_used(Some("00000000"), 101),
            Err(BackupError::Unknown)
        );
        assert_eq!(*set.mark_used(None, 102).unwrap(), "12345678");
        assert_eq!(set.next_unused().unwrap().code(), "8765-4321");
        assert_eq!(*set.mark_used(None, 103).unwrap(), "8765-4321");
        assert_eq!(set.remaining(), 0);
        assert_eq!(set.mark_used(None, 104), Err(BackupError::AllUsed));
        assert_eq!(
            set.codes().iter().map(|c| c.used_at()).collect::<Vec<_>>(),
            [Some(102), Some(100), Some(103)]
        );
    }

    #[test]
    fn bad_sets_are_refused_with_the_position() {
        assert_eq!(
            BackupCodes::new(Vec::<String>::new()),
            Err(BackupError::Empty)
        );
        assert_eq!(
            BackupCodes::new(["12345678", "1234 5678"]),
            Err(BackupError::Duplicate {
                first: 1,
                second: 2
            })
        );
        assert_eq!(
            BackupCodes::new(["12345678", "12#45678"]),
            Err(BackupError::BadCharacters(2))
        );
        assert_eq!(
            BackupCodes::new(["123"]),
            Err(BackupError::BadLength {
                position: 1,
                length: 3
            })
        );
        let many: Vec<String> = (0..101).map(|n| format!("{n:08}")).collect();
        assert_eq!(BackupCodes::new(&many), Err(BackupError::TooMany(101)));
        let message = BackupCodes::new(["12345678", "12#45678"])
            .unwrap_err()
            .to_string();
        assert!(
            !message.contains("12#45678"),
            "never quotes a code: {message}"
        );
    }

    #[test]
    fn keychain_form_round_trips_and_rejects_other_items() {
        let mut set = BackupCodes::new(["abcd-efgh", "ijkl-mnop"]).unwrap();
        set.mark_used(None, 1_700_000_000).unwrap();
        let secret = set.to_secret();
        assert_eq!(BackupCodes::from_secret(&secret).unwrap(), set);
        assert_eq!(
            BackupCodes::from_secret(&Secret::from_bytes(b"JBSWY3DPEHPK3PXP".to_vec())),
            Err(BackupError::Damaged)
        );
        assert!(!format!("{set:?}").contains("abcd"), "Debug redacts codes");
    }

    #[test]
    fn vault_readiness_counts_missing_and_old_automatic_backups() {
        let day = 86_400;
        let now = 100 * day;
        assert_eq!(
            vault_risks(false, None, now),
            [VaultRisk::NoAutomaticBackup]
        );
        assert_eq!(
            vault_risks(true, None, now),
            [VaultRisk::NoAutomaticBackup],
            "on, but none written yet"
        );
        assert_eq!(
            vault_risks(false, Some(now), now),
            [VaultRisk::NoAutomaticBackup],
            "turned off after a backup"
        );
        assert!(vault_risks(true, Some(now - 6 * day - 86_399), now).is_empty());
        assert_eq!(
            vault_risks(true, Some(now - 7 * day), now),
            [VaultRisk::LastBackupDaysAgo(7)]
        );
        assert_eq!(
            vault_risks(true, Some(now - 30 * day - 5), now),
            [VaultRisk::LastBackupDaysAgo(30)]
        );
        assert!(
            vault_risks(true, Some(now + 60), now).is_empty(),
            "clock went back"
        );
    }

    #[test]
    fn readiness_rules() {
        let mut s = BackupCodes::new(["11111111", "22222222", "33333333"])
            .unwrap()
            .summary(5);
        assert_eq!(risks(None), [Risk::NoCodes]);
        assert_eq!(risks(Some(&s)), [Risk::NotOffline]);
        s.offline = Some(OfflineCopy {
            confirmed_at: 6,
            place: "drawer".into(),
        });
        assert!(risks(Some(&s)).is_empty());
        s.left = 2;
        assert_eq!(risks(Some(&s)), [Risk::FewLeft(2)]);
        s.left = 0;
        s.offline = None;
        assert_eq!(risks(Some(&s)), [Risk::FewLeft(0), Risk::NotOffline]);
    }

    #[test]
    fn dates_are_utc_civil_dates() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z"); // a leap day
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_102_444_799), "2099-12-31T23:59:59Z");
    }

    #[test]
    fn sheets_hold_the_codes_the_account_and_the_reminder() {
        let mut set = BackupCodes::new(["1234 5678", "2345 6789"]).unwrap();
        set.mark_used(None, 1_700_000_000).unwrap();
        let sheet = Sheet {
            issuer: "Bank <&>",
            name: "alice",
            codes: &set,
            now: 1_700_086_400,
        };
        let txt = sheet.to_txt();
        for expected in [
            "Service:  Bank <&>",
            "Account:  alice",
            "Date:     2023-11-15",
            "  1. 12345678   (used 2023-11-14)",
            "  2. 23456789",
            "away from this computer",
        ] {
            assert!(txt.contains(expected), "{expected:?} in\n{}", *txt);
        }
        let html = sheet.to_html();
        for expected in [
            "Bank &lt;&amp;&gt; (alice)",
            "<li class=\"used\">12345678 <small>used 2023-11-14</small></li>",
            "<li>23456789<span",
            "window.print()",
            "away from this computer",
        ] {
            assert!(html.contains(expected), "{expected:?} in\n{}", *html);
        }
        assert!(!html.contains("Bank <&>"), "the issuer is escaped");
    }

    #[test]
    fn recognises_simple_layouts() {
        assert_eq!(codes("12345678\n87654321\n"), ["12345678", "87654321"]);
        assert_eq!(
            codes("1. 1234 5678\n2. 8765 4321"),
            ["12345678", "87654321"]
        );
        assert_eq!(
            codes("abcd-efgh ijkl-mnop\nqrst-uvwx"),
            ["abcd-efgh", "ijkl-mnop", "qrst-uvwx"]
        );
        assert_eq!(
            codes("a1b2c, d3e4f6"),
            Vec::<String>::new(),
            "5-char tokens alone are no codes"
        );
    }

    #[test]
    fn prose_dates_and_odd_ones_are_ignored_not_guessed() {
        let found = recognise(
            "Your GitHub recovery codes\n\nabcde-12345\nfghij-67890\n0a1b2-c3d4e\n12345-67890\n\
             Generated on 2024-05-01\n555-123-4567\nKeep these codes somewhere safe\n",
        );
        let got: Vec<&str> = found.codes.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            got,
            ["abcde-12345", "fghij-67890", "0a1b2-c3d4e", "12345-67890"]
        );
        let ignored: Vec<usize> = found.ignored.iter().map(|i| i.line).collect();
        assert_eq!(ignored, [1, 7, 8, 9]);
    }

    #[test]
    fn duplicates_are_counted_once() {
        let found = recognise("12345678\n1234 5678\n23456789");
        assert_eq!(found.codes.len(), 2);
        assert_eq!(found.duplicates, 1);
    }

    #[test]
    fn markers() {
        for m in [
            "1.", "10)", "(3)", "#4", "05", "-", "•", "[", "]", "[x]", "☐", "3:",
        ] {
            assert!(is_marker(m), "{m}");
        }
        for t in ["123", "1234", "abc", "12a."] {
            assert!(!is_marker(t), "{t}");
        }
    }
}
