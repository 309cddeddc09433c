//! Micro-benchmark of a session lookup (touch) in the memory store holding 100,000 sessions.

use std::{hint::black_box, time::Duration};

use backend::sessions::{Lifetimes, Session, SessionId, SessionStore, memory::MemoryStore};
use criterion::{Criterion, criterion_group, criterion_main};

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let life = Lifetimes { idle_ms: 3_600_000, absolute_ms: 86_400_000 };
    let store = MemoryStore::new(1_000_000);
    let ids: Vec<SessionId> = (0..100_000)
        .map(|i| {
            let id = SessionId::random().unwrap();
            runtime.block_on(store.insert(Session::new(id, i % 2 + 1, 0, life))).unwrap();
            id
        })
        .collect();
    let mut i = 0;
    c.bench_function("session_touch_100k", |b| {
        b.iter(|| {
            i = (i + 7919) % ids.len();
            runtime.block_on(store.touch(black_box(ids[i]), 1_000, life)).unwrap()
        })
    });
}

criterion_group! {
    name = sessions;
    config = Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = benches
}
criterion_main!(sessions);
