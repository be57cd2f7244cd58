//! The bottom line: what `app::status_line` says (a notice, or the focused record's save
//! state) on the left, the keys of the current screen on the right, both from the keymap and
//! strings in force.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::status_line::{Tone, message};
use crate::app::{Overlay, Pane, State};
use crate::keymap::{Action, Layer};

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let (left, tone) = message(state);
    let style = match tone {
        Tone::Dim => theme.dim(),
        Tone::Ok => theme.ok(),
        Tone::Error => theme.error(),
    };
    let width = area.width as usize;
    // The notice gets the room first, over as many rows as the area has; the key hints take
    // what is left of its last row, and yield entirely when too little is.
    let mut rows = if crate::text::width(&left) <= width {
        vec![left]
    } else {
        crate::text::wrap_rows(&left, width.max(1), area.height.max(1) as usize)
    };
    let last = rows.pop().unwrap_or_default();
    for (i, row) in rows.iter().enumerate() {
        let line = Line::from(Span::styled(row.clone(), style));
        frame.buffer_mut().set_line(area.x, area.y + i as u16, &line, area.width);
    }
    let hints = hints(state);
    let left_w = crate::text::width(&last).min(width);
    let room = width.saturating_sub(left_w + 2);
    let right = if room >= MIN_HINT_ROOM || left_w == 0 {
        crate::text::truncate(&hints, room).into_owned()
    } else {
        String::new()
    };
    let gap = width.saturating_sub(left_w + crate::text::width(&right));
    let line = Line::from(vec![
        Span::styled(crate::text::truncate(&last, left_w).into_owned(), style),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.dim()),
    ]);
    let y = area.y + area.height.saturating_sub(1).min(rows.len() as u16);
    frame.buffer_mut().set_line(area.x, y, &line, area.width);
}

/// Less room than this beside a notice shows no hints rather than a stump like "? 帮..".
const MIN_HINT_ROOM: usize = 8;

/// "n 新建  Enter 打开 …" for the keys that matter most where the user is.
fn hints(state: &State) -> String {
    match state.overlays.last() {
        Some(Overlay::Form(f)) if f.picker.is_some() => return state.t("picker.hint").to_string(),
        Some(Overlay::MovePicker { .. }) => return state.t("move.picker.hint").to_string(),
        Some(Overlay::ResolvePicker { .. }) => return state.t("conflict.picker.hint").to_string(),
        Some(Overlay::TemplatePicker { .. }) => return state.t("picker.templates.hint").to_string(),
        Some(Overlay::DocumentPicker { .. }) => return state.t("documents.hint").to_string(),
        Some(Overlay::StagePicker { .. }) => return state.t("walk.picker.hint").to_string(),
        Some(Overlay::AttachmentPicker { .. }) => return state.t("attach.picker.hint").to_string(),
        _ => {}
    }
    let Some(layer) = state.layer() else { return String::new() };
    let actions: &[Action] = match layer {
        Layer::Form => &[Action::Save, Action::NextField, Action::Pick, Action::Cancel],
        Layer::Capture => match state.overlays.last() {
            Some(Overlay::Capture(c)) if c.purpose.takes_a_path() => {
                &[Action::Submit, Action::Complete, Action::Cancel]
            }
            _ => &[Action::Submit, Action::Cancel],
        },
        Layer::Dialog => &[Action::Yes, Action::No],
        Layer::Help => &[Action::Close],
        Layer::Sessions => {
            &[Action::New, Action::Open, Action::Edit, Action::Finish, Action::OpenLedger, Action::WaitStats]
        }
        // The keys of the list that has the cursor: a checklist is opened and removed there,
        // a finding moved and edited.
        Layer::SessionPage if state.page.pane == Pane::Checklists => &[
            Action::Open,
            Action::AddChecklist,
            Action::Delete,
            Action::SwitchPane,
            Action::OpenBoard,
            Action::OpenWalk,
            Action::Back,
        ],
        Layer::SessionPage => &[
            Action::New,
            Action::MoveStatus,
            Action::SwitchPane,
            Action::AddChecklist,
            Action::OpenBoard,
            Action::OpenWalk,
            Action::Back,
        ],
        Layer::Checklist => &[Action::NextUnanswered, Action::MakeFinding, Action::Note, Action::Back],
        Layer::Board => {
            &[Action::AddTicket, Action::Advance, Action::Recall, Action::LeftUnserved, Action::Undo, Action::Back]
        }
        Layer::Walk => &[Action::MarkStage, Action::PauseResume, Action::StopWalk, Action::Undo, Action::Back],
        Layer::Stats => &[Action::GroupBy, Action::Back],
        Layer::Finding => &[Action::MoveStatus, Action::Edit, Action::GotoSession, Action::Back],
        Layer::Ledger => {
            &[Action::Open, Action::MoveStatus, Action::Filter, Action::GroupBy, Action::Reminders, Action::Back]
        }
        Layer::Reminders => &[Action::Back],
        Layer::Officers => &[Action::New, Action::Edit, Action::SetPin, Action::Delete, Action::Back],
        Layer::Sync => &[Action::ExportBundle, Action::ImportBundles, Action::TypePath, Action::Back],
        Layer::Global | Layer::Editor => &[],
    };
    let checklist_pane = layer == Layer::SessionPage && state.page.pane == Pane::Checklists;
    let hint = |layer: Layer, a: Action| {
        let own = format!("hint.checklist_pane.{}", a.name());
        let text = match state.ctx.strings().lookup(&own) {
            Some(text) if checklist_pane => text,
            _ => state.t(&format!("hint.{}", a.name())),
        };
        state.key_for(layer, a).map(|k| format!("{k} {text}"))
    };
    // Help first: when the line is cut on a narrow terminal, the way to every key stays.
    let mut parts: Vec<String> = Vec::new();
    if state.overlays.is_empty() {
        parts.extend(hint(Layer::Global, Action::Help));
    }
    // On a checklist, the keys that answer the item under the cursor come first (unless the
    // notice beside them has just said them).
    if let (None, Some((_, item))) = (state.overlays.last(), state.selected_item()) {
        let keys = crate::app::checklist::answer_keys(state, item.kind);
        if !state.notice.as_deref().is_some_and(|n| n.contains(&keys)) {
            parts.push(keys);
        }
    }
    parts.extend(actions.iter().filter_map(|a| hint(layer, *a)));
    if state.overlays.is_empty() {
        parts.extend([Action::Capture, Action::Quit].into_iter().filter_map(|a| hint(Layer::Global, a)));
    }
    parts.join("  ")
}
