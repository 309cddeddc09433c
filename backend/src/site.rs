//! The "other site" (`--site-addr`): pages from an origin the lab does not trust.

use axum::{Router, response::Html, routing::get};

use crate::error;

pub fn router() -> Router {
    Router::new().route("/", get(index)).fallback(error::not_found)
}

async fn index() -> Html<&'static str> {
    Html(include_str!("site/index.html"))
}
