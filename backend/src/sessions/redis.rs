//! The Redis session store: what several backends share, so that a session made on one is
//! known to all (the seed's "Scaling" row).
//!
//! Layout: one key per session, `playground:session:<id>` = `user_id:created:last_seen:expires`
//! (milliseconds), with a TTL equal to its expiry (renewed on use); and one sorted set
//! `playground:sessions` of ids by creation time, for listing, the cap and clearing. Ids whose
//! key expired are dropped from the set by `sweep` and `list`.

use std::time::Duration;

use redis::{AsyncCommands, aio::ConnectionManager};

use super::{BoxFuture, Lifetimes, Lookup, Session, SessionId, SessionStore, StoreError, StoreResult};
use crate::clock::Millis;

const INDEX: &str = "playground:sessions";

fn key(id: &str) -> String {
    format!("playground:session:{id}")
}

pub struct RedisStore {
    redis: ConnectionManager,
    cap: usize,
}

impl RedisStore {
    /// Prepares the connection without connecting: the backend starts even while Redis is
    /// down, answers 503 meanwhile, and recovers by itself when Redis is back.
    /// `timeout` bounds connecting and each answer (`--store-timeout`): with Redis down, a
    /// request fails fast with 503 instead of hanging.
    pub fn new(url: &str, cap: usize, timeout: Duration) -> Result<RedisStore, StoreError> {
        let client = redis::Client::open(url).map_err(|e| StoreError(format!("{url} is not a Redis URL: {e}")))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let redis = ConnectionManager::new_lazy_with_config(client, config).map_err(unavailable)?;
        Ok(RedisStore { redis, cap: cap.max(1) })
    }

    fn conn(&self) -> ConnectionManager {
        // A cheap handle onto one multiplexed connection.
        self.redis.clone()
    }
}

fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError(format!("Redis: {e}"))
}

fn encode(s: &Session) -> String {
    format!("{}:{}:{}:{}", s.user_id, s.created_at, s.last_seen_at, s.expires_at)
}

fn decode(id: SessionId, value: &str) -> Option<Session> {
    let mut parts = value.split(':').map(str::parse::<u64>);
    let (Some(Ok(user_id)), Some(Ok(created_at)), Some(Ok(last_seen_at)), Some(Ok(expires_at)), None) =
        (parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    Some(Session { id, user_id, created_at, last_seen_at, expires_at })
}

/// Milliseconds until `expires_at`, at least 1 (PX 0 is an error).
fn ttl(expires_at: Millis, now: Millis) -> u64 {
    expires_at.saturating_sub(now).max(1)
}

impl SessionStore for RedisStore {
    fn insert(&self, session: Session) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            let mut conn = self.conn();
            let id = session.id.encode();
            let ttl_ms = ttl(session.expires_at, session.created_at);
            redis::pipe()
                .atomic()
                .set_options(key(&id), encode(&session), redis::SetOptions::default().with_expiration(redis::SetExpiry::PX(ttl_ms)))
                .zadd(INDEX, &id, session.created_at)
                .query_async::<()>(&mut conn)
                .await
                .map_err(unavailable)?;
            // Bounded like the memory store: beyond the cap the oldest sessions go.
            let count: usize = conn.zcard(INDEX).await.map_err(unavailable)?;
            if count > self.cap {
                let oldest: Vec<(String, f64)> = conn.zpopmin(INDEX, (count - self.cap) as isize).await.map_err(unavailable)?;
                let keys: Vec<String> = oldest.iter().map(|(id, _)| key(id)).collect();
                let _: () = conn.del(keys).await.map_err(unavailable)?;
            }
            Ok(())
        })
    }

    fn touch(&self, id: SessionId, now: Millis, life: Lifetimes) -> BoxFuture<'_, StoreResult<Lookup>> {
        Box::pin(async move {
            let mut conn = self.conn();
            let k = key(&id.encode());
            let value: Option<String> = conn.get(&k).await.map_err(unavailable)?;
            let Some(session) = value.and_then(|v| decode(id, &v)) else {
                return Ok(Lookup::Unknown);
            };
            if session.is_expired(now) {
                let _: () = conn.del(&k).await.map_err(unavailable)?;
                return Ok(Lookup::Expired);
            }
            let touched = session.touched(now, life);
            // XX: only if it still exists (a logout meanwhile wins).
            let options = redis::SetOptions::default()
                .conditional_set(redis::ExistenceCheck::XX)
                .with_expiration(redis::SetExpiry::PX(ttl(touched.expires_at, now)));
            let _: Option<String> = conn.set_options(&k, encode(&touched), options).await.map_err(unavailable)?;
            Ok(Lookup::Found(touched))
        })
    }

    fn remove(&self, id: SessionId) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let mut conn = self.conn();
            let id = id.encode();
            let (deleted, _): (u64, u64) =
                redis::pipe().atomic().del(key(&id)).zrem(INDEX, &id).query_async(&mut conn).await.map_err(unavailable)?;
            Ok(deleted > 0)
        })
    }

    fn list(&self, now: Millis) -> BoxFuture<'_, StoreResult<Vec<Session>>> {
        Box::pin(async move {
            let mut conn = self.conn();
            let ids: Vec<String> = conn.zrange(INDEX, 0, -1).await.map_err(unavailable)?;
            if ids.is_empty() {
                return Ok(vec![]);
            }
            let keys: Vec<String> = ids.iter().map(|id| key(id)).collect();
            let values: Vec<Option<String>> = redis::cmd("MGET").arg(&keys).query_async(&mut conn).await.map_err(unavailable)?;
            let mut live = Vec::new();
            let mut gone = Vec::new();
            for (id, value) in ids.iter().zip(values) {
                match SessionId::parse(id).zip(value).and_then(|(sid, v)| decode(sid, &v)) {
                    Some(s) if !s.is_expired(now) => live.push(s),
                    _ => gone.push(id.clone()),
                }
            }
            if !gone.is_empty() {
                let _: () = conn.zrem(INDEX, gone).await.map_err(unavailable)?;
            }
            Ok(live)
        })
    }

    fn sweep(&self, now: Millis) -> BoxFuture<'_, StoreResult<usize>> {
        Box::pin(async move {
            // Redis expires the keys itself; what is left to drop are their ids in the index.
            let before: usize = self.conn().zcard(INDEX).await.map_err(unavailable)?;
            let live = self.list(now).await?.len();
            Ok(before.saturating_sub(live))
        })
    }

    fn clear(&self) -> BoxFuture<'_, StoreResult<()>> {
        Box::pin(async move {
            let mut conn = self.conn();
            let ids: Vec<String> = conn.zrange(INDEX, 0, -1).await.map_err(unavailable)?;
            let mut keys: Vec<String> = ids.iter().map(|id| key(id)).collect();
            keys.push(INDEX.to_owned());
            let _: () = conn.del(keys).await.map_err(unavailable)?;
            Ok(())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_junk_is_no_session() {
        let id = SessionId::random().unwrap();
        let s = Session { id, user_id: 2, created_at: 1, last_seen_at: 2, expires_at: 3 };
        assert_eq!(decode(id, &encode(&s)), Some(s));
        for junk in ["", "1:2:3", "1:2:3:4:5", "a:b:c:d"] {
            assert_eq!(decode(id, junk), None, "{junk}");
        }
        assert_eq!(ttl(5, 10), 1);
    }
}
