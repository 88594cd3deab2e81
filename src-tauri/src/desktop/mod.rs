//! The operating system's parts that the faces share: the clock, the clipboard, the screen, the camera,
//! the tray icon, the global shortcut, the desktop portal, one instance per vault, and watching the data
//! folder. Nothing here imports `cli` or `window`: what a click or a key press should do is handed in by the
//! face (a function or a closure).
pub mod camera;
pub mod capture;
pub mod clipboard;
pub mod clock;
pub mod hotkey;
pub mod portal;
pub mod session_lock;
pub mod shortcut;
pub mod single_instance;
pub mod time_check;
pub mod tray;
pub mod tray_menu;
pub mod watch;
