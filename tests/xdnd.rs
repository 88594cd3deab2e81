//! Drops files on a window of the X display the way a file manager does: the XDND protocol
//! (<https://freedesktop.org/wiki/Specifications/XDND/>, version 5) with a `text/uri-list`, spoken by an
//! invisible source window of this process. The app receives a real drop through GTK, as from Nautilus.
use std::path::Path;
use std::time::{Duration, Instant};

use x11rb::connection::Connection;
use x11rb::protocol::xproto::{
    Atom, AtomEnum, ClientMessageEvent, ConnectionExt, CreateWindowAux, EventMask, PropMode,
    SelectionNotifyEvent, SelectionRequestEvent, Window, WindowClass, SELECTION_NOTIFY_EVENT,
};
use x11rb::protocol::Event;
use x11rb::rust_connection::RustConnection;
use x11rb::wrapper::ConnectionExt as _;
use x11rb::{COPY_DEPTH_FROM_PARENT, CURRENT_TIME, NONE};

struct Atoms {
    enter: Atom,
    position: Atom,
    status: Atom,
    drop: Atom,
    finished: Atom,
    selection: Atom,
    action_copy: Atom,
    uri_list: Atom,
    targets: Atom,
}

impl Atoms {
    fn intern(conn: &RustConnection) -> Atoms {
        let atom = |name: &str| {
            conn.intern_atom(false, name.as_bytes())
                .unwrap()
                .reply()
                .unwrap()
                .atom
        };
        Atoms {
            enter: atom("XdndEnter"),
            position: atom("XdndPosition"),
            status: atom("XdndStatus"),
            drop: atom("XdndDrop"),
            finished: atom("XdndFinished"),
            selection: atom("XdndSelection"),
            action_copy: atom("XdndActionCopy"),
            uri_list: atom("text/uri-list"),
            targets: atom("TARGETS"),
        }
    }
}

/// Drops `files` in the middle of the top-level window `target`; returns once the window said the drop is
/// finished. Panics with the step that failed.
pub fn drop_files(target: Window, files: &[&Path]) {
    let (conn, screen_num) = x11rb::connect(None).expect("an X display (run under Xvfb)");
    let root = conn.setup().roots[screen_num].root;
    let atoms = Atoms::intern(&conn);
    let geometry = conn.get_geometry(target).unwrap().reply().unwrap();
    let origin = conn
        .translate_coordinates(target, root, 0, 0)
        .unwrap()
        .reply()
        .unwrap();
    let x = origin.dst_x as u32 + u32::from(geometry.width) / 2;
    let y = origin.dst_y as u32 + u32::from(geometry.height) / 2;

    let source = conn.generate_id().unwrap();
    conn.create_window(
        COPY_DEPTH_FROM_PARENT,
        source,
        root,
        -10,
        -10,
        1,
        1,
        0,
        WindowClass::INPUT_OUTPUT,
        0,
        &CreateWindowAux::new(),
    )
    .unwrap();
    conn.set_selection_owner(source, atoms.selection, CURRENT_TIME)
        .unwrap();
    let uri_list: String = files
        .iter()
        .map(|f| format!("{}\r\n", url::Url::from_file_path(f).unwrap()))
        .collect();

    let send = |kind: Atom, data: [u32; 5]| {
        let event = ClientMessageEvent::new(32, target, kind, data);
        conn.send_event(false, target, EventMask::NO_EVENT, event)
            .unwrap();
        conn.flush().unwrap();
    };
    send(atoms.enter, [source, 5 << 24, atoms.uri_list, NONE, NONE]);
    send(
        atoms.position,
        [source, 0, (x << 16) | y, CURRENT_TIME, atoms.action_copy],
    );
    // The window may ask for the file list while the drag moves (WebKit does), and again on the drop.
    let answer = |event: &Event| -> Option<(Atom, [u32; 5])> {
        match event {
            Event::SelectionRequest(request) => {
                answer_selection_request(&conn, &atoms, request, uri_list.as_bytes());
                None
            }
            Event::ClientMessage(m) => Some((m.type_, m.data.as_data32())),
            _ => None,
        }
    };
    wait_for(
        &conn,
        "the window to accept the drag (XdndStatus)",
        |event| matches!(answer(event), Some((kind, data)) if kind == atoms.status && data[1] & 1 == 1),
    );
    send(atoms.drop, [source, 0, CURRENT_TIME, 0, 0]);
    wait_for(
        &conn,
        "the window to finish the drop (XdndFinished)",
        |event| matches!(answer(event), Some((kind, _)) if kind == atoms.finished),
    );
    conn.destroy_window(source).unwrap();
    conn.flush().unwrap();
}

/// Gives the window the file list (or the list of types it can have) it asked for.
fn answer_selection_request(
    conn: &RustConnection,
    atoms: &Atoms,
    request: &SelectionRequestEvent,
    uri_list: &[u8],
) {
    let property = if request.target == atoms.uri_list {
        conn.change_property8(
            PropMode::REPLACE,
            request.requestor,
            request.property,
            atoms.uri_list,
            uri_list,
        )
        .unwrap();
        request.property
    } else if request.target == atoms.targets {
        conn.change_property32(
            PropMode::REPLACE,
            request.requestor,
            request.property,
            AtomEnum::ATOM,
            &[atoms.targets, atoms.uri_list],
        )
        .unwrap();
        request.property
    } else {
        NONE
    };
    let notify = SelectionNotifyEvent {
        response_type: SELECTION_NOTIFY_EVENT,
        sequence: 0,
        time: request.time,
        requestor: request.requestor,
        selection: request.selection,
        target: request.target,
        property,
    };
    conn.send_event(false, request.requestor, EventMask::NO_EVENT, notify)
        .unwrap();
    conn.flush().unwrap();
}

/// Handles events until `done` says so; panics after 10 s, naming `what` it waited for.
fn wait_for(conn: &RustConnection, what: &str, mut done: impl FnMut(&Event) -> bool) {
    let started = Instant::now();
    loop {
        match conn.poll_for_event().unwrap() {
            Some(event) if done(&event) => return,
            Some(_) => {}
            None => {
                assert!(
                    started.elapsed() < Duration::from_secs(10),
                    "timed out waiting for {what}"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
        }
    }
}
