//! The admin's changes to the org tree: new units, renamed, moved or closed ones, and merges. Each is checked by
//! the caller against the whole tree as it stands inside the writer's transaction, so two admins' changes
//! cannot each pass a check the other's breaks (a cycle, a unit merged twice), and each is written with its
//! before and after to the office's audit log.

use chrono::{DateTime, NaiveDate, Utc};
use domain::api::OrgUnit;
use domain::org::UnitMerge;
use serde_json::Value;
use sqlx::Row;

use super::council::audit;
use super::reference::merges_in;
use super::*;

/// Every unit, open or closed, and every merge: what a change to the tree is checked against.
#[derive(Clone, Debug, Default)]
pub struct OrgTree {
    pub units: Vec<OrgUnit>,
    pub merges: Vec<UnitMerge>,
}

impl OrgTree {
    pub fn unit(&self, id: &str) -> Option<&OrgUnit> {
        self.units.iter().find(|u| u.id == id)
    }
}

pub(super) fn unit_from(row: &sqlx::any::AnyRow) -> Result<OrgUnit> {
    let valid_to: Option<String> = row.try_get("valid_to")?;
    Ok(OrgUnit {
        id: row.try_get("id")?,
        parent_id: row.try_get("parent_id")?,
        kind: row.try_get("kind")?,
        name: row.try_get("name")?,
        valid_from: parse_date(&row.try_get::<String, _>("valid_from")?)?,
        valid_to: valid_to.as_deref().map(parse_date).transpose()?,
    })
}

async fn tree_in(conn: &mut sqlx::AnyConnection) -> Result<OrgTree> {
    // The whole tree: a province's is a few thousand rows, read once per admin change.
    let rows = sqlx::query("select id, parent_id, kind, name, valid_from, valid_to from org_units order by id")
        .fetch_all(&mut *conn)
        .await?;
    let units = rows.iter().map(unit_from).collect::<Result<Vec<_>>>()?;
    Ok(OrgTree { units, merges: merges_in(conn).await? })
}

fn json_of(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Db {
    pub async fn org_unit(&self, id: &str) -> Result<Option<OrgUnit>> {
        let row = sqlx::query("select id, parent_id, kind, name, valid_from, valid_to from org_units where id = $1")
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(unit_from).transpose()
    }

    /// Inserts the unit `make` builds from the tree, unless it refuses.
    pub async fn create_unit<E>(
        &self,
        (by, now): (&str, DateTime<Utc>),
        make: impl FnOnce(&OrgTree) -> std::result::Result<OrgUnit, E>,
    ) -> Result<std::result::Result<OrgUnit, E>> {
        let mut tx = self.begin_write().await?;
        let unit = match make(&tree_in(&mut tx).await?) {
            Ok(unit) => unit,
            Err(refusal) => return Ok(Err(refusal)),
        };
        super::reference::insert_unit_in(&mut *tx, &unit).await?;
        audit(&mut tx, by, now, ("org_unit", &unit.id), "create", Value::Null, json_of(&unit)).await?;
        tx.commit().await?;
        Ok(Ok(unit))
    }

    /// Stores what `change` makes of unit `id` (its name, kind, parent and end date; its id and start stay),
    /// unless it refuses.
    pub async fn update_unit<E>(
        &self,
        id: &str,
        (by, now): (&str, DateTime<Utc>),
        change: impl FnOnce(&OrgTree, &OrgUnit) -> std::result::Result<OrgUnit, E>,
    ) -> Result<Checked<OrgUnit, E>> {
        let mut tx = self.begin_write().await?;
        let tree = tree_in(&mut tx).await?;
        let Some(before) = tree.unit(id) else { return Ok(Checked::NotFound) };
        let after = match change(&tree, before) {
            Ok(after) => OrgUnit { id: before.id.clone(), valid_from: before.valid_from, ..after },
            Err(refusal) => return Ok(Checked::Refused(refusal)),
        };
        sqlx::query("update org_units set parent_id = $1, kind = $2, name = $3, valid_to = $4 where id = $5")
            .bind(&after.parent_id)
            .bind(&after.kind)
            .bind(&after.name)
            .bind(after.valid_to.map(|d| d.to_string()))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, by, now, ("org_unit", id), "update", json_of(before), json_of(&after)).await?;
        tx.commit().await?;
        Ok(Checked::Done(after))
    }

    /// Records `merge` and closes its units on the dates `check` answers (a unit and its last day), unless it
    /// refuses. One transaction: a merge is never half recorded, and of two merges of one unit sent at once the
    /// second is checked against the first.
    pub async fn create_merge<E>(
        &self,
        merge: &UnitMerge,
        (by, now): (&str, DateTime<Utc>),
        check: impl FnOnce(&OrgTree) -> std::result::Result<Vec<(String, NaiveDate)>, E>,
    ) -> Result<std::result::Result<(), E>> {
        let mut tx = self.begin_write().await?;
        let closes = match check(&tree_in(&mut tx).await?) {
            Ok(closes) => closes,
            Err(refusal) => return Ok(Err(refusal)),
        };
        super::reference::insert_merge_in(&mut tx, merge).await?;
        for (unit, last_day) in &closes {
            sqlx::query("update org_units set valid_to = $1 where id = $2")
                .bind(last_day.to_string())
                .bind(unit)
                .execute(&mut *tx)
                .await?;
        }
        let after = serde_json::json!({"merge": merge, "closed": closes});
        audit(&mut tx, by, now, ("unit_merge", &merge.into), "merge", Value::Null, after).await?;
        tx.commit().await?;
        Ok(Ok(()))
    }
}
