//! The otpauth:// parser; a parsed URI must also survive being written and read again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tock_core::OtpAuthUri;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(uri) = text.parse::<OtpAuthUri>() {
            let again: OtpAuthUri = uri.to_uri_string().parse().expect("Tock reads the URIs it writes");
            assert_eq!(again.secret, uri.secret);
            assert_eq!(again.params, uri.params);
        }
    }
});
