//! The office's documents as content, apart from how they are rendered: the achievement report (NĐ 98/2023
//! Phụ lục I, Mẫu 02 for a collective and Mẫu 03 for a person), the submission (tờ trình) with its list, the
//! council's ballot sheet, the counting committee's minutes, the session's minutes, and the award decision with
//! its list and amounts; and the lists the office exports, as typed sheets. The server renders a `Document` as
//! DOCX in the layout of NĐ 30/2020 (Điều 8 and Phụ lục I) and a `Sheet` as XLSX; the tablet prints the report.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::format_date;
use crate::council::{Candidate, CouncilSession};
use crate::decision::Decision;
use crate::dossier::{AwardEntry, Initiative, NomineeKind};
use crate::rules::{dong, FormTexts, Recipient, Regime, RuleBook, TitleKind};
use crate::text::fold;

/// The header's two columns (NĐ 30/2020, Phụ lục I): the issuing body under its parent on the left, with the
/// number; the Quốc hiệu and Tiêu ngữ on the right, with the place and date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Letterhead {
    /// "ỦY BAN NHÂN DÂN TỈNH VĨNH PHÚC"; empty when the issuer has none above it in the header.
    pub parent: String,
    /// "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"
    pub issuer: String,
    /// "Số: 1/QĐ-UBND"; a draft leaves the number blank for the register. Empty for a personal report.
    pub number: String,
    /// "Vĩnh Phúc, ngày 15 tháng 12 năm 2026"
    pub place_date: String,
}

/// A column of a table: its heading and its share of the text width, in tenths.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub label: String,
    pub width: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Block {
    /// A section heading, bold.
    Heading(String),
    /// A paragraph of running text; a line break in it starts a new paragraph.
    Text(String),
    /// A centred line, bold (the issuing authority above "QUYẾT ĐỊNH:", a list's title).
    Centered(String),
    Table {
        columns: Vec<Column>,
        rows: Vec<Vec<String>>,
    },
}

/// A signature block: the role in capitals, how it is signed, and the name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signature {
    pub role: String,
    pub note: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    /// Without extension, ASCII only: "bao-cao-thanh-tich-do-thi-hoa".
    pub file_name: String,
    pub letterhead: Letterhead,
    /// The document's type in capitals: "QUYẾT ĐỊNH", "BÁO CÁO THÀNH TÍCH".
    pub kind: String,
    /// The trích yếu under it.
    pub summary: String,
    /// Marked "DỰ THẢO" across its head: not yet issued, or made from a record not yet decided.
    pub draft: bool,
    /// Laid on a landscape page: a table too wide for a portrait one.
    pub landscape: bool,
    pub blocks: Vec<Block>,
    /// Left to right.
    pub signatures: Vec<Signature>,
    /// Nơi nhận, bottom left.
    pub recipients: Vec<String>,
}

/// "Vĩnh Phúc, ngày 05 tháng 02 năm 2027": NĐ 30/2020 writes a day below 10 and a month below 3 with a leading
/// zero. Without a date the day and month are left for the signer to write.
pub fn place_date(place: &str, date: Option<NaiveDate>, year: i32) -> String {
    match date {
        Some(d) => {
            let day = if d.day() < 10 { format!("0{}", d.day()) } else { d.day().to_string() };
            let month = if d.month() < 3 { format!("0{}", d.month()) } else { d.month().to_string() };
            format!("{place}, ngày {day} tháng {month} năm {}", d.year())
        }
        None => format!("{place}, ngày      tháng      năm {year}"),
    }
}

/// A file name from a Vietnamese text: lower case ASCII, words joined by hyphens ("Đỗ Thị Hoa" → "do-thi-hoa").
pub fn file_slug(text: &str) -> String {
    fold(text).split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("-")
}

/// The text with its first letter in capitals ("tặng danh hiệu…" → "Tặng danh hiệu…").
fn sentence_case(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// Upper case, as a header writes a body's name.
fn caps(text: &str) -> String {
    text.to_uppercase()
}

fn table(columns: &[(&str, u32)], rows: Vec<Vec<String>>) -> Block {
    let columns = columns.iter().map(|(label, width)| Column { label: (*label).to_owned(), width: *width }).collect();
    Block::Table { columns, rows }
}

/// The rulebook's wording of a form under a regime (`RuleBook::forms`) over the built-in one, with {title},
/// {year}, {date}, {place}, {council} and {regime} filled in.
struct Wording<'a> {
    texts: Option<&'a FormTexts>,
    fills: Vec<(&'static str, String)>,
}

impl<'a> Wording<'a> {
    fn new(book: &'a RuleBook, form: &str, regime: Option<&Regime>, mut fills: Vec<(&'static str, String)>) -> Self {
        fills.push(("regime", regime.map(|r| r.name.clone()).unwrap_or_default()));
        Wording { texts: book.form_texts(form, regime.map_or("", |r| r.id.as_str())), fills }
    }

    fn fill(&self, text: &str) -> String {
        self.fills.iter().fold(text.to_owned(), |text, (name, value)| text.replace(&format!("{{{name}}}"), value))
    }

    /// The book's text for `key`, filled; None where the book gives none.
    fn given(&self, key: &str) -> Option<String> {
        self.texts.and_then(|t| t.texts.get(key)).map(|text| self.fill(text))
    }

    fn text(&self, key: &str, built_in: &str) -> String {
        self.given(key).unwrap_or_else(|| self.fill(built_in))
    }

    fn lines(&self, key: &str, built_in: &str) -> Vec<String> {
        self.text(key, built_in).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
    }

    /// The texts every form takes, over what the builder wrote: type, trích yếu, the header's issuer lines,
    /// the signature blocks' roles and the nơi nhận.
    fn apply(&self, mut document: Document) -> Document {
        let head = &mut document.letterhead;
        for (key, slot) in [
            ("kind", &mut document.kind),
            ("summary", &mut document.summary),
            ("letterhead.parent", &mut head.parent),
            ("letterhead.issuer", &mut head.issuer),
        ] {
            if let Some(text) = self.given(key) {
                *slot = text;
            }
        }
        for (i, signature) in document.signatures.iter_mut().enumerate() {
            if let Some(role) = self.given(&format!("signature.{}", i + 1)) {
                signature.role = role;
            }
        }
        if self.given("recipients").is_some() {
            document.recipients = self.lines("recipients", "");
        }
        document
    }
}

/// Who the documents of an office come from: its name and its parent's, and the place its dates are written at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Office {
    pub parent: String,
    pub name: String,
    pub place: String,
}

/// The province a unit's name ends with ("Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc" → "Vĩnh Phúc").
pub fn province_of(name: &str) -> &str {
    name.rsplit_once(" tỉnh ").map_or("", |(_, province)| province)
}

/// The emulation council of an office, as its documents and minutes name it.
pub fn council_name(office_name: &str) -> String {
    format!("Hội đồng Thi đua - Khen thưởng {office_name}")
}

impl Office {
    /// A unit's office from its name and the name of the unit above it: a department at the top of the tree has
    /// the province's people's committee above it, and documents are dated in the province either name gives.
    pub fn new(name: String, parent: String) -> Office {
        let parent = match (parent.is_empty(), province_of(&name)) {
            (true, province) if !province.is_empty() => format!("Ủy ban nhân dân tỉnh {province}"),
            _ => parent,
        };
        let place = [province_of(&name), province_of(&parent)].into_iter().find(|p| !p.is_empty()).unwrap_or("");
        Office { place: place.to_owned(), parent, name }
    }
}

/// A person as section I of the individual report (Mẫu 03) presents them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    pub full_name: String,
    pub birth_date: String,
    pub gender: String,
    pub hometown: String,
    pub position: String,
    pub qualification: String,
}

/// What the achievement report is made from: the nomination and the nominee's record.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportSource {
    pub unit: Office,
    pub nominee_kind: NomineeKind,
    /// For a person; a collective is presented by its unit's profile text.
    pub profile: Option<Profile>,
    pub nominee_name: String,
    pub title: String,
    pub year: i32,
    pub summary: String,
    pub section_profile: String,
    pub section_achievements: String,
    pub initiatives: Vec<Initiative>,
    /// Every award on record: the report keeps those of the window its title looks back over.
    pub awards: Vec<AwardEntry>,
    pub draft: bool,
}

/// The achievement report (Mẫu 03 for a person, Mẫu 02 for a collective), one award per report: sections I–III,
/// section III's two tables holding the awards of the years the title looks back over
/// (`RuleBook::report_years`), split into emulation titles and forms of commendation by the catalog.
pub fn achievement_report(book: &RuleBook, source: &ReportSource) -> Document {
    let title_name = book.title_name(&source.title).to_owned();
    let person = source.nominee_kind == NomineeKind::Person;
    let form = if person { "bao-cao-ca-nhan" } else { "bao-cao-tap-the" };
    let fills = vec![
        ("title", title_name.clone()),
        ("year", source.year.to_string()),
        ("date", String::new()),
        ("place", source.unit.place.clone()),
        ("council", String::new()),
    ];
    let w = Wording::new(book, form, book.regime_for_year(source.year), fills);
    let mut blocks = Vec::new();
    if person {
        blocks.push(Block::Heading(w.text("heading.profile", "I. SƠ LƯỢC LÝ LỊCH")));
        if let Some(p) = &source.profile {
            let lines = [
                ("Họ và tên", &p.full_name),
                ("Sinh ngày, tháng, năm", &p.birth_date),
                ("Giới tính", &p.gender),
                ("Quê quán", &p.hometown),
                ("Đơn vị công tác", &source.unit.name),
                ("Chức vụ (Đảng, chính quyền, đoàn thể)", &p.position),
                ("Trình độ chuyên môn, nghiệp vụ", &p.qualification),
            ];
            for (label, value) in lines {
                blocks.push(Block::Text(format!("- {label}: {value}")));
            }
        }
    } else {
        blocks.push(Block::Heading(w.text("heading.profile", "I. SƠ LƯỢC ĐẶC ĐIỂM, TÌNH HÌNH")));
    }
    if !source.section_profile.trim().is_empty() {
        blocks.push(Block::Text(source.section_profile.trim().to_owned()));
    }
    blocks.push(Block::Heading(w.text("heading.achievements", "II. THÀNH TÍCH ĐẠT ĐƯỢC")));
    for text in [&source.summary, &source.section_achievements] {
        if !text.trim().is_empty() {
            blocks.push(Block::Text(text.trim().to_owned()));
        }
    }
    if !source.initiatives.is_empty() {
        blocks.push(Block::Text("Sáng kiến, đề tài đã được công nhận:".into()));
        let rows = source
            .initiatives
            .iter()
            .enumerate()
            .map(|(i, s)| {
                vec![(i + 1).to_string(), s.name.clone(), s.number.clone(), s.year.to_string(), s.scope.label().into()]
            })
            .collect();
        blocks.push(table(
            &[("STT", 1), ("Tên sáng kiến, đề tài", 4), ("Số công nhận", 2), ("Năm", 1), ("Phạm vi", 2)],
            rows,
        ));
    }
    blocks.push(Block::Heading(w.text("heading.awards", "III. CÁC HÌNH THỨC ĐÃ ĐƯỢC KHEN THƯỞNG")));
    let since = book.report_years(&source.title).map(|years| source.year - i32::try_from(years).unwrap_or(0) + 1);
    let index = book.index();
    // The award this report asks for, once decided, is the report's outcome, not part of its history.
    let this_award = |a: &AwardEntry| {
        a.year == source.year && index.resolve(&a.title).is_some_and(|t| book.title(&source.title) == Some(t))
    };
    let mut awards: Vec<&AwardEntry> = source
        .awards
        .iter()
        .filter(|a| since.is_none_or(|from| a.year >= from) && a.year <= source.year && !this_award(a))
        .collect();
    awards.sort_by_key(|a| a.year);
    let row = |a: &AwardEntry| {
        let decision = [a.decision_number.as_str(), a.decision_date.as_str(), a.issuer.as_str()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        vec![a.year.to_string(), a.title.clone(), decision]
    };
    let kind_of = |a: &AwardEntry| index.resolve(&a.title).map(|t| t.kind);
    let titles: Vec<Vec<String>> =
        awards.iter().filter(|a| kind_of(a) == Some(TitleKind::DanhHieu)).map(|a| row(a)).collect();
    let forms: Vec<Vec<String>> =
        awards.iter().filter(|a| kind_of(a) != Some(TitleKind::DanhHieu)).map(|a| row(a)).collect();
    if let Some(from) = since {
        blocks.push(Block::Text(format!("(Từ năm {from} đến năm {})", source.year)));
    }
    blocks.push(Block::Text("1. Danh hiệu thi đua".into()));
    blocks.push(table(
        &[
            ("Năm", 1),
            ("Danh hiệu thi đua", 4),
            ("Số, ngày, tháng, năm của quyết định công nhận danh hiệu thi đua; cơ quan ban hành quyết định", 5),
        ],
        titles,
    ));
    blocks.push(Block::Text("2. Hình thức khen thưởng".into()));
    blocks.push(table(
        &[
            ("Năm", 1),
            ("Hình thức khen thưởng", 4),
            ("Số, ngày, tháng, năm của quyết định khen thưởng; cơ quan ban hành quyết định", 5),
        ],
        forms,
    ));
    let reporter = if person { "NGƯỜI BÁO CÁO THÀNH TÍCH" } else { "THỦ TRƯỞNG ĐƠN VỊ" };
    w.apply(Document {
        file_name: format!("bao-cao-thanh-tich-{}-{}", file_slug(&source.nominee_name), source.year),
        letterhead: Letterhead {
            parent: caps(&source.unit.parent),
            issuer: caps(&source.unit.name),
            number: String::new(),
            place_date: place_date(&source.unit.place, None, source.year + 1),
        },
        kind: "BÁO CÁO THÀNH TÍCH".into(),
        summary: format!("Đề nghị tặng {title_name} năm {}", source.year),
        draft: source.draft,
        landscape: false,
        blocks,
        signatures: vec![
            Signature {
                role: "THỦ TRƯỞNG CẤP TRÌNH XÁC NHẬN, ĐỀ NGHỊ".into(),
                note: "(Ký, đóng dấu)".into(),
                name: String::new(),
            },
            Signature {
                role: reporter.into(),
                note: "(Ký, ghi rõ họ và tên)".into(),
                name: source.nominee_name.clone(),
            },
        ],
        recipients: Vec::new(),
    })
}

/// The members who confirmed the minutes, as the signature blocks name them: chair, then secretary.
fn session_signatures(session: &CouncilSession) -> Vec<Signature> {
    vec![
        Signature {
            role: "CHỦ TRÌ".into(),
            note: "(Ký, ghi rõ họ và tên)".into(),
            name: session.chair().map(|m| m.name.clone()).unwrap_or_default(),
        },
        Signature {
            role: "THƯ KÝ".into(),
            note: "(Ký, ghi rõ họ và tên)".into(),
            name: session.member_in(crate::council::CouncilRole::ThuKy).map(|m| m.name.clone()).unwrap_or_default(),
        },
    ]
}

/// The wording of a session's `form`: the regime of the session's day, and its date, place and council.
fn session_wording<'a>(
    book: &'a RuleBook,
    form: &str,
    office: &Office,
    council_name: &str,
    session: &CouncilSession,
) -> Wording<'a> {
    let year = session.candidates.first().map_or(session.held_on.year(), |c| c.year);
    let fills = vec![
        ("title", String::new()),
        ("year", year.to_string()),
        ("date", format_date(session.held_on)),
        ("place", office.place.clone()),
        ("council", council_name.to_owned()),
    ];
    Wording::new(book, form, book.regime_on(session.held_on), fills)
}

fn session_letterhead(office: &Office, council_name: &str, session: &CouncilSession) -> Letterhead {
    Letterhead {
        parent: caps(&office.name),
        issuer: caps(council_name),
        number: String::new(),
        place_date: place_date(&office.place, Some(session.held_on), session.held_on.year()),
    }
}

/// The ballot sheet (phiếu bầu) of a session: every candidate with a box for each choice, and no voter's name.
pub fn ballot_sheet(book: &RuleBook, office: &Office, council_name: &str, session: &CouncilSession) -> Document {
    let w = session_wording(book, "phieu-bau", office, council_name, session);
    let rows = session
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            vec![
                (i + 1).to_string(),
                format!("{} ({})", c.nominee_name, c.unit_name),
                c.title_name.clone(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    w.apply(Document {
        file_name: format!("phieu-bau-{}", session.held_on),
        letterhead: session_letterhead(office, council_name, session),
        kind: "PHIẾU BẦU".into(),
        summary: format!("Đề nghị khen thưởng, phiên họp ngày {}", format_date(session.held_on)),
        draft: false,
        landscape: false,
        blocks: vec![
            Block::Text(w.text("instructions", "Đánh dấu (x) vào một trong hai ô \"Đồng ý\" hoặc \"Không đồng ý\" của mỗi người, tập thể được đề nghị. Phiếu đánh dấu cả hai ô, hoặc không đánh dấu ô nào, là phiếu không hợp lệ đối với người, tập thể đó.")),
            table(&[("STT", 1), ("Họ và tên, đơn vị", 4), ("Danh hiệu, hình thức đề nghị", 3), ("Đồng ý", 1), ("Không đồng ý", 1)], rows),
        ],
        signatures: Vec::new(),
        recipients: Vec::new(),
    })
}

/// The counting committee's minutes (biên bản kiểm phiếu): each candidate's count and result under its rule.
pub fn count_minutes(book: &RuleBook, office: &Office, council_name: &str, session: &CouncilSession) -> Document {
    let w = session_wording(book, "kiem-phieu", office, council_name, session);
    let attendance = session.attendance();
    let rows = session
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let tally = c.tally.unwrap_or_default();
            let result = c.result.as_ref().map_or("Chưa kiểm phiếu".to_owned(), |r| r.describe());
            vec![
                (i + 1).to_string(),
                format!("{} ({})", c.nominee_name, c.unit_name),
                c.title_name.clone(),
                tally.issued.to_string(),
                tally.returned.to_string(),
                tally.valid.to_string(),
                tally.invalid.to_string(),
                tally.yes.to_string(),
                tally.no.to_string(),
                format!("{}/{}", tally.written_yes, tally.written_no),
                result,
            ]
        })
        .collect();
    w.apply(Document {
        file_name: format!("bien-ban-kiem-phieu-{}", session.held_on),
        letterhead: session_letterhead(office, council_name, session),
        kind: "BIÊN BẢN KIỂM PHIẾU".into(),
        summary: format!("Phiên họp ngày {} tại {}", format_date(session.held_on), session.place),
        draft: !session.locked(),
        landscape: true,
        blocks: vec![
            Block::Text(format!(
                "Tổng số thành viên Hội đồng: {}; có mặt: {}; vắng, biểu quyết bằng văn bản: {}.",
                attendance.members, attendance.present, attendance.written
            )),
            Block::Text("Ban kiểm phiếu đã kiểm phiếu và xác định kết quả như sau:".into()),
            table(
                &[
                    ("STT", 1),
                    ("Họ và tên, đơn vị", 3),
                    ("Danh hiệu, hình thức", 2),
                    ("Phát ra", 1),
                    ("Thu về", 1),
                    ("Hợp lệ", 1),
                    ("Không hợp lệ", 1),
                    ("Đồng ý", 1),
                    ("Không đồng ý", 1),
                    ("Văn bản: đồng ý/không", 1),
                    ("Kết quả", 3),
                ],
                rows,
            ),
        ],
        signatures: vec![Signature {
            role: "TRƯỞNG BAN KIỂM PHIẾU".into(),
            note: "(Ký, ghi rõ họ và tên)".into(),
            name: String::new(),
        }],
        recipients: Vec::new(),
    })
}

/// The session's minutes (biên bản họp Hội đồng), from the text the session makes, signed by the chair and the
/// secretary.
pub fn council_minutes(book: &RuleBook, office: &Office, council_name: &str, session: &CouncilSession) -> Document {
    let w = session_wording(book, "bien-ban", office, council_name, session);
    let text = session.minutes(council_name);
    // The minutes' own first lines are the Quốc hiệu and the title, which the header carries.
    let body: Vec<Block> = text
        .lines()
        .skip_while(|line| !line.starts_with("Thời gian"))
        .filter(|line| !line.trim().is_empty())
        .map(|line| Block::Text(line.trim_start().to_owned()))
        .collect();
    w.apply(Document {
        file_name: format!("bien-ban-hop-hoi-dong-{}", session.held_on),
        letterhead: session_letterhead(office, council_name, session),
        kind: "BIÊN BẢN".into(),
        summary: format!("Họp {council_name}"),
        draft: !session.locked(),
        landscape: false,
        blocks: body,
        signatures: session_signatures(session),
        recipients: Vec::new(),
    })
}

/// The submission (tờ trình) of a session's passed candidates to the authority that decides, with its list,
/// grouped I. Tập thể, II. Cá nhân.
pub fn submission(book: &RuleBook, office: &Office, council_name: &str, session: &CouncilSession) -> Document {
    let w = session_wording(book, "to-trinh", office, council_name, session);
    let addressee = w.text("addressee", "Chủ tịch Ủy ban nhân dân tỉnh {place}");
    let (collectives, people): (Vec<&Candidate>, Vec<&Candidate>) = session
        .candidates
        .iter()
        .filter(|c| c.result.as_ref().is_some_and(|r| r.passed))
        .partition(|c| c.nominee_kind == NomineeKind::Collective);
    let mut rows = Vec::new();
    for (heading, group) in [("I. TẬP THỂ", &collectives), ("II. CÁ NHÂN", &people)] {
        rows.push(vec![String::new(), heading.to_owned(), String::new(), String::new(), String::new()]);
        for (i, c) in group.iter().enumerate() {
            rows.push(vec![
                (i + 1).to_string(),
                format!("{}, {}", c.nominee_name, c.unit_name),
                c.summary.clone(),
                c.title_name.clone(),
                c.result.as_ref().map(|r| r.describe()).unwrap_or_default(),
            ]);
        }
    }
    let year = session.candidates.first().map_or(session.held_on.year(), |c| c.year);
    let mut blocks = vec![Block::Centered(format!("Kính gửi: {addressee}"))];
    let basis = w.lines("basis", "Căn cứ {regime};\nCăn cứ Biên bản họp {council} ngày {date};");
    blocks.extend(basis.into_iter().map(Block::Text));
    blocks.extend([
        Block::Text(format!(
            "{} kính trình {addressee} xem xét, khen thưởng cho {} tập thể và {} cá nhân đã có thành tích xuất sắc (có danh sách kèm theo).",
            office.name,
            collectives.len(),
            people.len()
        )),
        Block::Centered("DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG".into()),
        table(
            &[
                ("STT", 1),
                ("Tên tập thể; họ và tên, chức vụ, đơn vị", 3),
                ("Tóm tắt thành tích", 4),
                ("Hình thức đề nghị", 2),
                ("Ghi chú", 2),
            ],
            rows,
        ),
    ]);
    w.apply(Document {
        file_name: format!("to-trinh-{}", session.held_on),
        letterhead: Letterhead {
            parent: caps(&office.parent),
            issuer: caps(&office.name),
            number: "Số:        /TTr".into(),
            place_date: place_date(&office.place, None, session.held_on.year()),
        },
        kind: "TỜ TRÌNH".into(),
        summary: format!("Về việc đề nghị khen thưởng thành tích năm {year}"),
        draft: !session.locked(),
        landscape: false,
        blocks,
        signatures: vec![Signature {
            role: "THỦ TRƯỞNG CƠ QUAN".into(),
            note: "(Ký, đóng dấu)".into(),
            name: String::new(),
        }],
        recipients: vec!["Như trên;".into(), "Lưu: VT, TĐKT.".into()],
    })
}

/// The award decision with its list and amounts. A draft carries no number and is marked "DỰ THẢO".
pub fn decision(book: &RuleBook, office: &Office, decision: &Decision, session_held_on: NaiveDate) -> Document {
    // "Chủ tịch Ủy ban nhân dân tỉnh Vĩnh Phúc" signs for "Ủy ban nhân dân tỉnh Vĩnh Phúc".
    let body = ["Chủ tịch ", "Giám đốc ", "Bộ trưởng ", "Thủ tướng "]
        .iter()
        .find_map(|p| decision.issuer.strip_prefix(p))
        .unwrap_or(&decision.issuer);
    let number = match &decision.number {
        Some(n) => format!("Số: {n}"),
        None => format!("Số:        /{}", decision.register),
    };
    let fills = vec![
        ("title", decision.recipients.first().map(|r| r.title_name.clone()).unwrap_or_default()),
        ("year", decision.decided_on.year().to_string()),
        ("date", format_date(session_held_on)),
        ("place", office.place.clone()),
        ("council", council_name(&office.name)),
    ];
    let w = Wording::new(book, "quyet-dinh", book.regime_on(decision.decided_on), fills);
    let people = decision.recipients.iter().filter(|r| r.recipient != Recipient::Collective).count();
    let collectives = decision.recipients.len() - people;
    let mut rows: Vec<Vec<String>> = decision
        .recipients
        .iter()
        .enumerate()
        .map(|(i, r)| {
            vec![
                (i + 1).to_string(),
                format!("{}, {}", r.name, r.unit_name),
                r.title_name.clone(),
                r.achievement.clone(),
                r.amount.as_ref().map(|a| dong(a.amount)).unwrap_or_else(|| "Chưa có mức".into()),
            ]
        })
        .collect();
    rows.push(vec![String::new(), "Tổng cộng".into(), String::new(), String::new(), dong(decision.total())]);
    let amends = decision.amends.as_ref().map(|id| format!("Quyết định này sửa đổi quyết định {id}.")).into_iter();
    let mut blocks = vec![Block::Centered(caps(&decision.issuer))];
    let basis = w.lines("basis", "Căn cứ {regime};\nCăn cứ Biên bản họp {council} ngày {date};");
    blocks.extend(basis.into_iter().map(Block::Text));
    blocks.extend([
        Block::Text(format!("Theo đề nghị của {}.", office.name)),
        Block::Centered("QUYẾT ĐỊNH:".into()),
        Block::Text(format!(
            "Điều 1. {} cho {} đã có thành tích xuất sắc (có danh sách kèm theo).",
            sentence_case(decision.summary.trim_start_matches("Về việc ").trim()),
            [(people, "cá nhân"), (collectives, "tập thể")]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, what)| format!("{n} {what}"))
                .collect::<Vec<_>>()
                .join(" và ")
        )),
        Block::Text(format!(
            "Điều 2. Tiền thưởng theo quy định, tổng cộng {}, chi từ Quỹ thi đua, khen thưởng.",
            dong(decision.total())
        )),
        Block::Text(format!(
            "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Thủ trưởng {}, các đơn vị và cá nhân có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
            office.name
        )),
    ]);
    blocks.extend(amends.map(Block::Text));
    blocks.push(Block::Centered(format!(
        "DANH SÁCH KHEN THƯỞNG (Kèm theo Quyết định {})",
        number.trim_start_matches("Số: ")
    )));
    blocks.push(table(
        &[("STT", 1), ("Họ và tên, đơn vị", 3), ("Danh hiệu, hình thức", 2), ("Thành tích", 3), ("Tiền thưởng", 2)],
        rows,
    ));
    w.apply(Document {
        file_name: format!("quyet-dinh-{}", file_slug(decision.number.as_deref().unwrap_or("du-thao"))),
        letterhead: Letterhead {
            parent: String::new(),
            issuer: caps(body),
            number,
            place_date: place_date(&office.place, Some(decision.decided_on), decision.decided_on.year()),
        },
        kind: "QUYẾT ĐỊNH".into(),
        summary: decision.summary.clone(),
        draft: !decision.issued(),
        landscape: false,
        blocks,
        signatures: vec![Signature {
            role: caps(&decision.signer_position),
            note: String::new(),
            name: decision.signer.clone(),
        }],
        recipients: vec!["Như Điều 3;".into(), "Lưu: VT, TĐKT.".into()],
    })
}

/// A value in a list: typed, so a spreadsheet sorts and sums it as what it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Cell {
    Text(String),
    Number(f64),
    Date(NaiveDate),
    Empty,
}

/// One list the office exports: a sheet with a header row of column names and typed rows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_as_the_decree_says() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(place_date("Vĩnh Phúc", d(2026, 12, 15), 2026), "Vĩnh Phúc, ngày 15 tháng 12 năm 2026");
        assert_eq!(place_date("Vĩnh Phúc", d(2027, 2, 5), 2027), "Vĩnh Phúc, ngày 05 tháng 02 năm 2027");
        assert_eq!(place_date("Vĩnh Phúc", d(2026, 3, 9), 2026), "Vĩnh Phúc, ngày 09 tháng 3 năm 2026");
        assert_eq!(place_date("Phú Thọ", None, 2027), "Phú Thọ, ngày      tháng      năm 2027");
    }

    #[test]
    fn a_report_lists_the_awards_of_its_window_split_into_titles_and_forms() {
        let book = RuleBook::default_book().unwrap();
        let award = |year, title: &str| AwardEntry {
            year,
            title: title.into(),
            decision_number: format!("{year}/QĐ"),
            ..AwardEntry::default()
        };
        let source = ReportSource {
            unit: Office { parent: "Sở".into(), name: "Trung tâm".into(), place: "Vĩnh Phúc".into() },
            nominee_kind: NomineeKind::Person,
            profile: Some(Profile { full_name: "Đỗ Thị Hoa".into(), ..Profile::default() }),
            nominee_name: "Đỗ Thị Hoa".into(),
            title: "cstd-bo-tinh".into(),
            year: 2026,
            summary: "Tóm tắt".into(),
            section_profile: String::new(),
            section_achievements: String::new(),
            initiatives: Vec::new(),
            awards: vec![
                award(2022, "Chiến sĩ thi đua cơ sở"),
                award(2024, "CSTĐCS"),
                award(2025, "Bằng khen của Bộ, ban, ngành, tỉnh"),
                award(2026, "Chiến sĩ thi đua Bộ, ban, ngành, tỉnh"),
            ],
            draft: false,
        };
        let report = achievement_report(&book, &source);
        let tables: Vec<&Vec<Vec<String>>> = report
            .blocks
            .iter()
            .filter_map(|b| match b {
                Block::Table { rows, .. } => Some(rows),
                _ => None,
            })
            .collect();
        let years = |rows: &Vec<Vec<String>>| rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>();
        assert_eq!(years(tables[0]), ["2024"], "titles of 2024–2026, without the one this report asks for");
        assert_eq!(years(tables[1]), ["2025"], "forms of commendation");
        assert_eq!(report.summary, "Đề nghị tặng Chiến sĩ thi đua Bộ, ban, ngành, tỉnh năm 2026");
        assert!(report.blocks.contains(&Block::Text("- Họ và tên: Đỗ Thị Hoa".into())));
    }

    #[test]
    fn a_form_s_wording_is_the_rulebook_s_for_its_regime() {
        let mut book = RuleBook::default_book().unwrap();
        let source = |year| ReportSource {
            unit: Office::new("Trung tâm VH-TT-TT huyện Tam Dương".into(), "Sở TT&TT tỉnh Vĩnh Phúc".into()),
            nominee_kind: NomineeKind::Person,
            profile: None,
            nominee_name: "Lan".into(),
            title: "cstdcs".into(),
            year,
            summary: String::new(),
            section_profile: String::new(),
            section_achievements: String::new(),
            initiatives: Vec::new(),
            awards: Vec::new(),
            draft: false,
        };
        // After the provinces merged, the header names the new province; a new decree renames section I.
        let current = book
            .forms
            .iter_mut()
            .find(|f| f.form == "bao-cao-ca-nhan" && f.regimes.contains(&"luat-2022-nd152".to_string()))
            .unwrap();
        current.texts.insert("letterhead.parent".into(), "UBND TỈNH PHÚ THỌ".into());
        current.texts.insert("heading.profile".into(), "I. THÔNG TIN CÁ NHÂN ({year})".into());
        let report = achievement_report(&book, &source(2026));
        assert_eq!(report.letterhead.parent, "UBND TỈNH PHÚ THỌ");
        assert_eq!(report.blocks[0], Block::Heading("I. THÔNG TIN CÁ NHÂN (2026)".into()));
        assert_eq!(report.summary, "Đề nghị tặng Chiến sĩ thi đua cơ sở năm 2026");
        // A report of 2023 keeps the old regime's form, and the header of its own unit.
        let old = achievement_report(&book, &source(2023));
        assert_eq!(old.letterhead.parent, "SỞ TT&TT TỈNH VĨNH PHÚC");
        assert_eq!(old.blocks[0], Block::Heading("I. SƠ LƯỢC LÝ LỊCH".into()));
        let shipped = RuleBook::default_book().unwrap();
        assert!(book.problems(&shipped).is_empty(), "{:?}", book.problems(&shipped));
        book.forms[0].texts.insert("heading.khac".into(), "x".into());
        book.forms[1].form = "mau-khac".into();
        let at: Vec<String> = book.problems(&shipped).into_iter().map(|p| p.at).collect();
        assert!(
            at.contains(&"forms[0].texts.heading.khac".to_string()) && at.contains(&"forms[1].form".to_string()),
            "{at:?}"
        );
    }

    #[test]
    fn file_names_drop_every_tone_mark() {
        assert_eq!(file_slug("Đỗ Thị Hoa"), "do-thi-hoa");
        assert_eq!(file_slug("Nguyễn Ngọc Ánh Tuyết, Hữu Ước Ỷ Ỵ"), "nguyen-ngoc-anh-tuyet-huu-uoc-y-y");
        assert_eq!(file_slug("1/QĐ-UBND"), "1-qd-ubnd");
    }
}
