//! The secret key of an account, kept out of logs, serialisation and freed memory.
//!
//! Base32 is read the way people and sites write it (RFC 4648 alphabet, any case, spaces, dashes and trailing
//! `=` padding). There is deliberately **no minimum key length**: the site chose the key, and refusing a short one
//! (some real sites and test suites use 5-byte keys, Aegis even accepts the 1-byte key `AA`) would only lock the
//! person out. What is refused is text that cannot be a key: nothing at all, a character outside base32, or a
//! number of characters that no byte string encodes to (1, 3 or 6 characters past a multiple of 8), which means a
//! character was lost or added while copying.
use std::sync::LazyLock;

use data_encoding::{Encoding, Specification};
use zeroize::Zeroizing;

/// Raw secret bytes (the HMAC key). Zeroized on drop, `<redacted>` in `Debug`, never `Serialize`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<Vec<u8>>);

/// Why a text could not be read as a base32 secret.
///
/// No variant carries the text itself: only positions and counts, so that error messages and logs never hold
/// (part of) a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SecretError {
    /// Nothing left after removing spaces, dashes and padding.
    #[error("the secret key is empty")]
    Empty,
    /// A character outside A–Z and 2–7 (or an `=` that is not at the end).
    #[error(
        "the secret key is not valid base32: character {position} is not a letter A–Z or a digit 2–7 \
         (0, 1, 8, 9 and symbols never appear in base32; spaces, dashes and trailing = are fine)"
    )]
    NotBase32 {
        /// 1-based position of the offending character in the text as given (spaces and dashes count).
        position: usize,
    },
    /// A number of base32 characters that no key encodes to.
    #[error(
        "the secret key has {length} base32 characters, a length no key can have: \
         a character was probably lost or added while copying it"
    )]
    BadLength {
        /// Number of base32 characters (without spaces, dashes and padding).
        length: usize,
    },
}

/// RFC 4648 base32 without padding, not insisting that the unused bits of the last character are zero:
/// real secrets such as PyOTP's `S46SQCPPTCNPROMHWYBDCTBZXV` (26 characters, 16 bytes) set them.
static BASE32_LENIENT: LazyLock<Encoding> = LazyLock::new(|| {
    let mut spec = Specification::new();
    spec.symbols.push_str("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    spec.check_trailing_bits = false;
    spec.encoding().expect("a valid base32 specification")
});

impl Secret {
    /// Wraps raw bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Self {
        Secret(Zeroizing::new(bytes))
    }

    /// Parses base32 as people and sites write it: any case, spaces, dashes and `=` padding allowed.
    ///
    /// Whitespace of any kind (pasted text may hold line breaks) and `-` are ignored anywhere; `=` is accepted
    /// only at the end. The error never contains the text.
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        let mut symbols = Zeroizing::new(Vec::with_capacity(text.len()));
        let mut first_padding = None;
        for (index, c) in text.chars().enumerate() {
            let position = index + 1;
            match c {
                c if c.is_whitespace() || c == '-' => {}
                '=' => {
                    first_padding.get_or_insert(position);
                }
                'a'..='z' | 'A'..='Z' | '2'..='7' => {
                    if let Some(position) = first_padding {
                        // Padding followed by more key: the `=` is in the middle.
                        return Err(SecretError::NotBase32 { position });
                    }
                    symbols.push(c.to_ascii_uppercase() as u8);
                }
                _ => return Err(SecretError::NotBase32 { position }),
            }
        }
        if symbols.is_empty() {
            return Err(SecretError::Empty);
        }
        let length = symbols.len();
        let Ok(decoded_len) = BASE32_LENIENT.decode_len(length) else {
            return Err(SecretError::BadLength { length });
        };
        let mut bytes = Zeroizing::new(vec![0u8; decoded_len]);
        let written = BASE32_LENIENT
            .decode_mut(&symbols, &mut bytes)
            .map_err(|_| SecretError::BadLength { length })?;
        bytes.truncate(written);
        Ok(Secret(bytes))
    }

    /// The canonical form: upper case, no padding.
    pub fn to_base32(&self) -> Zeroizing<String> {
        let mut out = vec![0u8; BASE32_LENIENT.encode_len(self.0.len())];
        BASE32_LENIENT.encode_mut(&self.0, &mut out);
        Zeroizing::new(String::from_utf8(out).expect("base32 is ASCII"))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Number of key bytes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the key has no bytes (only possible through [`Secret::from_bytes`]).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(text: &str) -> Vec<u8> {
        Secret::from_base32(text).unwrap().as_bytes().to_vec()
    }

    #[test]
    fn reads_base32_as_people_write_it() {
        let hello = b"Hello!\xde\xad\xbe\xef".to_vec();
        for text in [
            "JBSWY3DPEHPK3PXP",
            "jbswy3dpehpk3pxp",
            "JbSw Y3dP EhPk 3PxP",
            "JBSW-Y3DP-EHPK-3PXP",
            " JBSWY3DPEHPK3PXP\n",
            "JBSWY3DPEHPK3PXP====",
        ] {
            assert_eq!(bytes(text), hello, "{text:?}");
        }
        assert_eq!(
            bytes("HXDMVJECJJWSRBY="),
            bytes("HXDMVJECJJWSRBY"),
            "15 symbols + 1 pad = 9 bytes"
        );
        assert_eq!(bytes("HXDMVJECJJWSRBY").len(), 9);
        assert_eq!(bytes("AA"), [0], "a 1-byte key is accepted");
        assert_eq!(
            bytes("S46SQCPPTCNPROMHWYBDCTBZXV").len(),
            16,
            "non-zero trailing bits are accepted"
        );
    }

    #[test]
    fn refuses_what_cannot_be_a_key() {
        assert_eq!(Secret::from_base32(""), Err(SecretError::Empty));
        assert_eq!(Secret::from_base32(" - = "), Err(SecretError::Empty));
        assert_eq!(
            Secret::from_base32("JBSWY3DPEHPK3PX0"),
            Err(SecretError::NotBase32 { position: 16 })
        );
        assert_eq!(
            Secret::from_base32("JBSW_Y3DP"),
            Err(SecretError::NotBase32 { position: 5 })
        );
        assert_eq!(
            Secret::from_base32("JBSWY3DPé"),
            Err(SecretError::NotBase32 { position: 9 })
        );
        assert_eq!(
            Secret::from_base32("JB=SWY3DP"),
            Err(SecretError::NotBase32 { position: 3 }),
            "= in the middle"
        );
        for (text, length) in [("A", 1), ("ABC", 3), ("ABCDEF", 6), ("ABCDEFGHI", 9)] {
            assert_eq!(
                Secret::from_base32(text),
                Err(SecretError::BadLength { length }),
                "{text}"
            );
        }
    }

    #[test]
    fn errors_never_echo_the_text() {
        for text in ["JBSWY3DPEHPK3PX1", "JBSWY3DPEHPK3PXPJ", "JBSWY3D!EHPK3PXP"] {
            let message = Secret::from_base32(text).unwrap_err().to_string();
            assert!(!message.contains("JBSWY3D"), "{message}");
            assert!(message.contains("secret key"), "{message}");
        }
    }

    #[test]
    fn canonical_base32_round_trips() {
        let secret = Secret::from_base32("gezd gnbv gy3t qojq gezd gnbv gy3t qojq").unwrap();
        assert_eq!(secret.as_bytes(), b"12345678901234567890");
        assert_eq!(
            secret.to_base32().as_str(),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
        let odd = Secret::from_bytes(b"Hello!\xde\xad\xbe\xef\x01".to_vec());
        assert_eq!(odd.to_base32().as_str(), "JBSWY3DPEHPK3PXPAE", "no padding");
        assert_eq!(Secret::from_base32(&odd.to_base32()).unwrap(), odd);
    }

    #[test]
    fn debug_is_redacted() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        let shown = format!("{secret:?} {secret:#?}");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert!(
            !shown.contains("JBSW") && !shown.contains("72") && !shown.contains("Hello"),
            "{shown}"
        );
    }
}
