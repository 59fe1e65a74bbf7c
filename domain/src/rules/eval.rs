//! The verdict on one nomination: each condition of the rules that apply to its title and year, checked against
//! the facts of the nominee's records.

use super::{Certainty, Check, Rule, RuleBook, Verdict, VerdictItem};
use crate::dossier::{AwardEntry, Facts, NominationFacts, NomineeKind, PersonFacts, Rating};

/// The nominee as the checks see it.
enum Nominee<'a> {
    Person(&'a PersonFacts),
    Collective { unit_id: &'a str },
}

struct Context<'a> {
    book: &'a RuleBook,
    nomination: &'a NominationFacts,
    facts: &'a Facts,
    nominee: Nominee<'a>,
}

/// One check's result: met or not (None: a person confirms it) and the sentence saying why.
type CheckResult = (Option<bool>, String);

impl Context<'_> {
    fn year(&self) -> i32 {
        self.nomination.year
    }

    /// The unit's nominations, with the one being checked counted once whether or not the caller's records
    /// already hold it.
    fn nominations(&self) -> impl Iterator<Item = &NominationFacts> {
        let current = self.nomination;
        self.facts.nominations.iter().filter(move |n| n.id != current.id).chain(std::iter::once(current))
    }

    fn resolves_to(&self, name: &str, code: &str) -> bool {
        self.book.title(name).is_some_and(|t| t.code == code)
    }

    fn awards_of(&self, nominee_id: &str, collective: bool) -> &[AwardEntry] {
        if collective {
            &self.facts.unit_awards
        } else {
            self.facts.person(nominee_id).map_or(&[], |p| p.awards.as_slice())
        }
    }

    /// Whether a nominee held `code` in `year`: awarded, or proposed by another nomination of the same round.
    /// The nomination being checked does not count for itself.
    fn holds(&self, nominee_id: &str, collective: bool, code: &str, year: i32) -> bool {
        self.awards_of(nominee_id, collective).iter().any(|a| a.year == year && self.resolves_to(&a.title, code))
            || self.facts.nominations.iter().any(|n| {
                n.id != self.nomination.id
                    && n.nominee_id == nominee_id
                    && n.year == year
                    && (n.nominee_kind == NomineeKind::Collective) == collective
                    && n.title == code
            })
    }

    /// The nominee's id, and whether it is a collective.
    fn nominee_key(&self) -> (&str, bool) {
        match self.nominee {
            Nominee::Person(p) => (p.id.as_str(), false),
            Nominee::Collective { unit_id } => (unit_id, true),
        }
    }

    fn nominee_holds(&self, code: &str, year: i32) -> bool {
        let (id, collective) = self.nominee_key();
        self.holds(id, collective, code, year)
    }

    /// Members serving in the year: people of the unit (and its predecessors) with a rating for it.
    fn members(&self) -> impl Iterator<Item = (&PersonFacts, &crate::dossier::YearRecord)> {
        let year = self.year();
        self.facts.people.iter().filter_map(move |p| p.year(year).map(|y| (p, y)))
    }

    fn person(&self) -> Option<&PersonFacts> {
        match self.nominee {
            Nominee::Person(p) => Some(p),
            Nominee::Collective { .. } => None,
        }
    }

    fn run(&self, check: &Check) -> CheckResult {
        let year = self.year();
        let name = |code: &str| self.book.title_name(code).to_string();
        let individual_only = (Some(false), "Điều kiện này chỉ áp dụng cho cá nhân".to_string());
        let collective_only = (Some(false), "Điều kiện này chỉ áp dụng cho tập thể".to_string());
        match check {
            Check::MinRating { rating } => {
                let Some(person) = self.person() else { return individual_only };
                match person.year(year) {
                    Some(y) if y.rating >= *rating => {
                        (Some(true), format!("Năm {year} xếp loại \"{}\"", y.rating.label().to_lowercase()))
                    }
                    Some(y) => (
                        Some(false),
                        format!(
                            "Năm {year} xếp loại \"{}\", cần từ \"{}\" trở lên",
                            y.rating.label().to_lowercase(),
                            rating.label().to_lowercase()
                        ),
                    ),
                    None => (Some(false), format!("Chưa có kết quả xếp loại năm {year}")),
                }
            }
            Check::MinMonthsWorked { months } => {
                let Some(person) = self.person() else { return individual_only };
                match person.year(year).and_then(|y| y.months_worked) {
                    Some(worked) if worked >= *months => (Some(true), format!("Năm {year} công tác {worked} tháng")),
                    Some(worked) => {
                        (Some(false), format!("Năm {year} mới công tác {worked} tháng, cần từ {months} tháng trở lên"))
                    }
                    None => (None, format!("Cần xác nhận năm {year} công tác từ {months} tháng trở lên")),
                }
            }
            Check::NoDiscipline => {
                let Some(person) = self.person() else { return individual_only };
                match person.year(year).and_then(|y| y.discipline) {
                    Some(d) => (Some(false), format!("Bị kỷ luật \"{}\" trong năm {year}", d.label().to_lowercase())),
                    None => (Some(true), format!("Không bị kỷ luật trong năm {year}")),
                }
            }
            Check::HoldsTitle { title } => {
                if self.nominee_holds(title, year) {
                    (Some(true), format!("Đạt \"{}\" năm {year}", name(title)))
                } else {
                    (Some(false), format!("Chưa đạt (hoặc chưa được đề nghị) \"{}\" năm {year}", name(title)))
                }
            }
            Check::HoldsTitleBefore { title } => {
                let (id, collective) = self.nominee_key();
                let earlier = self
                    .awards_of(id, collective)
                    .iter()
                    .filter(|a| a.year < year && self.resolves_to(&a.title, title))
                    .map(|a| a.year)
                    .max();
                match earlier {
                    Some(y) => (Some(true), format!("Đã được tặng \"{}\" năm {y}", name(title))),
                    None => (Some(false), format!("Chưa được tặng \"{}\" trước năm {year}", name(title))),
                }
            }
            Check::ExcellentOrInitiative => {
                let Some(person) = self.person() else { return individual_only };
                let excellent = person.year(year).is_some_and(|y| y.rating == Rating::XuatSac);
                let initiative = person.initiatives.iter().find(|i| i.year == year);
                match (excellent, initiative) {
                    (true, _) => (Some(true), format!("Năm {year} hoàn thành xuất sắc nhiệm vụ")),
                    (false, Some(i)) => {
                        (Some(true), format!("Có sáng kiến \"{}\" được công nhận năm {year} (số {})", i.name, i.number))
                    }
                    (false, None) => (
                        Some(false),
                        format!("Năm {year} chưa hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến được công nhận"),
                    ),
                }
            }
            Check::ConsecutiveTitle { title, years } => {
                let streak: Vec<i32> =
                    (0..*years as i32).map(|back| year - back).take_while(|y| self.nominee_holds(title, *y)).collect();
                if streak.len() as u32 >= *years {
                    (Some(true), format!("{years} năm liên tục đạt \"{}\" ({})", name(title), list_years(&streak)))
                } else {
                    let have = streak_so_far(year, &streak);
                    (Some(false), format!("Chưa đủ {years} năm liên tục đạt \"{}\" ({have})", name(title)))
                }
            }
            Check::ConsecutiveRating { rating, years } => {
                let Some(person) = self.person() else { return individual_only };
                let streak: Vec<i32> = (0..*years as i32)
                    .map(|back| year - back)
                    .take_while(|y| person.year(*y).is_some_and(|r| r.rating >= *rating))
                    .collect();
                let label = rating.label().to_lowercase();
                if streak.len() as u32 >= *years {
                    (Some(true), format!("{years} năm liên tục {label} ({})", list_years(&streak)))
                } else {
                    let have = streak_so_far(year, &streak);
                    (Some(false), format!("Chưa đủ {years} năm liên tục {label} ({have})"))
                }
            }
            Check::Initiatives { scope, count, years } => {
                let Some(person) = self.person() else { return individual_only };
                let from = year - *years as i32 + 1;
                let found: Vec<&str> = person
                    .initiatives
                    .iter()
                    .filter(|i| i.scope >= *scope && (from..=year).contains(&i.year))
                    .map(|i| i.number.as_str())
                    .collect();
                let window = if *years == 1 { format!("năm {year}") } else { format!("từ {from} đến {year}") };
                if found.len() as u32 >= *count {
                    (
                        Some(true),
                        format!(
                            "Có {} sáng kiến phạm vi {} {window} ({})",
                            found.len(),
                            scope.label(),
                            found.join(", ")
                        ),
                    )
                } else {
                    (
                        Some(false),
                        format!(
                            "Cần {count} sáng kiến phạm vi {} trở lên {window}, mới có {}",
                            scope.label(),
                            found.len()
                        ),
                    )
                }
            }
            Check::AnyOf { options } => {
                let mut reasons = Vec::new();
                for (index, option) in options.iter().enumerate() {
                    let results: Vec<CheckResult> = option.iter().map(|c| self.run(c)).collect();
                    if results.iter().all(|(met, _)| *met == Some(true)) {
                        let texts: Vec<String> = results.into_iter().map(|(_, t)| t).collect();
                        return (Some(true), texts.join("; "));
                    }
                    let failing: Vec<String> =
                        results.into_iter().filter(|(met, _)| *met != Some(true)).map(|(_, t)| t).collect();
                    reasons.push(format!("({}) {}", (b'a' + index as u8) as char, failing.join("; ")));
                }
                (Some(false), format!("Chưa đáp ứng trường hợp nào: {}", reasons.join(" — ")))
            }
            Check::MemberShare { title, percent, strictly_more } => {
                let Nominee::Collective { .. } = self.nominee else { return collective_only };
                let members: Vec<&PersonFacts> = self.members().map(|(p, _)| p).collect();
                let holding = members.iter().filter(|p| self.holds(&p.id, false, title, year)).count();
                let total = members.len();
                let share = if total == 0 { 0.0 } else { holding as f64 * 100.0 / total as f64 };
                let met = total > 0
                    && if *strictly_more {
                        holding * 100 > *percent as usize * total
                    } else {
                        holding * 100 >= *percent as usize * total
                    };
                let need =
                    if *strictly_more { format!("trên {percent}%") } else { format!("từ {percent}% trở lên") };
                let text = format!(
                    "{holding}/{total} thành viên ({share:.0}%) đạt \"{}\" năm {year}; cần {need}",
                    name(title)
                );
                (Some(met), text)
            }
            Check::MembersWithTitle { title, count } => {
                let Nominee::Collective { .. } = self.nominee else { return collective_only };
                let holding: Vec<&str> = self
                    .members()
                    .filter(|(p, _)| self.holds(&p.id, false, title, year))
                    .map(|(p, _)| p.name.as_str())
                    .collect();
                if holding.len() as u32 >= *count {
                    (
                        Some(true),
                        format!(
                            "Có {} cá nhân đạt \"{}\" năm {year} ({})",
                            holding.len(),
                            name(title),
                            holding.join(", ")
                        ),
                    )
                } else {
                    (
                        Some(false),
                        format!(
                            "Cần ít nhất {count} cá nhân đạt \"{}\" năm {year}, mới có {}",
                            name(title),
                            holding.len()
                        ),
                    )
                }
            }
            Check::AllMembersRating { rating } => {
                let Nominee::Collective { .. } = self.nominee else { return collective_only };
                let below: Vec<&str> =
                    self.members().filter(|(_, y)| y.rating < *rating).map(|(p, _)| p.name.as_str()).collect();
                let total = self.members().count();
                if total > 0 && below.is_empty() {
                    (
                        Some(true),
                        format!(
                            "Cả {total} thành viên xếp loại từ \"{}\" trở lên năm {year}",
                            rating.label().to_lowercase()
                        ),
                    )
                } else if total == 0 {
                    (Some(false), format!("Chưa có kết quả xếp loại năm {year} của thành viên nào"))
                } else {
                    (
                        Some(false),
                        format!(
                            "Có thành viên xếp loại dưới \"{}\" năm {year}: {}",
                            rating.label().to_lowercase(),
                            below.join(", ")
                        ),
                    )
                }
            }
            Check::NoMemberDisciplined { from } => {
                let Nominee::Collective { .. } = self.nominee else { return collective_only };
                let disciplined: Vec<String> = self
                    .members()
                    .filter_map(|(p, y)| {
                        y.discipline.filter(|d| d >= from).map(|d| format!("{} ({})", p.name, d.label().to_lowercase()))
                    })
                    .collect();
                if disciplined.is_empty() {
                    (
                        Some(true),
                        format!(
                            "Không có thành viên bị kỷ luật từ mức {} trở lên năm {year}",
                            from.label().to_lowercase()
                        ),
                    )
                } else {
                    (
                        Some(false),
                        format!(
                            "Có thành viên bị kỷ luật từ mức {} trở lên năm {year}: {}",
                            from.label().to_lowercase(),
                            disciplined.join(", ")
                        ),
                    )
                }
            }
            Check::Quota { title, of_title, max_percent } => {
                let proposed = self
                    .nominations()
                    .filter(|n| n.year == year && n.nominee_kind == NomineeKind::Person && n.title == *title)
                    .count();
                let holders = self.members().filter(|(p, _)| self.holds(&p.id, false, of_title, year)).count()
                    + usize::from(
                        self.nomination.title == *of_title && self.nomination.nominee_kind == NomineeKind::Person,
                    );
                let allowed = (holders * *max_percent as usize).div_ceil(100);
                let text = format!(
                    "Đơn vị đề nghị {proposed} \"{}\" năm {year} trên {holders} người đạt \"{}\"; tối đa {max_percent}% ({allowed} người)",
                    name(title),
                    name(of_title)
                );
                (Some(proposed <= allowed), text)
            }
            Check::NotRewardedTwice => {
                let (id, collective) = self.nominee_key();
                let code = &self.nomination.title;
                if let Some(award) =
                    self.awards_of(id, collective).iter().find(|a| a.year == year && self.resolves_to(&a.title, code))
                {
                    let decision = if award.decision_number.is_empty() {
                        String::new()
                    } else {
                        format!(" (Quyết định số {})", award.decision_number)
                    };
                    return (Some(false), format!("Đã được tặng \"{}\" năm {year}{decision}", name(code)));
                }
                let twice =
                    self.facts.nominations.iter().any(|n| {
                        n.id != self.nomination.id && n.nominee_id == id && n.year == year && n.title == *code
                    });
                if twice {
                    (Some(false), format!("Đã có một đề nghị \"{}\" năm {year} khác cho cùng đối tượng", name(code)))
                } else {
                    (Some(true), format!("Chưa được khen \"{}\" cho thành tích năm {year}", name(code)))
                }
            }
            Check::Manual { text } => (None, format!("Cần xác nhận: {text}")),
        }
    }
}

/// "năm 2025 chưa đạt", or "mới có 2024, 2025": how far a streak that falls short got.
fn streak_so_far(year: i32, streak: &[i32]) -> String {
    if streak.is_empty() {
        format!("năm {year} chưa đạt")
    } else {
        format!("mới có {}", list_years(streak))
    }
}

fn list_years(years: &[i32]) -> String {
    let mut sorted = years.to_vec();
    sorted.sort_unstable();
    sorted.iter().map(|y| y.to_string()).collect::<Vec<_>>().join(", ")
}

/// Why a nomination may not be submitted yet, or None if it may: it needs a verdict (a year, a nominee and a
/// title), and one that fails a rule needs a written justification. The tablet disables its button on this and
/// the server refuses the submission with it.
pub fn submission_problem(verdict: Option<&Verdict>, justification: &str) -> Option<String> {
    let Some(verdict) = verdict else {
        return Some("Đề nghị chưa đủ thông tin: cần năm, đối tượng và danh hiệu hoặc hình thức khen thưởng".into());
    };
    if verdict.eligible || !justification.trim().is_empty() {
        return None;
    }
    let reasons: Vec<&str> = verdict.unmet().map(|item| item.text.as_str()).collect();
    Some(format!("Đề nghị chưa đáp ứng tiêu chuẩn ({}); cần ghi giải trình để gửi", reasons.join("; ")))
}

/// The verdict on `nomination` under the regime in force for its year.
pub fn evaluate(book: &RuleBook, nomination: &NominationFacts, facts: &Facts) -> Verdict {
    let mut verdict = Verdict {
        title: nomination.title.clone(),
        title_name: book.title_name(&nomination.title).to_string(),
        year: nomination.year,
        regime: String::new(),
        regime_name: String::new(),
        eligible: false,
        items: Vec::new(),
        vote: None,
        rulebook_version: book.version,
    };
    let fail = |verdict: &mut Verdict, text: String| {
        verdict.items.push(VerdictItem { met: Some(false), text, article: String::new(), certainty: Certainty::C });
    };
    let Some(title) = book.title(&nomination.title) else {
        fail(
            &mut verdict,
            format!("\"{}\" không có trong danh mục danh hiệu, hình thức khen thưởng", nomination.title),
        );
        return verdict;
    };
    if !title.subject.admits(nomination.nominee_kind) {
        let who = match nomination.nominee_kind {
            NomineeKind::Person => "cá nhân",
            NomineeKind::Collective => "tập thể",
        };
        fail(&mut verdict, format!("\"{}\" không xét tặng cho {who}", title.name));
        return verdict;
    }
    let Some(regime) = book.regime_for_year(nomination.year) else {
        fail(&mut verdict, format!("Không có chế độ pháp lý nào áp dụng cho năm {}", nomination.year));
        return verdict;
    };
    verdict.regime = regime.id.clone();
    verdict.regime_name = regime.name.clone();
    let nominee = match nomination.nominee_kind {
        NomineeKind::Person => match facts.person(&nomination.nominee_id) {
            Some(person) => Nominee::Person(person),
            None => {
                fail(&mut verdict, "Không tìm thấy hồ sơ cá nhân của người được đề nghị trong đơn vị".into());
                return verdict;
            }
        },
        NomineeKind::Collective if nomination.nominee_id == nomination.unit_id => {
            Nominee::Collective { unit_id: &nomination.nominee_id }
        }
        NomineeKind::Collective => {
            fail(&mut verdict, "Đơn vị chỉ đề nghị khen thưởng tập thể cho chính đơn vị mình".into());
            return verdict;
        }
    };
    let context = Context { book, nomination, facts, nominee };
    let rules: Vec<&Rule> = book
        .rules
        .iter()
        .filter(|r| r.title == "*" || r.title == title.code)
        .filter(|r| r.regimes.contains(&regime.id))
        .filter(|r| r.subject.is_none_or(|s| s.admits(nomination.nominee_kind)))
        .collect();
    if !rules.iter().any(|r| r.title != "*") {
        verdict.items.push(VerdictItem {
            met: None,
            text: format!(
                "Chưa có tiêu chuẩn tự kiểm tra cho \"{}\" theo {}: Văn phòng thẩm định hồ sơ",
                title.name, regime.name
            ),
            article: String::new(),
            certainty: Certainty::U,
        });
    }
    for rule in rules {
        if rule.vote.is_some() {
            verdict.vote = rule.vote.clone();
        }
        for condition in &rule.conditions {
            let (met, text) = context.run(&condition.check);
            verdict.items.push(VerdictItem {
                met,
                text,
                article: condition.article.clone(),
                certainty: condition.certainty,
            });
        }
    }
    verdict.eligible = !verdict.items.iter().any(|i| i.met == Some(false));
    verdict
}
