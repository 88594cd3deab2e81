//! RFC 4226 (HOTP) and RFC 6238 (TOTP) reference vectors, read from `tests/fixtures/rfc-vectors/vectors.json`
//! (copied from the shared corpus; see its PROVENANCE.md).
use serde_json::Value;
use tock_core::otp::{self, Algorithm, OtpKind, OtpParams};
use tock_core::Secret;

fn vectors() -> Value {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/rfc-vectors/vectors.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("vectors.json is JSON")
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("missing string {key} in {v}"))
}

fn u64_of(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("missing number {key} in {v}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The seed, checked to be the same key in ASCII, hex and base32.
fn seed(v: &Value) -> Secret {
    let ascii_key = if v.get("secret_ascii").is_some() {
        "secret_ascii"
    } else {
        "ascii"
    };
    let base32_key = if v.get("secret_base32").is_some() {
        "secret_base32"
    } else {
        "base32"
    };
    let hex_key = if v.get("secret_hex").is_some() {
        "secret_hex"
    } else {
        "hex"
    };
    let secret = Secret::from_base32(str_of(v, base32_key)).expect("the seed is base32");
    assert_eq!(secret.as_bytes(), str_of(v, ascii_key).as_bytes());
    assert_eq!(hex(secret.as_bytes()), str_of(v, hex_key));
    secret
}

#[test]
fn hotp_rfc4226_appendix_d() {
    let all = vectors();
    let hotp = &all["hotp"];
    let secret = seed(hotp);
    let digits = u64_of(hotp, "digits") as u8;
    assert_eq!((str_of(hotp, "algorithm"), digits), ("SHA1", 6));
    let list = hotp["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 10, "counters 0-9");
    for v in list {
        let counter = u64_of(v, "counter");
        let expected = str_of(v, "otp");
        assert_eq!(
            otp::hotp(&secret, Algorithm::Sha1, digits, counter),
            expected,
            "counter {counter}"
        );

        let params = OtpParams {
            kind: OtpKind::Hotp { counter },
            algorithm: Algorithm::Sha1,
            digits,
        };
        let code = otp::code_at(&secret, &params, 1_700_000_000);
        assert_eq!(
            (code.code.as_str(), code.valid_from, code.valid_until),
            (expected, None, None),
            "counter {counter}"
        );

        // Every length the import policy allows is the truncated value modulo 10^digits, zero-padded.
        let truncated = u64_of(v, "truncated_dec");
        for digits in 4..=10u8 {
            let want = format!(
                "{:0width$}",
                truncated % 10u64.pow(digits.into()),
                width = usize::from(digits)
            );
            assert_eq!(
                otp::hotp(&secret, Algorithm::Sha1, digits, counter),
                want,
                "counter {counter}, {digits} digits"
            );
        }
    }
}

#[test]
fn totp_rfc6238_appendix_b() {
    let all = vectors();
    let totp = &all["totp"];
    let period = u64_of(totp, "period");
    let digits = u64_of(totp, "digits") as u8;
    assert_eq!((u64_of(totp, "t0"), period, digits), (0, 30, 8));
    let list = totp["vectors"].as_array().unwrap();
    assert_eq!(list.len(), 18, "6 times x 3 algorithms");
    for v in list {
        let name = str_of(v, "algorithm");
        let algorithm = Algorithm::from_name(name).unwrap_or_else(|| panic!("algorithm {name}"));
        let secret = seed(&totp["seeds"][name]);
        let time = u64_of(v, "unix_time");
        assert_eq!(
            u64::from_str_radix(str_of(v, "T_hex"), 16).unwrap(),
            time / period,
            "T at {time}"
        );

        let params = OtpParams {
            kind: OtpKind::Totp {
                period: period as u32,
            },
            algorithm,
            digits,
        };
        let code = otp::code_at(&secret, &params, time);
        let from = time / period * period;
        assert_eq!(
            (code.code.as_str(), code.valid_from, code.valid_until),
            (str_of(v, "otp"), Some(from), Some(from + period)),
            "{name} at {time}"
        );
    }
}
