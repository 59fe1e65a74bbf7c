//! `GET /api/reference` and `GET /api/me`: what a tablet caches to work offline.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use domain::api::{ReferenceData, UserProfile};

use crate::db::Session;
use crate::error::{ApiError, Json};
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/reference", get(reference)).route("/me", get(me))
}

async fn reference(State(state): State<AppState>, session: Session) -> Result<Json<ReferenceData>, ApiError> {
    Ok(Json(state.db.reference_data(&session).await?))
}

async fn me(State(state): State<AppState>, session: Session) -> Result<Json<UserProfile>, ApiError> {
    state.db.user_profile(&session.user_id).await?.map(Json).ok_or(ApiError::Unauthorized)
}
