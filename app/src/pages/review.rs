//! The office's review of what the units send: each quarter's self-assessments, the year's registrations and
//! the nominations, with their state, the approve and return actions, and each record's history of changes.
//! Council members read the nominations; only the office acts on them.

use chrono::Datelike;
use domain::api::{HistoryEntry, Role};
use domain::calendar::Quarter;
use domain::dossier::read;
use domain::model::{registration_id, self_assessment_id};
use domain::replica::{LocalRecord, TransportError};
use domain::rules::Verdict;
use domain::RecordKind;
use domain::WorkflowState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

use crate::api;
use crate::format::today;
use crate::local::{person_name, LocalData};
use crate::pages::PageContext;
use crate::store;
use crate::sync::SyncState;
use crate::widgets::{download_button, HistoryView, ReviewActions, VerdictView};

pub fn quarterly(context: PageContext) -> AnyView {
    review(context, RecordKind::SelfAssessment)
}

pub fn registrations(context: PageContext) -> AnyView {
    review(context, RecordKind::Registration)
}

pub fn nominations(context: PageContext) -> AnyView {
    review(context, RecordKind::Nomination)
}

fn review(context: PageContext, kind: RecordKind) -> AnyView {
    let PageContext { user, state, local, token } = context;
    let may_review = user.role == Role::Office;
    view! { <ReviewPage state local token kind may_review /> }.into_any()
}

/// Each unit's record of the period (or, for nominations, every record), as (unit id, unit name, record).
fn rows_of(local: LocalData, kind: RecordKind) -> Vec<(String, String, Option<LocalRecord>)> {
    if !matches!(kind, RecordKind::SelfAssessment | RecordKind::Registration) {
        let records = local.of_kind(kind).into_iter();
        return records.map(|r| (r.unit_id.clone(), local.unit_name(&r.unit_id), Some(r))).collect();
    }
    let (period, year) = (Quarter::of(today()).key(), today().year());
    let id_for = |unit: &str| match kind {
        RecordKind::SelfAssessment => self_assessment_id(unit, &period),
        _ => registration_id(unit, year),
    };
    let units = local.reference.with(|r| r.units.clone());
    units
        .into_iter()
        .filter(|u| u.parent_id.is_some() && u.valid_to.is_none())
        .map(|unit| {
            let id = id_for(&unit.id);
            let record = local.records.with(|all| all.iter().find(|r| r.id == id && r.unit_id == unit.id).cloned());
            (unit.id, unit.name, record)
        })
        .collect()
}

/// The receipt checklist of a nomination at a glance: complete, or which of the documents its title needs under
/// its regime the unit has not ticked. Nothing before the rulebook has arrived: a fresh device draws its rows from
/// the records first, and "complete, 0/0" would be a false all-clear.
fn dossier_check(local: LocalData, verdict: &Verdict, held: &[String]) -> Option<impl IntoView> {
    let (needed, missing) = local.reference.with(|r| {
        let book = &r.rulebook;
        let names = |docs: Vec<&domain::rules::DossierDocument>| docs.into_iter().map(|d| d.name.clone()).collect();
        let needed: Vec<String> = names(book.required_documents(&verdict.title, &verdict.regime));
        let missing: Vec<String> = names(book.missing_documents(&verdict.title, &verdict.regime, held));
        (needed.len(), missing)
    });
    if needed == 0 {
        return None;
    }
    let text = if missing.is_empty() {
        format!("Hồ sơ đủ {needed}/{needed} giấy tờ")
    } else {
        format!("Hồ sơ thiếu {}/{needed}: {}", missing.len(), missing.join("; "))
    };
    Some(view! { <p class="dossier" data-complete=missing.is_empty().to_string()>{text}</p> })
}

#[component]
fn ReviewPage(state: SyncState, local: LocalData, token: String, kind: RecordKind, may_review: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let error = RwSignal::new(None::<String>);
    let history = RwSignal::new(None::<(String, Result<Vec<HistoryEntry>, String>)>);
    let show_history = move |id: Uuid, heading: String| {
        spawn_local(async move {
            let entries = api::history(&token.get_value(), id).await.map_err(|e| match e {
                TransportError::Network => "Cần có mạng để xem lịch sử thay đổi.".to_owned(),
                other => other.to_string(),
            });
            history.set(Some((heading, entries)));
        });
    };
    let nominee = move |r: &LocalRecord| {
        let id = store::text_of(&r.fields, "nominee_id");
        local
            .records
            .with(|all| all.iter().find(|p| p.id.to_string() == id).map(person_name))
            .unwrap_or_else(|| local.unit_name(&id))
    };
    let title_name = move |code: String| local.reference.with(|rf| rf.rulebook.title_name(&code).to_owned());
    let detail = move |r: &LocalRecord| match kind {
        RecordKind::SelfAssessment => {
            view! { <span class="summary">{store::text_of(&r.fields, "summary")}</span> }.into_any()
        }
        RecordKind::Registration => {
            let title = title_name(store::text_of(&r.fields, "unit_title"));
            let targets = r.fields.get("targets").and_then(Value::as_array).map_or(0, Vec::len);
            view! { <span>{title} " · " {targets} " chỉ tiêu"</span> }.into_any()
        }
        _ => {
            let title = title_name(store::text_of(&r.fields, "title"));
            let verdict = r.fields.get("verdict").cloned().and_then(|v| serde_json::from_value::<Verdict>(v).ok());
            let justification = store::text_of(&r.fields, "justification");
            let dossier =
                verdict.as_ref().and_then(|v| dossier_check(local, v, &read::<Vec<String>>(&r.fields, "documents")));
            view! {
                <div>
                    <strong>{nominee(r)}</strong> " · " {title} " · " {store::text_of(&r.fields, "year")}
                    {dossier}
                    {verdict.map(|v| view! { <VerdictView verdict=v id=format!("verdict-{}", r.id) /> })}
                    {(!justification.trim().is_empty()).then(|| view! { <p class="justification">"Giải trình: " {justification.clone()}</p> })}
                </div>
            }.into_any()
        }
    };
    let heading = match kind {
        RecordKind::SelfAssessment => format!("Báo cáo tự đánh giá {} của các đơn vị", Quarter::of(today()).label()),
        RecordKind::Registration => format!("Đăng ký thi đua năm {} của các đơn vị", today().year()),
        _ => "Đề nghị khen thưởng của các đơn vị".to_owned(),
    };
    let missing = if kind == RecordKind::SelfAssessment { "Chưa có báo cáo" } else { "Chưa gửi" };
    view! {
        <section class="card">
            <h1>{heading}</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            // The quarter's table keeps the class the office's screen had before registrations were reviewed.
            <table class=if kind == RecordKind::SelfAssessment { "grid units" } else { "grid review" } data-kind=kind.as_str()>
                <tbody>
                    {move || rows_of(local, kind).into_iter().map(|(unit_id, unit_name, record)| {
                        let state_label = record.as_ref().map_or(missing, |r| {
                            if r.state == WorkflowState::Draft && kind != RecordKind::SelfAssessment { missing } else { r.state.label() }
                        });
                        let detail = record.as_ref().map(detail);
                        let record_id = record.as_ref().map(|r| r.id);
                        let submitted = may_review && record.as_ref().is_some_and(|r| r.state == WorkflowState::Submitted);
                        let heading = unit_name.clone();
                        view! {
                            <tr data-unit=unit_id data-id=record_id.map(|id| id.to_string()).unwrap_or_default()>
                                <td>{unit_name}</td>
                                <td class="state">{state_label}</td>
                                <td>{detail}</td>
                                <td>
                                    {record_id.map(|id| view! {
                                        <ReviewActions record_id=id submitted state error />
                                        {(kind == RecordKind::Nomination).then(|| {
                                            download_button(token, format!("/api/documents/nominations/{id}/report"), "Báo cáo thành tích (DOCX)", error)
                                        })}
                                        // The server shows a record's history to the office, not to council members.
                                        {may_review.then(|| view! {
                                            <button class="secondary history" on:click=move |_| show_history(id, heading.clone())>"Lịch sử"</button>
                                        })}
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || history.get().map(|(heading, entries)| view! { <HistoryView heading kind entries /> })}
        </section>
    }
}
