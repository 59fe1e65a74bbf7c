//! The registry of advanced models: the office moves a model record to its next stage (a change the server makes
//! on its own authority, pulled by the unit's tablets like any other), and the public page reads the recognised
//! ones whose subjects consented.

use domain::advanced_model::{check_step, shown_publicly, status_of, ModelStep, ModelStepError, PublicModel};
use domain::advanced_model::{DECISIONS_FIELD, STATUS_FIELD};
use serde_json::json;

use domain::WorkflowState;

use super::records::{load_stored, write_by_server};
use super::*;

pub enum ModelMove {
    Moved(domain::advanced_model::ModelStatus),
    /// No such model in the user's scope.
    NotFound,
    Refused(ModelStepError),
}

impl Db {
    /// Moves the model `record_id` one stage on, checked against the stage it holds now, in one transaction: of two
    /// people moving it at once, the second is told it has moved.
    pub async fn move_model(
        &self,
        record_id: &str,
        scope: &[String],
        step: &ModelStep,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<ModelMove> {
        let mut tx = self.begin_write().await?;
        let Some((stored, _)) = load_stored(&mut tx, record_id).await? else { return Ok(ModelMove::NotFound) };
        if stored.deleted || stored.kind != RecordKind::AdvancedModel || !scope.contains(&stored.unit_id) {
            return Ok(ModelMove::NotFound);
        }
        let fields: domain::Fields = stored.fields.iter().map(|(k, f)| (k.clone(), f.value.clone())).collect();
        let next = match check_step(status_of(stored.state, &fields), step) {
            Ok(next) => next,
            Err(refusal) => return Ok(ModelMove::Refused(refusal)),
        };
        let decisions: Vec<&str> = step.decisions.iter().map(|d| d.trim()).filter(|d| !d.is_empty()).collect();
        write_by_server(&mut tx, record_id, (by, "model_status"), now, Some(WorkflowState::Approved), |_| {
            let mut writes = domain::Fields::new();
            writes.insert(STATUS_FIELD.into(), json!(next));
            if !decisions.is_empty() {
                writes.insert(DECISIONS_FIELD.into(), json!(decisions));
            }
            Some(writes)
        })
        .await?;
        tx.commit().await?;
        Ok(ModelMove::Moved(next))
    }

    /// The models the public may see, named as the public page shows them.
    pub async fn public_models(&self) -> Result<Vec<PublicModel>> {
        let rows: Vec<(String, String, String, String, Option<String>)> = sqlx::query_as(
            "select r.id, r.state, r.unit_id, u.name,
                 (select json_group_object(f.name, json(f.value)) from record_fields f where f.record_id = r.id)
             from records r join org_units u on u.id = r.unit_id
             where r.kind = 'advanced_model' and r.deleted = 0
             order by r.updated_at desc, r.id",
        )
        .fetch_all(&self.reader)
        .await?;
        let mut models = Vec::new();
        for (id, state, unit_id, unit_name, fields) in rows {
            let state = WorkflowState::parse(&state).unwrap_or_default();
            let fields: domain::Fields = parse_json(fields.as_deref().unwrap_or("{}"))?;
            if !shown_publicly(state, &fields) {
                continue;
            }
            let Some(status) = status_of(state, &fields) else { continue };
            let text = |name: &str| fields.get(name).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            // A person of another unit is never named: the tablet does not check whose id it wrote.
            let subject_name = match text("subject_kind").as_str() {
                "collective" => unit_name.clone(),
                _ => self.person_of_unit(&text("subject_id"), &unit_id).await?.unwrap_or_else(|| unit_name.clone()),
            };
            models.push(PublicModel {
                id,
                name: text("name"),
                subject_name,
                unit_name,
                field: text("field"),
                story: text("story"),
                status,
                status_label: status.label().to_owned(),
                decisions: fields
                    .get(DECISIONS_FIELD)
                    .cloned()
                    .and_then(|v| serde_json::from_value(v).ok())
                    .unwrap_or_default(),
            });
        }
        Ok(models)
    }

    /// The full name on a person's record, if it is a person of `unit_id`.
    async fn person_of_unit(&self, record_id: &str, unit_id: &str) -> Result<Option<String>> {
        let name: Option<String> = sqlx::query_scalar(
            "select f.value from record_fields f join records r on r.id = f.record_id
             where r.id = $1 and r.unit_id = $2 and r.kind = 'person' and r.deleted = 0 and f.name = 'full_name'",
        )
        .bind(record_id)
        .bind(unit_id)
        .fetch_optional(&self.reader)
        .await?;
        name.as_deref().map(parse_json).transpose()
    }
}
