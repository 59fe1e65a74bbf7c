//! Ballots that council members cast on their own devices, online or queued on a tablet while the meeting
//! room has no network. A secret ballot must not let anyone link a member to a choice, so the server keeps two
//! things that share nothing but the session: that a member voted (so each member counts once, a replayed
//! ballot included), and running totals of the choices. This module holds the checks and the arithmetic both
//! sides share; who may vote is read from the session's roster and attendance.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::council::{CouncilSession, Presence, Tally};

/// A member's choice on one candidate. A candidate left unmarked is a blank, which the counting committee
/// writes down as an invalid ballot for that candidate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BallotChoice {
    Yes,
    No,
    Blank,
}

impl BallotChoice {
    pub const ALL: [BallotChoice; 3] = [BallotChoice::Yes, BallotChoice::No, BallotChoice::Blank];

    pub fn label(self) -> &'static str {
        match self {
            BallotChoice::Yes => "Đồng ý",
            BallotChoice::No => "Không đồng ý",
            BallotChoice::Blank => "Không đánh dấu",
        }
    }
}

/// `POST /api/council/sessions/{id}/ballot`: one member's ballot paper, a choice for every candidate of the
/// session by nomination id. The member is the signed-in user; the ballot names nobody.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CastBallot {
    pub choices: BTreeMap<String, BallotChoice>,
}

/// The answer to a ballot: whether this sending counted it. A ballot sent again (a tablet replaying its queue,
/// two taps at once) is answered too, with `counted: false`, so the device can forget it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotReceipt {
    pub counted: bool,
    pub message: String,
}

/// How a member takes part: at the meeting, or in writing while absent (biểu quyết bằng văn bản).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    Meeting,
    Written,
}

/// The running totals of one candidate's choices from one channel.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Totals {
    pub yes: u32,
    pub no: u32,
    pub blank: u32,
}

impl Totals {
    pub fn add(&mut self, choice: BallotChoice) {
        let slot = match choice {
            BallotChoice::Yes => &mut self.yes,
            BallotChoice::No => &mut self.no,
            BallotChoice::Blank => &mut self.blank,
        };
        *slot = slot.saturating_add(1);
    }

    pub fn ballots(&self) -> u32 {
        self.yes.saturating_add(self.no).saturating_add(self.blank)
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CandidateTotals {
    pub nomination_id: String,
    pub meeting: Totals,
    pub written: Totals,
}

/// `GET /api/council/sessions/{id}/ballots`: who has voted (never how), and the totals once the office has
/// closed the box; before that nobody sees a running count.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotBox {
    /// Member ids, in roster order.
    pub voted: Vec<String>,
    pub closed: bool,
    pub totals: Vec<CandidateTotals>,
}

/// Why a ballot is not taken; `Display` is the Vietnamese refusal.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BallotError {
    #[error("Bạn không có tên trong danh sách Hội đồng của phiên họp này")]
    NotOnRoster,
    #[error("Theo điểm danh, bạn vắng mặt và không biểu quyết bằng văn bản; Văn phòng cần cập nhật điểm danh trước")]
    Absent,
    #[error("Biên bản phiên họp đã được xác nhận; không nhận thêm phiếu")]
    Locked,
    #[error("Văn phòng đã kết thúc bỏ phiếu của phiên họp này; không nhận thêm phiếu")]
    Closed,
    #[error("Phiếu phải có đủ và chỉ có các đề nghị của phiên họp (thiếu: {missing}; thừa: {unknown})")]
    Candidates { missing: String, unknown: String },
}

/// The roster member the user `user_id` is in `session`, and the channel they vote in; the ballot must hold a
/// choice for every candidate and no other.
pub fn check_ballot(
    session: &CouncilSession,
    user_id: &str,
    ballot: &CastBallot,
) -> Result<(String, Channel), BallotError> {
    if session.locked() {
        return Err(BallotError::Locked);
    }
    let member =
        session.roster.iter().find(|m| m.user_id.as_deref() == Some(user_id)).ok_or(BallotError::NotOnRoster)?;
    let channel = match session.presence.get(&member.id).copied().unwrap_or(Presence::Absent) {
        Presence::Present => Channel::Meeting,
        Presence::Written => Channel::Written,
        Presence::Absent => return Err(BallotError::Absent),
    };
    let missing: Vec<&str> = session
        .candidates
        .iter()
        .filter(|c| !ballot.choices.contains_key(&c.nomination_id))
        .map(|c| c.nominee_name.as_str())
        .collect();
    let unknown: Vec<&str> = ballot
        .choices
        .keys()
        .filter(|id| !session.candidates.iter().any(|c| &c.nomination_id == *id))
        .map(String::as_str)
        .collect();
    if !missing.is_empty() || !unknown.is_empty() {
        let list = |names: Vec<&str>| if names.is_empty() { "không".to_owned() } else { names.join(", ") };
        return Err(BallotError::Candidates { missing: list(missing), unknown: list(unknown) });
    }
    Ok((member.id.clone(), channel))
}

/// The counting committee's tally of one candidate from the box: a ballot was issued to every member present,
/// those who voted returned it, and an unmarked choice is an invalid ballot for that candidate. Written votes
/// of absent members count as written votes; a blank one is not a vote.
pub fn tally_from(totals: &CandidateTotals, present: u32) -> Tally {
    let meeting = totals.meeting;
    Tally {
        issued: present,
        returned: meeting.ballots(),
        valid: meeting.yes.saturating_add(meeting.no),
        invalid: meeting.blank,
        yes: meeting.yes,
        no: meeting.no,
        written_yes: totals.written.yes,
        written_no: totals.written.no,
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::council::{Attendance, Candidate, CouncilMember, CouncilRole, SessionMode};
    use crate::dossier::NomineeKind;

    fn member(id: &str, user: Option<&str>) -> CouncilMember {
        CouncilMember {
            id: id.into(),
            name: format!("Thành viên {id}"),
            position: String::new(),
            role: CouncilRole::UyVien,
            valid_from: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
            valid_to: None,
            user_id: user.map(str::to_owned),
        }
    }

    fn candidate(id: &str) -> Candidate {
        Candidate {
            nomination_id: id.into(),
            unit_id: "u".into(),
            unit_name: "Đơn vị".into(),
            nominee_kind: NomineeKind::Person,
            nominee_id: "p".into(),
            nominee_name: format!("Người {id}"),
            title: "cstd-bo-tinh".into(),
            title_name: "CSTĐ".into(),
            year: 2026,
            regime: "luat-2022-nd152".into(),
            summary: String::new(),
            tally: None,
            result: None,
        }
    }

    fn session() -> CouncilSession {
        CouncilSession {
            id: "s".into(),
            unit_id: "so".into(),
            held_on: NaiveDate::from_ymd_opt(2026, 12, 10).unwrap(),
            place: "Phòng họp".into(),
            mode: SessionMode::Meeting,
            roster: vec![member("a", Some("user-a")), member("b", Some("user-b")), member("c", None)],
            presence: [("a".to_owned(), Presence::Present), ("b".to_owned(), Presence::Written)].into(),
            candidates: vec![candidate("n1"), candidate("n2")],
            corrects: None,
            chair_confirmed: None,
            secretary_confirmed: None,
            version: 1,
        }
    }

    fn ballot(choices: &[(&str, BallotChoice)]) -> CastBallot {
        CastBallot { choices: choices.iter().map(|(id, c)| ((*id).to_owned(), *c)).collect() }
    }

    #[test]
    fn a_member_votes_in_the_channel_of_their_attendance() {
        let full = ballot(&[("n1", BallotChoice::Yes), ("n2", BallotChoice::No)]);
        assert_eq!(check_ballot(&session(), "user-a", &full), Ok(("a".into(), Channel::Meeting)));
        assert_eq!(check_ballot(&session(), "user-b", &full), Ok(("b".into(), Channel::Written)));
        assert_eq!(check_ballot(&session(), "someone", &full), Err(BallotError::NotOnRoster));
        let mut absent = session();
        absent.presence.remove("a");
        assert_eq!(check_ballot(&absent, "user-a", &full), Err(BallotError::Absent));
    }

    #[test]
    fn a_ballot_holds_every_candidate_and_no_other() {
        let short = ballot(&[("n1", BallotChoice::Yes)]);
        assert_eq!(
            check_ballot(&session(), "user-a", &short),
            Err(BallotError::Candidates { missing: "Người n2".into(), unknown: "không".into() })
        );
        let stray = ballot(&[("n1", BallotChoice::Yes), ("n2", BallotChoice::Yes), ("n9", BallotChoice::No)]);
        let refusal = check_ballot(&session(), "user-a", &stray).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "Phiếu phải có đủ và chỉ có các đề nghị của phiên họp (thiếu: không; thừa: n9)"
        );
    }

    #[test]
    fn a_locked_session_takes_no_ballot() {
        let mut locked = session();
        let at = chrono::Utc::now();
        locked.chair_confirmed = Some(crate::council::Confirmation { member_id: "a".into(), at });
        locked.secretary_confirmed = Some(crate::council::Confirmation { member_id: "b".into(), at });
        let full = ballot(&[("n1", BallotChoice::Yes), ("n2", BallotChoice::No)]);
        assert_eq!(check_ballot(&locked, "user-a", &full), Err(BallotError::Locked));
    }

    #[test]
    fn the_box_becomes_a_tally_that_checks() {
        let mut totals = CandidateTotals { nomination_id: "n1".into(), ..Default::default() };
        for choice in [BallotChoice::Yes; 15].into_iter().chain([BallotChoice::No, BallotChoice::Blank]) {
            totals.meeting.add(choice);
        }
        totals.written.add(BallotChoice::Yes);
        totals.written.add(BallotChoice::Blank);
        let tally = tally_from(&totals, 17);
        assert_eq!(
            tally,
            Tally { issued: 17, returned: 17, valid: 16, invalid: 1, yes: 15, no: 1, written_yes: 1, written_no: 0 }
        );
        let attendance = Attendance { members: 19, present: 17, written: 2 };
        assert_eq!(tally.check(&attendance), Ok(()));
        // Two present members did not vote: fewer ballots returned than issued still adds up.
        assert_eq!(tally_from(&totals, 19).check(&Attendance { members: 21, present: 19, written: 2 }), Ok(()));
        // A written vote from a council whose attendance lists nobody voting in writing does not.
        assert!(tally_from(&totals, 19).check(&Attendance { members: 19, present: 19, written: 0 }).is_err());
    }
}
