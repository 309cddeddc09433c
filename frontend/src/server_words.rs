//! The server's log in words: which credentials came, what the CORS engine decided, what the
//! route and the defenses before it did. The log carries these as data (`shared::wire`); this
//! is the one place the page words them.

use shared::wire::{
    Authenticated, AuthKind, Credentials, Defense, DefenseSaw, Reason, RouteOutcome, SeenAuthorization,
};

/// The cookies that came: `none`, or whether the session cookie was among them and each
/// cookie as `name=value` (values cut to 8 characters by the server).
pub fn cookies(credentials: &Credentials) -> String {
    if credentials.cookies.is_empty() {
        return "none".to_owned();
    }
    let each: Vec<String> = credentials
        .cookies
        .iter()
        .map(|c| if c.name.is_empty() { c.value.clone() } else { format!("{}={}", c.name, c.value) })
        .collect();
    let session = if credentials.has_session() { "session present" } else { "no session cookie" };
    format!("{session} ({})", each.join("; "))
}

/// The `Authorization` header that came.
pub fn authorization(credentials: &Credentials) -> String {
    match &credentials.authorization {
        None => "none".to_owned(),
        Some(SeenAuthorization::Bearer { token }) => format!("bearer present ({token})"),
        Some(SeenAuthorization::Registered { name }) => format!("{name} present (not a bearer token)"),
        Some(SeenAuthorization::Unregistered) => "present (an unregistered scheme, not a bearer token)".to_owned(),
        Some(SeenAuthorization::NoScheme) => "present, without a scheme".to_owned(),
    }
}

/// The request headers that decide a CORS or CSRF case, as the server received them, in the
/// order a person reads them; each is shown only when it came.
pub const DECIDING: [&str; 5] = ["access-control-request-method", "access-control-request-headers", "content-type", "sec-fetch-site", "sec-fetch-mode"];

/// `DECIDING`'s headers that came with `entry`, as `Name: value`, joined by `; `; `None` when
/// none did.
pub fn deciding_headers(entry: &shared::wire::LogEntry) -> Option<String> {
    let came: Vec<String> = DECIDING.iter().filter_map(|name| entry.request_headers.get(*name).map(|value| format!("{name}: {value}"))).collect();
    (!came.is_empty()).then(|| came.join("; "))
}

/// The CORS engine's rule, in the shared rules' own words.
pub fn cors(reason: Option<&Reason>) -> String {
    reason.map_or_else(|| "no CORS decision".to_owned(), ToString::to_string)
}

/// A defense by the name the page gives it.
pub fn defense_name(defense: Defense) -> &'static str {
    match defense {
        Defense::OriginCheck => "the Origin check",
        Defense::JsonOnly => "\"JSON only\"",
        Defense::FetchMetadata => "Fetch Metadata",
        Defense::CsrfToken => "the CSRF token",
    }
}

fn who(by: &Authenticated) -> String {
    let Authenticated { user, email, by: kind, session } = by;
    match (kind, session) {
        (AuthKind::Jwt, _) => format!("ok: user {user} ({email}) by valid JWT"),
        (AuthKind::UnsignedJwt, _) => format!("ok: user {user} ({email}) by an UNSIGNED JWT (alg none, accepted by the vulnerable lab setting)"),
        (AuthKind::Session, Some(prefix)) => format!("ok: user {user} ({email}) by session {prefix}…"),
        (AuthKind::Session, None) => format!("ok: user {user} ({email}) by session"),
    }
}

/// What the route (or a defense before it) did with the request.
pub fn outcome(outcome: &RouteOutcome, preflight: bool) -> String {
    match outcome {
        RouteOutcome::NotChecked if preflight => "not checked on a preflight".to_owned(),
        RouteOutcome::NotChecked => "not checked".to_owned(),
        RouteOutcome::Authenticated { who: by } => who(by),
        RouteOutcome::Refused { code } => format!("refused: {code}"),
        RouteOutcome::LoggedIn { user, session } => format!("login ok: user {user} got new session {session}…"),
        RouteOutcome::LoggedOut => "logout: session deleted".to_owned(),
        RouteOutcome::TokenIssued { user } => format!("token issued to user {user}"),
        RouteOutcome::Transferred { by, to, amount } => format!("{}; transferred {amount} to {to}", who(by)),
        RouteOutcome::TransferRefused { by, code } => format!("{}; transfer refused: {code}", who(by)),
        RouteOutcome::DefenseRefused { defense, saw } => {
            let saw = match saw {
                DefenseSaw::ForeignOrigin { origin } => format!("Origin {origin}"),
                DefenseSaw::CrossSite { old_browser: false } => "Sec-Fetch-Site: another origin".to_owned(),
                DefenseSaw::CrossSite { old_browser: true } => "no Sec-Fetch-Site, a foreign Origin".to_owned(),
                DefenseSaw::PlainTextBody => "a text/plain body".to_owned(),
                DefenseSaw::MissingCsrfToken => "no X-CSRF-Token".to_owned(),
                DefenseSaw::WrongCsrfToken => "an X-CSRF-Token that is not this session's".to_owned(),
            };
            format!("refused by {} ({saw}); the route did not run", defense_name(*defense))
        }
    }
}

#[cfg(test)]
mod tests {
    use shared::wire::{ErrorCode, SeenCookie};

    use super::*;

    #[test]
    fn the_deciding_headers_are_those_that_came_in_reading_order() {
        let mut entry: shared::wire::LogEntry = serde_json::from_value(serde_json::json!({
            "seq": 1, "at": "", "rid": null, "method": "OPTIONS", "path": "/api/transfer", "origin": "http://127.0.0.1:3001", "preflight": true,
            "request_headers": {"sec-fetch-mode": "cors", "access-control-request-method": "POST", "accept": "*/*"},
            "credentials": {"cookies": [], "authorization": null}, "status": 403, "response_headers": {}, "cors": null, "outcome": "not_checked"
        }))
        .unwrap();
        assert_eq!(deciding_headers(&entry).as_deref(), Some("access-control-request-method: POST; sec-fetch-mode: cors"));
        entry.request_headers.clear();
        assert_eq!(deciding_headers(&entry), None);
    }

    #[test]
    fn credentials_are_told_from_the_facts() {
        let cookie = |name: &str, value: &str| SeenCookie { name: name.into(), value: value.into() };
        let came = Credentials { cookies: vec![cookie("theme", "dark"), cookie("sessionId", "01234567…")], authorization: None };
        assert_eq!(cookies(&came), "session present (theme=dark; sessionId=01234567…)");
        assert_eq!(cookies(&Credentials { cookies: vec![cookie("", "SECRETSE…")], authorization: None }), "no session cookie (SECRETSE…)");
        assert_eq!(cookies(&Credentials::default()), "none");
        let bearer = Credentials { authorization: Some(SeenAuthorization::Bearer { token: "eyJhbGci…".into() }), ..Credentials::default() };
        assert_eq!(authorization(&bearer), "bearer present (eyJhbGci…)");
    }

    #[test]
    fn each_defense_is_named_as_the_one_that_refused() {
        let refused = |defense, saw| outcome(&RouteOutcome::DefenseRefused { defense, saw }, false);
        assert_eq!(
            refused(Defense::OriginCheck, DefenseSaw::ForeignOrigin { origin: "http://127.0.0.1:3001".into() }),
            "refused by the Origin check (Origin http://127.0.0.1:3001); the route did not run"
        );
        assert!(refused(Defense::FetchMetadata, DefenseSaw::CrossSite { old_browser: false }).starts_with("refused by Fetch Metadata"));
        assert!(refused(Defense::JsonOnly, DefenseSaw::PlainTextBody).starts_with("refused by \"JSON only\""));
        assert_eq!(outcome(&RouteOutcome::Refused { code: ErrorCode::NoCredentials }, false), "refused: no_credentials");
        assert_eq!(outcome(&RouteOutcome::NotChecked, true), "not checked on a preflight");
    }
}
