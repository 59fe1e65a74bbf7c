//! The office's review of what the units send: each quarter's self-assessments, the year's registrations and
//! the nominations, with their state, the approve and return actions, and each record's history of changes.
//! Council members read the nominations; only the office acts on them.

use std::collections::BTreeMap;

use chrono::Datelike;
use domain::api::{HistoryEntry, Role};
use domain::calendar::Quarter;
use domain::dossier::{read, NominationFacts, Target, TargetResult};
use domain::model::{registration_id, self_assessment_id};
use domain::replica::{LocalRecord, TransportError};
use domain::rules::{same_year_prerequisites, Verdict};
use domain::RecordKind;
use domain::WorkflowState;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

use crate::api;
use crate::format::today;
use crate::local::{LocalData, NO_RULEBOOK};
use crate::pages::PageContext;
use crate::store;
use crate::sync::SyncState;
use crate::widgets::{
    attachments_panel, bring_into_view, document_body, download_button, empty_sections, HistoryView, ReviewActions,
    VerdictView,
};

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

/// The verdict the server stored with the nomination when it was sent.
fn verdict_of(r: &LocalRecord) -> Option<Verdict> {
    read(&r.fields, "verdict")
}

#[component]
fn ReviewPage(state: SyncState, local: LocalData, token: String, kind: RecordKind, may_review: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let error = RwSignal::new(None::<String>);
    let open = RwSignal::new(None::<Uuid>);
    let title_name = move |code: String| local.reference.with(|rf| rf.rulebook.title_name(&code).to_owned());
    // One line per record in the list: enough to find it; the whole record is read in the dossier.
    let summary = move |r: &LocalRecord| match kind {
        RecordKind::SelfAssessment => {
            let all = kind.text_fields().len();
            format!("{}/{all} mục đã viết", all - empty_sections(kind.text_fields(), &r.fields).len())
        }
        RecordKind::Registration => {
            let title = title_name(store::text_of(&r.fields, "unit_title"));
            let targets = r.fields.get("targets").and_then(Value::as_array).map_or(0, Vec::len);
            format!("{title} · {targets} chỉ tiêu")
        }
        _ => {
            // Until the rulebook arrives, the name the server's verdict gave the title.
            let code = store::text_of(&r.fields, "title");
            let title = local
                .reference
                .with(|rf| rf.rulebook.title(&code).map(|t| t.name.clone()))
                .or_else(|| verdict_of(r).map(|v| v.title_name))
                .unwrap_or(code);
            format!("{} · {title} · {}", local.nominee_name(&r.fields), store::text_of(&r.fields, "year"))
        }
    };
    let heading = match kind {
        RecordKind::SelfAssessment => format!("Báo cáo tự đánh giá {} của các đơn vị", Quarter::of(today()).label()),
        RecordKind::Registration => format!("Đăng ký thi đua năm {} của các đơn vị", today().year()),
        _ => "Đề nghị khen thưởng của các đơn vị".to_owned(),
    };
    let missing = if kind == RecordKind::SelfAssessment { "Chưa có báo cáo" } else { "Chưa gửi" };
    // The dossier is built again only when its own record changes, not on every reload of the tablet's records:
    // a reason being typed and an open question survive a sync.
    let opened = Memo::new(move |_| {
        let id = open.get()?;
        local.records.with(|all| all.iter().find(|r| r.id == id).cloned())
    });
    view! {
        <section class="card">
            <h1>{heading}</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            <div class="review-layout" class:with-dossier=move || open.get().is_some()>
                <div class="table-box" tabindex="0">
                    // The quarter's table keeps the class the office's screen had before registrations were reviewed.
                    <table class=if kind == RecordKind::SelfAssessment { "grid units cards" } else { "grid review cards" } data-kind=kind.as_str()>
                        <thead><tr><th>"Đơn vị"</th><th>"Trạng thái"</th><th>"Nội dung"</th><th><span class="visually-hidden">"Xem"</span></th></tr></thead>
                        <tbody>
                            {move || rows_of(local, kind).into_iter().map(|(unit_id, unit_name, record)| {
                                let state_label = record.as_ref().map_or(missing, |r| {
                                    if r.state == WorkflowState::Draft && kind != RecordKind::SelfAssessment { missing } else { r.state.label() }
                                });
                                let line = record.as_ref().map(summary).unwrap_or_default();
                                let dossier = record.as_ref().filter(|_| kind == RecordKind::Nomination).and_then(|r| {
                                    verdict_of(r).and_then(|v| dossier_check(local, &v, &read::<Vec<String>>(&r.fields, "documents")))
                                });
                                let record_id = record.as_ref().map(|r| r.id);
                                view! {
                                    <tr data-unit=unit_id data-id=record_id.map(|id| id.to_string()).unwrap_or_default()
                                        class:selected=move || record_id.is_some() && open.get() == record_id>
                                        <td data-label="Đơn vị">{unit_name.clone()}</td>
                                        <td data-label="Trạng thái" class="state">{state_label}</td>
                                        <td data-label="Nội dung"><span class="summary">{line}</span>{dossier}</td>
                                        <td>
                                            {record_id.map(|id| view! {
                                                <button class="secondary open-dossier" aria-label=format!("Xem hồ sơ của {unit_name}")
                                                    on:click=move |_| open.set(Some(id))>"Xem hồ sơ"</button>
                                            })}
                                        </td>
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                </div>
                {move || opened.get().map(|record| view! {
                    <DossierView record kind local state token may_review error close=Callback::new(move |_| open.set(None)) />
                })}
            </div>
        </section>
    }
}

/// What the office is asked to look at before approving a nomination: a same-year title it leans on still
/// pending (a CSTĐCS before its LĐTT) or refused, the rules' unmet conditions as the records on this device
/// stand now (a prerequisite deleted since the unit sent it fails here, though the stored verdict had it met),
/// and documents not sent.
fn approval_warnings(local: LocalData, record: &LocalRecord) -> Vec<String> {
    let mut warnings = Vec::new();
    if !local.has_rulebook() {
        warnings.push(NO_RULEBOOK.to_owned());
        return warnings;
    }
    let Some(facts) = NominationFacts::from_record(&record.view()) else { return warnings };
    let prerequisites = local.reference.with(|r| same_year_prerequisites(&r.rulebook, &facts));
    local.records.with(|all| {
        for code in &prerequisites {
            let other = all.iter().filter(|o| o.kind == RecordKind::Nomination && o.id != record.id).find(|o| {
                NominationFacts::from_record(&o.view()).is_some_and(|o| {
                    o.year == facts.year && o.nominee_kind == facts.nominee_kind && o.nominee_id == facts.nominee_id && o.title == *code
                })
            });
            let name = local.reference.with(|r| r.rulebook.title_name(code).to_owned());
            match other.map(|o| o.state) {
                Some(WorkflowState::Approved | WorkflowState::Awarded) | None => {}
                Some(WorkflowState::NotAwarded) => warnings.push(format!(
                    "Đề nghị \"{name}\" năm {} của cùng đối tượng (điều kiện của đề nghị này) không được khen thưởng.",
                    facts.year
                )),
                Some(state) => warnings.push(format!(
                    "Đề nghị \"{name}\" năm {} của cùng đối tượng (điều kiện của đề nghị này) còn ở trạng thái \"{}\": nên duyệt đề nghị đó trước.",
                    facts.year,
                    state.label()
                )),
            }
        }
    });
    if let Some(verdict) = local.verdict(record.id, &record.unit_id, &record.fields) {
        warnings.extend(verdict.unmet().map(|item| format!("Chưa đạt: {}", item.text)));
        let held = read::<Vec<String>>(&record.fields, "documents");
        let missing = local.reference.with(|r| {
            r.rulebook
                .missing_documents(&verdict.title, &verdict.regime, &held)
                .into_iter()
                .map(|d| d.name.clone())
                .collect::<Vec<_>>()
        });
        warnings.extend(missing.into_iter().map(|name| format!("Thiếu giấy tờ: {name}")));
    }
    warnings
}

/// The whole record a reviewer judges, readable on a tablet, with the actions beside it: every section and
/// table, the verdict with its reasons, the justification, the documents sent, and the record's history.
#[component]
fn DossierView(
    record: LocalRecord,
    kind: RecordKind,
    local: LocalData,
    state: SyncState,
    token: StoredValue<String>,
    may_review: bool,
    error: RwSignal<Option<String>>,
    close: Callback<()>,
) -> impl IntoView {
    let id = record.id;
    let submitted = may_review && record.state == WorkflowState::Submitted;
    // The rulebook and the other nominations may arrive after the dossier opens: the warnings follow them.
    let warnings = match kind {
        RecordKind::Nomination => {
            let record = record.clone();
            Signal::derive(move || approval_warnings(local, &record))
        }
        _ => Signal::stored(empty_sections(kind.text_fields(), &record.fields)),
    };
    let history = RwSignal::new(None::<Result<Vec<HistoryEntry>, String>>);
    // The server shows a record's history to the office, not to council members; it needs the network.
    if may_review {
        spawn_local(async move {
            let entries = api::history(&token.get_value(), id).await.map_err(|e| match e {
                TransportError::Network => "Cần có mạng để xem lịch sử thay đổi.".to_owned(),
                other => other.to_string(),
            });
            history.try_set(Some(entries));
        });
    }
    let returned = record.state_note.clone().filter(|_| record.state == WorkflowState::Returned);
    // Names, titles and the rulebook may also arrive after the dossier opens (a fresh sign-in draws the list
    // first): the heading and the body are drawn again when they do, not when the records reload.
    let unit_id = record.unit_id.clone();
    let heading = Signal::derive(move || format!("{} — {}", kind.label(), local.unit_name(&unit_id)));
    let body = {
        let record = record.clone();
        move || {
            local.reference.track();
            untrack(|| match kind {
                RecordKind::Nomination => nomination_body(local, &record).into_any(),
                RecordKind::Registration => registration_body(local, &record).into_any(),
                _ => self_assessment_body(local, &record).into_any(),
            })
        }
    };
    let record_fields = record.fields.clone();
    bring_into_view("dossier-heading");
    view! {
        <article id="dossier" class="dossier-view" data-id=id.to_string() aria-labelledby="dossier-heading">
            <div class="title-row">
                <h2 id="dossier-heading" tabindex="-1">{heading}</h2>
                <button class="secondary close-dossier" on:click=move |_| close.run(())>"Đóng hồ sơ"</button>
            </div>
            <p class="workflow" data-state=record.state.as_str()>
                <span class="muted">"Hồ sơ: "</span><strong>{record.state.label()}</strong>
                {returned.map(|note| format!(" — lý do trả lại: {note}"))}
            </p>
            <div class="dossier-actions">
                <ReviewActions record_id=id submitted state error warnings />
                {(kind == RecordKind::Nomination).then(|| {
                    download_button(token, format!("/api/documents/nominations/{id}/report"), "Báo cáo thành tích (DOCX)", error)
                })}
            </div>
            {body}
            {attachments_panel(Signal::derive(move || record_fields.clone()), None, state, Signal::derive(Vec::new))}
            {move || history.get().map(|entries| view! { <HistoryView heading=heading.get() kind entries /> })}
        </article>
    }
}

/// A nomination: the receipt checklist, the verdict, the justification, then the achievement report itself
/// (sections I–III with the history table) as the unit would print it.
fn nomination_body(local: LocalData, record: &LocalRecord) -> impl IntoView {
    let verdict = verdict_of(record);
    let held = read::<Vec<String>>(&record.fields, "documents");
    let documents = local.reference.with(|r| {
        verdict.as_ref().map_or_else(Vec::new, |v| {
            r.rulebook
                .required_documents(&v.title, &v.regime)
                .into_iter()
                .map(|d| (held.contains(&d.code), d.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let check = verdict.as_ref().and_then(|v| dossier_check(local, v, &held));
    let justification = store::text_of(&record.fields, "justification");
    let draft = matches!(record.state, WorkflowState::Draft | WorkflowState::Returned);
    let report = local.achievement_report(&record.fields, &record.unit_id, draft);
    view! {
        <p><strong>{local.nominee_name(&record.fields)}</strong></p>
        {check}
        {(!documents.is_empty()).then(|| view! {
            <ul class="documents-held">
                {documents.into_iter().map(|(held, name)| view! {
                    <li data-held=held.to_string()>{if held { "✓ " } else { "✗ " }} {name}</li>
                }).collect_view()}
            </ul>
        })}
        {verdict.map(|v| view! { <VerdictView verdict=v id=format!("verdict-{}", record.id) /> })}
        {(!justification.trim().is_empty()).then(|| view! {
            <section class="justification"><h3>"Giải trình của lãnh đạo đơn vị"</h3><p class="text">{justification.clone()}</p></section>
        })}
        <section class="report">
            <h3>"Báo cáo thành tích"</h3>
            {match report {
                Some(document) => document_body(document).into_any(),
                None => view! { <p class="muted">"Đề nghị chưa có năm hoặc danh hiệu."</p> }.into_any(),
            }}
        </section>
    }
}

/// A quarterly self-assessment: every section as written, and the results against the year's targets.
fn self_assessment_body(local: LocalData, record: &LocalRecord) -> impl IntoView {
    let period = store::text_of(&record.fields, "period");
    let year = period.get(..4).and_then(|y| y.parse::<i32>().ok()).unwrap_or_else(|| today().year());
    let registration = registration_id(&record.unit_id, year);
    let targets: Vec<Target> = local
        .records
        .with(|all| all.iter().find(|r| r.id == registration).map(|r| read(&r.fields, "targets")).unwrap_or_default());
    let results: BTreeMap<String, TargetResult> = read(&record.fields, "results");
    view! {
        {RecordKind::SelfAssessment.text_fields().iter().map(|spec| {
            let text = store::text_of(&record.fields, spec.name);
            view! {
                <section class="section" data-field=spec.name>
                    <h3>{spec.label}</h3>
                    {if text.trim().is_empty() {
                        view! { <p class="empty-section">"(Để trống)"</p> }.into_any()
                    } else {
                        view! { <p class="text">{text}</p> }.into_any()
                    }}
                </section>
            }
        }).collect_view()}
        <h3>"Kết quả theo chỉ tiêu đã đăng ký"</h3>
        <div class="table-box" tabindex="0">
            <table class="grid cards">
                <thead><tr><th>"Chỉ tiêu"</th><th>"Kết quả"</th><th>"Số liệu"</th><th>"Minh chứng"</th><th>"Tự chấm"</th></tr></thead>
                <tbody>
                    {targets.into_iter().map(|t| {
                        let r = results.get(&t.id).cloned().unwrap_or_default();
                        view! {
                            <tr>
                                <td data-label="Chỉ tiêu">{t.text}</td>
                                <td data-label="Kết quả">{if r.result.is_empty() { "—".to_owned() } else { r.result }}</td>
                                <td data-label="Số liệu">{r.figure}</td>
                                <td data-label="Minh chứng">{r.evidence}</td>
                                <td data-label="Tự chấm">{r.score.map(|s| s.to_string()).unwrap_or_default()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

/// A registration: the title the unit registers for and each of its targets.
fn registration_body(local: LocalData, record: &LocalRecord) -> impl IntoView {
    let title =
        local.reference.with(|r| r.rulebook.title_name(&store::text_of(&record.fields, "unit_title")).to_owned());
    let targets: Vec<Target> = read(&record.fields, "targets");
    view! {
        <p>"Danh hiệu đăng ký: " <strong>{title}</strong></p>
        <ol class="targets">
            {targets.into_iter().map(|t| view! { <li><span class="muted">{t.field} " · "</span>{t.text}</li> }).collect_view()}
        </ol>
    }
}
