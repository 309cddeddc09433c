//! The lab API (`/api/*`): the routes the live CORS policy governs.

use std::time::Instant;

use axum::{
    Extension, Json,
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::{
    jwt::{self, Claims},
    wire::{Profile, User},
};

use crate::{
    auth::{self, AuthError, password::check_credentials, store_unavailable},
    bank::TransferError,
    clock::{now_ms, rfc3339},
    cookie,
    error::AppError,
    extract::{Accept, RawBody, parse_body},
    request_log::AuthNote,
    sessions::{Session, SessionId},
    state::AppState,
};

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

fn note(text: impl Into<String>) -> Extension<AuthNote> {
    Extension(AuthNote(text.into()))
}

/// Throttle, then argon2: the shared part of `/api/login` and `/api/token`.
async fn check_login(state: &AppState, body: LoginBody) -> Result<User, Response> {
    let now = Instant::now();
    if let Err(wait) = state.throttle().check(&body.email, now) {
        let error = AppError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_attempts",
            format!("Too many failed logins for this account; try again in {wait} s."),
        );
        let retry = [(header::RETRY_AFTER, wait.to_string())];
        return Err((retry, note("refused: too_many_attempts (throttled)"), error).into_response());
    }
    match check_credentials(body.email.clone(), body.password).await {
        Some(user) => {
            state.throttle().record_success(&body.email);
            Ok(user)
        }
        None => {
            state.throttle().record_failure(&body.email, now);
            let error = AppError::unauthorized("invalid_credentials", "The email or password is wrong.");
            Err((note("refused: invalid_credentials"), error).into_response())
        }
    }
}

/// `POST /api/login`: a new session (a new id every time), in an HttpOnly cookie.
pub async fn login(State(state): State<AppState>, headers: HeaderMap, RawBody(body): RawBody) -> Result<Response, Response> {
    let body: LoginBody = parse_body(&headers, &body, accept(&state)).map_err(IntoResponse::into_response)?;
    let user = check_login(&state, body).await?;
    let fail = |e: AppError| (note(format!("failed: {}", e.code)), e).into_response();
    // The browser's previous session ends: one browser, one session (and no fixation).
    if let Some(old) = cookie::session_cookie(&headers).and_then(SessionId::parse) {
        state.sessions().remove(old).await.map_err(|e| fail(store_unavailable(e)))?;
    }
    let id = SessionId::random().map_err(|e| fail(store_unavailable(e)))?;
    let session = Session::new(id, user.id, now_ms(), state.lifetimes());
    state.sessions().insert(session).await.map_err(|e| fail(store_unavailable(e)))?;
    let set_cookie = state.cookie_policy().set(&id.encode(), state.config().session_ttl);
    let body = json!({ "user": user, "expires_at": rfc3339(session.expires_at) });
    Ok((
        [(header::SET_COOKIE, set_cookie)],
        note(format!("login ok: user {} got new session {}…", user.id, id.prefix())),
        Json(body),
    )
        .into_response())
}

/// `POST /api/logout`: the session is deleted server-side, and the cookie cleared.
pub async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let clear = [(header::SET_COOKIE, state.cookie_policy().clear())];
    let Some(text) = cookie::session_cookie(&headers) else {
        let error = AppError::unauthorized("no_credentials", "There was no session cookie to log out.");
        return (note("refused: no_credentials"), error).into_response();
    };
    let removed = match SessionId::parse(text) {
        Some(id) => match state.sessions().remove(id).await {
            Ok(removed) => removed,
            Err(e) => return (note("failed: store_unavailable"), store_unavailable(e)).into_response(),
        },
        None => false,
    };
    if removed {
        (StatusCode::NO_CONTENT, clear, note("logout: session deleted")).into_response()
    } else {
        let error = AppError::unauthorized("unknown_session", "No session with this id exists (already logged out, revoked or expired).");
        (clear, note("refused: unknown_session"), error).into_response()
    }
}

/// `POST /api/token`: an HS256 JWT; nothing is stored server-side.
pub async fn token(State(state): State<AppState>, headers: HeaderMap, RawBody(body): RawBody) -> Result<Response, Response> {
    let body: LoginBody = parse_body(&headers, &body, accept(&state)).map_err(IntoResponse::into_response)?;
    let user = check_login(&state, body).await?;
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
    Ok((note(format!("token issued to user {}", user.id)), Json(body)).into_response())
}

/// `GET /api/profile`: who the credentials say you are.
pub async fn profile(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, AuthError> {
    let authed = auth::authenticate(&state, &headers).await?;
    let profile = Profile { user: authed.user.clone(), auth: authed.kind };
    Ok((Extension(authed.note()), Json(profile)).into_response())
}

#[derive(Deserialize)]
struct TransferBody {
    to: String,
    amount: Value,
}

/// `POST /api/transfer`: the seed's bank transfer. Authenticates first, then reads the body.
pub async fn transfer(State(state): State<AppState>, headers: HeaderMap, RawBody(body): RawBody) -> Result<Response, Response> {
    let authed = auth::authenticate(&state, &headers).await.map_err(IntoResponse::into_response)?;
    let refuse = |e: AppError| (Extension(AuthNote(format!("{}; transfer refused: {}", authed.note().0, e.code))), e).into_response();
    let body: TransferBody = parse_body(&headers, &body, accept(&state)).map_err(refuse)?;
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
    let done = AuthNote(format!("{}; transferred {amount} to {}", authed.note().0, body.to));
    Ok((Extension(done), Json(json!({ "balance": balance, "transfer": { "to": body.to, "amount": amount } }))).into_response())
}
