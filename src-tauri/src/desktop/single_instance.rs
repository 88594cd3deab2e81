//! One running Tock per vault: a second launch on the same data folder hands its arguments to the running
//! one (which focuses its window, or opens the quick search) and ends.
use std::path::Path;

use tauri::plugin::TauriPlugin;
use tauri::{AppHandle, Wry};

/// What the running Tock does with a second launch's arguments.
pub type OnLaunch = fn(&AppHandle, &[String]);

/// The single-instance plugin. Instances are told apart by vault: the D-Bus name carries a hash of the
/// data folder, so Tocks on different vaults (and tests side by side) run independently.
pub fn plugin(data_dir: &Path, on_launch: OnLaunch) -> TauriPlugin<Wry> {
    tauri_plugin_single_instance::Builder::new()
        .dbus_id(instance_id(data_dir))
        .callback(move |app, argv, _cwd| on_launch(app, &argv))
        .build()
}

/// "app.tock.desktop.v" and a hash of the data folder's absolute path (a valid D-Bus name element).
fn instance_id(data_dir: &Path) -> String {
    let path = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_owned());
    // FNV-1a: stable across runs and Rust versions, unlike the standard library's hasher.
    let hash = path
        .as_os_str()
        .as_encoded_bytes()
        .iter()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("app.tock.desktop.v{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instance_ids_are_valid_dbus_names_per_vault() {
        let a = instance_id(Path::new("/home/alice/.local/share/tock"));
        let b = instance_id(Path::new("/tmp/other-vault"));
        assert_ne!(a, b);
        assert_eq!(a, instance_id(Path::new("/home/alice/.local/share/tock")));
        let last = a.rsplit('.').next().unwrap();
        assert!(last.starts_with('v') && last.len() == 17, "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '.'));
    }
}
