//! Time as the backend counts it: milliseconds since the Unix epoch, formatted at the edges.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Milliseconds since the Unix epoch.
pub type Millis = u64;

pub fn now_ms() -> Millis {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as Millis)
}

/// RFC 3339 UTC with milliseconds, as the JSON of API.md carries times.
pub fn rfc3339(ms: Millis) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// The backend's clock: the system's, or one that a test sets and moves (`Clock::manual`), so
/// that expiry is tested without sleeping.
#[derive(Clone, Debug, Default)]
pub struct Clock(Option<std::sync::Arc<std::sync::atomic::AtomicU64>>);

impl Clock {
    pub fn system() -> Clock {
        Clock(None)
    }

    /// A clock that stands at `start` until `advance` moves it.
    pub fn manual(start: Millis) -> Clock {
        Clock(Some(std::sync::Arc::new(std::sync::atomic::AtomicU64::new(start))))
    }

    pub fn now_ms(&self) -> Millis {
        self.0.as_ref().map_or_else(now_ms, |manual| manual.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Moves a manual clock forward; the system's moves by itself.
    pub fn advance(&self, by: Duration) {
        if let Some(manual) = &self.0 {
            manual.fetch_add(by.as_millis() as Millis, std::sync::atomic::Ordering::SeqCst);
        }
    }
}
