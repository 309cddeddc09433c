//! The whole lab in the URL: open a shared link and the same policy, cookie settings and
//! request are back (and the policy is applied).

use shared::{cookie::CookiePolicy, cors::CorsPolicy, jwt};

use crate::lab_request::LabRequest;

#[derive(Clone, Debug, PartialEq)]
pub struct SharedLab {
    pub policy: CorsPolicy,
    pub cookie: CookiePolicy,
    pub request: LabRequest,
}

crate::json::json_objects! {
    SharedLab { policy, cookie, request }
}

const KEY: &str = "lab=";

/// `#lab=<base64url(JSON)>`: in the fragment, so it never reaches a server log.
pub fn to_fragment(lab: &SharedLab) -> String {
    format!("#{KEY}{}", jwt::b64url(crate::json::to_string(lab).as_bytes()))
}

/// The lab in a URL fragment (with or without `#`), if it holds a valid one.
pub fn from_fragment(fragment: &str) -> Option<SharedLab> {
    let encoded = fragment.trim_start_matches('#').strip_prefix(KEY)?;
    let json = jwt::b64url_decode(encoded)?;
    let lab: SharedLab = crate::json::parse(std::str::from_utf8(&json).ok()?)?;
    lab.policy.validate().ok()?;
    Some(lab)
}

// Tested in the browser, which reads the JSON: `tests/json.rs`.
