//! Binding the sockets and serving both listeners until Ctrl-C.

use std::{io::Write, net::SocketAddr, sync::Arc, time::Duration};

use tokio::net::TcpListener;

use crate::{
    app::{app, for_listener},
    config::{Config, MIN_CONTROL_TOKEN_LEN, StoreSpec},
    host::AllowedHosts,
    server::{self, Limits},
    sessions::{SessionStore, memory::MemoryStore, redis::RedisStore},
    site,
    state::AppState,
};

/// How often expired sessions are swept from the memory store.
const SWEEP_EVERY: Duration = Duration::from_secs(30);

/// Both listeners bound, not yet serving: tests read the real addresses from here.
pub struct Bound {
    pub api_addr: SocketAddr,
    pub site_addr: SocketAddr,
    api: TcpListener,
    site: TcpListener,
    state: AppState,
}

/// Why the backend could not start.
#[derive(Debug)]
pub enum StartError {
    Bind { what: &'static str, addr: SocketAddr, source: std::io::Error },
    /// Not on loopback, and no `--control-token`.
    ControlTokenRequired,
    /// Not on loopback, and a control token shorter than `MIN_CONTROL_TOKEN_LEN`.
    ControlTokenTooShort(usize),
    /// `--control-token-file` could not be read, or is empty.
    ControlTokenFile(String),
    Store(String),
    /// The state could not be set up (the OS random source failed, …).
    State(String),
    Serve(std::io::Error),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Bind { what, addr, source } => write!(
                f,
                "cannot listen for the {what} on {addr}: {source} (is another playground running? pass another address, or port 0)"
            ),
            Self::ControlTokenRequired => f.write_str(
                "--api-addr or --site-addr is not a loopback address, so other machines could drive the lab and read its \
                 secrets: give a control token in PLAYGROUND_CONTROL_TOKEN or --control-token-file FILE (for example \
                 `head -c 16 /dev/urandom | base64 > token`), or bind to 127.0.0.1",
            ),
            Self::ControlTokenTooShort(len) => write!(
                f,
                "the control token is {len} characters long; beyond loopback it must have at least {MIN_CONTROL_TOKEN_LEN} \
                 (128 random bits in base64url), or anyone on the network could guess it"
            ),
            Self::ControlTokenFile(why) => write!(f, "--control-token-file: {why}"),
            Self::Store(why) => write!(f, "--session-store: {why}"),
            Self::State(why) => f.write_str(why),
            Self::Serve(e) => write!(f, "server failed: {e}"),
        }
    }
}

impl std::error::Error for StartError {}

pub async fn bind(mut config: Config) -> Result<Bound, StartError> {
    if let Some(file) = &config.control_token_file {
        config.control_token = Some(read_token_file(file)?);
    }
    if !config.binds_loopback_only() {
        match &config.control_token {
            None => return Err(StartError::ControlTokenRequired),
            Some(token) if token.chars().count() < MIN_CONTROL_TOKEN_LEN => {
                return Err(StartError::ControlTokenTooShort(token.chars().count()));
            }
            Some(_) => {}
        }
    }
    for warning in warnings(&config) {
        tracing::warn!("{warning}");
    }
    let listen = |what, addr| async move {
        TcpListener::bind(addr).await.map_err(|source| StartError::Bind { what, addr, source })
    };
    let api = listen("lab API", config.api_addr).await?;
    let site = listen("other site", config.site_addr).await?;
    let local = |l: &TcpListener| l.local_addr().map_err(StartError::Serve);
    let (api_addr, site_addr) = (local(&api)?, local(&site)?);
    let state = state(config, site_addr)?;
    Ok(Bound { api_addr, site_addr, api, site, state })
}

/// The state `config` asks for, the other site being at `site_addr`: its session store, and
/// its JWT secret (`--jwt-secret`, or 256 random bits). Binds nothing, so tests build the
/// binary's state with it.
pub fn state(config: Config, site_addr: SocketAddr) -> Result<AppState, StartError> {
    let store: Arc<dyn SessionStore> = match &config.session_store {
        StoreSpec::Memory => Arc::new(MemoryStore::new(config.session_cap)),
        StoreSpec::Redis(url) => Arc::new(RedisStore::new(url, config.session_cap, config.store_timeout).map_err(|e| StartError::Store(e.to_string()))?),
    };
    let secret = match &config.jwt_secret {
        Some(secret) if !secret.is_empty() => secret.clone(),
        _ => random_secret().map_err(StartError::State)?,
    };
    AppState::new(config, store, secret, site_addr).map_err(StartError::State)
}

/// The token in `file`, without the final newline an editor or `echo` adds.
fn read_token_file(file: &std::path::Path) -> Result<String, StartError> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| StartError::ControlTokenFile(format!("{}: {e}", file.display())))?;
    let token = text
        .strip_suffix('\n')
        .map_or(text.as_str(), |t| t.strip_suffix('\r').unwrap_or(t));
    if token.is_empty() {
        return Err(StartError::ControlTokenFile(format!(
            "{} is empty",
            file.display()
        )));
    }
    Ok(token.to_owned())
}

/// What the person should know before others can reach the backend: the secrets that came on
/// the command line, which every local user can read (`ps`), while it listens beyond loopback.
pub fn warnings(config: &Config) -> Vec<String> {
    if config.binds_loopback_only() {
        return Vec::new();
    }
    config
        .secrets_on_command_line
        .iter()
        .map(|flag| {
            format!("{flag} came on the command line, which every user of this machine can read from the process list; pass it in the environment (PLAYGROUND_*) or a file instead")
        })
        .collect()
}

/// 32 random bytes, base64url: a secret nobody can guess, shown in the control plane.
fn random_secret() -> Result<String, String> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| format!("the OS random source failed: {e}"))?;
    Ok(shared::jwt::b64url(&bytes))
}

impl Bound {
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves both listeners until `shutdown` completes.
    pub async fn serve(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), StartError> {
        let (stop_tx, stop_rx) = tokio::sync::watch::channel(());
        let sweeper = tokio::spawn(sweep_sessions(self.state.clone()));
        tokio::spawn(async move {
            shutdown.await;
            let _ = stop_tx.send(());
        });
        let config = self.state.config();
        let limits = Limits { max_connections: config.max_connections, header_timeout: config.header_timeout };
        let site_router = for_listener(site::router(self.api_addr.port(), self.state.clone()), AllowedHosts::new(config));
        let api = server::serve(self.api, for_listener(app(self.state.clone()), AllowedHosts::new(config)), limits, stop_rx.clone());
        let site = server::serve(self.site, site_router, limits, stop_rx);
        let served = tokio::try_join!(api, site);
        sweeper.abort();
        served.map(|_| ()).map_err(StartError::Serve)
    }
}

/// The binary: bind, say where (tests and `cargo xtask run` read these lines), serve until Ctrl-C.
pub async fn run(config: Config) -> Result<(), StartError> {
    let bound = bind(config).await?;
    let mut out = std::io::stdout().lock();
    // Best effort: a closed stdout must not stop the server.
    let _ = writeln!(out, "api listening on http://{}", bound.api_addr);
    let _ = writeln!(out, "site listening on http://{}", bound.site_addr);
    let _ = out.flush();
    drop(out);
    tracing::info!(frontend_origins = ?bound.state.config().frontend_origins, "ready");
    bound.serve(shutdown_signal()).await
}

async fn sweep_sessions(state: AppState) {
    let mut every = tokio::time::interval(SWEEP_EVERY);
    loop {
        every.tick().await;
        if let Err(e) = state.lab().sessions().sweep(state.clock().now_ms()).await {
            tracing::warn!(error = %e, "session sweep failed");
        }
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
    tracing::info!("shutting down");
}
