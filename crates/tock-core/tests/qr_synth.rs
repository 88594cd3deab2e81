//! Synthetic QR images (made here with the qrcode crate) that the decoder must read: a small code on a 4K
//! screenshot, light-on-dark, two codes on a page, JPEG artefacts, rotation/perspective with noise and low
//! contrast, webcam-like frames — and a PNG header claiming 20000×20000 pixels, refused quickly.
//!
//! The drawing helpers are also used by `examples/qr_bench.rs` (included with `#[path]`).
#![allow(dead_code)]

use image::GrayImage;

/// A deterministic pseudo-random generator (xorshift64*), so images are the same on every run.
pub struct Rng(u64);

impl Rng {
    /// Seeded generator.
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f32 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        ((self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 40) as f32) / (1u64 << 24) as f32
    }
    /// Roughly Gaussian, mean 0, standard deviation `sd` (sum of four uniforms).
    pub fn gauss(&mut self, sd: f32) -> f32 {
        let s: f32 = (0..4).map(|_| self.unit()).sum::<f32>() - 2.0;
        s * sd * 1.732
    }
}

/// The modules of `text`'s QR code: side length and dark flags, row by row.
pub fn modules(text: &str) -> (usize, Vec<bool>) {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
    let n = code.width();
    (
        n,
        code.to_colors()
            .into_iter()
            .map(|c| c == qrcode::Color::Dark)
            .collect(),
    )
}

/// Renders `text` as a `side`×`side` grey image with a 4-module quiet zone, smoothly scaled (each pixel is the
/// average of 4×4 samples, so module edges that fall inside a pixel give greys).
pub fn render(text: &str, side: u32) -> GrayImage {
    let (n, dark) = modules(text);
    let total = (n + 8) as f32;
    GrayImage::from_fn(side, side, |x, y| {
        let mut sum = 0u32;
        for sy in 0..4 {
            for sx in 0..4 {
                let u = (x as f32 + (sx as f32 + 0.5) / 4.0) / side as f32 * total - 4.0;
                let v = (y as f32 + (sy as f32 + 0.5) / 4.0) / side as f32 * total - 4.0;
                let d = u >= 0.0
                    && v >= 0.0
                    && (u as usize) < n
                    && (v as usize) < n
                    && dark[v as usize * n + u as usize];
                sum += if d { 0 } else { 255 };
            }
        }
        image::Luma([(sum / 16) as u8])
    })
}

/// Copies `src` into `dst` with its top-left corner at (`x`, `y`).
pub fn paste(dst: &mut GrayImage, src: &GrayImage, x: u32, y: u32) {
    for (sx, sy, p) in src.enumerate_pixels() {
        if x + sx < dst.width() && y + sy < dst.height() {
            dst.put_pixel(x + sx, y + sy, *p);
        }
    }
}

/// 3×3 matrix helpers for projective maps (row-major).
type M3 = [[f64; 3]; 3];

/// The projective map taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `q` (Heckbert's formula).
fn square_to_quad(q: [(f32, f32); 4]) -> M3 {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q.map(|(x, y)| (x as f64, y as f64));
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    if sx.abs() < 1e-12 && sy.abs() < 1e-12 {
        return [
            [x1 - x0, x3 - x0, x0],
            [y1 - y0, y3 - y0, y0],
            [0.0, 0.0, 1.0],
        ];
    }
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    let g = (sx * dy2 - dx2 * sy) / den;
    let h = (dx1 * sy - sx * dy1) / den;
    [
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ]
}

fn invert(m: M3) -> M3 {
    let [[a, b, c], [d, e, f], [g, h, i]] = m;
    let det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
    let inv = [
        [e * i - f * h, c * h - b * i, b * f - c * e],
        [f * g - d * i, a * i - c * g, c * d - a * f],
        [d * h - e * g, b * g - a * h, a * e - b * d],
    ];
    inv.map(|r| r.map(|v| v / det))
}

fn apply(m: &M3, x: f64, y: f64) -> (f64, f64) {
    let w = m[2][0] * x + m[2][1] * y + m[2][2];
    (
        (m[0][0] * x + m[0][1] * y + m[0][2]) / w,
        (m[1][0] * x + m[1][1] * y + m[1][2]) / w,
    )
}

fn bilinear(src: &GrayImage, x: f64, y: f64) -> f64 {
    let (w, h) = (src.width() as i64, src.height() as i64);
    let (x, y) = (x - 0.5, y - 0.5);
    let (x0, y0) = (x.floor(), y.floor());
    let (fx, fy) = (x - x0, y - y0);
    let at = |xx: i64, yy: i64| {
        src.get_pixel(xx.clamp(0, w - 1) as u32, yy.clamp(0, h - 1) as u32)
            .0[0] as f64
    };
    let (x0, y0) = (x0 as i64, y0 as i64);
    let top = at(x0, y0) * (1.0 - fx) + at(x0 + 1, y0) * fx;
    let bottom = at(x0, y0 + 1) * (1.0 - fx) + at(x0 + 1, y0 + 1) * fx;
    top * (1.0 - fy) + bottom * fy
}

/// Draws `src` into `dst` so that its corners land on `quad` (top-left, top-right, bottom-right, bottom-left):
/// any rotation, scale or perspective. Each destination pixel averages 2×2 bilinear samples.
pub fn warp_onto(dst: &mut GrayImage, src: &GrayImage, quad: [(f32, f32); 4]) {
    let inv = invert(square_to_quad(quad));
    let (minx, maxx) = quad
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let (miny, maxy) = quad
        .iter()
        .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
    let (sw, sh) = (src.width() as f64, src.height() as f64);
    for y in (miny.floor().max(0.0) as u32)..(maxy.ceil() as u32).min(dst.height()) {
        for x in (minx.floor().max(0.0) as u32)..(maxx.ceil() as u32).min(dst.width()) {
            let mut sum = 0.0;
            let mut inside = 0;
            for (ox, oy) in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)] {
                let (u, v) = apply(&inv, x as f64 + ox, y as f64 + oy);
                if (0.0..1.0).contains(&u) && (0.0..1.0).contains(&v) {
                    sum += bilinear(src, u * sw, v * sh);
                    inside += 1;
                }
            }
            if inside > 0 {
                let old = dst.get_pixel(x, y).0[0] as f64;
                let v = (sum + old * (4 - inside) as f64) / 4.0;
                dst.put_pixel(x, y, image::Luma([v.round() as u8]));
            }
        }
    }
}

/// The corners of a `side`-pixel square centred on (`cx`, `cy`), rotated by `degrees`, with its right edge
/// shrunk by `keystone` (0 = none, 0.2 = 20 % shorter: a tilted phone).
pub fn rotated_quad(cx: f32, cy: f32, side: f32, degrees: f32, keystone: f32) -> [(f32, f32); 4] {
    let h = side / 2.0;
    let k = h * (1.0 - keystone);
    let corners = [(-h, -h), (h, -k), (h, k), (-h, h)];
    let (s, c) = degrees.to_radians().sin_cos();
    corners.map(|(x, y)| (cx + x * c - y * s, cy + x * s + y * c))
}

/// 3×3 box blur.
pub fn blur(img: &GrayImage) -> GrayImage {
    let (w, h) = (img.width() as i64, img.height() as i64);
    GrayImage::from_fn(img.width(), img.height(), |x, y| {
        let mut s = 0u32;
        for dy in -1..=1 {
            for dx in -1..=1 {
                let xx = (x as i64 + dx).clamp(0, w - 1) as u32;
                let yy = (y as i64 + dy).clamp(0, h - 1) as u32;
                s += img.get_pixel(xx, yy).0[0] as u32;
            }
        }
        image::Luma([(s / 9) as u8])
    })
}

/// Maps 0..255 to `lo`..`hi`, then adds Gaussian-ish noise of standard deviation `sd`.
pub fn degrade(img: &mut GrayImage, lo: f32, hi: f32, sd: f32, rng: &mut Rng) {
    for p in img.pixels_mut() {
        let v = lo + p.0[0] as f32 * (hi - lo) / 255.0 + rng.gauss(sd);
        p.0[0] = v.round().clamp(0.0, 255.0) as u8;
    }
}

/// Adds a soft bright spot (glare) of `radius` pixels at (`cx`, `cy`), up to `strength` grey levels.
pub fn glare(img: &mut GrayImage, cx: f32, cy: f32, radius: f32, strength: f32) {
    for (x, y, p) in img.enumerate_pixels_mut() {
        let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() / radius;
        if d < 1.0 {
            let v = p.0[0] as f32 + strength * (1.0 - d * d);
            p.0[0] = v.min(255.0) as u8;
        }
    }
}

/// A 3840×2160 mostly white "screenshot" with window-like bars, text-like dashes and icons, and `text`'s code
/// drawn `side` pixels wide with its top-left corner at (`x`, `y`).
pub fn screenshot_4k(text: &str, side: u32, x: u32, y: u32) -> GrayImage {
    let mut img = GrayImage::from_pixel(3840, 2160, image::Luma([250]));
    let mut rng = Rng::new(7);
    // Title bar, side bar, buttons.
    for yy in 0..48 {
        for xx in 0..3840 {
            img.put_pixel(xx, yy, image::Luma([60]));
        }
    }
    for yy in 48..2160 {
        for xx in 0..420 {
            img.put_pixel(xx, yy, image::Luma([232]));
        }
    }
    // Lines of "text": short dark dashes of letter height.
    for line in 0..60 {
        let ly = 120 + line * 32;
        let mut lx = 480;
        while lx < 3700 {
            let word = 20 + (rng.unit() * 90.0) as u32;
            for yy in ly..ly + 14 {
                for xx in lx..(lx + word).min(3800) {
                    if rng.unit() < 0.55 {
                        img.put_pixel(xx, yy, image::Luma([40]));
                    }
                }
            }
            lx += word + 12;
        }
    }
    // Icons: dark squares with light centres (finder-pattern look-alikes), a classic false positive.
    for i in 0..12 {
        let (ix, iy) = (40 + (i % 2) * 200, 100 + i * 150);
        for yy in iy..iy + 42 {
            for xx in ix..ix + 42 {
                let inner = (8..34).contains(&(xx - ix)) && (8..34).contains(&(yy - iy));
                img.put_pixel(xx, yy, image::Luma([if inner { 230 } else { 30 }]));
            }
        }
    }
    // A clear area for the code, as a page would have.
    for yy in y.saturating_sub(30)..(y + side + 30).min(2160) {
        for xx in x.saturating_sub(30)..(x + side + 30).min(3840) {
            img.put_pixel(xx, yy, image::Luma([255]));
        }
    }
    paste(&mut img, &render(text, side), x, y);
    img
}

/// A webcam-like frame: a phone showing `text`'s code held at an angle (rotation and keystone) in front of a
/// dim, uneven background, slightly blurred, low contrast, noisy, with glare.
pub fn webcam_frame(text: &str, width: u32, height: u32, seed: u64) -> GrayImage {
    let mut rng = Rng::new(seed);
    let mut img = GrayImage::from_fn(width, height, |x, y| {
        image::Luma([
            (70.0 + 50.0 * (x as f32 / width as f32) + 20.0 * (y as f32 / height as f32)) as u8,
        ])
    });
    let side = height as f32 * 0.45;
    let (cx, cy) = (width as f32 * 0.52, height as f32 * 0.48);
    // The phone: a bright rounded-ish rectangle, then the code on it.
    let phone = GrayImage::from_pixel(10, 16, image::Luma([215]));
    warp_onto(
        &mut img,
        &phone,
        rotated_quad(cx, cy, side * 1.45, 22.0, 0.12),
    );
    let code = render(text, 400);
    warp_onto(&mut img, &code, rotated_quad(cx, cy, side, 22.0, 0.12));
    let mut img = blur(&img);
    glare(
        &mut img,
        cx + side * 0.25,
        cy - side * 0.2,
        side * 0.35,
        45.0,
    );
    degrade(&mut img, 25.0, 205.0, 7.0, &mut rng);
    img
}

/// Encodes `img` as PNG.
pub fn png(img: &GrayImage) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Encodes `img` as JPEG at `quality`.
pub fn jpeg(img: &GrayImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(img)
        .unwrap();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use tock_core::qr::{self, decode_image_bytes, decode_luma, Found, QrError};

    const URI: &str = "otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30";

    fn texts(found: &[Found]) -> Vec<&str> {
        found.iter().map(|f| f.text.as_str()).collect()
    }

    /// The found code's bounds lie around the drawn square (a loose check: each corner within `tol` pixels of
    /// some corner of the square).
    fn assert_bounds_near(f: &Found, square: [(f32, f32); 4], tol: f32) {
        for &(x, y) in &f.bounds {
            let near = square.iter().any(|&(sx, sy)| (sx - x).hypot(sy - y) <= tol);
            assert!(near, "corner ({x}, {y}) is not near any of {square:?}");
        }
    }

    #[test]
    fn small_code_on_4k_screenshot() {
        // A version-6-ish code 120 px wide: about 2.5 px per module, smoothly scaled.
        let img = screenshot_4k(URI, 120, 2900, 1500);
        let t = std::time::Instant::now();
        let found = decode_luma(&img);
        eprintln!("4K screenshot: {:?} in {:?}", texts(&found), t.elapsed());
        assert_eq!(texts(&found), [URI]);
        // Bounds are in screenshot pixels, around the 120-px square (the quiet zone is part of the drawing).
        let (n, _) = modules(URI);
        let q = 4.0 * 120.0 / (n + 8) as f32;
        let (x0, y0, x1, y1) = (
            2900.0 + q,
            1500.0 + q,
            2900.0 + 120.0 - q,
            1500.0 + 120.0 - q,
        );
        assert_bounds_near(&found[0], [(x0, y0), (x1, y0), (x1, y1), (x0, y1)], 8.0);
    }

    #[test]
    fn small_code_on_4k_screenshot_as_png_file() {
        let img = screenshot_4k(URI, 120, 700, 300);
        let found = decode_image_bytes(&png(&img)).unwrap();
        assert_eq!(texts(&found), [URI]);
    }

    #[test]
    fn inverted_light_on_dark_code() {
        let mut img = GrayImage::from_pixel(600, 500, image::Luma([255]));
        paste(&mut img, &render(URI, 330), 130, 90);
        image::imageops::invert(&mut img);
        let found = decode_luma(&img);
        assert_eq!(texts(&found), [URI]);
    }

    #[test]
    fn inverted_code_in_dark_mode_page() {
        // Dark UI (grey 30) with the code drawn light-on-dark, via a PNG file.
        let mut img = GrayImage::from_pixel(1200, 800, image::Luma([225]));
        paste(&mut img, &render(URI, 260), 820, 420);
        image::imageops::invert(&mut img);
        let found = decode_image_bytes(&png(&img)).unwrap();
        assert_eq!(texts(&found), [URI]);
    }

    #[test]
    fn two_codes_on_one_page() {
        let other = "otpauth://hotp/Example:alice@google.com?secret=JBSWY3DPEHPK3PXP&issuer=Example&counter=7";
        let mut img = GrayImage::from_pixel(1400, 700, image::Luma([255]));
        paste(&mut img, &render(URI, 300), 80, 150);
        paste(&mut img, &render(other, 260), 900, 300);
        let found = decode_luma(&img);
        let mut t = texts(&found);
        t.sort();
        assert_eq!(t, [other, URI]);
        // Each is reported where it is.
        let left = found.iter().find(|f| f.text == URI).unwrap();
        assert!(left.center().0 < 400.0 && left.center().1 > 150.0 && left.center().1 < 450.0);
    }

    #[test]
    fn same_code_twice_is_reported_twice() {
        let mut img = GrayImage::from_pixel(1000, 400, image::Luma([255]));
        paste(&mut img, &render(URI, 300), 40, 50);
        paste(&mut img, &render(URI, 300), 600, 50);
        assert_eq!(texts(&decode_luma(&img)), [URI, URI]);
    }

    #[test]
    fn jpeg_compressed_code() {
        let mut img = GrayImage::from_pixel(800, 600, image::Luma([240]));
        paste(&mut img, &render(URI, 250), 300, 200);
        let bytes = jpeg(&img, 50);
        assert_eq!(&bytes[..2], &[0xFF, 0xD8]);
        let found = decode_image_bytes(&bytes).unwrap();
        assert_eq!(texts(&found), [URI]);
    }

    #[test]
    fn rotated_noisy_low_contrast_code() {
        for (i, degrees) in [15.0f32, 22.0, 30.0].into_iter().enumerate() {
            let mut rng = Rng::new(40 + i as u64);
            let mut img = GrayImage::from_pixel(900, 700, image::Luma([255]));
            let quad = rotated_quad(450.0, 350.0, 380.0, degrees, 0.0);
            warp_onto(&mut img, &render(URI, 400), quad);
            degrade(&mut img, 90.0, 170.0, 8.0, &mut rng);
            let found = decode_luma(&img);
            assert_eq!(texts(&found), [URI], "rotated {degrees}°");
        }
    }

    #[test]
    fn perspective_code_with_blur_and_glare() {
        let mut rng = Rng::new(5);
        let mut img = GrayImage::from_pixel(1000, 800, image::Luma([200]));
        let quad = [
            (260.0, 170.0),
            (720.0, 230.0),
            (690.0, 640.0),
            (230.0, 600.0),
        ];
        warp_onto(&mut img, &render(URI, 400), quad);
        let mut img = blur(&img);
        glare(&mut img, 560.0, 330.0, 180.0, 40.0);
        degrade(&mut img, 40.0, 200.0, 6.0, &mut rng);
        assert_eq!(texts(&decode_luma(&img)), [URI]);
    }

    #[test]
    fn webcam_frames() {
        for (w, h) in [(1280, 720), (1920, 1080)] {
            let img = webcam_frame(URI, w, h, 3);
            let found = decode_luma(&img);
            assert_eq!(texts(&found), [URI], "{w}×{h}");
            // The live scanner's quick search reads it at once, with the bounds in frame pixels.
            let frame = qr::LumaFrame::new(w, h, w as usize, img.as_raw()).unwrap();
            let quick = qr::FrameScanner::new().scan(frame);
            assert_eq!(texts(&quick), [URI], "{w}×{h}, quick search");
            let (qx, qy) = quick[0].center();
            let (fx, fy) = found[0].center();
            assert!((qx - fx).hypot(qy - fy) < 8.0, "{w}×{h}: same place");
        }
    }

    #[test]
    fn blank_and_tiny_images_find_nothing() {
        assert!(decode_luma(&GrayImage::from_pixel(640, 480, image::Luma([255]))).is_empty());
        assert!(decode_luma(&GrayImage::new(0, 0)).is_empty());
        assert!(decode_luma(&GrayImage::new(1, 1)).is_empty());
        assert!(decode_luma(&GrayImage::new(7, 300)).is_empty());
        let mut rng = Rng::new(1);
        let noise = GrayImage::from_fn(800, 600, |_, _| image::Luma([(rng.unit() * 255.0) as u8]));
        assert!(decode_luma(&noise).is_empty());
    }

    #[test]
    fn busy_large_images_take_bounded_time() {
        // Pixel noise is the worst case for finder-pattern search (countless tiny false patterns); rqrr alone
        // took over a minute on the 4K screenshot. Generous bound: the machine may be busy.
        let mut rng = Rng::new(9);
        let noise = GrayImage::from_fn(3840, 2160, |_, _| {
            image::Luma([if rng.unit() < 0.5 { 20 } else { 235 }])
        });
        let t = std::time::Instant::now();
        assert!(decode_luma(&noise).is_empty());
        let mut shot = screenshot_4k(URI, 120, 2900, 1500);
        image::imageops::replace(
            &mut shot,
            &GrayImage::from_pixel(300, 300, image::Luma([250])),
            2800,
            1400,
        );
        assert!(decode_luma(&shot).is_empty());
        assert!(
            t.elapsed() < std::time::Duration::from_secs(10),
            "took {:?}",
            t.elapsed()
        );
    }

    /// A valid PNG signature and IHDR chunk claiming `w`×`h` RGBA pixels, followed by one tiny IDAT and IEND:
    /// what a decompression bomb looks like from the outside.
    fn png_header_claiming(w: u32, h: u32) -> Vec<u8> {
        fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
            out.extend_from_slice(&(data.len() as u32).to_be_bytes());
            let mut crc_input = kind.to_vec();
            crc_input.extend_from_slice(data);
            out.extend_from_slice(&crc_input);
            out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
        }
        fn crc32(data: &[u8]) -> u32 {
            let mut crc = 0xFFFF_FFFFu32;
            for &b in data {
                crc ^= b as u32;
                for _ in 0..8 {
                    crc = if crc & 1 != 0 {
                        (crc >> 1) ^ 0xEDB8_8320
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        }
        let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 6, 0, 0, 0]); // 8-bit RGBA, deflate, no filter, no interlace
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(
            &mut out,
            b"IDAT",
            &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
        );
        chunk(&mut out, b"IEND", &[]);
        out
    }

    #[test]
    fn huge_png_header_is_refused_quickly() {
        let bytes = png_header_claiming(20000, 20000);
        assert!(bytes.len() < 100);
        let t = std::time::Instant::now();
        let err = decode_image_bytes(&bytes).unwrap_err();
        assert!(
            t.elapsed() < std::time::Duration::from_millis(500),
            "took {:?}",
            t.elapsed()
        );
        assert_eq!(
            err,
            QrError::TooLarge {
                width: 20000,
                height: 20000
            }
        );
        let msg = err.to_string();
        assert!(
            msg.starts_with(
                "the image is too large (20000×20000 pixels); the limit is 16384×16384"
            ),
            "{msg}"
        );
    }

    #[test]
    fn bomb_within_side_limit_is_refused_by_the_memory_limit() {
        // 16000×16000 RGBA would need ~1 GiB: over the 512 MiB decoding budget.
        let err = decode_image_bytes(&png_header_claiming(16000, 16000)).unwrap_err();
        assert_eq!(
            err,
            QrError::TooLarge {
                width: 16000,
                height: 16000
            }
        );
    }

    #[test]
    fn not_an_image_and_damaged_image() {
        assert_eq!(decode_image_bytes(b"").unwrap_err(), QrError::NotAnImage);
        assert_eq!(
            decode_image_bytes(b"hello, world, this is text").unwrap_err(),
            QrError::NotAnImage
        );
        assert_eq!(
            QrError::NotAnImage.to_string(),
            "the file is not an image Tock can read (PNG, JPEG, WebP, BMP or GIF)"
        );
        // A real PNG cut in half.
        let mut img = GrayImage::from_pixel(300, 300, image::Luma([255]));
        paste(&mut img, &render(URI, 250), 25, 25);
        let full = png(&img);
        assert_eq!(
            decode_image_bytes(&full[..full.len() / 2]).unwrap_err(),
            QrError::Damaged
        );
    }

    #[test]
    fn other_formats_and_transparency() {
        let mut img = GrayImage::from_pixel(400, 400, image::Luma([255]));
        paste(&mut img, &render(URI, 300), 50, 50);
        let rgb = image::DynamicImage::ImageLuma8(img.clone());
        for format in [
            image::ImageFormat::Bmp,
            image::ImageFormat::Gif,
            image::ImageFormat::WebP,
        ] {
            let mut out = std::io::Cursor::new(Vec::new());
            let encoded = match format {
                image::ImageFormat::Gif | image::ImageFormat::WebP => {
                    image::DynamicImage::ImageRgba8(rgb.to_rgba8())
                }
                _ => rgb.clone(),
            };
            encoded.write_to(&mut out, format).unwrap();
            let found = decode_image_bytes(&out.into_inner()).unwrap();
            assert_eq!(texts(&found), [URI], "{format:?}");
        }
        // Black modules on a transparent background (as many web pages serve them): composited onto white.
        let rgba = image::RgbaImage::from_fn(400, 400, |x, y| {
            let dark = img.get_pixel(x, y).0[0] < 128;
            if dark {
                image::Rgba([0, 0, 0, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        let mut out = std::io::Cursor::new(Vec::new());
        rgba.write_to(&mut out, image::ImageFormat::Png).unwrap();
        assert_eq!(
            texts(&decode_image_bytes(&out.into_inner()).unwrap()),
            [URI]
        );
    }

    #[test]
    fn text_survives_newlines_and_non_ascii() {
        for text in [
            "line one\nline two\n",
            "Grüße, café ☕\r\n",
            "今度のバージョン",
        ] {
            let mut img = GrayImage::from_pixel(400, 400, image::Luma([255]));
            paste(&mut img, &render(text, 300), 50, 50);
            assert_eq!(texts(&decode_luma(&img)), [text]);
        }
    }

    #[test]
    fn classify_payloads() {
        use qr::Payload;
        assert_eq!(qr::classify(URI), Payload::OtpAuth(URI.into()));
        assert_eq!(
            qr::classify(&format!("{URI}\n")),
            Payload::OtpAuth(URI.into())
        );
        assert_eq!(
            qr::classify("OTPAUTH://TOTP/x?secret=AA"),
            Payload::OtpAuth("OTPAUTH://TOTP/x?secret=AA".into())
        );
        let m = "otpauth-migration://offline?data=CjUKEPqlBekz";
        assert_eq!(qr::classify(m), Payload::Migration(m.into()));
        assert_eq!(
            qr::classify("https://example.com"),
            Payload::Other("https://example.com".into())
        );
        assert_eq!(
            qr::classify("otpauth:/broken"),
            Payload::Other("otpauth:/broken".into())
        );
        assert_eq!(qr::classify(""), Payload::Other(String::new()));
    }

    #[test]
    fn encode_svg_round_trips() {
        let svg = qr::encode_svg(URI).unwrap();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 "));
        // Rasterise the SVG's squares and decode them again.
        let (n, dark) = modules(URI);
        let side = n + 8;
        let px = 6u32;
        let img = GrayImage::from_fn(side as u32 * px, side as u32 * px, |x, y| {
            let (mx, my) = ((x / px) as usize, (y / px) as usize);
            let on = svg.contains(&format!("M{mx},{my}h1v1h-1z"));
            image::Luma([if on { 0 } else { 255 }])
        });
        assert_eq!(
            dark.iter().filter(|d| **d).count(),
            svg.matches("h1v1h-1z").count()
        );
        assert_eq!(texts(&decode_luma(&img)), [URI]);
        let too_long = "x".repeat(5000);
        assert_eq!(qr::encode_svg(&too_long).unwrap_err(), QrError::TextTooLong);
    }
}
