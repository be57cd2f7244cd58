//! A document as Markdown: for reading in a terminal or an editor, and for golden files.

use super::cell::markdown as md;
use super::{Block, Doc};

pub fn render(doc: &Doc) -> String {
    let mut out = format!("# {}\n", md(&doc.title, false));
    for block in &doc.blocks {
        out.push('\n');
        match block {
            Block::Heading(h) => out.push_str(&format!("## {}\n", md(h, false))),
            // A line break inside a paragraph: two spaces before it.
            Block::Para(p) => out.push_str(&format!("{}\n", md(p, false).replace('\n', "  \n"))),
            Block::Table(t) => {
                let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
                out.push_str(&row(t.header.iter().map(|h| md(h, true)).collect()));
                out.push_str(&row(t.header.iter().map(|_| "---".to_string()).collect()));
                for r in &t.rows {
                    out.push_str(&row(r.iter().map(|c| md(&c.text(), true)).collect()));
                }
            }
            Block::PageBreak => out.push_str("---\n"),
            // Text only: the photos are in the Word and HTML reports.
            Block::Figure(f) => out.push_str(&format!("{}{}\n", md(&f.caption, false), figure_note(&f.shown))),
            Block::Right(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| md(l, false)).collect();
                out.push_str(&format!("{}\n", lines.join("  \n")));
            }
        }
    }
    out
}

/// What a caption adds where the file itself is not shown.
pub fn figure_note(shown: &super::figures::Shown) -> &'static str {
    match shown {
        super::figures::Shown::Photo { .. } => "",
        super::figures::Shown::Scan => "（PDF 扫描件，随报告另附）",
        super::figures::Shown::Missing => "（文件不在本档案中）",
    }
}
