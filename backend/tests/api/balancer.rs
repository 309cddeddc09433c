//! `/control/balancer`: the relay to HAProxy's runtime API, against a stand-in on a Unix socket
//! in a private directory, as `cargo xtask run --scale lb` makes it (`xtask::haproxy::AdminSocket`),
//! that speaks its protocol (a command line, the answer, then close), so every failure can be
//! made on demand. The requests to the routes need no socket (`test_app`); the relay's own
//! connection is the Unix socket, because that is what it drives. The real HAProxy is driven
//! by `tests/balancer/main.rs` and `tests/browser/scaling_ui.rs`.

use std::sync::{Arc, Mutex};

use axum::http::Method;
use serde_json::{Value, json};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::UnixListener,
};
use xtask::haproxy::AdminSocket;

use crate::helpers::{Answer, Client, TestApp, assert_error, test_app, test_app_with};

/// How the stand-in answers.
#[derive(Clone, Copy)]
enum Behaviour {
    /// As HAProxy with the lab's backends: `show servers state`, `disable`/`enable server`.
    Haproxy,
    /// Takes the command and never answers.
    Silent,
    /// Answers every command as HAProxy does at a level below `admin`.
    Denied,
}

/// A stand-in runtime API; remembers the commands it got.
struct RuntimeApi {
    socket: AdminSocket,
    commands: Arc<Mutex<Vec<String>>>,
}

impl RuntimeApi {
    async fn start(behaviour: Behaviour) -> RuntimeApi {
        let socket = AdminSocket::create().unwrap();
        let listener = UnixListener::bind(socket.path()).unwrap();
        let commands = Arc::new(Mutex::new(Vec::new()));
        // Which of A and B are disabled, shared by both lab backends (the relay switches both).
        let disabled = Arc::new(Mutex::new(Vec::<String>::new()));
        let seen = commands.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (seen, disabled) = (seen.clone(), disabled.clone());
                tokio::spawn(async move {
                    let (read, mut write) = stream.into_split();
                    let mut line = String::new();
                    let _ = BufReader::new(read).read_line(&mut line).await;
                    let command = line.trim().to_owned();
                    seen.lock().unwrap().push(command.clone());
                    let answer = match behaviour {
                        Behaviour::Silent => return std::future::pending().await,
                        Behaviour::Denied => "Permission denied\n".to_owned(),
                        Behaviour::Haproxy => haproxy_answer(&command, &mut disabled.lock().unwrap()),
                    };
                    let _ = write.write_all(answer.as_bytes()).await;
                });
            }
        });
        RuntimeApi { socket, commands }
    }

    fn commands(&self) -> Vec<String> {
        self.commands.lock().unwrap().clone()
    }

    fn app(&self, extra: &[&str]) -> TestApp {
        let admin = self.socket.path().display().to_string();
        test_app_with(&[&["--balancer-admin", &admin][..], extra].concat())
    }
}

fn haproxy_answer(command: &str, disabled: &mut Vec<String>) -> String {
    if command == "show servers state" {
        let mut table = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state\n".to_owned();
        for (id, backend) in [(3, "round_robin"), (4, "sticky"), (5, "control")] {
            for (n, name) in ["A", "B"].iter().enumerate() {
                let off = backend != "control" && disabled.iter().any(|d| d == name);
                let (op, admin) = if off { (0, 1) } else { (2, 0) };
                table.push_str(&format!("{id} {backend} {} {name} 127.0.0.1 {op} {admin}\n", n + 1));
            }
        }
        return table + "\n";
    }
    let words: Vec<&str> = command.split_whitespace().collect();
    match words[..] {
        [verb @ ("disable" | "enable"), "server", target] => {
            let name = target.rsplit('/').next().unwrap_or_default().to_owned();
            disabled.retain(|d| *d != name);
            if verb == "disable" {
                disabled.push(name);
            }
            String::new()
        }
        _ => "Unknown command.\n".to_owned(),
    }
}

async fn put_switch(app: &TestApp, name: &str, body: &str, headers: &[(&str, &str)]) -> Answer {
    let mut request = app.put(&format!("/control/balancer/servers/{name}")).header("content-type", "application/json").body(body.to_owned());
    for (n, v) in headers {
        request = request.header(*n, *v);
    }
    request.send().await
}

#[tokio::test]
async fn the_balancer_lists_the_lab_backends_instances() {
    let haproxy = RuntimeApi::start(Behaviour::Haproxy).await;
    let app = haproxy.app(&[]);
    let state: Value = app.request(Method::GET, "/control/balancer", &[]).await.json();
    assert_eq!(state, json!({"servers": [{"name": "A", "enabled": true, "up": true}, {"name": "B", "enabled": true, "up": true}]}));
    assert_eq!(haproxy.commands(), ["show servers state"]);
}

#[tokio::test]
async fn stopping_an_instance_disables_it_in_both_lab_backends_and_answers_the_new_state() {
    let haproxy = RuntimeApi::start(Behaviour::Haproxy).await;
    let app = haproxy.app(&[]);

    let stopped = put_switch(&app, "A", r#"{"enabled": false}"#, &[]).await;
    assert_eq!(stopped.status(), 200);
    let state: Value = stopped.json();
    assert_eq!(state["servers"][0], json!({"name": "A", "enabled": false, "up": false}));
    let started = put_switch(&app, "A", r#"{"enabled": true}"#, &[]).await;
    assert_eq!(started.json::<Value>()["servers"][0], json!({"name": "A", "enabled": true, "up": true}));

    let changes: Vec<String> = haproxy.commands().into_iter().filter(|c| c != "show servers state").collect();
    assert_eq!(changes, ["disable server round_robin/A", "disable server sticky/A", "enable server round_robin/A", "enable server sticky/A"]);
}

#[tokio::test]
async fn an_unknown_instance_is_404_and_no_command_names_it() {
    let haproxy = RuntimeApi::start(Behaviour::Haproxy).await;
    let app = haproxy.app(&[]);
    for name in ["C", "A%3B%20shutdown%20sessions"] {
        assert_error(put_switch(&app, name, r#"{"enabled": false}"#, &[]).await, 404, "unknown_server");
    }
    assert!(haproxy.commands().iter().all(|c| c == "show servers state"), "{:?}", haproxy.commands());
}

#[tokio::test]
async fn a_switch_needs_exactly_enabled() {
    let haproxy = RuntimeApi::start(Behaviour::Haproxy).await;
    let app = haproxy.app(&[]);
    for body in [r#"{"enabled": "no"}"#, r#"{}"#, r#"{"enabled": false, "force": true}"#] {
        assert_error(put_switch(&app, "A", body, &[]).await, 400, "invalid_field");
    }
    assert_error(put_switch(&app, "A", "nope", &[]).await, 400, "malformed_json");
    assert!(haproxy.commands().is_empty(), "{:?}", haproxy.commands());
}

#[tokio::test]
async fn another_page_cannot_stop_an_instance() {
    let haproxy = RuntimeApi::start(Behaviour::Haproxy).await;
    let app = haproxy.app(&[]);
    let cross = put_switch(&app, "A", r#"{"enabled": false}"#, &[("Origin", "http://evil.example"), ("Sec-Fetch-Site", "cross-site")]).await;
    assert_error(cross, 403, "origin_refused");
    assert!(haproxy.commands().is_empty(), "{:?}", haproxy.commands());
}

#[tokio::test]
async fn without_a_balancer_the_routes_are_404_no_balancer() {
    let app = test_app();
    assert_error(app.request(Method::GET, "/control/balancer", &[]).await, 404, "no_balancer");
    assert_error(put_switch(&app, "A", r#"{"enabled": false}"#, &[]).await, 404, "no_balancer");
}

#[tokio::test]
async fn an_unreachable_balancer_is_503() {
    // A socket path in a private directory where nothing listens.
    let nobody = AdminSocket::create().unwrap();
    let app = test_app_with(&["--balancer-admin", &nobody.path().display().to_string()]);
    assert_error(app.request(Method::GET, "/control/balancer", &[]).await, 503, "balancer_unavailable");
    assert_error(put_switch(&app, "A", r#"{"enabled": false}"#, &[]).await, 503, "balancer_unavailable");
}

#[tokio::test]
async fn a_balancer_that_does_not_answer_is_503_after_the_timeout() {
    let haproxy = RuntimeApi::start(Behaviour::Silent).await;
    let app = haproxy.app(&["--balancer-timeout", "200ms"]);
    assert_error(app.request(Method::GET, "/control/balancer", &[]).await, 503, "balancer_unavailable");
}

#[tokio::test]
async fn a_balancer_that_refuses_is_502_and_its_answer_stays_in_the_log() {
    let haproxy = RuntimeApi::start(Behaviour::Denied).await;
    let app = haproxy.app(&[]);
    let body = assert_error(app.request(Method::GET, "/control/balancer", &[]).await, 502, "balancer_refused");
    assert!(!body["message"].as_str().unwrap_or_default().contains("Permission"), "{body}");
    assert_error(put_switch(&app, "A", r#"{"enabled": false}"#, &[]).await, 502, "balancer_refused");
}
