//! The webcam: cameras listed and opened through nokhwa behind tock-core's [`FrameSource`], and a scanning
//! session of two threads.
//!
//! - The capture thread opens and owns the camera (nokhwa's `Camera` is not `Send`). It sends every frame to the
//!   window as a small grey JPEG (at most [`PREVIEW_WIDTH`] pixels wide) and puts it in a one-frame
//!   [`LatestSlot`]: a frame not decoded yet is replaced by the newer one, so decoding never queues.
//! - The decode thread takes the newest frame, decodes it with [`FrameScanner`] (a quick search per frame, the
//!   thorough one now and then), tells the window where codes are (the outline), and once an authenticator code
//!   is read stops the session, waits until the camera is released, and hands the texts on.
//! - Stopping (a code read, the dialog closed, an error) ends the capture loop, which drops the camera: the
//!   device is released within one frame.
//!
//! `TOCK_FAKE_CAMERA=DIR` adds a camera "Recorded frames (DIR)" that loops over the images in DIR (PNG, JPEG,
//! WebP, BMP or GIF, in name order) at 15 frames per second. It exists for tests and demos: the machines Tock is
//! tested on have no camera.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use nokhwa::utils::FrameFormat;
use serde::Serialize;
use tock_core::qr::{self, FrameError, FrameScanner, FrameSource, OwnedFrame, Payload};
use tock_ops::enrol::ScanReport;
use tock_ops::{capitalise, Error, ErrorCode};
use ts_rs::TS;

/// The environment variable naming a folder of recorded frames to use as a camera.
pub const FAKE_CAMERA_ENV: &str = "TOCK_FAKE_CAMERA";
/// The id of the recorded-frames camera.
const RECORDED_ID: &str = "recorded";
/// Frames per second of the recorded-frames camera.
const RECORDED_FPS: u32 = 15;
/// Preview frames are scaled down to this width.
const PREVIEW_WIDTH: u32 = 640;
/// JPEG quality of preview frames (the previews of the recorded Aegis phone-screen frames are 20–23 KB).
const PREVIEW_QUALITY: u8 = 70;
/// The format asked of a real camera: 1280×720 at 30 frames per second, or the closest it has. More pixels would
/// only cost decoding time; a code held up to the camera is large.
const WANTED: (u32, u32, u32) = (1280, 720, 30);

/// A camera the person can choose in the camera dialog.
#[derive(Serialize, Clone, Debug, PartialEq, Eq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct CameraInfo {
    /// What `start_camera` takes.
    pub id: String,
    /// The camera's name, e.g. "Integrated Camera" or "Recorded frames (/tmp/frames)".
    pub label: String,
}

/// A QR code in the latest decoded camera frame, for the outline over the preview.
#[derive(Serialize, Clone, Debug, PartialEq, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export)]
pub struct SeenCode {
    /// The code's corners in frame pixels (top-left, top-right, bottom-right, bottom-left of the code).
    pub corners: Vec<[f32; 2]>,
    /// An otpauth:// or otpauth-migration:// code (anything else is outlined but not taken).
    pub authenticator: bool,
}

/// What the camera session tells the camera dialog, as JSON messages on its channel (preview frames travel on
/// the same channel as raw JPEG bytes).
#[derive(Serialize, Clone, Debug, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
#[ts(export)]
pub enum CameraEvent {
    /// The QR codes in the latest decoded frame (`width`×`height` pixels); sent when they change.
    Seen {
        width: u32,
        height: u32,
        codes: Vec<SeenCode>,
    },
    /// An authenticator code was read: the camera is already released, and this goes to the review.
    Report { report: ScanReport },
    /// The camera failed or stopped sending pictures; it is released.
    Failed { error: Error },
}

/// Why a camera cannot be used, in words for people.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CameraError {
    #[error(
        "no camera was found; connect one and try again, or scan the code on your screen instead"
    )]
    NoCamera,
    #[error("the camera is in use by another program; close it there and try again")]
    Busy,
    #[error(
        "Tock is not allowed to use the camera; allow camera access in your system settings (on Linux, your \
         user must be in the video group) and try again"
    )]
    Denied,
    #[error("the camera could not be used ({0}); reconnect it or choose another camera")]
    Failed(String),
    #[error(
        "the camera was turned off when the window closed; choose Try again to turn it back on"
    )]
    WindowClosed,
}

impl From<CameraError> for Error {
    fn from(e: CameraError) -> Self {
        let code = match e {
            CameraError::Failed(_) | CameraError::WindowClosed => ErrorCode::Internal,
            _ => ErrorCode::InvalidInput,
        };
        Error::new(code, capitalise(&e.to_string()) + ".")
    }
}

/// Sorts a camera layer's error message (V4L2's errno texts, AVFoundation's and Media Foundation's words) into
/// the cases people can act on.
fn classify_failure(message: &str) -> CameraError {
    let m = message.to_lowercase();
    let any = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
    if any(&["busy", "os error 16)", "in use"]) {
        CameraError::Busy
    } else if any(&[
        "permission denied",
        "os error 13)",
        "access denied",
        "not authorized",
        "not permitted",
        "os error 1)",
    ]) {
        CameraError::Denied
    } else if any(&[
        "no such file",
        "os error 2)",
        "no such device",
        "os error 19)",
        "not found",
    ]) {
        CameraError::NoCamera
    } else {
        CameraError::Failed(message.to_string())
    }
}

fn from_nokhwa(e: nokhwa::NokhwaError) -> CameraError {
    classify_failure(&e.to_string())
}

/// The cameras to choose from: the recorded frames of `TOCK_FAKE_CAMERA` if set, then the real ones.
pub fn list() -> Result<Vec<CameraInfo>, CameraError> {
    let mut cameras = Vec::new();
    if let Some(dir) = std::env::var_os(FAKE_CAMERA_ENV) {
        cameras.push(CameraInfo {
            id: RECORDED_ID.into(),
            label: format!("Recorded frames ({})", Path::new(&dir).display()),
        });
    }
    match nokhwa::query(nokhwa::utils::ApiBackend::Auto) {
        Ok(found) => cameras.extend(found.iter().map(|c| CameraInfo {
            id: c.index().to_string(),
            label: c.human_name(),
        })),
        Err(e) if cameras.is_empty() => return Err(from_nokhwa(e)),
        Err(_) => {}
    }
    Ok(cameras)
}

/// Opens the camera with this id (from [`list`]).
pub fn open(id: &str) -> Result<Box<dyn FrameSource>, CameraError> {
    if id == RECORDED_ID {
        let dir = std::env::var_os(FAKE_CAMERA_ENV).ok_or(CameraError::NoCamera)?;
        return Ok(Box::new(Recorded::load(Path::new(&dir))?));
    }
    Ok(Box::new(Webcam::open(id)?))
}

/// A real camera through nokhwa. Dropping it stops the stream and closes the device.
struct Webcam(nokhwa::Camera);

impl Webcam {
    fn open(id: &str) -> Result<Self, CameraError> {
        use nokhwa::utils::{
            CameraFormat, CameraIndex, RequestedFormat, RequestedFormatType, Resolution,
        };
        let index = id
            .parse()
            .map(CameraIndex::Index)
            .unwrap_or_else(|_| CameraIndex::String(id.to_string()));
        let (width, height, fps) = WANTED;
        let wanted =
            RequestedFormat::new::<nokhwa::pixel_format::LumaFormat>(RequestedFormatType::Closest(
                CameraFormat::new(Resolution::new(width, height), FrameFormat::MJPEG, fps),
            ));
        let mut camera = nokhwa::Camera::new(index, wanted).map_err(from_nokhwa)?;
        camera.open_stream().map_err(from_nokhwa)?;
        Ok(Webcam(camera))
    }
}

impl FrameSource for Webcam {
    fn next_frame(&mut self) -> Result<Option<OwnedFrame>, FrameError> {
        let buffer = self
            .0
            .frame()
            .map_err(|e| FrameError::Camera(e.to_string()))?;
        let size = buffer.resolution();
        luma(
            buffer.source_frame_format(),
            size.width(),
            size.height(),
            buffer.buffer(),
        )
        .map(Some)
    }
}

impl Drop for Webcam {
    fn drop(&mut self) {
        let _ = self.0.stop_stream();
    }
}

/// The luminance plane of a camera frame in any of nokhwa's pixel formats.
fn luma(
    format: FrameFormat,
    width: u32,
    height: u32,
    bytes: &[u8],
) -> Result<OwnedFrame, FrameError> {
    let pixels = width as usize * height as usize;
    let need = |n: usize| {
        bytes.get(..n).ok_or(FrameError::BadGeometry {
            width,
            height,
            stride: width as usize,
            len: bytes.len(),
        })
    };
    let rgb = |bytes: &[u8], r: usize, b: usize| -> Vec<u8> {
        bytes
            .chunks_exact(3)
            .map(|p| ((77 * p[r] as u32 + 150 * p[1] as u32 + 29 * p[b] as u32 + 128) >> 8) as u8)
            .collect()
    };
    let data = match format {
        // NV12 starts with its full-resolution Y plane.
        FrameFormat::GRAY | FrameFormat::NV12 => need(pixels)?.to_vec(),
        FrameFormat::YUYV => need(2 * pixels)?.iter().step_by(2).copied().collect(),
        FrameFormat::RAWRGB => rgb(need(3 * pixels)?, 0, 2),
        FrameFormat::RAWBGR => rgb(need(3 * pixels)?, 2, 0),
        FrameFormat::MJPEG => {
            let img = qr::load_luma(bytes).map_err(|e| FrameError::Camera(e.to_string()))?;
            return Ok(OwnedFrame {
                width: img.width(),
                height: img.height(),
                stride: img.width() as usize,
                data: img.into_raw(),
            });
        }
    };
    Ok(OwnedFrame {
        width,
        height,
        stride: width as usize,
        data,
    })
}

/// Recorded frames played as a camera: the images of a folder, in name order, looped at [`RECORDED_FPS`].
struct Recorded {
    frames: Vec<OwnedFrame>,
    next: usize,
    due: Option<Instant>,
}

impl Recorded {
    fn load(dir: &Path) -> Result<Self, CameraError> {
        let unreadable = |what: &Path, e: &dyn std::fmt::Display| {
            CameraError::Failed(format!(
                "the recorded frames in {} cannot be read: {e}",
                what.display()
            ))
        };
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| unreadable(dir, &e))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        paths.sort();
        let frames = paths
            .iter()
            .map(|path| {
                let bytes = std::fs::read(path).map_err(|e| unreadable(path, &e))?;
                let img = qr::load_luma(&bytes).map_err(|e| unreadable(path, &e))?;
                Ok(OwnedFrame {
                    width: img.width(),
                    height: img.height(),
                    stride: img.width() as usize,
                    data: img.into_raw(),
                })
            })
            .collect::<Result<Vec<_>, CameraError>>()?;
        if frames.is_empty() {
            return Err(unreadable(dir, &"the folder holds no images"));
        }
        Ok(Recorded {
            frames,
            next: 0,
            due: None,
        })
    }
}

impl FrameSource for Recorded {
    /// The next frame, when it is due (a real camera also blocks until its next frame).
    fn next_frame(&mut self) -> Result<Option<OwnedFrame>, FrameError> {
        if let Some(wait) = self
            .due
            .and_then(|due| due.checked_duration_since(Instant::now()))
        {
            std::thread::sleep(wait);
        }
        self.due = Some(Instant::now() + Duration::from_secs(1) / RECORDED_FPS);
        let frame = self.frames[self.next].clone();
        self.next = (self.next + 1) % self.frames.len();
        Ok(Some(frame))
    }
}

/// A one-value mailbox between a producer that must never wait and a consumer that wants only the newest value:
/// putting replaces a value not taken yet (it is dropped and counted).
pub struct LatestSlot<T> {
    state: Mutex<Slot<T>>,
    ready: Condvar,
}

struct Slot<T> {
    value: Option<T>,
    closed: bool,
    dropped: u64,
}

impl<T> Default for LatestSlot<T> {
    fn default() -> Self {
        LatestSlot {
            state: Mutex::new(Slot {
                value: None,
                closed: false,
                dropped: 0,
            }),
            ready: Condvar::new(),
        }
    }
}

impl<T> LatestSlot<T> {
    fn lock(&self) -> MutexGuard<'_, Slot<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Puts `value` in the slot, replacing one not taken yet. Returns false (and drops `value`) once closed.
    pub fn put(&self, value: T) -> bool {
        let mut slot = self.lock();
        if slot.closed {
            return false;
        }
        if slot.value.replace(value).is_some() {
            slot.dropped += 1;
        }
        self.ready.notify_one();
        true
    }

    /// Waits for a value and takes it; `None` once the slot is closed.
    pub fn take(&self) -> Option<T> {
        let mut slot = self.lock();
        loop {
            if slot.closed {
                return None;
            }
            if let Some(value) = slot.value.take() {
                return Some(value);
            }
            slot = self.ready.wait(slot).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// Closes the slot: a value in it is dropped, waiting and later takes return `None`, puts are refused.
    pub fn close(&self) {
        let mut slot = self.lock();
        slot.closed = true;
        slot.value = None;
        self.ready.notify_all();
    }

    /// How many values were replaced before they were taken.
    #[cfg(test)]
    pub fn dropped(&self) -> u64 {
        self.lock().dropped
    }
}

/// Where a session's results go: the window's camera dialog, or a test.
pub trait Sink: Send + Sync + 'static {
    /// A preview of the newest frame, as JPEG.
    fn preview(&self, jpeg: Vec<u8>);
    /// The codes in the newest decoded frame of `width`×`height` pixels (sent when they change).
    fn seen(&self, width: u32, height: u32, codes: Vec<SeenCode>);
    /// Authenticator codes were read; the session is over and the camera released.
    fn read(&self, texts: Vec<String>);
    /// The camera failed or stopped; the session is over and the camera released.
    fn failed(&self, error: CameraError);
}

/// A running scan: a capture thread and a decode thread.
pub struct Session {
    stop: Arc<AtomicBool>,
    slot: Arc<LatestSlot<OwnedFrame>>,
    threads: Vec<JoinHandle<()>>,
    sink: Arc<dyn Sink>,
}

impl Session {
    /// Opens a camera with `open` on a new capture thread and starts decoding. Returns once the camera is open,
    /// or with the reason it could not be opened.
    pub fn start<O>(open: O, sink: Arc<dyn Sink>) -> Result<Session, CameraError>
    where
        O: FnOnce() -> Result<Box<dyn FrameSource>, CameraError> + Send + 'static,
    {
        let stop = Arc::new(AtomicBool::new(false));
        let slot = Arc::new(LatestSlot::default());
        let (opened_tx, opened_rx) = mpsc::channel();
        let (released_tx, released_rx) = mpsc::channel::<()>();
        let spawn_failed = |e: std::io::Error| CameraError::Failed(e.to_string());
        let capture = {
            let (stop, slot, sink) = (stop.clone(), slot.clone(), sink.clone());
            std::thread::Builder::new()
                .name("camera-capture".into())
                .spawn(move || {
                    match open() {
                        Ok(source) => {
                            let _ = opened_tx.send(Ok(()));
                            capture(source, &stop, &slot, &*sink);
                        }
                        Err(e) => {
                            let _ = opened_tx.send(Err(e));
                        }
                    }
                    // The camera was dropped at the end of `capture`.
                    slot.close();
                    let _ = released_tx.send(());
                })
                .map_err(spawn_failed)?
        };
        match opened_rx.recv() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                let _ = capture.join();
                return Err(e);
            }
            Err(_) => {
                let _ = capture.join();
                return Err(CameraError::Failed("the camera thread ended".into()));
            }
        }
        let decode = {
            let (stop, slot, sink) = (stop.clone(), slot.clone(), sink.clone());
            std::thread::Builder::new()
                .name("camera-decode".into())
                .spawn(move || decode(&stop, &slot, &*sink, released_rx))
        };
        let decode = match decode {
            Ok(thread) => thread,
            Err(e) => {
                stop.store(true, Ordering::SeqCst);
                slot.close();
                let _ = capture.join();
                return Err(spawn_failed(e));
            }
        };
        Ok(Session {
            stop,
            slot,
            threads: vec![capture, decode],
            sink,
        })
    }

    /// Stops the session and waits until the camera is released (at most about one frame).
    pub fn stop(self) {
        self.end();
    }

    /// Stops the session, and once the camera is released tells the sink why (unless it had ended already).
    pub fn interrupt(self, why: CameraError) {
        let sink = self.sink.clone();
        if self.end() {
            sink.failed(why);
        }
    }

    /// Stops and joins the threads; true if the session was still running.
    fn end(self) -> bool {
        let running = !self.stop.swap(true, Ordering::SeqCst);
        self.slot.close();
        for thread in self.threads {
            let _ = thread.join();
        }
        running
    }
}

/// The capture loop: preview every frame, offer it for decoding, until stopped. Drops `source` (releasing the
/// camera) when it returns.
fn capture(
    mut source: Box<dyn FrameSource>,
    stop: &AtomicBool,
    slot: &LatestSlot<OwnedFrame>,
    sink: &dyn Sink,
) {
    while !stop.load(Ordering::SeqCst) {
        let failure = match source.next_frame() {
            Ok(Some(frame)) => {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                if let Some(jpeg) = preview_jpeg(&frame) {
                    sink.preview(jpeg);
                }
                if slot.put(frame) {
                    continue;
                }
                break;
            }
            Ok(None) => CameraError::Failed("it stopped sending pictures".into()),
            Err(FrameError::Camera(message)) => classify_failure(&message),
            Err(e) => CameraError::Failed(e.to_string()),
        };
        if !stop.swap(true, Ordering::SeqCst) {
            drop(source);
            sink.failed(failure);
        }
        return;
    }
}

/// The decode loop: the newest frame each time, until stopped or an authenticator code is read.
fn decode(
    stop: &AtomicBool,
    slot: &LatestSlot<OwnedFrame>,
    sink: &dyn Sink,
    released: mpsc::Receiver<()>,
) {
    let mut scanner = FrameScanner::new();
    let mut showing = false;
    while let Some(frame) = slot.take() {
        let found = scanner.scan(frame.as_frame());
        let is_authenticator = |text: &str| !matches!(qr::classify(text), Payload::Other(_));
        if !found.is_empty() || showing {
            let codes = found
                .iter()
                .map(|f| SeenCode {
                    corners: f.bounds.iter().map(|&(x, y)| [x, y]).collect(),
                    authenticator: is_authenticator(&f.text),
                })
                .collect();
            sink.seen(frame.width, frame.height, codes);
            showing = !found.is_empty();
        }
        let texts: Vec<String> = found
            .into_iter()
            .map(|f| f.text)
            .filter(|t| is_authenticator(t))
            .collect();
        if !texts.is_empty() {
            if !stop.swap(true, Ordering::SeqCst) {
                slot.close();
                // Tell the window only once the camera is off.
                let _ = released.recv_timeout(Duration::from_secs(5));
                sink.read(texts);
            }
            return;
        }
    }
}

/// The frame scaled down to at most [`PREVIEW_WIDTH`] pixels wide and encoded as JPEG.
fn preview_jpeg(frame: &OwnedFrame) -> Option<Vec<u8>> {
    let img = frame.as_frame().shrink_to_width(PREVIEW_WIDTH)?;
    let mut out = Vec::with_capacity(48 * 1024);
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, PREVIEW_QUALITY)
        .encode_image(&img)
        .ok()?;
    Some(out)
}

/// The camera of a running Tock: at most one session at a time.
#[derive(Default)]
pub struct Cameras(Mutex<Option<Session>>);

impl Cameras {
    /// Stops the session under way (releasing its camera), then opens camera `id` and starts scanning.
    pub fn start(&self, id: String, sink: Arc<dyn Sink>) -> Result<(), CameraError> {
        let mut current = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(old) = current.take() {
            old.stop();
        }
        *current = Some(Session::start(move || open(&id), sink)?);
        Ok(())
    }

    /// Stops the session under way, if any; returns once its camera is released.
    pub fn stop(&self) {
        if let Some(session) = self.take() {
            session.stop();
        }
    }

    /// Stops the session under way, if any, on a thread of its own; once its camera is released the sink
    /// is told `why`.
    pub fn interrupt(&self, why: CameraError) {
        if let Some(session) = self.take() {
            std::thread::spawn(move || session.interrupt(why));
        }
    }

    fn take(&self) -> Option<Session> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URI: &str = "otpauth://totp/ACME:alice?secret=JBSWY3DPEHPK3PXP&issuer=ACME";

    #[test]
    fn the_slot_keeps_only_the_newest_value() {
        let slot = LatestSlot::default();
        assert!(slot.put(1));
        assert!(slot.put(2));
        assert!(slot.put(3));
        assert_eq!(slot.take(), Some(3));
        assert_eq!(
            slot.dropped(),
            2,
            "1 and 2 were replaced before anyone took them"
        );
        assert!(slot.put(4));
        assert_eq!(slot.take(), Some(4));
        assert_eq!(slot.dropped(), 2);
    }

    #[test]
    fn take_waits_for_a_value_and_close_ends_the_wait() {
        let slot = Arc::new(LatestSlot::default());
        let taker = {
            let slot = slot.clone();
            std::thread::spawn(move || (slot.take(), slot.take()))
        };
        std::thread::sleep(Duration::from_millis(50));
        assert!(slot.put("frame"));
        // Close only once the frame was taken (a busy machine may run the taker late).
        while slot.lock().value.is_some() {
            std::thread::sleep(Duration::from_millis(5));
        }
        slot.close();
        assert_eq!(taker.join().unwrap(), (Some("frame"), None));
        assert!(!slot.put("late"), "a closed slot refuses values");
        assert_eq!(slot.take(), None);
    }

    /// A grey frame with `text`'s QR code drawn 4 pixels per module (rasterised from `qr::encode_svg`, whose
    /// modules are `M{x},{y}h1v1h-1z` squares), or a blank one.
    fn frame(text: Option<&str>) -> OwnedFrame {
        let (width, height) = (640u32, 480u32);
        let mut data = vec![200u8; (width * height) as usize];
        if let Some(text) = text {
            let svg = qr::encode_svg(text).unwrap();
            for square in svg.split('M').skip(1) {
                let (x, rest) = square.split_once(',').unwrap();
                let y = rest.split_once('h').unwrap().0;
                let (x, y): (u32, u32) = (x.parse().unwrap(), y.parse().unwrap());
                for dy in 0..4 {
                    for dx in 0..4 {
                        data[((100 + 4 * y + dy) * width + 150 + 4 * x + dx) as usize] = 20;
                    }
                }
            }
        }
        OwnedFrame {
            width,
            height,
            stride: width as usize,
            data,
        }
    }

    /// A camera that hands out one frame every 10 ms forever (or fails after `fail_after` frames) and records
    /// that it was released.
    struct FakeCamera {
        frame: OwnedFrame,
        released: Arc<AtomicBool>,
        fail_after: Option<usize>,
        sent: usize,
    }

    impl FrameSource for FakeCamera {
        fn next_frame(&mut self) -> Result<Option<OwnedFrame>, FrameError> {
            std::thread::sleep(Duration::from_millis(10));
            if self.fail_after == Some(self.sent) {
                return Err(FrameError::Camera("No such device (os error 19)".into()));
            }
            self.sent += 1;
            Ok(Some(self.frame.clone()))
        }
    }

    impl Drop for FakeCamera {
        fn drop(&mut self) {
            self.released.store(true, Ordering::SeqCst);
        }
    }

    #[derive(Default)]
    struct Recording {
        previews: Mutex<usize>,
        seen: Mutex<Vec<Vec<SeenCode>>>,
        read: Mutex<Option<(Vec<String>, bool)>>,
        failed: Mutex<Option<(CameraError, bool)>>,
        released: Arc<AtomicBool>,
    }

    impl Sink for Recording {
        fn preview(&self, jpeg: Vec<u8>) {
            assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "a JPEG");
            *self.previews.lock().unwrap() += 1;
        }
        fn seen(&self, _: u32, _: u32, codes: Vec<SeenCode>) {
            self.seen.lock().unwrap().push(codes);
        }
        fn read(&self, texts: Vec<String>) {
            *self.read.lock().unwrap() = Some((texts, self.released.load(Ordering::SeqCst)));
        }
        fn failed(&self, error: CameraError) {
            *self.failed.lock().unwrap() = Some((error, self.released.load(Ordering::SeqCst)));
        }
    }

    fn start(frame: OwnedFrame, fail_after: Option<usize>) -> (Session, Arc<Recording>) {
        let sink = Arc::new(Recording::default());
        let released = sink.released.clone();
        let session = Session::start(
            move || {
                Ok(Box::new(FakeCamera {
                    frame,
                    released,
                    fail_after,
                    sent: 0,
                }) as Box<dyn FrameSource>)
            },
            sink.clone(),
        )
        .unwrap();
        (session, sink)
    }

    fn wait_until(what: &str, check: impl Fn() -> bool) {
        let started = Instant::now();
        while !check() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "timed out waiting until {what}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[test]
    fn stopping_releases_the_camera() {
        let (session, sink) = start(frame(None), None);
        wait_until("previews arrive", || *sink.previews.lock().unwrap() >= 3);
        assert!(!sink.released.load(Ordering::SeqCst), "open while scanning");
        session.stop();
        assert!(
            sink.released.load(Ordering::SeqCst),
            "released when stop returns"
        );
        let previews = *sink.previews.lock().unwrap();
        std::thread::sleep(Duration::from_millis(50));
        assert_eq!(
            *sink.previews.lock().unwrap(),
            previews,
            "nothing after stop"
        );
        assert!(sink.read.lock().unwrap().is_none() && sink.failed.lock().unwrap().is_none());
    }

    #[test]
    fn an_interrupted_session_releases_the_camera_and_says_why() {
        let (session, sink) = start(frame(None), None);
        wait_until("previews arrive", || *sink.previews.lock().unwrap() >= 1);
        session.interrupt(CameraError::WindowClosed);
        let (error, released_first) = sink.failed.lock().unwrap().clone().unwrap();
        assert_eq!(error, CameraError::WindowClosed);
        assert!(
            released_first,
            "the camera was off before the dialog is told"
        );
        assert!(Error::from(error).message.contains("Try again"));
    }

    #[test]
    fn reading_a_code_releases_the_camera_before_reporting_it() {
        let (session, sink) = start(frame(Some(URI)), None);
        wait_until("the code is read", || sink.read.lock().unwrap().is_some());
        let (texts, released_first) = sink.read.lock().unwrap().clone().unwrap();
        assert_eq!(texts, [URI]);
        assert!(
            released_first,
            "the camera was off before the code was reported"
        );
        let seen = sink.seen.lock().unwrap().clone();
        assert_eq!(seen.last().unwrap().len(), 1);
        assert!(seen.last().unwrap()[0].authenticator);
        assert_eq!(seen.last().unwrap()[0].corners.len(), 4);
        session.stop();
    }

    #[test]
    fn other_codes_are_outlined_but_not_taken() {
        let (session, sink) = start(frame(Some("https://example.com/")), None);
        wait_until("the code is outlined", || {
            !sink.seen.lock().unwrap().is_empty()
        });
        assert!(!sink.seen.lock().unwrap()[0][0].authenticator);
        assert!(sink.read.lock().unwrap().is_none());
        assert!(!sink.released.load(Ordering::SeqCst), "still scanning");
        session.stop();
        assert!(sink.released.load(Ordering::SeqCst));
    }

    #[test]
    fn a_failing_camera_is_released_and_reported() {
        let (session, sink) = start(frame(None), Some(3));
        wait_until("the failure is reported", || {
            sink.failed.lock().unwrap().is_some()
        });
        let (error, released_first) = sink.failed.lock().unwrap().clone().unwrap();
        assert_eq!(
            error,
            CameraError::NoCamera,
            "a camera unplugged while scanning"
        );
        assert!(released_first);
        session.stop();
    }

    #[test]
    fn a_camera_that_cannot_be_opened_starts_no_session() {
        let sink = Arc::new(Recording::default());
        let result = Session::start(|| Err(CameraError::Busy), sink.clone());
        assert_eq!(result.err(), Some(CameraError::Busy));
        assert_eq!(*sink.previews.lock().unwrap(), 0);
    }

    #[test]
    fn camera_layer_errors_become_sentences_people_can_act_on() {
        let open = |why: &str| {
            from_nokhwa(nokhwa::NokhwaError::OpenDeviceError(
                "/dev/video0".into(),
                why.into(),
            ))
        };
        assert_eq!(
            open("Device or resource busy (os error 16)"),
            CameraError::Busy
        );
        assert_eq!(open("Permission denied (os error 13)"), CameraError::Denied);
        assert_eq!(
            open("No such file or directory (os error 2)"),
            CameraError::NoCamera
        );
        assert_eq!(
            from_nokhwa(nokhwa::NokhwaError::OpenStreamError(
                "Device or resource busy".into()
            )),
            CameraError::Busy
        );
        let odd = open("Invalid argument (os error 22)");
        assert!(
            matches!(odd, CameraError::Failed(ref m) if m.contains("os error 22")),
            "{odd:?}"
        );
        let ipc = Error::from(CameraError::Busy);
        assert_eq!(ipc.code, ErrorCode::InvalidInput);
        assert_eq!(
            ipc.message,
            "The camera is in use by another program; close it there and try again."
        );
        assert!(Error::from(CameraError::Denied)
            .message
            .starts_with("Tock is not allowed"));
    }

    #[test]
    fn frames_in_every_pixel_format_become_grey() {
        let yuyv = [10, 128, 20, 128, 30, 128, 40, 128];
        assert_eq!(
            luma(FrameFormat::YUYV, 2, 2, &yuyv).unwrap().data,
            [10, 20, 30, 40]
        );
        let nv12 = [1, 2, 3, 4, 99, 99];
        assert_eq!(
            luma(FrameFormat::NV12, 2, 2, &nv12).unwrap().data,
            [1, 2, 3, 4]
        );
        assert_eq!(luma(FrameFormat::GRAY, 2, 1, &[7, 8]).unwrap().data, [7, 8]);
        let rgb = [255, 0, 0, 0, 0, 255];
        assert_eq!(
            luma(FrameFormat::RAWRGB, 2, 1, &rgb).unwrap().data,
            [77, 29]
        );
        assert_eq!(
            luma(FrameFormat::RAWBGR, 2, 1, &rgb).unwrap().data,
            [29, 77]
        );
        assert!(matches!(
            luma(FrameFormat::YUYV, 4, 4, &yuyv),
            Err(FrameError::BadGeometry { len: 8, .. })
        ));
        let jpeg = preview_jpeg(&frame(Some(URI))).unwrap();
        let decoded = luma(FrameFormat::MJPEG, 0, 0, &jpeg).unwrap();
        assert_eq!((decoded.width, decoded.height), (640, 480));
        assert_eq!(
            qr::decode_frame(decoded.as_frame())
                .into_iter()
                .map(|f| f.text)
                .collect::<Vec<_>>(),
            [URI]
        );
        assert!(luma(FrameFormat::MJPEG, 0, 0, b"not a jpeg").is_err());
    }

    #[test]
    fn previews_are_small_jpegs() {
        let mut big = frame(Some(URI));
        big.width = 320;
        big.stride = 640;
        let jpeg = preview_jpeg(&big).unwrap();
        let img = image::load_from_memory(&jpeg).unwrap();
        assert_eq!(
            (img.width(), img.height()),
            (320, 480),
            "stride respected, not enlarged"
        );
        let wide = OwnedFrame {
            width: 1920,
            height: 1080,
            stride: 1920,
            data: vec![128; 1920 * 1080],
        };
        let img = image::load_from_memory(&preview_jpeg(&wide).unwrap()).unwrap();
        assert_eq!((img.width(), img.height()), (640, 360));
    }

    #[test]
    fn recorded_frames_loop_at_their_pace() {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in [("b.png", None), ("a.png", Some(URI))] {
            let f = frame(text);
            image::GrayImage::from_raw(f.width, f.height, f.data)
                .unwrap()
                .save(dir.path().join(name))
                .unwrap();
        }
        let mut recorded = Recorded::load(dir.path()).unwrap();
        let started = Instant::now();
        let texts: Vec<usize> = (0..4)
            .map(|_| qr::decode_frame(recorded.next_frame().unwrap().unwrap().as_frame()).len())
            .collect();
        assert_eq!(texts, [1, 0, 1, 0], "in name order, looped");
        assert!(started.elapsed() >= Duration::from_millis(3 * 1000 / RECORDED_FPS as u64));

        std::fs::write(dir.path().join("notes.txt"), "hello").unwrap();
        let err = Recorded::load(dir.path()).err().unwrap();
        assert!(err.to_string().contains("notes.txt"), "{err}");
        let empty = tempfile::tempdir().unwrap();
        assert!(Recorded::load(empty.path())
            .err()
            .unwrap()
            .to_string()
            .contains("holds no images"));
    }

    #[test]
    fn the_recorded_camera_is_listed_first_when_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        std::env::set_var(FAKE_CAMERA_ENV, dir.path());
        let cameras = list().unwrap();
        std::env::remove_var(FAKE_CAMERA_ENV);
        assert_eq!(
            cameras[0],
            CameraInfo {
                id: "recorded".into(),
                label: format!("Recorded frames ({})", dir.path().display())
            }
        );
    }
}
