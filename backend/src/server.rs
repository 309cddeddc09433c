//! The accept loop: hyper with limits that hold under abuse, and a graceful stop that does
//! not wait on endless streams.
//!
//! - a connection must keep sending request heads: one that completes none for
//!   `HEADER_READ_TIMEOUT` while no response of it is open is closed (slow-header and idle
//!   clients), checked every half timeout, so after 10 to 15 s. (hyper's own
//!   `header_read_timeout` does this per request with a timer armed, polled and dropped each
//!   time: 1.5% of a profile request's CPU, against a few atomic steps here.);
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

use std::{
    future::Future,
    io,
    panic::AssertUnwindSafe,
    pin::Pin,
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering::Relaxed},
    },
    task::{Context, Poll},
    time::Duration,
};

use axum::{
    Router,
    body::{Body, Bytes},
    http::{Request, StatusCode},
    response::{IntoResponse, Response},
};
use hyper::{
    body::{Frame, Incoming, SizeHint},
    server::conn::http1,
};
use hyper_util::{rt::TokioIo, server::graceful::GracefulShutdown};
use futures_util::FutureExt;
use tokio::{
    net::TcpListener,
    sync::{Semaphore, watch},
};
use tower::ServiceExt;

use crate::{
    error::AppError,
    host::{self, AllowedHosts},
};

/// A connection that completes no request head for this long (and has no response open) is
/// closed; checked every half of it.
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

pub async fn serve(
    listener: TcpListener,
    app: impl App,
    hosts: AllowedHosts,
    max_connections: u32,
    mut stop: watch::Receiver<()>,
) -> io::Result<()> {
    // HTTP/1.1 only: browsers speak nothing else over http://, and h2c's hundreds of streams
    // per connection would let one client queue far more work than one connection should.
    let mut builder = http1::Builder::new();
    builder.max_buf_size(MAX_HEAD_BYTES);
    let hosts = Arc::new(hosts);
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
        let (app, hosts) = (app.clone(), hosts.clone());
        // Counted by the service, checked by the connection's task.
        let progress = Arc::new(Progress::default());
        let counted = progress.clone();
        let service = hyper::service::service_fn(move |req: Request<Incoming>| {
            let (app, hosts) = (app.clone(), hosts.clone());
            let open = Open::enter(&counted);
            async move {
                let len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
                if len > MAX_URI {
                    let message = format!("The request target is longer than {MAX_URI} bytes.");
                    return Ok(open.until_sent(AppError::new(StatusCode::URI_TOO_LONG, "uri_too_long", message).into_response()));
                }
                // hyper stops reading near `max_buf_size`, but may have read a head up to twice
                // that in its last read: the limit itself is checked here, exactly.
                let head: usize = len + req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum::<usize>();
                if head > MAX_HEAD_BYTES {
                    let message = format!("The request head is larger than {} KiB.", MAX_HEAD_BYTES / 1024);
                    let error = AppError::new(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE, "headers_too_large", message);
                    return Ok(open.until_sent(error.into_response()));
                }
                if !hosts.allows(req.uri(), req.headers()) {
                    return Ok(open.until_sent(host::misdirected().into_response()));
                }
                // The task must outlive a panicking handler; nothing it held is reused.
                let response = match AssertUnwindSafe(app.answer(req.map(Body::new))).catch_unwind().await {
                    Ok(answered) => answered,
                    Err(panic) => panic_response(panic),
                };
                Ok::<_, std::convert::Infallible>(open.until_sent(response))
            }
        });
        let connection = builder.serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // Client resets end here; they are not server errors.
            let _ = until_stalled(connection, &progress).await;
            drop(slot);
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN, graceful.shutdown()).await;
    Ok(())
}

/// A connection's progress, for `until_stalled`: request heads seen (upper 32 bits, wrapping)
/// and responses not yet sent in full (lower 32 bits), in one word so entering is one step.
#[derive(Default)]
struct Progress(AtomicU64);

const ONE_HEAD: u64 = 1 << 32;
const ONE_OPEN: u64 = 1;

/// One request from its head until its response is sent (or dropped): while any is open, the
/// connection is not stalled however long a body takes (an event stream never ends).
struct Open(Arc<Progress>);

impl Open {
    fn enter(progress: &Arc<Progress>) -> Open {
        progress.0.fetch_add(ONE_HEAD + ONE_OPEN, Relaxed);
        Open(progress.clone())
    }

    /// Keeps the request open until hyper drops the response's body, i.e. has sent it.
    fn until_sent(self, response: Response) -> Response<Tracked> {
        response.map(|body| Tracked { body, _open: self })
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.0.fetch_sub(ONE_OPEN, Relaxed);
    }
}

/// A response body that holds its request open while it lasts.
struct Tracked {
    body: Body,
    _open: Open,
}

impl hyper::body::Body for Tracked {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.get_mut().body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

/// Runs `connection` to its end, or drops it (closing the socket) once two checks half a
/// `HEADER_READ_TIMEOUT` apart in a row find no new request head and no open response.
async fn until_stalled<F: Future>(connection: F, progress: &Progress) -> Option<F::Output> {
    let mut connection = std::pin::pin!(connection);
    let period = HEADER_READ_TIMEOUT / 2;
    let mut checks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    checks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let (mut heads_seen, mut quiet_checks) = (0, 0);
    loop {
        tokio::select! {
            biased;
            done = &mut connection => return Some(done),
            _ = checks.tick() => {
                let now = progress.0.load(Relaxed);
                let (heads, open) = (now / ONE_HEAD, now % ONE_HEAD);
                if heads != heads_seen || open > 0 {
                    (heads_seen, quiet_checks) = (heads, 0);
                } else {
                    quiet_checks += 1;
                    if quiet_checks == 2 {
                        return None;
                    }
                }
            }
        }
    }
}

fn panic_response(panic: Box<dyn std::any::Any + Send>) -> Response {
    let what = panic.downcast_ref::<&str>().map(|s| (*s).to_owned()).or_else(|| panic.downcast_ref::<String>().cloned());
    tracing::error!(panic = what.as_deref().unwrap_or("(not a string)"), "a handler panicked");
    AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "The server failed on this request; it keeps serving others.")
        .into_response()
}
