//! One search box, ignoring case and diacritics: on a field tablet over the records it holds, offline (people,
//! nominations, its units, the movements); on the office's screens on the server, which also finds decisions.
//! Both use `domain::search`.

use std::collections::BTreeMap;

use domain::api::Role;
use domain::dossier::NomineeKind;
use domain::search::{Hit, HitKind, Index};
use domain::RecordKind;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::format::parse_name;
use crate::local::{person_name, LocalData};
use crate::pages::PageContext;
use crate::store;

pub fn page(context: PageContext) -> AnyView {
    let PageContext { user, local, token, .. } = context;
    let on_server = matches!(user.role, Role::Office | Role::CouncilMember | Role::Admin);
    view! { <SearchPage local token on_server /> }.into_any()
}

/// What the tablet can find: its people, nominations and advanced models (`LocalData` holds no deleted record),
/// its units and the movements.
fn local_index(local: &LocalData) -> Index {
    local.reference.with(|reference| {
        local.records.with(|records| {
            let mut items: Vec<(Hit, String)> = Vec::new();
            let mut names = BTreeMap::new();
            for person in records.iter().filter(|r| r.kind == RecordKind::Person) {
                let detail = [store::text_of(&person.fields, "position"), local.unit_name(&person.unit_id)].join(" — ");
                let hit = Hit { kind: HitKind::Person, id: person.id.to_string(), title: person_name(person), detail };
                names.insert(hit.id.clone(), hit.title.clone());
                items.push((hit, String::new()));
            }
            for nomination in records.iter().filter(|r| r.kind == RecordKind::Nomination) {
                let text = |name: &str| store::text_of(&nomination.fields, name);
                let nominee = match parse_name::<NomineeKind>(&text("nominee_kind")) {
                    Some(NomineeKind::Collective) => local.unit_name(&nomination.unit_id),
                    _ => names.get(&text("nominee_id")).cloned().unwrap_or_default(),
                };
                let title = format!("{nominee} — {} {}", reference.rulebook.title_name(&text("title")), text("year"));
                let hit = Hit {
                    kind: HitKind::Nomination,
                    id: nomination.id.to_string(),
                    title,
                    detail: local.unit_name(&nomination.unit_id),
                };
                items.push((hit, text("summary")));
            }
            for model in records.iter().filter(|r| r.kind == RecordKind::AdvancedModel) {
                let text = |name: &str| store::text_of(&model.fields, name);
                let detail = format!("{} — {}", local.unit_name(&model.unit_id), text("field"));
                let hit = Hit { kind: HitKind::Model, id: model.id.to_string(), title: text("name"), detail };
                items.push((hit, [text("story"), text("evidence")].join(" ")));
            }
            for unit in &reference.units {
                let hit = Hit {
                    kind: HitKind::Unit,
                    id: unit.id.clone(),
                    title: unit.name.clone(),
                    detail: unit.kind.clone(),
                };
                items.push((hit, String::new()));
            }
            for movement in &reference.movements {
                let detail = format!("{}, {}", movement.document_number, movement.issuer);
                let hit =
                    Hit { kind: HitKind::Movement, id: movement.id.clone(), title: movement.name.clone(), detail };
                items.push((hit, movement.theme.clone()));
            }
            Index::new(items)
        })
    })
}

#[component]
fn SearchPage(local: LocalData, token: String, on_server: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let query = RwSignal::new(String::new());
    let server_hits = RwSignal::new(Vec::<Hit>::new());
    let message = RwSignal::new(None::<String>);
    // The tablet's index is built when the page opens and when its records change (a large tablet's records may
    // arrive after the first keystroke); a keystroke only scans it.
    let index = Memo::new(move |_| if on_server { Index::default() } else { local_index(&local) });
    let hits = Memo::new(move |_| match on_server {
        true => server_hits.get(),
        false => index.with(|i| query.with(|q| i.search(q).into_iter().cloned().collect())),
    });
    let find = move |text: String| {
        query.set(text.clone());
        if !on_server {
            return;
        }
        spawn_local(async move {
            let url = format!("/api/search?q={}", js_sys::encode_uri_component(&text));
            match api::get::<Vec<Hit>>(&token.get_value(), &url).await {
                // An answer to an older query than the one now typed is dropped.
                Ok(found) if query.get_untracked() == text => {
                    message.set(None);
                    server_hits.set(found);
                }
                Ok(_) => {}
                Err(e) => message.set(Some(api::offline_message(e, "tìm trên máy chủ"))),
            }
        });
    };
    view! {
        <section class="card">
            <h1>"Tìm kiếm"</h1>
            <div class="field">
                <label for="search-box">"Tên người, đơn vị, danh hiệu, số quyết định hoặc nội dung (gõ có dấu hay không dấu đều được)"</label>
                <input id="search-box" type="search" autocomplete="off" prop:value=move || query.get()
                    on:input=move |ev| find(event_target_value(&ev)) />
            </div>
            <p class="error" role="alert">{move || message.get()}</p>
            <p class="muted" id="search-count">{move || match (query.with(|q| q.trim().is_empty()), hits.with(Vec::len)) {
                (true, _) => String::new(),
                (false, 0) => "Không tìm thấy.".to_owned(),
                (false, n) => format!("{n} kết quả"),
            }}</p>
            <ul id="search-results" class="search-results">
                {move || hits.get().into_iter().map(|hit| view! {
                    <li data-kind=format!("{:?}", hit.kind).to_lowercase()>
                        <span class="pill">{hit.kind.label()}</span> " " <strong>{hit.title}</strong>
                        <div class="muted">{hit.detail}</div>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
