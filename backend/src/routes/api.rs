//! The lab API (`/api/*`): the routes the live CORS policy governs.
//!
//! Each route is a plain async function called by `pipeline`'s route table: it answers with
//! the response and the auth outcome for the log (`Answer`), both as data. Going through
//! axum's `Handler` instead cost a header-map copy, a boxed future and a response extension
//! per request (`cargo xtask bench`; README, Benchmarks).

use std::{sync::OnceLock, time::Instant};

use axum::{
    Json,
    body::{Body, Bytes},
    extract::Request,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::Response,
};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::{
    jwt::{self, Claims},
    wire::{AuthKind, Profile, User},
};

use crate::{
    auth::{
        self,
        password::{Busy, DemoUser, USERS},
        store_unavailable,
    },
    bank::TransferError,
    clock::{now_ms, rfc3339},
    cookie,
    error::AppError,
    extract::{Accept, parse_body, read_body},
    request_log::{Answer, AuthNote},
    sessions::{Session, SessionId},
    state::AppState,
};

/// A route's answer; `Err` is an answer too (a refusal), so `?` reads naturally.
pub type Handled = Result<Answer, Answer>;

#[derive(Deserialize)]
pub struct LoginBody {
    email: String,
    password: String,
}

/// What bodies the routes read: JSON or `text/plain` holding JSON, unless the "JSON only"
/// defence is on (then a cross-origin write needs a preflight).
fn accept(state: &AppState) -> Accept {
    if state.defenses().json_only { Accept::Json } else { Accept::JsonOrText }
}

/// The headers and the body (within the body limit and time) of a POST.
async fn read(state: &AppState, req: Request) -> Result<(HeaderMap, Bytes), Answer> {
    let (parts, body) = req.into_parts();
    let body = read_body(body, state.config().body_timeout).await.map_err(Answer::unchecked)?;
    Ok((parts.headers, body))
}

/// The shared part of `/api/login` and `/api/token`: read and parse the body, throttle, then
/// argon2. The request's headers come back for the route.
async fn check_login(state: &AppState, req: Request) -> Result<(HeaderMap, User), Answer> {
    let (headers, body) = read(state, req).await?;
    let LoginBody { email, password } = parse_body(&headers, &body, accept(state)).map_err(Answer::unchecked)?;
    // Nothing of the request but what the route needs waits for the hash.
    drop(body);
    let attempt = state.throttle().begin(&email, Instant::now()).map_err(|wait| {
        let error = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("Too many failed logins for this account; try again in {wait} s."),
        );
        let retry = [(header::RETRY_AFTER, wait.to_string())];
        Answer::text((retry, error), "refused: too_many_attempts (throttled)")
    })?;
    match state.hashers().check(email, password).await {
        Ok(Some(user)) => {
            attempt.succeeded();
            Ok((headers, user))
        }
        Ok(None) => {
            attempt.failed(Instant::now());
            Err(Answer::new(AppError::unauthorized("invalid_credentials", "The email or password is wrong."), AuthNote::Refused("invalid_credentials")))
        }
        // Undecided: the attempt gives its place back when dropped.
        Err(Busy) => {
            let error = AppError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", "Too many logins are waiting for a password check; try again in a second.");
            Err(Answer::text(([(header::RETRY_AFTER, "1")], error), "refused: busy (password checks queued)"))
        }
    }
}

/// `POST /api/login`: a new session (a new id every time), in an HttpOnly cookie.
pub async fn login(state: &AppState, req: Request) -> Handled {
    let (headers, user) = check_login(state, req).await?;
    let fail = |e: AppError| {
        let note = format!("failed: {}", e.code);
        Answer::text(e, note)
    };
    // The browser's previous session ends: one browser, one session (and no fixation).
    if let Some(old) = cookie::session_cookie(&headers).and_then(SessionId::parse) {
        state.sessions().remove(old).await.map_err(|e| fail(store_unavailable(e)))?;
    }
    let id = SessionId::random().map_err(|e| fail(store_unavailable(e)))?;
    let session = Session::new(id, user.id, now_ms(), state.lifetimes());
    state.sessions().insert(session).await.map_err(|e| fail(store_unavailable(e)))?;
    let set_cookie = state.cookie_policy().set(&id.encode(), state.config().session_ttl);
    let note = format!("login ok: user {} got new session {}…", user.id, id.prefix());
    let body = json!({ "user": user, "expires_at": rfc3339(session.expires_at) });
    Ok(Answer::text(([(header::SET_COOKIE, set_cookie)], Json(body)), note))
}

/// `POST /api/logout`: the session is deleted server-side, and the cookie cleared.
pub async fn logout(state: &AppState, headers: &HeaderMap) -> Handled {
    let clear = [(header::SET_COOKIE, state.cookie_policy().clear())];
    let Some(text) = cookie::session_cookie(headers) else {
        let error = AppError::unauthorized("no_credentials", "There was no session cookie to log out.");
        return Err(Answer::new(error, AuthNote::Refused("no_credentials")));
    };
    let removed = match SessionId::parse(text) {
        Some(id) => state.sessions().remove(id).await.map_err(|e| Answer::text(store_unavailable(e), "failed: store_unavailable"))?,
        None => false,
    };
    if removed {
        Ok(Answer::text((StatusCode::NO_CONTENT, clear), "logout: session deleted"))
    } else {
        let error = AppError::unauthorized("unknown_session", "No session with this id exists (already logged out, revoked or expired).");
        Err(Answer::new((clear, error), AuthNote::Refused("unknown_session")))
    }
}

/// `POST /api/token`: an HS256 JWT; nothing is stored server-side.
pub async fn token(state: &AppState, req: Request) -> Handled {
    let (_, user) = check_login(state, req).await?;
    let settings = state.jwt();
    let now = (now_ms() / 1000) as i64;
    let claims = Claims {
        sub: user.id.to_string(),
        email: Some(user.email.clone()),
        iat: Some(now),
        exp: now + settings.ttl_seconds as i64,
        nbf: None,
    };
    let token = jwt::encode(&claims, settings.secret.as_bytes());
    let body = json!({ "token": token, "token_type": "Bearer", "expires_in": settings.ttl_seconds });
    Ok(Answer::text(Json(body), format!("token issued to user {}", user.id)))
}

/// The body of `GET /api/profile` for this account and way in. The demo accounts are
/// constants, so each of the few bodies is rendered once: this is the route every lab
/// request hits, and rendering it cost more than the session lookup.
fn profile_body(user: &DemoUser, kind: AuthKind) -> Bytes {
    const KINDS: [AuthKind; 2] = [AuthKind::Session, AuthKind::Jwt];
    static BODIES: OnceLock<Vec<Bytes>> = OnceLock::new();
    let bodies = BODIES.get_or_init(|| {
        let render = |user: &DemoUser, auth| {
            Bytes::from(serde_json::to_vec(&Profile { user: user.user(), auth }).unwrap_or_default())
        };
        USERS.iter().flat_map(|user| KINDS.map(|kind| render(user, kind))).collect()
    });
    let row = USERS.iter().position(|u| u.id == user.id).unwrap_or_default();
    bodies[row * KINDS.len() + KINDS.iter().position(|k| *k == kind).unwrap_or_default()].clone()
}

/// `GET /api/profile`: who the credentials say you are.
pub async fn profile(state: &AppState, headers: &HeaderMap) -> Handled {
    let authed = auth::authenticate(state, headers).await?;
    let mut response = Response::new(Body::from(profile_body(authed.user, authed.kind)));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(Answer::new(response, AuthNote::Ok(authed)))
}

#[derive(Deserialize)]
struct TransferBody {
    to: String,
    amount: Value,
}

/// `POST /api/transfer`: the seed's bank transfer. Authenticates, then parses the body.
pub async fn transfer(state: &AppState, req: Request) -> Handled {
    let (headers, body) = read(state, req).await?;
    let authed = auth::authenticate(state, &headers).await?;
    let refuse = |e: AppError| {
        let note = format!("{authed}; transfer refused: {}", e.code);
        Answer::text(e, note)
    };
    let body: TransferBody = parse_body(&headers, &body, accept(state)).map_err(refuse)?;
    let unprocessable = |code, message: String| refuse(AppError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message));
    let amount = match &body.amount {
        Value::Number(n) => n.as_u64().filter(|a| *a > 0),
        _ => return Err(refuse(AppError::new(StatusCode::BAD_REQUEST, "invalid_field", "amount must be a number."))),
    }
    .ok_or_else(|| unprocessable("invalid_amount", format!("amount must be a positive whole number, not {}.", body.amount)))?;
    let balance = state.bank().transfer(authed.user.id, &body.to, amount, now_ms()).map_err(|e| match e {
        TransferError::UnknownRecipient => unprocessable("unknown_recipient", format!("No account has the email {:?}.", body.to)),
        TransferError::InsufficientFunds { balance } => {
            unprocessable("insufficient_funds", format!("The balance is {balance}, less than {amount}."))
        }
    })?;
    let note = format!("{authed}; transferred {amount} to {}", body.to);
    Ok(Answer::text(Json(json!({ "balance": balance, "transfer": { "to": body.to, "amount": amount } })), note))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rendered_profile_is_its_account_s() {
        for user in &USERS {
            for kind in [AuthKind::Session, AuthKind::Jwt] {
                let wire: Profile = serde_json::from_slice(&profile_body(user, kind)).unwrap();
                assert_eq!(wire, Profile { user: user.user(), auth: kind });
            }
        }
    }
}
