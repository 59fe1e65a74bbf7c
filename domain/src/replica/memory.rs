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
    /// Files attached on this tablet, by SHA-256, with whether the server has acknowledged the whole file.
    files: std::cell::RefCell<BTreeMap<String, (Vec<u8>, bool)>>,
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
            files: Default::default(),
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

    /// Keeps a file attached on this tablet, not yet on the server.
    pub fn keep_file(&self, sha256: &str, bytes: Vec<u8>) {
        self.files.borrow_mut().entry(sha256.to_owned()).or_insert((bytes, false));
    }

    /// The server holds the whole file: changes that refer to it may go.
    pub fn file_uploaded(&self, sha256: &str) {
        if let Some(file) = self.files.borrow_mut().get_mut(sha256) {
            file.1 = true;
        }
    }

    pub fn file(&self, sha256: &str) -> Option<Vec<u8>> {
        self.files.borrow().get(sha256).map(|f| f.0.clone())
    }

    /// Files the server has acknowledged whole, by SHA-256.
    pub fn uploaded_files(&self) -> std::collections::BTreeSet<String> {
        self.files.borrow().iter().filter(|(_, f)| f.1).map(|(sha, _)| sha.clone()).collect()
    }

    /// Files not yet acknowledged whole by the server, by SHA-256.
    pub fn files_to_upload(&self) -> std::collections::BTreeSet<String> {
        self.files.borrow().iter().filter(|(_, f)| !f.1).map(|(sha, _)| sha.clone()).collect()
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

impl super::FileSource for MemoryStore {
    type Error = String;

    async fn chunk(&self, sha256: &str, from: u64, to: u64) -> Result<Vec<u8>, String> {
        let files = self.files.borrow();
        let bytes = &files.get(sha256).ok_or_else(|| format!("no file {sha256}"))?.0;
        bytes.get(from as usize..to as usize).map(<[u8]>::to_vec).ok_or_else(|| "out of range".to_owned())
    }
}

impl LocalStore for MemoryStore {
    type Error = std::convert::Infallible;

    async fn take_batch(&self, max_count: usize, max_bytes: usize) -> Result<Vec<Mutation>, Self::Error> {
        Ok(select_batch(&mut self.outbox.borrow_mut(), max_count, max_bytes, &self.files_to_upload()))
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
