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
