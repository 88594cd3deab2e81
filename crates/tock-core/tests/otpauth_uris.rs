//! Every case of the otpauth:// corpus (`tests/fixtures/otpauth-uris/cases.json`, copied from the shared corpus;
//! see its PROVENANCE.md), checked by one helper, [`check`].
//!
//! A case's `expect` is what its SOURCE project does. Tock follows it, except for the cases in [`decisions`]:
//! the one table of our deliberate differences (`ok`/`error` cases where Tock's policy differs) and of our choices
//! for `implementation-defined` cases, each with its reason. `error` cases Tock refuses like the source are listed
//! in [`refusal`] with the exact error Tock gives.
use serde_json::Value;
use tock_core::otp::{self, Algorithm, OtpKind, OtpParams, ParamError};
use tock_core::secret::SecretError;
use tock_core::uri::{parse_label, UriError};
use tock_core::{OtpAuthUri, Secret};

/// Tock's outcome for a case where it differs from the source, or where the corpus leaves the choice to us.
enum Ours {
    /// Refused with exactly this error.
    Refuses(UriError),
    /// Accepted: the corpus's `parsed` fields (if any), with these replaced.
    Accepts(Fields),
}

/// Expected fields of an accepted case; `None` keeps the corpus's value.
#[derive(Default)]
struct Fields {
    kind: Option<OtpKind>,
    issuer: Option<&'static str>,
    account: Option<&'static str>,
    secret_hex: Option<&'static str>,
    algorithm: Option<Algorithm>,
    digits: Option<u8>,
    /// (Unix time, code) for TOTP/Steam, (counter, code) for HOTP.
    codes: Option<&'static [(u64, &'static str)]>,
}

/// THE table of policy decisions: (case id, what Tock does, why).
fn decisions() -> Vec<(&'static str, Ours, &'static str)> {
    const GITHUB_TEST_KEY: &str = "546573745365637265745375706572536563726574";
    vec![
        // --- Deliberate differences from the source's `expect` ---
        (
            "totprs-issuer-mismatch",
            Ours::Accepts(Fields {
                kind: Some(OtpKind::Totp { period: 60 }),
                issuer: Some("Gitlab"),
                account: Some("test"),
                secret_hex: Some(GITHUB_TEST_KEY),
                algorithm: Some(Algorithm::Sha256),
                digits: Some(8),
                ..Fields::default()
            }),
            "source refuses; Tock accepts: the issuer parameter wins over the label prefix (a real site printed \
             this URI, refusing it leaves the person without codes; KeePassXC accepts too), account = after the colon",
        ),
        (
            "totprs-issuer-mismatch-case",
            Ours::Accepts(Fields {
                kind: Some(OtpKind::Totp { period: 30 }),
                issuer: Some("GitHub"),
                account: Some("constantoine@github.com"),
                secret_hex: Some(GITHUB_TEST_KEY),
                algorithm: Some(Algorithm::Sha1),
                digits: Some(6),
                ..Fields::default()
            }),
            "source refuses; Tock accepts: the issuer parameter wins (here it only differs in case)",
        ),
        (
            "pyotp-hotp-default-counter",
            Ours::Refuses(UriError::MissingCounter),
            "source assumes counter 0; Tock refuses HOTP without counter (the issue's rule): a guessed counter \
             gives codes the site rejects",
        ),
        (
            "pyotp-steam-without-encoder",
            Ours::Refuses(SecretError::NotBase32 { position: 5 }.into()),
            "source accepts because PyOTP does not check the secret when parsing; Tock does, and SOME_SECRET has \
             an underscore at position 5",
        ),
        (
            "pyotp-steam-ignores-period-digits",
            Ours::Accepts(Fields {
                kind: Some(OtpKind::Steam { period: 15 }),
                codes: Some(&[(0, "C5V56"), (15, "QJY8Y"), (30, "R3WQY"), (45, "JG3T3")]),
                ..Fields::default()
            }),
            "source ignores period=15 for Steam; Tock keeps a given period (as KeePassXC and Aegis do, and so that \
             to_uri_string round-trips) and forces only 5 characters and SHA1: the corpus codes for steps 0-3 \
             therefore appear every 15 s",
        ),
        // --- Our choices for implementation-defined cases ---
        (
            "pyotp-image-param",
            Ours::Refuses(SecretError::BadLength { length: 3 }.into()),
            "image= is ignored, but the secret `abc` has 3 base32 characters, a length no key encodes to: a \
             character was lost, and decoding it anyway would give codes that never work",
        ),
        (
            "pyotp-encoded-colon-no-issuer",
            Ours::Accepts(Fields { issuer: Some("a"), account: Some("b"), ..Fields::default() }),
            "%3A separates issuer and account as the Google wiki allows (the alternative_parse), \
             like the literal colon",
        ),
        (
            "kpxc-huge-period",
            Ours::Accepts(Fields { kind: Some(OtpKind::Totp { period: 90_000 }), ..Fields::default() }),
            "any period of at least 1 s is kept as written: clamping to 86400 (KeePassXC) would give wrong codes",
        ),
        (
            "kpxc-written-3-digits-25s",
            Ours::Refuses(ParamError::Digits { digits: 3, min: 4, max: 10 }.into()),
            "imports allow 4 to 10 digits (DigitsPolicy::Import); 3 digits is refused, period 25 alone would be fine",
        ),
        (
            "scito-utf8-encoded-colon-label",
            Ours::Accepts(Fields {
                issuer: Some("encoding"), account: Some("¿äÄéÉ? (demo)"), ..Fields::default()
            }),
            "%3A separates issuer and account and the %20 after it is dropped, as the Google wiki ABNF says \
             (the alternative_parse)",
        ),
    ]
}

/// The exact error for each `error` case that Tock refuses as its source does.
fn refusal(id: &str) -> UriError {
    match id {
        "totprs-wrong-scheme" | "pyotp-not-otpauth" => UriError::WrongScheme,
        "totprs-md5" => UriError::UnknownAlgorithm("MD5".into()),
        "pyotp-bad-algorithm" => UriError::UnknownAlgorithm("aes".into()),
        "pyotp-bad-type" => UriError::UnknownType("derp".into()),
        "pyotp-bad-digits" => UriError::DigitsNotNumber("-1".into()),
        "totprs-no-secret" | "pyotp-no-secret" => UriError::MissingSecret,
        // Tock would accept the issuer mismatch the source refuses here, but the URI has no secret at all.
        "pyotp-issuer-mismatch-empty-account" => UriError::MissingSecret,
        // Parameters are checked before the secret, so the missing counter is reported first.
        "totprs-hotp-no-secret" => UriError::MissingCounter,
        // The account "test:" (colon) is fine for Tock; the 3-character secret is not.
        "totprs-trailing-colon-short-secret" => SecretError::BadLength { length: 3 }.into(),
        "aegis-secret-empty" => SecretError::Empty.into(),
        _ => {
            panic!("error case {id} has no expected refusal: add it to `refusal` or to `decisions`")
        }
    }
}

/// What a case must give.
enum Outcome {
    Accepted(Expected),
    Refused(UriError),
}

#[derive(Debug)]
struct Expected {
    issuer: String,
    account: String,
    secret_hex: String,
    params: OtpParams,
    codes: Vec<(u64, String)>,
}

fn cases() -> Vec<Value> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/otpauth-uris/cases.json"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let json: Value = serde_json::from_str(&text).expect("cases.json is JSON");
    json["cases"].as_array().expect("a cases array").clone()
}

fn text<'a>(case: &'a Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("case without {key}: {case}"))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The expected fields: the corpus's `parsed`, overridden by `fields`. When the label prefix and the issuer
/// parameter differ the corpus gives both (`label_issuer`, `issuer_param`): the parameter wins.
fn expected(case: &Value, fields: Fields) -> Expected {
    let parsed = &case["parsed"];
    let s = |key: &str| parsed[key].as_str();
    let n = |key: &str| parsed[key].as_u64();
    if text(case, "kind") == "label" {
        // A label alone: only issuer and account.
        return Expected {
            issuer: fields.issuer.or(s("issuer")).unwrap_or("").to_owned(),
            account: fields.account.or(s("account")).unwrap_or("").to_owned(),
            secret_hex: String::new(),
            params: OtpParams::totp_default(),
            codes: Vec::new(),
        };
    }
    let kind = fields.kind.unwrap_or_else(|| match s("type") {
        Some("totp") => OtpKind::Totp {
            period: n("period").expect("period") as u32,
        },
        Some("steam") => OtpKind::Steam {
            period: n("period").expect("period") as u32,
        },
        Some("hotp") => OtpKind::Hotp {
            counter: n("counter").expect("counter"),
        },
        other => panic!("type {other:?}"),
    });
    let algorithm = fields
        .algorithm
        .unwrap_or_else(|| Algorithm::from_name(s("algorithm").expect("algorithm")).unwrap());
    let digits = fields
        .digits
        .unwrap_or_else(|| n("digits").expect("digits") as u8);
    let codes = match fields.codes {
        Some(list) => list
            .iter()
            .map(|&(at, code)| (at, code.to_owned()))
            .collect(),
        None => parsed_codes(case),
    };
    Expected {
        issuer: fields
            .issuer
            .or(s("issuer_param"))
            .or(s("issuer"))
            .unwrap_or("")
            .to_owned(),
        account: fields.account.or(s("account")).unwrap_or("").to_owned(),
        secret_hex: fields
            .secret_hex
            .or(s("secret_hex"))
            .expect("secret_hex")
            .to_owned(),
        params: OtpParams {
            kind,
            algorithm,
            digits,
        },
        codes,
    }
}

fn parsed_codes(case: &Value) -> Vec<(u64, String)> {
    let Some(list) = case["codes"].as_array() else {
        return Vec::new();
    };
    list.iter()
        .map(|c| {
            let at = c["unix_time"]
                .as_u64()
                .or(c["counter"].as_u64())
                .expect("unix_time or counter");
            (at, text(c, "otp").to_owned())
        })
        .collect()
}

fn outcome(case: &Value, decisions: &mut Vec<(&'static str, Ours, &'static str)>) -> Outcome {
    let id = text(case, "id");
    let decided = decisions
        .iter()
        .position(|(d, _, _)| *d == id)
        .map(|i| decisions.remove(i).1);
    match (decided, text(case, "expect")) {
        (Some(Ours::Refuses(e)), _) => Outcome::Refused(e),
        (Some(Ours::Accepts(fields)), _) => Outcome::Accepted(expected(case, fields)),
        (None, "ok") => Outcome::Accepted(expected(case, Fields::default())),
        (None, "error") => Outcome::Refused(refusal(id)),
        (None, other) => panic!("{id} is {other}: record Tock's choice in `decisions`"),
    }
}

/// Checks one case against the outcome Tock must give; returns what went wrong.
fn check(case: &Value, want: Outcome) -> Result<(), String> {
    match (text(case, "kind"), want) {
        ("uri", Outcome::Refused(error)) => match text(case, "uri").parse::<OtpAuthUri>() {
            Ok(_) => Err(format!("accepted, expected: {error}")),
            Err(got) if got != error => {
                Err(format!("refused with \"{got}\", expected \"{error}\""))
            }
            Err(got) if got.to_string().is_empty() => Err("empty error message".into()),
            Err(_) => Ok(()),
        },
        ("uri", Outcome::Accepted(want)) => {
            let got: OtpAuthUri = text(case, "uri")
                .parse()
                .map_err(|e| format!("refused: {e}"))?;
            compare_fields(&got.issuer, &got.name, &got.secret, &got.params, &want)?;
            let again: OtpAuthUri = got
                .to_uri_string()
                .parse()
                .map_err(|e| format!("own URI refused: {e}"))?;
            if again != got {
                return Err(format!(
                    "to_uri_string does not round-trip: {again:?} != {got:?}"
                ));
            }
            Ok(())
        }
        ("label", Outcome::Accepted(want)) => {
            let (issuer, account) = parse_label(text(case, "value"));
            if (issuer.as_str(), account.as_str()) != (want.issuer.as_str(), want.account.as_str())
            {
                return Err(format!(
                    "label gave ({issuer:?}, {account:?}), expected ({:?}, {:?})",
                    want.issuer, want.account
                ));
            }
            Ok(())
        }
        ("bare_secret", Outcome::Accepted(want)) => {
            let secret =
                Secret::from_base32(text(case, "value")).map_err(|e| format!("refused: {e}"))?;
            if want.params != OtpParams::totp_default() {
                return Err(format!(
                    "a bare secret is a default TOTP account, the case says {:?}",
                    want.params
                ));
            }
            compare_fields(
                &want.issuer,
                &want.account,
                &secret,
                &OtpParams::totp_default(),
                &want,
            )
        }
        (kind, _) => Err(format!("no check for a refused {kind} case")),
    }
}

fn compare_fields(
    issuer: &str,
    account: &str,
    secret: &Secret,
    params: &OtpParams,
    want: &Expected,
) -> Result<(), String> {
    let got = (issuer, account, hex(secret.as_bytes()), *params);
    let expected = (
        want.issuer.as_str(),
        want.account.as_str(),
        want.secret_hex.clone(),
        want.params,
    );
    if got != expected {
        return Err(format!("parsed {got:?}, expected {expected:?}"));
    }
    for (at, code) in &want.codes {
        let computed = match params.kind {
            OtpKind::Hotp { .. } => otp::hotp(secret, params.algorithm, params.digits, *at),
            _ => otp::code_at(secret, params, *at).code,
        };
        if computed != *code {
            return Err(format!("code at {at} is {computed}, expected {code}"));
        }
    }
    if let OtpKind::Hotp { counter } = params.kind {
        if let Some((_, code)) = want.codes.iter().find(|(at, _)| *at == counter) {
            let current = otp::code_at(secret, params, 0).code;
            if current != *code {
                return Err(format!(
                    "code for the stored counter is {current}, expected {code}"
                ));
            }
        }
    }
    Ok(())
}

#[test]
fn every_corpus_case() {
    let cases = cases();
    let mut decisions = decisions();
    let mut failures = Vec::new();
    let mut checked = 0;
    for case in &cases {
        let want = outcome(case, &mut decisions);
        if let Err(problem) = check(case, want) {
            failures.push(format!("{}: {problem}", text(case, "id")));
        }
        checked += 1;
    }
    assert_eq!(checked, 60);
    assert!(
        failures.is_empty(),
        "{} of {checked} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    let unused: Vec<_> = decisions.iter().map(|(id, _, _)| *id).collect();
    assert!(
        unused.is_empty(),
        "decisions for cases that are not in the corpus: {unused:?}"
    );
}

#[test]
fn corpus_is_complete_and_decisions_are_real_differences() {
    let cases = cases();
    let count = |expect: &str| cases.iter().filter(|c| c["expect"] == expect).count();
    assert_eq!(
        (
            cases.len(),
            count("ok"),
            count("error"),
            count("implementation-defined")
        ),
        (60, 41, 14, 5)
    );
    for (id, ours, reason) in decisions() {
        let case = cases
            .iter()
            .find(|c| c["id"] == id)
            .unwrap_or_else(|| panic!("{id} is not in the corpus"));
        assert!(reason.len() > 20, "{id}: give the reason");
        match (text(case, "expect"), &ours) {
            ("implementation-defined", _)
            | ("error", Ours::Accepts(_))
            | ("ok", Ours::Refuses(_)) => {}
            ("ok", Ours::Accepts(f)) => assert!(
                f.kind.is_some() || f.issuer.is_some() || f.account.is_some() || f.codes.is_some(),
                "{id}: an ok case in the table must differ from the corpus"
            ),
            (expect, _) => {
                panic!("{id}: a decision that agrees with the source's {expect} does not belong in the table")
            }
        }
    }
    for case in cases
        .iter()
        .filter(|c| c["expect"] == "implementation-defined")
    {
        let id = text(case, "id");
        assert!(
            decisions().iter().any(|(d, _, _)| *d == id),
            "{id}: record Tock's choice in `decisions`"
        );
    }
}

#[test]
fn refusal_messages_name_the_problem() {
    let cases = cases();
    for case in cases
        .iter()
        .filter(|c| c["expect"] == "error" && c["kind"] == "uri")
    {
        let id = text(case, "id");
        let Err(error) = text(case, "uri").parse::<OtpAuthUri>() else {
            continue;
        };
        let message = error.to_string();
        let words = match &error {
            UriError::WrongScheme => "otpauth://",
            UriError::MissingSecret | UriError::Secret(_) => "secret key",
            UriError::UnknownAlgorithm(_) => "algorithm",
            UriError::UnknownType(_) => "kind of code",
            UriError::DigitsNotNumber(_) => "digits",
            UriError::MissingCounter => "counter",
            other => panic!("{id}: unexpected {other:?}"),
        };
        assert!(message.contains(words), "{id}: {message}");
        assert!(
            !message.contains("KRSXG5CTMVRXEZLU"),
            "{id}: the secret must not be in the message: {message}"
        );
    }
}
