//! Raw camera frames: a luminance plane with a row stride, and a minimal camera abstraction.
use std::collections::VecDeque;

use super::pipeline::{halve, halve_plane, quick_search};
use super::{decode_luma, Found};

/// A borrowed 8-bit luminance plane, such as the Y plane of a camera frame (NV12, YUYV converted, …).
///
/// Row `y` starts at byte `y * stride`; only its first `width` bytes are pixels. The last row need not be
/// padded, so `data` must hold at least `(height - 1) * stride + width` bytes.
#[derive(Clone, Copy, Debug)]
pub struct LumaFrame<'a> {
    /// Pixels per row.
    pub width: u32,
    /// Number of rows.
    pub height: u32,
    /// Bytes from the start of one row to the start of the next (at least `width`).
    pub stride: usize,
    /// The plane, row after row.
    pub data: &'a [u8],
}

impl<'a> LumaFrame<'a> {
    /// Checks that `data` is large enough for the geometry and that `stride >= width`.
    pub fn new(width: u32, height: u32, stride: usize, data: &'a [u8]) -> Result<Self, FrameError> {
        let frame = LumaFrame {
            width,
            height,
            stride,
            data,
        };
        if frame.is_valid() {
            Ok(frame)
        } else {
            Err(FrameError::BadGeometry {
                width,
                height,
                stride,
                len: data.len(),
            })
        }
    }

    fn is_valid(&self) -> bool {
        let (w, h) = (self.width as usize, self.height as usize);
        if w == 0 || h == 0 {
            return true;
        }
        self.stride >= w
            && (h - 1)
                .checked_mul(self.stride)
                .and_then(|n| n.checked_add(w))
                .is_some_and(|n| n <= self.data.len())
    }

    /// Copies the pixels (without the row padding) into a grey image.
    pub fn to_gray_image(&self) -> Option<image::GrayImage> {
        if !self.is_valid() {
            return None;
        }
        let w = self.width as usize;
        let mut data = Vec::with_capacity(w * self.height as usize);
        for y in 0..self.height as usize {
            data.extend_from_slice(&self.data[y * self.stride..y * self.stride + w]);
        }
        image::GrayImage::from_raw(self.width, self.height, data)
    }

    /// The frame at most `max_width` pixels wide, for a preview: each pixel the mean of a `k`×`k` block, with `k`
    /// the smallest whole factor that fits (a 1280 or 1920-pixel frame becomes 640 wide, a 1600-pixel one 533).
    /// `None` if the geometry is invalid or either side is 0.
    pub fn shrink_to_width(&self, max_width: u32) -> Option<image::GrayImage> {
        if !self.is_valid() || self.width == 0 || self.height == 0 || max_width == 0 {
            return None;
        }
        let k = self.width.div_ceil(max_width);
        if k == 1 {
            return self.to_gray_image();
        }
        let (width, height) = (self.width / k, (self.height / k).max(1));
        let k = k as usize;
        let mut sums = vec![0u32; width as usize];
        let mut data = Vec::with_capacity(width as usize * height as usize);
        for y in 0..height as usize {
            sums.fill(0);
            for row in
                (0..k).map(|dy| &self.data[(y * k + dy) * self.stride..][..width as usize * k])
            {
                for (sum, block) in sums.iter_mut().zip(row.chunks_exact(k)) {
                    *sum += block.iter().map(|&v| v as u32).sum::<u32>();
                }
            }
            let n = (k * k) as u32;
            data.extend(sums.iter().map(|&s| ((s + n / 2) / n) as u8));
        }
        image::GrayImage::from_raw(width, height, data)
    }
}

/// A frame that owns its pixels, as a [`FrameSource`] hands it out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnedFrame {
    /// Pixels per row.
    pub width: u32,
    /// Number of rows.
    pub height: u32,
    /// Bytes from the start of one row to the start of the next.
    pub stride: usize,
    /// The plane, row after row.
    pub data: Vec<u8>,
}

impl OwnedFrame {
    /// Borrows the frame for [`decode_frame`].
    pub fn as_frame(&self) -> LumaFrame<'_> {
        LumaFrame {
            width: self.width,
            height: self.height,
            stride: self.stride,
            data: &self.data,
        }
    }
}

/// Why a frame could not be had.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The buffer is smaller than its width, height and stride need.
    #[error("the camera frame is malformed ({width}×{height}, stride {stride}, {len} bytes)")]
    BadGeometry {
        /// Pixels per row.
        width: u32,
        /// Rows.
        height: u32,
        /// Bytes per row.
        stride: usize,
        /// Bytes given.
        len: usize,
    },
    /// The camera reported an error (the message is the camera layer's).
    #[error("the camera failed: {0}")]
    Camera(String),
}

/// Something that produces camera frames one after the other: a real camera (implemented outside the core),
/// or [`ReplaySource`].
pub trait FrameSource {
    /// The next frame; `Ok(None)` when the source has ended (a replay ran out, the camera was closed).
    fn next_frame(&mut self) -> Result<Option<OwnedFrame>, FrameError>;
}

/// Replays frames recorded earlier, from memory, in order.
#[derive(Clone, Debug, Default)]
pub struct ReplaySource {
    frames: VecDeque<OwnedFrame>,
}

impl ReplaySource {
    /// A source that will hand out `frames` in order, then end.
    pub fn new(frames: Vec<OwnedFrame>) -> Self {
        ReplaySource {
            frames: frames.into(),
        }
    }
}

impl FrameSource for ReplaySource {
    fn next_frame(&mut self) -> Result<Option<OwnedFrame>, FrameError> {
        Ok(self.frames.pop_front())
    }
}

/// Every QR code in a camera frame (see [`decode_luma`]); bounds are in frame pixels.
/// A frame whose `data` is too short for its geometry yields nothing.
pub fn decode_frame(frame: LumaFrame<'_>) -> Vec<Found> {
    match frame.to_gray_image() {
        Some(img) if frame.width > 0 && frame.height > 0 => decode_luma(&img),
        _ => Vec::new(),
    }
}

/// Frames larger than this many pixels are halved (and halved again) before the quick search: a 1920×1080 or
/// 1280×720 frame is searched at 960×540 or 640×360.
const QUICK_PIXELS: u64 = 655_360;

/// How often [`FrameScanner`] runs the thorough search ([`decode_frame`]) in any case: every this many frames.
pub const THOROUGH_EVERY: u32 = 15;

/// Decodes a live camera feed frame after frame, within a preview's budget.
///
/// Every frame gets the quick search (one downscale to at most ~640k pixels, one block threshold and its
/// inverse, rqrr only around groups of finder patterns: well under 30 ms for a 1080p frame on a slow machine).
/// The thorough search of [`decode_frame`] (whole-image passes at several scales, tens of milliseconds) runs
/// only when the quick one saw finder patterns it could not read (at most every other frame), and every
/// [`THOROUGH_EVERY`] frames whatever happened, for codes the quick search cannot see at all.
#[derive(Clone, Debug, Default)]
pub struct FrameScanner {
    since_thorough: u32,
}

impl FrameScanner {
    /// A scanner whose first frame gets the quick search only.
    pub fn new() -> Self {
        FrameScanner { since_thorough: 0 }
    }

    /// Every QR code found in this frame; bounds are in frame pixels. A frame too short for its geometry
    /// yields nothing.
    pub fn scan(&mut self, frame: LumaFrame<'_>) -> Vec<Found> {
        if !frame.is_valid() || frame.width < 2 || frame.height < 2 {
            return Vec::new();
        }
        let (mut level, mut scale) = if frame.width as u64 * frame.height as u64 > QUICK_PIXELS {
            (
                halve_plane(frame.data, frame.width, frame.height, frame.stride),
                2.0,
            )
        } else {
            (frame.to_gray_image().expect("checked above"), 1.0)
        };
        while level.width() as u64 * level.height() as u64 > QUICK_PIXELS {
            level = halve(&level);
            scale *= 2.0;
        }
        let quick = quick_search(&level, scale);
        self.since_thorough += 1;
        if !quick.found.is_empty() {
            return quick.found;
        }
        if (quick.candidates && self.since_thorough >= 2) || self.since_thorough >= THOROUGH_EVERY {
            self.since_thorough = 0;
            return decode_frame(frame);
        }
        Vec::new()
    }
}
