//! Commands of the camera dialog: the cameras to choose from, and a scanning session whose previews (JPEG
//! bytes) and [`CameraEvent`]s go to the dialog on a channel; a code read goes through the same review as
//! every other scan.
use std::sync::Arc;

use tauri::ipc::{Channel, InvokeResponseBody};
use tauri::{AppHandle, Manager};
use tock_ops::{Error, Result, Session};

use super::blocking;
use crate::desktop::camera::{self, CameraError, CameraEvent, CameraInfo, Cameras, SeenCode, Sink};
use crate::desktop::clock::now;

/// The cameras to choose from (a folder of recorded frames first when `TOCK_FAKE_CAMERA` is set).
#[tauri::command]
pub async fn list_cameras() -> Result<Vec<CameraInfo>> {
    blocking(|| camera::list().map_err(Error::from)).await
}

/// Opens a camera and scans its frames: previews (JPEG bytes) and [`CameraEvent`]s go to `events`.
#[tauri::command]
pub async fn start_camera(
    app: AppHandle,
    camera: String,
    events: tauri::ipc::Channel,
) -> Result<()> {
    let sink = Arc::new(WindowSink {
        app: app.clone(),
        channel: events,
    });
    blocking(move || Ok(app.state::<Cameras>().start(camera, sink)?)).await
}

/// Stops scanning; returns once the camera is released.
#[tauri::command]
pub async fn stop_camera(app: AppHandle) -> Result<()> {
    blocking(move || {
        app.state::<Cameras>().stop();
        Ok(())
    })
    .await
}

/// The window's side of a session: preview JPEGs as raw bytes and [`CameraEvent`]s as JSON on one channel; codes
/// read go through the same review as every other scan ([`Session::scan_report`]).
struct WindowSink {
    app: AppHandle,
    channel: Channel<InvokeResponseBody>,
}

impl WindowSink {
    fn send(&self, event: CameraEvent) {
        if let Ok(json) = serde_json::to_string(&event) {
            let _ = self.channel.send(InvokeResponseBody::Json(json));
        }
    }
}

impl Sink for WindowSink {
    fn preview(&self, jpeg: Vec<u8>) {
        let _ = self.channel.send(InvokeResponseBody::Raw(jpeg));
    }

    fn seen(&self, width: u32, height: u32, codes: Vec<SeenCode>) {
        self.send(CameraEvent::Seen {
            width,
            height,
            codes,
        });
    }

    fn read(&self, texts: Vec<String>) {
        let session = self.app.state::<Session>();
        self.send(match session.scan_report("camera", texts, now()) {
            Ok(report) => CameraEvent::Report { report },
            Err(error) => CameraEvent::Failed { error },
        });
    }

    fn failed(&self, error: CameraError) {
        self.send(CameraEvent::Failed {
            error: error.into(),
        });
    }
}

/// Closing the main window (even into the tray, where the page lives on hidden) turns the camera off; the dialog
/// says so when the window is shown again.
pub fn on_window_event(window: &tauri::Window, event: &tauri::WindowEvent) {
    if let tauri::WindowEvent::CloseRequested { .. } = event {
        window
            .app_handle()
            .state::<Cameras>()
            .interrupt(CameraError::WindowClosed);
    }
}
