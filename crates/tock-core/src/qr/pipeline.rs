//! The search: binarise a grey image several ways, at several scales, and let rqrr find and decode grids.
//!
//! 1. Inputs above [`WORK_PIXELS`] (4096×4096) are halved until they fit: bounded cost for huge photos.
//! 2. Pyramid levels, full resolution first, then halved again and again down to [`MIN_LEVEL_SIDE`]. The search
//!    stops after the first level that finds anything (for a phone photo, full resolution usually does; a big
//!    blurred code is found once it is small enough).
//! 3. Each level is binarised with a block-mean adaptive threshold (8-pixel blocks, 5×5-block window, flat blocks
//!    read as background: ZXing's "hybrid" binariser), as is its inverse (light-on-dark codes), and finder
//!    patterns are looked for in both bitmaps (see `finder.rs`): plausible groups of three give rectangles.
//!    - A level up to [`FULL_SEARCH_PIXELS`] (≈1280×1024) is searched whole by rqrr, cheapest and likeliest first:
//!      with rqrr's own thresholding (a running row average, computed here without its divisions), on the bitmap,
//!      and on the inverted bitmap. Once a code is read, the next passes run only while some group of finder
//!      patterns is not accounted for by a code read (a failed or repeated grid of a large version costs rqrr tens
//!      of milliseconds).
//!    - The rectangles around groups of finder patterns are cropped, enlarged 2–3× when modules are under 4
//!      pixels, and searched by rqrr. This is what reads a 120-pixel code on a 4K screenshot (2–3 pixels per
//!      module), and it is the only search on levels larger than [`FULL_SEARCH_PIXELS`], because rqrr's
//!      whole-image search becomes very slow on large busy images (it copies the image for every candidate group).
//!      On a level already searched whole, this step runs only if nothing was found, and only for small modules.
//! 4. An image no larger than [`SMALL_SIDE`] (640 pixels) is also searched enlarged 2× (thumbnails, tightly cropped
//!    codes, very dense codes: +8 images of ZXing's test sets), right after full resolution and before the halved
//!    levels. When every group of finder patterns has modules under [`TINY_MODULE`] pixels (a dense code in a tight
//!    crop), which rqrr cannot read, the enlarged image comes first.
//!
//! Live camera frames get [`quick_search`] instead (see `frame.rs`'s `FrameScanner`): one level, step 3's region
//! search only, and the thorough search above only now and then.
//!
//! rqrr is the workspace's vendored copy of 0.11.0 (`crates/rqrr`, see its `PROVENANCE.md`): the same results,
//! but each grid's perspective is fitted once instead of twice, and Reed–Solomon syndromes no longer cost a `pow`
//! per term.
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
/// Finder patterns with modules under this many pixels: too small for rqrr, a small image is enlarged first.
const TINY_MODULE: f32 = 1.5;
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
    // Small images (a cropped code, a thumbnail) are also tried enlarged, right after full resolution (before
    // the halved levels): rqrr reads more with more pixels per module.
    let mut try_enlarged = img.width().max(img.height()) <= SMALL_SIDE;
    let enlarged = |found: &mut Vec<Found>| {
        let big = enlarge(img, 2);
        search_level(&big, &analyse(&big), 0.5, found);
    };
    let mut analysis = analyse(&level);
    // Modules of about one pixel (a dense code in a tight crop) defeat rqrr, and each failed grid of a large
    // version costs tens of milliseconds: then the enlarged image comes first.
    if try_enlarged && analysis.modules_under(TINY_MODULE) {
        try_enlarged = false;
        enlarged(&mut found);
    }
    while found.is_empty() {
        search_level(&level, &analysis, scale, &mut found);
        if try_enlarged && found.is_empty() {
            try_enlarged = false;
            enlarged(&mut found);
        }
        if !found.is_empty() || level.width().min(level.height()) / 2 < MIN_LEVEL_SIDE {
            break;
        }
        level = Cow::Owned(halve(&level));
        scale *= 2.0;
        analysis = analyse(&level);
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

/// A level's block thresholds (plain and inverted, see [`binarize_blocks`]) and the regions around its groups of
/// finder patterns in either (`true` = found in the inverted one).
struct Analysis {
    bitmaps: [Vec<bool>; 2],
    regions: Vec<(bool, finder::Region)>,
}

impl Analysis {
    /// There are groups of finder patterns, and all have modules under `px` pixels.
    fn modules_under(&self, px: f32) -> bool {
        !self.regions.is_empty() && self.regions.iter().all(|(_, r)| r.module < px)
    }
}

fn analyse(level: &GrayImage) -> Analysis {
    let (w, h) = (level.width() as usize, level.height() as usize);
    let data = level.as_raw();
    let bitmaps = [
        binarize_blocks(data, w, h, false),
        binarize_blocks(data, w, h, true),
    ];
    let regions = bitmaps
        .iter()
        .zip([false, true])
        .flat_map(|(bits, inverted)| {
            let patterns = finder::find_patterns(bits, w, h, 1);
            finder::propose_regions(&patterns, w, h)
                .into_iter()
                .map(move |r| (inverted, r))
        })
        .collect();
    Analysis { bitmaps, regions }
}

/// Searches one pyramid level, analysed by [`analyse`]; `scale` maps level pixels to input pixels.
fn search_level(level: &GrayImage, analysis: &Analysis, scale: f32, found: &mut Vec<Found>) {
    let (w, h) = (level.width() as usize, level.height() as usize);
    let Analysis { bitmaps, regions } = analysis;
    let searched_whole = (w * h) as u64 <= FULL_SEARCH_PIXELS;
    if searched_whole {
        let tf = Transform {
            scale,
            dx: 0.0,
            dy: 0.0,
        };
        // Cheapest first. Once something was read, the next passes can only add other codes: stop when every
        // group of finder patterns is accounted for (each rqrr pass on a dense code costs tens of milliseconds).
        let done = |found: &[Found]| {
            !found.is_empty() && regions.iter().all(|(_, r)| covered(found, r, scale))
        };
        detect_in_grey(level, tf, found);
        for bits in bitmaps {
            if done(found) {
                return;
            }
            detect_in_bitmap(level, bits, tf, found);
        }
        if !found.is_empty() {
            return;
        }
    }
    for &(inverted, r) in regions {
        // A level searched whole only gains from regions worth enlarging.
        if searched_whole && r.module >= 4.0 {
            continue;
        }
        if !covered(found, &r, scale) {
            search_region(level, r, inverted, scale, found);
        }
    }
}

/// Whether region `r` (level pixels; `scale` maps them to input pixels) is around a code already read: it holds
/// that code's centre, or its own centre is inside that code (a group mixing that code's finder patterns with a
/// stray one).
fn covered(found: &[Found], r: &finder::Region, scale: f32) -> bool {
    found.iter().any(|f| {
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
        ((r.x0 as f32..r.x1 as f32).contains(&lx) && (r.y0 as f32..r.y1 as f32).contains(&ly))
            || ((fx0..fx1).contains(&rx) && (fy0..fy1).contains(&ry))
    })
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
    let crop = if up > 1 { enlarge(&crop, up) } else { crop };
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

/// rqrr's own thresholding (a running row average, see [`rqrr_threshold`]), detection and decoding.
fn detect_in_grey(img: &GrayImage, tf: Transform, found: &mut Vec<Found>) {
    let bits = rqrr_threshold(img);
    detect_in_bitmap(img, &bits, tf, found);
}

/// The bitmap `PreparedImage::prepare_from_greyscale` of rqrr 0.11 makes (`true` = dark), bit for bit, without its
/// three integer divisions per pixel: each row is averaged with a running mean of 1/8 of the width, from both
/// ends, and the mean carries over from row to row.
fn rqrr_threshold(img: &GrayImage) -> Vec<bool> {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let data = img.as_raw();
    let s = (w / 8).max(1) as u64;
    let (by_s, by_200s) = (ExactDiv::new(s), ExactDiv::new(200 * s));
    let mut row_average = vec![0u64; w];
    let (mut avg_v, mut avg_u) = (0u64, 0u64);
    let mut out = vec![false; w * h];
    for y in 0..h {
        let row = &data[y * w..(y + 1) * w];
        row_average.fill(0);
        for x in 0..w {
            let (v, u) = if y % 2 == 0 {
                (w - 1 - x, x)
            } else {
                (x, w - 1 - x)
            };
            avg_v = by_s.div(avg_v * (s - 1)) + row[v] as u64;
            avg_u = by_s.div(avg_u * (s - 1)) + row[u] as u64;
            row_average[v] += avg_v;
            row_average[u] += avg_u;
        }
        for ((o, &p), &a) in out[y * w..(y + 1) * w]
            .iter_mut()
            .zip(row)
            .zip(&row_average)
        {
            *o = (p as u64) < by_200s.div(a * 95);
        }
    }
    out
}

/// `n / d` rounded down, by a multiplication: exact for every `n < 2^32` (with `e = m·d − 2^64 ≤ d`, the error
/// `n·e / (d·2^64)` stays under `1/d`). rqrr's running means stay under `2^32` for widths below 32768, and
/// [`super::MAX_IMAGE_SIDE`] is 16384 (enlarged images are at most 1280 wide).
#[derive(Clone, Copy)]
struct ExactDiv {
    m: u128,
}

impl ExactDiv {
    fn new(d: u64) -> Self {
        ExactDiv {
            m: (1u128 << 64) / d as u128 + 1,
        }
    }

    fn div(self, n: u64) -> u64 {
        debug_assert!(n < 1 << 32);
        ((n as u128 * self.m) >> 64) as u64
    }
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

/// Decodes a grid as it is, then mirrored — unless its format information reads better as it is, as it does for
/// an ordinary code too damaged to decode (the mirrored attempt would cost a second Reed–Solomon decoding).
fn decode_grid<G: BitGrid>(grid: &G) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    if rqrr::Grid::new(AsIs(grid)).decode_to(&mut out).is_ok() {
        return Some(out);
    }
    if format_distance(&Mirrored(grid)) > format_distance(&AsIs(grid)) {
        return None;
    }
    out.clear();
    rqrr::Grid::new(Mirrored(grid))
        .decode_to(&mut out)
        .ok()
        .map(|_| out)
}

/// How many bits of the grid's format information must flip to make it valid: the fewer of its two copies, read
/// where rqrr 0.11 reads them (`decode::read_format`). A valid format word is 5 data bits and their BCH(15,5)
/// remainder (generator 0x537), masked with 0x5412.
fn format_distance<G: BitGrid>(grid: &G) -> u32 {
    const XS: [usize; 15] = [8, 8, 8, 8, 8, 8, 8, 8, 7, 5, 4, 3, 2, 1, 0];
    const YS: [usize; 15] = [0, 1, 2, 3, 4, 5, 7, 8, 8, 8, 8, 8, 8, 8, 8];
    let n = grid.size();
    if n < 21 {
        return 0;
    }
    let first = (0..15)
        .rev()
        .fold(0u16, |f, i| (f << 1) | grid.bit(YS[i], XS[i]) as u16);
    let second = (0..7)
        .map(|i| grid.bit(n - 1 - i, 8))
        .chain((0..8).map(|i| grid.bit(8, n - 8 + i)))
        .fold(0u16, |f, b| (f << 1) | b as u16);
    (0..32u16)
        .map(|d| {
            let mut rem = d << 10;
            for bit in (10..15).rev() {
                if rem & (1 << bit) != 0 {
                    rem ^= 0x537 << (bit - 10);
                }
            }
            ((d << 10) | rem) ^ 0x5412
        })
        .map(|word| {
            (first ^ word)
                .count_ones()
                .min((second ^ word).count_ones())
        })
        .min()
        .unwrap_or(0)
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

/// `img` enlarged `k` times by bilinear interpolation, pixel centres aligned and edges repeated: the same as
/// `image::imageops::resize` with `FilterType::Triangle` for a whole factor (up to rounding), several times faster.
fn enlarge(img: &GrayImage, k: u32) -> GrayImage {
    let (w, h) = (img.width() as usize, img.height() as usize);
    let k = k as usize;
    let d = 2 * k as u32;
    // Output coordinate o samples the input at (2o + 1 - k) / 2k: between pixels i and i + 1 (clamped), with
    // weights (d - f, f) out of d.
    let taps = |n: usize| -> Vec<(usize, usize, u32)> {
        (0..n * k)
            .map(|o| {
                let num = (2 * o + 1) as isize - k as isize;
                let i = num.div_euclid(d as isize);
                let f = num.rem_euclid(d as isize) as u32;
                let clamp = |j: isize| j.clamp(0, n as isize - 1) as usize;
                (clamp(i), clamp(i + 1), f)
            })
            .collect()
    };
    let (tx, ty) = (taps(w), taps(h));
    let src = img.as_raw();
    // Rows enlarged horizontally (values times d), then columns.
    let rows: Vec<u32> = (0..h)
        .flat_map(|y| {
            let row = &src[y * w..(y + 1) * w];
            tx.iter()
                .map(move |&(a, b, f)| row[a] as u32 * (d - f) + row[b] as u32 * f)
        })
        .collect();
    let ow = w * k;
    let mut out = Vec::with_capacity(ow * h * k);
    for &(a, b, f) in &ty {
        let (ra, rb) = (&rows[a * ow..(a + 1) * ow], &rows[b * ow..(b + 1) * ow]);
        out.extend(
            ra.iter()
                .zip(rb)
                .map(|(&va, &vb)| ((va * (d - f) + vb * f + d * d / 2) / (d * d)) as u8),
        );
    }
    GrayImage::from_raw((w * k) as u32, (h * k) as u32, out).expect("sizes match")
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
                let (row, bits) = (
                    &data[y * w + x0..y * w + x1],
                    &mut out[y * w + x0..y * w + x1],
                );
                for (o, &v) in bits.iter_mut().zip(row) {
                    *o = px(v) as u32 <= t;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rqrr 0.11's `PreparedImage::prepare`, as written there.
    fn rqrr_reference(img: &GrayImage) -> Vec<bool> {
        let (w, h) = (img.width() as usize, img.height() as usize);
        let mut row_average = vec![0usize; w];
        let (mut avg_v, mut avg_u) = (0usize, 0usize);
        let threshold_s = std::cmp::max(w / 8, 1);
        let mut out = vec![false; w * h];
        for y in 0..h {
            row_average.fill(0);
            for x in 0..w {
                let (v, u) = if y % 2 == 0 {
                    (w - 1 - x, x)
                } else {
                    (x, w - 1 - x)
                };
                avg_v = avg_v * (threshold_s - 1) / threshold_s
                    + img.get_pixel(v as u32, y as u32).0[0] as usize;
                avg_u = avg_u * (threshold_s - 1) / threshold_s
                    + img.get_pixel(u as u32, y as u32).0[0] as usize;
                row_average[v] += avg_v;
                row_average[u] += avg_u;
            }
            for x in 0..w {
                out[y * w + x] = (img.get_pixel(x as u32, y as u32).0[0] as usize)
                    < row_average[x] * (100 - 5) / (200 * threshold_s);
            }
        }
        out
    }

    #[test]
    fn rqrr_threshold_is_rqrrs() {
        for (w, h) in [(1, 1), (7, 3), (64, 40), (333, 97), (1280, 24), (16384, 2)] {
            let img = GrayImage::from_fn(w, h, |x, y| {
                let v = x.wrapping_mul(2654435761u32.wrapping_mul(y + 1)) >> 7;
                image::Luma([if (x / 5 + y / 3) % 3 == 0 {
                    255
                } else {
                    (v % 256) as u8
                }])
            });
            assert!(rqrr_threshold(&img) == rqrr_reference(&img), "{w}×{h}");
        }
        for d in [1u64, 2, 3, 7, 8, 200, 1000, 2048, 409_600] {
            let div = ExactDiv::new(d);
            for n in [
                0u64,
                1,
                d - 1,
                d,
                d + 1,
                12_345_678,
                (1 << 32) - 1,
                (1 << 32) - 1 - ((1 << 32) - 1) % d,
            ] {
                assert_eq!(div.div(n), n / d, "{n} / {d}");
            }
        }
    }

    /// A QR code's modules as a grid, transposed when `mirrored`.
    struct Code(Vec<bool>, usize, bool);

    impl BitGrid for Code {
        fn size(&self) -> usize {
            self.1
        }
        fn bit(&self, y: usize, x: usize) -> bool {
            let (y, x) = if self.2 { (x, y) } else { (y, x) };
            self.0[y * self.1 + x]
        }
    }

    #[test]
    fn mirrored_codes_are_told_by_their_format_information() {
        for (i, text) in [
            "TOCK",
            "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP",
            &"x".repeat(300),
        ]
        .into_iter()
        .enumerate()
        {
            for ec in [
                qrcode::EcLevel::L,
                qrcode::EcLevel::M,
                qrcode::EcLevel::Q,
                qrcode::EcLevel::H,
            ] {
                let code =
                    qrcode::QrCode::with_error_correction_level(text.as_bytes(), ec).unwrap();
                let n = code.width();
                let dark: Vec<bool> = code
                    .to_colors()
                    .iter()
                    .map(|c| *c == qrcode::Color::Dark)
                    .collect();
                let (plain, mirrored) = (Code(dark.clone(), n, false), Code(dark, n, true));
                assert_eq!(format_distance(&plain), 0, "code {i}, {ec:?}");
                assert_eq!(decode_grid(&plain).unwrap(), text.as_bytes());
                assert_eq!(decode_grid(&mirrored).unwrap(), text.as_bytes());
            }
        }
    }

    #[test]
    fn enlarge_matches_a_triangle_resize() {
        let img = GrayImage::from_fn(37, 23, |x, y| {
            image::Luma([((x * 97 + y * 57 + x * y * 13) % 256) as u8])
        });
        for k in [2, 3] {
            let ours = enlarge(&img, k);
            let theirs = image::imageops::resize(
                &img,
                37 * k,
                23 * k,
                image::imageops::FilterType::Triangle,
            );
            assert_eq!(ours.dimensions(), theirs.dimensions());
            let worst = ours
                .as_raw()
                .iter()
                .zip(theirs.as_raw())
                .map(|(&a, &b)| a.abs_diff(b))
                .max();
            assert!(worst <= Some(1), "k = {k}: differs by {worst:?}");
        }
    }
}
