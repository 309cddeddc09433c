//! `/control/challenge`: start, read and stop the guided challenge (`crate::judge`).

use std::sync::Arc;

use axum::{Json, extract::State, http::StatusCode};
use serde::Deserialize;
use shared::{
    challenge::{ChallengeId, ChallengeState, Run},
    wire::ErrorCode,
};

use crate::{
    auth::store_unavailable,
    error::AppError,
    extract::ApiJson,
    judge,
    state::{AppState, LiveLab},
};

/// `GET /control/challenge`: the running challenge, if any, and whether it is solved.
pub async fn get(State(lab): State<Arc<LiveLab>>) -> Json<ChallengeState> {
    Json(lab.challenge().state())
}

/// `POST /control/challenge` (`shared::challenge::StartChallenge`), read with the id as text
/// so that an id the catalogue lacks gets its own 404 rather than a parse error.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Start {
    id: String,
}

/// `POST /control/challenge`: resets the lab into the challenge's setup and starts judging;
/// nothing changes for an unknown id.
pub async fn start(State(state): State<AppState>, ApiJson(body): ApiJson<Start>) -> Result<Json<Run>, AppError> {
    let id = ChallengeId::parse(&body.id)
        .ok_or_else(|| AppError::new(ErrorCode::UnknownChallenge, format!("There is no challenge {:?}; GET /control/challenge names the running one.", body.id)))?;
    let now = state.clock().now_ms();
    let run = judge::start(state.lab(), &state.config().frontend_origins, now, id).await.map_err(store_unavailable)?;
    Ok(Json(run))
}

/// `DELETE /control/challenge`: no challenge runs any more; the lab is left as it is.
pub async fn stop(State(lab): State<Arc<LiveLab>>) -> StatusCode {
    lab.challenge().stop();
    StatusCode::NO_CONTENT
}

