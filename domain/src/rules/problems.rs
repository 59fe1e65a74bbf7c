//! What makes a rulebook unusable, or would delete a statutory entry of the book it replaces: each problem with
//! where in the book it is (`titles[2].code`, `rules[4].conditions[1]`…), so the editor can point at it.

use std::collections::BTreeSet;

use super::{Check, Regime, RuleBook};
use crate::fields::Problem;

impl RuleBook {
    /// Problems that make this book unusable, or that would delete a statutory entry of `previous`.
    pub fn problems(&self, previous: &RuleBook) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut codes = BTreeSet::new();
        let mut names = BTreeSet::new();
        let index = self.index();
        for (i, title) in self.titles.iter().enumerate() {
            if title.code.trim().is_empty() || title.name.trim().is_empty() {
                problems.push(Problem::new(format!("titles[{i}]"), "Mỗi danh hiệu, hình thức cần có mã và tên"));
            }
            if !codes.insert(title.code.as_str()) {
                problems.push(Problem::new(format!("titles[{i}].code"), format!("Mã \"{}\" bị trùng", title.code)));
            }
            // A title may spell one name twice ("LĐTT" is "Lao động tiên tiến"); two titles may not share one.
            let mut own = BTreeSet::new();
            for name in std::iter::once(&title.name).chain(&title.aliases) {
                let key = super::names::clash_key(&index, name);
                if key.0.is_empty() {
                    let message = format!("Tên \"{name}\" không có chữ nào để đọc");
                    problems.push(Problem::new(format!("titles[{i}].aliases"), message));
                    continue;
                }
                if own.insert(key.clone()) && !names.insert(key) {
                    let message = format!("Tên \"{name}\" dùng cho hai danh hiệu, hình thức");
                    problems.push(Problem::new(format!("titles[{i}].name"), message));
                }
            }
        }
        for old in previous.titles.iter().filter(|t| t.statutory) {
            if !self.titles.iter().any(|t| t.code == old.code && t.statutory) {
                let message = format!("\"{}\" thuộc danh mục theo luật, không được xóa", old.name);
                problems.push(Problem::new("titles", message));
            }
        }
        for (i, abbreviation) in self.abbreviations.iter().enumerate() {
            let short = abbreviation.short.trim();
            if short.is_empty() || short.contains(char::is_whitespace) || abbreviation.long.trim().is_empty() {
                let message = "Mỗi chữ viết tắt là một từ, kèm cụm từ đầy đủ";
                problems.push(Problem::new(format!("abbreviations[{i}]"), message));
            }
        }
        let mut regimes: Vec<(usize, &Regime)> = self.regimes.iter().enumerate().collect();
        regimes.sort_by_key(|(_, r)| r.valid_from);
        for pair in regimes.windows(2) {
            let ((_, first), (i, second)) = (pair[0], pair[1]);
            if first.valid_to.is_none_or(|to| to >= second.valid_from) {
                let message = format!("Chế độ \"{}\" và \"{}\" chồng thời gian", first.name, second.name);
                problems.push(Problem::new(format!("regimes[{i}].valid_from"), message));
            }
        }
        for (i, regime) in &regimes {
            if regime.valid_to.is_some_and(|to| to < regime.valid_from) {
                let message = format!("Chế độ \"{}\" kết thúc trước khi bắt đầu", regime.name);
                problems.push(Problem::new(format!("regimes[{i}].valid_to"), message));
            }
        }
        for (i, rule) in self.rules.iter().enumerate() {
            if rule.title != "*" && !codes.contains(rule.title.as_str()) {
                let message = format!("Quy tắc cho mã \"{}\" không có trong danh mục", rule.title);
                problems.push(Problem::new(format!("rules[{i}].title"), message));
            }
            for regime in &rule.regimes {
                if !self.regimes.iter().any(|r| &r.id == regime) {
                    let message = format!("Quy tắc cho \"{}\" dùng chế độ không có: \"{regime}\"", rule.title);
                    problems.push(Problem::new(format!("rules[{i}].regimes"), message));
                }
            }
            if rule.vote.as_ref().is_some_and(|v| v.percent > 100) {
                let message = format!("Tỷ lệ biểu quyết cho \"{}\" vượt 100%", rule.title);
                problems.push(Problem::new(format!("rules[{i}].vote.percent"), message));
            }
            for (j, condition) in rule.conditions.iter().enumerate() {
                let at = format!("rules[{i}].conditions[{j}]");
                for message in check_problems(&condition.check, &codes, &rule.title) {
                    problems.push(Problem::new(at.clone(), message));
                }
            }
        }
        problems.extend(self.council_and_cash_problems(&codes));
        problems.dedup();
        problems
    }

    fn council_and_cash_problems(&self, codes: &BTreeSet<&str>) -> Vec<Problem> {
        let mut problems = Vec::new();
        let quorum = &self.council.quorum;
        if quorum.denominator == 0 || quorum.numerator == 0 || quorum.numerator > quorum.denominator {
            problems.push(Problem::new("council.quorum", "Tỷ lệ tối thiểu có mặt phải là một phân số từ 0 đến 1"));
        }
        if self.council.default_vote.percent > 100 {
            problems.push(Problem::new("council.default_vote.percent", "Tỷ lệ biểu quyết vượt 100%"));
        }
        let mut dates = BTreeSet::new();
        for (i, base) in self.base_salaries.iter().enumerate() {
            if base.amount == 0 {
                problems.push(Problem::new(format!("base_salaries[{i}].amount"), "Mức lương cơ sở phải lớn hơn 0"));
            }
            if !dates.insert(base.valid_from) {
                let message = "Hai mức lương cơ sở cùng ngày áp dụng";
                problems.push(Problem::new(format!("base_salaries[{i}].valid_from"), message));
            }
        }
        let regime_known = |id: &String| self.regimes.iter().any(|r| &r.id == id);
        let mut rows = BTreeSet::new();
        for (i, award) in self.cash_awards.iter().enumerate() {
            if !codes.contains(award.title.as_str()) {
                let message = format!("Mức thưởng cho mã \"{}\" không có trong danh mục", award.title);
                problems.push(Problem::new(format!("cash_awards[{i}].title"), message));
            }
            for regime in &award.regimes {
                if !regime_known(regime) {
                    let message = format!("Mức thưởng dùng chế độ không có: \"{regime}\"");
                    problems.push(Problem::new(format!("cash_awards[{i}].regimes"), message));
                }
                if !rows.insert((award.title.as_str(), award.recipient.label(), regime.as_str())) {
                    let message = format!(
                        "Hai mức thưởng cho \"{}\" tặng {} theo cùng chế độ",
                        award.title,
                        award.recipient.label()
                    );
                    problems.push(Problem::new(format!("cash_awards[{i}]"), message));
                }
            }
        }
        let mut documents = BTreeSet::new();
        for (i, document) in self.dossier_documents.iter().enumerate() {
            if document.code.trim().is_empty() || !documents.insert(document.code.as_str()) {
                let message = format!("Mã giấy tờ \"{}\" trống hoặc trùng", document.code);
                problems.push(Problem::new(format!("dossier_documents[{i}].code"), message));
            }
            if document.name.trim().is_empty() {
                problems.push(Problem::new(format!("dossier_documents[{i}].name"), "Cần ghi tên giấy tờ"));
            }
            for code in document.titles.iter().filter(|c| !codes.contains(c.as_str())) {
                let message = format!("Giấy tờ dùng cho danh hiệu không có trong danh mục: \"{code}\"");
                problems.push(Problem::new(format!("dossier_documents[{i}].titles"), message));
            }
            for regime in document.regimes.iter().filter(|r| !regime_known(r)) {
                let message = format!("Giấy tờ dùng chế độ không có: \"{regime}\"");
                problems.push(Problem::new(format!("dossier_documents[{i}].regimes"), message));
            }
        }
        for (i, form) in self.forms.iter().enumerate() {
            let Some((_, own)) = super::FORMS.iter().find(|(name, _)| *name == form.form) else {
                let message = format!("Không có mẫu văn bản \"{}\"", form.form);
                problems.push(Problem::new(format!("forms[{i}].form"), message));
                continue;
            };
            for key in form
                .texts
                .keys()
                .filter(|k| !own.contains(&k.as_str()) && !super::COMMON_FORM_TEXTS.contains(&k.as_str()))
            {
                let message = format!("Mẫu \"{}\" không có mục \"{key}\"", form.form);
                problems.push(Problem::new(format!("forms[{i}].texts.{key}"), message));
            }
            for regime in form.regimes.iter().filter(|r| !regime_known(r)) {
                let message = format!("Mẫu văn bản dùng chế độ không có: \"{regime}\"");
                problems.push(Problem::new(format!("forms[{i}].regimes"), message));
            }
        }
        for (i, window) in self.report_windows.iter().enumerate() {
            if !codes.contains(window.title.as_str()) {
                let message = format!("Danh hiệu của báo cáo thành tích không có trong danh mục: \"{}\"", window.title);
                problems.push(Problem::new(format!("report_windows[{i}].title"), message));
            }
            if !(1..=30).contains(&window.years) {
                problems.push(Problem::new(format!("report_windows[{i}].years"), "Số năm phải từ 1 đến 30"));
            }
        }
        if let Some(publication) = &self.publication {
            if !(1..=60).contains(&publication.working_days) {
                let message = "Thời gian công khai phải từ 1 đến 60 ngày làm việc";
                problems.push(Problem::new("publication.working_days", message));
            }
            for code in publication.titles.iter().filter(|c| !codes.contains(c.as_str())) {
                let message = format!("Danh hiệu công khai không có trong danh mục: \"{code}\"");
                problems.push(Problem::new("publication.titles", message));
            }
        }
        for (i, rounding) in self.cash_rounding.iter().enumerate() {
            if rounding.step == 0 {
                let message = "Bước làm tròn phải từ 1 đồng trở lên";
                problems.push(Problem::new(format!("cash_rounding[{i}].step"), message));
            }
            for regime in rounding.regimes.iter().filter(|r| !regime_known(r)) {
                let message = format!("Quy tắc làm tròn dùng chế độ không có: \"{regime}\"");
                problems.push(Problem::new(format!("cash_rounding[{i}].regimes"), message));
            }
        }
        problems
    }
}

/// What is wrong with one check (and the checks nested in it) of the rules for `rule`.
fn check_problems(check: &Check, codes: &BTreeSet<&str>, rule: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let title = |code: &str, problems: &mut Vec<String>| {
        if !codes.contains(code) {
            problems.push(format!("Quy tắc cho \"{rule}\" nhắc đến mã không có: \"{code}\""));
        }
    };
    let (percent, years) = match check {
        Check::HoldsTitle { title: t }
        | Check::HoldsTitleBefore { title: t }
        | Check::MembersWithTitle { title: t, .. } => {
            title(t, &mut problems);
            (0, 1)
        }
        Check::ConsecutiveTitle { title: t, years } | Check::TitleBeforeRun { title: t, years } => {
            title(t, &mut problems);
            (0, *years)
        }
        Check::ConsecutiveTimes { title: t, times, every_years } => {
            title(t, &mut problems);
            if !(1..=10).contains(times) {
                problems.push(format!("Số lần trong quy tắc cho \"{rule}\" phải từ 1 đến 10"));
            }
            (0, times.saturating_mul(*every_years))
        }
        Check::MemberShare { title: t, percent, .. } => {
            title(t, &mut problems);
            (*percent, 1)
        }
        Check::Quota { title: t, of_title, max_percent } => {
            title(t, &mut problems);
            title(of_title, &mut problems);
            (*max_percent, 1)
        }
        Check::ConsecutiveRating { years, .. } | Check::Initiatives { years, .. } | Check::YearsNotReused { years } => {
            (0, *years)
        }
        Check::RunWithInitiatives { min_years, .. } => (0, *min_years),
        Check::AnyOf { options } => {
            for check in options.iter().flatten() {
                problems.extend(check_problems(check, codes, rule));
            }
            (0, 1)
        }
        Check::MinMonthsWorked { months } => {
            if !(1..=12).contains(months) {
                problems.push(format!("Số tháng công tác trong quy tắc cho \"{rule}\" phải từ 1 đến 12"));
            }
            (0, 1)
        }
        Check::MinRating { .. }
        | Check::NoDiscipline
        | Check::ExcellentOrInitiative
        | Check::AllMembersRating { .. }
        | Check::NoMemberDisciplined { .. }
        | Check::NotRewardedTwice
        | Check::LeadsCluster
        | Check::Manual { .. } => (0, 1),
    };
    if percent > 100 {
        problems.push(format!("Tỷ lệ trong quy tắc cho \"{rule}\" vượt 100%"));
    }
    if !(1..=30).contains(&years) {
        problems.push(format!("Số năm trong quy tắc cho \"{rule}\" phải từ 1 đến 30"));
    }
    problems
}
