//! The emulation movements: every role reads them; the office launches and edits them (online: the server
//! checks the form and answers with every problem in it).

use chrono::{Datelike, NaiveDate};
use domain::api::{Movement, Role, MOVEMENT_KINDS};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::format::today;
use crate::local::LocalData;
use crate::pages::PageContext;
use crate::sync;
use crate::widgets::{Choice, MovementCard};

pub fn page(context: PageContext) -> AnyView {
    let PageContext { user, local, token, .. } = context;
    let office = user.role == Role::Office;
    view! { <MovementsPage local office token /> }.into_any()
}

#[component]
fn MovementsPage(local: LocalData, office: bool, token: String) -> impl IntoView {
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
                        <MovementCard movement=m />
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
