//! `/api/documents/…`, `/api/exports/…`, `/api/statistics/…`: every document of the cycle as DOCX, filled from
//! the records (the achievement report, the submission, the ballot sheet, the counting committee's and the
//! session's minutes, the decision), the office's lists as XLSX, and the statistical returns of Thông tư
//! 02/2023/TT-BNV as JSON and XLSX, computed from the movements and the issued decisions.
//!
//! A document for a record outside the user's scope answers like a missing one; one made from a record not yet
//! decided (a nomination not accepted, a session not locked, a decision not issued) is marked "DỰ THẢO".

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use domain::api::{ErrorBody, Role};
use domain::dashboard::AwardItem;
use domain::documents::{self, Cell, Document, Office, Profile, ReportSource, Sheet};
use domain::dossier::{awards_of, read, Initiative, NomineeKind, Track};
use domain::rules::{Recipient, Verdict};
use domain::statistics::{self, AwardFact, StatisticalReturn};
use domain::RecordKind;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::council::{may_read, own_session};
use crate::db::{Session, StoredRecord};
use crate::error::{ApiError, Json, Path};
use crate::render::{self, DOCX_TYPE, XLSX_TYPE};
use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(nomination_report))
        .routes(routes!(session_document))
        .routes(routes!(decision_document))
        .routes(routes!(export))
        .routes(routes!(returns))
        .routes(routes!(returns_workbook))
}

/// A file's bytes, as the OpenAPI document names them.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
struct FileBytes(Vec<u8>);

fn file(bytes: Vec<u8>, content_type: &'static str, name: &str, extension: &str) -> Response {
    let disposition = format!("attachment; filename=\"{name}.{extension}\"");
    ([(CONTENT_TYPE, content_type.to_string()), (CONTENT_DISPOSITION, disposition)], bytes).into_response()
}

fn docx(document: &Document) -> Result<Response, ApiError> {
    let bytes = render::docx(document).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(file(bytes, DOCX_TYPE, &document.file_name, "docx"))
}

fn workbook(sheets: &[Sheet], name: &str) -> Result<Response, ApiError> {
    let bytes = render::xlsx(sheets).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(file(bytes, XLSX_TYPE, name, "xlsx"))
}

fn office_or_admin(session: &Session) -> Result<(), ApiError> {
    match session.role {
        Role::Office | Role::Admin => Ok(()),
        _ => Err(ApiError::Forbidden("Chỉ Văn phòng và quản trị lấy được danh sách và báo cáo thống kê.")),
    }
}

/// Who a unit's documents come from (`Office::new`).
async fn office_of(state: &AppState, unit_id: &str) -> Result<Office, ApiError> {
    let (name, parent) = state.db.unit_and_parent(unit_id).await?;
    Ok(Office::new(name, parent))
}

/// The achievement report of a nomination (Mẫu 03 for a person, Mẫu 02 for a collective), filled from the
/// nomination and the nominee's record.
#[utoipa::path(get, path = "/documents/nominations/{id}/report", tag = "documents", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã hồ sơ đề nghị")), responses(
    (status = 200, description = "Báo cáo thành tích (DOCX).", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = FileBytes),
    (status = 404, description = "Không có hồ sơ này trong phạm vi của người dùng.", body = ErrorBody),
))]
async fn nomination_report(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let missing = || ApiError::NotFound("Không có hồ sơ đề nghị này.");
    let nomination = state.db.stored_record(&id).await?.ok_or_else(missing)?;
    if nomination.kind != RecordKind::Nomination || !session.may_access(&nomination.unit_id) {
        return Err(missing());
    }
    let book = state.db.rulebook().await?;
    let kind = match nomination.text("nominee_kind").as_str() {
        "collective" => NomineeKind::Collective,
        _ => NomineeKind::Person,
    };
    let (profile, nominee_name, initiatives, awards) = match kind {
        NomineeKind::Person => {
            let person = state.db.stored_record(&nomination.text("nominee_id")).await?;
            let person = person.filter(|p| p.kind == RecordKind::Person && session.may_access(&p.unit_id));
            match person {
                Some(p) => (
                    Some(Profile {
                        full_name: p.text("full_name"),
                        birth_date: p.text("birth_date"),
                        gender: p.text("gender"),
                        hometown: p.text("hometown"),
                        position: p.text("position"),
                        qualification: p.text("qualification"),
                    }),
                    p.text("full_name"),
                    read::<Vec<Initiative>>(&p.fields, "initiatives"),
                    awards_of(&p.fields),
                ),
                None => (None, String::new(), Vec::new(), Vec::new()),
            }
        }
        NomineeKind::Collective => {
            let profiles =
                state.db.stored_records(RecordKind::UnitProfile, std::slice::from_ref(&nomination.unit_id)).await?;
            let awards = profiles.iter().flat_map(|p| awards_of(&p.fields)).collect();
            (None, nomination.unit_name.clone(), Vec::new(), awards)
        }
    };
    let source = ReportSource {
        unit: office_of(&state, &nomination.unit_id).await?,
        nominee_kind: kind,
        profile,
        nominee_name,
        title: nomination.text("title"),
        year: nomination.text("year").trim().parse().unwrap_or_default(),
        summary: nomination.text("summary"),
        section_profile: nomination.text("section_profile"),
        section_achievements: nomination.text("section_achievements"),
        initiatives,
        awards,
        // Until the unit has sent it, the report is the unit's draft.
        draft: matches!(nomination.state.as_str(), "draft" | "returned"),
    };
    docx(&documents::achievement_report(&book, &source))
}

/// A council session's documents: `phieu-bau` (the ballot sheet), `kiem-phieu` (the counting committee's
/// minutes), `bien-ban` (the session's minutes) and `to-trinh` (the submission of those who passed, with its
/// list).
#[utoipa::path(get, path = "/documents/council/sessions/{id}/{document}", tag = "documents",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã phiên họp"),
           ("document" = String, Path, description = "phieu-bau, kiem-phieu, bien-ban hoặc to-trinh")),
    responses(
    (status = 200, description = "Văn bản (DOCX).", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = FileBytes),
    (status = 403, description = "Vai trò này không xem được phiên họp.", body = ErrorBody),
    (status = 404, description = "Không có phiên họp hoặc văn bản này.", body = ErrorBody),
))]
async fn session_document(
    State(state): State<AppState>,
    session: Session,
    Path((id, document)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    may_read(&session)?;
    let council = own_session(&state, &session, &id).await?;
    let office = office_of(&state, &council.unit_id).await?;
    let name = documents::council_name(&office.name);
    let build = match document.as_str() {
        "phieu-bau" => documents::ballot_sheet,
        "kiem-phieu" => documents::count_minutes,
        "bien-ban" => documents::council_minutes,
        "to-trinh" => documents::submission,
        _ => return Err(ApiError::NotFound("Không có văn bản này.")),
    };
    let made = build(&state.db.rulebook().await?, &office, &name, &council);
    docx(&made)
}

/// An award decision with its list and amounts; a draft is marked "DỰ THẢO" and carries no number.
#[utoipa::path(get, path = "/documents/decisions/{id}", tag = "documents", security(("bearer" = [])),
    params(("id" = String, Path, description = "Mã quyết định")), responses(
    (status = 200, description = "Quyết định (DOCX).", content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body = FileBytes),
    (status = 403, description = "Vai trò này không xem được quyết định.", body = ErrorBody),
    (status = 404, description = "Không có quyết định này.", body = ErrorBody),
))]
async fn decision_document(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    may_read(&session)?;
    let decision = match state.db.decision(&id).await? {
        Some(found) if found.unit_id == session.unit_id => found,
        _ => return Err(ApiError::NotFound("Không có quyết định này.")),
    };
    let held_on = own_session(&state, &session, &decision.session_id).await?.held_on;
    let book = state.db.rulebook().await?;
    let office = office_of(&state, &decision.unit_id).await?;
    docx(&documents::decision(&book, &office, &decision, held_on))
}

fn text(value: impl Into<String>) -> Cell {
    Cell::Text(value.into())
}

fn verdict_of(record: &StoredRecord) -> Option<Verdict> {
    record.fields.get("verdict").cloned().and_then(|v| serde_json::from_value(v).ok())
}

/// The names of the people in `scope`, by record id.
async fn people(state: &AppState, scope: &[String]) -> Result<BTreeMap<String, String>, ApiError> {
    let people = state.db.stored_records(RecordKind::Person, scope).await?;
    Ok(people.into_iter().map(|p| (p.id.clone(), p.text("full_name"))).collect())
}

/// The state of a record in the interface's words.
fn state_label(state: &str) -> String {
    domain::WorkflowState::parse(state).map_or_else(|| state.to_string(), |s| s.label().to_string())
}

/// One of the cycle's lists: `dang-ky` (registrations), `bao-cao-quy` (quarterly results), `de-nghi`
/// (nominations with their verdicts), `hoi-dong` (council results) or `quyet-dinh` (decisions with amounts).
#[utoipa::path(get, path = "/exports/{list}", tag = "documents", security(("bearer" = [])),
    params(("list" = String, Path, description = "dang-ky, bao-cao-quy, de-nghi, hoi-dong hoặc quyet-dinh")),
    responses(
    (status = 200, description = "Danh sách (XLSX).", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = FileBytes),
    (status = 403, description = "Chỉ Văn phòng và quản trị.", body = ErrorBody),
    (status = 404, description = "Không có danh sách này.", body = ErrorBody),
))]
async fn export(
    State(state): State<AppState>,
    session: Session,
    Path(list): Path<String>,
) -> Result<Response, ApiError> {
    office_or_admin(&session)?;
    let book = state.db.rulebook().await?;
    let sheet = match list.as_str() {
        "dang-ky" => {
            let rows = state.db.stored_records(RecordKind::Registration, &session.scope).await?;
            let columns = ["Đơn vị", "Năm", "Danh hiệu tập thể đăng ký", "Số chỉ tiêu", "Trạng thái"];
            let rows = rows
                .iter()
                .map(|r| {
                    let targets = r.fields.get("targets").and_then(|t| t.as_array()).map_or(0, Vec::len);
                    vec![
                        text(&r.unit_name),
                        r.text("year").trim().parse::<f64>().map_or(Cell::Empty, Cell::Number),
                        text(book.title_name(&r.text("unit_title"))),
                        Cell::Number(targets as f64),
                        text(state_label(&r.state)),
                    ]
                })
                .collect();
            Sheet { name: "Dang ky thi dua".into(), columns: columns.map(String::from).to_vec(), rows }
        }
        "bao-cao-quy" => {
            let rows = state.db.stored_records(RecordKind::SelfAssessment, &session.scope).await?;
            let columns = ["Đơn vị", "Kỳ báo cáo", "Số chỉ tiêu có kết quả", "Điểm tự chấm bình quân", "Trạng thái"];
            let rows = rows
                .iter()
                .map(|r| {
                    let results: BTreeMap<String, domain::dossier::TargetResult> = read(&r.fields, "results");
                    let scores: Vec<f64> = results.values().filter_map(|t| t.score).map(f64::from).collect();
                    let average = match scores.len() {
                        0 => Cell::Empty,
                        n => Cell::Number((scores.iter().sum::<f64>() / n as f64 * 10.0).round() / 10.0),
                    };
                    vec![
                        text(&r.unit_name),
                        text(r.text("period")),
                        Cell::Number(results.len() as f64),
                        average,
                        text(state_label(&r.state)),
                    ]
                })
                .collect();
            Sheet { name: "Bao cao quy".into(), columns: columns.map(String::from).to_vec(), rows }
        }
        "de-nghi" => {
            let nominations = state.db.stored_records(RecordKind::Nomination, &session.scope).await?;
            let names = people(&state, &session.scope).await?;
            let columns = [
                "Đơn vị",
                "Người, tập thể được đề nghị",
                "Danh hiệu, hình thức",
                "Năm",
                "Trạng thái",
                "Đủ điều kiện",
                "Hồ sơ còn thiếu",
                "Giải trình",
            ];
            let rows = nominations
                .iter()
                .map(|n| {
                    let verdict = verdict_of(n);
                    let nominee = match n.text("nominee_kind").as_str() {
                        "collective" => n.unit_name.clone(),
                        _ => names.get(&n.text("nominee_id")).cloned().unwrap_or_default(),
                    };
                    let missing = verdict
                        .as_ref()
                        .map(|v| {
                            let held: Vec<String> = read(&n.fields, "documents");
                            let docs = book.missing_documents(&v.title, &v.regime, &held);
                            docs.iter().map(|d| d.name.as_str()).collect::<Vec<_>>().join("; ")
                        })
                        .unwrap_or_default();
                    vec![
                        text(&n.unit_name),
                        text(nominee),
                        text(book.title_name(&n.text("title"))),
                        n.text("year").trim().parse::<f64>().map_or(Cell::Empty, Cell::Number),
                        text(state_label(&n.state)),
                        text(verdict.as_ref().map_or("Chưa kiểm tra", |v| if v.eligible { "Có" } else { "Không" })),
                        text(missing),
                        text(n.text("justification")),
                    ]
                })
                .collect();
            Sheet { name: "De nghi khen thuong".into(), columns: columns.map(String::from).to_vec(), rows }
        }
        "hoi-dong" => {
            office_or_admin(&session)?;
            let sessions = state.db.council_sessions(&session.unit_id).await?;
            let columns = [
                "Ngày họp",
                "Người, tập thể",
                "Đơn vị",
                "Danh hiệu, hình thức",
                "Đồng ý",
                "Trên số",
                "Cần",
                "Kết quả",
                "Quy định",
            ];
            let rows = sessions
                .iter()
                .flat_map(|s| {
                    s.candidates.iter().map(move |c| {
                        let result = c.result.as_ref();
                        let number = |n: Option<u32>| n.map_or(Cell::Empty, |n| Cell::Number(f64::from(n)));
                        vec![
                            Cell::Date(s.held_on),
                            text(&c.nominee_name),
                            text(&c.unit_name),
                            text(&c.title_name),
                            number(result.map(|r| r.yes)),
                            number(result.map(|r| r.of)),
                            number(result.map(|r| r.needed)),
                            text(result.map_or("Chưa kiểm phiếu", |r| {
                                if r.passed {
                                    "Đạt"
                                } else {
                                    "Không đạt"
                                }
                            })),
                            text(result.map(|r| r.rule.article.clone()).unwrap_or_default()),
                        ]
                    })
                })
                .collect();
            Sheet { name: "Ket qua Hoi dong".into(), columns: columns.map(String::from).to_vec(), rows }
        }
        "quyet-dinh" => {
            let decisions = state.db.decisions(Some(&session.unit_id), false).await?;
            let columns = [
                "Số quyết định",
                "Ngày ký",
                "Cơ quan ban hành",
                "Người nhận",
                "Đơn vị",
                "Danh hiệu, hình thức",
                "Tiền thưởng (đồng)",
                "Trạng thái",
            ];
            let rows = decisions
                .iter()
                .flat_map(|d| {
                    d.recipients.iter().map(move |r| {
                        vec![
                            text(d.number.clone().unwrap_or_default()),
                            Cell::Date(d.decided_on),
                            text(&d.issuer),
                            text(&r.name),
                            text(&r.unit_name),
                            text(&r.title_name),
                            r.amount.as_ref().map_or(Cell::Empty, |a| Cell::Number(a.amount as f64)),
                            text(if d.issued() { "Đã ban hành" } else { "Dự thảo" }),
                        ]
                    })
                })
                .collect();
            Sheet { name: "Quyet dinh".into(), columns: columns.map(String::from).to_vec(), rows }
        }
        _ => return Err(ApiError::NotFound("Không có danh sách này.")),
    };
    workbook(&[sheet], &format!("danh-sach-{list}"))
}

/// The awards of the decisions the user's office issued in `year`, each with what a list shows of it: what the
/// returns count and the dashboard draws, from one place so the two agree.
pub(crate) async fn awards_of_year(state: &AppState, session: &Session, year: i32) -> Result<Vec<AwardItem>, ApiError> {
    let mut awards = Vec::new();
    for decision in state.db.decisions(Some(&session.unit_id), true).await? {
        if decision.decided_on.year() != year {
            continue;
        }
        let number = decision.number.clone().unwrap_or_default();
        for recipient in &decision.recipients {
            let nomination = state.db.stored_record(&recipient.nomination_id).await?;
            let track = nomination
                .as_ref()
                .and_then(|n| serde_json::from_value::<Track>(serde_json::Value::String(n.text("track"))).ok())
                .unwrap_or(Track::ThuongXuyen);
            let direct_worker = match recipient.recipient {
                Recipient::Person => state
                    .db
                    .stored_record(&recipient.nominee_id)
                    .await?
                    .and_then(|p| p.fields.get("direct_worker").and_then(serde_json::Value::as_bool))
                    .unwrap_or(false),
                _ => false,
            };
            awards.push(AwardItem {
                fact: AwardFact {
                    title: recipient.title.clone(),
                    recipient: recipient.recipient,
                    track,
                    direct_worker,
                },
                label: format!(
                    "{} ({}) — {}, Quyết định số {number}",
                    recipient.name, recipient.unit_name, recipient.title_name
                ),
            });
        }
    }
    Ok(awards)
}

/// The returns of `year`: 0601.N from the movements launched in it, 0602.N and 0603.N from the decisions issued
/// in it by the user's office.
async fn compute_returns(state: &AppState, session: &Session, year: i32) -> Result<Vec<StatisticalReturn>, ApiError> {
    if !(2000..=2100).contains(&year) {
        return Err(ApiError::Invalid("Năm báo cáo phải từ 2000 đến 2100.".into()));
    }
    let movements = state.db.reference_data(session).await?.movements;
    let facts: Vec<AwardFact> = awards_of_year(state, session, year).await?.into_iter().map(|a| a.fact).collect();
    Ok(vec![
        statistics::movements_return(year, &movements),
        statistics::state_awards_return(year, &facts),
        statistics::province_awards_return(year, &facts),
    ])
}

/// The statistical returns of Thông tư 02/2023/TT-BNV for `year`, computed, with their row and column codes.
#[utoipa::path(get, path = "/statistics/{year}", tag = "documents", security(("bearer" = [])),
    params(("year" = i32, Path, description = "Năm báo cáo")), responses(
    (status = 200, description = "Biểu 0601.N, 0602.N, 0603.N.", body = Vec<StatisticalReturn>),
    (status = 403, description = "Chỉ Văn phòng và quản trị.", body = ErrorBody),
))]
async fn returns(
    State(state): State<AppState>,
    session: Session,
    Path(year): Path<i32>,
) -> Result<Json<Vec<StatisticalReturn>>, ApiError> {
    office_or_admin(&session)?;
    Ok(Json(compute_returns(&state, &session, year).await?))
}

/// The same returns as one workbook, a sheet per return in the form's order (A, B, 1…).
#[utoipa::path(get, path = "/statistics/{year}/xlsx", tag = "documents", security(("bearer" = [])),
    params(("year" = i32, Path, description = "Năm báo cáo")), responses(
    (status = 200, description = "Biểu thống kê (XLSX).", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = FileBytes),
    (status = 403, description = "Chỉ Văn phòng và quản trị.", body = ErrorBody),
))]
async fn returns_workbook(
    State(state): State<AppState>,
    session: Session,
    Path(year): Path<i32>,
) -> Result<Response, ApiError> {
    office_or_admin(&session)?;
    let sheets: Vec<Sheet> =
        compute_returns(&state, &session, year).await?.iter().map(StatisticalReturn::sheet).collect();
    workbook(&sheets, &format!("bieu-thong-ke-tdkt-{year}"))
}
