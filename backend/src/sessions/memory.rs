//! The in-memory session store: bounded (oldest evicted first) and swept of expired sessions.

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
};

use super::{BoxFuture, Lifetimes, Lookup, Session, SessionId, SessionStore, StoreResult};
use crate::clock::Millis;

pub struct MemoryStore {
    cap: usize,
    inner: Mutex<Inner>,
}

struct Inner {
    by_id: HashMap<SessionId, Session>,
    /// Ids in creation order, for eviction. Removed ids linger until popped or compacted.
    order: VecDeque<SessionId>,
}

impl MemoryStore {
    pub fn new(cap: usize) -> MemoryStore {
        MemoryStore { cap: cap.max(1), inner: Mutex::new(Inner { by_id: HashMap::new(), order: VecDeque::new() }) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn len(&self) -> usize {
        self.lock().by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Inner {
    fn compact_if_sparse(&mut self) {
        if self.order.len() > 2 * self.by_id.len() + 64 {
            let by_id = &self.by_id;
            self.order.retain(|id| by_id.contains_key(id));
        }
    }
}

impl SessionStore for MemoryStore {
    fn insert(&self, session: Session) -> BoxFuture<'_, StoreResult<()>> {
        let mut inner = self.lock();
        while inner.by_id.len() >= self.cap {
            match inner.order.pop_front() {
                Some(oldest) => {
                    inner.by_id.remove(&oldest);
                }
                None => break,
            }
        }
        inner.by_id.insert(session.id, session);
        inner.order.push_back(session.id);
        Box::pin(std::future::ready(Ok(())))
    }

    fn touch(&self, id: SessionId, now: Millis, life: Lifetimes) -> BoxFuture<'_, StoreResult<Lookup>> {
        let mut inner = self.lock();
        let lookup = match inner.by_id.get_mut(&id) {
            None => Lookup::Unknown,
            Some(session) if session.is_expired(now) => {
                inner.by_id.remove(&id);
                Lookup::Expired
            }
            Some(session) => {
                *session = session.touched(now, life);
                Lookup::Found(*session)
            }
        };
        Box::pin(std::future::ready(Ok(lookup)))
    }

    fn remove(&self, id: SessionId) -> BoxFuture<'_, StoreResult<bool>> {
        let mut inner = self.lock();
        let removed = inner.by_id.remove(&id).is_some();
        inner.compact_if_sparse();
        Box::pin(std::future::ready(Ok(removed)))
    }

    fn list(&self, now: Millis) -> BoxFuture<'_, StoreResult<Vec<Session>>> {
        let inner = self.lock();
        let mut live: Vec<Session> = inner.by_id.values().filter(|s| !s.is_expired(now)).copied().collect();
        live.sort_by_key(|s| (s.created_at, s.id));
        Box::pin(std::future::ready(Ok(live)))
    }

    fn sweep(&self, now: Millis) -> BoxFuture<'_, StoreResult<usize>> {
        let mut inner = self.lock();
        let before = inner.by_id.len();
        inner.by_id.retain(|_, s| !s.is_expired(now));
        let swept = before - inner.by_id.len();
        inner.compact_if_sparse();
        if inner.by_id.is_empty() {
            // Give the memory of a big burst back.
            inner.by_id = HashMap::new();
            inner.order = VecDeque::new();
        }
        Box::pin(std::future::ready(Ok(swept)))
    }

    fn clear(&self) -> BoxFuture<'_, StoreResult<()>> {
        let mut inner = self.lock();
        inner.by_id = HashMap::new();
        inner.order = VecDeque::new();
        Box::pin(std::future::ready(Ok(())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIFE: Lifetimes = Lifetimes { idle_ms: 1_000, absolute_ms: 10_000 };

    fn session(now: Millis) -> Session {
        Session::new(SessionId::random().unwrap(), 1, now, LIFE)
    }

    #[tokio::test]
    async fn the_oldest_is_evicted_at_the_cap() {
        let store = MemoryStore::new(2);
        let (a, b, c) = (session(0), session(1), session(2));
        for s in [a, b, c] {
            store.insert(s).await.unwrap();
        }
        assert_eq!(store.touch(a.id, 3, LIFE).await.unwrap(), Lookup::Unknown);
        assert!(matches!(store.touch(c.id, 3, LIFE).await.unwrap(), Lookup::Found(_)));
        assert_eq!(store.len(), 2);
    }

    #[tokio::test]
    async fn expired_sessions_say_so_once_and_the_sweeper_frees_them() {
        let store = MemoryStore::new(10);
        let (a, b) = (session(0), session(0));
        store.insert(a).await.unwrap();
        store.insert(b).await.unwrap();
        assert_eq!(store.touch(a.id, 1_000, LIFE).await.unwrap(), Lookup::Expired);
        assert_eq!(store.touch(a.id, 1_000, LIFE).await.unwrap(), Lookup::Unknown);
        assert_eq!(store.list(1_000).await.unwrap(), vec![]);
        assert_eq!(store.sweep(1_000).await.unwrap(), 1);
        assert!(store.is_empty());
    }

    #[tokio::test]
    async fn removed_ids_do_not_pile_up_in_the_eviction_queue() {
        let store = MemoryStore::new(10);
        for i in 0..1_000 {
            let s = session(i);
            store.insert(s).await.unwrap();
            store.remove(s.id).await.unwrap();
        }
        assert!(store.lock().order.len() <= 64 + 1);
    }
}
