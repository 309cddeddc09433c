//! `cargo run --release -p backend --example session_memory [N]`: the memory store's
//! footprint. Creates N sessions (default 1,000,000), lets them expire, sweeps, and prints
//! the process's resident memory at each step (Linux `/proc/self/status`).

use std::time::Instant;

use backend::sessions::{Lifetimes, Session, SessionId, SessionStore, memory::MemoryStore};

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let life = Lifetimes { idle_ms: 60_000, absolute_ms: 60_000 };
    let store = MemoryStore::new(n);
    let before = rss_mb();
    let started = Instant::now();
    for i in 0..n {
        let id = SessionId::random().expect("OS randomness");
        store.insert(Session::new(id, (i % 2 + 1) as u64, 0, life)).await.expect("memory store");
    }
    let filled = started.elapsed();
    let after = rss_mb();
    let swept = store.sweep(60_000).await.expect("memory store");
    let after_expiry = rss_mb();
    println!("sessions: {n} created in {:.2} s, {swept} swept after expiry", filled.as_secs_f64());
    println!("rss before: {before:.1} MB");
    println!("rss with {n} sessions: {after:.1} MB ({:.0} bytes a session)", (after - before) * 1024.0 * 1024.0 / n as f64);
    println!("rss after expiry and sweep: {after_expiry:.1} MB");
}
