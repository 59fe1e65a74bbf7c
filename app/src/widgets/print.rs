//! A document of `domain::documents` as HTML for the browser to print on A4 (the print stylesheet shows only it):
//! the tablet prints the achievement report from what it holds, without network, with the content the server's
//! DOCX has.

use domain::documents::{Block, Document};
use leptos::prelude::*;

fn block(block: Block) -> AnyView {
    match block {
        Block::Heading(text) => view! { <h2>{text}</h2> }.into_any(),
        Block::Centered(text) => view! { <p class="strong center">{text}</p> }.into_any(),
        Block::Text(text) => {
            text.lines().map(str::to_owned).map(|line| view! { <p>{line}</p> }).collect_view().into_any()
        }
        Block::Table { columns, rows } => view! {
            <table class="print-table">
                <thead><tr>{columns.into_iter().map(|c| view! { <th>{c.label}</th> }).collect_view()}</tr></thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>{row.into_iter().map(|cell| view! { <td>{cell}</td> }).collect_view()}</tr>
                    }).collect_view()}
                </tbody>
            </table>
        }
        .into_any(),
    }
}

/// The document's text and tables without its letterhead and signatures: a dossier read on screen.
pub fn document_body(document: Document) -> impl IntoView {
    view! { <div class="document-body">{document.blocks.into_iter().map(block).collect_view()}</div> }
}

pub fn print_view(document: Document) -> impl IntoView {
    let head = document.letterhead;
    let optional = |text: String| (!text.is_empty()).then(|| view! { <div>{text}</div> });
    view! {
        <article class="print-view" id="print-view">
            {document.draft.then(|| view! { <p class="print-draft">"DỰ THẢO"</p> })}
            <table class="print-letterhead"><tr>
                <td>{optional(head.parent)}<div class="strong">{head.issuer}</div>{optional(head.number)}</td>
                <td>
                    <div class="strong">"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"</div>
                    <div class="strong">"Độc lập - Tự do - Hạnh phúc"</div>
                    <div class="italic">{head.place_date}</div>
                </td>
            </tr></table>
            <p class="print-kind strong center">{document.kind}</p>
            <p class="strong center">{document.summary}</p>
            {document.blocks.into_iter().map(block).collect_view()}
            <table class="print-signatures"><tr>
                {document.signatures.into_iter().map(|s| view! {
                    <td>
                        <div class="strong">{s.role}</div>
                        <div class="italic">{s.note}</div>
                        <div class="print-sign-space"></div>
                        <div class="strong">{s.name}</div>
                    </td>
                }).collect_view()}
            </tr></table>
        </article>
    }
}
