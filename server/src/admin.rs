//! `POST /api/admin/users`: an admin creates an account with a role and a unit in the admin's own subtree.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use domain::api::{password_problem, valid_login, NewUserRequest, Role};

use crate::db::{NewUser, Session};
use crate::error::{ApiError, Json};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/admin/users", post(create_user))
}

async fn create_user(
    State(state): State<AppState>,
    session: Session,
    Json(request): Json<NewUserRequest>,
) -> Result<(StatusCode, Json<serde_json::Value>), ApiError> {
    if session.role != Role::Admin {
        return Err(ApiError::Forbidden("Chỉ quản trị viên được tạo tài khoản."));
    }
    let login = request.login.trim();
    if !valid_login(login) {
        return Err(ApiError::Invalid(
            "Tên đăng nhập gồm 3–40 chữ thường không dấu, chữ số, dấu chấm, gạch ngang hoặc gạch dưới.".into(),
        ));
    }
    if request.full_name.trim().is_empty() {
        return Err(ApiError::Invalid("Cần nhập họ và tên.".into()));
    }
    if let Some(problem) = password_problem(login, &request.password) {
        return Err(ApiError::Invalid(problem.into()));
    }
    // The scope holds only existing units, so one check answers alike for a unit elsewhere and for none.
    if !session.may_access(&request.unit_id) {
        return Err(ApiError::Forbidden("Đơn vị này nằm ngoài phạm vi quản lý của bạn."));
    }
    let hash = state.passwords.hash(request.password).await?;
    let created = state
        .db
        .create_user(&NewUser {
            id: login,
            login,
            full_name: request.full_name.trim(),
            position: request.position.trim(),
            role: request.role,
            unit_id: &request.unit_id,
            password_hash: &hash,
        })
        .await?;
    if !created {
        return Err(ApiError::LoginTaken);
    }
    tracing::info!(admin = %session.user_id, user = %login, role = request.role.as_str(), "account created");
    Ok((StatusCode::CREATED, Json(serde_json::json!({"id": login}))))
}
