//! Server-side sessions: ids, expiry rules, and the store interface that memory (and later
//! Redis) implement.

pub mod memory;
pub mod redis;

use std::{future::Future, pin::Pin};

use hmac::{Hmac, Mac};
use sha2::Sha256;
use shared::wire::SessionRow;

use crate::clock::{Millis, rfc3339};

/// 128 bits from the OS CSPRNG.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionId([u8; 16]);

impl SessionId {
    pub fn random() -> Result<SessionId, StoreError> {
        let mut bytes = [0u8; 16];
        getrandom::fill(&mut bytes).map_err(|e| StoreError(format!("the OS random source failed: {e}")))?;
        Ok(SessionId(bytes))
    }

    /// Parses the cookie form; anything else (wrong length, other alphabet) is no id of ours.
    pub fn parse(text: &str) -> Option<SessionId> {
        shared::jwt::b64url_decode_exact(text).map(SessionId)
    }

    /// URL-safe base64 without padding: 22 characters, safe in a cookie.
    pub fn encode(&self) -> String {
        shared::jwt::b64url(&self.0)
    }

    /// The first 8 characters of `encode()` (6 bytes encode to exactly 8), for logs.
    pub fn prefix(&self) -> String {
        shared::jwt::b64url(&self.0[..6])
    }
}

impl std::fmt::Debug for SessionId {
    /// Never the whole id: debug output ends up in logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SessionId({}…)", self.prefix())
    }
}

/// How long sessions live.
#[derive(Clone, Copy, Debug)]
pub struct Lifetimes {
    /// Idle timeout, renewed on every use (sliding).
    pub idle_ms: Millis,
    /// Absolute limit from creation, however active the session is.
    pub absolute_ms: Millis,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user_id: u64,
    pub created_at: Millis,
    pub last_seen_at: Millis,
    pub expires_at: Millis,
}

impl Session {
    pub fn new(id: SessionId, user_id: u64, now: Millis, life: Lifetimes) -> Session {
        Session { id, user_id, created_at: now, last_seen_at: now, expires_at: now + life.idle_ms.min(life.absolute_ms) }
    }

    /// The session after a use at `now`: idle expiry slides, the absolute limit does not.
    pub fn touched(self, now: Millis, life: Lifetimes) -> Session {
        let expires_at = (now + life.idle_ms).min(self.created_at + life.absolute_ms);
        Session { last_seen_at: now, expires_at, ..self }
    }

    pub fn is_expired(&self, now: Millis) -> bool {
        now >= self.expires_at
    }
}

/// Names sessions in the control plane without giving their ids away: a handle is a keyed
/// hash of the id (HMAC-SHA256 with a key made at start), so it revokes a session but cannot
/// be turned back into the cookie that would hijack it.
#[derive(Clone)]
pub struct Handles(Hmac<Sha256>);

impl Handles {
    pub fn random() -> Result<Handles, StoreError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError(format!("the OS random source failed: {e}")))?;
        Ok(Handles(Hmac::new_from_slice(&key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length"))))
    }

    /// 12 bytes of the hash as 16 base64url characters (an id has 22, so the two never mix up).
    pub fn handle(&self, id: SessionId) -> String {
        let mut mac = self.0.clone();
        mac.update(&id.0);
        shared::jwt::b64url(&mac.finalize().into_bytes()[..12])
    }

    /// The `GET /control/sessions` row of `session`.
    pub fn row(&self, session: &Session) -> SessionRow {
        SessionRow {
            handle: self.handle(session.id),
            id_prefix: session.id.prefix(),
            user_id: session.user_id,
            created_at: rfc3339(session.created_at),
            last_seen_at: rfc3339(session.last_seen_at),
            expires_at: rfc3339(session.expires_at),
        }
    }
}

/// What a lookup found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lookup {
    Found(Session),
    /// It existed but its time is up (it is removed now).
    Expired,
    Unknown,
}

/// The store could not be reached or failed; the client gets 503 `store_unavailable`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

pub type StoreResult<T> = Result<T, StoreError>;
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where sessions live. Boxed futures keep the trait object-safe, so the backend holds an
/// `Arc<dyn SessionStore>` chosen by `--session-store`.
pub trait SessionStore: Send + Sync {
    fn insert(&self, session: Session) -> BoxFuture<'_, StoreResult<()>>;
    /// Looks `id` up at `now` and, when found, slides its expiry (one round trip).
    fn touch(&self, id: SessionId, now: Millis, life: Lifetimes) -> BoxFuture<'_, StoreResult<Lookup>>;
    /// `true` when a session was deleted.
    fn remove(&self, id: SessionId) -> BoxFuture<'_, StoreResult<bool>>;
    /// Live sessions, oldest first.
    fn list(&self, now: Millis) -> BoxFuture<'_, StoreResult<Vec<Session>>>;
    /// Drops expired sessions; returns how many.
    fn sweep(&self, now: Millis) -> BoxFuture<'_, StoreResult<usize>>;
    fn clear(&self) -> BoxFuture<'_, StoreResult<()>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFE: Lifetimes = Lifetimes { idle_ms: 1_000, absolute_ms: 5_000 };

    #[test]
    fn ids_are_128_bits_url_safe_and_round_trip() {
        let a = SessionId::random().unwrap();
        let b = SessionId::random().unwrap();
        assert_ne!(a, b);
        let text = a.encode();
        assert_eq!(text.len(), 22);
        assert!(text.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'), "{text}");
        assert_eq!(SessionId::parse(&text), Some(a));
        for bad in ["", "short", &format!("{text}A"), &text.replace(|_: char| true, "+")] {
            assert_eq!(SessionId::parse(bad), None, "{bad}");
        }
        assert!(!format!("{a:?}").contains(&text), "Debug never shows the whole id");
    }

    #[test]
    fn rows_name_a_session_by_prefix_and_handle_never_by_its_id() {
        let handles = Handles::random().unwrap();
        let s = Session::new(SessionId::random().unwrap(), 1, 0, LIFE);
        let row = handles.row(&s);
        let id = s.id.encode();
        assert_eq!(row.id_prefix, id[..8]);
        assert_eq!(row.handle.len(), 16);
        assert!(!row.handle.contains(&id[..8]) && SessionId::parse(&row.handle).is_none());
        assert_eq!(handles.handle(s.id), row.handle, "stable for one key");
        assert_ne!(Handles::random().unwrap().handle(s.id), row.handle, "another key, another handle");
    }

    #[test]
    fn idle_expiry_slides_but_never_past_the_absolute_limit() {
        let s = Session::new(SessionId::random().unwrap(), 1, 0, LIFE);
        assert_eq!(s.expires_at, 1_000);
        let s = s.touched(900, LIFE);
        assert_eq!((s.last_seen_at, s.expires_at), (900, 1_900));
        let s = s.touched(4_500, LIFE);
        assert_eq!(s.expires_at, 5_000, "capped by the absolute limit");
        assert!(s.is_expired(5_000) && !s.is_expired(4_999));
    }
}

/// The key of the CSRF token defense (`lab::csrf_token`): a session's token is HMAC-SHA256 of
/// its id under it. Made at start, never shown nor stored; a reset ends every session, so it
/// need not change. (Instances do not share it: behind the round-robin balancer, a token one
/// instance made is wrong at the other.)
pub struct CsrfKey(Hmac<Sha256>);

impl CsrfKey {
    pub fn random() -> Result<CsrfKey, StoreError> {
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| StoreError(format!("the OS random source failed: {e}")))?;
        Ok(CsrfKey::new(&key))
    }

    pub fn new(key: &[u8]) -> CsrfKey {
        CsrfKey(Hmac::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC accepts any key length")))
    }

    /// The session's token: HMAC-SHA256 of its id (as the cookie carries it), in base64url
    /// without padding (43 characters).
    pub fn token(&self, session: SessionId) -> String {
        let mut mac = self.0.clone();
        mac.update(session.encode().as_bytes());
        shared::jwt::b64url(&mac.finalize().into_bytes())
    }

    /// Whether `given` is the session's token, compared in constant time (its length aside,
    /// which is no secret).
    pub fn matches(&self, session: SessionId, given: &[u8]) -> bool {
        constant_time_eq::constant_time_eq(self.token(session).as_bytes(), given)
    }
}
