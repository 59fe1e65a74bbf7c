//! The office's and the admin's side of the emulation cycle: `PUT /api/movements/{id}` (the office launches
//! and edits movements) and `PUT /api/admin/rules` (an admin edits the rulebook). Both reach tablets through
//! `GET /api/reference`.

use axum::extract::State;
use axum::routing::put;
use axum::Router;
use chrono::Utc;
use domain::api::{Movement, Role};
use domain::rules::RuleBook;
use serde_json::{json, Value};

use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/movements/{id}", put(save_movement)).route("/admin/rules", put(save_rules))
}

/// Creates or replaces a movement. The id comes from the office's tablet, so a retried save is harmless.
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

/// Stores an edited rulebook as the next edition. `version` must be the edition the admin started from: two
/// admins editing at once cannot overwrite each other silently.
async fn save_rules(
    State(state): State<AppState>,
    session: Session,
    Json(book): Json<RuleBook>,
) -> Result<Json<Value>, ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::Forbidden("Chỉ quản trị viên được sửa bộ quy tắc."));
    }
    let current = state.db.rulebook().await?;
    let problems = book.problems(&current);
    if !problems.is_empty() {
        return Err(ApiError::Problems(problems));
    }
    match state.db.save_rulebook(&book, &session.user_id, Utc::now()).await? {
        Some(version) => {
            tracing::info!(admin = %session.user_id, version, "rulebook saved");
            Ok(Json(json!({"version": version})))
        }
        None => Err(ApiError::Stale(format!(
            "Bộ quy tắc đã được sửa (phiên bản {}) sau khi bạn mở; hãy tải lại rồi sửa tiếp.",
            current.version
        ))),
    }
}
