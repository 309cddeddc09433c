//! The fix for a blocked request, as data: the smallest set of changes to the lab's policy
//! after which the page can read the answer to *this* request, in every engine, without the
//! policy trusting anyone but the page. A fix never answers with `*` to a credentialed
//! request, never reflects `Origin`, and never trusts `null`; where the policy did one of these,
//! the fix names the page's origin instead, so another site's request stays unreadable. The
//! page words the changes, shows the policy diff, exports the fixed policy and applies it.

use serde::{Deserialize, Serialize};

use super::{
    AllowOrigin, CorsPolicy, Mistake,
    browser::{BrowserRequest, CredentialsMode, is_safelisted_method, preflight_reasons, unsafe_header_names},
    engine::Engine,
    predict::predict,
};

/// One change to the policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// CORS was off: the policy's headers are sent again.
    TurnOn,
    /// The server stops making the mistake that stops this request.
    UndoMistake { mistake: Mistake },
    /// `allow_origin` lists the page's origin (added to a list, or a list instead of `*`,
    /// reflection or "none").
    TrustOrigin { origin: String, instead_of: OriginWas },
    /// `null` is no longer trusted: any sandboxed frame or file on any site sends it.
    StopTrustingNull,
    /// `Access-Control-Allow-Credentials: true`, for a request that sends credentials.
    AllowCredentials,
    /// The method is listed in `allow_methods`; instead of its `*` when `wildcard` (a `*`
    /// stands alone, and covers no credentialed request).
    AllowMethod { method: String, wildcard: bool },
    /// The header is listed in `allow_headers`; instead of its `*` when `wildcard`.
    AllowHeader { name: String, wildcard: bool },
}

/// What `allow_origin` was before `Change::TrustOrigin`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OriginWas {
    /// A list without the page's origin: the origin is added, the list kept.
    List,
    Any,
    Reflect,
    None,
}

/// A blocked request's fix: the changes, in the order they apply, and the policy after them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub changes: Vec<Change>,
    pub policy: CorsPolicy,
}

/// The fix for `req` under `policy`, or `None` when the page can read the answer already
/// in every engine (nothing to fix).
pub fn fix(policy: &CorsPolicy, req: &BrowserRequest) -> Option<Fix> {
    if Engine::ALL.into_iter().all(|engine| predict(policy, req, engine).readable()) {
        return None;
    }
    let mut fixed = policy.clone();
    let mut changes = Vec::new();
    if !fixed.enabled {
        fixed.enabled = true;
        changes.push(Change::TurnOn);
    }
    let needs_preflight = !preflight_reasons(req).is_empty();
    if let Some(mistake) = fixed.mistake
        && acts_on(mistake, needs_preflight)
    {
        fixed.mistake = None;
        changes.push(Change::UndoMistake { mistake });
    }
    trust_only_the_page(&mut fixed, &req.origin, &mut changes);
    let credentialed = req.credentials == CredentialsMode::Include;
    if credentialed && !fixed.allow_credentials {
        fixed.allow_credentials = true;
        changes.push(Change::AllowCredentials);
    }
    if needs_preflight {
        // The lab's server checks the method of every preflight, safelisted or not; a `*`
        // is only a wildcard for a request without credentials.
        let method_covered = fixed.allow_methods.contains(&req.method)
            || (is_wildcard(&fixed.allow_methods) && !credentialed)
            || (is_safelisted_method(&req.method) && is_wildcard(&fixed.allow_methods));
        if !method_covered {
            let wildcard = list(&mut fixed.allow_methods, req.method.clone());
            changes.push(Change::AllowMethod { method: req.method.clone(), wildcard });
        }
        for name in unsafe_header_names(&req.headers) {
            let listed = fixed.allow_headers.iter().any(|h| h.eq_ignore_ascii_case(&name));
            // `*` never covers Authorization in some engines, and nothing with credentials.
            let wildcard = is_wildcard(&fixed.allow_headers) && !credentialed && name != "authorization";
            if !listed && !wildcard {
                let name = title_case(&name);
                let wildcard = list(&mut fixed.allow_headers, name.clone());
                changes.push(Change::AllowHeader { name, wildcard });
            }
        }
    }
    Some(Fix { changes, policy: fixed })
}

/// Whether `mistake` changes the answers to a request that needs a preflight or not.
fn acts_on(mistake: Mistake, needs_preflight: bool) -> bool {
    let answers = |preflight| mistake.preempts(preflight).is_some();
    answers(false) || (needs_preflight && answers(true)) || matches!(mistake, Mistake::DoubledAllowOrigin | Mistake::AllowOriginWithSlash)
}

fn trust_only_the_page(policy: &mut CorsPolicy, origin: &str, changes: &mut Vec<Change>) {
    let instead_of = match &mut policy.allow_origin {
        AllowOrigin::List { origins } => {
            if origins.iter().any(|o| o == "null") {
                origins.retain(|o| o != "null");
                changes.push(Change::StopTrustingNull);
            }
            if origins.iter().any(|o| o == origin) {
                return;
            }
            origins.push(origin.to_owned());
            OriginWas::List
        }
        AllowOrigin::Any => OriginWas::Any,
        AllowOrigin::Reflect => OriginWas::Reflect,
        AllowOrigin::None => OriginWas::None,
    };
    if instead_of != OriginWas::List {
        policy.allow_origin = AllowOrigin::List { origins: vec![origin.to_owned()] };
    }
    changes.push(Change::TrustOrigin { origin: origin.to_owned(), instead_of });
}

/// Adds `item` to `list`, in place of a `*` (which must stand alone); whether it replaced one.
fn list(list: &mut Vec<String>, item: String) -> bool {
    let wildcard = is_wildcard(list);
    if wildcard {
        list.clear();
    }
    list.push(item);
    wildcard
}

fn is_wildcard(list: &[String]) -> bool {
    list.iter().any(|item| item == "*")
}

/// `x-custom` → `X-Custom`, as policies are usually written (header names match in any case).
fn title_case(name: &str) -> String {
    name.split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars.next().map_or_else(String::new, |first| first.to_ascii_uppercase().to_string() + chars.as_str())
        })
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cors::{RefusedPreflight, ValidPolicy};

    const PAGE: &str = "http://localhost:8080";
    const OTHER: &str = "http://evil.example";

    fn request(origin: &str, method: &str, headers: &[(&str, &str)], credentials: CredentialsMode) -> BrowserRequest {
        BrowserRequest {
            origin: origin.to_owned(),
            method: method.to_owned(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials,
        }
    }

    /// Policies of every shape the lab's presets take.
    fn policies() -> Vec<(&'static str, CorsPolicy)> {
        let secure = CorsPolicy::secure_default(PAGE);
        let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let mut policies = vec![
            ("secure", secure.clone()),
            ("any, no credentials", CorsPolicy { allow_origin: AllowOrigin::Any, allow_credentials: false, ..secure.clone() }),
            (
                "any, wildcards, refused preflights with headers",
                CorsPolicy {
                    allow_origin: AllowOrigin::Any,
                    allow_credentials: false,
                    allow_methods: strings(&["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"]),
                    allow_headers: strings(&["*"]),
                    refused_preflight: RefusedPreflight::Headers,
                    ..secure.clone()
                },
            ),
            ("reflect with credentials", CorsPolicy { allow_origin: AllowOrigin::Reflect, ..secure.clone() }),
            ("trust null", CorsPolicy { allow_origin: AllowOrigin::List { origins: vec![PAGE.into(), "null".into()] }, ..secure.clone() }),
            ("* with credentials", CorsPolicy { allow_origin: AllowOrigin::Any, ..secure.clone() }),
            ("forgot Authorization", CorsPolicy { allow_headers: strings(&["Content-Type"]), ..secure.clone() }),
            ("none", CorsPolicy { allow_origin: AllowOrigin::None, ..secure.clone() }),
            ("another origin only", CorsPolicy { allow_origin: AllowOrigin::List { origins: vec!["http://localhost:3001".into()] }, ..secure.clone() }),
            ("off", CorsPolicy::off(PAGE)),
        ];
        policies.extend(Mistake::ALL.map(|mistake| (mistake.what_answered(), CorsPolicy { mistake: Some(mistake), ..secure.clone() })));
        policies
    }

    /// Requests of every kind the page sends: methods, headers, credentials, content types.
    fn requests() -> Vec<(&'static str, &'static str, Vec<(&'static str, &'static str)>)> {
        vec![
            ("GET", "simple GET", vec![]),
            ("POST", "text/plain POST", vec![("Content-Type", "text/plain")]),
            ("POST", "JSON POST", vec![("Content-Type", "application/json")]),
            ("GET", "bearer GET", vec![("Authorization", "Bearer x.y.z")]),
            ("PUT", "PUT", vec![]),
            ("DELETE", "DELETE", vec![]),
            ("PATCH", "PATCH with JSON", vec![("Content-Type", "application/json")]),
            ("GET", "custom header", vec![("X-Custom", "1")]),
        ]
    }

    /// The fix, applied, makes the request readable in every engine, is a policy the lab
    /// takes, and leaves another origin's same request unreadable.
    #[test]
    fn every_fix_works_and_opens_nothing_else() {
        let mut fixed_count = 0;
        for (policy_name, policy) in policies() {
            for (method, kind, headers) in requests() {
                for credentials in CredentialsMode::ALL {
                    let case = format!("{policy_name} × {kind} × {}", credentials.as_str());
                    let mine = request(PAGE, method, &headers, credentials);
                    let Some(fix) = fix(&policy, &mine) else {
                        assert!(Engine::ALL.into_iter().all(|e| predict(&policy, &mine, e).readable()), "{case}: no fix, yet blocked");
                        continue;
                    };
                    fixed_count += 1;
                    assert!(ValidPolicy::try_from(fix.policy.clone()).is_ok(), "{case}: {:?}", fix.policy);
                    let theirs = request(OTHER, method, &headers, credentials);
                    for engine in Engine::ALL {
                        assert!(predict(&fix.policy, &mine, engine).readable(), "{case} in {engine:?}: still blocked after {:?}", fix.changes);
                        assert!(!predict(&fix.policy, &theirs, engine).readable(), "{case} in {engine:?}: {OTHER} reads it after {:?}", fix.changes);
                    }
                    assert!(!fix.changes.is_empty(), "{case}");
                }
            }
        }
        assert!(fixed_count > 50, "the table exercises fixes: {fixed_count}");
    }

    #[test]
    fn the_smallest_change_for_a_forgotten_authorization_is_that_header() {
        let policy = CorsPolicy { allow_headers: vec!["Content-Type".into()], ..CorsPolicy::secure_default(PAGE) };
        let bearer = request(PAGE, "GET", &[("Authorization", "Bearer t")], CredentialsMode::Omit);
        let fix = fix(&policy, &bearer).expect("blocked");
        assert_eq!(fix.changes, [Change::AllowHeader { name: "Authorization".into(), wildcard: false }]);
        assert_eq!(fix.policy.allow_headers, ["Content-Type", "Authorization"]);
    }

    #[test]
    fn a_wildcard_with_credentials_becomes_the_page_origin() {
        let policy = CorsPolicy { allow_origin: AllowOrigin::Any, ..CorsPolicy::secure_default(PAGE) };
        let fix = fix(&policy, &request(PAGE, "GET", &[], CredentialsMode::Include)).expect("blocked");
        assert_eq!(fix.changes, [Change::TrustOrigin { origin: PAGE.into(), instead_of: OriginWas::Any }]);
    }

    #[test]
    fn a_method_is_listed_as_sent() {
        let fix = fix(&CorsPolicy::secure_default(PAGE), &request(PAGE, "DELETE", &[], CredentialsMode::Include)).expect("blocked");
        assert_eq!(fix.changes, [Change::AllowMethod { method: "DELETE".into(), wildcard: false }]);
    }

    #[test]
    fn a_blocked_request_under_reflection_is_fixed_with_the_page_origin_not_more_reflection() {
        let policy = CorsPolicy { allow_origin: AllowOrigin::Reflect, ..CorsPolicy::secure_default(PAGE) };
        let fix = fix(&policy, &request(PAGE, "GET", &[("X-Custom", "1")], CredentialsMode::Include)).expect("blocked");
        assert_eq!(
            fix.changes,
            [Change::TrustOrigin { origin: PAGE.into(), instead_of: OriginWas::Reflect }, Change::AllowHeader { name: "X-Custom".into(), wildcard: false }]
        );
    }

    #[test]
    fn a_mistake_that_stops_the_request_is_undone_and_one_that_does_not_is_left() {
        let redirecting = CorsPolicy { mistake: Some(Mistake::RedirectedPreflight), ..CorsPolicy::secure_default(PAGE) };
        let json = request(PAGE, "POST", &[("Content-Type", "application/json")], CredentialsMode::Include);
        assert_eq!(fix(&redirecting, &json).expect("blocked").changes, [Change::UndoMistake { mistake: Mistake::RedirectedPreflight }]);
        let simple = request(PAGE, "GET", &[], CredentialsMode::Include);
        assert_eq!(fix(&redirecting, &simple), None, "a simple request sends no preflight to redirect");
    }

    #[test]
    fn a_readable_request_needs_no_fix() {
        assert_eq!(fix(&CorsPolicy::secure_default(PAGE), &request(PAGE, "GET", &[], CredentialsMode::Include)), None);
    }
}
