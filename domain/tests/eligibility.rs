//! Table-driven tests of every rule in the default rulebook: it passes; it fails for each of its conditions;
//! boundary years; a regime change in the middle of a streak; history from a merged unit.

use chrono::NaiveDate;
use domain::cluster::ClusterStanding;
use domain::dossier::{
    AwardEntry, Discipline, Facts, Initiative, InitiativeKind, NominationFacts, NomineeKind, PersonFacts, Rating,
    RecordView, Scope, Track, YearRecord,
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
                kind: InitiativeKind::SangKien,
            })
            .collect(),
        awards: awards.iter().map(|&(year, title)| award(year, title)).collect(),
    }
}

/// The person with a research project accepted (đề tài khoa học nghiệm thu) in `year` at `scope`.
fn research(mut p: PersonFacts, year: i32, scope: Scope) -> PersonFacts {
    let number = format!("ĐT{}", p.initiatives.len());
    p.initiatives
        .push(Initiative { number, name: "Đề tài".into(), year, scope, kind: InitiativeKind::DeTaiKhoaHoc });
    p
}

fn award(year: i32, title: &str) -> AwardEntry {
    AwardEntry { year, title: title.into(), decision_number: format!("{year}/QĐ"), ..AwardEntry::default() }
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
        achievement_from: None,
        achievement_to: None,
        movement_id: None,
        initiative: None,
    }
}

fn collective(id: &str, title: &str, year: i32) -> NominationFacts {
    NominationFacts { nominee_kind: NomineeKind::Collective, nominee_id: "u".into(), ..nominate(id, "u", title, year) }
}

fn facts(people: Vec<PersonFacts>, nominations: Vec<NominationFacts>) -> Facts {
    Facts { people, unit_awards: Vec::new(), nominations, standings: Vec::new() }
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
            unmet: &["Năm 2025 chưa hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến được công nhận hay đề tài, đề án khoa học được nghiệm thu — Luật TĐKT 06/2022/QH15, Điều 23"],
        },
        Case {
            name: "rated good, with a research project accepted that year in place of an initiative",
            facts: facts(vec![research(person("a", &[(2025, Tot)], &[], &[]), 2025, Scope::CoSo)], vec![ldtt_2025("a")]),
            nomination: nominate("n", "a", "cstdcs", 2025),
            unmet: &[],
        },
        Case {
            name: "old law: an accepted research project is an initiative too",
            facts: facts(vec![research(person("a", &[(2023, XS)], &[], &[(2023, "LĐTT")]), 2023, Scope::CoSo)], vec![]),
            nomination: nominate("n", "a", "cstdcs", 2023),
            unmet: &[],
        },
        Case {
            name: "2023 falls under the old law, which asks for an initiative",
            facts: facts(vec![person("a", &[(2023, XS)], &[], &[(2023, "LĐTT")])], vec![]),
            nomination: nominate("n", "a", "cstdcs", 2023),
            unmet: &["Cần 1 sáng kiến, đề tài, đề án, công trình khoa học phạm vi cấp cơ sở trở lên năm 2023, mới có 0 — Luật TĐKT 2003 (sửa đổi 2013), Điều 23"],
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
            unmet: &["Cần 1 sáng kiến, đề tài, đề án, công trình khoa học phạm vi cấp Bộ, ban, ngành, tỉnh trở lên từ 2023 đến 2025, mới có 0"],
        },
        Case {
            name: "research accepted at province scope stands in for the initiative",
            facts: facts(vec![research(streak(&[2023, 2024, 2025], None), 2024, Scope::BoTinh)], vec![]),
            nomination: nominate("n", "a", "cstd-bo-tinh", 2025),
            unmet: &[],
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

/// A person holding CSTĐ Bộ/tỉnh in `times` (each as `name`), with a nationwide initiative in the last year.
fn provincial(times: &[(i32, &str)], last: i32) -> PersonFacts {
    person("a", &[], &[(last, Scope::ToanQuoc)], times)
}

#[test]
fn chien_si_thi_dua_toan_quoc_counts_times_not_years() {
    const ART: &str = "Luật TĐKT 06/2022/QH15, Điều 21";
    run(vec![
        Case {
            name: "two consecutive times, 2020–2022 and 2023–2025, the first under the 2003 law's name",
            facts: facts(
                vec![provincial(&[(2022, "Chiến sĩ thi đua cấp bộ, ngành, tỉnh, đoàn thể trung ương"), (2025, "CSTĐ cấp tỉnh")], 2025)],
                vec![],
            ),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &[],
        },
        Case {
            name: "the second time proposed in the same round",
            facts: facts(vec![provincial(&[(2022, "Chiến sĩ thi đua cấp tỉnh")], 2025)], vec![nominate("p", "a", "cstd-bo-tinh", 2025)]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &[],
        },
        Case {
            name: "two years in a row are not two times in a row (one CSTĐCS streak cannot back both)",
            facts: facts(vec![provincial(&[(2024, "Chiến sĩ thi đua cấp tỉnh"), (2025, "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh")], 2025)], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &["Chưa đủ 2 lần liên tục đạt \"Chiến sĩ thi đua Bộ, ban, ngành, tỉnh\", lần sau cùng năm 2025 (đã đạt năm 2024, 2025; hai lần liên tục cách nhau 3 năm) — Luật TĐKT 06/2022/QH15, Điều 21"],
        },
        Case {
            name: "a gap between the two times breaks them",
            facts: facts(vec![provincial(&[(2021, "Chiến sĩ thi đua cấp tỉnh"), (2025, "Chiến sĩ thi đua cấp tỉnh")], 2025)], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &["(đã đạt năm 2021, 2025;"],
        },
        Case {
            name: "boundary: two times that end the year before do not count for this year",
            facts: facts(vec![provincial(&[(2021, "Chiến sĩ thi đua cấp tỉnh"), (2024, "Chiến sĩ thi đua cấp tỉnh")], 2025)], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &["lần sau cùng năm 2025 (đã đạt năm 2021, 2024;"],
        },
        Case {
            name: "old regime: 2017–2019 and 2020–2022 under Luật 2003",
            facts: facts(vec![provincial(&[(2019, "Chiến sĩ thi đua cấp bộ, ngành, tỉnh, đoàn thể trung ương"), (2022, "Chiến sĩ thi đua tỉnh Vĩnh Phúc")], 2022)], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2022),
            unmet: &[],
        },
        Case {
            name: "an unknown name counts for nothing",
            facts: facts(vec![provincial(&[(2022, "Chiến sĩ xuất sắc"), (2025, "Chiến sĩ thi đua cấp tỉnh")], 2025)], vec![]),
            nomination: nominate("n", "a", "cstd-toan-quoc", 2025),
            unmet: &["(đã đạt năm 2025;"],
        },
    ]);
    let verdict = evaluate(
        &book(),
        &nominate("n", "a", "cstd-toan-quoc", 2025),
        &facts(vec![provincial(&[(2022, "CSTĐ cấp tỉnh"), (2025, "CSTĐ cấp tỉnh")], 2025)], vec![]),
    );
    let item = verdict.items.iter().find(|i| i.article == ART && i.text.contains("lần")).expect("the times condition");
    assert_eq!(item.text, "2 lần liên tục đạt \"Chiến sĩ thi đua Bộ, ban, ngành, tỉnh\" (2022, 2025)");
}

#[test]
fn old_names_count_in_every_position_of_a_streak() {
    let spellings = ["CSTĐCS", "Danh hiệu Chiến sĩ thi đua cấp cơ sở", "chien si thi dua co so"];
    for shift in 0..3 {
        let awards: Vec<(i32, &str)> = (0..3).map(|i| (2023 + i as i32, spellings[(i + shift) % 3])).collect();
        let p = person("a", &[], &[(2025, Scope::BoTinh)], &awards);
        let verdict = evaluate(&book(), &nominate("n", "a", "cstd-bo-tinh", 2025), &facts(vec![p], vec![]));
        assert!(verdict.eligible, "spellings shifted by {shift}: {:#?}", unmet(&verdict));
        assert_eq!(verdict.readings.len(), 3, "each spelling is explained");
        assert!(verdict.readings.iter().all(|r| r.title.as_deref() == Some("cstdcs")));
    }
}

#[test]
fn recorded_names_are_read_as_the_catalog_titles() {
    let book = book();
    let index = book.index();
    let cases: &[(&str, Option<&str>)] = &[
        ("Chiến sĩ thi đua cấp bộ, ngành, tỉnh, đoàn thể trung ương", Some("cstd-bo-tinh")),
        ("CHIẾN SĨ THI ĐUA CẤP BỘ, NGÀNH, TỈNH, ĐOÀN THỂ TRUNG ƯƠNG", Some("cstd-bo-tinh")),
        ("CSTĐ cấp tỉnh", Some("cstd-bo-tinh")),
        ("Chiến sĩ thi đua tỉnh Vĩnh Phúc", Some("cstd-bo-tinh")),
        ("Bằng khen cấp bộ, ngành, tỉnh, đoàn thể Trung ương", Some("bang-khen-bo-tinh")),
        ("BK của Chủ tịch UBND tỉnh Phú Thọ", Some("bang-khen-bo-tinh")),
        ("Bằng khen của Chủ tịch Uỷ ban nhân dân tỉnh Vĩnh Phúc", Some("bang-khen-bo-tinh")),
        ("Bằng khen của Bộ trưởng Bộ Văn hóa, Thể thao và Du lịch", Some("bang-khen-bo-tinh")),
        ("BK TTg", Some("bang-khen-ttg")),
        ("Bằng khen Thủ tướng Chính phủ", Some("bang-khen-ttg")),
        ("Cờ thi đua của bộ, ban, ngành, tỉnh, đoàn thể trung ương", Some("co-bo-tinh")),
        ("Cờ thi đua của UBND tỉnh Vĩnh Phúc", Some("co-bo-tinh")),
        ("LĐTT", Some("ldtt")),
        ("lao dong tien tien", Some("ldtt")),
        ("Danh hiệu Lao động tiên tiến", Some("ldtt")),
        // Typed with the diacritics decomposed, as some keyboards send them.
        ("Lao \u{0111}o\u{0302}\u{0323}ng tie\u{0302}n tie\u{0302}\u{0301}n", Some("ldtt")),
        ("TTLĐXS", Some("ttldxs")),
        ("  Tập thể   lao động  tiên tiến ", Some("ttldtt")),
        ("Giấy khen của Giám đốc Sở Văn hóa, Thể thao và Du lịch", Some("giay-khen")),
        ("Chiến sĩ xuất sắc", None),
        ("Bằng khen", None),
        ("", None),
    ];
    for (recorded, code) in cases {
        assert_eq!(index.resolve(recorded).map(|t| t.code.as_str()), *code, "{recorded:?}");
    }
    // The panel says which recorded name it read as which title, and which it could not read.
    let p = person(
        "a",
        &[],
        &[],
        &[(2022, "CSTĐ cấp tỉnh"), (2023, "Chiến sĩ xuất sắc"), (2024, "Chiến sĩ thi đua cơ sở")],
    );
    let verdict = evaluate(&book, &nominate("n", "a", "cstd-toan-quoc", 2025), &facts(vec![p], vec![]));
    let readings: Vec<(&str, Option<&str>)> =
        verdict.readings.iter().map(|r| (r.recorded.as_str(), r.title_name.as_deref())).collect();
    assert_eq!(
        readings,
        [("CSTĐ cấp tỉnh", Some("Chiến sĩ thi đua Bộ, ban, ngành, tỉnh")), ("Chiến sĩ xuất sắc", None)],
        "the catalog's own name needs no reading"
    );
}

#[test]
fn bang_khen_bo_tinh_initiatives_anywhere_in_the_excellent_run() {
    const B: &str = "bang-khen-bo-tinh";
    let xs = |from: i32| -> Vec<(i32, Rating)> { (from..=2025).map(|y| (y, XS)).collect() };
    run(vec![
        Case {
            name: "a run of two with both initiatives",
            facts: facts(vec![person("a", &xs(2024), &[(2024, Scope::CoSo), (2025, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[],
        },
        Case {
            name: "a run of three, initiatives in its first two years",
            facts: facts(vec![person("a", &xs(2023), &[(2023, Scope::CoSo), (2024, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[],
        },
        Case {
            name: "a run of four, initiatives at its start",
            facts: facts(vec![person("a", &xs(2022), &[(2022, Scope::CoSo), (2022, Scope::BoTinh)], &[])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[],
        },
        Case {
            name: "a run of four, one initiative before it",
            facts: facts(vec![person("a", &xs(2022), &[(2021, Scope::CoSo), (2025, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[
                "(b) 4 năm liên tục hoàn thành xuất sắc nhiệm vụ (2022–2025), trong thời gian đó mới có 1 sáng kiến",
            ],
        },
        Case {
            name: "a broken run: the initiative before the break does not count",
            facts: facts(
                vec![person(
                    "a",
                    &[(2022, XS), (2023, Tot), (2024, XS), (2025, XS)],
                    &[(2022, Scope::CoSo), (2025, Scope::CoSo)],
                    &[],
                )],
                vec![],
            ),
            nomination: nominate("n", "a", B, 2025),
            unmet: &["(b) 2 năm liên tục hoàn thành xuất sắc nhiệm vụ (2024–2025), trong thời gian đó mới có 1"],
        },
        Case {
            name: "initiatives that earned an earlier Bằng khen do not earn another",
            facts: facts(
                vec![person("a", &xs(2020), &[(2020, Scope::CoSo), (2021, Scope::CoSo)], &[(2022, "Bằng khen của Chủ tịch UBND tỉnh")])],
                vec![],
            ),
            nomination: nominate("n", "a", B, 2025),
            unmet: &["(b) 3 năm liên tục hoàn thành xuất sắc nhiệm vụ (2023–2025), trong thời gian đó mới có 0"],
        },
        Case {
            name: "the run starts again after the last Bằng khen",
            facts: facts(
                vec![person("a", &xs(2020), &[(2024, Scope::CoSo), (2025, Scope::CoSo)], &[(2024, "BK của Chủ tịch UBND tỉnh")])],
                vec![],
            ),
            nomination: nominate("n", "a", B, 2025),
            unmet: &["(b) Chưa đủ 2 năm liên tục hoàn thành xuất sắc nhiệm vụ (mới có 2025, tính từ sau \"Bằng khen của Bộ, ban, ngành, tỉnh\" năm 2024)"],
        },
        Case {
            name: "under NĐ 91/2017 the two initiatives fall in the two years",
            facts: facts(vec![person("a", &xs(2020), &[(2020, Scope::CoSo), (2021, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", B, 2023),
            unmet: &["Cần 2 sáng kiến phạm vi cấp cơ sở trở lên từ 2022 đến 2023, mới có 0"],
        },
        Case {
            name: "under NĐ 91/2017, two excellent years and their two initiatives",
            facts: facts(vec![person("a", &xs(2020), &[(2022, Scope::CoSo), (2023, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", B, 2023),
            unmet: &[],
        },
        Case {
            name: "research does not stand in for these initiatives",
            facts: facts(
                vec![research(person("a", &xs(2024), &[(2025, Scope::CoSo)], &[]), 2024, Scope::CoSo)],
                vec![],
            ),
            nomination: nominate("n", "a", B, 2025),
            unmet: &["mới có 1 sáng kiến"],
        },
    ]);
}

/// An award with its decision and the achievement it rewarded.
fn decided(year: i32, title: &str, track: Option<Track>, dates: Option<(NaiveDate, NaiveDate)>) -> AwardEntry {
    AwardEntry {
        decision_number: "125/QĐ-SVHTTDL".into(),
        decision_date: "20/12/2025".into(),
        issuer: "Giám đốc Sở Văn hóa, Thể thao và Du lịch".into(),
        track,
        achievement_from: dates.map(|d| d.0),
        achievement_to: dates.map(|d| d.1),
        ..award(year, title)
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn ad_hoc(mut n: NominationFacts, from: NaiveDate, to: Option<NaiveDate>) -> NominationFacts {
    n.track = Track::DotXuat;
    n.achievement_from = Some(from);
    n.achievement_to = to;
    n
}

#[test]
fn one_achievement_one_reward() {
    const B: &str = "bang-khen-bo-tinh";
    // Two CSTĐCS years, so the Bằng khen's own standard holds and only Điều 5 decides.
    let with = |extra: Vec<AwardEntry>| {
        let mut p = person("a", &[(2024, XS), (2025, XS)], &[], &[(2024, "CSTĐCS"), (2025, "CSTĐCS")]);
        p.awards.extend(extra);
        p
    };
    let flood = day(2025, 9, 12);
    run(vec![
        Case {
            name: "a Bằng khen for the achievement that already earned a Giấy khen",
            facts: facts(vec![with(vec![decided(2025, "Giấy khen của Giám đốc Sở", None, None)])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &["Thành tích năm 2025 đã được khen \"Giấy khen của Giám đốc Sở\" (Quyết định số 125/QĐ-SVHTTDL ngày 20/12/2025 của Giám đốc Sở Văn hóa, Thể thao và Du lịch): không khen thưởng nhiều lần, nhiều hình thức cho một thành tích — Luật TĐKT 06/2022/QH15, Điều 5"],
        },
        Case {
            name: "a year-end Giấy khen and an ad-hoc Bằng khen for a flood rescue are two achievements",
            facts: facts(vec![with(vec![decided(2025, "Giấy khen", None, None)])], vec![]),
            nomination: ad_hoc(nominate("n", "a", B, 2025), flood, None),
            unmet: &[],
        },
        Case {
            name: "the same rescue, already rewarded ad hoc with a Giấy khen",
            facts: facts(vec![with(vec![decided(2025, "Giấy khen", Some(Track::DotXuat), Some((day(2025, 9, 10), day(2025, 9, 14))))])], vec![]),
            nomination: ad_hoc(nominate("n", "a", B, 2025), flood, None),
            unmet: &["Thành tích đột xuất ngày 12/09/2025 đã được khen \"Giấy khen\""],
        },
        Case {
            name: "another rescue a month later",
            facts: facts(vec![with(vec![decided(2025, "Giấy khen", Some(Track::DotXuat), Some((day(2025, 8, 1), day(2025, 8, 2))))])], vec![]),
            nomination: ad_hoc(nominate("n", "a", B, 2025), flood, None),
            unmet: &[],
        },
        Case {
            name: "an earlier award of last year's results",
            facts: facts(vec![with(vec![decided(2024, "Giấy khen", None, None)])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[],
        },
        Case {
            name: "an emulation title of the year (LĐTT) does not compete with a form",
            facts: facts(vec![with(vec![])], vec![nominate("l", "a", "ldtt", 2025)]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[],
        },
        Case {
            name: "a Giấy khen proposed in the same round for the same year",
            facts: facts(vec![with(vec![])], vec![nominate("g", "a", "giay-khen", 2025)]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &["Thành tích năm 2025 đã có một đề nghị \"Giấy khen\" khác cho cùng đối tượng"],
        },
        Case {
            name: "thematic awards for two different movements",
            facts: facts(vec![with(vec![AwardEntry { movement_id: Some("chuyen-doi-so".into()), ..decided(2025, "Giấy khen", Some(Track::ChuyenDe), None) }])], vec![]),
            nomination: NominationFacts { track: Track::ChuyenDe, movement_id: Some("xay-dung-nong-thon-moi".into()), ..nominate("n", "a", "giay-khen", 2025) },
            unmet: &[],
        },
        Case {
            name: "an ad-hoc date outside the nomination's year",
            facts: facts(vec![with(vec![])], vec![]),
            nomination: ad_hoc(nominate("n", "a", B, 2025), day(2024, 12, 30), None),
            unmet: &["Thành tích đột xuất ngày 30/12/2024 không kết thúc trong năm 2025"],
        },
        Case {
            name: "a rescue across the year's end belongs to the year it ends in",
            facts: facts(vec![with(vec![])], vec![]),
            nomination: ad_hoc(nominate("n", "a", B, 2025), day(2024, 12, 28), Some(day(2025, 1, 2))),
            unmet: &[],
        },
        Case {
            name: "the same rescue proposed for the year it began in",
            facts: facts(vec![with(vec![])], vec![]),
            nomination: ad_hoc(nominate("n", "a", B, 2024), day(2024, 12, 28), Some(day(2025, 1, 2))),
            unmet: &["không kết thúc trong năm 2024"],
        },
        Case {
            name: "a thematic achievement may span the movement's years",
            facts: facts(vec![with(vec![])], vec![]),
            nomination: NominationFacts {
                track: Track::ChuyenDe,
                achievement_from: Some(day(2021, 1, 1)),
                achievement_to: Some(day(2025, 11, 30)),
                ..nominate("n", "a", "giay-khen", 2025)
            },
            unmet: &[],
        },
        Case {
            name: "a thematic award inside an earlier thematic span of the same movement",
            facts: facts(vec![with(vec![AwardEntry { movement_id: Some("chuyen-doi-so".into()), ..decided(2023, "Giấy khen", Some(Track::ChuyenDe), Some((day(2023, 3, 1), day(2023, 6, 30)))) }])], vec![]),
            nomination: NominationFacts {
                track: Track::ChuyenDe,
                achievement_from: Some(day(2021, 1, 1)),
                achievement_to: Some(day(2025, 11, 30)),
                movement_id: Some("chuyen-doi-so".into()),
                ..nominate("n", "a", "giay-khen", 2025)
            },
            unmet: &["Thành tích chuyên đề từ 01/01/2021 đến 30/11/2025 đã được khen \"Giấy khen\""],
        },
        Case {
            name: "a Kỷ niệm chương of the year rewards a career, not the year's results",
            facts: facts(vec![with(vec![decided(2025, "Kỷ niệm chương Vì sự nghiệp Văn hóa, Thể thao và Du lịch", None, None)])], vec![]),
            nomination: nominate("n", "a", B, 2025),
            unmet: &[],
        },
        Case {
            name: "Giấy khen and Bằng khen, each for its own initiative",
            facts: facts(vec![with(vec![AwardEntry { initiative: Some("08/QĐ-SKCS".into()), ..decided(2025, "Giấy khen", None, None) }])], vec![]),
            nomination: NominationFacts { initiative: Some("11/QĐ-SKCS".into()), ..nominate("n", "a", B, 2025) },
            unmet: &[],
        },
    ]);
    // A Huân chương recorded without saying what it rewarded may be the year's results or a career: the office
    // confirms.
    let medal = facts(vec![with(vec![decided(2025, "Huân chương Lao động hạng Ba", None, None)])], vec![]);
    let verdict = evaluate(&book(), &nominate("n", "a", B, 2025), &medal);
    assert!(verdict.eligible);
    let item = verdict.items.iter().find(|i| i.met.is_none() && i.article.contains("Điều 5")).expect("a question");
    assert!(item.text.contains("không ghi loại thành tích: cần xác nhận đây là thành tích khác"), "{}", item.text);
    // Where the earlier ad-hoc award has no dates, nobody can tell from the records: the office confirms.
    let undated = facts(vec![with(vec![decided(2025, "Giấy khen", Some(Track::DotXuat), None)])], vec![]);
    let verdict = evaluate(&book(), &ad_hoc(nominate("n", "a", B, 2025), flood, None), &undated);
    assert!(verdict.eligible);
    let item = verdict.items.iter().find(|i| i.met.is_none() && i.article.contains("Điều 5")).expect("a question");
    assert!(item.text.contains("không ghi thời gian: cần xác nhận đây là thành tích khác"), "{}", item.text);
}

#[test]
fn an_ad_hoc_achievement_is_judged_under_the_law_of_its_date() {
    let book = book();
    let p = facts(vec![person("a", &[], &[], &[])], vec![]);
    let regime = |n: &NominationFacts| evaluate(&book, n, &p).regime;
    let giay_khen = |year| nominate("n", "a", "giay-khen", year);
    assert_eq!(regime(&ad_hoc(giay_khen(2023), day(2023, 12, 31), None)), "luat-2003");
    assert_eq!(regime(&ad_hoc(giay_khen(2024), day(2024, 1, 1), None)), "luat-2022-nd98");
    assert_eq!(regime(&ad_hoc(giay_khen(2025), day(2025, 6, 30), None)), "luat-2022-nd98");
    assert_eq!(
        regime(&ad_hoc(giay_khen(2025), day(2025, 6, 28), Some(day(2025, 7, 1)))),
        "luat-2022-nd152",
        "its last day"
    );
    assert_eq!(regime(&ad_hoc(giay_khen(2025), day(2025, 7, 1), None)), "luat-2022-nd152");
    // The year's regular results, and a thematic achievement, are judged at the end of the year.
    assert_eq!(regime(&giay_khen(2025)), "luat-2022-nd152");
    let thematic =
        NominationFacts { track: Track::ChuyenDe, achievement_from: Some(day(2025, 3, 1)), ..giay_khen(2025) };
    assert_eq!(regime(&thematic), "luat-2022-nd152");
}

#[test]
fn bang_khen_thu_tuong_counts_five_years_after_the_bang_khen() {
    const TTG: &str = "bang-khen-ttg";
    const BK: &str = "Bằng khen của Chủ tịch UBND tỉnh Vĩnh Phúc";
    let years = |from: i32, to: i32| -> Vec<(i32, Rating)> { (from..=to).map(|y| (y, XS)).collect() };
    let two = [(2022, Scope::CoSo), (2024, Scope::CoSo)];
    run(vec![
        Case {
            name: "a Bằng khen in 2020, then 2021–2025 excellent with two initiatives",
            facts: facts(vec![person("a", &years(2021, 2025), &two, &[(2020, BK)])], vec![]),
            nomination: nominate("n", "a", TTG, 2025),
            unmet: &[],
        },
        Case {
            name: "boundary: a Bằng khen in the run's first year does not start it",
            facts: facts(vec![person("a", &years(2021, 2025), &two, &[(2021, BK)])], vec![]),
            nomination: nominate("n", "a", TTG, 2025),
            unmet: &["\"Bằng khen của Bộ, ban, ngành, tỉnh\" năm 2021 nằm trong 5 năm xét (2021–2025); 5 năm phải tính tiếp theo sau khi được tặng, chưa được tặng trước năm 2021 — Luật TĐKT 06/2022/QH15, Điều 71"],
        },
        Case {
            name: "a Bằng khen inside the run does not start it",
            facts: facts(vec![person("a", &years(2021, 2025), &two, &[(2023, BK)])], vec![]),
            nomination: nominate("n", "a", TTG, 2025),
            unmet: &["năm 2023 nằm trong 5 năm xét"],
        },
        Case {
            name: "no earlier Bằng khen; four excellent years",
            facts: facts(vec![person("a", &years(2022, 2025), &two, &[])], vec![]),
            nomination: nominate("n", "a", TTG, 2025),
            unmet: &["Chưa được tặng \"Bằng khen của Bộ, ban, ngành, tỉnh\" trước năm 2021", "Chưa đủ 5 năm liên tục"],
        },
        Case {
            name: "one initiative only",
            facts: facts(vec![person("a", &years(2021, 2025), &two[..1], &[(2020, BK)])], vec![]),
            nomination: nominate("n", "a", TTG, 2025),
            unmet: &["Cần 2 sáng kiến phạm vi cấp cơ sở trở lên từ 2021 đến 2025, mới có 1 — Luật TĐKT 06/2022/QH15, Điều 71 (số sáng kiến chưa xác nhận)"],
        },
        Case {
            name: "old regime: five initiatives (NĐ 91/2017 Điều 38.1.c)",
            facts: facts(vec![person("a", &years(2019, 2023), &two, &[(2018, BK)])], vec![]),
            nomination: nominate("n", "a", TTG, 2023),
            unmet: &["Cần 5 sáng kiến phạm vi cấp cơ sở trở lên từ 2019 đến 2023, mới có 1 — Nghị định 91/2017/NĐ-CP, Điều 38, khoản 1, điểm c"],
        },
        Case {
            name: "old regime: five initiatives in the five years",
            facts: facts(
                vec![person("a", &years(2019, 2023), &[(2019, Scope::CoSo), (2020, Scope::CoSo), (2021, Scope::CoSo), (2022, Scope::CoSo), (2023, Scope::CoSo)], &[(2018, BK)])],
                vec![],
            ),
            nomination: nominate("n", "a", TTG, 2023),
            unmet: &[],
        },
        Case {
            name: "boundary: 2024 is the new law's, two initiatives",
            facts: facts(vec![person("a", &years(2020, 2024), &two, &[(2019, BK)])], vec![]),
            nomination: nominate("n", "a", TTG, 2024),
            unmet: &[],
        },
    ]);
    // A Bằng khen long before the five years: they may not be the five "tiếp theo"; the office confirms.
    let early = facts(vec![person("a", &years(2016, 2025), &two, &[(2015, BK)])], vec![]);
    let verdict = evaluate(&book(), &nominate("n", "a", TTG, 2025), &early);
    assert!(verdict.eligible);
    assert!(verdict
        .items
        .iter()
        .any(|i| i.met.is_none() && i.text.contains("năm 2015; giữa đó và 5 năm xét (2021–2025) còn 2016–2020")));
    // The uncertain count is marked so.
    let initiatives = verdict.items.iter().find(|i| i.text.contains("sáng kiến")).expect("the initiatives item");
    assert_eq!(initiatives.certainty, domain::rules::Certainty::U);
}

#[test]
fn the_same_grassroots_years_do_not_back_two_provincial_titles() {
    let cstdcs =
        |years: std::ops::RangeInclusive<i32>| -> Vec<(i32, &'static str)> { years.map(|y| (y, "CSTĐCS")).collect() };
    let with = |extra: &[(i32, &'static str)]| {
        let mut awards = cstdcs(2020..=2025);
        awards.extend_from_slice(extra);
        facts(vec![person("a", &[], &[(2025, Scope::BoTinh)], &awards)], vec![])
    };
    let book = book();
    let nomination = nominate("n", "a", "cstd-bo-tinh", 2025);
    let question = |f: &Facts| {
        let verdict = evaluate(&book, &nomination, f);
        assert!(verdict.eligible, "{:#?}", unmet(&verdict));
        verdict.items.into_iter().find(|i| i.met.is_none()).map(|i| i.text)
    };
    assert_eq!(question(&with(&[(2022, "Chiến sĩ thi đua cấp tỉnh")])), None, "2020–2022, then 2023–2025");
    assert_eq!(
        question(&with(&[(2024, "Chiến sĩ thi đua cấp tỉnh")])).as_deref(),
        Some("Năm 2023, 2024 đã dùng để xét \"Chiến sĩ thi đua Bộ, ban, ngành, tỉnh\" năm 2024, Quyết định số 2024/QĐ: cần xác nhận không dùng lại")
    );
    assert!(question(&with(&[(2023, "CSTĐ tỉnh Vĩnh Phúc")])).is_some_and(|t| t.starts_with("Năm 2023 đã dùng")));
}

#[test]
fn every_discipline_from_canh_cao_counts_against_a_collective() {
    for (discipline, counts) in [
        (Discipline::KhienTrach, false),
        (Discipline::CanhCao, true),
        (Discipline::HaBacLuong, true),
        (Discipline::GiangChuc, true),
        (Discipline::CachChuc, true),
        (Discipline::BuocThoiViec, true),
    ] {
        let mut people = members(&[Tot, Tot, Tot]);
        people[0] = disciplined(people[0].clone(), 2025, discipline);
        let nominations = with_ldtt(&people, 3);
        let verdict = evaluate(&book(), &collective("n", "ttldtt", 2025), &facts(people, nominations));
        let failed = verdict.unmet().any(|i| i.text.contains(&discipline.label().to_lowercase()));
        assert_eq!(failed, counts, "{discipline:?}: {:#?}", unmet(&verdict));
    }
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
            unmet: &["Chưa đáp ứng trường hợp nào: (a) Chưa đủ 2 năm liên tục đạt \"Chiến sĩ thi đua cơ sở\" (mới có 2025) — (b) 2 năm liên tục hoàn thành xuất sắc nhiệm vụ (2024–2025), trong thời gian đó mới có 1 sáng kiến phạm vi cấp cơ sở trở lên, cần 2 — Luật TĐKT 06/2022/QH15, Điều 74, khoản 1, điểm d"],
        },
        Case {
            name: "one excellent year",
            facts: facts(vec![person("a", &[(2024, Tot), (2025, XS)], &[(2024, Scope::CoSo), (2025, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["(b) Chưa đủ 2 năm liên tục hoàn thành xuất sắc nhiệm vụ (mới có 2025)"],
        },
        Case {
            name: "old regime: two excellent years with two initiatives",
            facts: facts(vec![person("a", &[(2022, XS), (2023, XS)], &[(2022, Scope::CoSo), (2023, Scope::CoSo)], &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2023),
            unmet: &[],
        },
        Case {
            name: "old regime: two excellent years alone do not suffice, under the decree's own article",
            facts: facts(vec![person("a", &[(2022, XS), (2023, XS)], &[], &[])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2023),
            unmet: &["Cần 2 sáng kiến phạm vi cấp cơ sở trở lên từ 2022 đến 2023, mới có 0 — Nghị định 91/2017/NĐ-CP, Điều 39"],
        },
        Case {
            name: "already awarded for the year",
            facts: facts(vec![person("a", &[], &[], &[(2024, "CSTĐCS"), (2025, "CSTĐCS"), (2025, "Bằng khen của Chủ tịch UBND tỉnh")])], vec![]),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["Thành tích năm 2025 đã được khen \"Bằng khen của Chủ tịch UBND tỉnh\" (Quyết định số 2025/QĐ): không khen thưởng nhiều lần, nhiều hình thức cho một thành tích — Luật TĐKT 06/2022/QH15, Điều 5"],
        },
        Case {
            name: "proposed twice",
            facts: facts(
                vec![person("a", &[], &[], &[(2024, "CSTĐCS"), (2025, "CSTĐCS")])],
                vec![nominate("other", "a", "bang-khen-bo-tinh", 2025)],
            ),
            nomination: nominate("n", "a", "bang-khen-bo-tinh", 2025),
            unmet: &["Thành tích năm 2025 đã có một đề nghị \"Bằng khen của Bộ, ban, ngành, tỉnh\" khác cho cùng đối tượng"],
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
fn co_thi_dua_reads_cluster_leadership_from_the_published_ranking() {
    let mut with_ttldxs = facts(vec![], vec![]);
    with_ttldxs.unit_awards.push(award(2025, "Tập thể lao động xuất sắc"));
    // Before the cluster publishes its ranking, a person confirms it.
    let verdict = evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &with_ttldxs);
    assert!(verdict.eligible, "{:#?}", unmet(&verdict));
    assert!(verdict.items.iter().any(|i| i.met.is_none() && i.text.contains("chưa có kết quả xếp hạng")));
    let vote = verdict.vote.expect("the council votes on it");
    assert_eq!((vote.percent, vote.of_all_members), (50, true));
    let without = evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &facts(vec![], vec![]));
    assert_eq!(unmet(&without).len(), 1);

    let standing = |rank: u32, proposed: Option<&str>, year: i32| ClusterStanding {
        cluster_id: "cum-huyen".into(),
        cluster_name: "Cụm thi đua các Trung tâm cấp huyện".into(),
        year,
        unit_id: "u".into(),
        rank,
        members: 4,
        proposed: proposed.map(str::to_owned),
    };
    let leading = |s: ClusterStanding| Facts { standings: vec![s], ..with_ttldxs.clone() };
    let first =
        evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &leading(standing(1, Some("co-bo-tinh"), 2025)));
    let item = first.items.iter().find(|i| i.text.contains("Xếp thứ")).expect("the ranking is read");
    assert_eq!((item.met, item.text.as_str()), (Some(true), "Xếp thứ 1/4 Cụm thi đua các Trung tâm cấp huyện năm 2025, trong chỉ tiêu đề nghị \"Cờ thi đua của Bộ, ban, ngành, tỉnh\""));
    let third =
        evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &leading(standing(3, Some("bang-khen-bo-tinh"), 2025)));
    assert!(!third.eligible);
    assert!(unmet(&third)[0].starts_with("Xếp thứ 3/4"), "{:?}", unmet(&third));
    let other_year =
        evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &leading(standing(1, Some("co-bo-tinh"), 2024)));
    assert!(other_year.items.iter().any(|i| i.met.is_none() && i.text.contains("năm 2025")));
    let left_out = evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &leading(standing(0, None, 2025)));
    assert_eq!(
        unmet(&left_out)[0],
        "Không có trong kết quả xếp hạng Cụm thi đua các Trung tâm cấp huyện năm 2025 (chưa gửi điểm tự chấm) — Luật TĐKT 06/2022/QH15, Điều 26"
    );
    // In two clusters (a unit and the one merged into it), the one that proposes the title counts.
    let mut both = leading(standing(3, Some("bang-khen-bo-tinh"), 2025));
    both.standings.push(standing(2, Some("co-bo-tinh"), 2025));
    let verdict = evaluate(&book(), &collective("n", "co-bo-tinh", 2025), &both);
    assert!(verdict.eligible, "{:#?}", unmet(&verdict));
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
    let verdict = evaluate(&book, &collective_bk, &Facts::gather(records, &line, &[]));
    assert!(verdict.eligible, "{:#?}", unmet(&verdict));

    let without_lineage = Facts::gather(records, &["ttvh-new".to_string()], &[]);
    let verdict = evaluate(&book, &collective_bk, &without_lineage);
    assert_eq!(
        unmet(&verdict),
        ["Chưa đủ 2 năm liên tục đạt \"Tập thể lao động xuất sắc\" (mới có 2025) — Luật TĐKT 06/2022/QH15, Điều 74, khoản 2"]
    );

    let person_bk = nominate("m", &person_id.to_string(), "bang-khen-bo-tinh", 2025);
    let verdict = evaluate(&book, &person_bk, &Facts::gather(records, &line, &[]));
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

    // A name two titles share once abbreviations are read, and an abbreviation of two words, are refused.
    let mut clashing = shipped.clone();
    clashing.titles[1].aliases.push("LĐTT".into());
    clashing.abbreviations.push(domain::rules::Abbreviation { short: "BK TTg".into(), long: "Bằng khen".into() });
    let problems = clashing.problems(&shipped);
    assert!(
        problems.iter().any(|p| p.at == "titles[1].name" && p.message.contains("\"LĐTT\" dùng cho hai")),
        "{problems:#?}"
    );
    assert!(problems.iter().any(|p| p.at.starts_with("abbreviations[")), "{problems:#?}");

    // Names differing only in diacritics would be read as one; an alias of "*" alone would read anything.
    let mut folded = shipped.clone();
    folded.titles[1].aliases.push("Lao dong tien tien".into());
    folded.titles[2].aliases.push("*".into());
    let problems = folded.problems(&shipped);
    assert!(problems.iter().any(|p| p.at == "titles[1].name" && p.message.contains("dùng cho hai")), "{problems:#?}");
    assert!(
        problems.iter().any(|p| p.at == "titles[2].aliases" && p.message.contains("không có chữ")),
        "{problems:#?}"
    );
    // A book stored before names were checked still never reads a shared name as one of the two.
    folded.titles[1].aliases.push("Lao động tiên tiến".into());
    assert_eq!(folded.title("Lao động tiên tiến"), None);
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

#[test]
fn the_same_year_titles_a_nomination_leans_on_are_named() {
    let book = book();
    assert_eq!(
        domain::rules::same_year_prerequisites(&book, &nominate("n", "p", "cstdcs", 2025)),
        ["ldtt"],
        "a CSTĐCS needs the year's LĐTT"
    );
    assert!(domain::rules::same_year_prerequisites(&book, &nominate("n", "p", "ldtt", 2025)).is_empty());
    assert!(domain::rules::same_year_prerequisites(&book, &nominate("n", "p", "khong-co", 2025)).is_empty());
}
