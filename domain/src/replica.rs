//! The tablet's half of sync: how a local record and its outbox change on an edit, on the server's answers and
//! on a pull (here, pure), and the push-then-pull procedure itself (`procedure`).
//!
//! The procedure is generic over two small traits, `LocalStore` and `Transport`. The app implements them over
//! IndexedDB and HTTP; the fault-injection suite implements them over memory (`memory`) and a lossy in-process
//! network in front of the real server. Both therefore run this very code.
//!
//! API boundary: `LocalRecord` and `OutboxEntry` are persisted in the tablet's IndexedDB as JSON; a change to
//! them needs an upgrade step that keeps pending work.

#[cfg(any(test, feature = "memory-store"))]
mod memory;
mod procedure;
mod upload;

#[cfg(any(test, feature = "memory-store"))]
pub use memory::MemoryStore;
pub use procedure::{
    sync_once, LocalStore, Progress, SyncError, SyncReport, Transport, TransportError, PULL_PAGE, PUSH_BATCH,
};
pub use upload::{upload, FileSource, UploadError, UploadFile, UploadTransport};

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::fields::{validate_fields, FieldError};
use crate::model::{ConflictSide, Fields, OpenConflict, Record, RecordKind, RecordRef, WorkflowState};
use crate::sync::{Mutation, Op, Outcome, PullResponse};

/// A record as a tablet holds it: the server's state overlaid with local changes not yet acknowledged.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalRecord {
    pub id: Uuid,
    pub kind: RecordKind,
    pub unit_id: String,
    /// The server revision of the last pulled state (0 if the server has never seen this record).
    pub rev: i64,
    pub deleted: bool,
    pub state: WorkflowState,
    pub state_note: Option<String>,
    pub fields: Fields,
    /// For each field whose local value is not known to equal the server's at `rev`: the server revision the
    /// local value was based on. A new edit of such a field carries this base, not `rev`, or the server could not
    /// tell that someone else changed the field meanwhile.
    pub field_base: BTreeMap<String, i64>,
    pub conflicts: Vec<OpenConflict>,
    /// The server refused the last change, with its reason; the text stays here and stays editable.
    pub rejection: Option<String>,
    pub updated_by: String,
    /// When this tablet last saved a local edit of the record.
    pub saved_at: Option<DateTime<Utc>>,
}

impl LocalRecord {
    pub fn new(id: Uuid, kind: RecordKind, unit_id: &str) -> Self {
        LocalRecord {
            id,
            kind,
            unit_id: unit_id.to_owned(),
            rev: 0,
            deleted: false,
            state: WorkflowState::Draft,
            state_note: None,
            fields: Fields::new(),
            field_base: BTreeMap::new(),
            conflicts: Vec::new(),
            rejection: None,
            updated_by: String::new(),
            saved_at: None,
        }
    }

    /// The record as the rules read it.
    pub fn view(&self) -> crate::dossier::RecordView<'_> {
        crate::dossier::RecordView {
            id: self.id,
            deleted: self.deleted,
            kind: self.kind,
            unit_id: &self.unit_id,
            fields: &self.fields,
        }
    }

    pub fn reference(&self) -> RecordRef {
        RecordRef::new(self.id, self.kind, &self.unit_id)
    }

    pub fn status(&self, has_outbox_entry: bool) -> RecordStatus {
        if !self.conflicts.is_empty() {
            RecordStatus::Conflict
        } else if self.rejection.is_some() {
            RecordStatus::Rejected
        } else if has_outbox_entry {
            RecordStatus::Waiting
        } else if self.rev > 0 {
            RecordStatus::Sent
        } else {
            RecordStatus::Draft
        }
    }

    /// The base revision for a new change of `field`, remembering it until the server acknowledges.
    fn base_for(&mut self, field: &str) -> i64 {
        *self.field_base.entry(field.to_owned()).or_insert(self.rev)
    }
}

/// Where a record stands with the server (its sync), worded apart from its workflow state: "Đã đồng bộ" says
/// the server holds this tablet's last change, never that the office has received a report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RecordStatus {
    Draft,
    Waiting,
    Sent,
    Rejected,
    Conflict,
}

impl RecordStatus {
    pub fn label(self) -> &'static str {
        match self {
            RecordStatus::Draft => "Chỉ có trên máy này",
            RecordStatus::Waiting => "Chờ đồng bộ",
            RecordStatus::Sent => "Đã đồng bộ",
            RecordStatus::Rejected => "Máy chủ từ chối",
            RecordStatus::Conflict => "Xung đột, cần chọn",
        }
    }
}

/// A queued mutation. `seq` is its place in the queue (the store's key), so entries leave in the order made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seq: Option<u32>,
    pub mutation: Mutation,
    /// Handed to the network at least once. A sent entry never changes again: its id may already have an answer
    /// on the server, and a replay must carry the same content.
    pub sent: bool,
    pub rejected: Option<String>,
}

impl OutboxEntry {
    fn new(mutation: Mutation) -> Self {
        OutboxEntry { seq: None, mutation, sent: false, rejected: None }
    }

    fn touches(&self, record_id: Uuid, field: &str) -> bool {
        self.mutation.record_id == record_id && self.mutation.op.fields().contains(&field)
    }
}

/// A local edit, as the store must write it.
#[derive(Clone, Debug, PartialEq)]
pub struct Edit {
    pub record: LocalRecord,
    /// The entry to put: the record's newest entry with the edit folded in, or a new one.
    pub entry: OutboxEntry,
    /// Refused entries of the record that leave the queue: their fields go again in `entry`, with the text the
    /// record holds now.
    pub dropped: Vec<u32>,
}

/// A local edit of some fields.
///
/// The edit folds into the record's newest entry only if that entry is a plain edit the network has not seen;
/// folding into anything older would let it overtake a later resolution or transition. Entries the server
/// refused go again under a new id, with the latest text of their fields (never the stale text they carried).
/// `now` and `new_mutation_id` come in because a pure function cannot make them.
pub fn edit(
    record: Option<LocalRecord>,
    outbox: &[OutboxEntry],
    target: &RecordRef,
    edits: Fields,
    now: DateTime<Utc>,
    new_mutation_id: Uuid,
) -> Result<Edit, FieldError> {
    let id = target.id;
    validate_fields(target.kind, &edits)?;
    let mut record = record.unwrap_or_else(|| LocalRecord::new(id, target.kind, &target.unit_id));
    let mut base_rev = record.rev;
    for (name, value) in &edits {
        base_rev = base_rev.min(record.base_for(name));
        record.fields.insert(name.clone(), value.clone());
    }
    record.rejection = None;
    record.saved_at = Some(now);

    let edits_attach = attaches(edits.keys().map(String::as_str));
    let mut fields = edits;
    let mut dropped = Vec::new();
    for refused in outbox.iter().filter(|e| e.mutation.record_id == id && e.rejected.is_some()) {
        for name in refused.mutation.op.fields() {
            if !fields.contains_key(name) {
                if let Some(value) = record.fields.get(name).cloned() {
                    base_rev = base_rev.min(record.base_for(name));
                    fields.insert(name.to_owned(), value);
                }
            }
        }
        dropped.extend(refused.seq);
    }

    let newest = outbox.iter().rev().find(|e| e.mutation.record_id == id && e.rejected.is_none());
    let entry = match newest {
        Some(open)
            if !open.sent
                && matches!(open.mutation.op, Op::Set { .. })
                && attaches(open.mutation.op.fields().into_iter()) == edits_attach =>
        {
            let mut entry = open.clone();
            if let Op::Set { fields: queued } = &mut entry.mutation.op {
                queued.extend(fields);
            }
            entry.mutation.base_rev = entry.mutation.base_rev.min(base_rev);
            entry.mutation.made_at = now;
            entry
        }
        _ => OutboxEntry::new(Mutation::new(new_mutation_id, &record.reference(), base_rev, Op::Set { fields }, now)),
    };
    Ok(Edit { record, entry, dropped })
}

/// A workflow transition or a conflict resolution made on the tablet: always a new entry of its own. A
/// resolution shows at once (the chosen value in the field, the conflict gone); a transition shows once the
/// server's state is pulled.
pub fn local_op(record: &mut LocalRecord, op: Op, now: DateTime<Utc>, new_mutation_id: Uuid) -> OutboxEntry {
    let base_rev = match &op {
        Op::Resolve { field, value, conflicts } => {
            // Never above the revision the tablet holds of the whole record: the server reads `applied` as "this
            // tablet now holds the new revision" and leaves it out of its pulls (see `apply_result`).
            let base = record.base_for(field).min(record.rev);
            record.fields.insert(field.clone(), value.clone());
            record.conflicts.retain(|c| !(c.field == *field && (conflicts.contains(&c.id) || c.id == 0)));
            record.saved_at = Some(now);
            base
        }
        _ => record.rev,
    };
    OutboxEntry::new(Mutation::new(new_mutation_id, &record.reference(), base_rev, op, now))
}

/// The next entries to push, oldest first, at most `max_count` and about `max_bytes` of JSON. They are marked
/// sent here, before they leave, so later edits queue separately; the caller stores the marked entries.
///
/// An entry that refers to a file the server does not hold yet (`missing`) waits, and so does a later entry of
/// the same record that must not overtake it (one writing the same fields, or a workflow step or delete); every
/// other entry goes ahead, so a big file never holds back the text typed after it.
pub fn select_batch(
    outbox: &mut [OutboxEntry],
    max_count: usize,
    max_bytes: usize,
    missing: &BTreeSet<String>,
) -> Vec<Mutation> {
    let mut batch = Vec::new();
    let mut bytes = 0;
    let mut waiting: Vec<OutboxEntry> = Vec::new();
    for entry in outbox.iter_mut().filter(|e| e.rejected.is_none()) {
        if waiting.iter().any(|w| must_follow(w, entry))
            || entry.mutation.op.files_needed().iter().any(|sha| missing.contains(sha))
        {
            waiting.push(entry.clone());
            continue;
        }
        let size = serde_json::to_string(&entry.mutation).map_or(0, |s| s.len());
        if batch.len() == max_count || (!batch.is_empty() && bytes + size > max_bytes) {
            break;
        }
        bytes += size;
        entry.sent = true;
        batch.push(entry.mutation.clone());
    }
    batch
}

/// Whether `later` must wait while `earlier`, of the same record, waits.
fn must_follow(earlier: &OutboxEntry, later: &OutboxEntry) -> bool {
    if earlier.mutation.record_id != later.mutation.record_id {
        return false;
    }
    match &later.mutation.op {
        Op::Set { .. } | Op::Resolve { .. } => {
            let written = earlier.mutation.op.fields();
            later.mutation.op.fields().iter().any(|f| written.contains(f))
        }
        Op::Transition { .. } | Op::Delete => true,
    }
}

/// Whether an entry only attaches, removes or captions files: such an entry may wait for an upload, so text is
/// never folded into it, nor it into text.
fn attaches<'a>(mut fields: impl Iterator<Item = &'a str>) -> bool {
    let mut any = false;
    fields.all(|f| {
        any = true;
        crate::attachment::is_attachment_field(f)
    }) && any
}

/// What happens to an outbox entry once the server has answered it.
#[derive(Clone, Debug, PartialEq)]
pub enum EntryFate {
    /// Acknowledged: it leaves the outbox.
    Remove,
    /// Refused: it stays, marked, until the user edits the record again.
    Keep(OutboxEntry),
}

/// Applies the server's answer to one entry. `outbox` is the whole queue (to see later edits of the same
/// fields); `me` is the user of this tablet.
pub fn apply_result(
    record: Option<LocalRecord>,
    entry: &OutboxEntry,
    outbox: &[OutboxEntry],
    outcome: &Outcome,
    me: &str,
) -> (Option<LocalRecord>, EntryFate) {
    let Some(mut record) = record else {
        return (None, EntryFate::Remove);
    };
    let later_edit_of =
        |field: &str| outbox.iter().any(|e| e.seq > entry.seq && e.touches(entry.mutation.record_id, field));
    match outcome {
        Outcome::Applied { rev } | Outcome::Merged { rev } | Outcome::Conflict { rev, .. } => {
            let conflicts = match outcome {
                Outcome::Conflict { conflicts, .. } => conflicts.as_slice(),
                _ => &[],
            };
            // A clean `applied` of an edit means the server went from exactly the revision this tablet had to
            // `rev` by this change alone, so the tablet now holds revision `rev` and need not pull it back (the
            // server leaves such records out of this writer's pulls).
            let fast_forward = matches!(outcome, Outcome::Applied { .. })
                && matches!(entry.mutation.op, Op::Set { .. } | Op::Resolve { .. })
                && record.rev == entry.mutation.base_rev;
            if fast_forward {
                record.rev = *rev;
            }
            for field in entry.mutation.op.fields() {
                if later_edit_of(field) {
                    continue;
                }
                match conflicts.iter().find(|c| c.field == field) {
                    None if fast_forward => {
                        record.field_base.remove(field);
                    }
                    // The server holds this value at `rev`; a later edit must not claim an older base.
                    None => {
                        record.field_base.insert(field.to_owned(), *rev);
                    }
                    // The server kept the other value: show it in the field, and ours beside it until a person
                    // chooses. The pulled record will carry the server's own copy of this conflict.
                    Some(conflict) => {
                        record.fields.insert(field.to_owned(), conflict.server_value.clone());
                        record.field_base.remove(field);
                        record.conflicts.push(OpenConflict {
                            id: 0,
                            field: field.to_owned(),
                            kept: ConflictSide {
                                value: conflict.server_value.clone(),
                                by: String::new(),
                                at: entry.mutation.made_at,
                            },
                            other: ConflictSide {
                                value: conflict.client_value.clone(),
                                by: me.to_owned(),
                                at: entry.mutation.made_at,
                            },
                        });
                    }
                }
            }
            (Some(record), EntryFate::Remove)
        }
        Outcome::Rejected { message, .. } => {
            record.rejection = Some(message.clone());
            let mut refused = entry.clone();
            refused.rejected = Some(message.clone());
            match &entry.mutation.op {
                Op::Set { .. } => (Some(record), EntryFate::Keep(refused)),
                // The chosen or combined text stays, as a refused edit that goes again with the next edit; the
                // conflict shows again from the server.
                Op::Resolve { field, value, .. } => {
                    refused.mutation.op = Op::Set { fields: [(field.clone(), value.clone())].into_iter().collect() };
                    (Some(record), EntryFate::Keep(refused))
                }
                // Nothing typed to keep: the reason shows on the record, and the person can try again.
                Op::Transition { .. } | Op::Delete => (Some(record), EntryFate::Remove),
            }
        }
    }
}

/// The local record after a pull: the server's state, except fields with unacknowledged local changes, which
/// keep the tablet's value and base. Conflicts the tablet is resolving stay hidden until the server agrees.
pub fn merge_pulled(local: Option<LocalRecord>, incoming: &Record, outbox: &[OutboxEntry]) -> LocalRecord {
    let mut record = local.unwrap_or_else(|| LocalRecord::new(incoming.id, incoming.kind, &incoming.unit_id));
    if record.rev > incoming.rev {
        // An older state than we already have (a stale page): never go back.
        return record;
    }
    let mine: Vec<&OutboxEntry> = outbox.iter().filter(|e| e.mutation.record_id == incoming.id).collect();
    let held = |field: &str| mine.iter().any(|e| e.mutation.op.fields().contains(&field));
    let resolving: Vec<i64> = mine
        .iter()
        .filter_map(|e| match &e.mutation.op {
            Op::Resolve { conflicts, .. } => Some(conflicts.clone()),
            _ => None,
        })
        .flatten()
        .collect();

    let mut fields: Fields =
        incoming.fields.iter().filter(|(name, _)| !held(name)).map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut field_base = BTreeMap::new();
    for (name, value) in &record.fields {
        if held(name) {
            fields.insert(name.clone(), value.clone());
            if let Some(base) = record.field_base.get(name) {
                field_base.insert(name.clone(), *base);
            }
        }
    }
    record.fields = fields;
    record.field_base = field_base;
    record.conflicts = incoming.conflicts.iter().filter(|c| !resolving.contains(&c.id)).cloned().collect();
    record.rev = incoming.rev;
    record.deleted = incoming.deleted;
    record.state = incoming.state;
    record.state_note = incoming.state_note.clone();
    record.updated_by = incoming.updated_by.clone();
    record
}

/// The cursor after a pulled page; it never moves back.
pub fn next_cursor(current: i64, page: &PullResponse) -> i64 {
    current.max(page.next_cursor)
}

#[cfg(test)]
mod tests;
