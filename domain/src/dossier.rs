//! The structured content of people's records, registrations and nominations: what a field holds, and the facts
//! the eligibility rules read from it (how a field is checked when it arrives is in `fields`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::model::{Fields, RecordKind};

/// The yearly task rating (xếp loại mức độ hoàn thành nhiệm vụ), lowest first so ratings compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub id: String,
    pub field: String,
    pub text: String,
}

/// A quarter's result against one registered target.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NomineeKind {
    Person,
    Collective,
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
