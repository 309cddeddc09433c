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
    accounts: Mutex<HashMap<String, Account>>,
}

#[derive(Default)]
struct Account {
    /// Failed logins within `WINDOW`, oldest first.
    failures: VecDeque<Instant>,
    /// Logins checked but not yet decided: they count as failures until they are, so that
    /// many parallel guesses cannot all pass the check before the first one fails.
    in_flight: usize,
}

impl Account {
    fn is_idle(&self) -> bool {
        self.failures.is_empty() && self.in_flight == 0
    }
}

/// A login attempt that holds its place in the account's count until it is decided; dropped
/// undecided (the client hung up, the hashing queue was full), it gives the place back.
pub struct Attempt<'a> {
    throttle: &'a LoginThrottle,
    /// `None` once decided.
    key: Option<String>,
}

impl LoginThrottle {
    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Account>> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts an attempt on `email`, or `Err(seconds)` to wait when its recent failures and
    /// the attempts under way reach `MAX_FAILURES`.
    pub fn begin(&self, email: &str, now: Instant) -> Result<Attempt<'_>, u64> {
        let key = key(email);
        let mut accounts = self.accounts();
        if accounts.len() >= MAX_TRACKED && !accounts.contains_key(&key) {
            accounts.retain(|_, account| {
                prune(&mut account.failures, now);
                !account.is_idle()
            });
            if accounts.len() >= MAX_TRACKED {
                // Only accounts with logins under way are kept: each holds a request.
                accounts.retain(|_, account| account.in_flight > 0);
            }
        }
        let account = accounts.entry(key.clone()).or_default();
        prune(&mut account.failures, now);
        if account.failures.len() + account.in_flight >= MAX_FAILURES {
            // Full of failures: until the oldest leaves the window. Full of attempts under
            // way: soon, when they are decided.
            let wait = match account.failures.front() {
                Some(oldest) if account.failures.len() >= MAX_FAILURES => WINDOW.saturating_sub(now.duration_since(*oldest)).as_secs(),
                _ => 1,
            };
            return Err(wait.max(1));
        }
        account.in_flight += 1;
        Ok(Attempt { throttle: self, key: Some(key) })
    }

    pub fn clear(&self) {
        self.accounts().clear();
    }
}

impl Attempt<'_> {
    /// The password was right: the account's failures are forgotten.
    pub fn succeeded(mut self) {
        if let Some(key) = self.key.take() {
            self.throttle.accounts().remove(&key);
        }
    }

    /// The password was wrong: the attempt becomes a failure at `now`.
    pub fn failed(mut self, now: Instant) {
        if let Some(key) = self.key.take()
            && let Some(account) = self.throttle.accounts().get_mut(&key)
        {
            account.in_flight = account.in_flight.saturating_sub(1);
            account.failures.push_back(now);
        }
    }
}

impl Drop for Attempt<'_> {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else { return };
        let mut accounts = self.throttle.accounts();
        if let Some(account) = accounts.get_mut(&key) {
            account.in_flight = account.in_flight.saturating_sub(1);
            if account.is_idle() {
                accounts.remove(&key);
            }
        }
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
            t.begin("a@b.com", start).unwrap_or_else(|_| panic!("attempt {i}")).failed(start);
        }
        let wait = t.begin("A@B.com", start).err().unwrap();
        assert!((299..=300).contains(&wait), "{wait}");
        assert!(t.begin("bob@example.com", start).is_ok(), "other accounts are not affected");
        assert!(t.begin("a@b.com", start + WINDOW).is_ok());
    }

    #[test]
    fn attempts_under_way_count_until_decided() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        let under_way: Vec<Attempt<'_>> = (0..MAX_FAILURES).map(|_| t.begin("a@b.com", now).unwrap()).collect();
        assert_eq!(t.begin("a@b.com", now).err(), Some(1), "the eleventh waits while ten are under way");
        drop(under_way);
        assert!(t.begin("a@b.com", now).is_ok(), "undecided attempts give their place back");
        assert!(t.accounts().is_empty() || t.accounts()["a@b.com"].failures.is_empty());
    }

    #[test]
    fn success_clears_the_count() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for _ in 0..MAX_FAILURES - 1 {
            t.begin("a@b.com", now).unwrap().failed(now);
        }
        t.begin("a@b.com", now).unwrap().succeeded();
        t.begin("a@b.com", now).unwrap().failed(now);
        assert!(t.begin("a@b.com", now).is_ok());
    }

    #[test]
    fn memory_stays_bounded() {
        let t = LoginThrottle::default();
        let now = Instant::now();
        for i in 0..MAX_TRACKED + 10 {
            t.begin(&format!("user{i}@x.y"), now).unwrap().failed(now);
        }
        assert!(t.accounts().len() <= MAX_TRACKED);
    }
}
