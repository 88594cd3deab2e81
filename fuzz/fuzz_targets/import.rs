//! Every importer through `import::read` (format sniffed, then each format as a hint) and, for an encrypted
//! result, `decrypt("x")`. Must return a result or an error, never panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tock_core::import::{self, Read, FORMATS};

fn run(data: &[u8], hint: Option<import::Format>) {
    if let Ok(Read::NeedsPassword(sealed)) = import::read(data, hint) {
        let _ = sealed.decrypt("x");
    }
}

fuzz_target!(|data: &[u8]| {
    run(data, None);
    // The first byte picks a format to force, so that every parser sees every input shape.
    if let Some((&pick, rest)) = data.split_first() {
        run(rest, Some(FORMATS[usize::from(pick) % FORMATS.len()].format));
    }
});
