//! One contract, two stores: the same tests run against the memory store and against a real
//! `redis-server` (over its socket: Redis is the store under test).

use std::time::Duration;

use backend::sessions::{Lifetimes, Lookup, Session, SessionId, SessionStore, memory::MemoryStore, redis::RedisStore};

use crate::helpers::{RedisServer, eventually};

const LIFE: Lifetimes = Lifetimes { idle_ms: 60_000, absolute_ms: 600_000 };

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64
}

fn session(created: u64, user: u64) -> Session {
    Session::new(SessionId::random().unwrap(), user, created, LIFE)
}

async fn contract(store: &dyn SessionStore) {
    let t = now();
    store.clear().await.unwrap();

    // insert, then touch: found, and the idle expiry slides
    let a = session(t, 1);
    store.insert(a).await.unwrap();
    match store.touch(a.id, t + 1_000, LIFE).await.unwrap() {
        Lookup::Found(s) => {
            assert_eq!((s.user_id, s.created_at, s.last_seen_at), (1, t, t + 1_000));
            assert_eq!(s.expires_at, t + 61_000);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.touch(SessionId::random().unwrap(), t, LIFE).await.unwrap(), Lookup::Unknown);

    // list: live sessions, oldest first
    let b = session(t + 10, 2);
    store.insert(b).await.unwrap();
    let listed: Vec<u64> = store.list(t + 20).await.unwrap().iter().map(|s| s.user_id).collect();
    assert_eq!(listed, vec![1, 2]);

    // remove: once true, then false; the session is gone
    assert!(store.remove(a.id).await.unwrap());
    assert!(!store.remove(a.id).await.unwrap());
    assert_eq!(store.touch(a.id, t + 30, LIFE).await.unwrap(), Lookup::Unknown);

    // an expired session is expired (or already gone), never found
    let old = Session { expires_at: t + 100, ..session(t, 1) };
    store.insert(old).await.unwrap();
    assert!(matches!(store.touch(old.id, t + 200, LIFE).await.unwrap(), Lookup::Expired | Lookup::Unknown));
    assert!(store.list(t + 200).await.unwrap().iter().all(|s| s.id != old.id));

    // clear: nothing left
    store.clear().await.unwrap();
    assert!(store.list(t).await.unwrap().is_empty());
    assert_eq!(store.touch(b.id, t, LIFE).await.unwrap(), Lookup::Unknown);
}

async fn cap(store: &dyn SessionStore) {
    let t = now();
    store.clear().await.unwrap();
    let sessions: Vec<Session> = (0..3).map(|i| session(t + i, i)).collect();
    for s in &sessions {
        store.insert(*s).await.unwrap();
    }
    assert_eq!(store.touch(sessions[0].id, t + 5, LIFE).await.unwrap(), Lookup::Unknown, "the oldest was evicted");
    assert_eq!(store.list(t + 5).await.unwrap().len(), 2);
}

#[tokio::test]
async fn memory_store_keeps_the_contract() {
    contract(&MemoryStore::new(100)).await;
    cap(&MemoryStore::new(2)).await;
}

#[tokio::test]
async fn redis_store_keeps_the_contract() {
    let redis = RedisServer::start();
    contract(&RedisStore::new(&redis.url(), 100, Duration::from_secs(1)).unwrap()).await;
    cap(&RedisStore::new(&redis.url(), 2, Duration::from_secs(1)).unwrap()).await;
}

#[tokio::test]
async fn redis_expires_keys_by_itself() {
    let redis = RedisServer::start();
    let store = RedisStore::new(&redis.url(), 100, Duration::from_secs(1)).unwrap();
    let t = now();
    let short = Session { expires_at: t + 50, ..session(t, 1) };
    store.insert(short).await.unwrap();
    // Asked beside the store, which would slide the expiry (`touch`) or tidy the index (`list`).
    let conn = redis::Client::open(redis.url()).unwrap().get_multiplexed_async_connection().await.unwrap();
    let key = format!("playground:session:{}", short.id.encode());
    eventually("Redis drops the key at its TTL", || {
        let (mut conn, key) = (conn.clone(), key.clone());
        async move { redis::cmd("EXISTS").arg(key).query_async::<u64>(&mut conn).await.unwrap() == 0 }
    })
    .await;
    assert_eq!(store.touch(short.id, now(), LIFE).await.unwrap(), Lookup::Unknown, "Redis dropped the key at its TTL");
    assert_eq!(store.sweep(now()).await.unwrap(), 1, "and the sweep drops its id from the index");
}
