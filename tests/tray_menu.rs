//! The real app's tray menu, read and clicked over D-Bus (com.canonical.dbusmenu) as a desktop's tray host
//! would: shared by the end-to-end tests and `src-tauri/tests/tray.rs`.
use std::collections::HashMap;
use std::time::{Duration, Instant};

use zbus::blocking::{Connection, Proxy};
use zbus::zvariant::{OwnedValue, Value};

const MENU_PATH: &str = "/org/ayatana/NotificationItem/tray_icon_tray_app_main_tray/Menu";
const DBUSMENU: &str = "com.canonical.dbusmenu";

/// (id, label) of a menu item; labels with GTK's mnemonic escaping undone.
pub type MenuItem = (i32, String);

/// The tray menu of the app with this pid, found on the session bus like a tray host would.
pub struct TrayMenu {
    conn: Connection,
    owner: String,
}

impl TrayMenu {
    /// Waits (up to 30 s) for the tray menu of the process `pid` on the session bus.
    pub fn find(pid: u32) -> TrayMenu {
        // A bounded wait per call: other connections of the app (a keychain client, say) need not answer.
        let conn = zbus::blocking::connection::Builder::session()
            .and_then(|b| b.method_timeout(Duration::from_secs(2)).build())
            .expect("session bus");
        let bus = Proxy::new(
            &conn,
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
        )
        .unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let names: Vec<String> = bus.call("ListNames", &()).unwrap();
            for name in names.iter().filter(|n| n.starts_with(':')) {
                let owner_pid: Result<u32, _> =
                    bus.call("GetConnectionUnixProcessID", &(name.as_str(),));
                if owner_pid.ok() != Some(pid) {
                    continue;
                }
                let menu = TrayMenu {
                    conn: conn.clone(),
                    owner: name.clone(),
                };
                if menu.try_layout().is_some() {
                    return menu;
                }
            }
            assert!(
                Instant::now() < deadline,
                "the app exported no tray menu on the session bus within 30 s"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn proxy(&self) -> Proxy<'_> {
        Proxy::new(&self.conn, self.owner.as_str(), MENU_PATH, DBUSMENU).unwrap()
    }

    fn try_layout(&self) -> Option<Vec<MenuItem>> {
        type Node = (i32, HashMap<String, OwnedValue>, Vec<OwnedValue>);
        let (_revision, (_, _, children)): (u32, Node) = self
            .proxy()
            .call("GetLayout", &(0i32, -1i32, Vec::<String>::new()))
            .ok()?;
        let mut items = Vec::new();
        for child in children {
            let (id, props, _): Node = Value::from(child).try_into().ok()?;
            let label = props
                .get("label")
                .and_then(|v| String::try_from(v.try_clone().ok()?).ok())
                .unwrap_or_default();
            items.push((id, label.replace("__", "_")));
        }
        Some(items)
    }

    /// The labels, "" for separators.
    pub fn labels(&self) -> Vec<String> {
        self.try_layout()
            .expect("menu layout")
            .into_iter()
            .map(|(_, l)| l)
            .collect()
    }

    /// Clicks the item labelled `label`.
    pub fn click(&self, label: &str) {
        let layout = self.try_layout().expect("menu layout");
        let (id, _) = layout
            .iter()
            .find(|(_, l)| l == label)
            .unwrap_or_else(|| panic!("no menu item {label:?} in {layout:?}"));
        let _: () = self
            .proxy()
            .call("Event", &(*id, "clicked", Value::from(""), 0u32))
            .expect("the click is delivered");
    }
}
