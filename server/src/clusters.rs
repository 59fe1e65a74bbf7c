//! `/api/clusters/…`: clusters and blocks. The office defines them (members, leadership, covenants); in a year
//! the leading unit and its deputies review the members' self-scores, the office (the standing body) adds part
//! III and publishes the ranking, after which the Cờ thi đua rule reads it. The members score themselves on
//! their tablets, as records (`cluster_score`).

use axum::extract::State;
use chrono::{NaiveDate, Utc};
use domain::api::{
    BoardRow, ClusterBoard, ClusterChange, ErrorBody, PublishRanking, ReviewChange, Role, StandingChange,
};
use domain::calendar::vietnam_date;
use domain::cluster::{Cluster, ClusterError, Review, SheetInputs};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::council::{office_only, updated};
use crate::db::Session;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(clusters))
        .routes(routes!(define))
        .routes(routes!(board))
        .routes(routes!(review))
        .routes(routes!(standing))
        .routes(routes!(publish))
}

impl From<ClusterError> for ApiError {
    fn from(error: ClusterError) -> Self {
        match error {
            ClusterError::Published(_) => ApiError::Stale(error.to_string()),
            ClusterError::NotLeader => ApiError::Forbidden(
                "Chỉ đơn vị trưởng, phó cụm, khối được chấm điểm thẩm định, và không chấm cho đơn vị mình.",
            ),
            _ => ApiError::Invalid(error.to_string()),
        }
    }
}

/// The cluster, if the user may see its board: the office and the council, or the leading unit and its
/// deputies that year. Another cluster answers like a missing one.
async fn readable(state: &AppState, session: &Session, id: &str, year: i32) -> Result<Cluster, ApiError> {
    let cluster = match state.db.cluster(id).await? {
        Some(found) if found.members.iter().any(|m| session.may_access(&m.unit_id)) => found,
        _ => return Err(ApiError::NotFound("Không có cụm, khối thi đua này.")),
    };
    let leads = cluster.year(year).is_some_and(|y| y.leads(&session.unit_id));
    match session.role {
        Role::Office | Role::CouncilMember => Ok(cluster),
        Role::UnitHead | Role::Staff if leads => Ok(cluster),
        _ => Err(ApiError::Forbidden("Chỉ Văn phòng và đơn vị trưởng, phó cụm, khối xem được bảng điểm.")),
    }
}

/// The clusters with a member in the user's scope, for the office and the council.
#[utoipa::path(get, path = "/clusters", tag = "clusters", security(("bearer" = [])), responses(
    (status = 200, description = "Các cụm, khối thi đua.", body = Vec<Cluster>),
    (status = 403, description = "Chỉ Văn phòng và thành viên Hội đồng.", body = ErrorBody),
))]
async fn clusters(State(state): State<AppState>, session: Session) -> Result<Json<Vec<Cluster>>, ApiError> {
    if !matches!(session.role, Role::Office | Role::CouncilMember) {
        return Err(ApiError::Forbidden("Chỉ Văn phòng và thành viên Hội đồng xem được danh sách cụm, khối."));
    }
    let mut all = state.db.clusters().await?;
    all.retain(|c| c.members.iter().any(|m| session.may_access(&m.unit_id)));
    Ok(Json(all))
}

/// Makes a cluster (version 0) or changes its name, members, leadership and covenants. A year keeps its
/// reviews, standing and ranking; a published year does not change.
#[utoipa::path(put, path = "/clusters/{id}", tag = "clusters", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã cụm, khối (chữ thường, số, gạch nối)")),
    request_body = ClusterChange, responses(
    (status = 200, description = "Đã lưu.", body = Cluster),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 404, description = "Không có cụm, khối này.", body = ErrorBody),
    (status = 409, description = "Đã có người cập nhật trước, mã đã dùng, hoặc năm đã công bố.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ.", body = ErrorBody),
))]
async fn define(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(change): Json<ClusterChange>,
) -> Result<Json<Cluster>, ApiError> {
    office_only(&session)?;
    let well_named = |id: &str| {
        !id.is_empty()
            && id.len() <= 100
            && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !well_named(&id) {
        return Err(ApiError::Invalid("Mã cụm, khối chỉ gồm chữ thường không dấu, số và dấu gạch nối.".into()));
    }
    let mut problems = change.definition.problems();
    problems.extend(
        change
            .definition
            .members
            .iter()
            .filter(|m| !session.may_access(&m.unit_id))
            .map(|m| format!("Đơn vị \"{}\" không thuộc phạm vi của Văn phòng", m.unit_id)),
    );
    if !problems.is_empty() {
        return Err(ApiError::Invalid(problems.join("; ")));
    }
    let now = Utc::now();
    if change.version == 0 {
        let mut made = change.definition.apply(&id, None)?;
        made.version = 1;
        if !state.db.insert_cluster(&made, &session.user_id, now).await? {
            return Err(ApiError::Stale(format!("Đã có cụm, khối mã \"{id}\"; hãy tải lại.")));
        }
        tracing::info!(user = %session.user_id, cluster = %id, "cluster made");
        return Ok(Json(made));
    }
    let definition = change.definition;
    let outcome = state
        .db
        .update_document::<Cluster, ApiError>(&id, change.version, (&session.user_id, "define"), now, |cluster| {
            if !cluster.members.iter().any(|m| session.may_access(&m.unit_id)) {
                return Err(ApiError::NotFound("Không có cụm, khối thi đua này."));
            }
            *cluster = definition.apply(&id, Some(cluster))?;
            Ok(())
        })
        .await?;
    updated(outcome)
}

/// Every member's sheet for the year, computed from the stored facts as of `today`.
async fn board_of(state: &AppState, cluster: Cluster, year: i32, today: NaiveDate) -> Result<ClusterBoard, ApiError> {
    let Some(cluster_year) = cluster.year(year) else { return Err(ClusterError::NoYear(year).into()) };
    let members = cluster.members_in(year);
    let names = state.db.unit_names(&members).await?;
    let mut rows = Vec::with_capacity(members.len());
    for unit_id in &members {
        let facts = state.db.member_facts(unit_id, year, today).await?;
        let unit_name = names.iter().find(|(id, _)| id == unit_id).map_or(*unit_id, |(_, name)| name.as_str());
        let standing = cluster_year.standing.get(*unit_id).map_or(&[][..], Vec::as_slice);
        let sheet = cluster_year.covenant.sheet(&SheetInputs {
            unit_id,
            unit_name,
            own: facts.own.as_deref(),
            review: cluster_year.reviews.get(*unit_id),
            standing,
            late_reports: &facts.late_reports,
            returned_dossiers: facts.returned_dossiers,
        });
        rows.push(BoardRow {
            sheet,
            own: facts.own,
            late_reports: facts.late_reports,
            returned_dossiers: facts.returned_dossiers,
        });
    }
    let sheets: Vec<_> = rows.iter().map(|r| r.sheet.clone()).collect();
    let ranking = cluster_year.covenant.rank(&sheets, today);
    Ok(ClusterBoard { cluster, year, rows, ranking })
}

/// The year's board: every member's sheet with its working, and the order they give.
#[utoipa::path(get, path = "/clusters/{id}/years/{year}", tag = "clusters", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã cụm, khối"), ("year" = i32, Path, description = "Năm")),
    responses(
    (status = 200, description = "Bảng điểm của năm.", body = ClusterBoard),
    (status = 403, description = "Vai trò này không xem được bảng điểm.", body = ErrorBody),
    (status = 404, description = "Không có cụm, khối này.", body = ErrorBody),
))]
async fn board(
    State(state): State<AppState>,
    session: Session,
    Path((id, year)): Path<(String, i32)>,
) -> Result<Json<ClusterBoard>, ApiError> {
    let cluster = readable(&state, &session, &id, year).await?;
    Ok(Json(board_of(&state, cluster, year, vietnam_date(Utc::now())).await?))
}

/// The leader's (or a deputy's) figures for a member that has sent its self-score.
#[utoipa::path(put, path = "/clusters/{id}/years/{year}/reviews/{unit_id}", tag = "clusters",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã cụm, khối"), ("year" = i32, Path, description = "Năm"),
        ("unit_id" = String, Path, description = "Đơn vị được thẩm định")),
    request_body = ReviewChange, responses(
    (status = 200, description = "Đã lưu.", body = Cluster),
    (status = 403, description = "Chỉ lãnh đạo đơn vị trưởng, phó cụm, khối.", body = ErrorBody),
    (status = 409, description = "Đã có người cập nhật trước, hoặc kết quả đã công bố.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ.", body = ErrorBody),
))]
async fn review(
    State(state): State<AppState>,
    session: Session,
    Path((id, year, unit_id)): Path<(String, i32, String)>,
    Json(change): Json<ReviewChange>,
) -> Result<Json<Cluster>, ApiError> {
    if session.role != Role::UnitHead {
        return Err(ClusterError::NotLeader.into());
    }
    // Who may review whom is settled before anything about the member is read.
    let cluster = readable(&state, &session, &id, year).await?;
    if !cluster.is_member(&unit_id, year) {
        return Err(ClusterError::NotMember.into());
    }
    if !cluster.year(year).is_some_and(|y| y.may_review(&session.unit_id, &unit_id)) {
        return Err(ClusterError::NotLeader.into());
    }
    if state.db.self_score(&unit_id, year).await?.is_none() {
        return Err(ApiError::Invalid("Đơn vị chưa gửi điểm tự chấm.".into()));
    }
    let today = Utc::now();
    let reviewer = session.unit_id.clone();
    let by = session.user_id.clone();
    let outcome = state
        .db
        .update_document::<Cluster, ApiError>(&id, change.version, (&session.user_id, "review"), today, |cluster| {
            let cluster_year = cluster.open_year_for(&unit_id, year)?;
            if !cluster_year.may_review(&reviewer, &unit_id) {
                return Err(ClusterError::NotLeader.into());
            }
            cluster_year.check_entries(&change.entries)?;
            cluster_year.reviews.insert(unit_id.clone(), Review { entries: change.entries, by, at: today });
            Ok(())
        })
        .await?;
    let cluster = updated(outcome)?;
    tracing::info!(user = %session.user_id, cluster = %id, year, unit = %unit_id, "cluster score reviewed");
    Ok(cluster)
}

/// The standing body's bonuses and penalties for a member (part III), by the covenant's codes.
#[utoipa::path(put, path = "/clusters/{id}/years/{year}/standing/{unit_id}", tag = "clusters",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã cụm, khối"), ("year" = i32, Path, description = "Năm"),
        ("unit_id" = String, Path, description = "Đơn vị")),
    request_body = StandingChange, responses(
    (status = 200, description = "Đã lưu.", body = Cluster),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 409, description = "Đã có người cập nhật trước, hoặc kết quả đã công bố.", body = ErrorBody),
    (status = 422, description = "Nội dung chưa hợp lệ.", body = ErrorBody),
))]
async fn standing(
    State(state): State<AppState>,
    session: Session,
    Path((id, year, unit_id)): Path<(String, i32, String)>,
    Json(change): Json<StandingChange>,
) -> Result<Json<Cluster>, ApiError> {
    office_only(&session)?;
    readable(&state, &session, &id, year).await?;
    let outcome = state
        .db
        .update_document::<Cluster, ApiError>(
            &id,
            change.version,
            (&session.user_id, "standing"),
            Utc::now(),
            |cluster| {
                let cluster_year = cluster.open_year_for(&unit_id, year)?;
                cluster_year.check_standing(&change.codes)?;
                cluster_year.standing.insert(unit_id.clone(), change.codes);
                Ok(())
            },
        )
        .await?;
    updated(outcome)
}

/// Publishes the year's ranking as the sheets give it today. The year is closed then, and tablets see it with
/// their reference data: the Cờ thi đua rule reads it from there.
#[utoipa::path(post, path = "/clusters/{id}/years/{year}/ranking", tag = "clusters", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã cụm, khối"), ("year" = i32, Path, description = "Năm")),
    request_body = PublishRanking, responses(
    (status = 200, description = "Đã công bố.", body = Cluster),
    (status = 403, description = "Chỉ Văn phòng.", body = ErrorBody),
    (status = 409, description = "Đã có người cập nhật trước, hoặc kết quả đã công bố.", body = ErrorBody),
    (status = 422, description = "Chưa có đơn vị nào gửi điểm tự chấm.", body = ErrorBody),
))]
async fn publish(
    State(state): State<AppState>,
    session: Session,
    Path((id, year)): Path<(String, i32)>,
    Json(request): Json<PublishRanking>,
) -> Result<Json<Cluster>, ApiError> {
    office_only(&session)?;
    let cluster = readable(&state, &session, &id, year).await?;
    let now = Utc::now();
    let board = board_of(&state, cluster, year, vietnam_date(now)).await?;
    if board.ranking.standings.is_empty() {
        return Err(ClusterError::NothingScored.into());
    }
    let ranking = board.ranking;
    let outcome = state
        .db
        .update_document::<Cluster, ApiError>(&id, request.version, (&session.user_id, "publish"), now, |cluster| {
            cluster.open_year(year)?.ranking = Some(ranking);
            Ok(())
        })
        .await?;
    let cluster = updated(outcome)?;
    tracing::info!(user = %session.user_id, cluster = %id, year, "cluster ranking published");
    Ok(cluster)
}
