//! The shared state of one backend process.

use std::sync::Arc;

use std::net::SocketAddr;

use shared::{
    cors::{CorsPolicy, ValidPolicy},
    jwt,
    wire::{Defenses, JwtSettings, Settings, Vulnerable},
};

use axum::http::{HeaderName, HeaderValue};
use axum::extract::FromRef;
use tower_http::csrf::CsrfLayer;

use crate::{
    auth::{password::Hashers, throttle::Throttle},
    balancer::Balancer,
    fetch_metadata,
    bank::Bank,
    live_cors::LivePolicy,
    clock::Clock,
    config::Config,
    challenges::Challenges,
    exploit::ExploitServer,
    session_cookie::CookiePolicy,
    request_log::RequestLog,
    sessions::{CsrfKey, Handles, Lifetimes, SessionStore},
};

/// Open `/control/events` streams at most per listener: each holds a connection and renders
/// nothing new, but a page opening them without end would hold every connection slot.
pub const MAX_EVENT_STREAMS: usize = 32;

/// Which instance answered: on every answer of the API listener, so that a page behind a load
/// balancer can tell (once the lab policy's `expose_headers` lets it read the header).
pub const INSTANCE_HEADER: HeaderName = HeaderName::from_static(shared::wire::INSTANCE_HEADER);

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
    /// The live lab, one value (`FromRef`: a handler that needs only it takes only it).
    lab: Arc<LiveLab>,
    /// `--instance-name` as the value of `X-Instance`.
    instance: HeaderValue,
    /// HAProxy's runtime API, when `--balancer-admin` names it.
    balancer: Option<Balancer>,
    /// Where the other site listens (for the links the UI shows).
    site_addr: SocketAddr,
    /// Wrong control tokens per peer address (`control_access::ControlToken`).
    control_token_failures: Arc<Throttle>,
    hashers: Hashers,
    /// The time as the routes see it (a test may set it).
    clock: Clock,
    /// One permit per open event stream.
    event_streams: Arc<tokio::sync::Semaphore>,
    /// Fetch Metadata protection trusting the frontend origins (`fetch_metadata`).
    fetch_metadata: CsrfLayer,
}

/// The lab settings the person switches (CORS policy, cookie attributes, CSRF defenses, JWT
/// settings), as one value. A lab request takes one snapshot, under one lock, that the lab
/// layer and its route both read (the layer puts it in the request's extensions): a change
/// meanwhile applies to the next request, and no answer mixes two settings.
#[derive(Clone, Debug)]
pub struct LabSettings {
    pub policy: Arc<LivePolicy>,
    pub cookie: CookiePolicy,
    pub defenses: Defenses,
    /// A reader clones the `Arc`, not the secret.
    pub jwt: Arc<JwtSigning>,
    /// The deliberately vulnerable settings, all off at start and after a reset.
    pub vulnerable: Vulnerable,
    /// The log's last `seq` when these settings became live: the entries after it were all
    /// answered under them (a challenge's judge reads a defender's fix from those).
    pub live_after: u64,
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
        let policy = Arc::new(LivePolicy::new(policy));
        let settings = LabSettings { policy: policy.clone(), cookie: CookiePolicy::default(), defenses: Defenses::default(), jwt: jwt.clone(), vulnerable: Vulnerable::default(), live_after: 0 };
        let fetch_metadata = fetch_metadata::trusting(&config.frontend_origins).map_err(|e| format!("--frontend-origin: {e}"))?;
        let threads = config.hashing_threads();
        // Checked when the command line was read (`config::instance_name`).
        let instance = HeaderValue::from_str(&config.instance_name).map_err(|_| "--instance-name is no header value")?;
        let balancer = config.balancer_admin.clone().map(|admin| Balancer::new(admin, config.balancer_timeout));
        let hashers = Hashers::start(threads, threads * usize::from(config.hash_queue_per_thread));
        let throttle = Throttle::new(config.throttle_capacity);
        Ok(Self {
            inner: Arc::new(Inner {
                instance,
                balancer,
                lab: Arc::new(LiveLab {
                    settings: tokio::sync::watch::Sender::new(Arc::new(settings)),
                    default_policy: policy,
                    sessions,
                    handles: Handles::random().map_err(|e| e.to_string())?,
                    csrf_key: CsrfKey::random().map_err(|e| e.to_string())?,
                    throttle,
                    bank: Bank::default(),
                    log: RequestLog::new(1000),
                    exploit: ExploitServer::new(),
                    challenge: Challenges::default(),
                    resets: tokio::sync::watch::Sender::new(0),
                    start_jwt: jwt,
                }),
                site_addr,
                clock,
                control_token_failures: Arc::new(Throttle::new(config.throttle_capacity)),
                hashers,
                event_streams: Arc::new(tokio::sync::Semaphore::new(MAX_EVENT_STREAMS)),
                fetch_metadata,
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

    pub fn site_addr(&self) -> SocketAddr {
        self.inner.site_addr
    }

    /// The live lab: settings, sessions, throttle, bank and log.
    pub fn lab(&self) -> &Arc<LiveLab> {
        &self.inner.lab
    }

    pub fn clock(&self) -> &Clock {
        &self.inner.clock
    }

    pub fn lifetimes(&self) -> Lifetimes {
        let c = self.config();
        Lifetimes { idle_ms: c.session_ttl * 1000, absolute_ms: c.session_max_age * 1000 }
    }

    pub fn hashers(&self) -> &Hashers {
        &self.inner.hashers
    }

    /// A place for one more event stream, held while it is open; `None` at the limit.
    pub fn event_stream_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        self.inner.event_streams.clone().try_acquire_owned().ok()
    }

    /// tower-http's `CsrfLayer`, trusting the frontend origins.
    pub fn fetch_metadata(&self) -> &CsrfLayer {
        &self.inner.fetch_metadata
    }

    pub fn control_token_failures(&self) -> &Arc<Throttle> {
        &self.inner.control_token_failures
    }


}

/// The live lab: what the person switches (the settings) and what the lab holds and records
/// (sessions, the login throttle, the bank, the request log). One value, so that a server that
/// holds one lab per person would change how many there are, not what one is. Handlers that
/// need only the lab take `State<Arc<LiveLab>>` (axum's `FromRef`).
pub struct LiveLab {
    /// Swapped whole: a request clones the `Arc` once. A watch channel, so that every open
    /// page hears of a change (`/control/events`).
    settings: tokio::sync::watch::Sender<Arc<LabSettings>>,
    /// The policy at start and after a reset.
    default_policy: Arc<LivePolicy>,
    sessions: Arc<dyn SessionStore>,
    /// Names sessions in the control plane without their ids.
    handles: Handles,
    /// Makes and checks the sessions' CSRF tokens.
    csrf_key: CsrfKey,
    throttle: Throttle,
    bank: Bank,
    log: RequestLog,
    /// The person's attack page and its access log, served on the other site.
    exploit: ExploitServer,
    /// The guided challenge running, if any.
    challenge: Challenges,
    /// Counts resets, so that every open page hears of one (`event: reset`).
    resets: tokio::sync::watch::Sender<u64>,
    /// The JWT settings the process started with, which a challenge start puts back.
    start_jwt: Arc<JwtSigning>,
}

/// What logging in needs besides the lab: the password-hashing threads, the clock and the
/// sessions' lifetimes. A lab route that logs someone in takes this and the lab, not the
/// whole state.
#[derive(Clone)]
pub struct Accounts {
    pub hashers: Hashers,
    pub clock: Clock,
    pub lifetimes: Lifetimes,
    /// The session cookie's `Max-Age`, in seconds.
    pub cookie_max_age: u64,
}

impl FromRef<AppState> for Accounts {
    fn from_ref(state: &AppState) -> Accounts {
        Accounts { hashers: state.inner.hashers.clone(), clock: state.inner.clock.clone(), lifetimes: state.lifetimes(), cookie_max_age: state.config().session_ttl }
    }
}

impl FromRef<AppState> for Clock {
    fn from_ref(state: &AppState) -> Clock {
        state.inner.clock.clone()
    }
}

impl FromRef<AppState> for Arc<LiveLab> {
    fn from_ref(state: &AppState) -> Arc<LiveLab> {
        state.inner.lab.clone()
    }
}

impl LiveLab {
    pub fn default_policy(&self) -> Arc<LivePolicy> {
        self.default_policy.clone()
    }

    /// A snapshot of the lab's settings; a later change does not affect it.
    pub fn settings(&self) -> Arc<LabSettings> {
        self.settings.borrow().clone()
    }

    /// Changes the settings as one: readers see the old snapshot or the new one, never half;
    /// every open event stream hears of it.
    pub fn update_settings(&self, change: impl FnOnce(&mut LabSettings)) {
        self.settings.send_modify(|current| {
            // A panicking `change` leaves the old value: the new one is put in whole.
            let mut next = LabSettings::clone(current);
            change(&mut next);
            next.live_after = self.log.last_seq();
            *current = Arc::new(next);
        });
    }

    /// Hears of each change of the settings from now on.
    pub fn settings_changes(&self) -> tokio::sync::watch::Receiver<Arc<LabSettings>> {
        self.settings.subscribe()
    }

    pub fn policy(&self) -> Arc<LivePolicy> {
        self.settings().policy.clone()
    }

    pub fn set_policy(&self, policy: ValidPolicy) {
        self.update_settings(|s| s.policy = Arc::new(LivePolicy::new(policy)));
    }

    pub fn cookie_policy(&self) -> CookiePolicy {
        self.settings().cookie
    }

    pub fn set_cookie_policy(&self, policy: CookiePolicy) {
        self.update_settings(|s| s.cookie = policy);
    }

    pub fn defenses(&self) -> Defenses {
        self.settings().defenses
    }

    pub fn set_defenses(&self, defenses: Defenses) {
        self.update_settings(|s| s.defenses = defenses);
    }

    pub fn vulnerable(&self) -> Vulnerable {
        self.settings().vulnerable
    }

    pub fn set_vulnerable(&self, vulnerable: Vulnerable) {
        self.update_settings(|s| s.vulnerable = vulnerable);
    }

    pub fn jwt(&self) -> Arc<JwtSigning> {
        self.settings().jwt.clone()
    }

    pub fn set_jwt(&self, signing: JwtSigning) {
        self.update_settings(|s| s.jwt = Arc::new(signing));
    }

    pub fn sessions(&self) -> &dyn SessionStore {
        self.sessions.as_ref()
    }

    pub fn handles(&self) -> &Handles {
        &self.handles
    }

    pub fn csrf_key(&self) -> &CsrfKey {
        &self.csrf_key
    }

    pub fn throttle(&self) -> &Throttle {
        &self.throttle
    }

    pub fn bank(&self) -> &Bank {
        &self.bank
    }

    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    pub fn exploit(&self) -> &ExploitServer {
        &self.exploit
    }

    pub fn challenge(&self) -> &Challenges {
        &self.challenge
    }

    /// The JWT settings the process started with.
    pub fn start_jwt(&self) -> Arc<JwtSigning> {
        self.start_jwt.clone()
    }

    /// Back to the start: no sessions, the default settings (the JWT settings stay, unless a
    /// challenge made the secret a word: then the start's come back), no throttled accounts,
    /// the bank's start balances, an empty log (its `seq` keeps counting), no exploit page and
    /// no challenge. Every open page hears of it.
    pub async fn reset(&self) -> Result<(), crate::sessions::StoreError> {
        self.sessions.clear().await?;
        let word_in_force = self.challenge.secret_word().is_some_and(|word| word == self.jwt().secret);
        let (policy, start_jwt) = (self.default_policy(), self.start_jwt());
        self.throttle.clear();
        self.bank.reset();
        self.log.clear();
        self.exploit.clear();
        self.challenge.stop();
        self.update_settings(|settings| {
            settings.policy = policy;
            settings.cookie = CookiePolicy::default();
            settings.defenses = Defenses::default();
            settings.vulnerable = Vulnerable::default();
            if word_in_force {
                settings.jwt = start_jwt;
            }
        });
        self.resets.send_modify(|count| *count += 1);
        Ok(())
    }

    /// The JWT settings as the control plane shows them, with a warning when the secret
    /// could be guessed.
    pub fn jwt_view(&self) -> JwtSettings {
        let signing = self.jwt();
        let weak = jwt::is_weak_secret(signing.secret.as_bytes());
        let warning = weak.then(|| {
            format!(
                "This secret is {} bytes long; HS256 wants at least {}. A short secret can be guessed offline from any token.",
                signing.secret.len(),
                jwt::MIN_STRONG_SECRET_LEN
            )
        });
        JwtSettings { secret: signing.secret.clone(), ttl_seconds: signing.ttl_seconds, weak, warning }
    }

    /// Every setting of the lab, as the event stream sends it after a change.
    pub fn settings_view(&self) -> Settings {
        let settings = self.settings();
        Settings {
            policy: ValidPolicy::clone(&settings.policy).into_inner(),
            cookie: settings.cookie,
            defenses: settings.defenses,
            jwt: self.jwt_view(),
            vulnerable: settings.vulnerable,
        }
    }

    /// Hears of each reset from now on.
    pub fn resets(&self) -> tokio::sync::watch::Receiver<u64> {
        self.resets.subscribe()
    }
}
