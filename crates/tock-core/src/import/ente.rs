//! Ente Auth's encrypted export (the plain-text export is a URI list: see `uri_list.rs`).
//!
//! Format: Ente's `auth` app, `lib/ui/settings/data/export_widget.dart` and `lib/utils/crypto_util.dart`
//! (github.com/ente-io/ente). JSON `{"version":1,"kdfParams":{"memLimit","opsLimit","salt"},"encryptedData",
//! "encryptionNonce"}`: the key is libsodium's `crypto_pwhash` Argon2id13 with the file's limits (memory
//! `memLimit` bytes, `opsLimit` passes, one lane, 32 bytes); `encryptedData` is one libsodium secretstream
//! (XChaCha20-Poly1305) message whose header is `encryptionNonce`; the plaintext is the plain-text export. The
//! Argon2 parameters come from the file and are checked against [`super::limits`] (Ente's heaviest setting,
//! 1 GiB × 4 passes, is within them; so are tiny ones such as 10 KiB × 1, which libsodium accepts).
//!
//! Lost on import: as for the plain-text export (tags, icons). The derived key is zeroized; the copy inside
//! `crypto_secretstream`'s state is not (that crate does not zeroize).
//!
//! Fixtures: `importers-extra/files/proton/ente/encrypted.*.txt` (Proton Authenticator's tests: 10 KiB × 1 and
//! 256 MiB × 16), `importers-extra/files/stratum/ente.encrypted.json` (Stratum's: 1 GiB × 4).
use crypto_secretstream::{Header, Key, PullStream};
use serde_json::Value;

use super::{
    argon2_params, argon2id_key, base64, str_field, uri_list, Encrypted, Format, ImportError,
    Imported, Read,
};

const FORMAT: Format = Format::EnteAuth;

/// A secretstream message's overhead: one tag byte and a 16-byte MAC.
const SECRETSTREAM_ABYTES: usize = 17;

fn corrupt(detail: &str) -> ImportError {
    ImportError::corrupt(FORMAT, detail)
}

/// An encrypted Ente export.
#[derive(Debug)]
pub(crate) struct Sealed {
    params: argon2::Params,
    salt: Vec<u8>,
    header: [u8; 24],
    data: Vec<u8>,
}

pub(crate) fn read(json: &Value) -> Result<Read, ImportError> {
    let kdf = json
        .get("kdfParams")
        .ok_or_else(|| corrupt("it has no kdfParams"))?;
    let num = |k: &str| {
        kdf.get(k)
            .and_then(Value::as_u64)
            .ok_or_else(|| corrupt(&format!("its {k} is missing or not a whole number")))
    };
    let (mem_bytes, ops) = (num("memLimit")?, num("opsLimit")?);
    let salt = str_field(kdf, "salt")
        .and_then(base64)
        .ok_or_else(|| corrupt("its salt is missing or not base64"))?;
    let params = argon2_params(FORMAT, mem_bytes / 1024, ops, 1)?;
    let data = str_field(json, "encryptedData")
        .and_then(base64)
        .ok_or_else(|| corrupt("its encryptedData is missing or not base64"))?;
    let header: [u8; 24] = str_field(json, "encryptionNonce")
        .and_then(base64)
        .and_then(|h| h.try_into().ok())
        .ok_or_else(|| corrupt("its encryptionNonce is missing or not 24 bytes"))?;
    if data.len() < SECRETSTREAM_ABYTES {
        return Err(corrupt("its encrypted data is too short"));
    }
    Ok(Read::NeedsPassword(Encrypted {
        format: FORMAT,
        sealed: super::Sealed::Ente(Sealed {
            params,
            salt,
            header,
            data,
        }),
    }))
}

impl Sealed {
    pub(crate) fn open(&self, password: &str) -> Result<Imported, ImportError> {
        let key = argon2id_key(FORMAT, self.params.clone(), password.as_bytes(), &self.salt)?;
        let mut stream = PullStream::init(Header::from(self.header), &Key::from(*key));
        let mut buffer = zeroize::Zeroizing::new(self.data.clone());
        stream
            .pull(&mut *buffer, b"")
            .map_err(|_| ImportError::WrongPassword { format: FORMAT })?;
        let text =
            std::str::from_utf8(&buffer).map_err(|_| corrupt("its contents are not text"))?;
        match uri_list::read_as(text, FORMAT) {
            Ok(Read::Imported(i)) => Ok(i),
            Ok(Read::NeedsPassword(_)) => Err(corrupt("it is encrypted twice")),
            Err(ImportError::Empty) => Ok(Imported {
                format: FORMAT,
                entries: Vec::new(),
                errors: Vec::new(),
            }),
            Err(e) => Err(e),
        }
    }
}
