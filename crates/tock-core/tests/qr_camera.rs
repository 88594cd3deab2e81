//! Real Android camera frames (raw Y planes from Aegis's test suite, fixtures/aegis-camera-qr, see its
//! PROVENANCE.md), replayed through `ReplaySource` and decoded with `decode_frame`, stride and all.
use std::io::Read;
use std::path::Path;

use tock_core::qr::{self, FrameError, FrameSource, LumaFrame, OwnedFrame, ReplaySource};

const EXPECTED: &str =
    "otpauth://totp/neo4j:Charlotte?secret=B33WS2ALPT34K4BNY24AYROE4M&issuer=neo4j&algorithm=SHA1&digits=6&period=30";

fn plane(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/aegis-camera-qr")
        .join(name);
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap())
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn recorded() -> Vec<OwnedFrame> {
    let plain = plane("qr.y.gz");
    assert_eq!(plain.len(), 1600 * 1200);
    let strided = plane("qr.strided.y.gz");
    assert_eq!(
        strided.len(),
        1379 * 1856 + 1840,
        "the last row is not padded"
    );
    vec![
        OwnedFrame {
            width: 1600,
            height: 1200,
            stride: 1600,
            data: plain,
        },
        OwnedFrame {
            width: 1840,
            height: 1380,
            stride: 1856,
            data: strided,
        },
    ]
}

#[test]
fn replayed_frames_decode_with_their_stride() {
    let mut source = ReplaySource::new(recorded());
    let mut decoded = 0;
    while let Some(frame) = source.next_frame().unwrap() {
        let found = qr::decode_frame(frame.as_frame());
        let texts: Vec<&str> = found.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            [EXPECTED],
            "{}×{} stride {}",
            frame.width,
            frame.height,
            frame.stride
        );
        for &(x, y) in &found[0].bounds {
            assert!(
                (0.0..frame.width as f32).contains(&x) && (0.0..frame.height as f32).contains(&y)
            );
        }
        decoded += 1;
    }
    assert_eq!(decoded, 2);
    assert_eq!(source.next_frame().unwrap(), None, "the replay has ended");
}

#[test]
fn the_wrong_stride_finds_nothing() {
    let strided = recorded().pop().unwrap();
    // Read as if rows were packed (stride = width): every row slides 16 more pixels, shearing the code apart.
    let frame = LumaFrame::new(1840, 1380, 1840, &strided.data).unwrap();
    assert!(qr::decode_frame(frame).is_empty());
}

#[test]
fn frame_geometry_is_checked() {
    let data = vec![255u8; 100];
    assert!(LumaFrame::new(10, 10, 10, &data).is_ok());
    assert!(
        LumaFrame::new(10, 10, 12, &data).is_err(),
        "needs 9×12+10 bytes"
    );
    assert!(
        LumaFrame::new(10, 5, 12, &data[..58]).is_ok(),
        "the last row need not be padded"
    );
    assert_eq!(
        LumaFrame::new(12, 10, 10, &data).unwrap_err(),
        FrameError::BadGeometry {
            width: 12,
            height: 10,
            stride: 10,
            len: 100
        }
    );
    // A hand-built frame that lies about its size yields nothing rather than panicking.
    let liar = LumaFrame {
        width: 100,
        height: 100,
        stride: 100,
        data: &data,
    };
    assert!(qr::decode_frame(liar).is_empty());
    let empty = LumaFrame {
        width: 0,
        height: 0,
        stride: 0,
        data: &[],
    };
    assert!(qr::decode_frame(empty).is_empty());
}

#[test]
fn the_live_scanner_reads_the_recorded_frames() {
    // A live feed shows the same scene frame after frame: each recorded frame is repeated as a camera would.
    for frame in recorded() {
        let mut scanner = qr::FrameScanner::new();
        let read_at = (1..=qr::THOROUGH_EVERY).find(|_| {
            let found = scanner.scan(frame.as_frame());
            assert!(found.iter().all(|f| f.text == EXPECTED), "{found:?}");
            !found.is_empty()
        });
        eprintln!(
            "{}×{}: read at frame {read_at:?}",
            frame.width, frame.height
        );
        assert_eq!(
            read_at,
            Some(1),
            "{}×{}: the quick search reads a sharp phone screen at once",
            frame.width,
            frame.height
        );
    }
}

#[test]
fn the_live_scanner_finds_nothing_in_a_blank_or_malformed_frame() {
    let mut scanner = qr::FrameScanner::new();
    let blank = vec![128u8; 1280 * 720];
    for _ in 0..qr::THOROUGH_EVERY + 1 {
        assert!(scanner
            .scan(LumaFrame::new(1280, 720, 1280, &blank).unwrap())
            .is_empty());
    }
    let liar = LumaFrame {
        width: 1280,
        height: 720,
        stride: 1280,
        data: &blank[..1000],
    };
    assert!(scanner.scan(liar).is_empty());
}

#[test]
fn frames_shrink_for_a_preview_by_whole_factors() {
    // 6×2 pixels in rows of stride 8 (two bytes of padding per row, which must not leak in).
    let data = [
        10, 20, 30, 40, 50, 60, 255, 255, //
        30, 40, 50, 60, 70, 80, 255, 255,
    ];
    let frame = LumaFrame::new(6, 2, 8, &data).unwrap();
    let half = frame.shrink_to_width(3).unwrap();
    assert_eq!((half.width(), half.height()), (3, 1));
    assert_eq!(half.as_raw(), &[25, 45, 65]);
    let same = frame.shrink_to_width(6).unwrap();
    assert_eq!(
        same.as_raw(),
        &[10, 20, 30, 40, 50, 60, 30, 40, 50, 60, 70, 80]
    );
    // 6 pixels into at most 4: a factor of 2 (whole factors only).
    assert_eq!(frame.shrink_to_width(4).unwrap().width(), 3);
    // A real frame: 1840 wide becomes 613 (factor 3), the height follows.
    let strided = recorded().pop().unwrap();
    let small = strided.as_frame().shrink_to_width(640).unwrap();
    assert_eq!((small.width(), small.height()), (613, 460));
    assert!(LumaFrame::new(0, 0, 0, &[])
        .unwrap()
        .shrink_to_width(640)
        .is_none());
}
