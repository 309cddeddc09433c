//! Micro-benchmarks of the hot pure functions: JWT verification and the CORS decision.
//! Run with `cargo bench -p shared` (or `cargo xtask bench`).

use std::{hint::black_box, time::Duration};

use criterion::{Criterion, criterion_group, criterion_main};
use shared::{
    cors::{CorsPolicy, CorsRequest, decide},
    jwt::{self, Claims},
};

fn benches(c: &mut Criterion) {
    let secret = b"a-secret-of-at-least-thirty-two-bytes!!";
    // A token as `/api/token` issues them (valid for an hour).
    let now = 1_800_000_000;
    let token = jwt::encode(&Claims { sub: "1".into(), email: Some("a@b.com".into()), iat: Some(now), exp: now + 3600, nbf: None }, secret);
    c.bench_function("jwt_verify", |b| b.iter(|| jwt::verify(black_box(&token), black_box(secret), now)));
    // What the server does: the key prepared once per secret.
    let key = jwt::Key::new(secret);
    c.bench_function("jwt_verify_with_key", |b| b.iter(|| jwt::verify_with(black_box(&token), &key, now)));

    let policy = CorsPolicy::secure_default("http://localhost:8080");
    let preflight = CorsRequest {
        method: "OPTIONS",
        origin: Some("http://localhost:8080"),
        request_method: Some("GET"),
        request_headers: Some("authorization, content-type"),
    };
    let actual = CorsRequest { method: "GET", origin: Some("http://localhost:8080"), ..Default::default() };
    c.bench_function("cors_decide_preflight", |b| b.iter(|| decide(black_box(&policy), black_box(&preflight))));
    c.bench_function("cors_decide_actual", |b| b.iter(|| decide(black_box(&policy), black_box(&actual))));
}

criterion_group! {
    name = rules;
    config = Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = benches
}
criterion_main!(rules);
