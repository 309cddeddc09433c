//! A lab route's refusal: the error its client gets and the report the request log keeps.

use axum::response::{IntoResponse, Response};

use crate::{error::AppError, request_log::RouteReport};

/// A lab route's refusal: the error the client gets and what the log says about it.
#[derive(Debug)]
pub struct Refused {
    pub report: RouteReport,
    pub error: AppError,
}

impl Refused {
    /// Refused for the error's own reason, before anyone was authenticated.
    pub fn by(error: AppError) -> Refused {
        Refused { report: RouteReport::Refused(error.code), error }
    }
}

impl From<AppError> for Refused {
    fn from(error: AppError) -> Refused {
        Refused::by(error)
    }
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        (self.report, self.error).into_response()
    }
}
