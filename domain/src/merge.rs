//! The server's three-way merge of one mutation into a stored record, field by field.
//!
//! A change to field f based on revision b applies if f has not changed since b. If it has, and to another
//! value, the server keeps its value and the mutation's value is handed back as a conflict: nothing is
//! overwritten silently, and nothing is dropped.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::fields::validate_fields;
use crate::model::{derived_for_unit, Fields, WorkflowState};
use crate::role::Role;
use crate::sync::{FieldConflict, Mutation, Op, Outcome, RejectCode};
use crate::workflow::{may_edit_content, transition};

/// A stored field, the record revision at which it last changed, and who changed it (`sync::writer_id`).
#[derive(Clone, Debug, PartialEq)]
pub struct StoredField {
    pub value: Value,
    pub rev: i64,
    pub writer: String,
}

impl StoredField {
    /// Whether a mutation by `writer` based on `base_rev` was made without seeing this value. A tablet has seen
    /// its own writes: its mutations reach the server in the order they were made, each typed on top of the
    /// ones before.
    fn unseen_by(&self, base_rev: i64, writer: &str) -> bool {
        self.rev > base_rev && self.writer != writer
    }
}

/// What the merge needs to know about the record as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRecord {
    pub kind: crate::RecordKind,
    pub unit_id: String,
    pub rev: i64,
    pub deleted: bool,
    pub state: WorkflowState,
    pub fields: BTreeMap<String, StoredField>,
    /// Open conflicts: (id, field).
    pub open_conflicts: Vec<(i64, String)>,
}

impl StoredRecord {
    /// The open conflicts on `field` among those a resolution names (it may name some already settled).
    fn open_conflicts_settled(&self, field: &str, named: &[i64]) -> Vec<i64> {
        self.open_conflicts.iter().filter(|(id, f)| f == field && named.contains(id)).map(|(id, _)| *id).collect()
    }
}

/// What to write, decided without touching storage.
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    /// Fields to write at the new revision.
    pub writes: Fields,
    pub delete: bool,
    /// Bring a deleted record back (a person settled an edit made against its deletion).
    pub restore: bool,
    /// A new workflow state, with the note that goes with it (the reason of a return).
    pub new_state: Option<(WorkflowState, Option<String>)>,
    /// Open conflicts this mutation settles.
    pub resolves: Vec<i64>,
    /// The answer for the client. Its `rev` is the revision after the write.
    pub outcome: Outcome,
}

impl Merge {
    /// The revision to store, if this merge changes the record. A recorded conflict is a change too: the record
    /// now carries an open conflict every tablet must pull.
    pub fn written_rev(&self) -> Option<i64> {
        let conflict = matches!(self.outcome, Outcome::Conflict { .. });
        if !self.delete
            && !self.restore
            && self.writes.is_empty()
            && self.new_state.is_none()
            && self.resolves.is_empty()
            && !conflict
        {
            return None;
        }
        match self.outcome {
            Outcome::Applied { rev } | Outcome::Merged { rev } | Outcome::Conflict { rev, .. } => Some(rev),
            Outcome::Rejected { .. } => None,
        }
    }

    /// Whether the record is a tombstone after this merge, given whether it was one before: a delete makes one,
    /// and only a restore (a settled edit made against the deletion) undoes it.
    pub fn leaves_deleted(&self, was_deleted: bool) -> bool {
        (self.delete || was_deleted) && !self.restore
    }

    /// The workflow state and note after this merge, given the stored ones (a new record starts as a draft).
    pub fn state_after(&self, stored: Option<(WorkflowState, Option<String>)>) -> (WorkflowState, Option<String>) {
        match &self.new_state {
            Some((state, note)) => (*state, note.clone()),
            None => stored.unwrap_or((WorkflowState::Draft, None)),
        }
    }

    /// Whether the record after this merge is exactly what its writer already holds, so that the writer's own
    /// pulls may skip it: a clean edit or resolution, not a merge, conflict or workflow step.
    pub fn echo_free(&self, op: &Op) -> bool {
        matches!(self.outcome, Outcome::Applied { .. }) && matches!(op, Op::Set { .. } | Op::Resolve { .. })
    }

    /// The audit log's description of this change: each written field's old and new value (`old` gives the
    /// stored one), the new state, a delete or restore, and the fields that became conflicts.
    pub fn audit_changes(&self, old: impl Fn(&str) -> Value) -> serde_json::Map<String, Value> {
        let mut changes = serde_json::Map::new();
        for (name, value) in &self.writes {
            changes.insert(name.clone(), serde_json::json!({"old": old(name), "new": value}));
        }
        if let Some((state, note)) = &self.new_state {
            changes.insert("state".into(), serde_json::json!({"new": state.as_str(), "note": note}));
        }
        if self.delete {
            changes.insert("deleted".into(), Value::Bool(true));
        }
        if self.restore {
            changes.insert("restored".into(), Value::Bool(true));
        }
        if let Outcome::Conflict { conflicts, .. } = &self.outcome {
            let fields: Vec<Value> = conflicts.iter().map(|c| Value::String(c.field.clone())).collect();
            changes.insert("conflicts".into(), Value::Array(fields));
        }
        changes
    }

    fn nothing(outcome: Outcome) -> Self {
        Merge { writes: Fields::new(), delete: false, restore: false, new_state: None, resolves: Vec::new(), outcome }
    }

    pub fn reject(code: RejectCode, message: impl Into<String>) -> Self {
        Self::nothing(Outcome::rejected(code, message))
    }
}

fn one_field(name: &str, value: &Value) -> Fields {
    [(name.to_owned(), value.clone())].into_iter().collect()
}

fn locked(state: WorkflowState) -> Merge {
    Merge::reject(
        RejectCode::Locked,
        format!(
            "Hồ sơ đang ở trạng thái “{}” nên không sửa được; nội dung của bạn vẫn được giữ trên máy",
            state.label()
        ),
    )
}

/// Merges `mutation`, made by `writer` with `role`, into `current` (None if the record was never stored).
pub fn merge(current: Option<&StoredRecord>, mutation: &Mutation, role: Role, writer: &str) -> Merge {
    let checked = match &mutation.op {
        Op::Set { fields } => validate_fields(mutation.kind, fields),
        Op::Resolve { field, value, .. } => validate_fields(mutation.kind, &one_field(field, value)),
        Op::Delete | Op::Transition { .. } => Ok(()),
    };
    if let Err(e) = checked {
        return Merge::reject(RejectCode::Invalid, e.to_string());
    }
    if !matches!(mutation.op, Op::Transition { .. }) && !may_edit_content(role) {
        return Merge::reject(
            RejectCode::NotAllowed,
            format!("Vai trò “{}” không được sửa nội dung báo cáo của đơn vị", role.label()),
        );
    }
    let Some(current) = current else {
        return merge_new(mutation);
    };
    if current.kind != mutation.kind || current.unit_id != mutation.unit_id {
        // Another unit's derived id gets the same answer whether that unit has started the record or not, so
        // nobody learns from the answer what another unit is working on.
        if !derived_for_unit(mutation.record_id, mutation.kind, &mutation.unit_id) {
            return not_your_derived_id();
        }
        return Merge::reject(RejectCode::BadRevision, "Không thể đổi loại hồ sơ hoặc đơn vị của hồ sơ đã có");
    }
    if mutation.base_rev < 0 || mutation.base_rev > current.rev {
        return Merge::reject(
            RejectCode::BadRevision,
            format!("Phiên bản {} không tồn tại trên máy chủ (hiện là {})", mutation.base_rev, current.rev),
        );
    }
    let next_rev = current.rev + 1;

    match &mutation.op {
        Op::Transition { action } => {
            if current.deleted {
                return Merge::reject(RejectCode::NotFound, "Hồ sơ đã bị xoá");
            }
            match transition(mutation.kind, current.state, action, role) {
                Ok(state) => {
                    let note = match action {
                        crate::workflow::Action::Return { reason } => Some(reason.trim().to_owned()),
                        _ => None,
                    };
                    Merge { new_state: Some((state, note)), ..Merge::nothing(Outcome::Applied { rev: next_rev }) }
                }
                Err(refusal) => Merge::reject(RejectCode::NotAllowed, refusal.to_string()),
            }
        }
        Op::Set { fields } if current.deleted => deleted_conflict(current, fields),
        Op::Resolve { field, value, conflicts } if current.deleted => {
            restore(current, mutation.base_rev, writer, field, value, conflicts)
        }
        Op::Set { .. } | Op::Resolve { .. } | Op::Delete if !current.state.editable() => locked(current.state),
        Op::Set { fields } => merge_fields(current, mutation.base_rev, writer, fields, Vec::new()),
        Op::Resolve { field, value, conflicts } => {
            let still_open = current.open_conflicts_settled(field, conflicts);
            merge_fields(current, mutation.base_rev, writer, &one_field(field, value), still_open)
        }
        Op::Delete if current.deleted => Merge::nothing(Outcome::Applied { rev: current.rev }),
        Op::Delete => {
            let conflicts: Vec<FieldConflict> = current
                .fields
                .iter()
                .filter(|(_, field)| field.unseen_by(mutation.base_rev, writer))
                .map(|(name, field)| FieldConflict {
                    field: name.clone(),
                    server_value: field.value.clone(),
                    client_value: Value::Null,
                })
                .collect();
            if conflicts.is_empty() {
                Merge { delete: true, ..Merge::nothing(Outcome::Applied { rev: next_rev }) }
            } else {
                // Someone edited the record after this tablet last saw it: deleting would lose their work.
                Merge::nothing(Outcome::Conflict { rev: next_rev, conflicts })
            }
        }
    }
}

/// Field-by-field: a field applies if it has not changed since `base_rev`; otherwise, if the values differ,
/// the stored value stays and both come back as a conflict. `resolves` are settled only if nothing conflicts.
fn merge_fields(current: &StoredRecord, base_rev: i64, writer: &str, fields: &Fields, resolves: Vec<i64>) -> Merge {
    let mut writes = Fields::new();
    let mut conflicts = Vec::new();
    for (name, value) in fields {
        let stored = current.fields.get(name);
        if stored.is_some_and(|f| f.value == *value) || (stored.is_none() && value.is_null()) {
            continue;
        }
        match stored {
            Some(field) if field.unseen_by(base_rev, writer) => conflicts.push(FieldConflict {
                field: name.clone(),
                server_value: field.value.clone(),
                client_value: value.clone(),
            }),
            _ => {
                writes.insert(name.clone(), value.clone());
            }
        }
    }
    let resolves = if conflicts.is_empty() { resolves } else { Vec::new() };
    let unchanged = writes.is_empty() && resolves.is_empty() && conflicts.is_empty();
    let rev = if unchanged { current.rev } else { current.rev + 1 };
    let outcome = if !conflicts.is_empty() {
        Outcome::Conflict { rev, conflicts }
    } else if base_rev < current.rev {
        Outcome::Merged { rev }
    } else {
        Outcome::Applied { rev }
    };
    Merge { writes, delete: false, restore: false, new_state: None, resolves, outcome }
}

/// Settling an edit made against a deletion. With a value, the record comes back, its other fields as they were
/// and the chosen value merged like any edit: if someone changed that field before the deletion, unseen by this
/// writer, their value stays and the chosen one is kept beside it as a conflict. With no value (the deletion's
/// side chosen), it stays deleted. Either way the deletion's conflict is settled, and the answer is never
/// `applied`: what the server now holds is not the tablet's copy plus this change, so the tablet pulls it back.
fn restore(
    current: &StoredRecord,
    base_rev: i64,
    writer: &str,
    field: &str,
    value: &Value,
    conflicts: &[i64],
) -> Merge {
    let settled = current.open_conflicts_settled(field, conflicts);
    let rev = current.rev + 1;
    if value.is_null() {
        return Merge { resolves: settled, ..Merge::nothing(Outcome::Merged { rev }) };
    }
    let merged = merge_fields(current, base_rev, writer, &one_field(field, value), Vec::new());
    let outcome = match merged.outcome {
        Outcome::Conflict { conflicts, .. } => Outcome::Conflict { rev, conflicts },
        _ => Outcome::Merged { rev },
    };
    Merge { restore: true, resolves: settled, outcome, ..merged }
}

/// An edit of a deleted record is kept as a conflict so a person can restore it.
fn deleted_conflict(current: &StoredRecord, fields: &Fields) -> Merge {
    Merge::nothing(Outcome::Conflict {
        rev: current.rev + 1,
        conflicts: fields
            .iter()
            .map(|(name, value)| FieldConflict {
                field: name.clone(),
                server_value: Value::Null,
                client_value: value.clone(),
            })
            .collect(),
    })
}

fn not_your_derived_id() -> Merge {
    Merge::reject(RejectCode::Forbidden, "Mã hồ sơ này là báo cáo của một đơn vị khác")
}

fn merge_new(mutation: &Mutation) -> Merge {
    if !derived_for_unit(mutation.record_id, mutation.kind, &mutation.unit_id) {
        return not_your_derived_id();
    }
    match &mutation.op {
        Op::Set { fields } if mutation.base_rev == 0 => {
            Merge { writes: fields.clone(), ..Merge::nothing(Outcome::Applied { rev: 1 }) }
        }
        Op::Set { .. } => Merge::reject(
            RejectCode::BadRevision,
            format!("Phiên bản {} không tồn tại trên máy chủ (hồ sơ chưa có)", mutation.base_rev),
        ),
        Op::Delete | Op::Transition { .. } | Op::Resolve { .. } => {
            Merge::reject(RejectCode::NotFound, "Hồ sơ chưa có trên máy chủ")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workflow::Action;
    use crate::RecordKind;
    use chrono::{TimeZone, Utc};
    use serde_json::json;
    use uuid::Uuid;

    fn set(base_rev: i64, pairs: &[(&str, &str)]) -> Mutation {
        Mutation {
            id: Uuid::new_v4(),
            record_id: Uuid::nil(),
            kind: RecordKind::SelfAssessment,
            unit_id: "u1".into(),
            base_rev,
            op: Op::Set { fields: pairs.iter().map(|(k, v)| (k.to_string(), json!(v))).collect() },
            made_at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
        }
    }

    const STAFF: Role = Role::Staff;
    const ME: &str = "tamduong.lan/tablet-1";

    fn delete(base_rev: i64) -> Mutation {
        Mutation { op: Op::Delete, ..set(base_rev, &[]) }
    }

    /// A record at revision 3 whose `summary` changed at 1 and `achievements` at 3.
    fn stored() -> StoredRecord {
        StoredRecord {
            kind: RecordKind::SelfAssessment,
            unit_id: "u1".into(),
            rev: 3,
            deleted: false,
            state: WorkflowState::Draft,
            open_conflicts: Vec::new(),
            fields: [
                ("summary".to_string(), StoredField { value: json!("A"), rev: 1, writer: "other".into() }),
                ("achievements".to_string(), StoredField { value: json!("B"), rev: 3, writer: "other".into() }),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn new_record_is_created_at_rev_1() {
        let m = merge(None, &set(0, &[("summary", "x")]), STAFF, ME);
        assert_eq!(m.outcome, Outcome::Applied { rev: 1 });
        assert_eq!(m.writes["summary"], json!("x"));
    }

    #[test]
    fn new_record_with_a_base_revision_is_rejected() {
        let m = merge(None, &set(2, &[("summary", "x")]), STAFF, ME);
        assert!(matches!(m.outcome, Outcome::Rejected { code: RejectCode::BadRevision, .. }));
        assert!(m.written_rev().is_none());
    }

    #[test]
    fn edit_on_current_revision_applies() {
        let m = merge(Some(&stored()), &set(3, &[("achievements", "B2")]), STAFF, ME);
        assert_eq!(m.outcome, Outcome::Applied { rev: 4 });
        assert_eq!(m.writes["achievements"], json!("B2"));
    }

    #[test]
    fn edit_of_a_field_unchanged_since_base_merges() {
        // Base 1: achievements changed since (at 3), summary did not.
        let m = merge(Some(&stored()), &set(1, &[("summary", "A2")]), STAFF, ME);
        assert_eq!(m.outcome, Outcome::Merged { rev: 4 });
        assert_eq!(m.writes["summary"], json!("A2"));
    }

    #[test]
    fn edit_of_a_field_changed_since_base_is_a_conflict_keeping_both_values() {
        let m = merge(Some(&stored()), &set(1, &[("summary", "A2"), ("achievements", "mine")]), STAFF, ME);
        assert_eq!(m.writes.len(), 1, "the non-conflicting field still lands");
        assert_eq!(
            m.outcome,
            Outcome::Conflict {
                rev: 4,
                conflicts: vec![FieldConflict {
                    field: "achievements".into(),
                    server_value: json!("B"),
                    client_value: json!("mine"),
                }]
            }
        );
    }

    #[test]
    fn a_tablet_never_conflicts_with_its_own_earlier_write() {
        let mut mine = stored();
        mine.fields.get_mut("achievements").unwrap().writer = ME.into();
        // Typed on top of its own write at rev 3, while that push was still in flight (base 1).
        let m = merge(Some(&mine), &set(1, &[("achievements", "B, tiếp")]), STAFF, ME);
        assert_eq!(m.outcome, Outcome::Merged { rev: 4 });
        let other = merge(Some(&mine), &set(1, &[("achievements", "x")]), STAFF, "tamduong.minh/tablet-2");
        assert!(matches!(other.outcome, Outcome::Conflict { .. }));
    }

    #[test]
    fn same_value_on_both_sides_is_not_a_conflict() {
        let m = merge(Some(&stored()), &set(1, &[("achievements", "B")]), STAFF, ME);
        assert_eq!(m.outcome, Outcome::Merged { rev: 3 });
        assert!(m.written_rev().is_none());
    }

    #[test]
    fn a_future_base_revision_is_rejected() {
        let m = merge(Some(&stored()), &set(9, &[("summary", "x")]), STAFF, ME);
        assert!(matches!(m.outcome, Outcome::Rejected { code: RejectCode::BadRevision, .. }));
    }

    #[test]
    fn moving_a_record_to_another_unit_is_rejected() {
        let mut mutation = set(3, &[("summary", "x")]);
        mutation.unit_id = "u2".into();
        assert!(matches!(merge(Some(&stored()), &mutation, STAFF, ME).outcome, Outcome::Rejected { .. }));
    }

    #[test]
    fn invalid_fields_are_rejected_before_anything_else() {
        let m = merge(Some(&stored()), &set(3, &[("nonsense", "x")]), STAFF, ME);
        assert!(matches!(m.outcome, Outcome::Rejected { code: RejectCode::Invalid, .. }));
    }

    #[test]
    fn delete_on_current_revision_leaves_a_tombstone() {
        let m = merge(Some(&stored()), &delete(3), STAFF, ME);
        assert!(m.delete);
        assert_eq!(m.outcome, Outcome::Applied { rev: 4 });
    }

    #[test]
    fn delete_against_newer_edits_is_a_conflict_not_a_loss() {
        let m = merge(Some(&stored()), &delete(2), STAFF, ME);
        assert!(!m.delete);
        assert!(
            matches!(&m.outcome, Outcome::Conflict { conflicts, .. } if conflicts.len() == 1 && conflicts[0].field == "achievements")
        );
    }

    #[test]
    fn edit_against_a_delete_is_a_conflict_not_a_loss() {
        let mut tomb = stored();
        tomb.deleted = true;
        tomb.rev = 4;
        let m = merge(Some(&tomb), &set(3, &[("summary", "late edit")]), STAFF, ME);
        assert!(m.writes.is_empty() && !m.delete);
        assert!(
            matches!(&m.outcome, Outcome::Conflict { conflicts, .. } if conflicts[0].client_value == json!("late edit"))
        );
    }

    #[test]
    fn settling_an_edit_against_a_delete_restores_the_record() {
        let mut tomb = stored();
        tomb.deleted = true;
        tomb.rev = 4;
        tomb.open_conflicts = vec![(5, "summary".into())];
        let m = merge(Some(&tomb), &resolve(4, "summary", "late edit", vec![5]), STAFF, ME);
        assert!(m.restore && !m.delete);
        assert_eq!(m.outcome, Outcome::Merged { rev: 5 }, "the tablet must pull the restored record back");
        assert_eq!(m.resolves, vec![5]);
        assert_eq!(m.writes["summary"], json!("late edit"));
        assert_eq!(m.written_rev(), Some(5));
    }

    #[test]
    fn restoring_never_overwrites_a_value_written_before_the_deletion_unseen() {
        // `achievements` changed at 3 by someone else; the resolver's edit was based on 2, then the record was
        // deleted at 4. Bringing it back with the resolver's value must not drop the value of revision 3.
        let mut tomb = stored();
        tomb.deleted = true;
        tomb.rev = 4;
        tomb.open_conflicts = vec![(5, "achievements".into())];
        let m = merge(Some(&tomb), &resolve(2, "achievements", "B của tôi", vec![5]), STAFF, ME);
        assert!(m.restore && m.writes.is_empty());
        assert_eq!(m.resolves, vec![5]);
        let Outcome::Conflict { rev: 5, conflicts } = &m.outcome else { panic!("{:?}", m.outcome) };
        assert_eq!((&conflicts[0].server_value, &conflicts[0].client_value), (&json!("B"), &json!("B của tôi")));
    }

    #[test]
    fn settling_for_the_deletion_keeps_the_tombstone() {
        let mut tomb = stored();
        tomb.deleted = true;
        tomb.rev = 4;
        tomb.open_conflicts = vec![(5, "summary".into())];
        let keep_deleted = Mutation {
            op: Op::Resolve { field: "summary".into(), value: Value::Null, conflicts: vec![5] },
            ..set(4, &[])
        };
        let m = merge(Some(&tomb), &keep_deleted, STAFF, ME);
        assert!(!m.restore && m.writes.is_empty());
        assert_eq!((m.resolves.clone(), m.outcome.clone()), (vec![5], Outcome::Merged { rev: 5 }));
    }

    #[test]
    fn delete_of_unknown_record_is_rejected() {
        assert!(matches!(
            merge(None, &delete(0), STAFF, ME).outcome,
            Outcome::Rejected { code: RejectCode::NotFound, .. }
        ));
    }

    fn transition(base_rev: i64, action: Action) -> Mutation {
        Mutation { op: Op::Transition { action }, ..set(base_rev, &[]) }
    }

    fn resolve(base_rev: i64, field: &str, value: &str, conflicts: Vec<i64>) -> Mutation {
        Mutation { op: Op::Resolve { field: field.into(), value: json!(value), conflicts }, ..set(base_rev, &[]) }
    }

    #[test]
    fn a_unit_head_submits_and_the_record_locks() {
        let m = merge(Some(&stored()), &transition(1, Action::Submit), Role::UnitHead, ME);
        assert_eq!(m.new_state, Some((WorkflowState::Submitted, None)));
        assert_eq!(m.written_rev(), Some(4));

        let mut submitted = stored();
        submitted.state = WorkflowState::Submitted;
        let edit = merge(Some(&submitted), &set(3, &[("summary", "late")]), STAFF, ME);
        assert!(matches!(edit.outcome, Outcome::Rejected { code: RejectCode::Locked, .. }));
        assert!(matches!(
            merge(Some(&submitted), &delete(3), STAFF, ME).outcome,
            Outcome::Rejected { code: RejectCode::Locked, .. }
        ));
    }

    #[test]
    fn a_transition_the_role_may_not_make_is_refused_with_a_reason() {
        let m = merge(Some(&stored()), &transition(3, Action::Submit), STAFF, ME);
        let Outcome::Rejected { code, message } = m.outcome else { panic!() };
        assert_eq!(code, RejectCode::NotAllowed);
        assert_eq!(message, "Chỉ lãnh đạo đơn vị được gửi tự đánh giá quý");
    }

    #[test]
    fn a_return_carries_its_reason() {
        let mut submitted = stored();
        submitted.state = WorkflowState::Submitted;
        let m = merge(
            Some(&submitted),
            &transition(3, Action::Return { reason: " Thiếu số liệu ".into() }),
            Role::Office,
            ME,
        );
        assert_eq!(m.new_state, Some((WorkflowState::Returned, Some("Thiếu số liệu".into()))));
    }

    #[test]
    fn a_resolution_settles_the_conflicts_of_its_field() {
        let mut conflicted = stored();
        conflicted.open_conflicts = vec![(7, "achievements".into()), (8, "summary".into())];
        let m = merge(Some(&conflicted), &resolve(3, "achievements", "B + mine", vec![7, 8, 99]), STAFF, ME);
        assert_eq!(m.resolves, vec![7], "only open conflicts of that field");
        assert_eq!(m.writes["achievements"], json!("B + mine"));
        assert_eq!(m.outcome, Outcome::Applied { rev: 4 });

        // Choosing the value the record already holds still settles the conflict, as a change of its own.
        let keep = merge(Some(&conflicted), &resolve(3, "achievements", "B", vec![7]), STAFF, ME);
        assert!(keep.writes.is_empty());
        assert_eq!(keep.written_rev(), Some(4));
    }

    #[test]
    fn two_people_resolving_at_once_leave_a_new_conflict_not_a_loss() {
        let mut conflicted = stored();
        conflicted.open_conflicts = vec![(7, "achievements".into())];
        // The first resolution was based on rev 3 and wrote achievements at rev 4.
        conflicted.rev = 4;
        conflicted.open_conflicts.clear();
        conflicted.fields.get_mut("achievements").unwrap().rev = 4;
        conflicted.fields.get_mut("achievements").unwrap().value = json!("first");
        let m = merge(Some(&conflicted), &resolve(3, "achievements", "second", vec![7]), STAFF, ME);
        assert!(
            matches!(&m.outcome, Outcome::Conflict { conflicts, .. } if conflicts[0].client_value == json!("second"))
        );
        assert!(m.resolves.is_empty());
    }
}

#[cfg(test)]
mod properties {
    //! Properties of `merge` over generated records and mutations.

    use super::*;
    use crate::RecordKind;
    use chrono::{TimeZone, Utc};
    use proptest::prelude::*;
    use serde_json::json;
    use uuid::Uuid;

    const FIELDS: [&str; 4] = ["summary", "achievements", "limitations", "next_steps"];
    const ME: &str = "tamduong.lan/tablet-1";

    fn record() -> impl Strategy<Value = StoredRecord> {
        (1i64..8, proptest::collection::vec((0usize..4, 0u8..3, 0i64..8), 0..4)).prop_map(|(rev, fields)| {
            StoredRecord {
                kind: RecordKind::SelfAssessment,
                unit_id: "u".into(),
                rev,
                deleted: false,
                state: WorkflowState::Draft,
                open_conflicts: Vec::new(),
                fields: fields
                    .into_iter()
                    .map(|(f, v, r)| {
                        (
                            FIELDS[f].to_string(),
                            StoredField { value: json!(format!("v{v}")), rev: r.min(rev), writer: "other".into() },
                        )
                    })
                    .collect(),
            }
        })
    }

    fn edits() -> impl Strategy<Value = Fields> {
        proptest::collection::btree_map(
            (0usize..4).prop_map(|f| FIELDS[f].to_string()),
            (0u8..3).prop_map(|v| json!(format!("v{v}"))),
            1..4,
        )
    }

    fn set(base_rev: i64, fields: Fields) -> Mutation {
        Mutation {
            id: Uuid::nil(),
            record_id: Uuid::nil(),
            kind: RecordKind::SelfAssessment,
            unit_id: "u".into(),
            base_rev,
            op: Op::Set { fields },
            made_at: Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
        }
    }

    /// What the server stores after a merge.
    fn apply(mut record: StoredRecord, merged: &Merge) -> StoredRecord {
        if let Some(rev) = merged.written_rev() {
            for (name, value) in &merged.writes {
                record.fields.insert(name.clone(), StoredField { value: value.clone(), rev, writer: ME.into() });
            }
            record.rev = rev;
        }
        record
    }

    fn values(record: &StoredRecord) -> BTreeMap<String, Value> {
        record.fields.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect()
    }

    proptest! {
        #[test]
        fn applying_the_same_mutation_again_changes_nothing(record in record(), edits in edits(), base in 0i64..8) {
            let mutation = set(base.min(record.rev), edits);
            let once = apply(record.clone(), &merge(Some(&record), &mutation, Role::Staff, ME));
            let again = merge(Some(&once), &mutation, Role::Staff, ME);
            // (A conflict would be recorded again; the server's ledger answers a replay before merging.)
            prop_assert!(again.writes.is_empty());
        }

        #[test]
        fn edits_of_different_fields_commute(record in record(), a in edits(), b in edits(), base in 0i64..8) {
            let b: Fields = b.into_iter().filter(|(k, _)| !a.contains_key(k)).collect();
            let base = base.min(record.rev);
            let (ma, mb) = (set(base, a), set(base, b));
            let ab = apply(record.clone(), &merge(Some(&record), &ma, Role::Staff, ME));
            let ab = apply(ab.clone(), &merge(Some(&ab), &mb, Role::Staff, ME));
            let ba = apply(record.clone(), &merge(Some(&record), &mb, Role::Staff, ME));
            let ba = apply(ba.clone(), &merge(Some(&ba), &ma, Role::Staff, ME));
            prop_assert_eq!(values(&ab), values(&ba));
        }

        #[test]
        fn no_value_is_dropped(record in record(), edits in edits(), base in 0i64..8) {
            let mutation = set(base.min(record.rev), edits.clone());
            let merged = merge(Some(&record), &mutation, Role::Staff, ME);
            let conflicts = match &merged.outcome {
                Outcome::Conflict { conflicts, .. } => conflicts.clone(),
                Outcome::Applied { .. } | Outcome::Merged { .. } => Vec::new(),
                Outcome::Rejected { .. } => return Err(TestCaseError::fail("valid edits were rejected")),
            };
            for (name, value) in &edits {
                let written = merged.writes.get(name) == Some(value);
                let already = record.fields.get(name).is_some_and(|f| &f.value == value);
                let kept_aside = conflicts.iter().any(|c| &c.field == name && &c.client_value == value
                    && record.fields.get(name).is_some_and(|f| f.value == c.server_value));
                prop_assert!(written || already || kept_aside, "{name} = {value} vanished");
            }
        }

        #[test]
        fn a_field_changed_since_the_base_is_never_overwritten(record in record(), edits in edits(), base in 0i64..8) {
            let base = base.min(record.rev);
            let merged = merge(Some(&record), &set(base, edits), Role::Staff, ME);
            for name in merged.writes.keys() {
                prop_assert!(record.fields.get(name).is_none_or(|f| f.rev <= base || f.writer == ME));
            }
        }
    }
}
