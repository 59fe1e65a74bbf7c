//! `/api/decisions/…`: award decisions drafted from a locked council session, each recipient priced on the
//! decision's date; issuing takes the number from the register and writes the results back to the units'
//! records. `/api/public/decisions` is the public register, read without sign-in.

use axum::extract::State;
use chrono::Utc;
use domain::api::{DecisionChange, ErrorBody, IssueDecision, NewDecision, PublicDecision, PublicRecipient, Role};
use domain::decision::{draft, Decision, DecisionHeader};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::council::updated;
use crate::db::{DecisionInsert, Issue, Session};
use crate::error::{ApiError, Json, Path};
use crate::AppState;

const MAX_TEXT_CHARS: usize = 300;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(decisions, create_decision))
        .routes(routes!(decision, edit_decision))
        .routes(routes!(issue))
        .routes(routes!(public_register))
}

fn office_only(session: &Session) -> Result<(), ApiError> {
    match session.role {
        Role::Office => Ok(()),
        _ => Err(ApiError::Forbidden("Chỉ Văn phòng (thường trực Hội đồng) được soạn, ban hành quyết định.")),
    }
}

fn header_problems(header: &DecisionHeader) -> Result<(), ApiError> {
    let mut problems = Vec::new();
    for (label, text) in [
        ("cơ quan ban hành", &header.issuer),
        ("người ký", &header.signer),
        ("chức vụ người ký", &header.signer_position),
        ("trích yếu", &header.summary),
    ] {
        if text.trim().is_empty() {
            problems.push(format!("Cần ghi {label}"));
        } else if text.chars().count() > MAX_TEXT_CHARS {
            problems.push(format!("{label} dài quá {MAX_TEXT_CHARS} ký tự"));
        }
    }
    let register = header.register.trim();
    if register.is_empty() || register.len() > 40 || !register.chars().all(|c| c.is_alphanumeric() || c == '-') {
        problems.push("Ký hiệu sổ quyết định chỉ gồm chữ, số và dấu gạch ngang (ví dụ QĐ-UBND)".into());
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(ApiError::Invalid(problems.join("; "))),
    }
}

async fn own_decision(state: &AppState, session: &Session, id: &str) -> Result<Decision, ApiError> {
    match state.db.decision(id).await? {
        Some(found) if found.unit_id == session.unit_id => Ok(found),
        _ => Err(ApiError::NotFound("Không có quyết định này.")),
    }
}

/// The office's decisions, latest first.
#[utoipa::path(get, path = "/decisions", tag = "decisions", security(("bearer" = [])), responses(
    (status = 200, description = "Các quyết định, dự thảo và đã ban hành.", body = Vec<Decision>),
    (status = 403, description = "Chỉ Văn phòng và thành viên Hội đồng.", body = ErrorBody),
))]
async fn decisions(State(state): State<AppState>, session: Session) -> Result<Json<Vec<Decision>>, ApiError> {
    if !matches!(session.role, Role::Office | Role::CouncilMember) {
        return Err(ApiError::Forbidden("Chỉ Văn phòng và thành viên Hội đồng xem được quyết định."));
    }
    Ok(Json(state.db.decisions(Some(&session.unit_id), false).await?))
}

/// Drafts a decision from a locked session: its passed candidates, priced on the decision's date, and the
/// others with the result that says why. Sent again with the same id, it answers the draft made the first time.
#[utoipa::path(post, path = "/decisions", tag = "decisions", security(("bearer" = [])),
    request_body = NewDecision, responses(
    (status = 200, description = "Dự thảo quyết định.", body = Decision),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
    (status = 409, description = "Phiên họp đã có quyết định.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ, hoặc phiên họp chưa khóa.", body = ErrorBody),
))]
async fn create_decision(
    State(state): State<AppState>,
    session: Session,
    Json(new): Json<NewDecision>,
) -> Result<Json<Decision>, ApiError> {
    office_only(&session)?;
    if new.id.trim().is_empty() || new.id.len() > 100 {
        return Err(ApiError::Invalid("Mã quyết định không hợp lệ.".into()));
    }
    header_problems(&new.header)?;
    if let Some(existing) = state.db.decision(&new.id).await? {
        return match existing.unit_id == session.unit_id {
            true => Ok(Json(existing)),
            false => Err(ApiError::Invalid("Mã quyết định đã được dùng.".into())),
        };
    }
    let council = match state.db.council_session(&new.session_id).await? {
        Some(found) if found.unit_id == session.unit_id => found,
        _ => return Err(ApiError::NotFound("Không có phiên họp này.")),
    };
    if !council.locked() {
        return Err(ApiError::Invalid(
            "Biên bản phiên họp chưa được chủ trì và thư ký xác nhận; chưa soạn được quyết định.".into(),
        ));
    }
    if let Some(amended) = &new.amends {
        if !own_decision(&state, &session, amended).await?.issued() {
            return Err(ApiError::Invalid("Chỉ sửa đổi được quyết định đã ban hành.".into()));
        }
    }
    let book = state.db.rulebook().await?;
    let mut drafted = draft(&book, new.id, &council, new.header);
    drafted.amends = new.amends;
    match state.db.insert_decision(&drafted, &session.user_id, Utc::now()).await? {
        DecisionInsert::Created(created) | DecisionInsert::Existing(created) if created.unit_id == session.unit_id => {
            tracing::info!(user = %session.user_id, decision = %created.id, "decision drafted");
            Ok(Json(created))
        }
        DecisionInsert::Created(_) | DecisionInsert::Existing(_) => {
            Err(ApiError::Invalid("Mã quyết định đã được dùng.".into()))
        }
        DecisionInsert::SessionDecided(other) => Err(ApiError::Stale(format!(
            "Phiên họp này đã có quyết định ({other}); muốn thay đổi thì soạn quyết định sửa đổi."
        ))),
    }
}

#[utoipa::path(get, path = "/decisions/{id}", tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã quyết định")), responses(
    (status = 200, description = "Quyết định.", body = Decision),
    (status = 403, description = "Chỉ Văn phòng và thành viên Hội đồng.", body = ErrorBody),
    (status = 404, description = "Không có quyết định này.", body = ErrorBody),
))]
async fn decision(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Json<Decision>, ApiError> {
    if !matches!(session.role, Role::Office | Role::CouncilMember) {
        return Err(ApiError::Forbidden("Chỉ Văn phòng và thành viên Hội đồng xem được quyết định."));
    }
    Ok(Json(own_decision(&state, &session, &id).await?))
}

/// Changes a draft's header; the amounts are recomputed on its date. An issued decision is never changed.
#[utoipa::path(put, path = "/decisions/{id}", tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã quyết định")),
    request_body = DecisionChange, responses(
    (status = 200, description = "Đã lưu dự thảo.", body = Decision),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có quyết định này.", body = ErrorBody),
    (status = 409, description = "Đã ban hành, hoặc vừa được người khác cập nhật.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ.", body = ErrorBody),
))]
async fn edit_decision(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(change): Json<DecisionChange>,
) -> Result<Json<Decision>, ApiError> {
    office_only(&session)?;
    header_problems(&change.header)?;
    own_decision(&state, &session, &id).await?;
    let book = state.db.rulebook().await?;
    let header = change.header;
    let outcome = state
        .db
        .update_document::<Decision, _>(&id, change.version, (&session.user_id, "edit"), Utc::now(), |stored| {
            if stored.issued() {
                return Err(ApiError::Stale(
                    "Quyết định đã ban hành, không sửa được; hãy soạn quyết định sửa đổi.".into(),
                ));
            }
            stored.issuer = header.issuer;
            stored.signer = header.signer;
            stored.signer_position = header.signer_position;
            stored.summary = header.summary;
            stored.decided_on = header.decided_on;
            stored.register = header.register;
            stored.price(&book);
            Ok(())
        })
        .await?;
    updated(outcome)
}

/// Issues the draft: its number is the next of its register, and every result goes back to the units' records.
/// Sent again, it answers the decision as issued, and nothing is written twice.
#[utoipa::path(post, path = "/decisions/{id}/issue", tag = "decisions", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã quyết định")),
    request_body = IssueDecision, responses(
    (status = 200, description = "Đã ban hành.", body = Decision),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có quyết định này.", body = ErrorBody),
    (status = 409, description = "Vừa được người khác cập nhật.", body = ErrorBody),
    (status = 422, description = "Có người nhận chưa tính được tiền thưởng.", body = ErrorBody),
))]
async fn issue(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(request): Json<IssueDecision>,
) -> Result<Json<Decision>, ApiError> {
    office_only(&session)?;
    let stored = own_decision(&state, &session, &id).await?;
    let unpriced: Vec<&str> =
        stored.recipients.iter().filter(|r| r.amount.is_none()).map(|r| r.name.as_str()).collect();
    if !stored.issued() && !unpriced.is_empty() {
        return Err(ApiError::Invalid(format!(
            "Chưa tính được tiền thưởng cho: {}; hãy bổ sung mức thưởng trong bộ quy tắc.",
            unpriced.join(", ")
        )));
    }
    let decided: Vec<String> = stored
        .recipients
        .iter()
        .map(|r| r.nomination_id.clone())
        .chain(stored.not_awarded.iter().map(|n| n.nomination_id.clone()))
        .collect();
    let waiting = state.db.unanswered(&decided).await?;
    if !stored.issued() && !waiting.is_empty() {
        let names: Vec<&str> =
            stored.recipients.iter().filter(|r| waiting.contains(&r.nomination_id)).map(|r| r.name.as_str()).collect();
        return Err(ApiError::Invalid(format!(
            "Còn ý kiến nhân dân chưa được trả lời về: {}; hãy trả lời trước khi ban hành.",
            names.join(", ")
        )));
    }
    match state.db.issue_decision(&id, request.version, &session.user_id, Utc::now()).await? {
        Issue::Issued(issued) => {
            tracing::info!(user = %session.user_id, decision = %id, number = ?issued.number, "decision issued");
            Ok(Json(issued))
        }
        Issue::AlreadyIssued(issued) => Ok(Json(issued)),
        Issue::NotFound => Err(ApiError::NotFound("Không có quyết định này.")),
        Issue::Stale { current } => Err(ApiError::Stale(format!(
            "Dự thảo vừa được người khác cập nhật (phiên bản {current}); hãy tải lại rồi ban hành."
        ))),
    }
}

/// The public register: every issued decision, with its recipients and awards. No sign-in.
#[utoipa::path(get, path = "/public/decisions", tag = "public", responses(
    (status = 200, description = "Các quyết định khen thưởng đã ban hành.", body = Vec<PublicDecision>),
))]
async fn public_register(State(state): State<AppState>) -> Result<Json<Vec<PublicDecision>>, ApiError> {
    let issued = state.db.decisions(None, true).await?;
    Ok(Json(
        issued
            .into_iter()
            .map(|d| PublicDecision {
                number: d.number.unwrap_or_default(),
                decided_on: d.decided_on,
                issuer: d.issuer,
                signer: d.signer,
                summary: d.summary,
                recipients: d
                    .recipients
                    .into_iter()
                    .map(|r| PublicRecipient { name: r.name, unit_name: r.unit_name, title_name: r.title_name })
                    .collect(),
            })
            .collect(),
    ))
}
