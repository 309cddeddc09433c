//! Each challenge's solution, and the nearest wrong answer left unsolved.

use super::*;
use crate::{
    challenge::{SECRET_WORDS, setup},
    cookie::CookiePolicy,
    cors::{CorsPolicy, server::OriginRule},
    wire::{Credentials, Defense, DefenseSaw, Defenses, JwtSettings, SeenCookie, Vulnerable},
};
use std::collections::BTreeMap;

const PLAYGROUND: &str = "http://localhost:8080";
const SAME_SITE: &str = "http://localhost:3001";
const CROSS_SITE: &str = "http://127.0.0.1:3001";

fn alice(by: AuthKind) -> Authenticated {
    Authenticated { user: 1, email: "a@b.com".into(), by, session: (by == AuthKind::Session).then(|| "SESSION1".into()) }
}

fn bob(by: AuthKind) -> Authenticated {
    Authenticated { user: 2, email: "bob@example.com".into(), by, session: None }
}

/// A lab with `settings`; each entry is a second after the one before (`wait` adds more).
struct Lab {
    settings: Settings,
    entries: Vec<LogEntry>,
    hits: Vec<ExploitHit>,
    settled_after: u64,
    secret_word: Option<String>,
    clock_s: usize,
}

impl Lab {
    fn new(id: ChallengeId) -> Lab {
        let s = setup(id, PLAYGROUND);
        let mut jwt = JwtSettings { secret: "a-strong-secret-of-more-than-32-bytes!".into(), ttl_seconds: 3600, weak: false, warning: None };
        let secret_word = s.secret_word.then(|| SECRET_WORDS[3].to_owned());
        if let Some(word) = &secret_word {
            jwt.secret = word.clone();
        }
        let settings = Settings { policy: s.policy, cookie: s.cookie, defenses: s.defenses, jwt, vulnerable: s.vulnerable };
        Lab { settings, entries: vec![], hits: vec![], settled_after: 0, secret_word, clock_s: 0 }
    }

    /// A settings change now: what came before no longer counts for a defender.
    fn change(&mut self, change: impl FnOnce(&mut Settings)) -> &mut Self {
        change(&mut self.settings);
        self.settled_after = self.entries.len() as u64;
        self
    }

    fn push(&mut self, req: Req) -> &mut Self {
        self.clock_s += 1;
        let at = format!("2026-12-07T18:{:02}:{:02}.000Z", self.clock_s / 60, self.clock_s % 60);
        self.entries.push(req.entry(self.entries.len() as u64 + 1, at));
        self
    }

    fn wait(&mut self, seconds: usize) -> &mut Self {
        self.clock_s += seconds;
        self
    }

    fn hit(&mut self, target: &str) -> &mut Self {
        let at = self.entries.last().map_or_else(String::new, |e| e.at.clone());
        let seq = self.hits.len() as u64 + 1;
        self.hits.push(ExploitHit { seq, at, method: "GET".into(), target: target.into(), body: None, origin: None, referer: None, sec_fetch_site: Some("same-origin".into()) });
        self
    }

    fn judge(&self, id: ChallengeId) -> Option<Solved> {
        let origins = vec![PLAYGROUND.to_owned(), "http://127.0.0.1:8080".to_owned()];
        let ev = Evidence {
            entries: &self.entries,
            settled_after: self.settled_after,
            hits: &self.hits,
            settings: &self.settings,
            frontend_origins: &origins,
            api_origin: "http://localhost:3000",
            secret_word: self.secret_word.as_deref(),
        };
        judge(id, &ev)
    }

    fn solves(&self, id: ChallengeId) -> bool {
        self.judge(id).is_some()
    }
}

/// A logged request, built up.
#[derive(Clone)]
struct Req {
    method: &'static str,
    path: &'static str,
    origin: Option<&'static str>,
    preflight: bool,
    request_headers: Vec<(&'static str, &'static str)>,
    session: bool,
    bearer: bool,
    status: u16,
    response_headers: Vec<(&'static str, String)>,
    cors: Option<Reason>,
    outcome: RouteOutcome,
}

impl Req {
    fn new(method: &'static str, path: &'static str, origin: Option<&'static str>) -> Req {
        Req {
            method, path, origin, preflight: false, request_headers: vec![], session: false, bearer: false, status: 200, response_headers: vec![],
            cors: None, outcome: RouteOutcome::NotChecked,
        }
    }

    /// The answer names `origin` with credentials, as an allowing policy writes it.
    fn allowed(mut self) -> Req {
        let origin = self.origin.unwrap_or("null");
        self.response_headers.push(("access-control-allow-origin", origin.to_owned()));
        self.response_headers.push(("access-control-allow-credentials", "true".into()));
        self.cors = Some(Reason::Allowed { origin: OriginRule::InList });
        self
    }

    fn header(mut self, name: &'static str, value: &'static str) -> Req {
        if name == "access-control-request-headers" || name.starts_with("sec-fetch") || name == "content-type" {
            self.request_headers.push((name, value));
        } else {
            self.response_headers.push((name, value.to_owned()));
        }
        self
    }

    fn by(mut self, who: Authenticated) -> Req {
        self.session |= who.by == AuthKind::Session;
        self.bearer |= who.by != AuthKind::Session;
        self.outcome = RouteOutcome::Authenticated { who };
        self
    }

    fn cookie(mut self) -> Req {
        self.session = true;
        self
    }

    fn outcome(mut self, outcome: RouteOutcome) -> Req {
        self.outcome = outcome;
        self
    }

    fn status(mut self, status: u16) -> Req {
        self.status = status;
        self
    }

    fn entry(self, seq: u64, at: String) -> LogEntry {
        let cookies = if self.session { vec![SeenCookie { name: "sessionId".into(), value: "SESSION1…".into() }] } else { vec![] };
        let authorization = self.bearer.then(|| SeenAuthorization::Bearer { token: "eyJhbGci…".into() });
        LogEntry {
            seq, at, rid: None, method: self.method.into(), path: self.path.into(), origin: self.origin.map(str::to_owned), preflight: self.preflight,
            request_headers: self.request_headers.into_iter().map(|(n, v)| (n.to_owned(), v.to_owned())).collect(),
            credentials: Credentials { cookies, authorization },
            status: self.status,
            response_headers: self.response_headers.into_iter().map(|(n, v)| (n.to_owned(), v)).collect::<BTreeMap<_, _>>(),
            cors: self.cors, outcome: self.outcome,
        }
    }
}

fn profile(origin: &'static str, who: Authenticated) -> Req {
    Req::new("GET", "/api/profile", Some(origin)).by(who).allowed()
}

fn preflight_for_authorization(origin: &'static str) -> Req {
    let mut p = Req::new("OPTIONS", "/api/profile", Some(origin)).header("access-control-request-headers", "authorization").allowed().status(204);
    p.preflight = true;
    p
}

fn transfer(origin: Option<&'static str>, outcome: RouteOutcome) -> Req {
    Req::new("POST", "/api/transfer", origin).cookie().outcome(outcome)
}

fn moved(by: Authenticated) -> RouteOutcome {
    RouteOutcome::Transferred { by, to: "bob@example.com".into(), amount: 100 }
}

fn stopped(defense: Defense) -> RouteOutcome {
    RouteOutcome::DefenseRefused { defense, saw: DefenseSaw::ForeignOrigin { origin: SAME_SITE.into() } }
}

fn own_list() -> AllowOrigin {
    AllowOrigin::List { origins: vec![PLAYGROUND.into()] }
}

// ---- Defender --------------------------------------------------------------------------------

#[test]
fn the_wildcard_is_fixed_by_listing_the_playground() {
    let mut lab = Lab::new(ChallengeId::CredentialsAndWildcard);
    lab.push(Req::new("GET", "/api/profile", Some(PLAYGROUND)).by(alice(AuthKind::Session)).header("access-control-allow-origin", "*"));
    assert!(!lab.solves(ChallengeId::CredentialsAndWildcard), "a read the browser refused");
    lab.change(|s| s.policy.allow_origin = own_list()).push(profile(PLAYGROUND, alice(AuthKind::Session)));
    assert_eq!(lab.judge(ChallengeId::CredentialsAndWildcard), Some(Solved { entries: vec![2], hits: vec![] }));
}

#[test]
fn the_wildcard_is_not_fixed_by_reflecting_every_origin() {
    let mut lab = Lab::new(ChallengeId::CredentialsAndWildcard);
    lab.change(|s| s.policy.allow_origin = AllowOrigin::Reflect).push(profile(PLAYGROUND, alice(AuthKind::Session)));
    assert!(!lab.solves(ChallengeId::CredentialsAndWildcard));
    lab.change(|s| s.policy.allow_origin = AllowOrigin::List { origins: vec![PLAYGROUND.into(), "null".into()] }).push(profile(PLAYGROUND, alice(AuthKind::Session)));
    assert!(!lab.solves(ChallengeId::CredentialsAndWildcard), "null is another origin");
}

#[test]
fn a_read_before_the_last_change_does_not_count() {
    let mut lab = Lab::new(ChallengeId::CredentialsAndWildcard);
    lab.change(|s| s.policy.allow_origin = own_list()).push(profile(PLAYGROUND, alice(AuthKind::Session)));
    lab.change(|s| s.policy.allow_origin = AllowOrigin::Any);
    assert!(!lab.solves(ChallengeId::CredentialsAndWildcard), "the wildcard is back in force");
}

#[test]
fn the_bearer_is_let_through_by_an_allowed_preflight() {
    let mut lab = Lab::new(ChallengeId::BearerPreflight);
    lab.change(|s| s.policy.allow_headers.push("Authorization".into()));
    lab.push(preflight_for_authorization(PLAYGROUND)).push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert_eq!(lab.judge(ChallengeId::BearerPreflight).map(|s| s.entries), Some(vec![1, 2]));
}

#[test]
fn the_bearer_is_not_fixed_by_trusting_every_origin() {
    let mut lab = Lab::new(ChallengeId::BearerPreflight);
    lab.change(|s| {
        s.policy.allow_headers.push("Authorization".into());
        s.policy.allow_origin = AllowOrigin::Any;
    });
    lab.push(preflight_for_authorization(PLAYGROUND)).push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::BearerPreflight));
}

#[test]
fn one_preflight_serves_two_reads_ten_seconds_apart() {
    let mut lab = Lab::new(ChallengeId::OnePreflight);
    lab.push(preflight_for_authorization(PLAYGROUND)).push(profile(PLAYGROUND, alice(AuthKind::Jwt))).wait(10).push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert_eq!(lab.judge(ChallengeId::OnePreflight).map(|s| s.entries), Some(vec![1, 2, 3]));
}

#[test]
fn two_reads_within_the_default_cache_prove_nothing() {
    let mut lab = Lab::new(ChallengeId::OnePreflight);
    lab.push(preflight_for_authorization(PLAYGROUND)).push(profile(PLAYGROUND, alice(AuthKind::Jwt))).push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::OnePreflight), "a second apart: the 5 s default kept it");
    let mut lab = Lab::new(ChallengeId::OnePreflight);
    lab.push(preflight_for_authorization(PLAYGROUND)).push(profile(PLAYGROUND, alice(AuthKind::Jwt))).wait(10);
    lab.push(preflight_for_authorization(PLAYGROUND)).push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::OnePreflight), "a preflight per read");
}

#[test]
fn the_header_is_read_once_exposed() {
    let mut lab = Lab::new(ChallengeId::ReadTheHeader);
    lab.push(profile(PLAYGROUND, alice(AuthKind::Session)));
    assert!(!lab.solves(ChallengeId::ReadTheHeader));
    lab.change(|s| s.policy.expose_headers = vec!["X-Instance".into()]).push(profile(PLAYGROUND, alice(AuthKind::Session)).header("access-control-expose-headers", "X-Instance"));
    assert!(lab.solves(ChallengeId::ReadTheHeader));
}

#[test]
fn a_star_does_not_expose_a_header_of_a_credentialed_answer() {
    let mut lab = Lab::new(ChallengeId::ReadTheHeader);
    lab.change(|s| s.policy.expose_headers = vec!["*".into()]).push(profile(PLAYGROUND, alice(AuthKind::Session)).header("access-control-expose-headers", "*"));
    assert!(!lab.solves(ChallengeId::ReadTheHeader));
}

// ---- Attacker --------------------------------------------------------------------------------

#[test]
fn the_reflected_origin_leaks_the_email_to_the_exploit_server() {
    let mut lab = Lab::new(ChallengeId::ReflectedOrigin);
    lab.push(profile(SAME_SITE, alice(AuthKind::Session))).hit("/log?email=a%40b.com");
    assert_eq!(lab.judge(ChallengeId::ReflectedOrigin), Some(Solved { entries: vec![1], hits: vec![1] }));
}

#[test]
fn an_email_typed_into_the_log_or_read_by_the_playground_leaks_nothing() {
    let mut lab = Lab::new(ChallengeId::ReflectedOrigin);
    lab.push(profile(PLAYGROUND, alice(AuthKind::Session))).hit("/log?email=a@b.com");
    assert!(!lab.solves(ChallengeId::ReflectedOrigin), "the playground's own read");
    let mut lab = Lab::new(ChallengeId::ReflectedOrigin);
    lab.push(Req::new("GET", "/api/profile", Some(SAME_SITE)).by(alice(AuthKind::Session))).hit("/log?email=a@b.com");
    assert!(!lab.solves(ChallengeId::ReflectedOrigin), "an answer the browser kept from the page");
}

#[test]
fn trusted_null_needs_a_null_origin() {
    let mut lab = Lab::new(ChallengeId::TrustedNull);
    lab.push(profile(SAME_SITE, alice(AuthKind::Session))).hit("/log?a@b.com");
    assert!(!lab.solves(ChallengeId::TrustedNull));
    lab.push(profile("null", alice(AuthKind::Session))).hit("/log?a@b.com");
    assert!(lab.solves(ChallengeId::TrustedNull));
}

#[test]
fn the_money_moves_from_another_origin_and_not_from_the_playground() {
    let mut lab = Lab::new(ChallengeId::MoveTheMoney);
    lab.push(transfer(Some(PLAYGROUND), moved(alice(AuthKind::Session))));
    assert!(!lab.solves(ChallengeId::MoveTheMoney));
    lab.push(transfer(Some(CROSS_SITE), moved(alice(AuthKind::Session))));
    assert!(lab.solves(ChallengeId::MoveTheMoney));
}

#[test]
fn under_lax_only_the_same_site_attacker_counts() {
    let mut lab = Lab::new(ChallengeId::SameSiteIsNotSameOrigin);
    lab.push(transfer(Some(CROSS_SITE), moved(alice(AuthKind::Session))));
    assert!(!lab.solves(ChallengeId::SameSiteIsNotSameOrigin), "cross-site");
    lab.push(transfer(Some(SAME_SITE), moved(alice(AuthKind::Session))));
    assert!(lab.solves(ChallengeId::SameSiteIsNotSameOrigin));
    lab.change(|s| s.cookie.same_site = SameSite::None);
    assert!(!lab.solves(ChallengeId::SameSiteIsNotSameOrigin), "not under Lax");
}

#[test]
fn the_bank_is_defended_when_both_attacks_fail_and_the_playground_pays() {
    let mut lab = Lab::new(ChallengeId::DefendTheBank);
    lab.push(transfer(Some(SAME_SITE), moved(alice(AuthKind::Session))));
    lab.change(|s| s.defenses.origin_check = true);
    lab.push(transfer(Some(SAME_SITE), stopped(Defense::OriginCheck)));
    lab.push(transfer(Some(CROSS_SITE), RouteOutcome::Refused { code: ErrorCode::NoCredentials }));
    assert!(!lab.solves(ChallengeId::DefendTheBank), "the playground's own transfer has not run");
    lab.push(transfer(Some(PLAYGROUND), moved(alice(AuthKind::Session))));
    assert_eq!(lab.judge(ChallengeId::DefendTheBank).map(|s| s.entries), Some(vec![2, 3, 4]));
}

#[test]
fn the_bank_is_not_defended_by_an_attack_without_the_victims_cookie() {
    let mut lab = Lab::new(ChallengeId::DefendTheBank);
    let no_cookie = Req::new("POST", "/api/transfer", Some(SAME_SITE)).outcome(RouteOutcome::Refused { code: ErrorCode::NoCredentials });
    lab.push(no_cookie).push(transfer(Some(CROSS_SITE), RouteOutcome::Refused { code: ErrorCode::NoCredentials }));
    lab.push(transfer(Some(PLAYGROUND), moved(alice(AuthKind::Session))));
    assert!(!lab.solves(ChallengeId::DefendTheBank));
    lab.change(|s| s.defenses.origin_check = true).push(transfer(Some(SAME_SITE), stopped(Defense::OriginCheck)));
    lab.push(transfer(Some(CROSS_SITE), stopped(Defense::OriginCheck))).push(transfer(Some(SAME_SITE), moved(alice(AuthKind::Session))));
    lab.push(transfer(Some(PLAYGROUND), moved(alice(AuthKind::Session))));
    assert!(!lab.solves(ChallengeId::DefendTheBank), "one attack got through");
}

#[test]
fn lax_falls_to_a_cross_site_navigation_to_a_get_transfer() {
    let mut lab = Lab::new(ChallengeId::LaxIsNotEnough);
    let navigation = |site| Req::new("GET", "/api/transfer", None).cookie().header("sec-fetch-site", site).header("sec-fetch-mode", "navigate");
    lab.push(navigation("same-site").outcome(moved(alice(AuthKind::Session))));
    assert!(!lab.solves(ChallengeId::LaxIsNotEnough), "same-site");
    lab.push(navigation("cross-site").outcome(moved(alice(AuthKind::Session))));
    assert!(lab.solves(ChallengeId::LaxIsNotEnough));
}

#[test]
fn the_token_defense_must_be_the_one_in_force() {
    let mut lab = Lab::new(ChallengeId::TheTokenThatStopsIt);
    lab.change(|s| s.defenses = Defenses { origin_check: true, ..Default::default() });
    lab.push(transfer(Some(SAME_SITE), stopped(Defense::OriginCheck))).push(transfer(Some(CROSS_SITE), stopped(Defense::OriginCheck)));
    lab.push(transfer(Some(PLAYGROUND), moved(alice(AuthKind::Session))));
    assert!(!lab.solves(ChallengeId::TheTokenThatStopsIt));
    lab.change(|s| s.defenses = Defenses { csrf_token: true, ..Default::default() });
    lab.push(transfer(Some(SAME_SITE), stopped(Defense::CsrfToken))).push(transfer(Some(CROSS_SITE), stopped(Defense::CsrfToken)));
    lab.push(transfer(Some(PLAYGROUND), moved(alice(AuthKind::Session))));
    assert!(lab.solves(ChallengeId::TheTokenThatStopsIt));
}

// ---- Tokens ----------------------------------------------------------------------------------

fn logged_in() -> Req {
    Req::new("POST", "/api/login", Some(PLAYGROUND)).outcome(RouteOutcome::LoggedIn { user: 1, session: "SESSION1".into() })
}

fn token_issued(user: u64) -> Req {
    Req::new("POST", "/api/token", Some(PLAYGROUND)).outcome(RouteOutcome::TokenIssued { user })
}

#[test]
fn a_token_from_before_the_logout_outlives_the_session() {
    let mut lab = Lab::new(ChallengeId::LogoutThatDoesnt);
    lab.push(logged_in()).push(token_issued(1));
    lab.push(Req::new("POST", "/api/logout", Some(PLAYGROUND)).cookie().outcome(RouteOutcome::LoggedOut));
    lab.push(Req::new("GET", "/api/profile", Some(PLAYGROUND)).cookie().status(401).outcome(RouteOutcome::Refused { code: ErrorCode::UnknownSession }));
    lab.push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert_eq!(lab.judge(ChallengeId::LogoutThatDoesnt).map(|s| s.entries), Some(vec![2, 3, 4, 5]));
}

/// As a browser plays it: the logout's answer cleared the cookie, so the read with the cookie
/// after it comes with none.
#[test]
fn after_the_logout_the_browser_sends_no_cookie_and_the_token_still_works() {
    let mut lab = Lab::new(ChallengeId::LogoutThatDoesnt);
    lab.push(logged_in()).push(token_issued(1));
    lab.push(Req::new("POST", "/api/logout", Some(PLAYGROUND)).cookie().outcome(RouteOutcome::LoggedOut));
    lab.push(Req::new("GET", "/api/profile", Some(PLAYGROUND)).status(401).outcome(RouteOutcome::Refused { code: ErrorCode::NoCredentials }));
    lab.push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert_eq!(lab.judge(ChallengeId::LogoutThatDoesnt).map(|s| s.entries), Some(vec![2, 3, 4, 5]));
}

#[test]
fn a_cookieless_read_from_another_page_than_the_logouts_shows_nothing() {
    let mut lab = Lab::new(ChallengeId::LogoutThatDoesnt);
    lab.push(logged_in()).push(token_issued(1));
    lab.push(Req::new("POST", "/api/logout", Some(PLAYGROUND)).cookie().outcome(RouteOutcome::LoggedOut));
    lab.push(Req::new("GET", "/api/profile", Some(CROSS_SITE)).status(401).outcome(RouteOutcome::Refused { code: ErrorCode::NoCredentials }));
    lab.push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::LogoutThatDoesnt));
}

#[test]
fn a_token_issued_after_the_logout_proves_nothing() {
    let mut lab = Lab::new(ChallengeId::LogoutThatDoesnt);
    lab.push(logged_in()).push(token_issued(1));
    lab.push(Req::new("POST", "/api/logout", Some(PLAYGROUND)).cookie().outcome(RouteOutcome::LoggedOut));
    lab.push(Req::new("GET", "/api/profile", Some(PLAYGROUND)).cookie().status(401).outcome(RouteOutcome::Refused { code: ErrorCode::UnknownSession }));
    lab.push(token_issued(1)).push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::LogoutThatDoesnt));
    // Nor as a browser plays it, without the cleared cookie.
    lab.push(Req::new("GET", "/api/profile", Some(PLAYGROUND)).status(401).outcome(RouteOutcome::Refused { code: ErrorCode::NoCredentials }));
    lab.push(profile(PLAYGROUND, alice(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::LogoutThatDoesnt));
}

#[test]
fn an_unsigned_token_for_bob_forges_the_admin() {
    let mut lab = Lab::new(ChallengeId::ForgeTheAdmin);
    lab.push(token_issued(1)).push(profile(PLAYGROUND, alice(AuthKind::UnsignedJwt)));
    assert!(!lab.solves(ChallengeId::ForgeTheAdmin), "an unsigned token for one's own user");
    lab.push(profile(PLAYGROUND, bob(AuthKind::UnsignedJwt)));
    assert!(lab.solves(ChallengeId::ForgeTheAdmin));
}

#[test]
fn bobs_own_token_forges_nothing() {
    let mut lab = Lab::new(ChallengeId::ForgeTheAdmin);
    lab.push(token_issued(2)).push(profile(PLAYGROUND, bob(AuthKind::UnsignedJwt)));
    assert!(!lab.solves(ChallengeId::ForgeTheAdmin));
}

#[test]
fn a_token_signed_with_the_cracked_word_reads_bob() {
    let mut lab = Lab::new(ChallengeId::CrackTheSecret);
    lab.push(token_issued(1)).push(profile(PLAYGROUND, bob(AuthKind::Jwt)));
    assert!(lab.solves(ChallengeId::CrackTheSecret));
}

#[test]
fn a_secret_set_by_hand_or_a_token_the_server_gave_bob_cracks_nothing() {
    let mut lab = Lab::new(ChallengeId::CrackTheSecret);
    lab.push(token_issued(2)).push(profile(PLAYGROUND, bob(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::CrackTheSecret), "bob logged in");
    let mut lab = Lab::new(ChallengeId::CrackTheSecret);
    lab.change(|s| s.jwt.secret = "my own secret".into()).push(profile(PLAYGROUND, bob(AuthKind::Jwt)));
    assert!(!lab.solves(ChallengeId::CrackTheSecret), "the secret is no longer the word");
}

#[test]
fn the_log_time_reads_as_milliseconds() {
    assert_eq!(millis("1970-01-01T00:00:01.250Z"), Some(1250));
    assert_eq!(millis("2026-12-07T18:00:00.000Z"), Some(1_796_666_400_000));
    assert_eq!(millis("not a time"), None);
}

#[test]
fn a_site_is_the_scheme_and_host() {
    assert_eq!(site("http://localhost:3001"), Some("http://localhost"));
    assert_eq!(site("http://[::1]:3001"), Some("http://[::1]"));
    assert_eq!(site("null"), None);
}

#[allow(dead_code)]
fn unused(_: CookiePolicy, _: CorsPolicy, _: Vulnerable) {}
