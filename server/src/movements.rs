//! `PUT /api/movements/{id}`: the office launches and edits the emulation movements, which reach tablets through
//! `GET /api/reference`.

use axum::extract::State;
use domain::api::{ErrorBody, Movement, Role};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(save_movement))
}

/// Creates or replaces a movement. The id comes from the office's tablet, so a retried save is harmless.
#[utoipa::path(put, path = "/movements/{id}", tag = "movements", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phong trào, do máy của Văn phòng đặt")),
    request_body = Movement, responses(
    (status = 200, description = "Đã lưu phong trào.", body = Movement),
    (status = 403, description = "Chỉ Văn phòng được phát động, sửa phong trào.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ; `problems` nêu từng trường.", body = ErrorBody),
))]
async fn save_movement(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(movement): Json<Movement>,
) -> Result<Json<Movement>, ApiError> {
    if session.role != Role::Office {
        return Err(ApiError::Forbidden("Chỉ Văn phòng (thường trực Hội đồng) được phát động, sửa phong trào."));
    }
    if movement.id != id {
        return Err(ApiError::Invalid("Mã phong trào trong địa chỉ và trong nội dung khác nhau.".into()));
    }
    let problems = movement.problems();
    if !problems.is_empty() {
        return Err(ApiError::Problems(problems));
    }
    state.db.save_movement(&movement).await?;
    tracing::info!(user = %session.user_id, movement = %movement.id, "movement saved");
    Ok(Json(movement))
}
