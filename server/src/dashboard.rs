//! `/api/dashboard/{year}/{quarter}`: the office's and the council's figures for a year and a quarter, each with
//! the list behind it (domain::dashboard), gathered from the records, the council's sessions and the decisions
//! of the user's office.

use std::collections::HashMap;

use axum::extract::State;
use chrono::Utc;
use domain::api::{ErrorBody, Role};
use domain::calendar::{vietnam_date, Quarter};
use domain::dashboard::{dashboard, Dashboard, DashboardInputs, DecisionFact, ReportFact, SessionFact, StateFact};
use domain::model::self_assessment_id;
use domain::{RecordKind, WorkflowState};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::documents::awards_of_year;
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(figures))
}

/// The year's and the quarter's figures, each bar with its list.
#[utoipa::path(get, path = "/dashboard/{year}/{quarter}", tag = "dashboard", security(("bearer" = [])),
    params(("year" = i32, Path, description = "Năm"), ("quarter" = u32, Path, description = "Quý (1–4)")),
    responses(
    (status = 200, description = "Các số liệu, mỗi số kèm danh sách.", body = Dashboard),
    (status = 403, description = "Chỉ Văn phòng và thành viên Hội đồng.", body = ErrorBody),
    (status = 422, description = "Năm hoặc quý không hợp lệ.", body = ErrorBody),
))]
async fn figures(
    State(state): State<AppState>,
    session: Session,
    Path((year, quarter)): Path<(i32, u32)>,
) -> Result<Json<Dashboard>, ApiError> {
    if !matches!(session.role, Role::Office | Role::CouncilMember) {
        return Err(ApiError::Forbidden("Chỉ Văn phòng và thành viên Hội đồng xem được bảng số liệu."));
    }
    if !(2000..=2100).contains(&year) || !(1..=4).contains(&quarter) {
        return Err(ApiError::Invalid("Năm phải từ 2000 đến 2100 và quý từ 1 đến 4.".into()));
    }
    let reference = state.db.reference_data(&session).await?;
    let book = reference.rulebook;
    let unit_name: HashMap<&str, &str> = reference.units.iter().map(|u| (u.id.as_str(), u.name.as_str())).collect();
    let name_of = |id: &str| unit_name.get(id).copied().unwrap_or(id).to_owned();

    let period = Quarter { year, number: quarter }.key();
    let mut reports = Vec::new();
    // The units below the office that report, not the office itself or the units above it.
    let reporting = |u: &&domain::api::OrgUnit| {
        u.parent_id.is_some() && u.valid_to.is_none() && u.id != session.unit_id && session.may_access(&u.id)
    };
    for unit in reference.units.iter().filter(reporting) {
        let sent = state.db.first_sent(&self_assessment_id(&unit.id, &period).to_string()).await?;
        let (state, sent_on) = match sent {
            Some((state, at)) => (WorkflowState::parse(&state), at.map(vietnam_date)),
            None => (None, None),
        };
        reports.push(ReportFact { unit_id: unit.id.clone(), unit_name: unit.name.clone(), state, sent_on });
    }

    let of_year = |r: &crate::db::StoredRecord| r.text("year") == year.to_string();
    let people: HashMap<String, (String, bool)> = state
        .db
        .stored_records(RecordKind::Person, &session.scope)
        .await?
        .into_iter()
        .map(|p| {
            let direct = p.fields.get("direct_worker").and_then(serde_json::Value::as_bool).unwrap_or(false);
            (p.id.clone(), (p.text("full_name"), direct))
        })
        .collect();
    let state_of = |r: &crate::db::StoredRecord| WorkflowState::parse(&r.state).unwrap_or_default();
    let registrations: Vec<StateFact> = state
        .db
        .stored_records(RecordKind::Registration, &session.scope)
        .await?
        .iter()
        .filter(|r| of_year(r))
        .map(|r| StateFact {
            label: format!("{} — {}", r.unit_name, book.title_name(&r.text("unit_title"))),
            state: state_of(r),
            title: r.text("unit_title"),
            person: false,
            direct_worker: false,
        })
        .collect();
    let nominations: Vec<StateFact> = state
        .db
        .stored_records(RecordKind::Nomination, &session.scope)
        .await?
        .iter()
        .filter(|r| of_year(r))
        .map(|r| {
            let person = r.text("nominee_kind") != "collective";
            let nominee = r.text("nominee_id");
            let (name, direct_worker) = if person {
                people.get(&nominee).cloned().unwrap_or_else(|| (nominee.clone(), false))
            } else {
                (name_of(&nominee), false)
            };
            let title = r.text("title");
            StateFact {
                label: format!("{name} — {} ({})", book.title_name(&title), r.unit_name),
                state: state_of(r),
                title,
                person,
                direct_worker,
            }
        })
        .collect();

    let sessions = state.db.council_sessions(&session.unit_id).await?;
    let corrected: Vec<&str> = sessions.iter().filter_map(|s| s.corrects.as_deref()).collect();
    let sessions: Vec<SessionFact> = sessions
        .iter()
        .filter(|s| s.held_on.format("%Y").to_string() == year.to_string() && !corrected.contains(&s.id.as_str()))
        .map(|s| {
            let label = |c: &domain::council::Candidate| format!("{} — {}", c.nominee_name, c.title_name);
            let decided = |passed: bool| {
                s.candidates
                    .iter()
                    .filter(|c| c.result.as_ref().is_some_and(|r| r.passed == passed))
                    .map(label)
                    .collect()
            };
            SessionFact { held_on: s.held_on, passed: decided(true), failed: decided(false) }
        })
        .collect();
    let decisions: Vec<DecisionFact> = state
        .db
        .decisions(Some(&session.unit_id), false)
        .await?
        .into_iter()
        .filter(|d| d.decided_on.format("%Y").to_string() == year.to_string())
        .map(|d| {
            let label = match &d.number {
                Some(number) if d.issued() => format!("Số {number}: {}", d.summary),
                _ => format!("Dự thảo: {}", d.summary),
            };
            DecisionFact { label, issued: d.issued() }
        })
        .collect();
    let awards = awards_of_year(&state, &session, year).await?;
    Ok(Json(dashboard(&DashboardInputs {
        year,
        quarter,
        today: vietnam_date(Utc::now()),
        book: &book,
        reports: &reports,
        registrations: &registrations,
        nominations: &nominations,
        awards: &awards,
        sessions: &sessions,
        decisions: &decisions,
        movements: &reference.movements,
    })))
}
