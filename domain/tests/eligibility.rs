//! Table-driven tests of every rule in the default rulebook: it passes; it fails for each of its conditions;
//! boundary years; a regime change in the middle of a streak; history from a merged unit.

use chrono::NaiveDate;
use domain::dossier::{
    AwardEntry, Discipline, Facts, Initiative, NominationFacts, NomineeKind, PersonFacts, Rating, RecordView, Scope,
    Track, YearRecord,
};
use domain::org::{lineage, UnitMerge};
use domain::rules::{evaluate, submission_problem, Check, RuleBook, Verdict};
use domain::{Fields, RecordKind};
use serde_json::json;
use uuid::Uuid;

use Rating::{HoanThanh as HT, KhongHoanThanh as KHT, Tot, XuatSac as XS};

fn book() -> RuleBook {
    RuleBook::default_book().expect("the shipped rulebook parses")
}

/// A person: ratings per year, initiatives (year, scope), awards (year, title as written on the decision).
fn person(id: &str, years: &[(i32, Rating)], initiatives: &[(i32, Scope)], awards: &[(i32, &str)]) -> PersonFacts {
    PersonFacts {
        id: id.into(),
        name: format!("Người {id}"),
        unit_id: "u".into(),
        direct_worker: true,
        years: years
            .iter()
            .map(|&(year, rating)| YearRecord { year, rating, discipline: None, months_worked: Some(12) })
            .collect(),
        initiatives: initiatives
            .iter()
            .enumerate()
            .map(|(i, &(year, scope))| Initiative {
                number: format!("SK{i}"),
                name: format!("Sáng kiến {i}"),
                year,
                scope,
            })
            .collect(),
        awards: awards.iter().map(|&(year, title)| award(year, title)).collect(),
    }
}

fn award(year: i32, title: &str) -> AwardEntry {
    AwardEntry {
        year,
        title: title.into(),
        decision_number: format!("{year}/QĐ"),
        decision_date: String::new(),
        issuer: String::new(),
        unit: String::new(),
    }
}

fn nominate(id: &str, nominee: &str, title: &str, year: i32) -> NominationFacts {
    NominationFacts {
        id: id.into(),
        unit_id: "u".into(),
        year,
        nominee_kind: NomineeKind::Person,
        nominee_id: nominee.into(),
        title: title.into(),
        track: Track::ThuongXuyen,
    }
}

fn collective(id: &str, title: &str, year: i32) -> NominationFacts {
    NominationFacts { nominee_kind: NomineeKind::Collective, nominee_id: "u".into(), ..nominate(id, "u", title, year) }
}

fn facts(people: Vec<PersonFacts>, nominations: Vec<NominationFacts>) -> Facts {
    Facts { people, unit_awards: Vec::new(), nominations }
}

/// The verdict's unmet conditions, each as "text — article".
fn unmet(verdict: &Verdict) -> Vec<String> {
    verdict.unmet().map(|i| format!("{} — {}", i.text, i.article)).collect()
}

struct Case {
    name: &'static str,
    facts: Facts,
    nomination: NominationFacts,
    /// Substrings, one per expected unmet condition; empty for a pass.
    unmet: &'static [&'static str],
}

fn run(cases: Vec<Case>) {
    let book = book();
    for case in cases {
        let verdict = evaluate(&book, &case.nomination, &case.facts);
        let got = unmet(&verdict);
        assert_eq!(got.len(), case.unmet.len(), "{}: unmet {got:#?}", case.name);
        for want in case.unmet {
            assert!(
                got.iter().any(|g| g.contains(want)),
                "{}: no unmet condition mentions {want:?} in {got:#?}",
                case.name
            );
        }
        assert_eq!(verdict.eligible, case.unmet.is_empty(), "{}", case.name);
        assert!(verdict.items.iter().all(|i| !i.text.is_empty()), "{}: every item says why", case.name);
    }
}

fn months(mut p: PersonFacts, year: i32, worked: Option<u8>) -> PersonFacts {
    if let Some(y) = p.years.iter_mut().find(|y| y.year == year) {
        y.months_worked = worked;
    }
    p
}

fn disciplined(mut p: PersonFacts, year: i32, d: Discipline) -> PersonFacts {
    if let Some(y) = p.years.iter_mut().find(|y| y.year == year) {
        y.discipline = Some(d);
    }
    p
}

#[test]
fn lao_dong_tien_tien() {
    run(vec![
        Case {
            name: "rated good",
            facts: facts(vec![person("a", &[(2025, Tot)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "ldtt", 2025),
            unmet: &[],
        },
        Case {
            name: "rated only 'hoàn thành'",
            facts: facts(vec![person("a", &[(2025, HT)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "ldtt", 2025),
            unmet: &["xếp loại \"hoàn thành nhiệm vụ\", cần từ \"hoàn thành tốt nhiệm vụ\" trở lên — Luật TĐKT 06/2022/QH15, Điều 24"],
        },
        Case {
            name: "no rating entered for the year",
            facts: facts(vec![person("a", &[(2024, XS)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "ldtt", 2025),
            unmet: &["Chưa có kết quả xếp loại năm 2025"],
        },
        Case {
            name: "disciplined",
            facts: facts(vec![disciplined(person("a", &[(2025, XS)], &[], &[]), 2025, Discipline::KhienTrach)], vec![]),
            nomination: nominate("n", "a", "ldtt", 2025),
            unmet: &["Bị kỷ luật \"khiển trách\" trong năm 2025"],
        },
        Case {
            name: "old regime cites the old law",
            facts: facts(vec![person("a", &[(2023, HT)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "ldtt", 2023),
            unmet: &["Luật TĐKT 2003 (sửa đổi 2013), Điều 24"],
        },
        Case {
            name: "old regime: fewer than 10 months worked",
            facts: facts(vec![months(person("a", &[(2023, XS)], &[], &[]), 2023, Some(9))], vec![]),
            nomination: nominate("n", "a", "ldtt", 2023),
            unmet: &["Năm 2023 mới công tác 9 tháng, cần từ 10 tháng trở lên — Nghị định 91/2017/NĐ-CP, Điều 6"],
        },
        Case {
            name: "boundary: exactly 10 months; the 2022 law sets no minimum",
            facts: facts(vec![months(person("a", &[(2023, XS), (2024, XS)], &[], &[]), 2023, Some(10))], vec![]),
            nomination: nominate("n", "a", "ldtt", 2023),
            unmet: &[],
        },
        Case {
            name: "unknown nominee",
            facts: facts(vec![], vec![]),
            nomination: nominate("n", "ghost", "ldtt", 2025),
            unmet: &["Không tìm thấy hồ sơ cá nhân"],
        },
    ]);
}

#[test]
fn months_not_recorded_are_left_to_a_person() {
    let unrecorded = months(person("a", &[(2023, XS)], &[], &[]), 2023, None);
    let verdict = evaluate(&book(), &nominate("n", "a", "ldtt", 2023), &facts(vec![unrecorded], vec![]));
    assert!(verdict.eligible, "{:#?}", unmet(&verdict));
    assert!(verdict.items.iter().any(|i| i.met.is_none() && i.text.contains("Cần xác nhận năm 2023 công tác")));
}

#[test]
fn chien_si_thi_dua_co_so() {
    let ldtt_2025 = |id: &str| nominate(&format!("ldtt-{id}"), id, "ldtt", 2025);
    // Seven people holding LĐTT allow ceil(15% × 7) = 2 CSTĐCS.
    let seven: Vec<PersonFacts> =
        (0..7).map(|i| person(&format!("p{i}"), &[(2025, XS)], &[], &[(2025, "Lao động tiên tiến")])).collect();
    run(vec![
        Case {
            name: "LĐTT proposed in the same round, rated excellent",
            facts: facts(vec![person("a", &[(2025, XS)], &[], &[])], vec![ldtt_2025("a")]),
            nomination: nominate("n", "a", "cstdcs", 2025),
            unmet: &[],
        },
        Case {
            name: "rated good but with an initiative",
            facts: facts(vec![person("a", &[(2025, Tot)], &[(2025, Scope::CoSo)], &[(2025, "LĐTT")])], vec![]),
            nomination: nominate("n", "a", "cstdcs", 2025),
            unmet: &[],
        },
        Case {
            name: "without LĐTT",
            facts: facts(vec![person("a", &[(2025, XS)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "cstdcs", 2025),
            unmet: &["Chưa đạt (hoặc chưa được đề nghị) \"Lao động tiên tiến\" năm 2025 — Luật TĐKT 06/2022/QH15, Điều 23", "tối đa 15%"],
        },
        Case {
            name: "neither excellent nor an initiative (last year's initiative does not count)",
            facts: facts(vec![person("a", &[(2025, Tot)], &[(2024, Scope::CoSo)], &[])], vec![ldtt_2025("a")]),
            nomination: nominate("n", "a", "cstdcs", 2025),
            unmet: &["Năm 2025 chưa hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến được công nhận — Luật TĐKT 06/2022/QH15, Điều 23"],
        },
        Case {
            name: "2023 falls under the old law, which asks for an initiative",
            facts: facts(vec![person("a", &[(2023, XS)], &[], &[(2023, "LĐTT")])], vec![]),
            nomination: nominate("n", "a", "cstdcs", 2023),
            unmet: &["Cần 1 sáng kiến phạm vi cấp cơ sở trở lên năm 2023, mới có 0 — Luật TĐKT 2003 (sửa đổi 2013), Điều 23"],
        },
        Case {
            name: "2024 falls under the 2022 law: excellent is enough",
            facts: facts(vec![person("a", &[(2024, XS)], &[], &[(2024, "LĐTT")])], vec![]),
            nomination: nominate("n", "a", "cstdcs", 2024),
            unmet: &[],
        },
        Case {
            name: "quota: two of seven is within 15% rounded up",
            facts: facts(seven.clone(), vec![nominate("other", "p1", "cstdcs", 2025)]),
            nomination: nominate("n", "p0", "cstdcs", 2025),
            unmet: &[],
        },
        Case {
            name: "quota: three of seven is over",
            facts: facts(
                seven,
                vec![nominate("other1", "p1", "cstdcs", 2025), nominate("other2", "p2", "cstdcs", 2025)],
            ),
            nomination: nominate("n", "p0", "cstdcs", 2025),
            unmet: &["Đơn vị đề nghị 3 \"Chiến sĩ thi đua cơ sở\" năm 2025 trên 7 người đạt \"Lao động tiên tiến\"; tối đa 15% (2 người) — Nghị định 152/2025/NĐ-CP"],
        },
    ]);
}

#[test]
fn chien_si_thi_dua_bo_tinh() {
    let streak = |years: &[i32], initiative: Option<(i32, Scope)>| {
        let awards: Vec<(i32, &str)> = years.iter().map(|&y| (y, "Chiến sĩ thi đua cơ sở")).collect();
        person("a", &[], initiative.as_slice(), &awards)
    };
    run(vec![
        Case {
            name: "three consecutive years, across the 2023/2024 and mid-2025 regime changes",
            facts: facts(vec![streak(&[2023, 2024], Some((2024, Scope::BoTinh)))], vec![nominate("c", "a", "cstdcs", 2025)]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &[],
        },
        Case {
            name: "only two years",
            facts: facts(vec![streak(&[2024, 2025], Some((2025, Scope::BoTinh)))], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &["Chưa đủ 3 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\" (mới có 2024, 2025) — Luật TĐKT 06/2022/QH15, Điều 22"],
        },
        Case {
            name: "a gap breaks the streak",
            facts: facts(vec![streak(&[2021, 2022, 2024, 2025], Some((2025, Scope::BoTinh)))], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &["(mới có 2024, 2025)"],
        },
        Case {
            name: "boundary: three years that end the year before do not count for this year",
            facts: facts(vec![streak(&[2022, 2023, 2024], Some((2024, Scope::BoTinh)))], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &["(năm 2025 chưa đạt)"],
        },
        Case {
            name: "initiative only at grassroots scope",
            facts: facts(vec![streak(&[2023, 2024, 2025], Some((2025, Scope::CoSo)))], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &["Cần 1 sáng kiến phạm vi cấp Bộ, ban, ngành, tỉnh trở lên từ 2023 đến 2025, mới có 0"],
        },
        Case {
            name: "initiative older than the streak",
            facts: facts(vec![streak(&[2023, 2024, 2025], Some((2022, Scope::ToanQuoc)))], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &["mới có 0"],
        },
        Case {
            name: "old law: 2021–2023 under Luật 2003",
            facts: facts(vec![streak(&[2021, 2022], Some((2023, Scope::BoTinh)))], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2023),
            unmet: &["Luật TĐKT 2003 (sửa đổi 2013), Điều 22"],
        },
    ]);
}

#[test]
fn chien_si_thi_dua_toan_quoc_reads_old_title_names() {
    let old_then_new = person(
        "a",
        &[],
        &[(2025, Scope::ToanQuoc)],
        &[(2024, "Chiến sĩ thi đua cấp tỉnh"), (2025, "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh")],
    );
    run(vec![
        Case {
            name: "an old name and a new one make two consecutive years",
            facts: facts(vec![old_then_new.clone()], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &[],
        },
        Case {
            name: "an unknown name counts for nothing",
            facts: facts(vec![person("a", &[], &[(2025, Scope::ToanQuoc)], &[(2024, "Chiến sĩ xuất sắc"), (2025, "Chiến sĩ thi đua cấp tỉnh")])], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &["Chưa đủ 2 năm liên tục đạt \"Chiến sĩ thi đua Bộ, ban, ngành, tỉnh\" (mới có 2025) — Luật TĐKT 06/2022/QH15, Điều 21"],
        },
    ]);
}

#[test]
fn bang_khen_bo_tinh() {
    run(vec![
        Case {
            name: "two consecutive CSTĐCS",
            facts: facts(vec![person("a", &[], &[], &[(2024, "CSTĐCS"), (2025, "Chiến sĩ thi đua cơ sở")])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &[],
        },
        Case {
            name: "two excellent years with two initiatives",
            facts: facts(vec![person("a", &[(2024, XS), (2025, XS)], &[(2024, Scope::CoSo), (2025, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &[],
        },
        Case {
            name: "two excellent years with one initiative, one CSTĐCS",
            facts: facts(vec![person("a", &[(2024, XS), (2025, XS)], &[(2025, Scope::CoSo)], &[(2025, "CSTĐCS")])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["Chưa đáp ứng trường hợp nào: (a) Chưa đủ 2 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\" (mới có 2025) — (b) Cần 2 sáng kiến phạm vi cấp cơ sở trở lên từ 2024 đến 2025, mới có 1 — Luật TĐKT 06/2022/QH15, Điều 74, khoản 1, điểm d"],
        },
        Case {
            name: "one excellent year",
            facts: facts(vec![person("a", &[(2024, Tot), (2025, XS)], &[(2024, Scope::CoSo), (2025, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["(b) Chưa đủ 2 năm liên tục hoàn thành xuất sắc nhiệm vụ (mới có 2025)"],
        },
        Case {
            name: "old regime: two excellent years suffice",
            facts: facts(vec![person("a", &[(2022, XS), (2023, XS)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2023),
            unmet: &[],
        },
        Case {
            name: "already awarded for the year",
            facts: facts(vec![person("a", &[], &[], &[(2024, "CSTĐCS"), (2025, "CSTĐCS"), (2025, "Bằng khen của Chủ tịch UBND tỉnh")])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["Đã được tặng \"Bằng khen của Bộ, ban, ngành, tỉnh\" năm 2025 (Quyết định số 2025/QĐ) — Luật TĐKT 06/2022/QH15, Điều 5"],
        },
        Case {
            name: "proposed twice",
            facts: facts(
                vec![person("a", &[], &[], &[(2024, "CSTĐCS"), (2025, "CSTĐCS")])],
                vec![nominate("other", "a", "bang-khen-bo-tinh", 2025)],
            ),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["Đã có một đề nghị \"Bằng khen của Bộ, ban, ngành, tỉnh\" năm 2025 khác cho cùng đối tượng"],
        },
    ]);
}

#[test]
fn bang_khen_thu_tuong() {
    let years: Vec<(i32, Rating)> = (2021..=2025).map(|y| (y, XS)).collect();
    let two = [(2022, Scope::CoSo), (2024, Scope::CoSo)];
    run(vec![
        Case {
            name: "a Bằng khen, then five excellent years and two initiatives",
            facts: facts(
                vec![person("a", &years, &two, &[(2020, "Bằng khen của Bộ trưởng Bộ Thông tin và Truyền thông")])],
                vec![],
            ),
            nomination: nominate("n", "a", "bang-khen-ttg", 2025),
            unmet: &[],
        },
        Case {
            name: "no earlier Bằng khen; four excellent years",
            facts: facts(vec![person("a", &years[1..], &two, &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-ttg", 2025),
            unmet: &["Chưa được tặng \"Bằng khen của Bộ, ban, ngành, tỉnh\" trước năm 2025", "Chưa đủ 5 năm liên tục"],
        },
    ]);
}

fn members(ratings: &[Rating]) -> Vec<PersonFacts> {
    ratings.iter().enumerate().map(|(i, &r)| person(&format!("m{i}"), &[(2025, r)], &[], &[])).collect()
}

fn with_ldtt(people: &[PersonFacts], count: usize) -> Vec<NominationFacts> {
    people.iter().take(count).map(|p| nominate(&format!("ldtt-{}", p.id), &p.id, "ldtt", 2025)).collect()
}

#[test]
fn tap_the_lao_dong_tien_tien() {
    let team = members(&[Tot, Tot, Tot, Tot]);
    run(vec![
        Case {
            name: "three of four LĐTT",
            facts: facts(team.clone(), with_ldtt(&team, 3)),
            nomination: collective("n", "ttldtt", 2025),
            unmet: &[],
        },
        Case {
            name: "boundary: exactly half is not more than half",
            facts: facts(team.clone(), with_ldtt(&team, 2)),
            nomination: collective("n", "ttldtt", 2025),
            unmet: &["2/4 thành viên (50%) đạt \"Lao động tiên tiến\" năm 2025; cần trên 50%"],
        },
        Case {
            name: "a warned member",
            facts: facts(
                vec![disciplined(team[0].clone(), 2025, Discipline::CanhCao), team[1].clone(), team[2].clone()],
                with_ldtt(&team, 3),
            ),
            nomination: collective("n", "ttldtt", 2025),
            unmet: &["Có thành viên bị kỷ luật từ mức cảnh cáo trở lên năm 2025: Người m0 (cảnh cáo)"],
        },
        Case {
            name: "an individual title is not for a collective",
            facts: facts(team.clone(), vec![]),
            nomination: collective("n", "cstdcs", 2025),
            unmet: &["\"Chiến sĩ thi đua cơ sở\" không xét tặng cho tập thể"],
        },
    ]);
}

#[test]
fn tap_the_lao_dong_xuat_sac() {
    let team = members(&[XS, Tot, Tot, Tot, Tot, Tot, Tot, Tot, Tot, HT]);
    let mut round = with_ldtt(&team, 7);
    round.push(nominate("cs", "m0", "cstdcs", 2025));
    let mut no_cstdcs = with_ldtt(&team, 7);
    no_cstdcs.retain(|n| n.title != "cstdcs");
    run(vec![
        Case {
            name: "boundary: exactly 70% LĐTT and one CSTĐCS",
            facts: facts(team.clone(), round.clone()),
            nomination: collective("n", "ttldxs", 2025),
            unmet: &[],
        },
        Case {
            name: "69%: 9 of 13",
            facts: facts(
                [team.clone(), members(&[Tot, Tot, Tot]).into_iter().map(|mut p| { p.id.push('x'); p }).collect()].concat(),
                [with_ldtt(&team, 9), vec![nominate("cs", "m0", "cstdcs", 2025)]].concat(),
            ),
            nomination: collective("n", "ttldxs", 2025),
            unmet: &["9/13 thành viên (69%) đạt \"Lao động tiên tiến\" năm 2025; cần từ 70% trở lên — Luật TĐKT 06/2022/QH15, Điều 27"],
        },
        Case {
            name: "no CSTĐCS",
            facts: facts(team.clone(), no_cstdcs),
            nomination: collective("n", "ttldxs", 2025),
            unmet: &["Cần ít nhất 1 cá nhân đạt \"Chiến sĩ thi đua cơ sở\" năm 2025, mới có 0"],
        },
        Case {
            name: "a member who did not complete their tasks",
            facts: facts([team.clone(), members(&[KHT]).into_iter().map(|mut p| { p.id = "late".into(); p.name = "Người chậm".into(); p }).collect()].concat(), {
                let mut r = with_ldtt(&team, 8);
                r.push(nominate("cs", "m0", "cstdcs", 2025));
                r
            }),
            nomination: collective("n", "ttldxs", 2025),
            unmet: &["Có thành viên xếp loại dưới \"hoàn thành nhiệm vụ\" năm 2025: Người chậm"],
        },
        Case {
            name: "a reprimand is below the warning threshold; a warning is not",
            facts: facts(
                {
                    let mut t = team.clone();
                    t[1] = disciplined(t[1].clone(), 2025, Discipline::KhienTrach);
                    t[2] = disciplined(t[2].clone(), 2025, Discipline::CanhCao);
                    t
                },
                round,
            ),
            nomination: collective("n", "ttldxs", 2025),
            unmet: &["Người m2 (cảnh cáo)"],
        },
        Case {
            name: "a unit with nobody rated for the year",
            facts: facts(vec![], vec![]),
            nomination: collective("n", "ttldxs", 2025),
            unmet: &["Chưa có kết quả xếp loại năm 2025", "0/0 thành viên", "mới có 0"],
        },
    ]);
}

#[test]
fn co_thi_dua_leaves_cluster_leadership_to_a_person() {
    let mut with_ttldxs = facts(vec![], vec![]);
    with_ttldxs.unit_awards.push(award(2025, "Tập thể lao động xuất sắc"));
    let verdict = evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &with_ttldxs);
    assert!(verdict.eligible, "{:#?}", unmet(&verdict));
    assert!(verdict.items.iter().any(|i| i.met.is_none() && i.text.contains("dẫn đầu cụm, khối")));
    let vote = verdict.vote.expect("the council votes on it");
    assert_eq!((vote.percent, vote.of_all_members), (50, true));
    let without = evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &facts(vec![], vec![]));
    assert_eq!(unmet(&without).len(), 1);
}

/// Two centres merged into one in 2025. The collective Bằng khen counts the TTLĐXS one of them earned in 2024,
/// read from that unit's own profile record, and the member who came with it keeps their history.
#[test]
fn history_of_a_merged_unit_counts() {
    let merges = [UnitMerge {
        from: vec!["ttvh-old-a".into(), "ttvh-old-b".into()],
        into: "ttvh-new".into(),
        on: NaiveDate::from_ymd_opt(2025, 7, 1).unwrap(),
    }];
    let line: Vec<String> = lineage("ttvh-new", &merges).into_iter().collect();

    let old_profile: Fields = [(
        "awards".to_string(),
        json!([{"year": 2024, "title": "Tập thể lao động xuất sắc", "decision_number": "15/QĐ-UBND"}]),
    )]
    .into();
    let moved_person: Fields = [
        ("full_name".to_string(), json!("Trần Văn Bình")),
        ("years".to_string(), json!([{"year": 2024, "rating": "xuat_sac"}, {"year": 2025, "rating": "xuat_sac"}])),
        ("awards".to_string(), json!([{"year": 2024, "title": "Chiến sĩ thi đua cơ sở", "unit": "ttvh-old-a"}])),
    ]
    .into();
    let person_id = Uuid::from_u128(7);
    let ttldxs_2025: Fields = [
        ("year".to_string(), json!("2025")),
        ("nominee_kind".to_string(), json!("collective")),
        ("nominee_id".to_string(), json!("ttvh-new")),
        ("title".to_string(), json!("ttldxs")),
    ]
    .into();
    let cstdcs_2025: Fields = [
        ("year".to_string(), json!("2025")),
        ("nominee_id".to_string(), json!(person_id.to_string())),
        ("title".to_string(), json!("cstdcs")),
    ]
    .into();
    let view =
        |id: u128, kind, unit_id, fields| RecordView { id: Uuid::from_u128(id), deleted: false, kind, unit_id, fields };
    let records = [
        view(1, RecordKind::UnitProfile, "ttvh-old-a", &old_profile),
        RecordView { id: person_id, ..view(0, RecordKind::Person, "ttvh-old-a", &moved_person) },
        view(3, RecordKind::Nomination, "ttvh-new", &ttldxs_2025),
        view(4, RecordKind::Nomination, "ttvh-new", &cstdcs_2025),
    ];
    let book = book();

    let collective_bk = collective("n", "bang-khen-bo-tinh", 2025);
    let collective_bk = NominationFacts { nominee_id: "ttvh-new".into(), unit_id: "ttvh-new".into(), ..collective_bk };
    let verdict = evaluate(&book, &collective_bk, &Facts::gather(records, &line));
    assert!(verdict.eligible, "{:#?}", unmet(&verdict));

    let without_lineage = Facts::gather(records, &["ttvh-new".to_string()]);
    let verdict = evaluate(&book, &collective_bk, &without_lineage);
    assert_eq!(
        unmet(&verdict),
        ["Chưa đủ 2 năm liên tục đạt \"Tập thể lao động xuất sắc\" (mới có 2025) — Luật TĐKT 06/2022/QH15, Điều 74, khoản 2"]
    );

    let person_bk = nominate("m", &person_id.to_string(), "bang-khen-bo-tinh", 2025);
    let verdict = evaluate(&book, &person_bk, &Facts::gather(records, &line));
    assert!(verdict.eligible, "2024 in the old unit and 2025 proposed in the new one: {:#?}", unmet(&verdict));
}

#[test]
fn thresholds_are_data() {
    let mut book = book();
    let team = members(&[Tot, Tot, Tot, Tot, Tot]);
    let round = [with_ldtt(&team, 3), vec![nominate("cs", "m0", "cstdcs", 2025)]].concat();
    let at_sixty = facts(team, round);
    assert!(!evaluate(&book, &collective("n", "ttldxs", 2025), &at_sixty).eligible);
    for rule in book.rules.iter_mut().filter(|r| r.title == "ttldxs") {
        for condition in &mut rule.conditions {
            if let Check::MemberShare { percent, .. } = &mut condition.check {
                *percent = 60;
            }
        }
    }
    assert!(evaluate(&book, &collective("n", "ttldxs", 2025), &at_sixty).eligible);
}

#[test]
fn unknown_titles_and_years_without_a_regime_are_refused_with_reasons() {
    let people = vec![person("a", &[(2010, XS)], &[], &[])];
    let verdict = evaluate(&book(), &nominate("n", "a", "huy-chuong-vang", 2025), &facts(people.clone(), vec![]));
    assert_eq!(unmet(&verdict), ["\"huy-chuong-vang\" không có trong danh mục danh hiệu, hình thức khen thưởng — "]);
    let verdict = evaluate(&book(), &nominate("n", "a", "ldtt", 2010), &facts(people.clone(), vec![]));
    assert_eq!(unmet(&verdict), ["Không có chế độ pháp lý nào áp dụng cho năm 2010 — "]);
    let verdict = evaluate(&book(), &nominate("n", "a", "giay-khen", 2025), &facts(people, vec![]));
    assert!(verdict.eligible && verdict.items.iter().any(|i| i.met.is_none()), "no rule: the office decides");
}

#[test]
fn the_shipped_rulebook_is_valid_and_guards_the_statutory_catalog() {
    let shipped = book();
    assert_eq!(shipped.problems(&shipped), Vec::new());
    assert_eq!(shipped.regime_for_year(2023).unwrap().id, "luat-2003");
    assert_eq!(shipped.regime_for_year(2024).unwrap().id, "luat-2022-nd98");
    assert_eq!(shipped.regime_for_year(2025).unwrap().id, "luat-2022-nd152", "decided at the end of the year");

    let mut edited = shipped.clone();
    edited.titles.retain(|t| t.code != "cstdcs");
    let problems = edited.problems(&shipped);
    assert!(problems.iter().any(
        |p| p.at == "titles" && p.message == "\"Chiến sĩ thi đua cơ sở\" thuộc danh mục theo luật, không được xóa"
    ));
    assert!(
        problems.iter().any(|p| p.at.starts_with("rules[") && p.message.contains("mã không có: \"cstdcs\"")),
        "{problems:#?}"
    );

    let mut overlapping = shipped.clone();
    overlapping.regimes[0].valid_to = NaiveDate::from_ymd_opt(2024, 6, 30);
    let overlaps = overlapping.problems(&shipped);
    assert!(overlaps.iter().any(|p| p.at.ends_with("].valid_from") && p.message.contains("chồng thời gian")));

    let mut renamed = shipped.clone();
    renamed.titles[0].name = "Lao động tiên tiến (đổi tên)".into();
    renamed.titles[0].aliases.push("Lao động tiên tiến".into());
    assert_eq!(renamed.problems(&shipped), Vec::new(), "renaming keeps the old name as an alias");
    assert_eq!(renamed.title("lao động  TIÊN tiến").map(|t| t.code.as_str()), Some("ldtt"));
}

#[test]
fn a_failing_nomination_is_submitted_only_with_a_justification() {
    let people = vec![person("a", &[(2025, HT)], &[], &[])];
    let failing = evaluate(&book(), &nominate("n", "a", "ldtt", 2025), &facts(people.clone(), vec![]));
    let problem = submission_problem(Some(&failing), "  ").expect("a failing verdict needs a justification");
    assert!(problem.contains("cần từ \"hoàn thành tốt nhiệm vụ\"") && problem.ends_with("cần ghi giải trình để gửi"));
    assert_eq!(submission_problem(Some(&failing), "Thành tích đột xuất"), None);
    let passing = evaluate(&book(), &nominate("n", "a", "giay-khen", 2025), &facts(people, vec![]));
    assert_eq!(submission_problem(Some(&passing), ""), None);
    assert!(submission_problem(None, "x").is_some_and(|p| p.starts_with("Đề nghị chưa đủ thông tin")));
}
