//! The kiosk, large and plain: a title row, the question of the step and its answer, the keys
//! at the foot. Every line is cut or wrapped by display width, so 40x12 still reads.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::theme::Theme;
use crate::app::kiosk::{Kiosk, RECEIPT_SECS, Screen};
use crate::app::kiosk_steps::{Step, StepKind, channel_codes};
use crate::domain::kiosk::{Dimension, Level};
use crate::text;
use crate::vocab::ChoiceList;

pub fn draw(frame: &mut Frame, k: &Kiosk) {
    let theme = Theme::new(k.ctx.caps);
    let area = frame.area();
    if area.width < 20 || area.height < 6 {
        return;
    }
    let width = usize::from(area.width);
    let title = match k.ctx.hall.trim() {
        "" => k.t("kiosk.title").to_string(),
        hall => format!("{}  {hall}", k.t("kiosk.title")),
    };
    let bar = text::pad(&format!(" {title}"), width);
    frame.render_widget(Paragraph::new(Line::from(Span::styled(bar, theme.title()))), Rect { height: 1, ..area });

    let body = Rect { x: area.x + 1, y: area.y + 2, width: area.width - 2, height: area.height - 4 };
    let mut lines: Vec<Line<'static>> = Vec::new();
    // A line being typed (drawn by the input's own render: it scrolls sideways at the caret),
    // or a PIN's stars, by row and column.
    let mut typing: Option<(usize, &crate::edit::TextInput)> = None;
    let mut cursor: Option<(usize, usize)> = None;
    let w = usize::from(body.width);
    let para = |lines: &mut Vec<Line<'static>>, t: &str, style: Style| {
        lines.extend(text::wrap(t, w.max(1)).into_iter().map(|l| Line::from(Span::styled(l, style))));
    };
    let plain = Style::new();
    match &k.screen {
        Screen::Start { cursor: at } => {
            // The two choices come before the explanation: on a small terminal they stay.
            para(&mut lines, k.t("kiosk.start.welcome"), theme.header());
            lines.push(Line::from(""));
            for (i, key) in ["kiosk.start.begin", "kiosk.start.lookup"].into_iter().enumerate() {
                let style = if i == *at { theme.selected() } else { plain };
                let mark = if i == *at { "> " } else { "  " };
                lines.push(Line::from(Span::styled(
                    text::truncate(&format!("{mark}{}", k.t(key)), w).into_owned(),
                    style,
                )));
            }
            lines.push(Line::from(""));
            para(&mut lines, k.t("kiosk.start.what"), plain);
        }
        Screen::Entry { entry, step } => {
            let kind = step.kind();
            let head = k.strings().tf(
                "kiosk.progress",
                &[
                    ("n", &kind.number().to_string()),
                    ("of", &StepKind::ALL.len().to_string()),
                    ("what", k.t(kind.key())),
                ],
            );
            para(&mut lines, &head, theme.header());
            lines.push(Line::from(""));
            match step {
                Step::Item(picker) => {
                    typing = Some((lines.len(), &picker.query));
                    lines.push(Line::from("> "));
                    for (i, label) in picker.shown().take(usize::from(body.height).saturating_sub(4)).enumerate() {
                        let style = if i == picker.cursor { theme.selected() } else { plain };
                        lines.push(Line::from(Span::styled(text::truncate(label, w).into_owned(), style)));
                    }
                }
                Step::Window(input) | Step::Wait(input) | Step::Contact(input) => {
                    para(&mut lines, k.t(kind.hint_key()), theme.dim());
                    typing = Some((lines.len(), input));
                    lines.push(Line::from("> "));
                }
                Step::Channel { cursor: at } => {
                    for (i, code) in channel_codes().into_iter().enumerate() {
                        let label = format!("{} {}", i + 1, ChoiceList::Channels.display(code, k.ctx.lang));
                        let style = if i == *at { theme.selected() } else { plain };
                        lines.push(Line::from(Span::styled(text::truncate(&label, w).into_owned(), style)));
                    }
                }
                Step::Ratings { cursor: at, levels } => {
                    let scale: Vec<String> = Level::ALL
                        .iter()
                        .enumerate()
                        .map(|(i, l)| format!("{} {}", i + 1, l.label(k.ctx.lang)))
                        .collect();
                    para(&mut lines, &scale.join("  "), theme.dim());
                    for (i, d) in Dimension::ALL.into_iter().enumerate() {
                        let level = levels[i].map_or(k.t("kiosk.rating.none"), |l| l.label(k.ctx.lang));
                        let style = if i == *at { theme.selected() } else { plain };
                        let line = format!("{} {}：{level}", if i == *at { ">" } else { " " }, d.label(k.ctx.lang));
                        lines.push(Line::from(Span::styled(text::truncate(&line, w).into_owned(), style)));
                    }
                }
                Step::Problems(input) => {
                    para(&mut lines, k.t(kind.hint_key()), theme.dim());
                    for (i, p) in entry.problems.iter().enumerate() {
                        para(&mut lines, &format!("{}. {p}", i + 1), plain);
                    }
                    typing = Some((lines.len(), input));
                    lines.push(Line::from("> "));
                }
                Step::Review => {
                    let none = k.t("kiosk.review.none");
                    let or_none = |t: &str| if t.trim().is_empty() { none.to_string() } else { t.to_string() };
                    let facts = [
                        (k.t("kiosk.step.item"), ChoiceList::Items.display(&entry.item, k.ctx.lang)),
                        (k.t("kiosk.step.window"), or_none(&entry.window)),
                        (k.t("kiosk.step.channel"), ChoiceList::Channels.display(&entry.channel, k.ctx.lang)),
                        (
                            k.t("kiosk.step.wait"),
                            entry.wait_minutes.map_or(none.to_string(), |m| {
                                k.strings().tf("kiosk.minutes", &[("n", &m.to_string())])
                            }),
                        ),
                        match &entry.officer {
                            Some((_, name)) => (k.t("kiosk.who.officer"), name.clone()),
                            None => (k.t("kiosk.step.contact"), or_none(&entry.contact)),
                        },
                    ];
                    for (label, value) in facts {
                        para(&mut lines, &format!("{label}：{value}"), plain);
                    }
                    let rated: Vec<String> = entry
                        .ratings
                        .iter()
                        .map(|(d, l)| format!("{} {}", d.label(k.ctx.lang), l.label(k.ctx.lang)))
                        .collect();
                    para(&mut lines, &rated.join("；"), plain);
                    for (i, p) in entry.problems.iter().enumerate() {
                        para(&mut lines, &format!("{}. {p}", i + 1), plain);
                    }
                }
            }
            let idle = k.idle_secs();
            if idle >= k.ctx.idle_warn_secs {
                let left = (k.ctx.idle_reset_secs - idle).max(0).to_string();
                lines.push(Line::from(""));
                para(&mut lines, &k.strings().tf("kiosk.idle.warning", &[("n", &left)]), theme.error());
            }
        }
        Screen::Who { cursor: at } => {
            para(&mut lines, k.t("kiosk.who.title"), theme.header());
            lines.push(Line::from(""));
            for (i, key) in ["kiosk.who.anonymous", "kiosk.who.officer"].into_iter().enumerate() {
                let style = if i == *at { theme.selected() } else { plain };
                let mark = if i == *at { "> " } else { "  " };
                lines.push(Line::from(Span::styled(
                    text::truncate(&format!("{mark}{}", k.t(key)), w).into_owned(),
                    style,
                )));
            }
        }
        Screen::OfficerPick { picker, .. } => {
            para(&mut lines, k.t("kiosk.officer.pick"), theme.header());
            lines.push(Line::from(""));
            typing = Some((lines.len(), &picker.query));
            lines.push(Line::from("> "));
            if picker.matches() == 0 && !picker.query.text().trim().is_empty() {
                para(&mut lines, k.t("kiosk.officer.none"), theme.error());
            }
            for (i, label) in picker.shown().take(usize::from(body.height).saturating_sub(4)).enumerate() {
                let style = if i == picker.cursor { theme.selected() } else { plain };
                lines.push(Line::from(Span::styled(text::truncate(label, w).into_owned(), style)));
            }
        }
        Screen::OfficerPin { officer, input, error, .. } => {
            para(&mut lines, &k.strings().tf("kiosk.officer.pin", &[("name", &officer.1)]), theme.header());
            let stars = "*".repeat(input.text().chars().count());
            cursor = Some((lines.len(), 2 + stars.len()));
            lines.push(Line::from(format!("> {stars}")));
            if let Some(e) = error {
                para(&mut lines, e, theme.error());
            }
        }
        Screen::Saving { .. } => para(&mut lines, k.t("kiosk.saving"), theme.header()),
        Screen::Receipt { code, at } => {
            para(&mut lines, k.t("kiosk.receipt.saved"), theme.ok());
            lines.push(Line::from(""));
            para(&mut lines, k.t("kiosk.receipt.code"), plain);
            let spaced: String = code.chars().map(|c| format!("{c} ")).collect();
            lines.push(Line::from(Span::styled(format!("    {}", spaced.trim_end()), theme.header())));
            lines.push(Line::from(""));
            para(&mut lines, k.t("kiosk.receipt.keep"), plain);
            let left = (RECEIPT_SECS - crate::domain::stamp::secs_between(at, &k.ctx.clock.now())).max(0);
            para(&mut lines, &k.strings().tf("kiosk.receipt.back", &[("n", &left.to_string())]), theme.dim());
        }
        Screen::Lookup { input, error, .. } => {
            para(&mut lines, k.t("kiosk.lookup.title"), theme.header());
            lines.push(Line::from(""));
            para(&mut lines, k.t("kiosk.lookup.hint"), theme.dim());
            typing = Some((lines.len(), input));
            lines.push(Line::from("> "));
            if let Some(e) = error {
                para(&mut lines, e, theme.error());
            }
        }
        Screen::Found { receipt, .. } => {
            let s = &receipt.session;
            let item = ChoiceList::Items.display(&s.item, k.ctx.lang);
            para(&mut lines, &k.strings().tf("kiosk.found.title", &[("item", &item)]), theme.header());
            if receipt.findings.is_empty() {
                para(&mut lines, k.t("kiosk.found.no_problems"), plain);
            }
            for f in &receipt.findings {
                lines.push(Line::from(""));
                para(&mut lines, &format!("{}. {}", f.seq_label(), f.description), plain);
                let mut status = crate::store::kiosk::plain_status(f).to_string();
                if !f.unit.trim().is_empty() {
                    status.push_str(&k.strings().tf("kiosk.found.unit", &[("unit", f.unit.trim())]));
                }
                if let Some(d) = f.deadline {
                    status.push_str(&k.strings().tf("kiosk.found.deadline", &[("date", &d.to_string())]));
                }
                if let Some(d) = f.closed_on {
                    status.push_str(&k.strings().tf("kiosk.found.closed", &[("date", &d.to_string())]));
                }
                para(&mut lines, &format!("   {status}"), theme.ok());
            }
        }
        Screen::Admin { input, error, .. } => {
            para(&mut lines, k.t("kiosk.admin.title"), theme.header());
            let dots = "*".repeat(input.text().chars().count());
            cursor = Some((lines.len(), 2 + dots.chars().count()));
            lines.push(Line::from(format!("> {dots}")));
            if let Some(e) = error {
                para(&mut lines, e, theme.error());
            }
        }
    }
    // The line being typed stays in view (what is above it goes first); a page to read scrolls
    // with the arrows.
    let height = usize::from(body.height);
    let row_of = typing.map(|(row, _)| row).or(cursor.map(|(row, _)| row));
    let first = match row_of {
        Some(row) if row >= height => row + 1 - height,
        Some(_) => 0,
        None => k.scroll.min(lines.len().saturating_sub(height)),
    };
    let more = lines.len() > first + height;
    let shown: Vec<Line> = lines.into_iter().skip(first).take(height).collect();
    frame.render_widget(Paragraph::new(shown), body);
    let on_screen = |row: usize| (row >= first && row < first + height).then(|| body.y + (row - first) as u16);
    if let Some((row, input)) = typing
        && let Some(y) = on_screen(row)
    {
        let line = Rect { x: body.x + 2, y, width: body.width.saturating_sub(2), height: 1 };
        if let Some(at) = super::input::render(input, line, frame.buffer_mut(), Style::new()) {
            frame.set_cursor_position(at);
        }
    }
    if let Some((row, col)) = cursor
        && let Some(y) = on_screen(row)
    {
        let col = col.min(usize::from(body.width).saturating_sub(1));
        frame.set_cursor_position(Position { x: body.x + col as u16, y });
    }
    let hint = match (&k.screen, more || first > 0) {
        (Screen::Entry { step: Step::Review, .. }, true) => k.t("kiosk.hint.review_more"),
        (Screen::Found { .. }, true) => k.t("kiosk.hint.more"),
        _ => k.t(hint_key(k)),
    };
    let foot = k.notice.clone().unwrap_or_else(|| hint.to_string());
    let style = if k.notice.is_some() { theme.error() } else { theme.dim() };
    let foot = text::truncate(&foot, width).into_owned();
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(foot, style))),
        Rect { y: area.y + area.height - 1, height: 1, ..area },
    );
}

/// The keys of where the person is.
fn hint_key(k: &Kiosk) -> &'static str {
    match &k.screen {
        Screen::Start { .. } | Screen::Who { .. } => "kiosk.hint.start",
        Screen::OfficerPick { .. } | Screen::OfficerPin { .. } => "kiosk.hint.entry",
        Screen::Entry { step: Step::Ratings { .. }, .. } => "kiosk.hint.ratings",
        Screen::Entry { step: Step::Problems(_), .. } => "kiosk.hint.problems",
        Screen::Entry { step: Step::Review, .. } => "kiosk.hint.review",
        Screen::Entry { .. } => "kiosk.hint.step",
        Screen::Saving { .. } => "kiosk.saving",
        Screen::Receipt { .. } | Screen::Found { .. } => "kiosk.hint.any_key",
        Screen::Lookup { .. } | Screen::Admin { .. } => "kiosk.hint.entry",
    }
}
