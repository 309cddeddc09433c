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
        default_values_t = [String::from("http://localhost:8080"), String::from("http://127.0.0.1:8080")],
        value_parser = origin
    )]
    pub frontend_origins: Vec<String>,

    /// Where sessions live: `memory` (this process only) or `redis://HOST:PORT/DB`
    /// (shared by several backends).
    #[arg(long, env = "PLAYGROUND_SESSION_STORE", default_value = "memory", value_parser = parse_store)]
    pub session_store: StoreSpec,

    /// HS256 secret for JWTs. Default: 32 random bytes at start, shown in the control plane.
    /// One shorter than 32 bytes works (it is a lab) but is flagged as weak.
    #[arg(long, env = "PLAYGROUND_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// Lifetime of issued JWTs, in seconds.
    #[arg(long, env = "PLAYGROUND_JWT_TTL", default_value_t = 3600, value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
    pub jwt_ttl: u64,

    /// Idle timeout of a session, in seconds; every use renews it.
    #[arg(long, env = "PLAYGROUND_SESSION_TTL", default_value_t = 1800, value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
    pub session_ttl: u64,

    /// Absolute limit of a session from login, in seconds, however active it is.
    #[arg(long, env = "PLAYGROUND_SESSION_MAX_AGE", default_value_t = 28_800, value_parser = clap::value_parser!(u64).range(1..=31_536_000))]
    pub session_max_age: u64,

    /// This instance's name, shown by the UI when several backends run (`cargo xtask run
    /// --scale`) and sent on every answer as `X-Instance`: 1 to 64 printable ASCII characters.
    #[arg(long, env = "PLAYGROUND_INSTANCE_NAME", default_value = "A", value_parser = instance_name)]
    pub instance_name: String,

    /// API origin of another instance of this playground (repeatable), for the scaling lab.
    #[arg(long = "peer", env = "PLAYGROUND_PEER", value_delimiter = ',')]
    pub peers: Vec<String>,

    /// Path of HAProxy's runtime API, a Unix socket (`stats socket PATH mode 600 level
    /// admin`), when a load balancer stands in front of the instances: `/control/balancer`
    /// relays the page's "stop instance A" / "start instance A" to it. A Unix socket, never a
    /// TCP port: any web page can send lines to a port on loopback.
    #[arg(long, env = "PLAYGROUND_BALANCER_ADMIN")]
    pub balancer_admin: Option<std::path::PathBuf>,

    /// How long a command to HAProxy's runtime API may take (connect, send, answer); then
    /// 503 `balancer_unavailable` (`2s`, `300ms`).
    #[arg(long, env = "PLAYGROUND_BALANCER_TIMEOUT", default_value = "2s", value_parser = humantime::parse_duration)]
    pub balancer_timeout: std::time::Duration,

    /// Origin of the lab API through the load balancer's round-robin way, for the page
    /// (`GET /control/instance`); its host joins the `Host` allowlist.
    #[arg(long, env = "PLAYGROUND_BALANCER_ROUND_ROBIN", value_parser = reachable_origin)]
    pub balancer_round_robin: Option<String>,

    /// Origin of the lab API through the load balancer's sticky way (cookie affinity), for the
    /// page (`GET /control/instance`); its host joins the `Host` allowlist.
    #[arg(long, env = "PLAYGROUND_BALANCER_STICKY", value_parser = reachable_origin)]
    pub balancer_sticky: Option<String>,

    /// Open connections served at once (per address); more wait to be accepted.
    #[arg(long, env = "PLAYGROUND_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u32).range(1..))]
    pub max_connections: u32,

    /// How long the session store may take to connect or answer (Redis); then 503
    /// `store_unavailable` (`1s`, `300ms`).
    #[arg(long, env = "PLAYGROUND_STORE_TIMEOUT", default_value = "1s", value_parser = humantime::parse_duration)]
    pub store_timeout: std::time::Duration,

    /// Sessions the memory store keeps at most; beyond it the oldest is evicted.
    #[arg(long, env = "PLAYGROUND_SESSION_CAP", default_value_t = 1_000_000)]
    pub session_cap: usize,

    /// Token that every `/control/*` request must carry (`X-Playground-Token`, or `token=` for
    /// the event stream). Required when an address is not loopback, and then at least
    /// `MIN_CONTROL_TOKEN_LEN` characters: anyone who can reach the port could otherwise drive
    /// the lab and read its secrets. Prefer the environment or `--control-token-file`: every
    /// local user can read a command line.
    #[arg(long, env = "PLAYGROUND_CONTROL_TOKEN", hide_env_values = true, value_parser = clap::builder::NonEmptyStringValueParser::new())]
    pub control_token: Option<String>,

    /// A file whose content (without a final newline) is the control token.
    #[arg(
        long,
        env = "PLAYGROUND_CONTROL_TOKEN_FILE",
        conflicts_with = "control_token"
    )]
    pub control_token_file: Option<std::path::PathBuf>,

    /// Accounts (login) and peers (control token) whose failed attempts are tracked at most;
    /// beyond it the quietest are forgotten, never one at its limit.
    #[arg(long, env = "PLAYGROUND_THROTTLE_CAPACITY", default_value_t = crate::auth::throttle::DEFAULT_CAPACITY, value_parser = positive)]
    pub throttle_capacity: usize,

    /// The secret flags whose value came on the command line (`Config::from_args`), which every
    /// local user can read from the process list.
    #[arg(skip)]
    pub secrets_on_command_line: Vec<&'static str>,

    /// Threads that verify password hashes (argon2id); default: all cores but one.
    #[arg(long, env = "PLAYGROUND_HASHING_THREADS", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub hashing_threads: Option<u16>,

    /// Logins that may wait for a hashing thread, per thread; beyond it a login gets 503 `busy`.
    #[arg(long, env = "PLAYGROUND_HASH_QUEUE_PER_THREAD", default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub hash_queue_per_thread: u16,

    /// How long a connection may take to send a request head (also while idle between
    /// requests); then it is closed (`10s`, `300ms`).
    #[arg(long, env = "PLAYGROUND_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: std::time::Duration,

    /// How long a request body may take to arrive, counted from its head (`30s`, `500ms`); then 408.
    #[arg(long, env = "PLAYGROUND_BODY_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub body_timeout: std::time::Duration,
}

/// `--session-store`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreSpec {
    Memory,
    Redis(String),
}

/// `--frontend-origin`: an origin as a browser sends it (`null` too: a sandboxed page's).
fn origin(text: &str) -> Result<String, String> {
    shared::cors::policy::check_origin(text).map_err(|e| e.to_string())?;
    Ok(text.to_owned())
}

/// `--balancer-round-robin`, `--balancer-sticky`: an origin the page sends lab requests to,
/// written as a browser writes its own.
fn reachable_origin(text: &str) -> Result<String, String> {
    if text == "null" {
        return Err("\"null\" names no place to send a request".to_owned());
    }
    origin(text)
}

/// `--instance-name`: printable ASCII, so that every browser reads the `X-Instance` header
/// back as it was written.
fn instance_name(text: &str) -> Result<String, String> {
    let printable = (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
    if !printable {
        return Err("1 to 64 printable ASCII characters (it is sent as the X-Instance header)".to_owned());
    }
    Ok(text.to_owned())
}

fn positive(text: &str) -> Result<usize, String> {
    text.parse::<usize>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| "a whole number above 0".to_owned())
}

/// `redis://user:password@host…` or `redis://:password@host…`.
fn url_has_password(url: &str) -> bool {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    authority
        .rsplit_once('@')
        .is_some_and(|(userinfo, _)| userinfo.contains(':'))
}

fn parse_store(text: &str) -> Result<StoreSpec, String> {
    match text {
        "memory" => Ok(StoreSpec::Memory),
        url if url.starts_with("redis://") => Ok(StoreSpec::Redis(url.to_owned())),
        other => Err(format!("{other:?} is neither `memory` nor a redis://HOST:PORT/DB URL")),
    }
}

/// Shortest control token accepted beyond loopback: the length of 128 random bits in base64url.
pub const MIN_CONTROL_TOKEN_LEN: usize = 22;

impl Config {
    /// The configuration from `args` (the process's with `std::env::args_os()`) and the
    /// environment, noting which secrets came on the command line.
    pub fn from_args(
        args: impl IntoIterator<Item = impl Into<std::ffi::OsString> + Clone>,
    ) -> Result<Config, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Config::command().try_get_matches_from(args)?;
        let mut config = Config::from_arg_matches(&matches)?;
        let on_command_line =
            |id: &str| matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine);
        let redis_password =
            matches!(&config.session_store, StoreSpec::Redis(url) if url_has_password(url));
        config.secrets_on_command_line = [
            ("--control-token", on_command_line("control_token")),
            ("--jwt-secret", on_command_line("jwt_secret")),
            (
                "--session-store (a Redis URL with a password)",
                redis_password && on_command_line("session_store"),
            ),
        ]
        .into_iter()
        .filter_map(|(flag, came)| came.then_some(flag))
        .collect();
        Ok(config)
    }

    /// Whether both listeners are on loopback addresses (the default).
    pub fn binds_loopback_only(&self) -> bool {
        self.api_addr.ip().is_loopback() && self.site_addr.ip().is_loopback()
    }

    /// Hashing threads: as configured, else all cores but one (at least one).
    pub fn hashing_threads(&self) -> usize {
        self.hashing_threads.map_or_else(
            || std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get).saturating_sub(1).max(1),
            usize::from,
        )
    }

    /// The lab API's origins through the load balancer, as far as they are configured.
    pub fn balanced_origins(&self) -> impl Iterator<Item = &String> {
        self.balancer_round_robin.iter().chain(&self.balancer_sticky)
    }

    /// The origin that the default lab policy allows.
    pub fn primary_frontend_origin(&self) -> &str {
        self.frontend_origins.first().map_or("http://localhost:8080", String::as_str)
    }
}
