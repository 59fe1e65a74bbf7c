//! Storage on the tablet: the only module that knows IndexedDB (and localStorage).
//!
//! One IndexedDB database per signed-in user, so a shared tablet never mixes people's drafts. A record and the
//! outbox entry carrying its change are written in one transaction: either both are stored or neither is. Only
//! IndexedDB requests are awaited inside a transaction (anything else lets it auto-commit half done), and
//! `indexed_db_futures` rolls back a transaction dropped without `commit()`, so an error mid-way stores nothing.
//!
//! Attached files live here too: each file's bytes as a Blob (`blobs`, keyed by its SHA-256) and what is known of
//! it (`files`: name, type, size, whether the server holds it whole). A file is stored in the same transaction as
//! the record field that refers to it and the outbox entry that carries that field.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use chrono::{DateTime, Utc};
use domain::api::{LoginResponse, ReferenceData};
use domain::attachment::{field_name, AttachmentRef, MediaType};
use domain::ballot::CastBallot;
use domain::replica::{self, EntryFate, LocalRecord, LocalStore, OutboxEntry};
use domain::replica::{FileSource, UploadFile};
use domain::sync::PullResponse;
use domain::{Fields, Mutation, MutationResult, Op, RecordKind, RecordRef};
use indexed_db_futures::database::Database;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{TransactionDurability, TransactionMode, TransactionOptions};
use indexed_db_futures::KeyPath;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;
use wasm_bindgen::JsValue;

const RECORDS: &str = "records";
/// The outbox, keyed by its order, with indexes by record, by mutation, by refusal and by operation: sync and
/// autosave read the entries of a few records, never the whole queue.
const OUTBOX: &str = "queue";
/// The outbox of schema v1–v2, without indexes; its entries move to `queue` when a v3 app first opens it.
const OUTBOX_V2: &str = "outbox";
const BY_RECORD: &str = "by_record";
const BY_MUTATION: &str = "by_mutation";
/// Only refused entries have a `rejected` key: the others are not in this index.
const BY_REFUSAL: &str = "by_refusal";
const BY_OP: &str = "by_op";
/// What the tablet knows of each file (`LocalFile`), keyed by its SHA-256, indexed by those still to upload.
const FILES: &str = "files";
const BY_PENDING: &str = "by_pending";
/// Files' bytes, as Blobs, keyed by their SHA-256.
const BLOBS: &str = "blobs";
const META: &str = "meta";
const REFERENCE: &str = "reference";
/// Bump with a new step in `upgrade`; steps only add, so pending outbox entries survive every upgrade.
const SCHEMA_VERSION: u32 = 4;

const CURSOR_KEY: &str = "pull_cursor";
const REFERENCE_KEY: &str = "reference";
const LAST_SYNC_KEY: &str = "last_sync";
const BALLOTS_KEY: &str = "pending_ballots";

thread_local! {
    /// The signed-in user's database. IndexedDB handles are not `Send`, so they live here rather than in signals.
    static CURRENT: RefCell<Option<Rc<Store>>> = const { RefCell::new(None) };
}

/// The signed-in user's database, once the shell has opened it.
pub fn current_store() -> Option<Rc<Store>> {
    CURRENT.with(|s| s.borrow().clone())
}

/// Makes `store` the one every screen reads and writes (None on sign-out).
pub fn set_current_store(store: Option<Rc<Store>>) {
    CURRENT.with(|s| *s.borrow_mut() = store);
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("IndexedDB: {0}")]
    Idb(#[from] indexed_db_futures::error::Error),
    #[error("IndexedDB open: {0}")]
    Open(#[from] indexed_db_futures::error::OpenDbError),
    #[error("{0}")]
    Invalid(String),
}

impl StoreError {
    /// What to tell the user. A full disk is the one failure they can act on. The browser reports it either as
    /// QuotaExceededError on a request or as an abort of the whole transaction at commit (the crate does not keep
    /// the abort's reason, and with every request already accepted, a full disk is what aborts a commit).
    pub fn user_message(&self) -> String {
        use indexed_db_futures::error::{Error, UnexpectedDataError};
        let full = match self {
            StoreError::Idb(Error::MissingData(UnexpectedDataError::TransactionAborted)) => true,
            other => other.to_string().contains("QuotaExceeded"),
        };
        if full {
            "Bộ nhớ của máy đã đầy: thay đổi mới chưa lưu được vào cơ sở dữ liệu của máy (đã giữ tạm). Những gì \
             đã lưu vẫn còn nguyên; hãy giải phóng bộ nhớ rồi gõ tiếp."
                .into()
        } else {
            format!("Không lưu được trên máy: {self}")
        }
    }
}

type Result<T> = std::result::Result<T, StoreError>;

#[derive(Serialize, Deserialize)]
struct MetaEntry<T> {
    key: String,
    value: T,
}

/// A file as this tablet knows it: attached here (and maybe not yet on the server), or fetched from the server
/// (a thumbnail, or a file the user pinned).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LocalFile {
    pub sha256: String,
    pub name: String,
    pub media_type: MediaType,
    pub size: u64,
    /// Some(1) while the file waits to be uploaded: only such files are in the `by_pending` index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<u8>,
    /// Why the server refused the file, shown beside it; a refused file is no longer tried.
    #[serde(default)]
    pub refused: Option<String>,
    /// Kept on the tablet for offline use even though the server holds it.
    #[serde(default)]
    pub pinned: bool,
}

impl LocalFile {
    pub fn new(sha256: &str, name: &str, media_type: MediaType, size: u64) -> Self {
        LocalFile {
            sha256: sha256.to_owned(),
            name: name.to_owned(),
            media_type,
            size,
            pending: None,
            refused: None,
            pinned: false,
        }
    }

    pub fn upload(&self) -> UploadFile {
        UploadFile {
            sha256: self.sha256.clone(),
            size: self.size,
            media_type: self.media_type,
            name: self.name.clone(),
        }
    }
}

/// A file to attach and its bytes: what `Store::attach` stores.
pub struct NewFile {
    pub file: LocalFile,
    pub blob: web_sys::Blob,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub pending: u32,
    pub rejected: u32,
}

pub struct Store {
    db: Database,
    /// The signed-in user this database belongs to.
    user_id: String,
}

/// What a person typed is flushed to disk before the save counts as done, so a crash of the tablet itself (not
/// only of the tab) keeps it. Bookkeeping writes (acknowledgements, pulls) may be relaxed: if they are lost, the
/// outbox entry simply goes again and the server answers the replay.
fn strict() -> TransactionOptions {
    TransactionOptions::new().with_durability(TransactionDurability::Strict)
}

/// Opens a database at `version`, running the upgrade steps between its stored version and that one.
async fn open_at(name: &str, version: u32) -> Result<Database> {
    let db = Database::open(name)
        .with_version(version)
        .with_on_upgrade_needed(move |event, db| {
            let from = event.old_version() as u32;
            if from < 1 && version >= 1 {
                db.create_object_store(RECORDS).with_key_path(KeyPath::One("id")).build()?;
                db.create_object_store(OUTBOX_V2)
                    .with_key_path(KeyPath::One("seq"))
                    .with_auto_increment(true)
                    .build()?;
                db.create_object_store(META).with_key_path(KeyPath::One("key")).build()?;
            }
            // v2: cached reference data (org tree, people, movements) gets its own store, keeping `meta` small.
            // The v1 copy in `meta` is simply no longer read; the app fetches reference data at every sign-in.
            if from < 2 && version >= 2 {
                db.create_object_store(REFERENCE).with_key_path(KeyPath::One("key")).build()?;
            }
            // v3: the indexed queue. An upgrade cannot read the old store here, so `move_v2_outbox` does, on open.
            if from < 3 && version >= 3 {
                let queue = db
                    .create_object_store(OUTBOX)
                    .with_key_path(KeyPath::One("seq"))
                    .with_auto_increment(true)
                    .build()?;
                queue.create_index(BY_RECORD, KeyPath::One("mutation.record_id")).build()?;
                queue.create_index(BY_MUTATION, KeyPath::One("mutation.id")).build()?;
                queue.create_index(BY_REFUSAL, KeyPath::One("rejected")).build()?;
                queue.create_index(BY_OP, KeyPath::One("mutation.op.type")).build()?;
            }
            // v4: attached files and their bytes.
            if from < 4 && version >= 4 {
                let files = db.create_object_store(FILES).with_key_path(KeyPath::One("sha256")).build()?;
                files.create_index(BY_PENDING, KeyPath::One("pending")).build()?;
                db.create_object_store(BLOBS).build()?;
            }
            Ok(())
        })
        .await?;
    Ok(db)
}

/// Moves a v2 outbox into the indexed queue in one transaction, each entry under its own `seq`, so the order
/// holds and nothing is lost if the tab closes halfway.
async fn move_v2_outbox(db: &Database) -> Result<()> {
    if !db.object_store_names().any(|name| name == OUTBOX_V2) {
        return Ok(());
    }
    let tx =
        db.transaction([OUTBOX_V2, OUTBOX]).with_mode(TransactionMode::Readwrite).with_options(strict()).build()?;
    let old = tx.object_store(OUTBOX_V2)?;
    let entries: Vec<JsValue> = old.get_all::<JsValue>().primitive()?.await?.collect::<std::result::Result<_, _>>()?;
    if entries.is_empty() {
        return Ok(());
    }
    let queue = tx.object_store(OUTBOX)?;
    for entry in entries {
        queue.put(entry).primitive()?.await?;
    }
    old.clear()?.await?;
    tx.commit().await?;
    Ok(())
}

impl Store {
    /// Opens (creating or upgrading) the database of one user.
    pub async fn open(user_id: &str) -> Result<Store> {
        Self::open_named(&format!("thidua-{user_id}"), user_id).await
    }

    pub async fn open_named(name: &str, user_id: &str) -> Result<Store> {
        let db = open_at(name, SCHEMA_VERSION).await?;
        move_v2_outbox(&db).await?;
        Ok(Store { db, user_id: user_id.to_owned() })
    }

    pub async fn record(&self, id: Uuid) -> Result<Option<LocalRecord>> {
        let tx = self.db.transaction(RECORDS).build()?;
        let record = tx.object_store(RECORDS)?.get(id.to_string()).serde()?.await?;
        Ok(record)
    }

    pub async fn records(&self) -> Result<Vec<LocalRecord>> {
        let tx = self.db.transaction(RECORDS).build()?;
        let records = tx.object_store(RECORDS)?.get_all().serde()?.await?.collect::<std::result::Result<_, _>>()?;
        Ok(records)
    }

    /// A transaction over a record and the outbox, for what a person typed: flushed to disk before it counts.
    fn typed_text_tx(&self) -> Result<indexed_db_futures::transaction::Transaction<'_>> {
        Ok(self
            .db
            .transaction([RECORDS, OUTBOX])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?)
    }

    /// Saves edited fields and queues them for the server, in one transaction.
    pub async fn save_edit(&self, target: &RecordRef, edits: Fields, now: DateTime<Utc>) -> Result<LocalRecord> {
        let tx = self.typed_text_tx()?;
        let record = write_edit(&tx, target, edits, now).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Queues a workflow transition or a conflict resolution for a record this tablet holds.
    pub async fn queue_op(&self, record_id: Uuid, op: Op, now: DateTime<Utc>) -> Result<LocalRecord> {
        let tx = self.typed_text_tx()?;
        let records = tx.object_store(RECORDS)?;
        let Some(mut record): Option<LocalRecord> = records.get(record_id.to_string()).serde()?.await? else {
            return Err(StoreError::Invalid("Hồ sơ chưa có trên máy".into()));
        };
        let entry = replica::local_op(&mut record, op, now, Uuid::new_v4());
        records.put(&record).serde()?.await?;
        tx.object_store(OUTBOX)?.put(&entry).serde()?.await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Attaches a file (and its thumbnail) to a record: the bytes, what is known of them, the record's field that
    /// refers to them and its outbox entry, in one transaction. A file the tablet already holds keeps its state: a
    /// photo attached again after it was uploaded does not wait for an upload.
    pub async fn attach(
        &self,
        target: &RecordRef,
        files: Vec<NewFile>,
        reference: &AttachmentRef,
        now: DateTime<Utc>,
    ) -> Result<LocalRecord> {
        let main = files.first().map(|f| f.file.sha256.clone()).ok_or_else(|| StoreError::Invalid("no file".into()))?;
        let value = serde_json::to_value(reference).map_err(|e| StoreError::Invalid(e.to_string()))?;
        let edits: Fields = [(field_name(&main), value)].into_iter().collect();
        let tx = self
            .db
            .transaction([RECORDS, OUTBOX, FILES, BLOBS])
            .with_mode(TransactionMode::Readwrite)
            .with_options(strict())
            .build()?;
        let known = tx.object_store(FILES)?;
        let blobs = tx.object_store(BLOBS)?;
        for NewFile { file, blob } in files {
            let held: Option<LocalFile> = known.get(file.sha256.clone()).serde()?.await?;
            let file = match held {
                Some(held) if held.pending.is_none() && held.refused.is_none() => LocalFile { pinned: true, ..held },
                _ => LocalFile { pending: Some(1), refused: None, pinned: true, ..file },
            };
            blobs.put(JsValue::from(blob)).with_key(file.sha256.clone()).primitive()?.await?;
            known.put(&file).serde()?.await?;
        }
        let record = write_edit(&tx, target, edits, now).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// What the tablet knows of a file.
    pub async fn file(&self, sha256: &str) -> Result<Option<LocalFile>> {
        let tx = self.db.transaction(FILES).build()?;
        Ok(tx.object_store(FILES)?.get(sha256.to_owned()).serde()?.await?)
    }

    /// Every file the tablet knows.
    pub async fn files(&self) -> Result<Vec<LocalFile>> {
        let tx = self.db.transaction(FILES).build()?;
        let files = tx.object_store(FILES)?.get_all().serde()?.await?.collect::<std::result::Result<_, _>>()?;
        Ok(files)
    }

    /// Files attached here that the server does not hold yet (refused ones excluded).
    pub async fn files_to_upload(&self) -> Result<Vec<LocalFile>> {
        let tx = self.db.transaction(FILES).build()?;
        pending_files(&tx).await
    }

    /// A file's bytes, if the tablet holds them.
    pub async fn blob(&self, sha256: &str) -> Result<Option<web_sys::Blob>> {
        use wasm_bindgen::JsCast;
        let tx = self.db.transaction(BLOBS).build()?;
        let value: Option<JsValue> = tx.object_store(BLOBS)?.get(sha256.to_owned()).primitive()?.await?;
        Ok(value.and_then(|v| v.dyn_into().ok()))
    }

    /// The server holds the whole file: changes that refer to it may go.
    pub async fn file_uploaded(&self, sha256: &str) -> Result<()> {
        self.update_file(sha256, |file| file.pending = None).await
    }

    /// The server refused the file for good: it is no longer tried, and the reason shows beside it.
    pub async fn file_refused(&self, sha256: &str, reason: &str) -> Result<()> {
        self.update_file(sha256, |file| {
            file.pending = None;
            file.refused = Some(reason.to_owned());
        })
        .await
    }

    /// Keeps a file fetched from the server (a thumbnail, or a file pinned for offline use).
    pub async fn keep_fetched(&self, file: &LocalFile, blob: &web_sys::Blob) -> Result<()> {
        let tx = self.db.transaction([FILES, BLOBS]).with_mode(TransactionMode::Readwrite).build()?;
        let known = tx.object_store(FILES)?;
        let held: Option<LocalFile> = known.get(file.sha256.clone()).serde()?.await?;
        if held.is_none() {
            known.put(file).serde()?.await?;
        }
        tx.object_store(BLOBS)?.put(JsValue::from(blob)).with_key(file.sha256.clone()).primitive()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// Unpins a file the server holds: its bytes leave the tablet (a file still to upload always stays).
    pub async fn unpin(&self, sha256: &str) -> Result<()> {
        let tx = self.db.transaction([FILES, BLOBS]).with_mode(TransactionMode::Readwrite).build()?;
        let known = tx.object_store(FILES)?;
        let Some(mut file): Option<LocalFile> = known.get(sha256.to_owned()).serde()?.await? else { return Ok(()) };
        if file.pending.is_some() {
            return Ok(());
        }
        file.pinned = false;
        known.put(&file).serde()?.await?;
        tx.object_store(BLOBS)?.delete(sha256.to_owned()).build()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn update_file(&self, sha256: &str, change: impl FnOnce(&mut LocalFile)) -> Result<()> {
        let tx = self.db.transaction(FILES).with_mode(TransactionMode::Readwrite).with_options(strict()).build()?;
        let known = tx.object_store(FILES)?;
        let Some(mut file): Option<LocalFile> = known.get(sha256.to_owned()).serde()?.await? else { return Ok(()) };
        change(&mut file);
        known.put(&file).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn outbox(&self) -> Result<Vec<OutboxEntry>> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let entries = tx.object_store(OUTBOX)?.get_all().serde()?.await?.collect::<std::result::Result<_, _>>()?;
        Ok(entries)
    }

    /// Whether a change of the record still waits to be sent (refused ones do not count: they wait for a person).
    pub async fn waiting(&self, record_id: Uuid) -> Result<bool> {
        let tx = self.db.transaction(OUTBOX).build()?;
        Ok(entries_of(&tx.object_store(OUTBOX)?, [record_id]).await?.iter().any(|e| e.rejected.is_none()))
    }

    /// The records whose deletion waits to be sent: lists hide them already.
    pub async fn deleting(&self) -> Result<BTreeSet<Uuid>> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let deletions: Vec<OutboxEntry> = tx
            .object_store(OUTBOX)?
            .index(BY_OP)?
            .get_all()
            .with_query::<String, _>("delete".to_owned())
            .serde()?
            .await?
            .collect::<std::result::Result<_, _>>()?;
        Ok(deletions.into_iter().filter(|e| e.rejected.is_none()).map(|e| e.mutation.record_id).collect())
    }

    pub async fn counts(&self) -> Result<OutboxCounts> {
        let tx = self.db.transaction(OUTBOX).build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let all = outbox.count().await?;
        let rejected = outbox.index(BY_REFUSAL)?.count().await?;
        Ok(OutboxCounts { pending: all.saturating_sub(rejected), rejected })
    }

    pub async fn cursor(&self) -> Result<i64> {
        Ok(self.meta_in::<i64>(META, CURSOR_KEY).await?.unwrap_or(0))
    }

    /// Pulls everything again from the start at the next sync: what is already here is applied again, which
    /// changes nothing, and records that came into scope with older sequence numbers arrive.
    pub async fn restart_pull(&self) -> Result<()> {
        self.set_meta_in(META, CURSOR_KEY, &0i64).await
    }

    /// Reference data is kept as JSON text: it arrives as JSON, and decoding it with serde_json alone keeps a
    /// second decoder of the rulebook's types out of the bundle. Anything unreadable (an older layout) reads
    /// as absent; it is a cache, fetched again at the next sync.
    pub async fn reference(&self) -> Result<Option<ReferenceData>> {
        let text: Option<String> = self.meta_in(REFERENCE, REFERENCE_KEY).await.unwrap_or(None);
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    pub async fn set_reference(&self, reference: &ReferenceData) -> Result<()> {
        let text = serde_json::to_string(reference).map_err(|e| StoreError::Invalid(e.to_string()))?;
        self.set_meta_in(REFERENCE, REFERENCE_KEY, &text).await
    }

    pub async fn last_sync(&self) -> Result<Option<DateTime<Utc>>> {
        self.meta_in(META, LAST_SYNC_KEY).await
    }

    pub async fn set_last_sync(&self, at: DateTime<Utc>) -> Result<()> {
        self.set_meta_in(META, LAST_SYNC_KEY, &at).await
    }

    /// Ballots cast on this device that the server has not answered yet: (session id, ballot). A ballot leaves
    /// the device as soon as it is answered, so what a member chose is kept here no longer than it must be.
    pub async fn pending_ballots(&self) -> Result<Vec<(String, CastBallot)>> {
        Ok(self.meta_in(META, BALLOTS_KEY).await?.unwrap_or_default())
    }

    /// Keeps `ballot` for `session_id` (in place of an earlier one for it), in one transaction with the read, so
    /// a sending that finishes meanwhile cannot drop it.
    pub async fn queue_ballot(&self, session_id: &str, ballot: CastBallot) -> Result<()> {
        self.update_meta(BALLOTS_KEY, |pending: &mut Vec<(String, CastBallot)>| {
            pending.retain(|(id, _)| id != session_id);
            pending.push((session_id.to_owned(), ballot));
        })
        .await
    }

    /// Forgets the ballots the server has answered, and only those: one queued meanwhile stays.
    pub async fn forget_ballots(&self, answered: &[(String, CastBallot)]) -> Result<()> {
        self.update_meta(BALLOTS_KEY, |pending: &mut Vec<(String, CastBallot)>| {
            pending.retain(|entry| !answered.contains(entry));
        })
        .await
    }

    /// Reads, changes and writes a `meta` value in one transaction.
    async fn update_meta<T: Serialize + serde::de::DeserializeOwned + Default>(
        &self,
        key: &str,
        change: impl FnOnce(&mut T),
    ) -> Result<()> {
        let tx = self.db.transaction(META).with_mode(TransactionMode::Readwrite).build()?;
        let store = tx.object_store(META)?;
        let entry: Option<MetaEntry<T>> = store.get(key).serde()?.await?;
        let mut value = entry.map(|e| e.value).unwrap_or_default();
        change(&mut value);
        store.put(&MetaEntry { key: key.to_owned(), value }).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    /// A keyed value in one of the key/value stores (`meta`, `reference`).
    async fn meta_in<T: serde::de::DeserializeOwned>(&self, store: &str, key: &str) -> Result<Option<T>> {
        let tx = self.db.transaction(store).build()?;
        let entry: Option<MetaEntry<T>> = tx.object_store(store)?.get(key).serde()?.await?;
        Ok(entry.map(|e| e.value))
    }

    async fn set_meta_in<T: Serialize>(&self, store: &str, key: &str, value: &T) -> Result<()> {
        let tx = self.db.transaction(store).with_mode(TransactionMode::Readwrite).build()?;
        tx.object_store(store)?.put(&MetaEntry { key: key.to_owned(), value }).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    pub fn close(self) {
        self.db.close();
    }
}

/// Applies an edit to its record and the outbox within `tx` (over both stores). Both reads are requested before
/// either is awaited, and every write before the first is: a save is on the typing path, and each wait is a round
/// trip to the database.
async fn write_edit(
    tx: &indexed_db_futures::transaction::Transaction<'_>,
    target: &RecordRef,
    edits: Fields,
    now: DateTime<Utc>,
) -> Result<LocalRecord> {
    let records = tx.object_store(RECORDS)?;
    let outbox = tx.object_store(OUTBOX)?;
    let record = records.get(target.id.to_string()).serde()?;
    let entries = entries_of(&outbox, [target.id]).await?;
    let record: Option<LocalRecord> = record.await?;
    let edited = replica::edit(record, &entries, target, edits, now, Uuid::new_v4())
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let put_record = records.put(&edited.record).serde()?;
    let deletes =
        edited.dropped.iter().map(|seq| outbox.delete(*seq).build()).collect::<std::result::Result<Vec<_>, _>>()?;
    let put_entry = outbox.put(&edited.entry).serde()?;
    put_record.await?;
    for delete in deletes {
        delete.await?;
    }
    put_entry.await?;
    Ok(edited.record)
}

/// The files still to upload, through the `by_pending` index (only they have a `pending` key).
async fn pending_files(tx: &indexed_db_futures::transaction::Transaction<'_>) -> Result<Vec<LocalFile>> {
    let files =
        tx.object_store(FILES)?.index(BY_PENDING)?.get_all().serde()?.await?.collect::<std::result::Result<_, _>>()?;
    Ok(files)
}

/// Every entry of these records, in queue order, each record's read requested before the first is awaited.
async fn entries_of(
    outbox: &indexed_db_futures::object_store::ObjectStore<'_>,
    records: impl IntoIterator<Item = Uuid>,
) -> Result<Vec<OutboxEntry>> {
    let by_record = outbox.index(BY_RECORD)?;
    let unique: BTreeSet<Uuid> = records.into_iter().collect();
    let reads = unique
        .iter()
        .map(|id| by_record.get_all().with_query::<String, _>(id.to_string()).serde())
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let mut entries: Vec<OutboxEntry> = Vec::new();
    for read in reads {
        for entry in read.await? {
            entries.push(entry?);
        }
    }
    entries.sort_by_key(|e| e.seq);
    Ok(entries)
}

impl LocalStore for Store {
    type Error = StoreError;

    /// The next entries to push, oldest first, marked as sent before they leave.
    async fn take_batch(&self, max_count: usize, max_bytes: usize) -> Result<Vec<Mutation>> {
        let tx = self.db.transaction([OUTBOX, FILES]).with_mode(TransactionMode::Readwrite).build()?;
        let outbox = tx.object_store(OUTBOX)?;
        let missing: BTreeSet<String> = pending_files(&tx).await?.into_iter().map(|f| f.sha256).collect();
        // Only the head of the queue, a page at a time past refused entries: reading all of it for every batch
        // made pushing N edits take time in N².
        let page = u32::try_from(max_count.max(1)).unwrap_or(u32::MAX);
        let mut entries: Vec<OutboxEntry> = Vec::new();
        loop {
            let after = entries.last().and_then(|e| e.seq);
            let read: Vec<OutboxEntry> = match after {
                None => outbox.get_all().with_limit(page).serde()?.await?.collect::<std::result::Result<_, _>>()?,
                Some(seq) => outbox
                    .get_all()
                    .with_query::<u32, _>(seq.saturating_add(1)..)
                    .with_limit(page)
                    .serde()?
                    .await?
                    .collect::<std::result::Result<_, _>>()?,
            };
            let more = read.len() == page as usize;
            entries.extend(read);
            if !more || entries.iter().filter(|e| e.rejected.is_none()).count() >= max_count {
                break;
            }
        }
        let before = entries.clone();
        let batch = replica::select_batch(&mut entries, max_count, max_bytes, &missing);
        // Every write is requested before the first is awaited: one round trip per batch, not one per entry.
        let writes = entries
            .iter()
            .zip(&before)
            .filter(|(entry, old)| entry != old)
            .map(|(entry, _)| outbox.put(entry).serde())
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for write in writes {
            write.await?;
        }
        tx.commit().await?;
        Ok(batch)
    }

    /// Applies the server's answers in one transaction.
    async fn apply_results(&self, results: &[MutationResult]) -> Result<()> {
        let tx = self.db.transaction([RECORDS, OUTBOX]).with_mode(TransactionMode::Readwrite).build()?;
        let records = tx.object_store(RECORDS)?;
        let outbox = tx.object_store(OUTBOX)?;
        let by_mutation = outbox.index(BY_MUTATION)?;
        let reads = results
            .iter()
            .map(|r| by_mutation.get(r.mutation_id.to_string()).serde())
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut answered: Vec<Uuid> = Vec::new();
        for read in reads {
            let entry: Option<OutboxEntry> = read.await?;
            answered.extend(entry.map(|e| e.mutation.record_id));
        }
        let unique: BTreeSet<Uuid> = answered.iter().copied().collect();
        let record_reads = unique
            .iter()
            .map(|id| records.get(id.to_string()).serde().map(|read| (*id, read)))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let entries = entries_of(&outbox, answered).await?;
        // The answered records, kept here as each answer changes them: two answers may be for one record.
        let mut held: BTreeMap<Uuid, Option<LocalRecord>> = BTreeMap::new();
        for (id, read) in record_reads {
            held.insert(id, read.await?);
        }
        // Every write is requested before the first is awaited; the database applies them in order.
        let mut writes = Vec::new();
        let mut deletes = Vec::new();
        for result in results {
            let Some(entry) = entries.iter().find(|e| e.mutation.id == result.mutation_id) else { continue };
            let Some(seq) = entry.seq else { continue };
            let record = held.remove(&entry.mutation.record_id).flatten();
            let (record, fate) = replica::apply_result(record, entry, &entries, &result.outcome, &self.user_id);
            if let Some(record) = &record {
                writes.push(records.put(record).serde()?);
            }
            held.insert(entry.mutation.record_id, record);
            match fate {
                EntryFate::Remove => deletes.push(outbox.delete(seq).build()?),
                EntryFate::Keep(refused) => writes.push(outbox.put(&refused).serde()?),
            }
        }
        for write in writes {
            write.await?;
        }
        for delete in deletes {
            delete.await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores one pulled page and its cursor together, so an interrupted pull resumes where it stopped.
    async fn apply_pull(&self, page: &PullResponse) -> Result<()> {
        let tx = self.db.transaction([RECORDS, OUTBOX, META]).with_mode(TransactionMode::Readwrite).build()?;
        let records = tx.object_store(RECORDS)?;
        let meta = tx.object_store(META)?;
        let entries = entries_of(&tx.object_store(OUTBOX)?, page.records.iter().map(|r| r.id)).await?;
        // Every read is requested before the first is awaited, and every write before the commit: one round trip
        // to the database per page, not two per record.
        let reads = page
            .records
            .iter()
            .map(|r| records.get(r.id.to_string()).serde())
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let mut writes = Vec::with_capacity(reads.len());
        for (incoming, read) in page.records.iter().zip(reads) {
            let local: Option<LocalRecord> = read.await?;
            writes.push(records.put(&replica::merge_pulled(local, incoming, &entries)).serde()?);
        }
        for write in writes {
            write.await?;
        }
        let cursor: i64 = meta.get(CURSOR_KEY).serde()?.await?.map_or(0, |e: MetaEntry<i64>| e.value);
        let next = replica::next_cursor(cursor, page);
        meta.put(&MetaEntry { key: CURSOR_KEY.into(), value: next }).serde()?.await?;
        tx.commit().await?;
        Ok(())
    }

    async fn cursor(&self) -> Result<i64> {
        Store::cursor(self).await
    }

    async fn pending(&self) -> Result<usize> {
        Ok(self.counts().await?.pending as usize)
    }
}

impl FileSource for Store {
    type Error = StoreError;

    /// Bytes `from..to` of a file this tablet holds, read from its Blob without reading the rest.
    async fn chunk(&self, sha256: &str, from: u64, to: u64) -> Result<Vec<u8>> {
        let blob = self.blob(sha256).await?.ok_or_else(|| StoreError::Invalid("Tệp không còn trên máy".into()))?;
        let part = blob
            .slice_with_f64_and_f64(from as f64, to as f64)
            .map_err(|_| StoreError::Invalid("Không đọc được tệp trên máy".into()))?;
        let buffer = wasm_bindgen_futures::JsFuture::from(part.array_buffer())
            .await
            .map_err(|_| StoreError::Invalid("Không đọc được tệp trên máy".into()))?;
        Ok(js_sys::Uint8Array::new(&buffer).to_vec())
    }
}

// --- localStorage: the people who signed in on this tablet, and the tablet's device id ---------------------

const ACCOUNTS_KEY: &str = "thidua.accounts";
const CURRENT_KEY: &str = "thidua.current";
const DEVICE_KEY: &str = "thidua.device";

/// A person who signed in on this tablet: their session, and a verifier of their password for offline sign-in.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedAccount {
    pub session: LoginResponse,
    pub verifier: Option<crate::local_auth::Verifier>,
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The people who signed in on this tablet and did not sign out.
pub fn saved_accounts() -> Vec<SavedAccount> {
    local_storage()
        .and_then(|s| s.get_item(ACCOUNTS_KEY).ok().flatten())
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default()
}

fn write_accounts(accounts: &[SavedAccount]) -> Result<()> {
    let text = serde_json::to_string(accounts).map_err(|e| StoreError::Invalid(e.to_string()))?;
    local_storage()
        .ok_or_else(|| StoreError::Invalid("localStorage không dùng được".into()))?
        .set_item(ACCOUNTS_KEY, &text)
        .map_err(|_| StoreError::Invalid("không lưu được phiên đăng nhập".into()))
}

pub fn saved_account(login: &str) -> Option<SavedAccount> {
    saved_accounts().into_iter().find(|a| a.session.user.login == login)
}

/// The session of whoever is using the app now.
pub fn load_session() -> Option<LoginResponse> {
    let current = local_storage()?.get_item(CURRENT_KEY).ok().flatten()?;
    saved_account(&current).map(|a| a.session)
}

/// Keeps an account (replacing an older entry of the same person) and makes it the current one.
pub fn save_account(account: SavedAccount) -> Result<()> {
    let login = account.session.user.login.clone();
    let mut all = saved_accounts();
    all.retain(|a| a.session.user.login != login);
    all.push(account);
    write_accounts(&all)?;
    set_current(&login)
}

pub fn set_current(login: &str) -> Result<()> {
    local_storage()
        .ok_or_else(|| StoreError::Invalid("localStorage không dùng được".into()))?
        .set_item(CURRENT_KEY, login)
        .map_err(|_| StoreError::Invalid("không lưu được phiên đăng nhập".into()))
}

/// Leaves the app to the next person; the account stays on the tablet for offline sign-in.
pub fn clear_current() {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(CURRENT_KEY);
    }
}

/// Forgets a person's session on this tablet (after they signed out). Their database, with any unsent drafts,
/// stays.
pub fn forget_account(login: &str) {
    let mut all = saved_accounts();
    all.retain(|a| a.session.user.login != login);
    let _ = write_accounts(&all);
    clear_current();
}

/// This tablet's id, made once and kept.
pub fn device_id() -> Uuid {
    let storage = local_storage();
    if let Some(id) = storage.as_ref().and_then(|s| s.get_item(DEVICE_KEY).ok().flatten()).and_then(|t| t.parse().ok())
    {
        return id;
    }
    let id = Uuid::new_v4();
    if let Some(storage) = storage {
        let _ = storage.set_item(DEVICE_KEY, &id.to_string());
    }
    id
}

// --- the keystroke journal ------------------------------------------------------------------------------
//
// IndexedDB is asynchronous: a tab closed or reloaded during the autosave pause, or while the transaction is in
// flight, would lose the last keystrokes. localStorage writes are synchronous, so every keystroke is journalled
// there first and the entry is dropped once IndexedDB holds the same text. At start, leftovers are replayed.

/// A field value typed but maybe not yet in IndexedDB: a text, or a whole table (people's years, awards…).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct JournalEntry {
    pub record_id: Uuid,
    pub kind: RecordKind,
    pub unit_id: String,
    pub field: String,
    pub value: Value,
}

fn journal_key(user_id: &str, record_id: Uuid, field: &str) -> String {
    format!("thidua.journal.{user_id}.{record_id}.{field}")
}

pub fn journal_write(user_id: &str, entry: &JournalEntry) {
    if let (Some(storage), Ok(text)) = (local_storage(), serde_json::to_string(entry)) {
        // If this fails (quota), the autosave still runs; the journal only narrows the window.
        let _ = storage.set_item(&journal_key(user_id, entry.record_id, &entry.field), &text);
    }
}

/// Drops the journal entry if it still holds `value` (a newer keystroke keeps its entry).
pub fn journal_settle(user_id: &str, record_id: Uuid, field: &str, value: &Value) {
    let Some(storage) = local_storage() else { return };
    let key = journal_key(user_id, record_id, field);
    let current = storage.get_item(&key).ok().flatten().and_then(|t| serde_json::from_str::<JournalEntry>(&t).ok());
    if current.is_some_and(|e| e.value == *value) {
        let _ = storage.remove_item(&key);
    }
}

/// Writes journal leftovers of a user into their database, then drops them.
pub async fn replay_journal(user_id: &str, store: &Store) -> Result<usize> {
    let Some(storage) = local_storage() else { return Ok(0) };
    let prefix = format!("thidua.journal.{user_id}.");
    let length = storage.length().unwrap_or(0);
    let keys: Vec<String> =
        (0..length).filter_map(|i| storage.key(i).ok().flatten()).filter(|k| k.starts_with(&prefix)).collect();
    let mut replayed = 0;
    for key in keys {
        let Some(entry) =
            storage.get_item(&key).ok().flatten().and_then(|t| serde_json::from_str::<JournalEntry>(&t).ok())
        else {
            let _ = storage.remove_item(&key);
            continue;
        };
        let stored = store.record(entry.record_id).await?.and_then(|r| r.fields.get(&entry.field).cloned());
        if stored.as_ref() != Some(&entry.value) {
            let edit = [(entry.field.clone(), entry.value.clone())].into_iter().collect();
            store
                .save_edit(&RecordRef::new(entry.record_id, entry.kind, &entry.unit_id), edit, chrono::Utc::now())
                .await?;
            replayed += 1;
        }
        journal_settle(user_id, entry.record_id, &entry.field, &entry.value);
    }
    Ok(replayed)
}

/// The value of a text field, or "" if it has none.
pub fn text_of(fields: &Fields, name: &str) -> String {
    match fields.get(name) {
        Some(Value::String(text)) => text.clone(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::replica::{LocalStore, RecordStatus};
    use domain::sync::Outcome;
    use domain::Record;
    use serde_json::json;
    use wasm_bindgen_test::*;

    wasm_bindgen_test_configure!(run_in_browser);

    async fn fresh() -> (Store, String) {
        let name = format!("test-{}", Uuid::new_v4());
        (Store::open_named(&name, "tamduong.lan").await.unwrap(), name)
    }

    fn one(field: &str, value: &str) -> Fields {
        [(field.to_owned(), json!(value))].into_iter().collect()
    }

    const UNIT: &str = "ttvh-tam-duong";

    #[wasm_bindgen_test]
    async fn a_ballot_waits_on_the_device_across_a_reload_until_it_is_answered() {
        use domain::ballot::BallotChoice;
        let (store, name) = fresh().await;
        assert!(store.pending_ballots().await.unwrap().is_empty());
        let choices = [("n1".to_owned(), BallotChoice::Yes), ("n2".to_owned(), BallotChoice::Blank)];
        let ballot = CastBallot { choices: choices.into_iter().collect() };
        store.queue_ballot("phien-1", ballot.clone()).await.unwrap();
        store.close();
        let store = Store::open_named(&name, "tamduong.lan").await.unwrap();
        let sent = store.pending_ballots().await.unwrap();
        assert_eq!(sent, vec![("phien-1".to_owned(), ballot)]);
        // While that one is being sent, the member votes in another session: answering the first keeps the second.
        let other = CastBallot { choices: [("n3".to_owned(), BallotChoice::No)].into_iter().collect() };
        store.queue_ballot("phien-2", other.clone()).await.unwrap();
        store.forget_ballots(&sent).await.unwrap();
        assert_eq!(store.pending_ballots().await.unwrap(), vec![("phien-2".to_owned(), other)]);
        store.forget_ballots(&store.pending_ballots().await.unwrap()).await.unwrap();
        assert!(store.pending_ballots().await.unwrap().is_empty());
    }

    #[wasm_bindgen_test]
    async fn an_edit_writes_the_record_and_its_outbox_entry() {
        let (store, _) = fresh().await;
        let id = Uuid::new_v4();
        store
            .save_edit(
                &RecordRef::new(id, RecordKind::SelfAssessment, UNIT),
                one("summary", "Tổ chức 12 buổi"),
                Utc::now(),
            )
            .await
            .unwrap();
        let record = store.record(id).await.unwrap().unwrap();
        assert_eq!(record.fields["summary"], "Tổ chức 12 buổi");
        let outbox = store.outbox().await.unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].mutation.record_id, id);
        assert_eq!(outbox[0].mutation.base_rev, 0);
    }

    #[wasm_bindgen_test]
    async fn a_failing_edit_stores_neither_record_nor_outbox_entry() {
        let (store, _) = fresh().await;
        let id = Uuid::new_v4();
        let err = store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("not_a_field", "x"), Utc::now())
            .await;
        assert!(err.is_err());
        // A transaction dropped without commit rolls back: break one after the record is written.
        let tx = store.db.transaction([RECORDS, OUTBOX]).with_mode(TransactionMode::Readwrite).build().unwrap();
        let record = LocalRecord::new(id, RecordKind::SelfAssessment, UNIT);
        tx.object_store(RECORDS).unwrap().put(&record).serde().unwrap().await.unwrap();
        let refused = match tx.object_store(OUTBOX).unwrap().add(json!("no key path")).serde() {
            Ok(request) => request.await.is_err(),
            Err(_) => true,
        };
        assert!(refused, "an outbox entry that is not an object is refused");
        drop(tx);
        assert_eq!(store.record(id).await.unwrap(), None);
        assert!(store.outbox().await.unwrap().is_empty());
    }

    fn blob_of(bytes: &[u8]) -> web_sys::Blob {
        web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes))).unwrap()
    }

    fn photo_ref(size: u64, caption: &str) -> AttachmentRef {
        AttachmentRef {
            name: "le-hoi.jpg".into(),
            media_type: MediaType::Jpeg,
            size,
            caption: caption.into(),
            thumb: None,
            about: None,
        }
    }

    #[wasm_bindgen_test]
    async fn a_file_is_stored_with_its_reference_and_waits_for_its_upload_alone() {
        let (store, name) = fresh().await;
        let id = Uuid::new_v4();
        let target = RecordRef::new(id, RecordKind::SelfAssessment, UNIT);
        let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let sha = "ab".repeat(32);
        let file =
            NewFile { file: LocalFile::new(&sha, "le-hoi.jpg", MediaType::Jpeg, 300_000), blob: blob_of(&bytes) };
        store.attach(&target, vec![file], &photo_ref(300_000, "Lễ hội"), Utc::now()).await.unwrap();
        store.save_edit(&target, one("summary", "Văn bản gõ sau ảnh"), Utc::now()).await.unwrap();
        store.close();

        let store = Store::open_named(&name, "tamduong.lan").await.unwrap();
        let record = store.record(id).await.unwrap().unwrap();
        assert_eq!(record.fields[&field_name(&sha)]["caption"], "Lễ hội");
        assert_eq!(store.files_to_upload().await.unwrap().len(), 1);
        assert_eq!(store.chunk(&sha, 1000, 1010).await.unwrap(), bytes[1000..1010].to_vec(), "read without the rest");
        // The text typed after the photo goes; the photo's change waits for its upload.
        let first = store.take_batch(100, 1 << 20).await.unwrap();
        assert_eq!(first.len(), 1);
        assert!(matches!(&first[0].op, Op::Set { fields } if fields.contains_key("summary")));
        store.file_uploaded(&sha).await.unwrap();
        let second = store.take_batch(100, 1 << 20).await.unwrap();
        assert!(second.iter().any(|m| m.op.files_needed() == vec![sha.clone()]), "{second:?}");
        assert!(store.files_to_upload().await.unwrap().is_empty());
    }

    #[wasm_bindgen_test]
    async fn a_refused_attach_stores_neither_the_file_nor_its_reference() {
        let (store, _) = fresh().await;
        let id = Uuid::new_v4();
        let sha = "cd".repeat(32);
        let file = NewFile { file: LocalFile::new(&sha, "a.jpg", MediaType::Jpeg, 10), blob: blob_of(b"0123456789") };
        let too_long = photo_ref(10, &"x".repeat(domain::attachment::MAX_CAPTION_CHARS + 1));
        let target = RecordRef::new(id, RecordKind::SelfAssessment, UNIT);
        assert!(store.attach(&target, vec![file], &too_long, Utc::now()).await.is_err());
        assert_eq!(store.record(id).await.unwrap(), None);
        assert!(store.outbox().await.unwrap().is_empty());
        assert_eq!(store.file(&sha).await.unwrap(), None);
        assert!(store.blob(&sha).await.unwrap().is_none(), "the bytes went with the rest");
    }

    /// Makes the browser answer writes as on a full disk, at the IndexedDB boundary: `"request"` fails a blob's
    /// write with QuotaExceededError, `"commit"` aborts the transaction as it commits; `""` gives the room back.
    fn disk_full(how: &str) {
        let install = js_sys::Function::new_with_args(
            "how",
            "if (!IDBObjectStore.prototype.roomyPut) {
               IDBObjectStore.prototype.roomyPut = IDBObjectStore.prototype.put;
               IDBObjectStore.prototype.put = function (...args) {
                 if (globalThis.diskFull === 'request' && this.name === 'blobs')
                   throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
                 return this.roomyPut(...args);
               };
               IDBTransaction.prototype.roomyCommit = IDBTransaction.prototype.commit;
               IDBTransaction.prototype.commit = function () {
                 return globalThis.diskFull === 'commit' ? this.abort() : this.roomyCommit();
               };
             }
             globalThis.diskFull = how;",
        );
        install.call1(&JsValue::NULL, &JsValue::from_str(how)).unwrap();
    }

    #[wasm_bindgen_test]
    async fn a_full_disk_while_attaching_keeps_what_is_stored_and_stores_nothing_of_the_new_file() {
        let (store, _) = fresh().await;
        let target = RecordRef::new(Uuid::new_v4(), RecordKind::SelfAssessment, UNIT);
        let new_file = |sha: &str, bytes: &[u8]| NewFile {
            file: LocalFile::new(sha, "le-hoi.jpg", MediaType::Jpeg, bytes.len() as u64),
            blob: blob_of(bytes),
        };
        let (kept, refused) = ("1a".repeat(32), "2b".repeat(32));
        store.attach(&target, vec![new_file(&kept, b"first photo")], &photo_ref(11, "Một"), Utc::now()).await.unwrap();

        for how in ["request", "commit"] {
            disk_full(how);
            let attached = store
                .attach(&target, vec![new_file(&refused, b"second photo")], &photo_ref(12, "Hai"), Utc::now())
                .await;
            disk_full("");
            let message = attached.expect_err(how).user_message();
            assert!(message.starts_with("Bộ nhớ của máy đã đầy"), "{how}: {message}");
            let record = store.record(target.id).await.unwrap().unwrap();
            assert!(record.fields.contains_key(&field_name(&kept)), "{how}: the stored photo's reference is kept");
            assert!(!record.fields.contains_key(&field_name(&refused)), "{how}");
            assert!(store.file(&kept).await.unwrap().is_some() && store.blob(&kept).await.unwrap().is_some(), "{how}");
            assert_eq!(store.file(&refused).await.unwrap(), None, "{how}");
            assert!(store.blob(&refused).await.unwrap().is_none(), "{how}: no bytes without their reference");
            assert_eq!(store.outbox().await.unwrap().len(), 1, "{how}: only the stored photo's change");
        }
        // With room again, the same photo is stored whole.
        store
            .attach(&target, vec![new_file(&refused, b"second photo")], &photo_ref(12, "Hai"), Utc::now())
            .await
            .unwrap();
        assert!(store.blob(&refused).await.unwrap().is_some());
    }

    #[wasm_bindgen_test]
    async fn the_outbox_survives_closing_and_reopening() {
        let (store, name) = fresh().await;
        let id = Uuid::new_v4();
        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("summary", "a"), Utc::now())
            .await
            .unwrap();
        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("limitations", "b"), Utc::now())
            .await
            .unwrap();
        store.close();
        let reopened = Store::open_named(&name, "tamduong.lan").await.unwrap();
        let outbox = reopened.outbox().await.unwrap();
        assert_eq!(outbox.len(), 1, "unsent edits of one record coalesce");
        let Op::Set { fields } = &outbox[0].mutation.op else { panic!() };
        assert_eq!(fields.len(), 2);
        assert_eq!(reopened.counts().await.unwrap(), OutboxCounts { pending: 1, rejected: 0 });
    }

    #[wasm_bindgen_test]
    async fn a_sent_entry_is_never_changed_and_acks_clear_the_outbox() {
        let (store, _) = fresh().await;
        let id = Uuid::new_v4();
        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("summary", "a"), Utc::now())
            .await
            .unwrap();
        let batch = store.take_batch(100, 1 << 20).await.unwrap();
        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("summary", "ab"), Utc::now())
            .await
            .unwrap();
        let outbox = store.outbox().await.unwrap();
        assert_eq!(outbox.len(), 2, "an edit after sending queues a new entry");
        assert_eq!(outbox[0].mutation, batch[0]);

        let ack = MutationResult { mutation_id: batch[0].id, outcome: Outcome::Applied { rev: 1 } };
        store.apply_results(&[ack]).await.unwrap();
        assert_eq!(store.outbox().await.unwrap().len(), 1);
        assert_eq!(store.record(id).await.unwrap().unwrap().fields["summary"], "ab", "local text is kept");
    }

    #[wasm_bindgen_test]
    async fn a_rejected_entry_stays_and_keeps_the_text() {
        let (store, _) = fresh().await;
        let id = Uuid::new_v4();
        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("summary", "a"), Utc::now())
            .await
            .unwrap();
        let batch = store.take_batch(100, 1 << 20).await.unwrap();
        let refusal = MutationResult {
            mutation_id: batch[0].id,
            outcome: Outcome::rejected(domain::sync::RejectCode::Forbidden, "Không có quyền"),
        };
        store.apply_results(&[refusal]).await.unwrap();
        assert_eq!(store.counts().await.unwrap(), OutboxCounts { pending: 0, rejected: 1 });
        let record = store.record(id).await.unwrap().unwrap();
        assert_eq!(record.status(true), RecordStatus::Rejected);
        assert_eq!(record.fields["summary"], "a");
        assert!(store.take_batch(100, 1 << 20).await.unwrap().is_empty(), "not re-sent until edited");

        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("summary", "a, sửa"), Utc::now())
            .await
            .unwrap();
        let retry = store.take_batch(100, 1 << 20).await.unwrap();
        assert_eq!(retry.len(), 1);
        assert_ne!(retry[0].id, batch[0].id, "re-sent under a new id");
    }

    #[wasm_bindgen_test]
    async fn a_batch_is_read_from_the_head_of_the_queue_past_refused_entries() {
        let (store, _) = fresh().await;
        let refused: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        for id in &refused {
            store
                .save_edit(&RecordRef::new(*id, RecordKind::SelfAssessment, UNIT), one("summary", "x"), Utc::now())
                .await
                .unwrap();
        }
        let first = store.take_batch(3, 1 << 20).await.unwrap();
        let refusals: Vec<MutationResult> = first
            .iter()
            .map(|m| MutationResult {
                mutation_id: m.id,
                outcome: Outcome::rejected(domain::sync::RejectCode::Forbidden, "Không có quyền"),
            })
            .collect();
        store.apply_results(&refusals).await.unwrap();
        let waiting: Vec<Uuid> = (0..3).map(|_| Uuid::new_v4()).collect();
        for id in &waiting {
            store
                .save_edit(&RecordRef::new(*id, RecordKind::SelfAssessment, UNIT), one("summary", "x"), Utc::now())
                .await
                .unwrap();
        }
        assert_eq!(store.counts().await.unwrap(), OutboxCounts { pending: 3, rejected: 3 });
        // Pages of two: the first holds only refused entries, so the read goes on to the next.
        let batch = store.take_batch(2, 1 << 20).await.unwrap();
        assert_eq!(batch.iter().map(|m| m.record_id).collect::<Vec<_>>(), waiting[..2].to_vec());
        let acks: Vec<MutationResult> =
            batch.iter().map(|m| MutationResult { mutation_id: m.id, outcome: Outcome::Applied { rev: 1 } }).collect();
        store.apply_results(&acks).await.unwrap();
        assert_eq!(store.counts().await.unwrap(), OutboxCounts { pending: 1, rejected: 3 });
        assert!(!store.waiting(waiting[0]).await.unwrap() && store.waiting(waiting[2]).await.unwrap());
    }

    #[wasm_bindgen_test]
    async fn a_schema_upgrade_keeps_pending_work() {
        let name = format!("test-{}", Uuid::new_v4());
        // A tablet still on schema v1 (as released) with a sent, unanswered edit and an unsent one, in its
        // unindexed outbox.
        let v1 = open_at(&name, 1).await.unwrap();
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let edit = |id, text| {
            replica::edit(
                None,
                &[],
                &RecordRef::new(id, RecordKind::SelfAssessment, UNIT),
                one("summary", text),
                Utc::now(),
                Uuid::new_v4(),
            )
            .unwrap()
        };
        let (sent, unsent) = (edit(a, "đang chờ gửi"), edit(b, "chưa gửi"));
        let tx = v1.transaction([RECORDS, OUTBOX_V2]).with_mode(TransactionMode::Readwrite).build().unwrap();
        for (edited, was_sent) in [(&sent, true), (&unsent, false)] {
            tx.object_store(RECORDS).unwrap().put(&edited.record).serde().unwrap().await.unwrap();
            let entry = OutboxEntry { sent: was_sent, ..edited.entry.clone() };
            tx.object_store(OUTBOX_V2).unwrap().put(&entry).serde().unwrap().await.unwrap();
        }
        tx.commit().await.unwrap();
        let tx = v1.transaction(OUTBOX_V2).build().unwrap();
        let before: Vec<OutboxEntry> =
            tx.object_store(OUTBOX_V2).unwrap().get_all().serde().unwrap().await.unwrap().map(|e| e.unwrap()).collect();
        drop(tx);
        v1.close();
        assert_eq!(before.len(), 2);

        let upgraded = Store::open_named(&name, "tamduong.lan").await.unwrap();
        assert_eq!(upgraded.db.version(), f64::from(SCHEMA_VERSION));
        assert_eq!(upgraded.outbox().await.unwrap(), before, "the same entries, in the same order, under the same seq");
        assert_eq!(upgraded.counts().await.unwrap(), OutboxCounts { pending: 2, rejected: 0 });
        assert!(upgraded.waiting(b).await.unwrap(), "found through the new index");
        assert_eq!(upgraded.record(a).await.unwrap().unwrap().fields["summary"], "đang chờ gửi");
        assert_eq!(upgraded.reference().await.unwrap(), None, "the new store exists and is empty");
        let batch = upgraded.take_batch(10, 1 << 20).await.unwrap();
        assert_eq!(batch.iter().map(|m| m.record_id).collect::<Vec<_>>(), vec![a, b], "the queue's order holds");
        upgraded.close();
        let again = Store::open_named(&name, "tamduong.lan").await.unwrap();
        assert_eq!(again.outbox().await.unwrap().len(), 2, "moved once, not twice");
    }

    #[wasm_bindgen_test]
    async fn journalled_keystrokes_are_replayed_into_the_database() {
        let (store, _) = fresh().await;
        let user = format!("u-{}", Uuid::new_v4());
        let id = Uuid::new_v4();
        let entry = |value: &str| JournalEntry {
            record_id: id,
            kind: RecordKind::SelfAssessment,
            unit_id: UNIT.into(),
            field: "summary".into(),
            value: value.into(),
        };
        journal_write(&user, &entry("typed before the tab closed"));
        assert_eq!(replay_journal(&user, &store).await.unwrap(), 1);
        assert_eq!(store.record(id).await.unwrap().unwrap().fields["summary"], "typed before the tab closed");
        assert_eq!(store.outbox().await.unwrap().len(), 1, "the replayed text is queued for the server");
        assert_eq!(replay_journal(&user, &store).await.unwrap(), 0, "the journal is settled");

        journal_write(&user, &entry("newer"));
        journal_settle(&user, id, "summary", &Value::from("older"));
        assert_eq!(replay_journal(&user, &store).await.unwrap(), 1, "settling an older value keeps the newer");

        // A table (a person's award history) is journalled whole, as JSON.
        let person = Uuid::new_v4();
        let awards = serde_json::json!([{"year": 2024, "title": "Chiến sĩ thi đua cơ sở"}]);
        journal_write(
            &user,
            &JournalEntry {
                record_id: person,
                kind: RecordKind::Person,
                unit_id: UNIT.into(),
                field: "awards".into(),
                value: awards.clone(),
            },
        );
        assert_eq!(replay_journal(&user, &store).await.unwrap(), 1);
        assert_eq!(store.record(person).await.unwrap().unwrap().fields["awards"], awards);
    }

    #[wasm_bindgen_test]
    async fn a_pull_keeps_unsent_fields_and_takes_the_rest() {
        let (store, _) = fresh().await;
        let id = Uuid::new_v4();
        store
            .save_edit(&RecordRef::new(id, RecordKind::SelfAssessment, UNIT), one("summary", "mine"), Utc::now())
            .await
            .unwrap();
        let page = PullResponse {
            records: vec![Record {
                id,
                kind: RecordKind::SelfAssessment,
                unit_id: UNIT.into(),
                rev: 4,
                deleted: false,
                fields: [("summary".to_owned(), json!("theirs")), ("achievements".to_owned(), json!("new"))]
                    .into_iter()
                    .collect(),
                updated_at: Utc::now(),
                updated_by: "tamduong.minh".into(),
                state: domain::WorkflowState::Draft,
                state_note: None,
                conflicts: Vec::new(),
            }],
            next_cursor: 9,
            has_more: false,
        };
        store.apply_pull(&page).await.unwrap();
        let record = store.record(id).await.unwrap().unwrap();
        assert_eq!(record.fields["summary"], "mine");
        assert_eq!(record.fields["achievements"], "new");
        assert_eq!(record.rev, 4);
        assert_eq!(record.field_base.get("summary"), Some(&0), "the pending edit keeps its base");
        assert_eq!(store.cursor().await.unwrap(), 9);

        // A merge widened the scope: pulling again from the start applies the same page again, and changes
        // nothing already here.
        store.restart_pull().await.unwrap();
        assert_eq!(store.cursor().await.unwrap(), 0);
        store.apply_pull(&page).await.unwrap();
        let again = store.record(id).await.unwrap().unwrap();
        assert_eq!((again.fields, again.rev, again.field_base), (record.fields, 4, record.field_base));
        assert_eq!(store.cursor().await.unwrap(), 9);
    }

    #[wasm_bindgen_test]
    async fn reference_data_with_the_rulebook_round_trips_and_an_old_layout_reads_as_absent() {
        let (store, _) = fresh().await;
        assert_eq!(store.reference().await.unwrap(), None);
        let reference =
            ReferenceData { rulebook: domain::rules::RuleBook::default_book().unwrap(), ..ReferenceData::default() };
        store.set_reference(&reference).await.unwrap();
        assert_eq!(store.reference().await.unwrap(), Some(reference));
        // Schema v2 kept the reference data as an object; such a cache is refetched, not an error.
        store.set_meta_in(REFERENCE, REFERENCE_KEY, &json!({"units": [], "movements": []})).await.unwrap();
        assert_eq!(store.reference().await.unwrap(), None);
    }
}
