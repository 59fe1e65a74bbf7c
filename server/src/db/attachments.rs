//! Attached files: their uploads, which records refer to them, who may read them, and which may go.

use chrono::{DateTime, Utc};
use domain::attachment::{record_problem, referenced_files, MediaType};
use domain::merge::{Merge, StoredRecord};
use domain::sync::RejectCode;
use domain::{Fields, Mutation};
use sqlx::Row;

use super::*;

/// An attached file as the server knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredFile {
    pub size: u64,
    pub media_type: MediaType,
    pub complete: bool,
}

impl Db {
    pub async fn file(&self, sha256: &str) -> Result<Option<StoredFile>> {
        let row = sqlx::query(
            "select size, media_type, case when completed_at is null then 0 else 1 end as complete from attachments where sha256 = $1",
        )
        .bind(sha256)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|row| stored_file(&row)).transpose()
    }

    /// Begins the upload of a file, or finds the one begun or finished: what the server records of it.
    pub async fn begin_upload(
        &self,
        sha256: &str,
        size: u64,
        media_type: MediaType,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<StoredFile> {
        sqlx::query(
            "insert into attachments (sha256, size, media_type, created_by, created_at) values ($1, $2, $3, $4, $5)
             on conflict (sha256) do nothing",
        )
        .bind(sha256)
        .bind(size as i64)
        .bind(media_type.mime())
        .bind(by)
        .bind(timestamp(now))
        .execute(&self.writer)
        .await?;
        let row = sqlx::query(
            "select size, media_type, case when completed_at is null then 0 else 1 end as complete from attachments where sha256 = $1",
        )
        .bind(sha256)
        .fetch_one(&self.writer)
        .await?;
        stored_file(&row)
    }

    /// The whole file is on disk and checked. Until a record refers to it, it counts as released from now.
    pub async fn complete_upload(&self, sha256: &str, now: DateTime<Utc>) -> Result<()> {
        let at = timestamp(now);
        // In the write turn: whether a record refers to it is decided against the references written in theirs.
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "update attachments set completed_at = $1,
                 released_at = case when exists (select 1 from attachment_refs r where r.sha256 = $2) then null
                     else $1 end
             where sha256 = $2 and completed_at is null",
        )
        .bind(&at)
        .bind(sha256)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Forgets an upload whose bytes were refused, so a corrected one may begin.
    pub async fn drop_upload(&self, sha256: &str) -> Result<()> {
        sqlx::query("delete from attachments where sha256 = $1 and completed_at is null")
            .bind(sha256)
            .execute(&self.writer)
            .await?;
        Ok(())
    }

    /// Whether a record in `scope` refers to the file: who may read a file is who may read such a record.
    pub async fn may_read_file(&self, sha256: &str, scope: &[String]) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(
            "select 1 from attachment_refs r join records c on c.id = r.record_id
             where r.sha256 = $1 and c.unit_id in (select value from json_each($2)) limit 1",
        )
        .bind(sha256)
        .bind(to_json(&scope)?)
        .fetch_optional(&self.reader)
        .await?;
        Ok(found.is_some())
    }

    /// Files released before `cutoff`, and uploads begun before `abandoned` and never finished: the cleanup's
    /// work. Each is forgotten here in the same statement that finds it still unreferenced.
    pub async fn take_unreferenced(
        &self,
        cutoff: DateTime<Utc>,
        abandoned: DateTime<Utc>,
    ) -> Result<(Vec<String>, Vec<String>)> {
        // In the write turn, so a record written meanwhile by another instance cannot refer to a file taken here.
        let mut tx = self.begin_write().await?;
        let released: Vec<String> = sqlx::query_scalar(
            "delete from attachments where completed_at is not null and released_at < $1
                 and not exists (select 1 from attachment_refs r where r.sha256 = attachments.sha256)
             returning sha256",
        )
        .bind(timestamp(cutoff))
        .fetch_all(&mut *tx)
        .await?;
        let unfinished: Vec<String> = sqlx::query_scalar(
            "delete from attachments where completed_at is null and created_at < $1 returning sha256",
        )
        .bind(timestamp(abandoned))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((released, unfinished))
    }
}

fn stored_file(row: &sqlx::any::AnyRow) -> Result<StoredFile> {
    let media: String = row.try_get("media_type")?;
    Ok(StoredFile {
        size: u64::try_from(row.try_get::<i64, _>("size")?).map_err(|_| DbError::Corrupt("file size".into()))?,
        media_type: MediaType::from_mime(&media).ok_or_else(|| DbError::Corrupt(format!("media type {media:?}")))?,
        complete: row.try_get::<i64, _>("complete")? != 0,
    })
}

/// A change that attaches files is applied only once the server holds each of them, as the reference describes
/// it, and only if the record stays within its limits: otherwise `decision` becomes a refusal.
pub(super) async fn check_files(
    tx: &mut sqlx::AnyConnection,
    mutation: &Mutation,
    current: Option<&StoredRecord>,
    decision: &mut Merge,
) -> Result<()> {
    let needed = mutation.op.files_needed();
    if needed.is_empty() || matches!(decision.outcome, domain::Outcome::Rejected { .. }) {
        return Ok(());
    }
    let rows = sqlx::query(
        "select sha256, size, media_type from attachments
         where sha256 in (select value from json_each($1)) and completed_at is not null",
    )
    .bind(to_json(&needed)?)
    .fetch_all(&mut *tx)
    .await?;
    let held: Vec<(String, i64, String)> = rows
        .iter()
        .map(|row| Ok((row.try_get("sha256")?, row.try_get("size")?, row.try_get("media_type")?)))
        .collect::<Result<_>>()?;
    if held.len() < needed.len() {
        *decision = Merge::reject(
            RejectCode::Invalid,
            "Tệp đính kèm chưa được tải đủ lên máy chủ; thay đổi sẽ được gửi lại khi tải xong",
        );
        return Ok(());
    }
    for (sha, reference) in domain::attachment::attachments(&decision.writes) {
        let described = held.iter().any(|(s, size, media)| {
            *s == sha && *size == reference.size as i64 && *media == reference.media_type.mime()
        });
        if !described {
            *decision = Merge::reject(RejectCode::Invalid, "Thông tin tệp đính kèm không khớp với tệp đã tải lên");
            return Ok(());
        }
    }
    if let Some(problem) = record_problem(&fields_after(current, decision)) {
        *decision = Merge::reject(RejectCode::Invalid, problem.to_string());
    }
    Ok(())
}

/// The record's fields once `decision` is written.
fn fields_after(current: Option<&StoredRecord>, decision: &Merge) -> Fields {
    let mut fields: Fields =
        current.map(|c| c.fields.iter().map(|(name, f)| (name.clone(), f.value.clone())).collect()).unwrap_or_default();
    fields.extend(decision.writes.iter().map(|(name, value)| (name.clone(), value.clone())));
    fields.retain(|_, value| !value.is_null());
    fields
}

/// Rewrites which files the record refers to, after a written decision that may have changed them: its file
/// fields, a delete or a restore. A tombstone refers to nothing, so its files may go once no other record keeps
/// them. Records that never held a file cost nothing here.
pub(super) async fn write_refs(
    tx: &mut sqlx::AnyConnection,
    record_id: &str,
    current: Option<&StoredRecord>,
    decision: &Merge,
    deleted: bool,
    now: DateTime<Utc>,
) -> Result<()> {
    let had = current.map(|c| c.fields.keys().any(|f| domain::attachment::is_attachment_field(f))).unwrap_or(false);
    let touches = decision.writes.keys().any(|f| domain::attachment::is_attachment_field(f));
    if !touches && !(had && (decision.delete || decision.restore)) {
        return Ok(());
    }
    let files = if deleted { Vec::new() } else { referenced_files(&fields_after(current, decision)) };
    let before: Vec<String> = sqlx::query_scalar("delete from attachment_refs where record_id = $1 returning sha256")
        .bind(record_id)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query(
        "insert into attachment_refs (sha256, record_id) select value, $1 from json_each($2) where true
         on conflict do nothing",
    )
    .bind(record_id)
    .bind(to_json(&files)?)
    .execute(&mut *tx)
    .await?;
    let mut touched = before;
    touched.extend(files);
    sqlx::query(
        "update attachments set released_at = case
             when exists (select 1 from attachment_refs r where r.sha256 = attachments.sha256) then null
             else coalesce(released_at, $1) end
         where sha256 in (select value from json_each($2))",
    )
    .bind(timestamp(now))
    .bind(to_json(&touched)?)
    .execute(&mut *tx)
    .await?;
    Ok(())
}
