//! The project's two commands (see README.md):
//!
//! - `cargo xtask run`: install what is missing, then the backend and `trunk serve` (with
//!   `--scale …`, two backends, and with `--scale lb` HAProxy in front of them).
//! - `cargo xtask test`: install what is missing, then every test.
//! - `cargo xtask setup [--tests]`: only the installs.
//!
//! Each install step says what it does and is skipped when done already.

mod bench;
mod cmd;
mod run;
mod setup;
mod test;

use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask <command>

commands:
  run [--scale [lb] memory|redis] [-- BACKEND_ARGS…]
                           install what is missing, start the backend (:3000, :3001) and
                           `trunk serve` (:8080); Ctrl-C stops everything. With --scale: two
                           backends, A on :3000 and B on :3002, both with memory stores or
                           both on one redis-server started on a free port. With --scale lb:
                           A on :3100 and B on :3102 behind HAProxy, round-robin on :3000 and
                           sticky (cookie SERVERID) on :3004
  test                     install what is missing (Chromium included), run every test
  bench                    load, memory, size and start-up figures against the Rust stack
                           people pick, Express and bare Axum (installs wrk and the Express
                           app's npm packages)
  setup [--tests]          only install what is missing (with --tests: the test tools too)

environment:
  PLAYGROUND_WASM_ROUTE=debian   build wasm with Debian's compiler and a std built from source,
                                 even when rustup's wasm32 target is available";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run::run(&args[1..]),
        Some("test") => test::test(),
        Some("bench") => bench::bench(),
        Some("setup") => setup::Setup::prepare(args.iter().any(|a| a == "--tests"), setup::Services::default()).map(|_| ()),
        Some("-h" | "--help" | "help") => {
            println!("{USAGE}");
            Ok(())
        }
        _ => Err(format!("unknown command\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}
