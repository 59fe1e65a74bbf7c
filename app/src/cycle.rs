//! The screens of the emulation cycle: movements, the yearly registration, people's records, nominations with
//! their eligibility panel, the office's review of registrations and nominations, and the admin's rulebook.
//! All but saving a movement or the rulebook work offline.

use chrono::{Datelike, NaiveDate};
use domain::api::{Movement, ReferenceData, Role, UserProfile, MOVEMENT_KINDS};
use domain::dossier::{
    AwardEntry, Discipline, Facts, Initiative, NominationFacts, NomineeKind, Rating, RecordView, Scope, Target,
    TargetResult, YearRecord,
};
use domain::model::{registration_id, unit_profile_id, FieldSpec};
use domain::org::lineage;
use domain::replica::LocalRecord;
use domain::rules::{evaluate, submission_problem, Certainty, RuleBook, TitleKind, Verdict};
use domain::workflow::{Action, WorkflowState};
use domain::{Fields, RecordKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{json, Value};
use uuid::Uuid;
use wasm_bindgen::JsValue;

use crate::api;
use crate::draft::Draft;
use crate::store;
use crate::sync::{self, SyncState};
use crate::ui::{current_store, today, ReviewActions};

/// The records and reference data this tablet holds, reloaded whenever sync or an edit changes them. Records
/// whose deletion waits in the outbox are left out.
#[derive(Clone, Copy)]
pub struct LocalData {
    pub records: RwSignal<Vec<LocalRecord>>,
    pub reference: RwSignal<ReferenceData>,
}

impl LocalData {
    /// Loads while `wanted`: reading every record costs tens of milliseconds on a tablet holding thousands, so
    /// the quarterly report, which needs two records, does not pay for it on every sync.
    pub fn new(state: SyncState, wanted: Signal<bool>) -> Self {
        let local =
            LocalData { records: RwSignal::new(Vec::new()), reference: RwSignal::new(ReferenceData::default()) };
        Effect::new(move |_| {
            if !wanted.get() {
                return;
            }
            state.data_version.track();
            spawn_local(async move {
                let Some(store) = current_store() else { return };
                // try_set: the screen may have closed (sign-out) while IndexedDB answered.
                if let (Ok(mut records), Ok(outbox)) = (store.records().await, store.outbox().await) {
                    let deleting: Vec<Uuid> = outbox
                        .iter()
                        .filter(|e| e.rejected.is_none() && matches!(e.mutation.op, domain::Op::Delete))
                        .map(|e| e.mutation.record_id)
                        .collect();
                    records.retain(|r| !r.deleted && !deleting.contains(&r.id));
                    local.records.try_set(records);
                }
                if let Ok(Some(reference)) = store.reference().await {
                    local.reference.try_set(reference);
                }
            });
        });
        local
    }

    fn of_kind(self, kind: RecordKind) -> Vec<LocalRecord> {
        self.records.with(|all| all.iter().filter(|r| r.kind == kind).cloned().collect())
    }

    /// `unit` and the units merged into it (reactive, without copying the reference data).
    fn lineage(self, unit: &str) -> std::collections::BTreeSet<String> {
        self.reference.with(|r| lineage(unit, &r.merges))
    }

    fn titles(self, subject: NomineeKind, kind: Option<TitleKind>) -> Vec<(String, String)> {
        self.reference.with(|r| rulebook_titles(&r.rulebook, subject, kind))
    }

    fn unit_name(self, id: &str) -> String {
        self.reference
            .with(|r| r.units.iter().find(|u| u.id == id).map(|u| u.name.clone()))
            .unwrap_or_else(|| id.to_owned())
    }
}

fn rulebook_titles(book: &RuleBook, subject: NomineeKind, kind: Option<TitleKind>) -> Vec<(String, String)> {
    book.titles
        .iter()
        .filter(|t| t.subject.admits(subject))
        .filter(|t| kind.is_none_or(|k| t.kind == k))
        .map(|t| (t.code.clone(), t.name.clone()))
        .collect()
}

fn person_name(record: &LocalRecord) -> String {
    let name = store::text_of(&record.fields, "full_name");
    if name.trim().is_empty() {
        "(chưa có tên)".to_owned()
    } else {
        name
    }
}

/// A `<select>` over (value, label) pairs.
#[component]
fn Choice(
    #[prop(into)] id: String,
    options: Signal<Vec<(String, String)>>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional, into)] class: String,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    view! {
        <select id=id class=class disabled=move || disabled.get() prop:value=move || value.get()
            on:change=move |ev| on_change.run(event_target_value(&ev))>
            {placeholder.map(|p| view! { <option value="">{p}</option> })}
            {move || {
                let current = value.get();
                options.get().into_iter().map(|(v, label)| {
                    let selected = v == current;
                    view! { <option value=v selected=selected>{label}</option> }
                }).collect_view()
            }}
        </select>
    }
}

// --- movements -----------------------------------------------------------------------------------------

#[component]
pub fn MovementsPage(local: LocalData, office: bool, token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let editing = RwSignal::new(None::<Movement>);
    let message = RwSignal::new(None::<String>);
    let blank = move || Movement {
        id: format!("pt-{}", Uuid::new_v4()),
        name: String::new(),
        theme: String::new(),
        kind: MOVEMENT_KINDS[0].into(),
        document_number: String::new(),
        document_date: today(),
        issuer: String::new(),
        period_from: NaiveDate::from_ymd_opt(today().year(), 1, 1).unwrap_or(today()),
        period_to: NaiveDate::from_ymd_opt(today().year(), 12, 31).unwrap_or(today()),
        fields: Vec::new(),
        goals: String::new(),
    };
    let save = move |_| {
        let Some(movement) = editing.get_untracked() else { return };
        // Saving needs the server, which answers a form it refuses with every problem in it.
        spawn_local(async move {
            match api::save_movement(&token.get_value(), &movement).await {
                Ok(()) => {
                    editing.set(None);
                    message.set(Some(format!("Đã lưu phong trào “{}”.", movement.name)));
                    sync::refresh_reference();
                }
                Err(e) => message.set(Some(api::offline_message(e, "lưu phong trào"))),
            }
        });
    };
    let text_input = move |id: &'static str,
                           label: &'static str,
                           get: fn(&Movement) -> String,
                           put: fn(&mut Movement, String)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id prop:value=move || editing.get().map(|m| get(&m)).unwrap_or_default()
                    on:input=move |ev| { let v = event_target_value(&ev); editing.update(|m| if let Some(m) = m { put(m, v) }) } />
            </div>
        }
    };
    let date_input = move |id: &'static str,
                           label: &'static str,
                           get: fn(&Movement) -> NaiveDate,
                           put: fn(&mut Movement, NaiveDate)| {
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="date" prop:value=move || editing.get().map(|m| get(&m).to_string()).unwrap_or_default()
                    on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { editing.update(|m| if let Some(m) = m { put(m, d) }) } />
            </div>
        }
    };
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Phong trào thi đua"</h1>
                <Show when=move || office>
                    <button id="new-movement" class="primary" on:click=move |_| editing.set(Some(blank()))>"Phát động phong trào"</button>
                </Show>
            </div>
            <p id="movement-message" class="muted" role="status">{move || message.get()}</p>
            <Show when=move || editing.get().is_some()>
                <div class="form movement-form">
                    {text_input("movement-name", "Tên phong trào", |m| m.name.clone(), |m, v| m.name = v)}
                    {text_input("movement-theme", "Chủ đề", |m| m.theme.clone(), |m, v| m.theme = v)}
                    <div class="field">
                        <label for="movement-kind">"Loại phong trào"</label>
                        <Choice id="movement-kind"
                            options=Signal::derive(|| MOVEMENT_KINDS.iter().map(|k| (k.to_string(), k.to_string())).collect())
                            value=Signal::derive(move || editing.get().map(|m| m.kind).unwrap_or_default())
                            on_change=Callback::new(move |v| editing.update(|m| if let Some(m) = m { m.kind = v })) />
                    </div>
                    {text_input("movement-number", "Số văn bản phát động", |m| m.document_number.clone(), |m, v| m.document_number = v)}
                    {date_input("movement-date", "Ngày ban hành", |m| m.document_date, |m, d| m.document_date = d)}
                    {text_input("movement-issuer", "Cơ quan ban hành", |m| m.issuer.clone(), |m, v| m.issuer = v)}
                    {date_input("movement-from", "Từ ngày", |m| m.period_from, |m, d| m.period_from = d)}
                    {date_input("movement-to", "Đến ngày", |m| m.period_to, |m, d| m.period_to = d)}
                    <div class="field">
                        <label for="movement-fields">"Lĩnh vực (mỗi dòng một lĩnh vực)"</label>
                        <textarea id="movement-fields" rows="4" prop:value=move || editing.get().map(|m| m.fields.join("\n")).unwrap_or_default()
                            on:input=move |ev| {
                                let lines: Vec<String> = event_target_value(&ev).lines().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
                                editing.update(|m| if let Some(m) = m { m.fields = lines });
                            }></textarea>
                    </div>
                    <div class="field">
                        <label for="movement-goals">"Mục tiêu"</label>
                        <textarea id="movement-goals" rows="3" prop:value=move || editing.get().map(|m| m.goals).unwrap_or_default()
                            on:input=move |ev| { let v = event_target_value(&ev); editing.update(|m| if let Some(m) = m { m.goals = v }) }></textarea>
                    </div>
                    <button id="save-movement" class="primary" on:click=save>"Lưu phong trào"</button>
                    <button class="secondary" on:click=move |_| editing.set(None)>"Huỷ"</button>
                </div>
            </Show>
            {move || local.reference.with(|r| r.movements.clone()).into_iter().map(|m| {
                let for_edit = m.clone();
                view! {
                    <div class="movement-row">
                        <crate::ui::MovementCard movement=m />
                        <Show when=move || office>
                            <button class="secondary edit-movement" on:click={
                                let for_edit = for_edit.clone();
                                move |_| editing.set(Some(for_edit.clone()))
                            }>"Sửa"</button>
                        </Show>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

// --- registration --------------------------------------------------------------------------------------

#[component]
pub fn RegistrationPage(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
    let year = RwSignal::new(today().year());
    let draft = Draft::new(RecordKind::Registration, &user.unit_id, &user.id, state);
    let unit_id = StoredValue::new(user.unit_id.clone());
    Effect::new(move |_| {
        let y = year.get();
        draft.set_on_create([("year".to_owned(), json!(y.to_string()))].into_iter().collect());
        draft.open(registration_id(&unit_id.get_value(), y));
    });
    let is_head = user.role == Role::UnitHead;
    let movement_fields = move || {
        let chosen = draft.text("movement_id");
        local
            .reference
            .with(|r| r.movements.iter().find(|m| m.id == chosen).map(|m| m.fields.clone()).unwrap_or_default())
    };
    let person_titles = move || -> std::collections::BTreeMap<String, String> {
        serde_json::from_value(draft.get("person_titles")).unwrap_or_default()
    };
    let targets = move || draft.list::<Target>("targets");
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Đăng ký thi đua năm " {move || year.get()}</h1>
                <select id="registration-year" on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { year.set(y) }>
                    {[today().year(), today().year() + 1].into_iter().map(|y| view! { <option value=y.to_string() selected=move || year.get() == y>{y}</option> }).collect_view()}
                </select>
            </div>
            <p id="registration-state" data-state=move || draft.record.get().map_or("none", |r| r.state.as_str())>
                "Trạng thái: " <strong>{move || draft.record.get().map_or("Chưa gửi", |r| r.state.label())}</strong>
                {move || draft.record.get().and_then(|r| r.state_note).map(|n| format!(" — lý do trả lại: {n}"))}
            </p>
            <p class="error" role="alert">{move || draft.error.get()}</p>
            <p class="error">{move || draft.record.get().and_then(|r| r.rejection)}</p>
            <div class="field">
                <label for="registration-movement">"Phong trào"</label>
                <Choice id="registration-movement" placeholder="— Chọn phong trào —"
                    options=Signal::derive(move || local.reference.with(|r| r.movements.iter().map(|m| (m.id.clone(), m.name.clone())).collect()))
                    value=Signal::derive(move || draft.text("movement_id"))
                    disabled=Signal::derive(move || !draft.editable())
                    on_change=Callback::new(move |v: String| draft.set("movement_id", json!(v))) />
            </div>
            <div class="field">
                <label for="registration-unit-title">"Danh hiệu tập thể đăng ký"</label>
                <Choice id="registration-unit-title" placeholder="— Chọn danh hiệu —"
                    options=Signal::derive(move || local.titles(NomineeKind::Collective, Some(TitleKind::DanhHieu)))
                    value=Signal::derive(move || draft.text("unit_title"))
                    disabled=Signal::derive(move || !draft.editable())
                    on_change=Callback::new(move |v: String| draft.set("unit_title", json!(v))) />
            </div>
            <h2>"Danh hiệu cá nhân đăng ký"</h2>
            <table class="grid">
                <thead><tr><th>"Họ và tên"</th><th>"Danh hiệu"</th></tr></thead>
                <tbody>
                    {move || local.of_kind(RecordKind::Person).into_iter().filter(|p| p.unit_id == unit_id.get_value()).map(|person| {
                        let pid = person.id.to_string();
                        let key = pid.clone();
                        view! {
                            <tr>
                                <td>{person_name(&person)}</td>
                                <td>
                                    <Choice id=format!("person-title-{pid}") class="person-title" placeholder="— Không đăng ký —"
                                        options=Signal::derive(move || local.titles(NomineeKind::Person, Some(TitleKind::DanhHieu)))
                                        value=Signal::derive({ let key = key.clone(); move || person_titles().get(&key).cloned().unwrap_or_default() })
                                        disabled=Signal::derive(move || !draft.editable())
                                        on_change=Callback::new(move |v: String| {
                                            let mut all = person_titles();
                                            if v.is_empty() { all.remove(&pid); } else { all.insert(pid.clone(), v); }
                                            draft.set("person_titles", json!(all));
                                        }) />
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <h2>"Chỉ tiêu thi đua theo lĩnh vực"</h2>
            <table class="grid">
                <thead><tr><th>"Lĩnh vực"</th><th>"Chỉ tiêu"</th><th></th></tr></thead>
                <tbody>
                    {move || targets().into_iter().enumerate().map(|(index, target)| {
                        let update = move |change: &dyn Fn(&mut Target)| draft.update_row("targets", index, |row: &mut Target| change(row));
                        view! {
                            <tr class="target-row">
                                <td>
                                    <Choice id=format!("target-field-{index}") class="field-name" placeholder="— Lĩnh vực —"
                                        options=Signal::derive(move || movement_fields().into_iter().map(|f| (f.clone(), f)).collect())
                                        value=Signal::derive({ let f = target.field.clone(); move || f.clone() })
                                        disabled=Signal::derive(move || !draft.editable())
                                        on_change=Callback::new(move |v: String| update(&|t: &mut Target| t.field = v.clone())) />
                                </td>
                                <td><input class="target-text" prop:value=target.text.clone() readonly=move || !draft.editable()
                                    on:input=move |ev| { let v = event_target_value(&ev); update(&|t: &mut Target| t.text = v.clone()) } /></td>
                                <td><button class="secondary" disabled=move || !draft.editable() on:click=move |_| { draft.remove_row::<Target>("targets", index) }>"Xoá"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <button id="add-target" class="secondary" disabled=move || !draft.editable() on:click=move |_| {
                draft.push_row("targets", Target { id: Uuid::new_v4().to_string(), field: String::new(), text: String::new() });
            }>"Thêm chỉ tiêu"</button>
            <Show when=move || is_head && draft.editable() && draft.record.get().is_some()>
                <button id="submit-registration" class="primary" on:click=move |_| draft.transition(Action::Submit)>
                    "Gửi đăng ký cho Văn phòng Sở"
                </button>
            </Show>
        </section>
    }
}

/// The quarter's results against the targets registered for its year, kept in the self-assessment record.
#[component]
pub fn TargetResults(draft: Draft, registration: Draft, year: i32) -> impl IntoView {
    let targets = move || registration.list::<Target>("targets");
    let results = move || -> std::collections::BTreeMap<String, TargetResult> {
        serde_json::from_value(draft.get("results")).unwrap_or_default()
    };
    let update = move |target: String, change: &dyn Fn(&mut TargetResult)| {
        let mut all = results();
        change(all.entry(target).or_default());
        draft.set("results", json!(all));
    };
    view! {
        <h2>"Kết quả theo chỉ tiêu đã đăng ký"</h2>
        <Show when=move || targets().is_empty()>
            <p class="muted">"Đơn vị chưa có chỉ tiêu đăng ký cho năm " {year} "."</p>
        </Show>
        <table class="grid results">
            <thead><tr><th>"Chỉ tiêu"</th><th>"Kết quả"</th><th>"Số liệu"</th><th>"Minh chứng"</th><th>"Tự chấm (0–100)"</th></tr></thead>
            <tbody>
                {move || targets().into_iter().map(|t| {
                    let current = results().get(&t.id).cloned().unwrap_or_default();
                    let (a, b, c, d) = (t.id.clone(), t.id.clone(), t.id.clone(), t.id.clone());
                    view! {
                        <tr class="result-row" data-target=t.id.clone()>
                            <td><span class="muted">{t.field.clone()}</span><br/>{t.text.clone()}</td>
                            <td>
                                <select class="result" disabled=move || !draft.editable()
                                    on:change=move |ev| { let v = event_target_value(&ev); update(a.clone(), &|r: &mut TargetResult| r.result = v.clone()) }>
                                    {["", "Vượt", "Đạt", "Chưa đạt"].into_iter().map(|o| view! {
                                        <option value=o selected=current.result == o>{if o.is_empty() { "—" } else { o }}</option>
                                    }).collect_view()}
                                </select>
                            </td>
                            <td><input class="figure" prop:value=current.figure.clone() readonly=move || !draft.editable()
                                on:input=move |ev| { let v = event_target_value(&ev); update(b.clone(), &|r: &mut TargetResult| r.figure = v.clone()) } /></td>
                            <td><input class="evidence" prop:value=current.evidence.clone() readonly=move || !draft.editable()
                                on:input=move |ev| { let v = event_target_value(&ev); update(c.clone(), &|r: &mut TargetResult| r.evidence = v.clone()) } /></td>
                            <td><input class="score" type="number" min="0" max="100" readonly=move || !draft.editable()
                                prop:value=current.score.map(|s| s.to_string()).unwrap_or_default()
                                on:input=move |ev| {
                                    let score = event_target_value(&ev).parse::<u8>().ok().map(|s| s.min(100));
                                    update(d.clone(), &|r: &mut TargetResult| r.score = score)
                                } /></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }
}

// --- people --------------------------------------------------------------------------------------------

fn rating_options() -> Vec<(String, String)> {
    Rating::ALL.iter().map(|r| (value_name(r), r.label().to_owned())).collect()
}

/// The wire name of a serde enum value.
fn value_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn parse_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(Value::String(name.to_owned())).ok()
}

#[component]
pub fn PeoplePage(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
    let draft = Draft::new(RecordKind::Person, &user.unit_id, &user.id, state);
    let profile = Draft::new(RecordKind::UnitProfile, &user.unit_id, &user.id, state);
    profile.open(unit_profile_id(&user.unit_id));
    let own_unit = StoredValue::new(user.unit_id.clone());
    let people = move || {
        let units = local.lineage(&own_unit.get_value());
        let mut list: Vec<LocalRecord> =
            local.of_kind(RecordKind::Person).into_iter().filter(|p| units.contains(&p.unit_id)).collect();
        list.sort_by_key(person_name);
        list
    };
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Hồ sơ cá nhân"</h1>
                <button id="new-person" class="primary" on:click=move |_| {
                    draft.open(Uuid::new_v4());
                    draft.set("full_name", json!(""));
                }>"Thêm người"</button>
            </div>
            <ul class="people">
                {move || people().into_iter().map(|p| {
                    let id = p.id;
                    let moved = p.unit_id != own_unit.get_value();
                    let unit = local.unit_name(&p.unit_id);
                    view! {
                        <li class="person" data-id=id.to_string() class:selected=move || draft.id.get() == Some(id)>
                            <button class="link" on:click=move |_| draft.open(id)>{person_name(&p)}</button>
                            " · " {store::text_of(&p.fields, "position")}
                            {moved.then(|| view! { <span class="muted">" (từ " {unit} ")"</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
            <Show when=move || draft.id.get().is_some()>
                <PersonForm draft local />
            </Show>
        </section>
        <section class="card">
            <h1>"Khen thưởng của tập thể"</h1>
            <p class="muted">"Kể cả khen thưởng các năm trước và của đơn vị đã hợp nhất vào đơn vị này."</p>
            <p class="error">{move || profile.error.get()}</p>
            <AwardsTable draft=profile local id_prefix="unit" />
            {move || {
                let own = own_unit.get_value();
                let units = local.lineage(&own);
                local.of_kind(RecordKind::UnitProfile).into_iter()
                    .filter(|r| r.unit_id != own && units.contains(&r.unit_id))
                    .map(|r| {
                        let awards: Vec<AwardEntry> = r.fields.get("awards").cloned().and_then(|v| serde_json::from_value(v).ok()).unwrap_or_default();
                        view! {
                            <h2>{local.unit_name(&r.unit_id)} " (đã hợp nhất)"</h2>
                            <ul>{awards.into_iter().map(|a| view! { <li>{a.year} " · " {a.title} " · " {a.decision_number}</li> }).collect_view()}</ul>
                        }
                    }).collect_view()
            }}
        </section>
    }
}

#[component]
fn PersonForm(draft: Draft, local: LocalData) -> impl IntoView {
    let text_field = move |name: &'static str, label: &'static str| {
        let id = format!("person-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id prop:value=move || draft.text(name) on:input=move |ev| draft.set(name, json!(event_target_value(&ev))) />
            </div>
        }
    };
    let years = move || draft.list::<YearRecord>("years");
    let initiatives = move || draft.list::<Initiative>("initiatives");
    let this_year = today().year();
    view! {
        <div class="form person-form">
            <p class="error" role="alert">{move || draft.error.get()}</p>
            <h2>"I. Sơ lược lý lịch"</h2>
            {text_field("full_name", "Họ và tên")}
            {text_field("birth_date", "Ngày sinh")}
            {text_field("gender", "Giới tính")}
            {text_field("hometown", "Quê quán")}
            {text_field("position", "Chức vụ, vị trí việc làm")}
            {text_field("qualification", "Trình độ chuyên môn")}
            <label class="check">
                <input id="person-direct_worker" type="checkbox" prop:checked=move || draft.get("direct_worker").as_bool().unwrap_or(false)
                    on:change=move |ev| draft.set("direct_worker", json!(event_target_checked(&ev))) />
                " Người lao động trực tiếp"
            </label>
            <h2>"Xếp loại hằng năm và kỷ luật"</h2>
            <table class="grid">
                <thead><tr><th>"Năm"</th><th>"Xếp loại"</th><th>"Kỷ luật"</th><th>"Số tháng công tác"</th><th></th></tr></thead>
                <tbody>
                    {move || years().into_iter().enumerate().map(|(index, row)| {
                        let update = move |change: &dyn Fn(&mut YearRecord)| draft.update_row("years", index, |row: &mut YearRecord| change(row));
                        view! {
                            <tr class="year-row">
                                <td><input class="year" type="number" prop:value=row.year.to_string()
                                    on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { update(&|r: &mut YearRecord| r.year = y) } /></td>
                                <td><Choice id=format!("rating-{index}") class="rating" options=Signal::derive(rating_options)
                                    value=Signal::derive(move || value_name(&row.rating))
                                    on_change=Callback::new(move |v: String| if let Some(rating) = parse_name::<Rating>(&v) { update(&|r: &mut YearRecord| r.rating = rating) }) /></td>
                                <td><Choice id=format!("discipline-{index}") class="discipline" placeholder="Không"
                                    options=Signal::derive(|| Discipline::ALL.iter().map(|d| (value_name(d), d.label().to_owned())).collect())
                                    value=Signal::derive(move || row.discipline.map(|d| value_name(&d)).unwrap_or_default())
                                    on_change=Callback::new(move |v: String| { let d = parse_name::<Discipline>(&v); update(&|r: &mut YearRecord| r.discipline = d) }) /></td>
                                <td><input class="months" type="number" min="0" max="12" placeholder="12"
                                    prop:value=row.months_worked.map(|m| m.to_string()).unwrap_or_default()
                                    on:change=move |ev| {
                                        let worked = event_target_value(&ev).parse::<u8>().ok().map(|m| m.min(12));
                                        update(&|r: &mut YearRecord| r.months_worked = worked)
                                    } /></td>
                                <td><button class="secondary" on:click=move |_| { draft.remove_row::<YearRecord>("years", index) }>"Xoá"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <button id="add-year" class="secondary" on:click=move |_| {
                let next = years().iter().map(|y| y.year + 1).max().unwrap_or(this_year - 1).min(this_year);
                draft.push_row("years", YearRecord { year: next, rating: Rating::Tot, discipline: None, months_worked: None });
            }>"Thêm năm"</button>
            <h2>"Sáng kiến được công nhận"</h2>
            <table class="grid">
                <thead><tr><th>"Số công nhận"</th><th>"Tên sáng kiến"</th><th>"Năm"</th><th>"Phạm vi"</th><th></th></tr></thead>
                <tbody>
                    {move || initiatives().into_iter().enumerate().map(|(index, row)| {
                        let update = move |change: &dyn Fn(&mut Initiative)| draft.update_row("initiatives", index, |row: &mut Initiative| change(row));
                        view! {
                            <tr class="initiative-row">
                                <td><input class="number" prop:value=row.number.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut Initiative| r.number = v.clone()) } /></td>
                                <td><input class="name" prop:value=row.name.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut Initiative| r.name = v.clone()) } /></td>
                                <td><input class="year" type="number" prop:value=row.year.to_string() on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { update(&|r: &mut Initiative| r.year = y) } /></td>
                                <td><Choice id=format!("scope-{index}") class="scope"
                                    options=Signal::derive(|| Scope::ALL.iter().map(|s| (value_name(s), s.label().to_owned())).collect())
                                    value=Signal::derive(move || value_name(&row.scope))
                                    on_change=Callback::new(move |v: String| if let Some(s) = parse_name::<Scope>(&v) { update(&|r: &mut Initiative| r.scope = s) }) /></td>
                                <td><button class="secondary" on:click=move |_| { draft.remove_row::<Initiative>("initiatives", index) }>"Xoá"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            <button id="add-initiative" class="secondary" on:click=move |_| {
                draft.push_row("initiatives", Initiative { number: String::new(), name: String::new(), year: this_year, scope: Scope::CoSo });
            }>"Thêm sáng kiến"</button>
            <h2>"Các hình thức đã được khen thưởng"</h2>
            <AwardsTable draft local id_prefix="person" />
        </div>
    }
}

/// Award history: year, title or form (from the catalog, or as written on an old decision), decision and issuer.
#[component]
fn AwardsTable(draft: Draft, local: LocalData, id_prefix: &'static str) -> impl IntoView {
    let awards = move || draft.list::<AwardEntry>("awards");
    let list_id = format!("{id_prefix}-titles");
    view! {
        <datalist id=list_id.clone()>
            {move || local.reference.with(|r| r.rulebook.titles.iter().map(|t| t.name.clone()).collect::<Vec<_>>()).into_iter().map(|name| view! { <option value=name /> }).collect_view()}
        </datalist>
        <table class="grid awards">
            <thead><tr><th>"Năm"</th><th>"Danh hiệu, hình thức"</th><th>"Số quyết định"</th><th>"Ngày"</th><th>"Cơ quan ban hành"</th><th>"Đơn vị lúc được khen"</th><th></th></tr></thead>
            <tbody>
                {move || awards().into_iter().enumerate().map(|(index, row)| {
                    let update = move |change: &dyn Fn(&mut AwardEntry)| draft.update_row("awards", index, |row: &mut AwardEntry| change(row));
                    let known = local.reference.with(|r| r.rulebook.title(&row.title).is_some());
                    view! {
                        <tr class="award-row">
                            <td><input class="year" type="number" prop:value=row.year.to_string() on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { update(&|r: &mut AwardEntry| r.year = y) } /></td>
                            <td><input class="title" list=format!("{id_prefix}-titles") prop:value=row.title.clone() class:unknown=!known && !row.title.is_empty()
                                title=if known { "" } else { "Tên này không khớp danh mục; điều kiện nhiều năm sẽ không tính" }
                                on:change=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.title = v.clone()) } /></td>
                            <td><input class="decision" prop:value=row.decision_number.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.decision_number = v.clone()) } /></td>
                            <td><input class="date" placeholder="dd/mm/yyyy" prop:value=row.decision_date.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.decision_date = v.clone()) } /></td>
                            <td><input class="issuer" prop:value=row.issuer.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.issuer = v.clone()) } /></td>
                            <td><input class="unit" prop:value=row.unit.clone() on:input=move |ev| { let v = event_target_value(&ev); update(&|r: &mut AwardEntry| r.unit = v.clone()) } /></td>
                            <td><button class="secondary" on:click=move |_| { draft.remove_row::<AwardEntry>("awards", index) }>"Xoá"</button></td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <button id=format!("{id_prefix}-add-award") class="secondary add-award" on:click=move |_| {
            draft.push_row("awards", AwardEntry { year: today().year() - 1, title: String::new(), decision_number: String::new(), decision_date: String::new(), issuer: String::new(), unit: String::new() });
        }>"Thêm khen thưởng"</button>
    }
}

// --- nominations ---------------------------------------------------------------------------------------

/// The verdict on a nomination draft from what this tablet holds: the draft as typed (saved or not), the
/// records of its unit and the units merged into it, and the cached rulebook. None while the draft lacks a
/// year, a nominee or a title.
pub fn panel_verdict(local: &LocalData, id: Uuid, unit_id: &str, fields: &Fields) -> Option<Verdict> {
    local.reference.with(|reference| {
        local.records.with(|records| {
            let units: Vec<String> = lineage(unit_id, &reference.merges).into_iter().collect();
            let draft = RecordView { id, deleted: false, kind: RecordKind::Nomination, unit_id, fields };
            let nomination = NominationFacts::from_record(&draft)?;
            let views = records
                .iter()
                .filter(|r| r.id != id)
                .map(|r| RecordView {
                    id: r.id,
                    deleted: r.deleted,
                    kind: r.kind,
                    unit_id: &r.unit_id,
                    fields: &r.fields,
                })
                .chain(std::iter::once(draft));
            Some(evaluate(&reference.rulebook, &nomination, &Facts::gather(views, &units)))
        })
    })
}

fn certainty_label(c: Certainty) -> &'static str {
    match c {
        Certainty::C => "",
        Certainty::K => " · chưa đối chiếu công báo",
        Certainty::U => " · ngưỡng chưa chắc chắn",
    }
}

#[component]
pub fn VerdictView(verdict: Verdict, #[prop(into)] id: String) -> impl IntoView {
    let eligible = verdict.eligible;
    view! {
        <section id=id class="verdict" class:ok=eligible class:fail=!eligible data-eligible=eligible.to_string()>
            <strong class="summary">
                {if eligible { "Đủ điều kiện" } else { "Chưa đủ điều kiện" }}
                " — " {verdict.title_name.clone()} " năm " {verdict.year}
            </strong>
            <div class="muted">{verdict.regime_name.clone()}</div>
            <ul>
                {verdict.items.into_iter().map(|item| {
                    let (mark, met) = match item.met { Some(true) => ("✓", "true"), Some(false) => ("✗", "false"), None => ("?", "unknown") };
                    view! {
                        <li class="item" data-met=met>
                            <span class="mark">{mark}</span> " " {item.text}
                            {(!item.article.is_empty()).then(|| view! { <span class="article">" — " {item.article.clone()}</span> })}
                            <span class="muted">{certainty_label(item.certainty)}</span>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {verdict.vote.map(|v| view! {
                <p class="muted">
                    "Hội đồng biểu quyết: " {if v.secret { "bỏ phiếu kín, " } else { "" }} "từ " {v.percent} "% "
                    {if v.of_all_members { "tổng số thành viên" } else { "thành viên có mặt" }} " — " {v.article}
                </p>
            })}
        </section>
    }
}

#[component]
pub fn NominationsPage(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
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
    let nominee_label = move |fields: &Fields| {
        let id = store::text_of(fields, "nominee_id");
        if store::text_of(fields, "nominee_kind") == "collective" {
            return local.unit_name(&id);
        }
        local.records.with(|all| all.iter().find(|r| r.id.to_string() == id).map(person_name)).unwrap_or_default()
    };
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Đề nghị khen thưởng"</h1>
                <button id="new-nomination" class="primary" on:click=move |_| {
                    draft.open(Uuid::new_v4());
                    draft.set("year", json!(today().year().to_string()));
                    draft.set("track", json!("thuong_xuyen"));
                    draft.set("nominee_kind", json!("person"));
                }>"Lập đề nghị mới"</button>
            </div>
            <table class="grid nominations">
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
            </table>
            <Show when=move || draft.id.get().is_some()>
                <NominationForm draft local unit_id=unit_id.get_value() is_head />
            </Show>
        </section>
    }
}

/// Summary, then sections I and II of the achievement report, as the domain names them.
const NOMINATION_TEXTS: &[FieldSpec] = RecordKind::Nomination.text_fields();

const JUSTIFICATION: FieldSpec = FieldSpec {
    name: "justification",
    label: "Giải trình của lãnh đạo đơn vị (bắt buộc khi chưa đủ điều kiện)",
    hint: "Lý do vẫn đề nghị; Văn phòng và Hội đồng sẽ xem giải trình này",
};

#[component]
fn NominationForm(draft: Draft, local: LocalData, unit_id: String, is_head: bool) -> impl IntoView {
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
        checked.with(|fields| panel_verdict(&local, id, &unit.get_value(), fields))
    });
    let units = move || local.lineage(&unit.get_value());
    let nominee_options = move || match kind() {
        NomineeKind::Collective => vec![(unit.get_value(), local.unit_name(&unit.get_value()))],
        NomineeKind::Person => {
            let units = units();
            let mut people: Vec<(String, String)> = local
                .of_kind(RecordKind::Person)
                .into_iter()
                .filter(|p| units.contains(&p.unit_id))
                .map(|p| (p.id.to_string(), person_name(&p)))
                .collect();
            people.sort_by(|a, b| a.1.cmp(&b.1));
            people
        }
    };
    // Section III: the history table filled in from the nominee's records.
    let history = move || -> Vec<AwardEntry> {
        let nominee = draft.text("nominee_id");
        let records = local.records.get();
        let mut awards: Vec<AwardEntry> = match kind() {
            NomineeKind::Person => records
                .iter()
                .find(|r| r.id.to_string() == nominee)
                .and_then(|r| r.fields.get("awards").cloned())
                .and_then(|v| serde_json::from_value(v).ok())
                .unwrap_or_default(),
            NomineeKind::Collective => {
                let units = units();
                records
                    .iter()
                    .filter(|r| r.kind == RecordKind::UnitProfile && units.contains(&r.unit_id))
                    .filter_map(|r| r.fields.get("awards").cloned())
                    .filter_map(|v| serde_json::from_value::<Vec<AwardEntry>>(v).ok())
                    .flatten()
                    .collect()
            }
        };
        awards.sort_by_key(|a| a.year);
        awards
    };
    let editable = move || draft.editable();
    let stored = move || {
        draft
            .record
            .get()
            .and_then(|r| r.fields.get("verdict").cloned())
            .and_then(|v| serde_json::from_value::<Verdict>(v).ok())
    };
    let needs_justification = move || verdict.get().is_some_and(|v| !v.eligible);
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
            <p id="nomination-state" data-state=move || draft.record.get().map_or("none", |r| r.state.as_str())>
                "Trạng thái: " <strong>{move || draft.record.get().map_or(WorkflowState::Draft.label(), |r| r.state.label())}</strong>
                {move || draft.record.get().and_then(|r| r.state_note).map(|n| format!(" — lý do trả lại: {n}"))}
            </p>
            <p class="error" role="alert">{move || draft.error.get()}</p>
            <p class="error" role="alert">{move || draft.record.get().and_then(|r| r.rejection)}</p>
            <div class="row">
                <div class="field">
                    <label for="nomination-year">"Năm thành tích"</label>
                    <input id="nomination-year" type="number" prop:value=move || draft.text("year") readonly=move || !editable()
                        on:input=move |ev| draft.set("year", json!(event_target_value(&ev))) />
                </div>
                <div class="field">
                    <label for="nomination-track">"Loại khen thưởng"</label>
                    <Choice id="nomination-track"
                        options=Signal::derive(|| domain::dossier::Track::ALL.iter().map(|t| (value_name(t), t.label().to_owned())).collect())
                        value=Signal::derive(move || draft.text("track"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| draft.set("track", json!(v))) />
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
            <div class="row">
                <div class="field">
                    <label for="nomination-nominee">"Người hoặc tập thể được đề nghị"</label>
                    <Choice id="nomination-nominee" placeholder="— Chọn —" options=Signal::derive(nominee_options)
                        value=Signal::derive(move || draft.text("nominee_id"))
                        disabled=Signal::derive(move || !editable())
                        on_change=Callback::new(move |v: String| draft.set("nominee_id", json!(v))) />
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
            {move || match verdict.get() {
                Some(v) => view! { <VerdictView verdict=v id="eligibility" /> }.into_any(),
                None => view! {
                    <section id="eligibility" class="verdict" data-eligible="unknown">
                        <span class="muted">"Chọn năm, đối tượng và danh hiệu để kiểm tra điều kiện."</span>
                    </section>
                }.into_any(),
            }}
            {long_text(NOMINATION_TEXTS[0])}
            <h2>"Báo cáo thành tích"</h2>
            {NOMINATION_TEXTS[1..].iter().map(|spec| long_text(*spec)).collect_view()}
            <h3>"III. Các hình thức đã được khen thưởng"</h3>
            <table id="report-history" class="grid">
                <thead><tr><th>"Năm"</th><th>"Danh hiệu, hình thức"</th><th>"Số, ngày quyết định; cơ quan ban hành"</th></tr></thead>
                <tbody>
                    {move || history().into_iter().map(|a| view! {
                        <tr><td>{a.year}</td><td>{a.title}</td><td>{[a.decision_number, a.decision_date, a.issuer].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join("; ")}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <Show when=needs_justification>
                {long_text(JUSTIFICATION)}
            </Show>
            {move || stored().map(|v| view! {
                <h3>"Kết quả kiểm tra của máy chủ khi gửi"</h3>
                <VerdictView verdict=v id="stored-verdict" />
            })}
            <Show when=move || is_head && editable() && draft.record.get().is_some()>
                <button id="submit-nomination" class="primary" disabled=move || !may_submit()
                    on:click=move |_| draft.transition(Action::Submit)>"Gửi đề nghị cho Văn phòng Sở"</button>
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

// --- the office's review -------------------------------------------------------------------------------

/// Registrations or nominations of every unit in the office's scope, with their status and the review actions.
#[component]
pub fn ReviewPage(state: SyncState, local: LocalData, kind: RecordKind, may_review: bool) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let year = today().year();
    let rows = move || {
        let mut rows: Vec<(String, String, Option<LocalRecord>)> = Vec::new();
        let units = local.reference.with(|r| r.units.clone());
        if kind == RecordKind::Registration {
            for unit in units.iter().filter(|u| u.parent_id.is_some() && u.valid_to.is_none()) {
                let id = registration_id(&unit.id, year);
                let record = local.records.with(|all| all.iter().find(|r| r.id == id).cloned());
                rows.push((unit.id.clone(), unit.name.clone(), record));
            }
        } else {
            for record in local.of_kind(kind) {
                rows.push((record.unit_id.clone(), local.unit_name(&record.unit_id), Some(record)));
            }
        }
        rows
    };
    let nominee = move |r: &LocalRecord| {
        let id = store::text_of(&r.fields, "nominee_id");
        local
            .records
            .with(|all| all.iter().find(|p| p.id.to_string() == id).map(person_name))
            .unwrap_or_else(|| local.unit_name(&id))
    };
    let heading = if kind == RecordKind::Registration {
        format!("Đăng ký thi đua năm {year} của các đơn vị")
    } else {
        "Đề nghị khen thưởng của các đơn vị".to_owned()
    };
    view! {
        <section class="card">
            <h1>{heading}</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            <table class="grid review" data-kind=kind.as_str()>
                <tbody>
                    {move || rows().into_iter().map(|(unit_id, unit_name, record)| {
                        let state_label = record.as_ref().map_or("Chưa gửi", |r| if r.state == WorkflowState::Draft { "Chưa gửi" } else { r.state.label() });
                        let detail = record.as_ref().map(|r| match kind {
                            RecordKind::Registration => {
                                let title = local.reference.with(|rf| rf.rulebook.title_name(&store::text_of(&r.fields, "unit_title")).to_owned());
                                let targets = r.fields.get("targets").and_then(Value::as_array).map_or(0, Vec::len);
                                view! { <span>{title} " · " {targets} " chỉ tiêu"</span> }.into_any()
                            }
                            _ => {
                                let title = local.reference.with(|rf| rf.rulebook.title_name(&store::text_of(&r.fields, "title")).to_owned());
                                let verdict = r.fields.get("verdict").cloned().and_then(|v| serde_json::from_value::<Verdict>(v).ok());
                                let justification = store::text_of(&r.fields, "justification");
                                view! {
                                    <div>
                                        <strong>{nominee(r)}</strong> " · " {title} " · " {store::text_of(&r.fields, "year")}
                                        {verdict.map(|v| view! { <VerdictView verdict=v id=format!("verdict-{}", r.id) /> })}
                                        {(!justification.trim().is_empty()).then(|| view! { <p class="justification">"Giải trình: " {justification.clone()}</p> })}
                                    </div>
                                }.into_any()
                            }
                        });
                        let record_id = record.as_ref().map(|r| r.id);
                        // Council members read; only the office approves or returns.
                        let submitted = may_review && record.as_ref().is_some_and(|r| r.state == WorkflowState::Submitted);
                        view! {
                            <tr data-unit=unit_id data-id=record_id.map(|id| id.to_string()).unwrap_or_default()>
                                <td>{unit_name}</td>
                                <td class="state">{state_label}</td>
                                <td>{detail}</td>
                                <td>{record_id.map(|id| view! { <ReviewActions record_id=id submitted state error /> })}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </section>
    }
}

// --- the rulebook --------------------------------------------------------------------------------------

/// JSON indented for reading, by the browser's own JSON (one formatter less in the bundle).
fn pretty(json: &str) -> String {
    js_sys::JSON::parse(json)
        .ok()
        .and_then(|value| {
            js_sys::JSON::stringify_with_replacer_and_space(&value, &JsValue::NULL, &JsValue::from(2)).ok()
        })
        .and_then(|text| text.as_string())
        .unwrap_or_else(|| json.to_owned())
}

#[component]
pub fn RulesPage(local: LocalData, token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let text = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        let json = local.reference.with(|r| (r.rulebook.version > 0).then(|| serde_json::to_string(&r.rulebook)));
        if let (true, Some(Ok(json))) = (text.get_untracked().is_empty(), json) {
            text.set(pretty(&json));
        }
    });
    let save = move |_| {
        let book: RuleBook = match serde_json::from_str(&text.get_untracked()) {
            Ok(book) => book,
            Err(e) => {
                message.set(Some(format!("Nội dung chưa đúng định dạng: {e}")));
                return;
            }
        };
        // The server names every problem (a statutory entry deleted, regimes overlapping…) in its refusal.
        spawn_local(async move {
            match api::save_rules(&token.get_value(), &book).await {
                Ok(version) => {
                    message.set(Some(format!(
                        "Đã lưu bộ quy tắc, phiên bản {version}. Các máy tính bảng sẽ nhận khi đồng bộ."
                    )));
                    text.set(String::new());
                    sync::refresh_reference();
                }
                Err(e) => message.set(Some(api::offline_message(e, "lưu bộ quy tắc"))),
            }
        });
    };
    view! {
        <section class="card">
            <h1>"Bộ quy tắc xét khen thưởng"</h1>
            <p class="muted">
                "Danh mục danh hiệu, hình thức; chế độ pháp lý theo thời gian; điều kiện và ngưỡng, mỗi điều kiện ghi điều luật. "
                "Mục thuộc danh mục theo luật không xoá được. Phiên bản hiện tại: " {move || local.reference.with(|r| r.rulebook.version)}
            </p>
            <table class="grid">
                <thead><tr><th>"Danh hiệu, hình thức"</th><th>"Tên cũ được nhận"</th><th>"Theo luật"</th></tr></thead>
                <tbody>
                    {move || local.reference.with(|r| r.rulebook.titles.clone()).into_iter().map(|t| view! {
                        <tr><td>{t.name}</td><td>{t.aliases.join("; ")}</td><td>{if t.statutory { "✓" } else { "" }}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
            <label for="rules-json">"Nội dung (JSON)"</label>
            <textarea id="rules-json" rows="24" class="code" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <p id="rules-message" role="status">{move || message.get()}</p>
            <button id="save-rules" class="primary" on:click=save>"Lưu bộ quy tắc"</button>
        </section>
    }
}
