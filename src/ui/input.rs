//! Drawing the text-input model (`crate::edit::TextInput`). Rendering is stateless and returns
//! where the real terminal cursor belongs, so the IME candidate window follows it; no fake
//! cursor is drawn. Wrapping here and the model's row moves use the same `edit::layout`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use unicode_segmentation::UnicodeSegmentation;

pub use crate::edit::TextInput;
use crate::edit::{layout, row_of};
use crate::text::{grapheme_width, width};

/// Draw into `area` (cleared with `style` first) and return where the terminal cursor
/// belongs, for `frame.set_cursor_position`. `None` when nothing of `area` is visible.
pub fn render(input: &TextInput, area: Rect, buf: &mut Buffer, style: Style) -> Option<Position> {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return None;
    }
    clear_area(buf, area, style);
    let columns = usize::from(area.width);
    let (column, row) = if input.is_multiline() {
        render_multi(input, area, buf, style)
    } else {
        let caret_column = width(&input.text()[..input.caret()]);
        // Show from the start while the caret fits, else a window ending at the caret.
        let first = (caret_column + 1).saturating_sub(columns);
        draw_row(buf, area, 0, input.text(), first, style);
        (caret_column - first, 0)
    };
    let x = area.x + clamp_u16(column.min(columns - 1));
    Some(Position::new(x, area.y + clamp_u16(row)))
}

/// Like [`Self::render`], but a one-line input is wrapped over the rows of `area` (scrolled
/// so the caret's row shows) instead of scrolling sideways: the start of a long line stays
/// in view. The text is still one line: Enter submits it.
pub fn render_wrapped(input: &TextInput, area: Rect, buf: &mut Buffer, style: Style) -> Option<Position> {
    if input.is_multiline() {
        return render(input, area, buf, style);
    }
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return None;
    }
    clear_area(buf, area, style);
    let (column, row) = render_multi(input, area, buf, style);
    let x = area.x + clamp_u16(column.min(usize::from(area.width) - 1));
    Some(Position::new(x, area.y + clamp_u16(row)))
}

/// Draw the text as it reads when it is not being edited (an unfocused form field): from
/// its start, a one-line text cut with `..` at the edge, a multi-line one from its first
/// row. No caret.
pub fn render_idle(input: &TextInput, area: Rect, buf: &mut Buffer, style: Style) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    clear_area(buf, area, style);
    if input.is_multiline() {
        let rows = layout(input.text(), usize::from(area.width));
        for (offset, row) in rows.iter().take(usize::from(area.height)).enumerate() {
            draw_row(buf, area, offset, &input.text()[row.start..row.end], 0, style);
        }
    } else {
        let shown = crate::text::truncate(input.text(), usize::from(area.width));
        draw_row(buf, area, 0, &shown, 0, style);
    }
}

/// Draw wrapped rows, scrolled so the caret row is visible; returns the caret's
/// (column, row) inside the area.
fn render_multi(input: &TextInput, area: Rect, buf: &mut Buffer, style: Style) -> (usize, usize) {
    let rows = layout(input.text(), usize::from(area.width));
    let caret_row = row_of(&rows, input.caret());
    let height = usize::from(area.height);
    let top = (caret_row + 1).saturating_sub(height);
    for (offset, row) in rows.iter().skip(top).take(height).enumerate() {
        draw_row(buf, area, offset, &input.text()[row.start..row.end], 0, style);
    }
    let column = width(&input.text()[rows[caret_row].start..input.caret()]);
    (column, caret_row - top)
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
                if let Some(pos) = render(input, area, frame.buffer_mut(), Style::default()) {
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
        let pos = render(&input, Rect::new(3, 2, 10, 1), &mut buf, Style::default());
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
        // The app gives the input the width the screen draws it at.
        input.set_wrap_width(10);
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
        // The app gives the input the width the screen draws it at.
        input.set_wrap_width(10);
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
        input.set_wrap_width(6);
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
        assert_eq!(render(&input, Rect::new(0, 0, 0, 3), &mut buf, style), None);
        assert_eq!(render(&input, Rect::new(0, 0, 3, 0), &mut buf, style), None);
        assert_eq!(render(&input, Rect::new(9, 9, 3, 3), &mut buf, style), None, "off-buffer");
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
                if let Some(pos) = render(input, area, &mut buf, Style::default()) {
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
        let on_boundary =
            unicode_segmentation::GraphemeCursor::new(caret, text.len(), true).is_boundary(text, 0).unwrap_or(true);
        assert!(on_boundary, "caret {caret} inside a grapheme of {text:?}");
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
            match render(&input, area, &mut buf, Style::default()) {
                Some(pos) => prop_assert!(area.contains(pos), "{:?} outside {:?}", pos, area),
                None => prop_assert!(area.is_empty()),
            }
        }
    }
}
