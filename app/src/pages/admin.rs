//! The admin's screens of people and units (online; in the office bundle only): accounts (create, role, unit,
//! disable, reset password) and the org tree (create, rename, move, close, and merges with their date, each
//! unit's lineage shown). The tablets learn of a change to units or merges with their next reference sync.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use domain::api::{AccountSummary, AccountUpdate, NewUnit, NewUserRequest, OrgUnit, PasswordReset, Role, UnitUpdate};
use domain::calendar::format_date;
use domain::org::UnitMerge;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api;
use crate::local::LocalData;
use crate::pages::PageContext;
use crate::sync;
use crate::widgets::{bring_into_view, Choice, ConfirmStep};

pub fn accounts_page(context: PageContext) -> AnyView {
    let PageContext { local, token, user, .. } = context;
    let tree = Tree { local, root: StoredValue::new(user.unit_id) };
    view! { <AccountsPage tree token=StoredValue::new(token) /> }.into_any()
}

pub fn units_page(context: PageContext) -> AnyView {
    let PageContext { local, token, user, .. } = context;
    let tree = Tree { local, root: StoredValue::new(user.unit_id) };
    view! { <UnitsPage tree token=StoredValue::new(token) /> }.into_any()
}

/// The admin's own tree: their unit and those below it by parent. The reference data also holds units merged
/// into it from elsewhere, which the admin reads but the server does not let them change, so no choice offers
/// them.
#[derive(Clone, Copy)]
struct Tree {
    local: LocalData,
    root: StoredValue<String>,
}

impl Tree {
    fn ids(self) -> BTreeSet<String> {
        self.local.reference.with(|r| {
            let mut found = BTreeSet::from([self.root.get_value()]);
            let mut frontier = vec![self.root.get_value()];
            while let Some(current) = frontier.pop() {
                for unit in r.units.iter().filter(|u| u.parent_id.as_deref() == Some(current.as_str())) {
                    if found.insert(unit.id.clone()) {
                        frontier.push(unit.id.clone());
                    }
                }
            }
            found
        })
    }

    /// The open units of the tree, by name, for a choice.
    fn open_units(self) -> Vec<(String, String)> {
        let ids = self.ids();
        self.local.reference.with(|r| {
            let mut units: Vec<(String, String)> = r
                .units
                .iter()
                .filter(|u| u.valid_to.is_none() && ids.contains(&u.id))
                .map(|u| (u.id.clone(), u.name.clone()))
                .collect();
            units.sort_by_key(|(_, name)| domain::text::fold(name));
            units
        })
    }
}

fn role_options() -> Vec<(String, String)> {
    Role::ALL.iter().map(|r| (r.as_str().to_owned(), r.label().to_owned())).collect()
}

/// A labelled choice bound to `value`.
fn choice_field(
    id: &'static str,
    label: &'static str,
    options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
    placeholder: &'static str,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <Choice id=id placeholder=placeholder options value=Signal::derive(move || value.get())
                on_change=Callback::new(move |v| value.set(v)) />
        </div>
    }
}

/// A labelled text input bound to `value`.
fn text_input(
    id: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    kind: &'static str,
    required: bool,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <input id=id type=kind required=required prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </div>
    }
}

#[component]
fn AccountsPage(tree: Tree, token: StoredValue<String>) -> impl IntoView {
    let accounts = RwSignal::new(Vec::<AccountSummary>::new());
    let message = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::admin_users(&token.get_value()).await {
                Ok(list) => accounts.set(list),
                Err(e) => message.set(Some(api::offline_message(e, "xem danh sách tài khoản"))),
            }
        });
    };
    reload();
    let (login, full_name, position, password) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let role = RwSignal::new(Role::Staff.as_str().to_owned());
    let unit = RwSignal::new(String::new());
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(role) = Role::parse(&role.get_untracked()) else { return };
        let request = NewUserRequest {
            login: login.get_untracked().trim().to_owned(),
            full_name: full_name.get_untracked().trim().to_owned(),
            position: position.get_untracked().trim().to_owned(),
            role,
            unit_id: unit.get_untracked(),
            password: password.get_untracked(),
        };
        if request.unit_id.is_empty() {
            message.set(Some("Hãy chọn đơn vị của tài khoản.".into()));
            return;
        }
        spawn_local(async move {
            match api::create_user(&token.get_value(), &request).await {
                Ok(_) => {
                    message.set(Some(format!("Đã tạo tài khoản {}.", request.login)));
                    for field in [login, full_name, position, password] {
                        field.set(String::new());
                    }
                    reload();
                }
                Err(e) => message.set(Some(api::offline_message(e, "tạo tài khoản"))),
            }
        });
    };
    view! {
        <section class="card">
            <h1>"Tài khoản"</h1>
            <p id="accounts-message" class="notice" role="status" hidden=move || message.with(Option::is_none)>{move || message.get()}</p>
            <form id="new-account" class="admin-form" on:submit=create>
                <h2>"Tạo tài khoản"</h2>
                <div class="row">
                    {text_input("account-login", "Tên đăng nhập", login, "text", true)}
                    {text_input("account-name", "Họ và tên", full_name, "text", true)}
                    {text_input("account-position", "Chức vụ", position, "text", false)}
                </div>
                <div class="row">
                    {choice_field("account-role", "Vai trò", Signal::derive(role_options), role, "— Chọn —")}
                    {choice_field("account-unit", "Đơn vị", Signal::derive(move || tree.open_units()), unit, "— Chọn đơn vị —")}
                    {text_input("account-password", "Mật khẩu ban đầu (ít nhất 8 ký tự)", password, "password", true)}
                </div>
                <button type="submit" class="primary">"Tạo tài khoản"</button>
            </form>
            <h2>"Danh sách tài khoản"</h2>
            <div class="table-box" tabindex="0">
                <table class="grid cards" id="account-list">
                    <thead><tr><th>"Tên đăng nhập"</th><th>"Họ và tên"</th><th>"Vai trò"</th><th>"Đơn vị"</th><th>"Tình trạng"</th><th><span class="visually-hidden">"Sửa"</span></th></tr></thead>
                    <tbody>
                        {move || accounts.get().into_iter().map(|a| {
                            let id = a.id.clone();
                            view! {
                                <tr data-login=a.login.clone() class:disabled=a.disabled>
                                    <td data-label="Tên đăng nhập">{a.login.clone()}</td>
                                    <td data-label="Họ và tên">{a.full_name.clone()}</td>
                                    <td data-label="Vai trò">{a.role.label()}</td>
                                    <td data-label="Đơn vị">{a.unit_name.clone()}</td>
                                    <td data-label="Tình trạng" class="account-state">{if a.disabled { "Đã khoá" } else { "Đang dùng" }}</td>
                                    <td><button class="secondary edit-account" aria-label=format!("Sửa {}", a.login) on:click=move |_| {
                                        editing.set(Some(id.clone()));
                                        bring_into_view("edit-account-heading");
                                    }>"Sửa"</button></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || editing.get().and_then(|id| accounts.with(|all| all.iter().find(|a| a.id == id).cloned())).map(|account| view! {
                <AccountForm account tree token message done=Callback::new(move |_| { editing.set(None); reload(); }) />
            })}
        </section>
    }
}

/// One account's changes: name, position, role, unit, disabled; and a new password.
#[component]
fn AccountForm(
    account: AccountSummary,
    tree: Tree,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    done: Callback<()>,
) -> impl IntoView {
    let id = StoredValue::new(account.id.clone());
    let full_name = RwSignal::new(account.full_name.clone());
    let position = RwSignal::new(account.position.clone());
    let role = RwSignal::new(account.role.as_str().to_owned());
    let unit = RwSignal::new(account.unit_id.clone());
    let disabled = RwSignal::new(account.disabled);
    let password = RwSignal::new(String::new());
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(role) = Role::parse(&role.get_untracked()) else { return };
        let update = AccountUpdate {
            full_name: full_name.get_untracked().trim().to_owned(),
            position: position.get_untracked().trim().to_owned(),
            role,
            unit_id: unit.get_untracked(),
            disabled: disabled.get_untracked(),
        };
        spawn_local(async move {
            match api::update_user(&token.get_value(), &id.get_value(), &update).await {
                Ok(saved) => {
                    message.set(Some(format!("Đã lưu tài khoản {}.", saved.login)));
                    done.run(());
                }
                Err(e) => message.set(Some(api::offline_message(e, "lưu tài khoản"))),
            }
        });
    };
    let reset = move |_| {
        let request = PasswordReset { new_password: password.get_untracked() };
        spawn_local(async move {
            match api::reset_password(&token.get_value(), &id.get_value(), &request).await {
                Ok(()) => {
                    password.set(String::new());
                    message.set(Some("Đã đặt mật khẩu mới; các phiên đăng nhập cũ của tài khoản đã kết thúc.".into()));
                }
                Err(e) => message.set(Some(api::offline_message(e, "đặt lại mật khẩu"))),
            }
        });
    };
    view! {
        <form id="edit-account" class="admin-form" on:submit=save>
            <h2 id="edit-account-heading" tabindex="-1">"Sửa tài khoản " {account.login.clone()}</h2>
            <div class="row">
                {text_input("edit-account-name", "Họ và tên", full_name, "text", true)}
                {text_input("edit-account-position", "Chức vụ", position, "text", false)}
            </div>
            <div class="row">
                {choice_field("edit-account-role", "Vai trò", Signal::derive(role_options), role, "— Chọn —")}
                {choice_field("edit-account-unit", "Đơn vị", Signal::derive(move || tree.open_units()), unit, "— Chọn —")}
            </div>
            <label class="check">
                <input id="edit-account-disabled" type="checkbox" prop:checked=move || disabled.get()
                    on:change=move |ev| disabled.set(event_target_checked(&ev)) />
                " Khoá tài khoản (không đăng nhập được; các phiên đang mở kết thúc)"
            </label>
            <div class="row actions">
                <button type="submit" class="primary">"Lưu tài khoản"</button>
                <button type="button" class="secondary" on:click=move |_| done.run(())>"Đóng"</button>
            </div>
            <div class="row">
                <div class="field">
                    <label for="edit-account-password">"Mật khẩu mới (ít nhất 8 ký tự)"</label>
                    <input id="edit-account-password" type="password" autocomplete="new-password" prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev)) />
                </div>
            </div>
            <button type="button" id="reset-password" class="secondary" on:click=reset>"Đặt lại mật khẩu"</button>
        </form>
    }
}

/// The units in tree order with their depth, the admin's roots first.
fn in_tree_order(units: &[OrgUnit]) -> Vec<(usize, OrgUnit)> {
    let mut ordered = Vec::new();
    let known = |id: &Option<String>| id.as_ref().is_some_and(|p| units.iter().any(|u| &u.id == p));
    let mut stack: Vec<(usize, &OrgUnit)> =
        units.iter().filter(|u| !known(&u.parent_id)).map(|u| (0, u)).rev().collect();
    while let Some((depth, unit)) = stack.pop() {
        ordered.push((depth, unit.clone()));
        let mut children: Vec<&OrgUnit> = units.iter().filter(|u| u.parent_id.as_deref() == Some(&unit.id)).collect();
        children.sort_by(|a, b| b.name.cmp(&a.name));
        stack.extend(children.into_iter().map(|c| (depth + 1, c)));
    }
    ordered
}

#[component]
fn UnitsPage(tree: Tree, token: StoredValue<String>) -> impl IntoView {
    let local = tree.local;
    let message = RwSignal::new(None::<String>);
    let editing = RwSignal::new(None::<String>);
    // Every change ends with a fresh copy of the reference data, so this screen and the tablets' lineage follow.
    let changed = move |text: String| {
        message.set(Some(text));
        sync::refresh_reference();
    };
    let (name, kind, parent) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let create = move |ev: SubmitEvent| {
        ev.prevent_default();
        let unit = NewUnit {
            name: name.get_untracked().trim().to_owned(),
            kind: kind.get_untracked().trim().to_owned(),
            parent_id: parent.get_untracked(),
            valid_from: None,
        };
        spawn_local(async move {
            match api::create_unit(&token.get_value(), &unit).await {
                Ok(created) => {
                    name.set(String::new());
                    changed(format!("Đã thêm đơn vị {}.", created.name));
                }
                Err(e) => message.set(Some(api::offline_message(e, "thêm đơn vị"))),
            }
        });
    };
    let merged_from = RwSignal::new(Vec::<String>::new());
    let merged_into = RwSignal::new(String::new());
    let merged_on = RwSignal::new(String::new());
    // Asked first: a merge closes the merged units and cannot be undone from this screen.
    let merge = move || {
        let Ok(on) = merged_on.get_untracked().parse::<NaiveDate>() else {
            message.set(Some("Hãy chọn ngày hợp nhất, sáp nhập có hiệu lực.".into()));
            return;
        };
        let request = UnitMerge { from: merged_from.get_untracked(), into: merged_into.get_untracked(), on };
        if request.from.is_empty() || request.into.is_empty() {
            message.set(Some("Hãy chọn các đơn vị được hợp nhất, sáp nhập và đơn vị tiếp nối.".into()));
            return;
        }
        spawn_local(async move {
            match api::create_merge(&token.get_value(), &request).await {
                Ok(_) => {
                    merged_from.set(Vec::new());
                    changed("Đã ghi nhận hợp nhất, sáp nhập; hồ sơ và lịch sử khen thưởng của đơn vị cũ được tính cho đơn vị tiếp nối.".into());
                }
                Err(e) => message.set(Some(api::offline_message(e, "ghi nhận hợp nhất, sáp nhập"))),
            }
        });
    };
    let merge_problems = move || {
        let names: Vec<String> = merged_from.get().iter().map(|id| local.unit_name(id)).collect();
        let into = merged_into.get();
        let mut lines = Vec::new();
        if !names.is_empty() && !into.is_empty() {
            lines.push(format!("Ngừng hoạt động: {}; tiếp nối: {}", names.join(", "), local.unit_name(&into)));
        }
        lines
    };
    let units = move || local.reference.with(|r| in_tree_order(&r.units));
    // "Tiếp nối: A, B (01/07/2025)" for each unit others merged into.
    let lineage = move |id: &str| {
        local.reference.with(|r| {
            r.merges
                .iter()
                .filter(|m| m.into == id)
                .map(|m| {
                    let names: Vec<String> = m
                        .from
                        .iter()
                        .map(|f| r.units.iter().find(|u| &u.id == f).map_or_else(|| f.clone(), |u| u.name.clone()))
                        .collect();
                    format!("Tiếp nối {} từ {}", names.join(", "), format_date(m.on))
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
    };
    view! {
        <section class="card">
            <h1>"Đơn vị và hợp nhất"</h1>
            <p id="units-message" class="notice" role="status" hidden=move || message.with(Option::is_none)>{move || message.get()}</p>
            <div class="table-box" tabindex="0">
                <table class="grid cards" id="unit-list">
                    <thead><tr><th>"Đơn vị"</th><th>"Cấp"</th><th>"Hiệu lực"</th><th>"Tiếp nối"</th><th><span class="visually-hidden">"Sửa"</span></th></tr></thead>
                    <tbody>
                        {move || units().into_iter().map(|(depth, u)| {
                            let id = u.id.clone();
                            let closed = u.valid_to.is_some();
                            let period = format!("{} – {}", format_date(u.valid_from), u.valid_to.map(format_date).unwrap_or_default());
                            view! {
                                <tr data-unit=u.id.clone() class:closed=closed>
                                    <td data-label="Đơn vị"><span class=format!("depth-{}", depth.min(4))>{u.name.clone()}</span></td>
                                    <td data-label="Cấp">{u.kind.clone()}</td>
                                    <td data-label="Hiệu lực">{period}</td>
                                    <td data-label="Tiếp nối" class="lineage">{lineage(&u.id)}</td>
                                    <td>{tree.ids().contains(&id).then(|| view! {
                                        <button class="secondary edit-unit" aria-label=format!("Sửa {}", u.name) on:click=move |_| {
                                            editing.set(Some(id.clone()));
                                            bring_into_view("edit-unit-heading");
                                        }>"Sửa"</button>
                                    })}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            {move || editing.get().and_then(|id| local.reference.with(|r| r.units.iter().find(|u| u.id == id).cloned())).map(|unit| view! {
                <UnitForm unit tree token message done=Callback::new(move |text: Option<String>| {
                    editing.set(None);
                    if let Some(text) = text { changed(text) }
                }) />
            })}
            <form id="new-unit" class="admin-form" on:submit=create>
                <h2>"Thêm đơn vị"</h2>
                <div class="row">
                    {text_input("unit-name", "Tên đơn vị", name, "text", true)}
                    {text_input("unit-kind", "Cấp, loại (ví dụ: Trung tâm cấp xã)", kind, "text", true)}
                    {choice_field("unit-parent", "Trực thuộc", Signal::derive(move || tree.open_units()), parent, "— Chọn —")}
                </div>
                <button type="submit" class="primary">"Thêm đơn vị"</button>
            </form>
            <form id="new-merge" class="admin-form" on:submit=|ev: SubmitEvent| ev.prevent_default()>
                <h2>"Ghi nhận hợp nhất, sáp nhập"</h2>
                <p class="muted">"Các đơn vị được chọn ngừng hoạt động; hồ sơ, lịch sử khen thưởng của chúng được tính cho đơn vị tiếp nối."</p>
                <fieldset class="documents">
                    <legend>"Các đơn vị được hợp nhất, sáp nhập"</legend>
                    // The admin's own unit is not theirs to merge away.
                    {move || tree.open_units().into_iter().filter(|(id, _)| *id != tree.root.get_value()).map(|(id, unit_name)| {
                        let checked = { let id = id.clone(); move || merged_from.with(|f| f.contains(&id)) };
                        view! {
                            <label class="check">
                                <input type="checkbox" class="merge-from" data-unit=id.clone() prop:checked=checked on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    merged_from.update(|f| { f.retain(|x| x != &id); if on { f.push(id.clone()) } });
                                } />
                                " " {unit_name}
                            </label>
                        }
                    }).collect_view()}
                </fieldset>
                <div class="row">
                    {choice_field("merge-into", "Đơn vị tiếp nối", Signal::derive(move || tree.open_units()), merged_into, "— Chọn —")}
                    <div class="field">
                        <label for="merge-on">"Ngày hợp nhất, sáp nhập có hiệu lực"</label>
                        <input id="merge-on" type="date" required prop:value=move || merged_on.get() on:input=move |ev| merged_on.set(event_target_value(&ev)) />
                    </div>
                </div>
                <ConfirmStep id="record-merge" label="Ghi nhận hợp nhất, sáp nhập"
                    question="Ghi nhận hợp nhất, sáp nhập này? Các đơn vị được chọn sẽ ngừng hoạt động từ ngày hiệu lực."
                    problems=Signal::derive(merge_problems) on_confirm=Callback::new(move |_| merge()) />
            </form>
        </section>
    }
}

/// One unit's changes: rename, move under another parent, close on a date (or open again).
#[component]
fn UnitForm(
    unit: OrgUnit,
    tree: Tree,
    token: StoredValue<String>,
    message: RwSignal<Option<String>>,
    done: Callback<Option<String>>,
) -> impl IntoView {
    let id = StoredValue::new(unit.id.clone());
    let name = RwSignal::new(unit.name.clone());
    let kind = RwSignal::new(unit.kind.clone());
    let parent = RwSignal::new(unit.parent_id.clone().unwrap_or_default());
    let closes = RwSignal::new(unit.valid_to.map(|d| d.to_string()).unwrap_or_default());
    let save = move |ev: SubmitEvent| {
        ev.prevent_default();
        let closes = closes.get_untracked();
        let valid_to = if closes.is_empty() {
            None
        } else {
            match closes.parse::<NaiveDate>() {
                Ok(date) => Some(date),
                Err(_) => {
                    message.set(Some("Ngày ngừng hoạt động chưa đúng.".into()));
                    return;
                }
            }
        };
        let update = UnitUpdate {
            name: name.get_untracked().trim().to_owned(),
            kind: kind.get_untracked().trim().to_owned(),
            parent_id: Some(parent.get_untracked()).filter(|p| !p.is_empty()),
            valid_to,
        };
        spawn_local(async move {
            match api::update_unit(&token.get_value(), &id.get_value(), &update).await {
                Ok(saved) => done.run(Some(format!("Đã lưu đơn vị {}.", saved.name))),
                Err(e) => message.set(Some(api::offline_message(e, "lưu đơn vị"))),
            }
        });
    };
    let parents = move || tree.open_units().into_iter().filter(|(p, _)| *p != id.get_value()).collect::<Vec<_>>();
    view! {
        <form id="edit-unit" class="admin-form" on:submit=save>
            <h2 id="edit-unit-heading" tabindex="-1">"Sửa đơn vị " {unit.name.clone()}</h2>
            <div class="row">
                {text_input("edit-unit-name", "Tên đơn vị", name, "text", true)}
                {text_input("edit-unit-kind", "Cấp, loại", kind, "text", true)}
            </div>
            <div class="row">
                {choice_field("edit-unit-parent", "Trực thuộc", Signal::derive(parents), parent, "— Giữ nguyên —")}
                <div class="field">
                    <label for="edit-unit-closes">"Ngừng hoạt động từ sau ngày (để trống nếu còn hoạt động)"</label>
                    <input id="edit-unit-closes" type="date" prop:value=move || closes.get() on:input=move |ev| closes.set(event_target_value(&ev)) />
                </div>
            </div>
            <div class="row actions">
                <button type="submit" class="primary">"Lưu đơn vị"</button>
                <button type="button" class="secondary" on:click=move |_| done.run(None)>"Đóng"</button>
            </div>
        </form>
    }
}
