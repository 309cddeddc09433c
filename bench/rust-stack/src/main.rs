//! The peer `cargo xtask bench` holds the playground to: the lab's routes and bodies as a Rust
//! developer would build them, each concern by the crate people pick for it: axum, tower-http's
//! `CorsLayer` (the default policy's: one origin, credentials, `GET`/`POST`, `Content-Type` and
//! `Authorization`), tower-sessions with its `MemoryStore` (cookie `sessionId`), jsonwebtoken
//! (HS256). Passwords compared as the seed's Express server does; only the login row hashes in
//! ours, and it is no budget row.
//!
//! Usage: `rust-stack ADDR FRONTEND_ORIGIN JWT_SECRET`

use std::{
    sync::Arc,
    time::{SystemTime, UNIX_EPOCH},
};

use axum::{
    Json, Router,
    extract::State,
    http::{HeaderMap, HeaderValue, Method, StatusCode, header},
    response::{IntoResponse, Response},
    routing::{get, post},
};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::cors::CorsLayer;
use tower_sessions::{
    Expiry, MemoryStore, Session, SessionManagerLayer,
    cookie::{SameSite, time::Duration},
};

const USERS: [(u64, &str, &str); 2] = [(1, "a@b.com", "123"), (2, "bob@example.com", "hunter2")];
const USER_KEY: &str = "user";

#[derive(Deserialize)]
struct Login {
    email: String,
    password: String,
}

#[derive(Serialize, Deserialize)]
struct Claims {
    sub: String,
    email: String,
    exp: u64,
}

struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
}

fn user(id: u64) -> Option<serde_json::Value> {
    USERS.iter().find(|u| u.0 == id).map(|u| json!({"id": u.0, "email": u.1}))
}

fn error(status: StatusCode, code: &str) -> Response {
    (status, Json(json!({"error": code}))).into_response()
}

fn check(body: &Login) -> Option<(u64, &'static str, &'static str)> {
    USERS.iter().copied().find(|u| u.1 == body.email && u.2 == body.password)
}

async fn login(session: Session, Json(body): Json<Login>) -> Response {
    let Some((id, ..)) = check(&body) else { return error(StatusCode::UNAUTHORIZED, "invalid_credentials") };
    // A new id at login, as the playground does.
    if session.cycle_id().await.is_err() || session.insert(USER_KEY, id).await.is_err() {
        return error(StatusCode::SERVICE_UNAVAILABLE, "store_unavailable");
    }
    Json(json!({"user": user(id)})).into_response()
}

async fn token(State(keys): State<Arc<Keys>>, Json(body): Json<Login>) -> Response {
    let Some((id, email, _)) = check(&body) else { return error(StatusCode::UNAUTHORIZED, "invalid_credentials") };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let claims = Claims { sub: id.to_string(), email: email.to_owned(), exp: now + 3600 };
    match jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding) {
        Ok(token) => Json(json!({"token": token, "token_type": "Bearer", "expires_in": 3600})).into_response(),
        Err(_) => error(StatusCode::INTERNAL_SERVER_ERROR, "internal_error"),
    }
}

async fn profile(State(keys): State<Arc<Keys>>, session: Session, headers: HeaderMap) -> Response {
    if let Some(token) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer ")) {
        return match jsonwebtoken::decode::<Claims>(token, &keys.decoding, &keys.validation) {
            Ok(data) => match data.claims.sub.parse().ok().and_then(user) {
                Some(user) => Json(json!({"user": user, "auth": "jwt"})).into_response(),
                None => error(StatusCode::UNAUTHORIZED, "unknown_user"),
            },
            Err(_) => error(StatusCode::UNAUTHORIZED, "bad_token"),
        };
    }
    match session.get::<u64>(USER_KEY).await.ok().flatten().and_then(user) {
        Some(user) => Json(json!({"user": user, "auth": "session"})).into_response(),
        None => error(StatusCode::UNAUTHORIZED, "no_credentials"),
    }
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let origin = args.next().unwrap_or_else(|| "http://localhost:8080".to_owned());
    let secret = args.next().unwrap_or_else(|| "mySecretKey".to_owned());
    let origin = HeaderValue::from_str(&origin).map_err(std::io::Error::other)?;

    let keys = Arc::new(Keys {
        encoding: EncodingKey::from_secret(secret.as_bytes()),
        decoding: DecodingKey::from_secret(secret.as_bytes()),
        validation: Validation::new(Algorithm::HS256),
    });
    let cors = CorsLayer::new()
        .allow_origin(origin)
        .allow_credentials(true)
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE, header::AUTHORIZATION]);
    let sessions = SessionManagerLayer::new(MemoryStore::default())
        .with_name("sessionId")
        .with_secure(false)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(Duration::seconds(1800)));
    let app = Router::new()
        .route("/api/login", post(login))
        .route("/api/token", post(token))
        .route("/api/profile", get(profile))
        .layer(sessions)
        .layer(cors)
        .with_state(keys);
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("rust-stack listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
