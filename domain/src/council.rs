//! The emulation council's session as the rules count it: who was on the roster that day, whether enough of
//! them attend, whether a ballot count adds up, and whether a candidate passes the vote its title needs.
//!
//! Every comparison is in whole numbers: a share is never rounded up in a candidate's favour (90% of 19 members
//! is 17.1, so 18 yes votes are needed).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::format_date;
use crate::dossier::NomineeKind;
use crate::rules::{Denominator, Quorum, Vote};

/// A member's place on the council (Hội đồng Thi đua - Khen thưởng).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CouncilRole {
    ChuTich,
    PhoChuTichThuongTruc,
    PhoChuTich,
    UyVien,
    /// The secretary, who keeps the minutes; a voting member like the others.
    ThuKy,
}

impl CouncilRole {
    pub const ALL: [CouncilRole; 5] = [
        CouncilRole::ChuTich,
        CouncilRole::PhoChuTichThuongTruc,
        CouncilRole::PhoChuTich,
        CouncilRole::UyVien,
        CouncilRole::ThuKy,
    ];

    pub fn label(self) -> &'static str {
        match self {
            CouncilRole::ChuTich => "Chủ tịch Hội đồng",
            CouncilRole::PhoChuTichThuongTruc => "Phó Chủ tịch thường trực",
            CouncilRole::PhoChuTich => "Phó Chủ tịch",
            CouncilRole::UyVien => "Ủy viên",
            CouncilRole::ThuKy => "Thư ký",
        }
    }
}

/// One member's seat, from the day they were appointed to the day they left (None: still serving).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CouncilMember {
    pub id: String,
    pub name: String,
    /// Their office outside the council ("Giám đốc Sở Văn hóa, Thể thao và Du lịch").
    pub position: String,
    pub role: CouncilRole,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub valid_to: Option<NaiveDate>,
    /// The account the member signs in with, to vote on a device and to confirm the minutes.
    #[serde(default)]
    pub user_id: Option<String>,
}

impl CouncilMember {
    pub fn serves_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_to.is_none_or(|to| date <= to)
    }
}

/// The members serving on `date`, chair first: the roster a session keeps, whatever changes later.
pub fn roster_on(members: &[CouncilMember], date: NaiveDate) -> Vec<CouncilMember> {
    let mut roster: Vec<CouncilMember> = members.iter().filter(|m| m.serves_on(date)).cloned().collect();
    roster.sort_by(|a, b| (a.role, &a.name).cmp(&(b.role, &b.name)));
    roster
}

/// How the session votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// A meeting; members who cannot come may vote in writing.
    Meeting,
    /// Written votes only (lấy ý kiến bằng văn bản), when a meeting cannot be convened in time.
    Written,
}

impl SessionMode {
    pub fn label(self) -> &'static str {
        match self {
            SessionMode::Meeting => "Họp trực tiếp",
            SessionMode::Written => "Lấy ý kiến bằng văn bản",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Present,
    Absent,
    /// Absent, voting in writing.
    Written,
}

impl Presence {
    pub fn label(self) -> &'static str {
        match self {
            Presence::Present => "Có mặt",
            Presence::Absent => "Vắng mặt",
            Presence::Written => "Vắng, biểu quyết bằng văn bản",
        }
    }
}

/// Head counts of a session's roster.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub members: u32,
    pub present: u32,
    pub written: u32,
}

impl Attendance {
    pub fn count(presences: impl IntoIterator<Item = Presence>) -> Self {
        let mut attendance = Attendance::default();
        for presence in presences {
            attendance.members += 1;
            match presence {
                Presence::Present => attendance.present += 1,
                Presence::Written => attendance.written += 1,
                Presence::Absent => {}
            }
        }
        attendance
    }

    /// Who counts towards the quorum: the members present at a meeting; the written answers of a written vote.
    pub fn attending(&self, mode: SessionMode) -> u32 {
        match mode {
            SessionMode::Meeting => self.present,
            SessionMode::Written => self.written,
        }
    }
}

/// Why a session may not count its votes yet; `Display` is the Vietnamese refusal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuorumError {
    #[error("Hội đồng chưa có thành viên nào trong danh sách ngày họp")]
    NoMembers,
    #[error(
        "Chưa đủ số thành viên để biểu quyết: {attending}/{members} {what}, cần ít nhất {needed} ({numerator}/{denominator} tổng số thành viên, {article})"
    )]
    NotMet {
        attending: u32,
        members: u32,
        what: &'static str,
        needed: u32,
        numerator: u32,
        denominator: u32,
        article: String,
    },
}

pub fn check_quorum(quorum: &Quorum, mode: SessionMode, attendance: &Attendance) -> Result<(), QuorumError> {
    if attendance.members == 0 {
        return Err(QuorumError::NoMembers);
    }
    let needed = quorum.needed(attendance.members);
    let attending = attendance.attending(mode);
    if attending >= needed {
        return Ok(());
    }
    Err(QuorumError::NotMet {
        attending,
        members: attendance.members,
        what: match mode {
            SessionMode::Meeting => "thành viên có mặt",
            SessionMode::Written => "thành viên gửi ý kiến",
        },
        needed,
        numerator: quorum.numerator,
        denominator: quorum.denominator,
        article: quorum.article.clone(),
    })
}

/// One candidate's count, as the counting committee (ban kiểm phiếu) writes it in its minutes: the ballots of the
/// meeting, then the written votes of the members who could not come.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Tally {
    pub issued: u32,
    pub returned: u32,
    pub valid: u32,
    pub invalid: u32,
    pub yes: u32,
    pub no: u32,
    #[serde(default)]
    pub written_yes: u32,
    #[serde(default)]
    pub written_no: u32,
}

/// A count that does not add up; `Display` is the Vietnamese refusal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TallyError {
    #[error("Số phiếu đồng ý ({yes}) và không đồng ý ({no}) phải cộng lại bằng số phiếu hợp lệ ({valid})")]
    YesNoNotValid { yes: u32, no: u32, valid: u32 },
    #[error("Số phiếu hợp lệ ({valid}) và không hợp lệ ({invalid}) phải cộng lại bằng số phiếu thu về ({returned})")]
    ValidInvalidNotReturned { valid: u32, invalid: u32, returned: u32 },
    #[error("Số phiếu thu về ({returned}) vượt số phiếu phát ra ({issued})")]
    ReturnedOverIssued { returned: u32, issued: u32 },
    #[error("Số phiếu phát ra ({issued}) vượt số thành viên có mặt ({present})")]
    IssuedOverPresent { issued: u32, present: u32 },
    #[error(
        "Số phiếu biểu quyết bằng văn bản ({votes}) vượt số thành viên vắng mặt biểu quyết bằng văn bản ({written})"
    )]
    WrittenOverAbsent { votes: u32, written: u32 },
}

impl Tally {
    pub fn written_votes(&self) -> u32 {
        self.written_yes.saturating_add(self.written_no)
    }

    /// The members who voted: ballots returned, and written votes received.
    pub fn participants(&self) -> u32 {
        self.returned.saturating_add(self.written_votes())
    }

    pub fn check(&self, attendance: &Attendance) -> Result<(), TallyError> {
        if u64::from(self.yes) + u64::from(self.no) != u64::from(self.valid) {
            return Err(TallyError::YesNoNotValid { yes: self.yes, no: self.no, valid: self.valid });
        }
        if u64::from(self.valid) + u64::from(self.invalid) != u64::from(self.returned) {
            return Err(TallyError::ValidInvalidNotReturned {
                valid: self.valid,
                invalid: self.invalid,
                returned: self.returned,
            });
        }
        if self.returned > self.issued {
            return Err(TallyError::ReturnedOverIssued { returned: self.returned, issued: self.issued });
        }
        if self.issued > attendance.present {
            return Err(TallyError::IssuedOverPresent { issued: self.issued, present: attendance.present });
        }
        if self.written_votes() > attendance.written {
            return Err(TallyError::WrittenOverAbsent { votes: self.written_votes(), written: attendance.written });
        }
        Ok(())
    }
}

/// A candidate's result under the vote its title needs, with the rule shown beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoteResult {
    /// Ballots and written votes in favour.
    pub yes: u32,
    /// The members the percentage is of.
    pub of: u32,
    /// The fewest yes votes that pass.
    pub needed: u32,
    pub passed: bool,
    pub rule: Vote,
}

impl VoteResult {
    /// "18/19 đồng ý (94,7%), cần 18: Đạt"
    pub fn describe(&self) -> String {
        let share = match self.of {
            0 => String::new(),
            of => {
                let tenths = (u64::from(self.yes) * 1000 + u64::from(of) / 2) / u64::from(of);
                format!(" ({},{}%)", tenths / 10, tenths % 10)
            }
        };
        let verdict = if self.passed { "Đạt" } else { "Không đạt" };
        format!("{}/{} đồng ý{share}, cần {}: {verdict}", self.yes, self.of, self.needed)
    }
}

/// The result of `tally` under `vote`. A denominator of nobody passes nobody.
pub fn count(vote: &Vote, tally: &Tally, attendance: &Attendance) -> VoteResult {
    let yes = tally.yes.saturating_add(tally.written_yes);
    let of = match vote.denominator() {
        Denominator::AllMembers => attendance.members,
        Denominator::Present => attendance.present.saturating_add(tally.written_votes()),
        Denominator::Participants => tally.participants(),
    };
    let needed = vote.needed(of);
    VoteResult { yes, of, needed, passed: of > 0 && yes >= needed, rule: vote.clone() }
}

/// A candidate the council votes on: an accepted nomination, as the session shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub nomination_id: String,
    pub unit_id: String,
    pub unit_name: String,
    pub nominee_kind: NomineeKind,
    /// The person's record, or for a collective the unit.
    pub nominee_id: String,
    pub nominee_name: String,
    pub title: String,
    pub title_name: String,
    pub year: i32,
    /// The regime the nomination was judged under: its vote rule is this regime's.
    pub regime: String,
    /// The achievement summary the proposing unit wrote.
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub tally: Option<Tally>,
    #[serde(default)]
    pub result: Option<VoteResult>,
}

/// A council session (phiên họp Hội đồng): its roster as it was that day, who attended, and each candidate's
/// count. Once the chair and the secretary have both confirmed it, it is locked: a correction is a new session
/// that names this one in `corrects`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilSession {
    pub id: String,
    /// The office whose council this is.
    pub unit_id: String,
    pub held_on: NaiveDate,
    pub place: String,
    pub mode: SessionMode,
    pub roster: Vec<CouncilMember>,
    /// By member id; a member not listed is absent.
    pub presence: BTreeMap<String, Presence>,
    pub candidates: Vec<Candidate>,
    /// The session this one corrects, if any.
    #[serde(default)]
    pub corrects: Option<String>,
    #[serde(default)]
    pub chair_confirmed: Option<Confirmation>,
    #[serde(default)]
    pub secretary_confirmed: Option<Confirmation>,
    /// Raised by every change; a change names the version it was made on, so two people's edits never silently
    /// overwrite each other.
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confirmation {
    pub member_id: String,
    pub at: DateTime<Utc>,
}

impl CouncilSession {
    pub fn attendance(&self) -> Attendance {
        Attendance::count(self.roster.iter().map(|m| self.presence.get(&m.id).copied().unwrap_or(Presence::Absent)))
    }

    pub fn locked(&self) -> bool {
        self.chair_confirmed.is_some() && self.secretary_confirmed.is_some()
    }

    pub fn member_in(&self, role: CouncilRole) -> Option<&CouncilMember> {
        self.roster.iter().find(|m| m.role == role)
    }

    /// The member who chairs the session: the chair, or in their absence the standing vice-chair.
    pub fn chair(&self) -> Option<&CouncilMember> {
        [CouncilRole::ChuTich, CouncilRole::PhoChuTichThuongTruc, CouncilRole::PhoChuTich]
            .into_iter()
            .filter_map(|role| self.member_in(role))
            .find(|m| self.presence.get(&m.id) == Some(&Presence::Present) || self.mode == SessionMode::Written)
            .or_else(|| self.member_in(CouncilRole::ChuTich))
    }

    /// The minutes (biên bản họp Hội đồng), as text: time, place, chair, secretary, who attended, the agenda,
    /// each candidate's count and result with the rule applied, and the conclusion.
    pub fn minutes(&self, council_name: &str) -> String {
        let attendance = self.attendance();
        let names = |presence: Presence| {
            let list: Vec<String> = self
                .roster
                .iter()
                .filter(|m| self.presence.get(&m.id).copied().unwrap_or(Presence::Absent) == presence)
                .map(|m| format!("{} ({})", m.name, m.role.label()))
                .collect();
            if list.is_empty() {
                "không có".to_string()
            } else {
                list.join("; ")
            }
        };
        let mut lines = vec![
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".to_string(),
            "Độc lập - Tự do - Hạnh phúc".to_string(),
            String::new(),
            "BIÊN BẢN".to_string(),
            format!("Họp {council_name}"),
            String::new(),
            format!("Thời gian: ngày {}", format_date(self.held_on)),
            format!("Địa điểm: {}", self.place),
            format!("Hình thức: {}", self.mode.label()),
            format!("Chủ trì: {}", self.chair().map_or("chưa có", |m| m.name.as_str())),
            format!("Thư ký: {}", self.member_in(CouncilRole::ThuKy).map_or("chưa có", |m| m.name.as_str())),
            format!(
                "Thành viên: tổng số {}, có mặt {}, vắng biểu quyết bằng văn bản {}, vắng {}",
                attendance.members,
                attendance.present,
                attendance.written,
                attendance.members - attendance.present - attendance.written
            ),
            format!("Có mặt: {}", names(Presence::Present)),
            format!("Vắng, biểu quyết bằng văn bản: {}", names(Presence::Written)),
            format!("Vắng: {}", names(Presence::Absent)),
        ];
        if let Some(corrected) = &self.corrects {
            lines.push(format!("Biên bản này đính chính biên bản phiên họp {corrected}"));
        }
        lines.push(String::new());
        lines.push(format!("Nội dung: xét, bỏ phiếu {} đề nghị khen thưởng", self.candidates.len()));
        let mut passed = Vec::new();
        for (i, candidate) in self.candidates.iter().enumerate() {
            lines.push(format!(
                "{}. {} ({}): {}, năm {}",
                i + 1,
                candidate.nominee_name,
                candidate.unit_name,
                candidate.title_name,
                candidate.year
            ));
            match (&candidate.tally, &candidate.result) {
                (Some(tally), Some(result)) => {
                    lines.push(format!(
                        "   Phiếu phát ra {}, thu về {}, hợp lệ {}, không hợp lệ {}; đồng ý {}, không đồng ý {}; biểu quyết bằng văn bản: đồng ý {}, không đồng ý {}",
                        tally.issued, tally.returned, tally.valid, tally.invalid, tally.yes, tally.no,
                        tally.written_yes, tally.written_no
                    ));
                    lines.push(format!(
                        "   Kết quả: {} ({}; {})",
                        result.describe(),
                        result.rule.describe(),
                        result.rule.article
                    ));
                    if result.passed {
                        passed.push(format!("{} ({})", candidate.nominee_name, candidate.title_name));
                    }
                }
                _ => lines.push("   Chưa kiểm phiếu".to_string()),
            }
        }
        lines.push(String::new());
        lines.push(if passed.is_empty() {
            "Kết luận: không có đề nghị nào đạt tỷ lệ phiếu theo quy định.".to_string()
        } else {
            format!("Kết luận: đề nghị cấp có thẩm quyền khen thưởng: {}.", passed.join("; "))
        });
        let confirmed = |c: &Option<Confirmation>| {
            c.as_ref().map_or("chưa xác nhận".to_string(), |c| {
                format!("đã xác nhận lúc {}", c.at.format("%H:%M %d/%m/%Y"))
            })
        };
        lines.push(format!("Chủ trì: {}", confirmed(&self.chair_confirmed)));
        lines.push(format!("Thư ký: {}", confirmed(&self.secretary_confirmed)));
        lines.join("\n")
    }
}
