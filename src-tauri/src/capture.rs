//! Screen capture for scanning enrolment QR codes that are on the same screen as Tock.
//! X11: the root window (every monitor) through x11rb. Wayland without X11 is not supported yet and says so.
use image::GrayImage;
use x11rb::connection::Connection;
use x11rb::protocol::xproto::{ConnectionExt, ImageFormat};

/// Captures every monitor as one grayscale image.
pub fn capture_screen() -> Result<GrayImage, String> {
    if std::env::var_os("DISPLAY").is_none() {
        return Err(if std::env::var_os("WAYLAND_DISPLAY").is_some() {
            "screen capture on Wayland without X11 is not supported yet; save a screenshot and run `tock scan FILE`".into()
        } else {
            "no display to capture (DISPLAY is not set); save a screenshot and run `tock scan FILE`"
                .into()
        });
    }
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
