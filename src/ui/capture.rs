//! The one-line box at the bottom of the screen: quick capture of a finding (attached to the
//! current session, perhaps to a checklist item), or a checklist answer or note. A long line
//! wraps over up to three rows, so its start stays in view.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::theme::Theme;
use super::widgets;
use crate::app::State;
use crate::app::board::ticket_label;
use crate::app::state::{CapturePurpose, CaptureState};
use crate::domain::FindingLink;

/// The most rows the entry line grows to.
const MAX_ROWS: usize = 3;

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect, capture: &CaptureState) {
    let title = match &capture.error {
        Some(error) => error.clone(),
        None => title(state, capture),
    };
    let title = crate::text::truncate(&title, area.width.saturating_sub(4) as usize).into_owned();
    // A long line wraps over up to three rows rather than scroll sideways and hide its start.
    let rows = capture.input.wrapped_rows(area.width.saturating_sub(2)).clamp(1, MAX_ROWS) as u16;
    let h = (rows + 2).min(area.height);
    let rect = Rect { x: area.x, y: area.y + area.height - h, width: area.width, height: h };
    widgets::clear(frame, rect);
    let block = theme.block(format!(" {title} "));
    let block = if capture.error.is_some() { block.title_style(theme.error()) } else { block };
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    // A PIN is shown as stars, never as typed.
    let masked;
    let input = match &capture.purpose {
        CapturePurpose::OfficerPin { .. } => {
            masked = crate::edit::TextInput::single().with_text(&"*".repeat(capture.input.text().chars().count()));
            &masked
        }
        _ => &capture.input,
    };
    if let Some(pos) = super::input::render_wrapped(input, inner, frame.buffer_mut(), ratatui::style::Style::new()) {
        frame.set_cursor_position(pos);
    }
}

fn title(state: &State, capture: &CaptureState) -> String {
    let s = state.ctx.strings();
    let item_text = |checklist, item: &str| {
        let c = state.page.checklists.iter().find(|c| c.id == checklist);
        c.and_then(|c| c.template.item(item)).map(|(_, i)| i.text.clone()).unwrap_or_default()
    };
    match &capture.purpose {
        CapturePurpose::Finding { link: None } => {
            let item = state.session_summary(capture.session).map(|s| s.session.item.clone()).unwrap_or_default();
            s.tf("capture.title", &[("item", &item)])
        }
        CapturePurpose::Finding { link: Some(FindingLink::Check { checklist, item }) } => {
            s.tf("capture.title_from_item", &[("item", &item_text(*checklist, item))])
        }
        CapturePurpose::Finding { link: Some(FindingLink::Ticket(ticket)) } => {
            let number =
                state.board.tickets.iter().find(|t| t.id == *ticket).map(|t| ticket_label(s, &state.board.tickets, t));
            let number = number.unwrap_or_default();
            s.tf("capture.title_from_ticket", &[("ticket", &number)])
        }
        CapturePurpose::Answer { checklist, item, kind } => {
            let unit = state
                .page
                .checklists
                .iter()
                .find(|c| c.id == *checklist)
                .and_then(|c| c.template.item(item))
                .map(|(_, i)| i.unit.clone())
                .unwrap_or_default();
            let mut how = state.t(&format!("entry.{}", kind.code())).to_string();
            if !unit.is_empty() {
                how = s.tf("entry.with_unit", &[("how", &how), ("unit", &unit)]);
            }
            s.tf("capture.title_answer", &[("item", &item_text(*checklist, item)), ("how", &how)])
        }
        CapturePurpose::Note { checklist, item } => {
            s.tf("capture.title_note", &[("item", &item_text(*checklist, item))])
        }
        CapturePurpose::Inspector => s.t("capture.title_inspector").to_string(),
        CapturePurpose::SyncPath => s.t("sync.typed_title").to_string(),
        CapturePurpose::OfficerPin { name, .. } => s.tf("officers.pin_title", &[("name", name)]),
        CapturePurpose::AttachPath { .. } => {
            s.tf("attach.path_title", &[("cap", &crate::files::size_text(state.ctx.attach_cap))])
        }
        CapturePurpose::Transfer { ticket } => {
            let number =
                state.board.tickets.iter().find(|t| t.id == *ticket).map(|t| ticket_label(s, &state.board.tickets, t));
            s.tf("capture.title_transfer", &[("ticket", &number.unwrap_or_default())])
        }
        CapturePurpose::Stage { .. } => state.t("capture.title_stage").to_string(),
    }
}
