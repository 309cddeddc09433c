//! The playground's backend as a library, so that tests build the same app the binary runs.

pub mod auth;
pub mod bank;
pub mod clock;
pub mod config;
pub mod control_access;
pub mod cookie;
pub mod csrf;
pub mod error;
pub mod extract;
pub mod host;
pub mod lab_cors;
pub mod request_log;
pub mod pipeline;
pub mod routes;
pub mod server;
pub mod sessions;
pub mod site;
pub mod startup;
pub mod state;

pub use config::Config;
pub use state::AppState;
