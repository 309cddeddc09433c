//! The control plane (`/control/*`): the playground UI's own routes, outside the lab policy.

use axum::{
    Json,
    extract::{Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use serde::Deserialize;
use shared::{cors::CorsPolicy, wire::LogEntry};

use crate::{error::AppError, extract::ApiJson, state::AppState};

/// `GET /control/cors`
pub async fn get_cors(State(state): State<AppState>) -> Json<CorsPolicy> {
    Json(state.policy().as_ref().clone())
}

/// `PUT /control/cors`: replaces the policy whole; a bad one changes nothing.
pub async fn put_cors(State(state): State<AppState>, ApiJson(policy): ApiJson<CorsPolicy>) -> Result<Json<CorsPolicy>, AppError> {
    policy
        .validate()
        .map_err(|e| AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_policy", format!("The policy was not applied: {e}.")))?;
    state.set_policy(policy.clone());
    Ok(Json(policy))
}

/// `POST /control/reset`
pub async fn reset(State(state): State<AppState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

#[derive(Deserialize)]
pub struct LogQuery {
    #[serde(default)]
    after: u64,
}

/// `GET /control/log?after=SEQ`: entries newer than SEQ, oldest first.
pub async fn log(State(state): State<AppState>, query: Result<Query<LogQuery>, QueryRejection>) -> Result<Json<Vec<LogEntry>>, AppError> {
    let Query(query) = query.map_err(|e| {
        AppError::new(StatusCode::BAD_REQUEST, "invalid_query", format!("`after` must be a whole number: {}", e.body_text()))
    })?;
    Ok(Json(state.log().after(query.after)))
}
