//! The demo users and their passwords, kept only as argon2id hashes.

use argon2::{Argon2, PasswordHash, PasswordVerifier};
use shared::wire::User;

/// A demo user: the password exists here only as an argon2id PHC string
/// (m=19456 KiB, t=2, p=1: OWASP's first recommended setting).
pub struct DemoUser {
    pub id: u64,
    pub email: &'static str,
    phc: &'static str,
}

/// Id and email only: the hash has no business in debug output.
impl std::fmt::Debug for DemoUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoUser").field("id", &self.id).field("email", &self.email).finish_non_exhaustive()
    }
}

impl DemoUser {
    pub fn user(&self) -> User {
        User { id: self.id, email: self.email.to_owned() }
    }
}

/// API.md's demo users: `a@b.com` / `123` and `bob@example.com` / `hunter2`.
pub const USERS: [DemoUser; 2] = [
    DemoUser {
        id: 1,
        email: "a@b.com",
        phc: "$argon2id$v=19$m=19456,t=2,p=1$3YQ7mvwxuk22py07BoxhzQ$PCUEsVxY5iZk0hoXXJUV5OoQGngttoJWcx7pf0+uTiw",
    },
    DemoUser {
        id: 2,
        email: "bob@example.com",
        phc: "$argon2id$v=19$m=19456,t=2,p=1$vC0KP9RVi0Co8P5KkLrKkw$DGbro9QHSSEOFLxOHzT2/kuSuFF+j5TyjD/groC03s4",
    },
];

/// Verified against when the email is unknown, so that an unknown user costs the same time
/// as a wrong password (no user enumeration by timing). No password matches it.
const DUMMY_PHC: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$AK1YG0d5qingL+9m5ZBYsQ$yUsJugFQCHtL0dNt+Z4qiNVK++pzB4P1VRLu1JCWWr0";

pub fn by_email(email: &str) -> Option<&'static DemoUser> {
    USERS.iter().find(|u| u.email.eq_ignore_ascii_case(email.trim()))
}

pub fn by_id(id: u64) -> Option<&'static DemoUser> {
    USERS.iter().find(|u| u.id == id)
}

/// A verification waiting for a hashing thread.
struct Job {
    email: String,
    password: String,
    answer: tokio::sync::oneshot::Sender<Option<User>>,
}

/// The hashing queue is full: the login is refused (503 `busy`) instead of waiting behind
/// more work than the threads can do in a reasonable time.
#[derive(Debug, PartialEq, Eq)]
pub struct Busy;

/// The password-hashing threads, in the idle scheduling class on Linux, each resting after a
/// hash. argon2id costs tens of milliseconds of CPU by design; on tokio's blocking pool a
/// login flood took CPU from every other request. Here hashing gets only the CPU the rest
/// leaves over, and waiting logins sit in a bounded queue without holding a thread. The
/// threads end when the last `Hashers` handle is dropped.
#[derive(Clone)]
pub struct Hashers {
    jobs: std::sync::mpsc::SyncSender<Job>,
    /// Passwords verified so far (logins whose client left before their turn are not).
    verified: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Hashers {
    /// `threads` hashing threads, and room for `queue` logins waiting for one.
    pub fn start(threads: usize, queue: usize) -> Hashers {
        let (jobs, waiting) = std::sync::mpsc::sync_channel::<Job>(queue);
        let waiting = std::sync::Arc::new(std::sync::Mutex::new(waiting));
        let verified = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        for i in 0..threads.max(1) {
            let (waiting, counted) = (waiting.clone(), verified.clone());
            let spawned = std::thread::Builder::new().name(format!("argon2-{i}")).spawn(move || {
                lower_priority();
                loop {
                    // The lock is held only while waiting for the next job, never while hashing.
                    let next = waiting.lock().unwrap_or_else(|e| e.into_inner()).recv();
                    let Ok(job) = next else { return };
                    // Its client is gone (hung up, timed out): nobody waits for this answer, and an
                    // abandoned flood must not hold up the logins that come after it.
                    if job.answer.is_closed() {
                        continue;
                    }
                    let started = std::time::Instant::now();
                    let _ = job.answer.send(check_now(&job.email, &job.password));
                    counted.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    // Rest twice as long as the hash took: at most a third of a core each, so a
                    // flood cannot keep evicting everyone else's caches either (argon2 walks
                    // 19 MiB). The idle class alone still let a flood slow other requests down.
                    std::thread::sleep(started.elapsed() * 2);
                }
            });
            if let Err(e) = spawned {
                tracing::error!(error = %e, "could not start a password-hashing thread");
            }
        }
        Hashers { jobs, verified }
    }

    /// How many passwords have been verified.
    pub fn verified(&self) -> u64 {
        self.verified.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The user these credentials belong to, if any; `Err(Busy)` when the queue is full.
    /// CPU-heavy (tens of milliseconds) on a hashing thread, so it never stalls the async
    /// workers nor other requests.
    pub async fn check(&self, email: String, password: String) -> Result<Option<User>, Busy> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        // Full, or no thread could be started: either way, not now.
        self.jobs.try_send(Job { email, password, answer }).map_err(|_| Busy)?;
        Ok(answered.await.ok().flatten())
    }
}

#[cfg(target_os = "linux")]
fn lower_priority() {
    use thread_priority::{NormalThreadSchedulePolicy, ThreadPriority, ThreadSchedulePolicy, set_thread_priority_and_policy, thread_native_id};
    // SCHED_IDLE, not just nice 19: a nice-19 thread still keeps its core for a scheduler
    // slice when a request's thread wakes up; an idle-class thread yields at once.
    let idle = ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle);
    if let Err(e) = set_thread_priority_and_policy(thread_native_id(), ThreadPriority::Min, idle) {
        tracing::warn!(error = ?e, "could not put the hashing thread on the idle scheduling class");
    }
}

#[cfg(not(target_os = "linux"))]
fn lower_priority() {}

/// An unknown email costs one verification too (against `DUMMY_PHC`).
fn check_now(email: &str, password: &str) -> Option<User> {
    let user = by_email(email);
    let phc = user.map_or(DUMMY_PHC, |u| u.phc);
    verify(phc, password).then_some(user?).map(DemoUser::user)
}

fn verify(phc: &str, password: &str) -> bool {
    // The parameters come from the PHC string itself.
    PasswordHash::new(phc).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_passwords_match_the_stored_hashes_and_nothing_matches_the_dummy() {
        assert!(verify(USERS[0].phc, "123"));
        assert!(verify(USERS[1].phc, "hunter2"));
        assert!(!verify(USERS[0].phc, "1234"));
        assert!(!verify(DUMMY_PHC, "123") && !verify(DUMMY_PHC, ""));
        for u in &USERS {
            assert!(u.phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{}", u.email);
        }
    }

    #[tokio::test]
    async fn unknown_email_and_wrong_password_both_fail() {
        let hashers = Hashers::start(1, 4);
        let check = |email: &str, password: &str| hashers.check(email.into(), password.into());
        assert_eq!(check("A@B.com", "123").await.map(|u| u.map(|u| u.id)), Ok(Some(1)));
        assert_eq!(check("a@b.com", "wrong").await, Ok(None));
        assert_eq!(check("nobody@x.y", "123").await, Ok(None));
    }

    #[tokio::test]
    async fn a_full_queue_is_busy_at_once() {
        // One thread and room for one waiting: of eight at once, most are turned away.
        let hashers = Hashers::start(1, 1);
        let waiting: Vec<_> = (0..8).map(|_| hashers.check("a@b.com".into(), "x".into())).collect();
        let answers = futures_util::future::join_all(waiting).await;
        assert!(answers.contains(&Err(Busy)), "{answers:?}");
        assert!(answers.iter().filter(|a| a.is_ok()).count() <= 3, "one hashing, one queued, maybe one more taken meanwhile: {answers:?}");
    }
}
