//! The admin's rulebook as a form: the catalog of titles, the legal regimes over time, and each title's
//! conditions with their thresholds, articles and certainty; with the whole book as JSON for experts. The server
//! checks every save and names each problem (a statutory title deleted, regimes overlapping…).
//!
//! A condition's fields are edited through its JSON shape (`{"check_name": {field: value}}`), so a new kind of
//! check in the domain shows up here with inputs for its fields without a new screen.

use domain::dossier::{Discipline, Rating, Scope};
use domain::rules::{Certainty, Check, Condition, Regime, RuleBook, Subject, TitleDef, TitleKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Map, Value};
use wasm_bindgen::JsValue;

use crate::api;
use crate::format::{parse_name, value_name};
use crate::local::LocalData;
use crate::pages::PageContext;
use crate::sync;
use crate::widgets::Choice;

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

/// What a check asks, in the words of the law; its thresholds are the inputs beside it.
fn check_label(name: &str) -> &'static str {
    match name {
        "min_rating" => "Xếp loại trong năm từ mức",
        "no_discipline" => "Không bị kỷ luật trong năm",
        "min_months_worked" => "Số tháng công tác tối thiểu trong năm",
        "holds_title" => "Đạt (hoặc được đề nghị cùng đợt) danh hiệu cùng năm",
        "holds_title_before" => "Đã được tặng danh hiệu trước đó",
        "title_before_run" => "Được tặng danh hiệu trước chuỗi năm xét",
        "excellent_or_initiative" => "Hoàn thành xuất sắc nhiệm vụ hoặc có sáng kiến trong năm",
        "consecutive_title" => "Số năm liên tục đạt danh hiệu",
        "consecutive_times" => "Số lần liên tục đạt danh hiệu",
        "consecutive_rating" => "Số năm liên tục xếp loại từ mức",
        "initiatives" => "Số sáng kiến được công nhận",
        "run_with_initiatives" => "Chuỗi năm xếp loại, trong đó có sáng kiến",
        "years_not_reused" => "Số năm thành tích chưa dùng cho lần khen trước",
        "any_of" => "Một trong các nhóm điều kiện",
        "member_share" => "Tỷ lệ thành viên đạt danh hiệu",
        "members_with_title" => "Số thành viên đạt danh hiệu",
        "all_members_rating" => "Mọi thành viên xếp loại từ mức",
        "no_member_disciplined" => "Không thành viên nào bị kỷ luật từ mức",
        "quota" => "Tỷ lệ tối đa so với danh hiệu",
        "not_rewarded_twice" => "Không khen hai lần cho một thành tích",
        "leads_cluster" => "Dẫn đầu cụm, khối thi đua",
        "manual" => "Văn phòng xác nhận",
        _ => "Điều kiện",
    }
}

fn field_label(name: &str) -> &'static str {
    match name {
        "rating" => "mức",
        "months" => "tháng",
        "title" => "danh hiệu",
        "of_title" => "so với",
        "years" => "số năm",
        "times" => "số lần",
        "every_years" => "mỗi lần (năm)",
        "scope" => "cấp",
        "count" => "số lượng",
        "research" => "tính đề tài",
        "min_years" => "tối thiểu (năm)",
        "percent" | "max_percent" => "tỷ lệ (%)",
        "strictly_more" => "phải vượt",
        "from" => "từ mức",
        "text" => "nội dung",
        _ => "giá trị",
    }
}

fn options_of<T: serde::Serialize + Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<(String, String)> {
    all.iter().map(|v| (value_name(v), label(*v).to_owned())).collect()
}

fn certainty_label(c: Certainty) -> &'static str {
    match c {
        Certainty::C => "C — đã đối chiếu văn bản",
        Certainty::K => "K — chưa đối chiếu công báo",
        Certainty::U => "U — ngưỡng chưa chắc chắn",
    }
}

fn kind_label(k: TitleKind) -> &'static str {
    match k {
        TitleKind::DanhHieu => "Danh hiệu thi đua",
        TitleKind::HinhThuc => "Hình thức khen thưởng",
    }
}

fn subject_label(s: Subject) -> &'static str {
    match s {
        Subject::Person => "Cá nhân",
        Subject::Collective => "Tập thể",
        Subject::Any => "Cá nhân và tập thể",
    }
}

#[component]
fn RulesPage(local: LocalData, token: String) -> impl IntoView {
    let token = StoredValue::new(token);
    // The admin's working copy: edits stay here until saved, and a newer edition from the server does not
    // overwrite them.
    let book = RwSignal::new(None::<RuleBook>);
    let message = RwSignal::new(None::<String>);
    // The form is drawn again only when the book's shape changes (loaded, a title added or removed, JSON
    // applied), not on every typed threshold: an open section and the focus stay where they are.
    let drawn = RwSignal::new(0u32);
    Effect::new(move |_| {
        let current = local.has_rulebook().then(|| local.reference.with(|r| r.rulebook.clone()));
        if let (true, Some(current)) = (book.with_untracked(Option::is_none), current) {
            book.set(Some(current));
            drawn.update(|n| *n += 1);
        }
    });
    let edit = move |change: &dyn Fn(&mut RuleBook)| book.update(|b| b.iter_mut().for_each(change));
    // Rows change by position; a position the book no longer has (a stale row) changes nothing.
    let title_at = move |index: usize, change: &dyn Fn(&mut TitleDef)| {
        edit(&|b| b.titles.get_mut(index).into_iter().for_each(change))
    };
    let regime_at = move |index: usize, change: &dyn Fn(&mut Regime)| {
        edit(&|b| b.regimes.get_mut(index).into_iter().for_each(change))
    };
    let condition_at = move |rule: usize, index: usize, change: &dyn Fn(&mut Condition)| {
        edit(&|b| b.rules.get_mut(rule).and_then(|r| r.conditions.get_mut(index)).into_iter().for_each(change))
    };
    let reshape = move |change: &dyn Fn(&mut RuleBook)| {
        edit(change);
        drawn.update(|n| *n += 1);
    };
    let snapshot = move || {
        drawn.track();
        book.get_untracked().unwrap_or_default()
    };
    let save = move |_| {
        let Some(current) = book.get_untracked() else { return };
        spawn_local(async move {
            match api::save_rules(&token.get_value(), &current).await {
                Ok(version) => {
                    message.set(Some(format!(
                        "Đã lưu bộ quy tắc, phiên bản {version}. Các máy tính bảng sẽ nhận khi đồng bộ."
                    )));
                    // The server stored exactly this book as `version`: editing goes on from it.
                    book.set(Some(RuleBook { version, ..current }));
                    sync::refresh_reference();
                }
                Err(e) => message.set(Some(api::offline_message(e, "lưu bộ quy tắc"))),
            }
        });
    };
    let titles = move || snapshot().titles;
    // A memo: typing a threshold changes the book but not its titles, and every title choice reads this list.
    let title_options = Memo::new(move |_| {
        book.with(|b| b.iter().flat_map(|b| &b.titles).map(|t| (t.code.clone(), t.name.clone())).collect::<Vec<_>>())
    });
    view! {
        <section class="card rules">
            <h1>"Bộ quy tắc xét khen thưởng"</h1>
            <p class="muted">
                "Danh mục danh hiệu, hình thức; chế độ pháp lý theo thời gian; điều kiện và ngưỡng, mỗi điều kiện ghi điều luật và mức chắc chắn. "
                "Mục thuộc danh mục theo luật không xoá được. Phiên bản hiện tại: " {move || local.reference.with(|r| r.rulebook.version)}
            </p>
            <h2>"Danh mục danh hiệu, hình thức khen thưởng"</h2>
            <div class="table-box" tabindex="0"><table class="grid" id="rules-titles">
                <thead><tr><th>"Tên"</th><th>"Tên cũ, cách ghi khác (cách nhau bởi ;)"</th><th>"Loại"</th><th>"Đối tượng"</th><th>"Theo luật"</th><th><span class="visually-hidden">"Xoá"</span></th></tr></thead>
                <tbody>
                    {move || titles().into_iter().enumerate().map(|(index, t)| view! {
                        <tr data-code=t.code.clone()>
                            <td><input class="title-name" aria-label="Tên" prop:value=t.name.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); title_at(index, &|t| t.name = v.trim().to_owned()) } /></td>
                            <td><input class="title-aliases" aria-label="Tên cũ, cách ghi khác" prop:value=t.aliases.join("; ")
                                on:change=move |ev| {
                                    let v = event_target_value(&ev);
                                    title_at(index, &|t| t.aliases = v.split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect())
                                } /></td>
                            <td>{kind_label(t.kind)}</td>
                            <td>{subject_label(t.subject)}</td>
                            <td>{if t.statutory { "✓" } else { "" }}</td>
                            <td>{(!t.statutory).then(|| view! {
                                <button class="secondary" on:click=move |_| reshape(&|b| { if index < b.titles.len() { b.titles.remove(index); } })>"Xoá"</button>
                            })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <NewTitle add=Callback::new(move |t: TitleDef| reshape(&|b| b.titles.push(t.clone()))) />
            <h2>"Chế độ pháp lý theo thời gian"</h2>
            <div class="table-box" tabindex="0"><table class="grid" id="rules-regimes">
                <thead><tr><th>"Chế độ"</th><th>"Từ ngày"</th><th>"Đến ngày"</th></tr></thead>
                <tbody>
                    {move || snapshot().regimes.into_iter().enumerate().map(|(index, r)| view! {
                        <tr data-regime=r.id.clone()>
                            <td><input aria-label="Tên chế độ" prop:value=r.name.clone()
                                on:change=move |ev| { let v = event_target_value(&ev); regime_at(index, &|r| r.name = v.trim().to_owned()) } /></td>
                            <td><input type="date" aria-label="Từ ngày" prop:value=r.valid_from.to_string()
                                on:change=move |ev| if let Ok(d) = event_target_value(&ev).parse() { regime_at(index, &|r| r.valid_from = d) } /></td>
                            <td><input type="date" aria-label="Đến ngày" prop:value=r.valid_to.map(|d| d.to_string()).unwrap_or_default()
                                on:change=move |ev| { let d = event_target_value(&ev).parse().ok(); regime_at(index, &|r| r.valid_to = d) } /></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table></div>
            <h2>"Điều kiện theo danh hiệu và chế độ"</h2>
            {move || snapshot().rules.into_iter().enumerate().map(|(rule_index, rule)| {
                let names = move |code: &str| book.with(|b| b.as_ref().map(|b| b.title_name(code).to_owned()).unwrap_or_default());
                let regimes = rule.regimes.join(" ");
                let heading = format!("{} — {}", if rule.title == "*" { "Mọi danh hiệu".to_owned() } else { names(&rule.title) }, rule.regimes.join(", "));
                view! {
                    <details class="rule" data-title=rule.title.clone() data-regimes=regimes>
                        <summary>{heading}</summary>
                        <div class="table-box" tabindex="0"><table class="grid conditions">
                            <thead><tr><th>"Điều kiện và ngưỡng"</th><th>"Căn cứ"</th><th>"Mức chắc chắn"</th></tr></thead>
                            <tbody>
                                {rule.conditions.into_iter().enumerate().map(|(index, condition)| {
                                    let set_check = Callback::new(move |check: Check| condition_at(rule_index, index, &|c| c.check = check.clone()));
                                    view! {
                                        <tr class="condition">
                                            <td><CheckEditor check=condition.check.clone() titles=Signal::from(title_options) change=set_check /></td>
                                            <td><input class="article" aria-label="Căn cứ" prop:value=condition.article.clone()
                                                on:change=move |ev| { let v = event_target_value(&ev); condition_at(rule_index, index, &|c| c.article = v.trim().to_owned()) } /></td>
                                            <td><Choice id=format!("certainty-{rule_index}-{index}") class="certainty" label="Mức chắc chắn"
                                                options=Signal::derive(|| options_of(&[Certainty::C, Certainty::K, Certainty::U], certainty_label))
                                                value=Signal::derive(move || value_name(&condition.certainty))
                                                on_change=Callback::new(move |v: String| if let Some(c) = parse_name::<Certainty>(&v) {
                                                    condition_at(rule_index, index, &|condition| condition.certainty = c)
                                                }) /></td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    </details>
                }
            }).collect_view()}
            <Expert book message applied=Callback::new(move |_| drawn.update(|n| *n += 1)) />
            <p id="rules-message" role="status">{move || message.get()}</p>
            <button id="save-rules" class="primary" on:click=save disabled=move || book.with(Option::is_none)>"Lưu bộ quy tắc"</button>
        </section>
    }
}

/// A check's kind, and an input for each of its fields: numbers, a yes/no, a rating, a scope, a discipline or
/// a title of the catalog. A check whose fields are not plain values (a group of alternatives) is shown as JSON.
#[component]
fn CheckEditor(check: Check, titles: Signal<Vec<(String, String)>>, change: Callback<Check>) -> impl IntoView {
    let value = serde_json::to_value(&check).unwrap_or(Value::Null);
    let (name, fields): (String, Map<String, Value>) = match &value {
        Value::String(name) => (name.clone(), Map::new()),
        Value::Object(map) => match map.iter().next() {
            Some((name, Value::Object(fields))) => (name.clone(), fields.clone()),
            Some((name, _)) => (name.clone(), Map::new()),
            None => (String::new(), Map::new()),
        },
        _ => (String::new(), Map::new()),
    };
    let nested = fields.values().any(|v| v.is_array() || v.is_object());
    let shape = StoredValue::new((name.clone(), fields.clone()));
    // A field's new value, checked by deserializing the whole check: a value that does not fit is not applied.
    let set = move |field: String, new: Value| {
        let (name, mut fields) = shape.get_value();
        fields.insert(field, new);
        let mut wrapped = Map::new();
        wrapped.insert(name, Value::Object(fields.clone()));
        if let Ok(check) = serde_json::from_value::<Check>(Value::Object(wrapped)) {
            shape.update_value(|s| s.1 = fields);
            change.run(check);
        }
    };
    let inputs = (!nested).then(|| {
        fields
            .into_iter()
            .map(|(field, current)| {
                let label = field_label(&field);
                let key = field.clone();
                let input = match (field.as_str(), &current) {
                    (_, Value::Bool(on)) => view! {
                        <input type="checkbox" data-field=key.clone() aria-label=label prop:checked=*on
                            on:change=move |ev| set(key.clone(), Value::Bool(event_target_checked(&ev))) />
                    }
                    .into_any(),
                    (_, Value::Number(n)) => view! {
                        <input type="number" min="0" class="threshold" data-field=key.clone() aria-label=label prop:value=n.to_string()
                            on:change=move |ev| { let typed: Result<u32, _> = event_target_value(&ev).parse(); if let Ok(n) = typed { set(key.clone(), Value::from(n)) } } />
                    }
                    .into_any(),
                    ("rating", Value::String(v)) => select(key, label, v.clone(), Signal::derive(|| options_of(&Rating::ALL, Rating::label)), set),
                    ("scope", Value::String(v)) => select(key, label, v.clone(), Signal::derive(|| options_of(&Scope::ALL, Scope::label)), set),
                    ("from", Value::String(v)) => {
                        select(key, label, v.clone(), Signal::derive(|| options_of(&Discipline::ALL, Discipline::label)), set)
                    }
                    ("title" | "of_title", Value::String(v)) => select(key, label, v.clone(), titles, set),
                    (_, other) => view! {
                        <input data-field=key.clone() aria-label=label prop:value=other.as_str().unwrap_or_default().to_owned()
                            on:change=move |ev| set(key.clone(), Value::String(event_target_value(&ev))) />
                    }
                    .into_any(),
                };
                view! { <label class="threshold-field"><span>{label}</span>" " {input}</label> }
            })
            .collect_view()
    });
    view! {
        <div class="check-editor" data-check=name.clone()>
            <strong>{check_label(&name)}</strong>
            {inputs}
            {nested.then(|| view! { <code class="muted">{value.to_string()}</code> })}
        </div>
    }
}

fn select(
    field: String,
    label: &'static str,
    current: String,
    options: Signal<Vec<(String, String)>>,
    set: impl Fn(String, Value) + Copy + Send + Sync + 'static,
) -> AnyView {
    let key = field.clone();
    view! {
        <select data-field=field aria-label=label on:change=move |ev| set(key.clone(), Value::String(event_target_value(&ev)))>
            {move || options.get().into_iter().map(|(value, text)| {
                let selected = value == current;
                view! { <option value=value selected=selected>{text}</option> }
            }).collect_view()}
        </select>
    }
    .into_any()
}

/// A title or form the province adds to the catalog (not statutory, so it may be deleted again).
#[component]
fn NewTitle(add: Callback<TitleDef>) -> impl IntoView {
    let (code, name) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let problem = RwSignal::new(None::<&'static str>);
    let kind = RwSignal::new(value_name(&TitleKind::HinhThuc));
    let subject = RwSignal::new(value_name(&Subject::Any));
    let submit = move |_| {
        let (Some(kind), Some(subject)) = (parse_name(&kind.get_untracked()), parse_name(&subject.get_untracked()))
        else {
            return;
        };
        let (code_text, name_text) = (code.get_untracked().trim().to_owned(), name.get_untracked().trim().to_owned());
        if code_text.is_empty() || name_text.is_empty() {
            problem.set(Some("Cần nhập mã và tên của danh hiệu, hình thức."));
            return;
        }
        problem.set(None);
        add.run(TitleDef {
            code: code_text,
            name: name_text,
            kind,
            subject,
            statutory: false,
            aliases: Vec::new(),
            usual_track: None,
        });
        code.set(String::new());
        name.set(String::new());
    };
    view! {
        <details class="new-title">
            <summary>"Thêm danh hiệu, hình thức"</summary>
            <div class="row">
                <div class="field"><label for="new-title-code">"Mã (chữ thường, gạch ngang)"</label>
                    <input id="new-title-code" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="new-title-name">"Tên"</label>
                    <input id="new-title-name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></div>
                <div class="field"><label for="new-title-kind">"Loại"</label>
                    <Choice id="new-title-kind" options=Signal::derive(|| options_of(&[TitleKind::DanhHieu, TitleKind::HinhThuc], kind_label))
                        value=Signal::derive(move || kind.get()) on_change=Callback::new(move |v| kind.set(v)) /></div>
                <div class="field"><label for="new-title-subject">"Đối tượng"</label>
                    <Choice id="new-title-subject" options=Signal::derive(|| options_of(&[Subject::Person, Subject::Collective, Subject::Any], subject_label))
                        value=Signal::derive(move || subject.get()) on_change=Callback::new(move |v| subject.set(v)) /></div>
            </div>
            <p class="error" role="alert">{move || problem.get()}</p>
            <button class="secondary" on:click=submit>"Thêm vào danh mục"</button>
        </details>
    }
}

/// The whole book as JSON, for an expert: read from the working copy when opened, applied back to it.
#[component]
fn Expert(book: RwSignal<Option<RuleBook>>, message: RwSignal<Option<String>>, applied: Callback<()>) -> impl IntoView {
    let text = RwSignal::new(String::new());
    let refresh = move || {
        if let Some(Ok(json)) = book.with_untracked(|b| b.as_ref().map(serde_json::to_string)) {
            text.set(pretty(&json));
        }
    };
    Effect::new(move |_| {
        if book.with(Option::is_some) && text.with_untracked(String::is_empty) {
            refresh();
        }
    });
    // Read from the form when opened; closing keeps what is typed for the next opening.
    let on_toggle = move |ev: leptos::ev::Event| {
        let details: web_sys::Element = event_target(&ev);
        if details.has_attribute("open") {
            refresh();
        }
    };
    let apply = move |_| match serde_json::from_str::<RuleBook>(&text.get_untracked()) {
        Ok(parsed) => {
            book.set(Some(parsed));
            applied.run(());
            message.set(Some("Đã áp dụng JSON vào biểu mẫu; bấm \"Lưu bộ quy tắc\" để lưu.".into()));
        }
        Err(e) => message.set(Some(format!("Nội dung chưa đúng định dạng: {e}"))),
    };
    view! {
        <details id="rules-expert" on:toggle=on_toggle>
            <summary>"Nội dung JSON (dành cho chuyên gia)"</summary>
            <label for="rules-json">"Nội dung (JSON)"</label>
            <textarea id="rules-json" rows="24" class="code" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
            <button id="apply-rules-json" class="secondary" on:click=apply>"Áp dụng JSON vào biểu mẫu"</button>
        </details>
    }
}
