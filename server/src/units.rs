//! The admin's org tree: `POST /api/admin/units` (a new unit), `PUT /api/admin/units/{id}` (renamed, moved or
//! closed) and `POST /api/admin/merges` (units that continue as another), all within the admin's own subtree.
//!
//! Every change is checked against the whole tree inside the writer's transaction (`db/units.rs`), so two
//! admins' changes cannot each pass a check the other breaks. Tablets see the result with their next fetch of
//! `GET /api/reference`, which is read fresh from the tables every time.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use chrono::{NaiveDate, Utc};
use domain::api::{ErrorBody, NewUnit, OrgUnit, UnitUpdate};
use domain::calendar::{format_date, vietnam_date};
use domain::org::{lineage, UnitMerge};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::accounts::admin_only;
use crate::db::{Checked, OrgTree, Session};
use crate::error::{ApiError, Json, Path};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_unit)).routes(routes!(update_unit)).routes(routes!(create_merge))
}

/// The longest name or kind a unit may have (the longest real ones are about 120 characters).
const MAX_CHARS: usize = 200;
/// How many still-open units a refusal names before it only counts the rest.
const NAMED: usize = 5;

const MANAGES_UNITS: &str = "Chỉ quản trị viên được quản lý đơn vị.";

/// A unit outside the admin's subtree answers like a missing one.
fn no_such_unit() -> ApiError {
    ApiError::NotFound("Không có đơn vị này trong phạm vi quản lý của bạn.")
}

/// The scope holds only existing units, so one refusal answers alike for a unit elsewhere and for none.
fn out_of_scope() -> ApiError {
    ApiError::Forbidden("Đơn vị này nằm ngoài phạm vi quản lý của bạn.")
}

fn root_refused() -> ApiError {
    ApiError::Forbidden("Đơn vị gốc của bạn chỉ quản trị viên cấp trên được chuyển, đóng hoặc sáp nhập.")
}

/// `text` trimmed, refused when empty or over [`MAX_CHARS`].
fn checked_text(text: &str, missing: &str, what: &str) -> Result<String, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ApiError::Invalid(missing.into()));
    }
    if text.chars().count() > MAX_CHARS {
        return Err(ApiError::Invalid(format!("{what} dài quá {MAX_CHARS} ký tự.")));
    }
    Ok(text.to_owned())
}

/// A new unit's id: its name without diacritics, as the seeded ids read ("ttvh-tam-duong"), and a random tail,
/// so two units of one name never share an id.
fn new_unit_id(name: &str) -> String {
    let mut slug = String::new();
    for c in domain::text::fold(name).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 40 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let tail = &Uuid::new_v4().simple().to_string()[..8];
    if slug.is_empty() {
        format!("don-vi-{tail}")
    } else {
        format!("{slug}-{tail}")
    }
}

/// Whether `unit` is in operation on `day` (its `valid_to` is its last day).
fn open_on(unit: &OrgUnit, day: NaiveDate) -> bool {
    unit.valid_from <= day && unit.valid_to.is_none_or(|to| to >= day)
}

/// `id` and every unit below it.
fn subtree(tree: &OrgTree, id: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::from([id.to_owned()]);
    let mut frontier = vec![id.to_owned()];
    while let Some(current) = frontier.pop() {
        for child in tree.units.iter().filter(|u| u.parent_id.as_deref() == Some(current.as_str())) {
            if found.insert(child.id.clone()) {
                frontier.push(child.id.clone());
            }
        }
    }
    found
}

/// The children of `parent` still in operation after `last_day`, except those in `closing`.
fn open_children<'a>(tree: &'a OrgTree, parent: &str, last_day: NaiveDate, closing: &[String]) -> Vec<&'a OrgUnit> {
    tree.units
        .iter()
        .filter(|u| u.parent_id.as_deref() == Some(parent) && !closing.contains(&u.id))
        .filter(|u| u.valid_to.is_none_or(|to| to > last_day))
        .collect()
}

/// "“A”, “B” và 3 đơn vị khác".
fn named(units: &[&OrgUnit]) -> String {
    let mut names: Vec<String> = units.iter().take(NAMED).map(|u| format!("“{}”", u.name)).collect();
    if units.len() > NAMED {
        names.push(format!("{} đơn vị khác", units.len() - NAMED));
    }
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} và {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

/// The merge that ended `unit`, if any.
fn merged_away<'a>(tree: &'a OrgTree, unit: &str) -> Option<&'a UnitMerge> {
    tree.merges.iter().find(|m| m.from.iter().any(|f| f == unit))
}

fn name_of<'a>(tree: &'a OrgTree, id: &'a str) -> &'a str {
    tree.unit(id).map_or(id, |u| u.name.as_str())
}

/// An admin creates a unit under an open unit of their subtree. The server makes its id; it starts today (in
/// Vietnam) unless `valid_from` says otherwise, never before its parent.
#[utoipa::path(post, path = "/admin/units", tag = "units", security(("bearer" = [])),
    request_body = NewUnit, responses(
    (status = 201, description = "Đã tạo đơn vị.", body = OrgUnit),
    (status = 403, description = "Không phải quản trị viên, hoặc đơn vị cấp trên ngoài phạm vi.", body = ErrorBody),
    (status = 422, description = "Thiếu tên, loại; hoặc đơn vị cấp trên đã ngừng hoạt động.", body = ErrorBody),
))]
async fn create_unit(
    State(state): State<AppState>,
    session: Session,
    Json(request): Json<NewUnit>,
) -> Result<(StatusCode, Json<OrgUnit>), ApiError> {
    admin_only(&session, MANAGES_UNITS)?;
    let name = checked_text(&request.name, "Cần nhập tên đơn vị.", "Tên đơn vị")?;
    let kind = checked_text(&request.kind, "Cần nhập loại đơn vị.", "Loại đơn vị")?;
    let now = Utc::now();
    let today = vietnam_date(now);
    let valid_from = request.valid_from.unwrap_or(today);
    let make = |tree: &OrgTree| -> Result<OrgUnit, ApiError> {
        let parent = tree.unit(&request.parent_id).filter(|p| session.may_manage(&p.id));
        let Some(parent) = parent else { return Err(out_of_scope()) };
        if parent.valid_to.is_some_and(|to| to < today) {
            return Err(ApiError::Invalid(format!("Đơn vị cấp trên “{}” đã ngừng hoạt động.", parent.name)));
        }
        if valid_from < parent.valid_from {
            return Err(ApiError::Invalid(format!(
                "Đơn vị cấp trên “{}” thành lập ngày {}, sau ngày bắt đầu của đơn vị mới.",
                parent.name,
                format_date(parent.valid_from)
            )));
        }
        Ok(OrgUnit {
            id: new_unit_id(&name),
            parent_id: Some(parent.id.clone()),
            kind: kind.clone(),
            name: name.clone(),
            valid_from,
            valid_to: None,
        })
    };
    let unit = state.db.create_unit((&session.user_id, now), make).await??;
    tracing::info!(admin = %session.user_id, unit = %unit.id, parent = ?unit.parent_id, "unit created");
    Ok((StatusCode::CREATED, Json(unit)))
}

/// An admin renames a unit of their subtree, moves it under another open unit of it, closes it (`valid_to`, its
/// last day) or opens it again. Refused: moving a unit under itself or a unit below it; moving or closing the
/// admin's own root unit (that is for the admin above); closing a unit while units below it are still open after
/// that day (the refusal names them: move or close them first); changing the end date of a unit a merge ended;
/// opening a unit again under a closed parent. A unit's accounts stay with it when it closes: they keep their
/// history and the admin moves them (`PUT /api/admin/users/{id}`), which a closed unit's people need anyway.
#[utoipa::path(put, path = "/admin/units/{id}", tag = "units", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã đơn vị")),
    request_body = UnitUpdate, responses(
    (status = 200, description = "Đã lưu đơn vị.", body = OrgUnit),
    (status = 403, description = "Không phải quản trị viên, đơn vị cấp trên ngoài phạm vi, hoặc là đơn vị gốc của bạn.", body = ErrorBody),
    (status = 404, description = "Không có đơn vị này trong phạm vi.", body = ErrorBody),
    (status = 422, description = "Thiếu tên, loại; chuyển vào chính nó hoặc đơn vị cấp dưới; đơn vị cấp trên đã ngừng hoạt động; còn đơn vị trực thuộc đang hoạt động.", body = ErrorBody),
))]
async fn update_unit(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
    Json(request): Json<UnitUpdate>,
) -> Result<Json<OrgUnit>, ApiError> {
    admin_only(&session, MANAGES_UNITS)?;
    let now = Utc::now();
    let today = vietnam_date(now);
    let change = |tree: &OrgTree, before: &OrgUnit| -> Result<OrgUnit, ApiError> {
        if !session.may_manage(&before.id) {
            return Err(no_such_unit());
        }
        let name = checked_text(&request.name, "Cần nhập tên đơn vị.", "Tên đơn vị")?;
        let kind = checked_text(&request.kind, "Cần nhập loại đơn vị.", "Loại đơn vị")?;
        let parent_id = request.parent_id.clone().or_else(|| before.parent_id.clone());
        let moving = parent_id != before.parent_id;
        let closing = request.valid_to != before.valid_to;
        if (moving || closing) && before.id == session.unit_id {
            return Err(root_refused());
        }
        let parent = parent_id.as_deref().and_then(|p| tree.unit(p));
        if moving {
            let Some(parent) = parent.filter(|p| session.may_manage(&p.id)) else {
                return Err(out_of_scope());
            };
            if subtree(tree, &before.id).contains(&parent.id) {
                return Err(ApiError::Invalid(
                    "Không thể chuyển một đơn vị vào chính nó hoặc vào đơn vị cấp dưới của nó.".into(),
                ));
            }
        }
        // A unit moved, or opened again, needs a parent in operation.
        let reopening = closing && request.valid_to.is_none();
        if moving || reopening {
            if let Some(parent) = parent.filter(|p| p.valid_to.is_some_and(|to| to < today)) {
                return Err(ApiError::Invalid(format!("Đơn vị cấp trên “{}” đã ngừng hoạt động.", parent.name)));
            }
        }
        if closing {
            if let Some(merge) = merged_away(tree, &before.id) {
                return Err(ApiError::Invalid(format!(
                    "“{}” đã sáp nhập vào “{}” ngày {}; ngày ngừng hoạt động theo việc sáp nhập.",
                    before.name,
                    name_of(tree, &merge.into),
                    format_date(merge.on)
                )));
            }
            if let Some(last_day) = request.valid_to {
                if last_day < before.valid_from {
                    return Err(ApiError::Invalid(format!(
                        "Ngày ngừng hoạt động không được trước ngày thành lập ({}).",
                        format_date(before.valid_from)
                    )));
                }
                let open = open_children(tree, &before.id, last_day, &[]);
                if !open.is_empty() {
                    return Err(ApiError::Invalid(format!(
                        "Còn đơn vị trực thuộc đang hoạt động: {}. Hãy chuyển hoặc đóng các đơn vị này trước.",
                        named(&open)
                    )));
                }
            }
        }
        Ok(OrgUnit { parent_id, kind, name, valid_to: request.valid_to, ..before.clone() })
    };
    match state.db.update_unit(&id, (&session.user_id, now), change).await? {
        Checked::Done(unit) => {
            tracing::info!(admin = %session.user_id, unit = %unit.id, parent = ?unit.parent_id,
                valid_to = ?unit.valid_to, "unit updated");
            Ok(Json(unit))
        }
        Checked::NotFound => Err(no_such_unit()),
        Checked::Refused(refusal) => Err(refusal),
    }
}

/// An admin records that units `from` continued as `into` on `on`: each `from` unit closes the day before (a
/// unit that had closed earlier keeps its date), and its people and history stay in reach of `into`'s scope.
/// Every unit must be in the admin's subtree, `into` in operation on `on` and not among `from`; a unit merges
/// only once, never into a unit that had merged into it, and not while units below it are still open (move them
/// first; merging them too is fine).
#[utoipa::path(post, path = "/admin/merges", tag = "units", security(("bearer" = [])),
    request_body = UnitMerge, responses(
    (status = 201, description = "Đã ghi việc sáp nhập; các đơn vị được sáp nhập đã ngừng hoạt động.", body = UnitMerge),
    (status = 403, description = "Không phải quản trị viên, có đơn vị ngoài phạm vi, hoặc sáp nhập đơn vị gốc của bạn.", body = ErrorBody),
    (status = 422, description = "Việc sáp nhập không hợp lệ (đơn vị đã sáp nhập, đơn vị tiếp nhận không hoạt động, …).", body = ErrorBody),
))]
async fn create_merge(
    State(state): State<AppState>,
    session: Session,
    Json(merge): Json<UnitMerge>,
) -> Result<(StatusCode, Json<UnitMerge>), ApiError> {
    admin_only(&session, MANAGES_UNITS)?;
    if merge.from.is_empty() {
        return Err(ApiError::Invalid("Cần chọn ít nhất một đơn vị được sáp nhập.".into()));
    }
    if merge.from.iter().collect::<BTreeSet<_>>().len() != merge.from.len() {
        return Err(ApiError::Invalid("Một đơn vị được chọn hai lần.".into()));
    }
    if merge.from.contains(&merge.into) {
        return Err(ApiError::Invalid("Đơn vị tiếp nhận không thể đồng thời là đơn vị được sáp nhập.".into()));
    }
    let Some(last_day) = merge.on.pred_opt() else {
        return Err(ApiError::Invalid("Ngày sáp nhập không hợp lệ.".into()));
    };
    let check = |tree: &OrgTree| -> Result<Vec<(String, NaiveDate)>, ApiError> {
        for id in merge.from.iter().chain([&merge.into]) {
            if !tree.unit(id).is_some_and(|u| session.may_manage(&u.id)) {
                return Err(out_of_scope());
            }
        }
        if merge.from.contains(&session.unit_id) {
            return Err(root_refused());
        }
        let into = tree.unit(&merge.into).ok_or_else(no_such_unit)?;
        if !open_on(into, merge.on) {
            return Err(ApiError::Invalid(format!(
                "“{}” không hoạt động vào ngày {}.",
                into.name,
                format_date(merge.on)
            )));
        }
        let mut closes = Vec::new();
        for from in &merge.from {
            let unit = tree.unit(from).ok_or_else(no_such_unit)?;
            if let Some(earlier) = merged_away(tree, from) {
                return Err(ApiError::Invalid(format!(
                    "“{}” đã sáp nhập vào “{}” ngày {}.",
                    unit.name,
                    name_of(tree, &earlier.into),
                    format_date(earlier.on)
                )));
            }
            if unit.valid_from >= merge.on {
                return Err(ApiError::Invalid(format!(
                    "“{}” thành lập ngày {}, không sáp nhập được vào ngày {}.",
                    unit.name,
                    format_date(unit.valid_from),
                    format_date(merge.on)
                )));
            }
            // `into` continued `from` before: merging back would make each the other's predecessor.
            if lineage(from, &tree.merges).contains(&merge.into) {
                return Err(ApiError::Invalid(format!(
                    "“{}” đã sáp nhập vào “{}” trước đây; không thể sáp nhập ngược lại.",
                    into.name, unit.name
                )));
            }
            let open = open_children(tree, from, last_day, &merge.from);
            if !open.is_empty() {
                return Err(ApiError::Invalid(format!(
                    "“{}” còn đơn vị trực thuộc đang hoạt động: {}. Hãy chuyển các đơn vị này trước.",
                    unit.name,
                    named(&open)
                )));
            }
            // A unit that had closed before the merge keeps its own last day.
            if unit.valid_to.is_none_or(|to| to >= merge.on) {
                closes.push((from.clone(), last_day));
            }
        }
        Ok(closes)
    };
    state.db.create_merge(&merge, (&session.user_id, Utc::now()), check).await??;
    tracing::info!(admin = %session.user_id, from = ?merge.from, into = %merge.into, on = %merge.on, "units merged");
    Ok((StatusCode::CREATED, Json(merge)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(id: &str, parent: Option<&str>, valid_to: Option<NaiveDate>) -> OrgUnit {
        OrgUnit {
            id: id.into(),
            parent_id: parent.map(Into::into),
            kind: "đơn vị".into(),
            name: id.to_uppercase(),
            valid_from: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            valid_to,
        }
    }

    #[test]
    fn a_new_id_reads_like_the_name() {
        let id = new_unit_id("Trung tâm Văn hóa – Thông tin xã Đạo Trù");
        assert!(id.starts_with("trung-tam-van-hoa-thong-tin-xa-dao-tru-"), "{id}");
        assert_eq!(id.len(), "trung-tam-van-hoa-thong-tin-xa-dao-tru-".len() + 8);
        assert_ne!(new_unit_id("A"), new_unit_id("A"));
        assert!(new_unit_id("—").starts_with("don-vi-"));
        assert!(new_unit_id(&"Rất dài ".repeat(40)).len() <= 41 + 8);
    }

    #[test]
    fn subtrees_and_open_children() {
        let day = NaiveDate::from_ymd_opt(2025, 6, 30).unwrap();
        let tree = OrgTree {
            units: vec![
                unit("so", None, None),
                unit("a", Some("so"), None),
                unit("a1", Some("a"), None),
                unit("a2", Some("a"), Some(day)),
                unit("b", Some("so"), None),
            ],
            merges: Vec::new(),
        };
        assert_eq!(subtree(&tree, "a").into_iter().collect::<Vec<_>>(), ["a", "a1", "a2"]);
        let open: Vec<&str> = open_children(&tree, "a", day, &[]).iter().map(|u| u.id.as_str()).collect();
        assert_eq!(open, ["a1"], "a2 closes that day too");
        assert!(open_children(&tree, "a", day, &["a1".into()]).is_empty());
        let before = day.pred_opt().unwrap();
        assert_eq!(open_children(&tree, "a", before, &[]).len(), 2);
        let all: Vec<&OrgUnit> = tree.units.iter().collect();
        assert_eq!(named(&all[..1]), "“SO”");
        assert_eq!(named(&all[..3]), "“SO”, “A” và “A1”");
        assert_eq!(named(&[all.clone(), all].concat()), "“SO”, “A”, “A1”, “A2”, “B” và 5 đơn vị khác");
    }
}
