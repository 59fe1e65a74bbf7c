//! What the office's documents, lists and dashboard are made from: a record with its fields, the records of a kind
//! in a scope, when a record was first sent, a unit with the one above it, and the issued decisions of a year.

use domain::Fields;
use serde_json::Value;
use sqlx::Row;

use super::*;

/// A record as a document reads it.
pub struct StoredRecord {
    pub id: String,
    pub kind: RecordKind,
    pub unit_id: String,
    pub unit_name: String,
    pub state: String,
    pub fields: Fields,
}

impl StoredRecord {
    pub fn text(&self, name: &str) -> String {
        self.fields.get(name).and_then(Value::as_str).unwrap_or("").to_string()
    }
}

fn stored_from(row: &sqlx::any::AnyRow) -> Result<StoredRecord> {
    Ok(StoredRecord {
        id: row.try_get("id")?,
        kind: parse_kind(&row.try_get::<String, _>("kind")?)?,
        unit_id: row.try_get("unit_id")?,
        unit_name: row.try_get("unit_name")?,
        state: row.try_get("state")?,
        fields: parse_json(&row.try_get::<Option<String>, _>("fields")?.unwrap_or_else(|| "{}".into()))?,
    })
}

const RECORD_COLUMNS: &str = "r.id, r.kind, r.unit_id, u.name as unit_name, r.state,
     (select json_group_object(f.name, json(f.value)) from record_fields f where f.record_id = r.id) as fields
     from records r join org_units u on u.id = r.unit_id";

impl Db {
    /// A record that is not deleted, with its fields.
    pub async fn stored_record(&self, id: &str) -> Result<Option<StoredRecord>> {
        let row = sqlx::query(&format!("select {RECORD_COLUMNS} where r.id = $1 and r.deleted = 0"))
            .bind(id)
            .fetch_optional(&self.reader)
            .await?;
        row.as_ref().map(stored_from).transpose()
    }

    /// The records of `kind` in `scope` that are not deleted, by unit.
    pub async fn stored_records(&self, kind: RecordKind, scope: &[String]) -> Result<Vec<StoredRecord>> {
        let rows = sqlx::query(&format!(
            "select {RECORD_COLUMNS}
             where r.kind = $1 and r.deleted = 0 and r.unit_id in (select value from json_each($2))
             order by r.unit_id, r.id"
        ))
        .bind(kind.as_str())
        .bind(to_json(&scope)?)
        .fetch_all(&self.reader)
        .await?;
        rows.iter().map(stored_from).collect()
    }

    /// A record's workflow state and the time its unit head first sent it, as the audit log dates it.
    pub async fn first_sent(&self, record_id: &str) -> Result<Option<(String, Option<DateTime<Utc>>)>> {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "select r.state, (select min(a.at) from audit_log a where a.record_id = r.id and a.action = 'submit')
             from records r where r.id = $1 and r.deleted = 0",
        )
        .bind(record_id)
        .fetch_optional(&self.reader)
        .await?;
        row.map(|(state, at)| Ok((state, at.as_deref().map(parse_timestamp).transpose()?))).transpose()
    }

    /// A unit's name and the name of the unit above it (empty at the top).
    pub async fn unit_and_parent(&self, unit_id: &str) -> Result<(String, String)> {
        let row: Option<(String, Option<String>)> = sqlx::query_as(
            "select u.name, p.name from org_units u left join org_units p on p.id = u.parent_id where u.id = $1",
        )
        .bind(unit_id)
        .fetch_optional(&self.reader)
        .await?;
        Ok(row.map(|(name, parent)| (name, parent.unwrap_or_default())).unwrap_or_default())
    }
}
