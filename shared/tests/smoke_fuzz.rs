//! A few seconds of pseudo-random input through the same checks as the cargo-fuzz targets
//! (`fuzz/`), so every test run exercises the parsers with junk too. The long runs are
//! `cargo +nightly fuzz run <target>` (README, Reliability).

use shared::{
    cors::{Action, AllowOrigin, CorsPolicy, CorsRequest, RefusedPreflight, decide, policy::check_origin},
    jwt,
};

/// Seeded, so a failure reproduces from its iteration number.
struct Rng(fastrand::Rng);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(fastrand::Rng::with_seed(seed))
    }

    /// A string biased towards the characters these parsers care about.
    fn text(&mut self, max: usize) -> String {
        const ALPHABET: &[u8] = b"eyJhbGciOiJIUzI1NiJ9.=,-_+/ {}\":[]*nulhtp:/localhost8080ORIGINAuthorization\t\r\\";
        let len = self.0.usize(..max);
        (0..len)
            .map(|_| match self.0.u8(..50) {
                0 => char::from_u32(self.0.u32(..0x2_0000)).unwrap_or('?'),
                _ => ALPHABET[self.0.usize(..ALPHABET.len())] as char,
            })
            .collect()
    }
}

#[test]
fn jwt_decode_and_verify_never_panic_on_junk() {
    let mut rng = Rng::new(0x9e37_79b9_7f4a_7c15);
    let valid = jwt::encode(&jwt::Claims { sub: "1".into(), email: None, iat: None, exp: 2_000_000_000, nbf: None }, b"k");
    for i in 0..20_000 {
        let mut token = rng.text(120);
        if i % 3 == 0 {
            // Mutate a real token: the interesting inputs are near-valid ones.
            token = valid.clone();
            let at = rng.0.usize(..token.len());
            let replacement = rng.text(3);
            token.replace_range(at..(at + 1).min(token.len()), &replacement);
        }
        let _ = jwt::decode(&token);
        if let Ok(claims) = jwt::verify(&token, b"k", 1_800_000_000) {
            assert_eq!(token, valid, "iteration {i}: a mutated token verified");
            assert_eq!(claims.sub, "1");
        }
        // The deliberately vulnerable reading takes only tokens with an empty signature part.
        if jwt::verify_unsigned(&token, 1_800_000_000).is_ok() {
            assert!(token.ends_with('.'), "iteration {i}: an unsigned token with a signature");
        }
    }
}

#[test]
fn cors_decisions_never_panic_and_refused_preflights_stay_bare() {
    let mut rng = Rng::new(0x1234_5678_9abc_def1);
    let base = CorsPolicy::secure_default("http://localhost:8080");
    let policies = [
        base.clone(),
        CorsPolicy { allow_origin: AllowOrigin::Reflect, ..base.clone() },
        CorsPolicy { allow_origin: AllowOrigin::Any, allow_headers: vec!["*".into()], ..base.clone() },
        CorsPolicy { refused_preflight: RefusedPreflight::Headers, ..base.clone() },
    ];
    for i in 0..20_000 {
        let (origin, method, headers) = (rng.text(40), rng.text(10), rng.text(80));
        let _ = check_origin(&origin);
        for policy in &policies {
            let req = CorsRequest { method: "OPTIONS", origin: Some(&origin), request_method: Some(&method), request_headers: Some(&headers) };
            let d = decide(policy, &req);
            if d.action == (Action::AnswerPreflight { allowed: false }) && policy.refused_preflight == RefusedPreflight::Forbidden {
                assert!(d.headers.is_empty(), "iteration {i}");
            }
            assert!(!d.reason.to_string().is_empty());
        }
    }
}

#[test]
fn policy_json_never_panics_and_valid_policies_round_trip() {
    let mut rng = Rng::new(0xdead_beef_cafe_f00d);
    let valid = serde_json::to_string(&CorsPolicy::secure_default("http://localhost:8080")).unwrap();
    for _ in 0..20_000 {
        let mut text = valid.clone();
        let at = rng.0.usize(..text.len());
        let replacement = rng.text(4);
        if text.is_char_boundary(at) && text.is_char_boundary((at + 1).min(text.len())) {
            text.replace_range(at..(at + 1).min(text.len()), &replacement);
        }
        if let Ok(policy) = serde_json::from_str::<CorsPolicy>(&text)
            && policy.validate().is_ok()
        {
            let again: CorsPolicy = serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
            assert_eq!(again, policy);
        }
    }
}
