//! Publication windows and the public's comments on them: taken without sign-in (with only a hash of the
//! sender's address, to limit floods), triaged and answered by the office.

use chrono::{DateTime, Utc};
use domain::publication::{Comment, Publication, Triage};
use serde_json::Value;
use sqlx::Row;

use super::council::audit;
use super::*;

fn comment_from(row: &sqlx::any::AnyRow) -> Result<Comment> {
    let triage: Option<String> = row.try_get("triage")?;
    let answered_at: Option<String> = row.try_get("answered_at")?;
    Ok(Comment {
        id: row.try_get("id")?,
        publication_id: row.try_get("publication_id")?,
        nomination_id: row.try_get("nomination_id")?,
        name: row.try_get("name")?,
        contact: row.try_get("contact")?,
        text: row.try_get("text")?,
        at: parse_timestamp(&row.try_get::<String, _>("at")?)?,
        triage: triage
            .map(|t| serde_json::from_value::<Triage>(Value::String(t.clone())).map_err(|_| DbError::Corrupt(t)))
            .transpose()?,
        answer: row.try_get("answer")?,
        answered_by: row.try_get("answered_by")?,
        answered_at: answered_at.as_deref().map(parse_timestamp).transpose()?,
    })
}

impl Db {
    /// Creates the window; false if the id was taken before (a retry).
    pub async fn insert_publication(&self, publication: &Publication, by: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let inserted = sqlx::query(
            "insert into publications (id, unit_id, session_id, opens, closes, body, created_by, created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8) on conflict (id) do nothing",
        )
        .bind(&publication.id)
        .bind(&publication.unit_id)
        .bind(&publication.session_id)
        .bind(publication.opens.to_string())
        .bind(publication.closes.to_string())
        .bind(to_json(publication)?)
        .bind(by)
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if inserted {
            let after = serde_json::to_value(publication).unwrap_or(Value::Null);
            audit(&mut tx, by, now, ("publication", &publication.id), "publish", Value::Null, after).await?;
        }
        tx.commit().await?;
        Ok(inserted)
    }

    pub async fn publication(&self, id: &str) -> Result<Option<Publication>> {
        let body: Option<String> = sqlx::query_scalar("select body from publications where id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        body.as_deref().map(parse_json).transpose()
    }

    /// The windows of `unit_id`'s office (every office's with None), latest first.
    pub async fn publications(&self, unit_id: Option<&str>) -> Result<Vec<Publication>> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "select body from publications where ($1 is null or unit_id = $1) order by opens desc, id",
        )
        .bind(unit_id)
        .fetch_all(&self.reader)
        .await?;
        bodies.iter().map(|b| parse_json(b)).collect()
    }

    pub async fn comments(&self, publication_id: &str) -> Result<Vec<Comment>> {
        let rows = sqlx::query(
            "select id, publication_id, nomination_id, name, contact, text, at, triage, answer, answered_by,
                 answered_at
             from comments where publication_id = $1 order by id",
        )
        .bind(publication_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(comment_from).collect()
    }

    /// Stores a comment unless the sender has sent `limit` or more since `since`: counted in the writer's
    /// transaction, so a flood sent at once is cut at the limit too. None when refused.
    pub async fn insert_comment(
        &self,
        comment: &Comment,
        address_hash: &str,
        (limit, since): (i64, DateTime<Utc>),
    ) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let recent: i64 = sqlx::query_scalar("select count(*) from comments where address_hash = $1 and at > $2")
            .bind(address_hash)
            .bind(timestamp(since))
            .fetch_one(&mut *tx)
            .await?;
        if recent >= limit {
            return Ok(None);
        }
        let id: i64 = sqlx::query_scalar(
            "insert into comments (publication_id, nomination_id, name, contact, text, at, address_hash)
             values ($1, $2, $3, $4, $5, $6, $7) returning id",
        )
        .bind(&comment.publication_id)
        .bind(&comment.nomination_id)
        .bind(&comment.name)
        .bind(&comment.contact)
        .bind(&comment.text)
        .bind(timestamp(comment.at))
        .bind(address_hash)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(id))
    }

    /// Records the office's triage and answer; false if there is no such comment in the window.
    pub async fn answer_comment(
        &self,
        (publication_id, comment_id): (&str, i64),
        (triage, answer): (Triage, &str),
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let before = sqlx::query(
            "select id, publication_id, nomination_id, name, contact, text, at, triage, answer, answered_by,
                 answered_at
             from comments where id = $1 and publication_id = $2",
        )
        .bind(comment_id)
        .bind(publication_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(before) = before else { return Ok(false) };
        let before = comment_from(&before)?;
        let triage_name = match serde_json::to_value(triage) {
            Ok(Value::String(name)) => name,
            _ => return Err(DbError::Corrupt(format!("triage {triage:?}"))),
        };
        sqlx::query("update comments set triage = $1, answer = $2, answered_by = $3, answered_at = $4 where id = $5")
            .bind(&triage_name)
            .bind(answer)
            .bind(by)
            .bind(timestamp(now))
            .bind(comment_id)
            .execute(&mut *tx)
            .await?;
        let after = Comment {
            triage: Some(triage),
            answer: Some(answer.to_string()),
            answered_by: Some(by.to_string()),
            answered_at: Some(now),
            ..before.clone()
        };
        let (before, after) =
            (serde_json::to_value(before).unwrap_or(Value::Null), serde_json::to_value(after).unwrap_or(Value::Null));
        audit(&mut tx, by, now, ("comment", &comment_id.to_string()), "answer", before, after).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Of `nominations`, those with a comment the office has not answered.
    pub async fn unanswered(&self, nominations: &[String]) -> Result<Vec<String>> {
        Ok(sqlx::query_scalar(
            "select distinct nomination_id from comments
             where nomination_id in (select value from json_each($1)) and (answer is null or triage is null)
             order by nomination_id",
        )
        .bind(to_json(&nominations)?)
        .fetch_all(&self.reader)
        .await?)
    }
}
