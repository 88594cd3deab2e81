//! A fake xdg-desktop-portal (Screenshot and GlobalShortcuts) for tests, and private D-Bus daemons to run it
//! on.
//!
//! It answers as the real portal does: the Request object's path is built from the caller's unique name and
//! `handle_token`, and the `Response` signal carries a `file://` URI. It sends the `Response` BEFORE the
//! method's reply (a real portal may answer that fast), so a caller that subscribes only after its call
//! returns never hears it: the tests then fail on a time-out.
use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// How the fake portal answers `Screenshot`.
#[derive(Clone)]
pub enum Answer {
    /// Success: this image is copied to a new file in the portal's folder, whose URI is returned.
    Image(PathBuf),
    /// Response 1: the person cancelled.
    Cancel,
    /// Response 2: the portal failed (or the desktop refused).
    Fail,
}

/// One `Screenshot` call as the fake portal saw it.
#[derive(Clone, Debug)]
pub struct Call {
    pub handle_token: Option<String>,
    pub interactive: Option<bool>,
    /// The request path the portal answered on.
    pub request_path: String,
    /// The file the portal wrote for a successful answer.
    pub file: Option<PathBuf>,
}

/// A D-Bus daemon of its own (nothing activatable on it); it ends when dropped.
pub struct PrivateBus {
    pub address: String,
    daemon: Child,
    _dir: tempfile::TempDir,
}

impl PrivateBus {
    pub fn start() -> PrivateBus {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("bus.conf");
        std::fs::write(
            &config,
            format!(
                r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={}/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>"#,
                dir.path().display()
            ),
        )
        .unwrap();
        let mut daemon = Command::new("dbus-daemon")
            .arg(format!("--config-file={}", config.display()))
            .args(["--nofork", "--print-address"])
            .stdout(Stdio::piped())
            // It only warns that it may not raise its file limit.
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon (package dbus, installed with dbus-x11)");
        let mut address = String::new();
        BufReader::new(daemon.stdout.take().unwrap())
            .read_line(&mut address)
            .unwrap();
        assert!(!address.trim().is_empty(), "dbus-daemon printed no address");
        PrivateBus {
            address: address.trim().to_owned(),
            daemon,
            _dir: dir,
        }
    }
}

impl Drop for PrivateBus {
    fn drop(&mut self) {
        let _ = self.daemon.kill();
        let _ = self.daemon.wait();
    }
}

/// The trigger the fake GlobalShortcuts portal reports for every shortcut it binds, whatever was preferred
/// (a desktop may choose another one).
pub const CHOSEN_TRIGGER: &str = "Super+Q";

/// One `BindShortcuts` call as the fake portal saw it.
#[derive(Clone, Debug)]
pub struct Binding {
    /// The caller's unique bus name, which `Activated` is sent to.
    pub owner: String,
    pub session_handle: String,
    /// Each shortcut's id, description and preferred trigger.
    pub shortcuts: Vec<(String, Option<String>, Option<String>)>,
}

/// The fake portal, owning `org.freedesktop.portal.Desktop` on a bus until dropped.
pub struct FakePortal {
    calls: Arc<Mutex<Vec<Call>>>,
    bindings: Arc<Mutex<Vec<Binding>>>,
    conn: zbus::blocking::Connection,
    _dir: tempfile::TempDir,
}

impl FakePortal {
    /// Serves on the bus at `address` (a [`PrivateBus`], or the session bus of the app under test).
    pub fn serve(address: &str, answer: Answer) -> FakePortal {
        let dir = tempfile::tempdir().unwrap();
        let calls = Arc::new(Mutex::new(Vec::new()));
        let service = Screenshot {
            answer,
            dir: dir.path().to_owned(),
            calls: calls.clone(),
        };
        let bindings = Arc::new(Mutex::new(Vec::new()));
        let shortcuts = GlobalShortcuts {
            bindings: bindings.clone(),
        };
        let conn = zbus::blocking::connection::Builder::address(address)
            .unwrap()
            .name("org.freedesktop.portal.Desktop")
            .unwrap()
            .serve_at(PATH, service)
            .unwrap()
            .serve_at(PATH, shortcuts)
            .unwrap()
            .build()
            .expect("the fake portal could not take its name on the bus");
        FakePortal {
            calls,
            bindings,
            conn,
            _dir: dir,
        }
    }

    /// The calls so far.
    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }

    /// The `BindShortcuts` calls so far.
    pub fn bindings(&self) -> Vec<Binding> {
        self.bindings.lock().unwrap().clone()
    }

    /// Sends `Activated` for `shortcut_id` of the latest bound session to its owner, as the desktop does when
    /// the person presses the shortcut.
    pub fn activate(&self, shortcut_id: &str) {
        let binding = self.bindings().pop().expect("no shortcuts are bound yet");
        let session =
            zbus::zvariant::ObjectPath::try_from(binding.session_handle.as_str()).unwrap();
        let options: HashMap<&str, Value<'_>> = HashMap::new();
        self.conn
            .emit_signal(
                Some(binding.owner.as_str()),
                PATH,
                "org.freedesktop.portal.GlobalShortcuts",
                "Activated",
                &(session, shortcut_id, 1_000_u64, options),
            )
            .unwrap();
    }
}

const PATH: &str = "/org/freedesktop/portal/desktop";

/// The path element of a caller's unique name (`1_42` for `:1.42`).
fn sender_element(header: &zbus::message::Header<'_>) -> String {
    header
        .sender()
        .map(|s| s.trim_start_matches(':').replace('.', "_"))
        .unwrap_or_default()
}

fn string_option(options: &HashMap<String, OwnedValue>, key: &str) -> Option<String> {
    options
        .get(key)
        .and_then(|v| <&str>::try_from(v).ok())
        .map(str::to_owned)
}

/// Sends a request's `Response` (before the method's reply, as a fast portal may) and returns its path.
async fn respond(
    conn: &zbus::Connection,
    request_path: String,
    response: u32,
    results: HashMap<&str, Value<'_>>,
) -> zbus::fdo::Result<OwnedObjectPath> {
    conn.emit_signal(
        None::<zbus::names::BusName<'_>>,
        request_path.as_str(),
        "org.freedesktop.portal.Request",
        "Response",
        &(response, results),
    )
    .await
    .map_err(|e| zbus::fdo::Error::Failed(e.to_string()))?;
    OwnedObjectPath::try_from(request_path).map_err(|e| zbus::fdo::Error::Failed(e.to_string()))
}

/// GlobalShortcuts: every session is created, every shortcut bound to [`CHOSEN_TRIGGER`].
struct GlobalShortcuts {
    bindings: Arc<Mutex<Vec<Binding>>>,
}

#[zbus::interface(name = "org.freedesktop.portal.GlobalShortcuts")]
impl GlobalShortcuts {
    async fn create_session(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
        options: HashMap<String, OwnedValue>,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = sender_element(&header);
        let token = string_option(&options, "handle_token").unwrap_or_else(|| "t".into());
        let session_token =
            string_option(&options, "session_handle_token").unwrap_or_else(|| "s".into());
        let session = format!("{PATH}/session/{sender}/{session_token}");
        // The spec's type for the session handle is a string.
        let results = HashMap::from([("session_handle", Value::from(session))]);
        respond(conn, format!("{PATH}/request/{sender}/{token}"), 0, results).await
    }

    async fn bind_shortcuts(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
        session_handle: OwnedObjectPath,
        shortcuts: Vec<(String, HashMap<String, OwnedValue>)>,
        _parent_window: &str,
        options: HashMap<String, OwnedValue>,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = sender_element(&header);
        let token = string_option(&options, "handle_token").unwrap_or_else(|| "t".into());
        self.bindings.lock().unwrap().push(Binding {
            owner: header.sender().map(|s| s.to_string()).unwrap_or_default(),
            session_handle: session_handle.to_string(),
            shortcuts: shortcuts
                .iter()
                .map(|(id, o)| {
                    (
                        id.clone(),
                        string_option(o, "description"),
                        string_option(o, "preferred_trigger"),
                    )
                })
                .collect(),
        });
        let bound: Vec<(String, HashMap<&str, Value<'_>>)> = shortcuts
            .into_iter()
            .map(|(id, o)| {
                let description = string_option(&o, "description").unwrap_or_default();
                let details = HashMap::from([
                    ("description", Value::from(description)),
                    ("trigger_description", Value::from(CHOSEN_TRIGGER)),
                ]);
                (id, details)
            })
            .collect();
        let results = HashMap::from([("shortcuts", Value::from(bound))]);
        respond(conn, format!("{PATH}/request/{sender}/{token}"), 0, results).await
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        1
    }
}

struct Screenshot {
    answer: Answer,
    dir: PathBuf,
    calls: Arc<Mutex<Vec<Call>>>,
}

impl Screenshot {
    /// The response code and results of one request; a successful one writes a new file.
    fn respond(&self, n: usize) -> (u32, HashMap<&'static str, Value<'static>>, Option<PathBuf>) {
        match &self.answer {
            Answer::Image(image) => {
                // A space in the name, as GNOME's "Screenshot from …" files have: the URI is percent-encoded.
                let file = self.dir.join(format!("Screenshot from test {n}.png"));
                std::fs::copy(image, &file).unwrap();
                let uri = url::Url::from_file_path(&file).unwrap().to_string();
                (0, HashMap::from([("uri", Value::from(uri))]), Some(file))
            }
            Answer::Cancel => (1, HashMap::new(), None),
            Answer::Fail => (2, HashMap::new(), None),
        }
    }
}

#[zbus::interface(name = "org.freedesktop.portal.Screenshot")]
impl Screenshot {
    async fn screenshot(
        &self,
        #[zbus(header)] header: zbus::message::Header<'_>,
        #[zbus(connection)] conn: &zbus::Connection,
        _parent_window: &str,
        options: HashMap<String, OwnedValue>,
    ) -> zbus::fdo::Result<OwnedObjectPath> {
        let sender = sender_element(&header);
        let handle_token = string_option(&options, "handle_token");
        let interactive = options
            .get("interactive")
            .and_then(|v| bool::try_from(v).ok());
        let request_path = format!(
            "{PATH}/request/{sender}/{}",
            handle_token.as_deref().unwrap_or("t")
        );
        let n = self.calls.lock().unwrap().len();
        let (response, results, file) = self.respond(n);
        self.calls.lock().unwrap().push(Call {
            handle_token,
            interactive,
            request_path: request_path.clone(),
            file,
        });
        respond(conn, request_path, response, results).await
    }

    #[zbus(property, name = "version")]
    fn version(&self) -> u32 {
        2
    }
}
