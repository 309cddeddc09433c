//! What other crates of the workspace take from xtask: the scaling lab's HAProxy
//! configuration and how its Redis runs, so the end-to-end tests run the balancer and the
//! store `cargo xtask run --scale lb` runs. The commands themselves are the binary
//! (`xtask/src/main.rs`).

pub mod haproxy;
pub mod redis;

/// `bytes` bytes from the kernel's CSPRNG, in hex: the scaling lab's JWT secret, the name of
/// HAProxy's private directory.
pub fn random_hex(bytes: usize) -> std::io::Result<String> {
    use std::{fmt::Write, io::Read};
    let mut buf = vec![0u8; bytes];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf.iter().fold(String::with_capacity(2 * bytes), |mut hex, b| {
        let _ = write!(hex, "{b:02x}");
        hex
    }))
}
