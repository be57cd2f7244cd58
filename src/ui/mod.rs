//! Drawing. Every module here only reads `State`, and what the core computes from it (the
//! frame's rows and the form's columns in `app::layout`, the help's lines, the status line's
//! message), so a key is handled with the same geometry the frame shows; `draw` is called
//! after each batch of messages.

pub mod board;
pub mod capture;
pub mod checklist;
pub mod dialog;
pub mod due;
pub mod finding_view;
pub mod form;
pub mod help;
pub mod input;
pub mod kiosk;
pub mod ledger;
pub mod move_picker;
pub mod officers;
pub mod picker;
pub mod ratings;
pub mod reminders;
pub mod session_checklists;
pub mod session_page;
pub mod sessions;
pub mod status;
pub mod sync;
pub mod table;
pub mod template_picker;
pub mod theme;
pub mod wait_stats;
pub mod walk;
pub mod widgets;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::app::layout::{self, Areas};
use crate::app::{Overlay, Screen, State};
use theme::Theme;

/// Below this the screens cannot show a row of Chinese text with its labels.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

pub fn draw(frame: &mut Frame, state: &State) {
    let area = frame.area();
    let theme = Theme::new(state.ctx.caps);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, state, area);
        return;
    }
    let warning = layout::warning_lines(state);
    let Areas { title, warning: warn, main, status: status_row } = layout::areas(state, area);
    title_bar(frame, state, &theme, title);
    if !warning.is_empty() {
        let lines: Vec<Line> = warning.into_iter().map(Line::from).collect();
        frame.render_widget(Paragraph::new(lines).style(theme.error()), warn);
    }
    match state.screen {
        Screen::Sessions => sessions::draw(frame, state, &theme, main),
        Screen::SessionPage { session } => session_page::draw(frame, state, &theme, main, session),
        Screen::Checklist { .. } => checklist::draw(frame, state, &theme, main),
        Screen::Board { session } => board::draw(frame, state, &theme, main, session),
        Screen::Walk { session } => walk::draw(frame, state, &theme, main, session),
        Screen::WaitStats => wait_stats::draw(frame, state, &theme, main),
        Screen::Ratings => ratings::draw(frame, state, &theme, main),
        Screen::Officers => officers::draw(frame, state, &theme, main),
        Screen::Finding { finding, .. } => finding_view::draw(frame, state, &theme, main, finding),
        Screen::Ledger => ledger::draw(frame, state, &theme, main),
        Screen::Reminders => reminders::draw(frame, state, &theme, main),
        Screen::Sync => sync::draw(frame, state, &theme, main),
    }
    status::draw(frame, state, &theme, status_row);
    for overlay in &state.overlays {
        match overlay {
            Overlay::Form(f) => form::draw(frame, state, &theme, main, f),
            Overlay::Capture(c) => capture::draw(frame, state, &theme, main, c),
            Overlay::Help { scroll } => help::draw(frame, state, &theme, main, *scroll),
            Overlay::Confirm(c) => dialog::draw(frame, state, &theme, main, c),
            Overlay::TemplatePicker { session, cursor } => {
                template_picker::draw(frame, state, &theme, main, *session, *cursor)
            }
            Overlay::StagePicker { cursor, .. } => walk::draw_picker(frame, state, &theme, main, *cursor),
            Overlay::DocumentPicker { target, cursor } => {
                use crate::app::documents;
                let labels: Vec<String> =
                    documents::choices(*target).iter().map(|c| documents::label(state, *c)).collect();
                let title = state.ctx.strings().tf("documents.title", &[("dir", &documents::destination(state))]);
                widgets::pick_list(frame, &theme, main, (&title, &labels, state.t("documents.hint")), *cursor, 60);
            }
            Overlay::MovePicker { finding, choices, cursor } => {
                move_picker::draw(frame, state, &theme, main, *finding, choices, *cursor)
            }
            Overlay::AttachmentPicker { kind, owner, cursor } => {
                let lines = crate::app::attachments::picker_lines(state, *kind, *owner);
                let (title, hint) = (state.t("attach.picker.title"), state.t("attach.picker.hint"));
                widgets::pick_list(frame, &theme, main, (title, &lines, hint), *cursor, 60);
            }
            Overlay::ResolvePicker { kind, entity, field, cursor } => {
                let labels: Vec<String> = crate::app::conflicts::choices(state, *kind, *entity, field)
                    .iter()
                    .enumerate()
                    .map(|(i, v)| format!("{} {}", i + 1, crate::app::conflicts::value_line(state, field, v)))
                    .collect();
                let name = crate::app::conflicts::field_label(state, *kind, *entity, field);
                let title = state.ctx.strings().tf("conflict.picker.title", &[("field", &name)]);
                let hint = state.t("conflict.picker.hint");
                widgets::pick_list(frame, &theme, main, (&title, &labels, hint), *cursor, 70);
            }
        }
    }
}

fn title_bar(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let right = format!("{} ", state.ctx.profile);
    // Where Chinese cannot be shown, the name alone (the title's 体验 would be garbage).
    let title = if state.ctx.caps.cjk_warning { "tiyan" } else { state.t("app.title") };
    let left = format!(" {title}");
    let line = widgets::spread(&left, &right, area.width as usize);
    frame.render_widget(Paragraph::new(Line::from(line)).style(theme.title()), area);
}

fn too_small(frame: &mut Frame, state: &State, area: Rect) {
    let need = format!("{MIN_WIDTH}x{MIN_HEIGHT}");
    let have = format!("{}x{}", area.width, area.height);
    let msg = state.ctx.strings().tf("app.too_small", &[("need", &need), ("have", &have)]);
    let lines: Vec<Line> = crate::text::wrap(&msg, area.width.max(1) as usize).into_iter().map(Line::from).collect();
    frame.render_widget(Paragraph::new(lines), area);
}
