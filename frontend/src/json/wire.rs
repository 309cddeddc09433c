//! JSON for the types of `shared` the page reads from and sends to the server.

use shared::{
    cookie::{CookiePolicy, SameSite},
    cors::{AllowOrigin, CorsPolicy, RefusedPreflight, browser::CredentialsMode},
    wire::{Credentials, Defenses, Instance, LogEntry, SiteLinks},
};
use wasm_bindgen::JsValue;

use super::{FromJson, ObjectWriter, ToJson, json_objects, member};

json_objects! {
    CorsPolicy { enabled, allow_origin, allow_credentials, allow_methods, allow_headers, expose_headers, max_age, refused_preflight }
    CookiePolicy { same_site, secure, http_only }
    Defenses { origin_check, json_only, fetch_metadata }
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

/// `FromJson` and `ToJson` for the enums serde writes as the names `as_str()` gives.
macro_rules! json_names {
    ($($type:ident),*) => {$(
        impl FromJson for $type {
            fn from_json(value: &JsValue) -> Option<Self> {
                $type::ALL.into_iter().find(|v| value.as_string().as_deref() == Some(v.as_str()))
            }
        }

        impl ToJson for $type {
            fn write_json(&self, out: &mut String) {
                self.as_str().write_json(out);
            }
        }
    )*};
}

json_names!(SameSite, CredentialsMode, RefusedPreflight);

/// Writing runs natively; reading needs the browser (`frontend/tests/json.rs`).
#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::{super::to_string, *};

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
        same_as_serde(&Defenses { origin_check: true, json_only: false, fetch_metadata: false });
        for mode in CredentialsMode::ALL {
            same_as_serde(&mode);
        }
        same_as_serde(&("X-Trace".to_owned(), "1".to_owned()));
        same_as_serde(&BTreeMap::from([("b".to_owned(), "2".to_owned()), ("a".to_owned(), String::new())]));
        same_as_serde(&"quote \" backslash \\ newline \n tab \t nul \0 bell \u{7} del \u{7f} é → 😀".to_owned());
        same_as_serde(&u64::MAX);
    }
}
