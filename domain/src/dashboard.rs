//! The office's dashboard for a year and a quarter: each figure with the list of what it counts, so a click on a
//! bar shows the units, dossiers or awards behind it. The awards are counted from the same facts as the
//! statistical returns 0602.N and 0603.N, so the two never disagree.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::api::Movement;
use crate::calendar::{format_date, Quarter};
use crate::model::WorkflowState;
use crate::rules::{Recipient, RuleBook};
use crate::statistics::AwardFact;

/// A unit's quarterly report as the server dates it.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportFact {
    pub unit_id: String,
    pub unit_name: String,
    pub state: Option<WorkflowState>,
    /// The day its head first sent it.
    pub sent_on: Option<NaiveDate>,
}

/// A record counted by its workflow state: a registration, a nomination.
#[derive(Clone, Debug, PartialEq)]
pub struct StateFact {
    /// What the list behind a bar shows: "Lê Văn Minh — Chiến sĩ thi đua cơ sở (TTVH Tam Dương)".
    pub label: String,
    pub state: WorkflowState,
    /// The catalog code of the title it is for.
    pub title: String,
    pub person: bool,
    pub direct_worker: bool,
}

/// One award of a decision issued in the year, with what the list shows.
#[derive(Clone, Debug, PartialEq)]
pub struct AwardItem {
    pub fact: AwardFact,
    pub label: String,
}

/// A council session's results.
#[derive(Clone, Debug, PartialEq)]
pub struct SessionFact {
    pub held_on: NaiveDate,
    pub passed: Vec<String>,
    pub failed: Vec<String>,
}

/// A decision of the year.
#[derive(Clone, Debug, PartialEq)]
pub struct DecisionFact {
    pub label: String,
    pub issued: bool,
}

pub struct DashboardInputs<'a> {
    pub year: i32,
    pub quarter: u32,
    pub today: NaiveDate,
    pub book: &'a RuleBook,
    pub reports: &'a [ReportFact],
    pub registrations: &'a [StateFact],
    pub nominations: &'a [StateFact],
    pub awards: &'a [AwardItem],
    pub sessions: &'a [SessionFact],
    pub decisions: &'a [DecisionFact],
    pub movements: &'a [Movement],
}

/// One bar of a chart: its count is the length of its list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Bar {
    pub key: String,
    pub label: String,
    pub count: u32,
    pub items: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Chart {
    pub id: String,
    pub title: String,
    pub bars: Vec<Bar>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportTiming {
    OnTime,
    Late,
    Missing,
    /// Not sent, and the deadline has not passed.
    NotDue,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    pub unit_id: String,
    pub unit_name: String,
    pub timing: ReportTiming,
    /// Past the deadline: to the sending, or to today while missing.
    pub days_late: i64,
    /// "Gửi ngày 27/09/2026, muộn 12 ngày"
    pub text: String,
}

/// The share of direct workers (người lao động trực tiếp) among individuals, against the rulebook's target.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectShare {
    pub nominees_direct: u32,
    pub nominees: u32,
    pub recipients_direct: u32,
    pub recipients: u32,
    pub target_percent: Option<u32>,
    pub target_article: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MovementSpan {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Running on the quarter's last day.
    pub running: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub year: i32,
    pub quarter: u32,
    pub quarter_label: String,
    pub reports: Vec<ReportRow>,
    pub charts: Vec<Chart>,
    pub direct_workers: DirectShare,
    pub movements: Vec<MovementSpan>,
}

/// Bars in a fixed order of keys, each counting the items `key_of` gives that key; empty bars stay, so a chart
/// reads the same every quarter.
fn chart<'a, T: 'a>(
    id: &str,
    title: &str,
    keys: &[(String, String)],
    items: impl IntoIterator<Item = &'a T>,
    key_of: impl Fn(&T) -> Option<String>,
    label_of: impl Fn(&T) -> String,
) -> Chart {
    let mut bars: Vec<Bar> = keys
        .iter()
        .map(|(key, label)| Bar { key: key.clone(), label: label.clone(), count: 0, items: Vec::new() })
        .collect();
    for item in items {
        let Some(key) = key_of(item) else { continue };
        if let Some(bar) = bars.iter_mut().find(|b| b.key == key) {
            bar.count += 1;
            bar.items.push(label_of(item));
        }
    }
    Chart { id: id.into(), title: title.into(), bars }
}

fn state_keys(states: &[WorkflowState]) -> Vec<(String, String)> {
    states.iter().map(|s| (s.as_str().to_owned(), s.label().to_owned())).collect()
}

/// The titles in the catalog's order that appear in `codes`.
fn title_keys<'a>(book: &RuleBook, codes: impl IntoIterator<Item = &'a str>) -> Vec<(String, String)> {
    let present: Vec<&str> = codes.into_iter().collect();
    book.titles
        .iter()
        .filter(|t| present.contains(&t.code.as_str()))
        .map(|t| (t.code.clone(), t.name.clone()))
        .collect()
}

fn percent_of(part: u32, whole: u32) -> u32 {
    if whole == 0 {
        0
    } else {
        (u64::from(part) * 100 / u64::from(whole)) as u32
    }
}

impl DirectShare {
    pub fn nominees_percent(&self) -> u32 {
        percent_of(self.nominees_direct, self.nominees)
    }

    pub fn recipients_percent(&self) -> u32 {
        percent_of(self.recipients_direct, self.recipients)
    }
}

/// Where a quarter's report stands: sent on time, sent late, missing past its deadline, or not due yet.
pub fn report_row(fact: &ReportFact, quarter: Quarter, today: NaiveDate) -> ReportRow {
    let deadline = quarter.report_deadline();
    let sent = fact.sent_on.filter(|_| fact.state.is_some_and(|s| s != WorkflowState::Draft));
    let (timing, days_late, text) = match sent {
        Some(on) if on <= deadline => (ReportTiming::OnTime, 0, format!("Gửi ngày {}, đúng hạn", format_date(on))),
        Some(on) => {
            let days = (on - deadline).num_days();
            (ReportTiming::Late, days, format!("Gửi ngày {}, muộn {days} ngày", format_date(on)))
        }
        None if today > deadline => {
            let days = (today - deadline).num_days();
            (ReportTiming::Missing, days, format!("Chưa gửi, quá hạn {days} ngày"))
        }
        None => (ReportTiming::NotDue, 0, format!("Chưa gửi, hạn {}", format_date(deadline))),
    };
    ReportRow { unit_id: fact.unit_id.clone(), unit_name: fact.unit_name.clone(), timing, days_late, text }
}

pub fn dashboard(inputs: &DashboardInputs) -> Dashboard {
    let quarter = Quarter { year: inputs.year, number: inputs.quarter.clamp(1, 4) };
    let reports: Vec<ReportRow> = inputs.reports.iter().map(|r| report_row(r, quarter, inputs.today)).collect();
    let timing_keys: Vec<(String, String)> = [
        (ReportTiming::OnTime, "Đúng hạn"),
        (ReportTiming::Late, "Gửi muộn"),
        (ReportTiming::Missing, "Chưa gửi, quá hạn"),
        (ReportTiming::NotDue, "Chưa đến hạn"),
    ]
    .iter()
    .map(|(t, label)| (timing_key(*t).to_owned(), (*label).to_owned()))
    .collect();
    let report_chart = chart(
        "reports",
        &format!("Báo cáo {} của các đơn vị", quarter.label()),
        &timing_keys,
        &reports,
        |r| Some(timing_key(r.timing).to_owned()),
        |r| format!("{}: {}", r.unit_name, r.text),
    );
    let flow = WorkflowState::ALL;
    let registrations = chart(
        "registrations",
        &format!("Đăng ký thi đua năm {}", inputs.year),
        &state_keys(&flow[..4]),
        inputs.registrations,
        |r| Some(r.state.as_str().to_owned()),
        |r| r.label.clone(),
    );
    let by_status = chart(
        "nominations-status",
        &format!("Hồ sơ đề nghị năm {} theo trạng thái", inputs.year),
        &state_keys(&flow),
        inputs.nominations,
        |n| Some(n.state.as_str().to_owned()),
        |n| n.label.clone(),
    );
    let by_title = chart(
        "nominations-title",
        &format!("Hồ sơ đề nghị năm {} theo danh hiệu, hình thức", inputs.year),
        &title_keys(inputs.book, inputs.nominations.iter().map(|n| n.title.as_str())),
        inputs.nominations,
        |n| Some(n.title.clone()),
        |n| n.label.clone(),
    );
    let awards = chart(
        "awards-title",
        &format!("Khen thưởng theo quyết định ban hành năm {}", inputs.year),
        &title_keys(inputs.book, inputs.awards.iter().map(|a| a.fact.title.as_str())),
        inputs.awards,
        |a| Some(a.fact.title.clone()),
        |a| a.label.clone(),
    );
    let results: Vec<(bool, String)> = inputs
        .sessions
        .iter()
        .flat_map(|s| {
            let day = format_date(s.held_on);
            let passed = s.passed.iter().map(move |c| (true, format!("{c} (phiên {day})")));
            let day = format_date(s.held_on);
            passed.chain(s.failed.iter().map(move |c| (false, format!("{c} (phiên {day})"))))
        })
        .collect();
    let council = chart(
        "council",
        &format!("Kết quả bỏ phiếu của Hội đồng năm {}", inputs.year),
        &[("passed".into(), "Đạt".into()), ("failed".into(), "Không đạt".into())],
        &results,
        |(passed, _)| Some(if *passed { "passed" } else { "failed" }.to_owned()),
        |(_, label)| label.clone(),
    );
    let decisions = chart(
        "decisions",
        &format!("Quyết định khen thưởng năm {}", inputs.year),
        &[("issued".into(), "Đã ban hành".into()), ("draft".into(), "Dự thảo".into())],
        inputs.decisions,
        |d| Some(if d.issued { "issued" } else { "draft" }.to_owned()),
        |d| d.label.clone(),
    );
    let people: Vec<&StateFact> = inputs.nominations.iter().filter(|n| n.person).collect();
    let recipients: Vec<&AwardItem> = inputs.awards.iter().filter(|a| a.fact.recipient == Recipient::Person).collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let target = inputs.book.direct_worker_target.as_ref();
    let direct_workers = DirectShare {
        nominees_direct: count(people.iter().filter(|n| n.direct_worker).count()),
        nominees: count(people.len()),
        recipients_direct: count(recipients.iter().filter(|a| a.fact.direct_worker).count()),
        recipients: count(recipients.len()),
        target_percent: target.map(|t| t.percent),
        target_article: target.map(|t| t.article.clone()).unwrap_or_default(),
    };
    let quarter_end = NaiveDate::from_ymd_opt(inputs.year, quarter.number * 3, 1)
        .and_then(|d| d.checked_add_months(chrono::Months::new(1)))
        .and_then(|d| d.pred_opt())
        .unwrap_or(inputs.today);
    let year_start = NaiveDate::from_ymd_opt(inputs.year, 1, 1).unwrap_or(inputs.today);
    let mut movements: Vec<MovementSpan> = inputs
        .movements
        .iter()
        .filter(|m| m.period_from <= quarter_end && m.period_to >= year_start)
        .map(|m| MovementSpan {
            name: m.name.clone(),
            from: m.period_from,
            to: m.period_to,
            running: m.period_from <= quarter_end && quarter_end <= m.period_to,
        })
        .collect();
    movements.sort_by(|a, b| a.from.cmp(&b.from).then_with(|| a.name.cmp(&b.name)));
    Dashboard {
        year: inputs.year,
        quarter: quarter.number,
        quarter_label: quarter.label(),
        reports,
        charts: vec![report_chart, registrations, by_status, by_title, awards, council, decisions],
        direct_workers,
        movements,
    }
}

fn timing_key(timing: ReportTiming) -> &'static str {
    match timing {
        ReportTiming::OnTime => "on_time",
        ReportTiming::Late => "late",
        ReportTiming::Missing => "missing",
        ReportTiming::NotDue => "not_due",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dossier::Track;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn report(unit: &str, state: Option<WorkflowState>, sent_on: Option<NaiveDate>) -> ReportFact {
        ReportFact { unit_id: unit.into(), unit_name: unit.to_uppercase(), state, sent_on }
    }

    #[test]
    fn reports_are_on_time_late_missing_or_not_due() {
        let q3 = Quarter { year: 2026, number: 3 };
        let today = d(2026, 12, 3);
        let sent = Some(WorkflowState::Submitted);
        let cases = [
            (report("a", sent, Some(d(2026, 9, 15))), ReportTiming::OnTime, 0, "Gửi ngày 15/09/2026, đúng hạn"),
            (report("b", sent, Some(d(2026, 9, 27))), ReportTiming::Late, 12, "Gửi ngày 27/09/2026, muộn 12 ngày"),
            (report("c", None, None), ReportTiming::Missing, 79, "Chưa gửi, quá hạn 79 ngày"),
            (report("d", Some(WorkflowState::Draft), None), ReportTiming::Missing, 79, "Chưa gửi, quá hạn 79 ngày"),
        ];
        for (fact, timing, days, text) in cases {
            let row = report_row(&fact, q3, today);
            assert_eq!((row.timing, row.days_late, row.text.as_str()), (timing, days, text), "{fact:?}");
        }
        let q4 = report_row(&report("e", None, None), Quarter { year: 2026, number: 4 }, today);
        assert_eq!((q4.timing, q4.text.as_str()), (ReportTiming::NotDue, "Chưa gửi, hạn 15/12/2026"));
    }

    #[test]
    fn each_bar_counts_its_list_and_the_direct_workers_their_share() {
        let book = RuleBook::default_book().unwrap();
        let nomination = |label: &str, title: &str, state, direct_worker| StateFact {
            label: label.into(),
            state,
            title: title.into(),
            person: true,
            direct_worker,
        };
        let nominations = [
            nomination("Lan", "cstdcs", WorkflowState::Approved, true),
            nomination("Minh", "cstdcs", WorkflowState::Submitted, false),
            nomination("Hoa", "ldtt", WorkflowState::Approved, true),
        ];
        let award = |title: &str, direct_worker| AwardItem {
            fact: AwardFact {
                title: title.into(),
                recipient: Recipient::Person,
                track: Track::ThuongXuyen,
                direct_worker,
            },
            label: title.to_string(),
        };
        let awards = [award("cstdcs", true), award("bang-khen-bo-tinh", false)];
        let board = dashboard(&DashboardInputs {
            year: 2026,
            quarter: 3,
            today: d(2026, 12, 3),
            book: &book,
            reports: &[],
            registrations: &[],
            nominations: &nominations,
            awards: &awards,
            sessions: &[SessionFact {
                held_on: d(2026, 11, 20),
                passed: vec!["Lan".into()],
                failed: vec!["Minh".into()],
            }],
            decisions: &[],
            movements: &[],
        });
        let chart = |id: &str| board.charts.iter().find(|c| c.id == id).unwrap();
        let by_title = chart("nominations-title");
        let cstdcs = by_title.bars.iter().find(|b| b.key == "cstdcs").unwrap();
        assert_eq!((cstdcs.count, cstdcs.items.clone()), (2, vec!["Lan".to_owned(), "Minh".to_owned()]));
        for chart in &board.charts {
            for bar in &chart.bars {
                assert_eq!(bar.count as usize, bar.items.len(), "{} / {}", chart.id, bar.label);
            }
        }
        let council = chart("council");
        assert_eq!(council.bars[0].items, ["Lan (phiên 20/11/2026)"]);
        let share = &board.direct_workers;
        assert_eq!((share.nominees_direct, share.nominees, share.nominees_percent()), (2, 3, 66));
        assert_eq!((share.recipients_direct, share.recipients, share.recipients_percent()), (1, 2, 50));
        assert_eq!(share.target_percent, book.direct_worker_target.as_ref().map(|t| t.percent));
    }
}
