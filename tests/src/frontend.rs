//! The Trunk-built frontend, served as `trunk serve` serves it.

use super::*;

/// The Trunk-built `dist` folder served on a free loopback port.
pub struct Frontend {
    /// `http://localhost:PORT`: the origin the browser opens (and sends as `Origin`).
    pub origin: String,
    /// How many of the page's scripts (files ending in .js) were served: a page that runs fetched one.
    scripts_served: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl Frontend {
    /// How many times one of the page's scripts was served.
    pub fn scripts_served(&self) -> usize {
        self.scripts_served.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// An empty page of the UI's origin.
    pub fn blank_url(&self) -> String {
        format!("{}/blank", self.origin)
    }

    /// Serves the build with the headers `trunk serve` adds (`trunk_headers`).
    pub async fn serve() -> Frontend {
        let dist = required_path("PLAYGROUND_DIST");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a free port");
        let port = listener.local_addr().expect("local addr").port();
        // `/blank`: an empty page of the UI's origin, for tests that script `fetch` themselves.
        let blank = axum::routing::get(|| async { axum::response::Html("<!doctype html><title>blank</title>") });
        let mut app = axum::Router::new().route("/blank", blank).fallback_service(tower_http::services::ServeDir::new(dist));
        for (name, value) in trunk_headers() {
            app = app.layer(tower_http::set_header::SetResponseHeaderLayer::overriding(name, value));
        }
        let scripts_served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = scripts_served.clone();
        let app = app.layer(axum::middleware::map_request(move |request: axum::extract::Request| {
            if request.uri().path().ends_with(".js") {
                counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
            std::future::ready(request)
        }));
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Frontend { origin: format!("http://localhost:{port}"), scripts_served, task }
    }
}

/// `[serve.headers]` of the repository's `Trunk.toml`: what `trunk serve` adds to every answer.
pub fn trunk_headers() -> Vec<(http::HeaderName, http::HeaderValue)> {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../Trunk.toml");
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let config: toml::Table = text.parse().unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    let headers = config.get("serve").and_then(|s| s.get("headers")).and_then(toml::Value::as_table).cloned().unwrap_or_default();
    headers
        .iter()
        .map(|(name, value)| {
            let value = value.as_str().unwrap_or_else(|| panic!("Trunk.toml: the value of {name} is not a string"));
            (name.parse().expect("a header name"), value.parse().expect("a header value"))
        })
        .collect()
}

impl Drop for Frontend {
    fn drop(&mut self) {
        self.task.abort();
    }
}
