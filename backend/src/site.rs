//! The "other site" (`--site-addr`): the seed's bank-transfer attack as a page from an origin
//! the lab does not trust. Opened as `http://localhost:PORT` it is the same site as the
//! playground (SameSite=Lax cookies still go); as `http://127.0.0.1:PORT`, another site.

use axum::{Router, response::Html, routing::get};

use crate::error;

const PAGE: &str = include_str!("site/index.html");
/// A credentialed request to the lab from this site, which the playground frames to measure
/// whether the person's browser sends cookies to another site (third-party cookies depend on
/// its settings, not only on its engine).
const PROBE: &str = include_str!("site/probe.html");

/// `api_port`: the lab API's port; the pages target it as `http://localhost:PORT`, the
/// host the playground's session cookie belongs to.
pub fn router(api_port: u16) -> Router {
    let api = format!("http://localhost:{api_port}");
    let (page, probe) = (PAGE.replace("__API__", &api), PROBE.replace("__API__", &api));
    Router::new()
        .route("/", get(move || std::future::ready(Html(page.clone()))))
        .route("/probe", get(move || std::future::ready(Html(probe.clone()))))
        .fallback(error::not_found)
}
