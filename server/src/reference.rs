//! `GET /api/reference` and `GET /api/me`: what a tablet caches to work offline; and
//! `GET /api/records/{id}/history`, a record's audited changes.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use domain::api::{HistoryEntry, ReferenceData, Role, UserProfile};
use uuid::Uuid;

use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/reference", get(reference)).route("/me", get(me)).route("/records/{id}/history", get(history))
}

/// The office, admins and unit heads may read who changed what in records of their scope.
async fn history(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    if !matches!(session.role, Role::Office | Role::Admin | Role::UnitHead) {
        return Err(ApiError::Forbidden("Bạn không có quyền xem lịch sử thay đổi."));
    }
    match state.db.history(id).await? {
        Some((unit, entries)) if session.may_access(&unit) => Ok(Json(entries)),
        // Out of scope answers like a missing record: no one learns what exists elsewhere.
        _ => Err(ApiError::NotFound("Không có hồ sơ này.")),
    }
}

async fn reference(State(state): State<AppState>, session: Session) -> Result<Json<ReferenceData>, ApiError> {
    Ok(Json(state.db.reference_data(&session).await?))
}

async fn me(State(state): State<AppState>, session: Session) -> Result<Json<UserProfile>, ApiError> {
    state.db.user_profile(&session.user_id).await?.map(Json).ok_or(ApiError::Unauthorized)
}
