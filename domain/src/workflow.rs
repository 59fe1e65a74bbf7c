//! Workflow of a record: who may move it from which state to which, and whether its content may still change.
//!
//! A unit's quarterly self-assessment is written by the unit's staff, submitted by the unit head, and received
//! by the department office (the council's standing office), which approves it or returns it with a reason.

use serde::{Deserialize, Serialize};

use crate::api::Role;
use crate::RecordKind;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowState {
    #[default]
    Draft,
    Submitted,
    Returned,
    Approved,
}

impl WorkflowState {
    pub fn label(self) -> &'static str {
        match self {
            WorkflowState::Draft => "Chưa gửi",
            WorkflowState::Submitted => "Chờ duyệt",
            WorkflowState::Returned => "Bị trả lại",
            WorkflowState::Approved => "Đã duyệt",
        }
    }

    /// Content may change only while the unit holds the record.
    pub fn editable(self) -> bool {
        matches!(self, WorkflowState::Draft | WorkflowState::Returned)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            WorkflowState::Draft => "draft",
            WorkflowState::Submitted => "submitted",
            WorkflowState::Returned => "returned",
            WorkflowState::Approved => "approved",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [WorkflowState::Draft, WorkflowState::Submitted, WorkflowState::Returned, WorkflowState::Approved]
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    Submit,
    Return { reason: String },
    Approve,
}

/// The longest reason a return may give: it is shown on every tablet of the unit.
pub const MAX_REASON_CHARS: usize = 2000;

/// Who may write a report's content (fields, deletes, conflict resolutions): the unit's own people. The office
/// reviews, the council votes and admins manage accounts; none of them edits a unit's report.
pub fn may_edit_content(role: Role) -> bool {
    matches!(role, Role::Staff | Role::UnitHead)
}

/// The state after `action`, or why it is not allowed, worded for the person who tried.
pub fn transition(
    kind: RecordKind,
    state: WorkflowState,
    action: &Action,
    role: Role,
) -> Result<WorkflowState, String> {
    if !kind.has_workflow() {
        return Err(format!("{} không có bước gửi, duyệt", kind.label()));
    }
    match action {
        Action::Submit => {
            if role != Role::UnitHead {
                return Err(format!("Chỉ lãnh đạo đơn vị được gửi {}", kind.label().to_lowercase()));
            }
            if !state.editable() {
                return Err(format!("Hồ sơ đang ở trạng thái “{}”, không gửi lại được", state.label()));
            }
            Ok(WorkflowState::Submitted)
        }
        Action::Return { reason } => {
            if role != Role::Office {
                return Err("Chỉ Văn phòng (thường trực Hội đồng) được trả lại hồ sơ".into());
            }
            if state != WorkflowState::Submitted {
                return Err(format!("Chỉ trả lại được hồ sơ đang chờ duyệt (hiện: “{}”)", state.label()));
            }
            if reason.trim().is_empty() {
                return Err("Cần ghi rõ lý do trả lại".into());
            }
            if reason.chars().count() > MAX_REASON_CHARS {
                return Err(format!("Lý do trả lại dài quá {MAX_REASON_CHARS} ký tự"));
            }
            Ok(WorkflowState::Returned)
        }
        Action::Approve => {
            if role != Role::Office {
                return Err("Chỉ Văn phòng (thường trực Hội đồng) được duyệt hồ sơ".into());
            }
            if state != WorkflowState::Submitted {
                return Err(format!("Chỉ duyệt được hồ sơ đang chờ duyệt (hiện: “{}”)", state.label()));
            }
            Ok(WorkflowState::Approved)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use WorkflowState::*;

    const SA: RecordKind = RecordKind::SelfAssessment;

    #[test]
    fn the_whole_table() {
        let reason = Action::Return { reason: "Thiếu số liệu quý".into() };
        let cases: &[(WorkflowState, &Action, Role, Option<WorkflowState>)] = &[
            (Draft, &Action::Submit, Role::UnitHead, Some(Submitted)),
            (Returned, &Action::Submit, Role::UnitHead, Some(Submitted)),
            (Draft, &Action::Submit, Role::Staff, None),
            (Draft, &Action::Submit, Role::Office, None),
            (Submitted, &Action::Submit, Role::UnitHead, None),
            (Approved, &Action::Submit, Role::UnitHead, None),
            (Submitted, &reason, Role::Office, Some(Returned)),
            (Submitted, &reason, Role::UnitHead, None),
            (Draft, &reason, Role::Office, None),
            (Submitted, &Action::Approve, Role::Office, Some(Approved)),
            (Submitted, &Action::Approve, Role::CouncilMember, None),
            (Returned, &Action::Approve, Role::Office, None),
            (Approved, &Action::Approve, Role::Office, None),
        ];
        for kind in [SA, RecordKind::Registration, RecordKind::Nomination] {
            for (state, action, role, expected) in cases {
                assert_eq!(
                    transition(kind, *state, action, *role).ok(),
                    *expected,
                    "{kind:?} {state:?} {action:?} by {role:?}"
                );
            }
        }
        for kind in [RecordKind::Person, RecordKind::UnitProfile] {
            assert!(transition(kind, Draft, &Action::Submit, Role::UnitHead).is_err(), "{kind:?} has no review");
        }
    }

    #[test]
    fn a_return_needs_a_reason_of_reasonable_length() {
        let blank = Action::Return { reason: "  ".into() };
        assert_eq!(transition(SA, Submitted, &blank, Role::Office), Err("Cần ghi rõ lý do trả lại".into()));
        let long = Action::Return { reason: "x".repeat(MAX_REASON_CHARS + 1) };
        assert!(transition(SA, Submitted, &long, Role::Office).is_err());
    }

    #[test]
    fn only_units_hold_editable_records() {
        assert!(Draft.editable() && Returned.editable());
        assert!(!Submitted.editable() && !Approved.editable());
        for s in [Draft, Submitted, Returned, Approved] {
            assert_eq!(WorkflowState::parse(s.as_str()), Some(s));
        }
    }
}
