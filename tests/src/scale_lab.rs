//! The scaling lab as `cargo xtask run --scale lb` starts it.

use super::*;

/// Where the scaling lab's instances keep sessions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Store {
    Memory,
    Redis,
}

/// The scaling lab as `cargo xtask run --scale lb` starts it, on free ports: instances A and
/// B (peers of each other, one JWT secret, `store`), HAProxy in front with its round-robin and
/// sticky ways, and the UI's origin for a page to send requests from.
pub struct ScaleLab {
    pub frontend: Frontend,
    pub a: Backend,
    pub b: Backend,
    pub haproxy: Haproxy,
    /// `http://localhost:PORT`: the lab API through the round-robin way.
    pub round_robin: String,
    /// `http://localhost:PORT`: the lab API through the sticky way.
    pub sticky: String,
    pub http: reqwest::Client,
    /// Kept for the instances' lifetime.
    _redis: Option<Redis>,
    /// HAProxy's runtime API's private directory, kept as long as HAProxy runs.
    pub admin: xtask::haproxy::AdminSocket,
}

impl ScaleLab {
    pub async fn start(store: Store) -> ScaleLab {
        let frontend = Frontend::serve().await;
        let redis = (store == Store::Redis).then(Redis::start);
        let store = redis.as_ref().map_or_else(|| "memory".to_owned(), |r| r.url.clone());
        let (a_port, b_port, round_robin, sticky) = (free_port(), free_port(), free_port(), free_port());
        let admin = xtask::haproxy::AdminSocket::create().expect("a private directory for HAProxy's runtime API");
        let admin_path = admin.path().display().to_string();
        let loopback = |port: u16| SocketAddr::from(([127, 0, 0, 1], port));
        let (round_robin_origin, sticky_origin) = (format!("http://localhost:{round_robin}"), format!("http://localhost:{sticky}"));
        let instance = |name: &str, port: u16, peer: u16| {
            Backend::start_with(&frontend.origin, &[
                "--api-addr", &loopback(port).to_string(),
                "--instance-name", name,
                "--peer", &format!("http://localhost:{peer}"),
                "--session-store", &store,
                "--jwt-secret", "one-secret-for-both-instances-0123456789abcdef",
                "--balancer-admin", &admin_path,
                "--balancer-round-robin", &round_robin_origin,
                "--balancer-sticky", &sticky_origin,
            ])
        };
        let (a, b) = (instance("A", a_port, b_port), instance("B", b_port, a_port));
        let haproxy = Haproxy::start(&xtask::haproxy::Layout {
            instances: vec![("A".to_owned(), loopback(a_port)), ("B".to_owned(), loopback(b_port))],
            round_robin: loopback(round_robin),
            sticky: loopback(sticky),
            admin: admin.path(),
            log_requests: false,
        });
        ScaleLab { frontend, a, b, haproxy, round_robin: round_robin_origin, sticky: sticky_origin, http: reqwest::Client::new(), _redis: redis, admin }
    }

    /// Puts `policy` on both instances, each straight through its own control plane: each
    /// keeps its lab settings in its own memory, so the page applies them to every instance.
    pub async fn set_policy_everywhere(&self, policy: &serde_json::Value) {
        for instance in [&self.a, &self.b] {
            let put = self.http.put(format!("{}/control/cors", instance.api)).json(policy).send().await.expect("control plane answers");
            assert_eq!(put.status(), 200, "the policy was refused by {}", instance.api);
        }
    }

    /// The default lab policy of this lab's UI, with `X-Instance` readable by the page.
    pub fn policy_exposing_the_instance(&self) -> serde_json::Value {
        serde_json::json!({
            "enabled": true,
            "allow_origin": {"mode": "list", "origins": [self.frontend.origin]},
            "allow_credentials": true,
            "allow_methods": ["GET", "POST"],
            "allow_headers": ["Content-Type", "Authorization"],
            "expose_headers": ["X-Instance"],
            "max_age": null,
        })
    }
}
