//! Records: the drafts staff write on a tablet and the server keeps, and the checks every field must pass.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// A record's content: field name → JSON value. Fields merge one by one, so they are kept as a map.
pub type Fields = BTreeMap<String, Value>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A unit's quarterly self-assessment (tự đánh giá) against its emulation targets.
    SelfAssessment,
    /// A unit's yearly registration (đăng ký thi đua): the titles it and its people aim for, and its targets.
    Registration,
    /// A person's record: position, yearly ratings, discipline, initiatives and award history.
    Person,
    /// A unit's profile and collective award history.
    UnitProfile,
    /// A proposal to award a title or form (đề nghị khen thưởng) to a person or a collective.
    Nomination,
    /// A unit's score of itself against its cluster's or block's covenant for a year (tự chấm điểm).
    ClusterScore,
    /// An advanced model (điển hình tiên tiến) a unit proposes for the office's registry.
    AdvancedModel,
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

const NOMINATION_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "summary",
        label: "Tóm tắt thành tích",
        hint: "Thành tích nổi bật làm căn cứ đề nghị, có số liệu",
    },
    FieldSpec {
        name: "section_profile",
        label: "I. Sơ lược lý lịch / đặc điểm, tình hình",
        hint: "Họ tên, ngày sinh, quê quán, đơn vị, chức vụ, trình độ; với tập thể: tên, địa chỉ, cơ cấu, số lượng cán bộ, chức năng",
    },
    FieldSpec {
        name: "section_achievements",
        label: "II. Thành tích đạt được",
        hint: "Nhiệm vụ được giao; kết quả có số liệu; sáng kiến và số công nhận",
    },
];

const ADVANCED_MODEL_FIELDS: &[FieldSpec] = &[
    FieldSpec {
        name: "story",
        label: "Câu chuyện, cách làm hay",
        hint: "Điển hình đã làm gì, làm như thế nào, kết quả cụ thể, sức lan tỏa ở cơ sở",
    },
    FieldSpec {
        name: "evidence",
        label: "Minh chứng",
        hint: "Số liệu, văn bản, bài báo, hình ảnh đã có (ghi số, ngày của văn bản)",
    },
];

impl RecordKind {
    pub const ALL: [RecordKind; 7] = [
        RecordKind::SelfAssessment,
        RecordKind::Registration,
        RecordKind::Person,
        RecordKind::UnitProfile,
        RecordKind::Nomination,
        RecordKind::ClusterScore,
        RecordKind::AdvancedModel,
    ];

    /// The name used on the wire and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::SelfAssessment => "self_assessment",
            RecordKind::Registration => "registration",
            RecordKind::Person => "person",
            RecordKind::UnitProfile => "unit_profile",
            RecordKind::Nomination => "nomination",
            RecordKind::ClusterScore => "cluster_score",
            RecordKind::AdvancedModel => "advanced_model",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        RecordKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordKind::SelfAssessment => "Tự đánh giá quý",
            RecordKind::Registration => "Đăng ký thi đua",
            RecordKind::Person => "Hồ sơ cá nhân",
            RecordKind::UnitProfile => "Hồ sơ tập thể",
            RecordKind::Nomination => "Đề nghị khen thưởng",
            RecordKind::ClusterScore => "Tự chấm điểm cụm, khối",
            RecordKind::AdvancedModel => "Điển hình tiên tiến",
        }
    }

    /// The long texts a person types, in display order.
    pub const fn text_fields(self) -> &'static [FieldSpec] {
        match self {
            RecordKind::SelfAssessment => SELF_ASSESSMENT_FIELDS,
            RecordKind::Nomination => NOMINATION_FIELDS,
            RecordKind::AdvancedModel => ADVANCED_MODEL_FIELDS,
            RecordKind::Registration | RecordKind::Person | RecordKind::UnitProfile | RecordKind::ClusterScore => &[],
        }
    }

    /// Whether the kind goes through submission and review (domain::workflow).
    pub fn has_workflow(self) -> bool {
        matches!(
            self,
            RecordKind::SelfAssessment
                | RecordKind::Registration
                | RecordKind::Nomination
                | RecordKind::ClusterScore
                | RecordKind::AdvancedModel
        )
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum WorkflowState {
    #[default]
    Draft,
    Submitted,
    Returned,
    Approved,
    /// A nomination an issued decision awarded: closed.
    Awarded,
    /// A nomination the council did not pass, closed by the decision of its round, with the reason.
    NotAwarded,
}

impl WorkflowState {
    pub fn label(self) -> &'static str {
        match self {
            WorkflowState::Draft => "Chưa gửi",
            WorkflowState::Submitted => "Chờ duyệt",
            WorkflowState::Returned => "Bị trả lại",
            WorkflowState::Approved => "Đã duyệt",
            WorkflowState::Awarded => "Đã khen thưởng",
            WorkflowState::NotAwarded => "Không được khen thưởng",
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
            WorkflowState::Awarded => "awarded",
            WorkflowState::NotAwarded => "not_awarded",
        }
    }

    /// Every state, in the order a record goes through them.
    pub const ALL: [WorkflowState; 6] = [
        WorkflowState::Draft,
        WorkflowState::Submitted,
        WorkflowState::Returned,
        WorkflowState::Approved,
        WorkflowState::Awarded,
        WorkflowState::NotAwarded,
    ];

    pub fn parse(name: &str) -> Option<Self> {
        WorkflowState::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

/// Which record a change is about: enough to route, check and store it without reading the record first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordRef {
    pub id: Uuid,
    pub kind: RecordKind,
    pub unit_id: String,
}

impl RecordRef {
    pub fn new(id: Uuid, kind: RecordKind, unit_id: &str) -> Self {
        RecordRef { id, kind, unit_id: unit_id.to_owned() }
    }
}

/// A record as the server holds it and sends it in a pull. `rev` is the server revision: 0 until the
/// server first accepts a change, then one more per accepted change.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Record {
    pub id: Uuid,
    pub kind: RecordKind,
    pub unit_id: String,
    pub rev: i64,
    pub deleted: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = BTreeMap<String, serde_json::Value>))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenConflict {
    /// The server's id; 0 while the tablet has only the push answer and not yet the pulled record.
    pub id: i64,
    pub field: String,
    pub kept: ConflictSide,
    pub other: ConflictSide,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConflictSide {
    pub value: Value,
    /// The user id of who wrote it.
    pub by: String,
    pub at: DateTime<Utc>,
}

/// Namespace for ids derived from natural keys (UUID v5).
const THIDUA_NAMESPACE: Uuid = Uuid::from_u128(0x6f1e_3c1a_8d2b_4e0f_9a57_2c4b_1d0e_7a31);

/// The id of a unit's self-assessment for one quarter. It is derived, not random, so two tablets of the
/// same unit that start the report offline write to one record, and their edits merge field by field
/// instead of producing two competing reports.
pub fn self_assessment_id(unit_id: &str, period: &str) -> Uuid {
    Uuid::new_v5(&THIDUA_NAMESPACE, format!("self_assessment/{unit_id}/{period}").as_bytes())
}

/// The id of a unit's registration for a year: one per unit and year, for the same reason.
pub fn registration_id(unit_id: &str, year: i32) -> Uuid {
    Uuid::new_v5(&THIDUA_NAMESPACE, format!("registration/{unit_id}/{year}").as_bytes())
}

/// The id of a unit's self-score for a cluster's year: one per unit and year, as a unit belongs to one cluster or
/// block, so two tablets of the unit that score offline write to one record.
pub fn cluster_score_id(unit_id: &str, year: i32) -> Uuid {
    Uuid::new_v5(&THIDUA_NAMESPACE, format!("cluster_score/{unit_id}/{year}").as_bytes())
}

/// The id of a unit's profile: one per unit.
pub fn unit_profile_id(unit_id: &str) -> Uuid {
    Uuid::new_v5(&THIDUA_NAMESPACE, format!("unit_profile/{unit_id}").as_bytes())
}

/// Whether `id`, if it is a derived id (UUID v5), was derived for `unit_id` (and a year from 2000 to 2100).
/// Random ids (v4) are anyone's to make. Without this check a unit could create another unit's report under
/// its own name first, and lock that unit out of it.
pub fn derived_for_unit(id: Uuid, kind: RecordKind, unit_id: &str) -> bool {
    if id.get_version_num() != 5 {
        return true;
    }
    match kind {
        RecordKind::SelfAssessment => {
            (2000..=2100).any(|year| (1..=4).any(|q| self_assessment_id(unit_id, &format!("{year}-Q{q}")) == id))
        }
        RecordKind::Registration => (2000..=2100).any(|year| registration_id(unit_id, year) == id),
        RecordKind::UnitProfile => unit_profile_id(unit_id) == id,
        RecordKind::ClusterScore => (2000..=2100).any(|year| cluster_score_id(unit_id, year) == id),
        RecordKind::Person | RecordKind::Nomination | RecordKind::AdvancedModel => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kind_names_match_serde() {
        for kind in RecordKind::ALL {
            assert_eq!(serde_json::to_value(kind).unwrap(), json!(kind.as_str()));
            assert_eq!(RecordKind::parse(kind.as_str()), Some(kind));
        }
    }

    #[test]
    fn a_derived_id_belongs_to_its_unit() {
        const SA: RecordKind = RecordKind::SelfAssessment;
        let theirs = self_assessment_id("ttvh-lap-thach", "2026-Q4");
        assert!(derived_for_unit(theirs, SA, "ttvh-lap-thach"));
        assert!(!derived_for_unit(theirs, SA, "ttvh-tam-duong"));
        assert!(!derived_for_unit(theirs, RecordKind::Registration, "ttvh-lap-thach"), "kinds do not share ids");
        assert!(derived_for_unit(registration_id("a", 2026), RecordKind::Registration, "a"));
        assert!(derived_for_unit(unit_profile_id("a"), RecordKind::UnitProfile, "a"));
        assert!(derived_for_unit(cluster_score_id("a", 2026), RecordKind::ClusterScore, "a"));
        assert!(!derived_for_unit(cluster_score_id("a", 2026), RecordKind::ClusterScore, "b"));
        assert!(!derived_for_unit(unit_profile_id("a"), RecordKind::UnitProfile, "b"));
        assert!(derived_for_unit(Uuid::new_v4(), SA, "ttvh-tam-duong"), "random ids are anyone's");
    }

    #[test]
    fn self_assessment_id_is_stable_per_unit_and_period() {
        let a = self_assessment_id("ttvh-tam-duong", "2026-Q4");
        assert_eq!(a, self_assessment_id("ttvh-tam-duong", "2026-Q4"));
        assert_ne!(a, self_assessment_id("ttvh-tam-duong", "2026-Q3"));
        assert_ne!(a, self_assessment_id("ttvh-lap-thach", "2026-Q4"));
    }
}
