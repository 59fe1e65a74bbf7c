//! Table-driven tests of the council's counting (quorum, tallies, every method, comparison and denominator of a
//! vote) and of the cash that goes with each award, on the shipped rulebook.

use chrono::NaiveDate;
use domain::council::{
    check_quorum, count, roster_on, Attendance, CouncilMember, CouncilRole, Presence, SessionMode, Tally, TallyError,
};
use domain::dossier::NomineeKind;
use domain::rules::{Certainty, Denominator, Recipient, RuleBook, Vote};

fn book() -> RuleBook {
    RuleBook::default_book().expect("the shipped rulebook parses")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a real date")
}

fn vote(percent: u32, denominator: Denominator, strictly_more: bool) -> Vote {
    Vote {
        percent,
        of_all_members: false,
        denominator: Some(denominator),
        strictly_more,
        secret: true,
        article: "test".into(),
        certainty: Certainty::C,
    }
}

/// A meeting of `members`, `present` of them there and `written` voting in writing, where every ballot is valid.
fn meeting(members: u32, present: u32, written: u32) -> Attendance {
    Attendance { members, present, written }
}

fn ballots(present: u32, yes: u32, written_yes: u32, written_no: u32) -> Tally {
    Tally {
        issued: present,
        returned: present,
        valid: present,
        invalid: 0,
        yes,
        no: present - yes,
        written_yes,
        written_no,
    }
}

#[test]
fn the_needed_yes_votes_are_whole_numbers_never_rounded_up_for_the_candidate() {
    use Denominator::AllMembers as All;
    // (percent, strictly more, members, needed)
    for (percent, strictly, of, needed) in [
        (90, false, 19, 18), // 17.1 → 18
        (90, false, 20, 18), // exactly 18
        (90, false, 21, 19), // 18.9 → 19
        (90, true, 19, 18),
        (90, true, 20, 19), // 18 is exactly 90%, not more
        (90, true, 21, 19),
        (50, true, 19, 10),
        (50, true, 20, 11),
        (50, false, 20, 10),
        (70, false, 10, 7),
        (70, false, 11, 8), // 7.7 → 8
        (100, false, 7, 7),
        (0, false, 7, 0),
    ] {
        assert_eq!(vote(percent, All, strictly).needed(of), needed, "{percent}% {strictly} of {of}");
    }
}

#[test]
fn every_denominator_counts_its_own_members() {
    // 21 members: 15 present, 4 absent voting in writing (3 of them yes), 2 absent. 14 of 15 ballots valid, 13 yes.
    let attendance = meeting(21, 15, 4);
    let tally =
        Tally { issued: 15, returned: 15, valid: 14, invalid: 1, yes: 13, no: 1, written_yes: 3, written_no: 1 };
    assert_eq!(tally.check(&attendance), Ok(()));
    for (denominator, of, needed, passed) in [
        (Denominator::AllMembers, 21, 19, false), // 16 yes of 21: 76%
        (Denominator::Present, 19, 18, false),    // the 15 there and the 4 written votes
        (Denominator::Participants, 19, 18, false),
    ] {
        let result = count(&vote(90, denominator, false), &tally, &attendance);
        assert_eq!((result.yes, result.of, result.needed, result.passed), (16, of, needed, passed), "{denominator:?}");
    }
    for (denominator, of, passed) in
        [(Denominator::AllMembers, 21, true), (Denominator::Present, 19, true), (Denominator::Participants, 19, true)]
    {
        let result = count(&vote(70, denominator, false), &tally, &attendance);
        assert_eq!((result.of, result.passed), (of, passed), "70% of {denominator:?}");
    }
    // Participants leave out those who did not hand a ballot back.
    let fewer = Tally { returned: 12, valid: 12, invalid: 0, yes: 12, no: 0, ..tally };
    assert_eq!(count(&vote(50, Denominator::Participants, true), &fewer, &attendance).of, 16);
}

#[test]
fn the_issue_s_two_candidates_for_cstd_bo_tinh() {
    let book = book();
    let rule = book.vote_for("cstd-bo-tinh", NomineeKind::Person, "luat-2022-nd152");
    assert!(rule.secret);
    assert_eq!((rule.percent, rule.denominator(), rule.strictly_more), (90, Denominator::AllMembers, false));
    let attendance = meeting(19, 19, 0);
    let first = count(rule, &ballots(19, 18, 0, 0), &attendance);
    let second = count(rule, &ballots(19, 16, 0, 0), &attendance);
    assert!(first.passed && !second.passed);
    assert_eq!(first.describe(), "18/19 đồng ý (94,7%), cần 18: Đạt");
    assert_eq!(second.describe(), "16/19 đồng ý (84,2%), cần 18: Không đạt");
    assert_eq!(rule.describe(), "Bỏ phiếu kín, từ 90% trở lên tổng số thành viên Hội đồng");
}

#[test]
fn absent_members_written_votes_count_with_the_ballots() {
    let rule = vote(90, Denominator::AllMembers, false);
    // 19 members: 16 present, all yes; 3 absent vote in writing.
    let attendance = meeting(19, 16, 3);
    assert!(count(&rule, &ballots(16, 16, 2, 1), &attendance).passed, "16 + 2 = 18 of 19");
    assert!(!count(&rule, &ballots(16, 16, 1, 2), &attendance).passed, "16 + 1 = 17 of 19");
    assert!(!count(&rule, &ballots(16, 16, 0, 0), &attendance).passed, "their votes not received");
    // More written votes than members voting in writing is refused.
    let too_many = ballots(16, 16, 3, 1);
    assert_eq!(too_many.check(&attendance), Err(TallyError::WrittenOverAbsent { votes: 4, written: 3 }));
}

#[test]
fn titles_without_a_vote_of_their_own_take_the_council_s_majority() {
    let book = book();
    let rule = book.vote_for("ldtt", NomineeKind::Person, "luat-2022-nd152");
    assert_eq!(rule, &book.council.default_vote);
    assert_eq!((rule.percent, rule.strictly_more, rule.denominator()), (50, true, Denominator::AllMembers));
    // 19 members: 10 yes pass, 9 do not.
    let attendance = meeting(19, 19, 0);
    assert!(count(rule, &ballots(19, 10, 0, 0), &attendance).passed);
    assert!(!count(rule, &ballots(19, 9, 0, 0), &attendance).passed);
    // A title's rule for collectives does not stand for its rule for people.
    let collective = book.vote_for("bang-khen-ttg", NomineeKind::Collective, "luat-2022-nd152");
    assert_eq!(collective, &book.council.default_vote);
    assert_eq!(
        book.vote_for("bang-khen-ttg", NomineeKind::Person, "luat-2022-nd152").article,
        "Quy chế Hội đồng TĐKT (trên 50% tổng số thành viên)"
    );
}

#[test]
fn nobody_to_count_passes_nobody() {
    let rule = vote(0, Denominator::Participants, false);
    let result = count(&rule, &Tally::default(), &meeting(19, 0, 0));
    assert!(!result.passed);
    assert_eq!(result.describe(), "0/0 đồng ý, cần 0: Không đạt");
}

#[test]
fn the_quorum_is_two_thirds_of_all_members() {
    let quorum = book().council.quorum;
    // (members, present, written, mode, met)
    for (members, present, written, mode, met) in [
        (19, 13, 0, SessionMode::Meeting, true),  // 12.67 → 13
        (19, 12, 6, SessionMode::Meeting, false), // written votes do not make a meeting
        (21, 14, 0, SessionMode::Meeting, true),
        (21, 13, 0, SessionMode::Meeting, false),
        (3, 2, 0, SessionMode::Meeting, true),
        (19, 0, 13, SessionMode::Written, true),
        (19, 0, 12, SessionMode::Written, false),
    ] {
        let result = check_quorum(&quorum, mode, &meeting(members, present, written));
        assert_eq!(result.is_ok(), met, "{present}+{written} of {members}, {mode:?}");
    }
    let refusal = check_quorum(&quorum, SessionMode::Meeting, &meeting(19, 12, 0)).unwrap_err().to_string();
    assert!(
        refusal.starts_with("Chưa đủ số thành viên để biểu quyết: 12/19 thành viên có mặt, cần ít nhất 13"),
        "{refusal}"
    );
    assert!(check_quorum(&quorum, SessionMode::Meeting, &meeting(0, 0, 0)).is_err());
}

#[test]
fn a_count_that_does_not_add_up_is_refused_with_its_reason() {
    let attendance = meeting(19, 17, 2);
    let good = Tally { issued: 17, returned: 16, valid: 15, invalid: 1, yes: 14, no: 1, written_yes: 1, written_no: 1 };
    assert_eq!(good.check(&attendance), Ok(()));
    for (tally, error) in [
        (Tally { yes: 15, ..good }, "Số phiếu đồng ý (15) và không đồng ý (1) phải cộng lại bằng số phiếu hợp lệ (15)"),
        (
            Tally { invalid: 0, ..good },
            "Số phiếu hợp lệ (15) và không hợp lệ (0) phải cộng lại bằng số phiếu thu về (16)",
        ),
        (Tally { issued: 15, ..good }, "Số phiếu thu về (16) vượt số phiếu phát ra (15)"),
        (Tally { issued: 18, ..good }, "Số phiếu phát ra (18) vượt số thành viên có mặt (17)"),
        (
            Tally { written_yes: 2, ..good },
            "Số phiếu biểu quyết bằng văn bản (3) vượt số thành viên vắng mặt biểu quyết bằng văn bản (2)",
        ),
        (
            Tally { yes: u32::MAX, no: 1, valid: 0, ..good },
            "Số phiếu đồng ý (4294967295) và không đồng ý (1) phải cộng lại bằng số phiếu hợp lệ (0)",
        ),
    ] {
        assert_eq!(tally.check(&attendance).map_err(|e| e.to_string()), Err(error.to_string()));
    }
}

#[test]
fn attendance_counts_presences_and_a_roster_is_the_members_serving_that_day() {
    let presences = [Presence::Present, Presence::Present, Presence::Written, Presence::Absent];
    assert_eq!(Attendance::count(presences), meeting(4, 2, 1));
    let member = |id: &str, role, from, to| CouncilMember {
        id: id.into(),
        name: format!("Thành viên {id}"),
        position: String::new(),
        role,
        valid_from: from,
        valid_to: to,
        user_id: None,
    };
    let members = [
        member("b", CouncilRole::UyVien, date(2024, 1, 1), None),
        member("a", CouncilRole::ChuTich, date(2024, 1, 1), Some(date(2026, 6, 30))),
        member("c", CouncilRole::ChuTich, date(2026, 7, 1), None),
        member("d", CouncilRole::ThuKy, date(2026, 12, 10), None),
    ];
    let ids = |day| roster_on(&members, day).into_iter().map(|m| m.id).collect::<Vec<_>>();
    assert_eq!(ids(date(2026, 6, 30)), ["a", "b"]);
    assert_eq!(ids(date(2026, 12, 2)), ["c", "b"], "chair first; the new chair, not the old");
    assert_eq!(ids(date(2026, 12, 10)), ["c", "b", "d"]);
}

#[test]
fn every_cash_award_row_is_multiple_times_base_rounded_up_to_ten_thousand() {
    let book = book();
    let after = date(2026, 12, 15); // 2,530,000
    let before = date(2026, 6, 30); // 2,340,000
                                    // (title, recipient, amount after 1/7/2026, amount before)
    for (title, recipient, now, then) in [
        ("cstd-toan-quoc", Recipient::Person, 11_390_000, 10_530_000),
        ("cstd-bo-tinh", Recipient::Person, 7_590_000, 7_020_000),
        ("cstdcs", Recipient::Person, 2_530_000, 2_340_000),
        ("ldtt", Recipient::Person, 760_000, 710_000), // 759,000 and 702,000
        ("ttldxs", Recipient::Collective, 3_800_000, 3_510_000),
        ("ttldtt", Recipient::Collective, 2_030_000, 1_880_000), // 2,024,000 and 1,872,000
        ("co-chinh-phu", Recipient::Collective, 30_360_000, 28_080_000),
        ("co-bo-tinh", Recipient::Collective, 20_240_000, 18_720_000),
        ("bang-khen-ttg", Recipient::Person, 8_860_000, 8_190_000),
        ("bang-khen-ttg", Recipient::Collective, 17_710_000, 16_380_000),
        ("bang-khen-ttg", Recipient::Household, 13_290_000, 12_290_000), // 13,282,500 and 12,285,000
        ("bang-khen-bo-tinh", Recipient::Person, 3_800_000, 3_510_000),
        ("bang-khen-bo-tinh", Recipient::Collective, 7_590_000, 7_020_000),
        ("bang-khen-bo-tinh", Recipient::Household, 5_700_000, 5_270_000),
        ("giay-khen", Recipient::Person, 760_000, 710_000),
        ("giay-khen", Recipient::Collective, 1_520_000, 1_410_000),
        ("giay-khen", Recipient::Household, 1_140_000, 1_060_000),
        ("huan-chuong-lao-dong-3", Recipient::Person, 11_390_000, 10_530_000),
        ("huan-chuong-lao-dong-3", Recipient::Collective, 22_770_000, 21_060_000),
    ] {
        let amount = |day| book.cash_amount(title, recipient, day).map(|a| a.amount);
        assert_eq!(amount(after), Ok(now), "{title} {recipient:?} after 1/7/2026");
        assert_eq!(amount(before), Ok(then), "{title} {recipient:?} before 1/7/2026");
    }
}

#[test]
fn the_base_salary_is_the_one_in_force_on_the_decision_date() {
    let book = book();
    for (day, base) in [
        (date(2024, 6, 30), 1_800_000),
        (date(2024, 7, 1), 2_340_000),
        (date(2026, 6, 30), 2_340_000),
        (date(2026, 7, 1), 2_530_000),
    ] {
        assert_eq!(book.base_salary_on(day).map(|b| b.amount), Some(base), "{day}");
    }
    let amount = book.cash_amount("Chiến sĩ thi đua cơ sở", Recipient::Person, date(2026, 7, 1)).expect("a row");
    assert_eq!(amount.base_salary_article, "Nghị định 161/2026/NĐ-CP");
    assert_eq!(amount.describe(), "1 × 2.530.000 đ = 2.530.000 đ");
    let rounded = book.cash_amount("cstd-toan-quoc", Recipient::Person, date(2026, 7, 1)).expect("a row");
    assert_eq!(rounded.describe(), "4,5 × 2.530.000 đ = 11.385.000 đ, làm tròn 11.390.000 đ");
    assert_eq!((rounded.unrounded, rounded.rounding_step), (11_385_000, 10_000));
    // NĐ 91's own rounding is confirmed; the new decrees' is not, so the amount says so.
    let old = book.cash_amount("cstd-toan-quoc", Recipient::Person, date(2023, 12, 20)).expect("a row");
    assert_eq!((old.amount, old.certainty), (8_100_000, Certainty::K));
    assert_eq!(rounded.certainty, Certainty::U);
}

#[test]
fn rounding_is_data_and_a_missing_row_is_a_clear_error() {
    let mut book = book();
    for rounding in &mut book.cash_rounding {
        rounding.step = 1;
    }
    let exact = book.cash_amount("ldtt", Recipient::Person, date(2026, 12, 15)).expect("a row");
    assert_eq!(exact.amount, 759_000);
    for rounding in &mut book.cash_rounding {
        rounding.step = 100_000;
    }
    assert_eq!(book.cash_amount("ldtt", Recipient::Person, date(2026, 12, 15)).map(|a| a.amount), Ok(800_000));
    let missing = book.cash_amount("ldtt", Recipient::Collective, date(2026, 12, 15)).unwrap_err().to_string();
    assert_eq!(
        missing,
        "Chưa có mức tiền thưởng cho \"Lao động tiên tiến\" tặng tập thể theo Luật TĐKT 06/2022/QH15 và Nghị định 152/2025/NĐ-CP"
    );
    book.base_salaries.clear();
    let none = book.cash_amount("ldtt", Recipient::Person, date(2026, 12, 15)).unwrap_err().to_string();
    assert_eq!(none, "Chưa có mức lương cơ sở áp dụng cho ngày 15/12/2026");
}

#[test]
fn the_shipped_council_and_cash_rules_are_usable_and_bad_ones_are_named() {
    let book = book();
    assert_eq!(book.problems(&book), vec![]);
    let mut bad = book.clone();
    bad.council.quorum.numerator = 4;
    bad.base_salaries[0].amount = 0;
    bad.cash_awards[0].title = "khong-co".into();
    bad.cash_rounding[0].step = 0;
    bad.cash_awards.push(bad.cash_awards[1].clone());
    let at: Vec<String> = bad.problems(&book).into_iter().map(|p| p.at).collect();
    for expected in ["council.quorum", "base_salaries[0].amount", "cash_awards[0].title", "cash_rounding[0].step"] {
        assert!(at.iter().any(|a| a == expected), "{expected} in {at:?}");
    }
    assert!(at.iter().any(|a| a.starts_with("cash_awards[") && !a.ends_with(".title")), "the duplicate row: {at:?}");
    // A multiple is written as a number with at most two decimals.
    let parsed: Result<domain::rules::Multiple, _> = serde_json::from_str("4.555");
    assert!(parsed.is_err());
    let parsed: domain::rules::Multiple = serde_json::from_str("5.25").expect("two decimals");
    assert_eq!(parsed.to_string(), "5,25");
}
