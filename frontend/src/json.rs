//! Reading JSON in the page: the backend's answers, the live log, a shared link.
//!
//! Serde's derived `Deserialize` costs the wasm kilobytes per type (a visitor for every
//! shape, field names, error messages, all instantiated per deserializer); for the dozen
//! types the page reads that was an eighth of the download. Here text is parsed once into a
//! `serde_json::Value` (the parser the JWT code needs anyway) and read by small `FromJson`
//! impls. The server stays strict about what it accepts; the page only needs to read what
//! the server wrote, so a value of the wrong shape is simply `None`.

use std::collections::BTreeMap;

use serde_json::Value;
use shared::{
    cookie::{CookiePolicy, SameSite},
    cors::{AllowOrigin, CorsPolicy, browser::CredentialsMode},
    wire::{Credentials, Defenses, Instance, LogEntry, SiteLinks},
};

/// A type the page reads from JSON, in the shape serde writes it.
pub trait FromJson: Sized {
    fn from_json(value: &Value) -> Option<Self>;
}

/// Parses JSON text. Bytes, as `jwt::decode` parses them: one parser in the wasm, not two.
pub fn value(text: &str) -> Option<Value> {
    serde_json::from_slice(text.as_bytes()).ok()
}

/// Parses `text` as a `T`.
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&value(text)?)
}

/// The member `name` of an object; a missing member reads as `null`, as serde reads a
/// missing `Option` field.
pub fn member<T: FromJson>(object: &Value, name: &str) -> Option<T> {
    T::from_json(object.get(name).unwrap_or(&Value::Null))
}

impl FromJson for String {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_str().map(str::to_owned)
    }
}

impl FromJson for bool {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_bool()
    }
}

impl FromJson for u64 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_u64()
    }
}

impl FromJson for u32 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_u64()?.try_into().ok()
    }
}

impl FromJson for u16 {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_u64()?.try_into().ok()
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &Value) -> Option<Self> {
        if value.is_null() { Some(None) } else { T::from_json(value).map(Some) }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value) -> Option<Self> {
        value.as_array()?.iter().map(T::from_json).collect()
    }
}

/// A pair, which serde writes as a two-element array.
impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn from_json(value: &Value) -> Option<Self> {
        match value.as_array()?.as_slice() {
            [a, b] => Some((A::from_json(a)?, B::from_json(b)?)),
            _ => None,
        }
    }
}

impl FromJson for BTreeMap<String, String> {
    fn from_json(value: &Value) -> Option<Self> {
        // Inserted one by one: collecting into a map would sort, and a sort costs kilobytes.
        let mut map = BTreeMap::new();
        for (name, v) in value.as_object()? {
            map.insert(name.clone(), String::from_json(v)?);
        }
        Some(map)
    }
}

/// `FromJson` for structs serde writes as objects with one member per field. Listing the
/// fields in a struct literal makes a field added to the type a compile error here.
macro_rules! from_json_objects {
    ($($type:path { $($field:ident),* $(,)? })*) => {$(
        impl $crate::json::FromJson for $type {
            fn from_json(value: &::serde_json::Value) -> Option<Self> {
                Some(Self { $($field: $crate::json::member(value, stringify!($field))?),* })
            }
        }
    )*};
}
pub(crate) use from_json_objects;

from_json_objects! {
    CorsPolicy { enabled, allow_origin, allow_credentials, allow_methods, allow_headers, expose_headers, max_age }
    CookiePolicy { same_site, secure, http_only }
    Defenses { origin_check, json_only }
    SiteLinks { same_site, cross_site }
    Instance { name, store, peers }
    Credentials { cookie, authorization }
    LogEntry { seq, at, rid, method, path, origin, preflight, request_headers, credentials, status, response_headers, cors, auth }
}

/// `{"mode": "list", "origins": [...]}` and the other modes.
impl FromJson for AllowOrigin {
    fn from_json(value: &Value) -> Option<Self> {
        Some(match member::<String>(value, "mode")?.as_str() {
            "none" => AllowOrigin::None,
            "any" => AllowOrigin::Any,
            "reflect" => AllowOrigin::Reflect,
            "list" => AllowOrigin::List { origins: member(value, "origins")? },
            _ => return None,
        })
    }
}

impl FromJson for SameSite {
    fn from_json(value: &Value) -> Option<Self> {
        SameSite::ALL.into_iter().find(|s| value.as_str() == Some(s.as_str()))
    }
}

impl FromJson for CredentialsMode {
    fn from_json(value: &Value) -> Option<Self> {
        CredentialsMode::ALL.into_iter().find(|m| value.as_str() == Some(m.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What the server writes (serde's derived `Serialize`) the page reads back unchanged.
    #[test]
    fn reads_what_serde_writes() {
        let policy = CorsPolicy {
            max_age: Some(600),
            expose_headers: vec!["X-Total".into()],
            ..CorsPolicy::secure_default("http://localhost:8080")
        };
        assert_eq!(parse::<CorsPolicy>(&serde_json::to_string(&policy).unwrap()), Some(policy));
        for allow_origin in [AllowOrigin::None, AllowOrigin::Any, AllowOrigin::Reflect] {
            let text = serde_json::to_string(&allow_origin).unwrap();
            assert_eq!(parse::<AllowOrigin>(&text), Some(allow_origin));
        }
        let cookie = CookiePolicy { same_site: SameSite::None, secure: true, http_only: false };
        assert_eq!(parse::<CookiePolicy>(&serde_json::to_string(&cookie).unwrap()), Some(cookie));
        for mode in CredentialsMode::ALL {
            assert_eq!(parse::<CredentialsMode>(&serde_json::to_string(&mode).unwrap()), Some(mode));
        }
        let entry = LogEntry {
            seq: 3,
            at: "2026-01-01T00:00:00.000Z".into(),
            rid: None,
            method: "OPTIONS".into(),
            path: "/api/profile".into(),
            origin: Some("null".into()),
            preflight: true,
            request_headers: BTreeMap::from([("access-control-request-method".into(), "PUT".into())]),
            credentials: Credentials { cookie: "none".into(), authorization: "Bearer eyJhbGci…".into() },
            status: 204,
            response_headers: BTreeMap::new(),
            cors: "allowed".into(),
            auth: "not checked".into(),
        };
        assert_eq!(parse::<Vec<LogEntry>>(&serde_json::to_string(&[&entry]).unwrap()), Some(vec![entry]));
    }

    #[test]
    fn a_missing_member_is_only_fine_for_an_option() {
        assert_eq!(parse::<Instance>(r#"{"name":"A","store":"memory","peers":[]}"#).map(|i| i.name), Some("A".into()));
        assert_eq!(parse::<Instance>(r#"{"name":"A","store":"memory"}"#), None);
        let policy = r#"{"enabled":true,"allow_origin":{"mode":"any"},"allow_credentials":false,"allow_methods":[],"allow_headers":[],"expose_headers":[]}"#;
        assert_eq!(parse::<CorsPolicy>(policy).and_then(|p| p.max_age), None);
        assert!(parse::<CorsPolicy>(policy).is_some());
        assert_eq!(parse::<AllowOrigin>(r#"{"mode":"all"}"#), None);
        assert_eq!(parse::<(String, String)>(r#"["X-A","1"]"#), Some(("X-A".into(), "1".into())));
        assert_eq!(parse::<u16>("70000"), None);
        assert_eq!(parse::<bool>("not json"), None);
    }
}
