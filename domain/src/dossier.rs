//! The structured content of people's records, registrations and nominations: what a field holds, how it is
//! checked when it arrives, and the facts the eligibility rules read from it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::model::{Fields, RecordKind};

/// The yearly task rating (xếp loại mức độ hoàn thành nhiệm vụ), lowest first so ratings compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    KhongHoanThanh,
    HoanThanh,
    Tot,
    XuatSac,
}

impl Rating {
    pub const ALL: [Rating; 4] = [Rating::XuatSac, Rating::Tot, Rating::HoanThanh, Rating::KhongHoanThanh];

    pub fn label(self) -> &'static str {
        match self {
            Rating::XuatSac => "Hoàn thành xuất sắc nhiệm vụ",
            Rating::Tot => "Hoàn thành tốt nhiệm vụ",
            Rating::HoanThanh => "Hoàn thành nhiệm vụ",
            Rating::KhongHoanThanh => "Không hoàn thành nhiệm vụ",
        }
    }
}

/// Disciplinary measures, lightest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    KhienTrach,
    CanhCao,
    CachChuc,
    BuocThoiViec,
}

impl Discipline {
    pub const ALL: [Discipline; 4] =
        [Discipline::KhienTrach, Discipline::CanhCao, Discipline::CachChuc, Discipline::BuocThoiViec];

    pub fn label(self) -> &'static str {
        match self {
            Discipline::KhienTrach => "Khiển trách",
            Discipline::CanhCao => "Cảnh cáo",
            Discipline::CachChuc => "Cách chức",
            Discipline::BuocThoiViec => "Buộc thôi việc",
        }
    }
}

/// The scope at which an initiative (sáng kiến) is recognised as applied and replicable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    CoSo,
    BoTinh,
    ToanQuoc,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::CoSo, Scope::BoTinh, Scope::ToanQuoc];

    pub fn label(self) -> &'static str {
        match self {
            Scope::CoSo => "cấp cơ sở",
            Scope::BoTinh => "cấp Bộ, ban, ngành, tỉnh",
            Scope::ToanQuoc => "toàn quốc",
        }
    }
}

/// One year of a person's service: the rating and any discipline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearRecord {
    pub year: i32,
    pub rating: Rating,
    #[serde(default)]
    pub discipline: Option<Discipline>,
    /// Months worked in the year, if fewer than twelve or if anyone recorded it.
    #[serde(default)]
    pub months_worked: Option<u8>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// The recognition number (số công nhận), e.g. "12/QĐ-TTVH".
    pub number: String,
    pub name: String,
    pub year: i32,
    pub scope: Scope,
}

/// One award a person or collective received: as written on the decision, so titles of earlier regimes are kept
/// under their own names and mapped to current ones when rules read them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwardEntry {
    pub year: i32,
    pub title: String,
    #[serde(default)]
    pub decision_number: String,
    /// dd/mm/yyyy as printed on the decision.
    #[serde(default)]
    pub decision_date: String,
    #[serde(default)]
    pub issuer: String,
    /// Where it was earned, if not in the present unit (e.g. a unit since merged).
    #[serde(default)]
    pub unit: String,
}

/// A target (chỉ tiêu) a unit registers for a field of the movement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub field: String,
    pub text: String,
}

/// A quarter's result against one registered target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetResult {
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub figure: String,
    #[serde(default)]
    pub evidence: String,
    /// The unit's own score, 0–100.
    #[serde(default)]
    pub score: Option<u8>,
}

/// Tracks of nomination (Law 2022, Art. 7 lists the kinds of commendation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    ThuongXuyen,
    DotXuat,
    ChuyenDe,
    CongHien,
    DoiNgoai,
}

impl Track {
    pub const ALL: [Track; 5] = [Track::ThuongXuyen, Track::DotXuat, Track::ChuyenDe, Track::CongHien, Track::DoiNgoai];

    pub fn label(self) -> &'static str {
        match self {
            Track::ThuongXuyen => "Thường xuyên (theo kết quả thực hiện nhiệm vụ)",
            Track::DotXuat => "Đột xuất",
            Track::ChuyenDe => "Chuyên đề (theo đợt)",
            Track::CongHien => "Quá trình cống hiến",
            Track::DoiNgoai => "Đối ngoại",
        }
    }
}

/// Who a nomination is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NomineeKind {
    Person,
    Collective,
}

/// How each field of each record kind is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldType {
    Text,
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
    /// Written only by the server: the verdict stored with a submitted nomination.
    ServerVerdict,
}

/// The type of `field` in `kind`, or None if the kind has no such field.
pub fn field_type(kind: RecordKind, field: &str) -> Option<FieldType> {
    use FieldType::*;
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
            "year" | "nominee_id" | "title" | "summary" | "section_profile" | "section_achievements" | "justification",
        ) => Text,
        (RecordKind::Nomination, "track") => Track,
        (RecordKind::Nomination, "nominee_kind") => NomineeKind,
        (RecordKind::Nomination, "verdict") => ServerVerdict,
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
        // Only the server writes it (`model::validate_fields` refuses it from a tablet).
        FieldType::ServerVerdict => false,
    }
}

/// Reads a typed field, treating a missing or malformed one as empty (validation keeps malformed ones out).
pub fn read<T: serde::de::DeserializeOwned + Default>(fields: &Fields, name: &str) -> T {
    fields.get(name).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default()
}

pub fn text<'a>(fields: &'a Fields, name: &str) -> &'a str {
    fields.get(name).and_then(Value::as_str).unwrap_or("")
}

/// A record as the eligibility rules see it; both the tablet and the server build these from what they store.
#[derive(Clone, Copy, Debug)]
pub struct RecordView<'a> {
    pub id: Uuid,
    pub deleted: bool,
    pub kind: RecordKind,
    pub unit_id: &'a str,
    pub fields: &'a Fields,
}

/// What the rules know about a person.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PersonFacts {
    pub id: String,
    pub name: String,
    pub unit_id: String,
    pub direct_worker: bool,
    pub years: Vec<YearRecord>,
    pub initiatives: Vec<Initiative>,
    pub awards: Vec<AwardEntry>,
}

impl PersonFacts {
    pub fn from_record(view: &RecordView) -> Self {
        PersonFacts {
            id: view.id.to_string(),
            name: text(view.fields, "full_name").to_string(),
            unit_id: view.unit_id.to_string(),
            direct_worker: view.fields.get("direct_worker").and_then(Value::as_bool).unwrap_or(false),
            years: read(view.fields, "years"),
            initiatives: read(view.fields, "initiatives"),
            awards: read(view.fields, "awards"),
        }
    }

    pub fn year(&self, year: i32) -> Option<&YearRecord> {
        self.years.iter().find(|y| y.year == year)
    }
}

/// A nomination as the rules see it.
#[derive(Clone, Debug, PartialEq)]
pub struct NominationFacts {
    pub id: String,
    pub unit_id: String,
    pub year: i32,
    pub nominee_kind: NomineeKind,
    pub nominee_id: String,
    pub title: String,
    pub track: Track,
}

impl NominationFacts {
    /// The fields `from_record` reads: nothing else of a nomination changes its verdict.
    pub const FIELDS: [&'static str; 5] = ["year", "nominee_kind", "nominee_id", "title", "track"];

    /// None while the draft lacks a year, nominee or title: there is nothing to check yet.
    pub fn from_record(view: &RecordView) -> Option<Self> {
        let year = text(view.fields, "year").trim().parse().ok()?;
        let nominee_id = text(view.fields, "nominee_id").to_string();
        let title = text(view.fields, "title").to_string();
        if nominee_id.is_empty() || title.is_empty() {
            return None;
        }
        let nominee_kind = view
            .fields
            .get("nominee_kind")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or(NomineeKind::Person);
        let track =
            view.fields.get("track").and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or(Track::ThuongXuyen);
        Some(NominationFacts {
            id: view.id.to_string(),
            unit_id: view.unit_id.to_string(),
            year,
            nominee_kind,
            nominee_id,
            title,
            track,
        })
    }
}

/// Everything a verdict depends on besides the rulebook: the nominee, the unit's people, the unit's award
/// history (its own and its predecessors'), and the unit's other nominations.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Facts {
    pub people: Vec<PersonFacts>,
    /// Collective awards of the unit and of the units merged into it.
    pub unit_awards: Vec<AwardEntry>,
    pub nominations: Vec<NominationFacts>,
}

impl Facts {
    /// Gathers the facts of `unit_lineage` (a unit and its predecessors) from records the caller holds.
    pub fn gather<'a>(records: impl IntoIterator<Item = RecordView<'a>>, unit_lineage: &[String]) -> Facts {
        let mut facts = Facts::default();
        for view in records {
            if view.deleted || !unit_lineage.iter().any(|u| u == view.unit_id) {
                continue;
            }
            match view.kind {
                RecordKind::Person => facts.people.push(PersonFacts::from_record(&view)),
                RecordKind::UnitProfile => facts.unit_awards.extend(read::<Vec<AwardEntry>>(view.fields, "awards")),
                RecordKind::Nomination => facts.nominations.extend(NominationFacts::from_record(&view)),
                RecordKind::SelfAssessment | RecordKind::Registration => {}
            }
        }
        // Deterministic order, so the tablet and the server phrase a verdict identically.
        facts.people.sort_by(|a, b| a.id.cmp(&b.id));
        facts.nominations.sort_by(|a, b| a.id.cmp(&b.id));
        facts.unit_awards.sort_by(|a, b| (a.year, &a.title).cmp(&(b.year, &b.title)));
        facts
    }

    pub fn person(&self, id: &str) -> Option<&PersonFacts> {
        self.people.iter().find(|p| p.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
        assert!(well_formed(FieldType::Text, &Value::Null), "null clears a field");
    }

    #[test]
    fn an_incomplete_nomination_has_nothing_to_check() {
        let mut fields = Fields::new();
        fields.insert("year".into(), json!("2026"));
        let id = Uuid::nil();
        let view = RecordView { id, deleted: false, kind: RecordKind::Nomination, unit_id: "u", fields: &fields };
        assert_eq!(NominationFacts::from_record(&view), None);
        fields.insert("nominee_id".into(), json!("p"));
        fields.insert("title".into(), json!("cstdcs"));
        let view = RecordView { id, deleted: false, kind: RecordKind::Nomination, unit_id: "u", fields: &fields };
        let facts = NominationFacts::from_record(&view).unwrap();
        assert_eq!((facts.year, facts.track, facts.nominee_kind), (2026, Track::ThuongXuyen, NomineeKind::Person));
    }

    #[test]
    fn the_listed_fields_are_all_the_facts_of_a_nomination() {
        let full: Fields = serde_json::from_value(json!({
            "year": "2025", "nominee_kind": "collective", "nominee_id": "u", "title": "ttldxs", "track": "dot_xuat",
            "summary": "Thành tích", "justification": "Giải trình", "section_profile": "I."
        }))
        .unwrap();
        let listed: Fields = full
            .iter()
            .filter(|(k, _)| NominationFacts::FIELDS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let view =
            |fields| RecordView { id: Uuid::nil(), deleted: false, kind: RecordKind::Nomination, unit_id: "u", fields };
        let facts = NominationFacts::from_record(&view(&full)).unwrap();
        assert_eq!(NominationFacts::from_record(&view(&listed)), Some(facts.clone()));
        assert_eq!((facts.track, facts.nominee_kind), (Track::DotXuat, NomineeKind::Collective));
    }
}
