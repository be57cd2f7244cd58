//! The one path typed text takes into a document. `clean` keeps what a person can read (line
//! breaks and tabs become spaces only where a format cannot hold them) and drops control
//! characters; each format then escapes for itself: `html`, `markdown`, and `spreadsheet` for
//! XLSX and CSV, where a cell that starts like a formula (`=`, `+`, `-`, `@`, a tab or a
//! carriage return) is kept as text with a leading `'` (OWASP's advice for CSV injection).

/// `text` without control characters other than the line break; `\r\n` and `\r` become `\n`.
pub fn clean(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n").chars().filter(|c| *c == '\n' || !c.is_control()).collect()
}

/// For HTML text and attribute values.
pub fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    out
}

/// For Markdown: the characters that would start markup are escaped, and a table cell keeps
/// its line breaks as `<br>`.
pub fn markdown(text: &str, in_table: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut line_start = true;
    for c in clean(text).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '|' => {
                out.push('\\');
                out.push(c);
            }
            // A heading or a quote only where a line starts.
            '#' | '>' if line_start => {
                out.push('\\');
                out.push(c);
            }
            '\n' if in_table => out.push_str("<br>"),
            c => out.push(c),
        }
        line_start = c == '\n';
    }
    out
}

/// For a spreadsheet cell (XLSX, CSV): never a formula.
pub fn spreadsheet(text: &str) -> String {
    let text = clean(text);
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => format!("'{text}"),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_text_never_becomes_markup_or_a_formula() {
        assert_eq!(clean("叫号\u{1b}[31m屏\r\n坏了\u{7}"), "叫号[31m屏\n坏了");
        assert_eq!(html("<script>alert(1)</script>&\"'"), "&lt;script&gt;alert(1)&lt;/script&gt;&amp;&quot;&#39;");
        assert_eq!(markdown("| a | *b*", true), "\\| a \\| \\*b\\*");
        assert_eq!(markdown("# 标题 -> 下一步\n> 引用", false), "\\# 标题 -> 下一步\n\\> 引用");
        assert_eq!(spreadsheet("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(spreadsheet("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet("-1+1"), "'-1+1");
        assert_eq!(spreadsheet("窗口无人"), "窗口无人");
    }
}
