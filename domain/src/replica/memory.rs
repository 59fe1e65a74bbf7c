//! A tablet's store kept in memory (feature `memory-store`), for the fault-injection suite and the benchmarks.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{
    apply_result, edit, local_op, merge_pulled, next_cursor, select_batch, EntryFate, LocalRecord, LocalStore,
    OutboxEntry,
};
use crate::fields::FieldError;
use crate::model::{Fields, RecordRef};
use crate::sync::{Mutation, MutationResult, Op, PullResponse};

/// A tablet's store kept in memory: the same operations as the app's IndexedDB store, over the same functions.
/// The fault-injection suite and the benchmarks use it to run many tablets in one process.
pub struct MemoryStore {
    user: String,
    records: std::cell::RefCell<BTreeMap<Uuid, LocalRecord>>,
    outbox: std::cell::RefCell<Vec<OutboxEntry>>,
    next_seq: std::cell::Cell<u32>,
    cursor: std::cell::Cell<i64>,
    /// The last value the user typed or chose for each (record, field).
    typed: std::cell::RefCell<BTreeMap<(Uuid, String), serde_json::Value>>,
}

impl MemoryStore {
    pub fn new(user: &str) -> Self {
        MemoryStore {
            user: user.to_owned(),
            records: Default::default(),
            outbox: Default::default(),
            next_seq: std::cell::Cell::new(1),
            cursor: std::cell::Cell::new(0),
            typed: Default::default(),
        }
    }

    pub fn user(&self) -> &str {
        &self.user
    }

    pub fn records(&self) -> std::cell::Ref<'_, BTreeMap<Uuid, LocalRecord>> {
        self.records.borrow()
    }

    pub fn outbox(&self) -> std::cell::Ref<'_, Vec<OutboxEntry>> {
        self.outbox.borrow()
    }

    pub fn typed(&self) -> std::cell::Ref<'_, BTreeMap<(Uuid, String), serde_json::Value>> {
        self.typed.borrow()
    }

    fn put_entry(&self, entry: OutboxEntry) {
        let mut outbox = self.outbox.borrow_mut();
        match entry.seq {
            Some(seq) => {
                if let Some(slot) = outbox.iter_mut().find(|e| e.seq == Some(seq)) {
                    *slot = entry;
                }
            }
            None => {
                let seq = self.next_seq.get();
                self.next_seq.set(seq + 1);
                outbox.push(OutboxEntry { seq: Some(seq), ..entry });
            }
        }
    }

    pub fn edit(
        &self,
        target: &RecordRef,
        edits: Fields,
        now: DateTime<Utc>,
        mutation_id: Uuid,
    ) -> Result<(), FieldError> {
        let record_id = target.id;
        for (field, value) in &edits {
            self.typed.borrow_mut().insert((record_id, field.clone()), value.clone());
        }
        let record = self.records.borrow().get(&record_id).cloned();
        let edited = edit(record, &self.outbox.borrow(), target, edits, now, mutation_id)?;
        self.records.borrow_mut().insert(record_id, edited.record);
        self.outbox.borrow_mut().retain(|e| !e.seq.is_some_and(|seq| edited.dropped.contains(&seq)));
        self.put_entry(edited.entry);
        Ok(())
    }

    pub fn queue_op(&self, record_id: Uuid, op: Op, now: DateTime<Utc>, mutation_id: Uuid) {
        let Some(mut record) = self.records.borrow().get(&record_id).cloned() else { return };
        if let Op::Resolve { field, value, .. } = &op {
            self.typed.borrow_mut().insert((record_id, field.clone()), value.clone());
        }
        let entry = local_op(&mut record, op, now, mutation_id);
        self.records.borrow_mut().insert(record_id, record);
        self.put_entry(entry);
    }
}

impl LocalStore for MemoryStore {
    type Error = std::convert::Infallible;

    async fn take_batch(&self, max_count: usize, max_bytes: usize) -> Result<Vec<Mutation>, Self::Error> {
        Ok(select_batch(&mut self.outbox.borrow_mut(), max_count, max_bytes))
    }

    async fn apply_results(&self, results: &[MutationResult]) -> Result<(), Self::Error> {
        // Like the IndexedDB store: one snapshot of the queue for the whole answer, then the writes.
        let outbox = self.outbox.borrow().clone();
        let mut removed = std::collections::BTreeSet::new();
        for result in results {
            let Some(entry) = outbox.iter().find(|e| e.mutation.id == result.mutation_id) else { continue };
            let record = self.records.borrow().get(&entry.mutation.record_id).cloned();
            let (record, fate) = apply_result(record, entry, &outbox, &result.outcome, &self.user);
            if let Some(record) = record {
                self.records.borrow_mut().insert(record.id, record);
            }
            match fate {
                EntryFate::Remove => {
                    removed.insert(entry.seq);
                }
                EntryFate::Keep(refused) => self.put_entry(refused),
            }
        }
        self.outbox.borrow_mut().retain(|e| !removed.contains(&e.seq));
        Ok(())
    }

    async fn apply_pull(&self, page: &PullResponse) -> Result<(), Self::Error> {
        let outbox = self.outbox.borrow().clone();
        for incoming in &page.records {
            let local = self.records.borrow().get(&incoming.id).cloned();
            self.records.borrow_mut().insert(incoming.id, merge_pulled(local, incoming, &outbox));
        }
        self.cursor.set(next_cursor(self.cursor.get(), page));
        Ok(())
    }

    async fn cursor(&self) -> Result<i64, Self::Error> {
        Ok(self.cursor.get())
    }

    async fn pending(&self) -> Result<usize, Self::Error> {
        Ok(self.outbox.borrow().iter().filter(|e| e.rejected.is_none()).count())
    }
}
