//! Emulation clusters and blocks (cụm, khối thi đua): who belongs to them over time, the covenant (giao ước thi
//! đua) each year is scored under, each member's score sheet and the ranking that says who leads.
//!
//! The score of a member is, as the Hưng Yên council's rules count it: part I, each criterion's standard points
//! times actual ÷ plan (plan ÷ actual for a "reduce" target; a share for a graded one); part II, the over-plan
//! bonus, capped per criterion and in total; part III, the standing body's bonuses and penalties, with the
//! lateness and returned-dossier penalties read from what the product recorded, not typed by anyone. Parts I–II
//! use the leader's reviewed figures once the leader has reviewed them.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::calendar::Quarter;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ClusterKind {
    /// Units of one level and kind, grouped by area.
    Cum,
    /// Units of one field or line of work.
    Khoi,
}

impl ClusterKind {
    pub fn label(self) -> &'static str {
        match self {
            ClusterKind::Cum => "Cụm thi đua",
            ClusterKind::Khoi => "Khối thi đua",
        }
    }
}

/// A cluster or block, with its members over time and its years.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cluster {
    pub id: String,
    pub name: String,
    pub kind: ClusterKind,
    pub members: Vec<Membership>,
    pub years: Vec<ClusterYear>,
    #[serde(default)]
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Membership {
    pub unit_id: String,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// Filled in by the server for tablets, which do not hold the other members' units.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit_name: String,
}

/// One year of a cluster: who leads it, the covenant its members signed, the reviews, the standing body's part
/// and, once the office publishes it, the ranking (the year is closed then).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterYear {
    pub year: i32,
    /// The leading unit (cụm trưởng, khối trưởng).
    pub leader: String,
    #[serde(default)]
    pub deputies: Vec<String>,
    pub covenant: Covenant,
    /// Unit id → the leader's (or a deputy's) reviewed figures for parts I–II.
    #[serde(default)]
    pub reviews: BTreeMap<String, Review>,
    /// Unit id → the codes of the standing body's bonuses and penalties (part III) given to it.
    #[serde(default)]
    pub standing: BTreeMap<String, Vec<String>>,
    #[serde(default)]
    pub ranking: Option<Ranking>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub entries: Vec<ScoreEntry>,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// The criteria sheet a cluster's members sign in January, with the points it gives and takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Covenant {
    pub signed_on: NaiveDate,
    pub criteria: Vec<Criterion>,
    pub over_plan: OverPlan,
    /// What share of its standard points each qualitative grade earns.
    pub grades: Vec<GradeShare>,
    /// The standing body's catalogue of bonuses (positive) and penalties (negative).
    pub adjustments: Vec<Adjustment>,
    /// Penalties for a quarterly report sent late, the heaviest step a report reaches.
    pub lateness: Vec<LatenessStep>,
    /// Points taken for each of the unit's nominations the office returned that year (negative).
    pub returned_dossier_points: f64,
    /// How many of the leading members each title goes to, in order (e.g. 2 Cờ thi đua, then 1 Bằng khen).
    pub quotas: Vec<Quota>,
    /// The law's basis, shown under the ranking.
    pub basis: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub code: String,
    pub text: String,
    /// The standard points (điểm chuẩn).
    pub points: f64,
    pub measure: Measure,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// More is better: actual ÷ plan × points.
    Increase,
    /// Less is better (cases, complaints): plan ÷ actual × points.
    Reduce,
    /// A grade (A, B, C, D) the covenant gives a share for.
    Graded,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OverPlan {
    /// Percent of the standard points per percent above plan (1 % per 1 %).
    pub percent_per_percent: f64,
    /// At most this percent of a criterion's standard points.
    pub criterion_cap_percent: f64,
    /// At most this many points over all criteria.
    pub total_cap_points: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GradeShare {
    pub grade: String,
    pub percent: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Adjustment {
    pub code: String,
    pub text: String,
    pub points: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LatenessStep {
    pub from_days: i64,
    pub points: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Quota {
    pub title: String,
    pub count: u32,
}

/// A member's figure for one criterion, as it scores itself (with its evidence) or as the leader reviewed it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoreEntry {
    pub criterion: String,
    #[serde(default)]
    pub plan: Option<f64>,
    #[serde(default)]
    pub actual: Option<f64>,
    #[serde(default)]
    pub grade: Option<String>,
    #[serde(default)]
    pub evidence: String,
}

/// A quarterly report sent after its deadline, or not sent by then, as the server's records date it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LateReport {
    /// "Quý I/2026"
    pub period: String,
    /// Days past the deadline: to the sending, or to today while it is not sent.
    pub days: i64,
    #[serde(default)]
    pub missing: bool,
}

impl LateReport {
    pub fn describe(&self) -> String {
        if self.missing {
            format!("Báo cáo {} chưa gửi, quá hạn {} ngày", self.period, self.days)
        } else {
            format!("Báo cáo {} gửi muộn {} ngày", self.period, self.days)
        }
    }
}

/// What a member's sheet is computed from.
#[derive(Clone, Debug, Default)]
pub struct SheetInputs<'a> {
    pub unit_id: &'a str,
    pub unit_name: &'a str,
    /// The member's own entries; None when it has not sent its self-score.
    pub own: Option<&'a [ScoreEntry]>,
    pub review: Option<&'a Review>,
    pub standing: &'a [String],
    pub late_reports: &'a [LateReport],
    pub returned_dossiers: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionScore {
    pub code: String,
    pub text: String,
    pub standard: f64,
    pub base: f64,
    pub over_plan: f64,
    /// How the figure was reached, e.g. "95/100 × 20 = 19".
    pub working: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AppliedAdjustment {
    pub text: String,
    pub points: f64,
}

/// A member's score for the year, every part with its working.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sheet {
    pub unit_id: String,
    pub unit_name: String,
    /// Sent its self-score.
    pub scored: bool,
    /// Parts I–II use the leader's figures.
    pub reviewed: bool,
    pub criteria: Vec<CriterionScore>,
    pub part_one: f64,
    /// The over-plan bonus after the total cap.
    pub part_two: f64,
    pub adjustments: Vec<AppliedAdjustment>,
    pub part_three: f64,
    pub total: f64,
}

impl Sheet {
    fn penalties(&self) -> f64 {
        self.adjustments.iter().map(|a| a.points).filter(|p| *p < 0.0).sum()
    }
}

/// The published order of a cluster's members for a year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ranking {
    pub published_on: NaiveDate,
    pub standings: Vec<Standing>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    pub unit_id: String,
    pub unit_name: String,
    /// 1 for the leading member; members that tie on every count share a rank.
    pub rank: u32,
    pub total: f64,
    /// Why a member placed above another with the same total, or that it shares its rank.
    #[serde(default)]
    pub note: Option<String>,
    /// The title the covenant's quota proposes it for, if any.
    #[serde(default)]
    pub proposed: Option<String>,
}

/// A member's place in a published ranking, as the eligibility rules read it.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterStanding {
    pub cluster_id: String,
    pub cluster_name: String,
    pub year: i32,
    pub unit_id: String,
    /// 0: left out of the ranking, having sent no self-score.
    pub rank: u32,
    /// The cluster's members that year.
    pub members: u32,
    pub proposed: Option<String>,
}

/// Why a cluster change is refused, worded for the person who tried.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    #[error("Cụm, khối chưa có giao ước thi đua năm {0}")]
    NoYear(i32),
    #[error("Kết quả xếp hạng năm {0} đã công bố, không sửa được")]
    Published(i32),
    #[error("Chỉ đơn vị trưởng, phó cụm, khối được chấm điểm thẩm định, và không chấm cho đơn vị mình")]
    NotLeader,
    #[error("Đơn vị không thuộc cụm, khối này")]
    NotMember,
    #[error("Tiêu chí \"{0}\" không có trong giao ước")]
    UnknownCriterion(String),
    #[error("Mức cộng, trừ \"{0}\" không có trong giao ước")]
    UnknownAdjustment(String),
    #[error("Mức cộng, trừ \"{0}\" được ghi hai lần")]
    RepeatedAdjustment(String),
    #[error("Số liệu chấm điểm không hợp lệ (số âm, quá dài hoặc quá nhiều dòng)")]
    MalformedEntries,
    #[error("Chưa có đơn vị nào gửi điểm tự chấm")]
    NothingScored,
    #[error("Năm {0} đã có điểm thẩm định hoặc kết quả, không bỏ được")]
    YearInUse(i32),
}

/// What the office writes of a cluster: its name, kind, members and, per year, its leadership and covenant. The
/// reviews, the standing body's part and the ranking are not in it: they are made in the year and kept.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ClusterDefinition {
    pub name: String,
    pub kind: ClusterKind,
    pub members: Vec<Membership>,
    pub years: Vec<YearDefinition>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct YearDefinition {
    pub year: i32,
    pub leader: String,
    #[serde(default)]
    pub deputies: Vec<String>,
    pub covenant: Covenant,
}

/// A long name is a mistake; so are thousands of members or criteria.
const MAX_NAME_CHARS: usize = 300;
const MAX_ITEMS: usize = 500;

impl ClusterDefinition {
    /// The definition of a stored cluster, to edit.
    pub fn of(cluster: &Cluster) -> ClusterDefinition {
        ClusterDefinition {
            name: cluster.name.clone(),
            kind: cluster.kind,
            members: cluster.members.iter().map(|m| Membership { unit_name: String::new(), ..m.clone() }).collect(),
            years: cluster
                .years
                .iter()
                .map(|y| YearDefinition {
                    year: y.year,
                    leader: y.leader.clone(),
                    deputies: y.deputies.clone(),
                    covenant: y.covenant.clone(),
                })
                .collect(),
        }
    }

    /// What is wrong with it, in the office's words; empty if nothing.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut say = |problem: String| problems.push(problem);
        if self.name.trim().is_empty() || self.name.chars().count() > MAX_NAME_CHARS {
            say(format!("Tên cụm, khối phải có, tối đa {MAX_NAME_CHARS} ký tự"));
        }
        if self.members.is_empty() || self.members.len() > MAX_ITEMS || self.years.len() > MAX_ITEMS {
            say(format!("Cụm, khối cần từ 1 đến {MAX_ITEMS} đơn vị thành viên"));
        }
        for m in self.members.iter().filter(|m| m.valid_to.is_some_and(|to| to < m.valid_from)) {
            say(format!("Đơn vị \"{}\": ngày rời cụm trước ngày vào cụm", m.unit_id));
        }
        let shell = Cluster {
            id: String::new(),
            name: String::new(),
            kind: self.kind,
            members: self.members.clone(),
            years: Vec::new(),
            version: 0,
        };
        for (i, year) in self.years.iter().enumerate() {
            let y = year.year;
            if !(2000..=2100).contains(&y) || self.years[..i].iter().any(|other| other.year == y) {
                say(format!("Năm {y} không hợp lệ hoặc ghi hai lần"));
            }
            for unit in std::iter::once(&year.leader).chain(&year.deputies) {
                if !shell.is_member(unit, y) {
                    say(format!("Năm {y}: \"{unit}\" không là thành viên của cụm, khối"));
                }
            }
            let c = &year.covenant;
            let codes = |codes: Vec<&str>, what: &str, say: &mut dyn FnMut(String)| {
                for (i, code) in codes.iter().enumerate() {
                    if code.trim().is_empty() || codes[..i].contains(code) {
                        say(format!("Năm {y}: mã {what} \"{code}\" trống hoặc trùng"));
                    }
                }
            };
            codes(c.criteria.iter().map(|c| c.code.as_str()).collect(), "tiêu chí", &mut say);
            codes(c.adjustments.iter().map(|a| a.code.as_str()).collect(), "mức cộng, trừ", &mut say);
            let finite = |x: f64| x.is_finite();
            if c.criteria.is_empty()
                || c.criteria.len() > MAX_ITEMS
                || c.adjustments.len() > MAX_ITEMS
                || c.criteria.iter().any(|c| !finite(c.points) || c.points < 0.0)
                || c.grades.iter().any(|g| !finite(g.percent) || !(0.0..=100.0).contains(&g.percent))
                || c.adjustments.iter().any(|a| !finite(a.points))
                || c.lateness.iter().any(|l| l.from_days < 0 || !finite(l.points))
                || !finite(c.returned_dossier_points)
                || [c.over_plan.percent_per_percent, c.over_plan.criterion_cap_percent, c.over_plan.total_cap_points]
                    .iter()
                    .any(|x| !finite(*x) || *x < 0.0)
            {
                say(format!("Năm {y}: giao ước cần ít nhất một tiêu chí, và điểm, tỷ lệ là số hợp lệ"));
            }
        }
        problems
    }

    /// The cluster this definition makes of `stored` (None: a new cluster): a year keeps its reviews, standing
    /// and ranking; a published year cannot change, nor a year with work in it be dropped.
    pub fn apply(self, id: &str, stored: Option<&Cluster>) -> Result<Cluster, ClusterError> {
        let mut years = Vec::with_capacity(self.years.len());
        for year in self.years {
            let before = stored.and_then(|c| c.year(year.year));
            if let Some(before) = before.filter(|b| b.ranking.is_some()) {
                let same = before.leader == year.leader
                    && before.deputies == year.deputies
                    && before.covenant == year.covenant;
                if !same {
                    return Err(ClusterError::Published(year.year));
                }
            }
            years.push(ClusterYear {
                year: year.year,
                leader: year.leader,
                deputies: year.deputies,
                covenant: year.covenant,
                reviews: before.map(|b| b.reviews.clone()).unwrap_or_default(),
                standing: before.map(|b| b.standing.clone()).unwrap_or_default(),
                ranking: before.and_then(|b| b.ranking.clone()),
            });
        }
        for dropped in stored.iter().flat_map(|c| &c.years).filter(|y| !years.iter().any(|kept| kept.year == y.year)) {
            if dropped.ranking.is_some() || !dropped.reviews.is_empty() || !dropped.standing.is_empty() {
                return Err(ClusterError::YearInUse(dropped.year));
            }
        }
        years.sort_by_key(|y| y.year);
        Ok(Cluster {
            id: id.to_owned(),
            name: self.name.trim().to_owned(),
            kind: self.kind,
            members: self.members,
            years,
            version: stored.map_or(0, |c| c.version),
        })
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A figure as the sheet writes it: "19", "18.5", "-5".
pub fn points_text(x: f64) -> String {
    // Written from whole hundredths: formatting a float would pull the float printer into the tablet's bundle,
    // and a negative zero (a sum of no penalties) would read "-0".
    let hundredths = hundredths(x);
    let (sign, whole, part) = (if hundredths < 0 { "-" } else { "" }, hundredths.abs() / 100, hundredths.abs() % 100);
    match part {
        0 => format!("{sign}{whole}"),
        p if p % 10 == 0 => format!("{sign}{whole},{}", p / 10),
        p => format!("{sign}{whole},{p:02}"),
    }
}

impl Cluster {
    pub fn year(&self, year: i32) -> Option<&ClusterYear> {
        self.years.iter().find(|y| y.year == year)
    }

    /// A year still open to changes: it exists and its ranking is not published.
    pub fn open_year(&mut self, year: i32) -> Result<&mut ClusterYear, ClusterError> {
        let found = self.years.iter_mut().find(|y| y.year == year).ok_or(ClusterError::NoYear(year))?;
        match found.ranking {
            Some(_) => Err(ClusterError::Published(year)),
            None => Ok(found),
        }
    }

    /// The open year, for a change about `member` (its review, its part III).
    pub fn open_year_for(&mut self, member: &str, year: i32) -> Result<&mut ClusterYear, ClusterError> {
        if !self.is_member(member, year) {
            return Err(ClusterError::NotMember);
        }
        self.open_year(year)
    }

    /// The members at any time in `year`.
    pub fn members_in(&self, year: i32) -> Vec<&str> {
        let (start, end) = (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31));
        let (Some(start), Some(end)) = (start, end) else { return Vec::new() };
        self.members
            .iter()
            .filter(|m| m.valid_from <= end && m.valid_to.is_none_or(|to| to >= start))
            .map(|m| m.unit_id.as_str())
            .collect()
    }

    /// A member's name as the server gave it, or its id.
    pub fn member_name<'a>(&'a self, unit_id: &'a str) -> &'a str {
        self.members.iter().find(|m| m.unit_id == unit_id && !m.unit_name.is_empty()).map_or(unit_id, |m| &m.unit_name)
    }

    pub fn is_member(&self, unit_id: &str, year: i32) -> bool {
        self.members_in(year).contains(&unit_id)
    }

    /// Where each member stands in the published rankings, for the eligibility rules: a member the ranking left
    /// out (it sent no self-score) stands at rank 0.
    pub fn standings(&self) -> Vec<ClusterStanding> {
        let mut out = Vec::new();
        for year in &self.years {
            let Some(ranking) = &year.ranking else { continue };
            let members = self.members_in(year.year);
            let count = u32::try_from(members.len()).unwrap_or(u32::MAX);
            for unit_id in members {
                let placed = ranking.standings.iter().find(|s| s.unit_id == unit_id);
                out.push(ClusterStanding {
                    cluster_id: self.id.clone(),
                    cluster_name: self.name.clone(),
                    year: year.year,
                    unit_id: unit_id.to_owned(),
                    rank: placed.map_or(0, |s| s.rank),
                    members: count,
                    proposed: placed.and_then(|s| s.proposed.clone()),
                });
            }
        }
        out
    }
}

impl ClusterYear {
    /// The leading unit or a deputy.
    pub fn leads(&self, unit_id: &str) -> bool {
        self.leader == unit_id || self.deputies.iter().any(|d| d == unit_id)
    }

    /// The leader and deputies review the members' scores, each but their own: a deputy reviews the leader's.
    pub fn may_review(&self, reviewer: &str, member: &str) -> bool {
        self.leads(reviewer) && reviewer != member
    }

    /// Checks a review or a self-score's entries against the covenant: well formed, and every criterion named
    /// in it.
    pub fn check_entries(&self, entries: &[ScoreEntry]) -> Result<(), ClusterError> {
        if !entries_well_formed(entries) {
            return Err(ClusterError::MalformedEntries);
        }
        match entries.iter().find(|e| !self.covenant.criteria.iter().any(|c| c.code == e.criterion)) {
            Some(e) => Err(ClusterError::UnknownCriterion(e.criterion.clone())),
            None => Ok(()),
        }
    }

    /// Every code in the covenant's catalogue, and each once: a bonus or a penalty is given once a year.
    pub fn check_standing(&self, codes: &[String]) -> Result<(), ClusterError> {
        if let Some(code) = codes.iter().find(|code| !self.covenant.adjustments.iter().any(|a| &a.code == *code)) {
            return Err(ClusterError::UnknownAdjustment(code.clone()));
        }
        match codes.iter().enumerate().find(|(i, code)| codes[..*i].contains(code)) {
            Some((_, code)) => Err(ClusterError::RepeatedAdjustment(code.clone())),
            None => Ok(()),
        }
    }
}

impl Covenant {
    fn grade_percent(&self, grade: &str) -> Option<f64> {
        self.grades.iter().find(|g| g.grade.eq_ignore_ascii_case(grade.trim())).map(|g| g.percent)
    }

    /// One criterion's part I points and over-plan bonus (before the total cap), with the working.
    pub fn score_criterion(&self, criterion: &Criterion, entry: Option<&ScoreEntry>) -> CriterionScore {
        let standard = criterion.points;
        let (base, over_plan, working) = match (criterion.measure, entry) {
            (_, None) => (0.0, 0.0, "Chưa chấm".to_owned()),
            (Measure::Graded, Some(e)) => {
                match e.grade.as_deref().and_then(|g| self.grade_percent(g).map(|p| (g, p))) {
                    Some((grade, percent)) => {
                        let base = round2(standard * percent / 100.0);
                        (
                            base,
                            0.0,
                            format!(
                                "Loại {grade}: {}% × {} = {}",
                                points_text(percent),
                                points_text(standard),
                                points_text(base)
                            ),
                        )
                    }
                    None => (0.0, 0.0, "Chưa xếp loại".to_owned()),
                }
            }
            (measure, Some(e)) => match (e.plan, e.actual) {
                (Some(plan), Some(actual)) if plan >= 0.0 && actual >= 0.0 => {
                    let cap = standard * self.over_plan.criterion_cap_percent / 100.0;
                    let over = |excess_percent: f64| {
                        (standard * excess_percent * self.over_plan.percent_per_percent / 100.0).clamp(0.0, cap)
                    };
                    // (share of the standard points, over-plan bonus, the working's "a/b")
                    let scored = match measure {
                        // A "reduce" target of 0 (no violations allowed) is met only by 0.
                        Measure::Reduce if plan == 0.0 => Some((if actual == 0.0 { 1.0 } else { 0.0 }, 0.0)),
                        // Nothing where some was allowed beats any ratio: the criterion's whole bonus, if the
                        // covenant pays one.
                        Measure::Reduce if actual == 0.0 => {
                            Some((1.0, if self.over_plan.percent_per_percent > 0.0 { cap } else { 0.0 }))
                        }
                        Measure::Reduce => Some(((plan / actual).min(1.0), over((plan / actual - 1.0) * 100.0))),
                        _ if plan == 0.0 => None,
                        _ => Some(((actual / plan).min(1.0), over((actual / plan - 1.0) * 100.0))),
                    };
                    match scored {
                        Some((share, bonus)) => {
                            let (base, bonus) = (round2(standard * share), round2(bonus));
                            let (num, den) = if measure == Measure::Reduce { (plan, actual) } else { (actual, plan) };
                            let mut working = format!(
                                "{}/{} × {} = {}",
                                points_text(num),
                                points_text(den),
                                points_text(standard),
                                points_text(base)
                            );
                            if bonus > 0.0 {
                                working.push_str(&format!("; vượt kế hoạch +{}", points_text(bonus)));
                            }
                            (base, bonus, working)
                        }
                        None => (0.0, 0.0, "Kế hoạch phải lớn hơn 0".to_owned()),
                    }
                }
                _ => (0.0, 0.0, "Thiếu số liệu kế hoạch hoặc thực hiện".to_owned()),
            },
        };
        CriterionScore {
            code: criterion.code.clone(),
            text: criterion.text.clone(),
            standard,
            base,
            over_plan,
            working,
        }
    }

    /// The lateness penalty of one report: the heaviest step its delay reaches, if any.
    pub fn lateness_points(&self, days: i64) -> Option<f64> {
        self.lateness.iter().filter(|s| days >= s.from_days).max_by_key(|s| s.from_days).map(|s| s.points)
    }

    /// A member's sheet: parts I–II from the reviewed figures (its own until reviewed), part III from the
    /// standing body's codes, its late reports and its returned dossiers.
    pub fn sheet(&self, inputs: &SheetInputs) -> Sheet {
        let entries = inputs.review.map(|r| r.entries.as_slice()).or(inputs.own).unwrap_or(&[]);
        let criteria: Vec<CriterionScore> = self
            .criteria
            .iter()
            .map(|c| self.score_criterion(c, entries.iter().find(|e| e.criterion == c.code)))
            .collect();
        let part_one = round2(criteria.iter().map(|c| c.base).sum());
        let part_two = round2(criteria.iter().map(|c| c.over_plan).sum::<f64>().min(self.over_plan.total_cap_points));
        let mut adjustments: Vec<AppliedAdjustment> = inputs
            .standing
            .iter()
            .filter_map(|code| self.adjustments.iter().find(|a| &a.code == code))
            .map(|a| AppliedAdjustment { text: a.text.clone(), points: a.points })
            .collect();
        for late in inputs.late_reports {
            if let Some(points) = self.lateness_points(late.days) {
                adjustments.push(AppliedAdjustment { text: late.describe(), points });
            }
        }
        if inputs.returned_dossiers > 0 && self.returned_dossier_points != 0.0 {
            adjustments.push(AppliedAdjustment {
                text: format!("{} hồ sơ đề nghị khen thưởng bị trả lại", inputs.returned_dossiers),
                points: self.returned_dossier_points * f64::from(inputs.returned_dossiers),
            });
        }
        let part_three = round2(adjustments.iter().map(|a| a.points).sum());
        Sheet {
            unit_id: inputs.unit_id.to_owned(),
            unit_name: inputs.unit_name.to_owned(),
            scored: inputs.own.is_some(),
            reviewed: inputs.review.is_some(),
            criteria,
            part_one,
            part_two,
            adjustments,
            part_three,
            total: round2(part_one + part_two + part_three),
        }
    }

    /// Orders the sheets of members that scored themselves: by total; at equal totals by part I (the work
    /// itself), then by fewer penalty points; members equal on all three share a rank. The quotas then go down
    /// the order; a shared rank that would overrun a quota gets none of it, for the council to settle.
    pub fn rank(&self, sheets: &[Sheet], published_on: NaiveDate) -> Ranking {
        let mut order: Vec<&Sheet> = sheets.iter().filter(|s| s.scored).collect();
        let key = |s: &Sheet| (hundredths(s.total), hundredths(s.part_one), hundredths(s.penalties()));
        order.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.unit_name.cmp(&b.unit_name)));
        let mut standings: Vec<Standing> = Vec::with_capacity(order.len());
        for (i, sheet) in order.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| order[p]);
            let (rank, note) = match previous {
                Some(prev) if key(prev) == key(sheet) => {
                    let rank = standings[i - 1].rank;
                    (rank, Some(format!("Đồng hạng với {}: bằng tổng điểm, điểm phần I và điểm trừ", prev.unit_name)))
                }
                Some(prev) if hundredths(prev.total) == hundredths(sheet.total) => {
                    let why = if hundredths(prev.part_one) != hundredths(sheet.part_one) {
                        format!(
                            "điểm phần I thấp hơn ({} so với {})",
                            points_text(sheet.part_one),
                            points_text(prev.part_one)
                        )
                    } else {
                        format!(
                            "điểm trừ nhiều hơn ({} so với {})",
                            points_text(sheet.penalties()),
                            points_text(prev.penalties())
                        )
                    };
                    (rank_at(i), Some(format!("Bằng tổng điểm với {}, xếp sau vì {why}", prev.unit_name)))
                }
                _ => (rank_at(i), None),
            };
            standings.push(Standing {
                unit_id: sheet.unit_id.clone(),
                unit_name: sheet.unit_name.clone(),
                rank,
                total: sheet.total,
                note,
                proposed: None,
            });
        }
        self.apply_quotas(&mut standings);
        Ranking { published_on, standings }
    }

    /// The title the place `index` (0 for the leading member) takes in the quotas' order, if any.
    fn seat(&self, index: usize) -> Option<&str> {
        let mut before = 0usize;
        for quota in &self.quotas {
            before = before.saturating_add(quota.count as usize);
            if index < before {
                return Some(quota.title.as_str());
            }
        }
        None
    }

    fn apply_quotas(&self, standings: &mut [Standing]) {
        let mut start = 0;
        while start < standings.len() {
            let rank = standings[start].rank;
            let end = standings[start..].iter().position(|s| s.rank != rank).map_or(standings.len(), |n| start + n);
            let titles: Vec<Option<&str>> = (start..end).map(|i| self.seat(i)).collect();
            let shared = titles.iter().all(|t| *t == titles[0]);
            for standing in &mut standings[start..end] {
                if shared {
                    standing.proposed = titles[0].map(str::to_owned);
                } else {
                    let overrun = "đồng hạng vượt chỉ tiêu khen thưởng, Hội đồng quyết định";
                    standing.note = Some(match &standing.note {
                        Some(note) => format!("{note}; {overrun}"),
                        None => format!("Đồng hạng {rank}, {overrun}"),
                    });
                }
            }
            start = end;
        }
    }
}

/// At most this many entries in a self-score or a review; a covenant has a few dozen criteria.
pub const MAX_ENTRIES: usize = 200;

/// Whether entries are well formed whatever the covenant: few enough, figures finite and not negative, evidence
/// no longer than a field's text. The tablet and the server check a self-score with this, the server a review.
pub fn entries_well_formed(entries: &[ScoreEntry]) -> bool {
    let figure = |x: Option<f64>| x.is_none_or(|x| x.is_finite() && x >= 0.0);
    entries.len() <= MAX_ENTRIES
        && entries
            .iter()
            .all(|e| figure(e.plan) && figure(e.actual) && e.evidence.chars().count() <= MAX_EVIDENCE_CHARS)
}

/// The evidence of one criterion: a few lines naming documents.
pub const MAX_EVIDENCE_CHARS: usize = 2_000;

/// The quarterly reports of `year` that count against a member, as of `today`: each sent after its deadline, and
/// each not sent once its deadline has passed. `sent` gives each quarter's first sending; quarters before
/// `first_quarter` (the unit's first report in the product, if any) were reported on paper and count nothing.
pub fn late_reports(
    year: i32,
    today: NaiveDate,
    sent: impl Fn(u32) -> Option<NaiveDate>,
    first_quarter: Option<Quarter>,
) -> Vec<LateReport> {
    let Some(first) = first_quarter else { return Vec::new() };
    (1..=4)
        .map(|number| Quarter { year, number })
        .filter(|quarter| *quarter >= first && quarter.report_deadline() < today)
        .filter_map(|quarter| {
            let deadline = quarter.report_deadline();
            let (day, missing) = sent(quarter.number).map_or((today, true), |on| (on, false));
            let days = (day - deadline).num_days();
            (days > 0).then(|| LateReport { period: quarter.label(), days, missing })
        })
        .collect()
}

/// The published standings of `units` (a unit and its predecessors) in `clusters`, in the order the rules read
/// them: the tablet and the server call this on the same clusters, so their verdicts read alike.
pub fn standings_of(clusters: &[Cluster], units: &[String]) -> Vec<ClusterStanding> {
    let mut standings: Vec<ClusterStanding> =
        clusters.iter().flat_map(Cluster::standings).filter(|s| units.contains(&s.unit_id)).collect();
    standings.sort_by(|a, b| (a.year, a.rank, &a.cluster_id).cmp(&(b.year, b.rank, &b.cluster_id)));
    standings
}

fn hundredths(x: f64) -> i64 {
    (x * 100.0).round() as i64
}

fn rank_at(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn covenant() -> Covenant {
        let criterion =
            |code: &str, points: f64, measure| Criterion { code: code.into(), text: code.into(), points, measure };
        Covenant {
            signed_on: d(2026, 1, 20),
            criteria: vec![
                criterion("buoi-chieu-phim", 20.0, Measure::Increase),
                criterion("vi-pham", 10.0, Measure::Reduce),
                criterion("phong-trao", 10.0, Measure::Graded),
            ],
            over_plan: OverPlan { percent_per_percent: 1.0, criterion_cap_percent: 10.0, total_cap_points: 20.0 },
            grades: ["A", "B", "C", "D"]
                .iter()
                .zip([100.0, 80.0, 60.0, 40.0])
                .map(|(g, p)| GradeShare { grade: (*g).into(), percent: p })
                .collect(),
            adjustments: vec![
                Adjustment { code: "sang-tao".into(), text: "Phong trào sáng tạo".into(), points: 5.0 },
                Adjustment {
                    code: "khien-trach".into(), text: "Người đứng đầu bị khiển trách".into(), points: -10.0
                },
            ],
            lateness: vec![
                LatenessStep { from_days: 5, points: -5.0 },
                LatenessStep { from_days: 10, points: -10.0 },
                LatenessStep { from_days: 15, points: -20.0 },
            ],
            returned_dossier_points: -5.0,
            quotas: vec![
                Quota { title: "co-bo-tinh".into(), count: 2 },
                Quota { title: "bang-khen-bo-tinh".into(), count: 1 },
            ],
            basis: "Hướng dẫn 1479/BTĐKT-VIII".into(),
        }
    }

    /// A member since 2020, with no end.
    fn member(unit: &str) -> Membership {
        Membership { unit_id: unit.into(), valid_from: d(2020, 1, 1), valid_to: None, unit_name: String::new() }
    }

    fn entry(criterion: &str, plan: f64, actual: f64) -> ScoreEntry {
        ScoreEntry { criterion: criterion.into(), plan: Some(plan), actual: Some(actual), ..ScoreEntry::default() }
    }

    fn graded(grade: &str) -> ScoreEntry {
        ScoreEntry { criterion: "phong-trao".into(), grade: Some(grade.into()), ..ScoreEntry::default() }
    }

    #[test]
    fn every_formula() {
        let c = covenant();
        let [films, cases, movement] = [&c.criteria[0], &c.criteria[1], &c.criteria[2]];
        // (criterion, entry, base, over-plan bonus)
        let cases_table: &[(&Criterion, ScoreEntry, f64, f64)] = &[
            (films, entry("buoi-chieu-phim", 100.0, 95.0), 19.0, 0.0),
            (films, entry("buoi-chieu-phim", 100.0, 100.0), 20.0, 0.0),
            // 5 % above plan: 5 % of 20 points.
            (films, entry("buoi-chieu-phim", 100.0, 105.0), 20.0, 1.0),
            // 50 % above plan: capped at 10 % of the standard points.
            (films, entry("buoi-chieu-phim", 100.0, 150.0), 20.0, 2.0),
            // Reduce: 4 cases where 5 were allowed is 25 % better than plan, capped at 1 point.
            (cases, entry("vi-pham", 5.0, 4.0), 10.0, 1.0),
            (cases, entry("vi-pham", 4.0, 5.0), 8.0, 0.0),
            (cases, entry("vi-pham", 4.0, 0.0), 10.0, 1.0),
            // No violation allowed: met only by none, with no bonus.
            (cases, entry("vi-pham", 0.0, 0.0), 10.0, 0.0),
            (cases, entry("vi-pham", 0.0, 1.0), 0.0, 0.0),
            (movement, graded("B"), 8.0, 0.0),
            (movement, graded("a"), 10.0, 0.0),
            (movement, graded("E"), 0.0, 0.0),
            (films, ScoreEntry { criterion: "buoi-chieu-phim".into(), ..ScoreEntry::default() }, 0.0, 0.0),
            (films, entry("buoi-chieu-phim", 0.0, 5.0), 0.0, 0.0),
        ];
        for (criterion, e, base, bonus) in cases_table {
            let score = c.score_criterion(criterion, Some(e));
            assert_eq!((score.base, score.over_plan), (*base, *bonus), "{e:?}: {}", score.working);
        }
        assert_eq!(c.score_criterion(films, None).base, 0.0);
        let mut no_bonus = covenant();
        no_bonus.over_plan.percent_per_percent = 0.0;
        let nothing = no_bonus.score_criterion(&no_bonus.criteria[1], Some(&entry("vi-pham", 4.0, 0.0)));
        assert_eq!((nothing.base, nothing.over_plan), (10.0, 0.0), "a covenant without a bonus pays none");
        assert_eq!(c.score_criterion(films, Some(&entry("buoi-chieu-phim", 100.0, 95.0))).working, "95/100 × 20 = 19");
    }

    #[test]
    fn the_over_plan_bonus_is_capped_in_total() {
        let mut c = covenant();
        c.over_plan.total_cap_points = 1.5;
        let own = [entry("buoi-chieu-phim", 100.0, 150.0), entry("vi-pham", 5.0, 4.0), graded("A")];
        let sheet = c.sheet(&SheetInputs { unit_id: "a", unit_name: "A", own: Some(&own), ..SheetInputs::default() });
        assert_eq!((sheet.part_one, sheet.part_two, sheet.total), (40.0, 1.5, 41.5));
    }

    #[test]
    fn penalties_come_from_the_standing_body_lateness_and_returned_dossiers() {
        let c = covenant();
        let own = [entry("buoi-chieu-phim", 100.0, 100.0), entry("vi-pham", 5.0, 5.0), graded("A")];
        let late = [
            LateReport { period: "Quý I/2026".into(), days: 3, missing: false },
            LateReport { period: "Quý II/2026".into(), days: 7, missing: false },
            LateReport { period: "Quý III/2026".into(), days: 10, missing: false },
            LateReport { period: "Quý IV/2026".into(), days: 40, missing: true },
        ];
        let standing = ["sang-tao".to_owned(), "khien-trach".to_owned(), "khong-co".to_owned()];
        let sheet = c.sheet(&SheetInputs {
            unit_id: "a",
            unit_name: "A",
            own: Some(&own),
            standing: &standing,
            late_reports: &late,
            returned_dossiers: 2,
            ..SheetInputs::default()
        });
        let points: Vec<f64> = sheet.adjustments.iter().map(|a| a.points).collect();
        assert_eq!(points, [5.0, -10.0, -5.0, -10.0, -20.0, -10.0], "3 days late costs nothing; unknown codes nothing");
        assert_eq!(sheet.adjustments[3].text, "Báo cáo Quý III/2026 gửi muộn 10 ngày");
        assert_eq!(sheet.adjustments[4].text, "Báo cáo Quý IV/2026 chưa gửi, quá hạn 40 ngày");
        assert_eq!((sheet.part_three, sheet.total), (-50.0, -10.0));
    }

    #[test]
    fn the_leaders_review_replaces_the_members_own_figures() {
        let c = covenant();
        let own = [entry("buoi-chieu-phim", 100.0, 120.0)];
        let review = Review { entries: vec![entry("buoi-chieu-phim", 100.0, 90.0)], by: "x".into(), at: Utc::now() };
        let inputs = SheetInputs { unit_id: "a", unit_name: "A", own: Some(&own), ..SheetInputs::default() };
        assert_eq!(c.sheet(&inputs).total, 22.0);
        let reviewed = c.sheet(&SheetInputs { review: Some(&review), ..inputs });
        assert!(reviewed.reviewed);
        assert_eq!(reviewed.total, 18.0);
    }

    fn sheet(name: &str, total: f64, part_one: f64, penalty: f64) -> Sheet {
        Sheet {
            unit_id: name.to_lowercase(),
            unit_name: name.into(),
            scored: true,
            reviewed: true,
            criteria: Vec::new(),
            part_one,
            part_two: 0.0,
            adjustments: vec![AppliedAdjustment { text: "trừ".into(), points: penalty }],
            part_three: penalty,
            total,
        }
    }

    #[test]
    fn ties_are_broken_by_part_one_then_penalties_and_explained() {
        let c = covenant();
        let mut unscored = sheet("E", 99.0, 99.0, 0.0);
        unscored.scored = false;
        let sheets = [
            sheet("A", 90.0, 85.0, -5.0),
            sheet("B", 90.0, 88.0, -10.0),
            sheet("C", 95.0, 95.0, 0.0),
            sheet("D", 90.0, 88.0, -5.0),
            unscored,
        ];
        let ranking = c.rank(&sheets, d(2027, 1, 8));
        let order: Vec<(&str, u32, Option<&str>)> =
            ranking.standings.iter().map(|s| (s.unit_name.as_str(), s.rank, s.proposed.as_deref())).collect();
        assert_eq!(
            order,
            [
                ("C", 1, Some("co-bo-tinh")),
                ("D", 2, Some("co-bo-tinh")),
                ("B", 3, Some("bang-khen-bo-tinh")),
                ("A", 4, None),
            ],
            "a member that did not score itself is not ranked"
        );
        assert_eq!(ranking.standings[1].note, None);
        assert_eq!(
            ranking.standings[2].note.as_deref(),
            Some("Bằng tổng điểm với D, xếp sau vì điểm trừ nhiều hơn (-10 so với -5)")
        );
        assert_eq!(
            ranking.standings[3].note.as_deref(),
            Some("Bằng tổng điểm với B, xếp sau vì điểm phần I thấp hơn (85 so với 88)")
        );
    }

    #[test]
    fn a_shared_rank_across_a_quota_goes_to_the_council() {
        let c = covenant();
        let sheets = [sheet("A", 95.0, 95.0, 0.0), sheet("B", 90.0, 90.0, 0.0), sheet("C", 90.0, 90.0, 0.0)];
        let ranking = c.rank(&sheets, d(2027, 1, 8));
        let got: Vec<(u32, Option<&str>)> = ranking.standings.iter().map(|s| (s.rank, s.proposed.as_deref())).collect();
        assert_eq!(got, [(1, Some("co-bo-tinh")), (2, None), (2, None)]);
        assert!(ranking.standings[2].note.as_deref().is_some_and(|n| n.contains("Hội đồng quyết định")));
        // Sharing a rank inside one quota is no problem.
        let sheets = [sheet("A", 95.0, 95.0, 0.0), sheet("B", 95.0, 95.0, 0.0), sheet("C", 90.0, 90.0, 0.0)];
        let ranking = c.rank(&sheets, d(2027, 1, 8));
        let got: Vec<(u32, Option<&str>)> = ranking.standings.iter().map(|s| (s.rank, s.proposed.as_deref())).collect();
        assert_eq!(got, [(1, Some("co-bo-tinh")), (1, Some("co-bo-tinh")), (3, Some("bang-khen-bo-tinh"))]);
    }

    #[test]
    fn members_are_effective_dated() {
        let member = |unit: &str, valid_from, valid_to| Membership { valid_from, valid_to, ..member(unit) };
        let cluster = Cluster {
            id: "c".into(),
            name: "Cụm".into(),
            kind: ClusterKind::Cum,
            members: vec![member("a", d(2020, 1, 1), None), member("b", d(2020, 1, 1), Some(d(2025, 6, 30)))],
            years: Vec::new(),
            version: 1,
        };
        assert_eq!(cluster.members_in(2025), ["a", "b"]);
        assert_eq!(cluster.members_in(2026), ["a"]);
        assert_eq!(cluster.members_in(2019), Vec::<&str>::new());
    }

    #[test]
    fn late_reports_count_from_the_units_first_report_in_the_product() {
        let sent = |dates: [Option<NaiveDate>; 4]| move |n: u32| dates[(n - 1) as usize];
        let q = |n| Some(Quarter { year: 2026, number: n });
        let today = d(2026, 12, 3);
        let dates = [Some(d(2026, 3, 12)), Some(d(2026, 6, 10)), Some(d(2026, 9, 27)), None];
        let late = late_reports(2026, today, sent(dates), q(1));
        assert_eq!(late, [LateReport { period: "Quý III/2026".into(), days: 12, missing: false }]);
        // Q2 missing is late to today; Q4 is not due yet.
        let late = late_reports(2026, today, sent([Some(d(2026, 3, 15)), None, None, None]), q(1));
        let days: Vec<(i64, bool)> = late.iter().map(|l| (l.days, l.missing)).collect();
        assert_eq!(days, [(171, true), (79, true)]);
        assert!(late_reports(2026, today, sent([None; 4]), None).is_empty(), "never reported in the product");
        assert_eq!(late_reports(2026, today, sent([None; 4]), q(3)).len(), 1, "Q1 and Q2 were on paper");
    }

    #[test]
    fn standings_name_every_member_of_a_published_year() {
        let c = covenant();
        let mut cluster = Cluster {
            id: "c".into(),
            name: "Cụm".into(),
            kind: ClusterKind::Khoi,
            members: vec![member("a"), member("b"), member("c")],
            years: vec![ClusterYear {
                year: 2026,
                leader: "a".into(),
                deputies: vec!["b".into()],
                covenant: c.clone(),
                reviews: BTreeMap::new(),
                standing: BTreeMap::new(),
                ranking: None,
            }],
            version: 1,
        };
        assert!(cluster.standings().is_empty(), "nothing before it is published");
        let sheets = [sheet("A", 90.0, 90.0, 0.0), sheet("B", 80.0, 80.0, 0.0)];
        cluster.years[0].ranking = Some(c.rank(&sheets, d(2027, 1, 8)));
        let got: Vec<(String, u32, u32, Option<String>)> =
            cluster.standings().into_iter().map(|s| (s.unit_id, s.rank, s.members, s.proposed)).collect();
        assert_eq!(
            got,
            [
                ("a".into(), 1, 3, Some("co-bo-tinh".into())),
                ("b".into(), 2, 3, Some("co-bo-tinh".into())),
                ("c".into(), 0, 3, None)
            ]
        );
        let year = &cluster.years[0];
        assert!(year.may_review("a", "b") && year.may_review("b", "a"));
        assert!(!year.may_review("a", "a"), "nobody reviews their own unit");
        assert!(!year.may_review("c", "a"), "a plain member reviews nobody");
        let twice = ["sang-tao".to_owned(), "sang-tao".to_owned()];
        assert_eq!(year.check_standing(&twice), Err(ClusterError::RepeatedAdjustment("sang-tao".into())));
        let huge = Covenant { quotas: vec![Quota { title: "co-bo-tinh".into(), count: u32::MAX }], ..c };
        assert_eq!(huge.seat(3), Some("co-bo-tinh"), "a seat is found without listing them");
    }

    #[test]
    fn a_definition_keeps_the_years_work_and_never_changes_a_published_year() {
        let c = covenant();
        let definition = ClusterDefinition {
            name: " Khối các Trung tâm ".into(),
            kind: ClusterKind::Khoi,
            members: vec![member("a"), member("b")],
            years: vec![YearDefinition {
                year: 2026,
                leader: "a".into(),
                deputies: vec!["b".into()],
                covenant: c.clone(),
            }],
        };
        assert_eq!(definition.problems(), Vec::<String>::new());
        let made = definition.clone().apply("k", None).unwrap();
        assert_eq!((made.name.as_str(), made.version), ("Khối các Trung tâm", 0));

        let mut stored = made.clone();
        stored.version = 4;
        stored.years[0].standing.insert("a".into(), vec!["sang-tao".into()]);
        let kept = definition.clone().apply("k", Some(&stored)).unwrap();
        assert_eq!((kept.version, kept.years[0].standing.len()), (4, 1), "the year's work is kept");
        let without_year = ClusterDefinition { years: Vec::new(), ..definition.clone() };
        assert_eq!(without_year.apply("k", Some(&stored)), Err(ClusterError::YearInUse(2026)));

        stored.years[0].ranking = Some(c.rank(&[sheet("A", 1.0, 1.0, 0.0)], d(2027, 1, 8)));
        let mut changed = definition.clone();
        changed.years[0].covenant.returned_dossier_points = -10.0;
        assert_eq!(changed.apply("k", Some(&stored)), Err(ClusterError::Published(2026)));
        assert!(definition.clone().apply("k", Some(&stored)).is_ok(), "the same definition again is no change");

        let mut bad = definition;
        bad.name = String::new();
        bad.years[0].leader = "z".into();
        let first = bad.years[0].covenant.criteria[0].clone();
        bad.years[0].covenant.criteria.push(first);
        bad.years[0].covenant.over_plan.total_cap_points = f64::NAN;
        let problems = bad.problems();
        assert_eq!(problems.len(), 4, "{problems:#?}");
        assert!(problems[1].contains("\"z\" không là thành viên"), "{problems:#?}");
    }

    #[test]
    fn figures_are_written_the_vietnamese_way() {
        assert_eq!(points_text(19.0), "19");
        assert_eq!(points_text(18.456), "18,46");
        assert_eq!(points_text(-5.0), "-5");
        assert_eq!(points_text(-0.0), "0");
        assert_eq!(points_text(18.5), "18,5");
        assert_eq!(points_text(0.05), "0,05");
        assert_eq!(points_text(-2.5), "-2,5");
    }
}
