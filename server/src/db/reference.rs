//! The org tree, people, movements, merges and the rulebook: the reference data every tablet caches.

use chrono::{DateTime, Utc};
use domain::api::{Movement, OrgUnit, Person, ReferenceData};
use domain::org::UnitMerge;
use domain::rules::RuleBook;
use sqlx::Row;

use super::*;

impl Db {
    pub async fn insert_unit(&self, unit: &OrgUnit) -> Result<()> {
        insert_unit_in(&self.writer, unit).await
    }

    pub async fn insert_user(&self, user: &NewUser<'_>) -> Result<()> {
        insert_user_in(&mut *self.writer.acquire().await?, user).await
    }

    /// Creates or replaces a movement (the office edits them; `Movement::problems` has been checked).
    pub async fn save_movement(&self, movement: &Movement) -> Result<()> {
        sqlx::query(
            "insert into movements (id, name, theme, kind, document_number, document_date, issuer, period_from,
                 period_to, fields, goals) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             on conflict (id) do update set name = excluded.name, theme = excluded.theme, kind = excluded.kind,
                 document_number = excluded.document_number, document_date = excluded.document_date,
                 issuer = excluded.issuer, period_from = excluded.period_from, period_to = excluded.period_to,
                 fields = excluded.fields, goals = excluded.goals",
        )
        .bind(&movement.id)
        .bind(&movement.name)
        .bind(&movement.theme)
        .bind(&movement.kind)
        .bind(&movement.document_number)
        .bind(movement.document_date.to_string())
        .bind(&movement.issuer)
        .bind(movement.period_from.to_string())
        .bind(movement.period_to.to_string())
        .bind(to_json(&movement.fields)?)
        .bind(&movement.goals)
        .execute(&self.writer)
        .await?;
        Ok(())
    }

    pub async fn insert_merge(&self, merge: &UnitMerge) -> Result<()> {
        let mut tx = self.begin_write().await?;
        insert_merge_in(&mut tx, merge).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn merges(&self) -> Result<Vec<UnitMerge>> {
        merges_in(&mut *self.reader.acquire().await?).await
    }

    pub async fn rulebook(&self) -> Result<RuleBook> {
        rulebook_in(&mut *self.reader.acquire().await?).await
    }

    /// Stores `book` as the next edition if the current one is still `book.version` (no one else saved
    /// meanwhile); returns the new version, or None if `book` was based on an older edition.
    pub async fn save_rulebook(&self, book: &RuleBook, user_id: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
        let mut tx = self.begin_write().await?;
        let current: i64 = sqlx::query_scalar("select max(version) from rulebooks").fetch_one(&mut *tx).await?;
        if current != book.version {
            return Ok(None);
        }
        let next = RuleBook { version: current + 1, ..book.clone() };
        sqlx::query("insert into rulebooks (version, body, updated_by, updated_at) values ($1, $2, $3, $4)")
            .bind(next.version)
            .bind(to_json(&next)?)
            .bind(user_id)
            .bind(timestamp(now))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(Some(next.version))
    }

    /// What a user's tablet caches: the units in their scope and above their own unit (for names and context),
    /// the people of those units in scope, and all movements.
    pub async fn reference_data(&self, session: &Session) -> Result<ReferenceData> {
        let unit_rows = sqlx::query(
            "with recursive chain(id) as (
                 select $1 union all select u.parent_id from org_units u join chain on u.id = chain.id
                 where u.parent_id is not null)
             select u.id, u.parent_id, u.kind, u.name, u.valid_from, u.valid_to from org_units u
             where u.id in (select id from chain) or u.id in (select value from json_each($2))
             order by u.parent_id is not null, u.id",
        )
        .bind(&session.unit_id)
        .bind(to_json(&session.scope)?)
        .fetch_all(&self.reader)
        .await?;
        let units = unit_rows.iter().map(super::units::unit_from).collect::<Result<Vec<_>>>()?;
        let movement_rows = sqlx::query(
            "select id, name, theme, kind, document_number, document_date, issuer, period_from, period_to,
                     fields, goals
                 from movements order by period_from desc, id",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut movements = Vec::with_capacity(movement_rows.len());
        for row in movement_rows {
            movements.push(Movement {
                id: row.try_get("id")?,
                name: row.try_get("name")?,
                theme: row.try_get("theme")?,
                kind: row.try_get("kind")?,
                document_number: row.try_get("document_number")?,
                document_date: parse_date(&row.try_get::<String, _>("document_date")?)?,
                issuer: row.try_get("issuer")?,
                period_from: parse_date(&row.try_get::<String, _>("period_from")?)?,
                period_to: parse_date(&row.try_get::<String, _>("period_to")?)?,
                fields: parse_json(&row.try_get::<String, _>("fields")?)?,
                goals: row.try_get("goals")?,
            });
        }
        let people = sqlx::query_as::<_, (String, String, String)>(
            "select id, full_name, unit_id from users where unit_id in (select value from json_each($1)) order by id",
        )
        .bind(to_json(&session.scope)?)
        .fetch_all(&self.reader)
        .await?
        .into_iter()
        .map(|(id, full_name, unit_id)| Person { id, full_name, unit_id })
        .collect();
        let merges = self.merges().await?;
        let rulebook = self.rulebook().await?;
        let clusters = self.clusters_seen_by(session).await?;
        Ok(ReferenceData { units, movements, people, merges, rulebook, clusters })
    }

    /// The clusters with a member in the user's scope. A unit's user sees its own unit's review and standing
    /// only: the others' figures are for the leader and the office.
    async fn clusters_seen_by(&self, session: &Session) -> Result<Vec<domain::cluster::Cluster>> {
        let mut seen = self.clusters().await?;
        seen.retain(|c| c.members.iter().any(|m| session.may_access(&m.unit_id)));
        let ids: Vec<&str> = seen.iter().flat_map(|c| c.members.iter().map(|m| m.unit_id.as_str())).collect();
        let names = self.unit_names(&ids).await?;
        for member in seen.iter_mut().flat_map(|c| c.members.iter_mut()) {
            if let Some((_, name)) = names.iter().find(|(id, _)| *id == member.unit_id) {
                member.unit_name = name.clone();
            }
        }
        if session.role != Role::Office && session.role != Role::CouncilMember {
            for year in seen.iter_mut().flat_map(|c| c.years.iter_mut()) {
                year.reviews.retain(|unit, _| session.may_access(unit));
                year.standing.retain(|unit, _| session.may_access(unit));
            }
        }
        Ok(seen)
    }
}
pub(super) async fn insert_user_in(conn: &mut sqlx::AnyConnection, user: &NewUser<'_>) -> Result<()> {
    sqlx::query(
        "insert into users (id, login, full_name, position, role, unit_id, password_hash)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.id)
    .bind(user.login)
    .bind(user.full_name)
    .bind(user.position)
    .bind(user.role.as_str())
    .bind(user.unit_id)
    .bind(user.password_hash)
    .execute(conn)
    .await?;
    Ok(())
}

pub(super) async fn merges_in(conn: &mut sqlx::AnyConnection) -> Result<Vec<UnitMerge>> {
    let rows: Vec<(String, String, String)> =
        sqlx::query_as("select from_unit, into_unit, on_date from unit_merges order by into_unit, on_date, from_unit")
            .fetch_all(&mut *conn)
            .await?;
    let mut merges: Vec<UnitMerge> = Vec::new();
    for (from, into, on) in rows {
        let on = parse_date(&on)?;
        match merges.last_mut() {
            Some(last) if last.into == into && last.on == on => last.from.push(from),
            _ => merges.push(UnitMerge { from: vec![from], into, on }),
        }
    }
    Ok(merges)
}

pub(super) async fn rulebook_in(conn: &mut sqlx::AnyConnection) -> Result<RuleBook> {
    let body: String =
        sqlx::query_scalar("select body from rulebooks order by version desc limit 1").fetch_one(&mut *conn).await?;
    parse_json(&body)
}

/// Writes one unit, on the pool (seeding) or inside an admin's transaction.
pub(super) async fn insert_unit_in<'e, E: sqlx::Executor<'e, Database = sqlx::Any>>(
    executor: E,
    unit: &OrgUnit,
) -> Result<()> {
    sqlx::query(
        "insert into org_units (id, parent_id, kind, name, valid_from, valid_to) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&unit.id)
    .bind(&unit.parent_id)
    .bind(&unit.kind)
    .bind(&unit.name)
    .bind(unit.valid_from.to_string())
    .bind(unit.valid_to.map(|d| d.to_string()))
    .execute(executor)
    .await?;
    Ok(())
}

/// Writes one merge, a row per merged unit, inside the caller's transaction (seeding, or an admin's merge).
pub(super) async fn insert_merge_in(conn: &mut sqlx::AnyConnection, merge: &UnitMerge) -> Result<()> {
    for from in &merge.from {
        sqlx::query("insert into unit_merges (from_unit, into_unit, on_date) values ($1, $2, $3)")
            .bind(from)
            .bind(&merge.into)
            .bind(merge.on.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}
