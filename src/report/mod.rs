//! The documents the offices file, as they are (seed 003's 附件2 体验报告 and 附件3 问题整改清单):
//! built once as a `Doc` from what tiyan records (`session`, `rectification`), then written in
//! each format the offices open (`markdown`, `html`, `docx`, `sheet` for XLSX and CSV). Every
//! piece of typed text reaches a file through `cell`, so nothing a person typed can run as a
//! formula or as markup in the office's tools.

pub mod achievements;
pub mod build;
pub mod cell;
pub mod docx;
pub mod figures;
pub mod html;
pub mod markdown;
pub mod officers;
pub mod picture;
pub mod rectification;
pub mod reminders;
pub mod session;
pub mod sheet;

use chrono::NaiveDate;

/// A document: a title and what follows it, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub title: String,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section head (一、体验事项).
    Heading(String),
    /// A paragraph; its line breaks are kept.
    Para(String),
    Table(Table),
    /// Lines set to the right: the signature block, the date.
    Right(Vec<String>),
    /// What follows starts a new page (a letter per unit).
    PageBreak,
    /// An attachment: a photo set on the page with its caption, or a scan named.
    Figure(Box<figures::Figure>),
}

/// A table with borders; `widths` in characters (a CJK character is one), for the formats that
/// size columns.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// Its sheet's name in Excel ("": the document's title).
    pub name: String,
    pub header: Vec<String>,
    pub widths: Vec<u16>,
    pub rows: Vec<Vec<Cell>>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// A date: a real date in XLSX, `YYYY-MM-DD` elsewhere.
    Date(NaiveDate),
}

impl Cell {
    /// As text, for the formats that have only text.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(t) => t.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
        }
    }
}

impl Doc {
    /// The document's tables (the 整改清单 is one; a sheet or CSV holds the first).
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }
}

/// The formats a document is written in (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Docx,
    Html,
    Md,
    Xlsx,
    Csv,
}

impl Format {
    pub fn parse(text: &str) -> Option<Format> {
        Some(match text.trim().to_ascii_lowercase().as_str() {
            "docx" => Format::Docx,
            "html" => Format::Html,
            "md" => Format::Md,
            "xlsx" => Format::Xlsx,
            "csv" => Format::Csv,
            _ => return None,
        })
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Docx => "docx",
            Format::Html => "html",
            Format::Md => "md",
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
        }
    }

    /// The file's bytes in this format.
    pub fn render(self, doc: &Doc) -> Result<Vec<u8>, String> {
        match self {
            Format::Docx => docx::render(doc),
            Format::Html => Ok(html::render(doc).into_bytes()),
            Format::Md => Ok(markdown::render(doc).into_bytes()),
            Format::Xlsx => sheet::xlsx(doc),
            Format::Csv => sheet::csv(doc),
        }
    }
}

/// A file name for `parts` joined by `-` with `format`'s extension, safe on FAT: what FAT or
/// Windows refuse (`\ / : * ? " < > |`, control characters) becomes `_`, and it is kept under
/// 200 bytes (FAT's long names are 255 UTF-16 units).
pub fn file_name(parts: &[&str], format: Format) -> String {
    let joined = parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    let mut name: String =
        joined.chars().map(|c| if c.is_control() || r#"\/:*?"<>|"#.contains(c) { '_' } else { c }).collect();
    while name.len() > 200 {
        name.pop();
    }
    let name = name.trim_end_matches(['.', ' ']);
    format!("{name}.{}", format.extension())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_chinese_and_safe_on_fat() {
        assert_eq!(
            file_name(&["体验报告", "企业开办", "2026-11-30"], Format::Docx),
            "体验报告-企业开办-2026-11-30.docx"
        );
        assert_eq!(file_name(&["整改清单", "a/b:c*?", ""], Format::Xlsx), "整改清单-a_b_c__.xlsx");
        assert!(file_name(&[&"长".repeat(300)], Format::Csv).len() <= 205);
    }
}
