//! Editing one record on the tablet, the one engine behind every form: a copy of its fields that typing changes
//! at once, journalled on every keystroke, saved to IndexedDB after a pause (or at once when a field or the
//! window loses focus, or the page hides), and refreshed from the store without overwriting what is still being
//! typed; with the record's sync status and its open conflicts, and the way to settle them.
//!
//! Architecture invariant: pages never touch IndexedDB or HTTP; they edit through a `Draft` and read through
//! `LocalData`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::replica::{LocalRecord, RecordStatus};
use domain::workflow::Action;
use domain::{Fields, Op, OpenConflict, RecordKind, RecordRef};
use gloo_timers::future::TimeoutFuture;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use uuid::Uuid;

use crate::store::{self, current_store, JournalEntry, Store, StoreError};
use crate::sync::{self, SyncState};

/// Typing pauses this long before the record is written to IndexedDB (every form, the quarterly report too).
pub const AUTOSAVE_MS: u32 = 300;

/// Edits on their way to IndexedDB, detached from the screen that typed them.
struct PendingSave {
    record: RecordRef,
    user: String,
    edits: Fields,
    /// The keystroke count of each field when it was read, to tell a later keystroke from this one.
    typed: BTreeMap<String, u64>,
}

impl PendingSave {
    async fn write(&self, store: &Store) -> Result<LocalRecord, StoreError> {
        let record = store.save_edit(&self.record, self.edits.clone(), Utc::now()).await?;
        for (name, value) in &self.edits {
            store::journal_settle(&self.user, self.record.id, name, value);
        }
        sync::request(sync::AFTER_EDIT_MS);
        Ok(record)
    }
}

#[derive(Clone, Copy)]
pub struct Draft {
    pub id: RwSignal<Option<Uuid>>,
    kind: RecordKind,
    /// The unit a new record belongs to; an existing record keeps its own.
    unit: StoredValue<String>,
    user: StoredValue<String>,
    /// Fields written with the first save of a new record (a report's period).
    on_create: StoredValue<Fields>,
    pub fields: RwSignal<Fields>,
    pub record: RwSignal<Option<LocalRecord>>,
    /// Where the record stands with the server: saved here only, waiting to go, sent, refused, in conflict.
    pub status: RwSignal<RecordStatus>,
    typed: StoredValue<u64>,
    /// Fields typed but not yet in IndexedDB, with the keystroke count when they were last typed.
    unsaved: StoredValue<BTreeMap<String, u64>>,
    pub error: RwSignal<Option<String>>,
    state: SyncState,
}

impl Draft {
    pub fn new(kind: RecordKind, unit: &str, user: &str, state: SyncState) -> Self {
        let draft = Draft {
            id: RwSignal::new(None),
            kind,
            unit: StoredValue::new(unit.to_owned()),
            user: StoredValue::new(user.to_owned()),
            on_create: StoredValue::new(Fields::new()),
            fields: RwSignal::new(Fields::new()),
            record: RwSignal::new(None),
            status: RwSignal::new(RecordStatus::Draft),
            typed: StoredValue::new(0),
            unsaved: StoredValue::new(BTreeMap::new()),
            error: RwSignal::new(None),
            state,
        };
        Effect::new(move |_| {
            state.data_version.track();
            if let Some(id) = draft.id.get() {
                draft.reload(id);
            }
        });
        // Leaving the page or the window saves at once; so does closing the screen (signing out). The keystroke
        // journal covers a tab closed during the pause.
        let on_hide = window_event_listener_untyped("pagehide", move |_| draft.save());
        let on_blur = window_event_listener_untyped("blur", move |_| draft.save());
        on_cleanup(move || {
            on_hide.remove();
            on_blur.remove();
            if let Some(pending) = draft.pending() {
                spawn_local(async move {
                    if let Some(store) = current_store() {
                        let _ = pending.write(&store).await;
                    }
                });
            }
        });
        draft
    }

    /// Fields to write with the first save of a record that does not exist yet.
    pub fn set_on_create(self, fields: Fields) {
        self.on_create.set_value(fields);
    }

    /// Edits record `id` (existing or new) from now on.
    pub fn open(self, id: Uuid) {
        if self.id.get_untracked() == Some(id) {
            return;
        }
        self.save();
        self.unsaved.set_value(BTreeMap::new());
        self.fields.set(Fields::new());
        self.record.set(None);
        self.status.set(RecordStatus::Draft);
        self.error.set(None);
        self.id.set(Some(id));
    }

    fn reload(self, id: Uuid) {
        spawn_local(async move {
            let Some(store) = current_store() else { return };
            let Ok(record) = store.record(id).await else { return };
            let waiting = store.waiting(id).await.unwrap_or(false);
            // The page may have closed, or moved to another record, meanwhile.
            if self.id.try_get_untracked() != Some(Some(id)) {
                return;
            }
            let mut next = record.as_ref().map(|r| r.fields.clone()).unwrap_or_default();
            let current = self.fields.get_untracked();
            for name in self.unsaved.get_value().keys() {
                match current.get(name) {
                    Some(value) => next.insert(name.clone(), value.clone()),
                    None => next.remove(name),
                };
            }
            if next != current {
                self.fields.set(next);
            }
            self.status.set(record.as_ref().map_or(RecordStatus::Draft, |r| r.status(waiting)));
            self.record.set(record);
        });
    }

    pub fn kind(self) -> RecordKind {
        self.kind
    }

    /// When the record was last saved on this tablet.
    pub fn saved_at(self) -> Option<DateTime<Utc>> {
        self.record.with(|r| r.as_ref().and_then(|r| r.saved_at))
    }

    /// The record's open conflicts on `field`, or on every field.
    pub fn conflicts(self, field: Option<&str>) -> Vec<OpenConflict> {
        self.record.with(|r| {
            r.iter().flat_map(|r| &r.conflicts).filter(|c| field.is_none_or(|f| c.field == f)).cloned().collect()
        })
    }

    pub fn get(self, name: &str) -> Value {
        self.fields.with(|f| f.get(name).cloned().unwrap_or(Value::Null))
    }

    pub fn text(self, name: &str) -> String {
        self.fields.with(|f| f.get(name).and_then(Value::as_str).unwrap_or_default().to_owned())
    }

    /// A typed table field (years, awards…), empty if absent.
    pub fn list<T: serde::de::DeserializeOwned>(self, name: &str) -> Vec<T> {
        serde_json::from_value(self.get(name)).unwrap_or_default()
    }

    pub fn set_list<T: serde::Serialize>(self, name: &str, rows: &[T]) {
        if let Ok(value) = serde_json::to_value(rows) {
            self.set(name, value);
        }
    }

    /// Changes row `index` of a table field.
    pub fn update_row<T>(self, name: &str, index: usize, change: impl FnOnce(&mut T))
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
    {
        let mut rows: Vec<T> = self.list(name);
        if let Some(row) = rows.get_mut(index) {
            change(row);
            self.set_list(name, &rows);
        }
    }

    /// Appends a row to a table field.
    pub fn push_row<T>(self, name: &str, row: T)
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
    {
        let mut rows: Vec<T> = self.list(name);
        rows.push(row);
        self.set_list(name, &rows);
    }

    /// Removes row `index` of a table field.
    pub fn remove_row<T>(self, name: &str, index: usize)
    where
        T: serde::de::DeserializeOwned + serde::Serialize,
    {
        let mut rows: Vec<T> = self.list(name);
        if index < rows.len() {
            rows.remove(index);
            self.set_list(name, &rows);
        }
    }

    /// Changes a field now, journals it, and saves after a pause in typing.
    pub fn set(self, name: &str, value: Value) {
        let Some(id) = self.id.get_untracked() else { return };
        store::journal_write(
            &self.user.get_value(),
            &JournalEntry {
                record_id: id,
                kind: self.kind,
                unit_id: self.unit_of_record(),
                field: name.to_owned(),
                value: value.clone(),
            },
        );
        self.fields.update(|f| {
            f.insert(name.to_owned(), value);
        });
        self.typed.update_value(|n| *n += 1);
        let mine = self.typed.get_value();
        self.unsaved.update_value(|u| {
            u.insert(name.to_owned(), mine);
        });
        spawn_local(async move {
            TimeoutFuture::new(AUTOSAVE_MS).await;
            if self.typed.try_get_value() == Some(mine) {
                self.save();
            }
        });
    }

    fn unit_of_record(self) -> String {
        self.record.with_untracked(|r| r.as_ref().map(|r| r.unit_id.clone())).unwrap_or_else(|| self.unit.get_value())
    }

    /// Writes what is typed but unsaved to IndexedDB and queues it for the server. What to write is read now,
    /// not when the task runs: by then the form may show another record.
    pub fn save(self) {
        if let Some(pending) = self.pending() {
            spawn_local(self.finish_save(pending));
        }
    }

    /// What is typed but unsaved, read from the signals at once: a closing page can still hand it to a task.
    fn pending(self) -> Option<PendingSave> {
        let id = self.id.try_get_untracked().flatten()?;
        let typed = self.unsaved.try_get_value()?;
        if typed.is_empty() {
            return None;
        }
        let current = self.fields.get_untracked();
        let mut edits: Fields =
            typed.keys().map(|name| (name.clone(), current.get(name).cloned().unwrap_or(Value::Null))).collect();
        if self.record.with_untracked(Option::is_none) {
            for (name, value) in self.on_create.get_value() {
                edits.entry(name).or_insert(value);
            }
        }
        Some(PendingSave {
            record: RecordRef::new(id, self.kind, &self.unit_of_record()),
            user: self.user.get_value(),
            edits,
            typed,
        })
    }

    async fn save_now(self) {
        if let Some(pending) = self.pending() {
            self.finish_save(pending).await;
        }
    }

    async fn finish_save(self, pending: PendingSave) {
        let Some(store) = current_store() else { return };
        let result = pending.write(&store).await;
        // The page may have closed meanwhile: the text is stored; only the screen is gone.
        if self.id.try_get_untracked().is_none() {
            return;
        }
        match result {
            Ok(record) => {
                self.unsaved.update_value(|u| u.retain(|name, typed| pending.typed.get(name) != Some(typed)));
                if self.id.get_untracked() == Some(pending.record.id) {
                    self.status.set(record.status(true));
                    self.record.set(Some(record));
                }
                self.error.set(None);
                self.state.refresh_counts(&store).await;
                self.state.data_version.try_update(|v| *v += 1);
            }
            Err(e) => self.error.set(Some(e.user_message())),
        }
    }

    /// Attaches a prepared file to the record: stored with its reference and outbox entry in one transaction,
    /// then uploaded by the upload loop. A record not yet saved is saved first, with its creation fields, so the
    /// change that waits for the file carries only the file.
    pub async fn attach(self, prepared: crate::media::Prepared, caption: String) -> Result<(), String> {
        use domain::attachment::AttachmentRef;
        use store::{LocalFile, NewFile};
        let id = self.id.get_untracked().ok_or("Chưa mở hồ sơ nào")?;
        let store = current_store().ok_or("Chưa mở cơ sở dữ liệu trên máy")?;
        self.save_now().await;
        let target = RecordRef::new(id, self.kind, &self.unit_of_record());
        if self.record.with_untracked(Option::is_none) && !self.on_create.get_value().is_empty() {
            store.save_edit(&target, self.on_create.get_value(), Utc::now()).await.map_err(|e| e.user_message())?;
        }
        let thumb = prepared.thumb.as_ref().map(|(sha, _, _)| sha.clone());
        let reference = AttachmentRef {
            name: prepared.name.clone(),
            media_type: prepared.media_type,
            size: prepared.size,
            caption,
            thumb,
            about: None,
        };
        let mut files = vec![NewFile {
            file: LocalFile::new(&prepared.sha256, &prepared.name, prepared.media_type, prepared.size),
            blob: prepared.blob,
        }];
        if let Some((sha, blob, size)) = prepared.thumb {
            let name = format!("thu-nho-{}.jpg", &sha[..8]);
            files.push(NewFile { file: LocalFile::new(&sha, &name, domain::attachment::MediaType::Jpeg, size), blob });
        }
        let field = domain::attachment::field_name(&prepared.sha256);
        let record = store.attach(&target, files, &reference, Utc::now()).await.map_err(|e| e.user_message())?;
        if self.id.try_get_untracked() == Some(Some(id)) {
            let value = record.fields.get(&field).cloned().unwrap_or(Value::Null);
            self.fields.update(|f| {
                f.insert(field, value);
            });
            self.status.set(record.status(true));
            self.record.set(Some(record));
        }
        self.state.refresh_counts(&store).await;
        self.state.data_version.try_update(|v| *v += 1);
        self.state.files_version.try_update(|v| *v += 1);
        crate::uploads::request();
        sync::request(sync::AFTER_EDIT_MS);
        Ok(())
    }

    /// Content may change while the unit holds the record (or before it exists).
    pub fn editable(self) -> bool {
        self.record.with(|r| r.as_ref().is_none_or(|r| r.state.editable()))
    }

    /// Saves what is typed (so the journal holds nothing for it), then queues the record's deletion and closes
    /// the form. Lists hide the record from now on; the server keeps a tombstone.
    pub fn delete(self) {
        self.save_then_queue(Op::Delete);
    }

    /// Saves, then queues a workflow step: the step follows the content it submits.
    pub fn transition(self, action: Action) {
        self.save_then_queue(Op::Transition { action });
    }

    /// Settles a conflict with `value` (either side, or both combined), sent like any edit.
    pub fn resolve(self, conflict: &OpenConflict, value: Value) {
        // A conflict the server has not numbered yet cannot be settled; the widget offers no choice then.
        let conflicts = if conflict.id > 0 { vec![conflict.id] } else { Vec::new() };
        self.save_then_queue(Op::Resolve { field: conflict.field.clone(), value, conflicts });
    }

    fn save_then_queue(self, op: Op) {
        let Some(id) = self.id.get_untracked() else { return };
        let closes = matches!(op, Op::Delete);
        spawn_local(async move {
            self.save_now().await;
            let Some(store) = current_store() else { return };
            match store.queue_op(id, op, Utc::now()).await {
                Ok(record) => {
                    self.error.try_set(None);
                    if self.id.try_get_untracked() == Some(Some(id)) {
                        self.status.try_set(record.status(true));
                        self.record.try_set(Some(record));
                    }
                    if closes {
                        self.id.try_set(None);
                    }
                    self.state.refresh_counts(&store).await;
                    self.state.data_version.try_update(|v| *v += 1);
                    sync::request(0.0);
                }
                Err(e) => {
                    self.error.try_set(Some(e.user_message()));
                }
            }
        });
    }
}
