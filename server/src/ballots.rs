//! `/api/council/sessions/{id}/ballot…`: members vote on their own devices. A member sends one ballot paper for
//! the session; the server checks it against the roster and attendance, counts the member once and adds the
//! choices to running totals that name nobody (see `db::ballots`). The office closes the box, and its totals
//! become the counting committee's tallies, checked and counted under each title's vote rule like typed ones.
//!
//! Secrecy holds in what is logged and answered too: no log line or answer carries a member with a choice.

use axum::extract::State;
use chrono::Utc;
use domain::api::{ConfirmMinutes, ErrorBody, Role};
use domain::ballot::{check_ballot, tally_from, BallotBox, BallotError, BallotReceipt, CastBallot};
use domain::council::{check_quorum, CouncilSession};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::council::{may_read, own_session, recount, refuse_if_locked, updated};
use crate::db::{Cast, Session};
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(cast)).routes(routes!(ballot_box)).routes(routes!(close))
}

/// The signed-in member's ballot. Sent again, it is answered with `counted: false` and adds nothing.
#[utoipa::path(post, path = "/council/sessions/{id}/ballot", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")),
    request_body = CastBallot, responses(
    (status = 200, description = "Phiếu đã được tính (hoặc đã được tính từ lần gửi trước).", body = BallotReceipt),
    (status = 403, description = "Không phải thành viên Hội đồng của phiên họp, hoặc vắng mặt.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
    (status = 409, description = "Phiên họp đã khóa, hoặc đã kết thúc bỏ phiếu.", body = ErrorBody),
    (status = 422, description = "Phiếu thiếu hoặc thừa đề nghị.", body = ErrorBody),
))]
async fn cast(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(ballot): Json<CastBallot>,
) -> Result<Json<BallotReceipt>, ApiError> {
    may_read(&session)?;
    let stored = own_session(&state, &session, &id).await?;
    let (member_id, channel) = check_ballot(&stored, &session.user_id, &ballot).map_err(|e| match e {
        BallotError::NotOnRoster => ApiError::Forbidden("Bạn không có tên trong danh sách Hội đồng của phiên họp này."),
        BallotError::Absent => ApiError::Forbidden(
            "Theo điểm danh, bạn vắng mặt và không biểu quyết bằng văn bản; Văn phòng cần cập nhật điểm danh trước.",
        ),
        BallotError::Locked | BallotError::Closed => ApiError::Stale(e.to_string()),
        BallotError::Candidates { .. } => ApiError::Invalid(e.to_string()),
    })?;
    let receipt = match state.db.cast_ballot(&id, &member_id, channel, &ballot.choices).await? {
        Cast::Counted => BallotReceipt { counted: true, message: "Phiếu của bạn đã được tính.".into() },
        Cast::AlreadyCounted => BallotReceipt {
            counted: false,
            message: "Phiếu của bạn đã được tính từ lần gửi trước; lần gửi này không được tính thêm.".into(),
        },
        Cast::Closed => return Err(ApiError::Stale(BallotError::Closed.to_string())),
    };
    // The session only: who sent it, with what, stays out of the log.
    tracing::info!(session = %id, counted = receipt.counted, "ballot received");
    Ok(Json(receipt))
}

/// Who has voted (never how); the totals only once the box is closed.
#[utoipa::path(get, path = "/council/sessions/{id}/ballots", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")), responses(
    (status = 200, description = "Hòm phiếu.", body = BallotBox),
    (status = 403, description = "Vai trò này không xem được hòm phiếu.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
))]
async fn ballot_box(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<BallotBox>, ApiError> {
    may_read(&session)?;
    let stored = own_session(&state, &session, &id).await?;
    let mut found = state.db.ballot_box(&id).await?;
    let order = |member: &String| stored.roster.iter().position(|m| &m.id == member);
    found.voted.sort_by_key(order);
    Ok(Json(found))
}

/// The office ends the vote: the box takes no more ballots, and each candidate's totals become its tally (a
/// ballot for every member present, an unmarked choice an invalid ballot), counted under the title's vote rule.
#[utoipa::path(post, path = "/council/sessions/{id}/ballots/close", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")),
    request_body = ConfirmMinutes, responses(
    (status = 200, description = "Đã kết thúc bỏ phiếu và ghi kết quả kiểm phiếu.", body = CouncilSession),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
    (status = 409, description = "Phiên họp đã khóa, hoặc vừa được người khác cập nhật.", body = ErrorBody),
    (status = 422, description = "Chưa đủ số thành viên, chưa ai bỏ phiếu, hoặc số phiếu không khớp điểm danh.", body = ErrorBody),
))]
async fn close(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(change): Json<ConfirmMinutes>,
) -> Result<Json<CouncilSession>, ApiError> {
    if session.role != Role::Office {
        return Err(ApiError::Forbidden("Chỉ Văn phòng kết thúc bỏ phiếu."));
    }
    let stored = own_session(&state, &session, &id).await?;
    refuse_if_locked(&stored)?;
    let book = state.db.rulebook().await?;
    check_quorum(&book.council.quorum, stored.mode, &stored.attendance())
        .map_err(|e| ApiError::Invalid(e.to_string()))?;
    if state.db.ballot_box(&id).await?.voted.is_empty() {
        return Err(ApiError::Invalid("Chưa có thành viên nào bỏ phiếu trên thiết bị.".into()));
    }
    let closed = state.db.close_ballot_box(&id, &session.user_id, Utc::now()).await?;
    let outcome = state
        .db
        .update_document::<CouncilSession, _>(
            &id,
            change.version,
            (&session.user_id, "ballots"),
            Utc::now(),
            |stored| {
                refuse_if_locked(stored)?;
                let present = stored.attendance().present;
                for candidate in &mut stored.candidates {
                    let totals = closed.totals.iter().find(|t| t.nomination_id == candidate.nomination_id);
                    candidate.tally = Some(tally_from(&totals.cloned().unwrap_or_default(), present));
                }
                recount(&book, stored)
            },
        )
        .await?;
    let counted = updated(outcome)?;
    tracing::info!(user = %session.user_id, session = %id, voters = closed.voted.len(), "ballot box closed");
    Ok(counted)
}
