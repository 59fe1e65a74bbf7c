//! Advanced models (điển hình tiên tiến). A unit proposes its models from the tablet, offline like any record, and
//! its head sends them; the office keeps the registry and moves each model one stage on, naming the decision
//! that recognised it; recognised models whose subjects consented appear on the public page.

use domain::advanced_model::{status_of, ModelStatus, ModelStep, DECISIONS_FIELD};
use domain::api::{Role, UserProfile};
use domain::dossier::NomineeKind;
use domain::model::FieldSpec;
use domain::replica::LocalRecord;
use domain::workflow::Action;
use domain::{RecordKind, WorkflowState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use uuid::Uuid;

use crate::api;
use crate::draft::Draft;
use crate::local::{person_name, LocalData};
use crate::pages::PageContext;
use crate::store;
use crate::sync::{self, SyncState};
use crate::widgets::{attachments_panel, empty_sections, record_state, rejection, Choice, ConfirmStep, ReviewActions};

/// The field's page: the unit's proposals.
pub fn unit_page(context: PageContext) -> AnyView {
    let PageContext { user, state, local, .. } = context;
    view! { <UnitModels user state local /> }.into_any()
}

/// The office's and the council's page: the registry (the office moves models on).
pub fn registry_page(context: PageContext) -> AnyView {
    let PageContext { user, state, local, token } = context;
    let office = user.role == Role::Office;
    view! { <Registry state local token office /> }.into_any()
}

/// "Đã đăng ký", or the workflow's word while the unit still holds the model.
fn stage(record: &LocalRecord) -> String {
    status_of(record.state, &record.fields).map_or_else(|| record.state.label().to_owned(), |s| s.label().to_owned())
}

/// Who the model is about: a person of the unit, or the unit itself.
fn subject(local: LocalData, record: &LocalRecord) -> String {
    let id = store::text_of(&record.fields, "subject_id");
    if store::text_of(&record.fields, "subject_kind") == "collective" {
        return local.unit_name(&id);
    }
    local.records.with(|all| all.iter().find(|p| p.id.to_string() == id).map(person_name)).unwrap_or_default()
}

const MODEL_TEXTS: &[FieldSpec] = RecordKind::AdvancedModel.text_fields();

#[component]
fn UnitModels(user: UserProfile, state: SyncState, local: LocalData) -> impl IntoView {
    let draft = Draft::new(RecordKind::AdvancedModel, &user.unit_id, &user.id, state);
    let unit = StoredValue::new(user.unit_id.clone());
    let is_head = user.role == Role::UnitHead;
    let models = move || local.of_kind(RecordKind::AdvancedModel);
    let editable = move || draft.editable();
    let subjects = move || {
        let kind =
            if draft.text("subject_kind") == "collective" { NomineeKind::Collective } else { NomineeKind::Person };
        local.nominee_choices(kind, &unit.get_value())
    };
    let text_input = move |name: &'static str, label: &'static str| {
        let id = format!("model-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input id=id prop:value=move || draft.text(name) readonly=move || !editable()
                    on:input=move |ev| draft.set(name, json!(event_target_value(&ev))) />
            </div>
        }
    };
    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Điển hình tiên tiến của đơn vị"</h1>
                <button id="new-model" class="primary" on:click=move |_| {
                    draft.open(Uuid::new_v4());
                    draft.set("subject_kind", json!("person"));
                }>"Đề xuất điển hình mới"</button>
            </div>
            <div class="table-box" tabindex="0"><table class="grid models">
                <thead><tr><th>"Điển hình"</th><th>"Người, tập thể"</th><th>"Giai đoạn"</th></tr></thead>
                <tbody>
                    {move || models().into_iter().map(|r| {
                        let id = r.id;
                        view! {
                            <tr class="model-row" data-id=id.to_string()>
                                <td><button class="link" on:click=move |_| draft.open(id)>{store::text_of(&r.fields, "name")}</button></td>
                                <td>{subject(local, &r)}</td>
                                <td class="stage">{stage(&r)}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <Show when=move || draft.record.get().is_some()>
                <div class="form model-form">
                    <div class="title-row">
                        {record_state(draft, "model-state", "model-status")}
                    </div>
                    <p class="error" role="alert">{move || draft.error.get()}</p>
                    {rejection(draft)}
                    {text_input("name", "Tên điển hình, mô hình")}
                    <div class="row">
                        <div class="field">
                            <label for="model-subject-kind">"Đối tượng"</label>
                            <Choice id="model-subject-kind"
                                options=Signal::derive(|| vec![("person".into(), "Cá nhân".into()), ("collective".into(), "Tập thể".into())])
                                value=Signal::derive(move || draft.text("subject_kind"))
                                disabled=Signal::derive(move || !editable())
                                on_change=Callback::new(move |v: String| {
                                    let kind: Option<NomineeKind> = serde_json::from_value(json!(v)).ok();
                                    draft.set("subject_kind", json!(kind));
                                    draft.set("subject_id", json!(""));
                                }) />
                        </div>
                        <div class="field">
                            <label for="model-subject">"Người hoặc tập thể"</label>
                            <Choice id="model-subject" placeholder="— Chọn —" options=Signal::derive(subjects)
                                value=Signal::derive(move || draft.text("subject_id"))
                                disabled=Signal::derive(move || !editable())
                                on_change=Callback::new(move |v: String| draft.set("subject_id", json!(v))) />
                        </div>
                    </div>
                    <div class="row">
                        {text_input("field", "Lĩnh vực")}
                        <div class="field">
                            <label for="model-movement">"Phong trào thi đua"</label>
                            <Choice id="model-movement" placeholder="— Không theo phong trào —"
                                options=Signal::derive(move || local.movement_choices())
                                value=Signal::derive(move || draft.text("movement_id"))
                                disabled=Signal::derive(move || !editable())
                                on_change=Callback::new(move |v: String| draft.set("movement_id", json!(v))) />
                        </div>
                    </div>
                    {MODEL_TEXTS.iter().map(|FieldSpec { name, label, hint }| {
                        let (name, id) = (*name, format!("model-{name}"));
                        view! {
                            <div class="field">
                                <label for=id.clone()>{*label}</label>
                                <textarea id=id rows="5" placeholder=*hint readonly=move || !editable()
                                    prop:value=move || draft.text(name) on:input=move |ev| draft.set(name, json!(event_target_value(&ev)))></textarea>
                            </div>
                        }
                    }).collect_view()}
                    <label class="check">
                        <input id="model-consent" type="checkbox" prop:checked=move || draft.get("consent").as_bool().unwrap_or(false)
                            disabled=move || !editable()
                            on:change=move |ev| draft.set("consent", json!(event_target_checked(&ev))) />
                        " Người, tập thể được nêu đồng ý công khai trên trang của Hội đồng khi được công nhận"
                    </label>
                    {move || {
                        let decisions: Vec<String> = draft.list(DECISIONS_FIELD);
                        (!decisions.is_empty()).then(|| view! { <p id="model-decisions">"Quyết định công nhận: " {decisions.join("; ")}</p> })
                    }}
                    {attachments_panel(draft.fields.into(), Some(draft), state, Signal::derive(Vec::new))}
                    <Show when=move || is_head && editable()>
                        <ConfirmStep id="submit-model" label="Gửi đề xuất cho Văn phòng Sở"
                            question="Gửi đề xuất điển hình cho Văn phòng Sở? Sau khi gửi không sửa được."
                            problems=Signal::derive(move || draft.fields.with(|f| empty_sections(MODEL_TEXTS, f)))
                            on_confirm=Callback::new(move |_| draft.transition(Action::Submit)) />
                    </Show>
                </div>
            </Show>
        </section>
    }
}

/// The office's registry: every model its units proposed, each movable one stage on.
#[component]
fn Registry(state: SyncState, local: LocalData, token: String, office: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let message = RwSignal::new(None::<String>);
    let models = move || {
        local
            .of_kind(RecordKind::AdvancedModel)
            .into_iter()
            .filter(|r| status_of(r.state, &r.fields).is_some())
            .collect::<Vec<_>>()
    };
    let advance = move |id: Uuid, from: ModelStatus, to: ModelStatus, decisions: Vec<String>| {
        spawn_local(async move {
            let step = ModelStep { from, to, decisions };
            let url = format!("/api/models/{id}/status");
            match api::send::<_, ModelStatus>(&token.get_value(), true, &url, &step).await {
                Ok(now) => {
                    message.set(Some(format!("Đã chuyển sang “{}”.", now.label())));
                    sync::refresh_reference();
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <section class="card">
            <h1>"Danh sách điển hình tiên tiến"</h1>
            <p class="error" role="alert" id="registry-message">{move || message.get()}</p>
            <div class="table-box" tabindex="0"><table class="grid registry">
                <thead><tr><th>"Điển hình"</th><th>"Đơn vị"</th><th>"Lĩnh vực"</th><th>"Giai đoạn"</th><th>"Công khai"</th><th></th></tr></thead>
                <tbody>
                    {move || models().into_iter().map(|r| {
                        let id = r.id;
                        let current = status_of(r.state, &r.fields);
                        let next = current.and_then(ModelStatus::next);
                        let decisions = RwSignal::new(String::new());
                        let consent = r.fields.get("consent").and_then(serde_json::Value::as_bool).unwrap_or(false);
                        view! {
                            <tr class="model-row" data-id=id.to_string() data-status=current.map(|s| json!(s).as_str().unwrap_or_default().to_owned())>
                                <td><strong>{store::text_of(&r.fields, "name")}</strong><br/><small>{subject(local, &r)}</small></td>
                                <td>{local.unit_name(&r.unit_id)}</td>
                                <td>{store::text_of(&r.fields, "field")}</td>
                                <td class="stage">{stage(&r)}</td>
                                <td>{if consent { "Đồng ý" } else { "Không" }}</td>
                                <td>
                                    // A proposal the office does not take is returned to its unit with the reason.
                                    {office.then(|| view! { <ReviewActions record_id=id submitted=r.state == WorkflowState::Submitted state error=message /> })}
                                    {(office && next.is_some()).then(|| {
                                        let (from, to) = (current.unwrap_or(ModelStatus::Registered), next.unwrap_or(ModelStatus::Nurtured));
                                        view! {
                                            {(to == ModelStatus::Recognised).then(|| view! {
                                                <input class="decision" placeholder="Số, ngày quyết định công nhận" prop:value=move || decisions.get()
                                                    on:input=move |ev| decisions.set(event_target_value(&ev)) />
                                            })}
                                            <button class="secondary advance" on:click=move |_| {
                                                let named: Vec<String> = decisions.get_untracked().split(';').map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()).collect();
                                                advance(id, from, to, named);
                                            }>{format!("Chuyển sang: {}", to.label())}</button>
                                        }
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
        </section>
    }
}
