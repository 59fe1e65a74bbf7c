//! Award decisions: drafts, and the issue that numbers one from its register and writes its results back into
//! the records (the recipients' award history, every nomination's outcome), in one transaction.

use chrono::{DateTime, Datelike, Utc};
use domain::decision::Decision;
use domain::dossier::AwardEntry;
use domain::model::unit_profile_id;
use domain::rules::Recipient;
use domain::{Fields, WorkflowState};
use serde_json::{json, Value};

use super::council::{audit, load_document, store_document, Document};
use super::records::write_by_server;
use super::*;

impl Document for Decision {
    const TABLE: &'static str = "decisions";
    const KIND: &'static str = "decision";

    fn version(&self) -> i64 {
        self.version
    }

    fn set_version(&mut self, version: i64) {
        self.version = version;
    }

    fn closed(&self) -> bool {
        self.issued()
    }
}

pub enum DecisionInsert {
    Created(Decision),
    /// The id was taken before: a retried request gets the decision it made.
    Existing(Decision),
    /// The session already has a decision that this one does not amend.
    SessionDecided(String),
}

pub enum Issue {
    Issued(Decision),
    /// Issued before (a retried request): the same decision, nothing written again.
    AlreadyIssued(Decision),
    NotFound,
    Stale {
        current: i64,
    },
}

impl Db {
    pub async fn decision(&self, id: &str) -> Result<Option<Decision>> {
        let mut conn = self.reader.acquire().await?;
        load_document(&mut conn, id).await
    }

    /// The decisions of `unit_id`'s office, latest first; with `issued_only`, the public register's.
    pub async fn decisions(&self, unit_id: Option<&str>, issued_only: bool) -> Result<Vec<Decision>> {
        let bodies: Vec<String> = sqlx::query_scalar(
            "select body from decisions where ($1 is null or unit_id = $1) and ($2 = 0 or closed = 1)
             order by coalesce(issued_at, created_at) desc, id",
        )
        .bind(unit_id)
        .bind(i64::from(issued_only))
        .fetch_all(&self.reader)
        .await?;
        bodies.iter().map(|b| parse_json(b)).collect()
    }

    pub async fn insert_decision(&self, decision: &Decision, by: &str, now: DateTime<Utc>) -> Result<DecisionInsert> {
        let mut tx = self.begin_write().await?;
        if let Some(existing) = load_document::<Decision>(&mut tx, &decision.id).await? {
            return Ok(DecisionInsert::Existing(existing));
        }
        // Inside the writer's transaction, so two drafts made at once cannot both decide one session.
        let other: Option<String> =
            sqlx::query_scalar("select id from decisions where session_id = $1 and amends is null and $2 is null")
                .bind(&decision.session_id)
                .bind(&decision.amends)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(other) = other {
            return Ok(DecisionInsert::SessionDecided(other));
        }
        sqlx::query(
            "insert into decisions (id, unit_id, session_id, body, version, register, year, amends, created_by,
                 created_at)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&decision.id)
        .bind(&decision.unit_id)
        .bind(&decision.session_id)
        .bind(to_json(decision)?)
        .bind(decision.version)
        .bind(&decision.register)
        .bind(decision.decided_on.year())
        .bind(&decision.amends)
        .bind(by)
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?;
        let after = serde_json::to_value(decision).unwrap_or(Value::Null);
        audit(&mut tx, by, now, (Decision::KIND, &decision.id), "draft", Value::Null, after).await?;
        tx.commit().await?;
        Ok(DecisionInsert::Created(decision.clone()))
    }

    /// Issues a draft made on `version`: the next number of its register for the year of its date, then, in the
    /// same transaction, each recipient's award into their record (`decided_awards`, which no unit may write)
    /// and each nomination of the session closed as awarded or not, with the reason. Tablets get all of it with
    /// their next pull.
    pub async fn issue_decision(&self, id: &str, version: i64, by: &str, now: DateTime<Utc>) -> Result<Issue> {
        let mut tx = self.begin_write().await?;
        let Some(draft) = load_document::<Decision>(&mut tx, id).await? else { return Ok(Issue::NotFound) };
        if draft.issued() {
            return Ok(Issue::AlreadyIssued(draft));
        }
        if draft.version != version {
            return Ok(Issue::Stale { current: draft.version });
        }
        let year = draft.decided_on.year();
        let number: i64 = sqlx::query_scalar(
            "insert into decision_registers (unit_id, register, year, last_number) values ($1, $2, $3, 1)
             on conflict (unit_id, register, year) do update set last_number = decision_registers.last_number + 1
             returning last_number",
        )
        .bind(&draft.unit_id)
        .bind(&draft.register)
        .bind(year)
        .fetch_one(&mut *tx)
        .await?;
        let mut issued = draft.clone();
        issued.number = Some(format!("{number}/{}", draft.register));
        issued.issued_at = Some(now);
        sqlx::query("update decisions set number = $1, issued_at = $2 where id = $3")
            .bind(number)
            .bind(timestamp(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let issued = store_document(&mut tx, (id, &draft, issued), (by, "issue"), now).await?;
        let number = issued.number.clone().unwrap_or_default();
        // An amendment replaces the awards of the decision it amends.
        let replaced = match &issued.amends {
            Some(amended) => load_document::<Decision>(&mut tx, amended).await?.and_then(|d| d.number),
            None => None,
        };
        for recipient in &issued.recipients {
            let entry = issued.award_entry(recipient);
            let record = match recipient.recipient {
                Recipient::Person | Recipient::Household => recipient.nominee_id.clone(),
                Recipient::Collective => unit_profile_id(&recipient.unit_id).to_string(),
            };
            let written = write_by_server(&mut tx, &record, (by, "award"), now, None, |fields| {
                let mut awards: Vec<AwardEntry> = fields
                    .get("decided_awards")
                    .and_then(|f| serde_json::from_value(f.value.clone()).ok())
                    .unwrap_or_default();
                awards.retain(|a| replaced.as_ref().is_none_or(|n| &a.decision_number != n));
                awards.push(entry);
                Some(Fields::from([("decided_awards".to_string(), json!(awards))]))
            })
            .await?;
            if !written {
                tracing::warn!(decision = %id, record = %record, "the recipient has no record to hold the award");
            }
            let outcome = json!({"awarded": true, "decision_id": issued.id, "decision_number": number,
                                 "decision_date": issued.decided_on, "issuer": issued.issuer,
                                 "amount": recipient.amount.as_ref().map(|a| a.amount)});
            close_nomination(&mut tx, &recipient.nomination_id, (by, now), WorkflowState::Awarded, outcome).await?;
        }
        for other in &issued.not_awarded {
            let outcome = json!({"awarded": false, "decision_id": issued.id, "decision_number": number,
                                 "decision_date": issued.decided_on, "reason": other.reason});
            close_nomination(&mut tx, &other.nomination_id, (by, now), WorkflowState::NotAwarded, outcome).await?;
        }
        tx.commit().await?;
        Ok(Issue::Issued(issued))
    }
}

async fn close_nomination(
    tx: &mut sqlx::AnyConnection,
    nomination_id: &str,
    (by, now): (&str, DateTime<Utc>),
    state: WorkflowState,
    outcome: Value,
) -> Result<()> {
    let fields = Fields::from([("outcome".to_string(), outcome)]);
    if !write_by_server(tx, nomination_id, (by, "decide"), now, Some(state), |_| Some(fields)).await? {
        tracing::warn!(nomination = %nomination_id, "a decided nomination is missing");
    }
    Ok(())
}
