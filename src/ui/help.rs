//! The help overlay on screen: the lines `app::help` says, in the box `app::layout` gives,
//! scrolled, with where the page is when they do not all fit.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::help::lines;
use crate::app::layout::help_box;
use crate::text;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, scroll: u16) {
    let (rect, inner) = help_box(area);
    widgets::clear(frame, rect);
    let all = lines(state, inner.width as usize);
    let total = all.len();
    let max_scroll = total.saturating_sub(inner.height as usize);
    let scroll = (scroll as usize).min(max_scroll);
    let mut block = theme.block(format!(" {} ", state.t("help.title")));
    // Where the page is, when the lines do not all fit: 1-20/45, and that more follow.
    if max_scroll > 0 {
        let s = state.ctx.strings();
        let last = (scroll + inner.height as usize).min(total);
        let below = total - last;
        let (from, to, all_n) = ((scroll + 1).to_string(), last.to_string(), total.to_string());
        let mut place = s.tf("help.position", &[("from", &from), ("to", &to), ("total", &all_n)]);
        if below > 0 {
            let more = s.tf("help.more", &[("n", &below.to_string())]);
            // On a narrow box, that more lines follow matters more than where this page is.
            let room = rect.width.saturating_sub(4) as usize;
            place = format!("{place}  {more}");
            if text::width(&place) > room {
                place = text::truncate(&more, room).into_owned();
            }
        }
        block = block.title_bottom(Line::from(Span::styled(format!(" {place} "), theme.label())).right_aligned());
    }
    frame.render_widget(block, rect);
    let shown: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .map(|(l, head)| if head { Line::from(Span::styled(l, theme.header())) } else { Line::from(l) })
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
