//! Cheap region proposals for large images: find QR finder patterns (the three "eyes") in a bitmap, group them
//! in threes that look like one code, and return the rectangles worth a full rqrr search.
//!
//! rqrr's own detector slows down badly on large, busy images (it copies the whole image for every candidate
//! group of finder patterns), so large pyramid levels are searched only inside these rectangles, which keeps the
//! cost bounded: one linear scan, at most [`MAX_FINDERS`] patterns and [`MAX_REGIONS`] rectangles.
//!
//! The scan follows ZXing's finder-pattern finder: along rows, dark/light/dark/light/dark runs in the ratio
//! 1:1:3:1:1, confirmed by the same ratio vertically and again horizontally through the centre found.

/// At most this many distinct finder patterns are kept per bitmap (the ones seen on most rows win).
pub const MAX_FINDERS: usize = 48;
/// At most this many rectangles are proposed per bitmap.
pub const MAX_REGIONS: usize = 6;
/// Distinct candidates tracked while scanning (bounded so that noise cannot make merging quadratic-slow).
const MAX_CANDIDATES: usize = 512;

/// A finder pattern: its centre and module size in pixels, and how many scan rows confirmed it.
#[derive(Clone, Copy, Debug)]
pub struct FinderPattern {
    pub x: f32,
    pub y: f32,
    pub module: f32,
    pub hits: u32,
}

/// A rectangle of the bitmap (pixels, end exclusive) and the module size of the code expected in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Region {
    pub x0: u32,
    pub y0: u32,
    pub x1: u32,
    pub y1: u32,
    pub module: f32,
}

/// A borrowed bitmap, `true` = dark.
struct Bits<'a> {
    bits: &'a [bool],
    w: usize,
    h: usize,
}

impl Bits<'_> {
    fn dark(&self, x: usize, y: usize) -> bool {
        self.bits[y * self.w + x]
    }
}

fn ratio_ok(c: &[usize; 5]) -> bool {
    let total: usize = c.iter().sum();
    if total < 7 || c.contains(&0) {
        return false;
    }
    let m = total as f32 / 7.0;
    let v = m / 2.0;
    let off = |n: usize, k: f32| (n as f32 - k * m).abs() < k * v;
    off(c[0], 1.0) && off(c[1], 1.0) && off(c[2], 3.0) && off(c[3], 1.0) && off(c[4], 1.0)
}

/// Runs through (`x`, `y`) along one axis (`vertical` or not): returns the centre coordinate on that axis and the
/// pattern's total length, if the 1:1:3:1:1 ratio holds there.
fn cross_check(
    b: &Bits<'_>,
    x: usize,
    y: usize,
    vertical: bool,
    max: usize,
    expected_total: usize,
) -> Option<(f32, usize)> {
    let (len, pos) = if vertical { (b.h, y) } else { (b.w, x) };
    let at = |i: usize| if vertical { b.dark(x, i) } else { b.dark(i, y) };
    let mut c = [0usize; 5];
    // Backwards from the centre: stone, light ring, dark ring.
    let mut i = pos as isize;
    for (state, want_dark) in [(2usize, true), (1, false), (0, true)] {
        while i >= 0 && at(i as usize) == want_dark && (state == 2 || c[state] <= max) {
            c[state] += 1;
            i -= 1;
        }
        if (state != 0 && i < 0) || (state != 2 && c[state] > max) {
            return None;
        }
    }
    // Forwards.
    let mut i = pos + 1;
    for (state, want_dark) in [(2usize, true), (3, false), (4, true)] {
        while i < len && at(i) == want_dark && (state == 2 || c[state] <= max) {
            c[state] += 1;
            i += 1;
        }
        if (state != 4 && i >= len) || (state != 2 && c[state] > max) {
            return None;
        }
    }
    let total: usize = c.iter().sum();
    if 5 * total.abs_diff(expected_total) >= 2 * expected_total || !ratio_ok(&c) {
        return None;
    }
    Some((
        i as f32 - c[4] as f32 - c[3] as f32 - c[2] as f32 / 2.0,
        total,
    ))
}

/// Finds finder patterns on every `step`-th row, strongest (most confirmed) first.
pub fn find_patterns(bits: &[bool], w: usize, h: usize, step: usize) -> Vec<FinderPattern> {
    let b = Bits { bits, w, h };
    let mut found: Vec<FinderPattern> = Vec::new();
    let check = |c: &[usize; 5], end: usize, y: usize, found: &mut Vec<FinderPattern>| {
        if !ratio_ok(c) {
            return false;
        }
        let total: usize = c.iter().sum();
        let cx = (end - c[4] - c[3]) as f32 - c[2] as f32 / 2.0;
        let Some((cy, vtotal)) = cross_check(&b, cx as usize, y, true, c[2], total) else {
            return false;
        };
        let Some((cx, htotal)) = cross_check(&b, cx as usize, cy as usize, false, c[2], total)
        else {
            return false;
        };
        let module = (vtotal + htotal) as f32 / 14.0;
        if let Some(f) = found.iter_mut().find(|f| {
            (f.x - cx).abs() <= f.module.max(1.0)
                && (f.y - cy).abs() <= f.module.max(1.0)
                && ((f.module - module).abs() <= 1.0 || (f.module - module).abs() <= f.module)
        }) {
            let n = f.hits as f32;
            f.x = (f.x * n + cx) / (n + 1.0);
            f.y = (f.y * n + cy) / (n + 1.0);
            f.module = (f.module * n + module) / (n + 1.0);
            f.hits += 1;
        } else if found.len() < MAX_CANDIDATES {
            found.push(FinderPattern {
                x: cx,
                y: cy,
                module,
                hits: 1,
            });
        }
        true
    };
    for y in (0..h).step_by(step.max(1)) {
        let mut c = [0usize; 5];
        let mut state = 0;
        for x in 0..w {
            if b.dark(x, y) {
                if state & 1 == 1 {
                    state += 1;
                }
                c[state] += 1;
            } else if state & 1 == 1 {
                c[state] += 1;
            } else if state == 4 {
                if check(&c, x, y, &mut found) {
                    c = [0; 5];
                    state = 0;
                } else {
                    c = [c[2], c[3], c[4], 1, 0];
                    state = 3;
                }
            } else {
                state += 1;
                c[state] += 1;
            }
        }
        if state == 4 {
            check(&c, w, y, &mut found);
        }
    }
    // A real pattern is crossed by several rows (its centre is three modules tall, so at least three rows for a
    // readable module size); one or two hits are usually noise.
    found.retain(|f| f.hits >= 3);
    found.sort_by_key(|f| std::cmp::Reverse(f.hits));
    found.truncate(MAX_FINDERS);
    found
}

fn dist(a: &FinderPattern, b: &FinderPattern) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Groups patterns in threes that could be one code's corners and returns the rectangles around them
/// (best-looking first, overlapping ones dropped), within a `w`×`h` bitmap.
pub fn propose_regions(patterns: &[FinderPattern], w: usize, h: usize) -> Vec<Region> {
    let n = patterns.len();
    let mut groups: Vec<(f32, Region)> = Vec::new();
    for i in 0..n {
        for j in i + 1..n {
            for k in j + 1..n {
                let p = [patterns[i], patterns[j], patterns[k]];
                let (mmin, mmax) = p.iter().fold((f32::MAX, 0.0f32), |(a, b), f| {
                    (a.min(f.module), b.max(f.module))
                });
                if mmax > 1.7 * mmin {
                    continue;
                }
                // The corner is opposite the longest side.
                let sides = [dist(&p[1], &p[2]), dist(&p[0], &p[2]), dist(&p[0], &p[1])];
                let corner = (0..3)
                    .max_by(|&a, &b| sides[a].total_cmp(&sides[b]))
                    .unwrap();
                let (b1, b2) = ((corner + 1) % 3, (corner + 2) % 3);
                let (leg1, leg2, hyp) = (sides[b2], sides[b1], sides[corner]);
                let module = (p[0].module + p[1].module + p[2].module) / 3.0;
                let (lmin, lmax) = (leg1.min(leg2), leg1.max(leg2));
                let ratio = hyp / ((leg1 + leg2) / 2.0);
                if lmax > 1.7 * lmin
                    || !(1.15..=1.7).contains(&ratio)
                    || lmin < 9.0 * module
                    || lmax > 200.0 * module
                {
                    continue;
                }
                let a = p[corner];
                let (b, c) = (p[b1], p[b2]);
                let d = (b.x + c.x - a.x, b.y + c.y - a.y);
                let xs = [a.x, b.x, c.x, d.0];
                let ys = [a.y, b.y, c.y, d.1];
                let margin = 8.0 * module + 0.1 * lmax;
                let x0 = (xs.iter().cloned().fold(f32::MAX, f32::min) - margin).max(0.0);
                let y0 = (ys.iter().cloned().fold(f32::MAX, f32::min) - margin).max(0.0);
                let x1 = (xs.iter().cloned().fold(f32::MIN, f32::max) + margin).min(w as f32);
                let y1 = (ys.iter().cloned().fold(f32::MIN, f32::max) + margin).min(h as f32);
                if x1 <= x0 + 8.0 || y1 <= y0 + 8.0 {
                    continue;
                }
                let score = (p[0].hits + p[1].hits + p[2].hits) as f32
                    * (2.0 - (ratio - std::f32::consts::SQRT_2).abs());
                let region = Region {
                    x0: x0 as u32,
                    y0: y0 as u32,
                    x1: x1.ceil() as u32,
                    y1: y1.ceil() as u32,
                    module,
                };
                groups.push((score, region));
            }
        }
    }
    groups.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut out: Vec<Region> = Vec::new();
    for (_, r) in groups {
        let covered = out.iter().any(|o| {
            let ix = r.x1.min(o.x1).saturating_sub(r.x0.max(o.x0)) as u64;
            let iy = r.y1.min(o.y1).saturating_sub(r.y0.max(o.y0)) as u64;
            let area = ((r.x1 - r.x0) as u64 * (r.y1 - r.y0) as u64).max(1);
            ix * iy * 10 >= area * 8
        });
        if !covered {
            out.push(r);
            if out.len() == MAX_REGIONS {
                break;
            }
        }
    }
    out
}
