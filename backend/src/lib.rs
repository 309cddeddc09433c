//! The playground's backend as a library, so that tests build the same app the binary runs.

pub mod app;
pub mod auth;
pub mod bank;
pub mod clock;
pub mod config;
pub mod control_access;
pub mod error;
pub mod extract;
pub mod host;
pub mod lab;
pub mod limits;
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
