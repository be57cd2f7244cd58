//! The text-input model: single-line and multi-line text with a caret, right for Chinese. State,
//! not drawing: `ui::input` draws it. Below the app, so the core edits text without the UI.
//!
//! The caret is a byte offset that always sits on a grapheme boundary; every column is display
//! width (CJK = 2).
//!
//! Choices worth knowing:
//! - Text never holds control characters (nor bidi overrides); a multi-line input keeps `\n`.
//!   Tabs become spaces; any line break is a space in a one-line input.
//! - Multi-line wraps anywhere between graphemes (not at spaces): Chinese has no spaces to break
//!   at, and one rule keeps the caret mapping exact. Each visual row is a byte range of the text;
//!   a caret at the end of a full row is shown at the start of the next row (an empty row is
//!   added when the last row of a line is full).
//! - A "word" for word movement and deletion is a run of letters/digits/`_` (any script except
//!   CJK), a run of punctuation/symbols, or a single Han/kana character: Chinese has no spaces
//!   and no cheap segmentation, so one character per step is predictable and never eats a
//!   whole sentence. Whitespace before the word is skipped first.
//! - `up`/`down`/`home`/`end` in multi-line follow the wrapping at the width the screen gives
//!   the input, which the app sets explicitly ([`TextInput::set_wrap_width`], from the terminal
//!   size it knows) before keys that move by rows; 0 (never set) means logical lines. Nothing
//!   travels back from the last frame.

use std::borrow::Cow;

use unicode_segmentation::{GraphemeCursor, UnicodeSegmentation};

use crate::text::{grapheme_width, width};

/// An editable line (or block) of text with a caret.
#[derive(Debug, Clone, Default)]
pub struct TextInput {
    text: String,
    /// Byte offset into `text`, always on a grapheme boundary.
    caret: usize,
    multiline: bool,
    /// Display column that repeated up/down try to keep across shorter rows.
    goal_column: Option<usize>,
    /// The width the screen gives a multi-line input, set by the app; 0 = not set (logical
    /// lines).
    wrap_width: u16,
}

/// Inputs are equal when they hold the same text, caret and mode; the wrap width is the
/// screen's, not the text's.
impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.caret == other.caret && self.multiline == other.multiline
    }
}

impl Eq for TextInput {}

/// One visual row: the byte range `start..end` of the text (never including a `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    pub start: usize,
    pub end: usize,
}

/// What a grapheme counts as for word movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Space,
    Cjk,
    Word,
    Punct,
}

impl TextInput {
    /// An empty single-line input.
    pub fn single() -> Self {
        Self::default()
    }

    /// An empty multi-line input.
    pub fn multi() -> Self {
        Self { multiline: true, ..Self::default() }
    }

    /// The same input holding `text` (cleaned as by [`Self::insert_str`]), caret at the end.
    pub fn with_text(mut self, text: &str) -> Self {
        self.set_text(text);
        self
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replace the text (cleaned as by [`Self::insert_str`]) and put the caret at the end.
    pub fn set_text(&mut self, text: &str) {
        self.text = self.clean(text).into_owned();
        self.caret = self.text.len();
        self.goal_column = None;
    }

    /// Empty the input.
    pub fn clear(&mut self) {
        self.set_text("");
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    /// The caret as a byte offset into [`Self::text`].
    pub fn caret(&self) -> usize {
        self.caret
    }

    // ----- editing; each returns whether the text changed -----

    /// Type one character. Enter (`\n`/`\r`) goes through [`Self::newline`]; a tab is a space;
    /// other control characters are ignored.
    pub fn insert_char(&mut self, c: char) -> bool {
        match c {
            '\n' | '\r' => self.newline(),
            c => self.insert_str(c.encode_utf8(&mut [0; 4])),
        }
    }

    /// Insert pasted text at the caret. CRLF and CR count as newlines; in a single-line input
    /// newlines become spaces; tabs become spaces; other control characters are dropped.
    pub fn insert_str(&mut self, s: &str) -> bool {
        self.goal_column = None;
        let clean = self.clean(s);
        if clean.is_empty() {
            return false;
        }
        self.text.insert_str(self.caret, &clean);
        self.caret += clean.len();
        self.snap_caret_forward();
        true
    }

    /// Insert a line break in a multi-line input. A single-line input does nothing and returns
    /// false, so the caller can treat Enter as "submit".
    pub fn newline(&mut self) -> bool {
        if !self.multiline {
            return false;
        }
        self.insert_str("\n")
    }

    /// Delete the grapheme before the caret.
    pub fn backspace(&mut self) -> bool {
        let start = self.prev_boundary(self.caret);
        self.remove(start, self.caret)
    }

    /// Delete the grapheme after the caret.
    pub fn delete(&mut self) -> bool {
        let end = self.next_boundary(self.caret);
        self.remove(self.caret, end)
    }

    /// Delete the word before the caret (see the module docs), skipping whitespace first but not
    /// crossing a line break: at the start of a line it deletes just the line break.
    pub fn delete_word_back(&mut self) -> bool {
        if self.grapheme_before(self.caret).map(|(_, g)| g) == Some("\n") {
            return self.backspace();
        }
        let start = self.word_start_before(self.caret, false);
        self.remove(start, self.caret)
    }

    /// Delete from the start of the current line to the caret; at the start of a line, join it
    /// with the previous one.
    pub fn delete_to_start(&mut self) -> bool {
        let line_start = self.text[..self.caret].rfind('\n').map_or(0, |i| i + 1);
        if line_start == self.caret {
            return self.backspace();
        }
        self.remove(line_start, self.caret)
    }

    /// Delete from the caret to the end of the current line; at the end of a line, join the
    /// next one to it.
    pub fn delete_to_end(&mut self) -> bool {
        let line_end = self.text[self.caret..].find('\n').map_or(self.text.len(), |i| self.caret + i);
        if line_end == self.caret {
            return self.delete();
        }
        self.remove(self.caret, line_end)
    }

    // ----- movement; each returns whether the caret moved -----

    pub fn left(&mut self) -> bool {
        let to = self.prev_boundary(self.caret);
        self.move_to(to)
    }

    pub fn right(&mut self) -> bool {
        let to = self.next_boundary(self.caret);
        self.move_to(to)
    }

    /// To the start of the text, or in multi-line of the visual row.
    pub fn home(&mut self) -> bool {
        let to = if self.multiline {
            let rows = self.rows();
            rows[row_of(&rows, self.caret)].start
        } else {
            0
        };
        self.move_to(to)
    }

    /// To the end of the text, or in multi-line of the visual row. A row that wraps on has no
    /// caret position after its last grapheme (that is the next row's start), so the caret
    /// stops before it.
    pub fn end(&mut self) -> bool {
        let to = if self.multiline {
            let rows = self.rows();
            let index = row_of(&rows, self.caret);
            let row = rows[index];
            let wraps_on = rows.get(index + 1).is_some_and(|next| next.start == row.end && next.end > next.start);
            if wraps_on { self.prev_boundary(row.end) } else { row.end }
        } else {
            self.text.len()
        };
        self.move_to(to)
    }

    pub fn word_left(&mut self) -> bool {
        let to = self.word_start_before(self.caret, true);
        self.move_to(to)
    }

    pub fn word_right(&mut self) -> bool {
        let to = self.word_end_after(self.caret);
        self.move_to(to)
    }

    /// Up one visual row, keeping the display column as close as possible. False (and no move)
    /// on the first row and in a single-line input.
    pub fn up(&mut self) -> bool {
        self.move_row(false)
    }

    /// Down one visual row; see [`Self::up`].
    pub fn down(&mut self) -> bool {
        self.move_row(true)
    }

    /// Sets the width the screen gives this input (multi-line wrapping, for up/down/home/end).
    pub fn set_wrap_width(&mut self, width: u16) {
        self.wrap_width = width;
    }

    /// Number of rows the input needs at `width` columns (at least 1).
    pub fn visual_rows(&self, width: u16) -> usize {
        if self.multiline { layout(&self.text, usize::from(width.max(1))).len() } else { 1 }
    }

    /// Rows the text takes wrapped at `width` columns, for a one-line input drawn over several
    /// rows; a multi-line input's [`Self::visual_rows`].
    pub fn wrapped_rows(&self, width: u16) -> usize {
        layout(&self.text, usize::from(width.max(1))).len()
    }

    // ----- internals -----

    /// Clean text for this input: see [`Self::insert_str`]. The one place every typed,
    /// pasted or prefilled text passes (forms, the entry line, the picker's query), so no
    /// control character ever reaches a stored field or the terminal: C0 and C1 controls and
    /// ESC are dropped (an escape sequence loses its ESC and is plain text), bidirectional
    /// overrides too (they reorder what is shown); tabs become a space; every kind of line
    /// break (CR, LF, CRLF, NEL, U+2028/2029) is one line break, or a space in one line.
    fn clean<'a>(&self, s: &'a str) -> Cow<'a, str> {
        crate::text::replace_unsafe(s, if self.multiline { '\n' } else { ' ' }, None)
    }

    fn remove(&mut self, start: usize, end: usize) -> bool {
        self.goal_column = None;
        if start >= end {
            return false;
        }
        self.text.replace_range(start..end, "");
        self.caret = start;
        // Removing a grapheme can join its neighbours (Hangul jamo, regional indicators).
        if !self.is_boundary(self.caret) {
            self.caret = self.prev_boundary(self.caret);
        }
        true
    }

    /// After an insert the inserted text may have merged with what follows (a combining mark,
    /// a regional indicator pair); keep the caret after the merged grapheme.
    fn snap_caret_forward(&mut self) {
        if !self.is_boundary(self.caret) {
            self.caret = self.next_boundary(self.caret);
        }
    }

    fn move_to(&mut self, to: usize) -> bool {
        self.goal_column = None;
        let moved = to != self.caret;
        self.caret = to;
        moved
    }

    fn move_row(&mut self, down: bool) -> bool {
        if !self.multiline {
            return false;
        }
        let rows = self.rows();
        let current = row_of(&rows, self.caret);
        let target = if down {
            current + 1
        } else {
            match current.checked_sub(1) {
                Some(target) => target,
                None => return false,
            }
        };
        if target >= rows.len() {
            return false;
        }
        let goal = self.goal_column.unwrap_or_else(|| width(&self.text[rows[current].start..self.caret]));
        self.caret = self.position_at_column(&rows, target, goal);
        self.goal_column = Some(goal);
        true
    }

    /// The last caret position in row `index` whose column is at most `goal`. Never the row's
    /// end when the next row starts there, since that position is drawn on the next row.
    fn position_at_column(&self, rows: &[Row], index: usize, goal: usize) -> usize {
        let row = rows[index];
        let end_is_next_row = rows.get(index + 1).is_some_and(|next| next.start == row.end);
        let mut best = row.start;
        let mut column = 0;
        for (offset, grapheme) in self.text[row.start..row.end].grapheme_indices(true) {
            column += grapheme_width(grapheme);
            let after = row.start + offset + grapheme.len();
            if column > goal || (after == row.end && end_is_next_row) {
                break;
            }
            best = after;
        }
        best
    }

    fn rows(&self) -> Vec<Row> {
        let width = match self.wrap_width {
            0 => usize::MAX,
            w => usize::from(w),
        };
        layout(&self.text, width)
    }

    fn is_boundary(&self, at: usize) -> bool {
        GraphemeCursor::new(at, self.text.len(), true).is_boundary(&self.text, 0).unwrap_or(true)
    }

    fn prev_boundary(&self, at: usize) -> usize {
        GraphemeCursor::new(at, self.text.len(), true).prev_boundary(&self.text, 0).ok().flatten().unwrap_or(0)
    }

    fn next_boundary(&self, at: usize) -> usize {
        GraphemeCursor::new(at, self.text.len(), true)
            .next_boundary(&self.text, 0)
            .ok()
            .flatten()
            .unwrap_or(self.text.len())
    }

    /// The grapheme ending at `at`, with its start.
    fn grapheme_before(&self, at: usize) -> Option<(usize, &str)> {
        (at > 0).then(|| {
            let start = self.prev_boundary(at);
            (start, &self.text[start..at])
        })
    }

    /// The grapheme starting at `at`, with its end.
    fn grapheme_after(&self, at: usize) -> Option<(usize, &str)> {
        (at < self.text.len()).then(|| {
            let end = self.next_boundary(at);
            (end, &self.text[at..end])
        })
    }

    /// Start of the word before `at`, after skipping whitespace (line breaks only if allowed).
    fn word_start_before(&self, at: usize, cross_lines: bool) -> usize {
        let mut pos = at;
        while let Some((start, g)) = self.grapheme_before(pos) {
            if class(g) != Class::Space || (!cross_lines && g == "\n") {
                break;
            }
            pos = start;
        }
        let Some((start, g)) = self.grapheme_before(pos) else {
            return pos;
        };
        match class(g) {
            Class::Space => pos,
            Class::Cjk => start,
            word => {
                pos = start;
                while let Some((start, g)) = self.grapheme_before(pos) {
                    if class(g) != word {
                        break;
                    }
                    pos = start;
                }
                pos
            }
        }
    }

    /// End of the word after `at`, after skipping whitespace and line breaks.
    fn word_end_after(&self, at: usize) -> usize {
        let mut pos = at;
        while let Some((end, g)) = self.grapheme_after(pos) {
            if class(g) != Class::Space {
                break;
            }
            pos = end;
        }
        let Some((end, g)) = self.grapheme_after(pos) else {
            return pos;
        };
        match class(g) {
            Class::Space => pos,
            Class::Cjk => end,
            word => {
                pos = end;
                while let Some((end, g)) = self.grapheme_after(pos) {
                    if class(g) != word {
                        break;
                    }
                    pos = end;
                }
                pos
            }
        }
    }
}

/// Split `text` into visual rows of at most `width` columns, breaking between graphemes. A
/// grapheme wider than `width` gets a row of its own. When the last row of a line is full, an
/// empty row follows so a caret at the line's end has a cell to sit in.
pub fn layout(text: &str, width: usize) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut line_start = 0;
    for line in text.split('\n') {
        let mut row_start = line_start;
        let mut column = 0;
        for (offset, grapheme) in line.grapheme_indices(true) {
            let at = line_start + offset;
            let w = grapheme_width(grapheme);
            if column + w > width && at > row_start {
                rows.push(Row { start: row_start, end: at });
                row_start = at;
                column = 0;
            }
            column += w;
        }
        let line_end = line_start + line.len();
        rows.push(Row { start: row_start, end: line_end });
        if column >= width {
            rows.push(Row { start: line_end, end: line_end });
        }
        line_start = line_end + 1;
    }
    rows
}

/// Index of the row the caret is drawn on: the last row starting at or before it, so a caret
/// at a wrap point belongs to the row that starts there.
pub fn row_of(rows: &[Row], caret: usize) -> usize {
    rows.partition_point(|row| row.start <= caret).saturating_sub(1)
}

fn class(grapheme: &str) -> Class {
    let first = grapheme.chars().next().unwrap_or(' ');
    if grapheme.chars().all(char::is_whitespace) {
        Class::Space
    } else if is_cjk(first) {
        Class::Cjk
    } else if first.is_alphanumeric() || first == '_' {
        Class::Word
    } else {
        Class::Punct
    }
}

/// Han ideographs, kana and bopomofo: scripts written without spaces between words. Hangul is
/// written with spaces, so it counts as ordinary letters.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{2FDF}'     // radicals
        | '\u{3005}'..='\u{3007}'   // 々〆〇
        | '\u{3040}'..='\u{30FF}'   // hiragana, katakana
        | '\u{3100}'..='\u{312F}'   // bopomofo
        | '\u{31F0}'..='\u{31FF}'   // katakana extensions
        | '\u{3400}'..='\u{4DBF}'   // extension A
        | '\u{4E00}'..='\u{9FFF}'   // unified ideographs
        | '\u{F900}'..='\u{FAFF}'   // compatibility ideographs
        | '\u{FF66}'..='\u{FF9F}'   // halfwidth katakana
        | '\u{20000}'..='\u{3134F}' // extensions B..H
    )
}
