//! The cash that goes with an award: a multiple of the base salary in force on the decision's date, rounded as
//! the regime of that date says. Money is counted in whole đồng and multiples in hundredths, so no amount goes
//! through a float.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{Certainty, RuleBook};
use crate::calendar::format_date;

/// Who receives an award, as the cash rules tell them apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    Person,
    Collective,
    /// A household (hộ gia đình).
    Household,
}

impl Recipient {
    pub fn label(self) -> &'static str {
        match self {
            Recipient::Person => "cá nhân",
            Recipient::Collective => "tập thể",
            Recipient::Household => "hộ gia đình",
        }
    }
}

/// A multiple of the base salary, kept in hundredths; written in the book as a number (4.5).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = f64))]
#[serde(try_from = "f64", into = "f64")]
pub struct Multiple(u32);

impl Multiple {
    pub const fn hundredths(hundredths: u32) -> Self {
        Multiple(hundredths)
    }
}

impl TryFrom<f64> for Multiple {
    type Error = String;

    fn try_from(value: f64) -> Result<Self, String> {
        let hundredths = (value * 100.0).round();
        if !(0.0..=100_000.0).contains(&hundredths) || (value * 100.0 - hundredths).abs() > 1e-6 {
            return Err(format!("hệ số {value} không hợp lệ: cần số không âm, tối đa hai chữ số thập phân"));
        }
        // In range and whole, checked above.
        Ok(Multiple(hundredths as u32))
    }
}

impl From<Multiple> for f64 {
    fn from(multiple: Multiple) -> f64 {
        f64::from(multiple.0) / 100.0
    }
}

impl fmt::Display for Multiple {
    /// "4,5", as Vietnamese writes decimals.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, part) = (self.0 / 100, self.0 % 100);
        match part {
            0 => write!(f, "{whole}"),
            p if p % 10 == 0 => write!(f, "{whole},{}", p / 10),
            p => write!(f, "{whole},{p:02}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct BaseSalary {
    /// Đồng per month.
    pub amount: u64,
    pub valid_from: NaiveDate,
    pub article: String,
    pub certainty: Certainty,
}

/// The cash for `title` given to a `recipient` under `regimes`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CashAward {
    pub title: String,
    pub recipient: Recipient,
    pub regimes: Vec<String>,
    pub multiple: Multiple,
    pub article: String,
    pub certainty: Certainty,
}

/// Amounts are rounded up to a whole `step` of đồng (10,000: 11,385,000 becomes 11,390,000); 1 leaves them as
/// they are.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CashRounding {
    pub regimes: Vec<String>,
    pub step: u64,
    pub article: String,
    pub certainty: Certainty,
}

/// A recipient's cash, with everything it was computed from, so a decision can print its grounds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Amount {
    /// Đồng, as paid.
    pub amount: u64,
    /// Multiple × base, before rounding (rounded up to a whole đồng).
    pub unrounded: u64,
    pub multiple: Multiple,
    pub multiple_article: String,
    pub base_salary: u64,
    pub base_salary_article: String,
    pub rounding_step: u64,
    pub rounding_article: String,
    /// The least certain of the three sources.
    pub certainty: Certainty,
}

impl Amount {
    /// "4,5 × 2.530.000 đ = 11.385.000 đ, làm tròn 11.390.000 đ"
    pub fn describe(&self) -> String {
        let mut text = format!("{} × {} = {}", self.multiple, dong(self.base_salary), dong(self.unrounded));
        if self.amount != self.unrounded {
            text.push_str(&format!(", làm tròn {}", dong(self.amount)));
        }
        text
    }
}

/// "11.390.000 đ"
pub fn dong(amount: u64) -> String {
    let digits = amount.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push('.');
        }
        grouped.push(digit);
    }
    format!("{grouped} đ")
}

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CashError {
    #[error("Không có chế độ pháp lý nào áp dụng cho ngày {}", format_date(*.0))]
    NoRegime(NaiveDate),
    #[error("Chưa có mức lương cơ sở áp dụng cho ngày {}", format_date(*.0))]
    NoBaseSalary(NaiveDate),
    #[error("Chưa có mức tiền thưởng cho \"{title}\" tặng {recipient} theo {regime}", recipient = .recipient.label())]
    NoMultiple { title: String, recipient: Recipient, regime: String },
}

const fn least_certain(a: Certainty, b: Certainty) -> Certainty {
    match (a, b) {
        (Certainty::U, _) | (_, Certainty::U) => Certainty::U,
        (Certainty::K, _) | (_, Certainty::K) => Certainty::K,
        _ => Certainty::C,
    }
}

impl RuleBook {
    /// The base salary in force on `date`: the latest one that took effect on or before it.
    pub fn base_salary_on(&self, date: NaiveDate) -> Option<&BaseSalary> {
        self.base_salaries.iter().filter(|b| b.valid_from <= date).max_by_key(|b| b.valid_from)
    }

    /// The cash for `title` given to a `recipient` by a decision dated `date`.
    pub fn cash_amount(&self, title: &str, recipient: Recipient, date: NaiveDate) -> Result<Amount, CashError> {
        let regime = self.regime_on(date).ok_or(CashError::NoRegime(date))?;
        let base = self.base_salary_on(date).ok_or(CashError::NoBaseSalary(date))?;
        let code = self.title(title).map_or(title, |t| t.code.as_str());
        let award = self
            .cash_awards
            .iter()
            .find(|a| a.title == code && a.recipient == recipient && a.regimes.contains(&regime.id))
            .ok_or_else(|| CashError::NoMultiple {
                title: self.title_name(code).to_string(),
                recipient,
                regime: regime.name.clone(),
            })?;
        let rounding = self.cash_rounding.iter().find(|r| r.regimes.contains(&regime.id));
        let step = rounding.map_or(1, |r| r.step.max(1));
        let hundredths = u64::from(award.multiple.0) * base.amount;
        let unrounded = hundredths.div_ceil(100);
        let amount = hundredths.div_ceil(100 * step) * step;
        let certainty = least_certain(
            least_certain(award.certainty, base.certainty),
            rounding.map_or(Certainty::C, |r| r.certainty),
        );
        Ok(Amount {
            amount,
            unrounded,
            multiple: award.multiple,
            multiple_article: award.article.clone(),
            base_salary: base.amount,
            base_salary_article: base.article.clone(),
            rounding_step: step,
            rounding_article: rounding.map(|r| r.article.clone()).unwrap_or_default(),
            certainty,
        })
    }
}
