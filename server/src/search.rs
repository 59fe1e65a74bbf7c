//! `GET /api/search?q=`: people, units, nominations, decisions and movements found by name, title, decision
//! number or text, ignoring case and diacritics (`domain::search`), within the user's scope: nobody finds what
//! they may not read. Tablets search the records they hold with the same index, offline.

use axum::extract::State;
use domain::api::{ErrorBody, Role};
use domain::search::{Hit, HitKind, Index, MAX_QUERY_CHARS};
use domain::RecordKind;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::db::Session;
use crate::error::{ApiError, Json, Query};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
struct SearchParams {
    /// The words to find, with or without diacritics.
    q: String,
}

/// What the user may read, found by every word of `q`.
#[utoipa::path(get, path = "/search", tag = "search", security(("bearer" = [])), params(SearchParams), responses(
    (status = 200, description = "Kết quả, tối đa 50.", body = Vec<Hit>),
    (status = 422, description = "Từ khóa quá dài.", body = ErrorBody),
))]
async fn search(
    State(state): State<AppState>,
    session: Session,
    Query(params): Query<SearchParams>,
) -> Result<Json<Vec<Hit>>, ApiError> {
    if params.q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::Invalid(format!("Từ khóa tìm kiếm tối đa {MAX_QUERY_CHARS} ký tự.")));
    }
    if params.q.trim().is_empty() {
        return Ok(Json(Vec::new()));
    }
    let reference = state.db.reference_data(&session).await?;
    let book = &reference.rulebook;
    let people = state.db.stored_records(RecordKind::Person, &session.scope).await?;
    let names: std::collections::BTreeMap<&str, String> =
        people.iter().map(|p| (p.id.as_str(), p.text("full_name"))).collect();
    let mut items: Vec<(Hit, String)> = Vec::new();
    for person in &people {
        let detail = [person.text("position"), person.unit_name.clone()].join(" — ");
        items.push((
            Hit { kind: HitKind::Person, id: person.id.clone(), title: person.text("full_name"), detail },
            String::new(),
        ));
    }
    for unit in reference.units.iter().filter(|u| session.may_access(&u.id)) {
        items.push((
            Hit { kind: HitKind::Unit, id: unit.id.clone(), title: unit.name.clone(), detail: unit.kind.clone() },
            String::new(),
        ));
    }
    for nomination in state.db.stored_records(RecordKind::Nomination, &session.scope).await? {
        let nominee = match nomination.text("nominee_kind").as_str() {
            "collective" => nomination.unit_name.clone(),
            _ => names.get(nomination.text("nominee_id").as_str()).cloned().unwrap_or_default(),
        };
        let title = format!("{nominee} — {} {}", book.title_name(&nomination.text("title")), nomination.text("year"));
        let more = nomination.text("summary");
        items.push((
            Hit { kind: HitKind::Nomination, id: nomination.id.clone(), title, detail: nomination.unit_name.clone() },
            more,
        ));
    }
    for model in state.db.stored_records(RecordKind::AdvancedModel, &session.scope).await? {
        let detail = format!("{} — {}", model.unit_name, model.text("field"));
        let more = [model.text("story"), model.text("evidence")].join(" ");
        items.push((Hit { kind: HitKind::Model, id: model.id.clone(), title: model.text("name"), detail }, more));
    }
    for movement in &reference.movements {
        let detail = format!("{}, {}", movement.document_number, movement.issuer);
        items.push((
            Hit { kind: HitKind::Movement, id: movement.id.clone(), title: movement.name.clone(), detail },
            movement.theme.clone(),
        ));
    }
    if matches!(session.role, Role::Office | Role::CouncilMember) {
        for decision in state.db.decisions(Some(&session.unit_id), false).await? {
            let title = decision.number.clone().unwrap_or_else(|| "Dự thảo quyết định".into());
            let recipients: Vec<&str> = decision.recipients.iter().map(|r| r.name.as_str()).collect();
            let more = format!("{} {}", decision.issuer, recipients.join(", "));
            items.push((
                Hit { kind: HitKind::Decision, id: decision.id.clone(), title, detail: decision.summary.clone() },
                more,
            ));
        }
    }
    let index = Index::new(items);
    Ok(Json(index.search(&params.q).into_iter().cloned().collect()))
}
