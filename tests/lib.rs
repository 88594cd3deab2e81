//! The harness of the end-to-end tests: starts tauri-driver (which starts WebKitWebDriver and the real
//! `tock` binary) on a private data folder, and hands out a WebDriver session.
//!
//! Needs an X display (Xvfb), a session bus with an unlocked Secret Service and `tauri-driver` on PATH:
//! `scripts/test` provides all three. Missing pieces make the tests fail with a message, never skip.
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub mod sntp;
mod tray_menu;
pub use tray_menu::TrayMenu;

/// RFC 6238 Appendix B's SHA1 seed, "12345678901234567890", in base32.
pub const RFC_SEED: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

/// Seconds since the Unix epoch (for `tock code --at`).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

pub mod fake_portal;
pub mod xdnd;

/// The `tock` binary under test: `$TOCK_BIN`, else target/debug/tock of this workspace.
pub fn tock_binary() -> PathBuf {
    let path = std::env::var_os("TOCK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let target = std::env::var_os("CARGO_TARGET_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
            target.join("debug/tock")
        });
    assert!(
        path.exists(),
        "{} does not exist: build it first with `cargo build -p tock`",
        path.display()
    );
    path.canonicalize().unwrap()
}

/// Runs the CLI on the same data folder as the app.
pub fn cli(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(tock_binary())
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .expect("tock runs");
    assert!(
        out.status.success(),
        "tock {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim_end().to_owned()
}

/// Two free TCP ports next to each other (tauri-driver and WebKitWebDriver), so that several test processes can
/// run at once.
fn free_port_pair() -> u16 {
    loop {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("no free local TCP port")
            .port();
        if port < u16::MAX && std::net::TcpListener::bind(("127.0.0.1", port + 1)).is_ok() {
            return port;
        }
    }
}

/// A running app with a WebDriver session; the app and the driver end when this is dropped.
pub struct App {
    /// The WebDriver client.
    pub client: Client,
    /// The app's data folder.
    pub data_dir: tempfile::TempDir,
    driver: Child,
    /// The time server the app's clock check asks (this computer's time, unless the test set its own).
    _time_server: sntp::FakeSntp,
}

impl App {
    /// Starts the app on a fresh data folder, optionally seeded through the CLI first.
    pub async fn start(seed: impl FnOnce(&Path)) -> App {
        App::start_with_env(&[], seed).await
    }

    /// An empty vault on a Wayland session as far as Tock can tell (so it asks the desktop portals), while
    /// GTK still draws on Xvfb; returns once the empty state shows.
    pub async fn start_on_wayland() -> App {
        let app = App::start_with_env(
            &[
                ("WAYLAND_DISPLAY", "wayland-tock-test"),
                ("GDK_BACKEND", "x11"),
            ],
            |_| {},
        )
        .await;
        app.find("empty-state").await;
        app
    }

    /// Like [`App::start`], with extra environment variables for the app.
    pub async fn start_with_env(env: &[(&str, &str)], seed: impl FnOnce(&Path)) -> App {
        assert!(
            std::env::var_os("DISPLAY").is_some(),
            "no DISPLAY: run the end-to-end tests through scripts/test (Xvfb)"
        );
        let data_dir = tempfile::tempdir().unwrap();
        seed(data_dir.path());
        let port = free_port_pair();
        // The clock check at start-up asks a local server that agrees with this computer, unless the test
        // points it elsewhere (the machines running the tests need no internet).
        let time_server = sntp::FakeSntp::start(sntp::Answer::OffsetMs(0));
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &port.to_string(),
                "--native-port",
                &(port + 1).to_string(),
            ])
            .env("TOCK_DATA_DIR", data_dir.path())
            .env("TOCK_TIME_SERVERS", time_server.address())
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            // A process group of its own, so that ending it also ends the WebKitWebDriver and the app it started.
            .process_group(0)
            .spawn()
            .expect("tauri-driver must be on PATH (scripts/setup installs it)");
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), "wry".into());
        caps.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": tock_binary() }),
        );
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        let client = loop {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => break client,
                Err(e) if started.elapsed() < Duration::from_secs(30) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
                Err(e) => panic!("could not start a WebDriver session on tauri-driver: {e}"),
            }
        };
        App {
            client,
            data_dir,
            driver,
            _time_server: time_server,
        }
    }

    /// Closes the Settings dialog with Escape (on the focused element) and waits until it is gone.
    pub async fn close_settings(&self) {
        self.client
            .active_element()
            .await
            .unwrap()
            .send_keys(&fantoccini::key::Key::Escape.to_string())
            .await
            .unwrap();
        self.settings_closed().await;
    }

    /// Waits until the Settings dialog is gone (after Escape, Cancel or a save that needs nothing more).
    pub async fn settings_closed(&self) {
        self.eventually("the Settings dialog is closed", || async {
            self.all("settings-dialog").await.is_empty()
        })
        .await;
    }

    /// Waits (up to 10 s) for an element with this `data-testid`.
    pub async fn find(&self, test_id: &str) -> fantoccini::elements::Element {
        self.find_css(&format!("[data-testid=\"{test_id}\"]")).await
    }

    /// Waits (up to 10 s) for an element matching a CSS selector.
    pub async fn find_css(&self, css: &str) -> fantoccini::elements::Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css} appeared: {e}"))
    }

    /// The rendered text of an element (`innerText`: WebKitWebDriver's own "get element text" returns ""
    /// for our elements).
    pub async fn text(&self, element: &fantoccini::elements::Element) -> String {
        let value = self
            .client
            .execute(
                "return arguments[0].innerText",
                vec![serde_json::to_value(element).unwrap()],
            )
            .await
            .unwrap();
        value.as_str().unwrap_or_default().to_owned()
    }

    /// The text of the first element with this `data-testid`, once it exists.
    pub async fn text_of(&self, test_id: &str) -> String {
        let element = self.find(test_id).await;
        self.text(&element).await
    }

    /// Clicks the first element with this `data-testid`, waiting (up to 10 s) until it exists and can be
    /// clicked (a menu or dialog may still be opening).
    pub async fn click(&self, test_id: &str) {
        let started = Instant::now();
        loop {
            let element = self.find(test_id).await;
            match element.click().await {
                Ok(()) => return,
                Err(e) if started.elapsed() < Duration::from_secs(10) => {
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
                Err(e) => panic!("{test_id} could not be clicked: {e}"),
            }
        }
    }

    /// All elements with this `data-testid` now. A page that re-renders while WebKitWebDriver collects them
    /// makes it report a stale element: then it is asked again (up to 2 s).
    pub async fn all(&self, test_id: &str) -> Vec<fantoccini::elements::Element> {
        let started = Instant::now();
        loop {
            let found = self
                .client
                .find_all(Locator::Css(&format!("[data-testid=\"{test_id}\"]")))
                .await;
            match found {
                Ok(elements) => return elements,
                Err(fantoccini::error::CmdError::Standard(e))
                    if e.error == fantoccini::error::ErrorStatus::StaleElementReference
                        && started.elapsed() < Duration::from_secs(2) =>
                {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                Err(e) => panic!("could not list the {test_id} elements: {e}"),
            }
        }
    }

    /// Waits until `check` holds, polling every 100 ms for up to 10 s.
    pub async fn eventually<F, Fut>(&self, what: &str, mut check: F)
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = bool>,
    {
        let started = Instant::now();
        while !check().await {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "timed out waiting until {what}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The process id of this app (the `tock` process with this data folder), e.g. to find its X windows when
    /// an app of an earlier test is still closing.
    pub fn pid(&self) -> u32 {
        let binary = tock_binary();
        let wanted = format!("TOCK_DATA_DIR={}", self.data_dir.path().display());
        std::fs::read_dir("/proc")
            .unwrap()
            .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .find(|pid| {
                let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
                let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
                exe.as_deref() == Some(binary.as_path())
                    && environ.split(|&b| b == 0).any(|v| v == wanted.as_bytes())
            })
            .expect("the app's process")
    }

    /// In the scan review of one account: checks that it shows a 6-digit first code, saves it, and waits until
    /// it is the one account listed, under `issuer`.
    pub async fn save_the_scanned_account(&self, issuer: &str) {
        let first = self.text_of("scan-first-code").await.replace(' ', "");
        assert_eq!(first.len(), 6, "a 6-digit first code: {first}");
        self.click("scan-save").await;
        self.eventually("the account is listed", || async {
            self.all("account-row").await.len() == 1
        })
        .await;
        assert_eq!(self.text_of("account-issuer").await, issuer);
    }

    /// Ends the session and the app.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        self.stop_driver();
    }

    /// Kills tauri-driver's whole process group: tauri-driver, WebKitWebDriver and the app.
    fn stop_driver(&mut self) {
        let group = format!("-{}", self.driver.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).status();
        let _ = self.driver.wait();
    }
}

impl Drop for App {
    fn drop(&mut self) {
        self.stop_driver();
    }
}

/// The text on the CLIPBOARD selection of the X display.
pub fn clipboard() -> String {
    let out = Command::new("xclip")
        .args(["-o", "-selection", "clipboard"])
        .output()
        .expect("xclip (scripts/setup installs it)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The quick-search palette's window title (for xdotool).
pub const PALETTE_TITLE: &str = "^Tock quick search$";

/// Whether a visible X window's title matches `name` (a regular expression, as xdotool takes it).
pub fn visible_window(name: &str) -> bool {
    let out = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", name])
        .output()
        .expect("xdotool runs (scripts/setup installs it)");
    !String::from_utf8_lossy(&out.stdout).trim().is_empty()
}

/// Waits (up to 15 s) until `check` holds, outside the WebDriver session (X windows, fake portals).
pub fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let started = Instant::now();
    while !check() {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "timed out waiting until {what}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Answers the native file dialog titled `title` (GTK's, on the Xvfb display) with `path` through xdotool:
/// the location field gets the whole path, then Return. Waits for the dialog to appear; for a save dialog,
/// also until the file exists.
pub async fn answer_file_dialog(title: &str, path: &Path) {
    let started = Instant::now();
    let window = loop {
        let out = Command::new("xdotool")
            .args(["search", "--onlyvisible", "--name", title])
            .output()
            .expect("xdotool (scripts/setup installs it)");
        let found = String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .map(str::to_owned);
        if let Some(id) = found {
            break id;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the dialog {title:?} did not appear"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    tokio::time::sleep(Duration::from_millis(500)).await;
    let xdotool = |args: &[&str]| {
        let status = Command::new("xdotool").args(args).status().unwrap();
        assert!(status.success(), "xdotool {args:?}");
    };
    let saving = !path.exists();
    xdotool(&["windowfocus", "--sync", &window]);
    // Ctrl+L opens the location field of an open dialog; a save dialog's name field has the focus already.
    xdotool(&[
        "key",
        "--window",
        &window,
        if saving { "ctrl+a" } else { "ctrl+l" },
    ]);
    xdotool(&[
        "type",
        "--window",
        &window,
        "--delay",
        "5",
        path.to_str().unwrap(),
    ]);
    // The location field completes as it is typed: let it settle before Return, and press it again if the
    // first one only accepted a completion.
    tokio::time::sleep(Duration::from_millis(300)).await;
    xdotool(&["key", "--window", &window, "Return"]);
    tokio::time::sleep(Duration::from_millis(700)).await;
    let still_open = Command::new("xdotool")
        .args(["search", "--onlyvisible", "--name", title])
        .output()
        .is_ok_and(|o| !o.stdout.is_empty());
    if still_open {
        // It may close meanwhile: then these fail harmlessly.
        let _ = Command::new("xdotool")
            .args(["windowfocus", "--sync", &window])
            .status();
        let _ = Command::new("xdotool").args(["key", "Return"]).status();
    }
    if saving {
        let started = Instant::now();
        while !path.exists() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "nothing was saved at {}",
                path.display()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}
