//! `GET /api/records/{id}/history`: a record's audited changes, for the office, admins and unit heads.

use axum::extract::State;
use domain::api::{ErrorBody, HistoryEntry, Role};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(history))
}

/// The office, admins and unit heads may read who changed what in records of their scope.
#[utoipa::path(get, path = "/records/{id}/history", tag = "records", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Mã hồ sơ")), responses(
    (status = 200, description = "Các thay đổi, cũ trước.", body = Vec<HistoryEntry>),
    (status = 403, description = "Vai trò này không xem được lịch sử.", body = ErrorBody),
    (status = 404, description = "Không có hồ sơ này trong phạm vi của bạn.", body = ErrorBody),
))]
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
