//! The practical ceiling of the stack for `cargo xtask bench`: the routes the benchmark
//! drives, each answering a fixed response with no CORS engine, auth, store or log.

use axum::{
    Router,
    http::{StatusCode, header},
    response::IntoResponse,
    routing::{get, post},
};

const PROFILE: &str = r#"{"user":{"id":1,"email":"a@b.com"},"auth":"session"}"#;

async fn profile() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], PROFILE)
}

async fn preflight() -> impl IntoResponse {
    (
        StatusCode::NO_CONTENT,
        [
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "http://localhost:8080"),
            (header::ACCESS_CONTROL_ALLOW_CREDENTIALS, "true"),
            (header::ACCESS_CONTROL_ALLOW_METHODS, "GET, POST"),
            (header::ACCESS_CONTROL_ALLOW_HEADERS, "Content-Type, Authorization"),
        ],
    )
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let app = Router::new()
        .route("/api/profile", get(profile).options(preflight))
        .route("/api/login", post(profile).options(preflight));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("bare-axum listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}
