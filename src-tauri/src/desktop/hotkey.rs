//! The quick-search shortcut on X11: a passive key grab on the root window, and a thread that sleeps on the
//! X connection until the server sends a key event.
//!
//! Tauri's global-shortcut plugin (global-hotkey) is not used on Linux: its X11 thread wakes 20 times a
//! second to look for events, and each registration blocks the main thread until that thread's next turn,
//! which at start-up delayed the window by up to half a second (docs/PERFORMANCE.md). Here nothing polls,
//! and grabbing is a request on the shared connection from whichever thread asks.
use std::sync::{Arc, Mutex};

use global_hotkey::hotkey::{Code, HotKey, Modifiers};
use x11rb::connection::{Connection, RequestConnection};
use x11rb::protocol::xkb::{self, ConnectionExt as _};
use x11rb::protocol::xproto::{ConnectionExt as _, GrabMode, Keycode, ModMask, Window};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;

/// The key grab in force.
#[derive(Clone, Copy)]
struct Grab {
    keycode: Keycode,
    mods: u16,
    /// Between a press and its release (a held key auto-repeats: the shortcut acts once).
    pressed: bool,
}

// X11's modifier bits (X.h); `ModMask`'s own are not usable in constants.
const SHIFT: u16 = 1;
const LOCK: u16 = 1 << 1;
const CONTROL: u16 = 1 << 2;
/// Alt on every common layout.
const MOD1: u16 = 1 << 3;
/// Num Lock.
const MOD2: u16 = 1 << 4;
/// The logo ("Super") key.
const MOD4: u16 = 1 << 6;

/// The modifiers a shortcut may use; others held (Caps Lock, Num Lock) are ignored when matching.
const USED_MODS: u16 = SHIFT | CONTROL | MOD1 | MOD4;

/// A grab matches only the exact modifier state, so each shortcut is grabbed again with Caps Lock and Num
/// Lock on.
const LOCK_COMBINATIONS: [u16; 4] = [0, LOCK, MOD2, LOCK | MOD2];

pub struct X11Hotkey {
    conn: Arc<RustConnection>,
    root: Window,
    grab: Arc<Mutex<Option<Grab>>>,
}

impl X11Hotkey {
    /// Connects to the X server and starts the thread that calls `on_press` when the grabbed shortcut is
    /// pressed.
    pub fn connect(on_press: impl Fn() + Send + 'static) -> Result<Self, String> {
        let (conn, screen) = RustConnection::connect(None)
            .map_err(|e| format!("Tock could not connect to the X display ({e})"))?;
        let conn = Arc::new(conn);
        let root = conn.setup().roots[screen].root;
        // Auto-repeat then comes as press, press, …, release instead of release/press pairs. Best effort:
        // without XKB a held shortcut opens the palette again, which is harmless.
        if conn
            .extension_information(xkb::X11_EXTENSION_NAME)
            .ok()
            .flatten()
            .is_some()
        {
            let _ = conn.xkb_use_extension(1, 0).map(|c| c.reply());
            let _ = conn
                .xkb_per_client_flags(
                    xkb::ID::USE_CORE_KBD.into(),
                    xkb::PerClientFlag::DETECTABLE_AUTO_REPEAT,
                    xkb::PerClientFlag::DETECTABLE_AUTO_REPEAT,
                    Default::default(),
                    Default::default(),
                    Default::default(),
                )
                .map(|c| c.reply());
        }
        let grab = Arc::new(Mutex::new(None::<Grab>));
        let (events, current) = (conn.clone(), grab.clone());
        std::thread::Builder::new()
            .name("x11-shortcut".into())
            .spawn(move || {
                // Blocks until the server sends something; ends when the connection does.
                while let Ok(event) = events.wait_for_event() {
                    let mut current = current.lock().unwrap_or_else(|p| p.into_inner());
                    let Some(grab) = current.as_mut() else {
                        continue;
                    };
                    match event {
                        Event::KeyPress(e)
                            if e.detail == grab.keycode
                                && u16::from(e.state) & USED_MODS == grab.mods =>
                        {
                            if !grab.pressed {
                                grab.pressed = true;
                                drop(current);
                                on_press();
                            }
                        }
                        Event::KeyRelease(e) if e.detail == grab.keycode => grab.pressed = false,
                        _ => {}
                    }
                }
            })
            .map_err(|e| format!("Tock could not start its shortcut thread ({e})"))?;
        Ok(X11Hotkey { conn, root, grab })
    }

    /// Grabs `shortcut` in place of the previous one (`None`: releases it). On failure nothing is grabbed and
    /// the error says why.
    pub fn set(&self, shortcut: Option<&HotKey>) -> Result<(), String> {
        let mut grab = self.grab.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(old) = grab.take() {
            self.ungrab(old.keycode, old.mods);
        }
        let Some(shortcut) = shortcut else {
            return Ok(());
        };
        let keysym = keysym(shortcut.key).ok_or("Tock cannot grab that key on X11")?;
        let keycode = self
            .keycode(keysym)
            .ok_or("that key is not on this keyboard layout")?;
        let mods = x11_mods(shortcut.mods);
        for locks in LOCK_COMBINATIONS {
            let grabbed = self
                .conn
                .grab_key(
                    false,
                    self.root,
                    ModMask::from(mods | locks),
                    keycode,
                    GrabMode::ASYNC,
                    GrabMode::ASYNC,
                )
                .map_err(|e| e.to_string())
                .and_then(|cookie| cookie.check().map_err(|e| e.to_string()));
            if let Err(e) = grabbed {
                self.ungrab(keycode, mods);
                return Err(if e.contains("Access") {
                    "another program already uses it".to_owned()
                } else {
                    e
                });
            }
        }
        *grab = Some(Grab {
            keycode,
            mods,
            pressed: false,
        });
        Ok(())
    }

    fn ungrab(&self, keycode: Keycode, mods: u16) {
        for locks in LOCK_COMBINATIONS {
            let _ = self
                .conn
                .ungrab_key(keycode, self.root, ModMask::from(mods | locks));
        }
        let _ = self.conn.flush();
    }

    /// The first keycode that types `keysym` in the current layout.
    fn keycode(&self, keysym: u32) -> Option<Keycode> {
        let setup = self.conn.setup();
        let (min, max) = (setup.min_keycode, setup.max_keycode);
        let map = self
            .conn
            .get_keyboard_mapping(min, max - min + 1)
            .ok()?
            .reply()
            .ok()?;
        let per = usize::from(map.keysyms_per_keycode).max(1);
        let index = map
            .keysyms
            .chunks(per)
            .position(|syms| syms.contains(&keysym))?;
        Some(min + index as u8)
    }
}

/// X11 modifier bits of a shortcut (Alt is Mod1, the logo key Mod4, as on every common layout).
fn x11_mods(mods: Modifiers) -> u16 {
    let mut bits = 0;
    for (modifier, mask) in [
        (Modifiers::SHIFT, SHIFT),
        (Modifiers::CONTROL, CONTROL),
        (Modifiers::ALT, MOD1),
        (Modifiers::SUPER | Modifiers::META, MOD4),
    ] {
        if mods.intersects(modifier) {
            bits |= mask;
        }
    }
    bits
}

/// Keys a shortcut may use: the key code, its xkbcommon name (the portal's trigger syntax) and its X11
/// keysym. Letters, digits and F1–F24 are computed in [`key_name`] and [`keysym`].
const NAMED_KEYS: [(Code, &str, u32); 26] = [
    (Code::Space, "space", 0x20),
    (Code::Enter, "Return", 0xff0d),
    (Code::Escape, "Escape", 0xff1b),
    (Code::Tab, "Tab", 0xff09),
    (Code::Backspace, "BackSpace", 0xff08),
    (Code::Delete, "Delete", 0xffff),
    (Code::Insert, "Insert", 0xff63),
    (Code::Home, "Home", 0xff50),
    (Code::End, "End", 0xff57),
    (Code::PageUp, "Page_Up", 0xff55),
    (Code::PageDown, "Page_Down", 0xff56),
    (Code::ArrowUp, "Up", 0xff52),
    (Code::ArrowDown, "Down", 0xff54),
    (Code::ArrowLeft, "Left", 0xff51),
    (Code::ArrowRight, "Right", 0xff53),
    (Code::Minus, "minus", 0x2d),
    (Code::Equal, "equal", 0x3d),
    (Code::Comma, "comma", 0x2c),
    (Code::Period, "period", 0x2e),
    (Code::Slash, "slash", 0x2f),
    (Code::Backslash, "backslash", 0x5c),
    (Code::Semicolon, "semicolon", 0x3b),
    (Code::Quote, "apostrophe", 0x27),
    (Code::Backquote, "grave", 0x60),
    (Code::BracketLeft, "bracketleft", 0x5b),
    (Code::BracketRight, "bracketright", 0x5d),
];

/// A letter (`'a'`–`'z'`), a digit, or F1–F24, from the key code's name (`KeyA`, `Digit1`, `F5`).
enum Simple {
    Letter(u8),
    Digit(u8),
    Function(u8),
}

fn simple(code: Code) -> Option<Simple> {
    let name = code.to_string();
    if let Some(letter) = name.strip_prefix("Key") {
        let c = *letter.as_bytes().first()?;
        return (letter.len() == 1 && c.is_ascii_uppercase())
            .then_some(Simple::Letter(c.to_ascii_lowercase()));
    }
    if let Some(digit) = name.strip_prefix("Digit") {
        let c = *digit.as_bytes().first()?;
        return (digit.len() == 1 && c.is_ascii_digit()).then_some(Simple::Digit(c));
    }
    let n: u8 = name.strip_prefix('F')?.parse().ok()?;
    (1..=24).contains(&n).then_some(Simple::Function(n))
}

/// The key's name in the XDG shortcuts syntax (xkbcommon key names: `o`, `5`, `F5`, `Page_Up`).
pub fn key_name(code: Code) -> Option<String> {
    match simple(code) {
        Some(Simple::Letter(c) | Simple::Digit(c)) => Some(char::from(c).to_string()),
        Some(Simple::Function(n)) => Some(format!("F{n}")),
        None => NAMED_KEYS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, name, _)| (*name).to_owned()),
    }
}

/// The key's X11 keysym (for letters, the lower-case one the keyboard map lists first).
fn keysym(code: Code) -> Option<u32> {
    match simple(code) {
        Some(Simple::Letter(c) | Simple::Digit(c)) => Some(u32::from(c)),
        Some(Simple::Function(n)) => Some(0xffbe + u32::from(n) - 1),
        None => NAMED_KEYS
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, _, sym)| *sym),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> HotKey {
        text.parse().unwrap()
    }

    #[test]
    fn keys_map_to_x11_keysyms_and_xkb_names() {
        assert_eq!(keysym(Code::KeyO), Some(u32::from(b'o')));
        assert_eq!(keysym(Code::Digit7), Some(u32::from(b'7')));
        assert_eq!(keysym(Code::F1), Some(0xffbe));
        assert_eq!(keysym(Code::F12), Some(0xffc9));
        assert_eq!(keysym(Code::PageDown), Some(0xff56));
        assert_eq!(keysym(Code::NumpadAdd), None);
        assert_eq!(key_name(Code::KeyO).as_deref(), Some("o"));
        assert_eq!(key_name(Code::F24).as_deref(), Some("F24"));
        assert_eq!(key_name(Code::Quote).as_deref(), Some("apostrophe"));
    }

    #[test]
    fn modifiers_map_to_x11_masks() {
        let mods = x11_mods(parse("CommandOrControl+Alt+O").mods);
        assert_eq!(mods, u16::from(ModMask::CONTROL) | u16::from(ModMask::M1));
        assert_eq!(
            x11_mods(parse("Super+Shift+K").mods),
            u16::from(ModMask::M4 | ModMask::SHIFT)
        );
        assert_eq!(mods & !USED_MODS, 0);
    }
}
