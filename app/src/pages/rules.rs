//! The admin's rulebook: the catalog of titles, the legal regimes over time and the conditions, edited as JSON
//! and saved to the server, which refuses a book with problems and names each one.

use domain::rules::RuleBook;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::api;
use crate::local::LocalData;
use crate::pages::PageContext;
use crate::sync;

pub fn page(context: PageContext) -> AnyView {
    let PageContext { local, token, .. } = context;
    view! { <RulesPage local token /> }.into_any()
}

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
fn RulesPage(local: LocalData, token: String) -> impl IntoView {
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
