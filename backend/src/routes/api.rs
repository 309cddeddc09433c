//! The lab API (`/api/*`): the routes the live CORS policy governs. Plain axum handlers; the
//! lab layer (`crate::lab`) does CORS, the Origin check and the log around them, and each
//! handler says what it did with the credentials as a `RouteReport`.

use std::{sync::Arc, time::Instant};

use axum::{
    Json,
    extract::{FromRequestParts, Query, State, rejection::QueryRejection},
    http::{HeaderValue, StatusCode, header, request::Parts},
    response::IntoResponse,
};
use serde::Deserialize;
use shared::{
    jwt::{self, Claims},
    wire::{
        Amount, CsrfToken, Email, ErrorCode, LoginRequest, LoginResponse, Number, Profile, TokenResponse, TransferMade, TransferRequest, TransferResponse,
        User, Vulnerable,
    },
};

use crate::{
    auth::{Authed, password::Busy, store_unavailable},
    bank::TransferError,
    clock::{Clock, rfc3339},
    error::AppError,
    lab::{
        AuthUser, LabJson, Refused, Snapshot,
        csrf_token::CsrfChecked,
    },
    request_log::RouteReport,
    session_cookie::SessionCookie,
    sessions::{Session, SessionId},
    state::{Accounts, AppState, LiveLab},
};

/// The shared part of `/api/login` and `/api/token`: the throttle, then argon2.
async fn check_login(lab: &LiveLab, accounts: &Accounts, LoginRequest { email, password }: LoginRequest) -> Result<User, Refused> {
    let attempt = lab.throttle().begin(email.as_str(), Instant::now()).map_err(|wait| {
        AppError::new(ErrorCode::TooManyAttempts, format!("Too many failed logins for this account; try again in {wait} s."))
            .with_header(header::RETRY_AFTER, HeaderValue::from(wait))
    })?;
    match accounts.hashers.check(email.into(), password).await {
        Ok(Some(user)) => {
            attempt.succeeded();
            Ok(user)
        }
        Ok(None) => {
            attempt.failed(Instant::now());
            Err(AppError::new(ErrorCode::InvalidCredentials, "The email or password is wrong.").into())
        }
        // Undecided: the attempt gives its place back when dropped.
        Err(Busy) => Err(AppError::new(ErrorCode::Busy, "Too many logins are waiting for a password check; try again in a second.")
            .with_header(header::RETRY_AFTER, HeaderValue::from_static("1"))
            .into()),
    }
}

/// `POST /api/login`: a new session (a new id every time), in an HttpOnly cookie.
pub async fn login(
    State(lab): State<Arc<LiveLab>>,
    State(accounts): State<Accounts>,
    Snapshot(settings): Snapshot,
    previous: SessionCookie,
    LabJson(body): LabJson<LoginRequest>,
) -> Result<impl IntoResponse, Refused> {
    let user = check_login(&lab, &accounts, body).await?;
    // The browser's previous session ends: one browser, one session (and no fixation).
    if let Some(old) = previous.id() {
        lab.sessions().remove(old).await.map_err(store_unavailable)?;
    }
    let id = SessionId::random().map_err(store_unavailable)?;
    let session = Session::new(id, user.id, accounts.clock.now_ms(), accounts.lifetimes);
    lab.sessions().insert(session).await.map_err(store_unavailable)?;
    let set_cookie = settings.cookie.set(&id.encode(), accounts.cookie_max_age);
    let report = RouteReport::LoggedIn { user: user.id, session: id };
    Ok((report, [(header::SET_COOKIE, set_cookie)], Json(LoginResponse { user, expires_at: rfc3339(session.expires_at) })))
}

/// `POST /api/logout`: the session is deleted server-side, and the cookie cleared.
pub async fn logout(State(lab): State<Arc<LiveLab>>, Snapshot(settings): Snapshot, cookie: SessionCookie) -> Result<impl IntoResponse, Refused> {
    if !cookie.came() {
        return Err(AppError::new(ErrorCode::NoCredentials, "There was no session cookie to log out.").into());
    }
    let removed = match cookie.id() {
        Some(id) => lab.sessions().remove(id).await.map_err(store_unavailable)?,
        None => false,
    };
    // The cookie goes either way: it names no session any more.
    let clear = HeaderValue::try_from(settings.cookie.clear()).unwrap_or(HeaderValue::from_static("sessionId=; Max-Age=0; Path=/"));
    if !removed {
        let error = AppError::new(ErrorCode::UnknownSession, "No session with this id exists (already logged out, revoked or expired).");
        return Err(error.with_header(header::SET_COOKIE, clear).into());
    }
    Ok((StatusCode::NO_CONTENT, RouteReport::LoggedOut, [(header::SET_COOKIE, clear)]))
}

/// `POST /api/token`: an HS256 JWT; nothing is stored server-side.
pub async fn token(
    State(lab): State<Arc<LiveLab>>,
    State(accounts): State<Accounts>,
    Snapshot(settings): Snapshot,
    LabJson(body): LabJson<LoginRequest>,
) -> Result<impl IntoResponse, Refused> {
    let user = check_login(&lab, &accounts, body).await?;
    let settings = &settings.jwt;
    let now = (accounts.clock.now_ms() / 1000) as i64;
    let claims = Claims { sub: user.id.to_string(), email: Some(user.email), iat: Some(now), exp: now + settings.ttl_seconds as i64, nbf: None };
    let token = jwt::encode(&claims, settings.secret.as_bytes());
    let body = TokenResponse { token, token_type: "Bearer".to_owned(), expires_in: settings.ttl_seconds };
    Ok((RouteReport::TokenIssued { user: user.id }, Json(body)))
}

/// `GET /api/profile`: who the credentials say you are.
pub async fn profile(AuthUser(authed): AuthUser) -> impl IntoResponse {
    (RouteReport::Authenticated(authed), Json(Profile { user: authed.user.user(), auth: authed.kind }))
}

/// `POST /api/transfer`: the seed's bank transfer. Authenticates first (and checks the CSRF
/// token while that defense is on); the body is read after, and its errors are logged with who
/// sent it.
pub async fn transfer(
    State(lab): State<Arc<LiveLab>>,
    State(clock): State<Clock>,
    CsrfChecked(by): CsrfChecked,
    body: Result<LabJson<TransferRequest>, Refused>,
) -> Result<impl IntoResponse, Refused> {
    // A defense's refusal ("JSON only") stays the defense's; any other is the transfer's.
    let LabJson(TransferRequest { to, amount }) = body.map_err(|r| match r.report {
        RouteReport::JsonOnlyRefused => r,
        _ => refused_transfer(by, r.error),
    })?;
    move_money(&lab, &clock, by, to, amount)
}

/// The query of `GET /api/transfer`, as text: its values are checked as the POST body's are.
#[derive(Deserialize)]
pub struct TransferQuery {
    to: String,
    /// A JSON number, as in the body: `100`; `1.5` or `0` is an invalid amount (422).
    amount: String,
}

/// `GET /api/transfer?to=EMAIL&amount=N`: the same transfer as `POST`, only while the
/// deliberately vulnerable `transfer_via_get` setting is on (else `TransferViaGet` answers the
/// route's 405). A state change on a safe method: `SameSite=Lax` sends the cookie with a
/// top-level navigation from another site, and the Origin check and Fetch Metadata, which look
/// at unsafe methods only, let it through. (Axum routes `HEAD` here too, as Express does.)
pub async fn transfer_via_get(
    _on: TransferViaGet,
    State(lab): State<Arc<LiveLab>>,
    State(clock): State<Clock>,
    CsrfChecked(by): CsrfChecked,
    query: Result<Query<TransferQuery>, QueryRejection>,
) -> Result<impl IntoResponse, Refused> {
    let invalid = |why: String| refused_transfer(by, AppError::new(ErrorCode::InvalidQuery, why));
    let Query(TransferQuery { to, amount }) = query.map_err(|e| invalid(format!("Give the transfer as ?to=EMAIL&amount=N: {}.", e.body_text())))?;
    let to = Email::try_from(to).map_err(|why| invalid(format!("to: {why}.")))?;
    let amount = serde_json::from_str::<Number>(&amount).map_err(|_| invalid("amount must be a number, written as in JSON (100).".to_owned()))?;
    move_money(&lab, &clock, by, to, amount)
}

/// What the transfer does once its request is read, for both methods.
fn move_money(lab: &LiveLab, clock: &Clock, by: Authed, to: Email, amount: Number) -> Result<(RouteReport, Json<TransferResponse>), Refused> {
    let refused = |error: AppError| refused_transfer(by, error);
    let amount = Amount::try_from(amount).map_err(|why| refused(AppError::new(ErrorCode::InvalidAmount, format!("{why}."))))?;
    let balance = lab.bank().transfer(by.user.id, &to, amount, clock.now_ms()).map_err(|e| {
        refused(match e {
            TransferError::UnknownRecipient => AppError::new(ErrorCode::UnknownRecipient, format!("No account has the email {to}.")),
            TransferError::InsufficientFunds { balance } => {
                AppError::new(ErrorCode::InsufficientFunds, format!("The balance is {balance}, less than {amount}."))
            }
        })
    })?;
    let made = TransferMade { to: to.to_string(), amount: amount.get() };
    Ok((RouteReport::Transferred { by, to, amount }, Json(TransferResponse { balance, transfer: made })))
}

/// An authenticated transfer refused for `error`: logged with who asked.
fn refused_transfer(by: Authed, error: AppError) -> Refused {
    Refused { report: RouteReport::TransferRefused { by, code: error.code }, error }
}

/// Lets `GET /api/transfer` through only while `transfer_via_get` is on in this request's
/// snapshot; otherwise the route's 405, as before the setting existed, before anything else is
/// looked at (no authentication, nothing in the log but the 405).
pub struct TransferViaGet;

impl FromRequestParts<AppState> for TransferViaGet {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let Ok(Snapshot(settings)) = Snapshot::from_request_parts(parts, state).await;
        settings.vulnerable.transfer_via_get.then_some(TransferViaGet).ok_or_else(|| transfer_not_allowed(settings.vulnerable))
    }
}

/// The 405 of `/api/transfer` for a method it does not take: its `Allow` names `GET` (and
/// `HEAD`) only while `transfer_via_get` is on, not whenever the route has a GET handler.
pub async fn transfer_method_not_allowed(Snapshot(settings): Snapshot) -> AppError {
    transfer_not_allowed(settings.vulnerable)
}

fn transfer_not_allowed(vulnerable: Vulnerable) -> AppError {
    let allow = if vulnerable.transfer_via_get { "GET,HEAD,POST" } else { "POST" };
    AppError::method_not_allowed().with_header(header::ALLOW, HeaderValue::from_static(allow))
}

/// `GET /api/csrf-token`: the CSRF token of the request's session (`lab::csrf_token`), whether
/// the defense is on or not, so that a page can fetch it before the defense asks for it. A
/// bearer token has no session to bind a token to (and needs none): 401 `no_credentials`.
pub async fn csrf_token(State(lab): State<Arc<LiveLab>>, AuthUser(authed): AuthUser) -> Result<impl IntoResponse, Refused> {
    let Some(session) = authed.session else {
        let message = "A CSRF token belongs to a session: send the session cookie, not a bearer token (which needs no CSRF token).";
        return Err(AppError::new(ErrorCode::NoCredentials, message).into());
    };
    Ok((RouteReport::Authenticated(authed), Json(CsrfToken { token: lab.csrf_key().token(session) })))
}
