//! JSON shapes of the HTTP contract that both sides read or write.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The body of every error response: `{"error": "<snake_case_code>", "message": "…"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    pub id: u64,
    pub email: String,
}

/// How a request was authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AuthKind {
    Session,
    Jwt,
}

/// `GET /api/profile` → 200.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub user: User,
    pub auth: AuthKind,
}

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
    /// Whether credentials came, secrets cut to their first 8 characters.
    pub credentials: Credentials,
    pub status: u16,
    /// The CORS and auth headers sent back, names in lower case.
    pub response_headers: BTreeMap<String, String>,
    /// The CORS engine's reason in words.
    pub cors: String,
    /// The auth outcome in words.
    pub auth: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credentials {
    pub cookie: String,
    pub authorization: String,
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

/// `GET/PUT /control/defenses`: the CSRF defences of the lab API, off by default so the
/// attack can be watched first.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Defenses {
    /// Refuse state-changing requests whose `Origin` is not a frontend origin (403).
    pub origin_check: bool,
    /// Refuse `text/plain` bodies (415): a cross-origin JSON request needs a preflight,
    /// which the lab policy can refuse.
    pub json_only: bool,
}

/// `GET /control/instance`: which backend this is, for the scaling lab.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub name: String,
    /// `memory` or `redis` (never the URL: it may hold a password).
    pub store: String,
    /// API origins of the other instances.
    pub peers: Vec<String>,
}

/// `GET /control/site`: where the "other site" (attacker) pages are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteLinks {
    /// `http://localhost:PORT/`: another origin, but the same site as the playground.
    pub same_site: String,
    /// `http://127.0.0.1:PORT/`: another site, so SameSite=Lax cookies stay home.
    pub cross_site: String,
}
