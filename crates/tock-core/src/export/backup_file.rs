//! Tock's automatic backup files: an encrypted Aegis vault (see [`super::aegis`]) whose database carries what
//! Tock keeps beyond the accounts, in keys Aegis does not read.
//!
//! Aegis reads a database with `Vault.fromJson` and each entry with `VaultEntry.fromJson`
//! (github.com/beemdevelopment/Aegis, `app/src/main/java/com/beemdevelopment/aegis/vault/`): both take the keys
//! they know (`version`, `entries`, `groups`, `icons_optimized`; `uuid`, `type`, `info`, `name`, `issuer`,
//! `note`, `favorite`, `groups`, `icon…`) with `getX`/`optX` and never look at others. So the accounts of a
//! backup are restorable by Aegis (and by any Aegis importer, Tock's `tock import` among them), and Tock's
//! extras ride along:
//!
//! - the database has `"tock": {"version": 1, "created_at": <Unix seconds>}`, which marks the file as a
//!   Tock backup;
//! - each entry has `"tock": {"added_at", "last_used"?, "sign_in"?, "backup_codes"?,
//!   "backup_codes_stored_at"?, "offline_copy"?}`: `backup_codes` is the set with its used marks exactly as
//!   [`BackupCodes::to_secret`] writes it into the keychain (`{"version": 1, "codes": [{"code", "used_at"}]}`),
//!   `offline_copy` is `{"confirmed_at", "place"}`.
//!
//! Like the rest of `export`, nothing here reads the clock or the random number generator, and nothing is
//! written to disk: the time and the keys are passed in, the text is returned. [`open`] and
//! [`SealedBackup::decrypt`] read a file back in two phases (the window asks for the password in between);
//! [`read`] does both.
use serde_json::{json, Value};

use super::aegis::{self, AegisKeys};
use super::ExportEntry;
use crate::backup::{BackupCodes, OfflineCopy};
use crate::import::{self, describe, ImportError, ImportedEntry, Read, MAX_ENTRIES};
use crate::{Account, Secret, SignInMethod};

/// The version of Tock's extras; a newer one is refused, not misread.
pub const BACKUP_VERSION: u64 = 1;

/// One account to back up, with what Tock keeps beside it.
#[derive(Clone, Copy, Debug)]
pub struct BackupItem<'a> {
    /// The account as Aegis sees it.
    pub entry: ExportEntry<'a>,
    /// Its backup codes, with their used marks.
    pub backup_codes: Option<&'a BackupCodes>,
    /// When the codes were stored (Unix seconds).
    pub backup_codes_stored_at: Option<u64>,
    /// The copy of the codes kept away from this computer, as confirmed.
    pub offline_copy: Option<&'a OfflineCopy>,
    /// How the person signs in to the site.
    pub sign_in: Option<SignInMethod>,
    /// When it was added (Unix seconds).
    pub added_at: u64,
    /// When its code was last copied (Unix seconds).
    pub last_used: Option<u64>,
}

impl<'a> BackupItem<'a> {
    /// A vault account, its secret and its backup codes (if any are stored).
    pub fn of_account(
        account: &'a Account,
        secret: &'a Secret,
        backup_codes: Option<&'a BackupCodes>,
    ) -> Self {
        let summary = account.backup_codes.as_ref();
        BackupItem {
            entry: ExportEntry::of_account(account, secret),
            backup_codes,
            backup_codes_stored_at: backup_codes.and(summary.map(|s| s.stored_at)),
            offline_copy: backup_codes.and(summary.and_then(|s| s.offline.as_ref())),
            sign_in: account.sign_in,
            added_at: account.added_at,
            last_used: account.last_used,
        }
    }
}

/// The backup file of `items`, made at `created_at` (Unix seconds), encrypted with `password`.
pub fn write(
    items: &[BackupItem<'_>],
    created_at: u64,
    password: &str,
    keys: &AegisKeys,
) -> String {
    let entries: Vec<ExportEntry> = items.iter().map(|i| i.entry).collect();
    let mut db = aegis::content(&entries, &keys.master_key);
    if let Some(list) = db.0.get_mut("entries").and_then(Value::as_array_mut) {
        for (entry, item) in list.iter_mut().zip(items) {
            entry["tock"] = extras(item);
        }
    }
    db.0["tock"] = json!({ "version": BACKUP_VERSION, "created_at": created_at });
    aegis::seal(&db, password, keys)
}

/// An entry's `"tock"` object. The codes go straight into the database, whose strings are wiped.
fn extras(item: &BackupItem<'_>) -> Value {
    let mut tock = json!({ "added_at": item.added_at });
    if let Some(at) = item.last_used {
        tock["last_used"] = json!(at);
    }
    if let Some(method) = item.sign_in {
        tock["sign_in"] = json!(method.id());
    }
    if let Some(codes) = item.backup_codes {
        let wire = codes.to_secret();
        tock["backup_codes"] =
            serde_json::from_slice(wire.as_bytes()).expect("a code set is always JSON");
        if let Some(at) = item.backup_codes_stored_at {
            tock["backup_codes_stored_at"] = json!(at);
        }
        if let Some(copy) = item.offline_copy {
            tock["offline_copy"] =
                json!({ "confirmed_at": copy.confirmed_at, "place": copy.place });
        }
    }
    tock
}

/// Why a backup file could not be read. Each message is one lower-case sentence: what is wrong, what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupFileError {
    /// Decryption failed: a wrong password, or a damaged file (the two cannot be told apart).
    #[error("the backup password is wrong, or the backup file is damaged; check the password and try again")]
    WrongPassword,
    /// Not an encrypted Aegis vault with Tock's extras.
    #[error("this file is not a Tock backup ({0}); choose a tock-backup-….json file from the backup folder")]
    NotTockBackup(String),
    /// A Tock backup whose content does not read.
    #[error("the backup file is damaged ({0}); choose another backup, such as an older one")]
    Corrupt(String),
    /// Written by a newer Tock.
    #[error("the backup file has format version {0}, which this Tock does not know; update Tock")]
    TooNew(u64),
}

/// One account read from a backup, with Tock's extras (absent in files other than Tock's backups).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupEntry {
    /// The account: issuer, name, secret, parameters, note, favourite.
    pub account: ImportedEntry,
    /// Its backup codes, with their used marks.
    pub backup_codes: Option<BackupCodes>,
    /// When the codes were stored (Unix seconds).
    pub backup_codes_stored_at: Option<u64>,
    /// The copy of the codes kept away from the computer, as confirmed.
    pub offline_copy: Option<OfflineCopy>,
    /// How the person signs in to the site.
    pub sign_in: Option<SignInMethod>,
    /// When it was added (Unix seconds).
    pub added_at: Option<u64>,
    /// When its code was last copied (Unix seconds).
    pub last_used: Option<u64>,
}

/// What a backup file holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BackupContents {
    /// When the backup was made (Unix seconds).
    pub created_at: u64,
    /// The accounts, in the vault's order.
    pub entries: Vec<BackupEntry>,
}

/// A backup file read and waiting for its password.
#[derive(Debug)]
pub struct SealedBackup(import::aegis::Sealed);

/// Reads the envelope of a backup file (no password needed): an encrypted Aegis vault, or why it is not one.
pub fn open(bytes: &[u8]) -> Result<SealedBackup, BackupFileError> {
    let not = |why: &str| BackupFileError::NotTockBackup(why.into());
    if bytes.len() > import::MAX_FILE_BYTES {
        return Err(not("it is larger than any backup"));
    }
    let text = std::str::from_utf8(bytes).map_err(|_| not("it is not text"))?;
    let json: Value = serde_json::from_str(text).map_err(|_| not("it is not JSON"))?;
    if json.get("header").is_none() || json.get("db").is_none() {
        return Err(not("it is not an Aegis vault"));
    }
    match import::aegis::read(&json) {
        Ok(Read::NeedsPassword(sealed)) => sealed
            .into_aegis()
            .map(SealedBackup)
            .ok_or_else(|| not("it is not an Aegis vault")),
        Ok(Read::Imported(_)) => Err(not("it is not encrypted")),
        Err(ImportError::Corrupt { detail, .. }) => Err(BackupFileError::Corrupt(detail)),
        Err(e) => Err(BackupFileError::Corrupt(envelope_problem(&e))),
    }
}

/// A few words on an envelope Tock refuses (never the file's content).
fn envelope_problem(e: &ImportError) -> String {
    match e {
        ImportError::KdfTooCostly { what, .. } => format!("it asks for {what}"),
        ImportError::UnsupportedVariant { what, .. } => format!("it uses {what}"),
        _ => "its header does not read".into(),
    }
}

/// Reads a backup file with its password.
pub fn read(bytes: &[u8], password: &str) -> Result<BackupContents, BackupFileError> {
    open(bytes)?.decrypt(password)
}

impl SealedBackup {
    /// Decrypts with `password` and reads every entry with its extras.
    pub fn decrypt(&self, password: &str) -> Result<BackupContents, BackupFileError> {
        let db = self.0.open_db(password).map_err(|e| match e {
            ImportError::WrongPassword { .. } => BackupFileError::WrongPassword,
            ImportError::Corrupt { detail, .. } => BackupFileError::Corrupt(detail),
            other => BackupFileError::Corrupt(envelope_problem(&other)),
        })?;
        let Some(tock) = db.get("tock").filter(|t| t.is_object()) else {
            return Err(BackupFileError::NotTockBackup(
                "it is an Aegis vault without Tock's backup data; add its accounts with tock import instead"
                    .into(),
            ));
        };
        let version = tock.get("version").and_then(Value::as_u64).unwrap_or(0);
        if version > BACKUP_VERSION {
            return Err(BackupFileError::TooNew(version));
        }
        let corrupt = |what: &str| BackupFileError::Corrupt(what.into());
        if version == 0 {
            return Err(corrupt("its Tock version is missing"));
        }
        let created_at = tock
            .get("created_at")
            .and_then(Value::as_u64)
            .ok_or_else(|| corrupt("the time it was made is missing"))?;
        let list = db
            .get("entries")
            .and_then(Value::as_array)
            .ok_or_else(|| corrupt("it has no list of entries"))?;
        if list.len() > MAX_ENTRIES {
            return Err(corrupt("it holds more than 10000 entries"));
        }
        let entries = list
            .iter()
            .enumerate()
            .map(|(i, e)| read_entry(e, i))
            .collect::<Result<_, _>>()?;
        Ok(BackupContents {
            created_at,
            entries,
        })
    }
}

fn read_entry(e: &Value, index: usize) -> Result<BackupEntry, BackupFileError> {
    let text = |key: &str| e.get(key).and_then(Value::as_str).unwrap_or("");
    let (issuer, name) = (text("issuer"), text("name"));
    let label = || describe(issuer, name, index);
    let account = import::aegis::entry(e, issuer, name)
        .map_err(|reason| BackupFileError::Corrupt(format!("{}: {reason}", label())))?;
    let none = Value::Null;
    let tock = e.get("tock").unwrap_or(&none);
    let number = |key: &str| tock.get(key).and_then(Value::as_u64);
    let backup_codes = match tock.get("backup_codes") {
        None | Some(Value::Null) => None,
        Some(codes) => {
            let bytes = serde_json::to_vec(codes).expect("JSON values always serialise");
            let wire = Secret::from_bytes(bytes);
            Some(BackupCodes::from_secret(&wire).map_err(|_| {
                BackupFileError::Corrupt(format!("the backup codes of {} do not read", label()))
            })?)
        }
    };
    let offline_copy = tock.get("offline_copy").and_then(|c| {
        Some(OfflineCopy {
            confirmed_at: c.get("confirmed_at")?.as_u64()?,
            place: c.get("place")?.as_str()?.to_owned(),
        })
    });
    Ok(BackupEntry {
        account,
        backup_codes,
        backup_codes_stored_at: number("backup_codes_stored_at"),
        offline_copy,
        // A method a newer Tock knows and this one does not is left unsaid, not an error.
        sign_in: tock
            .get("sign_in")
            .and_then(Value::as_str)
            .and_then(SignInMethod::from_id),
        added_at: number("added_at"),
        last_used: number("last_used"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::otp::OtpKind;
    use crate::OtpParams;

    fn keys() -> AegisKeys {
        AegisKeys {
            master_key: [7; 32],
            salt: [1; 32],
            slot_nonce: [2; 12],
            db_nonce: [3; 12],
            slot_uuid: [4; 16],
        }
    }

    struct Fixture {
        secrets: Vec<Secret>,
        params: Vec<OtpParams>,
        codes: BackupCodes,
        offline: OfflineCopy,
    }

    fn fixture() -> Fixture {
        let mut codes = BackupCodes::new(["1111-2222", "3333-4444", "5555-6666"]).unwrap();
        codes.mark_used(Some("3333 4444"), 1_700_000_100).unwrap();
        let mut hotp = OtpParams::totp_default();
        hotp.kind = OtpKind::Hotp { counter: 42 };
        Fixture {
            secrets: vec![
                Secret::from_bytes(b"12345678901234567890".to_vec()),
                Secret::from_bytes(b"another secret key!!".to_vec()),
            ],
            params: vec![OtpParams::totp_default(), hotp],
            codes,
            offline: OfflineCopy {
                confirmed_at: 1_700_000_200,
                place: "printed, in the desk drawer".into(),
            },
        }
    }

    fn items(f: &Fixture) -> Vec<BackupItem<'_>> {
        vec![
            BackupItem {
                entry: ExportEntry {
                    issuer: "GitHub",
                    name: "alice",
                    secret: &f.secrets[0],
                    params: &f.params[0],
                    notes: "work account",
                    favourite: true,
                },
                backup_codes: Some(&f.codes),
                backup_codes_stored_at: Some(1_700_000_050),
                offline_copy: Some(&f.offline),
                sign_in: Some(SignInMethod::Google),
                added_at: 1_600_000_000,
                last_used: Some(1_700_000_300),
            },
            BackupItem {
                entry: ExportEntry {
                    issuer: "Bank",
                    name: "",
                    secret: &f.secrets[1],
                    params: &f.params[1],
                    notes: "",
                    favourite: false,
                },
                backup_codes: None,
                backup_codes_stored_at: None,
                offline_copy: None,
                sign_in: None,
                added_at: 1_600_000_001,
                last_used: None,
            },
        ]
    }

    #[test]
    fn a_backup_reads_back_with_every_extra() {
        let f = fixture();
        let file = write(&items(&f), 1_700_001_000, "backup pass", &keys());
        let read = read(file.as_bytes(), "backup pass").unwrap();
        assert_eq!(read.created_at, 1_700_001_000);
        assert_eq!(read.entries.len(), 2);
        let first = &read.entries[0];
        assert_eq!(
            (first.account.issuer.as_str(), first.account.name.as_str()),
            ("GitHub", "alice")
        );
        assert_eq!(first.account.secret, f.secrets[0]);
        assert_eq!(first.account.params, f.params[0]);
        assert_eq!(first.account.notes, "work account");
        assert!(first.account.favourite);
        assert_eq!(first.backup_codes.as_ref(), Some(&f.codes));
        let used: Vec<Option<u64>> = first
            .backup_codes
            .as_ref()
            .unwrap()
            .codes()
            .iter()
            .map(|c| c.used_at())
            .collect();
        assert_eq!(used, [None, Some(1_700_000_100), None], "used marks kept");
        assert_eq!(first.backup_codes_stored_at, Some(1_700_000_050));
        assert_eq!(first.offline_copy.as_ref(), Some(&f.offline));
        assert_eq!(first.sign_in, Some(SignInMethod::Google));
        assert_eq!(first.added_at, Some(1_600_000_000));
        assert_eq!(first.last_used, Some(1_700_000_300));
        let second = &read.entries[1];
        assert_eq!(second.account.secret, f.secrets[1]);
        assert_eq!(second.account.params.kind, OtpKind::Hotp { counter: 42 });
        assert_eq!(second.backup_codes, None);
        assert_eq!(second.sign_in, None);
        assert_eq!(second.added_at, Some(1_600_000_001));
        assert_eq!(second.last_used, None);
    }

    #[test]
    fn the_file_is_an_aegis_vault_that_aegis_importers_read() {
        let f = fixture();
        let file = write(&items(&f), 5, "backup pass", &keys());
        // Tock's own Aegis importer, which reads only the keys Aegis reads.
        let Read::NeedsPassword(sealed) = import::read(file.as_bytes(), None).unwrap() else {
            panic!("a backup is encrypted");
        };
        assert_eq!(sealed.format(), import::Format::Aegis);
        let imported = sealed.decrypt("backup pass").unwrap();
        assert!(imported.errors.is_empty(), "{:?}", imported.errors);
        let secrets: Vec<&Secret> = imported.entries.iter().map(|e| &e.secret).collect();
        assert_eq!(secrets, [&f.secrets[0], &f.secrets[1]]);
        // The envelope is Aegis's: version 1, one password slot, base64 db; the codes are not in clear text.
        let json: Value = serde_json::from_str(&file).unwrap();
        assert_eq!(json["version"], 1);
        assert_eq!(json["header"]["slots"][0]["type"], 1);
        assert!(json["db"].is_string());
        assert!(!file.contains("1111-2222") && !file.contains("GitHub"));
    }

    #[test]
    fn a_wrong_password_or_a_changed_byte_is_refused() {
        let f = fixture();
        let file = write(&items(&f), 5, "backup pass", &keys());
        assert_eq!(
            read(file.as_bytes(), "wrong").unwrap_err(),
            BackupFileError::WrongPassword
        );
        let mut json: Value = serde_json::from_str(&file).unwrap();
        let db = json["db"].as_str().unwrap().to_owned();
        let flipped = if db.starts_with('A') { "B" } else { "A" };
        json["db"] = json!(format!("{flipped}{}", &db[1..]));
        let tampered = serde_json::to_string(&json).unwrap();
        assert_eq!(
            read(tampered.as_bytes(), "backup pass").unwrap_err(),
            BackupFileError::WrongPassword
        );
        let message = BackupFileError::WrongPassword.to_string();
        assert!(message.contains("password is wrong") && message.contains("try again"));
    }

    #[test]
    fn other_files_are_not_tock_backups() {
        let f = fixture();
        let entries: Vec<ExportEntry> = items(&f).iter().map(|i| i.entry).collect();
        let plain = aegis::plain(&entries);
        let not_tock = |bytes: &[u8], password: &str| match read(bytes, password) {
            Err(BackupFileError::NotTockBackup(why)) => why,
            other => panic!("expected NotTockBackup, got {other:?}"),
        };
        assert_eq!(not_tock(plain.as_bytes(), "x"), "it is not encrypted");
        assert_eq!(not_tock(b"hello", "x"), "it is not JSON");
        assert_eq!(not_tock(&[0xff, 0x00], "x"), "it is not text");
        assert_eq!(
            not_tock(b"{\"accounts\": []}", "x"),
            "it is not an Aegis vault"
        );
        // A plain Aegis export, encrypted: readable by `tock import`, but it has no Tock data.
        let exported = aegis::encrypted(&entries, "pw", &keys());
        let why = not_tock(exported.as_bytes(), "pw");
        assert!(why.contains("tock import"), "{why}");
        let message = BackupFileError::NotTockBackup(why).to_string();
        assert!(
            message.starts_with("this file is not a Tock backup"),
            "{message}"
        );
    }

    #[test]
    fn a_newer_version_or_a_damaged_set_of_codes_is_refused() {
        let f = fixture();
        let k = keys();
        let entries: Vec<ExportEntry> = items(&f).iter().map(|i| i.entry).collect();
        let with = |edit: &dyn Fn(&mut Value)| {
            let mut db = aegis::content(&entries, &k.master_key);
            db.0["tock"] = json!({"version": 1, "created_at": 9});
            edit(&mut db.0);
            aegis::seal(&db, "pw", &k)
        };
        let newer = with(&|db| db["tock"]["version"] = json!(2));
        assert_eq!(
            read(newer.as_bytes(), "pw").unwrap_err(),
            BackupFileError::TooNew(2)
        );
        let bad_codes = with(&|db| {
            db["entries"][0]["tock"] = json!({"backup_codes": {"version": 1, "codes": "nope"}})
        });
        match read(bad_codes.as_bytes(), "pw").unwrap_err() {
            BackupFileError::Corrupt(what) => {
                assert_eq!(what, "the backup codes of GitHub (alice) do not read")
            }
            other => panic!("{other:?}"),
        }
        let no_time = with(&|db| db["tock"] = json!({"version": 1}));
        assert!(matches!(
            read(no_time.as_bytes(), "pw"),
            Err(BackupFileError::Corrupt(_))
        ));
        // Entries without extras (added by hand, say) read with none.
        let bare = with(&|_| {});
        let contents = read(bare.as_bytes(), "pw").unwrap();
        assert_eq!(contents.created_at, 9);
        assert_eq!(contents.entries[0].added_at, None);
        assert_eq!(contents.entries[0].backup_codes, None);
    }

    #[test]
    fn the_same_inputs_make_the_same_file() {
        let f = fixture();
        assert_eq!(
            write(&items(&f), 5, "pw", &keys()),
            write(&items(&f), 5, "pw", &keys())
        );
    }
}
