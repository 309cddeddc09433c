//! The backend binary, started on free ports.

use super::*;

/// The backend binary, started on free ports and stopped on drop.
pub struct Backend {
    child: Child,
    /// `http://localhost:PORT`, the origin the browser sees.
    pub api: String,
    /// The other site's loopback address.
    pub site_addr: SocketAddr,
}

impl Backend {
    pub fn start(frontend_origin: &str) -> Backend {
        Self::start_with(frontend_origin, &["--api-addr", "127.0.0.1:0"])
    }

    /// With more flags (they come after the defaults, so they win).
    pub fn start_with(frontend_origin: &str, extra: &[&str]) -> Backend {
        let bin = required_path("PLAYGROUND_BACKEND_BIN");
        let mut child = Command::new(&bin)
            .args(["--site-addr", "127.0.0.1:0", "--frontend-origin", frontend_origin])
            .args(extra)
            .env("RUST_LOG", "backend=warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        let mut lines = BufReader::new(child.stdout.take().expect("piped stdout")).lines();
        let mut addr = |prefix: &str| -> SocketAddr {
            let line = lines.next().and_then(Result::ok).unwrap_or_default();
            line.strip_prefix(prefix)
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| panic!("backend printed {line:?}, expected {prefix}ADDR"))
        };
        let api_addr = addr("api listening on http://");
        let site_addr = addr("site listening on http://");
        Backend { child, api: format!("http://localhost:{}", api_addr.port()), site_addr }
    }
}

impl Drop for Backend {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
