//! Workflow of a record: who may move it from which state to which, and whether its content may still change.
//!
//! A unit's quarterly self-assessment is written by the unit's staff, submitted by the unit head, and received
//! by the department office (the council's standing office), which approves it or returns it with a reason.

use serde::{Deserialize, Serialize};

use crate::model::{RecordKind, WorkflowState};
use crate::role::Role;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// Why a workflow step is not allowed, worded for the person who tried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("{} không có bước gửi, duyệt", .0.label())]
    NoWorkflow(RecordKind),
    #[error("Chỉ lãnh đạo đơn vị được gửi {}", .0.label().to_lowercase())]
    OnlyUnitHeadSubmits(RecordKind),
    #[error("Hồ sơ đang ở trạng thái “{}”, không gửi lại được", .0.label())]
    NotEditable(WorkflowState),
    #[error("Chỉ Văn phòng (thường trực Hội đồng) được trả lại hồ sơ")]
    OnlyOfficeReturns,
    #[error("Chỉ Văn phòng (thường trực Hội đồng) được duyệt hồ sơ")]
    OnlyOfficeApproves,
    #[error("Chỉ trả lại được hồ sơ đang chờ duyệt (hiện: “{}”)", .0.label())]
    ReturnNotSubmitted(WorkflowState),
    #[error("Chỉ duyệt được hồ sơ đang chờ duyệt (hiện: “{}”)", .0.label())]
    ApproveNotSubmitted(WorkflowState),
    #[error("Cần ghi rõ lý do trả lại")]
    NoReason,
    #[error("Lý do trả lại dài quá {MAX_REASON_CHARS} ký tự")]
    ReasonTooLong,
}

/// The state after `action`, or why it is not allowed.
pub fn transition(
    kind: RecordKind,
    state: WorkflowState,
    action: &Action,
    role: Role,
) -> Result<WorkflowState, TransitionError> {
    use TransitionError::*;
    if !kind.has_workflow() {
        return Err(NoWorkflow(kind));
    }
    match action {
        Action::Submit if role != Role::UnitHead => Err(OnlyUnitHeadSubmits(kind)),
        Action::Submit if !state.editable() => Err(NotEditable(state)),
        Action::Submit => Ok(WorkflowState::Submitted),
        Action::Return { .. } if role != Role::Office => Err(OnlyOfficeReturns),
        Action::Return { .. } if state != WorkflowState::Submitted => Err(ReturnNotSubmitted(state)),
        Action::Return { reason } if reason.trim().is_empty() => Err(NoReason),
        Action::Return { reason } if reason.chars().count() > MAX_REASON_CHARS => Err(ReasonTooLong),
        Action::Return { .. } => Ok(WorkflowState::Returned),
        Action::Approve if role != Role::Office => Err(OnlyOfficeApproves),
        Action::Approve if state != WorkflowState::Submitted => Err(ApproveNotSubmitted(state)),
        Action::Approve => Ok(WorkflowState::Approved),
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
            (Awarded, &Action::Submit, Role::UnitHead, None),
            (NotAwarded, &Action::Submit, Role::UnitHead, None),
            (Awarded, &reason, Role::Office, None),
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
        assert_eq!(transition(SA, Submitted, &blank, Role::Office), Err(TransitionError::NoReason));
        let long = Action::Return { reason: "x".repeat(MAX_REASON_CHARS + 1) };
        assert!(transition(SA, Submitted, &long, Role::Office).is_err());
    }

    #[test]
    fn only_units_hold_editable_records() {
        assert!(Draft.editable() && Returned.editable());
        assert!(!Submitted.editable() && !Approved.editable());
        for s in [Draft, Submitted, Returned, Approved, Awarded, NotAwarded] {
            assert_eq!(WorkflowState::parse(s.as_str()), Some(s));
        }
    }
}
