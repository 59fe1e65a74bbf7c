//! `GET /api/reference` and `GET /api/me`: what a tablet caches to work offline.

use axum::extract::State;
use domain::api::{ReferenceData, UserProfile};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::error::{ApiError, Json};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(reference)).routes(routes!(me))
}

/// The units, people, movements, merges and rulebook of the user's scope.
#[utoipa::path(get, path = "/reference", tag = "reference", security(("bearer" = [])), responses(
    (status = 200, description = "Dữ liệu tham chiếu.", body = ReferenceData),
))]
async fn reference(State(state): State<AppState>, session: Session) -> Result<Json<ReferenceData>, ApiError> {
    Ok(Json(state.db.reference_data(&session).await?))
}

#[utoipa::path(get, path = "/me", tag = "reference", security(("bearer" = [])), responses(
    (status = 200, description = "Hồ sơ người dùng.", body = UserProfile),
))]
async fn me(State(state): State<AppState>, session: Session) -> Result<Json<UserProfile>, ApiError> {
    state.db.user_profile(&session.user_id).await?.map(Json).ok_or(ApiError::Unauthorized)
}
