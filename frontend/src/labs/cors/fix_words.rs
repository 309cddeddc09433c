//! A blocked request's fix in words: each change (`shared::cors::fix::Change`, data) as the
//! page says it, and the fixed policy as the settings that change. The one place the page
//! words a fix; the results view shows it and applies the fix's policy, never a sentence.

use shared::cors::{
    CorsPolicy,
    fix::{Change, Fix, OriginWas},
};

use super::share::policy_changes;

/// What "Fix on the server:" is followed by: every change, in the order they apply.
pub fn sentence(fix: &Fix) -> String {
    fix.changes.iter().map(change).collect::<Vec<_>>().join("; ")
}

/// One change, in words naming the policy's setting.
pub fn change(change: &Change) -> String {
    match change {
        Change::TurnOn => "turn CORS on".to_owned(),
        Change::UndoMistake { mistake } => format!("stop the server mistake: {}", mistake.what_answered()),
        Change::TrustOrigin { origin, instead_of } => match instead_of {
            OriginWas::List => format!("add {origin} to allow_origin"),
            OriginWas::Any => format!("name {origin} in allow_origin instead of * (a * lets every site read the answers, and covers no request with credentials)"),
            OriginWas::Reflect => format!("name {origin} in allow_origin instead of reflecting any origin"),
            OriginWas::None => format!("name {origin} in allow_origin (it sent no Access-Control-Allow-Origin)"),
        },
        Change::StopTrustingNull => "take null out of allow_origin (sandboxed frames and files of any site send it)".to_owned(),
        Change::AllowCredentials => "send Access-Control-Allow-Credentials: true (allow_credentials)".to_owned(),
        Change::AllowMethod { method, wildcard: false } => format!("add {method} to allow_methods"),
        Change::AllowMethod { method, wildcard: true } => format!("list {method} in allow_methods instead of * (a * covers no request with credentials)"),
        Change::AllowHeader { name, wildcard: false } => format!("add {name} to allow_headers"),
        Change::AllowHeader { name, wildcard: true } if name.eq_ignore_ascii_case("authorization") => {
            format!("list {name} in allow_headers instead of * (* never covers Authorization)")
        }
        Change::AllowHeader { name, wildcard: true } => format!("list {name} in allow_headers instead of * (a * covers no request with credentials)"),
    }
}

/// The settings the fix changes, one line each: `setting: before → after`, in the words of a
/// shared link's draft.
pub fn diff(before: &CorsPolicy, fix: &Fix) -> Vec<String> {
    policy_changes(before, &fix.policy).into_iter().map(|(name, from, to)| format!("{name}: {from} → {to}")).collect()
}

#[cfg(test)]
mod tests {
    use shared::cors::{
        AllowOrigin, Mistake,
        browser::{BrowserRequest, CredentialsMode},
        fix::fix,
    };

    use super::*;

    const PAGE: &str = "http://localhost:8080";

    fn request(method: &str, headers: &[(&str, &str)], credentials: CredentialsMode) -> BrowserRequest {
        BrowserRequest {
            origin: PAGE.into(),
            method: method.into(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials,
        }
    }

    fn secure() -> CorsPolicy {
        CorsPolicy::secure_default(PAGE)
    }

    #[test]
    fn a_forgotten_authorization_is_fixed_by_that_header_not_by_the_origin() {
        let policy = CorsPolicy { allow_headers: vec!["Content-Type".into()], ..secure() };
        let fixed = fix(&policy, &request("GET", &[("Authorization", "Bearer t")], CredentialsMode::Include)).expect("blocked");
        assert_eq!(sentence(&fixed), "add Authorization to allow_headers");
        assert_eq!(diff(&policy, &fixed), ["allow_headers: Content-Type → Content-Type, Authorization"]);
    }

    #[test]
    fn a_method_and_the_origin_are_worded_with_what_they_replace() {
        let fixed = fix(&secure(), &request("DELETE", &[], CredentialsMode::Include)).expect("blocked");
        assert_eq!(sentence(&fixed), "add DELETE to allow_methods");
        assert_eq!(diff(&secure(), &fixed), ["allow_methods: GET, POST → GET, POST, DELETE"]);
        let reflect = CorsPolicy { allow_origin: AllowOrigin::Reflect, ..secure() };
        let fixed = fix(&reflect, &request("PUT", &[("X-Custom", "1")], CredentialsMode::Include)).expect("blocked");
        assert_eq!(
            sentence(&fixed),
            "name http://localhost:8080 in allow_origin instead of reflecting any origin; add PUT to allow_methods; add X-Custom to allow_headers"
        );
        assert_eq!(
            diff(&reflect, &fixed),
            [
                "allow_origin: reflect: any origin echoed back → list: http://localhost:8080",
                "allow_methods: GET, POST → GET, POST, PUT",
                "allow_headers: Content-Type, Authorization → Content-Type, Authorization, X-Custom",
            ]
        );
    }

    #[test]
    fn a_star_with_credentials_becomes_the_page_s_origin_and_credentials() {
        let star = CorsPolicy { allow_origin: AllowOrigin::Any, allow_credentials: false, ..secure() };
        let fixed = fix(&star, &request("GET", &[], CredentialsMode::Include)).expect("blocked");
        assert_eq!(
            sentence(&fixed),
            "name http://localhost:8080 in allow_origin instead of * (a * lets every site read the answers, and covers no request with credentials); \
             send Access-Control-Allow-Credentials: true (allow_credentials)"
        );
        assert_eq!(diff(&star, &fixed), ["allow_origin: any: * → list: http://localhost:8080", "allow_credentials: no → yes"]);
    }

    #[test]
    fn every_change_has_its_own_words() {
        let words = [
            (Change::TurnOn, "turn CORS on"),
            (
                Change::UndoMistake { mistake: Mistake::RedirectedPreflight },
                "stop the server mistake: the preflight was redirected (308 to the path with a trailing slash)",
            ),
            (Change::TrustOrigin { origin: PAGE.into(), instead_of: OriginWas::List }, "add http://localhost:8080 to allow_origin"),
            (
                Change::TrustOrigin { origin: PAGE.into(), instead_of: OriginWas::None },
                "name http://localhost:8080 in allow_origin (it sent no Access-Control-Allow-Origin)",
            ),
            (Change::StopTrustingNull, "take null out of allow_origin (sandboxed frames and files of any site send it)"),
            (
                Change::AllowMethod { method: "PUT".into(), wildcard: true },
                "list PUT in allow_methods instead of * (a * covers no request with credentials)",
            ),
            (
                Change::AllowHeader { name: "X-Custom".into(), wildcard: true },
                "list X-Custom in allow_headers instead of * (a * covers no request with credentials)",
            ),
            (Change::AllowHeader { name: "Authorization".into(), wildcard: true }, "list Authorization in allow_headers instead of * (* never covers Authorization)"),
        ];
        for (it, said) in words {
            assert_eq!(change(&it), said);
        }
    }

    #[test]
    fn cors_off_is_turned_on_and_a_mistake_is_undone_in_the_diff_too() {
        let off = CorsPolicy::off(PAGE);
        let fixed = fix(&off, &request("GET", &[], CredentialsMode::Include)).expect("blocked");
        assert_eq!(sentence(&fixed), "turn CORS on");
        assert_eq!(diff(&off, &fixed), ["CORS: off → on"]);
        let mistaken = CorsPolicy { mistake: Some(Mistake::ErrorWithoutCors), ..secure() };
        let fixed = fix(&mistaken, &request("GET", &[], CredentialsMode::Include)).expect("blocked");
        assert_eq!(
            diff(&mistaken, &fixed),
            ["server mistake: the handler failed, and its error answer (500) skipped the CORS headers → (none)"]
        );
    }
}
