//! The quick-search shortcut: one global shortcut, registered by Tock's own X11 grab (`hotkey.rs`), through
//! the xdg-desktop-portal GlobalShortcuts interface on Wayland, or by Tauri's global-shortcut plugin on macOS
//! and Windows; its status in words for the Settings dialog. What a press does (open the palette) is the
//! window's, handed in when the state is made.
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use futures_util::StreamExt;
use global_hotkey::hotkey::{HotKey as Shortcut, Modifiers};
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use ts_rs::TS;
use zbus::zvariant::{OwnedValue, Value};

/// The flag that opens the quick search (also in a running Tock); desktops' own shortcut settings can run
/// `tock --quick-search` where Tock cannot register a global shortcut itself (Wayland).
pub const QUICK_SEARCH_FLAG: &str = "--quick-search";

/// What pressing the shortcut does.
pub type OnPress = fn(&AppHandle);

/// The event that carries the shortcut's status when the desktop answers later (Wayland's portal).
pub const STATUS_EVENT: &str = "shortcut-status";

/// Whether the quick-search shortcut works, in words for the Settings dialog.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(tag = "state", rename_all = "camelCase")]
#[ts(export)]
pub enum ShortcutStatus {
    /// No shortcut is set.
    Off,
    /// The shortcut is registered.
    Active { shortcut: String },
    /// The desktop was asked to register the shortcut (Wayland's portal) and has not answered yet; the
    /// answer comes as a `shortcut-status` event.
    Pending { shortcut: String },
    /// The shortcut could not be registered; `message` says why and what to do instead.
    Failed { message: String },
}

/// The status of the shortcut in force, and on Wayland the task that holds its portal session.
pub struct ShortcutState {
    /// What a press does.
    on_press: OnPress,
    status: Mutex<ShortcutStatus>,
    /// Counts registrations, so that a portal task replaced by a newer one never reports.
    generation: AtomicU64,
    portal: Mutex<Option<tauri::async_runtime::JoinHandle<()>>>,
    /// Held while a shortcut is registered, so that the one registered last is the one in force and shown.
    registering: Mutex<()>,
    /// On X11 (Linux): the key grab, made at the first registration.
    #[cfg(target_os = "linux")]
    x11: std::sync::OnceLock<Result<super::hotkey::X11Hotkey, String>>,
}

impl ShortcutState {
    /// No shortcut registered yet; a press will call `on_press`.
    pub fn new(on_press: OnPress) -> Self {
        ShortcutState {
            on_press,
            status: Mutex::new(ShortcutStatus::Off),
            generation: AtomicU64::new(0),
            portal: Mutex::new(None),
            registering: Mutex::new(()),
            #[cfg(target_os = "linux")]
            x11: std::sync::OnceLock::new(),
        }
    }
}

impl ShortcutState {
    /// The shortcut's status.
    pub fn status(&self) -> ShortcutStatus {
        self.status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Records `status` if `generation` is still the latest registration.
    fn report(&self, generation: u64, status: ShortcutStatus) {
        let mut current = self.status.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation.load(Ordering::SeqCst) == generation {
            *current = status;
        }
    }
}

/// The global-shortcut plugin (macOS, Windows): the one shortcut Tock registers opens the palette when
/// pressed. Linux uses its own X11 grab (`hotkey.rs`) or the portal.
#[cfg(not(target_os = "linux"))]
pub fn plugin(on_press: OnPress) -> tauri::plugin::TauriPlugin<tauri::Wry> {
    use tauri_plugin_global_shortcut::ShortcutState as Pressed;
    tauri_plugin_global_shortcut::Builder::new()
        .with_handler(move |app, _shortcut, event| {
            if event.state() == Pressed::Pressed {
                on_press(app);
            }
        })
        .build()
}

/// A Wayland session, where X11 key grabs only see keys typed into X11 windows.
fn wayland_session() -> bool {
    std::env::var_os("WAYLAND_DISPLAY").is_some()
        || std::env::var("XDG_SESSION_TYPE").is_ok_and(|t| t == "wayland")
}

/// Registers `text` as the quick-search shortcut (replacing the previous one) and records the outcome. On
/// Wayland the portal answers later: the status says so until it has.
pub fn apply_shortcut(app: &AppHandle, text: &str) -> ShortcutStatus {
    let state = app.state::<ShortcutState>();
    let _registering = state.registering.lock().unwrap_or_else(|p| p.into_inner());
    apply_locked(app, text)
}

fn apply_locked(app: &AppHandle, text: &str) -> ShortcutStatus {
    let state = app.state::<ShortcutState>();
    let generation = state.generation.fetch_add(1, Ordering::SeqCst) + 1;
    if let Some(task) = state
        .portal
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .take()
    {
        // Dropping the task's connection ends its portal session.
        task.abort();
    }
    let text = text.trim();
    let (status, on_portal) = register(app, text);
    // Recorded before the portal task starts, so that its answer is never overwritten.
    state.report(generation, status.clone());
    if let Some(shortcut) = on_portal {
        let handle = app.clone();
        let owned = text.to_owned();
        let task = tauri::async_runtime::spawn(async move {
            portal_shortcut(&handle, &owned, xdg_trigger(&shortcut), generation).await;
        });
        *state.portal.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
    }
    status
}

/// Registers `text` on X11; on Wayland returns the shortcut to bind through the portal, with the status to
/// show until it answers.
fn register(app: &AppHandle, text: &str) -> (ShortcutStatus, Option<Shortcut>) {
    let _ = grab(app, None);
    if text.is_empty() {
        return (ShortcutStatus::Off, None);
    }
    let failed = |message: String| ShortcutStatus::Failed { message };
    let shortcut: Shortcut = match text.parse() {
        Ok(s) => s,
        Err(_) => {
            return (
                failed(format!(
            "\"{text}\" is not a shortcut Tock understands; write it like CommandOrControl+Alt+O."
        )),
                None,
            )
        }
    };
    if wayland_session() {
        let asking = ShortcutStatus::Pending {
            shortcut: text.to_owned(),
        };
        return (asking, Some(shortcut));
    }
    let status = match grab(app, Some(&shortcut)) {
        Ok(()) => ShortcutStatus::Active {
            shortcut: text.to_owned(),
        },
        Err(e) => failed(format!(
            "{text} could not be registered ({e}); choose another."
        )),
    };
    (status, None)
}

/// Makes `shortcut` the global shortcut that opens the palette (`None`: no shortcut).
#[cfg(target_os = "linux")]
fn grab(app: &AppHandle, shortcut: Option<&Shortcut>) -> Result<(), String> {
    let state = app.state::<ShortcutState>();
    let Some(shortcut) = shortcut else {
        // Releasing: only if a grab was ever made (on Wayland no X connection is opened at all).
        return match state.x11.get() {
            Some(Ok(x11)) => x11.set(None),
            _ => Ok(()),
        };
    };
    let handle = app.clone();
    let on_press = state.on_press;
    let x11 = state
        .x11
        .get_or_init(|| super::hotkey::X11Hotkey::connect(move || (on_press)(&handle)));
    match x11 {
        Ok(x11) => x11.set(Some(shortcut)),
        Err(e) => Err(e.clone()),
    }
}

#[cfg(not(target_os = "linux"))]
fn grab(app: &AppHandle, shortcut: Option<&Shortcut>) -> Result<(), String> {
    use tauri_plugin_global_shortcut::GlobalShortcutExt;
    let shortcuts = app.global_shortcut();
    let _ = shortcuts.unregister_all();
    match shortcut {
        Some(shortcut) => shortcuts
            .register(*shortcut)
            .map_err(|e| format!("another program may already use it: {e}")),
        None => Ok(()),
    }
}

/// The shortcut's id in the portal session.
const SHORTCUT_ID: &str = "quick-search";
const GLOBAL_SHORTCUTS: &str = "org.freedesktop.portal.GlobalShortcuts";

/// On Wayland: binds the shortcut through the GlobalShortcuts portal, reports the outcome, then opens the
/// palette at each activation for as long as the task lives (it is aborted when the setting changes).
async fn portal_shortcut(app: &AppHandle, text: &str, trigger: Option<String>, generation: u64) {
    let state = app.state::<ShortcutState>();
    // Every answer is recorded and told to the window (the Settings dialog may be waiting for it).
    let tell = |status: ShortcutStatus| {
        state.report(generation, status);
        let _ = app.emit(STATUS_EVENT, state.status());
    };
    let bound = tokio::time::timeout(
        std::time::Duration::from_secs(120),
        bind_shortcut(text, trigger),
    )
    .await
    .unwrap_or_else(|_| {
        Err(format!(
            "Your desktop did not answer within 120 seconds whether {text} may be registered; save \
             the settings to ask again."
        ))
    });
    let (portal, session, mut activations, shortcut) = match bound {
        Ok(bound) => bound,
        Err(message) => return tell(ShortcutStatus::Failed { message }),
    };
    tell(ShortcutStatus::Active { shortcut });
    while let Some(message) = activations.next().await {
        let Ok(message) = message else { continue };
        let ours = message
            .body()
            .deserialize::<Activated>()
            .is_ok_and(|(s, id, _, _)| s.as_str() == session && id == SHORTCUT_ID);
        if ours {
            (state.on_press)(app);
        }
    }
    drop(portal);
    tell(ShortcutStatus::Failed {
        message: format!(
            "The connection to your desktop's shortcut portal closed, so {text} no longer works; \
             restart Tock."
        ),
    });
}

type Bound = (super::portal::Portal, String, zbus::MessageStream, String);
/// `Activated`'s body: session handle, shortcut id, timestamp, options.
type Activated = (
    zbus::zvariant::OwnedObjectPath,
    String,
    u64,
    HashMap<String, OwnedValue>,
);

/// CreateSession, then BindShortcuts; returns the portal, the session handle, the stream of `Activated`
/// signals and the trigger to show (the portal's, else `text`), or one sentence saying why not.
async fn bind_shortcut(text: &str, trigger: Option<String>) -> Result<Bound, String> {
    use super::portal::{Portal, RequestError, PORTAL_PATH};
    let instead = format!(
        "add a shortcut in your desktop's keyboard settings that runs `tock {}` instead",
        QUICK_SEARCH_FLAG
    );
    let request_error = |e: RequestError| match e {
        RequestError::Missing(_) => format!(
            "Your desktop offers no global shortcut portal, so Tock cannot register {text} \
             itself: {instead}."
        ),
        RequestError::Failed(e) => format!(
            "Your desktop's shortcut portal failed ({e}), so {text} is not registered: {instead}."
        ),
        RequestError::Closed => format!(
            "The connection to your desktop's shortcut portal closed before it answered, so \
             {text} is not registered: {instead}."
        ),
    };
    let answered = |response: u32| match response {
        0 => Ok(()),
        1 => Err(format!(
            "You declined to let Tock register {text}; save the settings to be asked again, or \
             {instead}."
        )),
        _ => Err(format!(
            "Your desktop did not register {text} (refused or failed); choose another shortcut, or \
             {instead}."
        )),
    };
    let portal = Portal::connect().await.map_err(|e| {
        format!(
            "There is no D-Bus session bus to reach your desktop's shortcut portal ({e}): \
             {instead}."
        )
    })?;
    // Subscribed before binding, so that no activation is missed.
    let activations = portal
        .subscribe(GLOBAL_SHORTCUTS, "Activated", PORTAL_PATH)
        .await
        .map_err(|e| request_error(RequestError::Failed(e.to_string())))?;

    let (response, results) = portal
        .request(GLOBAL_SHORTCUTS, "CreateSession", |token| {
            let options: HashMap<&str, Value<'static>> = HashMap::from([
                ("handle_token", Value::from(token.clone())),
                ("session_handle_token", Value::from(token)),
            ]);
            (options,)
        })
        .await
        .map_err(request_error)?;
    answered(response)?;
    // The spec gives the session handle as a string; some portals send an object path.
    let session = match results.get("session_handle").map(|v| &**v) {
        Some(Value::Str(s)) => s.as_str().to_owned(),
        Some(Value::ObjectPath(p)) => p.as_str().to_owned(),
        _ => {
            return Err(request_error(RequestError::Failed(
                "no session handle".into(),
            )))
        }
    };
    let session_path = zbus::zvariant::ObjectPath::try_from(session.clone())
        .map_err(|e| request_error(RequestError::Failed(e.to_string())))?;

    let mut wanted: HashMap<&str, Value<'static>> =
        HashMap::from([("description", Value::from("Open Tock's quick search"))]);
    if let Some(trigger) = trigger {
        wanted.insert("preferred_trigger", Value::from(trigger));
    }
    let (response, results) = portal
        .request(GLOBAL_SHORTCUTS, "BindShortcuts", |token| {
            let options: HashMap<&str, Value<'static>> =
                HashMap::from([("handle_token", Value::from(token))]);
            (&session_path, vec![(SHORTCUT_ID, wanted)], "", options)
        })
        .await
        .map_err(request_error)?;
    answered(response)?;
    let shortcut = match bound_trigger(&results) {
        Some(Some(description)) => description,
        Some(None) => text.to_owned(),
        None => {
            return Err(format!(
                "Your desktop did not bind {text} to Tock's quick search; choose another \
                 shortcut, or {instead}."
            ))
        }
    };
    Ok((portal, session, activations, shortcut))
}

/// In BindShortcuts' results: `None` if the quick-search shortcut is not among the bound shortcuts, else
/// its `trigger_description` if the portal gave one.
fn bound_trigger(results: &HashMap<String, OwnedValue>) -> Option<Option<String>> {
    let shortcuts = results.get("shortcuts")?.try_clone().ok()?;
    let shortcuts = Vec::<(String, HashMap<String, OwnedValue>)>::try_from(shortcuts).ok()?;
    let (_, details) = shortcuts.into_iter().find(|(id, _)| id == SHORTCUT_ID)?;
    Some(
        details
            .get("trigger_description")
            .and_then(|v| <&str>::try_from(v).ok())
            .filter(|d| !d.trim().is_empty())
            .map(str::to_owned),
    )
}

/// A shortcut in the syntax of the XDG shortcuts specification that the portal takes as the preferred
/// trigger: modifiers (CTRL, ALT, SHIFT, LOGO) and an xkbcommon key name joined by `+`, e.g. `CTRL+ALT+o`.
/// `None` for a key without a name there (the desktop then lets the person choose).
fn xdg_trigger(shortcut: &Shortcut) -> Option<String> {
    let key = super::hotkey::key_name(shortcut.key)?;
    let mods = [
        (Modifiers::CONTROL, "CTRL"),
        (Modifiers::ALT, "ALT"),
        (Modifiers::SHIFT, "SHIFT"),
        (Modifiers::SUPER | Modifiers::META, "LOGO"),
    ];
    let mut parts: Vec<&str> = mods
        .iter()
        .filter(|(m, _)| shortcut.mods.intersects(*m))
        .map(|(_, name)| *name)
        .collect();
    parts.push(&key);
    Some(parts.join("+"))
}

/// At start-up: registers the shortcut from the settings (on a thread of its own: connecting to the X server
/// and grabbing take round trips the window need not wait for; start-up, docs/PERFORMANCE.md).
pub fn setup(app: &AppHandle) {
    let handle = app.clone();
    std::thread::spawn(move || {
        let state = handle.state::<ShortcutState>();
        // The settings are read under the lock: a shortcut saved meanwhile is the one registered.
        let _registering = state.registering.lock().unwrap_or_else(|p| p.into_inner());
        let shortcut = handle
            .state::<tock_ops::settings::SettingsStore>()
            .get()
            .quick_search_shortcut;
        apply_locked(&handle, &shortcut);
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trigger(text: &str) -> Option<String> {
        xdg_trigger(&text.parse::<Shortcut>().unwrap())
    }

    #[test]
    fn shortcuts_convert_to_the_portal_trigger_syntax() {
        assert_eq!(
            trigger("CommandOrControl+Alt+O").as_deref(),
            Some("CTRL+ALT+o")
        );
        assert_eq!(trigger("Control+Shift+7").as_deref(), Some("CTRL+SHIFT+7"));
        assert_eq!(trigger("Super+Space").as_deref(), Some("LOGO+space"));
        assert_eq!(trigger("Alt+F12").as_deref(), Some("ALT+F12"));
        assert_eq!(
            trigger("Ctrl+Alt+Enter").as_deref(),
            Some("CTRL+ALT+Return")
        );
        assert_eq!(
            trigger("Shift+PageDown").as_deref(),
            Some("SHIFT+Page_Down")
        );
        assert_eq!(trigger("Ctrl+Slash").as_deref(), Some("CTRL+slash"));
    }

    #[test]
    fn the_bound_trigger_is_the_portals_description() {
        let bound = |id: &str, details: HashMap<String, OwnedValue>| {
            let shortcuts = vec![(id.to_owned(), details)];
            HashMap::from([(
                "shortcuts".to_owned(),
                OwnedValue::try_from(Value::from(shortcuts)).unwrap(),
            )])
        };
        let described = HashMap::from([(
            "trigger_description".to_owned(),
            OwnedValue::try_from(Value::from("Super+Q")).unwrap(),
        )]);
        assert_eq!(
            bound_trigger(&bound(SHORTCUT_ID, described.clone())),
            Some(Some("Super+Q".to_owned()))
        );
        assert_eq!(
            bound_trigger(&bound(SHORTCUT_ID, HashMap::new())),
            Some(None)
        );
        assert_eq!(bound_trigger(&bound("other", described)), None);
        assert_eq!(bound_trigger(&HashMap::new()), None);
    }
}
