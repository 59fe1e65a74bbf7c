//! The widgets the pages share: a choice list, the verdict of the rules, a movement's card, the office's review
//! actions, a record's history, its sync status, its conflicts (in `conflicts`), a document's download button,
//! and the print view of a document (in `print`).
//!
//! The record's own widgets (status, workflow line, refusal, conflicts) are plain functions, not components:
//! each reads its signals only inside closures, and the component macro's props builder cost 1.4 KB of the app
//! shell for them.

mod conflicts;
mod print;

use chrono::Utc;
use domain::api::{HistoryEntry, Movement};
use domain::calendar::format_date;
use domain::rules::{Certainty, Verdict};
use domain::workflow::Action;
use domain::WorkflowState;
use domain::{Op, RecordKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

pub use conflicts::draft_conflicts;
pub use print::print_view;

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

/// Where the record stands with the server: saved on this tablet, waiting to send, sent, refused, in conflict.
pub fn record_status(draft: Draft, id: &'static str) -> impl IntoView {
    view! {
        <span id=id class="pill record-status" data-status=move || format!("{:?}", draft.status.get())>
            {move || draft.status.get().label()}
        </span>
    }
}

/// The workflow state of the record ("Trạng thái: Đã gửi"), with the office's reason when it was returned.
pub fn workflow_line(draft: Draft, id: &'static str) -> impl IntoView {
    let state = move || draft.record.with(|r| r.as_ref().map_or(WorkflowState::Draft, |r| r.state));
    view! {
        <p id=id data-state=move || state().as_str()>
            "Trạng thái: " <strong>{move || state().label()}</strong>
            {move || draft.record.get().and_then(|r| r.state_note).map(|n| format!(" — lý do trả lại: {n}"))}
        </p>
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

/// The office approves a submitted record or returns it with a reason.
#[component]
pub fn ReviewActions(
    record_id: Uuid,
    submitted: bool,
    state: SyncState,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let reason = RwSignal::new(String::new());
    view! {
        <Show when=move || submitted>
            <button class="secondary approve" on:click=move |_| {
                queue(record_id, Op::Transition { action: Action::Approve }, state, error);
            }>"Duyệt"</button>
            <input class="reason" placeholder="Lý do trả lại" prop:value=move || reason.get()
                on:input=move |ev| reason.set(event_target_value(&ev)) />
            <button class="secondary return" on:click=move |_| {
                let action = Action::Return { reason: reason.get_untracked() };
                queue(record_id, Op::Transition { action }, state, error);
            }>"Trả lại"</button>
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
