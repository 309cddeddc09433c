//! The CORS rules: the policy model and the server's decision.

pub mod browser;
pub mod causes;
pub mod console;
pub mod engine;
pub mod fix;
pub mod policy;
pub mod predict;
pub mod server;

pub use engine::Engine;
pub use policy::{AllowOrigin, CorsPolicy, Mistake, PolicyError, Preemption, RefusedPreflight, ValidPolicy};
pub use server::{Action, CorsRequest, Decision, Reason, decide};
