//! Whether a challenge was solved: read from the typed log since its start (and the exploit
//! server's access log, and the settings in force), never from what the page says. Each
//! condition also rules out its nearest wrong answer (a reflecting policy does not fix the
//! wildcard; a transfer from the playground's own origin is no attack).

use super::{ChallengeId, Solved};
use crate::{
    cookie::SameSite,
    cors::{
        AllowOrigin, Reason,
        browser::{self, BrowserRequest, CredentialsMode},
    },
    wire::{AuthKind, Authenticated, ErrorCode, ExploitHit, LogEntry, RouteOutcome, SeenAuthorization, Settings},
};

/// What the judge reads. `entries` and `hits` are those since the challenge started, oldest
/// first.
pub struct Evidence<'a> {
    pub entries: &'a [LogEntry],
    /// The log's last `seq` before the settings in force were set: what proves a defender's
    /// fix must have happened under them.
    pub settled_after: u64,
    pub hits: &'a [ExploitHit],
    pub settings: &'a Settings,
    /// The playground's own origins (`--frontend-origin`).
    pub frontend_origins: &'a [String],
    /// The lab API's origin as the pages call it (`http://localhost:PORT`): the site its
    /// cookie belongs to, which decides what is a same-site attacker.
    pub api_origin: &'a str,
    /// The word the challenge made the JWT secret, for "Crack the secret".
    pub secret_word: Option<&'a str>,
}

/// The Fetch default for how long a preflight's answer is kept without `Access-Control-Max-Age`
/// (and Chromium's), in ms: two requests further apart than this share a preflight only
/// because a max age said so.
const DEFAULT_PREFLIGHT_CACHE_MS: u64 = 5_000;
/// "Within a minute".
const ONE_PREFLIGHT_WINDOW_MS: u64 = 60_000;
/// The header "Read the header" asks for.
const HEADER_TO_READ: &str = crate::wire::INSTANCE_HEADER;

pub fn judge(id: ChallengeId, ev: &Evidence<'_>) -> Option<Solved> {
    let entries = |seqs: Vec<u64>| Some(Solved { entries: seqs, hits: vec![] });
    match id {
        ChallengeId::CredentialsAndWildcard => {
            let policy = &ev.settings.policy;
            if !ev.trusts_only_the_playground() || !policy.allow_credentials {
                return None;
            }
            ev.settled().find(|e| ev.own(e) && e.path == "/api/profile" && by(e, AuthKind::Session) && readable(e)).map(|e| vec![e.seq]).and_then(entries)
        }
        ChallengeId::BearerPreflight => {
            if !ev.trusts_only_the_playground() {
                return None;
            }
            let preflight = ev.settled().find(|e| ev.own(e) && allowed_preflight_for(e, "authorization"))?;
            let read = ev.settled().find(|e| e.seq > preflight.seq && ev.own(e) && bearer_read(e))?;
            entries(vec![preflight.seq, read.seq])
        }
        ChallengeId::OnePreflight => {
            if !ev.trusts_only_the_playground() {
                return None;
            }
            // The playground's preflights and bearer reads, in order: a preflight, then two
            // reads with no preflight between them, far enough apart that only a max age explains it.
            let own: Vec<&LogEntry> = ev.settled().filter(|e| ev.own(e) && (e.preflight || bearer_read(e))).collect();
            own.windows(3).find_map(|w| {
                let [p, a, b] = w else { return None };
                let gap = millis(&b.at)?.checked_sub(millis(&a.at)?)?;
                (allowed_preflight_for(p, "authorization") && bearer_read(a) && bearer_read(b) && gap > DEFAULT_PREFLIGHT_CACHE_MS && gap <= ONE_PREFLIGHT_WINDOW_MS)
                    .then(|| vec![p.seq, a.seq, b.seq])
            })
            .and_then(entries)
        }
        ChallengeId::ReadTheHeader => {
            if !ev.trusts_only_the_playground() {
                return None;
            }
            ev.settled().find(|e| ev.own(e) && !e.preflight && readable(e) && exposes(e, HEADER_TO_READ)).map(|e| vec![e.seq]).and_then(entries)
        }
        ChallengeId::ReflectedOrigin => ev.stolen_email(|origin| origin != "null"),
        ChallengeId::TrustedNull => ev.stolen_email(|origin| origin == "null"),
        ChallengeId::MoveTheMoney => ev.since_start().find(|e| ev.foreign(e) && moved_money(e)).map(|e| vec![e.seq]).and_then(entries),
        ChallengeId::SameSiteIsNotSameOrigin => {
            if ev.settings.cookie.same_site != SameSite::Lax {
                return None;
            }
            ev.settled().find(|e| ev.same_site_attacker(e) && moved_money(e)).map(|e| vec![e.seq]).and_then(entries)
        }
        ChallengeId::DefendTheBank => ev.bank_defended(),
        ChallengeId::TheTokenThatStopsIt => if ev.settings.defenses.csrf_token { ev.bank_defended() } else { None },
        ChallengeId::LaxIsNotEnough => {
            let s = ev.settings;
            if s.cookie.same_site != SameSite::Lax || !s.vulnerable.transfer_via_get {
                return None;
            }
            ev.settled()
                .find(|e| e.method == "GET" && moved_money(e) && header(e, "sec-fetch-site") == Some("cross-site") && header(e, "sec-fetch-mode") == Some("navigate"))
                .map(|e| vec![e.seq])
                .and_then(entries)
        }
        ChallengeId::LogoutThatDoesnt => ev.logout_that_doesnt().and_then(entries),
        ChallengeId::ForgeTheAdmin => {
            if !ev.settings.vulnerable.jwt_alg_none {
                return None;
            }
            ev.since_start().find(|e| profile_of_a_stranger(ev, e, AuthKind::UnsignedJwt)).map(|e| vec![e.seq]).and_then(entries)
        }
        ChallengeId::CrackTheSecret => {
            // The secret in force must still be the challenge's word: one the person set
            // themselves through the control plane cracks nothing.
            if ev.secret_word != Some(ev.settings.jwt.secret.as_str()) {
                return None;
            }
            ev.since_start().find(|e| profile_of_a_stranger(ev, e, AuthKind::Jwt)).map(|e| vec![e.seq]).and_then(entries)
        }
    }
}

impl Evidence<'_> {
    fn since_start(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter()
    }

    /// The entries made under the settings in force.
    fn settled(&self) -> impl Iterator<Item = &LogEntry> {
        let after = self.settled_after;
        self.entries.iter().filter(move |e| e.seq > after)
    }

    /// From the playground's own page.
    fn own(&self, e: &LogEntry) -> bool {
        e.origin.as_ref().is_some_and(|o| self.frontend_origins.contains(o))
    }

    /// From a page of another origin (the other site, a sandboxed frame).
    fn foreign(&self, e: &LogEntry) -> bool {
        e.origin.as_ref().is_some_and(|o| !self.frontend_origins.contains(o))
    }

    /// A foreign origin on the lab API's site, whose `SameSite=Lax` cookie its requests
    /// carry. The lab's hosts (localhost, IP literals) have no registrable domain beyond
    /// themselves, so a site is the scheme and the host.
    fn same_site_attacker(&self, e: &LogEntry) -> bool {
        self.foreign(e) && e.origin.as_deref().and_then(site).is_some_and(|s| site(self.api_origin) == Some(s))
    }

    /// A request from another site: no `Origin` (a top-level navigation) counts by `Sec-Fetch-Site`.
    fn cross_site_attacker(&self, e: &LogEntry) -> bool {
        if e.origin.is_none() {
            return header(e, "sec-fetch-site") == Some("cross-site");
        }
        self.foreign(e) && !self.same_site_attacker(e)
    }

    /// The policy in force lets no origin but the playground's read: no `*`, no reflection,
    /// no `null`, no other site.
    fn trusts_only_the_playground(&self) -> bool {
        let policy = &self.settings.policy;
        policy.enabled && matches!(&policy.allow_origin, AllowOrigin::List { origins } if origins.iter().all(|o| self.frontend_origins.contains(o)))
    }

    /// A credentialed read of the victim's profile from a foreign origin that `origin_ok`
    /// accepts, readable there, then the victim's email in the exploit server's log.
    fn stolen_email(&self, origin_ok: impl Fn(&str) -> bool) -> Option<Solved> {
        self.since_start()
            .filter(|e| self.foreign(e) && e.origin.as_deref().is_some_and(&origin_ok) && e.path == "/api/profile" && by(e, AuthKind::Session) && readable(e))
            .find_map(|read| {
                let email = who(read)?.email.to_ascii_lowercase();
                let hit = self.hits.iter().find(|h| h.at >= read.at && reported(h).contains(&email))?;
                Some(Solved { entries: vec![read.seq], hits: vec![hit.seq] })
            })
    }

    /// Under the settings in force: an attack from the same site and one from another site
    /// were stopped, none got through, and the playground's own transfer ran.
    fn bank_defended(&self) -> Option<Solved> {
        let attacks: Vec<&LogEntry> = self.settled().filter(|e| e.path == "/api/transfer" && (self.foreign(e) || e.origin.is_none() && header(e, "sec-fetch-site").is_some())).collect();
        if attacks.iter().any(|e| moved_money(e)) {
            return None;
        }
        // The same-site attacker's cookie goes (SameSite does not stop it): a defense must have.
        let same_site = attacks.iter().find(|e| self.same_site_attacker(e) && (refused_by_defense(e) && e.credentials.has_session() || refused_preflight(e)))?;
        let cross_site = attacks.iter().find(|e| self.cross_site_attacker(e) && (refused_by_defense(e) || refused_preflight(e) || refused_code(e).is_some()))?;
        let own = self.settled().find(|e| self.own(e) && moved_money(e))?;
        Some(Solved { entries: vec![same_site.seq, cross_site.seq, own.seq], hits: vec![] })
    }

    /// A login both ways as one user; a logout of that session; then the session refused and
    /// a token from before the logout accepted.
    ///
    /// The logout's answer clears the cookie, so the browser that logged out sends none: its
    /// next profile read with the cookie comes without one (`no_credentials`). Only a cookie
    /// replayed by hand comes back as the session's own (`unknown_session`). Either shows the
    /// session gone; the logout entry itself says the server deleted it.
    fn logout_that_doesnt(&self) -> Option<Vec<u64>> {
        self.since_start().filter(|e| matches!(e.outcome, RouteOutcome::LoggedOut)).find_map(|logout| {
            let session = session_cookie(logout)?;
            let user = self.since_start().take_while(|e| e.seq < logout.seq).find_map(|e| match &e.outcome {
                RouteOutcome::LoggedIn { user, session: s } if prefix(s) == session => Some(*user),
                _ => None,
            })?;
            let issued = |e: &&LogEntry| matches!(e.outcome, RouteOutcome::TokenIssued { user: u } if u == user);
            let token = self.since_start().filter(|e| e.seq < logout.seq).find(issued)?;
            let after: Vec<&LogEntry> = self.since_start().filter(|e| e.seq > logout.seq).collect();
            let refused = after.iter().find(|e| match refused_code(e) {
                Some(ErrorCode::UnknownSession) => session_cookie(e) == Some(session),
                Some(ErrorCode::NoCredentials) => e.path == "/api/profile" && e.origin.is_some() && e.origin == logout.origin,
                _ => false,
            })?;
            // A token issued after the logout proves nothing: only those before it count.
            let accepted = after.iter().take_while(|e| !issued(e)).find(|e| by(e, AuthKind::Jwt) && who(e).is_some_and(|w| w.user == user))?;
            Some(vec![token.seq, logout.seq, refused.seq, accepted.seq])
        })
    }

    /// Whether `user` logged in, or was given a token, since the start: a token for them is
    /// then no forgery.
    fn was_let_in(&self, user: u64) -> bool {
        self.since_start().any(|e| matches!(e.outcome, RouteOutcome::LoggedIn { user: u, .. } | RouteOutcome::TokenIssued { user: u } if u == user))
    }
}

/// A profile read, authenticated `kind`, of a user never let in since the start.
fn profile_of_a_stranger(ev: &Evidence<'_>, e: &LogEntry, kind: AuthKind) -> bool {
    e.path == "/api/profile" && e.status == 200 && by(e, kind) && who(e).is_some_and(|w| !ev.was_let_in(w.user))
}

fn who(e: &LogEntry) -> Option<&Authenticated> {
    match &e.outcome {
        RouteOutcome::Authenticated { who } => Some(who),
        RouteOutcome::Transferred { by, .. } | RouteOutcome::TransferRefused { by, .. } => Some(by),
        _ => None,
    }
}

fn by(e: &LogEntry, kind: AuthKind) -> bool {
    who(e).is_some_and(|w| w.by == kind)
}

fn moved_money(e: &LogEntry) -> bool {
    matches!(&e.outcome, RouteOutcome::Transferred { by, .. } if by.by == AuthKind::Session)
}

fn refused_by_defense(e: &LogEntry) -> bool {
    e.outcome.refused_by().is_some()
}

fn refused_code(e: &LogEntry) -> Option<ErrorCode> {
    match &e.outcome {
        RouteOutcome::Refused { code } | RouteOutcome::TransferRefused { code, .. } => Some(*code),
        _ => None,
    }
}

fn refused_preflight(e: &LogEntry) -> bool {
    e.preflight && matches!(e.cors, Some(Reason::Refused { .. }))
}

/// A preflight of the playground's that the policy allowed, asking for `name`.
fn allowed_preflight_for(e: &LogEntry, name: &str) -> bool {
    e.preflight
        && matches!(e.cors, Some(Reason::Allowed { .. }))
        && (200..300).contains(&e.status)
        && header(e, "access-control-request-headers").is_some_and(|v| v.split(',').any(|h| h.trim().eq_ignore_ascii_case(name)))
}

/// A profile read with a bearer token that the server accepted and the page could read.
fn bearer_read(e: &LogEntry) -> bool {
    !e.preflight && matches!(e.credentials.authorization, Some(SeenAuthorization::Bearer { .. })) && by(e, AuthKind::Jwt) && e.status == 200 && readable(e)
}

/// Whether the browser let the page read this answer, by the browser's own CORS check (a
/// cookie came: the request was made with credentials).
fn readable(e: &LogEntry) -> bool {
    let Some(origin) = e.origin.clone() else { return false };
    let credentials = if e.credentials.has_session() { CredentialsMode::Include } else { CredentialsMode::Omit };
    let request = BrowserRequest { origin, method: e.method.clone(), headers: vec![], credentials };
    let headers: Vec<(String, String)> = e.response_headers.iter().map(|(n, v)| (n.clone(), v.clone())).collect();
    !e.preflight && browser::cors_check(&request, &headers).is_ok()
}

/// Whether the answer lets the page read the response header `name`.
fn exposes(e: &LogEntry, name: &str) -> bool {
    let credentialed = e.credentials.has_session();
    header_of(&e.response_headers, "access-control-expose-headers")
        .is_some_and(|v| v.split(',').map(str::trim).any(|h| h.eq_ignore_ascii_case(name) || h == "*" && !credentialed))
}

fn header<'e>(e: &'e LogEntry, name: &str) -> Option<&'e str> {
    header_of(&e.request_headers, name)
}

fn header_of<'e>(headers: &'e std::collections::BTreeMap<String, String>, name: &str) -> Option<&'e str> {
    headers.get(name).map(String::as_str)
}

/// The session cookie's value as the log keeps it, cut to the 8 characters the log's other
/// session fields show.
fn session_cookie(e: &LogEntry) -> Option<&str> {
    e.credentials.cookies.iter().find(|c| c.name == crate::cookie::NAME).map(|c| prefix(&c.value))
}

fn prefix(value: &str) -> &str {
    value.char_indices().nth(8).map_or(value, |(cut, _)| &value[..cut])
}

/// What an exploit page reported: its target, percent-decoded, and its body, in lower case.
fn reported(hit: &ExploitHit) -> String {
    let mut text = percent_decoded(&hit.target);
    if let Some(body) = &hit.body {
        text.push(' ');
        text.push_str(&percent_decoded(body));
    }
    text.to_ascii_lowercase()
}

fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (b'+', ..) => {
                out.push(b' ');
                i += 1;
            }
            (b, ..) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `scheme://host` of an origin (no port): its site, for the lab's hosts.
fn site(origin: &str) -> Option<&str> {
    let (scheme, rest) = origin.split_once("://")?;
    let host_end = if rest.starts_with('[') { rest.find(']').map(|i| i + 1)? } else { rest.find(':').unwrap_or(rest.len()) };
    Some(&origin[..scheme.len() + 3 + host_end])
}

/// Milliseconds since the epoch of the log's `at` (`YYYY-MM-DDTHH:MM:SS.mmmZ`).
fn millis(at: &str) -> Option<u64> {
    let num = |range: std::ops::Range<usize>| at.get(range)?.parse::<u64>().ok();
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, min, s, ms) = (num(11..13)?, num(14..16)?, num(17..19)?, num(20..23)?);
    // Days from the civil date (Howard Hinnant's algorithm), for years from 1970.
    let (y, m) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = (era * 146_097 + doe).checked_sub(719_468)?;
    Some(((days * 24 + h) * 60 + min) * 60_000 + s * 1000 + ms)
}

#[cfg(test)]
mod tests;
