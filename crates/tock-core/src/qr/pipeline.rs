//! The search: binarise a grey image several ways, at several scales, and let rqrr find and decode grids.
//!
//! 1. Inputs above [`WORK_PIXELS`] (4096×4096) are halved until they fit: bounded cost for huge photos.
//! 2. Pyramid levels, full resolution first, then halved again and again down to [`MIN_LEVEL_SIDE`]. The search
//!    stops after the first level that finds anything (for a phone photo, full resolution usually does; a big
//!    blurred code is found once it is small enough).
//! 3. Each level is binarised with a block-mean adaptive threshold (8-pixel blocks, 5×5-block window, flat blocks
//!    read as background: ZXing's "hybrid" binariser), as is its inverse (light-on-dark codes).
//!    - A level up to [`FULL_SEARCH_PIXELS`] (≈1280×1024) is searched whole by rqrr three times: with rqrr's own
//!      thresholding (a running row average), on the bitmap, and on the inverted bitmap.
//!    - On every level, finder patterns are looked for in both bitmaps (see `finder.rs`) and the rectangles
//!      around plausible groups of three are cropped, enlarged 2–3× when modules are under 4 pixels, and
//!      searched by rqrr. This is what reads a 120-pixel code on a 4K screenshot (2–3 pixels per module), and
//!      it is the only search on levels larger than [`FULL_SEARCH_PIXELS`], because rqrr's whole-image search
//!      becomes very slow on large busy images (it copies the image for every candidate group).
//!      On a level already searched whole, this step runs only if nothing was found, and only for small modules.
//! 4. An image no larger than [`SMALL_SIDE`] (640 pixels) in which nothing was found is searched once more,
//!    enlarged 2× (thumbnails, tightly cropped codes, very dense codes: +8 images of ZXing's test sets).
//!
//! Live camera frames get [`quick_search`] instead (see `frame.rs`'s `FrameScanner`): one level, step 3's region
//! search only, and the thorough search above only now and then.
//!
//! Grids that fail to decode are retried mirrored. A text found again near the same place is a duplicate.
//! rqrr panics on some degenerate geometry; such a panic is caught (`catch_unwind`, so this relies on the default
//! `panic = "unwind"`) and only loses that one attempt; the panic hook still prints its message.
use std::borrow::Cow;

use image::GrayImage;
use rqrr::{BitGrid, PreparedImage};

use super::{finder, Found};

/// Larger inputs are halved until they have at most this many pixels (4096×4096).
const WORK_PIXELS: u64 = 4096 * 4096;
/// Levels up to this size (about 1280×1024) are searched whole; larger ones only around finder patterns.
const FULL_SEARCH_PIXELS: u64 = 1_310_720;
/// The largest crop (after enlarging) searched around a group of finder patterns.
const REGION_MAX_PIXELS: u64 = 1024 * 1024;
/// Pyramid levels whose shorter side would be smaller than this are not searched.
const MIN_LEVEL_SIDE: u32 = 64;
/// Images no larger than this on either side are also searched enlarged 2×.
const SMALL_SIDE: u32 = 640;
/// Block size of the adaptive threshold.
const BLOCK: usize = 8;
/// A block whose darkest and lightest pixels differ by at most this is "flat".
const MIN_DYNAMIC_RANGE: u8 = 24;

/// Every QR code found in `img`, in the order found. Bounds are in `img`'s pixel coordinates.
pub fn decode_luma(img: &GrayImage) -> Vec<Found> {
    let mut found = Vec::new();
    if img.width() == 0 || img.height() == 0 {
        return found;
    }
    let mut level: Cow<'_, GrayImage> = Cow::Borrowed(img);
    let mut scale = 1.0f32;
    while level.width() as u64 * level.height() as u64 > WORK_PIXELS {
        level = Cow::Owned(halve(&level));
        scale *= 2.0;
    }
    loop {
        search_level(&level, scale, &mut found);
        if !found.is_empty() {
            break;
        }
        if level.width().min(level.height()) / 2 < MIN_LEVEL_SIDE {
            break;
        }
        level = Cow::Owned(halve(&level));
        scale *= 2.0;
    }
    // Small images (a cropped code, a thumbnail) get one more try enlarged: rqrr reads more with more pixels
    // per module.
    if found.is_empty() && img.width().max(img.height()) <= SMALL_SIDE {
        let (w, h) = (img.width() * 2, img.height() * 2);
        let big = image::imageops::resize(img, w, h, image::imageops::FilterType::Triangle);
        search_level(&big, 0.5, &mut found);
    }
    found
}

/// What [`quick_search`] saw: the codes it read, and whether finder patterns proposed any region at all.
pub struct Quick {
    /// Codes read, bounds in the caller's coordinates.
    pub found: Vec<Found>,
    /// Some group of three finder patterns looked like a code (read or not).
    pub candidates: bool,
}

/// The live-preview search: one block threshold of `level` and of its inverse, finder patterns, and rqrr only
/// inside the regions they propose — no whole-image rqrr search, no pyramid. A few milliseconds on a 960×540
/// level; it reads a code that is reasonably sharp, and says when it saw something worth a thorough look.
/// `scale` maps level pixels to the caller's pixels.
pub fn quick_search(level: &GrayImage, scale: f32) -> Quick {
    let (w, h) = (level.width() as usize, level.height() as usize);
    let mut quick = Quick {
        found: Vec::new(),
        candidates: false,
    };
    if w == 0 || h == 0 {
        return quick;
    }
    for inverted in [false, true] {
        let bits = binarize_blocks(level.as_raw(), w, h, inverted);
        let patterns = finder::find_patterns(&bits, w, h, 1);
        for r in finder::propose_regions(&patterns, w, h) {
            quick.candidates = true;
            search_region(level, r, inverted, scale, &mut quick.found);
        }
        if !quick.found.is_empty() {
            break;
        }
    }
    quick
}

/// Maps pixel coordinates of the image being searched to the caller's input image: `p * scale + offset`.
#[derive(Clone, Copy)]
struct Transform {
    scale: f32,
    dx: f32,
    dy: f32,
}

/// Searches one pyramid level; `scale` maps level pixels to input pixels.
fn search_level(level: &GrayImage, scale: f32, found: &mut Vec<Found>) {
    let (w, h) = (level.width() as usize, level.height() as usize);
    let data = level.as_raw();
    let bitmaps = [
        binarize_blocks(data, w, h, false),
        binarize_blocks(data, w, h, true),
    ];
    let searched_whole = (w * h) as u64 <= FULL_SEARCH_PIXELS;
    if searched_whole {
        let tf = Transform {
            scale,
            dx: 0.0,
            dy: 0.0,
        };
        detect_in_grey(level, tf, found);
        for bits in &bitmaps {
            detect_in_bitmap(level, bits, tf, found);
        }
        if !found.is_empty() {
            return;
        }
    }
    for (inverted, bits) in bitmaps.iter().enumerate() {
        let patterns = finder::find_patterns(bits, w, h, 1);
        for r in finder::propose_regions(&patterns, w, h) {
            // A level searched whole only gains from regions worth enlarging.
            if searched_whole && r.module >= 4.0 {
                continue;
            }
            // Skip a region around a code already read: it holds that code's centre, or its own centre is
            // inside that code (a group mixing that code's finder patterns with a stray one).
            let already = found.iter().any(|f| {
                let (cx, cy) = f.center();
                let (lx, ly) = (cx / scale, cy / scale);
                let (rx, ry) = (
                    (r.x0 + r.x1) as f32 / 2.0 * scale,
                    (r.y0 + r.y1) as f32 / 2.0 * scale,
                );
                let (fx0, fx1) = f
                    .bounds
                    .iter()
                    .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
                let (fy0, fy1) = f
                    .bounds
                    .iter()
                    .fold((f32::MAX, f32::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
                ((r.x0 as f32..r.x1 as f32).contains(&lx)
                    && (r.y0 as f32..r.y1 as f32).contains(&ly))
                    || ((fx0..fx1).contains(&rx) && (fy0..fy1).contains(&ry))
            });
            if !already {
                search_region(level, r, inverted == 1, scale, found);
            }
        }
    }
}

/// Crops `r` out of `level`, enlarges it when modules are small (rqrr wants a few pixels per module), and
/// searches the crop whole. Crops are kept under [`REGION_MAX_PIXELS`]: too large a region is left to a smaller
/// pyramid level.
fn search_region(
    level: &GrayImage,
    r: finder::Region,
    inverted: bool,
    scale: f32,
    found: &mut Vec<Found>,
) {
    let (cw, ch) = (r.x1 - r.x0, r.y1 - r.y0);
    let mut up: u32 = if r.module < 2.0 {
        3
    } else if r.module < 4.0 {
        2
    } else {
        1
    };
    while up > 1 && (cw * up) as u64 * (ch * up) as u64 > REGION_MAX_PIXELS {
        up -= 1;
    }
    if cw as u64 * ch as u64 > REGION_MAX_PIXELS {
        return;
    }
    let crop = image::imageops::crop_imm(level, r.x0, r.y0, cw, ch).to_image();
    let crop = if up > 1 {
        image::imageops::resize(
            &crop,
            cw * up,
            ch * up,
            image::imageops::FilterType::Triangle,
        )
    } else {
        crop
    };
    let (w, h) = (crop.width() as usize, crop.height() as usize);
    let data = crop.as_raw();
    let tf = Transform {
        scale: scale / up as f32,
        dx: r.x0 as f32 * scale,
        dy: r.y0 as f32 * scale,
    };
    if inverted {
        let bits = binarize_blocks(data, w, h, true);
        detect_in_bitmap(&crop, &bits, tf, found);
    } else {
        // A region holds one group of finder patterns: once rqrr's own threshold read its code, the block
        // threshold has nothing to add.
        let before = found.len();
        detect_in_grey(&crop, tf, found);
        if found.len() == before {
            let bits = binarize_blocks(data, w, h, false);
            detect_in_bitmap(&crop, &bits, tf, found);
        }
    }
}

/// rqrr's own thresholding (a running row average), detection and decoding.
fn detect_in_grey(img: &GrayImage, tf: Transform, found: &mut Vec<Found>) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let data = img.as_raw();
    let mut prepared = PreparedImage::prepare_from_greyscale(w, h, |x, y| data[y * w + x]);
    guarded(|| collect(prepared.detect_grids(), tf, found));
}

/// rqrr's detection and decoding on `bits`, a bitmap of `img` (`true` = dark).
fn detect_in_bitmap(img: &GrayImage, bits: &[bool], tf: Transform, found: &mut Vec<Found>) {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let mut prepared = PreparedImage::prepare_from_bitmap(w, h, |x, y| bits[y * w + x]);
    guarded(|| collect(prepared.detect_grids(), tf, found));
}

/// Runs `f`, turning a panic into `None`: rqrr 0.11 asserts on some degenerate geometry (a perspective that
/// maps to infinity), and one bad candidate must not abort the whole search. (The panic message is still printed
/// by the process's panic hook.)
fn guarded<T>(f: impl FnOnce() -> T) -> Option<T> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).ok()
}

/// Decodes each grid (retrying it mirrored) and keeps new texts.
///
/// rqrr's `bounds` are the images of grid coordinates 0 and `size + 1` (one module past the code's right and
/// bottom edges); the reported corners are those of the code itself (0 and `size`).
fn collect<G: BitGrid>(grids: Vec<rqrr::Grid<G>>, tf: Transform, found: &mut Vec<Found>) {
    for grid in grids {
        let size = grid.grid.size();
        let quad = square_to_quad(grid.bounds.map(|p| (p.x as f64, p.y as f64)));
        let Some(bytes) = guarded(|| decode_grid(&grid.grid)).flatten() else {
            continue;
        };
        let t = size as f64 / (size + 1) as f64;
        let bounds = [(0.0, 0.0), (t, 0.0), (t, t), (0.0, t)].map(|(u, v)| {
            let (x, y) = apply(&quad, u, v);
            (x as f32 * tf.scale + tf.dx, y as f32 * tf.scale + tf.dy)
        });
        push_unique(
            found,
            Found {
                text: text_from_bytes(bytes),
                bounds,
            },
        );
    }
}

/// Decodes a grid as it is, then mirrored.
fn decode_grid<G: BitGrid>(grid: &G) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if rqrr::Grid::new(AsIs(grid)).decode_to(&mut out).is_ok() {
        return Some(out);
    }
    out.clear();
    rqrr::Grid::new(Mirrored(grid))
        .decode_to(&mut out)
        .ok()
        .map(|_| out)
}

/// A 3×3 projective map (row-major).
type M3 = [[f64; 3]; 3];

/// The projective map taking the unit square's corners (0,0), (1,0), (1,1), (0,1) to `q` (Heckbert's formula).
fn square_to_quad(q: [(f64, f64); 4]) -> M3 {
    let [(x0, y0), (x1, y1), (x2, y2), (x3, y3)] = q;
    let (sx, sy) = (x0 - x1 + x2 - x3, y0 - y1 + y2 - y3);
    let (dx1, dx2, dy1, dy2) = (x1 - x2, x3 - x2, y1 - y2, y3 - y2);
    let den = dx1 * dy2 - dx2 * dy1;
    if (sx.abs() < 1e-9 && sy.abs() < 1e-9) || den.abs() < 1e-9 {
        return [
            [x1 - x0, x3 - x0, x0],
            [y1 - y0, y3 - y0, y0],
            [0.0, 0.0, 1.0],
        ];
    }
    let g = (sx * dy2 - dx2 * sy) / den;
    let h = (dx1 * sy - sx * dy1) / den;
    [
        [x1 - x0 + g * x1, x3 - x0 + h * x3, x0],
        [y1 - y0 + g * y1, y3 - y0 + h * y3, y0],
        [g, h, 1.0],
    ]
}

fn apply(m: &M3, u: f64, v: f64) -> (f64, f64) {
    let w = m[2][0] * u + m[2][1] * v + m[2][2];
    (
        (m[0][0] * u + m[0][1] * v + m[0][2]) / w,
        (m[1][0] * u + m[1][1] * v + m[1][2]) / w,
    )
}

/// A borrowed grid.
struct AsIs<'a, G>(&'a G);

impl<G: BitGrid> BitGrid for AsIs<'_, G> {
    fn size(&self) -> usize {
        self.0.size()
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.0.bit(y, x)
    }
}

/// A grid read with rows and columns swapped (some codes are printed mirrored).
struct Mirrored<'a, G>(&'a G);

impl<G: BitGrid> BitGrid for Mirrored<'_, G> {
    fn size(&self) -> usize {
        self.0.size()
    }
    fn bit(&self, y: usize, x: usize) -> bool {
        self.0.bit(x, y)
    }
}

/// QR byte mode has no reliable charset: UTF-8 if valid, else Shift JIS if valid (Japanese codes and Kanji
/// mode, which rqrr hands out as Shift JIS bytes), else ISO 8859-1 (the standard's default; keeps every byte).
fn text_from_bytes(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let bytes = e.into_bytes();
            let (text, had_errors) = encoding_rs::SHIFT_JIS.decode_without_bom_handling(&bytes);
            if !had_errors {
                text.into_owned()
            } else {
                bytes.iter().map(|&b| b as char).collect()
            }
        }
    }
}

/// Adds `f` unless the same text was already found at about the same place.
fn push_unique(found: &mut Vec<Found>, f: Found) {
    let radius = |f: &Found| {
        let (a, c) = (f.bounds[0], f.bounds[2]);
        ((a.0 - c.0).hypot(a.1 - c.1) / 2.0).max(1.0)
    };
    let (cx, cy) = f.center();
    let duplicate = found.iter().any(|g| {
        let (gx, gy) = g.center();
        g.text == f.text && (gx - cx).hypot(gy - cy) < radius(g).max(radius(&f))
    });
    if !duplicate {
        found.push(f);
    }
}

/// Halves both sides by averaging 2×2 blocks (a trailing odd row or column is dropped).
pub(super) fn halve(img: &GrayImage) -> GrayImage {
    halve_plane(
        img.as_raw(),
        img.width(),
        img.height(),
        img.width() as usize,
    )
}

/// [`halve`] for a plane whose rows start `stride` bytes apart (a camera frame), read in place.
pub(super) fn halve_plane(src: &[u8], width: u32, height: u32, stride: usize) -> GrayImage {
    let (w, h) = (width as usize / 2, height as usize / 2);
    let sw = stride;
    let mut out = Vec::with_capacity(w * h);
    for y in 0..h {
        let r0 = &src[2 * y * sw..];
        let r1 = &src[(2 * y + 1) * sw..];
        for x in 0..w {
            let s =
                r0[2 * x] as u32 + r0[2 * x + 1] as u32 + r1[2 * x] as u32 + r1[2 * x + 1] as u32;
            out.push(((s + 2) / 4) as u8);
        }
    }
    GrayImage::from_raw(w as u32, h as u32, out).expect("sizes match")
}

/// Block-mean adaptive threshold; `true` = dark (or light, when `invert`).
///
/// Each 8×8 block gets its mean, except flat blocks (little contrast), which take a value below their minimum
/// (or their neighbours' when that is larger), so flat areas read as background. A pixel is dark when it is at
/// most the mean of the 5×5 blocks around its block.
fn binarize_blocks(data: &[u8], w: usize, h: usize, invert: bool) -> Vec<bool> {
    let px = |v: u8| if invert { 255 - v } else { v };
    let (bw, bh) = (w.div_ceil(BLOCK), h.div_ceil(BLOCK));
    let mut avg = vec![0u32; bw * bh];
    for by in 0..bh {
        let (y0, y1) = (by * BLOCK, ((by + 1) * BLOCK).min(h));
        for bx in 0..bw {
            let (x0, x1) = (bx * BLOCK, ((bx + 1) * BLOCK).min(w));
            let (mut sum, mut lo, mut hi) = (0u32, 255u8, 0u8);
            for y in y0..y1 {
                for &v in &data[y * w + x0..y * w + x1] {
                    let v = px(v);
                    sum += v as u32;
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
            let mut a = sum / ((y1 - y0) * (x1 - x0)) as u32;
            if hi - lo <= MIN_DYNAMIC_RANGE {
                a = lo as u32 / 2;
                if by > 0 && bx > 0 {
                    let n = (avg[(by - 1) * bw + bx]
                        + 2 * avg[by * bw + bx - 1]
                        + avg[(by - 1) * bw + bx - 1])
                        / 4;
                    if (lo as u32) < n {
                        a = n;
                    }
                }
            }
            avg[by * bw + bx] = a;
        }
    }
    let mut out = vec![false; w * h];
    for by in 0..bh {
        let (y0, y1) = (by * BLOCK, ((by + 1) * BLOCK).min(h));
        let (ya, yb) = (by.saturating_sub(2), (by + 2).min(bh - 1));
        for bx in 0..bw {
            let (x0, x1) = (bx * BLOCK, ((bx + 1) * BLOCK).min(w));
            let (xa, xb) = (bx.saturating_sub(2), (bx + 2).min(bw - 1));
            let mut sum = 0;
            for yy in ya..=yb {
                sum += avg[yy * bw + xa..=yy * bw + xb].iter().sum::<u32>();
            }
            let t = sum / ((yb - ya + 1) * (xb - xa + 1)) as u32;
            for y in y0..y1 {
                for x in x0..x1 {
                    out[y * w + x] = px(data[y * w + x]) as u32 <= t;
                }
            }
        }
    }
    out
}
