//! The shared state of one backend process.

use std::sync::{Arc, RwLock};

use shared::cors::CorsPolicy;

use crate::{config::Config, request_log::RequestLog};

/// Cheap to clone; everything lives behind one `Arc`.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: Config,
    /// Swapped whole: a request clones the `Arc` once, so no response mixes two policies.
    policy: RwLock<Arc<CorsPolicy>>,
    log: RequestLog,
}

impl AppState {
    pub fn new(config: Config) -> Self {
        let policy = CorsPolicy::secure_default(config.primary_frontend_origin());
        Self { inner: Arc::new(Inner { policy: RwLock::new(Arc::new(policy)), log: RequestLog::new(1000), config }) }
    }

    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub fn default_policy(&self) -> CorsPolicy {
        CorsPolicy::secure_default(self.config().primary_frontend_origin())
    }

    /// The policy for one request (a snapshot; a later swap does not affect it).
    pub fn policy(&self) -> Arc<CorsPolicy> {
        // A poisoned lock only means a writer panicked mid-swap of an `Arc`: the value is whole.
        self.inner.policy.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub fn set_policy(&self, policy: CorsPolicy) {
        *self.inner.policy.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(policy);
    }

    pub fn log(&self) -> &RequestLog {
        &self.inner.log
    }

    /// Back to the start: default policy, empty log.
    pub fn reset(&self) {
        self.set_policy(self.default_policy());
        self.log().clear();
    }
}
