//! The cycle's documents and lists, checked by a real office suite: every DOCX and XLSX the API makes is
//! converted to PDF by LibreOffice (`soffice --headless`) and its text read back with `pdftotext`, for the
//! headings, the filled values and the Vietnamese marks; the spreadsheets are also read back cell by cell
//! (calamine) and the returns' totals cross-checked. Set `THIDUA_KEEP_DOCUMENTS=folder` to keep the PDFs.

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::Path;
use std::process::Command;

use axum::http::{Method, StatusCode};
use calamine::{open_workbook_from_rs, Data, DataType, Reader, Xlsx};
use common::office::*;
use common::{server, TestServer};
use serde_json::{json, Value};

/// Every tone mark and every vowel with a hat or horn, in a name (the fixture the issue asks for).
const FULL_NAME: &str = "Trần Đỗ Hải Ánh Ngọc Lan Ưng Ơn";

async fn docx(server: &TestServer, token: &str, uri: &str) -> Vec<u8> {
    let (status, headers, bytes) = server.download(uri, token).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], server::render::DOCX_TYPE, "{uri}");
    assert!(headers["content-disposition"].to_str().unwrap().ends_with(".docx\""), "{uri}");
    bytes
}

async fn xlsx(server: &TestServer, token: &str, uri: &str) -> Vec<u8> {
    let (status, headers, bytes) = server.download(uri, token).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {}", String::from_utf8_lossy(&bytes));
    assert_eq!(headers["content-type"], server::render::XLSX_TYPE, "{uri}");
    bytes
}

/// Every sheet of a workbook, as rows of cells.
fn sheets(bytes: &[u8]) -> BTreeMap<String, Vec<Vec<Data>>> {
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).unwrap();
    let names = book.sheet_names();
    names
        .into_iter()
        .map(|name| {
            let range = book.worksheet_range(&name).unwrap();
            (name, range.rows().map(<[Data]>::to_vec).collect())
        })
        .collect()
}

/// Converts every file of `files` (name → bytes) to PDF with LibreOffice in one run, and answers each one's
/// text as pdftotext reads it.
fn through_office_suite(files: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let mut paths = Vec::new();
    for (name, bytes) in files {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    let out = dir.path().join("pdf");
    let status = Command::new("soffice")
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(&out)
        .args(&paths)
        .output()
        .expect("LibreOffice (soffice) is installed by scripts/setup.sh");
    assert!(status.status.success(), "soffice: {}", String::from_utf8_lossy(&status.stderr));
    let keep = std::env::var_os("THIDUA_KEEP_DOCUMENTS");
    files
        .keys()
        .map(|name| {
            let pdf = out.join(Path::new(name).with_extension("pdf"));
            if let Some(keep) = &keep {
                std::fs::create_dir_all(keep).unwrap();
                std::fs::copy(&pdf, Path::new(keep).join(pdf.file_name().unwrap())).unwrap();
            }
            let text = Command::new("pdftotext").arg(&pdf).arg("-").output().expect("pdftotext");
            assert!(text.status.success(), "pdftotext {name}");
            (name.clone(), String::from_utf8(text.stdout).expect("UTF-8 text"))
        })
        .collect()
}

/// What a reader sees, in reading order (a table cell by cell); spaces and line breaks squeezed, so a phrase that
/// wraps in its cell is still found.
fn squeeze(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[tokio::test]
async fn every_document_and_list_opens_in_an_office_suite_with_its_values_and_marks() {
    let server = server().await;
    let office = server.login("vanphong").await;
    let [for_lan, for_minh] = accepted_nominations(&server, [FULL_NAME, "Lê Văn Minh"]).await;
    let staff = server.login("tamduong.lan").await;
    let session = locked_session(&server, &office, "phien-vb", [for_lan, for_minh]).await;
    let draft = json!({"id": "qd-vb", "session_id": session.id, "header": header("2026-12-15")});
    let drafted: Value =
        server.expect(Method::POST, "/api/decisions", Some(&office), Some(draft), StatusCode::OK).await;

    let mut files = BTreeMap::new();
    files.insert("quyet-dinh-du-thao.docx".to_string(), docx(&server, &office, "/api/documents/decisions/qd-vb").await);
    let issue = json!({"version": drafted["version"]});
    let _: Value =
        server.expect(Method::POST, "/api/decisions/qd-vb/issue", Some(&office), Some(issue), StatusCode::OK).await;
    files.insert("quyet-dinh.docx".into(), docx(&server, &office, "/api/documents/decisions/qd-vb").await);
    // The unit's own staff prints the report of its own nomination.
    let report = format!("/api/documents/nominations/{for_lan}/report");
    files.insert("bao-cao-thanh-tich.docx".into(), docx(&server, &staff, &report).await);
    for document in ["phieu-bau", "kiem-phieu", "bien-ban", "to-trinh"] {
        let uri = format!("/api/documents/council/sessions/{}/{document}", session.id);
        files.insert(format!("{document}.docx"), docx(&server, &office, &uri).await);
    }
    let mut lists = BTreeMap::new();
    for list in ["dang-ky", "bao-cao-quy", "de-nghi", "hoi-dong", "quyet-dinh"] {
        lists.insert(list, xlsx(&server, &office, &format!("/api/exports/{list}")).await);
        files.insert(format!("danh-sach-{list}.xlsx"), lists[list].clone());
    }
    let returns_2026 = xlsx(&server, &office, "/api/statistics/2026/xlsx").await;
    files.insert("bieu-thong-ke-2026.xlsx".into(), returns_2026.clone());

    let text: BTreeMap<String, String> =
        through_office_suite(&files).into_iter().map(|(name, text)| (name, squeeze(&text))).collect();
    for (name, content) in &text {
        // UTF-8 read as Latin-1 turns "đ" into "Ä‘" and "ư" into "Æ°"; neither letter is Vietnamese.
        let garbled = ['Ä', 'Æ', '\u{FFFD}'].iter().any(|c| content.contains(*c)) || content.contains("â€");
        assert!(!garbled, "mojibake in {name}: {content}");
    }
    let has = |name: &str, phrases: &[&str]| {
        for phrase in phrases {
            assert!(text[name].contains(phrase), "{name} lacks \"{phrase}\":\n{}", text[name]);
        }
    };
    let header = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"];
    has("bao-cao-thanh-tich.docx", &header);
    has(
        "bao-cao-thanh-tich.docx",
        &[
            "BÁO CÁO THÀNH TÍCH",
            "Đề nghị tặng Chiến sĩ thi đua Bộ, ban, ngành, tỉnh năm 2026",
            "I. SƠ LƯỢC LÝ LỊCH",
            FULL_NAME,
            "II. THÀNH TÍCH ĐẠT ĐƯỢC",
            "Ba năm liền Chiến sĩ thi đua cơ sở",
            "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG",
            "(Từ năm 2024 đến năm 2026)",
            "NGƯỜI BÁO CÁO THÀNH TÍCH",
        ],
    );
    has("quyet-dinh.docx", &header);
    has(
        "quyet-dinh.docx",
        &[
            "ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC",
            "Số: 1/QĐ-UBND",
            "Vĩnh Phúc, ngày 15 tháng 12 năm 2026",
            "QUYẾT ĐỊNH",
            "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC",
            "Điều 1. Tặng danh hiệu Chiến sĩ thi đua cấp tỉnh năm 2026 cho 1 cá nhân đã có thành tích xuất sắc",
            FULL_NAME,
            "7.590.000 đ",
            "Nguyễn Văn Khước",
        ],
    );
    assert!(!text["quyet-dinh.docx"].contains("DỰ THẢO"));
    assert!(!text["quyet-dinh.docx"].contains("Lê Văn Minh"), "16/19 is not awarded");
    has("quyet-dinh-du-thao.docx", &["DỰ THẢO", "Số: /QĐ-UBND"]);
    has("phieu-bau.docx", &["PHIẾU BẦU", FULL_NAME, "Lê Văn Minh", "Đồng ý", "Không đồng ý"]);
    has(
        "kiem-phieu.docx",
        &["BIÊN BẢN KIỂM PHIẾU", "18/19 đồng ý (94,7%), cần 18: Đạt", "16/19 đồng ý (84,2%), cần 18: Không đạt"],
    );
    has(
        "bien-ban.docx",
        &[
            "BIÊN BẢN",
            "Thời gian: ngày 10/12/2026",
            "Kết luận: đề nghị cấp có thẩm quyền khen thưởng",
            "CHỦ TRÌ",
            "THƯ KÝ",
        ],
    );
    has("to-trinh.docx", &["TỜ TRÌNH", "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG", "I. TẬP THỂ", "II. CÁ NHÂN", FULL_NAME]);
    assert!(!text["to-trinh.docx"].contains("Lê Văn Minh"), "only those who passed are proposed");
    has("danh-sach-quyet-dinh.xlsx", &["Người nhận", FULL_NAME]);
    has("danh-sach-de-nghi.xlsx", &["Đủ điều kiện", "Lê Văn Minh"]);

    // The lists read back cell by cell, typed.
    let decisions = &sheets(&lists["quyet-dinh"])["Quyet dinh"];
    assert_eq!(decisions[0][0], Data::String("Số quyết định".into()));
    assert_eq!(decisions[1][0], Data::String("1/QĐ-UBND".into()));
    assert_eq!(decisions[1][3], Data::String(FULL_NAME.into()));
    assert_eq!(decisions[1][6], Data::Float(7_590_000.0), "an amount is a number");
    assert!(matches!(decisions[1][1], Data::DateTime(_)), "a date is a date: {:?}", decisions[1][1]);
    let council = &sheets(&lists["hoi-dong"])["Ket qua Hoi dong"];
    let yes: Vec<&Data> = council[1..].iter().map(|row| &row[4]).collect();
    assert!(yes.contains(&&Data::Float(18.0)) && yes.contains(&&Data::Float(16.0)), "{yes:?}");

    // The returns: JSON and XLSX agree, column 1 is the sum of the others, collectives and individuals add up.
    let returns: Vec<Value> =
        server.expect(Method::GET, "/api/statistics/2026", Some(&office), None, StatusCode::OK).await;
    let province = returns.iter().find(|r| r["code"] == "0603.N/BNV-TĐKT").unwrap();
    assert_eq!(province["rows"][0]["values"], json!([1, 0, 0, 1, 0, 0]), "one CSTĐ Bộ/tỉnh in 2026");
    let workbook = sheets(&returns_2026);
    assert_eq!(workbook.keys().cloned().collect::<Vec<_>>(), ["0601.N", "0602.N", "0603.N"]);
    for (name, rows) in &workbook {
        for row in &rows[1..] {
            let numbers: Vec<f64> = row[2..].iter().map(|c| c.as_f64().unwrap()).collect();
            assert_eq!(numbers[0], numbers[1..].iter().sum::<f64>(), "{name}, row {:?}", row[1]);
        }
    }
    let total = |sheet: &str, row: usize| workbook[sheet][row][2].as_f64().unwrap();
    assert_eq!(total("0603.N", 1), 1.0);
    assert_eq!(total("0603.N", 1), total("0603.N", 2) + total("0603.N", 3));
    let movements: Vec<Value> =
        server.expect(Method::GET, "/api/statistics/2021", Some(&office), None, StatusCode::OK).await;
    assert_eq!(
        movements[0]["rows"][0]["values"],
        json!([1, 0, 1, 0]),
        "Chỉ thị 103/CT-BTTTT of 13/12/2021, by a ministry"
    );

    // The admin words a form anew (the province's new header after the merger): the next decision document says
    // so, with no new build.
    let admin = server.login("quantri").await;
    let reference: Value = server.expect(Method::GET, "/api/reference", Some(&admin), None, StatusCode::OK).await;
    let mut book = reference["rulebook"].clone();
    let forms = book["forms"].as_array_mut().unwrap();
    let decision_form = forms.iter_mut().find(|f| f["form"] == "quyet-dinh").unwrap();
    decision_form["texts"]["letterhead.issuer"] = json!("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ");
    let saved: Value = server.expect(Method::PUT, "/api/admin/rules", Some(&admin), Some(book), StatusCode::OK).await;
    assert!(saved["version"].as_i64().unwrap() > 1);
    let reworded = BTreeMap::from([(
        "quyet-dinh.docx".to_string(),
        docx(&server, &office, "/api/documents/decisions/qd-vb").await,
    )]);
    let reworded = squeeze(&through_office_suite(&reworded)["quyet-dinh.docx"]);
    assert!(reworded.contains("ỦY BAN NHÂN DÂN TỈNH PHÚ THỌ"), "{reworded}");

    // Outside the scope, a document answers like a missing one; a list is the office's.
    let other_unit = server.login("lapthach.giamdoc").await;
    let (status, _, _) = server.download(&report, &other_unit).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = server.download("/api/exports/de-nghi", &staff).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _, _) = server.download("/api/documents/council/sessions/phien-vb/khac", &office).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = server.download("/api/statistics/1800", &office).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
}
