//! Problems found in a file we read (keymap, template, config), with the position they point at.

use std::fmt;
use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        })
    }
}

/// One problem in a file. `line` and `column` are 1-based (the column counts
/// characters); both are 0 when the problem concerns the whole file (it cannot be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub severity: Severity,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A problem about the whole file rather than a place in it.
    pub(crate) fn whole_file(file: &str, message: String) -> Problem {
        Problem { file: file.to_string(), line: 0, column: 0, message, severity: Severity::Error }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            write!(f, "{}: {}: {}", self.file, self.severity, self.message)
        } else {
            write!(f, "{}:{}:{}: {}: {}", self.file, self.line, self.column, self.severity, self.message)
        }
    }
}

/// Collects problems for one file, turning byte spans into line and column.
pub(crate) struct Report<'a> {
    file: &'a str,
    text: &'a str,
    pub(crate) problems: Vec<Problem>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Report<'a> {
        Report { file, text, problems: Vec::new() }
    }

    pub(crate) fn error(&mut self, span: Range<usize>, message: String) {
        self.push(span, message, Severity::Error);
    }

    pub(crate) fn warning(&mut self, span: Range<usize>, message: String) {
        self.push(span, message, Severity::Warning);
    }

    fn push(&mut self, span: Range<usize>, message: String, severity: Severity) {
        let (line, column) = line_column(self.text, span.start);
        self.problems.push(Problem { file: self.file.to_string(), line, column, message, severity });
    }

    pub(crate) fn text(&self) -> &str {
        self.text
    }

    /// The text a span covers as written (a key keeps its quotes), or "" if out of range.
    pub(crate) fn source(&self, span: Range<usize>) -> &str {
        self.text.get(span).unwrap_or("")
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.problems.iter().any(Problem::is_error)
    }

    /// The problems in file order.
    pub(crate) fn finish(mut self) -> Vec<Problem> {
        self.problems.sort_by_key(|problem| (problem.line, problem.column, problem.severity));
        self.problems
    }
}

/// 1-based line and character column of a byte offset; offsets past the end or inside a
/// character are clamped back to a character boundary.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
    let line = before.matches('\n').count() + 1;
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// What a TOML value is, for "must be a string, found an integer".
pub(crate) fn describe_value(value: &toml::de::DeValue) -> &'static str {
    use toml::de::DeValue;
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date-time",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_column_counts_characters_from_one() {
        let text = "ab\n体验 = 1\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, "ab\n体验".len()), (2, 3));
        assert_eq!(line_column(text, 4), (2, 1), "inside 体 clamps back");
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn display_has_position_unless_whole_file() {
        let mut report = Report::new("k.toml", "x\ny");
        report.error(2..3, "bad".into());
        let problems = report.finish();
        assert_eq!(problems[0].to_string(), "k.toml:2:1: error: bad");
        let whole = Problem::whole_file("k.toml", "cannot read".into());
        assert_eq!(whole.to_string(), "k.toml: error: cannot read");
    }
}
