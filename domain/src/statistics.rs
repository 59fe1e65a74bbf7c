//! The statistical returns of Thông tư 02/2023/TT-BNV, computed from the movements and the issued decisions,
//! never typed: 0601.N (emulation movements launched in the year), 0602.N (state-level awards) and 0603.N
//! (ministry- or province-level awards). Rows and columns carry the forms' codes; column 1 is the sum of the
//! others. The forms' full layouts were not read from the circular itself (`shared/office.md` §6 is secondary), so
//! the columns kept here are those it names; 0604.N and 0605.N need data the product does not hold.

use serde::{Deserialize, Serialize};

use crate::api::Movement;
use crate::documents::{Cell, Sheet};
use crate::dossier::Track;
use crate::rules::Recipient;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnColumn {
    pub code: String,
    pub label: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReturnRow {
    pub code: String,
    pub label: String,
    /// One value per column, column 1 (the total) first.
    pub values: Vec<u64>,
}

/// One return: `GET /api/statistics/{year}` answers every return of the year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatisticalReturn {
    /// "0601.N/BNV-TĐKT"
    pub code: String,
    pub title: String,
    pub year: i32,
    pub unit: String,
    pub columns: Vec<ReturnColumn>,
    pub rows: Vec<ReturnRow>,
}

impl StatisticalReturn {
    /// The return as a sheet in the form's order: A the row's label, B its code, then columns 1…n. The sheet is
    /// named by the code's first part ("0601.N"): a sheet name takes at most 31 characters and no "/".
    pub fn sheet(&self) -> Sheet {
        let mut columns = vec!["A. Chỉ tiêu".to_string(), "B. Mã số".to_string()];
        columns.extend(self.columns.iter().map(|c| format!("{}. {}", c.code, c.label)));
        let rows = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![Cell::Text(row.label.clone()), Cell::Text(row.code.clone())];
                cells.extend(row.values.iter().map(|v| Cell::Number(*v as f64)));
                cells
            })
            .collect();
        Sheet { name: self.code.split('/').next().unwrap_or("Bieu").to_string(), columns, rows }
    }
}

fn columns(labels: &[&str]) -> Vec<ReturnColumn> {
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| ReturnColumn { code: (i + 1).to_string(), label: (*label).into() })
        .collect()
}

fn rows(labels: &[&str], width: usize) -> Vec<ReturnRow> {
    labels
        .iter()
        .enumerate()
        .map(|(i, label)| ReturnRow { code: format!("{:02}", i + 1), label: (*label).into(), values: vec![0; width] })
        .collect()
}

/// Adds one to `column` (1-based, past the total) of each of `rows` (1-based row codes), and to the total.
fn count(table: &mut [ReturnRow], rows: &[usize], column: usize) {
    for &row in rows {
        if let Some(values) = table.get_mut(row - 1).map(|r| &mut r.values) {
            values[0] += 1;
            values[column - 1] += 1;
        }
    }
}

/// Who launched a movement, as 0601.N's columns 2–4 count it: the central council, a ministry or province, or
/// an agency (a department, a centre). Read from the issuer's name.
fn launch_level(issuer: &str) -> usize {
    let name = issuer.to_lowercase();
    if name.contains("trung ương") || name.contains("thủ tướng") || name.contains("chính phủ") {
        2
    } else if name.starts_with("bộ") || name.contains("ủy ban nhân dân tỉnh") || name.contains("ubnd tỉnh") {
        3
    } else {
        4
    }
}

/// The whole months from the first day to the day after the last (1/1 to 31/12 is 12).
fn whole_months(from: chrono::NaiveDate, to: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let end = to.succ_opt().unwrap_or(to);
    let months = (end.year() - from.year()) * 12 + end.month() as i32 - from.month() as i32;
    months - i32::from(end.day() < from.day())
}

/// 0601.N: the movements launched in `year`, by who launched them (columns) and by scope, length and method
/// (rows).
pub fn movements_return(year: i32, movements: &[Movement]) -> StatisticalReturn {
    let labels = [
        "Tổng số phong trào thi đua",
        "Phạm vi: toàn quốc",
        "Phạm vi: bộ, ngành, địa phương",
        "Phạm vi: cụm, khối thi đua",
        "Phạm vi: cơ quan, đơn vị",
        "Thời gian: dưới 1 năm",
        "Thời gian: 1 năm",
        "Thời gian: trên 1 năm đến dưới 3 năm",
        "Thời gian: từ 3 năm đến dưới 5 năm",
        "Thời gian: từ 5 năm trở lên",
        "Hình thức: theo chuyên đề (đợt)",
        "Hình thức: thường xuyên",
    ];
    let mut table = rows(&labels, 4);
    for movement in movements.iter().filter(|m| chrono::Datelike::year(&m.document_date) == year) {
        let level = launch_level(&movement.issuer);
        let lower = movement.name.to_lowercase();
        let scope = if lower.contains("cụm") || lower.contains("khối") {
            4
        } else {
            match level {
                2 => 2,
                3 => 3,
                _ => 5,
            }
        };
        let length = match whole_months(movement.period_from, movement.period_to) {
            ..12 => 6,
            12 => 7,
            13..36 => 8,
            36..60 => 9,
            _ => 10,
        };
        let method = if movement.kind == "thường xuyên" { 12 } else { 11 };
        count(&mut table, &[1, scope, length, method], level);
    }
    StatisticalReturn {
        code: "0601.N/BNV-TĐKT".into(),
        title: "Số phong trào thi đua".into(),
        year,
        unit: "Phong trào".into(),
        columns: columns(&[
            "Tổng số (1 = 2 + 3 + 4)",
            "Hội đồng TĐKT Trung ương",
            "Bộ, ngành, tỉnh",
            "Cơ quan, đơn vị",
        ]),
        rows: table,
    }
}

/// One award of an issued decision, as the award returns count it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwardFact {
    /// The catalog code of the title or form.
    pub title: String,
    pub recipient: Recipient,
    pub track: Track,
    pub direct_worker: bool,
}

const AWARD_ROWS: [&str; 9] = [
    "Tổng số",
    "Tập thể",
    "Cá nhân",
    "Trong đó cá nhân là người lao động trực tiếp",
    "Khen thưởng thường xuyên",
    "Khen thưởng theo chuyên đề (đợt)",
    "Khen thưởng đột xuất",
    "Khen thưởng đối ngoại",
    "Khen thưởng quá trình cống hiến",
];

/// An award return: the awards of `facts` whose title `column_of` places (1-based, past the total), by subject
/// and method.
fn awards_return(
    (code, title): (&str, &str),
    year: i32,
    labels: &[&str],
    facts: &[AwardFact],
    column_of: impl Fn(&AwardFact) -> Option<usize>,
) -> StatisticalReturn {
    let mut table = rows(&AWARD_ROWS, labels.len());
    for fact in facts {
        let Some(column) = column_of(fact) else { continue };
        let collective = fact.recipient == Recipient::Collective;
        let mut counted = vec![1, if collective { 2 } else { 3 }];
        if !collective && fact.direct_worker {
            counted.push(4);
        }
        counted.push(match fact.track {
            Track::ThuongXuyen => 5,
            Track::ChuyenDe => 6,
            Track::DotXuat => 7,
            Track::DoiNgoai => 8,
            Track::CongHien => 9,
        });
        count(&mut table, &counted, column);
    }
    StatisticalReturn {
        code: code.into(),
        title: title.into(),
        year,
        unit: "Tập thể, cá nhân được khen thưởng".into(),
        columns: columns(labels),
        rows: table,
    }
}

/// 0602.N: state-level awards (Huân chương, Cờ thi đua của Chính phủ, Bằng khen of the Prime Minister, CSTĐ toàn
/// quốc) of the decisions issued in `year`.
pub fn state_awards_return(year: i32, facts: &[AwardFact]) -> StatisticalReturn {
    let labels = [
        "Tổng số (1 = 2 + … + 7)",
        "Huân chương: tập thể",
        "Huân chương: cá nhân",
        "Cờ thi đua của Chính phủ",
        "Bằng khen của Thủ tướng Chính phủ: tập thể",
        "Bằng khen của Thủ tướng Chính phủ: cá nhân",
        "Chiến sĩ thi đua toàn quốc",
    ];
    awards_return(("0602.N/BNV-TĐKT", "Số khen thưởng cấp Nhà nước"), year, &labels, facts, |f| {
        let collective = f.recipient == Recipient::Collective;
        match f.title.as_str() {
            t if t.starts_with("huan-chuong") => Some(if collective { 2 } else { 3 }),
            "co-chinh-phu" => Some(4),
            "bang-khen-ttg" => Some(if collective { 5 } else { 6 }),
            "cstd-toan-quoc" => Some(7),
            _ => None,
        }
    })
}

/// 0603.N: awards of a ministry or province (Bằng khen, CSTĐ Bộ/tỉnh, Cờ thi đua, Kỷ niệm chương) of the decisions
/// issued in `year`.
pub fn province_awards_return(year: i32, facts: &[AwardFact]) -> StatisticalReturn {
    let labels = [
        "Tổng số (1 = 2 + … + 6)",
        "Bằng khen: tập thể",
        "Bằng khen: cá nhân",
        "Chiến sĩ thi đua cấp bộ, ngành, tỉnh",
        "Cờ thi đua",
        "Huy hiệu, Kỷ niệm chương",
    ];
    awards_return(("0603.N/BNV-TĐKT", "Số khen thưởng cấp bộ, ngành, tỉnh"), year, &labels, facts, |f| {
        match f.title.as_str() {
            "bang-khen-bo-tinh" => Some(if f.recipient == Recipient::Collective { 2 } else { 3 }),
            "cstd-bo-tinh" => Some(4),
            "co-bo-tinh" => Some(5),
            "ky-niem-chuong" => Some(6),
            _ => None,
        }
    })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn movement(issuer: &str, kind: &str, from: (i32, u32, u32), to: (i32, u32, u32)) -> Movement {
        let date = |(y, m, d): (i32, u32, u32)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        Movement {
            id: format!("{issuer}-{kind}-{from:?}"),
            name: "Phong trào".into(),
            theme: String::new(),
            kind: kind.into(),
            document_number: "1/KH".into(),
            document_date: date(from),
            issuer: issuer.into(),
            period_from: date(from),
            period_to: date(to),
            fields: Vec::new(),
            goals: String::new(),
        }
    }

    fn row(r: &StatisticalReturn, code: &str) -> Vec<u64> {
        r.rows.iter().find(|row| row.code == code).unwrap().values.clone()
    }

    #[test]
    fn movements_are_counted_by_who_launched_them_their_length_and_method() {
        let movements = [
            movement("Bộ Thông tin và Truyền thông", "thường xuyên", (2026, 1, 1), (2026, 12, 31)),
            movement("Ủy ban nhân dân tỉnh Vĩnh Phúc", "chuyên đề", (2026, 3, 1), (2026, 9, 30)),
            movement("Sở Thông tin và Truyền thông", "thường xuyên", (2026, 1, 1), (2030, 12, 31)),
            movement("Sở Thông tin và Truyền thông", "chuyên đề", (2025, 6, 1), (2026, 6, 1)),
        ];
        let r = movements_return(2026, &movements);
        assert_eq!(row(&r, "01"), [3, 0, 2, 1]);
        assert_eq!(row(&r, "03"), [2, 0, 2, 0]);
        assert_eq!(row(&r, "05"), [1, 0, 0, 1]);
        assert_eq!((row(&r, "06")[0], row(&r, "07")[0], row(&r, "10")[0]), (1, 1, 1));
        assert_eq!((row(&r, "11")[0], row(&r, "12")[0]), (1, 2));
        for row in &r.rows {
            assert_eq!(row.values[0], row.values[1..].iter().sum::<u64>(), "column 1 = 2 + 3 + 4 in row {}", row.code);
        }
    }

    #[test]
    fn awards_are_counted_by_form_subject_and_method() {
        let fact = |title: &str, recipient, track, direct_worker| AwardFact {
            title: title.into(),
            recipient,
            track,
            direct_worker,
        };
        let facts = [
            fact("cstd-bo-tinh", Recipient::Person, Track::ThuongXuyen, true),
            fact("bang-khen-bo-tinh", Recipient::Collective, Track::DotXuat, false),
            fact("bang-khen-bo-tinh", Recipient::Person, Track::ChuyenDe, false),
            fact("bang-khen-ttg", Recipient::Person, Track::ThuongXuyen, false),
            fact("giay-khen", Recipient::Person, Track::ThuongXuyen, true),
        ];
        let province = province_awards_return(2026, &facts);
        assert_eq!(row(&province, "01"), [3, 1, 1, 1, 0, 0]);
        assert_eq!(row(&province, "04"), [1, 0, 0, 1, 0, 0], "direct workers");
        assert_eq!((row(&province, "05")[0], row(&province, "06")[0], row(&province, "07")[0]), (1, 1, 1));
        let state = state_awards_return(2026, &facts);
        assert_eq!(row(&state, "01"), [1, 0, 0, 0, 0, 1, 0]);
        for r in [&province, &state] {
            for row in &r.rows {
                assert_eq!(row.values[0], row.values[1..].iter().sum::<u64>(), "{} row {}", r.code, row.code);
            }
            assert_eq!(row(r, "01")[0], row(r, "02")[0] + row(r, "03")[0], "collectives and individuals");
        }
    }
}
