//! The structured content of people's records, registrations and nominations: what a field holds, and the facts
//! the eligibility rules read from it (how a field is checked when it arrives is in `fields`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::cluster::{standings_of, Cluster, ClusterStanding};
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

/// Disciplinary measures, lightest first: those of the Law on Cadres and Civil Servants and the Law on Public
/// Employees together (hạ bậc lương and giáng chức exist for civil servants only, bãi nhiệm for elected cadres),
/// so "cảnh cáo or heavier" compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Discipline {
    KhienTrach,
    CanhCao,
    HaBacLuong,
    GiangChuc,
    CachChuc,
    BaiNhiem,
    BuocThoiViec,
}

impl Discipline {
    pub const ALL: [Discipline; 7] = [
        Discipline::KhienTrach,
        Discipline::CanhCao,
        Discipline::HaBacLuong,
        Discipline::GiangChuc,
        Discipline::CachChuc,
        Discipline::BaiNhiem,
        Discipline::BuocThoiViec,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Discipline::KhienTrach => "Khiển trách",
            Discipline::CanhCao => "Cảnh cáo",
            Discipline::HaBacLuong => "Hạ bậc lương",
            Discipline::GiangChuc => "Giáng chức",
            Discipline::CachChuc => "Cách chức",
            Discipline::BaiNhiem => "Bãi nhiệm",
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

/// What kind of work an initiative entry is: the law accepts research in place of an initiative for some titles
/// ("sáng kiến, đề tài khoa học, đề án khoa học", Luật 06/2022 Điều 21–23).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InitiativeKind {
    #[default]
    SangKien,
    DeTaiKhoaHoc,
    DeAnKhoaHoc,
    CongTrinhKhoaHoc,
}

impl InitiativeKind {
    pub const ALL: [InitiativeKind; 4] = [
        InitiativeKind::SangKien,
        InitiativeKind::DeTaiKhoaHoc,
        InitiativeKind::DeAnKhoaHoc,
        InitiativeKind::CongTrinhKhoaHoc,
    ];

    pub fn label(self) -> &'static str {
        match self {
            InitiativeKind::SangKien => "Sáng kiến",
            InitiativeKind::DeTaiKhoaHoc => "Đề tài khoa học",
            InitiativeKind::DeAnKhoaHoc => "Đề án khoa học",
            InitiativeKind::CongTrinhKhoaHoc => "Công trình khoa học và công nghệ",
        }
    }

    pub fn is_research(self) -> bool {
        self != InitiativeKind::SangKien
    }

    fn is_default(&self) -> bool {
        *self == InitiativeKind::SangKien
    }
}

/// An initiative recognised, or a research work accepted (nghiệm thu), at `scope`, the level that accepted it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Initiative {
    /// The recognition number (số công nhận), e.g. "12/QĐ-TTVH".
    pub number: String,
    pub name: String,
    pub year: i32,
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "InitiativeKind::is_default")]
    pub kind: InitiativeKind,
}

/// One award a person or collective received: as written on the decision, so titles of earlier regimes are kept
/// under their own names and mapped to current ones when rules read them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
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
    /// The track of the achievement it rewarded; absent for the year's regular results.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub track: Option<Track>,
    /// The dates of an ad-hoc or thematic achievement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_from: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub achievement_to: Option<NaiveDate>,
    /// The movement it answered, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub movement_id: Option<String>,
    /// The number of the initiative it rewarded, if it rewarded one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiative: Option<String>,
}

impl AwardEntry {
    /// The achievement this award rewarded; `usual` is the track of its title when the record does not say.
    pub fn achievement(&self, usual: Option<Track>) -> Achievement<'_> {
        Achievement {
            year: self.year,
            track: self.track.or(usual),
            from: self.achievement_from,
            to: self.achievement_to,
            movement_id: self.movement_id.as_deref(),
            initiative: self.initiative.as_deref(),
        }
    }

    /// "Quyết định số 12/QĐ-UBND ngày 20/12/2025 của Chủ tịch UBND tỉnh", with what the record holds.
    pub fn decision(&self) -> String {
        let mut parts = Vec::new();
        if !self.decision_number.is_empty() {
            parts.push(format!("Quyết định số {}", self.decision_number));
        }
        if !self.decision_date.is_empty() {
            parts.push(format!("ngày {}", self.decision_date));
        }
        if !self.issuer.is_empty() {
            parts.push(format!("của {}", self.issuer));
        }
        parts.join(" ")
    }
}

/// One achievement, as Luật 06/2022 Điều 5 counts them: "không khen thưởng nhiều lần, nhiều hình thức cho một
/// thành tích". The year's regular results are one achievement; an ad-hoc or thematic one is its dates, its
/// movement and its initiative.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Achievement<'a> {
    pub year: i32,
    /// None where an award does not say and its title has no usual track (a Huân chương).
    pub track: Option<Track>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub movement_id: Option<&'a str>,
    pub initiative: Option<&'a str>,
}

/// Whether two records reward the same achievement; `Unclear` where what would tell them apart is not recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sameness {
    Same,
    Different,
    Unclear,
}

impl Achievement<'_> {
    /// The dates it spans, if recorded: a single date is a one-day achievement.
    pub fn span(&self) -> Option<(NaiveDate, NaiveDate)> {
        match (self.from, self.to) {
            (Some(from), Some(to)) => Some((from.min(to), from.max(to))),
            (Some(day), None) | (None, Some(day)) => Some((day, day)),
            (None, None) => None,
        }
    }

    /// A year's regular results are one achievement per year; others are told apart by their dates, which may
    /// cross a year's end (a thematic movement of 2021–2025, a rescue from 28/12 to 02/01).
    pub fn compare(&self, other: &Achievement) -> Sameness {
        let differ = |a: Option<&str>, b: Option<&str>| matches!((a, b), (Some(a), Some(b)) if a != b);
        if differ(self.movement_id, other.movement_id) || differ(self.initiative, other.initiative) {
            return Sameness::Different;
        }
        let same_year = if self.year == other.year { Sameness::Unclear } else { Sameness::Different };
        match (self.track, other.track) {
            (Some(a), Some(b)) if a != b => Sameness::Different,
            (Some(Track::ThuongXuyen), Some(_)) if self.year == other.year => Sameness::Same,
            (Some(Track::ThuongXuyen), Some(_)) => Sameness::Different,
            (Some(_), Some(_)) => match (self.span(), other.span()) {
                (Some((a_from, a_to)), Some((b_from, b_to))) if a_from <= b_to && b_from <= a_to => Sameness::Same,
                (Some(_), Some(_)) => Sameness::Different,
                _ => same_year,
            },
            _ => same_year,
        }
    }

    /// What is missing to tell it from another, for the question the panel asks the office.
    pub fn missing(&self) -> &'static str {
        if self.track.is_none() {
            "không ghi loại thành tích"
        } else {
            "không ghi thời gian"
        }
    }

    /// "năm 2025", or "đột xuất ngày 12/09/2025": how the panel names it.
    pub fn describe(&self) -> String {
        use crate::calendar::format_date;
        let when = match self.span() {
            Some((from, to)) if from == to => format!("ngày {}", format_date(from)),
            Some((from, to)) => format!("từ {} đến {}", format_date(from), format_date(to)),
            None => format!("năm {}", self.year),
        };
        match self.track {
            None | Some(Track::ThuongXuyen) => format!("năm {}", self.year),
            Some(track) => format!("{} {when}", track.short_label()),
        }
    }
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

    /// The track inside a sentence: "thành tích đột xuất ngày …".
    pub fn short_label(self) -> &'static str {
        match self {
            Track::ThuongXuyen => "thường xuyên",
            Track::DotXuat => "đột xuất",
            Track::ChuyenDe => "chuyên đề",
            Track::CongHien => "quá trình cống hiến",
            Track::DoiNgoai => "đối ngoại",
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

/// The awards a person's or unit's record holds: those the unit recorded, and those of decisions issued in the
/// product (`decided_awards`, written only by the server), which count alike.
pub fn awards_of(fields: &Fields) -> Vec<AwardEntry> {
    let mut awards: Vec<AwardEntry> = read(fields, "awards");
    awards.extend(read::<Vec<AwardEntry>>(fields, "decided_awards"));
    awards
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
            awards: awards_of(view.fields),
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
    /// The dates of an ad-hoc or thematic achievement (an ad-hoc one is judged under the law of its date).
    pub achievement_from: Option<NaiveDate>,
    pub achievement_to: Option<NaiveDate>,
    pub movement_id: Option<String>,
    /// The recognition number of the initiative it rewards, if it rewards one.
    pub initiative: Option<String>,
}

impl NominationFacts {
    /// The fields `from_record` reads: nothing else of a nomination changes its verdict.
    pub const FIELDS: [&'static str; 9] = [
        "year",
        "nominee_kind",
        "nominee_id",
        "title",
        "track",
        "achievement_from",
        "achievement_to",
        "movement_id",
        "initiative",
    ];

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
        let date = |name| text(view.fields, name).parse::<NaiveDate>().ok();
        let optional = |name| Some(text(view.fields, name).trim().to_string()).filter(|s| !s.is_empty());
        Some(NominationFacts {
            id: view.id.to_string(),
            unit_id: view.unit_id.to_string(),
            year,
            nominee_kind,
            nominee_id,
            title,
            track,
            achievement_from: date("achievement_from"),
            achievement_to: date("achievement_to"),
            movement_id: optional("movement_id"),
            initiative: optional("initiative"),
        })
    }

    pub fn achievement(&self) -> Achievement<'_> {
        Achievement {
            year: self.year,
            track: Some(self.track),
            from: self.achievement_from,
            to: self.achievement_to,
            movement_id: self.movement_id.as_deref(),
            initiative: self.initiative.as_deref(),
        }
    }

    /// The date whose law judges the nomination: an ad-hoc achievement's own date (its last day), otherwise the
    /// end of the year it is for.
    pub fn judged_on(&self) -> Option<NaiveDate> {
        match (self.track, self.achievement().span()) {
            (Track::DotXuat, Some((_, last))) => Some(last),
            _ => NaiveDate::from_ymd_opt(self.year, 12, 31),
        }
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
    /// Where the unit (or a unit merged into it) stands in its clusters' published rankings.
    pub standings: Vec<ClusterStanding>,
}

impl Facts {
    /// Gathers the facts of `unit_lineage` (a unit and its predecessors) from records the caller holds, and its
    /// standings from the clusters the caller knows: the tablet and the server pass what they hold, so both
    /// reach the same verdict.
    pub fn gather<'a>(
        records: impl IntoIterator<Item = RecordView<'a>>,
        unit_lineage: &[String],
        clusters: &[Cluster],
    ) -> Facts {
        let mut facts = Facts { standings: standings_of(clusters, unit_lineage), ..Facts::default() };
        for view in records {
            if view.deleted || !unit_lineage.iter().any(|u| u == view.unit_id) {
                continue;
            }
            match view.kind {
                RecordKind::Person => facts.people.push(PersonFacts::from_record(&view)),
                RecordKind::UnitProfile => facts.unit_awards.extend(awards_of(view.fields)),
                RecordKind::Nomination => facts.nominations.extend(NominationFacts::from_record(&view)),
                RecordKind::SelfAssessment
                | RecordKind::Registration
                | RecordKind::ClusterScore
                | RecordKind::AdvancedModel => {}
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
        assert_eq!(facts.judged_on(), NaiveDate::from_ymd_opt(2026, 12, 31));
    }

    #[test]
    fn the_listed_fields_are_all_the_facts_of_a_nomination() {
        let full: Fields = serde_json::from_value(json!({
            "year": "2025", "nominee_kind": "collective", "nominee_id": "u", "title": "ttldxs", "track": "dot_xuat",
            "achievement_from": "2025-06-28", "achievement_to": "2025-07-02", "movement_id": "m", "initiative": "",
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
        // An ad-hoc achievement is judged on its last day; an empty initiative is none.
        assert_eq!(facts.judged_on(), NaiveDate::from_ymd_opt(2025, 7, 2));
        assert_eq!((facts.movement_id.as_deref(), facts.initiative), (Some("m"), None));
    }

    #[test]
    fn one_achievement_is_its_year_or_its_dates() {
        let day = |m, d| NaiveDate::from_ymd_opt(2025, m, d);
        let regular = Achievement {
            year: 2025,
            track: Some(Track::ThuongXuyen),
            from: None,
            to: None,
            movement_id: None,
            initiative: None,
        };
        let flood = Achievement { track: Some(Track::DotXuat), from: day(9, 12), ..regular };
        assert_eq!(regular.compare(&regular), Sameness::Same);
        assert_eq!(regular.compare(&flood), Sameness::Different, "the year-end results and an ad-hoc act");
        assert_eq!(flood.compare(&Achievement { to: day(9, 14), ..flood }), Sameness::Same, "overlapping dates");
        assert_eq!(flood.compare(&Achievement { from: day(10, 1), ..flood }), Sameness::Different);
        assert_eq!(flood.compare(&Achievement { from: None, ..flood }), Sameness::Unclear, "no dates to tell");
        assert_eq!(regular.compare(&Achievement { year: 2024, ..regular }), Sameness::Different);
        let movement = Achievement { movement_id: Some("a"), ..regular };
        assert_eq!(movement.compare(&Achievement { movement_id: Some("b"), ..regular }), Sameness::Different);
        assert_eq!(movement.compare(&regular), Sameness::Same, "a movement on one side only does not tell them apart");
        let movement_years = Achievement {
            track: Some(Track::ChuyenDe),
            from: NaiveDate::from_ymd_opt(2021, 1, 1),
            to: day(12, 31),
            ..regular
        };
        let thematic_2023 =
            Achievement { year: 2023, from: NaiveDate::from_ymd_opt(2023, 3, 1), to: None, ..movement_years };
        assert_eq!(movement_years.compare(&thematic_2023), Sameness::Same, "a span across years holds its years");
        let untracked = Achievement { track: None, ..regular };
        assert_eq!(untracked.compare(&regular), Sameness::Unclear, "an award that does not say what it was for");
        assert_eq!(untracked.compare(&Achievement { year: 2024, ..regular }), Sameness::Different);
        let initiative = Achievement { initiative: Some("12/QĐ-SKCS"), ..regular };
        assert_eq!(initiative.compare(&Achievement { initiative: Some("3/QĐ-SKCS"), ..regular }), Sameness::Different);
        assert_eq!(flood.describe(), "đột xuất ngày 12/09/2025");
        assert_eq!(regular.describe(), "năm 2025");
    }
}
