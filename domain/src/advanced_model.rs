//! Advanced models (điển hình tiên tiến): a unit proposes one from its tablet, as a record; the office keeps the
//! registry, moving each model through its stages (registered, nurtured, recognised, replicated) one at a time;
//! a recognised model whose subject consented appears on the public page.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Fields, WorkflowState};

/// The stages of QĐ 1526/QĐ-TTg's scheme, as the registry counts them ("phát hiện – bồi dưỡng – công nhận –
/// nhân rộng").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModelStatus {
    /// Proposed by its unit and received by the office.
    Registered,
    Nurtured,
    /// Recognised by a decision.
    Recognised,
    Replicated,
}

impl ModelStatus {
    pub fn label(self) -> &'static str {
        match self {
            ModelStatus::Registered => "Đã đăng ký",
            ModelStatus::Nurtured => "Đang bồi dưỡng, xây dựng",
            ModelStatus::Recognised => "Được công nhận",
            ModelStatus::Replicated => "Đã nhân rộng",
        }
    }

    pub fn next(self) -> Option<ModelStatus> {
        match self {
            ModelStatus::Registered => Some(ModelStatus::Nurtured),
            ModelStatus::Nurtured => Some(ModelStatus::Recognised),
            ModelStatus::Recognised => Some(ModelStatus::Replicated),
            ModelStatus::Replicated => None,
        }
    }

    /// Shown on the public page, if its subject consented.
    pub fn public(self) -> bool {
        self >= ModelStatus::Recognised
    }
}

/// The fields the server writes on a model record: its stage and the decisions that recognised it.
pub const STATUS_FIELD: &str = "model_status";
pub const DECISIONS_FIELD: &str = "model_decisions";

/// At most this many decisions are linked to one model, each named in at most `MAX_DECISION_CHARS`.
pub const MAX_DECISIONS: usize = 20;
pub const MAX_DECISION_CHARS: usize = 100;

/// A model's stage: None while its unit holds it (a draft, or returned); registered once sent, until the office
/// moves it on.
pub fn status_of(state: WorkflowState, fields: &Fields) -> Option<ModelStatus> {
    if state.editable() {
        return None;
    }
    let stored = fields.get(STATUS_FIELD).cloned().and_then(|v| serde_json::from_value(v).ok());
    Some(stored.unwrap_or(ModelStatus::Registered))
}

/// Whether the model may be shown to the public: a public stage and its subject's consent.
pub fn shown_publicly(state: WorkflowState, fields: &Fields) -> bool {
    let consent = fields.get("consent").and_then(Value::as_bool).unwrap_or(false);
    consent && status_of(state, fields).is_some_and(ModelStatus::public)
}

/// The office moves a model one stage on, naming the stage it saw, so that of two people moving it at once the
/// second is told it has moved.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ModelStep {
    pub from: ModelStatus,
    pub to: ModelStatus,
    /// The decisions that recognised it ("12/QĐ-UBND ngày 05/11/2026"); needed to recognise it.
    #[serde(default)]
    pub decisions: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ModelStepError {
    #[error("Đơn vị chưa gửi đề xuất mô hình này")]
    NotProposed,
    #[error("Mô hình vừa được chuyển sang “{}”; hãy tải lại", .0.label())]
    Moved(ModelStatus),
    #[error("Chỉ chuyển mô hình từ “{}” sang “{}”", .from.label(), .next.map_or("—", ModelStatus::label))]
    NotNext { from: ModelStatus, next: Option<ModelStatus> },
    #[error("Cần ghi số, ngày quyết định công nhận mô hình")]
    NoDecision,
    #[error("Chỉ ghi quyết định khi công nhận mô hình")]
    DecisionNotRecognising,
    #[error("Tối đa {MAX_DECISIONS} quyết định, mỗi quyết định tối đa {MAX_DECISION_CHARS} ký tự")]
    TooManyDecisions,
}

/// The stage after `step` from `current`, or why not.
pub fn check_step(current: Option<ModelStatus>, step: &ModelStep) -> Result<ModelStatus, ModelStepError> {
    let current = current.ok_or(ModelStepError::NotProposed)?;
    if current != step.from {
        return Err(ModelStepError::Moved(current));
    }
    if current.next() != Some(step.to) {
        return Err(ModelStepError::NotNext { from: current, next: current.next() });
    }
    let named: Vec<&String> = step.decisions.iter().filter(|d| !d.trim().is_empty()).collect();
    if named.len() > MAX_DECISIONS || named.iter().any(|d| d.chars().count() > MAX_DECISION_CHARS) {
        return Err(ModelStepError::TooManyDecisions);
    }
    // The decisions recognise it; another step naming some would replace them.
    match (step.to == ModelStatus::Recognised, named.is_empty()) {
        (true, true) => return Err(ModelStepError::NoDecision),
        (false, false) => return Err(ModelStepError::DecisionNotRecognising),
        _ => {}
    }
    Ok(step.to)
}

/// What the public page shows of a model.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicModel {
    pub id: String,
    pub name: String,
    pub subject_name: String,
    pub unit_name: String,
    pub field: String,
    pub story: String,
    pub status: ModelStatus,
    pub status_label: String,
    pub decisions: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use ModelStatus::*;

    fn step(from: ModelStatus, to: ModelStatus, decisions: &[&str]) -> ModelStep {
        ModelStep { from, to, decisions: decisions.iter().map(|d| (*d).to_owned()).collect() }
    }

    #[test]
    fn a_model_moves_one_stage_at_a_time_and_is_recognised_by_a_decision() {
        let cases: &[(Option<ModelStatus>, ModelStep, Result<ModelStatus, ModelStepError>)] = &[
            (Some(Registered), step(Registered, Nurtured, &[]), Ok(Nurtured)),
            (Some(Nurtured), step(Nurtured, Recognised, &["12/QĐ-UBND"]), Ok(Recognised)),
            (Some(Nurtured), step(Nurtured, Recognised, &[" "]), Err(ModelStepError::NoDecision)),
            (Some(Recognised), step(Recognised, Replicated, &[]), Ok(Replicated)),
            (Some(Recognised), step(Recognised, Replicated, &["9/QĐ"]), Err(ModelStepError::DecisionNotRecognising)),
            (
                Some(Registered),
                step(Registered, Recognised, &["12/QĐ-UBND"]),
                Err(ModelStepError::NotNext { from: Registered, next: Some(Nurtured) }),
            ),
            (
                Some(Replicated),
                step(Replicated, Replicated, &[]),
                Err(ModelStepError::NotNext { from: Replicated, next: None }),
            ),
            (Some(Nurtured), step(Registered, Nurtured, &[]), Err(ModelStepError::Moved(Nurtured))),
            (None, step(Registered, Nurtured, &[]), Err(ModelStepError::NotProposed)),
        ];
        for (current, change, expected) in cases {
            assert_eq!(&check_step(*current, change), expected, "{current:?} {change:?}");
        }
        let many: Vec<String> = (0..=MAX_DECISIONS).map(|i| format!("{i}/QĐ")).collect();
        let change = ModelStep { from: Nurtured, to: Recognised, decisions: many };
        assert_eq!(check_step(Some(Nurtured), &change), Err(ModelStepError::TooManyDecisions));
    }

    #[test]
    fn only_recognised_models_with_consent_are_public() {
        let fields = |status: Option<&str>, consent: bool| -> Fields {
            let mut f = Fields::new();
            f.insert("consent".into(), json!(consent));
            if let Some(s) = status {
                f.insert(STATUS_FIELD.into(), json!(s));
            }
            f
        };
        assert_eq!(status_of(WorkflowState::Draft, &fields(None, true)), None);
        assert_eq!(status_of(WorkflowState::Submitted, &fields(None, true)), Some(Registered));
        assert!(!shown_publicly(WorkflowState::Approved, &fields(Some("nurtured"), true)));
        assert!(shown_publicly(WorkflowState::Approved, &fields(Some("recognised"), true)));
        assert!(shown_publicly(WorkflowState::Approved, &fields(Some("replicated"), true)));
        assert!(!shown_publicly(WorkflowState::Approved, &fields(Some("recognised"), false)));
        assert!(!shown_publicly(WorkflowState::Returned, &fields(Some("recognised"), true)));
    }
}
