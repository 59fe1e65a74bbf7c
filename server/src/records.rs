//! `GET /api/records/{id}/history`: a record's audited changes, for the office, admins and unit heads.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use domain::api::{HistoryEntry, Role};
use uuid::Uuid;

use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/records/{id}/history", get(history))
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
