//! HS256 JSON Web Tokens (RFC 7519 / RFC 7515), built on hmac + sha2 + base64, no I/O.
//!
//! The backend verifies with this code and the UI decodes, tampers and re-signs with the very
//! same code. `verify` is the lesson, in the order RFC 7515 §5.2 and RFC 8725 §3.1 give:
//!
//! 1. **split**: three base64url parts, within `MAX_TOKEN_LEN`;
//! 2. **header**: canonical base64url of a JSON object with at most `MAX_MEMBERS` unique
//!    names (`decode`, for the UI, reads it the same way);
//! 3. **`alg`**: exactly `HS256`, before anything else of the token is trusted (`none` and
//!    algorithm confusion end here), and no `crit` extension we would not understand;
//! 4. **MAC**: HMAC-SHA256 over the signing input exactly as received, compared with the
//!    signature in constant time, all 32 bytes;
//! 5. **claims**: only a token that passed 4 has its payload decoded, as the header was (a
//!    JSON object, at most `MAX_MEMBERS` unique names, every value JSON `decode` reads), and
//!    its claims typed (`sub` a user id in canonical decimal, `exp` a NumericDate);
//! 6. **time**: `exp` is in the future, `nbf` (if any) is not.
//!
//! `verify_unsigned` is the classic bug, kept apart on purpose: it accepts a token whose
//! header says `"alg": "none"` and whose signature part is empty, after the same claim and
//! time checks. Only the lab's deliberately vulnerable `jwt_alg_none` setting calls it;
//! `verify` never accepts such a token.

use std::collections::BTreeMap;

use base64::{
    Engine as _,
    alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Sha256;

/// Unpadded base64url that refuses padding, the standard alphabet and non-canonical trailing bits.
const B64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

/// Longest token accepted; anything bigger is refused before any decoding.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Most members `decode` collects from a header or payload (each checked for a repeat), so
/// the work a pasted token can cause stays bounded.
pub const MAX_MEMBERS: usize = 64;

/// The latest NumericDate accepted: 9999-12-31T23:59:59Z. Dates are seconds in
/// `0..=MAX_NUMERIC_DATE`; beyond that no arithmetic on them can overflow, and no calendar
/// can show them.
pub const MAX_NUMERIC_DATE: i64 = 253_402_300_799;

/// A secret shorter than this is accepted for the lab but flagged (RFC 7518 §3.2: a key of
/// at least the hash's size, 256 bits).
pub const MIN_STRONG_SECRET_LEN: usize = 32;

/// The claims this playground issues and checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string of canonical decimal digits (no sign, no leading zero).
    #[serde(deserialize_with = "user_id")]
    pub sub: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "numeric_date_opt")]
    pub iat: Option<i64>,
    #[serde(deserialize_with = "numeric_date")]
    pub exp: i64,
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "numeric_date_opt")]
    pub nbf: Option<i64>,
}

/// `sub`: a user id written as the server writes it, so that one user has one `sub` (`1`, never
/// `+1` or `0001`).
fn user_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let sub = String::deserialize(d)?;
    let canonical = (sub == "0" || !sub.starts_with('0'))
        && sub.bytes().all(|b| b.is_ascii_digit())
        && sub.parse::<u64>().is_ok();
    if !canonical {
        return Err(serde::de::Error::custom(format!(
            "sub {sub:?} is not a user id in canonical decimal"
        )));
    }
    Ok(sub)
}

/// A NumericDate (RFC 7519 §2): a JSON number of seconds in `0..=MAX_NUMERIC_DATE`, whole or
/// not; fractions are cut, since the checks compare whole seconds.
fn numeric_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let out_of_range = || serde::de::Error::custom(format!("a NumericDate must be between 0 and {MAX_NUMERIC_DATE} (the year 9999)"));
    match Value::deserialize(d)? {
        Value::Number(n) => match n.as_i64() {
            Some(whole) => Some(whole),
            None => n.as_f64().filter(|f| f.is_finite()).map(|f| f.floor() as i64),
        }
        .filter(|seconds| (0..=MAX_NUMERIC_DATE).contains(seconds))
        .ok_or_else(out_of_range),
        other => Err(serde::de::Error::custom(format!("a NumericDate must be a number, not {other}"))),
    }
}

fn numeric_date_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    numeric_date(d).map(Some)
}

/// Why a token was refused. `code()` is the stable name of API.md.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum JwtError {
    /// Not three base64url parts of JSON objects, or too large, or with bad claims.
    Malformed(String),
    /// `alg` is not exactly `HS256` (`none` included).
    UnsupportedAlg(String),
    BadSignature,
    /// `exp` is now or in the past (no leeway).
    Expired { exp: i64, now: i64 },
    /// `nbf` is in the future.
    NotYetValid { nbf: i64, now: i64 },
}

impl JwtError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed_token",
            Self::UnsupportedAlg(_) => "unsupported_alg",
            Self::BadSignature => "bad_signature",
            Self::Expired { .. } => "expired_token",
            Self::NotYetValid { .. } => "token_not_yet_valid",
        }
    }
}

impl std::fmt::Display for JwtError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Malformed(why) => write!(f, "the token is malformed: {why}"),
            Self::UnsupportedAlg(alg) => write!(f, "the token's alg is {alg}; only HS256 is accepted"),
            Self::BadSignature => f.write_str("the token's signature does not match its content and the server's secret"),
            Self::Expired { exp, now } => write!(f, "the token expired {} s ago (exp {exp})", now.saturating_sub(*exp)),
            Self::NotYetValid { nbf, now } => write!(f, "the token is not valid for another {} s (nbf {nbf})", nbf.saturating_sub(*now)),
        }
    }
}

impl std::error::Error for JwtError {}

fn malformed(why: impl Into<String>) -> JwtError {
    JwtError::Malformed(why.into())
}

/// A JSON object of a token's header or payload, names unique.
pub type Object = BTreeMap<String, Value>;

/// A token split into its parts and decoded, without any check of its signature or claims:
/// what the UI shows ("decoded").
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub header: Object,
    pub payload: Object,
    pub signature: Vec<u8>,
    /// `base64url(header) "." base64url(payload)`, exactly as received: what is signed.
    pub signing_input: String,
}

/// The three dot-separated parts of a compact JWS, within the size limit.
pub fn split(token: &str) -> Result<(&str, &str, &str), JwtError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(malformed(format!("it is {} bytes long; the limit is {MAX_TOKEN_LEN}", token.len())));
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(malformed("a JWS has exactly three parts separated by dots"));
    };
    Ok((h, p, s))
}

/// Splits and decodes `token`. Checks shape only.
pub fn decode(token: &str) -> Result<Decoded, JwtError> {
    let (h, p, s) = split(token)?;
    Ok(Decoded {
        header: object("header", h)?,
        payload: object("payload", p)?,
        signature: b64("signature", s)?,
        signing_input: format!("{h}.{p}"),
    })
}

fn b64(part: &str, text: &str) -> Result<Vec<u8>, JwtError> {
    B64.decode(text).map_err(|e| malformed(format!("the {part} is not canonical unpadded base64url ({e})")))
}

/// A part that is base64url of a JSON object with at most `MAX_MEMBERS` unique names
/// (RFC 7515 §4: duplicates MUST be rejected or handled predictably; we reject them, where a
/// plain map would silently keep the last).
fn object(part: &str, text: &str) -> Result<Object, JwtError> {
    serde_json::from_slice::<Unique>(&b64(part, text)?)
        .map(|unique| unique.0)
        .map_err(|e| malformed(format!("the {part} is not a JSON object with unique names ({e})")))
}

/// A JSON object read member by member, refusing a repeated name or too many members.
struct Unique(Object);

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Unique;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
                let mut object = Object::new();
                while let Some(name) = map.next_key::<String>()? {
                    if object.len() == MAX_MEMBERS {
                        return Err(serde::de::Error::custom(format!("more than {MAX_MEMBERS} members")));
                    }
                    if object.contains_key(&name) {
                        return Err(serde::de::Error::custom(format!("duplicate name \"{name}\"")));
                    }
                    let value = map.next_value()?;
                    object.insert(name, value);
                }
                Ok(Unique(object))
            }
        }
        d.deserialize_map(Visitor)
    }
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// The header of every token this playground signs (and the page re-signs).
pub const HS256_HEADER: &[u8] = br#"{"alg":"HS256","typ":"JWT"}"#;

/// Signs `claims` with HS256, under `HS256_HEADER`.
pub fn encode(claims: &Claims, secret: &[u8]) -> String {
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    sign_parts(HS256_HEADER, &payload, secret)
}

/// Signs any header and payload bytes as given: what the UI uses to re-sign a tampered token.
pub fn sign_parts(header: &[u8], payload: &[u8], secret: &[u8]) -> String {
    let signing_input = format!("{}.{}", B64.encode(header), B64.encode(payload));
    let mut mac = mac(secret);
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", B64.encode(mac.finalize().into_bytes()))
}

/// An HS256 key with HMAC's key schedule already done: the server keeps one per secret, so
/// verifying a token hashes only the token.
#[derive(Clone)]
pub struct Key(Hmac<Sha256>);

impl Key {
    pub fn new(secret: &[u8]) -> Key {
        Key(mac(secret))
    }
}

impl std::fmt::Debug for Key {
    /// Never the key material: debug output ends up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("jwt::Key(…)")
    }
}

/// Verifies `token` at time `now` (seconds since the epoch) and returns its claims.
pub fn verify(token: &str, secret: &[u8], now: i64) -> Result<Claims, JwtError> {
    verify_with(token, &Key::new(secret), now)
}

/// `verify` with a prepared key, step by step as the module's doc lists them.
pub fn verify_with(token: &str, key: &Key, now: i64) -> Result<Claims, JwtError> {
    // 1. split
    let (header, payload, signature) = split(token)?;
    let signing_input = &token[..header.len() + 1 + payload.len()];

    // 2. header, 3. alg: nothing else of the token is looked at before this holds.
    header_naming("HS256", header)?;

    // 4. MAC over `header "." payload` exactly as received; a signature of any other length
    // than 32 bytes is simply not this MAC (no truncated MACs).
    let signature = b64("signature", signature)?;
    let mut mac = key.0.clone();
    mac.update(signing_input.as_bytes());
    let expected: [u8; 32] = mac.finalize().into_bytes().into();
    let matches = <&[u8; 32]>::try_from(signature.as_slice()).is_ok_and(|signature| constant_time_eq::constant_time_eq_32(&expected, signature));
    if !matches {
        return Err(JwtError::BadSignature);
    }

    // 5. claims, from a payload the key holder signed; 6. time.
    claims_at(payload, now)
}

/// Steps 2 and 3: a header that names exactly `alg` and no critical extension.
fn header_naming(alg: &str, header: &str) -> Result<(), JwtError> {
    let header: Header = typed("header", header)?;
    match header.alg {
        Some(Value::String(named)) if named == alg => {}
        Some(Value::String(named)) => return Err(JwtError::UnsupportedAlg(named)),
        Some(other) => return Err(JwtError::UnsupportedAlg(other.to_string())),
        None => return Err(JwtError::UnsupportedAlg("missing".to_owned())),
    }
    if header.crit.is_some() {
        return Err(malformed("its header names critical extensions (crit) that this server does not understand"));
    }
    Ok(())
}

/// Steps 5 and 6: the payload's claims, typed, and valid at `now` with no leeway.
fn claims_at(payload: &str, now: i64) -> Result<Claims, JwtError> {
    let claims: Claims = typed("payload", payload)?;
    if now >= claims.exp {
        return Err(JwtError::Expired { exp: claims.exp, now });
    }
    if let Some(nbf) = claims.nbf
        && now < nbf
    {
        return Err(JwtError::NotYetValid { nbf, now });
    }
    Ok(claims)
}

/// DELIBERATELY VULNERABLE: the claims of an unsigned token (`"alg": "none"`, an empty
/// signature part, so the token ends with its second dot), checked like a signed one's
/// otherwise (steps 1, 2, 5 and 6 of `verify`). Nothing proves who wrote such a token:
/// accepting it lets anyone name any user, which is the lesson of the lab's `jwt_alg_none`
/// setting, the only caller. `alg` must be exactly `none`; a signature part that is not empty
/// is malformed (an unsigned token has none).
pub fn verify_unsigned(token: &str, now: i64) -> Result<Claims, JwtError> {
    let (header, payload, signature) = split(token)?;
    header_naming("none", header)?;
    if !signature.is_empty() {
        return Err(malformed("an unsigned token (alg none) has an empty signature part: it ends with its second dot"));
    }
    claims_at(payload, now)
}

/// The header members `verify` acts on; the others (`kid`, `typ`, …) are read, not used.
#[derive(Deserialize)]
struct Header {
    /// Anything, so that a wrong type is reported as it came.
    alg: Option<Value>,
    crit: Option<serde::de::IgnoredAny>,
}

/// A part read as `decode` reads it (`object`: unique names, at most `MAX_MEMBERS`), then
/// typed as `T`: the server accepts exactly the parts the UI can show.
fn typed<T: serde::de::DeserializeOwned>(part: &str, text: &str) -> Result<T, JwtError> {
    let object = object(part, text)?;
    serde_json::from_value(Value::Object(object.into_iter().collect())).map_err(|e| match part {
        "payload" => malformed(format!(
            "its claims are not as expected ({e}): sub a user id in decimal, exp a NumericDate"
        )),
        _ => malformed(format!("the {part} is not a JSON object as expected ({e})")),
    })
}

/// Whether a secret is too short to resist guessing (the seed's `mySecretKey` is).
pub fn is_weak_secret(secret: &[u8]) -> bool {
    secret.len() < MIN_STRONG_SECRET_LEN
}

/// base64url without padding, for callers that need the same alphabet (session ids).
pub fn b64url(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// The strict inverse of `b64url`.
pub fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    B64.decode(text).ok()
}

/// `b64url_decode` into exactly `N` (at most 48) bytes, without a heap copy: session ids,
/// on every request.
pub fn b64url_decode_exact<const N: usize>(text: &str) -> Option<[u8; N]> {
    // Room for base64's length estimate, which may exceed the decoded length by 2.
    let mut buf = [0u8; 50];
    if N > 48 || text.len() != (N * 4).div_ceil(3) {
        return None;
    }
    let n = B64.decode_slice(text, &mut buf).ok()?;
    if n != N {
        return None;
    }
    buf[..N].try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"a-secret-of-at-least-thirty-two-bytes!!";
    const NOW: i64 = 1_800_000_000;

    fn claims() -> Claims {
        Claims { sub: "1".into(), email: Some("a@b.com".into()), iat: Some(NOW - 10), exp: NOW + 3600, nbf: None }
    }

    fn with_header(header: &str, payload: &str) -> String {
        sign_parts(header.as_bytes(), payload.as_bytes(), SECRET)
    }

    #[test]
    fn exact_decoding_agrees_with_decoding() {
        let bytes: Vec<u8> = (0..16).collect();
        let text = b64url(&bytes);
        assert_eq!(b64url_decode_exact::<16>(&text).map(Vec::from), b64url_decode(&text));
        // Too short, too long, padded, non-canonical last character, wrong alphabet.
        let last = text.chars().last().unwrap();
        let noncanonical = format!("{}{}", &text[..21], alphabet_char(alphabet_index(last) ^ 1));
        for bad in [&text[..21], &format!("{text}A"), &format!("{text}=="), &noncanonical, &text.replace('A', "+")] {
            assert_eq!(b64url_decode_exact::<16>(bad), None, "{bad}");
            assert_eq!(b64url_decode(bad).filter(|b| b.len() == 16), None, "{bad}");
        }
    }

    #[test]
    fn round_trip() {
        let token = encode(&claims(), SECRET);
        assert_eq!(verify(&token, SECRET, NOW), Ok(claims()));
        assert_eq!(decode(&token).unwrap().header["alg"], "HS256");
    }

    /// RFC 7515 Appendix A.1: the HS256 example's signature verifies with its key. (Its `exp`
    /// lies in 2011, so full verification says expired, after the signature passed.)
    #[test]
    fn rfc7515_appendix_a1() {
        let key_b64 = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
        let key = B64.decode(key_b64).unwrap();
        let token = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9\
            .eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ\
            .dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        assert!(matches!(verify(token, &key, 1_300_819_379), Err(JwtError::Malformed(_))), "no sub claim, but the signature passed");
        assert_eq!(verify(token, b"another key", 0), Err(JwtError::BadSignature));
        let decoded = decode(token).unwrap();
        let mut mac = mac(&key);
        mac.update(decoded.signing_input.as_bytes());
        assert!(mac.verify_slice(&decoded.signature).is_ok());
        assert_eq!(decoded.payload["iss"], "joe");
    }

    #[test]
    fn the_same_header_in_other_bytes_verifies_alike() {
        let token = encode(&claims(), SECRET);
        let reordered = with_header(r#"{"typ":"JWT","alg":"HS256"}"#, &serde_json::to_string(&claims()).unwrap());
        assert_eq!(verify(&reordered, SECRET, NOW), verify(&token, SECRET, NOW));
        assert_eq!(verify(&token, b"another secret", NOW), Err(JwtError::BadSignature));
        let (_, rest) = token.split_once('.').unwrap();
        let header = B64.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
        assert_eq!(verify(&format!("{header}.{rest}="), SECRET, NOW).unwrap_err().code(), "malformed_token");
    }

    #[test]
    fn alg_is_checked_first_and_exactly() {
        let payload = serde_json::to_string(&claims()).unwrap();
        for (header, alg) in [
            (r#"{"alg":"none","typ":"JWT"}"#, "none"),
            (r#"{"alg":"HS512"}"#, "HS512"),
            (r#"{"alg":"hs256"}"#, "hs256"),
            (r#"{"alg":"RS256"}"#, "RS256"),
        ] {
            let token = with_header(header, &payload);
            assert_eq!(verify(&token, SECRET, NOW), Err(JwtError::UnsupportedAlg(alg.into())), "{header}");
        }
        // alg:none with an empty signature, the classic: still unsupported_alg, not bad_signature.
        let none = format!("{}.{}.", B64.encode(r#"{"alg":"none"}"#), B64.encode(&payload));
        assert_eq!(verify(&none, SECRET, NOW).unwrap_err().code(), "unsupported_alg");
        assert_eq!(verify(&with_header("{}", &payload), SECRET, NOW).unwrap_err().code(), "unsupported_alg");
        assert_eq!(verify(&with_header(r#"{"alg":5}"#, &payload), SECRET, NOW).unwrap_err().code(), "unsupported_alg");
    }

    fn unsigned(header: &str, payload: &str) -> String {
        format!("{}.{}.", B64.encode(header), B64.encode(payload))
    }

    /// The deliberately vulnerable path: an `alg: none` token with no signature names any user,
    /// its claims and time still checked; `verify` refuses the very same token.
    #[test]
    fn unsigned_tokens_pass_only_verify_unsigned_and_its_claim_checks() {
        let payload = r#"{"sub":"2","exp":1900000000}"#;
        let token = unsigned(r#"{"alg":"none","typ":"JWT"}"#, payload);
        assert!(token.ends_with('.'));
        assert_eq!(verify_unsigned(&token, NOW).map(|c| c.sub), Ok("2".to_owned()));
        assert_eq!(verify(&token, SECRET, NOW), Err(JwtError::UnsupportedAlg("none".into())));
        // Claims and time as for a signed token.
        assert_eq!(verify_unsigned(&unsigned(r#"{"alg":"none"}"#, r#"{"sub":"2","exp":0}"#), NOW), Err(JwtError::Expired { exp: 0, now: NOW }));
        let later = unsigned(r#"{"alg":"none"}"#, &format!(r#"{{"sub":"2","exp":1900000000,"nbf":{}}}"#, NOW + 1));
        assert_eq!(verify_unsigned(&later, NOW).unwrap_err().code(), "token_not_yet_valid");
        for bad_claims in [r#"{"sub":"02","exp":1900000000}"#, r#"{"sub":"2"}"#, "[1]"] {
            assert_eq!(verify_unsigned(&unsigned(r#"{"alg":"none"}"#, bad_claims), NOW).unwrap_err().code(), "malformed_token", "{bad_claims}");
        }
    }

    #[test]
    fn verify_unsigned_takes_exactly_alg_none_and_no_signature() {
        let payload = r#"{"sub":"1","exp":1900000000}"#;
        for (header, alg) in [(r#"{"alg":"HS256"}"#, "HS256"), (r#"{"alg":"None"}"#, "None"), (r#"{"alg":"NONE"}"#, "NONE"), ("{}", "missing"), (r#"{"alg":null}"#, "missing")] {
            assert_eq!(verify_unsigned(&unsigned(header, payload), NOW), Err(JwtError::UnsupportedAlg(alg.into())), "{header}");
        }
        // A signed token is not unsigned, whatever its signature.
        assert_eq!(verify_unsigned(&encode(&claims(), SECRET), NOW).unwrap_err().code(), "unsupported_alg");
        let signed_none = with_header(r#"{"alg":"none"}"#, payload);
        assert_eq!(verify_unsigned(&signed_none, NOW).unwrap_err().code(), "malformed_token", "a signature part on an unsigned token");
        let cases = [
            ("two parts", format!("{}.{}", B64.encode(r#"{"alg":"none"}"#), B64.encode(payload))),
            ("crit", unsigned(r#"{"alg":"none","crit":["exp"]}"#, payload)),
            ("padded payload", format!("{}.{}=.", B64.encode(r#"{"alg":"none"}"#), B64.encode(payload))),
            ("too long", format!("{}.{}.", "a".repeat(MAX_TOKEN_LEN), "b")),
        ];
        for (name, token) in cases {
            assert_eq!(verify_unsigned(&token, NOW).unwrap_err().code(), "malformed_token", "{name}");
        }
    }

    #[test]
    fn signature_must_match_fully() {
        let token = encode(&claims(), SECRET);
        assert_eq!(verify(&token, b"mySecretKey", NOW), Err(JwtError::BadSignature));
        let (signing_input, sig) = token.rsplit_once('.').unwrap();
        let raw = B64.decode(sig).unwrap();
        let truncated = format!("{signing_input}.{}", B64.encode(&raw[..16]));
        assert_eq!(verify(&truncated, SECRET, NOW), Err(JwtError::BadSignature));
        let empty = format!("{signing_input}.");
        assert_eq!(verify(&empty, SECRET, NOW), Err(JwtError::BadSignature));
        // A payload changed after signing.
        let mut forged = claims();
        forged.sub = "2".into();
        let forged_payload = B64.encode(serde_json::to_vec(&forged).unwrap());
        let (header, _) = signing_input.split_once('.').unwrap();
        assert_eq!(verify(&format!("{header}.{forged_payload}.{sig}"), SECRET, NOW), Err(JwtError::BadSignature));
    }

    #[test]
    fn base64url_must_be_canonical_and_unpadded() {
        let token = encode(&claims(), SECRET);
        let (rest, sig) = token.rsplit_once('.').unwrap();
        // 32 bytes of signature → 43 characters, whose last one carries 2 unused bits.
        let last = sig.chars().last().unwrap();
        let idx = alphabet_index(last);
        let noncanonical = alphabet_char(idx ^ 1);
        let cases = [
            format!("{rest}.{sig}="),
            format!("{rest}.{}{noncanonical}", &sig[..sig.len() - 1]),
            format!("{rest}.+{}", &sig[1..]),
            format!("{rest}.{sig} "),
        ];
        for bad in cases {
            assert_eq!(verify(&bad, SECRET, NOW).unwrap_err().code(), "malformed_token", "{bad}");
        }
    }

    fn alphabet_index(c: char) -> usize {
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".find(c).unwrap()
    }

    fn alphabet_char(i: usize) -> char {
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".chars().nth(i).unwrap()
    }

    #[test]
    fn structure_and_claims_are_typed() {
        let h = r#"{"alg":"HS256","typ":"JWT"}"#;
        let cases = [
            ("two parts", "abc.def".to_owned()),
            ("four parts", format!("{}.x", encode(&claims(), SECRET))),
            ("payload not an object", with_header(h, "[1,2]")),
            ("header not JSON", sign_parts(b"not json", b"{}", SECRET)),
            ("duplicate claim", with_header(h, r#"{"sub":"1","sub":"2","exp":1900000000}"#)),
            ("duplicate header name", with_header(r#"{"alg":"HS256","alg":"HS256"}"#, r#"{"sub":"1","exp":1900000000}"#)),
            ("exp missing", with_header(h, r#"{"sub":"1"}"#)),
            ("exp a string", with_header(h, r#"{"sub":"1","exp":"1900000000"}"#)),
            ("sub a number", with_header(h, r#"{"sub":1,"exp":1900000000}"#)),
            ("crit", with_header(r#"{"alg":"HS256","crit":["exp"]}"#, r#"{"sub":"1","exp":1900000000}"#)),
            ("too long", format!("{}.{}.x", "a".repeat(MAX_TOKEN_LEN), "b")),
        ];
        for (name, token) in cases {
            assert_eq!(verify(&token, SECRET, NOW).unwrap_err().code(), "malformed_token", "{name}");
        }
        // kid / jku are ignored, unknown claims too.
        let ok = with_header(r#"{"alg":"HS256","kid":"k1","jku":"https://evil.example/keys"}"#, r#"{"sub":"1","exp":1900000000,"role":"x"}"#);
        assert!(verify(&ok, SECRET, NOW).is_ok());
    }

    /// A payload is read only once the signature holds: a signed payload whose claims are not
    /// valid JSON values is malformed, the same payload under a wrong signature is a bad
    /// signature, and `decode` (the UI) calls it malformed either way. (The fuzzer found the
    /// first of these when `verify` still read payloads before the MAC.)
    #[test]
    fn payloads_are_read_only_under_a_valid_signature() {
        let payloads: [&[u8]; 4] = [
            b"{\"sub\":\"\xf5\",\"exp\":1900000000}",
            br#"{"sub":"1","exp":1e400}"#,
            br#"{"sub":"\ud800","exp":1900000000}"#,
            br#"{"sub":"1","exp":1900000000"#,
        ];
        let header = br#"{"alg":"HS256","typ":"JWT"}"#;
        for payload in payloads {
            let shown = String::from_utf8_lossy(payload);
            let signed = sign_parts(header, payload, SECRET);
            assert!(decode(&signed).is_err(), "{shown}");
            assert_eq!(verify(&signed, SECRET, NOW).unwrap_err().code(), "malformed_token", "{shown}");
            let forged = sign_parts(header, payload, b"another secret");
            assert_eq!(verify(&forged, SECRET, NOW), Err(JwtError::BadSignature), "{shown}");
        }
        // Values of every kind that `decode` accepts, `verify` accepts too.
        let fine = br#"{"sub":"1","exp":1900000000,"x":[null,true,-1,2.5e10,"\u00e9\ud83d\ude00",{"a":{}}]}"#;
        let token = sign_parts(header, fine, SECRET);
        assert!(decode(&token).is_ok());
        assert!(verify(&token, SECRET, NOW).is_ok());
    }

    /// One contract for the server and the page: every signed token in this table is read the
    /// same way by `verify` (the server) and `decode` (the UI). A part with a repeated name,
    /// more than `MAX_MEMBERS` members or a value JSON cannot hold is malformed for both,
    /// in the header or the payload; the same tokens under a wrong signature are a bad
    /// signature (a payload is read only under a valid one).
    #[test]
    fn verify_and_decode_read_the_same_tokens() {
        let many = |extra: usize| {
            let members: Vec<String> = (0..extra).map(|i| format!("\"m{i}\":{i}")).collect();
            members.join(",")
        };
        let header = r#"{"alg":"HS256","typ":"JWT"}"#.to_owned();
        let payload = r#"{"sub":"1","exp":1900000000}"#.to_owned();
        let h_with = |members: &str| format!(r#"{{"alg":"HS256",{members}}}"#);
        let p_with = |members: &str| format!(r#"{{"sub":"1","exp":1900000000,{members}}}"#);
        // (what, header, payload, accepted)
        let table: Vec<(&str, String, String, bool)> = vec![
            ("plain", header.clone(), payload.clone(), true),
            (
                "64 header members",
                h_with(&many(MAX_MEMBERS - 1)),
                payload.clone(),
                true,
            ),
            (
                "65 header members",
                h_with(&many(MAX_MEMBERS)),
                payload.clone(),
                false,
            ),
            (
                "64 payload members",
                header.clone(),
                p_with(&many(MAX_MEMBERS - 2)),
                true,
            ),
            (
                "65 payload members",
                header.clone(),
                p_with(&many(MAX_MEMBERS - 1)),
                false,
            ),
            (
                "a header name twice",
                r#"{"alg":"HS256","kid":"a","kid":"b"}"#.to_owned(),
                payload.clone(),
                false,
            ),
            (
                "alg twice",
                r#"{"alg":"HS256","alg":"HS256"}"#.to_owned(),
                payload.clone(),
                false,
            ),
            (
                "a payload name twice",
                header.clone(),
                p_with(r#""x":1,"x":2"#),
                false,
            ),
            (
                "sub twice",
                header.clone(),
                r#"{"sub":"1","sub":"2","exp":1900000000}"#.to_owned(),
                false,
            ),
            (
                "a number JSON cannot hold",
                header.clone(),
                p_with(r#""x":1e400"#),
                false,
            ),
            (
                "a lone surrogate",
                header.clone(),
                p_with(r#""x":["\ud800"]"#),
                false,
            ),
            (
                "values of every kind",
                header.clone(),
                p_with(r#""x":[null,true,-1,2.5e10,"\u00e9\ud83d\ude00",{"a":{}}]"#),
                true,
            ),
        ];
        for (what, header, payload, accepted) in table {
            let signed = sign_parts(header.as_bytes(), payload.as_bytes(), SECRET);
            assert_eq!(decode(&signed).is_ok(), accepted, "decode: {what}");
            match verify(&signed, SECRET, NOW) {
                Ok(claims) => assert!(accepted && claims.sub == "1", "verify accepted {what}"),
                Err(e) => assert!(
                    !accepted && e.code() == "malformed_token",
                    "verify: {what}: {e}"
                ),
            }
            // A header is read before the MAC, a payload only under a valid one.
            if object("header", &B64.encode(&header)).is_ok() {
                assert_eq!(
                    verify(
                        &sign_parts(header.as_bytes(), payload.as_bytes(), b"x"),
                        SECRET,
                        NOW
                    ),
                    Err(JwtError::BadSignature),
                    "{what}"
                );
            }
        }
    }

    /// `sub` names a user in canonical decimal: one user, one way to write it.
    #[test]
    fn sub_is_a_user_id_in_canonical_decimal() {
        let header = br#"{"alg":"HS256"}"#;
        for (sub, accepted) in [
            ("1", true),
            ("0", true),
            ("18446744073709551615", true),
            ("+1", false),
            ("0001", false),
            ("-1", false),
            ("1.0", false),
            ("", false),
            (" 1", false),
            ("18446744073709551616", false),
        ] {
            let payload = format!(r#"{{"sub":"{sub}","exp":1900000000}}"#);
            let verdict = verify(&sign_parts(header, payload.as_bytes(), SECRET), SECRET, NOW);
            assert_eq!(verdict.is_ok(), accepted, "sub {sub:?}: {verdict:?}");
            if !accepted {
                assert_eq!(
                    verdict.unwrap_err().code(),
                    "malformed_token",
                    "sub {sub:?}"
                );
            }
        }
    }

    /// NumericDates outside 0..=year 9999 are malformed, however they are written: no
    /// arithmetic on them may overflow (a 5xx once) and no page must be asked to show them.
    #[test]
    fn numeric_dates_are_bounded() {
        let h = r#"{"alg":"HS256"}"#;
        for date in ["-9223372036854775000", "-1", "-0.5", "253402300800", "9223372036854775807", "18446744073709551615", "1e13", "1e300"] {
            for claim in ["exp", "iat", "nbf"] {
                let payload = if claim == "exp" { format!(r#"{{"sub":"1","exp":{date}}}"#) } else { format!(r#"{{"sub":"1","exp":1900000000,"{claim}":{date}}}"#) };
                let token = with_header(h, &payload);
                assert_eq!(verify(&token, SECRET, NOW).unwrap_err().code(), "malformed_token", "{payload}");
            }
        }
        let last = with_header(h, &format!(r#"{{"sub":"1","exp":{MAX_NUMERIC_DATE}}}"#));
        assert_eq!(verify(&last, SECRET, NOW).map(|c| c.exp), Ok(MAX_NUMERIC_DATE));
        let expired = with_header(h, r#"{"sub":"1","exp":0}"#);
        assert_eq!(verify(&expired, SECRET, NOW), Err(JwtError::Expired { exp: 0, now: NOW }));
        assert!(JwtError::Expired { exp: 0, now: i64::MAX }.to_string().contains("expired"));
    }

    #[test]
    fn time_claims_have_no_leeway() {
        let mut c = claims();
        c.exp = NOW;
        assert_eq!(verify(&encode(&c, SECRET), SECRET, NOW), Err(JwtError::Expired { exp: NOW, now: NOW }));
        c.exp = NOW + 1;
        assert!(verify(&encode(&c, SECRET), SECRET, NOW).is_ok());
        c.nbf = Some(NOW + 1);
        assert_eq!(verify(&encode(&c, SECRET), SECRET, NOW).unwrap_err().code(), "token_not_yet_valid");
        c.nbf = Some(NOW);
        assert!(verify(&encode(&c, SECRET), SECRET, NOW).is_ok());
    }

    #[test]
    fn fractional_numeric_dates_are_numbers() {
        let token = with_header(r#"{"alg":"HS256"}"#, r#"{"sub":"1","exp":1900000000.5,"iat":1.0}"#);
        assert_eq!(verify(&token, SECRET, NOW).map(|c| c.exp), Ok(1_900_000_000));
    }

    #[test]
    fn weak_secrets_are_flagged() {
        assert!(is_weak_secret(b"mySecretKey"));
        assert!(!is_weak_secret(SECRET));
    }

    /// Found by `cargo fuzz run jwt` (2026-11-25): a payload that is JSON but repeats a name
    /// (`{"": 6, "": {}}`, with whitespace) re-signs into a token that `decode` and `verify`
    /// refuse as a malformed payload, not as anything else, and never panic.
    #[test]
    fn re_signed_payload_with_a_repeated_name_is_a_malformed_payload() {
        let payload = b"{\n \"\"    :\n\n\n         \t6\t\n, \"\" :\n\n   {}}";
        let token = sign_parts(br#"{"alg":"HS256"}"#, payload, b"k");
        let err = decode(&token).unwrap_err();
        assert!(err.to_string().contains("payload") && err.to_string().contains("duplicate"), "{err}");
        assert_eq!(verify(&token, b"k", NOW).unwrap_err().code(), "malformed_token");
    }
}
