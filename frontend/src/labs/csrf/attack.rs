//! What a request from another origin to `/api/transfer` did, in words, from the server's log:
//! its outcome, credentials, request and answer headers and CORS decision as data, never its
//! sentences; with the cookie settings in force and what this browser was measured to do.

use shared::{
    cookie::{CookiePolicy, SameSite},
    cors::{Engine, Reason, browser::is_safelisted_request_header},
    wire::{CSRF_TOKEN_HEADER, Defense, DefenseSaw, LogEntry, RouteOutcome},
};

use crate::server_words;

/// Whether `entry` is a write to the bank from a page other than the playground: the POST, or
/// its preflight when that did not allow it (then no POST followed; an allowed one's POST is
/// listed itself).
pub fn is_attack(entry: &LogEntry, page_origin: &str) -> bool {
    let refused_preflight = !matches!(entry.cors, Some(Reason::Allowed { .. }));
    entry.path == "/api/transfer" && entry.origin.as_deref() != Some(page_origin) && (!entry.preflight || refused_preflight)
}

/// What the story needs besides the entry.
pub struct Context<'a> {
    pub page_origin: &'a str,
    pub cookie: CookiePolicy,
    pub engine: Engine,
    /// The third-party cookie probe's result in this browser, when it ran: the `SameSite` then,
    /// and whether the session cookie went to another site.
    pub probe: Option<(SameSite, bool)>,
}

/// The host of an origin (`http://127.0.0.1:3001` → `127.0.0.1`): on loopback, what makes a site.
fn host(origin: &str) -> &str {
    let rest = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    rest.rsplit_once(':').map_or(rest, |(host, _)| host)
}

/// The story of one attack request.
pub fn explain(entry: &LogEntry, ctx: &Context<'_>) -> String {
    let from = entry.origin.as_deref().unwrap_or("(no Origin)");
    let content_type = entry.request_headers.get("content-type").map_or("no Content-Type", String::as_str);
    if entry.preflight {
        let asked = entry.request_headers.get("access-control-request-headers").map_or("none", String::as_str);
        return format!(
            "Nothing happened: the browser asked first (a preflight from {from}, for the headers {asked}), and {}; so it never sent the POST.",
            server_words::cors(entry.cors.as_ref())
        );
    }
    let kind = if entry.method == "GET" {
        get_kind(entry)
    } else if is_safelisted_request_header("content-type", content_type) {
        format!("simple POST ({content_type}: no preflight)")
    } else {
        format!("POST with {content_type}, whose preflight the lab policy allowed")
    };
    let readable = entry.response_headers.contains_key("access-control-allow-origin");
    let read = if readable {
        "The lab policy even let the attacker's page read the answer."
    } else {
        "CORS only kept the attacker's page from reading the answer; it did not stop the request."
    };
    match &entry.outcome {
        RouteOutcome::Transferred { .. } => {
            format!("The transfer RAN: the browser attached the victim's session cookie to this {kind} from {from}. {read}")
        }
        RouteOutcome::DefenseRefused { defense, saw } => {
            let how = match (defense, saw) {
                (Defense::OriginCheck, _) => format!("the Origin check refused {from} before the route ran."),
                (Defense::FetchMetadata, DefenseSaw::CrossSite { old_browser: true }) => {
                    format!("Fetch Metadata refused it: no Sec-Fetch-Site came, and {from} is not trusted.")
                }
                (Defense::FetchMetadata, _) => {
                    "Fetch Metadata refused it: the browser's Sec-Fetch-Site said another site sent it.".to_owned()
                }
                (Defense::JsonOnly, _) => {
                    "\"JSON only\" refused the text/plain body; a JSON body would have needed a preflight.".to_owned()
                }
                (Defense::CsrfToken, DefenseSaw::WrongCsrfToken) => format!(
                    "the CSRF token defense refused it ({}): an {CSRF_TOKEN_HEADER} came, but not this session's token.",
                    Defense::CsrfToken.code().as_str()
                ),
                (Defense::CsrfToken, _) => format!(
                    "the CSRF token defense refused it ({}): no {CSRF_TOKEN_HEADER} came. The attacker's page cannot read the session's token, so it cannot send it.",
                    Defense::CsrfToken.code().as_str()
                ),
            };
            format!("Nothing happened: {how}")
        }
        RouteOutcome::Refused { .. } if !entry.credentials.has_session() => format!("Nothing happened: {}", no_cookie(from, ctx)),
        RouteOutcome::Refused { .. } => "Nothing happened: the cookie named no live session.".to_owned(),
        other => format!("The server answered {}: {}.", entry.status, server_words::outcome(other, entry.preflight)),
    }
}

/// A transfer by GET (the lab's deliberately vulnerable `transfer_via_get`), told by the
/// Fetch Metadata the browser sent: a top-level navigation is what `SameSite=Lax` lets a
/// cookie go with from another site.
fn get_kind(entry: &LogEntry) -> String {
    let header = |name: &str| entry.request_headers.get(name).map(String::as_str);
    match (header("sec-fetch-mode"), header("sec-fetch-site")) {
        (Some("navigate"), site) => format!(
            "GET by a top-level navigation (Sec-Fetch-Mode: navigate, Sec-Fetch-Site: {}), on which SameSite=Lax lets the cookie go",
            site.unwrap_or("not sent")
        ),
        (Some(mode), _) => format!("GET (Sec-Fetch-Mode: {mode}: no preflight)"),
        (None, _) => "GET (no preflight)".to_owned(),
    }
}

/// Why no session cookie came with a request from `from`, from the settings and the engine.
fn no_cookie(from: &str, ctx: &Context<'_>) -> String {
    let same_site = ctx.cookie.same_site;
    let dropped = same_site == SameSite::None && !ctx.cookie.secure && !ctx.engine.cookie_facts().keeps_none_without_secure;
    if dropped {
        return format!(
            "no session cookie came from {from}: {} refuses a SameSite=None cookie without Secure, so the login's cookie was never kept.",
            ctx.engine.label()
        );
    }
    // WebKit drops a Secure cookie set over http://localhost (the challenges' note says so).
    let dropped_secure = ctx.cookie.secure && !ctx.engine.cookie_facts().keeps_secure_on_http_localhost && ctx.page_origin.starts_with("http://");
    if dropped_secure {
        return format!(
            "no session cookie came from {from}: {} drops a Secure cookie set over http://, so the login's cookie was never kept. Switch Secure off in the cookie settings and log in again.",
            ctx.engine.label()
        );
    }
    if host(from) == host(ctx.page_origin) {
        return format!("no session cookie came from {from}, the same site as the playground (SameSite lets it go there): nobody was logged in.");
    }
    match (same_site, ctx.probe) {
        (SameSite::Lax | SameSite::Strict, _) => {
            format!("no session cookie came: SameSite={} kept it home, since {from} is another site.", same_site.as_str())
        }
        (SameSite::None, Some((SameSite::None, false))) => format!(
            "no session cookie came from {from}: SameSite=None lets it go, but this browser blocks third-party cookies (the probe above saw it keep the cookie home too)."
        ),
        (SameSite::None, Some((SameSite::None, true))) => {
            format!("no session cookie came from {from}: this browser sends it to other sites (the probe above saw it), so nobody was logged in.")
        }
        (SameSite::None, _) => format!(
            "no session cookie came from {from}: SameSite=None lets it go, so either this browser blocks third-party cookies or nobody was logged in (the probe above tells which)."
        ),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::wire::{AuthKind, Authenticated, Credentials, ErrorCode, SeenCookie};

    use super::*;

    fn entry(status: u16, session: bool, origin: &str, outcome: RouteOutcome) -> LogEntry {
        let cookies = if session { vec![SeenCookie { name: "sessionId".into(), value: "abc…".into() }] } else { vec![] };
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: None,
            method: "POST".into(),
            path: "/api/transfer".into(),
            origin: Some(origin.into()),
            preflight: false,
            request_headers: BTreeMap::new(),
            credentials: Credentials { cookies, authorization: None },
            status,
            response_headers: BTreeMap::new(),
            cors: None,
            outcome,
        }
    }

    fn refused(defense: Defense, saw: DefenseSaw) -> RouteOutcome {
        RouteOutcome::DefenseRefused { defense, saw }
    }

    fn ctx(same_site: SameSite, probe: Option<(SameSite, bool)>) -> Context<'static> {
        Context { page_origin: "http://localhost:8080", cookie: CookiePolicy { same_site, secure: true, http_only: true }, engine: Engine::Chromium, probe }
    }

    #[test]
    fn each_outcome_is_told() {
        let by = Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Session, session: Some("abc".into()) };
        let ran = entry(200, true, "http://localhost:3001", RouteOutcome::Transferred { by, to: "bob@example.com".into(), amount: 100 });
        assert!(is_attack(&ran, "http://localhost:8080"));
        assert!(!is_attack(&ran, "http://localhost:3001"));
        let lax = ctx(SameSite::Lax, None);
        assert!(explain(&ran, &lax).starts_with("The transfer RAN"));
        assert!(explain(&ran, &lax).contains("did not stop the request"));
        let no_cookie = entry(401, false, "http://127.0.0.1:3001", RouteOutcome::Refused { code: ErrorCode::NoCredentials });
        assert!(explain(&no_cookie, &lax).contains("SameSite=Lax kept it home"), "{}", explain(&no_cookie, &lax));
    }

    /// The POST is told by its Content-Type: a JSON one had a preflight.
    #[test]
    fn a_json_attack_is_told_as_preflighted_not_simple() {
        let by = Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Session, session: None };
        let mut json = entry(200, true, "http://localhost:3001", RouteOutcome::Transferred { by, to: "bob@example.com".into(), amount: 1 });
        json.request_headers.insert("content-type".into(), "application/json".into());
        let told = explain(&json, &ctx(SameSite::Lax, None));
        assert!(told.contains("whose preflight the lab policy allowed") && !told.contains("no preflight"), "{told}");
        let mut preflight = entry(403, false, "http://127.0.0.1:3001", RouteOutcome::NotChecked);
        preflight.preflight = true;
        preflight.cors = Some(Reason::Refused { preflight: true, why: shared::cors::server::Refusal::ModeNone });
        assert!(is_attack(&preflight, "http://localhost:8080"), "a refused preflight is listed: no POST followed it");
        assert!(explain(&preflight, &ctx(SameSite::Lax, None)).contains("never sent the POST"));
    }

    /// With SameSite=None the cookie's absence is told from what the probe measured, not blamed on SameSite.
    #[test]
    fn with_samesite_none_the_probe_tells_third_party_blocking_from_nobody_logged_in() {
        let no_cookie = entry(401, false, "http://127.0.0.1:3001", RouteOutcome::Refused { code: ErrorCode::NoCredentials });
        let blocked = explain(&no_cookie, &ctx(SameSite::None, Some((SameSite::None, false))));
        assert!(blocked.contains("blocks third-party cookies") && !blocked.contains("kept it home, since"), "{blocked}");
        assert!(explain(&no_cookie, &ctx(SameSite::None, Some((SameSite::None, true)))).contains("nobody was logged in"));
        assert!(explain(&no_cookie, &ctx(SameSite::None, None)).contains("the probe above tells which"));
        let unsecured = Context { cookie: CookiePolicy { same_site: SameSite::None, secure: false, http_only: true }, ..ctx(SameSite::None, None) };
        assert!(explain(&no_cookie, &unsecured).contains("without Secure"), "{}", explain(&no_cookie, &unsecured));
        let same_site = entry(401, false, "http://localhost:3001", RouteOutcome::Refused { code: ErrorCode::NoCredentials });
        assert!(explain(&same_site, &ctx(SameSite::Lax, None)).contains("nobody was logged in"));
    }

    /// WebKit drops a Secure cookie set over http://localhost: no cookie from the same site is
    /// told as that, not as nobody logged in; the others keep it, and a login without Secure too.
    #[test]
    fn a_secure_cookie_webkit_dropped_is_told_as_dropped_not_as_nobody_logged_in() {
        let same_site = entry(401, false, "http://localhost:3001", RouteOutcome::Refused { code: ErrorCode::NoCredentials });
        let webkit = Context { engine: Engine::WebKit, ..ctx(SameSite::None, None) };
        let told = explain(&same_site, &webkit);
        assert!(told.contains("WebKit (Safari) drops a Secure cookie") && told.contains("Switch Secure off") && !told.contains("nobody"), "{told}");
        let unsecured = Context { cookie: CookiePolicy { same_site: SameSite::None, secure: false, http_only: true }, ..webkit };
        assert!(explain(&same_site, &unsecured).contains("nobody was logged in"), "WebKit keeps SameSite=None without Secure");
        for engine in [Engine::Chromium, Engine::Firefox] {
            let told = explain(&same_site, &Context { engine, ..ctx(SameSite::None, None) });
            assert!(told.contains("nobody was logged in"), "{engine:?} keeps the Secure cookie: {told}");
        }
    }

    /// A 403 is not always the Origin check: the story names the defense the log names.
    #[test]
    fn the_defense_that_refused_is_the_one_named() {
        let c = ctx(SameSite::Lax, None);
        let origin = entry(403, true, "x", refused(Defense::OriginCheck, DefenseSaw::ForeignOrigin { origin: "x".into() }));
        assert!(explain(&origin, &c).contains("the Origin check refused"), "{}", explain(&origin, &c));
        let metadata = entry(403, true, "x", refused(Defense::FetchMetadata, DefenseSaw::CrossSite { old_browser: false }));
        assert!(explain(&metadata, &c).contains("Fetch Metadata refused") && !explain(&metadata, &c).contains("Origin check"), "{}", explain(&metadata, &c));
        let json_only = entry(415, true, "x", refused(Defense::JsonOnly, DefenseSaw::PlainTextBody));
        assert!(explain(&json_only, &c).contains("JSON only"));
        let missing = explain(&entry(403, true, "x", refused(Defense::CsrfToken, DefenseSaw::MissingCsrfToken)), &c);
        assert!(missing.contains("CSRF token defense refused it (csrf_token_refused): no x-csrf-token came"), "{missing}");
        let wrong = explain(&entry(403, true, "x", refused(Defense::CsrfToken, DefenseSaw::WrongCsrfToken)), &c);
        assert!(wrong.contains("not this session's token") && !wrong.contains("no x-csrf-token came"), "{wrong}");
    }

    /// A transfer by GET (the vulnerable setting) is told by the Fetch Metadata that came.
    #[test]
    fn a_get_transfer_is_told_as_a_navigation_when_it_was_one() {
        let by = Authenticated { user: 1, email: "a@b.com".into(), by: AuthKind::Session, session: None };
        let mut get = entry(200, true, "x", RouteOutcome::Transferred { by, to: "bob@example.com".into(), amount: 100 });
        get.method = "GET".into();
        get.origin = None;
        assert!(is_attack(&get, "http://localhost:8080"), "a navigation sends no Origin");
        get.request_headers.insert("sec-fetch-mode".into(), "navigate".into());
        get.request_headers.insert("sec-fetch-site".into(), "cross-site".into());
        let told = explain(&get, &ctx(SameSite::Lax, None));
        assert!(told.contains("GET by a top-level navigation") && told.contains("cross-site") && !told.contains("POST"), "{told}");
    }
}
