//! The control plane (`/control/*`): the playground UI's own routes, outside the lab policy.

use std::convert::Infallible;

use axum::{
    Json,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::{HeaderMap, StatusCode},
    response::sse::{Event, KeepAlive, Sse},
};
use futures_util::{Stream, StreamExt};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::{
    cors::CorsPolicy,
    jwt,
    wire::{Defenses, Instance, LogEntry, SiteLinks},
};
use tokio_stream::wrappers::BroadcastStream;

use crate::{
    auth::store_unavailable,
    bank::Account,
    clock::now_ms,
    config::StoreSpec,
    cookie::CookiePolicy,
    error::AppError,
    extract::ApiJson,
    sessions::{SessionId, SessionView},
    state::{AppState, JwtSettings},
};

/// `GET /control/cors`
pub async fn get_cors(State(state): State<AppState>) -> Json<CorsPolicy> {
    Json(state.policy().as_ref().clone())
}

/// `PUT /control/cors`: replaces the policy whole; a bad one changes nothing.
pub async fn put_cors(State(state): State<AppState>, ApiJson(policy): ApiJson<CorsPolicy>) -> Result<Json<CorsPolicy>, AppError> {
    policy
        .validate()
        .map_err(|e| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_policy", format!("The policy was not applied: {e}.")))?;
    state.set_policy(policy.clone());
    Ok(Json(policy))
}

/// `POST /control/reset`: back to the start: default policies, no sessions, balances 1000,
/// no throttled accounts, empty log. The JWT secret stays (it may come from the command line).
pub async fn reset(State(state): State<AppState>) -> Result<StatusCode, AppError> {
    state.sessions().clear().await.map_err(store_unavailable)?;
    state.set_policy(state.default_policy());
    state.set_cookie_policy(CookiePolicy::default());
    state.set_defenses(Defenses::default());
    state.throttle().clear();
    state.bank().reset();
    state.log().clear();
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    after: u64,
}

/// `GET /control/log?after=SEQ`: entries newer than SEQ, oldest first.
pub async fn log(State(state): State<AppState>, query: Result<Query<LogQuery>, QueryRejection>) -> Result<Json<Vec<LogEntry>>, AppError> {
    let Query(query) = query.map_err(|e| {
        AppError::new(StatusCode::BAD_REQUEST, "invalid_query", format!("`after` must be a whole number: {}", e.body_text()))
    })?;
    Ok(Json(state.log().after(query.after)))
}

/// `GET /control/cookie`
pub async fn get_cookie(State(state): State<AppState>) -> Json<CookiePolicy> {
    Json(state.cookie_policy())
}

/// `PUT /control/cookie`: the attributes of session cookies set from now on.
pub async fn put_cookie(State(state): State<AppState>, ApiJson(policy): ApiJson<CookiePolicy>) -> Json<CookiePolicy> {
    state.set_cookie_policy(policy);
    Json(policy)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JwtBody {
    secret: String,
    ttl_seconds: u64,
}

/// The JWT settings, with a warning when the secret could be guessed.
fn jwt_view(state: &AppState) -> Json<Value> {
    let settings = state.jwt();
    let weak = jwt::is_weak_secret(settings.secret.as_bytes());
    Json(json!({
        "secret": settings.secret,
        "ttl_seconds": settings.ttl_seconds,
        "weak": weak,
        "warning": weak.then(|| format!(
            "This secret is {} bytes long; HS256 wants at least {}. A short secret can be guessed offline from any token.",
            settings.secret.len(), jwt::MIN_STRONG_SECRET_LEN
        )),
    }))
}

/// `GET /control/jwt`
pub async fn get_jwt(State(state): State<AppState>) -> Json<Value> {
    jwt_view(&state)
}

/// `PUT /control/jwt`: tokens signed with the old secret stop verifying at once.
pub async fn put_jwt(State(state): State<AppState>, ApiJson(body): ApiJson<JwtBody>) -> Result<Json<Value>, AppError> {
    let invalid = |message: &str| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_jwt_settings", message);
    if body.secret.is_empty() || body.secret.len() > 4096 {
        return Err(invalid("secret must be 1 to 4096 bytes long."));
    }
    if !(1..=31_536_000).contains(&body.ttl_seconds) {
        return Err(invalid("ttl_seconds must be between 1 and 31536000 (a year)."));
    }
    state.set_jwt(JwtSettings::new(body.secret, body.ttl_seconds));
    Ok(jwt_view(&state))
}

/// `GET /control/sessions`: the server-side session store, oldest first.
pub async fn sessions(State(state): State<AppState>) -> Result<Json<Vec<SessionView>>, AppError> {
    let live = state.sessions().list(now_ms()).await.map_err(store_unavailable)?;
    Ok(Json(live.iter().map(SessionView::from).collect()))
}

/// `DELETE /control/sessions/{id}`: revoke one session.
pub async fn revoke(State(state): State<AppState>, Path(id): Path<String>) -> Result<StatusCode, AppError> {
    let unknown = || AppError::new(StatusCode::NOT_FOUND, "unknown_session", "No session with this id exists.");
    let id = SessionId::parse(&id).ok_or_else(unknown)?;
    if state.sessions().remove(id).await.map_err(store_unavailable)? { Ok(StatusCode::NO_CONTENT) } else { Err(unknown()) }
}

/// `GET /control/defenses`
pub async fn get_defenses(State(state): State<AppState>) -> Json<Defenses> {
    Json(state.defenses())
}

/// `PUT /control/defenses`: the CSRF defences, applied from the next request.
pub async fn put_defenses(State(state): State<AppState>, ApiJson(defenses): ApiJson<Defenses>) -> Json<Defenses> {
    state.set_defenses(defenses);
    Json(defenses)
}

/// `GET /control/site`: the attacker page, from the same site and from another site.
pub async fn site(State(state): State<AppState>) -> Json<SiteLinks> {
    let port = state.site_addr().port();
    Json(SiteLinks { same_site: format!("http://localhost:{port}/"), cross_site: format!("http://127.0.0.1:{port}/") })
}

/// `GET /control/instance`
pub async fn instance(State(state): State<AppState>) -> Json<Instance> {
    let config = state.config();
    let store = match config.session_store {
        StoreSpec::Memory => "memory",
        StoreSpec::Redis(_) => "redis",
    };
    Json(Instance { name: config.instance_name.clone(), store: store.to_owned(), peers: config.peers.clone() })
}

/// `GET /control/accounts`
pub async fn accounts(State(state): State<AppState>) -> Json<Vec<Account>> {
    Json(state.bank().accounts())
}

/// `GET /control/events`: log entries as Server-Sent Events, one JSON entry per event, with
/// `id` = `seq`. A client that reconnects with `Last-Event-ID` first gets what it missed.
pub async fn events(State(state): State<AppState>, headers: HeaderMap) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    // Subscribe before reading the backlog, so nothing falls between the two.
    let live = BroadcastStream::new(state.log().subscribe());
    let last_seen = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let backlog = last_seen.map(|after| state.log().after(after)).unwrap_or_default();
    let mut newest = backlog.last().map_or(last_seen.unwrap_or(0), |e| e.seq);
    let live = live.filter_map(move |item| {
        // A slow client that lagged skips ahead; `/control/log?after=` has the full record.
        let entry = item.ok().filter(|e| e.seq > newest);
        if let Some(e) = &entry {
            newest = e.seq;
        }
        std::future::ready(entry)
    });
    let stream = futures_util::stream::iter(backlog).chain(live.map(|record| record.to_entry())).map(|entry| Ok(to_event(&entry)));
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn to_event(entry: &LogEntry) -> Event {
    Event::default().id(entry.seq.to_string()).data(serde_json::to_string(entry).unwrap_or_default())
}
