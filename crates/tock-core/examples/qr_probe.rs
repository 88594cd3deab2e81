#[path = "../tests/qr_synth.rs"]
mod qr_synth;
use std::time::Instant;
fn main() {
    let uri = "otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
    let which = std::env::args().nth(1).unwrap_or("shot".into());
    let img = match which.as_str() {
        "shot" => qr_synth::screenshot_4k(uri, 120, 2900, 1500),
        "cam" => qr_synth::webcam_frame(uri, 1920, 1080, 3),
        "corners" => {
            let (n, _) = qr_synth::modules(uri);
            let side = ((n + 8) * 10) as u32;
            let mut img = image::GrayImage::from_pixel(side + 100, side + 100, image::Luma([255]));
            qr_synth::paste(&mut img, &qr_synth::render(uri, side), 50, 50);
            for f in tock_core::qr::decode_luma(&img) { println!("n={n} expect ({},{})..({},{}) got {:?}", 90, 90, 90 + n * 10, 90 + n * 10, f.bounds); }
            return;
        }
        "cam720" => qr_synth::webcam_frame(uri, 1280, 720, 3),
        p => { dump(p); return; }
    };
    for passes in ["1", "2", "4", "8", "15"] {
        unsafe { std::env::set_var("TOCK_QR_PASSES", passes) };
        let t = Instant::now();
        let f = tock_core::qr::decode_luma(&img);
        eprintln!("passes {passes}: {} found in {:?}", f.len(), t.elapsed());
    }
}
#[allow(dead_code)]
fn dump(p: &str) {
    let bytes = std::fs::read(p).unwrap();
    for f in tock_core::qr::decode_image_bytes(&bytes).unwrap() { println!("{:?} {:?}", f.text, f.bounds); }
}
