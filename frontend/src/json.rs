//! JSON in the page: the backend's answers, the live log, a shared link, the bodies it sends.
//!
//! No serde here, on purpose: serde's derived code and serde_json's generic parser were about
//! a sixth of the download. The browser parses (`JSON.parse`) and the small `FromJson` impls
//! read the result; `ToJson` writes the text itself, byte for byte what serde_json writes
//! (the tests compare the two). The server stays strict about what it accepts; the page only
//! reads what the server wrote, so a value of the wrong shape is simply `None`.

use std::collections::BTreeMap;

use js_sys::{Array, JSON, Object, Reflect};
use shared::{
    cookie::{CookiePolicy, SameSite},
    cors::{AllowOrigin, CorsPolicy, browser::CredentialsMode},
    wire::{Credentials, Defenses, Instance, LogEntry, SiteLinks},
};
use wasm_bindgen::{JsCast, JsValue};

/// A type the page reads from JSON, in the shape serde writes it.
pub trait FromJson: Sized {
    fn from_json(value: &JsValue) -> Option<Self>;
}

/// A type the page writes as JSON, exactly as serde_json would.
pub trait ToJson {
    fn write_json(&self, out: &mut String);
}

/// Parses JSON text (in the browser: only in wasm).
pub fn value(text: &str) -> Option<JsValue> {
    JSON::parse(text).ok()
}

/// Parses `text` as a `T`.
pub fn parse<T: FromJson>(text: &str) -> Option<T> {
    T::from_json(&value(text)?)
}

/// `value` as compact JSON text.
pub fn to_string(value: &(impl ToJson + ?Sized)) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// A parsed value as text again: compact, or indented by two spaces.
pub fn stringify(value: &JsValue, pretty: bool) -> String {
    let space = if pretty { JsValue::from(2) } else { JsValue::UNDEFINED };
    JSON::stringify_with_replacer_and_space(value, &JsValue::NULL, &space).map(String::from).unwrap_or_default()
}

/// The member `name` of an object; a missing member reads as `undefined`, which an `Option`
/// reads as `None`, as serde reads a missing `Option` field.
pub fn member<T: FromJson>(object: &JsValue, name: &str) -> Option<T> {
    if !object.is_object() {
        return None;
    }
    T::from_json(&Reflect::get(object, &JsValue::from_str(name)).ok()?)
}

impl FromJson for String {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_string()
    }
}

impl FromJson for bool {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_bool()
    }
}

/// A JavaScript number is exact up to 2^53: whole numbers in that range only.
impl FromJson for u64 {
    fn from_json(value: &JsValue) -> Option<Self> {
        i64::from_json(value)?.try_into().ok()
    }
}

/// Whole numbers that a JavaScript number holds exactly.
impl FromJson for i64 {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.as_f64().filter(|n| n.fract() == 0.0 && n.abs() <= 9_007_199_254_740_992.0).map(|n| n as i64)
    }
}

impl FromJson for u32 {
    fn from_json(value: &JsValue) -> Option<Self> {
        u64::from_json(value)?.try_into().ok()
    }
}

impl FromJson for u16 {
    fn from_json(value: &JsValue) -> Option<Self> {
        u64::from_json(value)?.try_into().ok()
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: &JsValue) -> Option<Self> {
        if value.is_null() || value.is_undefined() { Some(None) } else { T::from_json(value).map(Some) }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &JsValue) -> Option<Self> {
        value.dyn_ref::<Array>()?.iter().map(|item| T::from_json(&item)).collect()
    }
}

/// A pair, which serde writes as a two-element array.
impl<A: FromJson, B: FromJson> FromJson for (A, B) {
    fn from_json(value: &JsValue) -> Option<Self> {
        let array = value.dyn_ref::<Array>().filter(|a| a.length() == 2)?;
        Some((A::from_json(&array.get(0))?, B::from_json(&array.get(1))?))
    }
}

impl FromJson for BTreeMap<String, String> {
    fn from_json(value: &JsValue) -> Option<Self> {
        if !value.is_object() || Array::is_array(value) {
            return None;
        }
        // Inserted one by one: collecting into a map would sort, and a sort costs kilobytes.
        let mut map = BTreeMap::new();
        for entry in Object::entries(value.unchecked_ref()).iter() {
            let pair: Array = entry.unchecked_into();
            map.insert(pair.get(0).as_string()?, pair.get(1).as_string()?);
        }
        Some(map)
    }
}

impl ToJson for str {
    /// As serde_json escapes: quote, backslash and control characters; the rest as is.
    fn write_json(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if c < ' ' => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(HEX[c as usize >> 4] as char);
                    out.push(HEX[c as usize & 0xf] as char);
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl ToJson for u32 {
    fn write_json(&self, out: &mut String) {
        u64::from(*self).write_json(out);
    }
}

impl ToJson for u16 {
    fn write_json(&self, out: &mut String) {
        u64::from(*self).write_json(out);
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(value) => value.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        for (i, item) in self.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            item.write_json(out);
        }
        out.push(']');
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out);
    }
}

impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, out: &mut String) {
        out.push('[');
        self.0.write_json(out);
        out.push(',');
        self.1.write_json(out);
        out.push(']');
    }
}

impl ToJson for BTreeMap<String, String> {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        for (name, value) in self {
            object.member(name, value);
        }
        object.end();
    }
}

/// Writes `{"name":value,...}` one member at a time.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> ObjectWriter<'a> {
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, first: true }
    }

    pub fn member(&mut self, name: &str, value: &(impl ToJson + ?Sized)) {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        name.write_json(self.out);
        self.out.push(':');
        value.write_json(self.out);
    }

    pub fn end(self) {
        self.out.push('}');
    }
}

/// `FromJson` and `ToJson` for structs serde writes as objects with one member per field,
/// in field order. Listing the fields in a struct literal makes a field added to the type a
/// compile error here. (The linker drops the direction the page does not use.)
macro_rules! json_objects {
    ($($type:path { $($field:ident),* $(,)? })*) => {$(
        impl $crate::json::FromJson for $type {
            fn from_json(value: &::wasm_bindgen::JsValue) -> Option<Self> {
                Some(Self { $($field: $crate::json::member(value, stringify!($field))?),* })
            }
        }

        impl $crate::json::ToJson for $type {
            fn write_json(&self, out: &mut String) {
                let mut object = $crate::json::ObjectWriter::new(out);
                $(object.member(stringify!($field), &self.$field);)*
                object.end();
            }
        }
    )*};
}
pub(crate) use json_objects;

json_objects! {
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
    fn from_json(value: &JsValue) -> Option<Self> {
        Some(match member::<String>(value, "mode")?.as_str() {
            "none" => AllowOrigin::None,
            "any" => AllowOrigin::Any,
            "reflect" => AllowOrigin::Reflect,
            "list" => AllowOrigin::List { origins: member(value, "origins")? },
            _ => return None,
        })
    }
}

impl ToJson for AllowOrigin {
    fn write_json(&self, out: &mut String) {
        let mut object = ObjectWriter::new(out);
        match self {
            AllowOrigin::None => object.member("mode", "none"),
            AllowOrigin::Any => object.member("mode", "any"),
            AllowOrigin::Reflect => object.member("mode", "reflect"),
            AllowOrigin::List { origins } => {
                object.member("mode", "list");
                object.member("origins", origins);
            }
        }
        object.end();
    }
}

impl FromJson for SameSite {
    fn from_json(value: &JsValue) -> Option<Self> {
        SameSite::ALL.into_iter().find(|s| value.as_string().as_deref() == Some(s.as_str()))
    }
}

impl ToJson for SameSite {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out);
    }
}

impl FromJson for CredentialsMode {
    fn from_json(value: &JsValue) -> Option<Self> {
        CredentialsMode::ALL.into_iter().find(|m| value.as_string().as_deref() == Some(m.as_str()))
    }
}

impl ToJson for CredentialsMode {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out);
    }
}

/// Writing runs natively; reading needs the browser (`frontend/tests/json.rs`).
#[cfg(test)]
mod tests {
    use super::*;

    fn same_as_serde<T: ToJson + serde::Serialize>(value: &T) {
        assert_eq!(to_string(value), serde_json::to_string(value).unwrap());
    }

    #[test]
    fn writes_what_serde_writes() {
        same_as_serde(&CorsPolicy { max_age: Some(600), ..CorsPolicy::secure_default("http://localhost:8080") });
        for allow_origin in [AllowOrigin::None, AllowOrigin::Any, AllowOrigin::Reflect] {
            same_as_serde(&CorsPolicy { allow_origin, allow_methods: vec!["*".into()], ..CorsPolicy::off("null") });
        }
        same_as_serde(&CookiePolicy { same_site: SameSite::None, secure: true, http_only: false });
        same_as_serde(&Defenses { origin_check: true, json_only: false });
        for mode in CredentialsMode::ALL {
            same_as_serde(&mode);
        }
        same_as_serde(&("X-Trace".to_owned(), "1".to_owned()));
        same_as_serde(&BTreeMap::from([("b".to_owned(), "2".to_owned()), ("a".to_owned(), String::new())]));
        same_as_serde(&"quote \" backslash \\ newline \n tab \t nul \0 bell \u{7} del \u{7f} é → 😀".to_owned());
        same_as_serde(&u64::MAX);
    }
}
