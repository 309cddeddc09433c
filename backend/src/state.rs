//! The shared state of one backend process.

use std::sync::{Arc, RwLock};

use std::net::SocketAddr;

use shared::{
    cors::{CorsPolicy, ValidPolicy},
    jwt,
    wire::Defenses,
};

use axum::http::{HeaderName, HeaderValue};
use tower_http::csrf::CsrfLayer;

use crate::{
    auth::{password::Hashers, throttle::LoginThrottle},
    balancer::Balancer,
    fetch_metadata,
    bank::Bank,
    clock::Clock,
    config::Config,
    session_cookie::CookiePolicy,
    request_log::RequestLog,
    sessions::{Handles, Lifetimes, SessionStore},
};

/// Open `/control/events` streams at most per listener: each holds a connection and renders
/// nothing new, but a page opening them without end would hold every connection slot.
pub const MAX_EVENT_STREAMS: usize = 32;

/// Which instance answered: on every answer of the API listener, so that a page behind a load
/// balancer can tell (once the lab policy's `expose_headers` lets it read the header).
pub const INSTANCE_HEADER: HeaderName = HeaderName::from_static("x-instance");

/// The JWT settings that `PUT /control/jwt` changes.
#[derive(Clone, Debug)]
pub struct JwtSigning {
    pub secret: String,
    pub ttl_seconds: u64,
    /// `secret` prepared for HMAC once, not on every verified token.
    pub key: jwt::Key,
}

impl JwtSigning {
    pub fn new(secret: String, ttl_seconds: u64) -> Self {
        let key = jwt::Key::new(secret.as_bytes());
        Self { secret, ttl_seconds, key }
    }
}

/// Cheap to clone; everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// `--instance-name` as the value of `X-Instance`.
    instance: HeaderValue,
    /// HAProxy's runtime API, when `--balancer-admin` names it.
    balancer: Option<Balancer>,
    /// Swapped whole: a request clones the `Arc` once, so no response mixes two policies.
    policy: RwLock<Arc<ValidPolicy>>,
    /// The policy at start and after a reset.
    default_policy: ValidPolicy,
    cookie: RwLock<CookiePolicy>,
    defenses: RwLock<Defenses>,
    /// Swapped whole, like the policy: a reader clones the `Arc`, not the secret.
    jwt: RwLock<Arc<JwtSigning>>,
    /// Where the other site listens (for the links the UI shows).
    site_addr: SocketAddr,
    sessions: Arc<dyn SessionStore>,
    /// Names sessions in the control plane without their ids.
    handles: Handles,
    throttle: LoginThrottle,
    /// Wrong control tokens per peer address (`control_access::ControlToken`).
    control_token_failures: Arc<LoginThrottle>,
    hashers: Hashers,
    /// The time as the routes see it (a test may set it).
    clock: Clock,
    /// One permit per open event stream.
    event_streams: Arc<tokio::sync::Semaphore>,
    /// Fetch Metadata protection trusting the frontend origins (`fetch_metadata`).
    cross_origin: CsrfLayer,
    bank: Bank,
    log: RequestLog,
}

/// Reads through a lock that a panicking writer may have poisoned: every value here is
/// replaced whole, so it is never half-written.
fn read<T: Clone>(lock: &RwLock<T>) -> T {
    lock.read().unwrap_or_else(|e| e.into_inner()).clone()
}

fn write<T>(lock: &RwLock<T>, value: T) {
    *lock.write().unwrap_or_else(|e| e.into_inner()) = value;
}

impl AppState {
    /// The state at start; `Err` says in a sentence what is wrong with the configuration.
    pub fn new(config: Config, sessions: Arc<dyn SessionStore>, jwt_secret: String, site_addr: SocketAddr) -> Result<Self, String> {
        Self::with_clock(config, sessions, jwt_secret, site_addr, Clock::system())
    }

    /// `new`, with the time from `clock` (a test's manual clock).
    pub fn with_clock(config: Config, sessions: Arc<dyn SessionStore>, jwt_secret: String, site_addr: SocketAddr, clock: Clock) -> Result<Self, String> {
        let policy = ValidPolicy::try_from(CorsPolicy::secure_default(config.primary_frontend_origin())).map_err(|e| e.to_string())?;
        let jwt = Arc::new(JwtSigning::new(jwt_secret, config.jwt_ttl));
        let cross_origin = fetch_metadata::trusting(&config.frontend_origins).map_err(|e| format!("--frontend-origin: {e}"))?;
        let threads = config.hashing_threads();
        // Checked when the command line was read (`config::instance_name`).
        let instance = HeaderValue::from_str(&config.instance_name).map_err(|_| "--instance-name is no header value")?;
        let balancer = config.balancer_admin.clone().map(|admin| Balancer::new(admin, config.balancer_timeout));
        let hashers = Hashers::start(threads, threads * usize::from(config.hash_queue_per_thread));
        let throttle = LoginThrottle::new(config.throttle_capacity);
        Ok(Self {
            inner: Arc::new(Inner {
                instance,
                balancer,
                policy: RwLock::new(Arc::new(policy.clone())),
                default_policy: policy,
                cookie: RwLock::new(CookiePolicy::default()),
                defenses: RwLock::new(Defenses::default()),
                site_addr,
                jwt: RwLock::new(jwt),
                sessions,
                handles: Handles::random().map_err(|e| e.to_string())?,
                throttle,
                clock,
                control_token_failures: Arc::new(LoginThrottle::new(config.throttle_capacity)),
                hashers,
                event_streams: Arc::new(tokio::sync::Semaphore::new(MAX_EVENT_STREAMS)),
                cross_origin,
                bank: Bank::default(),
                log: RequestLog::new(1000),
                config,
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// This instance's name, as `X-Instance` sends it.
    pub fn instance_header(&self) -> HeaderValue {
        self.inner.instance.clone()
    }

    /// The load balancer's runtime API, if one is configured.
    pub fn balancer(&self) -> Option<&Balancer> {
        self.inner.balancer.as_ref()
    }

    pub fn default_policy(&self) -> ValidPolicy {
        self.inner.default_policy.clone()
    }

    /// The policy for one request (a snapshot; a later swap does not affect it).
    pub fn policy(&self) -> Arc<ValidPolicy> {
        read(&self.inner.policy)
    }

    pub fn set_policy(&self, policy: ValidPolicy) {
        write(&self.inner.policy, Arc::new(policy));
    }

    pub fn cookie_policy(&self) -> CookiePolicy {
        read(&self.inner.cookie)
    }

    pub fn set_cookie_policy(&self, policy: CookiePolicy) {
        write(&self.inner.cookie, policy);
    }

    pub fn defenses(&self) -> Defenses {
        read(&self.inner.defenses)
    }

    pub fn set_defenses(&self, defenses: Defenses) {
        write(&self.inner.defenses, defenses);
    }

    pub fn site_addr(&self) -> SocketAddr {
        self.inner.site_addr
    }

    pub fn jwt(&self) -> Arc<JwtSigning> {
        read(&self.inner.jwt)
    }

    pub fn set_jwt(&self, settings: JwtSigning) {
        write(&self.inner.jwt, Arc::new(settings));
    }

    pub fn sessions(&self) -> &dyn SessionStore {
        self.inner.sessions.as_ref()
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn lifetimes(&self) -> Lifetimes {
        let c = self.config();
        Lifetimes { idle_ms: c.session_ttl * 1000, absolute_ms: c.session_max_age * 1000 }
    }

    pub fn handles(&self) -> &Handles {
        &self.inner.handles
    }

    pub fn hashers(&self) -> &Hashers {
        &self.inner.hashers
    }

    /// A place for one more event stream, held while it is open; `None` at the limit.
    pub fn event_stream_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.inner.event_streams.clone().try_acquire_owned().ok()
    }

    /// tower-http's `CsrfLayer`, trusting the frontend origins.
    pub fn cross_origin(&self) -> &CsrfLayer {
        &self.inner.cross_origin
    }

    pub fn control_token_failures(&self) -> &Arc<LoginThrottle> {
        &self.inner.control_token_failures
    }

    pub fn throttle(&self) -> &LoginThrottle {
        &self.inner.throttle
    }

    pub fn bank(&self) -> &Bank {
        &self.inner.bank
    }

    pub fn log(&self) -> &RequestLog {
        &self.inner.log
    }
}
