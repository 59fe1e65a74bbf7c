//! Award decisions (online, like the council): a draft from a locked session with each recipient's cash and its
//! grounds, the candidates not awarded with the reason, and the issue that numbers it from the register and
//! sends every result back to the units' tablets.

use domain::api::{IssueDecision, NewDecision, Role};
use domain::calendar::format_date;
use domain::council::CouncilSession;
use domain::decision::{Decision, DecisionHeader};
use domain::rules::dong;
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::format::today;
use crate::pages::PageContext;
use crate::widgets::{download_button, Choice};

pub fn page(context: PageContext) -> AnyView {
    let office = context.user.role == Role::Office;
    view! { <DecisionsPage token=context.token office /> }.into_any()
}

#[component]
fn DecisionsPage(token: String, office: bool) -> impl IntoView {
    let token = StoredValue::new(token);
    let decisions = RwSignal::new(Vec::<Decision>::new());
    let sessions = RwSignal::new(Vec::<CouncilSession>::new());
    let open = RwSignal::new(None::<Decision>);
    let message = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            let token = token.get_value();
            match api::get::<Vec<Decision>>(&token, "/api/decisions").await {
                Ok(list) => decisions.set(list),
                Err(e) => return message.set(Some(api::offline_message(e, "mở danh sách quyết định"))),
            }
            if let Ok(list) = api::get::<Vec<CouncilSession>>(&token, "/api/council/sessions").await {
                sessions.set(list.into_iter().filter(CouncilSession::locked).collect());
            }
        });
    };
    reload();
    let issue = move |_| {
        let Some(draft) = open.get_untracked() else { return };
        spawn_local(async move {
            let url = format!("/api/decisions/{}/issue", js_sys::encode_uri_component(&draft.id));
            let request = IssueDecision { version: draft.version };
            match api::send::<_, Decision>(&token.get_value(), false, &url, &request).await {
                Ok(issued) => {
                    message.set(Some(format!(
                        "Đã ban hành Quyết định số {}; kết quả sẽ đến các đơn vị khi máy của họ đồng bộ.",
                        issued.number.clone().unwrap_or_default()
                    )));
                    open.set(Some(issued));
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "ban hành quyết định"))),
            }
        });
    };
    view! {
        <section class="card">
            <h1>"Quyết định khen thưởng"</h1>
            <p id="decision-message" role="status">{move || message.get()}</p>
            <div class="table-box" tabindex="0"><table class="grid" id="decision-list">
                <thead><tr><th>"Số"</th><th>"Ngày"</th><th>"Trích yếu"</th><th>"Tổng tiền thưởng"</th><th></th></tr></thead>
                <tbody>
                    {move || decisions.get().into_iter().map(|d| {
                        let number = d.number.clone().unwrap_or_else(|| "Dự thảo".into());
                        let (date, summary, total) = (format_date(d.decided_on), d.summary.clone(), dong(d.total()));
                        view! {
                            <tr>
                                <td>{number}</td><td>{date}</td><td>{summary}</td><td>{total}</td>
                                <td><button class="secondary open-decision" on:click=move |_| open.set(Some(d.clone()))>"Xem"</button></td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <Show when=move || office>
                <DraftForm sessions token message open reload />
            </Show>
            {move || open.get().map(|d| view! { <DecisionView decision=d office issue token message /> })}
        </section>
    }
}

#[component]
fn DraftForm(
    sessions: RwSignal<Vec<CouncilSession>>,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    open: RwSignal<Option<Decision>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let session = RwSignal::new(String::new());
    let issuer = RwSignal::new("Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Phúc".to_owned());
    let signer = RwSignal::new(String::new());
    let position = RwSignal::new("Chủ tịch".to_owned());
    let summary = RwSignal::new("Về việc tặng danh hiệu Chiến sĩ thi đua cấp tỉnh".to_owned());
    let decided_on = RwSignal::new(today());
    let register = RwSignal::new("QĐ-UBND".to_owned());
    // One id per draft, kept across retries of the same click.
    let id = StoredValue::new(format!("qd-{}", Uuid::new_v4()));
    let draft = move |_| {
        let new = NewDecision {
            id: id.get_value(),
            session_id: session.get_untracked(),
            header: DecisionHeader {
                issuer: issuer.get_untracked(),
                signer: signer.get_untracked(),
                signer_position: position.get_untracked(),
                summary: summary.get_untracked(),
                decided_on: decided_on.get_untracked(),
                register: register.get_untracked(),
            },
            amends: None,
        };
        spawn_local(async move {
            match api::send::<_, Decision>(&token.get_value(), false, "/api/decisions", &new).await {
                Ok(drafted) => {
                    message.set(Some(format!("Đã soạn dự thảo với {} người nhận.", drafted.recipients.len())));
                    id.set_value(format!("qd-{}", Uuid::new_v4()));
                    open.set(Some(drafted));
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "soạn quyết định"))),
            }
        });
    };
    let options = Signal::derive(move || {
        sessions
            .get()
            .into_iter()
            .map(|s| (s.id.clone(), format!("Phiên ngày {} tại {}", format_date(s.held_on), s.place)))
            .collect()
    });
    let text = move |id: &'static str, label: &'static str, value: RwSignal<String>| {
        view! {
            <div class="field"><label for=id>{label}</label>
                <input id=id prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) /></div>
        }
    };
    view! {
        <h2>"Soạn quyết định từ kết quả phiên họp"</h2>
        <div class="form">
            <div class="field"><label for="decision-session">"Phiên họp đã khóa"</label>
                <Choice id="decision-session" options value=Signal::derive(move || session.get())
                    on_change=Callback::new(move |v| session.set(v)) placeholder="Chọn phiên họp" /></div>
            {text("decision-issuer", "Cơ quan, người có thẩm quyền ban hành", issuer)}
            {text("decision-signer", "Người ký", signer)}
            {text("decision-position", "Chức vụ người ký", position)}
            {text("decision-summary", "Trích yếu", summary)}
            <div class="field"><label for="decision-date">"Ngày ký"</label>
                <input id="decision-date" type="date" prop:value=move || decided_on.get().to_string()
                    on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { decided_on.set(d) } /></div>
            {text("decision-register", "Ký hiệu sổ quyết định", register)}
            <button id="draft-decision" class="primary" on:click=draft>"Soạn dự thảo"</button>
        </div>
    }
}

#[component]
fn DecisionView(
    decision: Decision,
    office: bool,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    issue: impl Fn(leptos::ev::MouseEvent) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let issued = decision.issued();
    let heading = match &decision.number {
        Some(number) => format!("Quyết định số {number} ngày {}", format_date(decision.decided_on)),
        None => format!("Dự thảo quyết định, ngày ký {}", format_date(decision.decided_on)),
    };
    view! {
        <div class="decision" id="decision-view">
            <h2 id="decision-heading">{heading}</h2>
            <p>{decision.issuer.clone()} " — " {decision.summary.clone()}</p>
            <div class="table-box" tabindex="0"><table class="grid" id="decision-recipients">
                <thead><tr><th>"Người nhận"</th><th>"Đơn vị"</th><th>"Danh hiệu, hình thức"</th><th>"Tiền thưởng"</th><th>"Căn cứ"</th></tr></thead>
                <tbody>
                    {decision.recipients.iter().map(|r| {
                        let (amount, grounds) = match &r.amount {
                            Some(a) => (dong(a.amount), format!("{}; {}; {}", a.describe(), a.multiple_article, a.base_salary_article)),
                            None => (String::new(), r.amount_problem.clone().unwrap_or_default()),
                        };
                        view! {
                            <tr class="recipient">
                                <td>{r.name.clone()}</td><td>{r.unit_name.clone()}</td><td>{r.title_name.clone()}</td>
                                <td class="amount">{amount}</td><td class="muted">{grounds}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table></div>
            <p>"Tổng: " <strong id="decision-total">{dong(decision.total())}</strong></p>
            <h3>"Không được khen thưởng"</h3>
            <ul id="decision-not-awarded">
                {decision.not_awarded.iter().map(|n| view! { <li>{n.name.clone()} " — " {n.reason.clone()}</li> }).collect_view()}
            </ul>
            <div class="row">
                {download_button(token, format!("/api/documents/decisions/{}", js_sys::encode_uri_component(&decision.id)),
                    if issued { "Tải quyết định (DOCX)" } else { "Tải dự thảo (DOCX)" }, message)}
                <Show when=move || office && !issued>
                    <button id="issue-decision" class="primary" on:click=issue>"Ban hành"</button>
                </Show>
            </div>
        </div>
    }
}
