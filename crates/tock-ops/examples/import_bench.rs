//! Importing 1,000 accounts from an encrypted Aegis file into the real keychain (issue 11's number), beside
//! the floor: the Secret Service itself creating 1,000 items through one D-Bus connection.
//!
//! Run under a private keyring (it refuses to run without one, so a person's own keychain is never filled):
//!
//! ```text
//! CARGO_TARGET_DIR=/work/target-helper cargo build --release -p tock-ops --example import_bench
//! scripts/with-keyring /work/target-helper/release/examples/import_bench [--accounts N] [--rounds R] [--only b|c]
//! ```
//!
//! One Aegis file (N distinct TOTP entries, random keys, password "bench") is written to a temp dir; then, in R
//! interleaved rounds (the order of the keychain phases alternates from one round to the next):
//!
//! - (a) `tock_ops::import::read_file` and `Encrypted::decrypt`, with scrypt (N = 2^15, r = 8, p = 1) also
//!   timed on its own;
//! - (b) `Session::import` of the decrypted entries into a fresh vault in a temp data dir, on the real keychain
//!   (`KeyringSecrets`, as `tock import` does);
//! - (c) the floor: N `CreateItem` calls on one D-Bus connection into the default collection (same attributes
//!   as Tock's items, replace = true, a plain session), one after the other and then all sent at once; and,
//!   for where the Secret Service's own time goes, all at once into gnome-keyring's in-memory `session`
//!   collection.
//!
//! Every item a round made is deleted before the next round. Prints a Markdown table: median, min, max.
use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use tock_core::export::aegis::{self, AegisKeys};
use tock_core::export::ExportEntry;
use tock_core::import::{Imported, Read};
use tock_core::{OtpParams, Secret};
use tock_ops::import::read_file;
use tock_ops::Session;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};
use zbus::{Connection, Proxy};

const PASSWORD: &str = "bench";
const DEST: &str = "org.freedesktop.secrets";
const SERVICE: &str = tock_store::KEYCHAIN_SERVICE;

fn main() {
    let mut accounts = 1000usize;
    let mut rounds = 5usize;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| usage(&format!("{arg} needs a value")))
        };
        let number = |v: String| {
            v.parse()
                .unwrap_or_else(|_| usage(&format!("{arg} needs a number")))
        };
        match arg.as_str() {
            "--accounts" => accounts = number(value()),
            "--rounds" => rounds = number(value()),
            "--only" => only = Some(value()),
            _ => usage(&format!("unknown argument {arg}")),
        }
    }
    if std::env::var_os("TOCK_KEYRING_HOME").is_none() {
        eprintln!("error: run this under scripts/with-keyring (it writes {accounts} items per round into the keychain)");
        std::process::exit(2);
    }

    let dir = tempfile::tempdir().expect("a temp dir");
    let file = dir.path().join("aegis-encrypted.json");
    write_aegis_file(&file, accounts);
    let size = std::fs::metadata(&file).unwrap().len();
    println!(
        "{accounts} TOTP entries, encrypted Aegis file of {} KiB; {rounds} rounds; load before: {}",
        size / 1024,
        loadavg()
    );

    let mut times: HashMap<&'static str, Vec<Duration>> = HashMap::new();
    let mut record = |phase: &'static str, d: Duration| times.entry(phase).or_default().push(d);
    let floor =
        zbus::block_on(Floor::connect()).expect("the Secret Service answers on the session bus");
    for round in 0..rounds {
        // (a) read and decrypt
        let start = Instant::now();
        let sealed = match read_file(&file, None).expect("the file reads") {
            Read::NeedsPassword(sealed) => sealed,
            Read::Imported(_) => panic!("the file should be encrypted"),
        };
        let read = start.elapsed();
        let start = Instant::now();
        let imported = sealed.decrypt(PASSWORD).expect("the password opens it");
        let decrypt = start.elapsed();
        assert_eq!(imported.entries.len(), accounts);
        record("read", read);
        record("decrypt", decrypt);
        record("a", read + decrypt);
        record("scrypt", time_scrypt());

        let order = if round % 2 == 0 {
            ["b", "c"]
        } else {
            ["c", "b"]
        };
        for phase in order {
            if only.as_deref().is_some_and(|o| o != phase) {
                continue;
            }
            match phase {
                "b" => import_round(&floor, &imported, &mut record),
                _ => floor_round(&floor, accounts, round, &mut record),
            }
        }
        eprintln!("round {} of {rounds} done", round + 1);
    }
    println!("load after: {}\n", loadavg());

    let per_item = |phase: &str| phase == "b" || phase.starts_with('c');
    println!("| phase ({accounts} accounts, {rounds} rounds) | median | min | max | per account (median) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    let rows: [(&str, &str); 8] = [
        ("read", "(a) `read_file`: read the file, parse the envelope"),
        ("decrypt", "(a) `Encrypted::decrypt`: scrypt, AES-GCM, parse the entries"),
        ("scrypt", "… of which scrypt alone (N = 2^15, r = 8, p = 1), timed apart"),
        ("a", "(a) read + decrypt"),
        ("b", "(b) `Session::import` into the real keychain"),
        ("c", "(c) floor: `CreateItem` × N on one connection, one after the other"),
        ("c2", "(c) floor: `CreateItem` × N on one connection, all sent at once"),
        ("c3", "(c) the same into gnome-keyring's in-memory `session` collection (never written to disk)"),
    ];
    let mut per_round = String::new();
    for (key, label) in rows {
        let mut v = times.remove(key).unwrap_or_default();
        if v.is_empty() {
            continue;
        }
        let each: Vec<String> = v.iter().map(|d| format!("{:.0}", ms(*d))).collect();
        per_round += &format!("\n- {key}: {} ms", each.join(", "));
        v.sort();
        let median = v[v.len() / 2];
        let item = if per_item(key) {
            format!("{:.2} ms", ms(median) / accounts as f64)
        } else {
            String::new()
        };
        println!(
            "| {label} | {:.0} ms | {:.0} ms | {:.0} ms | {item} |",
            ms(median),
            ms(v[0]),
            ms(v[v.len() - 1])
        );
    }
    println!("\nEach round, in order:{per_round}");
}

/// (b) `Session::import` into a fresh vault in a temp data dir, then its items deleted.
fn import_round(
    floor: &Floor,
    imported: &Imported,
    record: &mut impl FnMut(&'static str, Duration),
) {
    let data = tempfile::tempdir().expect("a temp data dir");
    let session = Session::open(data.path());
    let start = Instant::now();
    let summary = session
        .import(imported.clone(), 1_700_000_000)
        .expect("the import succeeds");
    record("b", start.elapsed());
    assert_eq!(
        summary.added.len(),
        imported.entries.len(),
        "{:?}",
        summary.skipped
    );
    let doc = session.doc().expect("the vault reads");
    let users: Vec<String> = doc
        .accounts
        .iter()
        .map(|a| format!("{}/{}", doc.vault_id, a.id))
        .collect();
    let deleted = zbus::block_on(floor.delete_users(&users)).expect("clean-up");
    assert_eq!(deleted, users.len(), "every imported account had its item");
}

/// (c) the floor: `CreateItem` one after the other, then all at once, then all at once into the in-memory
/// collection; each batch deleted before the next.
fn floor_round(
    floor: &Floor,
    accounts: usize,
    round: usize,
    record: &mut impl FnMut(&'static str, Duration),
) {
    let default = &floor.default_collection;
    for (phase, collection, pipelined) in [
        ("c", default, false),
        ("c2", default, true),
        ("c3", &floor.session_collection, true),
    ] {
        let (took, paths) = zbus::block_on(floor.create(collection, accounts, round, pipelined))
            .expect("CreateItem");
        record(phase, took);
        zbus::block_on(floor.delete(&paths)).expect("clean-up");
    }
}

fn usage(problem: &str) -> ! {
    eprintln!("error: {problem}\nusage: import_bench [--accounts N] [--rounds R] [--only b|c]");
    std::process::exit(2);
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn random<const N: usize>() -> [u8; N] {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).expect("the OS random number generator");
    bytes
}

/// N distinct TOTP entries (distinct issuers, names and 20-byte random keys) as an encrypted Aegis file.
fn write_aegis_file(path: &Path, accounts: usize) {
    let params = OtpParams::totp_default();
    let owned: Vec<(String, String, Secret)> = (0..accounts)
        .map(|i| {
            (
                format!("Service {i:04}"),
                format!("user{i}@example.com"),
                Secret::from_bytes(random::<20>().to_vec()),
            )
        })
        .collect();
    let entries: Vec<ExportEntry<'_>> = owned
        .iter()
        .map(|(issuer, name, secret)| ExportEntry {
            issuer,
            name,
            secret,
            params: &params,
            notes: "",
            favourite: false,
        })
        .collect();
    let keys = AegisKeys {
        master_key: random(),
        salt: random(),
        slot_nonce: random(),
        db_nonce: random(),
        slot_uuid: random(),
    };
    std::fs::write(path, aegis::encrypted(&entries, PASSWORD, &keys)).expect("the file writes");
}

/// One scrypt derivation with Aegis's parameters (what `decrypt` does once for the password slot).
fn time_scrypt() -> Duration {
    let params = scrypt::Params::new(15, 8, 1, 32).unwrap();
    let mut out = [0u8; 32];
    let start = Instant::now();
    scrypt::scrypt(PASSWORD.as_bytes(), &random::<32>(), &params, &mut out).unwrap();
    start.elapsed()
}

/// One D-Bus connection to the Secret Service, with a plain session open on it.
struct Floor {
    conn: Connection,
    session: OwnedObjectPath,
    /// The `default` alias: gnome-keyring's `login` collection, saved to its file after every change.
    default_collection: OwnedObjectPath,
    /// The `session` alias: gnome-keyring's collection kept in memory only.
    session_collection: OwnedObjectPath,
}

impl Floor {
    async fn connect() -> zbus::Result<Floor> {
        let conn = Connection::session().await?;
        let service = Proxy::new(
            &conn,
            DEST,
            "/org/freedesktop/secrets",
            "org.freedesktop.Secret.Service",
        )
        .await?;
        let (_, session): (OwnedValue, OwnedObjectPath) = service
            .call("OpenSession", &("plain", Value::from("")))
            .await?;
        let default_collection: OwnedObjectPath = service.call("ReadAlias", &("default",)).await?;
        assert_ne!(
            default_collection.as_str(),
            "/",
            "the keyring has a default collection"
        );
        let session_collection: OwnedObjectPath = service.call("ReadAlias", &("session",)).await?;
        assert_ne!(
            session_collection.as_str(),
            "/",
            "gnome-keyring has a session collection"
        );
        Ok(Floor {
            conn,
            session,
            default_collection,
            session_collection,
        })
    }

    /// N items shaped like Tock's (label `keyring:<user>@tock`, attributes service and username), created one
    /// after the other or all sent at once; returns the time the calls took and the items' paths.
    async fn create(
        &self,
        collection: &OwnedObjectPath,
        accounts: usize,
        round: usize,
        pipelined: bool,
    ) -> zbus::Result<(Duration, Vec<OwnedObjectPath>)> {
        let vault = format!("{:032x}", u128::from_be_bytes(random()));
        let items: Vec<(String, Vec<u8>)> = (0..accounts)
            .map(|i| {
                (
                    format!("{vault}/{round:02}{i:014x}"),
                    random::<20>().to_vec(),
                )
            })
            .collect();
        let call = |(user, secret): &(String, Vec<u8>)| {
            let attributes =
                HashMap::from([("service", SERVICE.to_owned()), ("username", user.clone())]);
            let properties = HashMap::from([
                (
                    "org.freedesktop.Secret.Item.Label",
                    Value::from(format!("keyring:{user}@{SERVICE}")),
                ),
                (
                    "org.freedesktop.Secret.Item.Attributes",
                    Value::from(attributes),
                ),
            ]);
            let secret = (
                &self.session,
                Vec::<u8>::new(),
                secret.clone(),
                "application/octet-stream",
            );
            let conn = &self.conn;
            async move {
                let reply = conn
                    .call_method(
                        Some(DEST),
                        collection.as_str(),
                        Some("org.freedesktop.Secret.Collection"),
                        "CreateItem",
                        &(properties, secret, true),
                    )
                    .await?;
                let (item, prompt): (OwnedObjectPath, OwnedObjectPath) =
                    reply.body().deserialize()?;
                assert_eq!(prompt.as_str(), "/", "no prompt on an unlocked keyring");
                Ok::<_, zbus::Error>(item)
            }
        };
        let start = Instant::now();
        let paths = if pipelined {
            futures_util::future::join_all(items.iter().map(call))
                .await
                .into_iter()
                .collect::<zbus::Result<Vec<_>>>()?
        } else {
            let mut paths = Vec::with_capacity(accounts);
            for item in &items {
                paths.push(call(item).await?);
            }
            paths
        };
        Ok((start.elapsed(), paths))
    }

    /// Deletes these items (all requests sent at once).
    async fn delete(&self, paths: &[OwnedObjectPath]) -> zbus::Result<()> {
        let calls = paths.iter().map(|path| {
            self.conn.call_method(
                Some(DEST),
                path.as_str(),
                Some("org.freedesktop.Secret.Item"),
                "Delete",
                &(),
            )
        });
        for reply in futures_util::future::join_all(calls).await {
            reply?;
        }
        Ok(())
    }

    /// Deletes Tock's items of these users (`<vault id>/<account id>`); returns how many were found.
    async fn delete_users(&self, users: &[String]) -> zbus::Result<usize> {
        let searches = users.iter().map(|user| {
            let attributes = HashMap::from([("service", SERVICE), ("username", user.as_str())]);
            async move {
                let reply = self
                    .conn
                    .call_method(
                        Some(DEST),
                        "/org/freedesktop/secrets",
                        Some("org.freedesktop.Secret.Service"),
                        "SearchItems",
                        &(attributes,),
                    )
                    .await?;
                let (unlocked, locked): (Vec<OwnedObjectPath>, Vec<OwnedObjectPath>) =
                    reply.body().deserialize()?;
                Ok::<_, zbus::Error>(unlocked.into_iter().chain(locked))
            }
        });
        let mut paths = Vec::new();
        for found in futures_util::future::join_all(searches).await {
            paths.extend(found?);
        }
        self.delete(&paths).await?;
        Ok(paths.len())
    }
}
