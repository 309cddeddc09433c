//! The three servers the check asks: one program built from every Axum export, one node
//! process running every Express export, and the lab's own backend, each on a free loopback
//! port. The exports are served side by side, each under its case's path (`/<id>/api/...`).

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Instant,
};

use backend::{Config, startup};
use shared::cors::{CorsPolicy, ValidPolicy};

use crate::Case;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace holds tests/").to_owned()
}

/// `target/export-check`: kept between runs, so that the program's dependencies compile once.
fn work_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let target = if target.is_relative() { root().join(target) } else { target };
    target.join("export-check")
}

/// Writes `text` to `path` unless it holds it already: an unchanged source keeps its time, so
/// cargo does not build it again.
fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
        return;
    }
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).expect("the folder");
    std::fs::write(path, text).unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
}

/// A server process, stopped on drop, and where it listens.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    /// Starts `command`, which prints `listening on PORT` first.
    fn start(mut command: Command, what: &str) -> Server {
        let mut child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("piped stdout")).read_line(&mut line).expect("its first line");
        let port: u16 = line.trim().strip_prefix("listening on ").and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{what} printed {line:?}"));
        Server { child, base: format!("http://127.0.0.1:{port}") }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The Cargo project around the Axum exports, at the versions of the workspace's lock file.
const CARGO_TOML: &str = r#"[package]
name = "export-check"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
axum = { version = "0.8", default-features = false, features = ["tokio", "http1"] }
tokio = { version = "1", features = ["rt", "net", "macros"] }
tower-http = { version = "0.7", features = ["cors"] }

[profile.dev]
debug = false

# Not a member of the playground's workspace, whose folder holds this one.
[workspace]
"#;

/// One program serving each case's `cors()` (its export, as a module, unchanged) around a route
/// that answers every method; a case whose export has no `cors()` (CORS off) is served without.
pub fn rust_program(cases: &[Case], export: impl Fn(&CorsPolicy) -> String) -> String {
    // Warnings are errors: an export's `use` lines must be exactly what it uses.
    let mut out = String::from("#![deny(warnings)]\n\nuse axum::{Router, routing::any};\n\n");
    let mut nests = Vec::new();
    for (i, case) in cases.iter().enumerate() {
        let code = export(&case.policy);
        if code.contains("pub fn cors() -> CorsLayer") {
            out.push_str(&format!("mod case{i} {{\n{code}\n}}\n\n"));
            nests.push(format!("        .nest(\"/{}\", routes().layer(case{i}::cors()))", case.id));
        } else {
            nests.push(format!("        .nest(\"/{}\", routes())", case.id));
        }
    }
    out.push_str(&format!(
        "#[tokio::main(flavor = \"current_thread\")]
async fn main() {{
    let routes = || Router::new().route(\"/api/{{*rest}}\", any(|| async {{ \"the route\" }}));
    let app = Router::new()
{};
    let listener = tokio::net::TcpListener::bind(\"127.0.0.1:0\").await.expect(\"a port\");
    println!(\"listening on {{}}\", listener.local_addr().expect(\"an address\").port());
    axum::serve(listener, app).await.expect(\"serving\");
}}
",
        nests.join("\n")
    ));
    out
}

/// Builds `program` against tower-http and axum, offline at the workspace's locked versions,
/// and starts it. Returns the server and how long the build took.
pub fn axum_exports(program: &str) -> (Server, std::time::Duration) {
    let dir = work_dir();
    let project = dir.join("project");
    write_if_changed(&project.join("Cargo.toml"), CARGO_TOML);
    write_if_changed(&project.join("src/main.rs"), program);
    // The workspace's lock file, each time: the same versions as the workspace, already in the
    // local registry cache (cargo drops the packages this project does not use, and rebuilds
    // nothing for that).
    std::fs::copy(root().join("Cargo.lock"), project.join("Cargo.lock")).expect("the workspace's Cargo.lock");
    let started = Instant::now();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let built = Command::new(cargo)
        .args(["build", "--offline", "--quiet", "--manifest-path"])
        .arg(project.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(dir.join("target"))
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .expect("cargo runs");
    assert!(
        built.status.success(),
        "the Axum exports do not build ({}):\n{}\nthe program:\n{program}",
        project.display(),
        String::from_utf8_lossy(&built.stderr)
    );
    let took = started.elapsed();
    (Server::start(Command::new(dir.join("target/debug/export-check")), "the Axum exports"), took)
}

/// One express app serving each case's export (unchanged, in a function of its own, on an
/// `express.Router()` named `app`) in front of a route that answers every method.
pub fn node_program(cases: &[Case], export: impl Fn(&CorsPolicy) -> String) -> String {
    let mut out = String::from(
        "const express = require(\"express\");\nconst server = express();\n\
         function mount(path, setup) {\n  const app = express.Router();\n  setup(app);\n  app.all(\"*\", (req, res) => res.send(\"the route\"));\n  server.use(path, app);\n}\n\n",
    );
    for case in cases {
        out.push_str(&format!("mount(\"/{}\", (app) => {{\n{}\n}});\n\n", case.id, export(&case.policy)));
    }
    out.push_str("const listener = server.listen(0, \"127.0.0.1\", () => console.log(`listening on ${listener.address().port}`));\n");
    out
}

/// Runs `program` under node with `bench/express`'s packages (express 4, cors 2.8).
pub fn express_exports(program: &str) -> Server {
    let modules = root().join("bench/express/node_modules");
    assert!(modules.join("cors/lib/index.js").exists(), "{} has no cors: run `npm ci` in bench/express", modules.display());
    let script = work_dir().join("express/server.js");
    write_if_changed(&script, program);
    let mut node = Command::new("node");
    node.arg(&script).env("NODE_PATH", &modules);
    Server::start(node, "node with the Express exports")
}

/// The lab's backend as the binary runs it, on free loopback ports; its policy is set directly
/// on its state, as `PUT /control/cors` sets it.
pub struct Lab {
    pub base: String,
    state: backend::AppState,
}

impl Lab {
    pub async fn start() -> Lab {
        let args = ["backend", "--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0", "--jwt-secret", "a-test-secret-that-is-long-enough-0123"];
        let bound = startup::bind(Config::from_args(args).expect("flags")).await.expect("the lab binds");
        let lab = Lab { base: format!("http://{}", bound.api_addr), state: bound.state().clone() };
        tokio::spawn(bound.serve(std::future::pending()));
        lab
    }

    pub fn set_policy(&self, policy: &CorsPolicy) {
        self.state.lab().set_policy(ValidPolicy::try_from(policy.clone()).expect("a valid policy"));
    }
}
