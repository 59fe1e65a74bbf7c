//! Publication of the council's list (online): the office opens a window of working days for a locked session,
//! then triages and answers each comment the public sends from the public page (`/cong-khai/`). A candidate with
//! an unanswered comment cannot be decided.

use domain::api::{CommentAnswer, NewPublication, PublicationWithComments};
use domain::calendar::format_date;
use domain::council::CouncilSession;
use domain::publication::{Comment, Triage};
use leptos::prelude::*;
use leptos::task::spawn_local;
use uuid::Uuid;

use crate::api;
use crate::format::{format_time, parse_name, today, value_name};
use crate::pages::PageContext;
use crate::widgets::Choice;

pub fn page(context: PageContext) -> AnyView {
    // Only the office has this tab (its row in the shell's table of pages).
    view! { <PublicationPage token=context.token /> }.into_any()
}

#[component]
fn PublicationPage(token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let windows = RwSignal::new(Vec::<PublicationWithComments>::new());
    let sessions = RwSignal::new(Vec::<CouncilSession>::new());
    let message = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            let token = token.get_value();
            match api::get::<Vec<PublicationWithComments>>(&token, "/api/publications").await {
                Ok(list) => windows.set(list),
                Err(e) => return message.set(Some(api::offline_message(e, "mở các đợt công khai"))),
            }
            if let Ok(list) = api::get::<Vec<CouncilSession>>(&token, "/api/council/sessions").await {
                sessions.set(list.into_iter().filter(CouncilSession::locked).collect());
            }
        });
    };
    reload();
    let session = RwSignal::new(String::new());
    let opens = RwSignal::new(today());
    let id = StoredValue::new(format!("ck-{}", Uuid::new_v4()));
    let publish = move |_| {
        let new =
            NewPublication { id: id.get_value(), session_id: session.get_untracked(), opens: opens.get_untracked() };
        spawn_local(async move {
            match api::send::<_, domain::publication::Publication>(&token.get_value(), false, "/api/publications", &new)
                .await
            {
                Ok(p) => {
                    message.set(Some(format!(
                        "Đã công khai {} người được đề nghị, nhận ý kiến đến hết ngày {}.",
                        p.candidates.len(),
                        format_date(p.closes)
                    )));
                    id.set_value(format!("ck-{}", Uuid::new_v4()));
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "công khai danh sách"))),
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
    view! {
        <section class="card">
            <h1>"Công khai, lấy ý kiến"</h1>
            <p class="muted">"Trang công khai (không cần đăng nhập): " <a href="/cong-khai/" target="_blank">"/cong-khai/"</a></p>
            <p id="publication-message" role="status">{move || message.get()}</p>
            <div class="form">
                <div class="field"><label for="publication-session">"Phiên họp đã khóa"</label>
                    <Choice id="publication-session" options value=Signal::derive(move || session.get())
                        on_change=Callback::new(move |v| session.set(v)) placeholder="Chọn phiên họp" /></div>
                <div class="field"><label for="publication-opens">"Bắt đầu lấy ý kiến"</label>
                    <input id="publication-opens" type="date" prop:value=move || opens.get().to_string()
                        on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { opens.set(d) } /></div>
                <button id="publish" class="primary" on:click=publish>"Công khai danh sách"</button>
            </div>
            {move || windows.get().into_iter().map(|w| {
                let p = w.publication;
                let heading = format!("Từ {} đến hết {} ({} ngày làm việc)", format_date(p.opens), format_date(p.closes), p.working_days);
                let candidates = p.candidates.clone();
                view! {
                    <div class="publication">
                        <h2>{heading}</h2>
                        <p class="muted">{p.article.clone()}</p>
                        <ul>{candidates.into_iter().map(|c| view! { <li>{c.name} " — " {c.title_name}</li> }).collect_view()}</ul>
                        <h3>"Ý kiến nhận được"</h3>
                        <ul class="comments">
                            {w.comments.into_iter().map(|c| {
                                let name = p.candidates.iter().find(|x| x.nomination_id == c.nomination_id).map(|x| x.name.clone()).unwrap_or_default();
                                view! { <CommentRow comment=c about=name token message reload /> }
                            }).collect_view()}
                        </ul>
                    </div>
                }
            }).collect_view()}
        </section>
    }
}

/// One comment, shown as the text it is, with its triage and answer (or the form to give them).
#[component]
fn CommentRow(
    comment: Comment,
    about: String,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let triage = RwSignal::new(value_name(&comment.triage.unwrap_or(Triage::Relevant)));
    let answer = RwSignal::new(comment.answer.clone().unwrap_or_default());
    let url =
        format!("/api/publications/{}/comments/{}", js_sys::encode_uri_component(&comment.publication_id), comment.id);
    let url = StoredValue::new(url);
    let send = move |_| {
        let body = CommentAnswer {
            triage: parse_name(&triage.get_untracked()).unwrap_or(Triage::Relevant),
            answer: answer.get_untracked(),
        };
        spawn_local(async move {
            match api::send::<_, PublicationWithComments>(&token.get_value(), true, &url.get_value(), &body).await {
                Ok(_) => {
                    message.set(Some("Đã trả lời ý kiến.".into()));
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "trả lời ý kiến"))),
            }
        });
    };
    let answered = comment.answered();
    let triages = Signal::derive(|| Triage::ALL.iter().map(|t| (value_name(t), t.label().to_owned())).collect());
    let heading = format!("Về {about} — {} ({}), {}", comment.name, comment.contact, format_time(comment.at));
    view! {
        <li class="comment" data-answered=answered.to_string()>
            <div class="muted">{heading}</div>
            <p class="comment-text">{comment.text.clone()}</p>
            <Choice id=format!("triage-{}", comment.id) class="triage" options=triages value=Signal::derive(move || triage.get())
                on_change=Callback::new(move |v| triage.set(v)) />
            <textarea class="answer" rows="2" prop:value=move || answer.get() on:input=move |ev| answer.set(event_target_value(&ev))></textarea>
            <button class="secondary answer-comment" on:click=send>{if answered { "Sửa trả lời" } else { "Trả lời" }}</button>
        </li>
    }
}
