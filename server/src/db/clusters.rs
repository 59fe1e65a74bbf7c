//! Clusters and blocks: one versioned JSON document each, and what a member's score sheet reads from the
//! records: its self-score, when its quarterly reports were sent, and how many of its nominations were returned.

use domain::calendar::{vietnam_date, Quarter};
use domain::cluster::{late_reports, Cluster, LateReport, ScoreEntry};
use domain::model::{cluster_score_id, self_assessment_id};

use super::council::{audit, Document};
use super::*;

impl Document for Cluster {
    const TABLE: &'static str = "clusters";
    const KIND: &'static str = "cluster";

    fn version(&self) -> i64 {
        self.version
    }

    fn set_version(&mut self, version: i64) {
        self.version = version;
    }

    fn closed(&self) -> bool {
        false
    }
}

/// What a member's sheet is computed from, besides the cluster.
pub struct MemberFacts {
    /// Its self-score, once sent.
    pub own: Option<Vec<ScoreEntry>>,
    pub late_reports: Vec<LateReport>,
    pub returned_dossiers: u32,
}

impl Db {
    /// Stores a new cluster, audited as made by `by`; false if the id is taken.
    pub async fn insert_cluster(&self, cluster: &Cluster, by: &str, now: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("insert into clusters (id, body, version) values ($1, $2, $3) on conflict do nothing")
            .bind(&cluster.id)
            .bind(to_json(cluster)?)
            .bind(cluster.version)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let after = serde_json::to_value(cluster).unwrap_or(serde_json::Value::Null);
        audit(&mut tx, by, now, (Cluster::KIND, &cluster.id), "create", serde_json::Value::Null, after).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn clusters(&self) -> Result<Vec<Cluster>> {
        clusters_in(&mut *self.reader.acquire().await?).await
    }

    pub async fn cluster(&self, id: &str) -> Result<Option<Cluster>> {
        let body: Option<String> =
            sqlx::query_scalar("select body from clusters where id = $1").bind(id).fetch_optional(&self.reader).await?;
        body.as_deref().map(parse_json).transpose()
    }

    /// A member's facts for `year`, as of `today`: its self-score, its late quarterly reports (dated by the day
    /// its head first sent each, in Vietnam's days, from the audit log) and its returned nominations.
    pub async fn member_facts(&self, unit_id: &str, year: i32, today: NaiveDate) -> Result<MemberFacts> {
        let own = self.self_score(unit_id, year).await?;
        let first: Option<String> = sqlx::query_scalar(
            "select min(f.value) from records r join record_fields f on f.record_id = r.id and f.name = 'period'
             where r.kind = 'self_assessment' and r.unit_id = $1 and r.deleted = 0",
        )
        .bind(unit_id)
        .fetch_one(&self.reader)
        .await?;
        let first = first.as_deref().map(parse_json::<String>).transpose()?.as_deref().and_then(Quarter::parse);
        let mut sent = [None; 4];
        for (slot, number) in sent.iter_mut().zip(1..=4) {
            let id = self_assessment_id(unit_id, &Quarter { year, number }.key()).to_string();
            if let Some((state, Some(at))) = self.first_sent(&id).await? {
                *slot = (state != "draft").then(|| vietnam_date(at));
            }
        }
        let sent_on = |number: u32| number.checked_sub(1).and_then(|i| sent.get(i as usize).copied().flatten());
        let late_reports = late_reports(year, today, sent_on, first);
        // Each nomination returned that year counts once, however many times it was returned.
        // The year in Vietnam's days, as the instants it begins and ends at (timestamps compare as text).
        let year_start = |year: i32| {
            let midnight = NaiveDate::from_ymd_opt(year, 1, 1).and_then(|d| d.and_hms_opt(0, 0, 0));
            midnight.map(|m| timestamp(m.and_utc() - chrono::Duration::hours(7)))
        };
        let (Some(from), Some(to)) = (year_start(year), year_start(year + 1)) else {
            return Err(DbError::Corrupt(format!("year {year}")));
        };
        let returned: i64 = sqlx::query_scalar(
            "select count(distinct a.record_id) from audit_log a join records r on r.id = a.record_id
             where a.action = 'return' and r.kind = 'nomination' and r.unit_id = $1 and a.at >= $2 and a.at < $3",
        )
        .bind(unit_id)
        .bind(from)
        .bind(to)
        .fetch_one(&self.reader)
        .await?;
        Ok(MemberFacts { own, late_reports, returned_dossiers: u32::try_from(returned).unwrap_or(0) })
    }

    /// A member's self-score for `year`, once its head has sent it.
    pub async fn self_score(&self, unit_id: &str, year: i32) -> Result<Option<Vec<ScoreEntry>>> {
        let score = sqlx::query_as::<_, (String, Option<String>)>(
            "select r.state, f.value from records r
                 left join record_fields f on f.record_id = r.id and f.name = 'entries'
             where r.id = $1 and r.deleted = 0",
        )
        .bind(cluster_score_id(unit_id, year).to_string())
        .fetch_optional(&self.reader)
        .await?;
        match score {
            Some((state, entries)) if matches!(state.as_str(), "submitted" | "approved") => {
                Ok(Some(entries.as_deref().map(parse_json).transpose()?.unwrap_or_default()))
            }
            _ => Ok(None),
        }
    }

    /// Unit id → name, for the units given.
    pub async fn unit_names(&self, ids: &[&str]) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as("select id, name from org_units where id in (select value from json_each($1)) order by id")
            .bind(to_json(&ids)?)
            .fetch_all(&self.reader)
            .await?)
    }
}

pub(super) async fn clusters_in(conn: &mut sqlx::AnyConnection) -> Result<Vec<Cluster>> {
    let bodies: Vec<String> = sqlx::query_scalar("select body from clusters order by id").fetch_all(&mut *conn).await?;
    bodies.iter().map(|b| parse_json(b)).collect()
}
