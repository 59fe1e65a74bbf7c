//! `PUT /api/admin/rules`: an admin saves the next edition of the rulebook, which reaches tablets through
//! `GET /api/reference`.

use axum::extract::State;
use chrono::Utc;
use domain::api::{ErrorBody, RulebookSaved};
use domain::rules::RuleBook;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::error::{ApiError, Json};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(save_rules))
}

/// Stores an edited rulebook as the next edition. `version` must be the edition the admin started from: two
/// admins editing at once cannot overwrite each other silently.
#[utoipa::path(put, path = "/admin/rules", tag = "rulebook", security(("bearer" = [])),
    request_body = RuleBook, responses(
    (status = 200, description = "Đã lưu; phiên bản mới.", body = RulebookSaved),
    (status = 403, description = "Chỉ quản trị viên được sửa bộ quy tắc.", body = ErrorBody),
    (status = 409, description = "Bộ quy tắc đã được sửa sau khi mở (stale).", body = ErrorBody),
    (status = 422, description = "Bộ quy tắc có lỗi; `problems` nêu từng chỗ.", body = ErrorBody),
))]
async fn save_rules(
    State(state): State<AppState>,
    session: Session,
    Json(book): Json<RuleBook>,
) -> Result<Json<RulebookSaved>, ApiError> {
    crate::accounts::admin_only(&session, "Chỉ quản trị viên được sửa bộ quy tắc.")?;
    let current = state.db.rulebook().await?;
    let problems = book.problems(&current);
    if !problems.is_empty() {
        return Err(ApiError::Problems(problems));
    }
    match state.db.save_rulebook(&book, &session.user_id, Utc::now()).await? {
        Some(version) => {
            tracing::info!(admin = %session.user_id, version, "rulebook saved");
            Ok(Json(RulebookSaved { version }))
        }
        None => Err(ApiError::Stale(format!(
            "Bộ quy tắc đã được sửa (phiên bản {}) sau khi bạn mở; hãy tải lại rồi sửa tiếp.",
            current.version
        ))),
    }
}
