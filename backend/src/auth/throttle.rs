//! Failed-attempt throttling per key. For logins the key is the account: the lab's traffic
//! all comes from loopback, so an IP says nothing; the account under attack is what must be
//! protected. For the control token it is the peer's address (`control_access`).

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

/// Failures allowed per account within `WINDOW` before logins to it are refused.
pub const MAX_FAILURES: usize = 10;
pub const WINDOW: Duration = Duration::from_secs(5 * 60);
/// Accounts tracked at most by default (`--throttle-capacity`).
pub const DEFAULT_CAPACITY: usize = 10_000;

/// Memory stays bounded even when someone tries millions of made-up emails: when `capacity`
/// accounts are tracked, a new one makes room by forgetting the quietest (fewest live
/// failures, then the longest quiet), never one at its limit. With every account at its limit
/// there is no room, and a new account waits like a throttled one: forgetting any of them
/// would unlock it, which is what the junk failures were for.
pub struct Throttle {
    accounts: Mutex<HashMap<String, Account>>,
    capacity: usize,
}

impl Default for Throttle {
    fn default() -> Self {
        Self::new(DEFAULT_CAPACITY)
    }
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

    fn count(&self) -> usize {
        self.failures.len() + self.in_flight
    }

    /// How long until this account may try again, when it is at its limit.
    fn wait(&self, now: Instant) -> Option<u64> {
        if self.count() < MAX_FAILURES {
            return None;
        }
        // Full of failures: until the oldest leaves the window. Full of attempts under way:
        // soon, when they are decided.
        let wait = match self.failures.front() {
            Some(oldest) if self.failures.len() >= MAX_FAILURES => {
                WINDOW.saturating_sub(now.duration_since(*oldest)).as_secs()
            }
            _ => 1,
        };
        Some(wait.max(1))
    }
}

/// A login attempt that holds its place in the account's count until it is decided; dropped
/// undecided (the client hung up, the hashing queue was full), it gives the place back.
pub struct Attempt<'a> {
    throttle: &'a Throttle,
    /// `None` once decided.
    key: Option<String>,
}

impl Throttle {
    pub fn new(capacity: usize) -> Throttle {
        Throttle {
            accounts: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    fn accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Account>> {
        self.accounts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Starts an attempt on `email`, or `Err(seconds)` to wait when its recent failures and
    /// the attempts under way reach `MAX_FAILURES`.
    pub fn begin(&self, email: &str, now: Instant) -> Result<Attempt<'_>, u64> {
        let key = key(email);
        let mut accounts = self.accounts();
        if accounts.len() >= self.capacity && !accounts.contains_key(&key) {
            make_room(&mut accounts, self.capacity, now)?;
        }
        let account = accounts.entry(key.clone()).or_default();
        prune(&mut account.failures, now);
        if let Some(wait) = account.wait(now) {
            return Err(wait);
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

/// Below `capacity` accounts: the idle ones go first, then the quietest not at its limit; with
/// every account at its limit, `Err` with the soonest any of them frees.
fn make_room(
    accounts: &mut HashMap<String, Account>,
    capacity: usize,
    now: Instant,
) -> Result<(), u64> {
    accounts.retain(|_, account| {
        prune(&mut account.failures, now);
        !account.is_idle()
    });
    while accounts.len() >= capacity {
        let quietest = accounts
            .iter()
            .filter(|(_, account)| account.count() < MAX_FAILURES)
            .min_by_key(|(_, account)| (account.count(), account.failures.back().copied()))
            .map(|(key, _)| key.clone());
        match quietest {
            Some(key) => {
                accounts.remove(&key);
            }
            None => {
                return Err(accounts
                    .values()
                    .filter_map(|a| a.wait(now))
                    .min()
                    .unwrap_or(1));
            }
        }
    }
    Ok(())
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
        let t = Throttle::default();
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
        let t = Throttle::default();
        let now = Instant::now();
        let under_way: Vec<Attempt<'_>> = (0..MAX_FAILURES).map(|_| t.begin("a@b.com", now).unwrap()).collect();
        assert_eq!(t.begin("a@b.com", now).err(), Some(1), "the eleventh waits while ten are under way");
        drop(under_way);
        assert!(t.begin("a@b.com", now).is_ok(), "undecided attempts give their place back");
        assert!(t.accounts().is_empty() || t.accounts()["a@b.com"].failures.is_empty());
    }

    #[test]
    fn success_clears_the_count() {
        let t = Throttle::default();
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
        let t = Throttle::new(100);
        let now = Instant::now();
        for i in 0..110 {
            t.begin(&format!("user{i}@x.y"), now).unwrap().failed(now);
        }
        assert!(t.accounts().len() <= 100);
    }

    /// Junk failures on made-up accounts, as many as the map holds, do not unlock an account
    /// at its limit: the quietest junk is forgotten, never the account under attack.
    #[test]
    fn junk_failures_never_unlock_an_account_at_its_limit() {
        let t = Throttle::new(4);
        let now = Instant::now();
        for _ in 0..MAX_FAILURES {
            t.begin("victim@b.com", now).unwrap().failed(now);
        }
        for i in 0..100 {
            if let Ok(attempt) = t.begin(&format!("junk{i}@x.y"), now) {
                attempt.failed(now);
            }
        }
        assert!(
            t.begin("victim@b.com", now).is_err(),
            "the victim's failures were forgotten"
        );
    }

    /// With every tracked account at its limit there is no room: a new account waits too,
    /// until the soonest of them frees.
    #[test]
    fn a_map_full_of_accounts_at_their_limit_makes_new_ones_wait() {
        let t = Throttle::new(2);
        let start = Instant::now();
        for account in ["a@b.com", "c@d.com"] {
            for _ in 0..MAX_FAILURES {
                t.begin(account, start).unwrap().failed(start);
            }
        }
        let later = start + Duration::from_secs(60);
        assert_eq!(t.begin("new@x.y", later).err(), Some(WINDOW.as_secs() - 60));
        assert!(
            t.begin("a@b.com", start + WINDOW).is_ok(),
            "free again once the window passed"
        );
        assert!(t.begin("new@x.y", start + WINDOW).is_ok());
    }
}
