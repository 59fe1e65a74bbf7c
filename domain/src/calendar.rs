//! The reporting calendar: quarters, their deadlines, and dates written the Vietnamese way.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// A calendar quarter of a year.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quarter {
    pub year: i32,
    /// 1..=4
    pub number: u32,
}

impl Quarter {
    pub fn of(date: NaiveDate) -> Self {
        Quarter { year: date.year(), number: (date.month() - 1) / 3 + 1 }
    }

    /// The key records use for this period, e.g. "2026-Q4".
    pub fn key(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }

    /// "Quý IV/2026"
    pub fn label(self) -> String {
        let roman = ["I", "II", "III", "IV"][(self.number as usize - 1).min(3)];
        format!("Quý {roman}/{}", self.year)
    }

    /// The quarter of a key ("2026-Q4"), if it is one.
    pub fn parse(key: &str) -> Option<Self> {
        let (year, number) = key.split_once("-Q")?;
        let (year, number) = (year.parse().ok()?, number.parse().ok()?);
        (1..=4).contains(&number).then_some(Quarter { year, number })
    }

    /// Units report a quarter's results before the 15th of its last month (Chỉ thị 103/CT-BTTTT, part III):
    /// 15/3, 15/6, 15/9, 15/12.
    pub fn report_deadline(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.number * 3, 15).unwrap_or(NaiveDate::MIN)
    }

    /// Days from `today` to the deadline; negative once it has passed.
    pub fn days_to_deadline(self, today: NaiveDate) -> i64 {
        (self.report_deadline() - today).num_days()
    }
}

/// The day it is in Vietnam (UTC+7, no daylight saving) at `at`: deadlines, windows and the days a report was
/// late are counted in the office's days, not UTC's.
pub fn vietnam_date(at: DateTime<Utc>) -> NaiveDate {
    (at + Duration::hours(7)).date_naive()
}

/// The day on which a window of `working_days` working days opened on `opens` closes: Saturdays, Sundays and
/// `holidays` do not count, and the opening day counts if it is a working day (10 working days from Friday
/// 4/12/2026 close on Thursday 17/12/2026).
pub fn close_after_working_days(opens: NaiveDate, working_days: u32, holidays: &[NaiveDate]) -> NaiveDate {
    let working = |day: NaiveDate| day.weekday().number_from_monday() <= 5 && !holidays.contains(&day);
    let mut day = opens;
    let mut counted = u32::from(working(day));
    while counted < working_days.max(1) {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
        counted += u32::from(working(day));
    }
    day
}

/// dd/mm/yyyy, as Vietnamese documents write dates. (Written out by hand: chrono's formatter costs the tablet
/// bundle more than it is worth here.)
pub fn format_date(date: NaiveDate) -> String {
    format!("{:02}/{:02}/{}", date.day(), date.month(), date.year())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn quarters_and_deadlines_follow_the_directive() {
        for (date, key, deadline) in [
            (d(2026, 1, 1), "2026-Q1", d(2026, 3, 15)),
            (d(2026, 3, 31), "2026-Q1", d(2026, 3, 15)),
            (d(2026, 4, 1), "2026-Q2", d(2026, 6, 15)),
            (d(2026, 9, 30), "2026-Q3", d(2026, 9, 15)),
            (d(2026, 11, 22), "2026-Q4", d(2026, 12, 15)),
        ] {
            let q = Quarter::of(date);
            assert_eq!(q.key(), key);
            assert_eq!(q.report_deadline(), deadline);
        }
    }

    #[test]
    fn days_to_deadline_goes_negative_when_late() {
        let q = Quarter { year: 2026, number: 4 };
        assert_eq!(q.days_to_deadline(d(2026, 11, 22)), 23);
        assert_eq!(q.days_to_deadline(d(2026, 12, 15)), 0);
        assert_eq!(q.days_to_deadline(d(2026, 12, 20)), -5);
    }

    #[test]
    fn working_days_skip_weekends_and_holidays() {
        assert_eq!(close_after_working_days(d(2026, 12, 4), 10, &[]), d(2026, 12, 17));
        assert_eq!(close_after_working_days(d(2026, 12, 5), 10, &[]), d(2026, 12, 18), "opened on a Saturday");
        assert_eq!(close_after_working_days(d(2026, 12, 4), 1, &[]), d(2026, 12, 4));
        // Across New Year's Day 2027, a Friday.
        assert_eq!(close_after_working_days(d(2026, 12, 24), 10, &[d(2027, 1, 1)]), d(2027, 1, 7));
        assert_eq!(close_after_working_days(d(2026, 12, 24), 10, &[]), d(2027, 1, 6));
    }

    #[test]
    fn keys_parse_back_and_days_are_vietnams() {
        assert_eq!(Quarter::parse("2026-Q3"), Some(Quarter { year: 2026, number: 3 }));
        assert_eq!(Quarter::parse("2026-Q5"), None);
        assert_eq!(Quarter::parse("quý 3"), None);
        let late_evening = DateTime::parse_from_rfc3339("2026-09-15T18:30:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(vietnam_date(late_evening), d(2026, 9, 16), "01:30 on the 16th in Hà Nội");
    }

    #[test]
    fn labels_are_vietnamese() {
        assert_eq!(Quarter { year: 2026, number: 4 }.label(), "Quý IV/2026");
        assert_eq!(format_date(d(2021, 12, 13)), "13/12/2021");
    }
}
