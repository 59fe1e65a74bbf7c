//! The shell: sign-in or the workspace, the top bar, the sync status bar, and the table of pages each role
//! works with.
//!
//! Architecture invariant: the shell knows pages only through a `Bundle`'s table; a page knows the shell only
//! through `PageContext`. Each bundle is its own wasm binary (`main.rs` for the field, `office.rs` for the
//! office), and a page is compiled into a binary only if that binary's table lists it: the field tablets never
//! download the office's screens.

use std::rc::Rc;

use domain::api::{ChangePasswordRequest, LoginResponse, Role, UserProfile};
use domain::replica::{Progress, TransportError};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::format::{format_megabytes, format_time};
use crate::local::LocalData;
use crate::pages::login::LoginPage;
use crate::pages::{
    admin, clusters, council, dashboard, decisions, models, movements, nominations, people, publication, quarterly,
    registration, reports, review, rules, search, PageContext,
};
use crate::store::{self, Store};
use crate::sync::{self, SyncState};
use crate::uploads;

/// One of the app's entry points: who works in it and its table of pages.
pub struct Bundle {
    pub roles: &'static [Role],
    pub pages: &'static [PageSpec],
}

/// Where a role works: the office's, council's and admin's screens are served apart from the field's. Both
/// bundles read the same session, so signing in on either opens the right one.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Staff | Role::UnitHead => "/",
        Role::Office | Role::CouncilMember | Role::Admin => "/office/",
    }
}

#[component]
pub fn App(bundle: &'static Bundle) -> impl IntoView {
    let session = RwSignal::new(store::load_session());
    register_service_worker();
    view! {
        <main class="app">
            {move || match session.get() {
                None => view! { <LoginPage session /> }.into_any(),
                Some(current) if !bundle.roles.contains(&current.user.role) => {
                    open_home(current.user.role);
                    view! { <p class="muted">"Đang mở màn hình làm việc…"</p> }.into_any()
                }
                Some(current) => view! { <Workspace current session pages=bundle.pages /> }.into_any(),
            }}
        </main>
    }
}

fn open_home(role: Role) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().replace(home_of(role));
    }
}

fn register_service_worker() {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    // Both return promises; failure only means no offline start or no persistence, which the app survives.
    let _ = navigator.service_worker().register("/sw.js");
    if crate::media::has_storage_manager(&navigator) {
        let _ = navigator.storage().persist();
    }
}

#[component]
fn Workspace(
    current: LoginResponse,
    session: RwSignal<Option<LoginResponse>>,
    pages: &'static [PageSpec],
) -> impl IntoView {
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
                store::set_current_store(Some(opened.clone()));
                sync::start(state, opened.clone());
                uploads::start(state, opened);
                ready.set(true);
            }
            Err(e) => open_error.set(Some(e.user_message())),
        }
    });
    let token = StoredValue::new(current.token.clone());
    // Hands the tablet to the next person: this account stays here for offline sign-in.
    let leave = move || {
        sync::stop();
        uploads::stop();
        store::clear_current();
        store::set_current_store(None);
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
            <Pages user=user.clone() state token=token.get_value() pages />
        </Show>
    }
}

/// One tab: who sees it and what it shows. The two bundles share tab ids where the office reviews what the
/// units write, so both sides name a stage of the cycle alike.
pub struct PageSpec {
    pub id: &'static str,
    pub label: &'static str,
    pub roles: &'static [Role],
    /// Whether the page reads every record on the tablet (`LocalData::records`).
    pub reads_records: bool,
    pub view: fn(PageContext) -> AnyView,
}

const FIELD: &[Role] = &[Role::Staff, Role::UnitHead];
const OFFICE: &[Role] = &[Role::Office];
const REVIEWERS: &[Role] = &[Role::Office, Role::CouncilMember];
const OFFICE_SIDE: &[Role] = &[Role::Office, Role::CouncilMember, Role::Admin];

/// The field staff's tabs, in the order of the yearly cycle. A new page is one file under `pages/` and one row
/// in its bundle's table.
pub const FIELD_BUNDLE: Bundle = Bundle {
    roles: FIELD,
    pages: &[
        PageSpec {
            id: "nav-quarterly",
            label: "Báo cáo quý",
            roles: FIELD,
            reads_records: false,
            view: quarterly::page,
        },
        PageSpec {
            id: "nav-registration",
            label: "Đăng ký thi đua",
            roles: FIELD,
            reads_records: true,
            view: registration::page,
        },
        PageSpec {
            id: "nav-people", label: "Hồ sơ cá nhân", roles: FIELD, reads_records: true, view: people::page
        },
        PageSpec {
            id: "nav-nominations",
            label: "Đề nghị khen thưởng",
            roles: FIELD,
            reads_records: true,
            view: nominations::page,
        },
        PageSpec {
            id: "nav-movements",
            label: "Phong trào",
            roles: FIELD,
            reads_records: false,
            view: movements::page,
        },
        PageSpec {
            id: "nav-clusters",
            label: "Cụm, khối thi đua",
            roles: FIELD,
            reads_records: true,
            view: clusters::field_page,
        },
        PageSpec {
            id: "nav-models",
            label: "Điển hình tiên tiến",
            roles: FIELD,
            reads_records: true,
            view: models::unit_page,
        },
        PageSpec { id: "nav-search", label: "Tìm kiếm", roles: FIELD, reads_records: true, view: search::page },
    ],
};

/// The office's, the council's and the admin's tabs: the review of what the units write, and the reference
/// data they keep.
pub const OFFICE_BUNDLE: Bundle = Bundle {
    roles: OFFICE_SIDE,
    pages: &[
        PageSpec {
            id: "nav-quarterly",
            label: "Báo cáo quý",
            roles: OFFICE,
            reads_records: true,
            view: review::quarterly,
        },
        PageSpec {
            id: "nav-registration",
            label: "Đăng ký thi đua",
            roles: OFFICE,
            reads_records: true,
            view: review::registrations,
        },
        PageSpec {
            id: "nav-nominations",
            label: "Đề nghị khen thưởng",
            roles: REVIEWERS,
            reads_records: true,
            view: review::nominations,
        },
        PageSpec {
            id: "nav-council", label: "Hội đồng", roles: REVIEWERS, reads_records: false, view: council::page
        },
        PageSpec {
            id: "nav-publication",
            label: "Công khai",
            roles: OFFICE,
            reads_records: false,
            view: publication::page,
        },
        PageSpec {
            id: "nav-dashboard",
            label: "Bảng số liệu",
            roles: REVIEWERS,
            reads_records: false,
            view: dashboard::page,
        },
        PageSpec {
            id: "nav-clusters",
            label: "Cụm, khối thi đua",
            roles: REVIEWERS,
            reads_records: false,
            view: clusters::office_page,
        },
        PageSpec {
            id: "nav-models",
            label: "Điển hình tiên tiến",
            roles: REVIEWERS,
            reads_records: true,
            view: models::registry_page,
        },
        PageSpec {
            id: "nav-decisions",
            label: "Quyết định",
            roles: REVIEWERS,
            reads_records: false,
            view: decisions::page,
        },
        PageSpec {
            id: "nav-rules",
            label: "Bộ quy tắc",
            roles: &[Role::Admin],
            reads_records: false,
            view: rules::page,
        },
        PageSpec {
            id: "nav-accounts",
            label: "Tài khoản",
            roles: &[Role::Admin],
            reads_records: false,
            view: admin::accounts_page,
        },
        PageSpec {
            id: "nav-units",
            label: "Đơn vị",
            roles: &[Role::Admin],
            reads_records: false,
            view: admin::units_page,
        },
        PageSpec {
            id: "nav-reports",
            label: "Danh sách, thống kê",
            roles: &[Role::Office, Role::Admin],
            reads_records: false,
            view: reports::page,
        },
        PageSpec {
            id: "nav-movements",
            label: "Phong trào",
            roles: OFFICE_SIDE,
            reads_records: false,
            view: movements::page,
        },
        PageSpec {
            id: "nav-search", label: "Tìm kiếm", roles: OFFICE_SIDE, reads_records: false, view: search::page
        },
    ],
};

#[component]
fn Pages(user: UserProfile, state: SyncState, token: String, pages: &'static [PageSpec]) -> impl IntoView {
    let role = user.role;
    let pages: Vec<&'static PageSpec> = pages.iter().filter(|p| p.roles.contains(&role)).collect();
    let page = RwSignal::new(0usize);
    let reads_records: Vec<bool> = pages.iter().map(|p| p.reads_records).collect();
    let local = LocalData::new(state, Signal::derive(move || reads_records.get(page.get()).copied().unwrap_or(false)));
    let context = PageContext { user, state, local, token };
    // A page is built when first opened and then kept, hidden: what it is typing and saving survives a tab
    // switch, and no autosave outlives its page.
    let opened: Vec<RwSignal<bool>> = (0..pages.len()).map(|i| RwSignal::new(i == 0)).collect();
    view! {
        <nav class="tabs">
            {pages.iter().zip(&opened).enumerate().map(|(i, (spec, &open))| view! {
                <button id=spec.id class:active=move || page.get() == i on:click=move |_| {
                    open.set(true);
                    page.set(i);
                }>{spec.label}</button>
            }).collect_view()}
        </nav>
        {pages.iter().zip(opened).enumerate().map(|(i, (spec, open))| {
            let (context, view) = (context.clone(), spec.view);
            view! { <div class="page" hidden=move || page.get() != i>{move || open.get().then(|| view(context.clone()))}</div> }
        }).collect_view()}
    }
}

#[component]
fn StatusBar(state: SyncState) -> impl IntoView {
    let online = move || state.reachable.get();
    Effect::new(move |_| {
        state.last_sync.track();
        spawn_local(uploads::refresh_storage(state));
    });
    let uploading = move || {
        state.uploads.with(|u| {
            let (sent, total) = u.values().fold((0, 0), |(s, t), (sent, size)| (s + sent, t + size));
            (u.len(), sent, total)
        })
    };
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
                <span class="icon" aria-hidden="true">{move || if state.pending.get() == 0 { "☁" } else { "↻" }}</span>
                {move || match state.pending.get() {
                    0 => " Không còn thay đổi chờ đồng bộ".to_string(),
                    n => format!(" Chờ đồng bộ ({n} thay đổi)"),
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
            <Show when=move || { uploading().0 > 0 }>
                <span id="upload-progress" class="muted">
                    {move || {
                        let (files, sent, total) = uploading();
                        format!(
                            "↑ Đang tải lên {files} tệp: {} / {} ",
                            format_megabytes(sent as f64),
                            format_megabytes(total as f64)
                        )
                    }}
                    <progress max=move || uploading().2.max(1).to_string() value=move || uploading().1.to_string()
                        aria-label="Tiến độ tải tệp lên"></progress>
                </span>
            </Show>
            <span id="storage-used" class="muted" class:error=move || storage_nearly_full(state.storage.get())>
                {move || state.storage.get().map(|(used, quota)| {
                    if storage_nearly_full(Some((used, quota))) {
                        format!(
                            "Bộ nhớ của máy sắp đầy: đã dùng {} / {}. Hãy đồng bộ, rồi bỏ giữ các tệp đã tải lên.",
                            format_megabytes(used),
                            format_megabytes(quota)
                        )
                    } else {
                        format!("Dữ liệu trên máy: {}", format_megabytes(used))
                    }
                })}
            </span>
            <button id="sync-now" class="secondary" on:click=move |_| sync::refresh_reference()
                disabled=move || state.running.get()>"Đồng bộ ngay"</button>
        </section>
    }
}

/// Whether the browser's storage for this site is over 80% full: warned before it refuses a file.
fn storage_nearly_full(storage: Option<(f64, f64)>) -> bool {
    storage.is_some_and(|(used, quota)| quota > 0.0 && used / quota > 0.8)
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
