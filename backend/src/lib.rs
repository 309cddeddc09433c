//! The playground's backend as a library, so that tests build the same app the binary runs.

pub mod config;
pub mod error;
pub mod extract;
pub mod lab_cors;
pub mod request_log;
pub mod routes;
pub mod site;
pub mod startup;
pub mod state;

pub use config::Config;
pub use state::AppState;
