//! Nominations for awards: the unit's list, and the form with the achievement report and the eligibility
//! panel, which checks the draft against the law on the tablet, offline, as it is typed.

use chrono::Datelike;
use domain::api::{Role, UserProfile};
use domain::cluster::standings_of;
use domain::documents::Document;
use domain::dossier::{awards_of, read, AwardEntry, Initiative, NominationFacts, NomineeKind, Track, YearRecord};
use domain::model::FieldSpec;
use domain::rules::{submission_problem, Verdict};
use domain::workflow::Action;
use domain::WorkflowState;
use domain::{Fields, RecordKind};
use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::draft::Draft;
use crate::format::{parse_name, today, value_name};
use crate::local::{person_name, LocalData, NO_RULEBOOK};
use crate::pages::PageContext;
use crate::store;
use crate::sync::SyncState;
use crate::widgets::{
    attachments_panel, download_button, draft_conflicts, empty_sections, print_view, record_state, rejection, Choice,
    ConfirmStep, VerdictView,
};

pub fn page(context: PageContext) -> AnyView {
    let PageContext { user, state, local, token } = context;
    view! { <NominationsPage user state local token /> }.into_any()
}

#[component]
fn NominationsPage(user: UserProfile, state: SyncState, local: LocalData, token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let draft = Draft::new(RecordKind::Nomination, &user.unit_id, &user.id, state);
    let unit_id = StoredValue::new(user.unit_id.clone());
    let is_head = user.role == Role::UnitHead;
    let nominations = move || {
        local
            .of_kind(RecordKind::Nomination)
            .into_iter()
            .filter(|r| r.unit_id == unit_id.get_value())
            .collect::<Vec<_>>()
    };
    let nominee_label = move |fields: &Fields| local.nominee_name(fields);
    // The titles the unit's place in a published cluster ranking proposes it for, and that it has not nominated
    // itself for yet: one click starts that nomination.
    let from_ranking = move || -> Vec<(i32, String, String)> {
        let unit = unit_id.get_value();
        let held = nominations();
        local.reference.with(|r| {
            standings_of(&r.clusters, std::slice::from_ref(&unit))
                .into_iter()
                .filter_map(|s| s.proposed.map(|title| (s.year, title, s.cluster_name)))
                .filter(|(year, title, _)| {
                    !held.iter().any(|n| {
                        store::text_of(&n.fields, "title") == *title
                            && store::text_of(&n.fields, "year") == year.to_string()
                    })
                })
                .map(|(year, title, cluster)| {
                    let name = r.rulebook.title_name(&title).to_owned();
                    (year, title, format!("Theo kết quả xếp hạng {cluster} năm {year}, đơn vị được đề xuất {name}."))
                })
                .collect()
        })
    };
    view! {
        {move || from_ranking().into_iter().map(|(year, title, text)| view! {
            <p class="notice proposed-by-ranking">
                {text} " "
                <button class="secondary" data-title=title.clone() on:click=move |_| {
                    draft.open(Uuid::new_v4());
                    draft.set("year", json!(year.to_string()));
                    draft.set("track", json!("thuong_xuyen"));
                    draft.set("nominee_kind", json!("collective"));
                    draft.set("nominee_id", json!(unit_id.get_value()));
                    draft.set("title", json!(title.clone()));
                }>"Lập đề nghị"</button>
            </p>
        }).collect_view()}
        <section class="card">
            <div class="title-row">
                <h1>"Đề nghị khen thưởng"</h1>
                <button id="new-nomination" class="primary" on:click=move |_| {
                    draft.open(Uuid::new_v4());
                    // Year-end nominations reward the year whose ratings are in: the one just ended.
                    draft.set("year", json!((today().year() - 1).to_string()));
                    draft.set("track", json!("thuong_xuyen"));
                    draft.set("nominee_kind", json!("person"));
                }>"Lập đề nghị mới"</button>
            </div>
            <div class="table-box" tabindex="0"><table class="grid nominations">
                <thead><tr><th>"Đối tượng"</th><th>"Danh hiệu, hình thức"</th><th>"Năm"</th><th>"Trạng thái"</th></tr></thead>
                <tbody>
                    {move || nominations().into_iter().map(|r| {
                        let id = r.id;
                        let title = local.reference.with(|rf| rf.rulebook.title_name(&store::text_of(&r.fields, "title")).to_owned());
                        view! {
                            <tr class="nomination-row" data-id=id.to_string() class:selected=move || draft.id.get() == Some(id)>
                                <td><button class="link" on:click=move |_| draft.open(id)>{nominee_label(&r.fields)}</button></td>
                                <td>{title}</td>
                                <td>{store::text_of(&r.fields, "year")}</td>
                                <td>{r.state.label()}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <Notices nominations=Signal::derive(nominations) nominee_label />
            <Show when=move || draft.id.get().is_some()>
                <NominationForm draft local state unit_id=unit_id.get_value() is_head token />
            </Show>
        </section>
    }
}

/// What the decisions of the round told the unit: each candidate awarded (decision, date, issuer, amount), and
/// each not awarded, with the reason. They arrive with the sync, like any change to the unit's records.
#[component]
fn Notices(
    nominations: Signal<Vec<domain::replica::LocalRecord>>,
    nominee_label: impl Fn(&Fields) -> String + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let closed = move || {
        nominations
            .get()
            .into_iter()
            .filter(|r| matches!(r.state, WorkflowState::Awarded | WorkflowState::NotAwarded))
            .collect::<Vec<_>>()
    };
    view! {
        <Show when=move || !closed().is_empty()>
            <h2>"Thông báo kết quả khen thưởng"</h2>
            <ul id="award-notices">
                {move || closed().into_iter().map(|r| {
                    let outcome = r.fields.get("outcome").cloned().unwrap_or_default();
                    let text = |name: &str| outcome.get(name).and_then(|v| v.as_str()).unwrap_or("").to_owned();
                    let date = text("decision_date").parse().map(domain::calendar::format_date).unwrap_or_default();
                    let line = if r.state == WorkflowState::Awarded {
                        let amount = outcome.get("amount").and_then(|v| v.as_u64())
                            .map(|a| format!("; tiền thưởng {}", domain::rules::dong(a))).unwrap_or_default();
                        format!("Được khen thưởng theo Quyết định số {} ngày {date} của {}{amount}", text("decision_number"), text("issuer"))
                    } else {
                        format!("Không được khen thưởng: {}", text("reason"))
                    };
                    view! {
                        <li class="notice" data-state=r.state.as_str()>
                            <strong>{nominee_label(&r.fields)}</strong> " — " {line}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </Show>
    }
}

/// Summary, then sections I and II of the achievement report, as the domain names them.
const NOMINATION_TEXTS: &[FieldSpec] = RecordKind::Nomination.text_fields();

const JUSTIFICATION: FieldSpec = FieldSpec {
    name: "justification",
    label: "Giải trình của lãnh đạo đơn vị (bắt buộc khi chưa đủ điều kiện)",
    hint: "Lý do vẫn đề nghị; Văn phòng và Hội đồng sẽ xem giải trình này",
};

/// A date input for a nomination field (yyyy-mm-dd, as the field stores it).
fn date_field(draft: Draft, name: &'static str, label: &'static str) -> impl IntoView {
    let id = format!("nomination-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="date" prop:value=move || draft.text(name) readonly=move || !draft.editable()
                on:change=move |ev| draft.set(name, json!(event_target_value(&ev))) />
        </div>
    }
}

#[component]
fn NominationForm(
    draft: Draft,
    local: LocalData,
    state: SyncState,
    unit_id: String,
    is_head: bool,
    token: StoredValue<String>,
) -> impl IntoView {
    let unit = StoredValue::new(unit_id);
    let kind = move || parse_name::<NomineeKind>(&draft.text("nominee_kind")).unwrap_or(NomineeKind::Person);
    // Only the fields the rules read: typing the report's texts does not re-run them.
    let checked = Memo::new(move |_| {
        draft.fields.with(|f| {
            NominationFacts::FIELDS
                .iter()
                .filter_map(|&name| Some((name.to_owned(), f.get(name)?.clone())))
                .collect::<Fields>()
        })
    });
    let verdict = Memo::new(move |_| {
        let id = draft.id.get()?;
        checked.with(|fields| local.verdict(id, &unit.get_value(), fields))
    });
    let units = move || local.lineage(&unit.get_value());
    let nominee_options = move || local.nominee_choices(kind(), &unit.get_value());
    let nominee_initiatives = move || -> Vec<(String, String)> {
        let nominee = draft.text("nominee_id");
        local.records.with(|records| {
            records
                .iter()
                .find(|r| r.id.to_string() == nominee)
                .and_then(|r| r.fields.get("initiatives").cloned())
                .and_then(|v| serde_json::from_value::<Vec<Initiative>>(v).ok())
                .unwrap_or_default()
                .into_iter()
                .filter(|i| !i.number.is_empty())
                .map(|i| (i.number.clone(), format!("{} ({}, {})", i.name, i.number, i.year)))
                .collect()
        })
    };
    // Section III: the history table filled in from the nominee's records.
    let history = move || -> Vec<AwardEntry> {
        let nominee = draft.text("nominee_id");
        let records = local.records.get();
        let mut awards: Vec<AwardEntry> = match kind() {
            NomineeKind::Person => {
                records.iter().find(|r| r.id.to_string() == nominee).map(|r| awards_of(&r.fields)).unwrap_or_default()
            }
            NomineeKind::Collective => {
                let units = units();
                records
                    .iter()
                    .filter(|r| r.kind == RecordKind::UnitProfile && units.contains(&r.unit_id))
                    .flat_map(|r| awards_of(&r.fields))
                    .collect()
            }
        };
        awards.sort_by_key(|a| a.year);
        awards
    };
    let editable = move || draft.editable();
    let stored = move || draft.record.with(|r| r.as_ref().and_then(|r| read::<Option<Verdict>>(&r.fields, "verdict")));
    // The documents the title's dossier needs under the regime the panel judges by; the unit ticks those it sends.
    let documents = move || -> Vec<(String, String)> {
        let Some(v) = verdict.get() else { return Vec::new() };
        local.reference.with(|r| {
            r.rulebook
                .required_documents(&v.title, &v.regime)
                .into_iter()
                .map(|d| (d.code.clone(), d.name.clone()))
                .collect()
        })
    };
    let hold_document = move |code: String, held: bool| {
        let mut codes: Vec<String> = draft.list("documents");
        codes.retain(|c| c != &code);
        if held {
            codes.push(code);
        }
        draft.set("documents", json!(codes));
    };
    // The achievement report, printed from what the tablet holds (offline too), and the same as DOCX (online).
    let printed = RwSignal::new(None::<Document>);
    let print = move |_| {
        let Some(report) = report(&local, draft, &unit.get_value()) else { return };
        printed.set(Some(report));
        set_timeout(
            || {
                if let Some(window) = web_sys::window() {
                    let _ = window.print();
                }
            },
            std::time::Duration::from_millis(100),
        );
    };
    let needs_justification = move || verdict.get().is_some_and(|v| !v.eligible);
    // What the head is asked to look at once more before sending: empty sections, documents not ticked, a
    // verdict that is sent with a justification.
    let submit_problems = move || {
        let mut problems = draft.fields.with(|f| empty_sections(NOMINATION_TEXTS, f));
        let held: Vec<String> = draft.list("documents");
        problems.extend(
            documents()
                .into_iter()
                .filter(|(code, _)| !held.contains(code))
                .map(|(_, name)| format!("Chưa đánh dấu giấy tờ: {name}")),
        );
        if needs_justification() {
            problems.push("Đề nghị chưa đủ điều kiện theo kiểm tra; Văn phòng sẽ xem giải trình".to_owned());
        }
        problems
    };
    let may_submit = move || verdict.with(|v| submission_problem(v.as_ref(), &draft.text("justification")).is_none());
    let long_text = move |FieldSpec { name, label, hint }: FieldSpec| {
        let id = format!("nomination-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <textarea id=id rows="5" placeholder=hint readonly=move || !editable()
                    prop:value=move || draft.text(name) on:input=move |ev| draft.set(name, json!(event_target_value(&ev)))></textarea>
            </div>
        }
    };
    view! {
        <div class="form nomination-form">
            <div class="title-row">
                {record_state(draft, "nomination-state", "nomination-status")}
            </div>
            <p class="error" role="alert">{move || draft.error.get()}</p>
            {rejection(draft)}
            {draft_conflicts(draft, local, None)}
            <div class="row">
                <div class="field">
                    <label for="nomination-year">"Năm thành tích"</label>
                    <input id="nomination-year" type="number" prop:value=move || draft.text("year") readonly=move || !editable()
                        on:input=move |ev| draft.set("year", json!(event_target_value(&ev))) />
                </div>
                <div class="field">
                    <label for="nomination-track">"Loại khen thưởng"</label>
                    <Choice id="nomination-track"
                        options=Signal::derive(|| Track::ALL.iter().map(|t| (value_name(t), t.label().to_owned())).collect())
                        value=Signal::derive(move || draft.text("track"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| {
                            // Hidden dates or a movement would still tell two year-end nominations apart.
                            if v == value_name(&Track::ThuongXuyen) {
                                for field in ["achievement_from", "achievement_to", "movement_id"] {
                                    if !draft.text(field).is_empty() {
                                        draft.set(field, json!(""));
                                    }
                                }
                            }
                            draft.set("track", json!(v));
                        }) />
                </div>
                <div class="field">
                    <label for="nomination-kind">"Đối tượng"</label>
                    <Choice id="nomination-kind"
                        options=Signal::derive(|| vec![("person".into(), "Cá nhân".into()), ("collective".into(), "Tập thể".into())])
                        value=Signal::derive(move || draft.text("nominee_kind"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| {
                            draft.set("nominee_kind", json!(v));
                            draft.set("nominee_id", json!(""));
                        }) />
                </div>
            </div>
            <Show when=move || draft.text("track") != "thuong_xuyen" && !draft.text("track").is_empty()>
                <div class="row achievement">
                    {date_field(draft, "achievement_from", "Thành tích từ ngày")}
                    {date_field(draft, "achievement_to", "đến ngày (nếu nhiều ngày)")}
                    <div class="field">
                        <label for="nomination-movement">"Phong trào thi đua"</label>
                        <Choice id="nomination-movement" placeholder="— Không theo phong trào —"
                            options=Signal::derive(move || local.movement_choices())
                            value=Signal::derive(move || draft.text("movement_id"))
                            disabled=Signal::derive(move || !editable())
                            on_change=Callback::new(move |v: String| draft.set("movement_id", json!(v))) />
                    </div>
                </div>
            </Show>
            <div class="row">
                <div class="field">
                    <label for="nomination-nominee">"Người hoặc tập thể được đề nghị"</label>
                    <Choice id="nomination-nominee" placeholder="— Chọn —" options=Signal::derive(nominee_options)
                        value=Signal::derive(move || draft.text("nominee_id"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| {
                            // Section I follows the nominee while it is still the sketch of the one before:
                            // what the head wrote there is never replaced.
                            let before = profile_sketch(&local, &draft.text("nominee_id"), kind(), &unit.get_value());
                            let current = draft.text("section_profile");
                            draft.set("nominee_id", json!(v));
                            if current.trim().is_empty() || current == before {
                                draft.set("section_profile", json!(profile_sketch(&local, &v, kind(), &unit.get_value())));
                            }
                        }) />
                </div>
                <div class="field">
                    <label for="nomination-title">"Danh hiệu, hình thức khen thưởng"</label>
                    <Choice id="nomination-title" placeholder="— Chọn trong danh mục —"
                        options=Signal::derive(move || local.titles(kind(), None))
                        value=Signal::derive(move || draft.text("title"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| draft.set("title", json!(v))) />
                </div>
            </div>
            <Show when=move || kind() == NomineeKind::Person && !nominee_initiatives().is_empty()>
                <div class="field">
                    <label for="nomination-initiative">"Sáng kiến, đề tài được khen (nếu khen cho một sáng kiến)"</label>
                    <Choice id="nomination-initiative" placeholder="— Không —" options=Signal::derive(nominee_initiatives)
                        value=Signal::derive(move || draft.text("initiative"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| draft.set("initiative", json!(v))) />
                </div>
            </Show>
            {move || match verdict.get() {
                Some(v) => view! { <VerdictView verdict=v id="eligibility" /> }.into_any(),
                None => view! {
                    <section id="eligibility" class="verdict" data-eligible="unknown">
                        <span class="muted">{move || if local.has_rulebook() {
                            "Chọn năm, đối tượng và danh hiệu để kiểm tra điều kiện."
                        } else {
                            NO_RULEBOOK
                        }}</span>
                    </section>
                }.into_any(),
            }}
            <Show when=move || !documents().is_empty()>
                <fieldset id="nomination-documents" class="documents">
                    <legend>"Thành phần hồ sơ gửi kèm (đánh dấu giấy tờ đã có)"</legend>
                    {move || documents().into_iter().map(|(code, name)| {
                        let held = { let code = code.clone(); move || draft.list::<String>("documents").contains(&code) };
                        view! {
                            <label class="check">
                                <input type="checkbox" data-code=code.clone() prop:checked=held disabled=move || !editable()
                                    on:change=move |ev| hold_document(code.clone(), event_target_checked(&ev)) />
                                " " {name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
            </Show>
            {long_text(NOMINATION_TEXTS[0])}
            <h2>"Báo cáo thành tích"</h2>
            {NOMINATION_TEXTS[1..].iter().map(|spec| long_text(*spec)).collect_view()}
            <h3>"III. Các hình thức đã được khen thưởng"</h3>
            <div class="table-box" tabindex="0"><table id="report-history" class="grid">
                <thead><tr><th>"Năm"</th><th>"Danh hiệu, hình thức"</th><th>"Số, ngày quyết định; cơ quan ban hành"</th></tr></thead>
                <tbody>
                    {move || history().into_iter().map(|a| view! {
                        <tr><td>{a.year}</td><td>{a.title}</td><td>{[a.decision_number, a.decision_date, a.issuer].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <Show when=needs_justification>
                {long_text(JUSTIFICATION)}
            </Show>
            {move || stored().map(|v| view! {
                <h3>"Kết quả kiểm tra của máy chủ khi gửi"</h3>
                <VerdictView verdict=v id="stored-verdict" />
            })}
            {attachments_panel(draft.fields.into(), Some(draft), state, Signal::derive(Vec::new))}
            <div class="row report-actions">
                <button id="print-report" class="secondary" on:click=print>"In báo cáo thành tích"</button>
                {move || draft.id.get().filter(|_| draft.record.get().is_some_and(|r| r.rev > 0)).map(|id| {
                    download_button(token, format!("/api/documents/nominations/{id}/report"), "Tải báo cáo (DOCX)", draft.error)
                })}
            </div>
            {move || printed.get().map(print_view)}
            <Show when=move || is_head && editable() && draft.record.get().is_some()>
                <ConfirmStep id="submit-nomination" label="Gửi đề nghị cho Văn phòng Sở"
                    question="Gửi đề nghị này cho Văn phòng Sở? Sau khi gửi, đơn vị không sửa được cho đến khi bị trả lại."
                    problems=Signal::derive(submit_problems) disabled=Signal::derive(move || !may_submit())
                    on_confirm=Callback::new(move |_| draft.transition(Action::Submit)) />
            </Show>
            <Show when=move || draft.record.get().is_some_and(|r| r.state == WorkflowState::Draft)>
                <button id="delete-nomination" class="secondary" on:click=move |_| {
                    let sure = web_sys::window()
                        .and_then(|w| w.confirm_with_message("Xoá đề nghị đang soạn này?").ok())
                        .unwrap_or(false);
                    if sure {
                        draft.delete();
                    }
                }>"Xoá đề nghị"</button>
            </Show>
        </div>
    }
}

/// Section I's first draft, from the nominee's record: who they are and their years' ratings for a person, the
/// unit's people for a collective. The unit edits it like any text; an empty section is never left to type from
/// memory what the tablet already holds.
fn profile_sketch(local: &LocalData, nominee: &str, kind: NomineeKind, unit_id: &str) -> String {
    local.records.with_untracked(|records| match kind {
        NomineeKind::Person => {
            let Some(person) = records.iter().find(|r| r.id.to_string() == nominee) else { return String::new() };
            let text = |name: &str| store::text_of(&person.fields, name);
            let mut parts = vec![person_name(person)];
            parts.extend(
                // A unit not named yet is left out: its id would stay in the text as if typed.
                [Some(text("position")), local.known_unit_name(&person.unit_id)]
                    .into_iter()
                    .flatten()
                    .filter(|t| !t.trim().is_empty()),
            );
            let mut sketch = parts.join(", ") + ".";
            if !text("qualification").trim().is_empty() {
                sketch += &format!(" Trình độ chuyên môn: {}.", text("qualification"));
            }
            let mut years: Vec<YearRecord> = read(&person.fields, "years");
            years.sort_by_key(|y| y.year);
            if !years.is_empty() {
                let rated: Vec<String> =
                    years.iter().map(|y| format!("năm {}: {}", y.year, y.rating.label().to_lowercase())).collect();
                sketch += &format!(" Kết quả đánh giá, xếp loại: {}.", rated.join("; "));
            }
            sketch
        }
        NomineeKind::Collective => {
            let units = local.lineage(unit_id);
            let people = records.iter().filter(|r| r.kind == RecordKind::Person && units.contains(&r.unit_id)).count();
            let unit = local.known_unit_name(unit_id).unwrap_or_else(|| "Đơn vị".to_owned());
            format!("{unit}: {people} cán bộ, viên chức, người lao động.")
        }
    })
}

/// The achievement report of the open draft, from the tablet's records; None while it has no nominee or title.
fn report(local: &LocalData, draft: Draft, unit_id: &str) -> Option<Document> {
    let draft_state =
        draft.record.get_untracked().is_none_or(|r| matches!(r.state, WorkflowState::Draft | WorkflowState::Returned));
    draft.fields.with_untracked(|fields| local.achievement_report(fields, unit_id, draft_state))
}
