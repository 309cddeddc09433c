//! The "other site" (`--site-addr`): the seed's bank-transfer attack as a page from an origin
//! the lab does not trust. Opened as `http://localhost:PORT` it is the same site as the
//! playground (SameSite=Lax cookies still go); as `http://127.0.0.1:PORT`, another site.

use axum::{Router, response::Html, routing::get};

use crate::error;

const PAGE: &str = include_str!("site/index.html");

/// `api_port`: the lab API's port; the attack targets it as `http://localhost:PORT`, the
/// host the playground's session cookie belongs to.
pub fn router(api_port: u16) -> Router {
    let page = PAGE.replace("__API__", &format!("http://localhost:{api_port}"));
    Router::new().route("/", get(move || std::future::ready(Html(page.clone())))).fallback(error::not_found)
}
