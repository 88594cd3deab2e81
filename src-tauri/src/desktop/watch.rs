//! Changes made outside the window — `tock add` in a terminal, another program — reach the window and the
//! tray: the data folder is watched (inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows)
//! and a vault document that really changed is announced (the face says how). The watcher's thread sleeps
//! until the file system says something happened: no polling.
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher};

/// Writes come in bursts (temporary file, rename); one look after the burst is enough.
const SETTLE: Duration = Duration::from_millis(150);

/// Starts watching the file `file` of `data_dir` (`vault.json`, `storage.json`): after each burst of writes to
/// it, `current` reads it and, if it differs from what was seen before, `changed` is called. Without a watcher
/// (e.g. no inotify instances left) Tock still works: changes made elsewhere then show with the next change
/// made in the window.
pub fn start<T: PartialEq + Send + 'static>(
    data_dir: &Path,
    file: &'static str,
    current: impl Fn() -> Option<T> + Send + 'static,
    changed: impl Fn() + Send + 'static,
) {
    let (tx, rx) = mpsc::channel();
    let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
        if event.is_ok_and(|e| is_write(&e, file)) {
            let _ = tx.send(());
        }
    });
    let mut watcher = match watcher {
        Ok(w) => w,
        Err(e) => {
            return eprintln!("warning: changes made outside the window will not show at once: {e}")
        }
    };
    // The folder, not the file: the file is replaced by a rename at every write.
    if let Err(e) = watcher.watch(data_dir, RecursiveMode::NonRecursive) {
        return eprintln!("warning: changes made outside the window will not show at once: {e}");
    }
    std::thread::spawn(move || {
        let _watcher = watcher; // lives as long as this thread
        let mut seen = current();
        while rx.recv().is_ok() {
            while rx.recv_timeout(SETTLE).is_ok() {}
            let now = current();
            if now.is_some() && now != seen {
                changed();
            }
            seen = now;
        }
    });
}

/// A change to `file`. Reading it (as Tock itself does after every event) does not count, or each look would
/// set off the next.
fn is_write(event: &notify::Event, file: &str) -> bool {
    !matches!(event.kind, EventKind::Access(_))
        && event
            .paths
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n == file))
}

#[cfg(test)]
mod tests {
    use notify::event::{AccessKind, AccessMode, CreateKind, ModifyKind, RenameMode};
    use notify::{Event, EventKind};

    use super::is_write;

    fn is_vault_write(event: &Event) -> bool {
        is_write(event, tock_store::VAULT_FILE)
    }

    fn event(kind: EventKind, file: &str) -> Event {
        Event::new(kind).add_path(format!("/data/tock/{file}").into())
    }

    #[test]
    fn writes_to_the_vault_file_count_reads_and_other_files_do_not() {
        let renamed = EventKind::Modify(ModifyKind::Name(RenameMode::To));
        assert!(is_vault_write(&event(renamed, "vault.json")));
        assert!(is_vault_write(&event(
            EventKind::Create(CreateKind::File),
            "vault.json"
        )));
        let read = EventKind::Access(AccessKind::Close(AccessMode::Read));
        assert!(!is_vault_write(&event(read, "vault.json")));
        assert!(!is_vault_write(&event(
            EventKind::Access(AccessKind::Open(AccessMode::Any)),
            "vault.json"
        )));
        assert!(!is_vault_write(&event(renamed, "settings.json")));
    }
}
