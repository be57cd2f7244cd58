//! A document's tables as a spreadsheet: XLSX for Excel and WPS (each table on a sheet of its
//! own, the title and its lines above the header, the header frozen and filtered, columns sized
//! for Chinese text, cells wrapped, dates as dates; written row by row, not held), CSV of the
//! first table for scripts (UTF-8 with a BOM, which Excel on Chinese Windows needs;
//! RFC 4180 quoting; the header and one row per record). Every text cell goes through
//! `cell::spreadsheet`: nothing typed becomes a formula.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};

use super::cell::spreadsheet;
use super::{Block, Cell, Doc, Table};

fn table(doc: &Doc) -> Result<&Table, String> {
    doc.tables().next().ok_or_else(|| "this document has no table to write as a sheet".to_string())
}

pub fn xlsx(doc: &Doc) -> Result<Vec<u8>, String> {
    table(doc)?;
    let fail = |e: rust_xlsxwriter::XlsxError| format!("cannot write the Excel file: {e}");
    let mut book = Workbook::new();
    // zlib's level 6 spent a quarter of a 100,000-row 台账 on deflate; level 3 is a few per cent
    // larger.
    book.set_zip_compression_level(3);
    // Each table on a sheet of its own, under the title and the lines that came before it.
    let mut lines: Vec<String> = Vec::new();
    for block in &doc.blocks {
        match block {
            Block::Table(t) => {
                let name = if t.name.is_empty() { &doc.title } else { &t.name };
                // A sheet name is at most 31 characters and has none of : \ / ? * [ ].
                let name: String = name.chars().filter(|c| !r"[]:*?/\".contains(*c)).take(31).collect();
                let sheet = book.add_worksheet_with_constant_memory().map_err(fail)?;
                sheet.set_name(if name.is_empty() { "Sheet1" } else { &name }).map_err(fail)?;
                write_sheet(sheet, &doc.title, &std::mem::take(&mut lines), t).map_err(fail)?;
            }
            Block::Para(p) | Block::Heading(p) => lines.push(p.clone()),
            Block::Right(r) => lines.push(r.join("  ")),
            Block::PageBreak => {}
            Block::Figure(f) => lines.push(f.caption.clone()),
        }
    }
    book.save_to_buffer().map_err(fail)
}

fn write_sheet(
    sheet: &mut rust_xlsxwriter::Worksheet,
    title: &str,
    lines: &[String],
    t: &Table,
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let title_format = Format::new().set_bold().set_font_size(16).set_align(FormatAlign::Center);
    let line = Format::new().set_text_wrap();
    let border = |f: Format| f.set_border(FormatBorder::Thin).set_text_wrap().set_align(FormatAlign::Top);
    let head = border(Format::new().set_bold().set_background_color("#EEEEEE"));
    let text = border(Format::new());
    let date = border(Format::new().set_num_format("yyyy-mm-dd"));
    let last_col = t.header.len().saturating_sub(1) as u16;
    for (col, w) in t.widths.iter().enumerate() {
        // Excel's width is in Latin characters; a Chinese one takes two.
        sheet.set_column_width(col as u16, f64::from(*w) * 2.0 + 1.0)?;
        // The cells below take their column's format: looked up once, not for each of a
        // hundred thousand rows (a cell's own format is found by hashing it).
        let dates = t.rows.iter().any(|r| matches!(r.get(col), Some(Cell::Date(_))));
        sheet.set_column_format(col as u16, if dates { &date } else { &text })?;
    }
    let mut row = 0u32;
    // Across the table's width (a merge needs two cells at least).
    let mut across = |row: u32, text: &str, format: &Format| {
        if last_col == 0 {
            sheet.write_string_with_format(row, 0, spreadsheet(text), format).map(|_| ())
        } else {
            sheet.merge_range(row, 0, row, last_col, &spreadsheet(text), format).map(|_| ())
        }
    };
    across(row, title, &title_format)?;
    for l in lines {
        row += 1;
        across(row, l, &line)?;
    }
    row += 1;
    let header_row = row;
    for (col, h) in t.header.iter().enumerate() {
        sheet.write_string_with_format(row, col as u16, spreadsheet(h), &head)?;
    }
    for cells in &t.rows {
        row += 1;
        for (col, c) in cells.iter().enumerate() {
            let col = col as u16;
            match c {
                Cell::Text(s) => sheet.write_string(row, col, spreadsheet(s)),
                Cell::Int(n) => sheet.write_number(row, col, *n as f64),
                Cell::Date(d) => sheet.write_datetime(row, col, d),
            }?;
        }
    }
    sheet.set_freeze_panes(header_row + 1, 0)?;
    sheet.autofilter(header_row, 0, row.max(header_row), last_col)?;
    Ok(())
}

pub fn csv(doc: &Doc) -> Result<Vec<u8>, String> {
    let t = table(doc)?;
    let fail = |e: csv::Error| format!("cannot write the CSV file: {e}");
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(&mut out);
        w.write_record(t.header.iter().map(|h| spreadsheet(h))).map_err(fail)?;
        for r in &t.rows {
            w.write_record(r.iter().map(|c| spreadsheet(&c.text()))).map_err(fail)?;
        }
        w.flush().map_err(|e| format!("cannot write the CSV file: {e}"))?;
    }
    Ok(out)
}
