//! The shape of every field of every record kind, and the checks a set of fields must pass. Both the tablet
//! (before queueing) and the server (before storing) run them, so a draft the app accepts is one the server
//! accepts.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cluster::{entries_well_formed, ScoreEntry};
use crate::dossier::{AwardEntry, Initiative, NomineeKind, Target, TargetResult, Track, YearRecord};
use crate::model::{Fields, RecordKind};

/// The longest text a single field may hold, in characters. A quarterly report is a few pages; this
/// leaves ample room while keeping one record well under a push batch's byte limit.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// How each field of each record kind is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
    /// yyyy-mm-dd, as a date input gives it, or empty.
    Date,
    Bool,
    Years,
    Initiatives,
    Awards,
    Targets,
    /// person record id → title code
    TitlesByPerson,
    /// target id → result
    TargetResults,
    Track,
    NomineeKind,
    /// A list of codes: the dossier documents a nomination holds.
    Codes,
    /// A cluster self-score's figures, criterion by criterion.
    ScoreEntries,
    /// A reference to an attached file (`attachment::AttachmentRef`), under `att:<sha256>`.
    Attachment,
    /// Written only by the server: the verdict stored with a submitted nomination, the awards of issued decisions
    /// in a person's or unit's history, a nomination's outcome.
    ServerWritten,
}

/// The type of `field` in `kind`, or None if the kind has no such field.
pub fn field_type(kind: RecordKind, field: &str) -> Option<FieldType> {
    use FieldType::*;
    if crate::attachment::is_attachment_field(field) {
        // A unit's registration and cluster score are figures the office checks against their own sources.
        let holds_evidence = !matches!(kind, RecordKind::Registration | RecordKind::ClusterScore);
        return (holds_evidence && crate::attachment::file_of_field(field).is_some()).then_some(Attachment);
    }
    let t = match (kind, field) {
        (RecordKind::SelfAssessment, "summary" | "achievements" | "limitations" | "next_steps" | "period") => Text,
        (RecordKind::SelfAssessment, "results") => TargetResults,
        (RecordKind::Registration, "year" | "movement_id" | "unit_title") => Text,
        (RecordKind::Registration, "person_titles") => TitlesByPerson,
        (RecordKind::Registration, "targets") => Targets,
        (RecordKind::Person, "full_name" | "birth_date" | "gender" | "hometown" | "position" | "qualification") => Text,
        (RecordKind::Person, "direct_worker") => Bool,
        (RecordKind::Person, "years") => Years,
        (RecordKind::Person, "initiatives") => Initiatives,
        (RecordKind::Person | RecordKind::UnitProfile, "awards") => Awards,
        (RecordKind::UnitProfile, "profile") => Text,
        (
            RecordKind::Nomination,
            "year"
            | "nominee_id"
            | "title"
            | "summary"
            | "section_profile"
            | "section_achievements"
            | "justification"
            | "movement_id"
            | "initiative",
        ) => Text,
        (RecordKind::Nomination, "achievement_from" | "achievement_to") => Date,
        (RecordKind::Nomination, "track") => Track,
        (RecordKind::Nomination, "nominee_kind") => NomineeKind,
        (RecordKind::Nomination, "documents") => Codes,
        (RecordKind::Nomination, "verdict" | "outcome") => ServerWritten,
        (RecordKind::Person | RecordKind::UnitProfile, "decided_awards") => ServerWritten,
        (RecordKind::ClusterScore, "cluster_id" | "year" | "note") => Text,
        (RecordKind::ClusterScore, "entries") => ScoreEntries,
        (RecordKind::AdvancedModel, "name" | "subject_id" | "field" | "movement_id" | "story" | "evidence") => Text,
        (RecordKind::AdvancedModel, "subject_kind") => NomineeKind,
        (RecordKind::AdvancedModel, "consent") => Bool,
        (RecordKind::AdvancedModel, "model_status" | "model_decisions") => ServerWritten,
        _ => return None,
    };
    Some(t)
}

/// Whether `value` is well-formed for `ty`. Null clears any field.
pub fn well_formed(ty: FieldType, value: &Value) -> bool {
    fn parses<T: serde::de::DeserializeOwned>(value: &Value) -> bool {
        serde_json::from_value::<T>(value.clone()).is_ok()
    }
    if value.is_null() {
        return true;
    }
    match ty {
        FieldType::Text => value.is_string(),
        FieldType::Date => value.as_str().is_some_and(|s| s.is_empty() || s.parse::<chrono::NaiveDate>().is_ok()),
        FieldType::Bool => value.is_boolean(),
        FieldType::Years => serde_json::from_value::<Vec<YearRecord>>(value.clone())
            .is_ok_and(|years| years.iter().all(|y| y.months_worked.is_none_or(|m| m <= 12))),
        FieldType::Initiatives => parses::<Vec<Initiative>>(value),
        FieldType::Awards => parses::<Vec<AwardEntry>>(value),
        FieldType::Targets => parses::<Vec<Target>>(value),
        FieldType::TitlesByPerson => parses::<BTreeMap<String, String>>(value),
        FieldType::TargetResults => serde_json::from_value::<BTreeMap<String, TargetResult>>(value.clone())
            .is_ok_and(|results| results.values().all(|r| r.score.is_none_or(|s| s <= 100))),
        FieldType::Track => parses::<Track>(value),
        FieldType::NomineeKind => parses::<NomineeKind>(value),
        FieldType::Codes => serde_json::from_value::<Vec<String>>(value.clone())
            .is_ok_and(|codes| codes.len() <= 50 && codes.iter().all(|c| !c.is_empty() && c.len() <= 100)),
        FieldType::ScoreEntries => {
            serde_json::from_value::<Vec<ScoreEntry>>(value.clone()).is_ok_and(|entries| entries_well_formed(&entries))
        }
        FieldType::Attachment => serde_json::from_value::<crate::attachment::AttachmentRef>(value.clone())
            .is_ok_and(|reference| reference.well_formed()),
        // Only the server writes it (`model::validate_fields` refuses it from a tablet).
        FieldType::ServerWritten => false,
    }
}

/// Why a set of fields cannot be stored, worded for the person who typed them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("Trường \"{0}\" không thuộc loại hồ sơ này")]
    Unknown(String),
    #[error("Trường \"{0}\" phải là văn bản")]
    NotText(String),
    #[error("Trường \"{0}\" sai định dạng")]
    Malformed(String),
    #[error("Trường \"{0}\" do máy chủ ghi, không sửa được")]
    ServerOnly(String),
    #[error("Trường \"{field}\" dài {chars} ký tự, vượt giới hạn {max} ký tự")]
    TooLong { field: String, chars: usize, max: usize },
}

/// Checks a set of changed fields against what the record kind accepts. Both the tablet (before queueing)
/// and the server (before storing) call this, so a draft the app accepts is one the server accepts.
pub fn validate_fields(kind: RecordKind, fields: &Fields) -> Result<(), FieldError> {
    for (name, value) in fields {
        let ty = field_type(kind, name).ok_or_else(|| FieldError::Unknown(name.clone()))?;
        let chars = match (ty, value) {
            (FieldType::ServerWritten, _) => return Err(FieldError::ServerOnly(name.clone())),
            (FieldType::Text, Value::String(text)) => text.chars().count(),
            (FieldType::Text, Value::Null) => 0,
            (FieldType::Text, _) => return Err(FieldError::NotText(name.clone())),
            (_, value) if !well_formed(ty, value) => return Err(FieldError::Malformed(name.clone())),
            // A table's size counts what it holds, so many short rows cannot add up to more than one long text.
            (_, value) => value.to_string().chars().count(),
        };
        if chars > MAX_TEXT_CHARS {
            return Err(FieldError::TooLong { field: name.clone(), chars, max: MAX_TEXT_CHARS });
        }
    }
    Ok(())
}

/// One reason a form cannot be saved: `at` names the field (`name`, `titles[2].code`…), `message` says why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    pub at: String,
    pub message: String,
}

impl Problem {
    pub fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        Problem { at: at.into(), message: message.into() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(pairs: &[(&str, Value)]) -> Fields {
        pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
    }

    #[test]
    fn accepts_known_text_fields() {
        let f = fields(&[("summary", json!("Hoàn thành 100% chỉ tiêu")), ("period", json!("2026-Q4"))]);
        assert_eq!(validate_fields(RecordKind::SelfAssessment, &f), Ok(()));
    }

    #[test]
    fn rejects_unknown_field() {
        let f = fields(&[("salary", json!("1"))]);
        assert_eq!(validate_fields(RecordKind::SelfAssessment, &f), Err(FieldError::Unknown("salary".into())));
    }

    #[test]
    fn rejects_wrong_type() {
        let f = fields(&[("summary", json!(42))]);
        assert_eq!(validate_fields(RecordKind::SelfAssessment, &f), Err(FieldError::NotText("summary".into())));
    }

    #[test]
    fn text_limit_counts_characters_not_bytes() {
        // "đ" is two bytes in UTF-8; the limit is about what a person typed.
        let at_limit = fields(&[("summary", json!("đ".repeat(MAX_TEXT_CHARS)))]);
        assert_eq!(validate_fields(RecordKind::SelfAssessment, &at_limit), Ok(()));
        let over = fields(&[("summary", json!("đ".repeat(MAX_TEXT_CHARS + 1)))]);
        assert!(matches!(
            validate_fields(RecordKind::SelfAssessment, &over),
            Err(FieldError::TooLong { chars, .. }) if chars == MAX_TEXT_CHARS + 1
        ));
    }

    #[test]
    fn structured_fields_and_server_fields() {
        let person = fields(&[("years", json!([{"year": 2025, "rating": "tot"}])), ("direct_worker", json!(true))]);
        assert_eq!(validate_fields(RecordKind::Person, &person), Ok(()));
        let bad = fields(&[("years", json!([{"year": "năm ngoái"}]))]);
        assert_eq!(validate_fields(RecordKind::Person, &bad), Err(FieldError::Malformed("years".into())));
        let verdict = fields(&[("verdict", json!({}))]);
        assert_eq!(validate_fields(RecordKind::Nomination, &verdict), Err(FieldError::ServerOnly("verdict".into())));
        let huge = fields(&[("awards", json!(vec![json!({"year": 2020, "title": "x".repeat(100)}); 300]))]);
        assert!(matches!(validate_fields(RecordKind::Person, &huge), Err(FieldError::TooLong { .. })));
    }

    #[test]
    fn structured_fields_are_checked_by_shape() {
        let years = json!([{"year": 2025, "rating": "xuat_sac"}]);
        assert!(well_formed(FieldType::Years, &years));
        assert!(!well_formed(FieldType::Years, &json!([{"year": 2025, "rating": "gioi"}])));
        assert!(!well_formed(FieldType::Years, &json!("2025")));
        assert!(!well_formed(FieldType::Years, &json!([{"year": 2025, "rating": "tot", "months_worked": 13}])));
        assert!(well_formed(FieldType::TargetResults, &json!({"t1": {"result": "Đạt", "score": 100}})));
        assert!(!well_formed(FieldType::TargetResults, &json!({"t1": {"score": 101}})));
        assert!(!well_formed(FieldType::Awards, &json!([{"year": 2024, "title": "LĐTT", "salary": 1}])));
        assert!(well_formed(FieldType::Bool, &json!(true)) && !well_formed(FieldType::Bool, &json!("có")));
        assert!(well_formed(FieldType::Date, &json!("2025-09-12")) && well_formed(FieldType::Date, &json!("")));
        assert!(
            !well_formed(FieldType::Date, &json!("12/09/2025")) && !well_formed(FieldType::Date, &json!("2025-02-30"))
        );
        assert!(well_formed(FieldType::Text, &Value::Null), "null clears a field");
    }

    #[test]
    fn attachments_are_fields_named_by_their_file() {
        let sha = "0".repeat(64);
        let photo = json!({"name": "le-hoi.jpg", "media_type": "image/jpeg", "size": 1000, "caption": "Lễ hội"});
        let attached = fields(&[(&format!("att:{sha}"), photo.clone())]);
        assert_eq!(validate_fields(RecordKind::Nomination, &attached), Ok(()));
        assert_eq!(validate_fields(RecordKind::Person, &fields(&[(&format!("att:{sha}"), Value::Null)])), Ok(()));
        let not_a_hash = fields(&[("att:../../etc/passwd", photo.clone())]);
        assert!(matches!(validate_fields(RecordKind::Nomination, &not_a_hash), Err(FieldError::Unknown(_))));
        assert!(matches!(validate_fields(RecordKind::Registration, &attached), Err(FieldError::Unknown(_))));
        let svg = json!({"name": "x.svg", "media_type": "image/svg+xml", "size": 10});
        let refused = fields(&[(&format!("att:{sha}"), svg)]);
        assert!(matches!(validate_fields(RecordKind::Nomination, &refused), Err(FieldError::Malformed(_))));
        let huge = json!({"name": "a.pdf", "media_type": "application/pdf", "size": 21 * 1024 * 1024});
        let too_big = fields(&[(&format!("att:{sha}"), huge)]);
        assert!(matches!(validate_fields(RecordKind::Nomination, &too_big), Err(FieldError::Malformed(_))));
    }
}
