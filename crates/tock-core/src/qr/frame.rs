//! Raw camera frames: a luminance plane with a row stride, and a minimal camera abstraction.
use std::collections::VecDeque;

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
