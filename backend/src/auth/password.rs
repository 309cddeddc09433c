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

/// Hash verifications running at once: all cores but one, so a login flood queues here
/// (without holding a thread) while one core keeps answering everything else.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    tokio::sync::Semaphore::new(cores.saturating_sub(1).max(1))
});

/// The user these credentials belong to, if any. CPU-heavy (tens of milliseconds): runs on
/// the blocking pool so it never stalls the async workers, a bounded number at a time.
pub async fn check_credentials(email: String, password: String) -> Option<User> {
    let _permit = HASHING.acquire().await.ok()?;
    tokio::task::spawn_blocking(move || {
        let user = by_email(&email);
        let phc = user.map_or(DUMMY_PHC, |u| u.phc);
        verify(phc, &password).then_some(user?).map(DemoUser::user)
    })
    .await
    .ok()
    .flatten()
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
        assert_eq!(check_credentials("A@B.com".into(), "123".into()).await.map(|u| u.id), Some(1));
        assert_eq!(check_credentials("a@b.com".into(), "wrong".into()).await, None);
        assert_eq!(check_credentials("nobody@x.y".into(), "123".into()).await, None);
    }
}
