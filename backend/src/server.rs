//! The accept loop: hyper's HTTP/1.1 with limits that hold under abuse, a cap on connections,
//! and a graceful stop that does not wait on endless streams. What each request goes through
//! is the router's layers (`app`).
//!
//! - HTTP/1.1 only: browsers speak nothing else over `http://`, and h2c's hundreds of streams
//!   per connection would let one client queue far more work than one connection should;
//! - a request head must arrive within `--header-timeout` (hyper's `header_read_timeout`):
//!   slow-header and idle clients are closed; a response being sent (an event stream) is not
//!   waiting for a head, so it is not cut;
//! - at most `--max-connections` connections are served at once; more wait in the kernel's
//!   backlog instead of costing a task and buffers each;
//! - hyper reads at most about `MAX_HEAD_BYTES` of a head (431 beyond; `limits` checks the
//!   exact figure), and refuses a malformed request line with 400.

use std::{convert::Infallible, io, sync::Arc, time::Duration};

use axum::{
    BoxError,
    body::{Body, Bytes, HttpBody},
    extract::{ConnectInfo, Request},
    response::Response,
};
use hyper::{body::Incoming, server::conn::http1};
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    server::graceful::GracefulShutdown,
    service::TowerToHyperService,
};
use tokio::{
    net::TcpListener,
    sync::{Semaphore, watch},
};
use tower::{Service, ServiceExt};

/// Largest request head (request line and headers) read into memory; beyond it 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long a stop waits for open connections (event streams never end by themselves).
const DRAIN: Duration = Duration::from_secs(3);

/// How a listener serves.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_connections: u32,
    pub header_timeout: Duration,
}

/// Serves `service` (a router behind `app::for_listener`) on `listener` until `stop` changes.
pub async fn serve<S, B>(listener: TcpListener, service: S, limits: Limits, mut stop: watch::Receiver<()>) -> io::Result<()>
where
    S: Service<Request, Response = Response<B>, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: HttpBody<Data = Bytes, Error: Into<BoxError>> + Send + 'static,
{
    let mut http = http1::Builder::new();
    // `writev(false)`: head and body go out from one buffer in one `send`. Most answers are a
    // few hundred bytes, and copying a small body is cheaper than queueing it beside the head
    // for a vectored write (the same number of system calls either way).
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BYTES)
        .writev(false);
    let service = service.map_request(|req: Request<Incoming>| req.map(Body::new));
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections as usize));
    loop {
        // A free slot first, then a connection: at the cap, new clients wait in the backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            _ = stop.changed() => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: pause rather than spin.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = stop.changed() => break,
        };
        // Each request knows its peer (axum's `ConnectInfo`): the control token's failures
        // are counted per peer.
        let service = TowerToHyperService::new(service.clone().map_request(
            move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            },
        ));
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
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
