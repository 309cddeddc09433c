//! Failed-login throttling per account: the lab's traffic all comes from loopback, so an IP
//! says nothing; the account under attack is what must be protected.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed per account within `WINDOW` before logins to it are refused.
pub const MAX_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// Accounts tracked at most; beyond it the quietest are forgotten (memory stays bounded even
/// when someone tries millions of made-up emails).
const MAX_TRACKED: usize = 10_000;

#[derive(Default)]
pub struct LoginThrottle {
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    /// `Err(seconds)` to wait when `email` has had too many recent failures.
    pub fn check(&self, email: &str, now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        let Some(times) = map.get_mut(&key(email)) else { return Ok(()) };
        prune(times, now);
        if times.len() < MAX_FAILURES {
            return Ok(());
        }
        let oldest = times.front().copied().unwrap_or(now);
        Err((WINDOW.saturating_sub(now.duration_since(oldest))).as_secs().max(1))
    }

    pub fn record_failure(&self, email: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_TRACKED && !map.contains_key(&key(email)) {
            map.retain(|_, times| {
                prune(times, now);
                !times.is_empty()
            });
            if map.len() >= MAX_TRACKED {
                map.clear();
            }
        }
        let times = map.entry(key(email)).or_default();
        prune(times, now);
        times.push_back(now);
    }

    /// A successful login forgets the account's failures.
    pub fn record_success(&self, email: &str) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).remove(&key(email));
    }

    pub fn clear(&self) {
        self.failures.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

fn key(email: &str) -> String {
    email.trim().to_ascii_lowercase()
}

fn prune(times: &mut VecDeque<Instant>, now: Instant) {
    while times.front().is_some_and(|t| now.duration_since(*t) >= WINDOW) {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_failures_lock_that_account_only_until_the_window_passes() {
        let t = LoginThrottle::default();
        let start = Instant::now();
        for i in 0..MAX_FAILURES {
            assert_eq!(t.check("a@b.com", start), Ok(()), "attempt {i}");
            t.record_failure("A@B.com", start);
        }
        let wait = t.check("a@b.com", start).unwrap_err();
        assert!((299..=300).contains(&wait), "{wait}");
        assert_eq!(t.check("bob@example.com", start), Ok(()), "other accounts are not affected");
        assert_eq!(t.check("a@b.com", start + WINDOW), Ok(()));
    }

    #[test]
    fn success_clears_the_count() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            t.record_failure("a@b.com", now);
        }
        t.record_success("a@b.com");
        t.record_failure("a@b.com", now);
        assert_eq!(t.check("a@b.com", now), Ok(()));
    }

    #[test]
    fn memory_stays_bounded() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..MAX_TRACKED + 10 {
            t.record_failure(&format!("user{i}@x.y"), now);
        }
        assert!(t.failures.lock().unwrap().len() <= MAX_TRACKED);
    }
}
