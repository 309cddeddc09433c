//! How the playground runs `redis-server`, the store the scaling lab's instances share: on
//! loopback, nothing saved to disk, so every run starts empty. `cargo xtask run`, the bench
//! and the end-to-end tests start it the same way.

/// `redis-server`'s arguments for a store on `127.0.0.1:port`.
pub fn args(port: u16) -> Vec<String> {
    let port = port.to_string();
    ["--port", &port, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"].map(str::to_owned).to_vec()
}

/// The backend's `--session-store` for that store.
pub fn url(port: u16) -> String {
    format!("redis://127.0.0.1:{port}/0")
}
