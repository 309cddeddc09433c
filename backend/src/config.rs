//! The command line (and `PLAYGROUND_*` environment) of the backend binary.

use std::net::SocketAddr;

use clap::Parser;

/// The CORS & auth playground's backend: the lab API and control plane on one address,
/// the "other site" (attacker pages) on another. Binds to loopback unless told otherwise.
#[derive(Clone, Debug, Parser)]
#[command(name = "backend", version, about)]
pub struct Config {
    /// Address of the lab API (`/api/*`) and the control plane (`/control/*`). Port 0 picks a free port.
    #[arg(long, env = "PLAYGROUND_API_ADDR", default_value = "127.0.0.1:3000")]
    pub api_addr: SocketAddr,

    /// Address of the "other site", the attacker's pages. Port 0 picks a free port.
    #[arg(long, env = "PLAYGROUND_SITE_ADDR", default_value = "127.0.0.1:3001")]
    pub site_addr: SocketAddr,

    /// Origin of the playground's own UI (repeatable). The control plane answers CORS only for
    /// these; the default lab policy allows the first one.
    #[arg(
        long = "frontend-origin",
        env = "PLAYGROUND_FRONTEND_ORIGIN",
        value_delimiter = ',',
        default_values_t = [String::from("http://localhost:8080"), String::from("http://127.0.0.1:8080")]
    )]
    pub frontend_origins: Vec<String>,
}

impl Config {
    /// The origin that the default lab policy allows.
    pub fn primary_frontend_origin(&self) -> &str {
        self.frontend_origins.first().map_or("http://localhost:8080", String::as_str)
    }
}
