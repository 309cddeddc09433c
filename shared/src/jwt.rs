//! HS256 JSON Web Tokens (RFC 7519 / RFC 7515), built on hmac + sha2 + base64, no I/O.
//!
//! The backend verifies with this code and the UI decodes, tampers and re-signs with the very
//! same code. Verification is strict on purpose: the header's `alg` is checked before anything
//! else, base64url must be canonical, claims are typed and unique, and the signature is
//! compared in constant time over the exact bytes received.

use std::collections::BTreeMap;

use base64::{
    Engine as _,
    alphabet,
    engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig},
};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, value::RawValue};
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

/// A secret shorter than this is accepted for the lab but flagged (RFC 7518 §3.2: a key of
/// at least the hash's size, 256 bits).
pub const MIN_STRONG_SECRET_LEN: usize = 32;

/// The claims this playground issues and checks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Claims {
    /// The user id, as a string.
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

/// A NumericDate (RFC 7519 §2): any JSON number of seconds; fractions are cut, since the
/// checks compare whole seconds.
fn numeric_date<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f.floor() as i64))
            .ok_or_else(|| serde::de::Error::custom("a NumericDate out of range")),
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
            Self::Expired { exp, now } => write!(f, "the token expired {} s ago (exp {exp})", now - exp),
            Self::NotYetValid { nbf, now } => write!(f, "the token is not valid for another {} s (nbf {nbf})", nbf - now),
        }
    }
}

impl std::error::Error for JwtError {}

fn malformed(why: impl Into<String>) -> JwtError {
    JwtError::Malformed(why.into())
}

/// A token split into its parts and decoded, without any check of its signature or claims:
/// what the UI shows ("decoded") and the first step of `verify`.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    pub header: BTreeMap<String, Value>,
    pub payload: BTreeMap<String, Value>,
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
    let header = json_object("header", &b64("header", h)?)?;
    let payload = json_object("payload", &b64("payload", p)?)?;
    let signature = b64("signature", s)?;
    Ok(Decoded { header, payload, signature, signing_input: format!("{h}.{p}") })
}

fn b64(part: &str, text: &str) -> Result<Vec<u8>, JwtError> {
    B64.decode(text).map_err(|e| malformed(format!("the {part} is not canonical unpadded base64url ({e})")))
}

/// A JSON object whose member names are unique (RFC 7515 §4: duplicates MUST be rejected
/// or handled predictably; we reject them), read in the pass that checks them: a map alone
/// would keep the last of two equal names silently.
fn json_object(part: &str, bytes: &[u8]) -> Result<BTreeMap<String, Value>, JwtError> {
    unique_object(part, bytes)
}

/// One pass over a JSON object that refuses a name seen before and hands each value to `C`.
fn unique_object<'de, C: Collect<'de>>(part: &str, bytes: &'de [u8]) -> Result<C, JwtError> {
    serde_json::from_slice::<Unique<C>>(bytes)
        .map(|unique| unique.0)
        .map_err(|e| malformed(format!("the {part} is not a JSON object with unique names ({e})")))
}

/// What a pass over an object keeps of its values.
trait Collect<'de>: Default {
    fn value<A: serde::de::MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error>;
}

/// Keeps every value (`decode`, for the UI).
impl<'de> Collect<'de> for BTreeMap<String, Value> {
    fn value<A: serde::de::MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
        self.insert(name.to_owned(), map.next_value()?);
        Ok(())
    }
}

/// Any JSON value, checked the way reading it into a `serde_json::Value` checks it (UTF-8,
/// escapes and surrogates, numbers in range) but kept nowhere: `verify` must refuse exactly
/// the payloads `decode` refuses, without building what `decode` builds. (Skipping a value,
/// `IgnoredAny`, checks less: the fuzzer found a token with bad UTF-8 in an unread member that
/// `decode` refused and `verify` did not.)
struct Checked;

impl<'de> Deserialize<'de> for Checked {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Checked;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_str<E>(self, _: &str) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_unit<E>(self) -> Result<Checked, E> {
                Ok(Checked)
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Checked, A::Error> {
                while seq.next_element::<Checked>()?.is_some() {}
                Ok(Checked)
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Checked, A::Error> {
                while map.next_key::<Checked>()?.is_some() {
                    map.next_value::<Checked>()?;
                }
                Ok(Checked)
            }
        }
        d.deserialize_any(Visitor)
    }
}

struct Unique<C>(C);

impl<'de, C: Collect<'de>> Deserialize<'de> for Unique<C> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor<C>(std::marker::PhantomData<C>);
        impl<'de, C: Collect<'de>> serde::de::Visitor<'de> for Visitor<C> {
            type Value = Unique<C>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Unique<C>, A::Error> {
                let mut collected = C::default();
                let mut seen: Vec<Name<'de>> = Vec::with_capacity(8);
                while let Some(name) = map.next_key::<Name<'de>>()? {
                    if seen.contains(&name) {
                        return Err(serde::de::Error::custom(format!("duplicate name \"{}\"", name.0)));
                    }
                    collected.value(&name.0, &mut map)?;
                    seen.push(name);
                }
                Ok(Unique(collected))
            }
        }
        d.deserialize_map(Visitor(std::marker::PhantomData))
    }
}

/// A member name, borrowed from the input unless it holds escapes (serde's own `Cow<str>`
/// always copies).
#[derive(PartialEq)]
struct Name<'de>(std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for Name<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Name<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Name<'de>, E> {
                Ok(Name(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<Name<'de>, E> {
                Ok(Name(std::borrow::Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(Visitor)
    }
}

/// The claims' JSON values as they stand in the payload, found by the pass that also refuses
/// repeated names. They are typed only after the signature holds, the order `verify` has
/// always had: a forged token is `bad_signature` whatever its claims look like.
#[derive(Default)]
struct RawClaims<'de> {
    sub: Option<&'de RawValue>,
    email: Option<&'de RawValue>,
    iat: Option<&'de RawValue>,
    exp: Option<&'de RawValue>,
    nbf: Option<&'de RawValue>,
}

impl<'de> Collect<'de> for RawClaims<'de> {
    fn value<A: serde::de::MapAccess<'de>>(&mut self, name: &str, map: &mut A) -> Result<(), A::Error> {
        let slot = match name {
            "sub" => &mut self.sub,
            "email" => &mut self.email,
            "iat" => &mut self.iat,
            "exp" => &mut self.exp,
            "nbf" => &mut self.nbf,
            _ => return map.next_value::<Checked>().map(|_| ()),
        };
        let raw: &'de RawValue = map.next_value()?;
        // Checked now like any other value (the raw text itself is only known to be JSON);
        // typed after the signature.
        serde_json::from_str::<Checked>(raw.get()).map_err(serde::de::Error::custom)?;
        *slot = Some(raw);
        Ok(())
    }
}

impl RawClaims<'_> {
    /// The typed claims: `sub` a string, `exp` a NumericDate, the rest optional.
    fn typed(&self) -> Result<Claims, String> {
        fn required<'a>(name: &str, raw: Option<&'a RawValue>) -> Result<&'a RawValue, String> {
            raw.ok_or_else(|| format!("missing field `{name}`"))
        }
        let bad = |name: &'static str| move |e: serde_json::Error| format!("{name}: {e}");
        let date = |name, raw: &RawValue| numeric_date(&mut serde_json::Deserializer::from_str(raw.get())).map_err(bad(name));
        Ok(Claims {
            sub: serde_json::from_str(required("sub", self.sub)?.get()).map_err(bad("sub"))?,
            email: self.email.map(|raw| serde_json::from_str::<Option<String>>(raw.get())).transpose().map_err(bad("email"))?.flatten(),
            iat: self.iat.map(|raw| date("iat", raw)).transpose()?,
            exp: date("exp", required("exp", self.exp)?)?,
            nbf: self.nbf.map(|raw| date("nbf", raw)).transpose()?,
        })
    }
}

/// A payload read for `verify_with`: typed already, or found by the JSON pass and typed
/// after the signature.
enum Payload<'de> {
    Standard(Claims),
    Parsed(RawClaims<'de>),
}

/// The claims of a payload in exactly the form `encode` writes for the tokens this server
/// issues, `{"sub":"1","email":"a@b.com","iat":1,"exp":2}`, read without a JSON parser;
/// `None` for any other payload, which the parser then reads. Only strings without escapes
/// (printable ASCII) and whole numbers without a sign, fraction or leading zero qualify, so
/// every payload read here is valid JSON with unique names and reads to the same claims
/// through the parser (tests `standard_payloads_read_as_the_parser_reads_them` and
/// `payloads_near_the_standard_form_go_to_the_parser`; fuzz target `jwt`). The parser took
/// about 30% of a verify (perf).
fn standard_claims(payload: &[u8]) -> Option<Claims> {
    let rest = payload.strip_prefix(br#"{"sub":""#)?;
    let (sub, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix(br#","email":""#)?;
    let (email, rest) = plain_string(rest)?;
    let rest = rest.strip_prefix(br#","iat":"#)?;
    let (iat, rest) = whole_number(rest)?;
    let rest = rest.strip_prefix(br#","exp":"#)?;
    let (exp, rest) = whole_number(rest)?;
    (rest == b"}").then(|| Claims { sub: sub.to_owned(), email: Some(email.to_owned()), iat: Some(iat), exp, nbf: None })
}

/// A JSON string's contents up to its closing quote, when it is printable ASCII without
/// escapes (so it means exactly its bytes), and what follows the quote.
fn plain_string(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let end = bytes.iter().position(|&b| b == b'"')?;
    let (text, rest) = (&bytes[..end], &bytes[end + 1..]);
    if !text.iter().all(|&b| (0x20..0x7f).contains(&b) && b != b'\\') {
        return None;
    }
    Some((std::str::from_utf8(text).ok()?, rest))
}

/// A JSON number that is a whole number fitting an `i64` (no sign, no leading zero), and
/// what follows it; a fraction or exponent after it fails the caller's next match.
fn whole_number(bytes: &[u8]) -> Option<(i64, &[u8])> {
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 || (digits > 1 && bytes[0] == b'0') {
        return None;
    }
    let value = bytes[..digits].iter().try_fold(0i64, |n, &d| n.checked_mul(10)?.checked_add(i64::from(d - b'0')))?;
    Some((value, &bytes[digits..]))
}

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    // HMAC takes keys of any length, so this cannot fail.
    <Hmac<Sha256> as Mac>::new_from_slice(secret).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))
}

/// The header `encode` writes, `{"alg":"HS256","typ":"JWT"}`, as it appears in a token.
/// Nearly every HS256 token carries exactly these bytes, so `verify_with` knows their answer.
const STANDARD_HEADER: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";

/// Signs `claims` with HS256: `{"alg":"HS256","typ":"JWT"}`.
pub fn encode(claims: &Claims, secret: &[u8]) -> String {
    let payload = serde_json::to_vec(claims).unwrap_or_default();
    sign_parts(br#"{"alg":"HS256","typ":"JWT"}"#, &payload, secret)
}

/// Signs any header and payload bytes as given: what the UI uses to re-sign a tampered token.
pub fn sign_parts(header: &[u8], payload: &[u8], secret: &[u8]) -> String {
    let signing_input = format!("{}.{}", B64.encode(header), B64.encode(payload));
    let mut mac = mac(secret);
    mac.update(signing_input.as_bytes());
    format!("{signing_input}.{}", B64.encode(mac.finalize().into_bytes()))
}

/// An HS256 key with HMAC's key schedule already done: the server keeps one per secret, so
/// verifying a token hashes only the token (two SHA-256 blocks fewer each time).
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

/// `verify` with a prepared key. The checks and their order are `decode`'s, then the
/// algorithm, then the signature, then the claims; the work is less: the MAC runs over the
/// received bytes in place, and one pass over the payload both checks its names and finds
/// the claims.
pub fn verify_with(token: &str, key: &Key, now: i64) -> Result<Claims, JwtError> {
    let (h, p, s) = split(token)?;
    // The standard header always parses to the same answer (HS256, no `crit`): skip the work.
    let header = if h == STANDARD_HEADER { None } else { Some(json_object("header", &b64("header", h)?)?) };
    // Decoded on the stack when it fits (an issued payload is ~65 bytes); a larger one, or
    // an error to report, takes the allocating decoder.
    let mut small = [0u8; 256];
    let large;
    let payload: &[u8] = match B64.decode_slice(p, &mut small) {
        Ok(n) => &small[..n],
        Err(_) => {
            large = b64("payload", p)?;
            &large
        }
    };
    let claims = match standard_claims(payload) {
        Some(claims) => Payload::Standard(claims),
        None => Payload::Parsed(unique_object::<RawClaims<'_>>("payload", payload)?),
    };
    // A MAC is 32 bytes; other well-formed lengths are simply not a valid signature.
    let signature = match b64url_decode_exact::<32>(s) {
        Some(signature) => Some(signature),
        None => b64("signature", s).map(|_| None)?,
    };
    // The algorithm first, before anything else is trusted (alg confusion, "none").
    if let Some(header) = header {
        match header.get("alg") {
            Some(Value::String(alg)) if alg == "HS256" => {}
            Some(Value::String(alg)) => return Err(JwtError::UnsupportedAlg(alg.clone())),
            Some(other) => return Err(JwtError::UnsupportedAlg(other.to_string())),
            None => return Err(JwtError::UnsupportedAlg("missing".to_owned())),
        }
        if header.contains_key("crit") {
            return Err(malformed("its header names critical extensions (crit) that this server does not understand"));
        }
    }
    let mut mac = key.0.clone();
    // The signing input exactly as received: `header "." payload`.
    mac.update(&token.as_bytes()[..h.len() + 1 + p.len()]);
    // Compared in constant time, all 32 bytes: no truncated MACs. (`Mac::verify_slice` does
    // the same through `subtle`, which fences every byte: 36 ns of a request by perf.)
    let expected: [u8; 32] = mac.finalize().into_bytes().into();
    if !signature.is_some_and(|signature| constant_time_eq::constant_time_eq_32(&expected, &signature)) {
        return Err(JwtError::BadSignature);
    }

    let claims = match claims {
        Payload::Standard(claims) => claims,
        Payload::Parsed(raw) => raw.typed().map_err(|e| malformed(format!("its claims are not as expected ({e}): sub a string, exp a number")))?,
    };
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
    fn the_standard_header_is_what_encode_writes_and_verifies_like_any_other() {
        assert_eq!(B64.encode(r#"{"alg":"HS256","typ":"JWT"}"#), STANDARD_HEADER);
        let token = encode(&claims(), SECRET);
        assert!(token.starts_with(&format!("{STANDARD_HEADER}.")));
        // The same header in other bytes (member order) takes the parsing path: same answers.
        let reordered = with_header(r#"{"typ":"JWT","alg":"HS256"}"#, &serde_json::to_string(&claims()).unwrap());
        assert_eq!(verify(&reordered, SECRET, NOW), verify(&token, SECRET, NOW));
        assert_eq!(verify(&token, b"another secret", NOW), Err(JwtError::BadSignature));
        let (_, rest) = token.split_once('.').unwrap();
        assert_eq!(verify(&format!("{STANDARD_HEADER}.{rest}="), SECRET, NOW).unwrap_err().code(), "malformed_token");
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

    /// Found by the fuzzer: `verify` skipped values it does not read, and so accepted a payload
    /// that `decode` (the UI) calls malformed. Each of these is malformed for both, whether the
    /// signature holds or not.
    #[test]
    fn values_verify_does_not_read_are_checked_as_decode_checks_them() {
        let payloads: [&[u8]; 6] = [
            b"{\"alg\":\"HS1\xf56\",\"sub\":\"1\",\"exp\":1900000000}",
            br#"{"sub":"1","exp":1900000000,"x":1e400}"#,
            br#"{"sub":"1","exp":1e400}"#,
            br#"{"sub":"\ud800","exp":1900000000}"#,
            br#"{"sub":"1","exp":1900000000,"x":["\ud800"]}"#,
            br#"{"sub":"1","exp":1900000000,"x":{"y":-1e999}}"#,
        ];
        let header = br#"{"alg":"HS256","typ":"JWT"}"#;
        for payload in payloads {
            for secret in [SECRET, b"another secret".as_slice()] {
                let token = sign_parts(header, payload, secret);
                assert!(decode(&token).is_err(), "{}", String::from_utf8_lossy(payload));
                assert_eq!(verify(&token, SECRET, NOW).unwrap_err().code(), "malformed_token", "{}", String::from_utf8_lossy(payload));
            }
        }
        // Values of every kind that `decode` accepts, `verify` accepts too.
        let fine = br#"{"sub":"1","exp":1900000000,"x":[null,true,-1,2.5e10,"\u00e9\ud83d\ude00",{"a":{}}]}"#;
        let token = sign_parts(header, fine, SECRET);
        assert!(decode(&token).is_ok());
        assert!(verify(&token, SECRET, NOW).is_ok());
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

    /// What the JSON pass makes of a payload, typed.
    fn parsed(payload: &str) -> Result<Claims, String> {
        unique_object::<RawClaims<'_>>("payload", payload.as_bytes()).map_err(|e| e.to_string())?.typed()
    }

    #[test]
    fn standard_payloads_read_as_the_parser_reads_them() {
        let issued = encode(&claims(), SECRET);
        let payload = b64url_decode(issued.split('.').nth(1).unwrap()).unwrap();
        assert!(standard_claims(&payload).is_some(), "the tokens this server issues take the short way");
        for payload in [
            std::str::from_utf8(&payload).unwrap(),
            r#"{"sub":"1","email":"a@b.com","iat":0,"exp":1}"#,
            r#"{"sub":"","email":"","iat":999999999999999999,"exp":9223372036854775807}"#,
            r#"{"sub":"user 7 ~!@#$%^&*()_+{}[]|:;'<>,.?/","email":"x y@z","iat":10,"exp":20}"#,
        ] {
            let standard = standard_claims(payload.as_bytes());
            assert_eq!(standard.as_ref(), Some(&parsed(payload).unwrap()), "{payload}");
        }
    }

    #[test]
    fn payloads_near_the_standard_form_go_to_the_parser() {
        for payload in [
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2} "#,
            r#" {"sub":"1","email":"a@b.com","iat":1,"exp":2}"#,
            r#"{"sub": "1","email":"a@b.com","iat":1,"exp":2}"#,
            r#"{"sub":"a\"b","email":"a@b.com","iat":1,"exp":2}"#,
            r#"{"sub":"a\\","email":"a@b.com","iat":1,"exp":2}"#,
            r#"{"sub":"\u0031","email":"a@b.com","iat":1,"exp":2}"#,
            "{\"sub\":\"\u{e9}\",\"email\":\"a@b.com\",\"iat\":1,\"exp\":2}",
            "{\"sub\":\"a\tb\",\"email\":\"a@b.com\",\"iat\":1,\"exp\":2}",
            "{\"sub\":\"a\u{7f}\",\"email\":\"a@b.com\",\"iat\":1,\"exp\":2}",
            r#"{"sub":"1","email":null,"iat":1,"exp":2}"#,
            r#"{"sub":1,"email":"a@b.com","iat":1,"exp":2}"#,
            r#"{"sub":"1","email":"a@b.com","iat":01,"exp":2}"#,
            r#"{"sub":"1","email":"a@b.com","iat":-1,"exp":2}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2.5}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2e3}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":9223372036854775808}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2,"nbf":3}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2,"exp":3}"#,
            r#"{"sub":"1","email":"a@b.com","exp":2,"iat":1}"#,
            r#"{"sub":"1","iat":1,"exp":2}"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2"#,
            r#"{"sub":"1","email":"a@b.com","iat":1,"exp":2}}"#,
            r#"{"sub":"1"#,
            "",
        ] {
            assert_eq!(standard_claims(payload.as_bytes()), None, "{payload}");
        }
        // Invalid UTF-8 inside a string is the parser's to refuse.
        assert_eq!(standard_claims(b"{\"sub\":\"\xff\",\"email\":\"a@b.com\",\"iat\":1,\"exp\":2}"), None);
    }
}
