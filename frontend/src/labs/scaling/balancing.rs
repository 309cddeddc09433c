//! The scaling lab behind a load balancer (`cargo xtask run --scale lb`), as plain data: the
//! two ways through HAProxy, the four cases of the Sessions vs JWT table's Scaling row, which
//! instance an answer names (`X-Instance`), what the page could read of it, and whether a
//! policy lets the page read the instance at all. The view is `balancer`.

use shared::{
    cors::CorsPolicy,
    wire::{AuthKind, Balanced, BalancedServer, ErrorBody, INSTANCE_HEADER, Profile},
};

use crate::{api::BrowserView, loopback};

/// A way through the balancer: HAProxy listens on one origin per way, so the page switches
/// ways by sending to one origin or the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Way {
    RoundRobin,
    Sticky,
}

impl Way {
    pub const ALL: [Way; 2] = [Way::RoundRobin, Way::Sticky];

    /// The lab API's origin through this way, when the backend names one the page may talk
    /// to (a loopback origin: anyone could start a backend naming another).
    pub fn origin(self, balanced: &Balanced) -> Option<&str> {
        let named = match self {
            Way::RoundRobin => balanced.round_robin.as_deref(),
            Way::Sticky => balanced.sticky.as_deref(),
        };
        named.and_then(loopback::origin)
    }

    pub fn label(self) -> &'static str {
        match self {
            Way::RoundRobin => "round-robin",
            Way::Sticky => "sticky",
        }
    }

    pub fn explain(self) -> &'static str {
        match self {
            Way::RoundRobin => "each request goes to the next running instance, in turn (a preflight takes a turn too)",
            Way::Sticky => "HAProxy's first answer sets a SERVERID cookie; later requests that carry it go to that instance while it runs",
        }
    }
}

/// How the profile request proves who is asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credential {
    /// The `sessionId` cookie: the session lives in one instance's memory, or in Redis.
    Cookie,
    /// `Authorization: Bearer`: any instance with the secret checks it alone.
    Jwt,
}

impl Credential {
    pub fn label(self) -> &'static str {
        match self {
            Credential::Cookie => "session cookie",
            Credential::Jwt => "JWT",
        }
    }
}

/// One case of the Sessions vs JWT table's Scaling row, with the anchor it links to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Case {
    /// The element id in the scaling panel (`#scale-…`).
    pub id: &'static str,
    pub title: &'static str,
    pub way: Way,
    pub credential: Credential,
    /// The store the case needs, `None` for either.
    pub store: Option<&'static str>,
    /// What the person should see.
    pub expect: &'static str,
}

pub const CASES: [Case; 4] = [
    Case {
        id: "scale-round-robin-memory",
        title: "Round-robin, sessions in memory",
        way: Way::RoundRobin,
        credential: Credential::Cookie,
        store: Some("memory"),
        expect: "every other request is 401 unknown_session: the instance that did not make the session does not know it. Stop that instance and every request works.",
    },
    Case {
        id: "scale-sticky-memory",
        title: "Sticky, sessions in memory",
        way: Way::Sticky,
        credential: Credential::Cookie,
        store: Some("memory"),
        expect: "works, always on the same instance, until that instance stops: then the other one answers 401 unknown_session, logged out (still after it starts again: the browser is pinned to the other now).",
    },
    Case {
        id: "scale-redis",
        title: "Either way, sessions in Redis",
        way: Way::RoundRobin,
        credential: Credential::Cookie,
        store: Some("redis"),
        expect: "works whichever instance answers, across a stop and start: both read the same store.",
    },
    Case {
        id: "scale-jwt",
        title: "Either way, a JWT",
        way: Way::RoundRobin,
        credential: Credential::Jwt,
        store: None,
        expect: "works whichever instance answers, across a stop and start: both know the secret, and nothing is looked up.",
    },
];

impl Case {
    /// Whether the lab runs with the store this case needs (`store` as `GET /control/instance`
    /// names it).
    pub fn runs_with(&self, store: &str) -> bool {
        self.store.is_none_or(|needed| needed == store)
    }
}

/// Whether `policy` lets the page read `X-Instance` on the lab's requests. `*` does not count:
/// browsers ignore it for requests with credentials, and the cookie case has them.
pub fn exposes_instance(policy: &CorsPolicy) -> bool {
    policy.expose_headers.iter().any(|name| name.eq_ignore_ascii_case(INSTANCE_HEADER))
}

/// `policy` with `X-Instance` exposed, the rest unchanged. A `*` is replaced: it must stand
/// alone in the list, and it is no use to credentialed requests anyway.
pub fn with_instance_exposed(mut policy: CorsPolicy) -> CorsPolicy {
    if !exposes_instance(&policy) {
        policy.expose_headers.retain(|name| name != "*");
        policy.expose_headers.push(INSTANCE_HEADER.to_owned());
    }
    policy
}

/// A body as the page read it, before it is put in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Profile(Profile),
    /// `POST /api/token`'s answer.
    Token,
    Error(ErrorBody),
    Other,
}

/// What the page could read of one request through the balancer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reading {
    /// `X-Instance`, when readable.
    pub instance: Option<String>,
    pub got: Got,
}

/// What came back that the page could read (not the log's `RouteOutcome`: the page's side).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Got {
    /// 200: the instance knew the person.
    User { email: String, auth: AuthKind },
    /// 200 with a new JWT.
    Token,
    /// An error the contract names (401 `unknown_session`, …).
    Refused { status: u16, code: String },
    /// Another answer.
    Status(u16),
    /// No answer the page could read: no instance running (HAProxy's 503 carries no CORS
    /// header), or a CORS block.
    Blocked,
}

/// What the page read: the instance from the headers, what came from the status and body.
/// `parse` reads the body (the browser's `JSON.parse` in the page, anything in a test).
pub fn reading(browser: &BrowserView, parse: impl Fn(&str) -> Body) -> Reading {
    match browser {
        BrowserView::Response { status, body, .. } => {
            let got = match (*status, parse(body)) {
                (200, Body::Profile(p)) => Got::User { email: p.user.email, auth: p.auth },
                (200, Body::Token) => Got::Token,
                (status, Body::Error(e)) => Got::Refused { status, code: e.error.to_string() },
                (status, _) => Got::Status(status),
            };
            Reading { instance: browser.header(INSTANCE_HEADER).map(str::to_owned), got }
        }
        BrowserView::NetworkError(_) => Reading { instance: None, got: Got::Blocked },
    }
}

impl Reading {
    /// Which instance answered, in words.
    pub fn instance_text(&self) -> String {
        match (&self.instance, &self.got) {
            (Some(name), _) => name.clone(),
            (None, Got::Blocked) => "none the page can tell".to_owned(),
            (None, _) => "unreadable (X-Instance not exposed)".to_owned(),
        }
    }

    /// What the page could read, in words.
    pub fn outcome_text(&self) -> String {
        match &self.got {
            Got::User { email, auth } => {
                let auth = match auth {
                    AuthKind::Session => "session",
                    AuthKind::Jwt => "jwt",
                    AuthKind::UnsignedJwt => "unsigned jwt",
                };
                format!("200: {email} ({auth})")
            }
            Got::Token => "200: a JWT, kept in the page's memory".to_owned(),
            Got::Refused { status, code } => format!("{status} {code}"),
            Got::Status(status) => status.to_string(),
            Got::Blocked => {
                "blocked: no answer the page could read (with no instance running, HAProxy answers 503 without CORS headers)".to_owned()
            }
        }
    }

    /// Whether the instance knew who was asking.
    pub fn logged_in(&self) -> bool {
        matches!(self.got, Got::User { .. })
    }
}

/// The button that switches `server`: stop it while it takes requests, start it otherwise.
pub fn switch_label(server: &BalancedServer) -> String {
    format!("{} instance {}", if server.enabled { "Stop" } else { "Start" }, server.name)
}

/// `server`'s state as the balancer reports it.
pub fn server_state(server: &BalancedServer) -> &'static str {
    match (server.enabled, server.up) {
        (true, true) => "running: takes lab requests",
        (true, false) => "enabled, but HAProxy's health check does not reach it",
        (false, _) => "stopped: out of both ways (the process keeps running, its memory intact)",
    }
}

#[cfg(test)]
mod tests {
    use shared::{
        cors::{AllowOrigin, RefusedPreflight},
        wire::{ErrorCode, User},
    };

    use super::*;

    fn answer(status: u16, instance: Option<&str>) -> BrowserView {
        let mut headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        headers.extend(instance.map(|i| ("x-instance".to_owned(), i.to_owned())));
        BrowserView::Response { status, status_text: String::new(), headers, body: String::new() }
    }

    fn policy(expose: &[&str]) -> CorsPolicy {
        CorsPolicy {
            enabled: true,
            allow_origin: AllowOrigin::Any,
            allow_credentials: true,
            allow_methods: vec![],
            allow_headers: vec![],
            expose_headers: expose.iter().map(|&s| s.to_owned()).collect(),
            max_age: None,
            refused_preflight: RefusedPreflight::Forbidden,
            mistake: None,
        }
    }

    #[test]
    fn the_ways_use_only_loopback_origins_the_backend_names() {
        let balanced = Balanced {
            round_robin: Some("http://localhost:3000/".to_owned()),
            sticky: Some("https://evil.example".to_owned()),
            admin: true,
        };
        assert_eq!(Way::RoundRobin.origin(&balanced), Some("http://localhost:3000"));
        assert_eq!(Way::Sticky.origin(&balanced), None);
        assert_eq!(Way::Sticky.origin(&Balanced { sticky: None, ..balanced }), None);
    }

    #[test]
    fn an_answer_names_its_instance_and_what_the_page_read() {
        let profile = Body::Profile(Profile { user: User { id: 1, email: "a@b.com".into() }, auth: AuthKind::Session });
        let known = reading(&answer(200, Some("A")), |_| profile.clone());
        assert_eq!(known.instance.as_deref(), Some("A"));
        assert_eq!(known.outcome_text(), "200: a@b.com (session)");
        assert!(known.logged_in());

        let unknown = Body::Error(ErrorBody { error: ErrorCode::UnknownSession, message: "…".into() });
        let stranger = reading(&answer(401, Some("B")), |_| unknown.clone());
        assert_eq!((stranger.instance_text(), stranger.outcome_text()), ("B".to_owned(), "401 unknown_session".to_owned()));
        assert!(!stranger.logged_in());
    }

    #[test]
    fn a_hidden_instance_and_a_blocked_request_are_told_apart() {
        let hidden = reading(&answer(200, None), |_| Body::Other);
        assert_eq!(hidden.instance_text(), "unreadable (X-Instance not exposed)");
        assert_eq!(hidden.got, Got::Status(200));
        let blocked = reading(&BrowserView::NetworkError("TypeError: Failed to fetch".into()), |_| Body::Other);
        assert_eq!((blocked.instance, blocked.got), (None, Got::Blocked));
    }

    #[test]
    fn exposing_the_instance_adds_it_once_and_replaces_a_wildcard() {
        assert!(!exposes_instance(&policy(&[])) && !exposes_instance(&policy(&["*"])));
        assert!(exposes_instance(&policy(&["x-instance"])));
        assert_eq!(with_instance_exposed(policy(&["X-Request-Id"])).expose_headers, ["X-Request-Id", "x-instance"]);
        assert_eq!(with_instance_exposed(policy(&["x-instance"])).expose_headers, ["x-instance"]);
        let from_star = with_instance_exposed(policy(&["*"]));
        assert_eq!(from_star.expose_headers, ["x-instance"]);
        assert!(from_star.validate().is_ok());
    }

    #[test]
    fn the_switch_stops_a_running_instance_and_starts_a_stopped_one() {
        let running = BalancedServer { name: "A".into(), enabled: true, up: true };
        assert_eq!(switch_label(&running), "Stop instance A");
        let stopped = BalancedServer { enabled: false, up: false, ..running };
        assert_eq!(switch_label(&stopped), "Start instance A");
        assert!(server_state(&stopped).starts_with("stopped"));
    }

    #[test]
    fn each_case_has_its_own_anchor_and_says_which_store_it_needs() {
        let ids: std::collections::HashSet<_> = CASES.iter().map(|c| c.id).collect();
        assert_eq!(ids.len(), CASES.len());
        assert!(CASES.iter().all(|c| c.id.starts_with("scale-")));
        let redis = CASES.iter().find(|c| c.id == "scale-redis").unwrap();
        assert!(redis.runs_with("redis") && !redis.runs_with("memory"));
        assert!(CASES.iter().find(|c| c.id == "scale-jwt").unwrap().runs_with("memory"));
    }
}
