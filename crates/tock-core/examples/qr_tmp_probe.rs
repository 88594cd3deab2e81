#[path = "../tests/qr_synth.rs"]
mod qr_synth;
fn main() {
    let uri = "otpauth://totp/ACME%20Co:john.doe@example.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co";
    let img = qr_synth::webcam_frame(uri, 1920, 1080, 3);
    let t = std::time::Instant::now();
    let f = tock_core::qr::decode_luma(&img);
    eprintln!("{} in {:?}", f.len(), t.elapsed());
}
