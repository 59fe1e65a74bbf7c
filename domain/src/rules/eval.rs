//! The verdict on one nomination: each condition of the rules that apply to its title and year, checked against
//! the facts of the nominee's records.

use std::collections::BTreeSet;

use chrono::Datelike;

use crate::cluster::ClusterStanding;

use super::{Certainty, Check, NameReading, Rule, RuleBook, TitleIndex, TitleKind, Verdict, VerdictItem};
use crate::dossier::{
    AwardEntry, Facts, Initiative, NominationFacts, NomineeKind, PersonFacts, Rating, Sameness, Scope, Track,
};

/// The nominee as the checks see it.
enum Nominee<'a> {
    Person(&'a PersonFacts),
    Collective { unit_id: &'a str },
}

struct Context<'a> {
    book: &'a RuleBook,
    index: TitleIndex<'a>,
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
        self.index.resolve(name).is_some_and(|t| t.code == code)
    }

    /// The years the nominee was awarded `code` (or proposed for it in this round), up to the nomination's year.
    fn years_holding(&self, code: &str) -> Vec<i32> {
        let (id, collective) = self.nominee_key();
        let mut years: Vec<i32> = self
            .awards_of(id, collective)
            .iter()
            .filter(|a| a.year <= self.year() && self.resolves_to(&a.title, code))
            .map(|a| a.year)
            .chain(
                self.facts
                    .nominations
                    .iter()
                    .filter(|n| n.id != self.nomination.id && n.nominee_id == id && n.title == code)
                    .filter(|n| (n.nominee_kind == NomineeKind::Collective) == collective && n.year <= self.year())
                    .map(|n| n.year),
            )
            .collect();
        years.sort_unstable();
        years.dedup();
        years
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

    /// How each name on the nominee's awards was read, where it is not the catalog's own name.
    fn readings(&self) -> Vec<NameReading> {
        let (id, collective) = self.nominee_key();
        let mut readings: Vec<NameReading> = Vec::new();
        for award in self.awards_of(id, collective).iter().filter(|a| !self.index.is_canonical(&a.title)) {
            let recorded = award.title.trim();
            match readings.iter_mut().find(|r| r.recorded == recorded) {
                Some(reading) => reading.years.push(award.year),
                None => {
                    let title = self.index.resolve(recorded);
                    readings.push(NameReading {
                        recorded: recorded.to_string(),
                        years: vec![award.year],
                        title: title.map(|t| t.code.clone()),
                        title_name: title.map(|t| t.name.clone()),
                    });
                }
            }
        }
        for reading in &mut readings {
            reading.years.sort_unstable();
            reading.years.dedup();
        }
        readings
    }

    fn person(&self) -> Option<&PersonFacts> {
        match self.nominee {
            Nominee::Person(p) => Some(p),
            Nominee::Collective { .. } => None,
        }
    }

    /// Luật 06/2022 Điều 5: "không khen thưởng nhiều lần, nhiều hình thức cho một thành tích". The nominated
    /// title competes with an award or another nomination of the same title and, if it is a form of
    /// commendation, with every other form, for the same achievement. Emulation titles of one year (LĐTT, then
    /// CSTĐCS on top of it) are not one achievement rewarded twice: each has its own standard.
    fn not_rewarded_twice(&self) -> CheckResult {
        let code = self.nomination.title.as_str();
        let nominated = self.index.resolve(code);
        let name = nominated.map_or(code, |t| t.name.as_str());
        let is_form = nominated.is_some_and(|t| t.kind == TitleKind::HinhThuc);
        let competes = |other: &str| {
            self.index.resolve(other).is_some_and(|t| t.code == code || (is_form && t.kind == TitleKind::HinhThuc))
        };
        let achievement = self.nomination.achievement();
        let described = achievement.describe();
        let (id, collective) = self.nominee_key();
        let mut unclear = None;
        for award in self.awards_of(id, collective).iter().filter(|a| competes(&a.title)) {
            let decision = award.decision();
            let decision = if decision.is_empty() { String::new() } else { format!(" ({decision})") };
            let rewarded = award.achievement(self.index.resolve(&award.title).and_then(|t| t.usual_track));
            match achievement.compare(&rewarded) {
                Sameness::Same => {
                    return (
                        Some(false),
                        format!(
                            "Thành tích {described} đã được khen \"{}\"{decision}: không khen thưởng nhiều lần, \
                             nhiều hình thức cho một thành tích",
                            award.title
                        ),
                    )
                }
                Sameness::Unclear => {
                    unclear.get_or_insert(format!(
                        "Đã được khen \"{}\" {}{decision}, {}: cần xác nhận đây là thành tích khác",
                        award.title,
                        rewarded.describe(),
                        rewarded.missing()
                    ));
                }
                Sameness::Different => {}
            }
        }
        let others = self.facts.nominations.iter().filter(|n| {
            n.id != self.nomination.id
                && n.nominee_id == id
                && (n.nominee_kind == NomineeKind::Collective) == collective
        });
        for other in others.filter(|n| competes(&n.title)) {
            let other_name = self.book.title_name(&other.title);
            match achievement.compare(&other.achievement()) {
                Sameness::Same => {
                    return (
                        Some(false),
                        format!("Thành tích {described} đã có một đề nghị \"{other_name}\" khác cho cùng đối tượng"),
                    )
                }
                Sameness::Unclear => {
                    let proposed = other.achievement();
                    unclear.get_or_insert(format!(
                        "Đã có đề nghị \"{other_name}\" {}, {}: cần xác nhận đây là thành tích khác",
                        proposed.describe(),
                        proposed.missing()
                    ));
                }
                Sameness::Different => {}
            }
        }
        match unclear {
            Some(text) => (None, text),
            None if is_form => (Some(true), format!("Thành tích {described} chưa được khen bằng hình thức nào")),
            None => (Some(true), format!("Chưa được tặng \"{name}\" cho thành tích {described}")),
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
            Check::TitleBeforeRun { title, years } => {
                let start = year - *years as i32 + 1;
                let run = format!("{years} năm xét ({start}–{year})");
                let held = self.years_holding(title);
                let before = held.iter().copied().filter(|y| *y < start).max();
                let inside: Vec<i32> = held.iter().copied().filter(|y| *y >= start).collect();
                match before {
                    Some(y) if y == start - 1 => (
                        Some(true),
                        format!("Đã được tặng \"{}\" năm {y}; {run} là {years} năm tiếp theo", name(title)),
                    ),
                    Some(y) => {
                        let gap = if y + 1 == start - 1 {
                            format!("{}", y + 1)
                        } else {
                            format!("{}–{}", y + 1, start - 1)
                        };
                        (
                            None,
                            format!(
                                "Được tặng \"{}\" năm {y}; giữa đó và {run} còn {gap}: cần xác nhận {years} năm này \
                                 được tính là {years} năm tiếp theo",
                                name(title)
                            ),
                        )
                    }
                    None if !inside.is_empty() => (
                        Some(false),
                        format!(
                            "\"{}\" năm {} nằm trong {run}; {years} năm phải tính tiếp theo sau khi được tặng, chưa \
                             được tặng trước năm {start}",
                            name(title),
                            list_years(&inside)
                        ),
                    ),
                    None => (Some(false), format!("Chưa được tặng \"{}\" trước năm {start}", name(title))),
                }
            }
            Check::ConsecutiveTimes { title, times, every_years } => {
                let held = self.years_holding(title);
                let times_held: Vec<i32> = (0..*times as i32)
                    .map(|back| year - back * *every_years as i32)
                    .take_while(|y| self.nominee_holds(title, *y))
                    .collect();
                if times_held.len() as u32 >= *times {
                    (Some(true), format!("{times} lần liên tục đạt \"{}\" ({})", name(title), list_years(&times_held)))
                } else {
                    let had = if held.is_empty() {
                        "chưa đạt lần nào".to_string()
                    } else {
                        format!("đã đạt năm {}", list_years(&held))
                    };
                    (
                        Some(false),
                        format!(
                            "Chưa đủ {times} lần liên tục đạt \"{}\", lần sau cùng năm {year} ({had}; hai lần liên \
                             tục cách nhau {every_years} năm)",
                            name(title)
                        ),
                    )
                }
            }
            Check::RunWithInitiatives { rating, min_years, count, scope, research } => {
                let Some(person) = self.person() else { return individual_only };
                // Years that already earned this title do not earn it again (Điều 5): the run starts after it.
                let code = self.nomination.title.as_str();
                let rewarded = self.years_holding(code).into_iter().filter(|y| *y < year).max();
                let run: Vec<i32> = (0..)
                    .map(|back| year - back)
                    .take_while(|y| rewarded.is_none_or(|r| *y > r))
                    .take_while(|y| person.year(*y).is_some_and(|r| r.rating >= *rating))
                    .collect();
                let label = rating.label().to_lowercase();
                if (run.len() as u32) < *min_years {
                    let have = streak_so_far(year, &run);
                    let after = rewarded
                        .filter(|r| run.len() as i32 == year - r)
                        .map(|r| format!(", tính từ sau \"{}\" năm {r}", name(code)))
                        .unwrap_or_default();
                    return (Some(false), format!("Chưa đủ {min_years} năm liên tục {label} ({have}{after})"));
                }
                let first = run.last().copied().unwrap_or(year);
                let found = recognised(person, *scope, *research, first..=year);
                let what = works(*research);
                let span = format!("{} năm liên tục {label} ({first}–{year})", run.len());
                if found.len() as u32 >= *count {
                    (
                        Some(true),
                        format!(
                            "{span}, trong thời gian đó có {} {what} phạm vi {} ({})",
                            found.len(),
                            scope.label(),
                            found.join(", ")
                        ),
                    )
                } else {
                    (
                        Some(false),
                        format!(
                            "{span}, trong thời gian đó mới có {} {what} phạm vi {} trở lên, cần {count}",
                            found.len(),
                            scope.label()
                        ),
                    )
                }
            }
            Check::YearsNotReused { years } => {
                let code = &self.nomination.title;
                let start = year - *years as i32 + 1;
                let (id, collective) = self.nominee_key();
                let earlier: Vec<&AwardEntry> = self
                    .awards_of(id, collective)
                    .iter()
                    .filter(|a| a.year < year && a.year >= start && self.resolves_to(&a.title, code))
                    .collect();
                match earlier.iter().max_by_key(|a| a.year) {
                    None => (Some(true), format!("Các năm {start}–{year} chưa dùng để xét \"{}\" lần nào", name(code))),
                    Some(award) => {
                        let shared: Vec<i32> = (start..=award.year).collect();
                        let decision = award.decision();
                        let decision = if decision.is_empty() { String::new() } else { format!(", {decision}") };
                        (
                            None,
                            format!(
                                "Năm {} đã dùng để xét \"{}\" năm {}{decision}: cần xác nhận không dùng lại",
                                list_years(&shared),
                                name(code),
                                award.year
                            ),
                        )
                    }
                }
            }
            Check::ExcellentOrInitiative => {
                let Some(person) = self.person() else { return individual_only };
                let excellent = person.year(year).is_some_and(|y| y.rating == Rating::XuatSac);
                let initiative = person.initiatives.iter().find(|i| i.year == year);
                match (excellent, initiative) {
                    (true, _) => (Some(true), format!("Năm {year} hoàn thành xuất sắc nhiệm vụ")),
                    (false, Some(i)) if i.kind.is_research() => (
                        Some(true),
                        format!(
                            "Có {} \"{}\" được nghiệm thu năm {year} (số {})",
                            i.kind.label().to_lowercase(),
                            i.name,
                            i.number
                        ),
                    ),
                    (false, Some(i)) => {
                        (Some(true), format!("Có sáng kiến \"{}\" được công nhận năm {year} (số {})", i.name, i.number))
                    }
                    (false, None) => (
                        Some(false),
                        format!(
                            "Năm {year} chưa hoàn thành xuất sắc nhiệm vụ và chưa có sáng kiến được công nhận hay đề \
                             tài, đề án khoa học được nghiệm thu"
                        ),
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
            Check::Initiatives { scope, count, years, research } => {
                let Some(person) = self.person() else { return individual_only };
                let from = year - *years as i32 + 1;
                let found = recognised(person, *scope, *research, from..=year);
                let window = if *years == 1 { format!("năm {year}") } else { format!("từ {from} đến {year}") };
                let what = works(*research);
                if found.len() as u32 >= *count {
                    (
                        Some(true),
                        format!("Có {} {what} phạm vi {} {window} ({})", found.len(), scope.label(), found.join(", ")),
                    )
                } else {
                    (
                        Some(false),
                        format!(
                            "Cần {count} {what} phạm vi {} trở lên {window}, mới có {}",
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
            Check::NotRewardedTwice => self.not_rewarded_twice(),
            Check::LeadsCluster => self.leads_cluster(),
            Check::Manual { text } => (None, format!("Cần xác nhận: {text}")),
        }
    }
}

impl Context<'_> {
    fn leads_cluster(&self) -> CheckResult {
        let year = self.year();
        let title = &self.nomination.title;
        if let Nominee::Person(_) = self.nominee {
            return (Some(false), "Chỉ tập thể được xét dẫn đầu cụm, khối thi đua".to_owned());
        }
        let of_year: Vec<&ClusterStanding> = self.facts.standings.iter().filter(|s| s.year == year).collect();
        let name = self.book.title_name(title);
        let place = |s: &ClusterStanding| match s.rank {
            0 => format!("Không có trong kết quả xếp hạng {} năm {year} (chưa gửi điểm tự chấm)", s.cluster_name),
            rank => format!("Xếp thứ {rank}/{} {} năm {year}", s.members, s.cluster_name),
        };
        if let Some(leading) = of_year.iter().find(|s| s.proposed.as_deref() == Some(title.as_str())) {
            return (Some(true), format!("{}, trong chỉ tiêu đề nghị \"{name}\"", place(leading)));
        }
        // The best place it has, to say why it falls short.
        match of_year.iter().filter(|s| s.rank > 0).min_by_key(|s| s.rank).or(of_year.first()) {
            Some(best) if best.rank > 0 => (Some(false), format!("{}, ngoài chỉ tiêu đề nghị \"{name}\"", place(best))),
            Some(best) => (Some(false), place(best)),
            None => (
                None,
                format!("Cần xác nhận: dẫn đầu cụm, khối thi đua năm {year} (chưa có kết quả xếp hạng được công bố)"),
            ),
        }
    }
}

/// Whether an initiative entry counts: at `scope` or wider, and research only where the law accepts it.
/// The numbers of the person's initiatives (and research, where it counts) of `scope` or wider, in `years`.
fn recognised(person: &PersonFacts, scope: Scope, research: bool, years: std::ops::RangeInclusive<i32>) -> Vec<&str> {
    person
        .initiatives
        .iter()
        .filter(|i| counts(i, scope, research) && years.contains(&i.year))
        .map(|i| i.number.as_str())
        .collect()
}

fn counts(initiative: &Initiative, scope: Scope, research: bool) -> bool {
    initiative.scope >= scope && (research || !initiative.kind.is_research())
}

/// What an initiative count counts, in the sentence.
fn works(research: bool) -> &'static str {
    if research {
        "sáng kiến, đề tài, đề án, công trình khoa học"
    } else {
        "sáng kiến"
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

/// The rules of the book that judge a nomination for `title` under `regime` (the catch-all "*" ones included).
fn applicable_rules<'a>(book: &'a RuleBook, title: &str, regime: &str, nomination: &NominationFacts) -> Vec<&'a Rule> {
    book.rules
        .iter()
        .filter(|r| r.title == "*" || r.title == title)
        .filter(|r| r.regimes.iter().any(|id| id == regime))
        .filter(|r| r.subject.is_none_or(|s| s.admits(nomination.nominee_kind)))
        .filter(|r| r.tracks.is_empty() || r.tracks.contains(&nomination.track))
        .collect()
}

/// The titles a nomination's "holds that title the same year" conditions name (a CSTĐCS needs the year's
/// LĐTT). A proposal in the same round meets such a condition, so approving this nomination while that one is
/// still pending approves on a premise nobody has checked yet: the office is asked first.
pub fn same_year_prerequisites(book: &RuleBook, nomination: &NominationFacts) -> Vec<String> {
    let Some(title) = book.title(&nomination.title) else { return Vec::new() };
    let Some(regime) = nomination.judged_on().and_then(|date| book.regime_on(date)) else { return Vec::new() };
    fn collect(check: &Check, found: &mut BTreeSet<String>) {
        match check {
            Check::HoldsTitle { title } => {
                found.insert(title.clone());
            }
            Check::AnyOf { options } => options.iter().flatten().for_each(|c| collect(c, found)),
            _ => {}
        }
    }
    let mut found = BTreeSet::new();
    for rule in applicable_rules(book, &title.code, &regime.id, nomination) {
        rule.conditions.iter().for_each(|c| collect(&c.check, &mut found));
    }
    found.into_iter().collect()
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
        readings: Vec::new(),
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
    // An ad-hoc act is proposed for the year it ends in (a rescue of 28/12–02/01 belongs to the new year); a
    // thematic or career achievement may span years.
    let achievement = nomination.achievement();
    if let (Track::DotXuat, Some((_, last))) = (nomination.track, achievement.span()) {
        if last.year() != nomination.year {
            fail(
                &mut verdict,
                format!("Thành tích {} không kết thúc trong năm {}", achievement.describe(), nomination.year),
            );
            return verdict;
        }
    }
    let Some(regime) = nomination.judged_on().and_then(|date| book.regime_on(date)) else {
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
    let context = Context { book, index: book.index(), nomination, facts, nominee };
    verdict.readings = context.readings();
    let rules = applicable_rules(book, &title.code, &regime.id, nomination);
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
