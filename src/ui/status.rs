//! The bottom line: the focused record's save state (or a notice) on the left, the keys
//! of the current screen on the right, both from the keymap and strings in force.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::app::{Overlay, Pane, SaveStatus, Screen, State};
use crate::keymap::{Action, Layer};

pub fn draw(frame: &mut Frame, state: &State, theme: &Theme, area: Rect) {
    let (left, style) = left_text(state, theme);
    let hints = hints(state);
    let width = area.width as usize;
    let left_w = crate::text::width(&left).min(width);
    let right = crate::text::truncate(&hints, width.saturating_sub(left_w + 2)).into_owned();
    let gap = width.saturating_sub(left_w + crate::text::width(&right));
    let line = Line::from(vec![
        Span::styled(crate::text::truncate(&left, left_w).into_owned(), style),
        Span::raw(" ".repeat(gap)),
        Span::styled(right, theme.dim()),
    ]);
    frame.buffer_mut().set_line(area.x, area.y, &line, area.width);
}

fn left_text(state: &State, theme: &Theme) -> (String, ratatui::style::Style) {
    if let Some(n) = &state.notice {
        return (n.clone(), theme.error());
    }
    // A form, a line or a dialog speaks for itself: nothing about an earlier save beside it.
    if !state.overlays.is_empty() {
        return (String::new(), theme.dim());
    }
    let Some(mark) = &state.save_mark else { return (String::new(), theme.dim()) };
    let s = state.ctx.strings();
    // Named when the user stands elsewhere than on the record saved.
    let named = |key: &str| match &mark.label {
        Some(label) if state.focused_record() != Some(mark.entity) => {
            s.tf(&format!("{key}_named"), &[("record", label)])
        }
        _ => state.t(key).to_string(),
    };
    match state.save_status.get(&mark.entity) {
        Some(SaveStatus::Saving) => (named("status.saving"), theme.dim()),
        Some(SaveStatus::Saved) => (named("status.saved"), theme.ok()),
        Some(SaveStatus::Failed(e)) => (s.tf("status.failed", &[("error", e)]), theme.error()),
        None => (String::new(), theme.dim()),
    }
}

/// "n 新建  Enter 打开 …" for the keys that matter most where the user is.
fn hints(state: &State) -> String {
    let (layer, actions): (Layer, &[Action]) = match (state.overlays.last(), state.screen) {
        (Some(Overlay::Form(f)), _) if f.picker.is_some() => return state.t("picker.hint").to_string(),
        (Some(Overlay::Form(_)), _) => (Layer::Form, &[Action::Save, Action::NextField, Action::Pick, Action::Cancel]),
        (Some(Overlay::Capture(_)), _) => (Layer::Capture, &[Action::Submit, Action::Cancel]),
        (Some(Overlay::Confirm(_)), _) => (Layer::Dialog, &[Action::Yes, Action::No]),
        (Some(Overlay::Help { .. }), _) => (Layer::Help, &[Action::Close]),
        (None, Screen::Sessions) => (
            Layer::Sessions,
            &[Action::New, Action::Open, Action::Edit, Action::Finish, Action::OpenLedger, Action::WaitStats],
        ),
        // The keys of the list that has the cursor: a checklist is opened and removed there,
        // a finding moved and edited.
        (None, Screen::Findings { .. }) if state.pane == Pane::Checklists => (
            Layer::Findings,
            &[
                Action::Open,
                Action::AddChecklist,
                Action::Delete,
                Action::SwitchPane,
                Action::OpenBoard,
                Action::OpenWalk,
                Action::Back,
            ],
        ),
        (None, Screen::Findings { .. }) => (
            Layer::Findings,
            &[
                Action::New,
                Action::MoveStatus,
                Action::SwitchPane,
                Action::AddChecklist,
                Action::OpenBoard,
                Action::OpenWalk,
                Action::Back,
            ],
        ),
        (None, Screen::Checklist { .. }) => {
            (Layer::Checklist, &[Action::NextUnanswered, Action::MakeFinding, Action::Note, Action::Back])
        }
        (None, Screen::Board { .. }) => (
            Layer::Board,
            &[Action::AddTicket, Action::Advance, Action::Recall, Action::LeftUnserved, Action::Undo, Action::Back],
        ),
        (None, Screen::Walk { .. }) => {
            (Layer::Walk, &[Action::MarkStage, Action::PauseResume, Action::StopWalk, Action::Undo, Action::Back])
        }
        (None, Screen::WaitStats) => (Layer::Stats, &[Action::GroupBy, Action::Back]),
        (None, Screen::Finding { .. }) => {
            (Layer::Finding, &[Action::MoveStatus, Action::Edit, Action::GotoSession, Action::Back])
        }
        (None, Screen::Ledger) => (
            Layer::Ledger,
            &[Action::Open, Action::MoveStatus, Action::Filter, Action::GroupBy, Action::Reminders, Action::Back],
        ),
        (None, Screen::Reminders) => (Layer::Reminders, &[Action::Back]),
        (Some(Overlay::MovePicker { .. }), _) => return state.t("move.picker.hint").to_string(),
        (Some(Overlay::TemplatePicker { .. }), _) => return state.t("picker.templates.hint").to_string(),
        (Some(Overlay::StagePicker { .. }), _) => return state.t("walk.picker.hint").to_string(),
    };
    let checklist_pane =
        state.overlays.is_empty() && matches!(state.screen, Screen::Findings { .. }) && state.pane == Pane::Checklists;
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
