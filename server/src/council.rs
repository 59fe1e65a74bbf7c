//! `/api/council/…`: the council's roster, and its sessions: preparing one from accepted nominations, attendance,
//! the counting committee's tallies, each candidate's result under its title's vote rule, and the minutes the
//! chair and the secretary confirm, after which the session is locked.
//!
//! The office (`vanphong`) acts; council members read, and confirm the minutes when they chair or keep them.

use std::collections::BTreeSet;

use axum::extract::State;
use chrono::Utc;
use domain::api::{AttendanceChange, ConfirmMinutes, ErrorBody, Minutes, NewCouncilSession, Role, TallyChange};
use domain::council::{
    check_quorum, count, roster_on, Candidate, Confirmation, CouncilMember, CouncilRole, CouncilSession,
};
use domain::rules::RuleBook;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::{DocumentUpdate, Session, SessionInsert};
use crate::error::{ApiError, Json, Path};
use crate::AppState;

/// Long enough for any real place or name; a longer one is a mistake or an attack.
const MAX_TEXT_CHARS: usize = 300;
/// A provincial council has about 20 members and a session a few dozen candidates.
const MAX_CANDIDATES: usize = 500;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(members))
        .routes(routes!(save_member))
        .routes(routes!(candidates))
        .routes(routes!(sessions, create_session))
        .routes(routes!(session))
        .routes(routes!(attendance))
        .routes(routes!(tally))
        .routes(routes!(confirm))
        .routes(routes!(minutes))
}

pub(crate) fn office_only(session: &Session) -> Result<(), ApiError> {
    match session.role {
        Role::Office => Ok(()),
        _ => Err(ApiError::Forbidden("Chỉ Văn phòng (thường trực Hội đồng) được thực hiện việc này.")),
    }
}

pub(crate) fn may_read(session: &Session) -> Result<(), ApiError> {
    match session.role {
        Role::Office | Role::CouncilMember => Ok(()),
        _ => Err(ApiError::Forbidden("Chỉ Văn phòng và thành viên Hội đồng được xem phiên họp Hội đồng.")),
    }
}

/// The session if it is this user's council's; another council's answers like a missing one.
pub(crate) async fn own_session(state: &AppState, session: &Session, id: &str) -> Result<CouncilSession, ApiError> {
    match state.db.council_session(id).await? {
        Some(found) if found.unit_id == session.unit_id => Ok(found),
        _ => Err(ApiError::NotFound("Không có phiên họp này.")),
    }
}

fn text_problem(label: &str, text: &str) -> Option<String> {
    if text.trim().is_empty() {
        Some(format!("Cần ghi {label}"))
    } else if text.chars().count() > MAX_TEXT_CHARS {
        Some(format!("{label} dài quá {MAX_TEXT_CHARS} ký tự"))
    } else {
        None
    }
}

/// Why a change may not be made to the session any more.
pub(crate) fn refuse_if_locked(stored: &CouncilSession) -> Result<(), ApiError> {
    if stored.locked() {
        return Err(ApiError::Stale(
            "Biên bản phiên họp đã được chủ trì và thư ký xác nhận, không sửa được; hãy lập phiên đính chính.".into(),
        ));
    }
    Ok(())
}

/// The outcome of a stored change, as a handler answers it.
pub(crate) fn updated<T>(outcome: DocumentUpdate<T, ApiError>) -> Result<Json<T>, ApiError> {
    match outcome {
        DocumentUpdate::Done(document) => Ok(Json(document)),
        DocumentUpdate::NotFound => Err(ApiError::NotFound("Không có văn bản này.")),
        DocumentUpdate::Stale { current } => Err(ApiError::Stale(format!(
            "Nội dung vừa được người khác cập nhật (phiên bản {current}); hãy tải lại rồi làm lại."
        ))),
        DocumentUpdate::Refused(refusal) => Err(refusal),
    }
}

/// Every seat, past and present, of the user's council.
#[utoipa::path(get, path = "/council/members", tag = "council", security(("bearer" = [])), responses(
    (status = 200, description = "Các thành viên Hội đồng, theo ngày bắt đầu.", body = Vec<CouncilMember>),
    (status = 403, description = "Vai trò này không xem được Hội đồng.", body = ErrorBody),
))]
async fn members(State(state): State<AppState>, session: Session) -> Result<Json<Vec<CouncilMember>>, ApiError> {
    may_read(&session)?;
    Ok(Json(state.db.council_members(&session.unit_id).await?))
}

/// Appoints a member, or changes a seat (its end date, say). A session keeps the roster of its own day.
#[utoipa::path(put, path = "/council/members/{id}", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã thành viên, do máy của Văn phòng đặt")),
    request_body = CouncilMember, responses(
    (status = 200, description = "Đã lưu.", body = CouncilMember),
    (status = 403, description = "Chỉ Văn phòng được sửa danh sách Hội đồng.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ.", body = ErrorBody),
))]
async fn save_member(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(member): Json<CouncilMember>,
) -> Result<Json<CouncilMember>, ApiError> {
    office_only(&session)?;
    if member.id != id || id.trim().is_empty() || id.len() > 100 {
        return Err(ApiError::Invalid("Mã thành viên trong địa chỉ và trong nội dung khác nhau.".into()));
    }
    let problems: Vec<String> = [text_problem("họ tên", &member.name)]
        .into_iter()
        .flatten()
        .chain((member.position.chars().count() > MAX_TEXT_CHARS).then(|| "Chức vụ dài quá mức cho phép".into()))
        .chain(
            member
                .valid_to
                .filter(|to| *to < member.valid_from)
                .map(|_| "Ngày thôi tham gia trước ngày bắt đầu".into()),
        )
        .collect();
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems.join("; ")));
    }
    if let Some(user) = &member.user_id {
        if state.db.user_unit(user).await?.as_deref() != Some(session.unit_id.as_str()) {
            return Err(ApiError::Invalid(format!("Không có tài khoản \"{user}\" thuộc cơ quan này.")));
        }
    }
    if !state.db.save_council_member(&session.unit_id, &member, &session.user_id, Utc::now()).await? {
        return Err(ApiError::NotFound("Không có thành viên này trong Hội đồng của cơ quan."));
    }
    tracing::info!(user = %session.user_id, member = %member.id, "council member saved");
    Ok(Json(member))
}

/// Accepted nominations of the office's scope that no session holds yet.
#[utoipa::path(get, path = "/council/candidates", tag = "council", security(("bearer" = [])), responses(
    (status = 200, description = "Hồ sơ đã tiếp nhận, chờ đưa ra Hội đồng.", body = Vec<Candidate>),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
))]
async fn candidates(State(state): State<AppState>, session: Session) -> Result<Json<Vec<Candidate>>, ApiError> {
    office_only(&session)?;
    Ok(Json(state.db.ready_candidates(&session.scope, None, None).await?))
}

/// The sessions of the user's council, latest first.
#[utoipa::path(get, path = "/council/sessions", tag = "council", security(("bearer" = [])), responses(
    (status = 200, description = "Các phiên họp.", body = Vec<CouncilSession>),
    (status = 403, description = "Vai trò này không xem được phiên họp.", body = ErrorBody),
))]
async fn sessions(State(state): State<AppState>, session: Session) -> Result<Json<Vec<CouncilSession>>, ApiError> {
    may_read(&session)?;
    Ok(Json(state.db.council_sessions(&session.unit_id).await?))
}

/// Prepares a session with the roster of its day and the chosen candidates. Sent again with the same id, it
/// answers the session made the first time.
#[utoipa::path(post, path = "/council/sessions", tag = "council", security(("bearer" = [])),
    request_body = NewCouncilSession, responses(
    (status = 200, description = "Phiên họp đã lập (hoặc đã lập từ lần gửi trước).", body = CouncilSession),
    (status = 403, description = "Chỉ Văn phòng được lập phiên họp.", body = ErrorBody),
    (status = 409, description = "Có hồ sơ đã thuộc phiên họp khác.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ.", body = ErrorBody),
))]
async fn create_session(
    State(state): State<AppState>,
    session: Session,
    Json(new): Json<NewCouncilSession>,
) -> Result<Json<CouncilSession>, ApiError> {
    office_only(&session)?;
    if new.id.trim().is_empty() || new.id.len() > 100 {
        return Err(ApiError::Invalid("Mã phiên họp không hợp lệ.".into()));
    }
    if let Some(problem) = text_problem("địa điểm", &new.place) {
        return Err(ApiError::Invalid(problem));
    }
    let wanted: BTreeSet<&String> = new.nomination_ids.iter().collect();
    if wanted.is_empty() || wanted.len() > MAX_CANDIDATES || wanted.len() != new.nomination_ids.len() {
        return Err(ApiError::Invalid(format!("Cần chọn từ 1 đến {MAX_CANDIDATES} hồ sơ, mỗi hồ sơ một lần.")));
    }
    if let Some(corrected) = &new.corrects {
        let corrected = own_session(&state, &session, corrected).await?;
        if !corrected.locked() {
            return Err(ApiError::Invalid(
                "Chỉ đính chính phiên họp đã xác nhận; phiên chưa xác nhận thì sửa trực tiếp.".into(),
            ));
        }
    }
    if let Some(existing) = state.db.council_session(&new.id).await? {
        return match existing.unit_id == session.unit_id {
            true => Ok(Json(existing)),
            false => Err(ApiError::Invalid("Mã phiên họp đã được dùng.".into())),
        };
    }
    let ready = state.db.ready_candidates(&session.scope, Some(&new.nomination_ids), new.corrects.as_deref()).await?;
    let missing: Vec<&str> = new
        .nomination_ids
        .iter()
        .filter(|id| !ready.iter().any(|c| &&c.nomination_id == id))
        .map(|s| s.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(ApiError::Invalid(format!(
            "Hồ sơ chưa được tiếp nhận, đã thuộc phiên họp khác hoặc ngoài phạm vi: {}",
            missing.join(", ")
        )));
    }
    let roster = roster_on(&state.db.council_members(&session.unit_id).await?, new.held_on);
    if roster.is_empty() {
        return Err(ApiError::Invalid("Hội đồng chưa có thành viên nào vào ngày họp; hãy cập nhật danh sách.".into()));
    }
    let prepared = CouncilSession {
        id: new.id,
        unit_id: session.unit_id.clone(),
        held_on: new.held_on,
        place: new.place.trim().to_string(),
        mode: new.mode,
        roster,
        presence: Default::default(),
        candidates: ready,
        corrects: new.corrects,
        chair_confirmed: None,
        secretary_confirmed: None,
        version: 1,
    };
    match state.db.insert_council_session(&prepared, &session.user_id, Utc::now()).await? {
        SessionInsert::Created(created) => {
            tracing::info!(user = %session.user_id, session = %created.id, "council session prepared");
            Ok(Json(created))
        }
        SessionInsert::Existing(existing) if existing.unit_id == session.unit_id => Ok(Json(existing)),
        SessionInsert::Existing(_) => Err(ApiError::Invalid("Mã phiên họp đã được dùng.".into())),
        SessionInsert::Taken(ids) => {
            Err(ApiError::Stale(format!("Hồ sơ vừa được đưa vào phiên họp khác: {}", ids.join(", "))))
        }
    }
}

#[utoipa::path(get, path = "/council/sessions/{id}", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")), responses(
    (status = 200, description = "Phiên họp.", body = CouncilSession),
    (status = 403, description = "Vai trò này không xem được phiên họp.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
))]
async fn session(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<CouncilSession>, ApiError> {
    may_read(&session)?;
    Ok(Json(own_session(&state, &session, &id).await?))
}

/// Recomputes every counted candidate's result under the current rules; refuses if a count no longer adds up
/// with the attendance.
pub(crate) fn recount(book: &RuleBook, stored: &mut CouncilSession) -> Result<(), ApiError> {
    let attendance = stored.attendance();
    for candidate in &mut stored.candidates {
        let Some(tally) = candidate.tally else { continue };
        tally
            .check(&attendance)
            .map_err(|e| ApiError::Invalid(format!("{} ({}): {e}", candidate.nominee_name, candidate.title_name)))?;
        let rule = book.vote_for(&candidate.title, candidate.nominee_kind, &candidate.regime);
        candidate.result = Some(count(rule, &tally, &attendance));
    }
    Ok(())
}

/// Who attends: present, absent, or voting in writing. Results already counted are recounted.
#[utoipa::path(put, path = "/council/sessions/{id}/attendance", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")),
    request_body = AttendanceChange, responses(
    (status = 200, description = "Đã ghi.", body = CouncilSession),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
    (status = 409, description = "Phiên họp đã khóa, hoặc vừa được người khác cập nhật.", body = ErrorBody),
    (status = 422, description = "Có người không thuộc danh sách phiên họp, hoặc kết quả không còn khớp.", body = ErrorBody),
))]
async fn attendance(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(change): Json<AttendanceChange>,
) -> Result<Json<CouncilSession>, ApiError> {
    office_only(&session)?;
    own_session(&state, &session, &id).await?;
    let book = state.db.rulebook().await?;
    let outcome = state
        .db
        .update_document::<CouncilSession, _>(
            &id,
            change.version,
            (&session.user_id, "attendance"),
            Utc::now(),
            |stored| {
                refuse_if_locked(stored)?;
                let strangers: Vec<&str> = change
                    .presence
                    .keys()
                    .filter(|member| !stored.roster.iter().any(|m| &m.id == *member))
                    .map(String::as_str)
                    .collect();
                if !strangers.is_empty() {
                    return Err(ApiError::Invalid(format!(
                        "Không thuộc danh sách Hội đồng của phiên họp: {}",
                        strangers.join(", ")
                    )));
                }
                stored.presence = change.presence.clone();
                recount(&book, stored)
            },
        )
        .await?;
    updated(outcome)
}

/// The counting committee's count for one candidate; the result follows from the vote rule of its title.
#[utoipa::path(put, path = "/council/sessions/{id}/tallies/{nomination_id}", tag = "council",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp"), ("nomination_id" = String, Path, description = "Mã hồ sơ đề nghị")),
    request_body = TallyChange, responses(
    (status = 200, description = "Đã ghi kết quả kiểm phiếu.", body = CouncilSession),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp hoặc hồ sơ này.", body = ErrorBody),
    (status = 409, description = "Phiên họp đã khóa, hoặc vừa được người khác cập nhật.", body = ErrorBody),
    (status = 422, description = "Chưa đủ số thành viên, hoặc số phiếu không khớp.", body = ErrorBody),
))]
async fn tally(
    State(state): State<AppState>,
    session: Session,
    Path((id, nomination_id)): Path<(String, String)>,
    Json(change): Json<TallyChange>,
) -> Result<Json<CouncilSession>, ApiError> {
    office_only(&session)?;
    own_session(&state, &session, &id).await?;
    let book = state.db.rulebook().await?;
    let outcome = state
        .db
        .update_document::<CouncilSession, _>(&id, change.version, (&session.user_id, "tally"), Utc::now(), |stored| {
            refuse_if_locked(stored)?;
            check_quorum(&book.council.quorum, stored.mode, &stored.attendance())
                .map_err(|e| ApiError::Invalid(e.to_string()))?;
            let candidate = stored
                .candidates
                .iter_mut()
                .find(|c| c.nomination_id == nomination_id)
                .ok_or(ApiError::NotFound("Hồ sơ này không thuộc phiên họp."))?;
            candidate.tally = Some(change.tally);
            recount(&book, stored)
        })
        .await?;
    updated(outcome)
}

/// The chair (or who chaired) or the secretary confirms the minutes; with both, the session is locked.
#[utoipa::path(post, path = "/council/sessions/{id}/confirm", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")),
    request_body = ConfirmMinutes, responses(
    (status = 200, description = "Đã xác nhận.", body = CouncilSession),
    (status = 403, description = "Chỉ người chủ trì và thư ký của phiên họp xác nhận.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
    (status = 409, description = "Vừa được người khác cập nhật.", body = ErrorBody),
    (status = 422, description = "Còn hồ sơ chưa kiểm phiếu.", body = ErrorBody),
))]
async fn confirm(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(change): Json<ConfirmMinutes>,
) -> Result<Json<CouncilSession>, ApiError> {
    may_read(&session)?;
    let stored = own_session(&state, &session, &id).await?;
    let mine = |member: Option<&CouncilMember>| {
        member.filter(|m| m.user_id.as_deref() == Some(session.user_id.as_str())).map(|m| m.id.clone())
    };
    let as_chair = mine(stored.chair());
    let as_secretary = mine(stored.member_in(CouncilRole::ThuKy));
    if as_chair.is_none() && as_secretary.is_none() {
        return Err(ApiError::Forbidden("Chỉ người chủ trì và thư ký của phiên họp xác nhận biên bản."));
    }
    let outcome = state
        .db
        .update_document::<CouncilSession, _>(
            &id,
            change.version,
            (&session.user_id, "confirm"),
            Utc::now(),
            |stored| {
                refuse_if_locked(stored)?;
                let uncounted: Vec<&str> =
                    stored.candidates.iter().filter(|c| c.result.is_none()).map(|c| c.nominee_name.as_str()).collect();
                if !uncounted.is_empty() {
                    return Err(ApiError::Invalid(format!("Còn hồ sơ chưa kiểm phiếu: {}", uncounted.join(", "))));
                }
                let at = Utc::now();
                if let Some(member_id) = as_chair {
                    stored.chair_confirmed = Some(Confirmation { member_id, at });
                }
                if let Some(member_id) = as_secretary {
                    stored.secretary_confirmed = Some(Confirmation { member_id, at });
                }
                Ok(())
            },
        )
        .await?;
    let confirmed = updated(outcome)?;
    tracing::info!(user = %session.user_id, session = %id, locked = confirmed.0.locked(), "minutes confirmed");
    Ok(confirmed)
}

/// The minutes, made from the session.
#[utoipa::path(get, path = "/council/sessions/{id}/minutes", tag = "council", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp")), responses(
    (status = 200, description = "Biên bản.", body = Minutes),
    (status = 403, description = "Vai trò này không xem được phiên họp.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
))]
async fn minutes(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Minutes>, ApiError> {
    may_read(&session)?;
    let stored = own_session(&state, &session, &id).await?;
    let council = domain::documents::council_name(&state.db.unit_name(&stored.unit_id).await?);
    Ok(Json(Minutes { text: stored.minutes(&council), locked: stored.locked() }))
}
