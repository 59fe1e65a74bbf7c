//! `POST /api/sync/push` and `GET /api/sync/pull`: the two halves of the sync protocol (see `domain::sync`).

use axum::extract::State;
use chrono::Utc;
use domain::api::ErrorBody;
use domain::sync::{
    PullResponse, PushRequest, PushResponse, RejectCode, DEFAULT_PULL_LIMIT, MAX_PULL_LIMIT, MAX_PUSH_MUTATIONS,
};
use domain::{Mutation, MutationResult, Outcome, PROTOCOL_VERSION};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::error::{ApiError, Json, Query};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(push)).routes(routes!(pull))
}

/// Applies a batch of mutations in order; each gets its own answer, and a replay gets the first answer again.
#[utoipa::path(post, path = "/sync/push", tag = "sync", security(("bearer" = [])), request_body = PushRequest,
    responses(
    (status = 200, description = "Một kết quả cho mỗi thay đổi, theo thứ tự gửi.", body = PushResponse),
    (status = 409, description = "Ứng dụng cũ hơn giao thức của máy chủ (outdated_client).", body = ErrorBody),
    (status = 413, description = "Quá nhiều thay đổi trong một lần gửi (too_many_mutations).", body = ErrorBody),
))]
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
    // Mutations outside the user's scope are refused here; the rest go to storage as one batch, in order.
    let (allowed, refused): (Vec<&Mutation>, Vec<&Mutation>) =
        request.mutations.iter().partition(|m| session.may_access(&m.unit_id));
    if !refused.is_empty() {
        tracing::warn!(user = %session.user_id, count = refused.len(), "push outside the user's scope");
    }
    let allowed: Vec<Mutation> = allowed.into_iter().cloned().collect();
    let mut applied = state.db.apply_mutations(&session, allowed, Utc::now()).await?.into_iter();
    let results = request
        .mutations
        .iter()
        .map(|mutation| {
            if session.may_access(&mutation.unit_id) {
                applied.next().ok_or_else(|| ApiError::Internal("a mutation of the batch got no answer".into()))
            } else {
                Ok(MutationResult {
                    mutation_id: mutation.id,
                    outcome: Outcome::rejected(RejectCode::Forbidden, "Bạn không có quyền sửa hồ sơ của đơn vị này"),
                })
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(PushResponse { results }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct PullParams {
    /// The last change this tablet has (0 for everything).
    #[serde(default)]
    cursor: i64,
    /// Records per page (default and ceiling set by the server).
    limit: Option<u32>,
}

/// The records changed since `cursor`, one page at a time.
#[utoipa::path(get, path = "/sync/pull", tag = "sync", security(("bearer" = [])), params(PullParams), responses(
    (status = 200, description = "Một trang các hồ sơ đã đổi.", body = PullResponse),
    (status = 422, description = "Con trỏ âm.", body = ErrorBody),
))]
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
