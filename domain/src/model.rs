//! Records: the drafts staff write on a tablet and the server keeps, and the checks every field must pass.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::workflow::WorkflowState;

/// A record's content: field name → JSON value. Fields merge one by one, so they are kept as a map.
pub type Fields = BTreeMap<String, Value>;

/// The longest text a single field may hold, in characters. A quarterly report is a few pages; this
/// leaves ample room while keeping one record well under a push batch's byte limit.
pub const MAX_TEXT_CHARS: usize = 20_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A unit's quarterly self-assessment (tự đánh giá) against its emulation targets.
    SelfAssessment,
}

/// A field a record kind accepts, with its Vietnamese label for the interface.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    pub name: &'static str,
    pub label: &'static str,
    /// Shown in an empty field, taken from the wording of the directives.
    pub hint: &'static str,
}

const SELF_ASSESSMENT_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "summary",
        label: "Kết quả thực hiện nhiệm vụ trong quý",
        hint: "Kết quả thực hiện các chỉ tiêu thi đua đã đăng ký, có số liệu cụ thể",
    },
    FieldSpec {
        name: "achievements",
        label: "Thành tích, mô hình nổi bật",
        hint: "Cách làm hay, mô hình mới, điển hình tiên tiến cần nhân rộng",
    },
    FieldSpec {
        name: "limitations",
        label: "Hạn chế, tồn tại và nguyên nhân",
        hint: "Những chỉ tiêu chưa đạt và nguyên nhân",
    },
    FieldSpec {
        name: "next_steps",
        label: "Phương hướng, nhiệm vụ quý tới",
        hint: "Giải pháp và nhiệm vụ trọng tâm cho quý tiếp theo",
    },
];

/// Fields the app sets itself rather than the user types.
const SELF_ASSESSMENT_META_FIELDS: &[&str] = &["period"];

impl RecordKind {
    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::SelfAssessment => "self_assessment",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [RecordKind::SelfAssessment].into_iter().find(|k| k.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordKind::SelfAssessment => "Tự đánh giá quý",
        }
    }

    /// The fields a person types, in display order.
    pub fn text_fields(self) -> &'static [FieldSpec] {
        match self {
            RecordKind::SelfAssessment => SELF_ASSESSMENT_FIELDS,
        }
    }

    fn accepts(self, field: &str) -> bool {
        match self {
            RecordKind::SelfAssessment => {
                SELF_ASSESSMENT_FIELDS.iter().any(|f| f.name == field) || SELF_ASSESSMENT_META_FIELDS.contains(&field)
            }
        }
    }
}

/// A record as the server holds it and sends it in a pull. `rev` is the server revision: 0 until the
/// server first accepts a change, then one more per accepted change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Record {
    pub id: Uuid,
    pub kind: RecordKind,
    pub unit_id: String,
    pub rev: i64,
    pub deleted: bool,
    pub fields: Fields,
    pub updated_at: DateTime<Utc>,
    pub updated_by: String,
    #[serde(default)]
    pub state: WorkflowState,
    /// Why the record was last returned, shown to the unit.
    #[serde(default)]
    pub state_note: Option<String>,
    /// Same-field races not yet settled by a person; every tablet that sees the record shows them.
    #[serde(default)]
    pub conflicts: Vec<OpenConflict>,
}

/// Two values written to one field by people who had not seen each other's. The record holds `kept`; `other`
/// is kept here until someone chooses or combines them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OpenConflict {
    /// The server's id; 0 while the tablet has only the push answer and not yet the pulled record.
    pub id: i64,
    pub field: String,
    pub kept: ConflictSide,
    pub other: ConflictSide,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConflictSide {
    pub value: Value,
    /// The user id of who wrote it.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Why a set of fields cannot be stored, worded for the person who typed them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FieldError {
    #[error("Trường \"{0}\" không thuộc loại hồ sơ này")]
    Unknown(String),
    #[error("Trường \"{0}\" phải là văn bản")]
    NotText(String),
    #[error("Trường \"{field}\" dài {chars} ký tự, vượt giới hạn {max} ký tự")]
    TooLong { field: String, chars: usize, max: usize },
}

/// Checks a set of changed fields against what the record kind accepts. Both the tablet (before queueing)
/// and the server (before storing) call this, so a draft the app accepts is one the server accepts.
pub fn validate_fields(kind: RecordKind, fields: &Fields) -> Result<(), FieldError> {
    for (name, value) in fields {
        if !kind.accepts(name) {
            return Err(FieldError::Unknown(name.clone()));
        }
        let Value::String(text) = value else {
            return Err(FieldError::NotText(name.clone()));
        };
        let chars = text.chars().count();
        if chars > MAX_TEXT_CHARS {
            return Err(FieldError::TooLong { field: name.clone(), chars, max: MAX_TEXT_CHARS });
        }
    }
    Ok(())
}

/// Namespace for ids derived from natural keys (UUID v5).
const THIDUA_NAMESPACE: Uuid = Uuid::from_u128(0x6f1e_3c1a_8d2b_4e0f_9a57_2c4b_1d0e_7a31);

/// The id of a unit's self-assessment for one quarter. It is derived, not random, so two tablets of the
/// same unit that start the report offline write to one record, and their edits merge field by field
/// instead of producing two competing reports.
pub fn self_assessment_id(unit_id: &str, period: &str) -> Uuid {
    Uuid::new_v5(&THIDUA_NAMESPACE, format!("self_assessment/{unit_id}/{period}").as_bytes())
}

/// Whether `id`, if it is a derived id (UUID v5), was derived for `unit_id` and a quarter between 2000 and 2100.
/// Random ids (v4) are anyone's to make. Without this check a unit could create another unit's quarterly
/// report under its own name first, and lock that unit out of it.
pub fn derived_for_unit(id: Uuid, unit_id: &str) -> bool {
    if id.get_version_num() != 5 {
        return true;
    }
    (2000..=2100).any(|year| (1..=4).any(|q| self_assessment_id(unit_id, &format!("{year}-Q{q}")) == id))
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
    fn kind_names_match_serde() {
        let kind = RecordKind::SelfAssessment;
        assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
        assert_eq!(RecordKind::parse(kind.as_str()), Some(kind));
    }

    #[test]
    fn a_derived_id_belongs_to_its_unit() {
        let theirs = self_assessment_id("ttvh-lap-thach", "2026-Q4");
        assert!(derived_for_unit(theirs, "ttvh-lap-thach"));
        assert!(!derived_for_unit(theirs, "ttvh-tam-duong"));
        assert!(derived_for_unit(Uuid::new_v4(), "ttvh-tam-duong"), "random ids are anyone's");
    }

    #[test]
    fn self_assessment_id_is_stable_per_unit_and_period() {
        let a = self_assessment_id("ttvh-tam-duong", "2026-Q4");
        assert_eq!(a, self_assessment_id("ttvh-tam-duong", "2026-Q4"));
        assert_ne!(a, self_assessment_id("ttvh-tam-duong", "2026-Q3"));
        assert_ne!(a, self_assessment_id("ttvh-lap-thach", "2026-Q4"));
    }
}
