//! What other crates of the workspace take from xtask: the scaling lab's HAProxy
//! configuration and how its Redis runs, so the end-to-end tests run the balancer and the
//! store `cargo xtask run --scale lb` runs. The commands themselves are the binary
//! (`xtask/src/main.rs`).

pub mod haproxy;
pub mod redis;
