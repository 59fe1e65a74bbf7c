//! The push/pull protocol between a tablet and the server: the wire types and their limits.
//!
//! A tablet queues mutations (each with an id it made itself) and pushes them in batches; the server answers
//! every mutation separately, so one rejected item never holds back the others. A pull walks the server's
//! change sequence with a cursor.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::model::{Fields, Record, RecordKind, RecordRef};
use crate::workflow::Action;

/// Bumped on any incompatible change to these types, and when records or reference data gain fields an older
/// app would refuse (2: which achievement an award rewards, the rulebook's abbreviations and tracks; 3: the
/// council's and the cash rules, awards of issued decisions, the closed states of a nomination; 5: clusters in
/// the reference data, the cluster self-score record, the rulebook's `leads_cluster` check; 6: files attached to
/// records, in `att:<sha256>` fields). A client with another version is told to reload, and keeps its outbox.
pub const PROTOCOL_VERSION: u32 = 6;

/// At most this many mutations in one push. The client sends smaller batches; the server refuses larger ones.
pub const MAX_PUSH_MUTATIONS: usize = 200;

/// At most this many bytes of JSON in one push body.
pub const MAX_PUSH_BYTES: usize = 2 * 1024 * 1024;

/// The page size of a pull when the client does not ask for one, and the largest it may ask for.
pub const DEFAULT_PULL_LIMIT: u32 = 200;
pub const MAX_PULL_LIMIT: u32 = 1000;

/// Who wrote a change: a user on a device. A tablet has seen its own writes, so the merge never holds them
/// against it.
pub fn writer_id(user_id: &str, device_id: Uuid) -> String {
    format!("{user_id}/{device_id}")
}

/// One change a user made on a tablet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Mutation {
    /// Made by the client; replaying a mutation with the same id changes nothing.
    pub id: Uuid,
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub unit_id: String,
    /// The server revision the client's copy was at when the user made the change.
    pub base_rev: i64,
    pub op: Op,
    /// When the user made the change, by the tablet's clock (informative only; never used for ordering).
    pub made_at: DateTime<Utc>,
}

impl Mutation {
    /// A change of `record` made at `made_at` by a copy at `base_rev`; `id` is fresh (its replay carries it).
    pub fn new(id: Uuid, record: &RecordRef, base_rev: i64, op: Op, made_at: DateTime<Utc>) -> Self {
        Mutation { id, record_id: record.id, kind: record.kind, unit_id: record.unit_id.clone(), base_rev, op, made_at }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// Set these fields to these values; other fields are left alone.
    Set {
        #[cfg_attr(feature = "openapi", schema(value_type = std::collections::BTreeMap<String, Value>))]
        fields: Fields,
    },
    /// Delete the record, leaving a tombstone so other tablets learn of it.
    Delete,
    /// Move the record through its workflow (submit, return, approve).
    Transition { action: Action },
    /// Settle open conflicts of one field with the value a person chose or combined.
    Resolve { field: String, value: Value, conflicts: Vec<i64> },
}

impl Op {
    /// The action's name in the audit log.
    pub fn audit_name(&self) -> &'static str {
        match self {
            Op::Set { .. } => "set",
            Op::Delete => "delete",
            Op::Resolve { .. } => "resolve",
            Op::Transition { action: Action::Submit } => "submit",
            Op::Transition { action: Action::Return { .. } } => "return",
            Op::Transition { action: Action::Approve } => "approve",
        }
    }

    /// The content fields this operation writes.
    pub fn fields(&self) -> Vec<&str> {
        match self {
            Op::Set { fields } => fields.keys().map(String::as_str).collect(),
            Op::Resolve { field, .. } => vec![field.as_str()],
            Op::Delete | Op::Transition { .. } => Vec::new(),
        }
    }

    /// The files this operation refers to: the server applies it only once it holds all of them.
    pub fn files_needed(&self) -> Vec<String> {
        match self {
            Op::Set { fields } => crate::attachment::referenced_files(fields),
            Op::Resolve { field, value, .. } => {
                crate::attachment::referenced_files(&[(field.clone(), value.clone())].into_iter().collect())
            }
            Op::Delete | Op::Transition { .. } => Vec::new(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PushRequest {
    pub protocol: u32,
    pub device_id: Uuid,
    pub mutations: Vec<Mutation>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// One result per mutation, in the order they were sent.
    pub results: Vec<MutationResult>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MutationResult {
    pub mutation_id: Uuid,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// What the server did with one mutation. A replayed mutation gets exactly the answer it got the first time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    /// Applied on top of the revision the client had.
    Applied { rev: i64 },
    /// Applied, and merged with changes to other fields the client had not seen.
    Merged { rev: i64 },
    /// Some fields were changed by someone else since the client's revision. The server kept its values
    /// for those fields and recorded the client's; both are returned so a person can choose. Other fields
    /// of the same mutation were applied.
    Conflict { rev: i64, conflicts: Vec<FieldConflict> },
    /// Not applied. The client keeps the draft editable and shows the message.
    Rejected { code: RejectCode, message: String },
}

impl Outcome {
    pub fn rejected(code: RejectCode, message: impl Into<String>) -> Self {
        Outcome::Rejected { code, message: message.into() }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldConflict {
    pub field: String,
    /// The value the server kept (null if the record was deleted).
    pub server_value: Value,
    /// The value this mutation carried (null for a delete).
    pub client_value: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RejectCode {
    /// The fields fail validation.
    Invalid,
    /// The record belongs to a unit outside the user's scope.
    Forbidden,
    /// The record does not exist (a delete of something never stored).
    NotFound,
    /// The mutation claims a revision the server never issued, or changes a record's kind or unit.
    BadRevision,
    /// The record is with the office (submitted or approved): its content cannot change now.
    Locked,
    /// The workflow does not allow this transition in this state, or not for this role.
    NotAllowed,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    /// Records changed since the cursor, oldest change first, tombstones included.
    pub records: Vec<Record>,
    /// Pass this as `cursor` in the next pull.
    pub next_cursor: i64,
    /// More changes wait beyond this page.
    pub has_more: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn outcome_wire_format_is_flat_and_tagged() {
        let r = MutationResult { mutation_id: Uuid::nil(), outcome: Outcome::Applied { rev: 3 } };
        assert_eq!(
            serde_json::to_value(&r).unwrap(),
            json!({"mutation_id": "00000000-0000-0000-0000-000000000000", "status": "applied", "rev": 3})
        );
        let back: MutationResult = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn push_request_rejects_unknown_fields() {
        let body = json!({"protocol": 1, "device_id": Uuid::nil(), "mutations": [], "admin": true});
        assert!(serde_json::from_value::<PushRequest>(body).is_err());
    }

    const SHA: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn a_change_needs_its_files_and_thumbnails() {
        let thumb = "a".repeat(64);
        let op = Op::Set {
            fields: [
                (
                    crate::attachment::field_name(SHA),
                    json!({"name": "le-hoi.jpg", "media_type": "image/jpeg", "size": 300_000,
                    "caption": "Lễ hội", "thumb": thumb}),
                ),
                ("summary".to_owned(), json!("Văn bản")),
                (crate::attachment::field_name(&"b".repeat(64)), serde_json::Value::Null),
            ]
            .into_iter()
            .collect(),
        };
        assert_eq!(op.files_needed(), vec![SHA.to_owned(), thumb], "a removed file is not needed");
        assert!(Op::Delete.files_needed().is_empty());
    }

    #[test]
    fn op_is_tagged_by_type() {
        let op: Op = serde_json::from_value(json!({"type": "set", "fields": {"summary": "x"}})).unwrap();
        assert!(matches!(op, Op::Set { ref fields } if fields["summary"] == "x"));
        let op: Op = serde_json::from_value(json!({"type": "delete"})).unwrap();
        assert_eq!(op, Op::Delete);
    }
}
