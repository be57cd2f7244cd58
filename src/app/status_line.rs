//! What the status line says on its left: a notice, else the state of the save it speaks of
//! (see `State::save_mark`), and how many rows that takes, which the main area above it gives
//! up (`layout`). The UI colours it by its [`Tone`] and puts the key hints beside it.

use super::state::{SaveStatus, State};

/// The most rows a long notice takes at the bottom: four, and no more than a third of the
/// terminal (it is read once: the next key clears it).
const MAX_ROWS: u16 = 4;

/// Rows the status line takes at `width`: one, or, when the notice or a failed save's reason
/// is longer than the line, as many as it needs to be read whole (at most [`MAX_ROWS`]; the
/// last one shown takes the rest, cut with `..`).
pub fn rows(state: &State, width: u16) -> u16 {
    let (left, _) = message(state);
    let width = (width as usize).max(1);
    if crate::text::width(&left) <= width {
        return 1;
    }
    let most = MAX_ROWS.min(state.size.1 / 3).max(1) as usize;
    crate::text::wrap_rows(&left, width, most).len() as u16
}

/// How the message is coloured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tone {
    Dim,
    Ok,
    Error,
}

/// The message on the left of the status line, and how it is coloured.
pub fn message(state: &State) -> (String, Tone) {
    if let Some(n) = &state.notice {
        return (n.clone(), Tone::Error);
    }
    // A form, a line or a dialog speaks for itself: nothing about an earlier save beside it.
    if !state.overlays.is_empty() {
        return (String::new(), Tone::Dim);
    }
    let Some(mark) = &state.save_mark else { return (String::new(), Tone::Dim) };
    let s = state.ctx.strings();
    // Named when the user stands elsewhere than on the record saved.
    let named = |key: &str| match &mark.label {
        Some(label) if state.focused_record() != Some(mark.entity) => {
            s.tf(&format!("{key}_named"), &[("record", label)])
        }
        _ => state.t(key).to_string(),
    };
    match state.save_status.get(&mark.entity) {
        Some(SaveStatus::Saving) => (named("status.saving"), Tone::Dim),
        Some(SaveStatus::Saved) => (named("status.saved"), Tone::Ok),
        Some(SaveStatus::Failed(e)) => (s.tf("status.failed", &[("error", e)]), Tone::Error),
        None => (String::new(), Tone::Dim),
    }
}
