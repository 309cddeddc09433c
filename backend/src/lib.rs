//! The playground's Axum backend: the lab API (`/api/*`) under a live CORS policy, the control
//! plane (`/control/*`) for the playground's own page, and the other site (the attacker's
//! page). A library, so that tests build the same app the binary runs: `app(state)` is the
//! router, `startup` binds and serves. The HTTP contract is `docs/api.md`; the path of one
//! lab request through these modules is in `docs/architecture.md`.

pub mod app;
pub mod auth;
pub mod balancer;
pub mod bank;
pub mod challenges;
pub mod clock;
pub mod config;
pub mod control_access;
pub mod error;
pub mod exploit;
pub mod extract;
pub mod fetch_metadata;
pub mod host;
pub mod judge;
pub mod lab;
pub mod limits;
pub mod live_cors;
pub mod request_log;
pub mod routes;
pub mod session_cookie;
pub mod server;
pub mod sessions;
pub mod site;
pub mod startup;
pub mod state;

pub use app::app;
pub use config::Config;
pub use state::AppState;
