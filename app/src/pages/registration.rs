//! The unit's yearly emulation registration: the movement, the collective and personal titles it aims for,
//! and its targets by field.

use std::collections::BTreeMap;

use chrono::Datelike;
use domain::api::{Role, UserProfile};
use domain::dossier::{NomineeKind, Target};
use domain::model::registration_id;
use domain::rules::TitleKind;
use domain::workflow::Action;
use domain::RecordKind;
use leptos::prelude::*;
use serde_json::json;
use uuid::Uuid;

use crate::draft::Draft;
use crate::format::today;
use crate::local::{person_name, LocalData};
use crate::pages::PageContext;
use crate::sync::SyncState;
use crate::widgets::{draft_conflicts, record_state, rejection, Choice, ConfirmStep};

pub fn page(context: PageContext) -> AnyView {
    let PageContext { user, state, local, .. } = context;
    view! { <RegistrationPage user state local /> }.into_any()
}

#[component]
fn RegistrationPage(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
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
    let person_titles =
        move || -> BTreeMap<String, String> { serde_json::from_value(draft.get("person_titles")).unwrap_or_default() };
    let targets = move || draft.list::<Target>("targets");
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Đăng ký thi đua năm " {move || year.get()}</h1>
                <select id="registration-year" aria-label="Năm đăng ký" on:change=move |ev| if let Ok(y) = event_target_value(&ev).parse() { year.set(y) }>
                    {[today().year(), today().year() + 1].into_iter().map(|y| view! { <option value=y.to_string() selected=move || year.get() == y>{y}</option> }).collect_view()}
                </select>
            </div>
            <div class="title-row">
                {record_state(draft, "registration-state", "registration-status")}
            </div>
            <p class="error" role="alert">{move || draft.error.get()}</p>
            {rejection(draft)}
            {draft_conflicts(draft, local, None)}
            <div class="field">
                <label for="registration-movement">"Phong trào"</label>
                <Choice id="registration-movement" placeholder="— Chọn phong trào —"
                    options=Signal::derive(move || local.movement_choices())
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
            <div class="table-box" tabindex="0"><table class="grid">
                <thead><tr><th>"Họ và tên"</th><th>"Danh hiệu"</th></tr></thead>
                <tbody>
                    {move || local.of_kind(RecordKind::Person).into_iter().filter(|p| p.unit_id == unit_id.get_value()).map(|person| {
                        let pid = person.id.to_string();
                        let key = pid.clone();
                        view! {
                            <tr>
                                <td>{person_name(&person)}</td>
                                <td>
                                    <Choice id=format!("person-title-{pid}") class="person-title" label=format!("Danh hiệu đăng ký của {}", person_name(&person)) placeholder="— Không đăng ký —"
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
            </table></div>
            <h2>"Chỉ tiêu thi đua theo lĩnh vực"</h2>
            <div class="table-box" tabindex="0"><table class="grid">
                <thead><tr><th>"Lĩnh vực"</th><th>"Chỉ tiêu"</th><th></th></tr></thead>
                <tbody>
                    {move || targets().into_iter().enumerate().map(|(index, target)| {
                        let update = move |change: &dyn Fn(&mut Target)| draft.update_row("targets", index, |row: &mut Target| change(row));
                        view! {
                            <tr class="target-row">
                                <td>
                                    <Choice id=format!("target-field-{index}") class="field-name" label="Lĩnh vực" placeholder="— Lĩnh vực —"
                                        options=Signal::derive(move || movement_fields().into_iter().map(|f| (f.clone(), f)).collect())
                                        value=Signal::derive({ let f = target.field.clone(); move || f.clone() })
                                        disabled=Signal::derive(move || !draft.editable())
                                        on_change=Callback::new(move |v: String| update(&|t: &mut Target| t.field = v.clone())) />
                                </td>
                                <td><input class="target-text" aria-label="Chỉ tiêu" prop:value=target.text.clone() readonly=move || !draft.editable()
                                    on:input=move |ev| { let v = event_target_value(&ev); update(&|t: &mut Target| t.text = v.clone()) } /></td>
                                <td><button class="secondary" disabled=move || !draft.editable() on:click=move |_| { draft.remove_row::<Target>("targets", index) }>"Xoá"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <button id="add-target" class="secondary" disabled=move || !draft.editable() on:click=move |_| {
                draft.push_row("targets", Target { id: Uuid::new_v4().to_string(), field: String::new(), text: String::new() });
            }>"Thêm chỉ tiêu"</button>
            <Show when=move || is_head && draft.editable() && draft.record.get().is_some()>
                <ConfirmStep id="submit-registration" label="Gửi đăng ký cho Văn phòng Sở"
                    question="Gửi bản đăng ký thi đua này cho Văn phòng Sở? Sau khi gửi, đơn vị không sửa được cho đến khi bị trả lại."
                    problems=Signal::derive(move || {
                        let targets: Vec<Target> = draft.list("targets");
                        let mut problems = Vec::new();
                        if targets.is_empty() {
                            problems.push("Chưa có chỉ tiêu nào".to_owned());
                        }
                        let empty = targets.iter().filter(|t| t.text.trim().is_empty()).count();
                        if empty > 0 {
                            problems.push(format!("{empty} chỉ tiêu chưa ghi nội dung"));
                        }
                        problems
                    })
                    on_confirm=Callback::new(move |_| draft.transition(Action::Submit)) />
            </Show>
        </section>
    }
}
