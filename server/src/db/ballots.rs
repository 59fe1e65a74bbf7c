//! Ballots cast on members' own devices, kept so that no row links a member to a choice: `ballot_voters` says
//! who voted, `ballot_totals` holds only running totals, and `ballot_boxes` which boxes the office has closed.

use chrono::{DateTime, Utc};
use domain::ballot::{BallotBox, BallotChoice, CandidateTotals, Channel, Totals};
use serde_json::Value;
use sqlx::Row;

use super::council::audit;
use super::*;

/// What became of a ballot.
pub enum Cast {
    Counted,
    /// The member had voted already: nothing was added.
    AlreadyCounted,
    /// The office had closed the box.
    Closed,
}

impl Db {
    /// Counts `member_id`'s ballot once: that they voted and the totals change in one transaction, so a replay,
    /// or two sendings at once, add nothing the second time.
    pub async fn cast_ballot(
        &self,
        session_id: &str,
        member_id: &str,
        channel: Channel,
        choices: impl IntoIterator<Item = (&String, &BallotChoice)>,
    ) -> Result<Cast> {
        let mut tx = self.begin_write().await?;
        let closed: Option<String> = sqlx::query_scalar("select session_id from ballot_boxes where session_id = $1")
            .bind(session_id)
            .fetch_optional(&mut *tx)
            .await?;
        if closed.is_some() {
            return Ok(Cast::Closed);
        }
        let first =
            sqlx::query("insert into ballot_voters (session_id, member_id) values ($1, $2) on conflict do nothing")
                .bind(session_id)
                .bind(member_id)
                .execute(&mut *tx)
                .await?
                .rows_affected()
                == 1;
        if !first {
            return Ok(Cast::AlreadyCounted);
        }
        let written = i64::from(channel == Channel::Written);
        for (nomination_id, choice) in choices {
            let mut one = Totals::default();
            one.add(*choice);
            sqlx::query(
                "insert into ballot_totals (session_id, nomination_id, written, yes, no, blank)
                 values ($1, $2, $3, $4, $5, $6)
                 on conflict (session_id, nomination_id, written) do update
                 set yes = ballot_totals.yes + excluded.yes, no = ballot_totals.no + excluded.no,
                     blank = ballot_totals.blank + excluded.blank",
            )
            .bind(session_id)
            .bind(nomination_id)
            .bind(written)
            .bind(i64::from(one.yes))
            .bind(i64::from(one.no))
            .bind(i64::from(one.blank))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(Cast::Counted)
    }

    /// Who voted, whether the box is closed, and (only then) the totals.
    pub async fn ballot_box(&self, session_id: &str) -> Result<BallotBox> {
        let voted: Vec<String> =
            sqlx::query_scalar("select member_id from ballot_voters where session_id = $1 order by member_id")
                .bind(session_id)
                .fetch_all(&self.reader)
                .await?;
        let closed: Option<String> = sqlx::query_scalar("select session_id from ballot_boxes where session_id = $1")
            .bind(session_id)
            .fetch_optional(&self.reader)
            .await?;
        let totals = match closed {
            Some(_) => self.ballot_totals(session_id).await?,
            None => Vec::new(),
        };
        Ok(BallotBox { voted, closed: closed.is_some(), totals })
    }

    async fn ballot_totals(&self, session_id: &str) -> Result<Vec<CandidateTotals>> {
        let rows = sqlx::query(
            "select nomination_id, written, yes, no, blank from ballot_totals where session_id = $1
             order by nomination_id, written",
        )
        .bind(session_id)
        .fetch_all(&self.reader)
        .await?;
        let mut all: Vec<CandidateTotals> = Vec::new();
        for row in rows {
            let nomination_id: String = row.try_get("nomination_id")?;
            let count = |name: &str| -> Result<u32> {
                let n: i64 = row.try_get(name)?;
                u32::try_from(n).map_err(|_| DbError::Corrupt(format!("ballot total {n}")))
            };
            let totals = Totals { yes: count("yes")?, no: count("no")?, blank: count("blank")? };
            if all.last().is_none_or(|t| t.nomination_id != nomination_id) {
                all.push(CandidateTotals { nomination_id, ..Default::default() });
            }
            if let Some(candidate) = all.last_mut() {
                match row.try_get::<i64, _>("written")? {
                    0 => candidate.meeting = totals,
                    _ => candidate.written = totals,
                }
            }
        }
        Ok(all)
    }

    /// Closes the box (again: a retry of a close that wrote no tallies finds it closed) and answers its totals.
    pub async fn close_ballot_box(&self, session_id: &str, by: &str, now: DateTime<Utc>) -> Result<BallotBox> {
        let mut tx = self.begin_write().await?;
        let closed = sqlx::query(
            "insert into ballot_boxes (session_id, closed_by, closed_at) values ($1, $2, $3) on conflict do nothing",
        )
        .bind(session_id)
        .bind(by)
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?
        .rows_affected()
            == 1;
        if closed {
            audit(&mut tx, by, now, ("ballot_box", session_id), "close", Value::Null, Value::Null).await?;
        }
        tx.commit().await?;
        self.ballot_box(session_id).await
    }
}
