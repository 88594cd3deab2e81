//! `otpauth://` URIs in Google's Key Uri Format: parse and build.
//!
//! Reading follows what real sites and apps write, not only the letter of the format:
//! - scheme and type in any case; types `totp`, `hotp` and `steam` (Aegis's `otpauth://steam/`);
//!   `encoder=steam` on a `totp` URI (KeePassXC, PyOTP) also means Steam Guard;
//! - the label is `issuer:account`, the colon literal or `%3A` (as the Google wiki allows), spaces after it
//!   dropped; with no colon the whole label is the account;
//! - the `issuer` parameter wins over the label prefix: when they differ the URI is still accepted (a real site
//!   printed it, and refusing would leave the person without their codes), the issuer is the parameter and the
//!   account is the part of the label after the colon. When the label starts with the issuer parameter followed by
//!   a colon, that prefix is removed even if the issuer itself holds a colon (`Text: More Text:Secret`);
//! - query values: `+` means a space, percent-encoded UTF-8 is decoded, a repeated parameter keeps its last value,
//!   unknown parameters (`image`, `color`, `codeDisplay`, …) are ignored, `algo` is read as `algorithm`, parameter
//!   names and algorithm names are case-insensitive;
//! - the secret may be lower case, spaced, dashed or `=`-padded (also `%3D`); see [`Secret::from_base32`];
//! - digits must be 4 to 10 ([`DigitsPolicy::Import`]); any period of at least 1 second is kept as is;
//! - HOTP needs a `counter`: a URI without one is refused rather than guessing 0, because a wrong counter gives
//!   codes the site rejects;
//! - Steam Guard always has 5 characters and SHA1 (`digits` and `algorithm` are ignored); its period is 30
//!   seconds unless the URI gives one.
//!
//! Parameters are checked in this order, so that the first problem is the one reported: scheme, type, algorithm,
//! digits, period (or counter), then the secret.
use std::collections::HashMap;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::otp::{DigitsPolicy, ParamError, STEAM_DIGITS, STEAM_PERIOD};
use crate::secret::SecretError;
use crate::{Algorithm, OtpKind, OtpParams, Secret};

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
///
/// Values quoted in messages (type, algorithm, digits, period, counter) are shortened to 24 characters; the secret
/// is never quoted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UriError {
    /// The text does not start with `otpauth://`.
    #[error("this is not an otpauth:// URI: it must start with otpauth://")]
    WrongScheme,
    /// `otpauth://` followed by no type.
    #[error(
        "the URI does not say which kind of code it is: \
         it must start with otpauth://totp/, otpauth://hotp/ or otpauth://steam/"
    )]
    MissingType,
    /// A type other than totp, hotp and steam.
    #[error("\"{0}\" is not a supported kind of code: only totp, hotp and steam are")]
    UnknownType(String),
    /// An `algorithm` (or `algo`) other than SHA1, SHA256 and SHA512.
    #[error("the algorithm \"{0}\" is not supported: only SHA1, SHA256 and SHA512 are")]
    UnknownAlgorithm(String),
    /// A `digits` value that is not a whole number.
    #[error("the number of digits \"{0}\" is not a whole number")]
    DigitsNotNumber(String),
    /// A `period` value that is not a whole number of seconds.
    #[error("the period \"{0}\" is not a whole number of seconds")]
    PeriodNotNumber(String),
    /// A `counter` value that is not a whole number.
    #[error("the HOTP counter \"{0}\" is not a whole number")]
    CounterNotNumber(String),
    /// An HOTP URI without `counter`.
    #[error("the HOTP counter is missing: an otpauth://hotp/ URI needs a counter= parameter")]
    MissingCounter,
    /// No `secret` parameter.
    #[error("the secret key is missing: the URI has no secret= parameter")]
    MissingSecret,
    /// A `secret` that is empty or not base32.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// Digits out of range (4 to 10) or a zero period.
    #[error(transparent)]
    Params(#[from] ParamError),
}

/// Characters written as-is in a label or a query value; everything else is percent-encoded
/// (a space becomes `%20`, which every reader understands, unlike `+`).
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Shortens a value quoted in an error message.
fn quoted(value: &str) -> String {
    const MAX: usize = 24;
    if value.chars().count() <= MAX {
        value.to_owned()
    } else {
        value.chars().take(MAX).chain(['…']).collect()
    }
}

/// Decodes a label (path) piece: `%XX` as UTF-8 (invalid sequences become U+FFFD), `+` kept literally.
fn decode_path(text: &str) -> String {
    percent_decode_str(text).decode_utf8_lossy().into_owned()
}

/// Decodes a query name or value: `+` is a space, then `%XX` as UTF-8.
fn decode_query(text: &str) -> String {
    decode_path(&text.replace('+', " "))
}

/// Splits a label into (issuer, account): see [`parse_label`].
fn split_label(decoded: &str) -> (String, String) {
    match decoded.split_once(':') {
        Some((issuer, name)) => (issuer.trim().to_owned(), name.trim().to_owned()),
        None => (String::new(), decoded.trim().to_owned()),
    }
}

/// Reads an `otpauth://` label as written in the URI path (still percent-encoded): `issuer:account`, where the
/// separator is the first colon, literal or `%3A`, and spaces around either part are dropped. Without a colon the
/// whole label is the account and the issuer is empty. Returns `(issuer, account)`.
///
/// `Big%20Corporation%3A%20alice%40bigco.com` gives `("Big Corporation", "alice@bigco.com")`.
pub fn parse_label(label: &str) -> (String, String) {
    split_label(&decode_path(label))
}

impl std::str::FromStr for OtpAuthUri {
    type Err = UriError;

    /// Parses an `otpauth://` URI; see the module documentation for what is accepted.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let rest = match s.split_once("://") {
            Some((scheme, rest)) if scheme.eq_ignore_ascii_case("otpauth") => rest,
            _ => return Err(UriError::WrongScheme),
        };
        let rest = rest
            .split_once('#')
            .map_or(rest, |(before, _fragment)| before);
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (kind_text, label) = path.split_once('/').unwrap_or((path, ""));

        let mut query_params: HashMap<String, String> = HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let mut name = decode_query(name).trim().to_ascii_lowercase();
            if name == "algo" {
                name = "algorithm".to_owned();
            }
            query_params.insert(name, decode_query(value)); // the last one wins
        }
        let param = |name: &str| query_params.get(name).map(|v| v.trim());

        let kind_text = decode_path(kind_text);
        let steam_encoder = param("encoder").is_some_and(|e| e.eq_ignore_ascii_case("steam"));
        enum Kind {
            Totp,
            Hotp,
            Steam,
        }
        let kind = match kind_text.to_ascii_lowercase().as_str() {
            "" => return Err(UriError::MissingType),
            "totp" if steam_encoder => Kind::Steam,
            "totp" => Kind::Totp,
            "hotp" => Kind::Hotp,
            "steam" => Kind::Steam,
            _ => return Err(UriError::UnknownType(quoted(&kind_text))),
        };

        let params = if let Kind::Steam = kind {
            // Steam Guard: 5 characters and SHA1 whatever the URI says.
            let period = period_param(param("period"))?.unwrap_or(STEAM_PERIOD);
            OtpParams {
                kind: OtpKind::Steam { period },
                algorithm: Algorithm::Sha1,
                digits: STEAM_DIGITS,
            }
        } else {
            let algorithm = match param("algorithm") {
                None | Some("") => Algorithm::Sha1,
                Some(name) => Algorithm::from_name(name)
                    .ok_or_else(|| UriError::UnknownAlgorithm(quoted(name)))?,
            };
            let digits = match param("digits") {
                None | Some("") => 6,
                Some(text) => {
                    let digits: u32 = text
                        .parse()
                        .map_err(|_| UriError::DigitsNotNumber(quoted(text)))?;
                    let range = DigitsPolicy::Import.range();
                    match u8::try_from(digits) {
                        Ok(d) if range.contains(&d) => d,
                        _ => {
                            return Err(ParamError::Digits {
                                digits,
                                min: *range.start(),
                                max: *range.end(),
                            }
                            .into())
                        }
                    }
                }
            };
            let kind = match kind {
                Kind::Hotp => {
                    let text = param("counter")
                        .filter(|t| !t.is_empty())
                        .ok_or(UriError::MissingCounter)?;
                    OtpKind::Hotp {
                        counter: text
                            .parse()
                            .map_err(|_| UriError::CounterNotNumber(quoted(text)))?,
                    }
                }
                _ => OtpKind::Totp {
                    period: period_param(param("period"))?.unwrap_or(30),
                },
            };
            OtpParams {
                kind,
                algorithm,
                digits,
            }
        };
        params.validate(DigitsPolicy::Import)?;

        let secret =
            Secret::from_base32(query_params.get("secret").ok_or(UriError::MissingSecret)?)?;

        let issuer_param = param("issuer").filter(|i| !i.is_empty());
        let decoded_label = decode_path(label);
        let (issuer, name) = match issuer_param {
            Some(issuer) => {
                // The label repeats the issuer (which may itself hold a colon), or has its own prefix, which the
                // parameter overrides.
                let name = match decoded_label
                    .strip_prefix(issuer)
                    .and_then(|r| r.trim_start().strip_prefix(':'))
                {
                    Some(name) => name.trim().to_owned(),
                    None => split_label(&decoded_label).1,
                };
                (issuer.to_owned(), name)
            }
            None => split_label(&decoded_label),
        };
        Ok(OtpAuthUri {
            issuer,
            name,
            secret,
            params,
        })
    }
}

/// Reads an optional `period` value (empty means absent).
fn period_param(text: Option<&str>) -> Result<Option<u32>, UriError> {
    match text {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| UriError::PeriodNotNumber(quoted(text))),
    }
}

impl OtpAuthUri {
    /// The URI text (contains the secret: handle as sensitive).
    ///
    /// Written so that every reader understands it and [`str::parse`] gives this value back:
    /// `otpauth://totp/Issuer:account?secret=…&issuer=Issuer&algorithm=SHA1&digits=6&period=30` with every
    /// parameter spelled out, `otpauth://hotp/…&counter=N` for HOTP, and for Steam Guard the KeePassXC form
    /// `otpauth://totp/…&digits=5&period=30&encoder=steam` (understood by KeePassXC, PyOTP and Tock; Aegis's
    /// `otpauth://steam/` is read but not written). The label has the `Issuer:` prefix when there is an issuer, or
    /// when the account holds a colon (then `:account`, so that the colon is not read as a separator). Spaces
    /// around the issuer and account are not kept.
    pub fn to_uri_string(&self) -> zeroize::Zeroizing<String> {
        let issuer = utf8_percent_encode(self.issuer.trim(), KEEP).to_string();
        let name = utf8_percent_encode(self.name.trim(), KEEP).to_string();
        let label = if issuer.is_empty() && !self.name.contains(':') {
            name
        } else {
            format!("{issuer}:{name}")
        };
        let kind = match self.params.kind {
            OtpKind::Hotp { .. } => "hotp",
            OtpKind::Totp { .. } | OtpKind::Steam { .. } => "totp",
        };
        let mut uri =
            zeroize::Zeroizing::new(String::with_capacity(128 + label.len() + issuer.len()));
        uri.push_str("otpauth://");
        uri.push_str(kind);
        uri.push('/');
        uri.push_str(&label);
        uri.push_str("?secret=");
        uri.push_str(&self.secret.to_base32());
        if !issuer.is_empty() {
            uri.push_str("&issuer=");
            uri.push_str(&issuer);
        }
        let p = &self.params;
        let tail = match p.kind {
            OtpKind::Totp { period } => format!(
                "&algorithm={}&digits={}&period={period}",
                p.algorithm, p.digits
            ),
            OtpKind::Hotp { counter } => format!(
                "&algorithm={}&digits={}&counter={counter}",
                p.algorithm, p.digits
            ),
            OtpKind::Steam { period } => {
                format!("&digits={STEAM_DIGITS}&period={period}&encoder=steam")
            }
        };
        uri.push_str(&tail);
        uri
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uri(issuer: &str, name: &str, params: OtpParams) -> OtpAuthUri {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        OtpAuthUri {
            issuer: issuer.into(),
            name: name.into(),
            secret,
            params,
        }
    }

    fn err(text: &str) -> UriError {
        text.parse::<OtpAuthUri>().unwrap_err()
    }

    #[test]
    fn to_uri_string_round_trips() {
        let hotp = OtpParams {
            kind: OtpKind::Hotp { counter: u64::MAX },
            algorithm: Algorithm::Sha256,
            digits: 8,
        };
        let odd = OtpParams {
            kind: OtpKind::Totp { period: 1 },
            algorithm: Algorithm::Sha512,
            digits: 10,
        };
        let steam = OtpParams {
            kind: OtpKind::Steam { period: 15 },
            ..OtpParams::steam_default()
        };
        let cases = [
            uri("GitHub", "alice@example.com", OtpParams::totp_default()),
            uri("ACME Co", "john doe+tag@x.org", hotp),
            uri("Text: More Text", "Secret", odd),
            uri("", "a:b", OtpParams::totp_default()),
            uri("", "", OtpParams::totp_default()),
            uri("Steam", "", OtpParams::steam_default()),
            uri("Valve", "gamer", steam),
            uri("Ünïcödé & Co", "名前 100%", OtpParams::totp_default()),
        ];
        for original in cases {
            let text = original.to_uri_string();
            let back: OtpAuthUri = text
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e}", text.as_str()));
            assert_eq!(back, original, "{}", text.as_str());
        }
    }

    #[test]
    fn to_uri_string_form() {
        let text = uri("ACME Co", "john@example.com", OtpParams::totp_default()).to_uri_string();
        assert_eq!(
            text.as_str(),
            "otpauth://totp/ACME%20Co:john%40example.com?secret=JBSWY3DPEHPK3PXP\
             &issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30"
        );
        let text = uri("Steam", "me", OtpParams::steam_default()).to_uri_string();
        assert_eq!(
            text.as_str(),
            "otpauth://totp/Steam:me?secret=JBSWY3DPEHPK3PXP&issuer=Steam&digits=5&period=30&encoder=steam"
        );
        let text = uri("", "a:b", OtpParams::totp_default()).to_uri_string();
        assert!(
            text.starts_with("otpauth://totp/:a%3Ab?"),
            "{}",
            text.as_str()
        );
    }

    #[test]
    fn debug_of_a_parsed_uri_hides_the_secret() {
        let parsed: OtpAuthUri = "otpauth://totp/A:b?secret=JBSWY3DPEHPK3PXP"
            .parse()
            .unwrap();
        let shown = format!("{parsed:?}");
        assert!(
            shown.contains("<redacted>") && !shown.contains("JBSW"),
            "{shown}"
        );
    }

    #[test]
    fn labels() {
        assert_eq!(
            parse_label("Example:alice@gmail.com"),
            ("Example".into(), "alice@gmail.com".into())
        );
        assert_eq!(
            parse_label("Big%20Corporation%3A%20alice%40bigco.com"),
            ("Big Corporation".into(), "alice@bigco.com".into())
        );
        assert_eq!(parse_label("alice"), (String::new(), "alice".into()));
        assert_eq!(
            parse_label("a+b"),
            (String::new(), "a+b".into()),
            "+ is literal in a path"
        );
        assert_eq!(parse_label(""), (String::new(), String::new()));
        assert_eq!(
            parse_label("GitHub:test:"),
            ("GitHub".into(), "test:".into()),
            "only the first colon separates"
        );
    }

    #[test]
    fn lenient_reading() {
        let u: OtpAuthUri =
            " OTPAUTH://TOTP/x?SECRET=jbsw%20y3dp+ehpk-3pxp%3D%3D%3D%3D&Algo=sha256&algorithm=SHA512&image=x.png#frag "
                .parse()
                .unwrap();
        assert_eq!(u.secret.to_base32().as_str(), "JBSWY3DPEHPK3PXP");
        assert_eq!(
            u.params.algorithm,
            Algorithm::Sha512,
            "last of algo/algorithm wins"
        );
        assert_eq!((u.issuer.as_str(), u.name.as_str()), ("", "x"));
        let u: OtpAuthUri = "otpauth://totp/Old:bob?secret=AA&issuer=New"
            .parse()
            .unwrap();
        assert_eq!(
            (u.issuer.as_str(), u.name.as_str()),
            ("New", "bob"),
            "the issuer parameter wins"
        );
        let u: OtpAuthUri = "otpauth://steam/?secret=AA".parse().unwrap();
        assert_eq!(u.params, OtpParams::steam_default());
        let u: OtpAuthUri =
            "otpauth://totp/?secret=AA&encoder=steam&digits=6&algorithm=SHA256&period=20"
                .parse()
                .unwrap();
        assert_eq!(
            u.params,
            OtpParams {
                kind: OtpKind::Steam { period: 20 },
                ..OtpParams::steam_default()
            }
        );
    }

    #[test]
    fn refusals_name_the_problem() {
        let cases: [(&str, UriError, &str); 13] = [
            (
                "https://example.com",
                UriError::WrongScheme,
                "not an otpauth:// URI",
            ),
            (
                "otpauth://?secret=AA",
                UriError::MissingType,
                "which kind of code",
            ),
            (
                "otpauth://motp/x?secret=AA",
                UriError::UnknownType("motp".into()),
                "\"motp\" is not a supported kind",
            ),
            (
                "otpauth://totp/x?secret=AA&algorithm=MD5",
                UriError::UnknownAlgorithm("MD5".into()),
                "algorithm \"MD5\"",
            ),
            (
                "otpauth://totp/x?secret=AA&digits=six",
                UriError::DigitsNotNumber("six".into()),
                "digits \"six\"",
            ),
            (
                "otpauth://totp/x?secret=AA&digits=11",
                ParamError::Digits {
                    digits: 11,
                    min: 4,
                    max: 10,
                }
                .into(),
                "11 digits is not supported",
            ),
            (
                "otpauth://totp/x?secret=AA&period=0",
                ParamError::ZeroPeriod.into(),
                "at least 1 second",
            ),
            (
                "otpauth://totp/x?secret=AA&period=-30",
                UriError::PeriodNotNumber("-30".into()),
                "period \"-30\"",
            ),
            (
                "otpauth://hotp/x?secret=AA",
                UriError::MissingCounter,
                "counter is missing",
            ),
            (
                "otpauth://hotp/x?secret=AA&counter=1.5",
                UriError::CounterNotNumber("1.5".into()),
                "counter \"1.5\"",
            ),
            (
                "otpauth://totp/x?issuer=y",
                UriError::MissingSecret,
                "no secret= parameter",
            ),
            (
                "otpauth://totp/x?secret=",
                SecretError::Empty.into(),
                "secret key is empty",
            ),
            (
                "otpauth://totp/x?secret=JBSWY3DP0HPK",
                SecretError::NotBase32 { position: 9 }.into(),
                "character 9",
            ),
        ];
        for (text, expected, words) in cases {
            let e = err(text);
            assert_eq!(e, expected, "{text}");
            assert!(e.to_string().contains(words), "{text}: {e}");
        }
        let long = err(&format!(
            "otpauth://totp/x?secret=AA&algorithm={}",
            "X".repeat(100)
        ));
        assert_eq!(
            long,
            UriError::UnknownAlgorithm(format!("{}…", "X".repeat(24)))
        );
    }

    #[test]
    fn secret_is_never_in_messages() {
        for text in [
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PX1",
            "otpauth://totp/x?secret=JBSWY3DPEHPK3PXPA",
        ] {
            let message = err(text).to_string();
            assert!(!message.contains("JBSWY"), "{message}");
        }
    }
}
