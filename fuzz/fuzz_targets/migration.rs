//! The Google Authenticator transfer decoder, on `otpauth-migration://offline?data=` + the input (as it is,
//! and base64-encoded so that the protobuf reader sees arbitrary bytes).
#![no_main]
use libfuzzer_sys::fuzz_target;
use tock_core::migration::parse_migration_uri;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_migration_uri(text);
        let _ = parse_migration_uri(&format!("otpauth-migration://offline?data={text}"));
    }
    let _ = parse_migration_uri(&format!(
        "otpauth-migration://offline?data={}",
        data_encoding::BASE64.encode(data)
    ));
});
