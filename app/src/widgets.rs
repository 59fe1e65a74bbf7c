//! The widgets the pages share: a choice list, the verdict of the rules, a movement's card, the office's review
//! actions, a record's history, its sync status, its conflicts (in `conflicts`), a document's download button,
//! the print view of a document (in `print`), and a record's attached files (in `attachments`).
//!
//! The record's own widgets (status, workflow line, refusal, conflicts) are plain functions, not components:
//! each reads its signals only inside closures, and the component macro's props builder cost 1.4 KB of the app
//! shell for them.

mod attachments;
mod conflicts;
mod print;

use chrono::Utc;
use domain::api::{HistoryEntry, Movement};
use domain::calendar::format_date;
use domain::model::FieldSpec;
use domain::replica::RecordStatus;
use domain::rules::{Certainty, Verdict};
use domain::workflow::Action;
use domain::WorkflowState;
use domain::{Fields, Op, RecordKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;
use wasm_bindgen::JsCast;

pub use attachments::attachments_panel;
pub use conflicts::{attachment_conflicts, draft_conflicts};
pub use print::{document_body, print_view};

use crate::draft::Draft;
use crate::format::format_time;
use crate::store::current_store;
use crate::sync::{self, SyncState};

/// A button that downloads a document or list the server makes (online); a failure is said in `message`.
pub fn download_button(
    token: StoredValue<String>,
    url: String,
    label: &'static str,
    message: RwSignal<Option<String>>,
) -> impl IntoView {
    let url = StoredValue::new(url);
    let busy = RwSignal::new(false);
    let fetch = move |_| {
        busy.set(true);
        spawn_local(async move {
            if let Err(e) = crate::api::download(&token.get_value(), &url.get_value()).await {
                message.set(Some(crate::api::offline_message(e, "tải văn bản")));
            }
            busy.set(false);
        });
    };
    view! {
        <button class="secondary download" data-url=url.get_value() disabled=move || busy.get() on:click=fetch>
            {move || if busy.get() { "Đang tạo…" } else { label }}
        </button>
    }
}

/// A `<select>` over (value, label) pairs.
#[component]
pub fn Choice(
    #[prop(into)] id: String,
    options: Signal<Vec<(String, String)>>,
    value: Signal<String>,
    on_change: Callback<String>,
    #[prop(optional, into)] placeholder: Option<String>,
    #[prop(optional, into)] class: String,
    #[prop(optional, into)] disabled: Signal<bool>,
    /// The name a screen reader gives it where no `<label>` can (a cell of a table).
    #[prop(optional, into)]
    label: Option<String>,
) -> impl IntoView {
    view! {
        <select id=id class=class aria-label=label disabled=move || disabled.get() prop:value=move || value.get()
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

/// The sync half of a record's state: where it stands with the server (only here, waiting, synced, refused, in
/// conflict), with its own icon so it is never read as the workflow's "sent".
pub fn record_status(draft: Draft, id: &'static str) -> impl IntoView {
    let status = move || draft.status.get();
    view! {
        <span id=id class="pill record-status" data-status=move || format!("{:?}", status())
            title="Đồng bộ với máy chủ">
            <span class="icon" aria-hidden="true">{move || sync_icon(status())}</span>
            <span class="label">{move || status().label()}</span>
        </span>
    }
}

fn sync_icon(status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Draft => "▢",
        RecordStatus::Waiting => "↻",
        RecordStatus::Sent => "☁",
        RecordStatus::Rejected | RecordStatus::Conflict => "!",
    }
}

/// The workflow half: where the record stands with the office, in the unit's words. A submit still in the
/// outbox reads "waiting to reach the office", not "sent".
fn workflow_line(draft: Draft, id: &'static str) -> impl IntoView {
    let state = move || draft.record.with(|r| r.as_ref().map_or(WorkflowState::Draft, |r| r.state));
    let text = move || {
        let waiting = draft.status.get() == RecordStatus::Waiting;
        match state() {
            WorkflowState::Draft => "Bản nháp · đơn vị đang soạn".to_owned(),
            WorkflowState::Submitted if waiting => "Đang chờ gửi Văn phòng Sở (khi có mạng)".to_owned(),
            WorkflowState::Submitted => "Đã gửi Văn phòng Sở · chờ duyệt".to_owned(),
            WorkflowState::Returned => {
                let reason = draft.record.with(|r| r.as_ref().and_then(|r| r.state_note.clone())).unwrap_or_default();
                format!("Bị trả lại — lý do trả lại: {reason}")
            }
            other => other.label().to_owned(),
        }
    };
    view! {
        <p id=id class="workflow" data-state=move || state().as_str()>
            <span class="icon" aria-hidden="true">{move || workflow_icon(state())}</span>
            <span class="muted">"Hồ sơ: "</span> <strong>{text}</strong>
        </p>
    }
}

fn workflow_icon(state: WorkflowState) -> &'static str {
    match state {
        WorkflowState::Draft => "✎",
        WorkflowState::Submitted => "➜",
        WorkflowState::Returned => "↩",
        WorkflowState::Approved | WorkflowState::Awarded => "✓",
        WorkflowState::NotAwarded => "✗",
    }
}

/// Both halves side by side, the same on every form: the workflow (with the office) and the sync (with the
/// server).
pub fn record_state(draft: Draft, workflow_id: &'static str, sync_id: &'static str) -> impl IntoView {
    view! {
        <div class="record-state">
            {workflow_line(draft, workflow_id)}
            {record_status(draft, sync_id)}
        </div>
    }
}

/// The server's refusal of the record's last change: what is typed stays, to be corrected and sent again.
pub fn rejection(draft: Draft) -> impl IntoView {
    move || {
        draft.record.get().and_then(|r| r.rejection).map(|reason| {
            view! {
                <p class="banner error rejection" role="alert">
                    "Máy chủ từ chối thay đổi gần nhất: " {reason} " — nội dung vẫn còn trên máy, hãy sửa rồi gửi lại."
                </p>
            }
        })
    }
}

fn certainty_label(c: Certainty) -> &'static str {
    match c {
        Certainty::C => "",
        Certainty::K => " · chưa đối chiếu công báo",
        Certainty::U => " · ngưỡng chưa chắc chắn, Văn phòng xác nhận",
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
            {(!verdict.readings.is_empty()).then(|| view! {
                <details class="readings" open>
                    <summary>"Tên trong hồ sơ khen thưởng đã đọc theo danh mục"</summary>
                    <ul>
                        {verdict.readings.into_iter().map(|r| {
                            let years = r.years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ");
                            let read = match r.title_name {
                                Some(name) => format!("đọc là \"{name}\""),
                                None => "không khớp danh mục, không tính vào điều kiện nào".to_owned(),
                            };
                            view! { <li class="reading" data-known=r.title.is_some().to_string()>"\"" {r.recorded} "\" (" {years} "): " {read}</li> }
                        }).collect_view()}
                    </ul>
                </details>
            })}
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
pub fn MovementCard(movement: Movement) -> impl IntoView {
    view! {
        <div class="movement">
            <div class="muted">"Phong trào thi đua " {movement.kind.clone()}</div>
            <strong>{movement.name.clone()}</strong>
            <p class="theme">"“" {movement.theme.clone()} "”"</p>
            <p class="muted">
                "Số " {movement.document_number.clone()} " ngày " {format_date(movement.document_date)}
                " của " {movement.issuer.clone()}
            </p>
            <ul class="chips">
                {movement.fields.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
            </ul>
        </div>
    }
}

/// Queues a workflow step on a record this tablet holds (the office's review) and asks for a sync at once.
fn queue(record_id: Uuid, op: Op, state: SyncState, error: RwSignal<Option<String>>) {
    spawn_local(async move {
        let Some(store) = current_store() else { return };
        match store.queue_op(record_id, op, Utc::now()).await {
            Ok(_) => {
                error.set(None);
                state.refresh_counts(&store).await;
                state.data_version.update(|v| *v += 1);
                sync::request(0.0);
            }
            Err(e) => error.set(Some(e.user_message())),
        }
    });
}

/// A step the person cannot take back (submit, approve): the first press asks, listing what is incomplete;
/// only the second commits. Asked in the page, not in a browser dialog, so it reads like the rest of the form.
#[component]
pub fn ConfirmStep(
    #[prop(into)] id: String,
    label: &'static str,
    question: &'static str,
    #[prop(into)] problems: Signal<Vec<String>>,
    on_confirm: Callback<()>,
    #[prop(optional, into)] disabled: Signal<bool>,
    #[prop(default = "primary")] class: &'static str,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    let question_id = format!("{id}-question");
    view! {
        // type="button": inside a form, a bare button would submit it on the first press.
        <button type="button" id=id class=class disabled=move || disabled.get() aria-expanded=move || asking.get().to_string()
            on:click={
                let question_id = question_id.clone();
                // The question takes the focus, so a screen reader reads it and the keyboard is already there.
                move |_| {
                    asking.set(true);
                    bring_into_view(question_id.clone());
                }
            }>{label}</button>
        <Show when=move || asking.get()>
            <div class="confirm" role="alertdialog" aria-labelledby=question_id.clone()>
                <p id=question_id.clone() tabindex="-1"><strong>{question}</strong></p>
                {move || {
                    let problems = problems.get();
                    (!problems.is_empty()).then(|| view! {
                        <p class="warn-text">"Cần xem lại trước khi tiếp tục:"</p>
                        <ul class="problems">{problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                    })
                }}
                <div class="row actions">
                    <button type="button" class="primary confirm-yes" disabled=move || disabled.get() on:click=move |_| {
                        asking.set(false);
                        on_confirm.run(());
                    }>{move || if problems.with(Vec::is_empty) { format!("Xác nhận: {label}") } else { format!("Vẫn {}", lower_first(label)) }}</button>
                    <button type="button" class="secondary confirm-no" on:click=move |_| asking.set(false)>"Huỷ"</button>
                </div>
            </div>
        </Show>
    }
}

/// Brings the element `id` into view with the focus, once drawn: what opens under a long list on a tablet (a
/// dossier, an account's form) would otherwise seem not to open at all.
pub fn bring_into_view(id: impl Into<String>) {
    let id = id.into();
    request_animation_frame(move || {
        if let Some(element) = document().get_element_by_id(&id) {
            element.scroll_into_view();
            if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                let _ = element.focus();
            }
        }
    });
}

/// "Mục "…" còn trống" for each text section of `specs` left empty in `fields`: what a submit and an approval
/// ask about.
pub fn empty_sections(specs: &[FieldSpec], fields: &Fields) -> Vec<String> {
    specs
        .iter()
        .filter(|spec| fields.get(spec.name).and_then(Value::as_str).is_none_or(|t| t.trim().is_empty()))
        .map(|spec| format!("Mục \"{}\" còn trống", spec.label))
        .collect()
}

/// "Gửi báo cáo…" → "gửi báo cáo…": a label inside a sentence, its proper names kept.
fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// The office approves a submitted record (asked first, with `warnings`: a prerequisite still pending, an unmet
/// condition, a missing document) or returns it with a reason, which the unit needs to know what to fix.
#[component]
pub fn ReviewActions(
    record_id: Uuid,
    submitted: bool,
    state: SyncState,
    error: RwSignal<Option<String>>,
    #[prop(optional, into)] warnings: Signal<Vec<String>>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    let reason_error = RwSignal::new(None::<&'static str>);
    let reason_id = format!("reason-{record_id}");
    let give_back = move |_| {
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            reason_error.set(Some("Cần ghi lý do trả lại để đơn vị biết phải sửa gì."));
            return;
        }
        reason_error.set(None);
        queue(record_id, Op::Transition { action: Action::Return { reason: text.trim().to_owned() } }, state, error);
    };
    view! {
        <Show when=move || submitted>
            <div class="review-actions">
                <ConfirmStep id=format!("approve-{record_id}") class="primary approve" label="Duyệt"
                    question="Duyệt hồ sơ này? Sau khi duyệt, đơn vị không sửa được nữa."
                    problems=warnings
                    on_confirm=Callback::new(move |_| queue(record_id, Op::Transition { action: Action::Approve }, state, error)) />
                <div class="field">
                    <label for=reason_id.clone()>"Lý do trả lại (bắt buộc khi trả lại)"</label>
                    <textarea id=reason_id.clone() class="reason" rows="2" prop:value=move || reason.get()
                        aria-invalid=move || reason_error.get().is_some().to_string()
                        on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    <p class="error reason-error" role="alert">{move || reason_error.get()}</p>
                </div>
                <button class="secondary return" on:click=give_back>"Trả lại"</button>
            </div>
        </Show>
    }
}

fn action_label(action: &str) -> &'static str {
    match action {
        "set" => "sửa nội dung",
        "delete" => "xoá",
        "resolve" => "giải quyết xung đột",
        "submit" => "gửi báo cáo",
        "return" => "trả lại",
        "approve" => "duyệt",
        _ => "thay đổi",
    }
}

/// "Kết quả thực hiện nhiệm vụ trong quý: “cũ” → “mới”" for each changed field, by its Vietnamese label.
fn describe_changes(kind: RecordKind, changes: &Value) -> String {
    let Some(map) = changes.as_object() else { return String::new() };
    map.iter()
        .filter_map(|(name, change)| match name.as_str() {
            "state" => Some(format!(
                "trạng thái: {}",
                change["new"].as_str().and_then(WorkflowState::parse).map_or("?", |s| s.label())
            )),
            "conflicts" => Some("ghi nhận xung đột".to_owned()),
            // The verdict is the server's own check at submission: its outcome, not its JSON.
            "verdict" => Some(format!(
                "kết quả kiểm tra điều kiện: {}",
                match change["new"]["eligible"].as_bool() {
                    Some(true) => "đủ điều kiện",
                    Some(false) => "chưa đủ điều kiện",
                    None => "không còn",
                }
            )),
            "deleted" => Some("xoá hồ sơ".to_owned()),
            "restored" => Some("khôi phục hồ sơ".to_owned()),
            "period" => None,
            _ => Some(format!(
                "{}: “{}” → “{}”",
                conflicts::field_label(kind, name),
                conflicts::short_text(&change["old"]),
                conflicts::short_text(&change["new"])
            )),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A record's changes as the server's audit log holds them: when, who, what.
#[component]
pub fn HistoryView(heading: String, kind: RecordKind, entries: Result<Vec<HistoryEntry>, String>) -> impl IntoView {
    view! {
        <section id="history" class="history">
            <h2>"Lịch sử thay đổi — " {heading}</h2>
            {match entries {
                Err(message) => view! { <p class="error">{message}</p> }.into_any(),
                Ok(entries) => view! {
                    <ol>
                        {entries.into_iter().map(|e| view! {
                            <li>
                                <strong>{format_time(e.at)}</strong> " · " {e.user_name} " · " {action_label(&e.action)}
                                <div class="muted">{describe_changes(kind, &e.changes)}</div>
                            </li>
                        }).collect_view()}
                    </ol>
                }.into_any(),
            }}
        </section>
    }
}
