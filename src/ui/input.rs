//! Single-line and multi-line text input, right for Chinese.
//!
//! The caret is a byte offset that always sits on a grapheme boundary; every column is display
//! width (CJK = 2). Rendering is stateless and returns where the real terminal cursor belongs,
//! so the IME candidate window follows it; no fake cursor is drawn.
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
//! - `up`/`down`/`home`/`end` in multi-line follow the wrapping of the last `render` (the width is
//!   remembered in a `Cell`, so `render` can take `&self`); before any render they act on logical
//!   lines.

use std::borrow::Cow;
use std::cell::Cell;

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
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
    /// Width of the last multi-line render; 0 = never rendered (wrap nothing).
    wrap_width: Cell<u16>,
}

/// Inputs are equal when they hold the same text, caret and mode; render bookkeeping is ignored.
impl PartialEq for TextInput {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text && self.caret == other.caret && self.multiline == other.multiline
    }
}

impl Eq for TextInput {}

/// One visual row: the byte range `start..end` of the text (never including a `\n`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Row {
    start: usize,
    end: usize,
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

    // ----- rendering -----

    /// Number of rows the input needs at `width` columns (at least 1).
    pub fn visual_rows(&self, width: u16) -> usize {
        if self.multiline { layout(&self.text, usize::from(width.max(1))).len() } else { 1 }
    }

    /// Draw into `area` (cleared with `style` first) and return where the terminal cursor
    /// belongs, for `frame.set_cursor_position`. `None` when nothing of `area` is visible.
    pub fn render(&self, area: Rect, buf: &mut Buffer, style: Style) -> Option<Position> {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return None;
        }
        clear_area(buf, area, style);
        let columns = usize::from(area.width);
        let (column, row) = if self.multiline {
            self.render_multi(area, buf, style)
        } else {
            let caret_column = width(&self.text[..self.caret]);
            // Show from the start while the caret fits, else a window ending at the caret.
            let first = (caret_column + 1).saturating_sub(columns);
            draw_row(buf, area, 0, &self.text, first, style);
            (caret_column - first, 0)
        };
        let x = area.x + clamp_u16(column.min(columns - 1));
        Some(Position::new(x, area.y + clamp_u16(row)))
    }

    /// Rows the text takes wrapped at `width` columns, for a one-line input drawn over several
    /// rows ([`Self::render_wrapped`]); a multi-line input's [`Self::visual_rows`].
    pub fn wrapped_rows(&self, width: u16) -> usize {
        layout(&self.text, usize::from(width.max(1))).len()
    }

    /// Like [`Self::render`], but a one-line input is wrapped over the rows of `area` (scrolled
    /// so the caret's row shows) instead of scrolling sideways: the start of a long line stays
    /// in view. The text is still one line: Enter submits it.
    pub fn render_wrapped(&self, area: Rect, buf: &mut Buffer, style: Style) -> Option<Position> {
        if self.multiline {
            return self.render(area, buf, style);
        }
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return None;
        }
        clear_area(buf, area, style);
        let (column, row) = self.render_multi(area, buf, style);
        let x = area.x + clamp_u16(column.min(usize::from(area.width) - 1));
        Some(Position::new(x, area.y + clamp_u16(row)))
    }

    /// Draw the text as it reads when it is not being edited (an unfocused form field): from
    /// its start, a one-line text cut with `..` at the edge, a multi-line one from its first
    /// row. No caret.
    pub fn render_idle(&self, area: Rect, buf: &mut Buffer, style: Style) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        clear_area(buf, area, style);
        if self.multiline {
            let rows = layout(&self.text, usize::from(area.width));
            for (offset, row) in rows.iter().take(usize::from(area.height)).enumerate() {
                draw_row(buf, area, offset, &self.text[row.start..row.end], 0, style);
            }
        } else {
            let shown = crate::text::truncate(&self.text, usize::from(area.width));
            draw_row(buf, area, 0, &shown, 0, style);
        }
    }

    /// Draw wrapped rows, scrolled so the caret row is visible; returns the caret's
    /// (column, row) inside the area.
    fn render_multi(&self, area: Rect, buf: &mut Buffer, style: Style) -> (usize, usize) {
        self.wrap_width.set(area.width);
        let rows = layout(&self.text, usize::from(area.width));
        let caret_row = row_of(&rows, self.caret);
        let height = usize::from(area.height);
        let top = (caret_row + 1).saturating_sub(height);
        for (offset, row) in rows.iter().skip(top).take(height).enumerate() {
            draw_row(buf, area, offset, &self.text[row.start..row.end], 0, style);
        }
        let column = width(&self.text[rows[caret_row].start..self.caret]);
        (column, caret_row - top)
    }

    // ----- internals -----

    /// Clean text for this input: see [`Self::insert_str`]. The one place every typed,
    /// pasted or prefilled text passes (forms, the entry line, the picker's query), so no
    /// control character ever reaches a stored field or the terminal: C0 and C1 controls and
    /// ESC are dropped (an escape sequence loses its ESC and is plain text), bidirectional
    /// overrides too (they reorder what is shown); tabs become a space; every kind of line
    /// break (CR, LF, CRLF, NEL, U+2028/2029) is one line break, or a space in one line.
    fn clean<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !s.chars().any(needs_cleaning) {
            return Cow::Borrowed(s);
        }
        let line_break = if self.multiline { '\n' } else { ' ' };
        let mut out = String::with_capacity(s.len());
        let mut chars = s.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\r' => {
                    chars.next_if_eq(&'\n');
                    out.push(line_break);
                }
                '\n' | '\u{85}' | '\u{2028}' | '\u{2029}' => out.push(line_break),
                '\t' => out.push(' '),
                c if needs_cleaning(c) => {}
                c => out.push(c),
            }
        }
        Cow::Owned(out)
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
        let width = match self.wrap_width.get() {
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

/// Characters no input keeps as they are: controls (C0, DEL, C1, ESC among them), line and
/// paragraph separators, and the bidirectional embeddings, overrides and isolates.
fn needs_cleaning(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn clear_area(buf: &mut Buffer, area: Rect, style: Style) {
    for y in area.top()..area.bottom() {
        for x in area.left()..area.right() {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.reset();
                cell.set_style(style);
            }
        }
    }
}

/// Split `text` into visual rows of at most `width` columns, breaking between graphemes. A
/// grapheme wider than `width` gets a row of its own. When the last row of a line is full, an
/// empty row follows so a caret at the line's end has a cell to sit in.
fn layout(text: &str, width: usize) -> Vec<Row> {
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
fn row_of(rows: &[Row], caret: usize) -> usize {
    rows.partition_point(|row| row.start <= caret).saturating_sub(1)
}

/// Draw `s` on row `row` of `area`, showing display columns from `first` on. A wide grapheme
/// cut by either edge is left blank rather than drawn half.
fn draw_row(buf: &mut Buffer, area: Rect, row: usize, s: &str, first: usize, style: Style) {
    let columns = usize::from(area.width);
    let y = area.y + clamp_u16(row);
    let mut column = 0;
    for grapheme in s.graphemes(true) {
        let w = grapheme_width(grapheme);
        if w > 0 && column >= first && column + w <= first + columns {
            let x = area.x + clamp_u16(column - first);
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_symbol(grapheme).set_style(style);
            }
        }
        column += w;
        if column >= first + columns {
            break;
        }
    }
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

fn clamp_u16(n: usize) -> u16 {
    u16::try_from(n).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// Draw `input` filling a `w`x`h` terminal, put the cursor where render says, return it.
    fn draw(input: &TextInput, w: u16, h: u16) -> Terminal<TestBackend> {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
        terminal
            .draw(|frame| {
                let area = frame.area();
                if let Some(pos) = input.render(area, frame.buffer_mut(), Style::default()) {
                    frame.set_cursor_position(pos);
                }
            })
            .unwrap();
        terminal
    }

    /// The screen as `|row|` lines (cells hidden behind wide glyphs left out) plus the cursor.
    fn screen(terminal: &mut Terminal<TestBackend>) -> String {
        let cursor = terminal.get_cursor_position().unwrap();
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut hidden = 0;
            out.push('|');
            for x in 0..buffer.area.width {
                let cell = &buffer[(x, y)];
                if hidden == 0 {
                    out.push_str(cell.symbol());
                }
                hidden = hidden.max(crate::text::width(cell.symbol())).saturating_sub(1);
            }
            out.push_str("|\n");
        }
        out.push_str(&format!("cursor: ({}, {})", cursor.x, cursor.y));
        out
    }

    fn typed(mut input: TextInput, s: &str) -> TextInput {
        for c in s.chars() {
            input.insert_char(c);
        }
        input
    }

    #[test]
    fn caret_follows_typing_and_moves_over_mixed_text() {
        let mut input = typed(TextInput::single(), "ab中文cd");
        draw(&input, 20, 1).backend_mut().assert_cursor_position((8, 0));
        assert!(input.left());
        draw(&input, 20, 1).backend_mut().assert_cursor_position((7, 0));
        input.left();
        input.left();
        assert_eq!(&input.text()[..input.caret()], "ab中");
        draw(&input, 20, 1).backend_mut().assert_cursor_position((4, 0));
        assert!(input.right());
        draw(&input, 20, 1).backend_mut().assert_cursor_position((6, 0));
        assert!(input.home());
        assert!(!input.home(), "already at home");
        assert!(!input.left(), "nothing before the start");
        draw(&input, 20, 1).backend_mut().assert_cursor_position((0, 0));
        assert!(input.end());
        assert!(!input.right(), "nothing after the end");
        draw(&input, 20, 1).backend_mut().assert_cursor_position((8, 0));
    }

    #[test]
    fn caret_in_area_offset() {
        let input = TextInput::single().with_text("排队");
        let mut buf = Buffer::empty(Rect::new(0, 0, 20, 5));
        let pos = input.render(Rect::new(3, 2, 10, 1), &mut buf, Style::default());
        assert_eq!(pos, Some(Position::new(7, 2)));
    }

    #[test]
    fn snapshot_single_line_caret_in_middle() {
        let mut input = typed(TextInput::single(), "排队等待时间过长abc");
        for _ in 0..6 {
            input.left();
        }
        let mut terminal = draw(&input, 22, 1);
        terminal.backend_mut().assert_cursor_position((10, 0));
        insta::assert_snapshot!("single_line_caret_in_middle", screen(&mut terminal));
    }

    #[test]
    fn snapshot_single_line_scrolled_to_caret() {
        let input = TextInput::single().with_text("排队等待时间过长abc");
        let mut terminal = draw(&input, 10, 1);
        terminal.backend_mut().assert_cursor_position((9, 0));
        insta::assert_snapshot!("single_line_scrolled", screen(&mut terminal));
    }

    #[test]
    fn wide_char_cut_by_left_edge_is_left_blank() {
        // Caret column 19, 9 columns shown: window starts at column 11, inside 间 (10..12).
        let input = TextInput::single().with_text("排队等待时间过长abc");
        let mut terminal = draw(&input, 9, 1);
        terminal.backend().assert_buffer_lines([" 过长abc "]);
        terminal.backend_mut().assert_cursor_position((8, 0));
    }

    #[test]
    fn wide_char_cut_by_right_edge_is_left_blank() {
        let mut input = TextInput::single().with_text("a排队等");
        input.home();
        let terminal = draw(&input, 4, 1);
        terminal.backend().assert_buffer_lines(["a排 "]);
    }

    const PARAGRAPH: &str = "群众反映窗口排队等待时间过长，建议增加自助设备。";

    #[test]
    fn snapshot_multi_line_wrapped_caret_on_second_row() {
        let mut input = TextInput::multi().with_text(PARAGRAPH);
        draw(&input, 10, 6);
        while input.up() {}
        input.home();
        for _ in 0..7 {
            input.right();
        }
        assert_eq!(&input.text()[..input.caret()], "群众反映窗口排");
        let mut terminal = draw(&input, 10, 6);
        terminal.backend_mut().assert_cursor_position((4, 1));
        insta::assert_snapshot!("multi_line_wrapped_second_row", screen(&mut terminal));
    }

    #[test]
    fn caret_at_end_of_full_row_goes_to_next_row() {
        let mut input = TextInput::multi().with_text("一二三四五六");
        let mut terminal = draw(&input, 10, 3);
        terminal.backend_mut().assert_cursor_position((2, 1));
        input.set_text("一二三四五");
        assert_eq!(input.visual_rows(10), 2, "full row gets an empty row for the caret");
        let mut terminal = draw(&input, 10, 3);
        terminal.backend_mut().assert_cursor_position((0, 1));
    }

    #[test]
    fn wide_char_that_does_not_fit_wraps_whole() {
        let input = TextInput::multi().with_text("abc中");
        let mut terminal = draw(&input, 4, 3);
        terminal.backend().assert_buffer_lines(["abc ", "中  ", "    "]);
        terminal.backend_mut().assert_cursor_position((2, 1));
    }

    #[test]
    fn multi_line_scrolls_to_keep_caret_visible() {
        let mut input = TextInput::multi().with_text("一\n二\n三\n四");
        let mut terminal = draw(&input, 6, 2);
        terminal.backend().assert_buffer_lines(["三    ", "四    "]);
        terminal.backend_mut().assert_cursor_position((2, 1));
        input.up();
        input.up();
        let mut terminal = draw(&input, 6, 2);
        terminal.backend().assert_buffer_lines(["一    ", "二    "]);
        terminal.backend_mut().assert_cursor_position((2, 1));
    }

    #[test]
    fn up_down_keep_column_and_never_split_wide_chars() {
        let mut input = TextInput::multi().with_text("abcdef\n中文字\nxy");
        draw(&input, 20, 3);
        while input.up() {}
        input.home();
        input.right();
        input.right();
        input.right(); // column 3 on "abcdef"
        assert!(input.down());
        assert_eq!(&input.text()[..input.caret()], "abcdef\n中", "column 2, not inside 文");
        assert!(input.down());
        assert_eq!(&input.text()[..input.caret()], "abcdef\n中文字\nxy");
        assert!(!input.down(), "last row");
        assert!(input.up());
        assert!(input.up());
        assert_eq!(input.caret(), 3, "goal column 3 restored on the long row");
        assert!(!input.up(), "first row");
    }

    #[test]
    fn up_down_follow_wrapped_rows() {
        let mut input = TextInput::multi().with_text(PARAGRAPH);
        draw(&input, 10, 6);
        // 24 graphemes at 5 per row: 5 rows, caret at the end of the last one.
        assert_eq!(input.visual_rows(10), 5);
        assert!(input.up());
        assert_eq!(input.text()[..input.caret()].chars().count(), 19);
        // From column 8 down from row 0 lands before the row's last char, not on the next row.
        while input.up() {}
        input.end();
        assert_eq!(&input.text()[..input.caret()], "群众反映");
        assert!(input.down());
        assert_eq!(&input.text()[..input.caret()], "群众反映窗口排队等");
        draw(&input, 10, 6).backend_mut().assert_cursor_position((8, 1));
    }

    #[test]
    fn home_end_in_multi_line_use_visual_rows() {
        let mut input = TextInput::multi().with_text("一二三四五六\nab");
        draw(&input, 6, 4);
        assert_eq!(input.visual_rows(6), 4, "一二三 / 四五六 / (caret row) / ab");
        input.up();
        assert_eq!(&input.text()[..input.caret()], "一二三四五六");
        input.up();
        assert_eq!(&input.text()[..input.caret()], "一二三四");
        input.home();
        assert_eq!(&input.text()[..input.caret()], "一二三");
        input.end();
        assert_eq!(&input.text()[..input.caret()], "一二三四五六");
    }

    #[test]
    fn single_line_ignores_vertical_moves_and_newline() {
        let mut input = TextInput::single().with_text("排队");
        assert!(!input.up());
        assert!(!input.down());
        assert!(!input.newline());
        assert!(!input.insert_char('\n'));
        assert_eq!(input.text(), "排队");
    }

    #[test]
    fn paste_cleans_control_characters() {
        let mut single = TextInput::single();
        assert!(single.insert_str("一\r\n二\tthree\u{1b}[0m\n"));
        assert_eq!(single.text(), "一 二 three[0m ");
        let mut multi = TextInput::multi();
        multi.insert_str("一\r\n二\r三\n");
        assert_eq!(multi.text(), "一\n二\n三\n");
        assert!(!multi.insert_str("\u{7}"), "only control characters: nothing inserted");
        assert_eq!(TextInput::single().with_text("a\nb").text(), "a b");
    }

    #[test]
    fn backspace_and_delete_remove_whole_graphemes() {
        let mut input = TextInput::single().with_text("a中e\u{301}👨‍👩‍👧b");
        input.left();
        assert!(input.backspace());
        assert_eq!(input.text(), "a中e\u{301}b");
        assert!(input.backspace());
        assert_eq!(input.text(), "a中b");
        input.home();
        assert!(input.delete());
        assert!(input.delete());
        assert_eq!(input.text(), "b");
        input.end();
        assert!(!input.delete());
        input.home();
        assert!(!input.backspace());
    }

    #[test]
    fn combining_mark_typed_after_letter_joins_it() {
        let mut input = TextInput::single().with_text("\u{301}");
        input.home();
        input.insert_char('e');
        assert_eq!(input.caret(), input.text().len(), "caret after the joined grapheme");
    }

    #[test]
    fn delete_word_back_takes_one_han_or_one_ascii_word() {
        let mut input = TextInput::single().with_text("取号 ticket12  窗口");
        assert!(input.delete_word_back());
        assert_eq!(input.text(), "取号 ticket12  窗");
        input.delete_word_back();
        input.delete_word_back();
        assert_eq!(input.text(), "取号 ", "spaces skipped, then the ASCII word");
        input.delete_word_back();
        assert_eq!(input.text(), "取");
        input.set_text("设备，，");
        input.delete_word_back();
        assert_eq!(input.text(), "设备", "a punctuation run is one word");
    }

    #[test]
    fn delete_word_back_stops_at_line_start() {
        let mut input = TextInput::multi().with_text("ab cd\n  ");
        input.delete_word_back();
        assert_eq!(input.text(), "ab cd\n", "whitespace is not a word by itself");
        input.delete_word_back();
        assert_eq!(input.text(), "ab cd", "at a line start only the break goes");
        input.delete_word_back();
        assert_eq!(input.text(), "ab ");
    }

    #[test]
    fn word_movement() {
        let mut input = TextInput::single().with_text("排队 wait time，ok");
        input.word_left();
        assert_eq!(&input.text()[..input.caret()], "排队 wait time，");
        input.word_left();
        input.word_left();
        assert_eq!(&input.text()[..input.caret()], "排队 wait ");
        input.word_left();
        input.word_left();
        assert_eq!(&input.text()[..input.caret()], "排");
        input.word_right();
        assert_eq!(&input.text()[..input.caret()], "排队");
        input.word_right();
        assert_eq!(&input.text()[..input.caret()], "排队 wait");
    }

    #[test]
    fn delete_to_start_and_end_work_on_the_current_line() {
        let mut input = TextInput::multi().with_text("一二\n三四\n五");
        input.up();
        assert!(input.delete_to_end());
        assert_eq!(input.text(), "一二\n三\n五");
        assert!(input.delete_to_end(), "at line end: joins the next line");
        assert_eq!(input.text(), "一二\n三五");
        assert!(input.delete_to_start());
        assert_eq!(input.text(), "一二\n五");
        assert!(input.delete_to_start(), "at line start: joins the previous line");
        assert_eq!(input.text(), "一二五");
        assert_eq!(&input.text()[..input.caret()], "一二");
    }

    #[test]
    fn zero_sized_area_returns_none() {
        let input = TextInput::multi().with_text("排队");
        let mut buf = Buffer::empty(Rect::new(0, 0, 5, 5));
        let style = Style::default();
        assert_eq!(input.render(Rect::new(0, 0, 0, 3), &mut buf, style), None);
        assert_eq!(input.render(Rect::new(0, 0, 3, 0), &mut buf, style), None);
        assert_eq!(input.render(Rect::new(9, 9, 3, 3), &mut buf, style), None, "off-buffer");
        assert_eq!(input.visual_rows(0), input.visual_rows(1));
    }

    #[test]
    fn equality_ignores_render_bookkeeping() {
        let input = TextInput::multi().with_text("排队");
        let rendered = input.clone();
        draw(&rendered, 4, 2);
        assert_eq!(input, rendered);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Char(char),
        Str(String),
        Backspace,
        Delete,
        WordBack,
        ToStart,
        ToEnd,
        Newline,
        Left,
        Right,
        Home,
        End,
        WordLeft,
        WordRight,
        Up,
        Down,
        Render(u16, u16),
    }

    /// Pieces that stress segmentation: CJK, emoji sequences, combining marks, flags, jamo.
    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(vec![
                "a",
                "Z",
                "1",
                " ",
                "中",
                "文",
                "，",
                "😀",
                "👨‍👩‍👧",
                "e\u{301}",
                "\u{301}",
                "🇨",
                "🇳",
                "\n",
                "\r\n",
                "\t",
                "\u{1100}",
                "\u{1161}",
                "\u{200d}",
                "\u{200b}",
                "ｶﾞ",
                "\u{7}",
                "❤\u{fe0f}",
            ])
            .prop_map(String::from),
            any::<String>(),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => any::<char>().prop_map(Op::Char),
            4 => piece().prop_map(Op::Str),
            1 => Just(Op::Backspace),
            1 => Just(Op::Delete),
            1 => Just(Op::WordBack),
            1 => Just(Op::ToStart),
            1 => Just(Op::ToEnd),
            1 => Just(Op::Newline),
            2 => Just(Op::Left),
            2 => Just(Op::Right),
            1 => Just(Op::Home),
            1 => Just(Op::End),
            1 => Just(Op::WordLeft),
            1 => Just(Op::WordRight),
            2 => Just(Op::Up),
            2 => Just(Op::Down),
            2 => (0u16..8, 0u16..5).prop_map(|(w, h)| Op::Render(w, h)),
        ]
    }

    fn apply(input: &mut TextInput, op: &Op) {
        match op {
            Op::Char(c) => {
                input.insert_char(*c);
            }
            Op::Str(s) => {
                input.insert_str(s);
            }
            Op::Backspace => {
                input.backspace();
            }
            Op::Delete => {
                input.delete();
            }
            Op::WordBack => {
                input.delete_word_back();
            }
            Op::ToStart => {
                input.delete_to_start();
            }
            Op::ToEnd => {
                input.delete_to_end();
            }
            Op::Newline => {
                input.newline();
            }
            Op::Left => {
                input.left();
            }
            Op::Right => {
                input.right();
            }
            Op::Home => {
                input.home();
            }
            Op::End => {
                input.end();
            }
            Op::WordLeft => {
                input.word_left();
            }
            Op::WordRight => {
                input.word_right();
            }
            Op::Up => {
                input.up();
            }
            Op::Down => {
                input.down();
            }
            Op::Render(w, h) => {
                let mut buf = Buffer::empty(Rect::new(0, 0, 10, 6));
                let area = Rect::new(1, 1, *w, *h);
                if let Some(pos) = input.render(area, &mut buf, Style::default()) {
                    assert!(area.contains(pos), "{pos:?} outside {area:?}");
                } else {
                    assert!(area.is_empty());
                }
            }
        }
    }

    fn assert_invariants(input: &TextInput) {
        let text = input.text();
        let caret = input.caret();
        assert!(caret <= text.len());
        assert!(text.is_char_boundary(caret));
        assert!(input.is_boundary(caret), "caret {caret} inside a grapheme of {text:?}");
        let allowed = |c: char| !c.is_control() || (c == '\n' && input.is_multiline());
        assert!(text.chars().all(allowed), "control character kept in {text:?}");
    }

    proptest! {
        #[test]
        fn any_edit_sequence_keeps_caret_valid(
            multiline in any::<bool>(),
            start in piece(),
            ops in prop::collection::vec(op(), 0..60),
        ) {
            let mut input = if multiline { TextInput::multi() } else { TextInput::single() };
            input.set_text(&start);
            assert_invariants(&input);
            for op in &ops {
                apply(&mut input, op);
                assert_invariants(&input);
            }
        }

        #[test]
        fn render_at_any_small_size_stays_inside(
            multiline in any::<bool>(),
            text in prop::collection::vec(piece(), 0..12),
            moves in prop::collection::vec(0u8..4, 0..10),
            (x, y, w, h) in (0u16..4, 0u16..4, 0u16..9, 0u16..6),
        ) {
            let mut input = if multiline { TextInput::multi() } else { TextInput::single() };
            input.set_text(&text.concat());
            for m in moves {
                match m {
                    0 => input.left(),
                    1 => input.up(),
                    2 => input.word_left(),
                    _ => input.down(),
                };
            }
            let mut buf = Buffer::empty(Rect::new(0, 0, 10, 8));
            let area = Rect::new(x, y, w, h);
            match input.render(area, &mut buf, Style::default()) {
                Some(pos) => prop_assert!(area.contains(pos), "{:?} outside {:?}", pos, area),
                None => prop_assert!(area.is_empty()),
            }
        }
    }
}
