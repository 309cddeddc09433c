//! The lab API (`/api/*`): the routes the live CORS policy governs. Plain axum handlers; the
//! lab layer (`crate::lab`) does CORS, the Origin check and the log around them, and each
//! handler says what it did with the credentials as a `RouteReport`.

use std::{sync::Arc, time::Instant};

use axum::{
    Json,
    extract::State,
    http::{HeaderValue, StatusCode, header},
    response::IntoResponse,
};
use shared::{
    jwt::{self, Claims},
    wire::{Amount, ErrorCode, LoginRequest, LoginResponse, Profile, TokenResponse, TransferMade, TransferRequest, TransferResponse, User},
};

use crate::{
    auth::{password::Busy, store_unavailable},
    bank::TransferError,
    clock::{Clock, rfc3339},
    error::AppError,
    lab::{AuthUser, LabJson, Refused, Snapshot},
    request_log::RouteReport,
    session_cookie::SessionCookie,
    sessions::{Session, SessionId},
    state::{Accounts, LiveLab},
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

/// `POST /api/transfer`: the seed's bank transfer. Authenticates first; the body is read
/// after, and its errors are logged with who sent it.
pub async fn transfer(
    State(lab): State<Arc<LiveLab>>,
    State(clock): State<Clock>,
    AuthUser(by): AuthUser,
    body: Result<LabJson<TransferRequest>, Refused>,
) -> Result<impl IntoResponse, Refused> {
    let refused = |error: AppError| Refused { report: RouteReport::TransferRefused { by, code: error.code }, error };
    // A defense's refusal ("JSON only") stays the defense's; any other is the transfer's.
    let LabJson(TransferRequest { to, amount }) = body.map_err(|r| match r.report {
        RouteReport::JsonOnlyRefused => r,
        _ => refused(r.error),
    })?;
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
