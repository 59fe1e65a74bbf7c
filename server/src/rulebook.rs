//! `PUT /api/admin/rules`: an admin saves the next edition of the rulebook, which reaches tablets through
//! `GET /api/reference`.

use axum::extract::State;
use axum::routing::put;
use axum::Router;
use chrono::Utc;
use domain::api::{Role, RulebookSaved};
use domain::rules::RuleBook;

use crate::db::Session;
use crate::error::{ApiError, Json};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/rules", put(save_rules))
}

/// Stores an edited rulebook as the next edition. `version` must be the edition the admin started from: two
/// admins editing at once cannot overwrite each other silently.
async fn save_rules(
    State(state): State<AppState>,
    session: Session,
    Json(book): Json<RuleBook>,
) -> Result<Json<RulebookSaved>, ApiError> {
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
            Ok(Json(RulebookSaved { version }))
        }
        None => Err(ApiError::Stale(format!(
            "Bộ quy tắc đã được sửa (phiên bản {}) sau khi bạn mở; hãy tải lại rồi sửa tiếp.",
            current.version
        ))),
    }
}
