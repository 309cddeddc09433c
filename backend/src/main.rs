//! `backend`: see `--help`, and API.md for the HTTP contract.

use backend::{Config, startup};

/// mimalloc instead of glibc malloc: under load, malloc's arena locks and frees were the
/// largest cost of a lab request (perf), since every request allocates a log record.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "backend=info".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let config = Config::from_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    match startup::run(config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("backend: {err}");
            std::process::ExitCode::FAILURE
        }
    }
}
