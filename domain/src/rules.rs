//! The eligibility rules as data, and the evaluation of one nomination against them.
//!
//! The catalog of titles and forms, the legal regimes and every threshold live in a [`RuleBook`]: JSON an admin
//! edits and every tablet caches. A verdict lists each condition with whether it is met, why, in Vietnamese,
//! and the article it comes from. The tablet (for the panel beside a draft) and the server (when the nomination
//! is submitted) call the same [`evaluate`] on the same facts, so they reach the same verdict.
//!
//! Here: the book's types and lookups; `names`: reading a title as written on a decision; `eval`: one
//! nomination's verdict; `problems`: what makes a book unusable.
//!
//! API boundary: a `RuleBook` is stored as JSON on the server and cached on every tablet; a `Verdict` is stored
//! with each submitted nomination. Both only gain optional fields; tablets refuse fields they do not know, so a
//! release that adds one bumps `PROTOCOL_VERSION` and an older app reloads before it reads them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::dossier::{Discipline, NomineeKind, Rating, Scope, Track};

mod cash;
mod eval;
mod names;
mod problems;

pub use cash::{dong, Amount, BaseSalary, CashAward, CashError, CashRounding, Multiple, Recipient};
pub use eval::{evaluate, same_year_prerequisites, submission_problem};
pub use names::TitleIndex;

/// The rulebook the server starts with. Its thresholds are defaults: every one of them can be changed by an admin.
pub const DEFAULT_RULEBOOK: &str = include_str!("../rules/default.json");

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RuleBook {
    /// Raised by the server on every accepted edit; a verdict records the version it was reached with.
    pub version: i64,
    pub regimes: Vec<Regime>,
    pub titles: Vec<TitleDef>,
    pub rules: Vec<Rule>,
    /// Abbreviations read in recorded names ("CSTĐCS", "UBND"…), expanded before names are compared.
    #[serde(default)]
    pub abbreviations: Vec<Abbreviation>,
    /// The council's standing rules: its quorum, and how it votes on a title whose rule names no vote.
    #[serde(default)]
    pub council: CouncilRules,
    /// The base salary (lương cơ sở) each cash award multiplies, by the date it took effect.
    #[serde(default)]
    pub base_salaries: Vec<BaseSalary>,
    /// The cash that goes with each award, as a multiple of the base salary, by kind of recipient and regime.
    #[serde(default)]
    pub cash_awards: Vec<CashAward>,
    /// How a cash amount is rounded, by regime.
    #[serde(default)]
    pub cash_rounding: Vec<CashRounding>,
    /// How long the council's list is published for comments, and for which titles.
    #[serde(default)]
    pub publication: Option<PublicationRule>,
    /// Public holidays (ngày nghỉ lễ, Tết), which do not count as working days.
    #[serde(default)]
    pub holidays: Vec<Holiday>,
    /// The documents a nomination's dossier must hold, by title and regime: the office's receipt checklist.
    #[serde(default)]
    pub dossier_documents: Vec<DossierDocument>,
    /// How many years of awards an achievement report for a title lists (its section III).
    #[serde(default)]
    pub report_windows: Vec<ReportWindow>,
    /// The wording of the documents' forms, by form and regime: what an admin changes for a province's own header
    /// or a new decree's form, without a new build. A text an entry does not give keeps the built-in wording.
    #[serde(default)]
    pub forms: Vec<FormTexts>,
    /// The share of direct workers among individuals commended that the office aims for: the dashboard shows
    /// the year's share against it.
    #[serde(default)]
    pub direct_worker_target: Option<DirectWorkerTarget>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DirectWorkerTarget {
    pub percent: u32,
    pub article: String,
    pub certainty: Certainty,
}

/// The forms the product fills, and the texts of each that a `FormTexts` may give ({title}, {year}, {regime}
/// and {date} are filled in). Every form also takes the texts of `COMMON_FORM_TEXTS`.
pub const FORMS: [(&str, &[&str]); 7] = [
    ("bao-cao-ca-nhan", &["heading.profile", "heading.achievements", "heading.awards"]),
    ("bao-cao-tap-the", &["heading.profile", "heading.achievements", "heading.awards"]),
    ("phieu-bau", &["instructions"]),
    ("kiem-phieu", &[]),
    ("bien-ban", &[]),
    ("to-trinh", &["basis", "addressee"]),
    ("quyet-dinh", &["basis"]),
];

/// Texts every form takes: its type and trích yếu, the header's two lines for the issuer, the signature blocks'
/// roles, and the nơi nhận (one per line).
pub const COMMON_FORM_TEXTS: [&str; 7] =
    ["kind", "summary", "letterhead.parent", "letterhead.issuer", "signature.1", "signature.2", "recipients"];

/// The wording of one form under some regimes (empty: every regime).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FormTexts {
    pub form: String,
    #[serde(default)]
    pub regimes: Vec<String>,
    /// The form as the law names it: "Mẫu số 03, Phụ lục I, Nghị định 98/2023/NĐ-CP".
    pub name: String,
    #[serde(default)]
    pub texts: std::collections::BTreeMap<String, String>,
    pub certainty: Certainty,
}

/// The years section III of an achievement report covers for `title`, counted back from the nomination's year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReportWindow {
    pub title: String,
    pub years: u32,
    pub article: String,
    pub certainty: Certainty,
}

/// One document of a nomination's dossier (thành phần hồ sơ): the proposing unit ticks it on the nomination, and
/// the office sees at receipt what is missing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DossierDocument {
    pub code: String,
    pub name: String,
    /// The titles whose dossier needs it; empty: every title.
    #[serde(default)]
    pub titles: Vec<String>,
    /// The regimes under which it is needed; empty: every regime.
    #[serde(default)]
    pub regimes: Vec<String>,
    pub article: String,
    pub certainty: Certainty,
}

/// The public consultation (lấy ý kiến nhân dân) before a decision: `working_days` working days, for `titles`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PublicationRule {
    pub working_days: u32,
    pub titles: Vec<String>,
    pub article: String,
    pub certainty: Certainty,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Holiday {
    pub date: NaiveDate,
    pub name: String,
    pub certainty: Certainty,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Abbreviation {
    pub short: String,
    pub long: String,
}

/// A legal regime: the instruments in force between two dates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub id: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: Option<NaiveDate>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    /// An emulation title (danh hiệu thi đua).
    DanhHieu,
    /// A form of commendation (hình thức khen thưởng).
    HinhThuc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Person,
    Collective,
    Any,
}

impl Subject {
    pub fn admits(self, nominee: NomineeKind) -> bool {
        matches!(
            (self, nominee),
            (Subject::Any, _) | (Subject::Person, NomineeKind::Person) | (Subject::Collective, NomineeKind::Collective)
        )
    }
}

/// A title or form in the catalog. `aliases` are the names it had under earlier regimes or on old decisions; an
/// alias ending in " *" matches every name that begins with it ("Bằng khen của Chủ tịch UBND tỉnh *").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TitleDef {
    pub code: String,
    pub name: String,
    pub kind: TitleKind,
    pub subject: Subject,
    /// Defined by law: an admin may rename it or add aliases but not delete it.
    pub statutory: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    /// The track it is given for when a recorded award does not say: the year's regular results unless the
    /// catalog says otherwise (a Kỷ niệm chương rewards a career; a Huân chương, null, may reward either).
    #[serde(default = "regular_track", skip_serializing_if = "is_regular_track")]
    pub usual_track: Option<Track>,
}

fn regular_track() -> Option<Track> {
    Some(Track::ThuongXuyen)
}

fn is_regular_track(track: &Option<Track>) -> bool {
    *track == regular_track()
}

/// The conditions for one title under some regimes. `title` "*" applies to every title.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub title: String,
    /// Only for this kind of nominee; absent for both.
    #[serde(default)]
    pub subject: Option<Subject>,
    pub regimes: Vec<String>,
    /// Only for nominations of these tracks; empty for every track.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tracks: Vec<Track>,
    #[serde(default)]
    pub vote: Option<Vote>,
    pub conditions: Vec<Condition>,
}

/// How the council votes on the title: passed when the yes votes are at least (or, `strictly_more`, more than)
/// `percent`% of the members counted by `denominator`, compared in whole numbers and never rounded up.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Vote {
    pub percent: u32,
    /// Counted over all council members, not only those present: what books written before `denominator` say.
    #[serde(default)]
    pub of_all_members: bool,
    /// Whom the percentage counts; absent, `of_all_members` decides between all members and those present.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub denominator: Option<Denominator>,
    /// "Trên 90%" rather than "từ 90% trở lên".
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strictly_more: bool,
    pub secret: bool,
    pub article: String,
    pub certainty: Certainty,
}

/// Whom a vote's percentage is of.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// Every member of the council on the session's roster ("tổng số thành viên Hội đồng").
    AllMembers,
    /// The members present at the meeting, and the absent ones whose written vote was received (their yes counts,
    /// so they are counted).
    Present,
    /// The members who voted: ballots returned, and written votes received.
    Participants,
}

impl Denominator {
    pub fn label(self) -> &'static str {
        match self {
            Denominator::AllMembers => "tổng số thành viên Hội đồng",
            Denominator::Present => "số thành viên có mặt",
            Denominator::Participants => "số thành viên tham gia biểu quyết",
        }
    }
}

impl Vote {
    pub fn denominator(&self) -> Denominator {
        self.denominator.unwrap_or(if self.of_all_members { Denominator::AllMembers } else { Denominator::Present })
    }

    /// The fewest yes votes that pass out of `of` members: 90% of 19 is 17.1, so 18.
    pub fn needed(&self, of: u32) -> u32 {
        let share = u64::from(self.percent) * u64::from(of);
        let needed = if self.strictly_more { share / 100 + 1 } else { share.div_ceil(100) };
        u32::try_from(needed).unwrap_or(u32::MAX)
    }

    /// "Bỏ phiếu kín, từ 90% trở lên tổng số thành viên Hội đồng"
    pub fn describe(&self) -> String {
        let method = if self.secret { "Bỏ phiếu kín" } else { "Biểu quyết" };
        let comparison = if self.strictly_more {
            format!("trên {}%", self.percent)
        } else {
            format!("từ {}% trở lên", self.percent)
        };
        format!("{method}, {comparison} {}", self.denominator().label())
    }
}

/// The council's standing rules (quy chế hoạt động của Hội đồng).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CouncilRules {
    pub quorum: Quorum,
    /// The vote on a title whose rule names none: a majority.
    pub default_vote: Vote,
}

/// A meeting may count votes once at least `numerator`/`denominator` of all members are present.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Quorum {
    pub numerator: u32,
    pub denominator: u32,
    pub article: String,
    pub certainty: Certainty,
}

impl Quorum {
    /// The fewest attending members out of `members` that make a quorum: 2/3 of 19 is 12.67, so 13.
    pub fn needed(&self, members: u32) -> u32 {
        let share = u64::from(self.numerator) * u64::from(members);
        u32::try_from(share.div_ceil(u64::from(self.denominator.max(1)))).unwrap_or(u32::MAX)
    }
}

impl Default for CouncilRules {
    /// What a book written before the council's rules were data is read with: the shipped book's rules.
    fn default() -> Self {
        CouncilRules {
            quorum: Quorum {
                numerator: 2,
                denominator: 3,
                article: "Quy chế hoạt động của Hội đồng TĐKT (ít nhất 2/3 tổng số thành viên)".into(),
                certainty: Certainty::K,
            },
            default_vote: Vote {
                percent: 50,
                of_all_members: true,
                denominator: Some(Denominator::AllMembers),
                strictly_more: true,
                secret: false,
                article: "Quy chế hoạt động của Hội đồng TĐKT (nguyên tắc đa số)".into(),
                certainty: Certainty::K,
            },
        }
    }
}

/// How sure we are of a rule, as tagged in the domain notes: confirmed in a public source, believed true, or
/// uncertain. Shown beside each condition so nobody mistakes a default for the gazette.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    C,
    K,
    U,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub check: Check,
    pub article: String,
    pub certainty: Certainty,
}

/// One checkable condition. Years are counted back from the nomination's year, which is included.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The year's rating is at least `rating`.
    MinRating { rating: Rating },
    /// No discipline in the year.
    NoDiscipline,
    /// At least `months` months worked in the year. Where nobody recorded the months, a person confirms.
    MinMonthsWorked { months: u8 },
    /// Holds `title` that year (awarded, or proposed in the same round).
    HoldsTitle { title: String },
    /// Held `title` in some earlier year.
    HoldsTitleBefore { title: String },
    /// Was awarded `title` before the `years` years counted back from the nomination's year: the run that follows
    /// it ("05 năm tiếp theo") starts the year after it. An award inside those years does not start them.
    TitleBeforeRun { title: String, years: u32 },
    /// Rated "xuất sắc" that year, or an initiative recognised (or research accepted) that year.
    ExcellentOrInitiative,
    /// `years` consecutive years of `title`, up to the nomination's year.
    ConsecutiveTitle { title: String, years: u32 },
    /// `times` consecutive times of `title` ("02 lần liên tục"), the last in the nomination's year: each time
    /// takes `every_years` years of the title below it, so consecutive times are `every_years` apart.
    ConsecutiveTimes { title: String, times: u32, every_years: u32 },
    /// `years` consecutive years rated at least `rating`.
    ConsecutiveRating { rating: Rating, years: u32 },
    /// At least `count` initiatives of at least `scope` recognised in the last `years` years; with `research`,
    /// accepted research counts as an initiative.
    Initiatives {
        scope: Scope,
        count: u32,
        years: u32,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        research: bool,
    },
    /// An unbroken run of at least `min_years` years rated at least `rating`, ending in the nomination's year,
    /// with at least `count` initiatives of at least `scope` anywhere in it ("từ 02 năm trở lên liên tục, trong
    /// thời gian đó có 02 sáng kiến").
    RunWithInitiatives {
        rating: Rating,
        min_years: u32,
        count: u32,
        scope: Scope,
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        research: bool,
    },
    /// The last `years` years were not already counted for an earlier award of the nominated title (the same
    /// years of the title below may not back two of them). Where they were, the office confirms.
    YearsNotReused { years: u32 },
    /// Any one of the groups holds in full.
    AnyOf {
        #[cfg_attr(feature = "openapi", schema(no_recursion))]
        options: Vec<Vec<Check>>,
    },
    /// Of the members serving that year, more than (or at least) `percent`% hold `title`.
    MemberShare { title: String, percent: u32, strictly_more: bool },
    /// At least `count` members hold `title` that year.
    MembersWithTitle { title: String, count: u32 },
    /// Every member serving that year is rated at least `rating`.
    AllMembersRating { rating: Rating },
    /// No member disciplined at `from` or heavier that year.
    NoMemberDisciplined { from: Discipline },
    /// The unit's nominations for `title` that year are at most `max_percent`% (rounded up) of its `of_title`
    /// holders.
    Quota { title: String, of_title: String, max_percent: u32 },
    /// The same achievement is not rewarded twice, nor proposed twice.
    NotRewardedTwice,
    /// Leads its cluster or block: within the covenant's quota for the nominated title in the published ranking
    /// of the nomination's year. Until a ranking is published, a person confirms it.
    LeadsCluster,
    /// Not checkable from records: the office confirms it.
    Manual { text: String },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub title: String,
    pub title_name: String,
    pub year: i32,
    pub regime: String,
    pub regime_name: String,
    /// No condition unmet. Conditions to confirm by hand do not count against it.
    pub eligible: bool,
    pub items: Vec<VerdictItem>,
    #[serde(default)]
    pub vote: Option<Vote>,
    pub rulebook_version: i64,
    /// How the names recorded on the nominee's awards were read: each one that is not the catalog's own name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub readings: Vec<NameReading>,
}

/// A name as recorded on an award, and the catalog title it was read as (None: not recognised, so no rule
/// counts it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NameReading {
    pub recorded: String,
    pub years: Vec<i32>,
    pub title: Option<String>,
    pub title_name: Option<String>,
}

impl Verdict {
    pub fn unmet(&self) -> impl Iterator<Item = &VerdictItem> {
        self.items.iter().filter(|i| i.met == Some(false))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerdictItem {
    /// None: to be confirmed by a person.
    pub met: Option<bool>,
    pub text: String,
    pub article: String,
    pub certainty: Certainty,
}

impl RuleBook {
    /// The rulebook shipped with the server.
    pub fn default_book() -> Result<RuleBook, serde_json::Error> {
        serde_json::from_str(DEFAULT_RULEBOOK)
    }

    /// The catalog entry for a code, current name or former name, as written on a decision. (To read many names,
    /// build the [`TitleIndex`] once.)
    pub fn title(&self, name_or_code: &str) -> Option<&TitleDef> {
        self.titles.iter().find(|t| t.code == name_or_code).or_else(|| self.index().resolve(name_or_code))
    }

    pub fn title_name<'a>(&'a self, code: &'a str) -> &'a str {
        self.title(code).map_or(code, |t| t.name.as_str())
    }

    /// The regime in force at the end of `year`: the year a title is awarded for.
    pub fn regime_for_year(&self, year: i32) -> Option<&Regime> {
        self.regime_on(NaiveDate::from_ymd_opt(year, 12, 31)?)
    }

    pub fn regime_on(&self, date: NaiveDate) -> Option<&Regime> {
        self.regimes.iter().find(|r| r.valid_from <= date && r.valid_to.is_none_or(|to| date <= to))
    }

    /// The documents the dossier of a nomination for `title` judged under `regime` must hold, in book order.
    pub fn required_documents(&self, title: &str, regime: &str) -> Vec<&DossierDocument> {
        let code = self.title(title).map_or(title, |t| t.code.as_str());
        self.dossier_documents
            .iter()
            .filter(|d| d.titles.is_empty() || d.titles.iter().any(|t| t == code))
            .filter(|d| d.regimes.is_empty() || d.regimes.iter().any(|r| r == regime))
            .collect()
    }

    /// The years section III of a report for `title` lists; None: every year on record.
    pub fn report_years(&self, title: &str) -> Option<u32> {
        let code = self.title(title).map_or(title, |t| t.code.as_str());
        self.report_windows.iter().find(|w| w.title == code).map(|w| w.years)
    }

    /// Of the documents that dossier needs, those not among `provided` (document codes).
    pub fn missing_documents(&self, title: &str, regime: &str, provided: &[String]) -> Vec<&DossierDocument> {
        let mut missing = self.required_documents(title, regime);
        missing.retain(|d| !provided.contains(&d.code));
        missing
    }

    /// The texts of `form` under `regime`: an entry naming the regime before one for every regime.
    pub fn form_texts(&self, form: &str, regime: &str) -> Option<&FormTexts> {
        let of_form = || self.forms.iter().filter(move |f| f.form == form);
        of_form().find(|f| f.regimes.iter().any(|r| r == regime)).or_else(|| of_form().find(|f| f.regimes.is_empty()))
    }

    /// How the council votes on `title` for a `nominee` under `regime`: the vote its rule names, or the
    /// council's default.
    pub fn vote_for(&self, title: &str, nominee: NomineeKind, regime: &str) -> &Vote {
        let code = self.title(title).map_or(title, |t| t.code.as_str());
        self.rules
            .iter()
            .filter(|r| r.title == code && r.regimes.iter().any(|id| id == regime))
            .filter(|r| r.subject.is_none_or(|s| s.admits(nominee)))
            .find_map(|r| r.vote.as_ref())
            .unwrap_or(&self.council.default_vote)
    }
}
