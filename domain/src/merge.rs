//! The server's three-way merge of one mutation into a stored record, field by field.
//!
//! A change to field f based on revision b applies if f has not changed since b. If it has, and to another
//! value, the server keeps its value and the mutation's value is handed back as a conflict: nothing is
//! overwritten silently, and nothing is dropped.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::model::{validate_fields, Fields};
use crate::sync::{FieldConflict, Mutation, Op, Outcome, RejectCode};

/// A stored field and the record revision at which it last changed.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredField {
    pub value: Value,
    pub rev: i64,
}

/// What the merge needs to know about the record as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRecord {
    pub kind: crate::RecordKind,
    pub unit_id: String,
    pub rev: i64,
    pub deleted: bool,
    pub fields: BTreeMap<String, StoredField>,
}

/// What to write, decided without touching storage.
#[derive(Clone, Debug, PartialEq)]
pub struct Merge {
    /// Fields to write at the new revision. Empty with `delete == false` means: write nothing.
    pub writes: Fields,
    pub delete: bool,
    /// The answer for the client. Its `rev` is the revision after the write.
    pub outcome: Outcome,
}

impl Merge {
    pub fn changes_record(&self) -> bool {
        self.written_rev().is_some()
    }

    /// The revision to store, if this merge writes anything.
    pub fn written_rev(&self) -> Option<i64> {
        if !self.delete && self.writes.is_empty() {
            return None;
        }
        match self.outcome {
            Outcome::Applied { rev } | Outcome::Merged { rev } | Outcome::Conflict { rev, .. } => Some(rev),
            Outcome::Rejected { .. } => None,
        }
    }

    fn reject(code: RejectCode, message: impl Into<String>) -> Self {
        Merge { writes: Fields::new(), delete: false, outcome: Outcome::rejected(code, message) }
    }
}

/// Merges `mutation` into `current` (None if the record was never stored).
pub fn merge(current: Option<&StoredRecord>, mutation: &Mutation) -> Merge {
    if let Op::Set { fields } = &mutation.op {
        if let Err(e) = validate_fields(mutation.kind, fields) {
            return Merge::reject(RejectCode::Invalid, e.to_string());
        }
    }
    let Some(current) = current else {
        return merge_new(mutation);
    };
    if current.kind != mutation.kind || current.unit_id != mutation.unit_id {
        return Merge::reject(RejectCode::BadRevision, "Không thể đổi loại hồ sơ hoặc đơn vị của hồ sơ đã có");
    }
    if mutation.base_rev < 0 || mutation.base_rev > current.rev {
        return Merge::reject(
            RejectCode::BadRevision,
            format!("Phiên bản {} không tồn tại trên máy chủ (hiện là {})", mutation.base_rev, current.rev),
        );
    }
    let changed_since_base =
        |name: &str| current.fields.get(name).is_some_and(|f| f.rev > mutation.base_rev);
    let stored_value = |name: &str| current.fields.get(name).map_or(Value::Null, |f| f.value.clone());
    let next_rev = current.rev + 1;

    match &mutation.op {
        Op::Set { fields } if current.deleted => Merge {
            // An edit of a deleted record is kept as a conflict so a person can restore it.
            writes: Fields::new(),
            delete: false,
            outcome: Outcome::Conflict {
                rev: current.rev,
                conflicts: fields
                    .iter()
                    .map(|(name, value)| FieldConflict {
                        field: name.clone(),
                        server_value: Value::Null,
                        client_value: value.clone(),
                    })
                    .collect(),
            },
        },
        Op::Set { fields } => {
            let mut writes = Fields::new();
            let mut conflicts = Vec::new();
            for (name, value) in fields {
                let stored = stored_value(name);
                if stored == *value {
                    continue;
                }
                if changed_since_base(name) {
                    conflicts.push(FieldConflict {
                        field: name.clone(),
                        server_value: stored,
                        client_value: value.clone(),
                    });
                } else {
                    writes.insert(name.clone(), value.clone());
                }
            }
            let rev = if writes.is_empty() { current.rev } else { next_rev };
            let outcome = if !conflicts.is_empty() {
                Outcome::Conflict { rev, conflicts }
            } else if mutation.base_rev < current.rev {
                Outcome::Merged { rev }
            } else {
                Outcome::Applied { rev }
            };
            Merge { writes, delete: false, outcome }
        }
        Op::Delete if current.deleted => {
            Merge { writes: Fields::new(), delete: false, outcome: Outcome::Applied { rev: current.rev } }
        }
        Op::Delete => {
            let conflicts: Vec<FieldConflict> = current
                .fields
                .iter()
                .filter(|(name, _)| changed_since_base(name))
                .map(|(name, field)| FieldConflict {
                    field: name.clone(),
                    server_value: field.value.clone(),
                    client_value: Value::Null,
                })
                .collect();
            if conflicts.is_empty() {
                Merge { writes: Fields::new(), delete: true, outcome: Outcome::Applied { rev: next_rev } }
            } else {
                // Someone edited the record after this tablet last saw it: deleting would lose their work.
                Merge {
                    writes: Fields::new(),
                    delete: false,
                    outcome: Outcome::Conflict { rev: current.rev, conflicts },
                }
            }
        }
    }
}

fn merge_new(mutation: &Mutation) -> Merge {
    match &mutation.op {
        Op::Set { fields } if mutation.base_rev == 0 => {
            Merge { writes: fields.clone(), delete: false, outcome: Outcome::Applied { rev: 1 } }
        }
        Op::Set { .. } => Merge::reject(
            RejectCode::BadRevision,
            format!("Phiên bản {} không tồn tại trên máy chủ (hồ sơ chưa có)", mutation.base_rev),
        ),
        Op::Delete => Merge::reject(RejectCode::NotFound, "Hồ sơ cần xoá không có trên máy chủ"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            fields: [
                ("summary".to_string(), StoredField { value: json!("A"), rev: 1 }),
                ("achievements".to_string(), StoredField { value: json!("B"), rev: 3 }),
            ]
            .into_iter()
            .collect(),
        }
    }

    #[test]
    fn new_record_is_created_at_rev_1() {
        let m = merge(None, &set(0, &[("summary", "x")]));
        assert_eq!(m.outcome, Outcome::Applied { rev: 1 });
        assert_eq!(m.writes["summary"], json!("x"));
    }

    #[test]
    fn new_record_with_a_base_revision_is_rejected() {
        let m = merge(None, &set(2, &[("summary", "x")]));
        assert!(matches!(m.outcome, Outcome::Rejected { code: RejectCode::BadRevision, .. }));
        assert!(!m.changes_record());
    }

    #[test]
    fn edit_on_current_revision_applies() {
        let m = merge(Some(&stored()), &set(3, &[("achievements", "B2")]));
        assert_eq!(m.outcome, Outcome::Applied { rev: 4 });
        assert_eq!(m.writes["achievements"], json!("B2"));
    }

    #[test]
    fn edit_of_a_field_unchanged_since_base_merges() {
        // Base 1: achievements changed since (at 3), summary did not.
        let m = merge(Some(&stored()), &set(1, &[("summary", "A2")]));
        assert_eq!(m.outcome, Outcome::Merged { rev: 4 });
        assert_eq!(m.writes["summary"], json!("A2"));
    }

    #[test]
    fn edit_of_a_field_changed_since_base_is_a_conflict_keeping_both_values() {
        let m = merge(Some(&stored()), &set(1, &[("summary", "A2"), ("achievements", "mine")]));
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
    fn same_value_on_both_sides_is_not_a_conflict() {
        let m = merge(Some(&stored()), &set(1, &[("achievements", "B")]));
        assert_eq!(m.outcome, Outcome::Merged { rev: 3 });
        assert!(!m.changes_record());
    }

    #[test]
    fn a_future_base_revision_is_rejected() {
        let m = merge(Some(&stored()), &set(9, &[("summary", "x")]));
        assert!(matches!(m.outcome, Outcome::Rejected { code: RejectCode::BadRevision, .. }));
    }

    #[test]
    fn moving_a_record_to_another_unit_is_rejected() {
        let mut mutation = set(3, &[("summary", "x")]);
        mutation.unit_id = "u2".into();
        assert!(matches!(merge(Some(&stored()), &mutation).outcome, Outcome::Rejected { .. }));
    }

    #[test]
    fn invalid_fields_are_rejected_before_anything_else() {
        let m = merge(Some(&stored()), &set(3, &[("nonsense", "x")]));
        assert!(matches!(m.outcome, Outcome::Rejected { code: RejectCode::Invalid, .. }));
    }

    #[test]
    fn delete_on_current_revision_leaves_a_tombstone() {
        let m = merge(Some(&stored()), &delete(3));
        assert!(m.delete);
        assert_eq!(m.outcome, Outcome::Applied { rev: 4 });
    }

    #[test]
    fn delete_against_newer_edits_is_a_conflict_not_a_loss() {
        let m = merge(Some(&stored()), &delete(2));
        assert!(!m.changes_record());
        assert!(matches!(&m.outcome, Outcome::Conflict { conflicts, .. } if conflicts.len() == 1 && conflicts[0].field == "achievements"));
    }

    #[test]
    fn edit_against_a_delete_is_a_conflict_not_a_loss() {
        let mut tomb = stored();
        tomb.deleted = true;
        tomb.rev = 4;
        let m = merge(Some(&tomb), &set(3, &[("summary", "late edit")]));
        assert!(!m.changes_record());
        assert!(matches!(&m.outcome, Outcome::Conflict { conflicts, .. } if conflicts[0].client_value == json!("late edit")));
    }

    #[test]
    fn delete_of_unknown_record_is_rejected() {
        assert!(matches!(merge(None, &delete(0)).outcome, Outcome::Rejected { code: RejectCode::NotFound, .. }));
    }
}
