//! The whole lab in the URL: open a shared link and the same policy, cookie settings and
//! request are back (and the policy is applied).

use serde::Serialize;
use shared::{cookie::CookiePolicy, cors::CorsPolicy, jwt};

use crate::lab_request::LabRequest;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedLab {
    pub policy: CorsPolicy,
    pub cookie: CookiePolicy,
    pub request: LabRequest,
}

crate::json::from_json_objects! {
    SharedLab { policy, cookie, request }
}

const KEY: &str = "lab=";

/// `#lab=<base64url(JSON)>`: in the fragment, so it never reaches a server log.
pub fn to_fragment(lab: &SharedLab) -> String {
    format!("#{KEY}{}", jwt::b64url(serde_json::to_string(lab).unwrap_or_default().as_bytes()))
}

/// The lab in a URL fragment (with or without `#`), if it holds a valid one.
pub fn from_fragment(fragment: &str) -> Option<SharedLab> {
    let encoded = fragment.trim_start_matches('#').strip_prefix(KEY)?;
    let json = jwt::b64url_decode(encoded)?;
    let lab: SharedLab = crate::json::parse(std::str::from_utf8(&json).ok()?)?;
    lab.policy.validate().ok()?;
    Some(lab)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::presets::Preset;

    #[test]
    fn round_trips_and_refuses_junk() {
        let lab = SharedLab {
            policy: Preset::TrustNull.policy("http://localhost:8080"),
            cookie: CookiePolicy::default(),
            request: LabRequest { method: "PUT".into(), ..Default::default() },
        };
        let fragment = to_fragment(&lab);
        assert!(fragment.starts_with("#lab="));
        assert_eq!(from_fragment(&fragment), Some(lab));
        assert_eq!(from_fragment("#lab=!!!"), None);
        assert_eq!(from_fragment("#other"), None);
        assert_eq!(from_fragment(&format!("#lab={}", jwt::b64url(b"{\"policy\":1}"))), None);
    }
}
