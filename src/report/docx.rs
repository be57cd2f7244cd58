//! A document as Word (DOCX), set as Chinese offices set official papers: A4; the title in
//! 方正小标宋简体 二号, section heads in 黑体 三号, the text in 仿宋_GB2312 三号 (Word and WPS put
//! their own 仿宋 or 宋体 in place of a font the machine lacks), tables with borders in 小四,
//! the page number at the foot of each page; a table of eight columns (the 整改清单) on a page
//! turned sideways.

use docx_rs::{
    AlignmentType, Docx, Footer, PageMargin, PageNum, Paragraph, Run, RunFonts, Table, TableCell, TableRow, WidthType,
};

use super::cell::clean;
use super::{Block, Doc};

const TITLE_FONT: &str = "方正小标宋简体";
const HEAD_FONT: &str = "黑体";
const BODY_FONT: &str = "仿宋_GB2312";
/// Sizes in half-points: 二号 22 pt, 三号 16 pt, 小四 12 pt.
const TITLE_SIZE: usize = 44;
const BODY_SIZE: usize = 32;
const TABLE_SIZE: usize = 24;
/// The text width of A4 less 2.8 cm and 2.6 cm margins, in twips; turned (landscape), less
/// 3.7 cm and 3.5 cm.
const TEXT_WIDTH: usize = 8844;
const TEXT_WIDTH_TURNED: usize = 12756;
/// A table of more columns than this is set on a page turned sideways (the 整改清单's eight
/// columns, as offices print 附件3).
const PORTRAIT_COLUMNS: usize = 7;

fn fonts(name: &str) -> RunFonts {
    RunFonts::new().east_asia(name).ascii("Times New Roman").hi_ansi("Times New Roman")
}

/// A run of `text`, each line break a break in the run.
fn run(text: &str, font: &str, size: usize) -> Run {
    let mut run = Run::new().fonts(fonts(font)).size(size);
    for (i, line) in clean(text).split('\n').enumerate() {
        if i > 0 {
            run = run.add_break(docx_rs::BreakType::TextWrapping);
        }
        run = run.add_text(line);
    }
    run
}

pub fn render(doc: &Doc) -> Result<Vec<u8>, String> {
    let turned = doc.tables().any(|t| t.header.len() > PORTRAIT_COLUMNS);
    let text_width = if turned { TEXT_WIDTH_TURNED } else { TEXT_WIDTH };
    let docx = if turned {
        Docx::new()
            .page_size(16838, 11906)
            .page_orient(docx_rs::PageOrientationType::Landscape)
            .page_margin(PageMargin::new().top(1587).bottom(1474).left(2098).right(1984).header(851).footer(992))
    } else {
        // A4 (twips), margins of official papers: 3.7 cm top, 3.5 bottom, 2.8 left, 2.6 right.
        Docx::new()
            .page_size(11906, 16838)
            .page_margin(PageMargin::new().top(2098).bottom(1984).left(1587).right(1474).header(851).footer(992))
    };
    let mut docx = docx
        .default_fonts(fonts(BODY_FONT))
        .default_size(BODY_SIZE)
        .footer(Footer::new().add_paragraph(Paragraph::new().align(AlignmentType::Center).add_page_num(PageNum::new())))
        .add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(&doc.title, TITLE_FONT, TITLE_SIZE)));
    for block in &doc.blocks {
        docx = match block {
            Block::Heading(text) => docx.add_paragraph(Paragraph::new().add_run(run(text, HEAD_FONT, BODY_SIZE))),
            Block::Para(text) => docx.add_paragraph(Paragraph::new().add_run(run(text, BODY_FONT, BODY_SIZE))),
            Block::PageBreak => {
                docx.add_paragraph(Paragraph::new().add_run(Run::new().add_break(docx_rs::BreakType::Page)))
            }
            Block::Right(lines) => lines.iter().fold(docx, |d, line| {
                d.add_paragraph(Paragraph::new().align(AlignmentType::Right).add_run(run(line, BODY_FONT, BODY_SIZE)))
            }),
            Block::Figure(f) => figure(docx, f),
            Block::Table(t) => {
                let total: usize = t.widths.iter().map(|w| usize::from(*w)).sum::<usize>().max(1);
                let grid: Vec<usize> = t.widths.iter().map(|w| usize::from(*w) * text_width / total).collect();
                let cell = |text: &str, font: &str, width: usize| {
                    TableCell::new()
                        .width(width, WidthType::Dxa)
                        .add_paragraph(Paragraph::new().add_run(run(text, font, TABLE_SIZE)))
                };
                let mut rows =
                    vec![TableRow::new(t.header.iter().zip(&grid).map(|(h, w)| cell(h, HEAD_FONT, *w)).collect())];
                rows.extend(t.rows.iter().map(|r| {
                    TableRow::new(r.iter().zip(&grid).map(|(c, w)| cell(&c.text(), BODY_FONT, *w)).collect())
                }));
                // docx-rs draws single borders round every cell of a table by default.
                docx.add_table(Table::new(rows).set_grid(grid).width(text_width, WidthType::Dxa))
            }
        };
    }
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| format!("cannot write the Word file: {e}"))?;
    Ok(out.into_inner())
}

/// The box a photo is fitted into, in EMU (360,000 to the centimetre): the text's width less a
/// little, and short enough for two to a page.
const PHOTO_MAX_W: u32 = 14 * 360_000;
const PHOTO_MAX_H: u32 = 10 * 360_000;
/// EMU to a twip.
const EMU_PER_TWIP: u32 = 635;

/// A photo in a centred paragraph of its own, its caption below; a scan's caption alone.
///
/// Word shows a JPEG's pixels as stored, ignoring its EXIF orientation, so a photo taken with
/// the phone upright is turned here (`rot`): its frame keeps the stored shape, and the
/// paragraph is given room above and below for what the turn makes stand out of it.
fn figure(docx: Docx, f: &super::figures::Figure) -> Docx {
    use super::figures::{Shown, fitted};
    let caption = |docx: Docx, note: &str| {
        let text = format!("{}{note}", f.caption);
        docx.add_paragraph(Paragraph::new().align(AlignmentType::Center).add_run(run(&text, BODY_FONT, TABLE_SIZE)))
    };
    let Shown::Photo { bytes, picture } = &f.shown else {
        return caption(docx, super::markdown::figure_note(&f.shown));
    };
    let (w, h) = fitted(picture, PHOTO_MAX_W, PHOTO_MAX_H);
    let turn = picture.rotation();
    let (frame_w, frame_h) = if turn % 180 == 90 { (h, w) } else { (w, h) };
    let overhang = frame_w.saturating_sub(frame_h) / 2 / EMU_PER_TWIP;
    let pic = docx_rs::Pic::new_with_dimensions(bytes.clone(), picture.width, picture.height)
        .size(frame_w, frame_h)
        .rotate(turn);
    let spacing = docx_rs::LineSpacing::new().before(overhang).after(overhang);
    let para = Paragraph::new().align(AlignmentType::Center).line_spacing(spacing).add_run(Run::new().add_image(pic));
    caption(docx.add_paragraph(para), "")
}
