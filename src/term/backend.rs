//! The terminal backend: writes ratatui's changed cells with as few bytes as the terminal
//! allows, because every byte crosses an SSH link.
//!
//! ratatui's own crossterm backend moves the cursor before any cell that is not the very next
//! column after the last one written, so every wide (CJK) character is followed by a move
//! (`体\x1b[1;4H验`). This one tracks where the terminal's cursor is after each cell, moves
//! only when the next cell is somewhere else, and then with the shortest sequence (forward by
//! n, to a column, to the next line, or to a place). Style changes are one SGR sequence each
//! (all parameters together, or a reset and the new style when that is shorter), cursor
//! visibility is written only when it changes, and a frame leaves in one write.
//!
//! Where the terminal may not agree on a width, the cursor is not trusted: after a character
//! of ambiguous width (box drawing, ①, ·), an emoji or a cluster of several code points, the
//! next cell is reached by an absolute move, as before. Only ASCII, unambiguous narrow
//! characters and the CJK blocks (wide on every terminal) advance the tracked cursor.

use std::cell::Cell as Shared;
use std::io::{self, Write};

use ratatui::backend::{Backend, ClearType, WindowSize};
use ratatui::buffer::Cell;
use ratatui::crossterm::{cursor, terminal};
use ratatui::layout::{Position, Size};
use ratatui::style::{Color, Modifier};
use unicode_width::UnicodeWidthChar;

/// Where the terminal's cursor is, as far as we know.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Place {
    At(u16, u16),
    /// On this row, at a column we cannot be sure of.
    Row(u16),
    Unknown,
}

/// The graphic rendition the terminal holds.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Pen {
    fg: Color,
    bg: Color,
    underline: Color,
    modifier: Modifier,
}

impl Pen {
    const PLAIN: Pen = Pen { fg: Color::Reset, bg: Color::Reset, underline: Color::Reset, modifier: Modifier::empty() };

    fn of(cell: &Cell) -> Pen {
        Pen { fg: cell.fg, bg: cell.bg, underline: cell.underline_color, modifier: cell.modifier }
    }
}

pub struct TermBackend<W: Write> {
    out: W,
    /// What this frame will write, sent in one go by `flush`.
    buf: Vec<u8>,
    place: Place,
    pen: Pen,
    /// Whether the cursor is shown; None until first set.
    visible: Option<bool>,
    /// The terminal's size as last asked (the right edge, where a cursor stops advancing).
    size: Shared<Size>,
    /// A fixed size instead of asking the terminal (tests write to a Vec).
    fixed: Option<Size>,
    /// The size the terminal last said, by answer or by a resize event: asking means opening
    /// the terminal device, on every frame otherwise.
    known: std::cell::Cell<Option<Size>>,
}

impl<W: Write> TermBackend<W> {
    pub fn new(out: W) -> TermBackend<W> {
        TermBackend {
            out,
            buf: Vec::with_capacity(16 * 1024),
            place: Place::Unknown,
            pen: Pen::PLAIN,
            visible: None,
            size: Shared::new(Size { width: u16::MAX, height: u16::MAX }),
            fixed: None,
            known: std::cell::Cell::new(None),
        }
    }

    /// The terminal says it is now `width` x `height` (a resize event).
    pub fn resized(&mut self, width: u16, height: u16) {
        self.known.set(Some(Size { width, height }));
    }

    /// A backend of a fixed size writing to `out` (for tests and benches: no terminal asked).
    pub fn with_size(out: W, width: u16, height: u16) -> TermBackend<W> {
        let size = Size { width, height };
        TermBackend { size: Shared::new(size), fixed: Some(size), ..TermBackend::new(out) }
    }

    pub fn writer(&self) -> &W {
        &self.out
    }

    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// Puts the cursor at (x, y) with the shortest sequence from where it is.
    fn move_to(&mut self, x: u16, y: u16) {
        let b = &mut self.buf;
        match self.place {
            Place::At(cx, cy) if (cx, cy) == (x, y) => {}
            Place::At(cx, cy) if cy == y && x > cx => {
                let n = x - cx;
                if n == 1 {
                    b.extend_from_slice(b"\x1b[C");
                } else {
                    // Forward by n, or to the column: whichever is shorter.
                    let (forward, column) = (digits(n), digits(x + 1));
                    if forward <= column {
                        let _ = write!(b, "\x1b[{n}C");
                    } else {
                        let _ = write!(b, "\x1b[{}G", x + 1);
                    }
                }
            }
            Place::At(_, cy) | Place::Row(cy) if cy == y => {
                if x == 0 {
                    b.push(b'\r');
                } else {
                    let _ = write!(b, "\x1b[{}G", x + 1);
                }
            }
            // The next row's start: a line feed never scrolls here, the row below exists.
            Place::At(_, cy) | Place::Row(cy) if y == cy + 1 && x == 0 => b.extend_from_slice(b"\r\n"),
            _ => match (x, y) {
                (0, 0) => b.extend_from_slice(b"\x1b[H"),
                (0, _) => {
                    let _ = write!(b, "\x1b[{}H", y + 1);
                }
                _ => {
                    let _ = write!(b, "\x1b[{};{}H", y + 1, x + 1);
                }
            },
        }
        self.place = Place::At(x, y);
    }

    /// Sets the rendition for `to`, in one sequence.
    fn set_pen(&mut self, to: Pen) {
        if to == self.pen {
            return;
        }
        let mut change = Vec::with_capacity(16);
        sgr_change(&mut change, self.pen, to);
        let mut fresh = vec![b'0'];
        sgr_change(&mut fresh, Pen::PLAIN, to);
        let params = if change.len() <= fresh.len() { change } else { fresh };
        self.buf.extend_from_slice(b"\x1b[");
        self.buf.extend_from_slice(&params);
        self.buf.push(b'm');
        self.pen = to;
    }

    /// Where the cursor is after `symbol` was written at (x, y).
    fn advance(&self, x: u16, y: u16, symbol: &str) -> Place {
        let Some(width) = trusted_width(symbol) else { return Place::Row(y) };
        let next = x.saturating_add(width);
        // At the right edge a terminal holds the cursor on the last column, waiting to wrap.
        if next >= self.size.get().width { Place::Unknown } else { Place::At(next, y) }
    }
}

/// How many decimal digits `n` takes.
fn digits(n: u16) -> usize {
    n.checked_ilog10().unwrap_or(0) as usize + 1
}

/// The width every terminal gives `symbol`, or None where terminals differ (ambiguous East
/// Asian width, emoji, clusters of several code points).
fn trusted_width(symbol: &str) -> Option<u16> {
    let mut chars = symbol.chars();
    let (Some(c), None) = (chars.next(), chars.next()) else { return None };
    if c.is_ascii() {
        return (!c.is_ascii_control()).then_some(1);
    }
    if is_cjk_wide(c) {
        return Some(2);
    }
    match (c.width(), c.width_cjk()) {
        (Some(1), Some(1)) if !is_emoji_like(c) => Some(1),
        _ => None,
    }
}

/// The CJK blocks, wide on every terminal since long before emoji: Hangul Jamo, CJK radicals
/// to Yi (punctuation, kana, ideographs), Hangul syllables, compatibility ideographs, vertical
/// and small forms, fullwidth forms, and the supplementary ideographic planes.
fn is_cjk_wide(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{303E}'
        | '\u{3041}'..='\u{33FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{A000}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF01}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}'
        | '\u{20000}'..='\u{2FFFD}'
        | '\u{30000}'..='\u{3FFFD}')
}

/// Symbols some terminals draw as emoji (two columns) and others as text.
fn is_emoji_like(c: char) -> bool {
    matches!(c, '\u{2190}'..='\u{2BFF}' | '\u{1F000}'..='\u{1FFFF}')
}

/// SGR parameters (`1;7;36`) that take the terminal from `from` to `to`; nothing if equal.
fn sgr_change(out: &mut Vec<u8>, from: Pen, to: Pen) {
    let mut params: Vec<u16> = Vec::new();
    let removed = from.modifier - to.modifier;
    let mut added = to.modifier - from.modifier;
    if removed.intersects(Modifier::BOLD | Modifier::DIM) {
        // 22 ends both bold and dim: the one kept is set again.
        params.push(22);
        added |= to.modifier & (Modifier::BOLD | Modifier::DIM);
    }
    for (m, off) in [
        (Modifier::ITALIC, 23),
        (Modifier::UNDERLINED, 24),
        (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK, 25),
        (Modifier::REVERSED, 27),
        (Modifier::HIDDEN, 28),
        (Modifier::CROSSED_OUT, 29),
    ] {
        if removed.intersects(m) {
            params.push(off);
            if m.contains(Modifier::SLOW_BLINK) {
                added |= to.modifier & (Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
            }
        }
    }
    for (m, on) in [
        (Modifier::BOLD, 1),
        (Modifier::DIM, 2),
        (Modifier::ITALIC, 3),
        (Modifier::UNDERLINED, 4),
        (Modifier::SLOW_BLINK, 5),
        (Modifier::RAPID_BLINK, 6),
        (Modifier::REVERSED, 7),
        (Modifier::HIDDEN, 8),
        (Modifier::CROSSED_OUT, 9),
    ] {
        if added.contains(m) {
            params.push(on);
        }
    }
    let mut text: Vec<String> = params.iter().map(u16::to_string).collect();
    if from.fg != to.fg {
        text.push(color(to.fg, 30, 90, 38, 39));
    }
    if from.bg != to.bg {
        text.push(color(to.bg, 40, 100, 48, 49));
    }
    if from.underline != to.underline {
        text.push(color(to.underline, 0, 0, 58, 59));
    }
    for t in text {
        if !out.is_empty() {
            out.push(b';');
        }
        out.extend_from_slice(t.as_bytes());
    }
}

/// The SGR parameters of a colour: `base` + 0..7 for the eight colours, `bright` + 0..7 for
/// their light forms (both 0 where there are none: underline colours), `extended;5;n` or
/// `extended;2;r;g;b` otherwise, `reset` for the default.
fn color(c: Color, base: u16, bright: u16, extended: u16, reset: u16) -> String {
    let named = |n: u16, light: bool| match (light, base, bright) {
        (_, 0, _) => format!("{extended};5;{}", n + if light { 8 } else { 0 }),
        (false, _, _) => (base + n).to_string(),
        (true, _, _) => (bright + n).to_string(),
    };
    match c {
        Color::Reset => reset.to_string(),
        Color::Black => named(0, false),
        Color::Red => named(1, false),
        Color::Green => named(2, false),
        Color::Yellow => named(3, false),
        Color::Blue => named(4, false),
        Color::Magenta => named(5, false),
        Color::Cyan => named(6, false),
        Color::Gray => named(7, false),
        Color::DarkGray => named(0, true),
        Color::LightRed => named(1, true),
        Color::LightGreen => named(2, true),
        Color::LightYellow => named(3, true),
        Color::LightBlue => named(4, true),
        Color::LightMagenta => named(5, true),
        Color::LightCyan => named(6, true),
        Color::White => named(7, true),
        Color::Indexed(i) => format!("{extended};5;{i}"),
        Color::Rgb(r, g, b) => format!("{extended};2;{r};{g};{b}"),
    }
}

impl<W: Write> Write for TermBackend<W> {
    /// Raw bytes to the terminal, after what is queued; the cursor and rendition are then
    /// unknown.
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        self.place = Place::Unknown;
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Backend::flush(self)
    }
}

impl<W: Write> Backend for TermBackend<W> {
    type Error = io::Error;

    fn draw<'a, I>(&mut self, content: I) -> io::Result<()>
    where
        I: Iterator<Item = (u16, u16, &'a Cell)>,
    {
        for (x, y, cell) in content {
            self.move_to(x, y);
            self.set_pen(Pen::of(cell));
            let symbol = cell.symbol();
            self.buf.extend_from_slice(symbol.as_bytes());
            self.place = self.advance(x, y, symbol);
        }
        // Leave the terminal plain between frames (for the cursor and anything written after).
        self.set_pen(Pen::PLAIN);
        Ok(())
    }

    fn hide_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(false) {
            self.buf.extend_from_slice(b"\x1b[?25l");
            self.visible = Some(false);
        }
        Ok(())
    }

    fn show_cursor(&mut self) -> io::Result<()> {
        if self.visible != Some(true) {
            self.buf.extend_from_slice(b"\x1b[?25h");
            self.visible = Some(true);
        }
        Ok(())
    }

    fn get_cursor_position(&mut self) -> io::Result<Position> {
        if let Place::At(x, y) = self.place {
            return Ok(Position { x, y });
        }
        Backend::flush(self)?;
        let (x, y) = cursor::position()?;
        self.place = Place::At(x, y);
        Ok(Position { x, y })
    }

    fn set_cursor_position<P: Into<Position>>(&mut self, position: P) -> io::Result<()> {
        let Position { x, y } = position.into();
        self.move_to(x, y);
        Ok(())
    }

    fn clear(&mut self) -> io::Result<()> {
        self.clear_region(ClearType::All)
    }

    fn clear_region(&mut self, clear_type: ClearType) -> io::Result<()> {
        // Erasing fills with the current background: plain first.
        self.set_pen(Pen::PLAIN);
        let sequence: &[u8] = match clear_type {
            ClearType::All => b"\x1b[2J",
            ClearType::AfterCursor => b"\x1b[J",
            ClearType::BeforeCursor => b"\x1b[1J",
            ClearType::CurrentLine => b"\x1b[2K",
            ClearType::UntilNewLine => b"\x1b[K",
        };
        self.buf.extend_from_slice(sequence);
        Backend::flush(self)
    }

    fn append_lines(&mut self, n: u16) -> io::Result<()> {
        for _ in 0..n {
            self.buf.push(b'\n');
        }
        self.place = Place::Unknown;
        Backend::flush(self)
    }

    fn size(&self) -> io::Result<Size> {
        let size = match self.fixed.or(self.known.get()) {
            Some(size) => size,
            None => {
                let (width, height) = terminal::size()?;
                let size = Size { width, height };
                self.known.set(Some(size));
                size
            }
        };
        self.size.set(size);
        Ok(size)
    }

    fn window_size(&mut self) -> io::Result<WindowSize> {
        if let Some(size) = self.fixed {
            return Ok(WindowSize { columns_rows: size, pixels: Size { width: 0, height: 0 } });
        }
        let terminal::WindowSize { columns, rows, width, height } = terminal::window_size()?;
        Ok(WindowSize { columns_rows: Size { width: columns, height: rows }, pixels: Size { width, height } })
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let result = self.out.write_all(&self.buf);
            self.buf.clear();
            result?;
        }
        self.out.flush()
    }
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::style::{Style, Stylize};
    use ratatui::text::Line;

    use super::*;

    fn terminal(w: u16, h: u16) -> Terminal<TermBackend<Vec<u8>>> {
        Terminal::new(TermBackend::with_size(Vec::new(), w, h)).unwrap()
    }

    /// What one frame of `lines` writes after the frame before.
    fn frame(t: &mut Terminal<TermBackend<Vec<u8>>>, lines: &[Line<'static>]) -> String {
        t.backend_mut().writer_mut().clear();
        t.draw(|f| {
            let width = f.area().width;
            for (y, line) in lines.iter().enumerate() {
                f.buffer_mut().set_line(0, y as u16, line, width);
            }
        })
        .unwrap();
        String::from_utf8(t.backend().writer().clone()).unwrap()
    }

    #[test]
    fn no_move_after_a_wide_character() {
        let mut t = terminal(20, 2);
        let out = frame(&mut t, &[Line::from("体验a验")]);
        assert!(out.contains("体验a验"), "{out:?}");
        assert_eq!(out.matches("\x1b[").count(), 2, "one move home and hiding the cursor: {out:?}");
    }

    #[test]
    fn a_gap_is_crossed_forward_and_the_next_row_by_a_line_feed() {
        let mut t = terminal(20, 3);
        frame(&mut t, &[Line::from("排队 abc"), Line::from("等候 xyz")]);
        let out = frame(&mut t, &[Line::from("排队 abd"), Line::from("等待 xyz")]);
        // Row 0 changes at column 7, row 1 at column 2; the row's start is a line feed away.
        assert_eq!(out, "\x1b[1;8Hd\x1b[2;3H待");
        // Back along the same row: to the column.
        let out = frame(&mut t, &[Line::from("排队 abd"), Line::from("等候 xyz")]);
        assert_eq!(out, "\x1b[3G候");
        let out = frame(&mut t, &[Line::from("排队 abc"), Line::from("排候 xyz")]);
        assert_eq!(out, "\x1b[1;8Hc\r\n排");
    }

    #[test]
    fn ambiguous_width_is_not_trusted() {
        let mut t = terminal(20, 2);
        let out = frame(&mut t, &[Line::from("─a")]);
        assert_eq!(out, "\x1b[H─\x1b[2Ga\x1b[?25l");
    }

    #[test]
    fn style_changes_are_one_sequence_and_the_frame_ends_plain() {
        let mut t = terminal(10, 1);
        let out = frame(&mut t, &[Line::from("ab".bold().reversed().cyan())]);
        assert_eq!(out, "\x1b[H\x1b[1;7;36mab\x1b[0m\x1b[?25l");
        // Back to the row's start by a carriage return.
        let out = frame(&mut t, &[Line::from("ab".bold())]);
        assert_eq!(out, "\r\x1b[1mab\x1b[0m");
        let out = frame(&mut t, &[Line::styled("ab", Style::new().dim())]);
        assert_eq!(out, "\r\x1b[2mab\x1b[0m");
    }

    #[test]
    fn nothing_changed_writes_nothing() {
        let mut t = terminal(10, 2);
        frame(&mut t, &[Line::from("体验")]);
        assert_eq!(frame(&mut t, &[Line::from("体验")]), "");
    }

    #[test]
    fn the_right_edge_forgets_the_column() {
        let mut t = terminal(4, 2);
        let out = frame(&mut t, &[Line::from("体验"), Line::from("ab")]);
        assert_eq!(out, "\x1b[H体验\x1b[2Hab\x1b[?25l");
    }
}
