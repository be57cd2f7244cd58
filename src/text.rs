//! Display-width helpers shared by every screen.
//!
//! Chinese text is the norm, so widths are terminal columns summed over grapheme clusters, never
//! byte or char counts. Strings passed to `width` should already be [`sanitize`]d: control
//! characters have no sensible width. [`truncate`] and [`pad`] sanitize first themselves, so a
//! cut can never leave half an escape sequence behind (an OSC without its terminator would
//! swallow the rest of the terminal's output).
//!
//! Names and texts given to be stored are checked here too ([`check_name`], [`check_text`]):
//! the command line refuses control characters at input and the TUI's fields drop them, by the
//! same rule.

use std::borrow::Cow;

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// The ellipsis that marks a cut. Plain ASCII on purpose: `…` is ambiguous-width and takes two
/// columns on CJK-configured terminals, which would break every layout after it.
const ELLIPSIS: &str = "..";

/// Display width of one grapheme cluster in terminal columns.
pub fn grapheme_width(grapheme: &str) -> usize {
    grapheme.width()
}

/// Display width of `s` in terminal columns (CJK = 2).
pub fn width(s: &str) -> usize {
    if is_plain(s) {
        return s.chars().map(plain_width).sum();
    }
    s.graphemes(true).map(grapheme_width).sum()
}

/// Whether `c` is a grapheme cluster by itself whatever stands around it, with a width no
/// terminal disputes: printable ASCII, CJK punctuation (not the ideographic tone marks, which
/// combine, nor U+303F, a half-width space), the unified ideographs, and the fullwidth forms. Most of what tiyan shows is
/// only these, and segmenting it into graphemes was most of the time a frame took.
fn is_plain_char(c: char) -> bool {
    matches!(c, ' '..='~' | '\u{3000}'..='\u{3029}' | '\u{3030}'..='\u{303E}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF01}'..='\u{FF60}')
}

/// Whether every character of `s` is [`is_plain_char`]: then its graphemes are its chars.
fn is_plain(s: &str) -> bool {
    s.chars().all(is_plain_char)
}

/// The width of a plain character: 1 for ASCII, 2 for the rest.
fn plain_width(c: char) -> usize {
    if c.is_ascii() { 1 } else { 2 }
}

/// Characters no text keeps as they are, shown or typed: controls (C0, DEL, C1, ESC among
/// them), line and paragraph separators, and the bidirectional embeddings, overrides and
/// isolates (they reorder what is shown, so a name could read as something else).
pub fn is_unsafe_char(c: char) -> bool {
    c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every kind of line break (CR, LF, CRLF, NEL, U+2028/2029) as `line_break`, a tab as
/// a space, and every other unsafe character (see [`is_unsafe_char`]) as `other`, or dropped
/// when `other` is None. Borrows when nothing needs replacing. The one rule behind what is
/// drawn ([`sanitize`]) and what is typed (`edit::TextInput`).
pub fn replace_unsafe(s: &str, line_break: char, other: Option<char>) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe_char) {
        return Cow::Borrowed(s);
    }
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
            c if is_unsafe_char(c) => out.extend(other),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Make `s` safe to draw on one line: line breaks and tabs become one space each (CRLF counts as
/// one), other control characters and bidirectional overrides become `?`.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    replace_unsafe(s, ' ', Some('?'))
}

/// [`sanitize`], then cut to at most `max` columns without splitting a grapheme or a wide
/// character. A cut is marked with `..`; when `max` is below 2 the result is just as many dots
/// as fit. Sanitizing first means the cut is measured on what is drawn and never splits an
/// escape sequence.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    match sanitize(s) {
        Cow::Borrowed(clean) => truncate_clean(clean, max),
        Cow::Owned(clean) => Cow::Owned(truncate_clean(&clean, max).into_owned()),
    }
}

fn truncate_clean(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max < ELLIPSIS.len() {
        return Cow::Owned(".".repeat(max));
    }
    let budget = max - ELLIPSIS.len();
    let mut used = 0;
    let mut end = 0;
    if is_plain(s) {
        for (index, c) in s.char_indices() {
            let w = plain_width(c);
            if used + w > budget {
                break;
            }
            used += w;
            end = index + c.len_utf8();
        }
        return Cow::Owned(format!("{}{ELLIPSIS}", &s[..end]));
    }
    for (index, grapheme) in s.grapheme_indices(true) {
        let w = grapheme_width(grapheme);
        if used + w > budget {
            break;
        }
        used += w;
        end = index + grapheme.len();
    }
    Cow::Owned(format!("{}{ELLIPSIS}", &s[..end]))
}

/// [`sanitize`] and [`truncate`] to `w` columns, then pad with spaces to exactly `w` columns.
pub fn pad(s: &str, w: usize) -> String {
    let cut = truncate(s, w);
    let fill = w.saturating_sub(width(&cut));
    let mut out = String::with_capacity(cut.len() + fill);
    out.push_str(&cut);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// Whether `c` may be stored in a name (a person, a unit, an inspector): no control character
/// (C0, DEL, C1), no line or paragraph separator.
pub fn allowed_in_name(c: char) -> bool {
    !(c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'))
}

/// Whether `c` may be stored in a text that can span lines (a note, a measure, evidence):
/// what a name allows, plus newline and tab.
pub fn allowed_in_text(c: char) -> bool {
    matches!(c, '\n' | '\t') || allowed_in_name(c)
}

/// The first character a name may not hold (see [`allowed_in_name`]).
pub fn check_name(s: &str) -> Result<(), BadChar> {
    first_bad(s, allowed_in_name)
}

/// The first character a multi-line text may not hold (see [`allowed_in_text`]). A CR of a
/// CRLF line end is taken as part of the newline.
pub fn check_text(s: &str) -> Result<(), BadChar> {
    first_bad(&s.replace("\r\n", "\n"), allowed_in_text)
}

fn first_bad(s: &str, allowed: fn(char) -> bool) -> Result<(), BadChar> {
    match s.chars().position(|c| !allowed(c)) {
        None => Ok(()),
        Some(index) => Err(BadChar { ch: s.chars().nth(index).unwrap_or('?'), index }),
    }
}

/// A character refused in a name or text, and where (counted in characters from 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadChar {
    pub ch: char,
    pub index: usize,
}

impl BadChar {
    /// The character as `U+001B`: safe to print, whatever it is.
    pub fn code_point(&self) -> String {
        format!("U+{:04X}", u32::from(self.ch))
    }
}

/// A share as a whole percentage, "-" when there is nothing to divide. Rounded half up
/// (62.5% → 63%), as people round; `{:.0}` would round half to even.
pub fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{}%", (r * 100.0).round())).unwrap_or_else(|| "-".into())
}

/// What separates the names in a list as people type them: 、 and the Chinese and ASCII
/// comma and semicolon.
pub const LIST_SEPARATORS: [char; 5] = ['、', ',', '，', ';', '；'];

/// A typed list (inspectors, tags, statuses) as its items, trimmed, empty ones dropped:
/// "张三、李四, 王五" is three names.
pub fn split_list(text: &str) -> Vec<String> {
    text.split(LIST_SEPARATORS).map(str::trim).filter(|s| !s.is_empty()).map(String::from).collect()
}

/// Wrap `s` for read-only display into lines of at most `width` columns, keeping explicit
/// newlines. Uses textwrap, which (unlike ratatui's wrap) breaks between Han characters and keeps
/// closing punctuation like `，` off the start of a line. Each line is [`sanitize`]d.
///
/// A width of 0 is treated as 1. A single grapheme wider than `width` still gets its own line,
/// so a line can exceed `width` only when `width` is 1. Note textwrap measures per `char`, so
/// emoji ZWJ sequences count wider than they draw and may wrap early; never later.
pub fn wrap(s: &str, width: usize) -> Vec<String> {
    let options = textwrap::Options::new(width.max(1)).wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
    let mut lines = Vec::new();
    for paragraph in s.split('\n') {
        let paragraph = paragraph.strip_suffix('\r').unwrap_or(paragraph);
        let paragraph = sanitize(paragraph);
        lines.extend(textwrap::wrap(&paragraph, &options).into_iter().map(Cow::into_owned));
    }
    lines
}

/// `s` wrapped by display width into at most `rows` rows of `width` columns; when more would
/// be needed, the last row takes the rest of the text, cut with `..`. The rest is taken from
/// the text itself, so a space the wrap dropped at a break is kept ("-> 08:43", not "->08:43").
pub fn wrap_rows(s: &str, width: usize, rows: usize) -> Vec<String> {
    let clean = sanitize(s);
    let mut out = Vec::new();
    let mut rest: &str = &clean;
    while out.len() + 1 < rows.max(1) {
        let Some(first) = wrap(rest, width).into_iter().next() else { break };
        // textwrap gives back slices of its input, so the row is the start of what is left.
        let Some(after) = rest.strip_prefix(first.as_str()) else { break };
        out.push(first);
        rest = after.trim_start();
        if rest.is_empty() {
            return out;
        }
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(truncate(rest, width).into_owned());
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_plain_character_is_its_own_grapheme_with_the_width_unicode_gives_it() {
        use unicode_width::UnicodeWidthStr;
        let plain: Vec<char> =
            (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| super::is_plain_char(*c)).collect();
        assert!(plain.len() > 20_000);
        for c in &plain {
            assert_eq!(super::plain_width(*c), c.to_string().width(), "{c:?} U+{:04X}", *c as u32);
        }
        // Segmented as a whole, followed by anything that does combine, they agree too.
        for c in &plain {
            for next in ['\u{0301}', '\u{200D}', '\u{FE0F}', '\u{302A}', 'a', '体'] {
                let s = format!("{c}{next}{c}");
                let slow: usize =
                    super::UnicodeSegmentation::graphemes(s.as_str(), true).map(super::grapheme_width).sum();
                assert_eq!(super::width(&s), slow, "{s:?}");
            }
        }
    }

    use super::*;

    #[test]
    fn shown_text_never_carries_a_bidi_override_and_typed_text_drops_it() {
        // U+202E would show "县医保局" as written backwards after it: a name that reads as another.
        assert_eq!(sanitize("坏\u{202E}局\u{85}x"), "坏?局 x");
        assert_eq!(replace_unsafe("a\u{202E}b\r\nc", '\n', None), "ab\nc");
    }

    #[test]
    fn lists_split_on_chinese_and_ascii_separators() {
        assert_eq!(split_list("张三、李四, 王五，赵六；"), vec!["张三", "李四", "王五", "赵六"]);
        assert!(split_list(" 、 ").is_empty());
    }

    #[test]
    fn width_counts_cjk_as_two_and_graphemes_once() {
        assert_eq!(width(""), 0);
        assert_eq!(width("abc"), 3);
        assert_eq!(width("排队"), 4);
        assert_eq!(width("排队abc"), 7);
        assert_eq!(width("e\u{301}"), 1, "combining mark adds no column");
        assert_eq!(width("👨‍👩‍👧"), 2, "ZWJ family is one wide glyph");
        assert_eq!(width("🇨🇳"), 2, "flag pair is one wide glyph");
        assert_eq!(width("，。"), 4, "fullwidth punctuation");
        assert_eq!(width("ｶﾞ"), 2, "halfwidth sound mark takes its own column");
    }

    #[test]
    fn sanitize_replaces_controls_and_borrows_clean_text() {
        assert!(matches!(sanitize("排队 abc"), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\tb"), "a b");
        assert_eq!(sanitize("一\n二"), "一 二");
        assert_eq!(sanitize("一\r\n二"), "一 二", "CRLF is one newline");
        assert_eq!(sanitize("一\r二"), "一 二");
        assert_eq!(sanitize("a\u{1b}[31mb"), "a?[31mb");
        assert_eq!(sanitize("a\u{7f}\u{0}b"), "a??b");
        assert_eq!(sanitize("a\u{2028}b"), "a b");
    }

    #[test]
    fn truncate_and_pad_sanitize_before_they_cut() {
        // An OSC cut before its BEL would swallow what the terminal prints after it.
        let hostile = "\u{1b}]0;PWNED\u{7}\u{1b}[2J县医保局";
        for w in 0..30 {
            for out in [truncate(hostile, w).into_owned(), pad(hostile, w)] {
                assert!(!out.chars().any(char::is_control), "{out:?} at {w}");
                assert!(width(&out) <= w, "{out:?} at {w}");
            }
        }
        assert_eq!(truncate(hostile, 30), "?]0;PWNED??[2J县医保局");
        assert_eq!(truncate("a\u{1b}[31mbcdef", 6), "a?[3..");
        assert_eq!(pad("一\t二", 6), "一 二 ");
    }

    #[test]
    fn names_refuse_controls_and_texts_allow_line_breaks() {
        assert_eq!(check_name("县医保局 Bureau"), Ok(()));
        let bad = check_name("\u{1b}[41m坏人").unwrap_err();
        assert_eq!((bad.index, bad.code_point()), (0, "U+001B".to_string()));
        assert_eq!(check_name("坏\u{9b}人").unwrap_err().code_point(), "U+009B", "C1 CSI");
        assert!(check_name("a\nb").is_err() && check_name("a\tb").is_err());
        assert!(check_name("a\u{2028}b").is_err());
        assert_eq!(check_text("第一行\n第二行\tx\r\n"), Ok(()));
        assert_eq!(check_text("a\u{7}b").unwrap_err().index, 1);
        assert!(check_text("a\rb").is_err(), "a lone CR moves the cursor back");
    }

    #[test]
    fn truncate_keeps_short_text_borrowed() {
        assert!(matches!(truncate("排队abc", 7), Cow::Borrowed(_)));
        assert!(matches!(truncate("", 0), Cow::Borrowed(_)));
    }

    #[test]
    fn truncate_never_splits_wide_chars() {
        assert_eq!(truncate("排队等待", 7), "排队..");
        assert_eq!(truncate("排队等待", 6), "排队..");
        assert_eq!(truncate("排队等待", 5), "排..");
        assert_eq!(truncate("a排队", 4), "a..");
        assert_eq!(truncate("ab排队", 5), "ab..");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}xyz", 4), "e\u{301}e\u{301}..");
        assert_eq!(truncate("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", 5), "👨‍👩‍👧..");
    }

    #[test]
    fn truncate_tiny_widths_fit() {
        assert_eq!(truncate("排队", 0), "");
        assert_eq!(truncate("排队", 1), ".");
        assert_eq!(truncate("排队", 2), "..");
        assert_eq!(truncate("排队", 3), "..");
        for max in 0..12 {
            for s in ["排队等待时间过长abc", "a中b文c", "👨‍👩‍👧x", ""] {
                assert!(width(&truncate(s, max)) <= max, "{s:?} at {max}");
            }
        }
    }

    #[test]
    fn pad_gives_exact_width() {
        assert_eq!(pad("中", 5), "中   ");
        assert_eq!(pad("排队等待", 5), "排.. ");
        assert_eq!(pad("", 3), "   ");
        assert_eq!(pad("abc", 0), "");
        for w in 0..12 {
            assert_eq!(width(&pad("排队等待时间过长abc", w)), w);
        }
    }

    #[test]
    fn wrap_breaks_between_han_characters() {
        let lines = wrap("群众反映窗口排队等待时间过长", 10);
        assert_eq!(lines, ["群众反映窗", "口排队等待", "时间过长"]);
    }

    #[test]
    fn wrap_keeps_closing_punctuation_off_line_start() {
        assert_eq!(wrap("群众反映窗口，排队", 12), ["群众反映窗", "口，排队"]);
    }

    #[test]
    fn wrap_prefers_spaces_for_ascii() {
        assert_eq!(wrap("hello world again", 11), ["hello world", "again"]);
        assert_eq!(wrap("取号 ticket A123", 8), ["取号", "ticket", "A123"]);
    }

    #[test]
    fn wrap_keeps_explicit_newlines_and_blank_lines() {
        assert_eq!(wrap("一\n\n二\r\n三", 10), ["一", "", "二", "三"]);
        assert_eq!(wrap("", 10), [""]);
        assert_eq!(wrap("a\tb", 10), ["a b"]);
    }

    #[test]
    fn wrap_lines_fit_the_width() {
        let text = "排队等待时间过长abc，建议增加自助设备 and more words 😀😀";
        for w in 2..20 {
            for line in wrap(text, w) {
                assert!(width(&line) <= w, "{line:?} wider than {w}");
            }
        }
    }

    #[test]
    fn wrap_width_zero_and_one_terminate() {
        assert_eq!(wrap("排队ab", 0), wrap("排队ab", 1));
        assert_eq!(wrap("排队ab", 1), ["排", "队", "a", "b"]);
    }

    #[test]
    fn wrap_rows_keeps_the_space_at_a_break_and_cuts_only_the_last_row() {
        let narrative = "办理全过程：08:40 到达大厅咨询 -> 08:43 取号 -> 08:44 等候叫号";
        assert_eq!(wrap_rows(narrative, 36, 1), ["办理全过程：08:40 到达大厅咨询 -> .."]);
        let two = wrap_rows(narrative, 36, 2);
        assert_eq!(two, ["办理全过程：08:40 到达大厅咨询 ->", "08:43 取号 -> 08:44 等候叫号"]);
        let long = "保存失败：磁盘空间已满。请腾出空间后再保存一次（Enter 或 Ctrl-S），输入的文字都还在";
        let rows = wrap_rows(long, 38, 3);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(rows.iter().all(|r| width(r) <= 38), "{rows:?}");
        assert_eq!(rows.concat().replace(' ', ""), long.replace(' ', ""), "nothing cut: {rows:?}");
        assert!(wrap_rows(long, 38, 2)[1].ends_with(".."));
        assert_eq!(wrap_rows("", 10, 2), [""]);
        assert_eq!(wrap_rows("短", 10, 3), ["短"]);
    }
}
