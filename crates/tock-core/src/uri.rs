//! `otpauth://` URIs in Google's Key Uri Format: parse and build.
use crate::{OtpParams, Secret};

/// A parsed `otpauth://` URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OtpAuthUri {
    /// The service, e.g. "GitHub" (may be empty).
    pub issuer: String,
    /// The account, e.g. "alice@example.com" (may be empty).
    pub name: String,
    /// The key.
    pub secret: Secret,
    /// Kind, algorithm, digits, period or counter.
    pub params: OtpParams,
}

/// Why a URI was refused; each message names the problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// Placeholder until the core helper fills in the real variants.
    #[error("{0}")]
    Invalid(String),
}

impl std::str::FromStr for OtpAuthUri {
    type Err = UriError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        todo!("core helper {s}")
    }
}

impl OtpAuthUri {
    /// The URI text (contains the secret: handle as sensitive).
    pub fn to_uri_string(&self) -> zeroize::Zeroizing<String> {
        todo!()
    }
}
