//! A document as one self-contained HTML file: inline CSS, printable on A4 (`@page`), readable
//! on a phone (tables scroll sideways rather than squeeze).

use super::cell::html as h;
use super::{Block, Doc};

const STYLE: &str = "\
@page { size: A4; margin: 2.5cm 2cm; }
body { font-family: 'FangSong', '仿宋_GB2312', '仿宋', 'STFangsong', serif; font-size: 16pt; line-height: 1.6; \
max-width: 48em; margin: 1em auto; padding: 0 1em; }
h1 { font-family: '方正小标宋简体', 'SimSun', '宋体', serif; font-size: 22pt; text-align: center; font-weight: normal; }
h2 { font-family: 'SimHei', '黑体', sans-serif; font-size: 16pt; font-weight: normal; margin: 1em 0 0.3em; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 12pt; }
th, td { border: 1px solid #000; padding: 0.2em 0.4em; vertical-align: top; }
th { font-family: 'SimHei', '黑体', sans-serif; font-weight: normal; }
.right { text-align: right; }
figure { margin: 1em 0; text-align: center; break-inside: avoid; }
figure img { max-width: 100%; max-height: 20cm; image-orientation: from-image; }
figcaption { font-size: 12pt; }
hr.page { border: none; border-top: 1px dashed #999; margin: 2em 0; break-after: page; }
@media print { body { max-width: none; margin: 0; padding: 0; } .table { overflow: visible; } }
";

pub fn render(doc: &Doc) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<h1>{title}</h1>\n",
        title = h(&doc.title)
    );
    for block in &doc.blocks {
        match block {
            Block::Heading(text) => out.push_str(&format!("<h2>{}</h2>\n", h(text))),
            Block::Para(text) => out.push_str(&format!("<p>{}</p>\n", h(text))),
            Block::Table(t) => {
                out.push_str("<div class=\"table\"><table>\n<thead><tr>");
                for head in &t.header {
                    out.push_str(&format!("<th>{}</th>", h(head)));
                }
                out.push_str("</tr></thead>\n<tbody>\n");
                for row in &t.rows {
                    out.push_str("<tr>");
                    for c in row {
                        out.push_str(&format!("<td>{}</td>", h(&c.text())));
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody></table></div>\n");
            }
            Block::PageBreak => out.push_str("<hr class=\"page\">\n"),
            Block::Figure(f) => figure(&mut out, f),
            Block::Right(lines) => {
                let lines: Vec<String> = lines.iter().map(|l| h(l)).collect();
                out.push_str(&format!("<p class=\"right\">{}</p>\n", lines.join("<br>")));
            }
        }
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A photo inlined (browsers turn it upright by its EXIF orientation), or a scan named. The
/// photo's base64 is written straight into the page: ten phone photos are 50 MB of it.
fn figure(out: &mut String, f: &super::figures::Figure) {
    use super::figures::Shown;
    use base64::Engine;
    let caption = h(&f.caption);
    match &f.shown {
        Shown::Photo { bytes, picture } => {
            let mime = match picture.kind {
                super::picture::PictureKind::Jpeg => "image/jpeg",
                super::picture::PictureKind::Png => "image/png",
            };
            out.push_str(&format!("<figure><img alt=\"{caption}\" src=\"data:{mime};base64,"));
            base64::engine::general_purpose::STANDARD.encode_string(bytes, out);
            out.push_str(&format!("\"><figcaption>{caption}</figcaption></figure>\n"));
        }
        other => out.push_str(&format!("<p>{caption}{}</p>\n", super::markdown::figure_note(other))),
    }
}
