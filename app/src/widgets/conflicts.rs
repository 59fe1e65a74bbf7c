//! A record's open conflicts, on any form: both values of a same-field race, who wrote each and when, and the
//! ways to settle it (keep one side, take the other, or for a text combine both). Texts show a word-by-word
//! difference when long; tables show both versions row by row; any other value falls back to its JSON.

use chrono::{DateTime, Utc};
use domain::diff::{diff_words, Part};
use domain::dossier::{Discipline, InitiativeKind, Rating, Scope, Track};
use domain::{OpenConflict, RecordKind};
use leptos::prelude::*;
use serde_json::{Map, Value};

use crate::draft::Draft;
use crate::format::{format_time, parse_name};
use crate::local::LocalData;

/// Texts longer than this show a word-by-word difference in a conflict.
const DIFF_FROM_CHARS: usize = 160;

/// The labels of the fields that are not long texts (those carry their own, in `RecordKind::text_fields`).
const FIELD_LABELS: &[(&str, &str)] = &[
    ("full_name", "Họ và tên"),
    ("birth_date", "Ngày sinh"),
    ("gender", "Giới tính"),
    ("hometown", "Quê quán"),
    ("position", "Chức vụ, vị trí việc làm"),
    ("qualification", "Trình độ chuyên môn"),
    ("direct_worker", "Người lao động trực tiếp"),
    ("years", "Xếp loại hằng năm và kỷ luật"),
    ("initiatives", "Sáng kiến, đề tài, đề án khoa học"),
    ("awards", "Các hình thức đã được khen thưởng"),
    ("movement_id", "Phong trào"),
    ("unit_title", "Danh hiệu tập thể đăng ký"),
    ("person_titles", "Danh hiệu cá nhân đăng ký"),
    ("targets", "Chỉ tiêu thi đua"),
    ("results", "Kết quả theo chỉ tiêu"),
    ("year", "Năm"),
    ("track", "Loại khen thưởng"),
    ("nominee_kind", "Đối tượng"),
    ("nominee_id", "Người hoặc tập thể được đề nghị"),
    ("title", "Danh hiệu, hình thức khen thưởng"),
    ("justification", "Giải trình của lãnh đạo đơn vị"),
    ("achievement_from", "Thành tích từ ngày"),
    ("achievement_to", "Thành tích đến ngày"),
    ("initiative", "Sáng kiến được khen"),
];

/// The column headings of the tables' rows.
const COLUMN_LABELS: &[(&str, &str)] = &[
    ("year", "Năm"),
    ("rating", "Xếp loại"),
    ("discipline", "Kỷ luật"),
    ("months_worked", "Số tháng công tác"),
    ("number", "Số công nhận"),
    ("name", "Tên"),
    ("scope", "Phạm vi"),
    ("title", "Danh hiệu, hình thức"),
    ("decision_number", "Số quyết định"),
    ("decision_date", "Ngày"),
    ("issuer", "Cơ quan ban hành"),
    ("unit", "Đơn vị"),
    ("kind", "Loại"),
    ("track", "Loại thành tích"),
    ("achievement_from", "Từ ngày"),
    ("achievement_to", "Đến ngày"),
    ("movement_id", "Phong trào"),
    ("initiative", "Sáng kiến"),
    ("field", "Lĩnh vực"),
    ("text", "Chỉ tiêu"),
    ("result", "Kết quả"),
    ("figure", "Số liệu"),
    ("evidence", "Minh chứng"),
    ("score", "Tự chấm"),
    ("key", "Mục"),
    ("value", "Giá trị"),
];

fn label_in(table: &[(&str, &'static str)], name: &str) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == name).map(|(_, label)| *label)
}

/// A field's Vietnamese name on the forms of `kind`.
pub(super) fn field_label(kind: RecordKind, name: &str) -> String {
    kind.text_fields()
        .iter()
        .find(|f| f.name == name)
        .map(|f| f.label)
        .or_else(|| label_in(FIELD_LABELS, name))
        .unwrap_or(name)
        .to_owned()
}

/// A value in one line: texts as they are, enum names by their labels, anything else as JSON.
pub(super) fn short_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::Bool(true) => "Có".to_owned(),
        Value::Bool(false) => "Không".to_owned(),
        Value::String(s) => parse_name::<Rating>(s)
            .map(|r| r.label().to_owned())
            .or_else(|| parse_name::<Discipline>(s).map(|d| d.label().to_owned()))
            .or_else(|| parse_name::<Scope>(s).map(|d| d.label().to_owned()))
            .or_else(|| parse_name::<InitiativeKind>(s).map(|k| k.label().to_owned()))
            .or_else(|| parse_name::<Track>(s).map(|t| t.label().to_owned()))
            .unwrap_or_else(|| s.clone()),
        other => other.to_string(),
    }
}

/// The rows of a table field: a list of objects, or a map of objects keyed by id (the key becomes a column).
fn rows_of(value: &Value) -> Option<Vec<Map<String, Value>>> {
    match value {
        Value::Array(items) => items.iter().map(|item| item.as_object().cloned()).collect(),
        Value::Object(map) if !map.is_empty() => Some(
            map.iter()
                .map(|(key, row)| {
                    let mut cells = Map::new();
                    cells.insert("key".into(), Value::String(key.clone()));
                    match row {
                        Value::Object(fields) => cells.extend(fields.clone()),
                        other => {
                            cells.insert("value".into(), other.clone());
                        }
                    }
                    cells
                })
                .collect(),
        ),
        _ => None,
    }
}

/// A table cell: a key names a person when it is one, a title code reads as the title's name. Read untracked: a
/// conflict is not rebuilt (dropping a combination being typed) whenever the tablet's records reload.
fn cell_text(local: LocalData, column: &str, value: &Value) -> String {
    let text = short_text(value);
    match column {
        "key" => local.records.with_untracked(|all| {
            all.iter().find(|r| r.id.to_string() == text).map_or_else(|| text.clone(), crate::local::person_name)
        }),
        "value" | "title" => local.reference.with_untracked(|r| r.rulebook.title_name(&text).to_owned()),
        _ => text,
    }
}

/// Both versions of a table, row by row; rows that differ between the two are marked.
fn table_view(local: LocalData, mine: &[Map<String, Value>], theirs: &[Map<String, Value>]) -> AnyView {
    let mut columns: Vec<String> = Vec::new();
    for row in mine {
        for name in row.keys() {
            // Row ids are for the app, not for reading.
            if name != "id" && !columns.contains(name) {
                columns.push(name.clone());
            }
        }
    }
    let headings = columns.iter().map(|c| label_in(COLUMN_LABELS, c).unwrap_or("").to_owned()).collect::<Vec<_>>();
    let body = mine
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let changed = theirs.get(index) != Some(row);
            let cells = columns
                .iter()
                .map(|c| view! { <td>{row.get(c).map(|v| cell_text(local, c, v)).unwrap_or_default()}</td> })
                .collect_view();
            view! { <tr class:changed=changed>{cells}</tr> }
        })
        .collect_view();
    view! {
        <table class="grid conflict-table">
            <thead><tr>{headings.into_iter().map(|h| view! { <th>{h}</th> }).collect_view()}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
    .into_any()
}

fn value_view(local: LocalData, value: &Value, other: &Value) -> AnyView {
    match (value, rows_of(value)) {
        (Value::String(text), _) => view! { <blockquote>{text.clone()}</blockquote> }.into_any(),
        (Value::Null, _) => view! { <blockquote class="muted">"(để trống)"</blockquote> }.into_any(),
        (_, Some(rows)) if !rows.is_empty() => table_view(local, &rows, &rows_of(other).unwrap_or_default()),
        (Value::Array(_), _) => view! { <blockquote class="muted">"(không có dòng nào)"</blockquote> }.into_any(),
        (Value::Bool(_) | Value::Number(_), _) => view! { <blockquote>{short_text(value)}</blockquote> }.into_any(),
        _ => view! { <pre class="code">{value.to_string()}</pre> }.into_any(),
    }
}

/// The open conflicts of the record `draft` edits: on one `field`, or on all of them.
pub fn draft_conflicts(draft: Draft, local: LocalData, field: Option<&'static str>) -> impl IntoView {
    move || {
        draft
            .conflicts(field)
            .into_iter()
            .map(|conflict| conflict_view(conflict, draft, local, field.is_none()))
            .collect_view()
    }
}

/// The open conflicts of a record's attached files: a caption two people changed, a file one removed while
/// another captioned it.
pub fn attachment_conflicts(draft: Draft, local: LocalData) -> impl IntoView {
    move || {
        draft
            .conflicts(None)
            .into_iter()
            .filter(|c| domain::attachment::is_attachment_field(&c.field))
            .map(|conflict| conflict_view(conflict, draft, local, true))
            .collect_view()
    }
}

/// One conflict: both sides, who wrote each and when, and the ways to settle it.
fn conflict_view(conflict: OpenConflict, draft: Draft, local: LocalData, labelled: bool) -> impl IntoView {
    let (kept, other) = (conflict.kept.value.clone(), conflict.other.value.clone());
    let side = |label: &'static str, by: &str, at: DateTime<Utc>, value: &Value, against: &Value| {
        // Only this name follows the reference data (it may arrive after the panel is drawn).
        let by = by.to_owned();
        let who = move || if by.is_empty() { "máy chủ".to_owned() } else { local.user_name(&by) };
        view! {
            <div class="side">
                <div class="muted">{label} " — " {who} ", " {format_time(at)}</div>
                {value_view(local, value, against)}
            </div>
        }
    };
    let texts = match (&kept, &other) {
        (Value::String(a), Value::String(b)) => Some((a.clone(), b.clone())),
        _ => None,
    };
    let difference =
        texts.as_ref().filter(|(a, b)| a.chars().count() + b.chars().count() > DIFF_FROM_CHARS).map(|(a, b)| {
            diff_words(a, b)
                .into_iter()
                .map(|part| match part {
                    Part::Same(t) => view! { <span>{t}</span> }.into_any(),
                    Part::Removed(t) => view! { <del>{t}</del> }.into_any(),
                    Part::Added(t) => view! { <ins>{t}</ins> }.into_any(),
                })
                .collect_view()
        });
    let combined = RwSignal::new(texts.map(|(a, b)| format!("{a}\n{b}")));
    let settled = conflict.id > 0;
    let conflict = StoredValue::new(conflict);
    let choose = move |value: Value| conflict.with_value(|c| draft.resolve(c, value));
    let (take_kept, take_other) = (StoredValue::new(kept.clone()), StoredValue::new(other.clone()));
    let heading = labelled.then(|| conflict.with_value(|c| format!(" — {}", field_label(draft.kind(), &c.field))));
    view! {
        <div class="conflict" role="alert" data-conflict=conflict.with_value(|c| c.id.to_string())
            data-field=conflict.with_value(|c| c.field.clone())>
            <strong>"Xung đột: hai người cùng sửa mục này khi chưa thấy bản của nhau." {heading}</strong>
            {conflict.with_value(|c| side("Bản đang lưu", &c.kept.by, c.kept.at, &kept, &other))}
            {conflict.with_value(|c| side("Bản còn lại", &c.other.by, c.other.at, &other, &kept))}
            {difference.map(|d| view! { <p class="diff"><span class="muted">"Khác nhau: "</span>{d}</p> })}
            <Show when=move || settled fallback=|| view! { <p class="muted">"Đang chờ máy chủ ghi nhận xung đột…"</p> }>
                <div class="actions">
                    <button class="secondary choose-kept" on:click=move |_| choose(take_kept.get_value())>"Giữ bản đang lưu"</button>
                    <button class="secondary choose-other" on:click=move |_| choose(take_other.get_value())>"Dùng bản còn lại"</button>
                </div>
                <Show when=move || combined.with(Option::is_some)>
                    <label>"Hoặc kết hợp hai bản:"</label>
                    <textarea class="combine" rows="4" prop:value=move || combined.get().unwrap_or_default()
                        on:input=move |ev| combined.set(Some(event_target_value(&ev)))></textarea>
                    <button class="secondary combine-save" on:click=move |_| {
                        if let Some(text) = combined.get_untracked() {
                            choose(Value::String(text));
                        }
                    }>"Dùng bản kết hợp"</button>
                </Show>
            </Show>
        </div>
    }
}
