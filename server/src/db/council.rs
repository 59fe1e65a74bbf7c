//! The council: its effective-dated roster, the nominations ready for it, and its sessions, each kept as one
//! versioned document; every change is written with its before and after to the office's audit log.

use chrono::{DateTime, Utc};
use domain::council::{Candidate, CouncilMember, CouncilRole, CouncilSession};
use domain::dossier::NomineeKind;
use domain::Fields;
use serde_json::{json, Value};
use sqlx::Row;

use super::*;

/// What became of a change to a session or a decision.
pub enum DocumentUpdate<T, E> {
    Done(T),
    NotFound,
    /// The change was made on an older version than the stored one.
    Stale {
        current: i64,
    },
    Refused(E),
}

/// What became of a new session.
pub enum SessionInsert {
    Created(CouncilSession),
    /// The id was taken before: a retried request gets the session it made.
    Existing(CouncilSession),
    /// These nominations are already in another session.
    Taken(Vec<String>),
}

fn role_name(role: CouncilRole) -> Result<String> {
    match serde_json::to_value(role) {
        Ok(Value::String(name)) => Ok(name),
        _ => Err(DbError::Corrupt(format!("council role {role:?}"))),
    }
}

pub(super) async fn audit(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    at: DateTime<Utc>,
    (object_kind, object_id): (&str, &str),
    action: &str,
    before: Value,
    after: Value,
) -> Result<()> {
    sqlx::query(
        "insert into office_audit (at, user_id, object_kind, object_id, action, changes)
         values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(timestamp(at))
    .bind(user_id)
    .bind(object_kind)
    .bind(object_id)
    .bind(action)
    .bind(to_json(&json!({"before": before, "after": after}))?)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn member_from(row: &sqlx::any::AnyRow) -> Result<CouncilMember> {
    let role: String = row.try_get("role")?;
    let valid_to: Option<String> = row.try_get("valid_to")?;
    Ok(CouncilMember {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        position: row.try_get("position")?,
        role: serde_json::from_value(Value::String(role.clone()))
            .map_err(|_| DbError::Corrupt(format!("council role {role:?}")))?,
        valid_from: parse_date(&row.try_get::<String, _>("valid_from")?)?,
        valid_to: valid_to.as_deref().map(parse_date).transpose()?,
        user_id: row.try_get("user_id")?,
    })
}

impl Db {
    /// Every seat, past and present, of the council of `unit_id`.
    pub async fn council_members(&self, unit_id: &str) -> Result<Vec<CouncilMember>> {
        let rows = sqlx::query(
            "select id, name, position, role, valid_from, valid_to, user_id from council_members
             where unit_id = $1 order by valid_from, id",
        )
        .bind(unit_id)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(member_from).collect()
    }

    pub async fn unit_name(&self, unit_id: &str) -> Result<String> {
        let name: Option<String> = sqlx::query_scalar("select name from org_units where id = $1")
            .bind(unit_id)
            .fetch_optional(&self.reader)
            .await?;
        Ok(name.unwrap_or_default())
    }

    /// The unit of an account, if there is one.
    pub async fn user_unit(&self, user_id: &str) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("select unit_id from users where id = $1")
            .bind(user_id)
            .fetch_optional(&self.reader)
            .await?)
    }

    /// Creates or replaces a seat of the council of `unit_id`. False if the id is a seat of another council.
    pub async fn save_council_member(
        &self,
        unit_id: &str,
        member: &CouncilMember,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut tx = self.begin_write().await?;
        let before = sqlx::query(
            "select id, name, position, role, valid_from, valid_to, user_id, unit_id from council_members
             where id = $1",
        )
        .bind(&member.id)
        .fetch_optional(&mut *tx)
        .await?;
        let before = match before {
            Some(row) if row.try_get::<String, _>("unit_id")? != unit_id => return Ok(false),
            Some(row) => serde_json::to_value(member_from(&row)?).unwrap_or(Value::Null),
            None => Value::Null,
        };
        sqlx::query(
            "insert into council_members (id, unit_id, name, position, role, valid_from, valid_to, user_id)
             values ($1, $2, $3, $4, $5, $6, $7, $8)
             on conflict (id) do update set name = excluded.name, position = excluded.position,
                 role = excluded.role, valid_from = excluded.valid_from, valid_to = excluded.valid_to,
                 user_id = excluded.user_id",
        )
        .bind(&member.id)
        .bind(unit_id)
        .bind(&member.name)
        .bind(&member.position)
        .bind(role_name(member.role)?)
        .bind(member.valid_from.to_string())
        .bind(member.valid_to.map(|d| d.to_string()))
        .bind(&member.user_id)
        .execute(&mut *tx)
        .await?;
        let after = serde_json::to_value(member).unwrap_or(Value::Null);
        audit(&mut tx, by, now, ("council_member", &member.id), "save", before, after).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Accepted nominations of `scope` that no session holds yet, except `corrected` (whose candidates a
    /// correction takes again); with `only`, just those of them.
    pub async fn ready_candidates(
        &self,
        scope: &[String],
        only: Option<&[String]>,
        corrected: Option<&str>,
    ) -> Result<Vec<Candidate>> {
        let rows = sqlx::query(
            "select r.id, r.unit_id, u.name as unit_name,
                 (select json_group_object(f.name, json(f.value)) from record_fields f where f.record_id = r.id)
                     as fields
             from records r join org_units u on u.id = r.unit_id
             where r.kind = 'nomination' and r.state = 'approved' and r.deleted = 0
                 and r.unit_id in (select value from json_each($1))
                 and ($2 is null or r.id in (select value from json_each($2)))
                 and not exists (select 1 from session_candidates c
                     where c.nomination_id = r.id and c.session_id is distinct from $3)
             order by r.unit_id, r.id",
        )
        .bind(to_json(&scope)?)
        .bind(only.map(|ids| to_json(&ids)).transpose()?)
        .bind(corrected)
        .fetch_all(&self.reader)
        .await?;
        let book = self.rulebook().await?;
        let mut candidates = Vec::with_capacity(rows.len());
        for row in rows {
            let fields: Fields = parse_json(&row.try_get::<Option<String>, _>("fields")?.unwrap_or_default())?;
            let text = |name: &str| fields.get(name).and_then(Value::as_str).unwrap_or("").to_string();
            let nominee_kind = match text("nominee_kind").as_str() {
                "collective" => NomineeKind::Collective,
                _ => NomineeKind::Person,
            };
            let unit_name: String = row.try_get("unit_name")?;
            let nominee_name = match nominee_kind {
                NomineeKind::Collective => unit_name.clone(),
                NomineeKind::Person => self.person_name(&text("nominee_id")).await?,
            };
            let year: i32 = text("year").trim().parse().unwrap_or_default();
            let title = text("title");
            // The regime the stored verdict was reached under; a nomination without one is judged by its year.
            let regime = fields
                .get("verdict")
                .and_then(|v| v.get("regime"))
                .and_then(Value::as_str)
                .filter(|r| !r.is_empty())
                .map(str::to_string)
                .or_else(|| book.regime_for_year(year).map(|r| r.id.clone()))
                .unwrap_or_default();
            candidates.push(Candidate {
                nomination_id: row.try_get("id")?,
                unit_id: row.try_get("unit_id")?,
                unit_name,
                nominee_kind,
                nominee_id: match nominee_kind {
                    NomineeKind::Collective => row.try_get("unit_id")?,
                    NomineeKind::Person => text("nominee_id"),
                },
                nominee_name,
                title_name: book.title_name(&title).to_string(),
                title,
                year,
                regime,
                summary: text("summary"),
                tally: None,
                result: None,
            });
        }
        Ok(candidates)
    }

    async fn person_name(&self, person_id: &str) -> Result<String> {
        let name: Option<String> =
            sqlx::query_scalar("select value from record_fields where record_id = $1 and name = 'full_name'")
                .bind(person_id)
                .fetch_optional(&self.reader)
                .await?;
        Ok(name.as_deref().map(parse_json::<String>).transpose()?.unwrap_or_default())
    }

    pub async fn insert_council_session(
        &self,
        session: &CouncilSession,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<SessionInsert> {
        let mut tx = self.begin_write().await?;
        let existing: Option<String> = sqlx::query_scalar("select body from council_sessions where id = $1")
            .bind(&session.id)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(body) = existing {
            return Ok(SessionInsert::Existing(parse_json(&body)?));
        }
        // Checked inside the writer's transaction, so two sessions prepared at once cannot both take one
        // nomination.
        let ids: Vec<&str> = session.candidates.iter().map(|c| c.nomination_id.as_str()).collect();
        let taken: Vec<String> = sqlx::query_scalar(
            "select distinct nomination_id from session_candidates
             where nomination_id in (select value from json_each($1)) and session_id is distinct from $2
             order by nomination_id",
        )
        .bind(to_json(&ids)?)
        .bind(&session.corrects)
        .fetch_all(&mut *tx)
        .await?;
        if !taken.is_empty() {
            return Ok(SessionInsert::Taken(taken));
        }
        sqlx::query(
            "insert into council_sessions (id, unit_id, held_on, body, version, closed, corrects, created_by,
                 created_at)
             values ($1, $2, $3, $4, $5, 0, $6, $7, $8)",
        )
        .bind(&session.id)
        .bind(&session.unit_id)
        .bind(session.held_on.to_string())
        .bind(to_json(session)?)
        .bind(session.version)
        .bind(&session.corrects)
        .bind(by)
        .bind(timestamp(now))
        .execute(&mut *tx)
        .await?;
        sqlx::query("insert into session_candidates (session_id, nomination_id) select $1, value from json_each($2)")
            .bind(&session.id)
            .bind(to_json(&ids)?)
            .execute(&mut *tx)
            .await?;
        let after = serde_json::to_value(session).unwrap_or(Value::Null);
        audit(&mut tx, by, now, ("council_session", &session.id), "create", Value::Null, after).await?;
        tx.commit().await?;
        Ok(SessionInsert::Created(session.clone()))
    }

    pub async fn council_session(&self, id: &str) -> Result<Option<CouncilSession>> {
        let body: Option<String> = sqlx::query_scalar("select body from council_sessions where id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        body.as_deref().map(parse_json).transpose()
    }

    /// The sessions of the council of `unit_id`, latest first.
    pub async fn council_sessions(&self, unit_id: &str) -> Result<Vec<CouncilSession>> {
        let bodies: Vec<String> =
            sqlx::query_scalar("select body from council_sessions where unit_id = $1 order by held_on desc, id")
                .bind(unit_id)
                .fetch_all(&self.reader)
                .await?;
        bodies.iter().map(|b| parse_json(b)).collect()
    }
}

/// A versioned document the office edits (a council session, a decision): one JSON body per row, whose version
/// every change raises.
pub trait Document: serde::Serialize + serde::de::DeserializeOwned + Clone {
    const TABLE: &'static str;
    /// Its name in the office's audit log.
    const KIND: &'static str;
    fn version(&self) -> i64;
    fn set_version(&mut self, version: i64);
    /// Locked for good: a confirmed session, an issued decision.
    fn closed(&self) -> bool;
}

impl Document for CouncilSession {
    const TABLE: &'static str = "council_sessions";
    const KIND: &'static str = "council_session";

    fn version(&self) -> i64 {
        self.version
    }

    fn set_version(&mut self, version: i64) {
        self.version = version;
    }

    fn closed(&self) -> bool {
        self.locked()
    }
}

pub(super) async fn load_document<T: Document>(conn: &mut sqlx::AnyConnection, id: &str) -> Result<Option<T>> {
    let body: Option<String> = sqlx::query_scalar(&format!("select body from {} where id = $1", T::TABLE))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    body.as_deref().map(parse_json).transpose()
}

/// Stores `after` over `before` with the next version, and audits the change.
pub(super) async fn store_document<T: Document>(
    conn: &mut sqlx::AnyConnection,
    (id, before, mut after): (&str, &T, T),
    (by, action): (&str, &str),
    now: DateTime<Utc>,
) -> Result<T> {
    after.set_version(before.version() + 1);
    sqlx::query(&format!("update {} set body = $1, version = $2, closed = $3 where id = $4", T::TABLE))
        .bind(to_json(&after)?)
        .bind(after.version())
        .bind(i64::from(after.closed()))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let (old, new) =
        (serde_json::to_value(before).unwrap_or(Value::Null), serde_json::to_value(&after).unwrap_or(Value::Null));
    audit(conn, by, now, (T::KIND, id), action, old, new).await?;
    Ok(after)
}

impl Db {
    /// Applies `change` to the stored document if it was made on `version`, and stores the result with the next
    /// version, all in the writer's transaction: of two changes made on one version, the second is stale.
    pub async fn update_document<T: Document, E>(
        &self,
        id: &str,
        version: i64,
        (by, action): (&str, &str),
        now: DateTime<Utc>,
        change: impl FnOnce(&mut T) -> std::result::Result<(), E>,
    ) -> Result<DocumentUpdate<T, E>> {
        let mut tx = self.begin_write().await?;
        let Some(before) = load_document::<T>(&mut tx, id).await? else { return Ok(DocumentUpdate::NotFound) };
        if before.version() != version {
            return Ok(DocumentUpdate::Stale { current: before.version() });
        }
        let mut after = before.clone();
        if let Err(refusal) = change(&mut after) {
            return Ok(DocumentUpdate::Refused(refusal));
        }
        let stored = store_document(&mut tx, (id, &before, after), (by, action), now).await?;
        tx.commit().await?;
        Ok(DocumentUpdate::Done(stored))
    }
}
