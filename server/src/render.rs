//! Renders the domain's documents as DOCX in the layout of NĐ 30/2020 (Điều 8, Phụ lục I): A4, margins of
//! 20 mm top and bottom, 30 mm left and 15 mm right, Times New Roman 14 pt, the issuer and the Quốc hiệu – Tiêu ngữ
//! in the header's two columns; and the office's lists and statistical returns as XLSX with typed cells, a
//! frozen header and filters. What goes into each document is decided in `domain::documents`; this is layout.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, PageMargin, PageOrientationType, Paragraph, Run, RunFonts, Table, TableCell, TableRow,
    WidthType,
};
use domain::documents::{Block, Cell, Document, Sheet};
use rust_xlsxwriter::{Color, ExcelDateTime, Format, FormatBorder, Workbook};

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("docx: {0}")]
    Docx(String),
    #[error("xlsx: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

pub const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
pub const XLSX_TYPE: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Twips (1/1440 inch) in a millimetre.
fn mm(millimetres: u32) -> i32 {
    (f64::from(millimetres) * 1440.0 / 25.4).round() as i32
}

/// A4's short and long sides, in twips.
const A4_SHORT: u32 = 11906;
const A4_LONG: u32 = 16838;

/// The page's width, and the width between its margins, in twips.
fn widths(doc: &Document) -> (u32, usize) {
    let page = if doc.landscape { A4_LONG } else { A4_SHORT };
    (page, usize::try_from(page as i32 - mm(30) - mm(15)).unwrap_or(9000))
}

/// Sizes in half-points: the body at 14 pt, the header's lines at 13 pt, tables and notes at 12 and 11 pt.
const BODY: usize = 28;
const HEADER: usize = 26;
const SMALL: usize = 24;
const NOTE: usize = 22;

fn run(text: &str, size: usize) -> Run {
    Run::new().add_text(text).size(size)
}

fn centered(text: &str, size: usize, bold: bool, italic: bool) -> Paragraph {
    let mut r = run(text, size);
    if bold {
        r = r.bold();
    }
    if italic {
        r = r.italic();
    }
    Paragraph::new().add_run(r).align(AlignmentType::Center)
}

fn cell(paragraphs: Vec<Paragraph>, width: usize) -> TableCell {
    paragraphs.into_iter().fold(TableCell::new(), TableCell::add_paragraph).width(width, WidthType::Dxa)
}

/// The header's two columns: the issuer with its number on the left, the Quốc hiệu, Tiêu ngữ and the place and
/// date on the right.
fn letterhead(doc: &Document, text_width: usize) -> Table {
    let (left, right) = (text_width * 2 / 5, text_width * 3 / 5);
    let head = &doc.letterhead;
    let mut issuer = Vec::new();
    if !head.parent.is_empty() {
        issuer.push(centered(&head.parent, HEADER, false, false));
    }
    issuer.push(centered(&head.issuer, HEADER, true, false));
    issuer.push(centered("———", HEADER, false, false));
    if !head.number.is_empty() {
        issuer.push(centered(&head.number, HEADER, false, false));
    }
    let nation = vec![
        centered("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", SMALL, true, false),
        centered("Độc lập - Tự do - Hạnh phúc", HEADER, true, false),
        centered("———————————", HEADER, false, false),
        centered(&head.place_date, HEADER, false, true),
    ];
    Table::without_borders(vec![TableRow::new(vec![cell(issuer, left), cell(nation, right)])])
        .set_grid(vec![left, right])
        .width(text_width, WidthType::Dxa)
}

fn table(columns: &[domain::documents::Column], rows: &[Vec<String>], text_width: usize) -> Table {
    let total: u32 = columns.iter().map(|c| c.width).sum::<u32>().max(1);
    let widths: Vec<usize> = columns.iter().map(|c| text_width * c.width as usize / total as usize).collect();
    let header = TableRow::new(
        columns.iter().zip(&widths).map(|(c, w)| cell(vec![centered(&c.label, SMALL, true, false)], *w)).collect(),
    );
    let body = rows.iter().map(|row| {
        TableRow::new(
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    let text = row.get(i).map(String::as_str).unwrap_or("");
                    cell(vec![Paragraph::new().add_run(run(text, SMALL))], *w)
                })
                .collect(),
        )
    });
    Table::new(std::iter::once(header).chain(body).collect()).set_grid(widths).width(text_width, WidthType::Dxa)
}

/// The signature blocks side by side, the last one on the right.
fn signatures(doc: &Document, text_width: usize) -> Option<Table> {
    if doc.signatures.is_empty() {
        return None;
    }
    let width = text_width / doc.signatures.len();
    let cells = doc
        .signatures
        .iter()
        .map(|s| {
            let mut lines = vec![centered(&s.role, SMALL, true, false)];
            if !s.note.is_empty() {
                lines.push(centered(&s.note, SMALL, false, true));
            }
            lines.extend((0..3).map(|_| Paragraph::new()));
            lines.push(centered(&s.name, BODY, true, false));
            cell(lines, width)
        })
        .collect();
    Some(Table::without_borders(vec![TableRow::new(cells)]).set_grid(vec![width; doc.signatures.len()]))
}

pub fn docx(doc: &Document) -> Result<Vec<u8>, RenderError> {
    let font = "Times New Roman";
    let (page_width, text_width) = widths(doc);
    let page_height = if doc.landscape { A4_SHORT } else { A4_LONG };
    let mut out = Docx::new()
        .page_size(page_width, page_height)
        .page_orient(if doc.landscape { PageOrientationType::Landscape } else { PageOrientationType::Portrait })
        .page_margin(PageMargin::new().top(mm(20)).bottom(mm(20)).left(mm(30)).right(mm(15)))
        .default_fonts(RunFonts::new().ascii(font).hi_ansi(font).cs(font).east_asia(font))
        .default_size(BODY);
    if doc.draft {
        out = out.add_paragraph(Paragraph::new().add_run(run("DỰ THẢO", BODY).bold()).align(AlignmentType::Right));
    }
    out = out.add_table(letterhead(doc, text_width));
    out = out.add_paragraph(Paragraph::new());
    out = out.add_paragraph(centered(&doc.kind, BODY, true, false));
    if !doc.summary.is_empty() {
        out = out.add_paragraph(centered(&doc.summary, BODY, true, false));
    }
    out = out.add_paragraph(Paragraph::new());
    for block in &doc.blocks {
        out = match block {
            Block::Heading(text) => out.add_paragraph(Paragraph::new().add_run(run(text, BODY).bold())),
            Block::Centered(text) => out.add_paragraph(centered(text, BODY, true, false)),
            Block::Text(text) => text.lines().fold(out, |out, line| {
                out.add_paragraph(Paragraph::new().add_run(run(line, BODY)).align(AlignmentType::Both))
            }),
            Block::Table { columns, rows } => {
                out.add_table(table(columns, rows, text_width)).add_paragraph(Paragraph::new())
            }
        };
    }
    out = out.add_paragraph(Paragraph::new());
    if let Some(signed) = signatures(doc, text_width) {
        out = out.add_table(signed);
    }
    if !doc.recipients.is_empty() {
        out = out.add_paragraph(Paragraph::new().add_run(run("Nơi nhận:", SMALL).bold().italic()));
        for recipient in &doc.recipients {
            out = out.add_paragraph(Paragraph::new().add_run(run(&format!("- {recipient}"), NOTE)));
        }
    }
    let mut bytes = Cursor::new(Vec::new());
    out.build().pack(&mut bytes).map_err(|e| RenderError::Docx(e.to_string()))?;
    Ok(bytes.into_inner())
}

pub fn xlsx(sheets: &[Sheet]) -> Result<Vec<u8>, RenderError> {
    let mut book = Workbook::new();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0x00F2_EEE3))
        .set_border(FormatBorder::Thin);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    // Long texts wrap inside their column, so a printed list shows them whole.
    let wrapped = Format::new().set_text_wrap().set_align(rust_xlsxwriter::FormatAlign::Top);
    for sheet in sheets {
        let page = book.add_worksheet();
        page.set_name(&sheet.name)?;
        for (c, name) in sheet.columns.iter().enumerate() {
            let longest = sheet.rows.iter().filter_map(|row| match row.get(c) {
                Some(Cell::Text(text)) => Some(text.chars().count()),
                _ => None,
            });
            let width = longest.chain([name.chars().count() / 2, 10]).max().unwrap_or(10).min(40);
            let c = u16::try_from(c).unwrap_or(u16::MAX);
            page.write_string_with_format(0, c, name, &header)?;
            page.set_column_width(c, width as f64 + 2.0)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, value) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(u16::MAX);
                match value {
                    Cell::Text(text) => {
                        page.write_string_with_format(r, c, text, &wrapped)?;
                    }
                    Cell::Number(n) => {
                        page.write_number(r, c, *n)?;
                    }
                    Cell::Date(d) => {
                        use chrono::Datelike;
                        let day = ExcelDateTime::from_ymd(
                            u16::try_from(d.year()).unwrap_or(1900),
                            u8::try_from(d.month()).unwrap_or(1),
                            u8::try_from(d.day()).unwrap_or(1),
                        )?;
                        page.write_datetime_with_format(r, c, &day, &date)?;
                    }
                    Cell::Empty => {}
                }
            }
        }
        // Printed on A4 across, as wide as one page.
        page.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
        page.set_freeze_panes(1, 0)?;
        let last_column = u16::try_from(sheet.columns.len().saturating_sub(1)).unwrap_or(0);
        page.autofilter(0, 0, u32::try_from(sheet.rows.len()).unwrap_or(0), last_column)?;
    }
    Ok(book.save_to_buffer()?)
}
