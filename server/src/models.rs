//! `/api/models/…` and `/api/public/models`: the registry of advanced models. Units propose models from their
//! tablets as records; the office moves each one stage on; the public page lists the recognised models whose
//! subjects consented, without sign-in.

use axum::extract::State;
use chrono::Utc;
use domain::advanced_model::{ModelStatus, ModelStep, ModelStepError, PublicModel};
use domain::api::{ErrorBody, Role};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::db::{ModelMove, Session};
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(move_model)).routes(routes!(public_models))
}

/// Moves a model to its next stage; recognising one names the decisions that recognised it.
#[utoipa::path(put, path = "/models/{id}/status", tag = "models", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Mã hồ sơ điển hình")),
    request_body = ModelStep, responses(
    (status = 200, description = "Giai đoạn mới của mô hình.", body = ModelStatus),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có mô hình này.", body = ErrorBody),
    (status = 409, description = "Mô hình vừa được người khác chuyển giai đoạn.", body = ErrorBody),
    (status = 422, description = "Bước chuyển không hợp lệ.", body = ErrorBody),
))]
async fn move_model(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<Uuid>,
    Json(step): Json<ModelStep>,
) -> Result<Json<ModelStatus>, ApiError> {
    if session.role != Role::Office {
        return Err(ApiError::Forbidden("Chỉ Văn phòng (thường trực Hội đồng) quản lý danh sách điển hình."));
    }
    match state.db.move_model(&id.to_string(), &session.scope, &step, &session.user_id, Utc::now()).await? {
        ModelMove::Moved(status) => {
            tracing::info!(user = %session.user_id, model = %id, status = status.label(), "advanced model moved");
            Ok(Json(status))
        }
        ModelMove::NotFound => Err(ApiError::NotFound("Không có mô hình điển hình này.")),
        ModelMove::Refused(refusal @ ModelStepError::Moved(_)) => Err(ApiError::Stale(refusal.to_string())),
        ModelMove::Refused(refusal) => Err(ApiError::Invalid(refusal.to_string())),
    }
}

/// The recognised models whose subjects consented to publication. No sign-in.
#[utoipa::path(get, path = "/public/models", tag = "public", responses(
    (status = 200, description = "Các điển hình tiên tiến được công nhận, đồng ý công khai.", body = Vec<PublicModel>),
))]
async fn public_models(State(state): State<AppState>) -> Result<Json<Vec<PublicModel>>, ApiError> {
    Ok(Json(state.db.public_models().await?))
}
