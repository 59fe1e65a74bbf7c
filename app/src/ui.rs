//! The shell and the quarterly report: sign-in, the status bar, the tabs each role works with, the unit's
//! quarterly self-assessment, and the office's view of the units' reports. Vietnamese throughout.

use std::cell::RefCell;
use std::rc::Rc;

use chrono::{DateTime, Local, NaiveDate, Timelike, Utc};
use domain::api::{
    ChangePasswordRequest, HistoryEntry, LoginRequest, LoginResponse, Movement, ReferenceData, Role, UserProfile,
};
use domain::calendar::{format_date, Quarter};
use domain::diff::{diff_words, Part};
use domain::model::{registration_id, self_assessment_id, FieldSpec};
use domain::replica::{LocalRecord, Progress, RecordStatus, TransportError};
use domain::workflow::{Action, WorkflowState};
use domain::{Fields, Op, OpenConflict, RecordKind};
use gloo_timers::future::TimeoutFuture;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

use crate::cycle::{
    LocalData, MovementsPage, NominationsPage, PeoplePage, RegistrationPage, ReviewPage, RulesPage, TargetResults,
};
use crate::draft::{Draft, AUTOSAVE_MS};
use crate::store::{self, Store};
use crate::sync::{self, SyncState};
use crate::{api, local_auth};

/// Texts longer than this show a word-by-word difference in a conflict.
const DIFF_FROM_CHARS: usize = 160;

thread_local! {
    /// The signed-in user's database. IndexedDB handles are not `Send`, so they live here rather than in signals.
    static STORE: RefCell<Option<Rc<Store>>> = const { RefCell::new(None) };
}

pub(crate) fn current_store() -> Option<Rc<Store>> {
    STORE.with(|s| s.borrow().clone())
}

/// "14:05 22/11/2026", in the tablet's time zone.
fn format_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!("{:02}:{:02} {}", local.hour(), local.minute(), format_date(local.date_naive()))
}

/// "1,5 MB": Vietnamese writes a decimal comma.
fn format_megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_048_576.0).replace('.', ",")
}

pub(crate) fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The name of a person from the cached reference data, or their login.
fn person_name(reference: &Option<ReferenceData>, id: &str) -> String {
    reference
        .as_ref()
        .and_then(|r| r.people.iter().find(|p| p.id == id))
        .map_or_else(|| id.to_owned(), |p| p.full_name.clone())
}

#[component]
pub fn App() -> impl IntoView {
    let session = RwSignal::new(store::load_session());
    register_service_worker();
    view! {
        <main class="app">
            {move || match session.get() {
                None => view! { <LoginPage session /> }.into_any(),
                Some(current) => view! { <Workspace current session /> }.into_any(),
            }}
        </main>
    }
}

fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    // Both return promises; failure only means no offline start or no persistence, which the app survives.
    let _ = navigator.service_worker().register("/sw.js");
    if has_storage_manager(&navigator) {
        let _ = navigator.storage().persist();
    }
}

fn has_storage_manager(navigator: &web_sys::Navigator) -> bool {
    js_sys::Reflect::get(navigator, &"storage".into()).is_ok_and(|s| !s.is_undefined())
}

/// How much this origin stores on the tablet, if the browser says.
async fn storage_used() -> Option<f64> {
    let navigator = web_sys::window()?.navigator();
    if !has_storage_manager(&navigator) {
        return None;
    }
    let estimate = wasm_bindgen_futures::JsFuture::from(navigator.storage().estimate().ok()?).await.ok()?;
    js_sys::Reflect::get(&estimate, &"usage".into()).ok()?.as_f64()
}

/// Signs in without the server, against the verifier kept at this person's last online sign-in here. Returns
/// the message to show if that is not possible.
async fn sign_in_offline(request: &LoginRequest, session: RwSignal<Option<LoginResponse>>) -> Option<String> {
    let Some(account) = store::saved_account(request.login.trim()) else {
        return Some(
            "Không kết nối được máy chủ. Tài khoản này chưa từng đăng nhập trên máy này, nên lần đầu cần có mạng."
                .into(),
        );
    };
    let Some(verifier) = &account.verifier else {
        return Some("Không kết nối được máy chủ. Hãy đăng nhập lại khi có mạng.".into());
    };
    if !local_auth::check(&request.password, verifier).await {
        return Some("Mật khẩu không đúng.".into());
    }
    if let Err(e) = store::set_current(&account.session.user.login) {
        return Some(e.user_message());
    }
    session.set(Some(account.session));
    None
}

#[component]
fn LoginPage(session: RwSignal<Option<LoginResponse>>) -> impl IntoView {
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            let request = LoginRequest {
                login: login.get_untracked(),
                password: password.get_untracked(),
                device_id: store::device_id(),
            };
            match api::login(&request).await {
                Ok(response) => {
                    // Kept for offline sign-in on this tablet later.
                    let verifier = local_auth::make_verifier(&request.password).await;
                    match store::save_account(store::SavedAccount { session: response.clone(), verifier }) {
                        Ok(()) => session.set(Some(response)),
                        Err(e) => error.set(Some(e.user_message())),
                    }
                }
                Err(TransportError::Network) => error.set(sign_in_offline(&request, session).await),
                Err(e) => error.set(Some(e.to_string())),
            }
            busy.set(false);
        });
    };
    let known = store::saved_accounts();
    view! {
        <form class="login card" on:submit=submit>
            <h1>"Thi đua – Khen thưởng"</h1>
            <p class="muted">"Đăng nhập để soạn báo cáo, tự đánh giá và đề nghị khen thưởng, kể cả khi mất mạng."</p>
            <label for="login">"Tên đăng nhập"</label>
            <input id="login" name="login" autocomplete="username" autocapitalize="none" required
                prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev)) />
            <label for="password">"Mật khẩu"</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required
                prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev)) />
            <button type="submit" class="primary" disabled=move || busy.get()>
                {move || if busy.get() { "Đang đăng nhập…" } else { "Đăng nhập" }}
            </button>
            <p class="error" role="alert">{move || error.get()}</p>
            <Show when={
                let any = !known.is_empty();
                move || any
            }>
                <p class="muted">"Tài khoản đã đăng nhập trên máy này (đăng nhập được cả khi mất mạng):"</p>
                <ul class="accounts">
                    {known.iter().map(|account| {
                        let user = account.session.user.clone();
                        let name = user.login.clone();
                        view! {
                            <li><button type="button" class="secondary" on:click=move |_| login.set(name.clone())>
                                {user.full_name.clone()} " (" {user.login.clone()} ")"
                            </button></li>
                        }
                    }).collect_view()}
                </ul>
            </Show>
        </form>
    }
}

#[component]
fn Workspace(current: LoginResponse, session: RwSignal<Option<LoginResponse>>) -> impl IntoView {
    let state = SyncState::new();
    let ready = RwSignal::new(false);
    let open_error = RwSignal::new(None::<String>);
    let user = current.user.clone();
    let user_id = user.id.clone();
    spawn_local(async move {
        let opened = match Store::open(&user_id).await {
            Ok(opened) => store::replay_journal(&user_id, &opened).await.map(|_| opened),
            Err(e) => Err(e),
        };
        match opened {
            Ok(opened) => {
                let opened = Rc::new(opened);
                STORE.with(|s| *s.borrow_mut() = Some(opened.clone()));
                sync::start(state, opened);
                ready.set(true);
            }
            Err(e) => open_error.set(Some(e.user_message())),
        }
    });
    let token = StoredValue::new(current.token.clone());
    // Hands the tablet to the next person: this account stays here for offline sign-in.
    let leave = move || {
        sync::stop();
        store::clear_current();
        STORE.with(|s| s.borrow_mut().take());
        session.set(None);
    };
    let login_name = StoredValue::new(user.login.clone());
    let sign_out_everywhere = move || {
        let token = token.get_value();
        spawn_local(async move {
            let _ = api::logout(&token).await;
        });
        store::forget_account(&login_name.get_value());
        leave();
    };
    let sign_out = move |_| {
        let unsent = state.pending.get_untracked() + state.rejected.get_untracked();
        if unsent > 0 {
            let question = format!(
                "Còn {unsent} thay đổi chưa gửi lên máy chủ. Chúng vẫn được giữ trên máy này và sẽ được gửi khi \
                 bạn đăng nhập lại. Đăng xuất?"
            );
            let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
            if !confirmed {
                return;
            }
        }
        sign_out_everywhere();
    };
    let show_password = RwSignal::new(false);
    let header_user = user.clone();
    view! {
        <header class="topbar">
            <div>
                <strong>"Thi đua – Khen thưởng"</strong>
                <div class="muted">
                    {header_user.full_name.clone()} " · " {header_user.role.label()} " · " {header_user.unit_name.clone()}
                </div>
            </div>
            <div class="actions">
                <button class="secondary" on:click=move |_| show_password.update(|v| *v = !*v)>"Đổi mật khẩu"</button>
                <button id="switch-user" class="secondary" on:click=move |_| leave()>"Đổi người dùng"</button>
                <button class="secondary" on:click=sign_out>"Đăng xuất"</button>
            </div>
        </header>
        <Show when=move || show_password.get()>
            <PasswordForm token=token.get_value() done=show_password />
        </Show>
        <StatusBar state />
        <Show when=move || state.session_expired.get()>
            <div class="banner warn" role="alert">
                "Phiên đăng nhập đã hết hạn. Mọi thay đổi vẫn được giữ trên máy; hãy đăng nhập lại để gửi chúng. "
                <button class="secondary" on:click=move |_| leave()>"Đăng nhập lại"</button>
            </div>
        </Show>
        <Show when=move || state.outdated.get()>
            <div class="banner warn" role="alert">
                "Ứng dụng đã có phiên bản mới. Các thay đổi chưa gửi vẫn được giữ. "
                <button class="secondary" on:click=move |_| {
                    if let Some(w) = web_sys::window() {
                        let _ = w.location().reload();
                    }
                }>"Tải lại"</button>
            </div>
        </Show>
        <p class="error" role="alert">{move || open_error.get()}</p>
        <Show when=move || ready.get()>
            <Pages user=user.clone() state token=token.get_value() />
        </Show>
    }
}

/// The screens a role works with, in the order of the yearly cycle.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Page {
    Quarterly,
    Registration,
    People,
    Nominations,
    Movements,
    Rules,
}

impl Page {
    fn for_role(role: Role) -> &'static [Page] {
        match role {
            Role::Staff | Role::UnitHead => {
                &[Page::Quarterly, Page::Registration, Page::People, Page::Nominations, Page::Movements]
            }
            Role::Office => &[Page::Quarterly, Page::Registration, Page::Nominations, Page::Movements],
            Role::CouncilMember => &[Page::Nominations, Page::Movements],
            Role::Admin => &[Page::Rules, Page::Movements],
        }
    }

    fn id(self) -> &'static str {
        match self {
            Page::Quarterly => "nav-quarterly",
            Page::Registration => "nav-registration",
            Page::People => "nav-people",
            Page::Nominations => "nav-nominations",
            Page::Movements => "nav-movements",
            Page::Rules => "nav-rules",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Page::Quarterly => "Báo cáo quý",
            Page::Registration => "Đăng ký thi đua",
            Page::People => "Hồ sơ cá nhân",
            Page::Nominations => "Đề nghị khen thưởng",
            Page::Movements => "Phong trào",
            Page::Rules => "Bộ quy tắc",
        }
    }
}

#[component]
fn Pages(user: UserProfile, state: SyncState, token: String) -> impl IntoView {
    let pages = Page::for_role(user.role);
    let page = RwSignal::new(pages[0]);
    let local = LocalData::new(state, Signal::derive(move || page.get() != Page::Quarterly));
    let reviewing = matches!(user.role, Role::Office | Role::CouncilMember);
    let office = user.role == Role::Office;
    // A page is built when first opened and then kept, hidden: what it is typing and saving survives a tab
    // switch, and no autosave outlives its page.
    let opened: Vec<(Page, RwSignal<bool>)> = pages.iter().map(|&p| (p, RwSignal::new(p == pages[0]))).collect();
    let render = move |p: Page| {
        let user = user.clone();
        let token = token.clone();
        match p {
            Page::Quarterly if office => view! { <OfficePage state token /> }.into_any(),
            Page::Quarterly => view! { <SelfAssessmentPage user state /> }.into_any(),
            Page::Registration if office => {
                view! { <ReviewPage state local kind=RecordKind::Registration may_review=office /> }.into_any()
            }
            Page::Registration => view! { <RegistrationPage user state local /> }.into_any(),
            Page::People => view! { <PeoplePage user state local /> }.into_any(),
            Page::Nominations if reviewing => {
                view! { <ReviewPage state local kind=RecordKind::Nomination may_review=office /> }.into_any()
            }
            Page::Nominations => view! { <NominationsPage user state local /> }.into_any(),
            Page::Movements => view! { <MovementsPage local office token /> }.into_any(),
            Page::Rules => view! { <RulesPage local token /> }.into_any(),
        }
    };
    view! {
        <nav class="tabs">
            {opened.iter().map(|&(p, open)| view! {
                <button id=p.id() class:active=move || page.get() == p on:click=move |_| {
                    open.set(true);
                    page.set(p);
                }>{p.label()}</button>
            }).collect_view()}
        </nav>
        {opened.into_iter().map(|(p, open)| {
            let render = render.clone();
            view! { <div class="page" hidden=move || page.get() != p>{move || open.get().then(|| render(p))}</div> }
        }).collect_view()}
    }
}

#[component]
fn StatusBar(state: SyncState) -> impl IntoView {
    let online = move || state.reachable.get();
    let used = RwSignal::new(None::<f64>);
    Effect::new(move |_| {
        state.last_sync.track();
        spawn_local(async move { used.set(storage_used().await) });
    });
    view! {
        <section class="statusbar" role="status" aria-live="polite">
            <span id="net-status" class="pill"
                class:online=move || online() == Some(true)
                class:offline=move || online() == Some(false)
                data-online=move || match online() { Some(true) => "true", Some(false) => "false", None => "unknown" }>
                {move || match online() {
                    Some(true) => "Trực tuyến",
                    Some(false) => "Ngoại tuyến — vẫn làm việc bình thường",
                    None => "Đang kiểm tra kết nối…",
                }}
            </span>
            <span id="pending-count" data-pending=move || state.pending.get().to_string()>
                {move || match state.pending.get() {
                    0 => "Không có thay đổi chờ gửi".to_string(),
                    n => format!("{n} thay đổi chờ gửi"),
                }}
            </span>
            <Show when=move || { state.rejected.get() > 0 }>
                <span class="error">{move || format!("{} thay đổi bị từ chối", state.rejected.get())}</span>
            </Show>
            <span id="last-sync" class="muted"
                data-at=move || state.last_sync.get().map(|at| at.to_rfc3339()).unwrap_or_default()>
                {move || match state.last_sync.get() {
                    Some(at) => format!("Đồng bộ lần cuối: {}", format_time(at)),
                    None => "Chưa đồng bộ".to_string(),
                }}
            </span>
            <Show when=move || state.running.get()>
                <span id="sync-progress" class="muted">
                    {move || match state.progress.get() {
                        Some(Progress::Pushed { sent, total }) => format!("Đang gửi {sent}/{total} thay đổi…"),
                        Some(Progress::Pulled { records }) => format!("Đang nhận… {records} hồ sơ"),
                        None => "Đang đồng bộ…".to_string(),
                    }}
                </span>
            </Show>
            <span class="error">{move || state.error.get()}</span>
            <span id="storage-used" class="muted">
                {move || used.get().map(|bytes| format!("Dữ liệu trên máy: {}", format_megabytes(bytes)))}
            </span>
            <button id="sync-now" class="secondary" on:click=move |_| sync::refresh_reference()
                disabled=move || state.running.get()>"Đồng bộ ngay"</button>
        </section>
    }
}

/// One text field of the form: its value, and how far typing has got versus saving, so a reload from the
/// store never overwrites what the user is still typing.
#[derive(Clone, Copy)]
struct FieldEditor {
    spec: &'static FieldSpec,
    value: RwSignal<String>,
    typed: StoredValue<u32>,
    saved: StoredValue<u32>,
}

impl FieldEditor {
    fn is_dirty(&self) -> bool {
        self.typed.get_value() != self.saved.get_value()
    }
}

/// Queues an operation on a record and asks for a sync at once.
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

#[component]
fn SelfAssessmentPage(user: UserProfile, state: SyncState) -> impl IntoView {
    let today = today();
    let quarter = Quarter::of(today);
    let period = quarter.key();
    let record_id = self_assessment_id(&user.unit_id, &period);
    let kind = RecordKind::SelfAssessment;
    let unit_id = StoredValue::new(user.unit_id.clone());
    let user_id = StoredValue::new(user.id.clone());
    let period_value = StoredValue::new(period.clone());
    let is_unit_head = user.role == Role::UnitHead;
    // The per-target results are a table, edited through a draft of the same record.
    let period_field: Fields = [("period".to_owned(), Value::String(period.clone()))].into_iter().collect();
    let results = Draft::new(kind, &user.unit_id, &user.id, state);
    results.set_on_create(period_field);
    results.open(record_id);
    let registration = Draft::new(RecordKind::Registration, &user.unit_id, &user.id, state);
    registration.open(registration_id(&user.unit_id, quarter.year));

    let editors: Vec<FieldEditor> = kind
        .text_fields()
        .iter()
        .map(|spec| FieldEditor {
            spec,
            value: RwSignal::new(String::new()),
            typed: StoredValue::new(0),
            saved: StoredValue::new(0),
        })
        .collect();
    let editors = StoredValue::new(editors);
    let status = RwSignal::new(RecordStatus::Draft);
    let workflow = RwSignal::new((WorkflowState::Draft, None::<String>));
    let conflicts = RwSignal::new(Vec::<OpenConflict>::new());
    let rejection = RwSignal::new(None::<String>);
    let saved_at = RwSignal::new(None::<DateTime<Utc>>);
    let save_error = RwSignal::new(None::<String>);
    let reference = RwSignal::new(None::<ReferenceData>);
    let exists = RwSignal::new(false);

    let reload = move || {
        spawn_local(async move {
            let Some(store) = current_store() else { return };
            if let Ok(Some(record)) = store.record(record_id).await {
                for editor in editors.get_value() {
                    let stored = store::text_of(&record.fields, editor.spec.name);
                    if !editor.is_dirty() && editor.value.get_untracked() != stored {
                        editor.value.set(stored);
                    }
                }
                let waiting = store
                    .outbox()
                    .await
                    .map(|o| o.iter().any(|e| e.mutation.record_id == record_id && e.rejected.is_none()))
                    .unwrap_or(false);
                status.set(record.status(waiting));
                workflow.set((record.state, record.state_note.clone()));
                conflicts.set(record.conflicts.clone());
                rejection.set(record.rejection.clone());
                saved_at.set(record.saved_at);
                exists.set(true);
            }
            if let Ok(Some(data)) = store.reference().await {
                reference.set(Some(data));
            }
        });
    };
    Effect::new(move |_| {
        state.data_version.track();
        reload();
    });

    let save = move |editor: FieldEditor| {
        spawn_local(async move {
            let Some(store) = current_store() else { return };
            let generation = editor.typed.get_value();
            let text = editor.value.get_untracked();
            let mut edits = Fields::new();
            edits.insert(editor.spec.name.to_owned(), Value::String(text.clone()));
            // The period is set once, when the record is made: sent with every save it would pin every edit's
            // base revision to the oldest unacknowledged one.
            if !exists.get_untracked() {
                edits.insert("period".to_owned(), Value::String(period_value.get_value()));
            }
            match store.save_edit(record_id, kind, &unit_id.get_value(), edits, Utc::now()).await {
                Ok(record) => {
                    store::journal_settle(&user_id.get_value(), record_id, editor.spec.name, &Value::String(text));
                    if editor.saved.get_value() < generation {
                        editor.saved.set_value(generation);
                    }
                    saved_at.set(record.saved_at);
                    rejection.set(None);
                    save_error.set(None);
                    exists.set(true);
                    if status.get_untracked() != RecordStatus::Conflict {
                        status.set(RecordStatus::Waiting);
                    }
                    state.refresh_counts(&store).await;
                    sync::request(sync::AFTER_EDIT_MS);
                }
                Err(e) => save_error.set(Some(e.user_message())),
            }
        });
    };
    let flush = move || {
        for editor in editors.get_value() {
            if editor.is_dirty() {
                save(editor);
            }
        }
    };
    // Hiding the tab or leaving the window saves at once; the keystroke journal covers a tab closed mid-pause.
    let on_hide = window_event_listener_untyped("pagehide", move |_| flush());
    let on_blur = window_event_listener_untyped("blur", move |_| flush());
    on_cleanup(move || {
        on_hide.remove();
        on_blur.remove();
    });

    let editable = move || workflow.get().0.editable();
    let deadline = quarter.report_deadline();
    let days_left = quarter.days_to_deadline(today);
    let deadline_text = if days_left >= 0 {
        format!("Hạn gửi báo cáo quý: trước ngày {} (còn {days_left} ngày)", format_date(deadline))
    } else {
        format!("Đã quá hạn gửi báo cáo quý ({}) {} ngày", format_date(deadline), -days_left)
    };
    let submit = move |_| {
        flush();
        results.save();
        queue(record_id, Op::Transition { action: Action::Submit }, state, save_error);
    };

    view! {
        <section class="card">
            <div class="title-row">
                <h1>"Tự đánh giá " {quarter.label()}</h1>
                <span id="record-status" class="pill" data-status=move || format!("{:?}", status.get())>
                    {move || status.get().label()}
                </span>
            </div>
            <p class="muted">{user.unit_name.clone()}</p>
            <p class:late=days_left < 0 class="deadline">{deadline_text}</p>
            <p id="workflow-state" data-state=move || workflow.get().0.as_str()>
                "Trạng thái: " <strong>{move || workflow.get().0.label()}</strong>
                {move || workflow.get().1.map(|note| format!(" — lý do trả lại: {note}"))}
            </p>
            {move || reference.get().and_then(|r| r.movements.first().cloned()).map(|m| view! { <MovementCard movement=m /> })}
            <Show when=move || rejection.get().is_some()>
                <p class="banner error" role="alert">
                    "Máy chủ từ chối thay đổi gần nhất: " {move || rejection.get()}
                    " — nội dung vẫn còn trên máy, hãy sửa rồi gửi lại."
                </p>
            </Show>
            <Show when=move || !editable()>
                <p class="banner warn">"Báo cáo đã gửi Văn phòng nên tạm khoá; nếu bị trả lại, bạn sửa tiếp được."</p>
            </Show>
            {editors
                .get_value()
                .into_iter()
                .map(|editor| {
                    let id = format!("field-{}", editor.spec.name);
                    let name = editor.spec.name;
                    view! {
                        <div class="field">
                            <label for=id.clone()>{editor.spec.label}</label>
                            <textarea id=id rows="6" placeholder=editor.spec.hint readonly=move || !editable()
                                prop:value=move || editor.value.get()
                                on:input=move |ev| {
                                    let text = event_target_value(&ev);
                                    store::journal_write(&user_id.get_value(), &store::JournalEntry {
                                        record_id,
                                        kind,
                                        unit_id: unit_id.get_value(),
                                        field: name.to_owned(),
                                        value: Value::String(text.clone()),
                                    });
                                    editor.value.set(text);
                                    editor.typed.update_value(|n| *n += 1);
                                    let mine = editor.typed.get_value();
                                    spawn_local(async move {
                                        TimeoutFuture::new(AUTOSAVE_MS).await;
                                        if editor.typed.get_value() == mine && editor.is_dirty() {
                                            save(editor);
                                        }
                                    });
                                }
                                on:blur=move |_| if editor.is_dirty() { save(editor) }
                            ></textarea>
                            {move || {
                                conflicts
                                    .get()
                                    .into_iter()
                                    .filter(|c| c.field == name)
                                    .map(|conflict| view! {
                                        <ConflictView conflict reference record_id state error=save_error />
                                    })
                                    .collect_view()
                            }}
                        </div>
                    }
                })
                .collect_view()}
            <TargetResults draft=results registration year=quarter.year />
            <p id="save-state" class="muted" aria-live="polite">
                {move || match (save_error.get(), saved_at.get()) {
                    (Some(error), _) => error,
                    (None, Some(at)) => format!("Đã lưu trên máy lúc {}", format_time(at)),
                    (None, None) => "Nội dung được tự động lưu trên máy khi bạn gõ.".to_string(),
                }}
            </p>
            <Show when=move || is_unit_head && editable() && exists.get()>
                <button id="submit-report" class="primary" on:click=submit>"Gửi báo cáo cho Văn phòng Sở"</button>
            </Show>
        </section>
    }
}

/// Both sides of a same-field race, who wrote each and when, and the ways to settle it.
#[component]
fn ConflictView(
    conflict: OpenConflict,
    reference: RwSignal<Option<ReferenceData>>,
    record_id: Uuid,
    state: SyncState,
    error: RwSignal<Option<String>>,
) -> impl IntoView {
    let kept = conflict.kept.value.as_str().unwrap_or_default().to_owned();
    let other = conflict.other.value.as_str().unwrap_or_default().to_owned();
    let combined = RwSignal::new(format!("{kept}\n{other}"));
    let ids: Vec<i64> = if conflict.id > 0 { vec![conflict.id] } else { Vec::new() };
    let field = conflict.field.clone();
    let resolve = {
        let (ids, field) = (ids.clone(), field.clone());
        move |value: String| {
            let op = Op::Resolve { field: field.clone(), value: Value::String(value), conflicts: ids.clone() };
            queue(record_id, op, state, error);
        }
    };
    let side = |label: &'static str, by: &str, at: DateTime<Utc>, text: &str| {
        let who = reference.with_untracked(|r| person_name(r, by));
        let who = if who.is_empty() { "máy chủ".to_owned() } else { who };
        view! {
            <div class="side">
                <div class="muted">{label} " — " {who} ", " {format_time(at)}</div>
                <blockquote>{text.to_owned()}</blockquote>
            </div>
        }
    };
    let long = kept.chars().count() + other.chars().count() > DIFF_FROM_CHARS;
    let difference = long.then(|| {
        diff_words(&kept, &other)
            .into_iter()
            .map(|part| match part {
                Part::Same(t) => view! { <span>{t}</span> }.into_any(),
                Part::Removed(t) => view! { <del>{t}</del> }.into_any(),
                Part::Added(t) => view! { <ins>{t}</ins> }.into_any(),
            })
            .collect_view()
    });
    let (take_kept, take_other, take_combined) = (resolve.clone(), resolve.clone(), resolve);
    let (kept_value, other_value) = (kept.clone(), other.clone());
    let settled = conflict.id > 0;
    view! {
        <div class="conflict" role="alert" data-conflict=conflict.id.to_string()>
            <strong>"Xung đột: hai người cùng sửa mục này khi chưa thấy bản của nhau."</strong>
            {side("Bản đang lưu", &conflict.kept.by, conflict.kept.at, &kept)}
            {side("Bản còn lại", &conflict.other.by, conflict.other.at, &other)}
            {difference.map(|d| view! { <p class="diff"><span class="muted">"Khác nhau: "</span>{d}</p> })}
            <Show when=move || settled fallback=|| view! { <p class="muted">"Đang chờ máy chủ ghi nhận xung đột…"</p> }>
                <div class="actions">
                    <button class="secondary choose-kept" on:click={
                        let (take, v) = (take_kept.clone(), kept_value.clone());
                        move |_| take(v.clone())
                    }>"Giữ bản đang lưu"</button>
                    <button class="secondary choose-other" on:click={
                        let (take, v) = (take_other.clone(), other_value.clone());
                        move |_| take(v.clone())
                    }>"Dùng bản còn lại"</button>
                </div>
                <label>"Hoặc kết hợp hai bản:"</label>
                <textarea class="combine" rows="4" prop:value=move || combined.get()
                    on:input=move |ev| combined.set(event_target_value(&ev))></textarea>
                <button class="secondary combine-save" on:click={
                    let take = take_combined.clone();
                    move |_| take(combined.get_untracked())
                }>"Dùng bản kết hợp"</button>
            </Show>
        </div>
    }
}

/// Changes the password on the server (which ends the user's other sessions). Needs the network.
#[component]
fn PasswordForm(token: String, done: RwSignal<bool>) -> impl IntoView {
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    let token = StoredValue::new(token);
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if new.get_untracked() != again.get_untracked() {
            message.set(Some("Hai lần nhập mật khẩu mới không khớp.".into()));
            return;
        }
        let request =
            ChangePasswordRequest { current_password: current.get_untracked(), new_password: new.get_untracked() };
        spawn_local(async move {
            match api::change_password(&token.get_value(), &request).await {
                Ok(()) => {
                    message.set(None);
                    done.set(false);
                }
                Err(TransportError::Network) => message.set(Some("Cần có mạng để đổi mật khẩu.".into())),
                Err(TransportError::Refused(body)) if body.code == "bad_credentials" => {
                    message.set(Some("Mật khẩu hiện tại không đúng.".into()))
                }
                Err(e) => message.set(Some(e.to_string())),
            }
        });
    };
    let field = |id: &'static str, label: &'static str, value: RwSignal<String>, autocomplete: &'static str| {
        view! {
            <label for=id>{label}</label>
            <input id=id type="password" autocomplete=autocomplete required prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        }
    };
    view! {
        <form class="card password" on:submit=submit>
            <h2>"Đổi mật khẩu"</h2>
            {field("current-password", "Mật khẩu hiện tại", current, "current-password")}
            {field("new-password", "Mật khẩu mới (ít nhất 8 ký tự)", new, "new-password")}
            {field("new-password-again", "Nhập lại mật khẩu mới", again, "new-password")}
            <p class="muted">"Sau khi đổi, các phiên đăng nhập khác của bạn sẽ kết thúc."</p>
            <button type="submit" class="primary">"Đổi mật khẩu"</button>
            <p class="error" role="alert">{move || message.get()}</p>
        </form>
    }
}

/// The office's view: every unit's self-assessment of the quarter, with approve and return, and each report's
/// history of changes (read from the server).
#[component]
fn OfficePage(state: SyncState, token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    let history = RwSignal::new(None::<(String, Result<Vec<HistoryEntry>, String>)>);
    let quarter = Quarter::of(today());
    let period = quarter.key();
    let rows = RwSignal::new(Vec::<(String, String, Option<LocalRecord>)>::new());
    let error = RwSignal::new(None::<String>);
    let reload = move || {
        let period = period.clone();
        spawn_local(async move {
            let Some(store) = current_store() else { return };
            let records = store.records().await.unwrap_or_default();
            let reference = store.reference().await.ok().flatten().unwrap_or_default();
            let own_units: Vec<_> =
                reference.units.iter().filter(|u| u.parent_id.is_some() && u.valid_to.is_none()).cloned().collect();
            rows.set(
                own_units
                    .into_iter()
                    .map(|unit| {
                        let id = self_assessment_id(&unit.id, &period);
                        let record = records.iter().find(|r| r.id == id && r.unit_id == unit.id).cloned();
                        (unit.id, unit.name, record)
                    })
                    .collect(),
            );
        });
    };
    Effect::new(move |_| {
        state.data_version.track();
        reload();
    });
    view! {
        <section class="card">
            <h1>"Báo cáo tự đánh giá " {quarter.label()} " của các đơn vị"</h1>
            <p class="error" role="alert">{move || error.get()}</p>
            <table class="units">
                <thead><tr><th>"Đơn vị"</th><th>"Trạng thái"</th><th>"Kết quả thực hiện"</th><th></th></tr></thead>
                <tbody>
                    {move || rows.get().into_iter().map(|(unit_id, name, record)| {
                        let unit_name = name.clone();
                        let state_label = record.as_ref().map_or("Chưa có báo cáo", |r| r.state.label());
                        let summary = record.as_ref().map(|r| store::text_of(&r.fields, "summary")).unwrap_or_default();
                        let submitted = record.as_ref().is_some_and(|r| r.state == WorkflowState::Submitted);
                        let record_id = record.as_ref().map(|r| r.id);
                        view! {
                            <tr data-unit=unit_id>
                                <td>{name}</td>
                                <td class="state">{state_label}</td>
                                <td class="summary">{summary}</td>
                                <td>
                                    {record_id.map(|id| view! { <ReviewActions record_id=id submitted state error /> })}
                                    <Show when=move || record_id.is_some()>
                                        <button class="secondary history" on:click={
                                            let unit_name = unit_name.clone();
                                            move |_| if let Some(id) = record_id {
                                                let unit_name = unit_name.clone();
                                                spawn_local(async move {
                                                    let entries = api::history(&token.get_value(), id).await.map_err(|e| match e {
                                                        TransportError::Network => "Cần có mạng để xem lịch sử thay đổi.".to_owned(),
                                                        other => other.to_string(),
                                                    });
                                                    history.set(Some((unit_name, entries)));
                                                });
                                            }
                                        }>"Lịch sử"</button>
                                    </Show>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
            {move || history.get().map(|(unit, entries)| view! {
                <section id="history" class="history">
                    <h2>"Lịch sử thay đổi — " {unit}</h2>
                    {match entries {
                        Err(message) => view! { <p class="error">{message}</p> }.into_any(),
                        Ok(entries) => view! {
                            <ol>
                                {entries.into_iter().map(|e| view! {
                                    <li>
                                        <strong>{format_time(e.at)}</strong> " · " {e.user_name} " · " {action_label(&e.action)}
                                        <div class="muted">{describe_changes(&e.changes)}</div>
                                    </li>
                                }).collect_view()}
                            </ol>
                        }.into_any(),
                    }}
                </section>
            })}
        </section>
    }
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
fn describe_changes(changes: &Value) -> String {
    let Some(map) = changes.as_object() else { return String::new() };
    let label = |name: &str| {
        RecordKind::SelfAssessment
            .text_fields()
            .iter()
            .find(|f| f.name == name)
            .map_or(name.to_owned(), |f| f.label.to_owned())
    };
    map.iter()
        .filter_map(|(name, change)| match name.as_str() {
            "state" => Some(format!(
                "trạng thái: {}",
                change["new"].as_str().and_then(WorkflowState::parse).map_or("?", |s| s.label())
            )),
            "conflicts" => Some("ghi nhận xung đột".to_owned()),
            "period" => None,
            _ => Some(format!(
                "{}: “{}” → “{}”",
                label(name),
                change["old"].as_str().unwrap_or(""),
                change["new"].as_str().unwrap_or("")
            )),
        })
        .collect::<Vec<_>>()
        .join("; ")
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
