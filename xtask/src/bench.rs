//! `cargo xtask bench`: our backend against the stack a Rust developer would pick
//! (`bench/rust-stack`: axum, tower-http's `CorsLayer`, tower-sessions, jsonwebtoken), the
//! seed's Express stack and bare Axum under the same load (wrk), the memory store's footprint,
//! the wasm's size and first screen, and the criterion micro-benchmarks. Prints a table; numbers are for this machine, now. One row
//! measures the scaling lab's HAProxy: the same request through it and straight to an instance.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::Duration,
};

use xtask::{haproxy, redis};

use crate::{
    cmd::{self, output, root, step},
    setup::{HAPROXY, REDIS_SERVER, Services, Setup},
};

const CONNECTIONS: &str = "64";
/// Each scenario runs `ROUNDS` rounds of `ROUND` per server, the servers taking turns, and
/// the table gives medians: the machine's speed drifts over tens of seconds (other virtual
/// machines on the host; README, Benchmarks), and taking turns puts every server through the
/// same drift.
const ROUNDS: usize = 5;
const ROUND: &str = "2s";
/// The flood and the profile measured under it.
const DURATION: &str = "5s";
const FRONT: &str = "http://localhost:8080";
const SECRET: &str = "bench-secret-of-at-least-thirty-two-bytes";

/// One server under test, stopped on drop.
struct Server {
    name: &'static str,
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `command` and waits for its "... listening on http://ADDR" line.
fn start(name: &'static str, command: &mut Command) -> Result<Server, String> {
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().map_err(|e| format!("cannot start {name}: {e}"))?;
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let line = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .find(|l| l.contains("listening on http://"))
        .ok_or_else(|| format!("{name} did not say where it listens"))?;
    let base = line.split("listening on ").nth(1).unwrap_or_default().trim().to_owned();
    Ok(Server { name, child, base })
}

/// A load scenario: a wrk Lua script (method, headers, body) per server.
struct Scenario {
    name: &'static str,
    script: Box<dyn Fn(&Creds) -> String>,
}

/// What a server handed out at login, for the authenticated scenarios.
struct Creds {
    cookie: String,
    token: String,
}

fn lua(method: &str, headers: &[(&str, &str)], body: Option<&str>) -> String {
    let mut s = format!("wrk.method = \"{method}\"\n");
    for (n, v) in headers {
        s.push_str(&format!("wrk.headers[\"{n}\"] = \"{}\"\n", v.replace('"', "\\\"")));
    }
    if let Some(b) = body {
        s.push_str(&format!("wrk.body = '{b}'\n"));
    }
    s
}

fn scenarios() -> Vec<Scenario> {
    let login = r#"{"email":"a@b.com","password":"123"}"#;
    vec![
        Scenario {
            name: "GET /api/profile, session cookie",
            script: Box::new(|c: &Creds| lua("GET", &[("Origin", FRONT), ("Cookie", &c.cookie)], None)),
        },
        Scenario {
            name: "GET /api/profile, bearer JWT",
            script: Box::new(|c: &Creds| lua("GET", &[("Origin", FRONT), ("Authorization", &format!("Bearer {}", c.token))], None)),
        },
        Scenario {
            name: "OPTIONS preflight",
            script: Box::new(|_: &Creds| {
                lua(
                    "OPTIONS",
                    &[("Origin", FRONT), ("Access-Control-Request-Method", "GET"), ("Access-Control-Request-Headers", "authorization")],
                    None,
                )
            }),
        },
        Scenario {
            name: "POST /api/login",
            script: Box::new(move |_: &Creds| lua("POST", &[("Origin", FRONT), ("Content-Type", "application/json")], Some(login))),
        },
    ]
}

/// Logs in and gets a token with curl (no HTTP client in xtask).
fn creds(base: &str) -> Creds {
    let body = r#"{"email":"a@b.com","password":"123"}"#;
    let headers = output(
        "curl",
        &["-s", "-D", "-", "-o", "/dev/null", "-H", "content-type: application/json", "-d", body, &format!("{base}/api/login")],
    )
    .unwrap_or_default();
    let cookie = headers
        .lines()
        .find_map(|l| l.to_ascii_lowercase().starts_with("set-cookie:").then(|| l[11..].trim().split(';').next().unwrap_or("").to_owned()))
        .unwrap_or_default();
    let token_json = output("curl", &["-s", "-H", "content-type: application/json", "-d", body, &format!("{base}/api/token")]).unwrap_or_default();
    let token = token_json.split("\"token\":\"").nth(1).and_then(|t| t.split('"').next()).unwrap_or_default().to_owned();
    Creds { cookie, token }
}

/// What wrk measured.
#[derive(Default, Clone, Copy)]
struct Load {
    /// Answers with a 2xx or 3xx status per second: a refusal (a busy login's 503) is quick
    /// and would otherwise count as served.
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    errors: u64,
}

/// Where processes run. With two cores or more (and `taskset`), the load generator gets core 0
/// and each server core 1, so a server is measured alone on one core, not fighting wrk for
/// both (README, Benchmarks, has what that does to the spread).
#[derive(Clone, Copy)]
struct Cores {
    pinned: bool,
}

impl Cores {
    fn detect() -> Cores {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        Cores { pinned: cores >= 2 && output("taskset", &["-c", "0", "true"]).is_some() }
    }

    fn command(self, core: &str, program: impl AsRef<std::ffi::OsStr>) -> Command {
        if self.pinned {
            let mut command = Command::new("taskset");
            command.args(["-c", core]).arg(program);
            command
        } else {
            Command::new(program)
        }
    }

    fn server(self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        self.command("1", program)
    }

    fn load(self) -> Command {
        let mut wrk = self.command("0", "wrk");
        wrk.arg(if self.pinned { "-t1" } else { "-t2" });
        wrk
    }

    fn describe(self) -> &'static str {
        if self.pinned { "wrk on core 0, each server on core 1" } else { "unpinned (fewer than 2 cores, or no taskset)" }
    }
}

fn wrk(cores: Cores, base: &str, path: &str, script: &str, duration: &str, dir: &Path) -> Result<Load, String> {
    let file = dir.join("scenario.lua");
    std::fs::write(&file, script).map_err(|e| e.to_string())?;
    let out = cores
        .load()
        .args(["-c", CONNECTIONS, "-d", duration, "--latency", "-s"])
        .arg(&file)
        .arg(format!("{base}{path}"))
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    Ok(parse_wrk(&String::from_utf8_lossy(&out.stdout)))
}

/// The middle value (the mean of the two middle ones for an even count).
fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => 0.0,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

/// One server's rounds of one scenario, summed up: medians, and every error.
fn summary(rounds: &[Load]) -> Load {
    let median_of = |f: fn(&Load) -> f64| median(rounds.iter().map(f).collect());
    Load {
        rps: median_of(|l| l.rps),
        p50_ms: median_of(|l| l.p50_ms),
        p99_ms: median_of(|l| l.p99_ms),
        errors: rounds.iter().map(|l| l.errors).sum(),
    }
}

fn parse_wrk(text: &str) -> Load {
    let ms = |v: &str| -> f64 {
        let v = v.trim();
        let (n, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap_or(v.len()));
        let n: f64 = n.parse().unwrap_or(f64::NAN);
        match unit {
            "us" => n / 1000.0,
            "ms" => n,
            "s" => n * 1000.0,
            _ => f64::NAN,
        }
    };
    let mut load = Load::default();
    let (mut answered, mut refused) = (None, 0);
    for line in text.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            load.rps = v.trim().parse().unwrap_or(0.0);
        } else if let Some((count, seconds)) = line.split_once(" requests in ") {
            let seconds = ms(seconds.split(',').next().unwrap_or_default()) / 1000.0;
            answered = count.trim().parse::<f64>().ok().map(|count| (count, seconds));
        } else if let Some(v) = line.strip_prefix("50%") {
            load.p50_ms = ms(v);
        } else if let Some(v) = line.strip_prefix("99%") {
            load.p99_ms = ms(v);
        } else if let Some(v) = line.strip_prefix("Non-2xx or 3xx responses:") {
            refused = v.trim().parse::<u64>().unwrap_or(0);
            load.errors += refused;
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            load.errors += v.split(',').filter_map(|p| p.split_whitespace().last()?.parse::<u64>().ok()).sum::<u64>();
        }
    }
    if let Some((count, seconds)) = answered.filter(|&(_, seconds)| refused > 0 && seconds > 0.0) {
        load.rps = (count - refused as f64) / seconds;
    }
    load
}

pub fn bench() -> Result<(), String> {
    let setup = Setup::prepare(true, Services::default())?;
    setup.ensure_apt_tool("wrk", "wrk")?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);

    step("Building release binaries and the frontend");
    cmd::run(setup.command("cargo").args(["build", "--release", "--package", "backend", "--package", "bare-axum", "--package", "rust-stack"]))?;
    let dist = target.join("bench-dist");
    setup.prebuild_frontend("wasm-release")?;
    cmd::run(setup.wasm_command("trunk").arg("build").arg("--release").arg("--dist").arg(&dist))?;
    let express_dir = root().join("bench/express");
    express_modules()?;

    let cores = Cores::detect();
    step(&format!(
        "Load: wrk, {CONNECTIONS} connections, {ROUNDS} rounds of {ROUND} per scenario and server, servers taking turns; {}",
        cores.describe()
    ));
    let release = target.join("release");
    let servers = [
        start(
            "ours",
            cores
                .server(release.join("backend"))
                .args(["--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0", "--jwt-secret", SECRET])
                .env("RUST_LOG", "off"),
        )?,
        start("bare axum", cores.server(release.join("bare-axum")).arg("127.0.0.1:0"))?,
        start("express", cores.server("node").arg(express_dir.join("server.js")).args(["0", FRONT, SECRET]))?,
        start("rust stack", cores.server(release.join("rust-stack")).args(["127.0.0.1:0", FRONT, SECRET]))?,
    ];
    std::thread::sleep(Duration::from_millis(300));
    let tmp = std::env::temp_dir().join(format!("playground-bench-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    let creds: Vec<Creds> = servers.iter().map(|s| creds(&s.base)).collect();
    let mut rows = Vec::new();
    for scenario in scenarios() {
        let path = if scenario.name.contains("login") { "/api/login" } else { "/api/profile" };
        let mut rounds: Vec<Vec<Load>> = vec![Vec::new(); servers.len()];
        for _ in 0..ROUNDS {
            for ((server, c), loads) in servers.iter().zip(&creds).zip(&mut rounds) {
                loads.push(wrk(cores, &server.base, path, &(scenario.script)(c), ROUND, &tmp)?);
            }
        }
        let loads: Vec<Load> = rounds.iter().map(|r| summary(r)).collect();
        for (server, load) in servers.iter().zip(&loads) {
            println!(
                "    {:<34} {:<10} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
                scenario.name, server.name, load.rps, load.p50_ms, load.p99_ms, load.errors
            );
        }
        // Per round, so both sides of a ratio saw the same machine.
        let per_round = |other: usize| -> Vec<f64> { rounds[0].iter().zip(&rounds[other]).map(|(o, x)| o.rps / x.rps).collect() };
        let over_bare = per_round(1);
        if !scenario.name.contains("login") {
            let shown: Vec<String> = over_bare.iter().map(|r| format!("{:.0}%", 100.0 * r)).collect();
            println!("    {:<34} ours/bare by round: {}", "", shown.join(" "));
        }
        rows.push((scenario.name, loads, median(per_round(2)), median(over_bare), median(per_round(3))));
    }
    step("Login flood: GET /api/profile p99 alone, then while 64 connections hammer POST /api/login");
    let ours = &servers[0];
    let profile = (scenarios()[0].script)(&creds[0]);
    let idle = wrk(cores, &ours.base, "/api/profile", &profile, DURATION, &tmp)?;
    let flood_script = (scenarios()[3].script)(&creds[0]);
    let flood_file = tmp.join("flood.lua");
    std::fs::write(&flood_file, flood_script).map_err(|e| e.to_string())?;
    let mut flood = cores
        .command("0", "wrk")
        .args(["-t1", "-c64", "-d8s", "-s"])
        .arg(&flood_file)
        .arg(format!("{}/api/login", ours.base))
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("wrk: {e}"))?;
    std::thread::sleep(Duration::from_millis(1500));
    let busy = wrk(cores, &ours.base, "/api/profile", &profile, DURATION, &tmp)?;
    let _ = flood.wait();
    println!(
        "    profile p99 alone {:.2} ms, during the login flood {:.2} ms ({:.1}x); req/s {:.0} → {:.0}",
        idle.p99_ms,
        busy.p99_ms,
        busy.p99_ms / idle.p99_ms,
        idle.rps,
        busy.rps
    );
    drop(servers);

    step(&format!(
        "Behind HAProxy: GET /api/profile with a session (Redis store), through the round-robin way to A and B vs straight to A; \
         {ROUNDS} rounds of {ROUND} each, taking turns; HAProxy, both instances and Redis on the servers' core"
    ));
    let balanced = balanced(cores, &release, &tmp)?;
    let _ = std::fs::remove_dir_all(&tmp);

    step("Churn: 100,000 mixed requests at concurrency 64 with 1,000 policy changes");
    cmd::run(
        setup
            .command("cargo")
            .args(["test", "--quiet", "--release", "--package", "backend", "--test", "api", "churn", "--", "--nocapture"])
            .env("PLAYGROUND_CHURN_REQUESTS", "100000")
            .env("PLAYGROUND_CHURN_POLICY_CHANGES", "1000"),
    )?;

    step("Memory store: 1,000,000 sessions");
    cmd::run(setup.command("cargo").args(["run", "--quiet", "--release", "--package", "backend", "--example", "session_memory"]))?;

    step("Frontend: size, first interactive screen, click to three views (headless Chromium)");
    let wasm = std::fs::read_dir(&dist)
        .ok()
        .and_then(|d| d.flatten().map(|e| e.path()).find(|p| p.extension().is_some_and(|x| x == "wasm")))
        .ok_or("no wasm in the dist folder")?;
    let raw = std::fs::metadata(&wasm).map(|m| m.len()).unwrap_or(0);
    let gzip = output("sh", &["-c", &format!("gzip -9 -c '{}' | wc -c", wasm.display())]).unwrap_or_default();
    println!("    wasm: {:.1} KB raw, {:.1} KB gzip", raw as f64 / 1000.0, gzip.parse::<f64>().unwrap_or(0.0) / 1000.0);
    // Both in the release build users get: the first screen, then click → three views.
    for bin in ["first_screen", "click_to_views"] {
        cmd::run(
            setup
                .command("cargo")
                .args(["run", "--quiet", "--release", "--package", "e2e", "--bin", bin])
                .env("PLAYGROUND_DIST", &dist)
                .env("PLAYGROUND_BACKEND_BIN", release.join("backend"))
                .env("PLAYGROUND_CHROMIUM", &setup.chromium)
                .env("PLAYGROUND_CHROMEDRIVER", &setup.chromedriver),
        )?;
    }

    step("Micro-benchmarks (criterion)");
    cmd::run(setup.command("cargo").args(["bench", "--package", "shared", "--package", "backend", "--bench", "rules", "--bench", "sessions"]))?;

    step(
        "Summary: answered (2xx or 3xx) requests per second, medians; the ratios are medians of the per-round ratios. \
         Budgets: ours/stack >= 1.0x and ours/express >= 5x; bare Axum is the ceiling, reported",
    );
    println!(
        "    {:<34} {:>10} {:>10} {:>10} {:>10} {:>11} {:>12} {:>10}",
        "scenario", "ours", "stack", "express", "bare axum", "ours/stack", "ours/express", "ours/bare"
    );
    for (name, loads, over_express, over_bare, over_stack) in rows {
        let (ours, bare, express, stack) = (loads[0], loads[1], loads[2], loads[3]);
        // Bare Axum's login answers a fixed body: no ceiling for a route that hashes.
        let over_bare = if name.contains("login") { "—".to_owned() } else { format!("{:.0}%", 100.0 * over_bare) };
        println!(
            "    {:<34} {:>10.0} {:>10.0} {:>10.0} {:>10.0} {:>10.2}x {:>11.1}x {:>10}",
            name, ours.rps, stack.rps, express.rps, bare.rps, over_stack, over_express, over_bare
        );
    }
    println!("    (stack: axum + tower-http CorsLayer + tower-sessions MemoryStore + jsonwebtoken HS256, bench/rust-stack.)");
    println!("    (POST /api/login: ours verifies an argon2id hash per request, on purpose; the seed compares plain text.)");
    balanced.print();
    Ok(())
}

/// The scaling lab's row: through HAProxy (round-robin, two instances) and straight to one.
struct Balanced {
    through: Load,
    direct: Load,
    /// Median of the per-round ratios through / straight.
    ratio: f64,
    /// HAProxy's CPU time per request it relayed, in microseconds (median of the rounds).
    haproxy_us: f64,
    /// Its share of one core while relaying (median of the rounds).
    haproxy_core: f64,
}

impl Balanced {
    fn print(&self) {
        let (t, d) = (self.through, self.direct);
        println!(
            "    GET /api/profile, Redis store: through HAProxy {:.0} req/s (p50 {:.2} ms, p99 {:.2} ms), straight to A {:.0} req/s (p50 {:.2} ms, p99 {:.2} ms): \
             {:.0}%; HAProxy {:.1} µs CPU per request ({:.0}% of a core), p50 +{:.2} ms",
            t.rps,
            t.p50_ms,
            t.p99_ms,
            d.rps,
            d.p50_ms,
            d.p99_ms,
            100.0 * self.ratio,
            self.haproxy_us,
            100.0 * self.haproxy_core,
            t.p50_ms - d.p50_ms
        );
    }
}

/// CPU time a process has used so far, in seconds (`/proc/PID/stat`: user and system ticks).
fn cpu_seconds(pid: u32, ticks_per_second: f64) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name (which may hold spaces, hence the last ')').
    let fields: Vec<&str> = stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / ticks_per_second
}

fn balanced(cores: Cores, release: &Path, tmp: &Path) -> Result<Balanced, String> {
    let port = || std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).map_err(|e| e.to_string());
    let redis_port = port()?;
    let redis_child = cores
        .server(REDIS_SERVER)
        .args(redis::args(redis_port))
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start redis-server: {e}"))?;
    let _redis = Server { name: "redis", child: redis_child, base: String::new() };
    wait_for_port(redis_port)?;
    let store = redis::url(redis_port);
    let instance = |name: &'static str| {
        start(
            name,
            cores
                .server(release.join("backend"))
                .args(["--api-addr", "127.0.0.1:0", "--site-addr", "127.0.0.1:0", "--jwt-secret", SECRET])
                .args(["--instance-name", name, "--session-store", &store])
                .env("RUST_LOG", "off"),
        )
    };
    let (a, b) = (instance("A")?, instance("B")?);
    let address = |server: &Server| server.base.trim_start_matches("http://").parse::<std::net::SocketAddr>().map_err(|e| e.to_string());
    let loopback = |port: u16| std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let admin = haproxy::AdminSocket::create().map_err(|e| format!("cannot create a private directory for HAProxy's runtime API: {e}"))?;
    let layout = haproxy::Layout {
        instances: vec![("A".to_owned(), address(&a)?), ("B".to_owned(), address(&b)?)],
        round_robin: loopback(port()?),
        sticky: loopback(port()?),
        admin: admin.path(),
        log_requests: false,
    };
    let file = tmp.join("haproxy.cfg");
    std::fs::write(&file, haproxy::config(&layout)).map_err(|e| e.to_string())?;
    let proxy_child = cores.server(HAPROXY).arg("-db").arg("-f").arg(&file).stdout(Stdio::null()).spawn().map_err(|e| format!("cannot start HAProxy: {e}"))?;
    let proxy = Server { name: "haproxy", child: proxy_child, base: format!("http://{}", layout.round_robin) };
    wait_for_port(layout.round_robin.port())?;

    // A session made through HAProxy is in Redis, so it is good on both instances and straight.
    let script = (scenarios()[0].script)(&creds(&proxy.base));
    let ticks_per_second = output("getconf", &["CLK_TCK"]).and_then(|t| t.parse().ok()).unwrap_or(100.0);
    let seconds: f64 = ROUND.trim_end_matches('s').parse().unwrap_or(2.0);
    let (mut through, mut direct, mut ratios, mut cost, mut share) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let before = cpu_seconds(proxy.child.id(), ticks_per_second);
        let relayed = wrk(cores, &proxy.base, "/api/profile", &script, ROUND, tmp)?;
        let used = cpu_seconds(proxy.child.id(), ticks_per_second) - before;
        let straight = wrk(cores, &a.base, "/api/profile", &script, ROUND, tmp)?;
        ratios.push(relayed.rps / straight.rps);
        cost.push(1e6 * used / (relayed.rps * seconds).max(1.0));
        share.push(used / seconds);
        through.push(relayed);
        direct.push(straight);
    }
    let shown: Vec<String> = ratios.iter().map(|r| format!("{:.0}%", 100.0 * r)).collect();
    println!("    {:<34} through/straight by round: {}", "", shown.join(" "));
    let row = Balanced { through: summary(&through), direct: summary(&direct), ratio: median(ratios), haproxy_us: median(cost), haproxy_core: median(share) };
    for (way, load) in [("through HAProxy", row.through), ("straight to A", row.direct)] {
        println!(
            "    {:<34} {:<16} {:>9.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  errors {}",
            "GET /api/profile, Redis store", way, load.rps, load.p50_ms, load.p99_ms, load.errors
        );
    }
    Ok(row)
}

/// Waits until something accepts connections on the loopback `port`.
fn wait_for_port(port: u16) -> Result<(), String> {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if std::time::Instant::now() > deadline {
            return Err(format!("nothing listens on 127.0.0.1:{port} after 10 s"));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Ok(())
}

/// `bench/express`'s packages (express, cors), from its lock file unless they are there: the
/// Express peer of the benchmark runs on them, and so do the code export's checks
/// (`tests/export/`).
pub fn express_modules() -> Result<(), String> {
    let express_dir = root().join("bench/express");
    if !express_dir.join("node_modules/express").exists() || !express_dir.join("node_modules/cors").exists() {
        cmd::run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]).current_dir(&express_dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(vec![4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median(Vec::new()), 0.0);
        let load = |rps, errors| Load { rps, p50_ms: rps / 10.0, p99_ms: rps, errors };
        let sum = summary(&[load(10.0, 1), load(30.0, 0), load(20.0, 2)]);
        assert_eq!((sum.rps, sum.p50_ms, sum.p99_ms, sum.errors), (20.0, 2.0, 20.0, 3));
    }

    #[test]
    fn wrk_output_is_read() {
        let text = "  Latency Distribution\n     50%  412.00us\n     75%    1.00ms\n     99%    2.50ms\n  123 requests in 5.00s\n  Socket errors: connect 0, read 2, write 0, timeout 1\n  Non-2xx or 3xx responses: 5\nRequests/sec:  24690.12\n";
        let load = parse_wrk(text);
        assert_eq!(load.rps, (123.0 - 5.0) / 5.0, "only the 2xx and 3xx answers count");
        assert!((load.p50_ms - 0.412).abs() < 1e-9);
        assert_eq!(load.p99_ms, 2.5);
        assert_eq!(load.errors, 8);
        let all_answered = text.replace("  Non-2xx or 3xx responses: 5\n", "");
        assert_eq!(parse_wrk(&all_answered).rps, 24690.12, "wrk's own figure when every answer counts");
    }
}

