//! How the interface writes times, sizes and enum values, in Vietnamese conventions.

use chrono::{DateTime, Local, NaiveDate, Timelike, Utc};
use domain::calendar::format_date;
use serde_json::Value;

/// "14:05 22/11/2026", in the tablet's time zone.
pub fn format_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    format!("{:02}:{:02} {}", local.hour(), local.minute(), format_date(local.date_naive()))
}

/// "1,5 MB": Vietnamese writes a decimal comma.
pub fn format_megabytes(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1_048_576.0).replace('.', ",")
}

pub fn today() -> NaiveDate {
    Local::now().date_naive()
}

/// The wire name of a serde enum value.
pub fn value_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

pub fn parse_name<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(Value::String(name.to_owned())).ok()
}
