//! What one lab request came to: the browser's view, and the words that explain it next to
//! the server's view. Plain data and functions, so they are tested without a browser.

use shared::{
    cors::{
        CorsPolicy, Engine,
        browser::{Block, BrowserRequest, Verdict, evaluate_in, preflight_check_in, preflight_reasons},
        fix::{Fix, fix},
    },
    cookie::{CookiePolicy, SameSite},
    wire::{ErrorCode, LogEntry, RouteOutcome},
};

use crate::{api::BrowserView, engines, server_words};

/// The explanation of one request, from what both sides saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Explanation {
    /// Whether a preflight was needed, and why (or that it came from the cache).
    pub preflight: String,
    /// What happened, in one or two sentences.
    pub summary: String,
    /// For an answer the page read only by an engine's leniency: what to change on the server
    /// so that a browser following the standard reads it too. (A blocked request's fix is
    /// data: `offered_fix`.)
    pub advice: Option<String>,
}

/// The entries of one request: the preflight (if any) and the actual request (if it came).
pub fn split(entries: &[LogEntry]) -> (Option<&LogEntry>, Option<&LogEntry>) {
    (entries.iter().rev().find(|e| e.preflight), entries.iter().rev().find(|e| !e.preflight))
}

fn pairs(entry: &LogEntry) -> Vec<(String, String)> {
    entry.response_headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect()
}

/// Seconds left, at `at_ms`, of a preflight `engine` may have cached for `request`, from the
/// server's `earlier` entries for its URL: a preflight whose answer lets this request through
/// is kept for its Max-Age (5 s without one, at most the engine's cap). `time_ms` reads an
/// entry's `at`.
pub fn cached_preflight(engine: Engine, request: &BrowserRequest, earlier: &[LogEntry], at_ms: f64, time_ms: impl Fn(&str) -> f64) -> Option<u64> {
    earlier
        .iter()
        .filter(|e| e.preflight)
        .filter_map(|e| {
            let pass = preflight_check_in(engine, request, e.status, &pairs(e)).ok()?;
            Some(time_ms(&e.at) + pass.cache_seconds as f64 * 1000.0)
        })
        .filter(|until| *until > at_ms)
        .map(|until| ((until - at_ms) / 1000.0).ceil() as u64)
        .max()
}

/// What `engine`'s rules make of the answers the server logged for a request; `None` while
/// they do not tell yet (no entry, or a preflight that passed and no request after it).
pub fn verdict(engine: Engine, request: &BrowserRequest, entries: &[LogEntry]) -> Option<Verdict> {
    let (preflight, actual) = split(entries);
    let preflight = preflight.map(|p| (p.status, pairs(p)));
    let preflight = preflight.as_ref().map(|(status, headers)| (*status, headers.as_slice()));
    match actual {
        Some(actual) => Some(evaluate_in(engine, request, preflight, &pairs(actual))),
        None => match evaluate_in(engine, request, Some(preflight?), &[]) {
            blocked @ Verdict::BlockedAtPreflight { .. } => Some(blocked),
            _ => None,
        },
    }
}

fn block(verdict: &Verdict) -> Option<&Block> {
    match verdict {
        Verdict::Readable { .. } => None,
        Verdict::Blocked { block, .. } | Verdict::BlockedAtPreflight { block, .. } => Some(block),
    }
}

/// The prediction a result carries as data attributes, for outside tests to hold against the
/// engine: `readable` or `blocked`, and Chromium's `corsError` name when blocked (empty when
/// readable).
pub fn predicted(verdict: &Verdict) -> (&'static str, String) {
    match block(verdict) {
        None => ("readable", String::new()),
        Some(block) => ("blocked", block.chromium_name()),
    }
}

/// Whether the browser sends a preflight for `request` (`sent`), reuses one it cached
/// (`cached`: `cached_for` is the time left of one, `cached_preflight`), or needs none (`none`).
pub fn predicted_preflight(request: &BrowserRequest, cached_for: Option<u64>) -> &'static str {
    match (preflight_reasons(request).is_empty(), cached_for) {
        (true, _) => "none",
        (false, Some(_)) => "cached",
        (false, None) => "sent",
    }
}

/// The sentence each engine's console prints for a blocked request, `engine`'s first: `url` as
/// the page fetched it, the page's origin, and the status of the answer that failed the check
/// (the preflight's or the request's). Each engine's words for its own verdict (they name
/// different headers first when several are refused). `None` when nothing was blocked.
pub fn console_messages(engine: Engine, request: &BrowserRequest, url: &str, entries: &[LogEntry]) -> Option<Vec<(Engine, String)>> {
    let (preflight, actual) = split(entries);
    let say = |engine: Engine| {
        let verdict = verdict(engine, request, entries)?;
        let block = block(&verdict)?;
        let failed = if block.preflight { preflight } else { actual };
        Some((engine, engine.console_message(block, url, &request.origin, failed.map_or(0, |e| e.status))))
    };
    let own = say(engine)?;
    Some(std::iter::once(own).chain(Engine::ALL.into_iter().filter(|e| *e != engine).filter_map(say)).collect())
}

/// Explains a request in `engine`, whose rules gave `verdict` (`verdict`, computed once by the
/// caller for every view that shows it). `cached_for` is the seconds left of a preflight the
/// browser cached for this URL, when the page knows of one.
pub fn explain(
    engine: Engine,
    request: &BrowserRequest,
    browser: &BrowserView,
    entries: &[LogEntry],
    verdict: Option<&Verdict>,
    cached_for: Option<u64>,
) -> Explanation {
    let reasons = preflight_reasons(request);
    let (preflight, actual) = split(entries);
    let preflight_text = match (reasons.is_empty(), preflight, actual) {
        (true, _, _) => "No preflight: a \"simple\" request (safelisted method and headers), sent straight away.".to_owned(),
        (false, Some(p), _) => format!("Needed a preflight because {}; it was answered {}.", reasons.join("; "), p.status),
        (false, None, Some(_)) => match cached_for {
            Some(left) => format!("No preflight (cached, {left} s left): the browser reused an earlier answer for this URL."),
            None => "No preflight on the wire: the browser reused a cached preflight for this URL.".to_owned(),
        },
        (false, None, None) => format!("Needs a preflight because {}.", reasons.join("; ")),
    };
    let devtools = engines::devtools(engine);
    let why_blocked = verdict.and_then(block).map(|b| b.reason.clone());

    let (summary, advice) = match (browser, actual, preflight) {
        (BrowserView::Response { status, .. }, _, _) => match verdict {
            Some(Verdict::Readable { warnings, .. }) if !warnings.is_empty() => (
                format!("The browser let the page read the answer ({status}). But: {}", warnings.join(" ")),
                Some("list Authorization in Access-Control-Allow-Headers by name".to_owned()),
            ),
            _ => (format!("The browser let the page read the answer ({status})."), None),
        },
        (BrowserView::NetworkError(_), None, None) => (
            "Nothing reached the server (yet): the backend is not running, or its log has not reported this request yet.".to_owned(),
            None,
        ),
        (BrowserView::NetworkError(_), None, Some(pre)) => {
            let why = why_blocked.unwrap_or_else(|| "the preflight did not allow it".to_owned());
            (
                format!(
                    "Blocked at the preflight: {why}. The server's CORS engine said: {}. The browser never sent the request itself, so the route did not run. {devtools}",
                    server_words::cors(pre.cors.as_ref())
                ),
                None,
            )
        }
        (BrowserView::NetworkError(_), Some(entry), _) => {
            let why = why_blocked.unwrap_or_else(|| "of a reason the server's log does not show".to_owned());
            // Whether the route ran is the log's outcome to say: a defense may have refused first.
            let route = match entry.outcome.refused_by() {
                Some(defense) => format!("{} refused it before the route ran", server_words::defense_name(defense)),
                None => "the route ran".to_owned(),
            };
            (
                format!(
                    "The request reached the server, which answered {} ({route}); the browser then hid the answer from the page because {why}. The server's CORS engine said: {}. {devtools}",
                    entry.status,
                    server_words::cors(entry.cors.as_ref())
                ),
                None,
            )
        }
    };
    Explanation { preflight: preflight_text, summary, advice }
}

/// Why no live session came with this request, when the cookie settings in force make this
/// engine drop the session cookie a login sets: SameSite=None without Secure. The login then
/// answered 200, yet the browser kept the cookie it had (whose session that login ended) or
/// none, and this request is refused `unknown_session` or `no_credentials` with no other word.
pub fn dropped_cookie(entries: &[LogEntry], cookie: CookiePolicy, engine: Engine) -> Option<String> {
    let refused = entries.iter().any(|e| matches!(e.outcome, RouteOutcome::Refused { code: ErrorCode::UnknownSession | ErrorCode::NoCredentials }));
    let drops = cookie.same_site == SameSite::None && !cookie.secure && !engine.cookie_facts().keeps_none_without_secure;
    (refused && drops).then(|| {
        format!(
            "{} refuses a session cookie set with SameSite=None but without Secure, so the last login's cookie was never kept: the browser sent \
             the cookie it had before, whose session that login ended, or none. Switch Secure on in the auth lab (2) and log in again.",
            engine.label()
        )
    })
}

/// The fix the page offers for a request it could not read: the smallest change to the policy
/// that was live when the request was sent (`sent_under`) after which the page reads this
/// request, as the page sent it, in every engine. From the policy and the request, never from
/// the browser's check alone, which sees only the first header it missed (a refused
/// preflight's answer has no `Access-Control-Allow-Origin`, whatever was refused). `None`
/// when the page read the answer, when nothing reached the server (no policy answered), when
/// the policy is not known (another instance's), or when it lets this request through in
/// every engine (then the policy is not what stopped it).
pub fn offered_fix(sent_under: Option<&CorsPolicy>, request: &BrowserRequest, browser: &BrowserView, entries: &[LogEntry]) -> Option<Fix> {
    match browser {
        BrowserView::NetworkError(_) if !entries.is_empty() => fix(sent_under?, request),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use shared::{cors::browser::CredentialsMode, wire::Credentials};

    use super::*;

    const PAGE: &str = "http://localhost:8080";

    fn entry(preflight: bool, status: u16, headers: &[(&str, &str)]) -> LogEntry {
        LogEntry {
            seq: 1,
            at: String::new(),
            rid: Some("r1".into()),
            method: if preflight { "OPTIONS".into() } else { "GET".into() },
            path: "/api/profile".into(),
            origin: Some(PAGE.into()),
            preflight,
            request_headers: BTreeMap::new(),
            credentials: Credentials::default(),
            status,
            response_headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            cors: None,
            outcome: shared::wire::RouteOutcome::NotChecked,
        }
    }

    fn req(method: &str, headers: &[(&str, &str)]) -> BrowserRequest {
        BrowserRequest {
            origin: PAGE.into(),
            method: method.into(),
            headers: headers.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect(),
            credentials: CredentialsMode::Include,
        }
    }

    const BLOCKED: fn() -> BrowserView = || BrowserView::NetworkError("TypeError: Failed to fetch".into());
    const CHROMIUM: Engine = Engine::Chromium;

    /// `explain` in Chromium, with the verdict its rules give.
    fn explained(request: &BrowserRequest, browser: &BrowserView, entries: &[LogEntry], cached_for: Option<u64>) -> Explanation {
        explain(CHROMIUM, request, browser, entries, verdict(CHROMIUM, request, entries).as_ref(), cached_for)
    }

    #[test]
    fn blocked_but_arrived_names_the_missing_header() {
        let e = explained(&req("GET", &[]), &BLOCKED(), &[entry(false, 401, &[])], None);
        assert!(e.preflight.starts_with("No preflight"), "{e:?}");
        assert!(e.summary.contains("reached the server, which answered 401"), "{e:?}");
        assert!(e.summary.contains("no Access-Control-Allow-Origin"), "{e:?}");
        assert_eq!(e.advice, None);
    }

    #[test]
    fn a_refused_session_after_a_dropped_cookie_is_explained_only_where_the_engine_drops_it() {
        let mut refused = entry(false, 401, &[]);
        refused.outcome = RouteOutcome::Refused { code: ErrorCode::UnknownSession };
        let none_unsecured = CookiePolicy { same_site: SameSite::None, secure: false, http_only: true };
        let said = dropped_cookie(std::slice::from_ref(&refused), none_unsecured, Engine::Chromium).expect("Chromium drops it");
        assert!(said.contains("without Secure") && said.contains("Switch Secure on"), "{said}");
        assert_eq!(dropped_cookie(std::slice::from_ref(&refused), none_unsecured, Engine::WebKit), None, "WebKit keeps it");
        assert_eq!(dropped_cookie(std::slice::from_ref(&refused), CookiePolicy { secure: true, ..none_unsecured }, Engine::Chromium), None);
        assert_eq!(dropped_cookie(&[entry(false, 200, &[])], none_unsecured, Engine::Chromium), None, "nothing refused");
    }

    /// A defense that refused the request is named; the route is not said to have run.
    #[test]
    fn blocked_and_refused_by_a_defense_does_not_say_the_route_ran() {
        let mut refused = entry(false, 403, &[]);
        refused.outcome = shared::wire::RouteOutcome::DefenseRefused {
            defense: shared::wire::Defense::FetchMetadata,
            saw: shared::wire::DefenseSaw::CrossSite { old_browser: false },
        };
        let e = explained(&req("GET", &[]), &BLOCKED(), &[refused], None);
        assert!(e.summary.contains("(Fetch Metadata refused it before the route ran)") && !e.summary.contains("(the route ran)"), "{e:?}");
        assert!(explained(&req("GET", &[]), &BLOCKED(), &[entry(false, 401, &[])], None).summary.contains("(the route ran)"));
    }

    /// A refused preflight answered 403 without headers fails the browser's check at its
    /// missing Access-Control-Allow-Origin, whatever the policy refused: the fix comes from the
    /// policy, and names what it refused.
    #[test]
    fn the_fix_for_a_refused_preflight_is_what_the_policy_refused_not_the_origin_the_browser_missed() {
        let forgot = CorsPolicy { allow_headers: vec!["Content-Type".into()], ..CorsPolicy::secure_default(PAGE) };
        let bearer = req("GET", &[("Authorization", "Bearer x")]);
        let refused = [entry(true, 403, &[])];
        assert!(block(&verdict(CHROMIUM, &bearer, &refused).unwrap()).is_some_and(|b| b.reason.contains("no Access-Control-Allow-Origin")));
        let fix = offered_fix(Some(&forgot), &bearer, &BLOCKED(), &refused).expect("a fix is offered");
        assert_eq!(fix.changes, [shared::cors::fix::Change::AllowHeader { name: "Authorization".into(), wildcard: false }]);
        let delete = req("DELETE", &[]);
        let fix = offered_fix(Some(&CorsPolicy::secure_default(PAGE)), &delete, &BLOCKED(), &refused).expect("a fix is offered");
        assert_eq!(fix.changes, [shared::cors::fix::Change::AllowMethod { method: "DELETE".into(), wildcard: false }]);
    }

    #[test]
    fn no_fix_is_offered_for_a_read_answer_an_unknown_policy_or_nothing_on_the_server() {
        let off = CorsPolicy::off(PAGE);
        let simple = req("GET", &[]);
        let arrived = [entry(false, 200, &[])];
        assert!(offered_fix(Some(&off), &simple, &BLOCKED(), &arrived).is_some());
        assert_eq!(offered_fix(None, &simple, &BLOCKED(), &arrived), None);
        assert_eq!(offered_fix(Some(&off), &simple, &BLOCKED(), &[]), None);
        let read = BrowserView::Response { status: 200, status_text: "OK".into(), headers: vec![], body: String::new() };
        assert_eq!(offered_fix(Some(&off), &simple, &read, &arrived), None);
        // The policy lets it through: something else stopped it, and no policy change is offered.
        assert_eq!(offered_fix(Some(&CorsPolicy::secure_default(PAGE)), &simple, &BLOCKED(), &arrived), None);
    }

    #[test]
    fn stopped_at_the_preflight_says_the_route_never_ran() {
        let json = [("Content-Type", "application/json")];
        let e = explained(&req("POST", &json), &BLOCKED(), &[entry(true, 403, &[])], None);
        assert!(e.preflight.contains("application/json"), "{e:?}");
        assert!(e.summary.starts_with("Blocked at the preflight"), "{e:?}");
        assert!(e.summary.contains("never sent the request itself"), "{e:?}");
    }

    #[test]
    fn star_with_credentials_is_explained() {
        let headers = [("access-control-allow-origin", "*"), ("access-control-allow-credentials", "true")];
        let e = explained(&req("GET", &[]), &BLOCKED(), &[entry(false, 200, &headers)], None);
        assert!(e.summary.contains("wildcard is refused"), "{e:?}");
    }

    /// The answer to a bearer request's preflight, with `max_age` when given.
    fn bearer_preflight(at: &str, status: u16, max_age: Option<&str>) -> LogEntry {
        let mut headers = vec![
            ("access-control-allow-origin", PAGE),
            ("access-control-allow-credentials", "true"),
            ("access-control-allow-headers", "Authorization"),
        ];
        headers.extend(max_age.map(|age| ("access-control-max-age", age)));
        LogEntry { at: at.into(), ..entry(true, status, &headers) }
    }

    #[test]
    fn a_preflight_that_passed_is_cached_for_its_max_age_up_to_the_engine_s_cap() {
        let at = |text: &str| text.parse::<f64>().unwrap();
        let bearer = req("GET", &[("Authorization", "Bearer x")]);
        let passed = bearer_preflight("1000", 204, Some("600"));
        assert_eq!(cached_preflight(CHROMIUM, &bearer, std::slice::from_ref(&passed), 101_000.0, at), Some(500));
        assert_eq!(cached_preflight(CHROMIUM, &bearer, std::slice::from_ref(&passed), 601_000.0, at), None);
        let default_age = bearer_preflight("1000", 204, None);
        assert_eq!(cached_preflight(CHROMIUM, &bearer, &[default_age], 2_500.0, at), Some(4));
        let long = bearer_preflight("0", 204, Some("86400"));
        let caps = Engine::ALL.map(|engine| cached_preflight(engine, &bearer, std::slice::from_ref(&long), 0.0, at));
        assert_eq!(caps, [Some(7200), Some(86_400), Some(600)]);
        let refused = bearer_preflight("1000", 403, Some("600"));
        assert_eq!(cached_preflight(CHROMIUM, &bearer, &[refused, entry(false, 200, &[])], 2_000.0, at), None);
        // A cached answer that does not allow this request's headers is no use to it.
        let custom = req("GET", &[("X-Custom", "1")]);
        assert_eq!(cached_preflight(CHROMIUM, &custom, &[passed], 2_000.0, at), None);
    }

    #[test]
    fn a_cached_preflight_is_named() {
        let auth = [("Authorization", "Bearer x")];
        let ok = BrowserView::Response { status: 200, status_text: "OK".into(), headers: vec![], body: String::new() };
        let e = explained(&req("GET", &auth), &ok, &[entry(false, 200, &[])], Some(42));
        assert_eq!(e.preflight, "No preflight (cached, 42 s left): the browser reused an earlier answer for this URL.");
        assert_eq!(ok.headline(), "200 OK");
    }

    #[test]
    fn the_prediction_names_the_verdict_the_preflight_and_chromium_s_cors_error() {
        let json = req("POST", &[("Content-Type", "application/json")]);
        let at_preflight = verdict(CHROMIUM, &json, &[entry(true, 403, &[])]).unwrap();
        assert_eq!(predicted(&at_preflight), ("blocked", "PreflightMissingAllowOriginHeader".to_owned()));
        assert_eq!(predicted_preflight(&json, None), "sent");
        assert_eq!(predicted_preflight(&json, Some(3)), "cached");
        let simple = req("GET", &[]);
        assert_eq!(predicted_preflight(&simple, None), "none");
        let readable = [("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true")];
        assert_eq!(predicted(&verdict(CHROMIUM, &simple, &[entry(false, 200, &readable)]).unwrap()), ("readable", String::new()));
        // A preflight that passed, and the request not logged yet: no verdict yet.
        let bearer = req("GET", &[("Authorization", "Bearer x")]);
        assert_eq!(verdict(CHROMIUM, &bearer, &[bearer_preflight("0", 204, None)]), None);
        assert_eq!(verdict(CHROMIUM, &simple, &[]), None);
    }

    #[test]
    fn the_console_s_words_come_in_each_engine_with_the_failed_answer_s_status() {
        let url = "http://localhost:3000/api/profile?rid=r1";
        let simple = req("GET", &[]);
        let said = console_messages(Engine::Firefox, &simple, url, &[entry(false, 401, &[])]).unwrap();
        let engines: Vec<Engine> = said.iter().map(|(e, _)| *e).collect();
        assert_eq!(engines, [Engine::Firefox, Engine::Chromium, Engine::WebKit]);
        assert_eq!(
            said[0].1,
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at http://localhost:3000/api/profile?rid=r1. (Reason: CORS header ‘Access-Control-Allow-Origin’ missing). Status code: 401."
        );
        assert!(said[1].1.starts_with("Access to fetch at 'http://localhost:3000/api/profile?rid=r1' from origin 'http://localhost:8080' has been blocked"), "{said:?}");
        let json = req("POST", &[("Content-Type", "application/json")]);
        let at_preflight = console_messages(Engine::Firefox, &json, url, &[entry(true, 405, &[])]).unwrap();
        assert!(at_preflight[0].1.ends_with("Status code: 405."), "{at_preflight:?}");
        let readable = [("access-control-allow-origin", PAGE), ("access-control-allow-credentials", "true")];
        assert_eq!(console_messages(CHROMIUM, &simple, url, &[entry(false, 200, &readable)]), None);
    }
}
