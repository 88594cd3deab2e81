//! Finding and decoding QR codes in image buffers, and drawing one as SVG.
//!
//! Everything works on bytes or pixels that the caller passes in: no file, camera or clock access.
//!
//! - [`decode_image_bytes`]: a PNG, JPEG, WebP, BMP or GIF file's bytes → every QR code in it.
//!   The format is sniffed from the bytes, and decoding is bounded by [`MAX_IMAGE_SIDE`] and
//!   [`MAX_DECODED_BYTES`], so a 20000×20000 image or a decompression bomb gives [`QrError::TooLarge`].
//! - [`decode_luma`]: an 8-bit grey image → every QR code in it.
//! - [`decode_frame`]: a raw camera luminance plane with a row stride ([`LumaFrame`]) → every QR code in it.
//!   [`FrameScanner`] decodes a live feed within a preview's budget (a quick search per frame, the thorough one
//!   now and then). [`FrameSource`] abstracts a camera; [`ReplaySource`] replays recorded frames (tests, demos).
//! - [`classify`]: is a QR text an `otpauth://` URI, a Google Authenticator transfer code, or something else?
//! - [`encode_svg`]: a text → an SVG picture of its QR code (to show an account as a QR code).
//!
//! The search tries several binarisations (rqrr's own, a block-mean adaptive threshold, the same on the
//! inverted image for light-on-dark codes) on a scale pyramid (full resolution first, then halved), and
//! stops once a level adds nothing to what earlier levels found. See `pipeline.rs` for the details.
mod finder;
mod frame;
mod pipeline;

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

pub use frame::{
    decode_frame, FrameError, FrameScanner, FrameSource, LumaFrame, OwnedFrame, ReplaySource,
    THOROUGH_EVERY,
};
pub use pipeline::decode_luma;

/// Images wider or taller than this many pixels are refused.
pub const MAX_IMAGE_SIDE: u32 = 16384;

/// The most memory the image decoder may allocate for one image (512 MiB).
pub const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

/// One QR code found in an image.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    /// The exact content, newlines and all. Byte-mode content that is not UTF-8 is read as Shift JIS when it is
    /// valid Shift JIS (Japanese codes), otherwise as ISO 8859-1, which keeps every byte (one byte → one char).
    pub text: String,
    /// The code's four corners in the input image's pixel coordinates, in the order top-left, top-right,
    /// bottom-right, bottom-left of the code itself (so they follow its rotation).
    pub bounds: [(f32, f32); 4],
}

impl Found {
    /// The centre of the four corners.
    pub fn center(&self) -> (f32, f32) {
        let (sx, sy) = self
            .bounds
            .iter()
            .fold((0.0, 0.0), |(ax, ay), &(x, y)| (ax + x, ay + y));
        (sx / 4.0, sy / 4.0)
    }
}

/// Why an image could not be searched, or a text could not be drawn as a QR code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// Not one of the supported formats (or not an image at all).
    #[error("the file is not an image Tock can read (PNG, JPEG, WebP, BMP or GIF)")]
    NotAnImage,
    /// Wider or taller than [`MAX_IMAGE_SIDE`], or needing more than [`MAX_DECODED_BYTES`] to decode.
    #[error(
        "the image is too large ({width}×{height} pixels); the limit is {MAX_IMAGE_SIDE}×{MAX_IMAGE_SIDE} pixels \
         and 512 MiB of decoded pixels"
    )]
    TooLarge {
        /// Width the file claims.
        width: u32,
        /// Height the file claims.
        height: u32,
    },
    /// The format was recognised but the data is truncated or corrupt.
    #[error("the image file is damaged or incomplete and could not be read")]
    Damaged,
    /// The text does not fit in the largest QR code.
    #[error("the text is too long to fit in a QR code")]
    TextTooLong,
}

/// Decodes an image file's bytes (PNG, JPEG, WebP, BMP or GIF, sniffed from the content) and returns every
/// QR code found in it, in the order found (possibly none).
pub fn decode_image_bytes(bytes: &[u8]) -> Result<Vec<Found>, QrError> {
    let img = load_luma(bytes)?;
    Ok(decode_luma(&img))
}

/// Decodes an image file's bytes into 8-bit grey, compositing any transparency onto white
/// (so a black code on a transparent background stays readable). Same limits and errors as
/// [`decode_image_bytes`].
pub fn load_luma(bytes: &[u8]) -> Result<image::GrayImage, QrError> {
    let reader = || {
        ImageReader::new(Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| QrError::NotAnImage)
    };
    let format = reader()?.format().ok_or(QrError::NotAnImage)?;
    if !matches!(
        format,
        ImageFormat::Png
            | ImageFormat::Jpeg
            | ImageFormat::WebP
            | ImageFormat::Bmp
            | ImageFormat::Gif
    ) {
        return Err(QrError::NotAnImage);
    }
    // Read the header first, so an absurd size is refused before anything is allocated.
    let (width, height) = reader()?.into_dimensions().map_err(|_| QrError::Damaged)?;
    if width == 0 || height == 0 {
        return Err(QrError::Damaged);
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(QrError::TooLarge { width, height });
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut r = reader()?;
    r.limits(limits);
    let img = r.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => QrError::TooLarge { width, height },
        image::ImageError::Unsupported(_) => QrError::NotAnImage,
        _ => QrError::Damaged,
    })?;
    if !img.color().has_alpha() {
        return Ok(img.to_luma8());
    }
    let la = img.to_luma_alpha8();
    let (w, h) = la.dimensions();
    let data = la
        .pixels()
        .map(|p| {
            let [l, a] = p.0;
            let (l, a) = (l as u32, a as u32);
            ((l * a + 255 * (255 - a) + 127) / 255) as u8
        })
        .collect();
    Ok(image::GrayImage::from_raw(w, h, data).expect("same size"))
}

/// What a QR code's text is, for the enrolment flow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Payload {
    /// An `otpauth://` URI (surrounding whitespace removed): one account.
    OtpAuth(String),
    /// A Google Authenticator transfer code `otpauth-migration://…` (surrounding whitespace removed); see
    /// [`crate::migration`].
    Migration(String),
    /// Anything else (a web link, a vCard, …), unchanged: not an authenticator code.
    Other(String),
}

/// Sorts a QR text into [`Payload`]: the scheme is compared without regard to case.
pub fn classify(text: &str) -> Payload {
    let t = text.trim();
    let has_prefix =
        |p: &str| t.len() >= p.len() && t.as_bytes()[..p.len()].eq_ignore_ascii_case(p.as_bytes());
    if has_prefix("otpauth-migration://") {
        Payload::Migration(t.to_string())
    } else if has_prefix("otpauth://") {
        Payload::OtpAuth(t.to_string())
    } else {
        Payload::Other(text.to_string())
    }
}

/// Draws `text` as a QR code (error correction level M, 4-module quiet zone) in a standalone SVG document:
/// black modules on a white background, one unit per module, scalable to any size.
pub fn encode_svg(text: &str) -> Result<String, QrError> {
    let (n, colors) = modules(text)?;
    let side = n + 8;
    let mut path = String::new();
    for y in 0..n {
        for x in 0..n {
            if colors[y * n + x] == qrcode::Color::Dark {
                path.push_str(&format!("M{},{}h1v1h-1z", x + 4, y + 4));
            }
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\">\
         <rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// The modules of a QR code of `text` (error correction M): its width and the colours row by row.
fn modules(text: &str) -> Result<(usize, Vec<qrcode::Color>), QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|_| QrError::TextTooLong)?;
    Ok((code.width(), code.to_colors()))
}

/// A QR code of `text` as a black-on-white picture, `module_px` pixels per module, with the 4-module quiet
/// zone the standard asks for (for files a phone scans from a screen, e.g. transfer codes).
pub fn encode_image(text: &str, module_px: u32) -> Result<image::GrayImage, QrError> {
    let (n, colors) = modules(text)?;
    let px = module_px.max(1);
    let side = (n as u32 + 8) * px;
    Ok(image::GrayImage::from_fn(side, side, |x, y| {
        let (mx, my) = ((x / px) as usize, (y / px) as usize);
        let dark = (4..n + 4).contains(&mx)
            && (4..n + 4).contains(&my)
            && colors[(my - 4) * n + (mx - 4)] == qrcode::Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    }))
}
