//! Clusters and blocks: one versioned JSON document each, and what a member's score sheet reads from the
//! records: its self-score, when its quarterly reports were sent, and how many of its nominations were returned.

use domain::calendar::Quarter;
use domain::cluster::{standings_of, Cluster, ClusterStanding, LateReport, ScoreEntry};
use domain::model::{cluster_score_id, self_assessment_id};

use super::council::Document;
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
    /// Stores a new cluster; false if the id is taken.
    pub async fn insert_cluster(&self, cluster: &Cluster) -> Result<bool> {
        let done = sqlx::query("insert into clusters (id, body, version) values ($1, $2, $3) on conflict do nothing")
            .bind(&cluster.id)
            .bind(to_json(cluster)?)
            .bind(cluster.version)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn clusters(&self) -> Result<Vec<Cluster>> {
        clusters_in(&mut *self.reader.acquire().await?).await
    }

    pub async fn cluster(&self, id: &str) -> Result<Option<Cluster>> {
        let body: Option<String> =
            sqlx::query_scalar("select body from clusters where id = $1").bind(id).fetch_optional(&self.reader).await?;
        body.as_deref().map(parse_json).transpose()
    }

    /// A member's facts for `year`, as of `today`: a quarterly report counts late by the day its unit head first
    /// sent it (the audit log's date), or, not sent, by today once the deadline has passed.
    pub async fn member_facts(&self, unit_id: &str, year: i32, today: NaiveDate) -> Result<MemberFacts> {
        let score = sqlx::query_as::<_, (String, Option<String>)>(
            "select r.state, f.value from records r
                 left join record_fields f on f.record_id = r.id and f.name = 'entries'
             where r.id = $1 and r.deleted = 0",
        )
        .bind(cluster_score_id(unit_id, year).to_string())
        .fetch_optional(&self.reader)
        .await?;
        let own = match score {
            Some((state, entries)) if matches!(state.as_str(), "submitted" | "approved") => {
                Some(entries.as_deref().map(parse_json).transpose()?.unwrap_or_default())
            }
            _ => None,
        };
        // The product dates only what it received: a quarter before the unit's first report in it was reported
        // on paper, if at all, and is left to the standing body.
        let first: Option<String> = sqlx::query_scalar(
            "select min(f.value) from records r join record_fields f on f.record_id = r.id and f.name = 'period'
             where r.kind = 'self_assessment' and r.unit_id = $1 and r.deleted = 0",
        )
        .bind(unit_id)
        .fetch_one(&self.reader)
        .await?;
        let first: Option<String> = first.as_deref().map(parse_json).transpose()?;
        let mut late_reports = Vec::new();
        for number in 1..=4 {
            let quarter = Quarter { year, number };
            let deadline = quarter.report_deadline();
            if deadline >= today || first.as_ref().is_none_or(|first| quarter.key() < *first) {
                continue;
            }
            let sent: Option<String> =
                sqlx::query_scalar("select min(at) from audit_log where record_id = $1 and action = 'submit'")
                    .bind(self_assessment_id(unit_id, &quarter.key()).to_string())
                    .fetch_one(&self.reader)
                    .await?;
            let (day, missing) = match sent {
                Some(at) => (parse_timestamp(&at)?.date_naive(), false),
                None => (today, true),
            };
            let days = (day - deadline).num_days();
            if days > 0 {
                late_reports.push(LateReport { period: quarter.label(), days, missing });
            }
        }
        let returned: i64 = sqlx::query_scalar(
            "select count(*) from audit_log a join records r on r.id = a.record_id
             where a.action = 'return' and r.kind = 'nomination' and r.unit_id = $1 and substr(a.at, 1, 4) = $2",
        )
        .bind(unit_id)
        .bind(year.to_string())
        .fetch_one(&self.reader)
        .await?;
        Ok(MemberFacts { own, late_reports, returned_dossiers: u32::try_from(returned).unwrap_or(0) })
    }

    /// Unit id → name, for the units given.
    pub async fn unit_names(&self, ids: &[&str]) -> Result<Vec<(String, String)>> {
        Ok(sqlx::query_as("select id, name from org_units where id in (select value from json_each($1)) order by id")
            .bind(to_json(&ids)?)
            .fetch_all(&self.reader)
            .await?)
    }
}

pub(super) async fn clusters_in(conn: &mut sqlx::SqliteConnection) -> Result<Vec<Cluster>> {
    let bodies: Vec<String> = sqlx::query_scalar("select body from clusters order by id").fetch_all(&mut *conn).await?;
    bodies.iter().map(|b| parse_json(b)).collect()
}

/// The published standings of `units` (a unit and its predecessors), for the eligibility rules.
pub(super) async fn standings_in(conn: &mut sqlx::SqliteConnection, units: &[String]) -> Result<Vec<ClusterStanding>> {
    Ok(standings_of(&clusters_in(conn).await?, units))
}
