//! Any bytes as the body of PUT /control/cors: parsing and validation never panic, and a valid
//! policy survives a JSON round trip unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shared::cors::CorsPolicy;

fuzz_target!(|data: &[u8]| {
    if let Ok(policy) = serde_json::from_slice::<CorsPolicy>(data) {
        if policy.validate().is_ok() {
            let again: CorsPolicy = serde_json::from_str(&serde_json::to_string(&policy).unwrap()).unwrap();
            assert_eq!(again, policy);
        }
    }
});
