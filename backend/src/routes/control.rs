//! The control plane (`/control/*`): the playground UI's own routes, outside the lab policy.

use std::{convert::Infallible, sync::Arc};

use axum::{
    Json,
    extract::{Path, Query, Request, State, rejection::QueryRejection},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header},
    response::{
        IntoResponse,
        sse::{Event, KeepAlive, Sse},
    },
};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::{
    cors::{CorsPolicy, ValidPolicy},
    wire::{
        Account, Balanced, BalancerState, Defenses, ErrorCode, Instance,
        JwtSettingsRequest, LOG_PAGE_MAX, LogEntry, ServerSwitch, SessionRow, SiteLinks, Vulnerable,
    },
};
use tokio_stream::wrappers::{BroadcastStream, WatchStream};

use crate::{
    auth::store_unavailable,
    balancer,
    config::StoreSpec,
    error::AppError,
    extract::{Accept, ApiJson, parse, read_body, require_json},
    session_cookie::CookiePolicy,
    sessions::SessionId,
    state::{AppState, JwtSigning, LiveLab, MAX_EVENT_STREAMS},
};

/// `GET /control/cors`
pub async fn get_cors(State(lab): State<Arc<LiveLab>>) -> Json<ValidPolicy> {
    Json(ValidPolicy::clone(&lab.policy()))
}

/// `PUT /control/cors`: replaces the policy whole; a bad one changes nothing.
pub async fn put_cors(State(lab): State<Arc<LiveLab>>, ApiJson(policy): ApiJson<CorsPolicy>) -> Result<Json<ValidPolicy>, AppError> {
    let policy = ValidPolicy::try_from(policy).map_err(|e| AppError::new(ErrorCode::InvalidPolicy, format!("The policy was not applied: {e}.")))?;
    lab.set_policy(policy.clone());
    Ok(Json(policy))
}

/// The body of a reset: an empty object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Nothing {}

/// `POST /control/reset`: back to the start: default policies, no sessions, balances 1000,
/// no throttled accounts, empty log. The JWT secret stays (it may come from the command line).
///
/// It needs a JSON body (`{}`, or empty with `Content-Type: application/json`): a content type
/// that no form post and no "simple" request can send, so another page cannot reset the lab
/// (and its CSRF defenses with it) behind the person's back.
pub async fn reset(State(state): State<AppState>, req: Request) -> Result<StatusCode, AppError> {
    require_json(req.headers(), Accept::Json)?;
    let body = read_body(req, &state).await?;
    if !body.is_empty() {
        let Nothing {} = parse(&body)?;
    }
    state.lab().reset().await.map_err(store_unavailable)?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
    rid: Option<String>,
}

/// `GET /control/log?after=SEQ&limit=N&rid=ID`: up to N (at most `LOG_PAGE_MAX`) entries newer
/// than SEQ, oldest first; with `rid`, only that request's. The next page starts after the
/// last `seq` of this one.
pub async fn log(
    State(lab): State<Arc<LiveLab>>,
    query: Result<Query<LogQuery>, QueryRejection>,
) -> Result<Json<Vec<LogEntry>>, AppError> {
    let invalid = |why: String| AppError::new(ErrorCode::InvalidQuery, why);
    let Query(query) = query.map_err(|e| {
        invalid(format!(
            "`after` and `limit` must be whole numbers: {}",
            e.body_text()
        ))
    })?;
    let limit = query.limit.unwrap_or(LOG_PAGE_MAX);
    if !(1..=LOG_PAGE_MAX).contains(&limit) {
        return Err(invalid(format!(
            "`limit` must be between 1 and {LOG_PAGE_MAX}."
        )));
    }
    Ok(Json(lab.log().page(
        query.after,
        limit,
        query.rid.as_deref(),
    )))
}

/// `GET /control/cookie`
pub async fn get_cookie(State(lab): State<Arc<LiveLab>>) -> Json<CookiePolicy> {
    Json(lab.cookie_policy())
}

/// `PUT /control/cookie`: the attributes of session cookies set from now on.
pub async fn put_cookie(State(lab): State<Arc<LiveLab>>, ApiJson(policy): ApiJson<CookiePolicy>) -> Json<CookiePolicy> {
    lab.set_cookie_policy(policy);
    Json(policy)
}

/// Answers that carry secrets (the JWT secret, session handles) stay out of every cache.
const NO_STORE: [(HeaderName, HeaderValue); 1] = [(header::CACHE_CONTROL, HeaderValue::from_static("no-store"))];

/// The JWT settings, with a warning when the secret could be guessed.
fn jwt_settings(lab: &LiveLab) -> impl IntoResponse + use<> {
    (NO_STORE, Json(lab.jwt_view()))
}

/// `GET /control/jwt`
pub async fn get_jwt(State(lab): State<Arc<LiveLab>>) -> impl IntoResponse {
    jwt_settings(&lab)
}

/// `PUT /control/jwt`: tokens signed with the old secret stop verifying at once.
pub async fn put_jwt(State(lab): State<Arc<LiveLab>>, ApiJson(body): ApiJson<JwtSettingsRequest>) -> Result<impl IntoResponse, AppError> {
    let invalid = |message: &str| AppError::new(ErrorCode::InvalidJwtSettings, message);
    if body.secret.is_empty() || body.secret.len() > 4096 {
        return Err(invalid("secret must be 1 to 4096 bytes long."));
    }
    if !(1..=31_536_000).contains(&body.ttl_seconds) {
        return Err(invalid("ttl_seconds must be between 1 and 31536000 (a year)."));
    }
    lab.set_jwt(JwtSigning::new(body.secret, body.ttl_seconds));
    Ok(jwt_settings(&lab))
}

/// `GET /control/sessions`: the server-side session store, oldest first, each session by its
/// id's first 8 characters and an opaque handle, never its whole id.
pub async fn sessions(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    let live = state.lab().sessions().list(state.clock().now_ms()).await.map_err(store_unavailable)?;
    let rows: Vec<SessionRow> = live.iter().map(|s| state.lab().handles().row(s)).collect();
    Ok((NO_STORE, Json(rows)))
}

/// `DELETE /control/sessions/{handle}`: revoke one session, named by its handle (or by its
/// whole id: who holds it may end it).
pub async fn revoke(State(state): State<AppState>, Path(name): Path<String>) -> Result<StatusCode, AppError> {
    let unknown = || AppError::new(ErrorCode::UnknownSession, "No session with this handle or id exists.").with_status(StatusCode::NOT_FOUND);
    let id = match SessionId::parse(&name) {
        Some(id) => id,
        None => {
            let live = state.lab().sessions().list(state.clock().now_ms()).await.map_err(store_unavailable)?;
            live.iter().map(|s| s.id).find(|id| state.lab().handles().handle(*id) == name).ok_or_else(unknown)?
        }
    };
    if state.lab().sessions().remove(id).await.map_err(store_unavailable)? { Ok(StatusCode::NO_CONTENT) } else { Err(unknown()) }
}

/// `GET /control/defenses`
pub async fn get_defenses(State(lab): State<Arc<LiveLab>>) -> Json<Defenses> {
    Json(lab.defenses())
}

/// `PUT /control/defenses`: the CSRF defenses, applied from the next request.
pub async fn put_defenses(State(lab): State<Arc<LiveLab>>, ApiJson(defenses): ApiJson<Defenses>) -> Json<Defenses> {
    lab.set_defenses(defenses);
    Json(defenses)
}

/// `GET /control/vulnerable`: the deliberately vulnerable settings.
pub async fn get_vulnerable(State(lab): State<Arc<LiveLab>>) -> Json<Vulnerable> {
    Json(lab.vulnerable())
}

/// `PUT /control/vulnerable`
pub async fn put_vulnerable(State(lab): State<Arc<LiveLab>>, ApiJson(vulnerable): ApiJson<Vulnerable>) -> Json<Vulnerable> {
    lab.set_vulnerable(vulnerable);
    Json(lab.vulnerable())
}

/// `GET /control/site`: the attacker page, from the same site and from another site.
pub async fn site(State(state): State<AppState>) -> Json<SiteLinks> {
    let port = state.site_addr().port();
    Json(SiteLinks { same_site: format!("http://localhost:{port}/"), cross_site: format!("http://127.0.0.1:{port}/") })
}

/// `GET /control/instance`: which instance this is, its peers, and the load balancer in front.
pub async fn instance(State(state): State<AppState>) -> Json<Instance> {
    let config = state.config();
    let store = match config.session_store {
        StoreSpec::Memory => "memory",
        StoreSpec::Redis(_) => "redis",
    };
    let configured = config.balanced_origins().next().is_some() || config.balancer_admin.is_some();
    let balancer = configured.then(|| Balanced {
        round_robin: config.balancer_round_robin.clone(),
        sticky: config.balancer_sticky.clone(),
        admin: config.balancer_admin.is_some(),
    });
    Json(Instance { name: config.instance_name.clone(), store: store.to_owned(), peers: config.peers.clone(), balancer })
}

/// `GET /control/balancer`: the instances behind the load balancer, enabled or not.
pub async fn get_balancer(State(state): State<AppState>) -> Result<Json<BalancerState>, AppError> {
    let balancer = state.balancer().ok_or_else(balancer::not_configured)?;
    Ok(Json(BalancerState { servers: balancer.servers().await? }))
}

/// `PUT /control/balancer/servers/{name}`: "stop" (`{"enabled": false}`) or "start" an
/// instance for lab requests, in both ways through the balancer; answers the new state.
pub async fn put_balancer_server(
    State(state): State<AppState>,
    Path(name): Path<String>,
    ApiJson(switch): ApiJson<ServerSwitch>,
) -> Result<Json<BalancerState>, AppError> {
    let balancer = state.balancer().ok_or_else(balancer::not_configured)?;
    Ok(Json(BalancerState { servers: balancer.set_enabled(&name, switch.enabled).await? }))
}

/// `GET /control/accounts`
pub async fn accounts(State(lab): State<Arc<LiveLab>>) -> Json<Vec<Account>> {
    Json(lab.bank().accounts())
}

/// `GET /control/events`: log entries as Server-Sent Events, one JSON entry per event, with
/// `id` = `seq`. A client that reconnects with `Last-Event-ID` first gets what it missed.
/// Each change of the lab's settings comes as an `event: settings` with all of them (no `id`:
/// a reconnecting page loads the settings anew anyway); each change of the running challenge
/// as `event: challenge`, each reset as `event: reset`, each hit of the exploit server's
/// access log as `event: exploit`. At most `MAX_EVENT_STREAMS` are open
/// at once (429 `too_many_streams` beyond).
pub async fn events(State(state): State<AppState>, headers: HeaderMap) -> Result<impl IntoResponse, AppError> {
    let Some(slot) = state.event_stream_slot() else {
        let error = AppError::new(
            ErrorCode::TooManyStreams,
            format!("{MAX_EVENT_STREAMS} event streams are open already; close one (another tab?) and try again."),
        );
        return Err(error.with_header(header::RETRY_AFTER, HeaderValue::from_static("5")));
    };
    // Subscribe before reading the backlog, so nothing falls between the two.
    let live = BroadcastStream::new(state.lab().log().subscribe());
    let last_seen = headers.get("last-event-id").and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let backlog = last_seen.map(|after| state.lab().log().records_after(after)).unwrap_or_default();
    let mut newest = backlog.last().map_or(last_seen.unwrap_or(0), |r| r.seq);
    let live = live.filter_map(move |item| {
        // A slow client that lagged skips ahead; `/control/log?after=` has the full record.
        let record = item.ok().filter(|r| r.seq > newest);
        if let Some(r) = &record {
            newest = r.seq;
        }
        std::future::ready(record)
    });
    let entries = futures_util::stream::iter(backlog).chain(live).map(|record| Event::default().id(record.seq.to_string()).data(record.json()));
    let lab = state.lab().clone();
    let settings = WatchStream::from_changes(lab.settings_changes())
        .map(move |_| Event::default().event("settings").data(serde_json::to_string(&lab.settings_view()).unwrap_or_default()));
    let challenge = WatchStream::from_changes(state.lab().challenge().changes())
        .map(|run| Event::default().event("challenge").data(serde_json::to_string(&run).unwrap_or_default()));
    let resets = WatchStream::from_changes(state.lab().resets()).map(|_| Event::default().event("reset").data("{}"));
    // A slow client may miss a hit here; `/control/exploit/log?after=` has them all.
    let hits = BroadcastStream::new(state.lab().exploit().subscribe())
        .filter_map(|hit| std::future::ready(hit.ok()))
        .map(|hit| Event::default().event("exploit").data(serde_json::to_string(&hit).unwrap_or_default()));
    let stream = futures_util::stream::select_all([entries.boxed(), settings.boxed(), challenge.boxed(), resets.boxed(), hits.boxed()]).map(move |event| {
        // The slot is held as long as the stream is open.
        let _open = &slot;
        Ok::<_, Infallible>(event)
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}
