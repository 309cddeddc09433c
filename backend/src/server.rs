//! The accept loop: hyper with limits that hold under abuse, and a graceful stop that does
//! not wait on endless streams.
//!
//! - a request head must arrive within `HEADER_READ_TIMEOUT` (stalled clients are closed);
//! - at most `--max-connections` connections are served at once; more wait in the kernel's
//!   backlog instead of costing a task and buffers each;
//! - more than 100 headers (hyper's default, left implicit on purpose: setting `max_headers`
//!   explicitly, even to 100, makes hyper allocate and zero a header array per request,
//!   5% of a request in callgrind), or a head larger than `MAX_HEAD_BYTES`: 431;
//! - a malformed request line: 400 (hyper answers before any route runs);
//! - a request target longer than `MAX_URI`: 414; a body over `BODY_LIMIT`: 413;
//! - a panic in a handler: a 500 JSON error (details to the server log only), and the
//!   server keeps serving.
//!
//! These are checked here, once per request, around whatever the listener serves (`App`):
//! as `Router::layer`s each would add a boxed-service clone to every request. The body limit
//! is `extract::read_body`'s, the one way routes read bodies.

use std::{future::Future, io, panic::AssertUnwindSafe, sync::Arc, time::Duration};

use axum::{
    Router,
    body::Body,
    http::{Request, StatusCode},
    response::{IntoResponse, Response},
};
use hyper::body::Incoming;
use hyper_util::{
    rt::{TokioExecutor, TokioIo, TokioTimer},
    server::{conn::auto::Builder, graceful::GracefulShutdown},
};
use futures_util::FutureExt;
use tokio::{
    net::TcpListener,
    sync::{Semaphore, watch},
};
use tower::ServiceExt;

use crate::error::AppError;

/// A client must send its whole request head within this time.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest request head (request line and headers) read into memory; beyond it 431.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest request body any route reads (API.md).
pub const BODY_LIMIT: usize = 64 * 1024;
/// Longest request target (path and query) answered; longer gets 414.
pub const MAX_URI: usize = 8 * 1024;
/// How long a stop waits for open connections (SSE streams never end by themselves).
const DRAIN: Duration = Duration::from_secs(3);

/// What a listener answers each request with.
pub trait App: Clone + Send + Sync + 'static {
    fn answer(self, req: Request<Body>) -> impl Future<Output = Response> + Send;
}

impl App for Router {
    async fn answer(self, req: Request<Body>) -> Response {
        self.oneshot(req).await.unwrap_or_else(|never| match never {})
    }
}

pub async fn serve(listener: TcpListener, app: impl App, max_connections: u32, mut stop: watch::Receiver<()>) -> io::Result<()> {
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_READ_TIMEOUT)
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
        let app = app.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let app = app.clone();
            async move {
                let len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
                if len > MAX_URI {
                    let message = format!("The request target is longer than {MAX_URI} bytes.");
                    return Ok(AppError::new(StatusCode::URI_TOO_LONG, "uri_too_long", message).into_response());
                }
                // The task must outlive a panicking handler; nothing it held is reused.
                match AssertUnwindSafe(app.answer(req.map(Body::new))).catch_unwind().await {
                    Ok(answered) => Ok::<_, std::convert::Infallible>(answered),
                    Err(panic) => Ok(panic_response(panic)),
                }
            }
        });
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

fn panic_response(panic: Box<dyn std::any::Any + Send>) -> Response {
    let what = panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
    tracing::error!(panic = what.as_deref().unwrap_or("(not a string)"), "a handler panicked");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "The server failed on this request; it keeps serving others.")
        .into_response()
}
