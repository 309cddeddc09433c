//! The whole lab in the URL: a shared link holds a policy, cookie settings and a request.
//! Opening it shows them as a draft beside what is live on the server; nothing is applied
//! until the person presses "Apply this shared lab" (and never inside a frame).

use serde::{Deserialize, Serialize};
use shared::{
    cookie::CookiePolicy,
    cors::{AllowOrigin, CorsPolicy},
    jwt,
};

use crate::{json, lab_request::LabRequest};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedLab {
    pub policy: CorsPolicy,
    pub cookie: CookiePolicy,
    pub request: LabRequest,
}

const KEY: &str = "lab=";

/// `#lab=<base64url(JSON)>`: in the fragment, so it never reaches a server log.
pub fn to_fragment(lab: &SharedLab) -> String {
    format!("#{KEY}{}", jwt::b64url(json::to_string(lab).as_bytes()))
}

/// The lab in a URL fragment (with or without `#`): `None` when the fragment holds no lab,
/// otherwise the lab or why it is refused, in words.
pub fn read_fragment(fragment: &str) -> Option<Result<SharedLab, String>> {
    let encoded = fragment.trim_start_matches('#').strip_prefix(KEY)?;
    Some(decode(encoded))
}

/// The lab in a URL fragment, if it holds a valid one.
pub fn from_fragment(fragment: &str) -> Option<SharedLab> {
    read_fragment(fragment)?.ok()
}

fn decode(encoded: &str) -> Result<SharedLab, String> {
    const UNREADABLE: &str = "it does not hold a lab this page can read.";
    let bytes = jwt::b64url_decode(encoded).ok_or(UNREADABLE)?;
    let lab: SharedLab = json::parse(std::str::from_utf8(&bytes).map_err(|_| UNREADABLE)?).map_err(|_| UNREADABLE)?;
    check(&lab)?;
    Ok(lab)
}

/// What a readable lab must also be: a valid policy, and a request on the lab API's own
/// host (a path such as `@evil.example/` would make the request's URL name another host).
pub fn check(lab: &SharedLab) -> Result<(), String> {
    lab.policy.validate().map_err(|e| format!("its policy is not valid: {e}"))?;
    if !lab.request.path.starts_with('/') {
        return Err(format!("its request path \"{}\" does not start with /.", lab.request.path));
    }
    Ok(())
}

/// One setting as the draft shows it: what it is called and its value in words.
pub type Row = (&'static str, String);

/// Every setting a lab holds, in the order the draft lists them.
pub fn rows(lab: &SharedLab) -> Vec<Row> {
    // Taken apart field by field: a field added to one of these types is a compile error
    // here, so the draft never hides a setting the link carries.
    let CookiePolicy { same_site, secure, http_only } = lab.cookie;
    let LabRequest { method, path, content_type, bearer, custom_header, credentials, body } = &lab.request;
    let mut rows = policy_rows(&lab.policy);
    rows.extend([
        ("cookie SameSite", same_site.as_str().to_owned()),
        ("cookie Secure", yes_no(secure)),
        ("cookie HttpOnly", yes_no(http_only)),
        ("request method", method.clone()),
        ("request path", path.clone()),
        ("request Content-Type", content_type.clone().unwrap_or_else(|| NONE.to_owned())),
        ("request Authorization: Bearer", yes_no(*bearer)),
        ("request custom header", custom_header.as_ref().map_or_else(|| NONE.to_owned(), |(n, v)| format!("{n}: {v}"))),
        ("request credentials", credentials.as_str().to_owned()),
        ("request body", body.clone().unwrap_or_else(|| NONE.to_owned())),
    ]);
    rows
}

/// Every setting of a policy, in words; a result's fix shows its diff in the same words as a
/// shared link's draft.
pub fn policy_rows(policy: &CorsPolicy) -> Vec<Row> {
    let CorsPolicy { enabled, allow_origin, allow_credentials, allow_methods, allow_headers, expose_headers, max_age, refused_preflight, mistake } = policy;
    vec![
        ("CORS", if *enabled { "on" } else { "off" }.to_owned()),
        ("allow_origin", origins(allow_origin)),
        ("allow_credentials", yes_no(*allow_credentials)),
        ("allow_methods", list(allow_methods)),
        ("allow_headers", list(allow_headers)),
        ("expose_headers", list(expose_headers)),
        ("max_age", max_age.map_or_else(|| NONE.to_owned(), |s| format!("{s} s"))),
        ("refused_preflight", refused_preflight.as_str().to_owned()),
        ("server mistake", mistake.map_or_else(|| NONE.to_owned(), |m| m.what_answered().to_owned())),
    ]
}

/// A setting that differs: its name, the value before (live) and after (the link's, the fix's).
pub type Difference = (&'static str, String, String);

/// The settings in which `shared` differs from `live`.
pub fn changes(live: &SharedLab, shared: &SharedLab) -> Vec<Difference> {
    differences(rows(live), rows(shared))
}

/// The settings in which policy `after` differs from `before`.
pub fn policy_changes(before: &CorsPolicy, after: &CorsPolicy) -> Vec<Difference> {
    differences(policy_rows(before), policy_rows(after))
}

fn differences(before: Vec<Row>, after: Vec<Row>) -> Vec<Difference> {
    before.into_iter().zip(after).filter(|(a, b)| a.1 != b.1).map(|((name, from), (_, to))| (name, from, to)).collect()
}

const NONE: &str = "(none)";

fn yes_no(on: bool) -> String {
    if on { "yes" } else { "no" }.to_owned()
}

fn list(items: &[String]) -> String {
    if items.is_empty() { NONE.to_owned() } else { items.join(", ") }
}

fn origins(allow: &AllowOrigin) -> String {
    match allow {
        AllowOrigin::None => "none: never sent".to_owned(),
        AllowOrigin::Any => "any: *".to_owned(),
        AllowOrigin::Reflect => "reflect: any origin echoed back".to_owned(),
        AllowOrigin::List { origins } => format!("list: {}", list(origins)),
    }
}

// Reading the link runs in the browser, which parses the JSON: `tests/json.rs`.
#[cfg(test)]
mod tests {
    use shared::cookie::SameSite;

    use super::*;

    fn lab() -> SharedLab {
        SharedLab { policy: CorsPolicy::secure_default("http://localhost:8080"), cookie: CookiePolicy::default(), request: LabRequest::default() }
    }

    #[test]
    fn the_same_lab_changes_nothing() {
        assert!(changes(&lab(), &lab()).is_empty());
        assert_eq!(rows(&lab()).len(), 19);
    }

    #[test]
    fn each_difference_is_listed_with_both_values() {
        let mut shared = lab();
        shared.policy.allow_origin = AllowOrigin::Reflect;
        shared.cookie = CookiePolicy { same_site: SameSite::None, secure: false, http_only: false };
        shared.request.method = "PUT".into();
        assert_eq!(
            changes(&lab(), &shared),
            [
                ("allow_origin", "list: http://localhost:8080".to_owned(), "reflect: any origin echoed back".to_owned()),
                ("cookie SameSite", "Lax".to_owned(), "None".to_owned()),
                ("cookie HttpOnly", "yes".to_owned(), "no".to_owned()),
                ("request method", "GET".to_owned(), "PUT".to_owned()),
            ]
        );
    }

    #[test]
    fn a_request_path_must_start_with_a_slash() {
        assert_eq!(check(&lab()), Ok(()));
        for path in ["@evil.example/api/profile", "api/profile", "", ".evil.example/x"] {
            let mut shared = lab();
            shared.request.path = path.into();
            assert!(check(&shared).is_err_and(|e| e.contains("does not start with /")), "{path}");
        }
    }

    #[test]
    fn an_invalid_policy_is_refused() {
        let mut shared = lab();
        shared.policy.allow_origin = AllowOrigin::List { origins: vec!["not an origin".into()] };
        assert!(check(&shared).is_err_and(|e| e.contains("policy")));
    }
}
