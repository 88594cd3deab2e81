//! QR decoding benchmark: decode rate and time per image on ZXing's black-box sets, next to zbar's `zbarimg`,
//! plus the time per synthetic webcam frame and per 4K screenshot. Prints Markdown.
//!
//! ```text
//! cargo run -p tock-core --release --example qr_bench [-- --no-zbar] [-- --verbose]
//! ```
//! `--verbose` prints each image's time and result to stderr; `--only TEXT` keeps the images whose path or row
//! label contains TEXT (`--only qrcode-5/`, `--only 3840`); `--repeat N` times each image N times and keeps the fastest (zbar still runs once).
//! zbarimg is run once per image (`zbarimg --raw -q -Sdisable -Sqrcode.enable FILE`, so its time includes
//! starting a process); its output is compared exactly with the expected text plus the newline zbarimg appends.
#[path = "../tests/qr_synth.rs"]
mod qr_synth;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use tock_core::qr;

const SETS: [&str; 6] = [
    "qrcode-1", "qrcode-2", "qrcode-3", "qrcode-4", "qrcode-5", "qrcode-6",
];

#[derive(Default)]
struct Tally {
    images: usize,
    ok: usize,
    wrong: usize,
    time: Duration,
}

fn cases(set: &Path) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(set)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "png").then_some(p)
        })
        .map(|p| {
            let expected = std::fs::read_to_string(p.with_extension("txt")).unwrap();
            (p, expected)
        })
        .collect();
    out.sort();
    out
}

fn zbar(path: &Path) -> (Option<String>, Duration) {
    let t = Instant::now();
    let out = Command::new("zbarimg")
        .args(["--raw", "-q", "-Sdisable", "-Sqrcode.enable"])
        .arg(path)
        .output();
    let elapsed = t.elapsed();
    match out {
        Ok(o) if o.status.success() => (
            Some(String::from_utf8_lossy(&o.stdout).into_owned()),
            elapsed,
        ),
        _ => (None, elapsed),
    }
}

fn as_frame(img: &image::GrayImage) -> qr::LumaFrame<'_> {
    qr::LumaFrame {
        width: img.width(),
        height: img.height(),
        stride: img.width() as usize,
        data: img.as_raw(),
    }
}

fn ms(d: Duration, n: usize) -> f64 {
    d.as_secs_f64() * 1000.0 / n.max(1) as f64
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let use_zbar = !args.iter().any(|a| a == "--no-zbar")
        && Command::new("zbarimg").arg("--version").output().is_ok();
    let verbose = args.iter().any(|a| a == "--verbose");
    // `--only qrcode-5/1`: only the images whose path (under the fixtures) contains this text.
    let only = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|i| args.get(i + 1))
        .cloned();
    // `--repeat N`: decode each image N times and count the fastest (steadier on a busy machine; zbar still once).
    let repeat: usize = args
        .iter()
        .position(|a| a == "--repeat")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zxing-qrcode");

    println!("### ZXing black-box QR sets (0°, exact text)\n");
    println!("| set | images | Tock decoded | Tock wrong | Tock ms/image | zbarimg decoded | zbarimg ms/image (incl. process start) |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let (mut total_t, mut total_z) = (Tally::default(), Tally::default());
    let mut wrong = Vec::new();
    for set in SETS {
        let (mut t, mut z) = (Tally::default(), Tally::default());
        for (path, expected) in cases(&root.join(set)) {
            let name = path.strip_prefix(&root).unwrap().display().to_string();
            if only.as_ref().is_some_and(|o| !name.contains(o.as_str())) {
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            let (mut found, mut elapsed) = (Vec::new(), Duration::MAX);
            for _ in 0..repeat.max(1) {
                let start = Instant::now();
                found = qr::decode_image_bytes(&bytes).unwrap_or_default();
                elapsed = elapsed.min(start.elapsed());
            }
            t.time += elapsed;
            t.images += 1;
            let hit = found.iter().any(|f| f.text == expected);
            if hit {
                t.ok += 1;
            } else if !found.is_empty() {
                t.wrong += 1;
                wrong.push(name.clone());
            }
            let mut zhit = None;
            if use_zbar {
                let (text, d) = zbar(&path);
                z.time += d;
                z.images += 1;
                let h = text.as_deref() == Some(&format!("{expected}\n"));
                if h {
                    z.ok += 1;
                } else if text.is_some() {
                    z.wrong += 1;
                }
                zhit = Some(h);
            }
            if verbose {
                let got: Vec<_> = found
                    .iter()
                    .map(|f| f.text.chars().take(40).collect::<String>())
                    .collect();
                eprintln!(
                    "{name}: {:.1} ms tock {} zbar {:?} got {got:?}",
                    ms(elapsed, 1),
                    if hit { "ok" } else { "MISS" },
                    zhit
                );
            }
        }
        let zcol = if use_zbar {
            (
                format!("{}/{}", z.ok, z.images),
                format!("{:.1}", ms(z.time, z.images)),
            )
        } else {
            ("–".into(), "–".into())
        };
        println!(
            "| {set} | {} | {}/{} | {} | {:.1} | {} | {} |",
            t.images,
            t.ok,
            t.images,
            t.wrong,
            ms(t.time, t.images),
            zcol.0,
            zcol.1
        );
        for (acc, x) in [(&mut total_t, &t), (&mut total_z, &z)] {
            acc.images += x.images;
            acc.ok += x.ok;
            acc.wrong += x.wrong;
            acc.time += x.time;
        }
    }
    let zcol = if use_zbar {
        (
            format!("{}/{}", total_z.ok, total_z.images),
            format!("{:.1}", ms(total_z.time, total_z.images)),
        )
    } else {
        ("–".into(), "–".into())
    };
    println!(
        "| **all** | {} | **{}/{}** | {} | {:.1} | {} | {} |",
        total_t.images,
        total_t.ok,
        total_t.images,
        total_t.wrong,
        ms(total_t.time, total_t.images),
        zcol.0,
        zcol.1
    );

    if !wrong.is_empty() {
        println!(
            "\nTock's different readings: {} (qrcode-2/13 reads \"photography\" where the .txt says \"photograph\"; \
             see tests/qr_zxing.rs)",
            wrong.join(", ")
        );
    }

    const URI: &str =
        "otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
    println!("\n### Synthetic images (median time of several runs)\n");
    println!("| image | found | ms/image |");
    println!("| --- | :---: | ---: |");
    // Runs `decode` `runs` times; prints the median time and whether every run found the code.
    let skip = |label: &str| only.as_ref().is_some_and(|o| !label.contains(o.as_str()));
    let time = |label: &str, runs: usize, decode: &mut dyn FnMut() -> Vec<qr::Found>| {
        if skip(label) {
            return;
        }
        let mut ok = true;
        let mut times: Vec<Duration> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                let found = decode();
                let elapsed = start.elapsed();
                ok &= found.iter().any(|f| f.text == URI);
                elapsed
            })
            .collect();
        times.sort();
        println!(
            "| {label} | {} | {:.1} |",
            if ok { "yes" } else { "no" },
            ms(times[times.len() / 2], 1)
        );
    };
    for (w, h) in [(1280, 720), (1920, 1080)] {
        let frame = qr_synth::webcam_frame(URI, w, h, 3);
        let empty = image::GrayImage::from_fn(w, h, |x, y| {
            image::Luma([(60 + (x * 7 + y * 3) % 90) as u8])
        });
        time(
            &format!(
                "webcam frame {w}×{h}, code (tilted phone, blur, noise, glare): `FrameScanner`"
            ),
            15,
            &mut || qr::FrameScanner::new().scan(as_frame(&frame)),
        );
        time(
            &format!("webcam frame {w}×{h}, code: `decode_frame` (thorough)"),
            7,
            &mut || qr::decode_frame(as_frame(&frame)),
        );
        // A live feed with nothing in view: the quick search on every frame, the thorough one every
        // THOROUGH_EVERY frames. Mean over a run of frames, so the thorough ones count.
        let n = 3 * qr::THOROUGH_EVERY as usize;
        let label =
            format!("webcam frame {w}×{h}, no code: `FrameScanner`, mean of {n} frames in a row");
        if !skip(&label) {
            let mut scanner = qr::FrameScanner::new();
            let start = Instant::now();
            let none = (0..n).all(|_| scanner.scan(as_frame(&empty)).is_empty());
            println!(
                "| {label} | {} | {:.1} |",
                if none { "no" } else { "yes (wrong)" },
                ms(start.elapsed(), n)
            );
        }
        time(
            &format!("webcam frame {w}×{h}, no code: `decode_frame` (thorough)"),
            5,
            &mut || {
                let found = qr::decode_frame(as_frame(&empty));
                assert!(found.is_empty());
                found
            },
        );
    }
    let shot = qr_synth::screenshot_4k(URI, 120, 2900, 1500);
    time(
        "3840×2160 screenshot, one 120-px code (2.5 px/module): `decode_luma`",
        7,
        &mut || qr::decode_luma(&shot),
    );
    let png = qr_synth::png(&shot);
    time(
        "same screenshot as a PNG file (`decode_image_bytes`, incl. PNG decoding)",
        5,
        &mut || qr::decode_image_bytes(&png).unwrap_or_default(),
    );
}
