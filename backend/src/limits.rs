//! Limits on a request head that hold under abuse, checked on both listeners (hyper itself
//! refuses malformed request lines with 400 and stops reading a head near
//! `server::MAX_HEAD_BYTES`).

use axum::{
    body::Body,
    extract::Request,
    response::{IntoResponse, Response},
};
use shared::wire::ErrorCode;
use tower_http::validate_request::ValidateRequest;

use crate::{error::AppError, server::MAX_HEAD_BYTES};

/// Longest request target (path and query) answered; longer gets 414.
pub const MAX_URI: usize = 8 * 1024;

/// 414 for a target over `MAX_URI`; 431 for a head over `MAX_HEAD_BYTES` (hyper may read a
/// head up to twice its buffer limit in its last read, so the limit itself is checked here).
#[derive(Clone, Copy, Debug, Default)]
pub struct HeadLimits;

impl ValidateRequest<Body> for HeadLimits {
    type ResponseBody = Body;

    fn validate(&mut self, req: &mut Request) -> Result<(), Response> {
        let target = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
        if target > MAX_URI {
            return Err(AppError::new(ErrorCode::UriTooLong, format!("The request target is longer than {MAX_URI} bytes.")).into_response());
        }
        let head = target + req.headers().iter().map(|(name, value)| name.as_str().len() + value.len() + 4).sum::<usize>();
        if head > MAX_HEAD_BYTES {
            let message = format!("The request head is larger than {} KiB.", MAX_HEAD_BYTES / 1024);
            return Err(AppError::new(ErrorCode::HeadersTooLarge, message).into_response());
        }
        Ok(())
    }
}
