//! Screen capture for scanning enrolment QR codes that are on the same screen as Tock.
//! Wayland: the xdg-desktop-portal Screenshot interface (`portal`). X11: the root window (every monitor)
//! through x11rb, and the portal when X11 fails.
use image::GrayImage;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};

use super::portal::{self, PortalError};

/// Every monitor as one grayscale image, and a sentence worth telling the person (e.g. where the
/// portal left a copy of the screenshot).
pub struct Screen {
    pub image: GrayImage,
    pub note: Option<String>,
}

/// Captures every monitor: through the portal on Wayland (or without any display variable), else through
/// X11, falling back to the portal when X11 fails.
pub fn capture_screen() -> Result<Screen, String> {
    let wayland = std::env::var_os("WAYLAND_DISPLAY").is_some();
    let x11 = std::env::var_os("DISPLAY").is_some();
    if wayland || !x11 {
        return match portal::screenshot() {
            Ok(shot) => from_portal(shot),
            // XWayland still shows the windows of X11 programs, which may include the browser.
            Err(PortalError::Missing(_)) if x11 => Ok(Screen {
                image: capture_x11()?,
                note: Some(
                    "the screenshot portal is not available, so only the windows of X11 programs were \
                     captured; install xdg-desktop-portal and your desktop's portal to capture the whole screen"
                        .into(),
                ),
            }),
            Err(PortalError::Missing(_)) if !wayland => Err(
                "there is no display to capture (neither WAYLAND_DISPLAY nor DISPLAY is set); save a \
                 screenshot and scan that image file instead"
                    .into(),
            ),
            Err(e) => Err(e.into()),
        };
    }
    match capture_x11() {
        Ok(image) => Ok(Screen { image, note: None }),
        Err(x11_error) => match portal::screenshot() {
            Ok(shot) => from_portal(shot),
            Err(PortalError::Missing(_)) => Err(x11_error),
            Err(e) => Err(e.into()),
        },
    }
}

fn from_portal(shot: portal::Shot) -> Result<Screen, String> {
    let image = tock_core::qr::load_luma(&shot.png)
        .map_err(|e| format!("the screenshot portal's image could not be read ({e})"))?;
    Ok(Screen {
        image,
        note: shot.note,
    })
}

/// The X11 root window (every monitor) as one grayscale image.
fn capture_x11() -> Result<GrayImage, String> {
    let (conn, screen_num) =
        x11rb::connect(None).map_err(|e| format!("the X display could not be opened ({e})"))?;
    let screen = &conn.setup().roots[screen_num];
    let (width, height) = (screen.width_in_pixels, screen.height_in_pixels);
    let reply = conn
        .get_image(ImageFormat::Z_PIXMAP, screen.root, 0, 0, width, height, !0)
        .map_err(|e| format!("the screen could not be captured ({e})"))?
        .reply()
        .map_err(|e| format!("the screen could not be captured ({e})"))?;
    let format = conn
        .setup()
        .pixmap_formats
        .iter()
        .find(|f| f.depth == reply.depth)
        .ok_or("the screen uses a pixel format Tock does not know")?;
    if format.bits_per_pixel != 32 {
        return Err(format!(
            "the screen uses {} bits per pixel; Tock reads 24- and 32-bit screens",
            format.bits_per_pixel
        ));
    }
    let stride = reply.data.len() / usize::from(height.max(1));
    let mut gray = GrayImage::new(u32::from(width), u32::from(height));
    for (y, row) in reply
        .data
        .chunks_exact(stride)
        .enumerate()
        .take(usize::from(height))
    {
        for x in 0..usize::from(width) {
            let px = &row[x * 4..x * 4 + 3]; // B, G, R on little-endian servers
            let luma =
                (u32::from(px[2]) * 299 + u32::from(px[1]) * 587 + u32::from(px[0]) * 114) / 1000;
            gray.put_pixel(x as u32, y as u32, image::Luma([luma as u8]));
        }
    }
    Ok(gray)
}
