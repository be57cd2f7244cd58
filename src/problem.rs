//! Problems found in a file we read (keymap, template, config), with the position they point at.

use std::cell::OnceCell;
use std::collections::BinaryHeap;
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

/// At most this many problems of one file are reported, the first in file order; the rest are
/// counted in one last entry. A hostile file can hold millions, and nobody reads past the first.
pub const MAX_SHOWN: usize = 50;

/// One problem in a file. `line` and `column` are 1-based (the column counts
/// characters); both are 0 when the problem concerns the whole file (it cannot be read).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub severity: Severity,
    /// Set on the last entry of a capped list: the (errors, warnings) it stands for.
    omitted: Option<(usize, usize)>,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// A problem about the whole file rather than a place in it.
    pub(crate) fn whole_file(file: &str, message: String) -> Problem {
        Problem { file: file.to_string(), line: 0, column: 0, message, severity: Severity::Error, omitted: None }
    }

    /// For the entry that ends a capped list, the errors and warnings it stands for.
    pub fn omitted(&self) -> Option<(usize, usize)> {
        self.omitted
    }
}

/// Errors and warnings in all, counting those a capped list leaves out.
pub fn totals(problems: &[Problem]) -> (usize, usize) {
    problems.iter().fold((0, 0), |(errors, warnings), p| match (p.omitted, p.severity) {
        (Some((e, w)), _) => (errors + e, warnings + w),
        (None, Severity::Error) => (errors + 1, warnings),
        (None, Severity::Warning) => (errors, warnings + 1),
    })
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

/// A problem not yet placed: where it starts (a byte offset on a character boundary), in
/// which order it was reported, and what it says.
struct Pending {
    offset: usize,
    severity: Severity,
    order: usize,
    message: String,
}

impl Pending {
    fn key(&self) -> (usize, Severity, usize) {
        (self.offset, self.severity, self.order)
    }
}

impl PartialEq for Pending {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Pending {}

impl PartialOrd for Pending {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pending {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

/// Collects problems for one file, turning byte spans into line and column.
///
/// Linear in the file and the number of problems, whatever the file holds: only the first
/// [`MAX_SHOWN`] by position are kept (a bounded heap), the others are counted, and lines and
/// columns are worked out once at the end in one pass over the text. [`Report::line`] answers
/// from an index of line starts built on first use.
pub(crate) struct Report<'a> {
    file: &'a str,
    text: &'a str,
    /// The first problems by position so far; the greatest on top, to drop when a smaller one
    /// comes.
    kept: BinaryHeap<Pending>,
    errors: usize,
    warnings: usize,
    line_starts: OnceCell<Vec<usize>>,
}

impl<'a> Report<'a> {
    pub(crate) fn new(file: &'a str, text: &'a str) -> Report<'a> {
        Report { file, text, kept: BinaryHeap::new(), errors: 0, warnings: 0, line_starts: OnceCell::new() }
    }

    pub(crate) fn error(&mut self, span: Range<usize>, message: String) {
        self.push(span, message, Severity::Error);
    }

    pub(crate) fn warning(&mut self, span: Range<usize>, message: String) {
        self.push(span, message, Severity::Warning);
    }

    fn push(&mut self, span: Range<usize>, message: String, severity: Severity) {
        let order = self.errors + self.warnings;
        match severity {
            Severity::Error => self.errors += 1,
            Severity::Warning => self.warnings += 1,
        }
        let pending = Pending { offset: char_boundary(self.text, span.start), severity, order, message };
        if self.kept.len() < MAX_SHOWN {
            self.kept.push(pending);
        } else if self.kept.peek().is_some_and(|last| pending < *last) {
            self.kept.pop();
            self.kept.push(pending);
        }
    }

    /// The 1-based line of a byte offset, in O(log lines) once the index is built.
    pub(crate) fn line(&self, offset: usize) -> usize {
        let starts =
            self.line_starts.get_or_init(|| std::iter::once(0).chain(newlines(self.text).map(|at| at + 1)).collect());
        starts.partition_point(|&start| start <= offset.min(self.text.len()))
    }

    /// The text a span covers as written (a key keeps its quotes), or "" if out of range.
    pub(crate) fn source(&self, span: Range<usize>) -> &str {
        self.text.get(span).unwrap_or("")
    }

    pub(crate) fn has_errors(&self) -> bool {
        self.errors > 0
    }

    /// The problems in file order, at most [`MAX_SHOWN`] of them, then (when there were more)
    /// one entry saying how many more there are.
    pub(crate) fn finish(self) -> Vec<Problem> {
        let mut kept = self.kept.into_sorted_vec();
        let (mut errors, mut warnings) = (self.errors, self.warnings);
        let mut cursor = Cursor::new(self.text);
        let mut problems: Vec<Problem> = kept
            .drain(..)
            .map(|p| {
                let (line, column) = cursor.advance_to(p.offset);
                match p.severity {
                    Severity::Error => errors -= 1,
                    Severity::Warning => warnings -= 1,
                }
                Problem {
                    file: self.file.to_string(),
                    line,
                    column,
                    message: p.message,
                    severity: p.severity,
                    omitted: None,
                }
            })
            .collect();
        if errors + warnings > 0 {
            let (all_errors, all_warnings) = (self.errors, self.warnings);
            problems.push(Problem {
                file: self.file.to_string(),
                line: 0,
                column: 0,
                message: format!(
                    "{} more problem(s) not shown: {all_errors} error(s) and {all_warnings} warning(s) in all; \
                     fix the first ones and check again",
                    errors + warnings
                ),
                severity: if errors > 0 { Severity::Error } else { Severity::Warning },
                omitted: Some((errors, warnings)),
            });
        }
        problems
    }
}

/// Byte offsets of every newline.
fn newlines(text: &str) -> impl Iterator<Item = usize> + '_ {
    text.bytes().enumerate().filter(|(_, b)| *b == b'\n').map(|(at, _)| at)
}

/// `offset` clamped to the text and moved back to a character boundary.
fn char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Walks a text forwards, turning ever larger offsets into line and column: each byte is
/// looked at once however many problems there are.
struct Cursor<'t> {
    text: &'t str,
    at: usize,
    line: usize,
    column: usize,
}

impl<'t> Cursor<'t> {
    fn new(text: &'t str) -> Cursor<'t> {
        Cursor { text, at: 0, line: 1, column: 1 }
    }

    /// Line and column of `offset` (a character boundary not before the last one asked).
    fn advance_to(&mut self, offset: usize) -> (usize, usize) {
        let offset = char_boundary(self.text, offset).max(self.at);
        for c in self.text[self.at..offset].chars() {
            if c == '\n' {
                self.line += 1;
                self.column = 1;
            } else {
                self.column += 1;
            }
        }
        self.at = offset;
        (self.line, self.column)
    }
}

/// 1-based line and character column of a byte offset; offsets past the end or inside a
/// character are clamped back to a character boundary. Scans from the start: for one offset;
/// many go through [`Report`].
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    Cursor::new(text).advance_to(offset)
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

    #[test]
    fn the_first_fifty_by_position_are_kept_and_the_rest_counted() {
        let text: String = (0..200).map(|i| format!("line {i}\n")).collect();
        let mut report = Report::new("k.toml", &text);
        // Reported backwards, warnings and errors mixed: the kept ones are the first in the file.
        for i in (0..200).rev() {
            let at = text.find(&format!("line {i}\n")).unwrap();
            if i % 3 == 0 {
                report.warning(at..at + 1, format!("w{i}"));
            } else {
                report.error(at..at + 1, format!("e{i}"));
            }
        }
        assert_eq!(report.line(text.find("line 7\n").unwrap()), 8);
        let problems = report.finish();
        assert_eq!(problems.len(), MAX_SHOWN + 1);
        let lines: Vec<usize> = problems[..MAX_SHOWN].iter().map(|p| p.line).collect();
        assert_eq!(lines, (1..=50).collect::<Vec<_>>());
        let last = problems.last().unwrap();
        assert_eq!((last.line, last.omitted()), (0, Some((100, 50))), "{last}");
        assert!(last.message.contains("150 more") && last.message.contains("133 error(s)"), "{last}");
        assert_eq!(totals(&problems), (133, 67));
    }

    #[test]
    fn same_place_keeps_errors_first_then_reporting_order() {
        let mut report = Report::new("k.toml", "ab");
        report.warning(1..2, "w".into());
        report.error(1..2, "e1".into());
        report.error(1..2, "e2".into());
        let messages: Vec<String> = report.finish().into_iter().map(|p| p.message).collect();
        assert_eq!(messages, ["e1", "e2", "w"]);
    }
}
