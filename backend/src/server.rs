//! The accept loop: hyper with limits that hold under abuse, and a graceful stop that does
//! not wait on endless streams.
//!
//! - a request head must arrive within `HEADER_READ_TIMEOUT` (stalled clients are closed);
//! - at most `--max-connections` connections are served at once; more wait in the kernel's
//!   backlog instead of costing a task and buffers each;
//! - more than `MAX_HEADERS` headers, or a head larger than `MAX_HEAD_BYTES`: 431;
//! - a malformed request line: 400 (hyper answers before any route runs).

use std::{io, sync::Arc, time::Duration};

use axum::Router;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
    service::TowerToHyperService,
};
use tokio::{
    net::TcpListener,
    sync::{Semaphore, watch},
};

/// A client must send its whole request head within this time.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Request headers allowed at most (hyper answers 431 beyond).
pub const MAX_HEADERS: usize = 100;
/// Largest request head (request line and headers) read into memory; beyond it 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a stop waits for open connections (SSE streams never end by themselves).
const DRAIN: Duration = Duration::from_secs(3);

pub async fn serve(listener: TcpListener, app: Router, max_connections: u32, mut stop: watch::Receiver<()>) -> io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
        .max_headers(MAX_HEADERS)
        .max_buf_size(MAX_HEAD_BYTES);
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(max_connections as usize));
    loop {
        // A free slot first, then a connection: at the cap, new clients wait in the backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Client resets and timeouts end here; they are not server errors.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    Ok(())
}
