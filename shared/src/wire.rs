//! The JSON bodies of the HTTP contract (`docs/api.md`), typed once for both sides: the
//! backend writes and reads them with serde_json, the page with the browser's own `JSON`
//! through serde-wasm-bindgen.
//!
//! Where a value has rules beyond its JSON type, the rule lives in a type that cannot be
//! built without passing it: `Email`, `Amount` (and `cors::ValidPolicy`).

use std::{collections::BTreeMap, fmt, num::NonZeroU64};

use serde::{Deserialize, Serialize};

pub use crate::cors::Reason;

// ---- errors ----------------------------------------------------------------------------

/// The body of every error response: `{"error": "<snake_case_code>", "message": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// One sentence for a person.
    pub message: String,
}

/// Every error code the backend sends, with the status it goes with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    // 400
    MalformedJson,
    InvalidField,
    InvalidQuery,
    UnreadableBody,
    /// More than one `Host` header.
    InvalidHost,
    // 401
    NoCredentials,
    InvalidCredentials,
    UnknownSession,
    ExpiredSession,
    MalformedToken,
    BadSignature,
    ExpiredToken,
    UnsupportedAlg,
    TokenNotYetValid,
    UnknownUser,
    ControlTokenRequired,
    // 403
    OriginRefused,
    FetchMetadataRefused,
    CorsPreflightRefused,
    /// The CSRF token defense: a transfer without the session's `X-CSRF-Token`, or with another.
    CsrfTokenRefused,
    // 404, 405
    NotFound,
    /// `/control/balancer*` on a backend started without `--balancer-admin`.
    NoBalancer,
    /// `PUT /control/balancer/servers/{name}` for a name HAProxy's lab backends do not have.
    UnknownServer,
    /// `POST /control/challenge` for an id the catalogue does not have.
    UnknownChallenge,
    /// `GET /exploit` on the other site before a page was stored (`PUT /control/exploit`).
    NoExploit,
    MethodNotAllowed,
    // 408, 413, 414, 415, 421, 422, 429, 431
    RequestTimeout,
    BodyTooLarge,
    UriTooLong,
    UnsupportedMediaType,
    MisdirectedRequest,
    InvalidPolicy,
    InvalidJwtSettings,
    InvalidAmount,
    InsufficientFunds,
    UnknownRecipient,
    TooManyAttempts,
    TooManyStreams,
    HeadersTooLarge,
    // 500, 502, 503
    InternalError,
    /// HAProxy's runtime API answered a command with an error.
    BalancerRefused,
    StoreUnavailable,
    Busy,
    /// HAProxy's runtime API cannot be reached, or did not answer in time.
    BalancerUnavailable,
    /// A code this build does not know (a newer backend): read, never sent.
    #[serde(other)]
    Other,
}

impl ErrorCode {
    /// The HTTP status that goes with the code (`docs/api.md`, "Errors").
    pub fn status(self) -> u16 {
        use ErrorCode::*;
        match self {
            MalformedJson | InvalidField | InvalidQuery | UnreadableBody | InvalidHost => 400,
            NoCredentials | InvalidCredentials | UnknownSession | ExpiredSession
            | MalformedToken | BadSignature | ExpiredToken | UnsupportedAlg | TokenNotYetValid
            | UnknownUser | ControlTokenRequired => 401,
            OriginRefused | FetchMetadataRefused | CorsPreflightRefused | CsrfTokenRefused => 403,
            NotFound | NoBalancer | UnknownServer | UnknownChallenge | NoExploit => 404,
            MethodNotAllowed => 405,
            RequestTimeout => 408,
            BodyTooLarge => 413,
            UriTooLong => 414,
            UnsupportedMediaType => 415,
            MisdirectedRequest => 421,
            InvalidPolicy | InvalidJwtSettings | InvalidAmount | InsufficientFunds | UnknownRecipient => 422,
            TooManyAttempts | TooManyStreams => 429,
            HeadersTooLarge => 431,
            InternalError | Other => 500,
            BalancerRefused => 502,
            StoreUnavailable | Busy | BalancerUnavailable => 503,
        }
    }

    /// The snake_case name, as on the wire.
    pub fn as_str(self) -> &'static str {
        use ErrorCode::*;
        match self {
            MalformedJson => "malformed_json",
            InvalidField => "invalid_field",
            InvalidQuery => "invalid_query",
            UnreadableBody => "unreadable_body",
            InvalidHost => "invalid_host",
            NoCredentials => "no_credentials",
            InvalidCredentials => "invalid_credentials",
            UnknownSession => "unknown_session",
            ExpiredSession => "expired_session",
            MalformedToken => "malformed_token",
            BadSignature => "bad_signature",
            ExpiredToken => "expired_token",
            UnsupportedAlg => "unsupported_alg",
            TokenNotYetValid => "token_not_yet_valid",
            UnknownUser => "unknown_user",
            ControlTokenRequired => "control_token_required",
            OriginRefused => "origin_refused",
            FetchMetadataRefused => "fetch_metadata_refused",
            CorsPreflightRefused => "cors_preflight_refused",
            CsrfTokenRefused => "csrf_token_refused",
            NotFound => "not_found",
            NoBalancer => "no_balancer",
            UnknownServer => "unknown_server",
            UnknownChallenge => "unknown_challenge",
            NoExploit => "no_exploit",
            MethodNotAllowed => "method_not_allowed",
            RequestTimeout => "request_timeout",
            BodyTooLarge => "body_too_large",
            UriTooLong => "uri_too_long",
            UnsupportedMediaType => "unsupported_media_type",
            MisdirectedRequest => "misdirected_request",
            InvalidPolicy => "invalid_policy",
            InvalidJwtSettings => "invalid_jwt_settings",
            InvalidAmount => "invalid_amount",
            InsufficientFunds => "insufficient_funds",
            UnknownRecipient => "unknown_recipient",
            TooManyAttempts => "too_many_attempts",
            TooManyStreams => "too_many_streams",
            HeadersTooLarge => "headers_too_large",
            InternalError => "internal_error",
            BalancerRefused => "balancer_refused",
            StoreUnavailable => "store_unavailable",
            Busy => "busy",
            BalancerUnavailable => "balancer_unavailable",
            Other => "other",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---- validated values --------------------------------------------------------------------

/// An email address as the lab takes it: 3 to 254 characters, one `@` with something on
/// both sides, no spaces or control characters. (Whether an account has it is another
/// question, answered by the server.)
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;

    fn try_from(text: String) -> Result<Email, String> {
        let plain = text.chars().all(|c| !c.is_whitespace() && !c.is_control());
        let parts = text.split_once('@').filter(|(local, domain)| !local.is_empty() && !domain.is_empty() && !domain.contains('@'));
        if (3..=254).contains(&text.len()) && plain && parts.is_some() {
            Ok(Email(text))
        } else {
            Err(format!("{text:?} is not an email address"))
        }
    }
}

impl From<Email> for String {
    fn from(email: Email) -> String {
        email.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A JSON number as a request sent it, before it is known to be an `Amount`: a string or
/// anything else is a malformed field (400), a number that is no amount is an invalid one (422).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Number {
    Whole(u64),
    Negative(i64),
    Fraction(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Whole(n) => n.fmt(f),
            Number::Negative(n) => n.fmt(f),
            Number::Fraction(n) => n.fmt(f),
        }
    }
}

/// A transfer amount: a positive whole number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Number", into = "u64")]
pub struct Amount(NonZeroU64);

impl Amount {
    pub fn get(self) -> u64 {
        self.0.get()
    }
}

impl TryFrom<Number> for Amount {
    type Error = String;

    fn try_from(number: Number) -> Result<Amount, String> {
        match number {
            Number::Whole(n) => NonZeroU64::new(n).map(Amount),
            _ => None,
        }
        .ok_or_else(|| format!("amount must be a positive whole number, not {number}"))
    }
}

impl From<Amount> for u64 {
    fn from(amount: Amount) -> u64 {
        amount.get()
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

// ---- the lab API (/api/*) ------------------------------------------------------------------

/// `POST /api/login` and `POST /api/token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    pub email: Email,
    pub password: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: u64,
    pub email: String,
}

/// `POST /api/login` → 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginResponse {
    pub user: User,
    /// RFC 3339: when the session ends if it is not used.
    pub expires_at: String,
}

/// `POST /api/token` → 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: u64,
}

/// How a request was authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    Session,
    Jwt,
    /// A token with `"alg": "none"` and no signature, accepted only while the lab's
    /// deliberately vulnerable `jwt_alg_none` setting is on (`Vulnerable`).
    #[serde(rename = "unsigned_jwt")]
    UnsignedJwt,
}

/// `GET /api/profile` → 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user: User,
    pub auth: AuthKind,
}

/// `POST /api/transfer`: `amount` is checked to be an `Amount` after the body parsed, so
/// that "not a number" (400) and "not a positive whole number" (422) stay apart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TransferRequest {
    pub to: Email,
    pub amount: Number,
}

/// `POST /api/transfer` → 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferResponse {
    pub balance: u64,
    pub transfer: TransferMade,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransferMade {
    pub to: String,
    pub amount: u64,
}

// ---- the control plane (/control/*) --------------------------------------------------------

/// `PUT /control/jwt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtSettingsRequest {
    pub secret: String,
    pub ttl_seconds: u64,
}

/// `GET /control/jwt`, and the answer to `PUT`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JwtSettings {
    pub secret: String,
    pub ttl_seconds: u64,
    /// Shorter than 32 bytes: guessable offline from any token.
    pub weak: bool,
    pub warning: Option<String>,
}

/// The lab's settings, as `/control/events` sends them whenever one changes (`event:
/// settings`), so that every open page shows what is live.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub policy: crate::cors::CorsPolicy,
    pub cookie: crate::cookie::CookiePolicy,
    pub defenses: Defenses,
    pub jwt: JwtSettings,
    /// Absent (an older backend): all off.
    #[serde(default)]
    pub vulnerable: Vulnerable,
}

/// `GET/PUT /control/vulnerable`: settings that make the lab deliberately vulnerable, for
/// the challenges that exploit them. Off at start and after a reset; the page labels each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vulnerable {
    /// Accept a JWT whose header says `"alg": "none"` and whose signature is empty (the
    /// classic library bug): anyone can then write a token for any user.
    #[serde(default)]
    pub jwt_alg_none: bool,
    /// `GET /api/transfer?to=…&amount=…` moves money too: a state change on a safe method,
    /// which `SameSite=Lax` lets through on a top-level navigation from another site.
    #[serde(default)]
    pub transfer_via_get: bool,
}

/// `X-CSRF-Token`: the session's CSRF token on a transfer, while the CSRF token defense is on.
pub const CSRF_TOKEN_HEADER: &str = "x-csrf-token";

/// `GET /api/csrf-token` → 200: the token of the request's session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CsrfToken {
    pub token: String,
}

// ---- the exploit server (on the other site) ---------------------------------------------------

/// The largest page `PUT /control/exploit` stores, in bytes of its `html`.
pub const EXPLOIT_MAX_BYTES: usize = 64 * 1024;

/// Requests to the exploit server's access log (`/log…` on the other site) kept at most.
pub const EXPLOIT_LOG_CAPACITY: usize = 200;

/// `GET/PUT /control/exploit`: the attacker's page, served at `/exploit` on the other site.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExploitPage {
    pub html: String,
}

/// `GET /control/exploit`: the stored page, `null` while none is stored. (Not a 404: the
/// playground asks on every load, and a browser reports every 404 in its console.)
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredExploit {
    pub html: Option<String>,
}

/// One request to the exploit server's access log (any method, `/log` and below on the other
/// site): what an exploit page reports back, as the server saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExploitHit {
    /// Counts up from 1, across resets.
    pub seq: u64,
    /// RFC 3339 UTC with milliseconds.
    pub at: String,
    pub method: String,
    /// The path and query as they came (cut to 2,048 bytes), percent-encoding kept.
    pub target: String,
    /// The body, when one came (cut to 2,048 bytes, as text).
    pub body: Option<String>,
    pub origin: Option<String>,
    pub referer: Option<String>,
    pub sec_fetch_site: Option<String>,
}

/// A row of `GET /control/sessions`. Never the whole session id: who reads the control plane
/// must not be able to hijack a session with what it shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRow {
    /// An opaque name for the session, for `DELETE /control/sessions/{handle}`.
    pub handle: String,
    /// The id's first 8 characters, as the request log shows it.
    pub id_prefix: String,
    pub user_id: u64,
    pub created_at: String,
    pub last_seen_at: String,
    pub expires_at: String,
}

/// A row of `GET /control/accounts`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub id: u64,
    pub email: String,
    pub balance: u64,
    /// Newest last.
    pub transfers: Vec<Transfer>,
}

/// A transfer that happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub from: String,
    pub to: String,
    pub amount: u64,
    /// RFC 3339.
    pub at: String,
}

/// `X-Instance`: which instance answered (`--instance-name`), on every answer of the API
/// listener. Header names here are in lower case, as HTTP/2 and the Fetch standard's `Headers`
/// write them (they match case-insensitively).
pub const INSTANCE_HEADER: &str = "x-instance";

/// `X-Playground-Token`: the control token (`--control-token`) on every control-plane request.
pub const CONTROL_TOKEN_HEADER: &str = "x-playground-token";

/// Entries one `GET /control/log` answers at most (and when its `limit` is not given): a
/// client reads a longer log page by page, each `after` the last `seq` of the one before.
pub const LOG_PAGE_MAX: usize = 200;

/// One request to the lab API as the server saw it (`GET /control/log`, `/control/events`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub seq: u64,
    /// RFC 3339 UTC with milliseconds.
    pub at: String,
    pub rid: Option<String>,
    pub method: String,
    pub path: String,
    pub origin: Option<String>,
    pub preflight: bool,
    /// The CORS-relevant request headers, names in lower case.
    pub request_headers: BTreeMap<String, String>,
    /// Which credentials came, as facts, secrets cut to their first 8 characters.
    pub credentials: Credentials,
    pub status: u16,
    /// The CORS and auth headers sent back, names in lower case.
    pub response_headers: BTreeMap<String, String>,
    /// The CORS engine's decision and the rule that made it; `null` when it made none.
    pub cors: Option<Reason>,
    /// What the route, and the checks and defenses before it, did with the request.
    pub outcome: RouteOutcome,
}

/// Which credentials a logged request carried, as facts; the page words them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    /// Every cookie of its `Cookie` headers, in order: each `;`-separated part is one, whatever
    /// its name (a part without `=` has an empty name).
    pub cookies: Vec<SeenCookie>,
    /// Its `Authorization` header, when one came.
    pub authorization: Option<SeenAuthorization>,
}

impl Credentials {
    /// Whether the playground's session cookie came.
    pub fn has_session(&self) -> bool {
        self.cookies.iter().any(|c| c.name == crate::cookie::NAME)
    }
}

/// One cookie as the log keeps it: its name, and its value cut to 8 characters (`…` when cut).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenCookie {
    pub name: String,
    pub value: String,
}

/// An `Authorization` header as the log keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeenAuthorization {
    /// `Bearer`, its token cut to 8 characters.
    Bearer { token: String },
    /// Another scheme of IANA's registry (`Basic`, `Digest`, …), by name only.
    Registered { name: String },
    /// A first word no registry knows: it may be the secret itself, so it is not kept.
    Unregistered,
    /// One word, no scheme.
    NoScheme,
}

/// A CSRF defense of the lab API (`Defenses` switches them).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Defense {
    OriginCheck,
    JsonOnly,
    FetchMetadata,
    CsrfToken,
}

impl Defense {
    /// The error code a request refused by this defense gets.
    pub fn code(self) -> ErrorCode {
        match self {
            Defense::OriginCheck => ErrorCode::OriginRefused,
            Defense::JsonOnly => ErrorCode::UnsupportedMediaType,
            Defense::FetchMetadata => ErrorCode::FetchMetadataRefused,
            Defense::CsrfToken => ErrorCode::CsrfTokenRefused,
        }
    }
}

/// Who a route found behind the credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Authenticated {
    pub user: u64,
    pub email: String,
    pub by: AuthKind,
    /// The session's id cut to 8 characters, when it was a session cookie.
    pub session: Option<String>,
}

/// What the route, and the checks and defenses before it, did with a logged request: data,
/// worded by the page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RouteOutcome {
    /// Nothing looked at the credentials: a preflight, or an answer before any check.
    NotChecked,
    /// The credentials named a user.
    Authenticated { who: Authenticated },
    /// A check of the route refused: the credentials (`no_credentials`, `expired_token`, …),
    /// the body, the store.
    Refused { code: ErrorCode },
    LoggedIn { user: u64, session: String },
    LoggedOut,
    TokenIssued { user: u64 },
    Transferred { by: Authenticated, to: String, amount: u64 },
    /// Authenticated, but the transfer itself was refused.
    TransferRefused { by: Authenticated, code: ErrorCode },
    /// A CSRF defense refused the request before its route ran.
    DefenseRefused { defense: Defense, saw: DefenseSaw },
}

/// What a defense saw when it refused.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DefenseSaw {
    /// The Origin check: an `Origin` that is not a frontend origin (cut to 256 bytes).
    ForeignOrigin { origin: String },
    /// Fetch Metadata: `Sec-Fetch-Site` named another site, or (an old browser, a script) it
    /// was missing and `Origin` was foreign.
    CrossSite { old_browser: bool },
    /// "JSON only": a `text/plain` body.
    PlainTextBody,
    /// The CSRF token defense: no `X-CSRF-Token` came.
    MissingCsrfToken,
    /// The CSRF token defense: an `X-CSRF-Token` that is not this session's.
    WrongCsrfToken,
}

impl RouteOutcome {
    /// The defense that refused the request before its route, if one did.
    pub fn refused_by(&self) -> Option<Defense> {
        match self {
            RouteOutcome::DefenseRefused { defense, .. } => Some(*defense),
            _ => None,
        }
    }
}

/// `GET/PUT /control/defenses`: the CSRF defenses of the lab API, off by default so the
/// attack can be watched first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defenses {
    /// Refuse state-changing requests whose `Origin` is not a frontend origin (403).
    pub origin_check: bool,
    /// Refuse `text/plain` bodies (415): a cross-origin JSON request needs a preflight,
    /// which the lab policy can refuse.
    pub json_only: bool,
    /// Refuse cross-site writes by `Sec-Fetch-Site` and `Origin` (Fetch Metadata, as Go's
    /// `CrossOriginProtection` and tower-http's `CsrfLayer` do; 403). Absent: off.
    #[serde(default)]
    pub fetch_metadata: bool,
    /// Refuse a transfer whose `X-CSRF-Token` is not its session's token (`GET
    /// /api/csrf-token`): the synchronizer token pattern, the token an HMAC of the session id
    /// (403 `csrf_token_refused`). Bearer-authenticated transfers are not checked: a bearer
    /// token never goes by itself. Absent: off.
    #[serde(default)]
    pub csrf_token: bool,
}

/// `GET /control/instance`: which backend this is, for the scaling lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub name: String,
    /// `memory` or `redis` (never the URL: it may hold a password).
    pub store: String,
    /// API origins of the other instances.
    pub peers: Vec<String>,
    /// The load balancer in front of the instances; `null` when there is none (absent in a
    /// body from before the scaling lab had one: none).
    #[serde(default)]
    pub balancer: Option<Balanced>,
}

/// How the lab API is reached through the load balancer (`cargo xtask run --scale lb`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balanced {
    /// The lab API's origin through the round-robin way (`--balancer-round-robin`), or `null`.
    pub round_robin: Option<String>,
    /// The lab API's origin through the sticky way (`--balancer-sticky`), or `null`.
    pub sticky: Option<String>,
    /// Whether `/control/balancer` can stop and start instances (`--balancer-admin` is set).
    pub admin: bool,
}

/// `GET /control/balancer`, and the answer to `PUT /control/balancer/servers/{name}`: the
/// instances behind the load balancer, in its configuration's order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalancerState {
    pub servers: Vec<BalancedServer>,
}

/// One instance as the load balancer sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalancedServer {
    /// The instance's name, as its `X-Instance` header says it.
    pub name: String,
    /// Whether lab requests may go to it: not disabled ("stopped") in either way through.
    pub enabled: bool,
    /// Whether the balancer's health check reaches it (false while disabled, too).
    pub up: bool,
}

/// `PUT /control/balancer/servers/{name}`: disable ("stop") or enable ("start") an instance
/// for lab requests, in both ways through the balancer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerSwitch {
    pub enabled: bool,
}

/// `GET /control/site`: where the "other site" (attacker) pages are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteLinks {
    /// `http://localhost:PORT/`: another origin, but the same site as the playground.
    pub same_site: String,
    /// `http://127.0.0.1:PORT/`: another site, so SameSite=Lax cookies stay home.
    pub cross_site: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_their_snake_case_names_on_the_wire() {
        for code in [
            ErrorCode::MalformedJson,
            ErrorCode::TooManyAttempts,
            ErrorCode::UnsupportedAlg,
            ErrorCode::Busy,
            ErrorCode::NoBalancer,
            ErrorCode::UnknownServer,
            ErrorCode::BalancerRefused,
            ErrorCode::BalancerUnavailable,
        ] {
            assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
            assert_eq!(serde_json::from_value::<ErrorCode>(code.as_str().into()).unwrap(), code);
        }
        assert_eq!(serde_json::from_str::<ErrorCode>(r#""from_the_future""#).unwrap(), ErrorCode::Other);
    }

    #[test]
    fn the_instance_body_names_the_balancer_or_null() {
        let balanced = Balanced { round_robin: Some("http://localhost:3000".to_owned()), sticky: None, admin: true };
        let instance = Instance {
            name: "A".to_owned(),
            store: "memory".to_owned(),
            peers: vec!["http://localhost:3102".to_owned()],
            balancer: Some(balanced),
        };
        let json = serde_json::to_value(&instance).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"name": "A", "store": "memory", "peers": ["http://localhost:3102"],
                "balancer": {"round_robin": "http://localhost:3000", "sticky": null, "admin": true}})
        );
        assert_eq!(serde_json::from_value::<Instance>(json).unwrap(), instance);
        let alone = serde_json::from_str::<Instance>(r#"{"name":"B","store":"redis","peers":[]}"#).unwrap();
        assert_eq!(alone.balancer, None);
    }

    #[test]
    fn a_server_switch_takes_exactly_enabled() {
        assert_eq!(serde_json::from_str::<ServerSwitch>(r#"{"enabled":false}"#).unwrap(), ServerSwitch { enabled: false });
        assert!(serde_json::from_str::<ServerSwitch>(r#"{"enabled":"no"}"#).is_err());
        assert!(serde_json::from_str::<ServerSwitch>(r#"{"enabled":true,"force":true}"#).is_err());
    }

    #[test]
    fn emails_need_one_at_sign_and_no_spaces() {
        for good in ["a@b.com", "bob@example.com", "x@y"] {
            assert!(Email::try_from(good.to_owned()).is_ok(), "{good}");
        }
        for bad in ["", "ab", "a@", "@b.com", "a b@c.d", "a@b@c", "a\n@b.c", &format!("{}@b.c", "a".repeat(260))] {
            assert!(Email::try_from(bad.to_owned()).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<LoginRequest>(r#"{"email":"nope","password":"x"}"#).is_err());
    }

    #[test]
    fn amounts_are_positive_whole_numbers_and_other_numbers_still_parse() {
        let body = |amount: &str| serde_json::from_str::<TransferRequest>(&format!(r#"{{"to":"a@b.com","amount":{amount}}}"#));
        assert_eq!(Amount::try_from(body("100").unwrap().amount).map(Amount::get), Ok(100));
        for not_an_amount in ["0", "-5", "1.5", "1e3"] {
            let number = body(not_an_amount).expect("a number parses").amount;
            assert!(Amount::try_from(number).is_err(), "{not_an_amount}");
        }
        assert!(body(r#""10""#).is_err(), "a string is not a number");
        assert_eq!(serde_json::to_string(&Amount::try_from(Number::Whole(7)).unwrap()).unwrap(), "7");
    }
}
