//! A `redis-server` of a test's own.

use super::*;

/// A `redis-server` of the test's own on a free loopback port, nothing saved, stopped on drop.
pub struct Redis {
    child: Child,
    /// `redis://127.0.0.1:PORT/0`, for `--session-store`.
    pub url: String,
}

impl Redis {
    pub fn start() -> Redis {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(xtask::redis::args(port))
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server is installed (cargo xtask test installs it)");
        let redis = Redis { child, url: xtask::redis::url(port) };
        wait_for_port(port, "redis-server");
        redis
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
