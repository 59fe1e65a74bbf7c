//! Records: applying pushed mutations (group commit), pulling pages, and a record's audited history.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use domain::api::HistoryEntry;
use domain::dossier::{Facts, NominationFacts, RecordView};
use domain::merge::{merge, Merge, StoredField, StoredRecord};
use domain::model::ConflictSide;
use domain::org::lineage;
use domain::rules::{evaluate, submission_problem};
use domain::sync::{PullResponse, RejectCode};
use domain::WorkflowState;
use domain::{Mutation, MutationResult, OpenConflict, Outcome, Record, RecordKind};
use serde_json::{json, Value};
use sqlx::Row;
use uuid::Uuid;

use super::reference::{merges_in, rulebook_in};
use super::*;

impl Db {
    /// The unit of a record and its audited changes, oldest first; None if there is no such record.
    pub async fn history(&self, record_id: Uuid) -> Result<Option<(String, Vec<HistoryEntry>)>> {
        let id = record_id.to_string();
        let unit: Option<String> = sqlx::query_scalar("select unit_id from records where id = $1")
            .bind(&id)
            .fetch_optional(&self.reader)
            .await?;
        let Some(unit) = unit else { return Ok(None) };
        let rows = sqlx::query(
            "select a.at, a.user_id, coalesce(u.full_name, a.user_id) as user_name, a.device_id, a.action, a.changes
             from audit_log a left join users u on u.id = a.user_id where a.record_id = $1 order by a.id",
        )
        .bind(&id)
        .fetch_all(&self.reader)
        .await?;
        let entries = rows
            .iter()
            .map(|row| {
                Ok(HistoryEntry {
                    at: parse_timestamp(&row.try_get::<String, _>("at")?)?,
                    user_id: row.try_get("user_id")?,
                    user_name: row.try_get("user_name")?,
                    device_id: row.try_get("device_id")?,
                    action: row.try_get("action")?,
                    changes: parse_json(&row.try_get::<String, _>("changes")?)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Some((unit, entries)))
    }

    // --- sync ---------------------------------------------------------------------------------------

    /// Applies a batch of mutations, in order, and returns the answer for each. A mutation id seen before gets
    /// the stored answer and changes nothing. Each mutation's changes are decided and written whole, and the
    /// answers are returned only once the commit that holds them is durable. If storage fails, nothing of the
    /// batch is kept or acknowledged, and the client's retry replays it.
    ///
    /// Group commit: batches that arrive while another is being written wait in a queue, and whoever takes the
    /// writer next writes all of them in one transaction, each batch under a savepoint of its own, with one
    /// commit (and one fsync) for the group. A batch that fails in storage is rolled back alone; the others
    /// still commit.
    pub async fn apply_mutations(
        &self,
        session: &Session,
        mutations: Vec<Mutation>,
        now: DateTime<Utc>,
    ) -> Result<Vec<MutationResult>> {
        let (answer, mut answered) = tokio::sync::oneshot::channel();
        self.queue.lock().map_err(|_| DbError::Stopped)?.push(QueuedBatch {
            session: session.clone(),
            mutations,
            now,
            answer,
        });
        tokio::select! {
            biased;
            // Someone else took the writer first and wrote this batch with theirs.
            result = &mut answered => return result.map_err(|_| DbError::Stopped)?,
            writer = self.writer.acquire() => {
                let writer = writer?;
                let group = std::mem::take(&mut *self.queue.lock().map_err(|_| DbError::Stopped)?);
                // On a task of its own, so a client that hangs up cannot abandon the group's commit halfway.
                if !group.is_empty() && tokio::spawn(write_group(self.backend, writer, group)).await.is_err() {
                    tracing::error!("the group commit task failed");
                }
            }
        }
        answered.await.map_err(|_| DbError::Stopped)?
    }

    /// Records in `scope` changed after `cursor`, oldest change first, at most `limit` of them, except those
    /// whose last change was a clean edit by `writer` (it already holds them, see `replica::apply_result`).
    pub async fn pull(&self, scope: &[String], writer: &str, cursor: i64, limit: u32) -> Result<PullResponse> {
        // One snapshot for the whole page, so the cursor below cannot step over a change committed meanwhile.
        let mut tx = self.reader.begin_with(self.backend.begin_snapshot()).await?;
        let scope = to_json(&scope)?;
        // One row more than asked tells whether another page follows.
        let rows = sqlx::query(
            "select id, kind, unit_id, rev, seq, deleted, state, state_note, updated_at, updated_by from records
             where unit_id in (select value from json_each($1)) and seq > $2
                 and not (echo_free = 1 and last_writer = $3)
             order by seq limit $4",
        )
        .bind(&scope)
        .bind(cursor)
        .bind(writer)
        .bind(i64::from(limit) + 1)
        .fetch_all(&mut *tx)
        .await?;
        let has_more = rows.len() > limit as usize;
        let rows = &rows[..rows.len().min(limit as usize)];
        // The page's fields and open conflicts in one query each, not two per record.
        let ids = rows.iter().map(|row| row.try_get::<String, _>("id")).collect::<std::result::Result<Vec<_>, _>>()?;
        let ids = to_json(&ids)?;
        let mut fields = fields_of_page(&mut tx, &ids).await?;
        let mut conflicts = open_conflicts_of_page(&mut tx, &ids).await?;
        let mut records = Vec::with_capacity(rows.len());
        let mut last_seq = cursor;
        for row in rows {
            let id: String = row.try_get("id")?;
            let deleted = row.try_get::<i64, _>("deleted")? != 0;
            let state: String = row.try_get("state")?;
            last_seq = row.try_get("seq")?;
            let fields = if deleted { BTreeMap::new() } else { fields.remove(&id).unwrap_or_default() };
            records.push(Record {
                id: id.parse().map_err(|_| DbError::Corrupt(format!("record id {id:?}")))?,
                kind: parse_kind(&row.try_get::<String, _>("kind")?)?,
                unit_id: row.try_get("unit_id")?,
                rev: row.try_get("rev")?,
                deleted,
                fields,
                updated_at: parse_timestamp(&row.try_get::<String, _>("updated_at")?)?,
                updated_by: row.try_get("updated_by")?,
                state: WorkflowState::parse(&state).ok_or_else(|| DbError::Corrupt(format!("state {state:?}")))?,
                state_note: row.try_get("state_note")?,
                conflicts: conflicts.remove(&id).unwrap_or_default(),
            });
        }
        // On the last page, move past the skipped records too, so later pulls do not scan them again.
        let next_cursor = if has_more {
            last_seq
        } else {
            sqlx::query_scalar(
                "select coalesce(max(seq), $1) from records where unit_id in (select value from json_each($2))",
            )
            .bind(cursor)
            .bind(&scope)
            .fetch_one(&mut *tx)
            .await?
        };
        tx.commit().await?;
        Ok(PullResponse { records, next_cursor: next_cursor.max(cursor), has_more })
    }
}

/// A push batch waiting for the writer.
pub(super) struct QueuedBatch {
    session: Session,
    mutations: Vec<Mutation>,
    now: DateTime<Utc>,
    answer: tokio::sync::oneshot::Sender<Result<Vec<MutationResult>>>,
}

/// One batch's mutations, in order; the first storage failure stops it, and the caller rolls the batch back.
///
/// Each statement is a round trip to SQLite's worker thread, and those trips, not SQLite, were most of a push's
/// cost: so the batch looks up its earlier answers in one query, a mutation's fields are written in one
/// statement, and the ledger and audit rows of the whole batch are written in two at its end.
async fn apply_batch(conn: &mut sqlx::AnyConnection, batch: &QueuedBatch) -> Result<Vec<MutationResult>> {
    let mut earlier = earlier_answers(conn, &batch.mutations).await?;
    let mut rows = BatchRows::default();
    let mut results = Vec::with_capacity(batch.mutations.len());
    for mutation in &batch.mutations {
        let outcome = match earlier.get(&mutation.id) {
            // A mutation id is the client's, but the answer belongs to whoever sent it first.
            Some((owner, outcome)) if *owner == batch.session.user_id => outcome.clone(),
            Some(_) => Outcome::rejected(RejectCode::Forbidden, "Mã thay đổi đã được dùng bởi người khác"),
            None => {
                let decided = decide(conn, &batch.session, mutation).await?;
                let outcome = write_decision(conn, &batch.session, mutation, decided, batch.now, &mut rows).await?;
                // The same id twice in one batch: the second is a replay of the first.
                earlier.insert(mutation.id, (batch.session.user_id.clone(), outcome.clone()));
                outcome
            }
        };
        results.push(MutationResult { mutation_id: mutation.id, outcome });
    }
    rows.write(conn, &batch.session, batch.now).await?;
    Ok(results)
}

/// The answers already given to any of `mutations`, with who sent each first.
async fn earlier_answers(
    conn: &mut sqlx::AnyConnection,
    mutations: &[Mutation],
) -> Result<HashMap<Uuid, (String, Outcome)>> {
    let ids: Vec<String> = mutations.iter().map(|m| m.id.to_string()).collect();
    let rows = sqlx::query("select id, user_id, result from mutations where id in (select value from json_each($1))")
        .bind(to_json(&ids)?)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|row| {
            let id: String = row.try_get("id")?;
            let id = id.parse().map_err(|_| DbError::Corrupt(format!("mutation id {id:?}")))?;
            Ok((id, (row.try_get("user_id")?, parse_json(&row.try_get::<String, _>("result")?)?)))
        })
        .collect()
}

/// The ledger and audit rows of a batch's new mutations, written together once the batch is decided.
#[derive(Default)]
struct BatchRows {
    /// [mutation id, record id, answer (JSON text), whether it changed the record]
    ledger: Vec<Value>,
    /// [mutation id, record id, action, base revision, revision, changes (JSON text)]
    audit: Vec<Value>,
}

impl BatchRows {
    async fn write(&self, conn: &mut sqlx::AnyConnection, session: &Session, now: DateTime<Utc>) -> Result<()> {
        let at = timestamp(now);
        let device = session.device_id.to_string();
        if !self.audit.is_empty() {
            sqlx::query(
                "insert into audit_log (at, user_id, device_id, mutation_id, record_id, action, base_rev, rev, changes)
                 select $1, $2, $3, r.value ->> 0, r.value ->> 1, r.value ->> 2, cast(r.value ->> 3 as bigint),
                     cast(r.value ->> 4 as bigint), r.value ->> 5
                 from json_each($4) r order by r.key",
            )
            .bind(&at)
            .bind(&session.user_id)
            .bind(&device)
            .bind(to_json(&self.audit)?)
            .execute(&mut *conn)
            .await?;
        }
        if !self.ledger.is_empty() {
            sqlx::query(
                "insert into mutations (id, user_id, device_id, record_id, received_at, result, changed)
                 select r.value ->> 0, $1, $2, r.value ->> 1, $3, r.value ->> 2, cast(r.value ->> 3 as bigint)
                 from json_each($4) r order by r.key",
            )
            .bind(&session.user_id)
            .bind(&device)
            .bind(&at)
            .bind(to_json(&self.ledger)?)
            .execute(&mut *conn)
            .await?;
        }
        Ok(())
    }
}

/// Writes a group of queued batches in one transaction and answers each once it is durable.
async fn write_group(backend: Backend, mut writer: sqlx::pool::PoolConnection<sqlx::Any>, group: Vec<QueuedBatch>) {
    let mut answers = Vec::with_capacity(group.len());
    let committed = async {
        let mut tx = sqlx::Connection::begin_with(&mut *writer, backend.write_transaction_begin()).await?;
        backend.take_write_turn(&mut tx).await?;
        if let [batch] = group.as_slice() {
            // Alone, a batch needs no savepoint (SQLite journals every page a savepoint changes): if it fails,
            // the transaction, which holds only it, is rolled back when dropped.
            let answer = apply_batch(&mut tx, batch).await;
            let failed = answer.is_err();
            answers.push(answer);
            return if failed { Ok(()) } else { tx.commit().await };
        }
        for batch in &group {
            let mut savepoint = sqlx::Acquire::begin(&mut tx).await?;
            let answer = apply_batch(&mut savepoint, batch).await;
            if answer.is_ok() {
                savepoint.commit().await?;
            } else {
                savepoint.rollback().await?;
            }
            answers.push(answer);
        }
        tx.commit().await
    }
    .await;
    match committed {
        Ok(()) => {
            tracing::debug!(batches = group.len(), "group committed");
            for (batch, answer) in group.into_iter().zip(answers) {
                let _ = batch.answer.send(answer);
            }
        }
        Err(e) => {
            tracing::error!(error = %e, batches = group.len(), "group commit failed; nothing of it was kept");
            for batch in group {
                let _ = batch.answer.send(Err(DbError::GroupCommit(e.to_string())));
            }
        }
    }
}

/// The fields of each record named in `ids` (a JSON array), by record id.
async fn fields_of_page(tx: &mut sqlx::AnyConnection, ids: &str) -> Result<BTreeMap<String, domain::Fields>> {
    let rows = sqlx::query(
        "select record_id, name, value from record_fields where record_id in (select value from json_each($1))",
    )
    .bind(ids)
    .fetch_all(&mut *tx)
    .await?;
    let mut fields: BTreeMap<String, domain::Fields> = BTreeMap::new();
    for row in rows {
        let value = parse_json(&row.try_get::<String, _>("value")?)?;
        fields.entry(row.try_get("record_id")?).or_default().insert(row.try_get("name")?, value);
    }
    Ok(fields)
}

/// The open conflicts of each record named in `ids` (a JSON array), oldest first, by record id.
async fn open_conflicts_of_page(
    tx: &mut sqlx::AnyConnection,
    ids: &str,
) -> Result<BTreeMap<String, Vec<OpenConflict>>> {
    let rows = sqlx::query(
        "select record_id, id, field, kept_value, kept_by, kept_at, other_value, other_by, other_at from conflicts
         where record_id in (select value from json_each($1)) and resolved_at is null order by id",
    )
    .bind(ids)
    .fetch_all(&mut *tx)
    .await?;
    let side = |row: &sqlx::any::AnyRow, prefix: &str| -> Result<ConflictSide> {
        Ok(ConflictSide {
            value: parse_json(&row.try_get::<String, _>(format!("{prefix}_value").as_str())?)?,
            by: row.try_get(format!("{prefix}_by").as_str())?,
            at: parse_timestamp(&row.try_get::<String, _>(format!("{prefix}_at").as_str())?)?,
        })
    };
    let mut conflicts: BTreeMap<String, Vec<OpenConflict>> = BTreeMap::new();
    for row in &rows {
        conflicts.entry(row.try_get("record_id")?).or_default().push(OpenConflict {
            id: row.try_get("id")?,
            field: row.try_get("field")?,
            kept: side(row, "kept")?,
            other: side(row, "other")?,
        });
    }
    Ok(conflicts)
}

/// The verdict on a nomination being submitted, reached from the records stored in its unit's lineage with the
/// current rulebook: the same function over the same facts the tablet's panel used. None if the nomination
/// lacks a year, a nominee or a title.
async fn nomination_verdict(
    tx: &mut sqlx::AnyConnection,
    record_id: Uuid,
    stored: &StoredRecord,
) -> Result<Option<domain::rules::Verdict>> {
    let fields: domain::Fields = stored.fields.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect();
    let view =
        RecordView { id: record_id, deleted: false, kind: stored.kind, unit_id: &stored.unit_id, fields: &fields };
    let Some(nomination) = NominationFacts::from_record(&view) else { return Ok(None) };
    let units: Vec<String> = lineage(&stored.unit_id, &merges_in(tx).await?).into_iter().collect();
    // One query for every field of every record the rules read: this runs inside the push's write transaction.
    let rows = sqlx::query(
        "select r.id, r.kind, r.unit_id, f.name, f.value from records r left join record_fields f on f.record_id = r.id
         where r.deleted = 0 and r.kind in ('person', 'unit_profile', 'nomination')
             and r.unit_id in (select value from json_each($1))
         order by r.id",
    )
    .bind(to_json(&units)?)
    .fetch_all(&mut *tx)
    .await?;
    let mut loaded: Vec<(Uuid, RecordKind, String, domain::Fields)> = Vec::new();
    for row in rows {
        let id: String = row.try_get("id")?;
        let id = id.parse::<Uuid>().map_err(|_| DbError::Corrupt(format!("record id {id:?}")))?;
        if loaded.last().is_none_or(|(last, ..)| *last != id) {
            let kind = parse_kind(&row.try_get::<String, _>("kind")?)?;
            loaded.push((id, kind, row.try_get("unit_id")?, domain::Fields::new()));
        }
        // A record without fields still counts (an empty person's record is a person), as it does on the tablet.
        let field: (Option<String>, Option<String>) = (row.try_get("name")?, row.try_get("value")?);
        if let (Some((.., fields)), (Some(name), Some(value))) = (loaded.last_mut(), field) {
            fields.insert(name, parse_json(&value)?);
        }
    }
    let views = loaded.iter().map(|(id, kind, unit_id, fields)| RecordView {
        id: *id,
        deleted: false,
        kind: *kind,
        unit_id,
        fields,
    });
    let facts = Facts::gather(views, &units, &super::clusters::clusters_in(tx).await?);
    Ok(Some(evaluate(&rulebook_in(tx).await?, &nomination, &facts)))
}

/// What a mutation does to its record, decided before anything is written.
struct Decided {
    current: Option<StoredRecord>,
    current_note: Option<String>,
    decision: Merge,
}

/// The merge of `mutation` into its stored record, with a submitted nomination checked against the rules.
async fn decide(tx: &mut sqlx::AnyConnection, session: &Session, mutation: &Mutation) -> Result<Decided> {
    let (current, current_note) = match load_stored(tx, &mutation.record_id.to_string()).await? {
        Some((stored, note)) => (Some(stored), note),
        None => (None, None),
    };
    let mut decision = merge(current.as_ref(), mutation, session.role, &session.writer());
    if let (Some(stored), Some((WorkflowState::Submitted, _))) = (&current, &decision.new_state) {
        if stored.kind == RecordKind::Nomination {
            check_nomination(tx, mutation.record_id, stored, &mut decision).await?;
        }
    }
    super::attachments::check_files(tx, mutation, current.as_ref(), &mut decision).await?;
    Ok(Decided { current, current_note, decision })
}

/// Stores a decision: the record, its written fields, settled and new conflicts; the audit row and the answer
/// kept for replays go to `rows`, which the batch writes at its end.
async fn write_decision(
    tx: &mut sqlx::AnyConnection,
    session: &Session,
    mutation: &Mutation,
    Decided { current, current_note, decision }: Decided,
    now: DateTime<Utc>,
    rows: &mut BatchRows,
) -> Result<Outcome> {
    let mutation_id = mutation.id.to_string();
    let record_id = mutation.record_id.to_string();
    let writer = session.writer();
    let at = timestamp(now);
    let written = decision.written_rev();

    if let Some(rev) = written {
        let (state, state_note) = decision.state_after(current.as_ref().map(|c| (c.state, current_note)));
        let deleted = decision.leaves_deleted(current.as_ref().is_some_and(|c| c.deleted));
        let echo_free = decision.echo_free(&mutation.op);
        sqlx::query(
            "insert into records (id, kind, unit_id, rev, seq, deleted, state, state_note, created_by, updated_by,
                 updated_at, last_writer, echo_free)
             values ($1, $2, $3, $4, (select coalesce(max(seq), 0) + 1 from records), $5, $6, $7, $8, $9, $10, $11,
                 $12)
             on conflict (id) do update set rev = excluded.rev, seq = excluded.seq, deleted = excluded.deleted,
                 state = excluded.state, state_note = excluded.state_note, updated_by = excluded.updated_by,
                 updated_at = excluded.updated_at, last_writer = excluded.last_writer,
                 echo_free = excluded.echo_free",
        )
        .bind(&record_id)
        .bind(mutation.kind.as_str())
        .bind(&mutation.unit_id)
        .bind(rev)
        .bind(i64::from(deleted))
        .bind(state.as_str())
        .bind(state_note)
        .bind(&session.user_id)
        .bind(&session.user_id)
        .bind(&at)
        .bind(&writer)
        .bind(i64::from(echo_free))
        .execute(&mut *tx)
        .await?;

        if !decision.writes.is_empty() {
            let writes = decision.writes.iter().map(|(name, value)| Ok(json!([name, to_json(value)?])));
            let writes = Value::Array(writes.collect::<Result<_>>()?);
            sqlx::query(
                "insert into record_fields (record_id, name, value, rev, updated_by, updated_at, writer)
                 select $1, w.value ->> 0, w.value ->> 1, $2, $3, $4, $5 from json_each($6) w where true
                 on conflict (record_id, name) do update set value = excluded.value, rev = excluded.rev,
                     updated_by = excluded.updated_by, updated_at = excluded.updated_at, writer = excluded.writer",
            )
            .bind(&record_id)
            .bind(rev)
            .bind(&session.user_id)
            .bind(&at)
            .bind(&writer)
            .bind(to_json(&writes)?)
            .execute(&mut *tx)
            .await?;
        }
        super::attachments::write_refs(tx, &record_id, current.as_ref(), &decision, deleted, now).await?;
        for conflict_id in &decision.resolves {
            sqlx::query(
                "update conflicts set resolved_by = $1, resolved_at = $2, resolved_mutation_id = $3
                 where id = $4 and resolved_at is null",
            )
            .bind(&session.user_id)
            .bind(&at)
            .bind(&mutation_id)
            .bind(conflict_id)
            .execute(&mut *tx)
            .await?;
        }
        let changes = decision.audit_changes(|name| {
            current.as_ref().and_then(|c| c.fields.get(name)).map_or(Value::Null, |f| f.value.clone())
        });
        rows.audit.push(json!([
            mutation_id,
            record_id,
            mutation.op.audit_name(),
            mutation.base_rev,
            rev,
            to_json(&changes)?
        ]));
    }

    if let Outcome::Conflict { conflicts, .. } = &decision.outcome {
        for conflict in conflicts {
            // Who wrote the value the record kept, and when; a deleted record kept nothing.
            let kept: Option<(String, String)> =
                sqlx::query_as("select updated_by, updated_at from record_fields where record_id = $1 and name = $2")
                    .bind(&record_id)
                    .bind(&conflict.field)
                    .fetch_optional(&mut *tx)
                    .await?;
            let (kept_by, kept_at) = kept.unwrap_or_else(|| (String::new(), at.clone()));
            sqlx::query(
                "insert into conflicts (record_id, field, mutation_id, kept_value, kept_by, kept_at, other_value,
                     other_by, other_at, created_at)
                 values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(&record_id)
            .bind(&conflict.field)
            .bind(&mutation_id)
            .bind(to_json(&conflict.server_value)?)
            .bind(kept_by)
            .bind(kept_at)
            .bind(to_json(&conflict.client_value)?)
            .bind(&session.user_id)
            .bind(timestamp(mutation.made_at))
            .bind(&at)
            .execute(&mut *tx)
            .await?;
        }
    }

    rows.ledger.push(json!([mutation_id, record_id, to_json(&decision.outcome)?, i64::from(written.is_some())]));
    Ok(decision.outcome)
}

/// The server trusts no tablet's panel: it reruns the checks on submission and stores the verdict with the
/// nomination. A nomination that fails a rule goes forward only with a written justification.
async fn check_nomination(
    tx: &mut sqlx::AnyConnection,
    record_id: Uuid,
    stored: &StoredRecord,
    decision: &mut domain::merge::Merge,
) -> Result<()> {
    let verdict = nomination_verdict(tx, record_id, stored).await?;
    let justification = stored.fields.get("justification").and_then(|f| f.value.as_str()).unwrap_or_default();
    if let Some(problem) = submission_problem(verdict.as_ref(), justification) {
        *decision = domain::merge::Merge::reject(RejectCode::NotAllowed, problem);
        return Ok(());
    }
    if let Some(verdict) = verdict {
        let value = serde_json::to_value(&verdict).map_err(|e| DbError::Corrupt(e.to_string()))?;
        decision.writes.insert("verdict".into(), value);
    }
    Ok(())
}

/// The record as the merge needs it, and the note of its last return: one query, with its fields and open
/// conflicts as JSON, since each statement is a round trip to SQLite's thread.
pub(super) async fn load_stored(
    tx: &mut sqlx::AnyConnection,
    record_id: &str,
) -> Result<Option<(StoredRecord, Option<String>)>> {
    let query = match Backend::of(tx) {
        Backend::Sqlite => {
            "select kind, unit_id, rev, deleted, state, state_note,
                 (select json_group_array(json_array(f.name, f.value, f.rev, f.writer) order by f.name) from record_fields f
                     where f.record_id = r.id) as fields,
                 (select json_group_array(json_array(c.id, c.field) order by c.id) from conflicts c
                     where c.record_id = r.id and c.resolved_at is null) as open_conflicts
             from records r where id = $1"
        }
        Backend::Postgres => {
            "select kind, unit_id, rev, deleted, state, state_note,
                 (select coalesce(json_agg(json_build_array(f.name, f.value, f.rev, f.writer) order by f.name), '[]')::text
                     from record_fields f where f.record_id = r.id) as fields,
                 (select coalesce(json_agg(json_build_array(c.id, c.field) order by c.id), '[]')::text from conflicts c
                     where c.record_id = r.id and c.resolved_at is null) as open_conflicts
             from records r where id = $1"
        }
    };
    let row = sqlx::query(query).bind(record_id).fetch_optional(&mut *tx).await?;
    let Some(row) = row else { return Ok(None) };
    let field_rows: Vec<(String, String, i64, String)> = parse_json(&row.try_get::<String, _>("fields")?)?;
    let mut fields = BTreeMap::new();
    for (name, value, rev, writer) in field_rows {
        fields.insert(name, StoredField { value: parse_json(&value)?, rev, writer });
    }
    let open_conflicts: Vec<(i64, String)> = parse_json(&row.try_get::<String, _>("open_conflicts")?)?;
    let state: String = row.try_get("state")?;
    let stored = StoredRecord {
        kind: parse_kind(&row.try_get::<String, _>("kind")?)?,
        unit_id: row.try_get("unit_id")?,
        rev: row.try_get("rev")?,
        deleted: row.try_get::<i64, _>("deleted")? != 0,
        state: WorkflowState::parse(&state).ok_or_else(|| DbError::Corrupt(format!("state {state:?}")))?,
        fields,
        open_conflicts,
    };
    Ok(Some((stored, row.try_get("state_note")?)))
}

/// A change the server makes to a record on its own authority (an issued decision's award in a person's history,
/// a nomination's outcome): one more revision at the next `seq`, audited under `by`, so every tablet in scope
/// pulls it like any other change. `edit` gets the record's current fields and returns the ones to write; None
/// leaves the record as it is. False if there is no such record.
pub(super) async fn write_by_server(
    tx: &mut sqlx::AnyConnection,
    record_id: &str,
    (by, action): (&str, &str),
    now: DateTime<Utc>,
    state: Option<WorkflowState>,
    edit: impl FnOnce(&BTreeMap<String, StoredField>) -> Option<domain::Fields>,
) -> Result<bool> {
    let Some((stored, _)) = load_stored(tx, record_id).await? else { return Ok(false) };
    let Some(writes) = edit(&stored.fields) else { return Ok(true) };
    let rev = stored.rev + 1;
    let at = timestamp(now);
    let writer = "server";
    sqlx::query(
        "update records set rev = $1, seq = (select coalesce(max(seq), 0) + 1 from records), state = $2,
             updated_by = $3, updated_at = $4, last_writer = $5, echo_free = 0
         where id = $6",
    )
    .bind(rev)
    .bind(state.unwrap_or(stored.state).as_str())
    .bind(by)
    .bind(&at)
    .bind(writer)
    .bind(record_id)
    .execute(&mut *tx)
    .await?;
    let mut changes = serde_json::Map::new();
    for (name, value) in &writes {
        sqlx::query(
            "insert into record_fields (record_id, name, value, rev, updated_by, updated_at, writer)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (record_id, name) do update set value = excluded.value, rev = excluded.rev,
                 updated_by = excluded.updated_by, updated_at = excluded.updated_at, writer = excluded.writer",
        )
        .bind(record_id)
        .bind(name)
        .bind(to_json(value)?)
        .bind(rev)
        .bind(by)
        .bind(&at)
        .bind(writer)
        .execute(&mut *tx)
        .await?;
        let old = stored.fields.get(name).map_or(Value::Null, |f| f.value.clone());
        changes.insert(name.clone(), json!({"old": old, "new": value}));
    }
    if let Some(new_state) = state.filter(|s| *s != stored.state) {
        changes.insert("state".into(), json!({"old": stored.state.as_str(), "new": new_state.as_str()}));
    }
    sqlx::query(
        "insert into audit_log (at, user_id, device_id, mutation_id, record_id, action, base_rev, rev, changes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(&at)
    .bind(by)
    .bind(writer)
    .bind(Uuid::new_v4().to_string())
    .bind(record_id)
    .bind(action)
    .bind(stored.rev)
    .bind(rev)
    .bind(to_json(&Value::Object(changes))?)
    .execute(&mut *tx)
    .await?;
    Ok(true)
}
