//! `/api/publications/…`: the office publishes a locked session's list for comments for a number of working
//! days, and triages and answers each comment; `/api/public/publications/…` is the public's side, without
//! sign-in: the open windows, and a comment form limited in size and in pace.

use axum::extract::State;
use chrono::{Duration, NaiveDate, Utc};
use domain::api::{CommentAnswer, CommentTaken, ErrorBody, NewComment, NewPublication, PublicationWithComments, Role};
use domain::calendar::{close_after_working_days, vietnam_date};
use domain::publication::{answer_problem, comment_problem, Comment, Publication, PublishedCandidate};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::session::{token_hash, ClientAddress};
use crate::AppState;

/// Comments one address may send in `COMMENT_WINDOW`.
const COMMENTS_PER_WINDOW: i64 = 5;
const COMMENT_WINDOW: Duration = Duration::minutes(10);

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(publications, publish))
        .routes(routes!(answer))
        .routes(routes!(open_publications))
        .routes(routes!(comment))
}

/// Today in Vietnam, where the windows' days are counted.
fn today() -> NaiveDate {
    vietnam_date(Utc::now())
}

fn office_only(session: &Session) -> Result<(), ApiError> {
    match session.role {
        Role::Office => Ok(()),
        _ => Err(ApiError::Forbidden("Chỉ Văn phòng (thường trực Hội đồng) được công khai và trả lời ý kiến.")),
    }
}

/// The office's windows, each with its comments.
#[utoipa::path(get, path = "/publications", tag = "publications", security(("bearer" = [])), responses(
    (status = 200, description = "Các đợt công khai và ý kiến nhận được.", body = Vec<PublicationWithComments>),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
))]
async fn publications(
    State(state): State<AppState>,
    session: Session,
) -> Result<Json<Vec<PublicationWithComments>>, ApiError> {
    office_only(&session)?;
    let mut all = Vec::new();
    for publication in state.db.publications(Some(&session.unit_id)).await? {
        let comments = state.db.comments(&publication.id).await?;
        all.push(PublicationWithComments { publication, comments });
    }
    Ok(Json(all))
}

/// Publishes a locked session's passed candidates whose titles the rulebook's publication rule names, from
/// `opens` for its number of working days (weekends and the rulebook's holidays do not count).
#[utoipa::path(post, path = "/publications", tag = "publications", security(("bearer" = [])),
    request_body = NewPublication, responses(
    (status = 200, description = "Đã công khai (hoặc đã công khai từ lần gửi trước).", body = Publication),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp này.", body = ErrorBody),
    (status = 422, description = "Phiên họp chưa khóa, hoặc không có ai cần công khai.", body = ErrorBody),
))]
async fn publish(
    State(state): State<AppState>,
    session: Session,
    Json(new): Json<NewPublication>,
) -> Result<Json<Publication>, ApiError> {
    office_only(&session)?;
    if new.id.trim().is_empty() || new.id.len() > 100 {
        return Err(ApiError::Invalid("Mã đợt công khai không hợp lệ.".into()));
    }
    if let Some(existing) = state.db.publication(&new.id).await? {
        return match existing.unit_id == session.unit_id {
            true => Ok(Json(existing)),
            false => Err(ApiError::Invalid("Mã đợt công khai đã được dùng.".into())),
        };
    }
    let council = match state.db.council_session(&new.session_id).await? {
        Some(found) if found.unit_id == session.unit_id => found,
        _ => return Err(ApiError::NotFound("Không có phiên họp này.")),
    };
    if !council.locked() {
        return Err(ApiError::Invalid("Biên bản phiên họp chưa được xác nhận; chưa công khai được.".into()));
    }
    let book = state.db.rulebook().await?;
    let Some(rule) = book.publication.clone() else {
        return Err(ApiError::Invalid("Bộ quy tắc chưa có quy định về công khai.".into()));
    };
    let candidates: Vec<PublishedCandidate> = council
        .candidates
        .iter()
        .filter(|c| c.result.as_ref().is_some_and(|r| r.passed) && rule.titles.contains(&c.title))
        .map(|c| PublishedCandidate {
            nomination_id: c.nomination_id.clone(),
            name: c.nominee_name.clone(),
            unit_name: c.unit_name.clone(),
            title_name: c.title_name.clone(),
            summary: c.summary.clone(),
        })
        .collect();
    if candidates.is_empty() {
        return Err(ApiError::Invalid("Phiên họp không có ai được đề nghị thuộc diện phải công khai.".into()));
    }
    let holidays: Vec<NaiveDate> = book.holidays.iter().map(|h| h.date).collect();
    let publication = Publication {
        id: new.id,
        unit_id: session.unit_id.clone(),
        session_id: council.id,
        opens: new.opens,
        closes: close_after_working_days(new.opens, rule.working_days, &holidays),
        working_days: rule.working_days,
        article: rule.article,
        candidates,
    };
    state.db.insert_publication(&publication, &session.user_id, Utc::now()).await?;
    tracing::info!(user = %session.user_id, publication = %publication.id, closes = %publication.closes, "published");
    Ok(Json(publication))
}

/// The office's triage and written answer to a comment.
#[utoipa::path(put, path = "/publications/{id}/comments/{comment_id}", tag = "publications",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã đợt công khai"), ("comment_id" = i64, Path, description = "Số ý kiến")),
    request_body = CommentAnswer, responses(
    (status = 200, description = "Đã trả lời.", body = PublicationWithComments),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có ý kiến này.", body = ErrorBody),
    (status = 422, description = "Chưa có nội dung trả lời.", body = ErrorBody),
))]
async fn answer(
    State(state): State<AppState>,
    session: Session,
    Path((id, comment_id)): Path<(String, i64)>,
    Json(answer): Json<CommentAnswer>,
) -> Result<Json<PublicationWithComments>, ApiError> {
    office_only(&session)?;
    let publication = match state.db.publication(&id).await? {
        Some(found) if found.unit_id == session.unit_id => found,
        _ => return Err(ApiError::NotFound("Không có đợt công khai này.")),
    };
    if let Some(problem) = answer_problem(&answer.answer) {
        return Err(ApiError::Invalid(problem));
    }
    let stored = state
        .db
        .answer_comment((&id, comment_id), (answer.triage, answer.answer.trim()), &session.user_id, Utc::now())
        .await?;
    if !stored {
        return Err(ApiError::NotFound("Không có ý kiến này."));
    }
    let comments = state.db.comments(&id).await?;
    Ok(Json(PublicationWithComments { publication, comments }))
}

/// The windows open today, with the candidates and their achievement summaries. No sign-in.
#[utoipa::path(get, path = "/public/publications", tag = "public", responses(
    (status = 200, description = "Các đợt lấy ý kiến đang mở.", body = Vec<Publication>),
))]
async fn open_publications(State(state): State<AppState>) -> Result<Json<Vec<Publication>>, ApiError> {
    let today = today();
    let all = state.db.publications(None).await?;
    Ok(Json(all.into_iter().filter(|p| p.open_on(today)).collect()))
}

/// A comment on a published candidate, without sign-in: at most 5 from one address in 10 minutes, and stored
/// as text (every page shows it as text, never as markup).
#[utoipa::path(post, path = "/public/publications/{id}/comments", tag = "public",
    params(("id" = String, Path, description = "Mã đợt công khai")),
    request_body = NewComment, responses(
    (status = 200, description = "Đã nhận ý kiến.", body = CommentTaken),
    (status = 404, description = "Không có đợt công khai hoặc người được đề nghị này.", body = ErrorBody),
    (status = 409, description = "Đợt lấy ý kiến chưa mở hoặc đã kết thúc.", body = ErrorBody),
    (status = 422, description = "Thiếu họ tên, nội dung, hoặc quá dài.", body = ErrorBody),
    (status = 429, description = "Gửi quá nhiều ý kiến trong thời gian ngắn.", body = ErrorBody),
))]
async fn comment(
    State(state): State<AppState>,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Json(new): Json<NewComment>,
) -> Result<Json<CommentTaken>, ApiError> {
    let Some(publication) = state.db.publication(&id).await? else {
        return Err(ApiError::NotFound("Không có đợt lấy ý kiến này."));
    };
    if !publication.open_on(today()) {
        return Err(ApiError::Stale(format!(
            "Đợt lấy ý kiến từ {} đến {}; hiện không nhận ý kiến.",
            domain::calendar::format_date(publication.opens),
            domain::calendar::format_date(publication.closes)
        )));
    }
    if !publication.candidates.iter().any(|c| c.nomination_id == new.nomination_id) {
        return Err(ApiError::NotFound("Không có người được đề nghị này trong đợt lấy ý kiến."));
    }
    if let Some(problem) = comment_problem(&new.name, &new.contact, &new.text) {
        return Err(ApiError::Invalid(problem));
    }
    let now = Utc::now();
    let comment = Comment {
        id: 0,
        publication_id: id,
        nomination_id: new.nomination_id,
        name: new.name.trim().to_string(),
        contact: new.contact.trim().to_string(),
        text: new.text.trim().to_string(),
        at: now,
        triage: None,
        answer: None,
        answered_by: None,
        answered_at: None,
    };
    let sender = token_hash(&address.map_or_else(|| "unknown".to_string(), |a| a.to_string()));
    match state.db.insert_comment(&comment, &sender, (COMMENTS_PER_WINDOW, now - COMMENT_WINDOW)).await? {
        Some(id) => {
            tracing::info!(publication = %comment.publication_id, comment = id, "comment taken");
            Ok(Json(CommentTaken { id }))
        }
        None => Err(ApiError::TooManyComments),
    }
}
