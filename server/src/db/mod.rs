//! Storage: the only module that knows sqlx and SQL.
//!
//! Two backends behind the same code, through sqlx's `Any` driver ([`Backend`]): a SQLite file, or PostgreSQL
//! for one or more instances. SQLite runs in WAL mode with `synchronous = FULL`, so a transaction is on disk
//! when `commit` returns and the server acknowledges a mutation only after that. All writes of an instance go
//! through one pooled connection, and every write transaction first takes the database's one write turn
//! (SQLite's lock, or an advisory lock every PostgreSQL instance takes): this keeps transactions from failing
//! with SQLITE_BUSY and makes the change sequence (`records.seq`) gap-free for readers.
//!
//! One file per resource: `reference` (org tree, people, movements, merges, the rulebook), `accounts` (users,
//! sessions, sign-in limits), `records` (push, pull, history), `attachments` (files, their uploads and the
//! records that refer to them), `council` (roster, sessions, the office's audit log), `clusters` (clusters and
//! blocks, and what their score sheets read), `ballots` (members' own ballots), `decisions`, `models` (the
//! registry of advanced models), `publications` and `units` (the admin's changes to the org tree: units and
//! merges). This file opens the database and holds what they share.

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use domain::api::Role;
use domain::rules::{Check, Condition, RuleBook};
use domain::RecordKind;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{AnyPool, ConnectOptions, Executor};
use uuid::Uuid;

mod accounts;
mod attachments;
mod ballots;
mod clusters;
mod council;
mod decisions;
mod documents;
mod models;
mod publications;
mod records;
mod reference;
mod units;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("stored value cannot be read: {0}")]
    Corrupt(String),
    #[error("the commit of a group of pushes failed: {0}")]
    GroupCommit(String),
    #[error("the storage is shutting down")]
    Stopped,
}

pub use attachments::StoredFile;
pub use ballots::Cast;
pub use clusters::MemberFacts;
pub use council::{DocumentUpdate, SessionInsert};
pub use decisions::{DecisionInsert, Issue};
pub use documents::StoredRecord;
pub use models::ModelMove;
pub use units::OrgTree;

type Result<T> = std::result::Result<T, DbError>;

/// The database an instance runs on. The SQL is shared through sqlx's `Any` driver and, in PostgreSQL, a few
/// functions named as SQLite's (`migrations/postgres/0001_init.sql`); where it still differs, both versions sit
/// side by side in the resource's file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The backend a connection talks to, for the SQL that differs.
    fn of(connection: &sqlx::AnyConnection) -> Backend {
        if connection.backend_name() == "PostgreSQL" {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }

    /// SQLite takes its write lock at `begin`, not at the first write, so another process writing meanwhile
    /// makes this one wait (its busy timeout) rather than fail when its read turns into a write.
    fn write_transaction_begin(self) -> &'static str {
        match self {
            Backend::Sqlite => "begin immediate",
            Backend::Postgres => "begin",
        }
    }

    /// On PostgreSQL, waits for the lock every instance's writes take turns by, held until the transaction ends.
    async fn take_write_turn(self, tx: &mut sqlx::AnyConnection) -> std::result::Result<(), sqlx::Error> {
        if self == Backend::Postgres {
            sqlx::query("select pg_advisory_xact_lock($1)").bind(WRITE_LOCK).execute(tx).await?;
        }
        Ok(())
    }

    /// A read of several statements that must see one snapshot (PostgreSQL's default gives each its own).
    fn begin_snapshot(self) -> &'static str {
        match self {
            Backend::Sqlite => "begin",
            Backend::Postgres => "begin isolation level repeatable read read only",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Clone)]
pub struct Db {
    backend: Backend,
    /// Where attached files live.
    files: std::path::PathBuf,
    /// One connection: an instance's writes are serial, and take turns with other instances' (`Db::begin_write`).
    writer: AnyPool,
    reader: AnyPool,
    /// Push batches waiting for the writer (see [`Db::apply_mutations`]).
    queue: std::sync::Arc<std::sync::Mutex<Vec<records::QueuedBatch>>>,
}

/// The signed-in user behind a session token.
#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: String,
    pub role: Role,
    pub unit_id: String,
    /// The units whose records this user may read and change: their own, or their unit's subtree.
    pub scope: Vec<String>,
    /// The units this user manages as an admin: their unit and those below it by parent, without the units
    /// merged into them, which stay readable (their history counts) but belong to no one's tree to change.
    pub managed: Vec<String>,
    pub device_id: Uuid,
    /// Names the session in storage, for signing it out.
    pub token_hash: String,
}

impl Session {
    pub fn may_access(&self, unit_id: &str) -> bool {
        self.scope.iter().any(|u| u == unit_id)
    }

    pub fn may_manage(&self, unit_id: &str) -> bool {
        self.managed.iter().any(|u| u == unit_id)
    }

    /// The user on this device, as the merge and the pull know a writer.
    pub fn writer(&self) -> String {
        domain::sync::writer_id(&self.user_id, self.device_id)
    }
}

pub struct Credentials {
    pub user_id: String,
    pub password_hash: String,
    /// Refused at sign-in, but only once the password was checked, so that a guess learns nothing from it.
    pub disabled: bool,
}

/// What became of a change the caller checks against the stored state, inside the writer's transaction.
pub enum Checked<T, E> {
    Done(T),
    NotFound,
    Refused(E),
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub login: &'a str,
    pub full_name: &'a str,
    pub position: &'a str,
    pub role: Role,
    pub unit_id: &'a str,
    pub password_hash: &'a str,
}

fn timestamp(at: DateTime<Utc>) -> String {
    // One fixed format, so timestamps also compare correctly as text in SQL.
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_timestamp(text: &str) -> Result<DateTime<Utc>> {
    // The same lenient parser that decoded the value from the client: a timestamp accepted once (a tablet's
    // clock may be far off, even past year 9999) must read back, or every pull of its record would fail.
    text.parse::<DateTime<Utc>>().map_err(|e| DbError::Corrupt(format!("timestamp {text:?}: {e}")))
}

fn parse_date(text: &str) -> Result<NaiveDate> {
    text.parse().map_err(|e| DbError::Corrupt(format!("date {text:?}: {e}")))
}

fn parse_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| DbError::Corrupt(format!("json: {e}")))
}

fn to_json(value: &impl serde::Serialize) -> Result<String> {
    serde_json::to_string(value).map_err(|e| DbError::Corrupt(format!("json: {e}")))
}

/// A pool whose every new connection first runs `setup`.
async fn pool(size: u32, options: AnyConnectOptions, setup: String) -> Result<AnyPool> {
    Ok(AnyPoolOptions::new()
        .max_connections(size)
        .after_connect(move |connection, _| {
            let setup = setup.clone();
            Box::pin(async move {
                if !setup.is_empty() {
                    connection.execute(setup.as_str()).await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?)
}

/// Writers on PostgreSQL take turns by this transaction-scoped advisory lock (an arbitrary key, "thidua"). Public
/// for the tests that hold it as another instance would.
pub const WRITE_LOCK: i64 = 0x7468_6964_7561;

fn parse_kind(name: &str) -> Result<RecordKind> {
    RecordKind::parse(name).ok_or_else(|| DbError::Corrupt(format!("record kind {name:?}")))
}

/// A book saved before the council's rules, the cash rules, the publication window, the holidays, the
/// dossier's documents, the reports' windows, the forms' texts and the direct workers' target were data lacks them: it gets the shipped ones, as a new edition, so every decision has
/// its amounts and tablets see the change like any other edit.
async fn add_office_rules(writer: &mut sqlx::AnyConnection, shipped: &RuleBook) -> Result<()> {
    let (version, body): (i64, String) =
        sqlx::query_as("select version, body from rulebooks order by version desc limit 1")
            .fetch_one(&mut *writer)
            .await?;
    let mut book: RuleBook = parse_json(&body)?;
    // A key the stored body lacks was not data yet when it was saved; an empty list an admin saved stays empty.
    let stored: serde_json::Value = parse_json(&body)?;
    let lacks = |key: &str| stored.get(key).is_none();
    let mut added = false;
    if lacks("base_salaries") && lacks("cash_awards") {
        book.council = shipped.council.clone();
        book.base_salaries = shipped.base_salaries.clone();
        book.cash_awards = shipped.cash_awards.clone();
        book.cash_rounding = shipped.cash_rounding.clone();
        added = true;
    }
    if lacks("publication") && lacks("holidays") {
        book.publication = shipped.publication.clone();
        book.holidays = shipped.holidays.clone();
        added = true;
    }
    if lacks("dossier_documents") {
        book.dossier_documents = shipped.dossier_documents.clone();
        added = true;
    }
    if lacks("report_windows") {
        book.report_windows = shipped.report_windows.clone();
        added = true;
    }
    if lacks("forms") {
        book.forms = shipped.forms.clone();
        added = true;
    }
    if lacks("direct_worker_target") {
        book.direct_worker_target = shipped.direct_worker_target.clone();
        added = true;
    }
    // The shipped book asked a person whether a unit leads its cluster until clusters were data; a book still
    // asking it in the shipped words reads the ranking now. A condition an admin worded differently stays.
    const ASKED: &str = "Là tập thể tiêu biểu, dẫn đầu cụm, khối thi đua (theo kết quả bình xét của cụm, khối)";
    let asked = |c: &Condition| matches!(&c.check, Check::Manual { text } if text == ASKED);
    for condition in book.rules.iter_mut().flat_map(|r| r.conditions.iter_mut()).filter(|c| asked(c)) {
        condition.check = Check::LeadsCluster;
        added = true;
    }
    if !added {
        return Ok(());
    }
    book.version = version + 1;
    sqlx::query("insert into rulebooks (version, body, updated_at) values ($1, $2, $3)")
        .bind(book.version)
        .bind(to_json(&book)?)
        .bind(timestamp(Utc::now()))
        .execute(&mut *writer)
        .await?;
    tracing::info!(version = book.version, "rulebook given the shipped office rules");
    Ok(())
}

/// How hard a commit waits for the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = FULL`: the WAL is fsynced at every commit, so an acknowledged mutation survives a power
    /// cut or an OS crash, not only a killed process. The default, and the only setting for production.
    Full,
    /// `synchronous = NORMAL`: survives a killed process, but a power cut may lose the last commits. Only for
    /// measuring what `Full` costs.
    Normal,
}

impl Durability {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "full" => Some(Durability::Full),
            "normal" => Some(Durability::Normal),
            _ => None,
        }
    }
}

impl Db {
    /// Opens (creating if needed) the database file with full durability and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Db> {
        Self::open_with(path, Durability::Full).await
    }

    pub async fn open_with(path: &Path, durability: Durability) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let synchronous = match durability {
            Durability::Full => "full",
            Durability::Normal => "normal",
        };
        let url = |options: SqliteConnectOptions| AnyConnectOptions::from_url(&options.to_url_lossy());
        let file = SqliteConnectOptions::new().filename(path);
        // Savepoints (one per batch of a group commit) journal the pages they change; in memory, not a file.
        let pragmas = format!(
            "pragma busy_timeout = 5000; pragma foreign_keys = on; pragma synchronous = {synchronous};
             pragma temp_store = memory"
        );
        let writer =
            pool(1, url(file.clone().create_if_missing(true))?, format!("pragma journal_mode = wal; {pragmas}"))
                .await?;
        sqlx::migrate!("./migrations/sqlite").run(&writer).await?;
        let reader = pool(4, url(file.read_only(true))?, pragmas).await?;
        Self::start(Backend::Sqlite, Self::files_beside(path), writer, reader).await
    }

    /// Where the attached files of the SQLite database at `path` live: the folder beside it, named after it.
    pub fn files_beside(path: &Path) -> std::path::PathBuf {
        path.with_extension("files")
    }

    /// Connects to the PostgreSQL database at `url` and brings its schema up to date. Attached files live in
    /// `files`, a folder every instance shares.
    pub async fn connect(url: &str, files: &Path) -> Result<Db> {
        sqlx::any::install_default_drivers();
        let url = url.parse().map_err(|e| sqlx::Error::Configuration(Box::new(e)))?;
        let options = AnyConnectOptions::from_url(&url)?;
        // One writer per instance, as on SQLite; instances take turns by the lock in `Db::begin_write`. A turn is
        // waited for 5 s at most, as SQLite's busy timeout: a holder stalled elsewhere fails the push, which the
        // tablet sends again, instead of stopping every instance.
        let writer = pool(1, options.clone(), "set lock_timeout = '5s'".into()).await?;
        sqlx::migrate!("./migrations/postgres").run(&writer).await?;
        let collation: String =
            sqlx::query_scalar("select datcollate::text from pg_database where datname = current_database()")
                .fetch_one(&writer)
                .await?;
        if collation != "C" && collation != "POSIX" {
            tracing::warn!(%collation, "lists sort by the database's collation, not byte by byte as on SQLite; \
                create the database with --locale=C");
        }
        let reader = pool(8, options, String::new()).await?;
        Self::start(Backend::Postgres, files.to_owned(), writer, reader).await
    }

    async fn start(backend: Backend, files: std::path::PathBuf, writer: AnyPool, reader: AnyPool) -> Result<Db> {
        let db = Db { backend, files, writer, reader, queue: Default::default() };
        // A new database starts with the shipped rulebook; after that only admins change it.
        let shipped = RuleBook::default_book().map_err(|e| DbError::Corrupt(format!("shipped rulebook: {e}")))?;
        let mut tx = db.begin_write().await?;
        sqlx::query(
            "insert into rulebooks (version, body, updated_at) select $1, $2, $3 where not exists (select 1 from rulebooks)",
        )
        .bind(shipped.version)
        .bind(to_json(&shipped)?)
        .bind(timestamp(Utc::now()))
        .execute(&mut *tx)
        .await?;
        add_office_rules(&mut tx, &shipped).await?;
        tx.commit().await?;
        Ok(db)
    }

    /// Closes both pools, waiting for running queries. The writer closes last: as the last connection it
    /// checkpoints the WAL into the main file (a read-only connection could not).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// The folder attached files live in: beside the SQLite file, or the one every PostgreSQL instance shares.
    pub fn files(&self) -> &Path {
        &self.files
    }

    /// The storage backend this instance runs on.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A write transaction. On PostgreSQL it first takes a lock every instance shares and holds it until it
    /// ends, so writes are serial across instances as SQLite's are: `records.seq` is then taken and committed in
    /// one order, and a reader that has seen change n has seen every change before it (see `Db::pull`).
    pub(super) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>> {
        let mut tx = self.writer.begin_with(self.backend.write_transaction_begin()).await?;
        self.backend.take_write_turn(&mut tx).await?;
        Ok(tx)
    }

    /// The last schema migration applied, read through the readers: it answers only if they can read.
    pub async fn migration(&self) -> Result<i64> {
        Ok(sqlx::query_scalar("select coalesce(max(version), 0) from _sqlx_migrations where success")
            .fetch_one(&self.reader)
            .await?)
    }

    /// Whether the database takes writes. On SQLite, the writer can take the write lock now, without waiting on
    /// it; the writer itself is waited for briefly: a connection just released goes back to the pool
    /// asynchronously, and one held longer than that is stuck behind another process's lock, which is "busy" too.
    pub async fn writable(&self) -> bool {
        if self.backend == Backend::Postgres {
            // The other instances' writes wait their turn and are no reason to send traffic elsewhere; a server in
            // recovery (a standby, or one restoring) is. Asked through a reader, never queued behind the writer.
            let primary = sqlx::query_scalar::<_, bool>("select not pg_is_in_recovery()").fetch_one(&self.reader).await;
            return matches!(primary, Ok(true));
        }
        let Ok(Ok(mut writer)) = tokio::time::timeout(Duration::from_millis(500), self.writer.acquire()).await else {
            return false;
        };
        // Asked without waiting for the lock (the connection's busy timeout is 5 s), then as it was.
        let _ = sqlx::query("pragma busy_timeout = 0").execute(&mut *writer).await;
        let locked = sqlx::query("begin immediate").execute(&mut *writer).await.is_ok();
        let released = !locked || sqlx::query("rollback").execute(&mut *writer).await.is_ok();
        let _ = sqlx::query("pragma busy_timeout = 5000").execute(&mut *writer).await;
        locked && released
    }

    /// Writes a consistent copy of the database to `destination` while the server runs: SQLite's `VACUUM INTO`,
    /// one read transaction, so writers carry on and the copy holds every commit made before it began. Opens its
    /// own connection, so it works from another process too (`thidua-server backup`).
    pub async fn backup_into(path: &Path, destination: &Path) -> Result<()> {
        let options = SqliteConnectOptions::new().filename(path).busy_timeout(Duration::from_secs(30));
        let mut connection: sqlx::SqliteConnection = sqlx::Connection::connect_with(&options).await?;
        let destination = destination.to_str().ok_or_else(|| DbError::Corrupt("backup path".into()))?;
        sqlx::query("vacuum into $1").bind(destination).execute(&mut connection).await?;
        sqlx::Connection::close(connection).await?;
        Ok(())
    }

    pub async fn is_empty(&self) -> Result<bool> {
        let count: i64 = sqlx::query_scalar("select count(*) from org_units").fetch_one(&self.reader).await?;
        Ok(count == 0)
    }
}
