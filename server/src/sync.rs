//! `POST /api/sync/push` and `GET /api/sync/pull`: the two halves of the sync protocol (see `domain::sync`).

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;
use chrono::Utc;
use domain::sync::{
    PullResponse, PushRequest, PushResponse, RejectCode, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS,
};
use domain::{MutationResult, Outcome, PROTOCOL_VERSION};
use serde::Deserialize;

use crate::db::Session;
use crate::error::{ApiError, Json, Query};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/sync/push", post(push)).route("/sync/pull", get(pull))
}

async fn push(
    State(state): State<AppState>,
    session: Session,
    Json(request): Json<PushRequest>,
) -> Result<Json<PushResponse>, ApiError> {
    if request.protocol != PROTOCOL_VERSION {
        return Err(ApiError::OutdatedClient { client: request.protocol, server: PROTOCOL_VERSION });
    }
    if request.mutations.len() > MAX_PUSH_MUTATIONS {
        return Err(ApiError::TooManyMutations { count: request.mutations.len(), limit: MAX_PUSH_MUTATIONS });
    }
    let now = Utc::now();
    let mut results = Vec::with_capacity(request.mutations.len());
    // Each mutation commits on its own: if a later one fails, the earlier ones are durable, and the client's
    // retry of the whole batch replays them harmlessly.
    for mutation in &request.mutations {
        let result = if session.may_access(&mutation.unit_id) {
            state.db.apply_mutation(&session, mutation, now).await?
        } else {
            tracing::warn!(user = %session.user_id, unit = %mutation.unit_id, "push outside the user's scope");
            MutationResult {
                mutation_id: mutation.id,
                outcome: Outcome::rejected(RejectCode::Forbidden, "Bạn không có quyền sửa hồ sơ của đơn vị này"),
            }
        };
        results.push(result);
    }
    Ok(Json(PushResponse { results }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PullParams {
    #[serde(default)]
    cursor: i64,
    limit: Option<u32>,
}

async fn pull(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<PullParams>,
) -> Result<Json<PullResponse>, ApiError> {
    if params.cursor < 0 {
        return Err(ApiError::Invalid("Con trỏ đồng bộ (cursor) không được âm.".into()));
    }
    let limit = params.limit.unwrap_or(DEFAULT_PULL_LIMIT).clamp(1, MAX_PULL_LIMIT);
    Ok(Json(state.db.pull(&session.scope, &session.writer(), params.cursor, limit).await?))
}
