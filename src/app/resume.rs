//! On start, a draft left by the last run is put back where it was typed: the screen it was
//! typed on, and its capture line or form with the text (see `draft` for what a draft is and
//! when it is written).

use super::draft::{Draft, DraftOverlay, Kind, Place, Purpose};
use super::effect::Effect;
use super::form::{FormKind, FormState};
use super::state::{CapturePurpose, CaptureState, MoveChoice, Overlay, Screen, State};
use super::{goto, rectify};
use crate::domain::{EntityKind, Finding, FindingLink, FindingStatus, Record, Ticket};

/// On start: a draft left by the last run is put back where it was typed, at once: a user
/// reconnecting after a dropped link carries on typing, and Esc still asks before dropping it
/// (no question to answer first, so a habitual Enter cannot throw the text away).
pub fn restore_on_start(state: &mut State, draft: Draft) -> Vec<Effect> {
    // Known to be on disk: nothing is written again until the text changes.
    state.drafts.read_back(draft.clone());
    let preview = draft_preview(&draft);
    let effects = restore(state, draft);
    state.notice = Some(state.ctx.strings().tf("draft.restored", &[("text", &preview)]));
    effects
}

/// The start of the first text in the draft, for the notice.
fn draft_preview(draft: &Draft) -> String {
    let text = draft.overlays.iter().find_map(|o| match o {
        DraftOverlay::Capture { text, .. } => Some(text.clone()),
        DraftOverlay::Form { fields, .. } => {
            fields.iter().find(|f| f.text != f.original && !f.text.trim().is_empty()).map(|f| f.text.clone())
        }
    });
    let one_line: String = text.unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::truncate(&crate::text::sanitize(&one_line), 20).into_owned()
}

/// Back to the screen the text was typed on, with the overlays and their text.
fn restore(state: &mut State, draft: Draft) -> Vec<Effect> {
    let effects = go_to(state, draft.place);
    for overlay in draft.overlays {
        if let Some(o) = rebuild(state, overlay) {
            state.overlays.push(o);
        }
    }
    effects
}

fn go_to(state: &mut State, place: Place) -> Vec<Effect> {
    match place {
        Place::Sessions => vec![],
        Place::Session(session) => goto::session_page_at(state, session, None),
        Place::Checklist { session, checklist } => {
            let effects = goto::session_page_at(state, session, None);
            state.screen = Screen::Checklist { session, checklist };
            effects
        }
        Place::Board(session) => goto::board(state, session),
        Place::Walk(session) => goto::walk(state, session),
        Place::Finding { session, finding, from_ledger } => goto::finding(state, session, finding, from_ledger),
        Place::Ledger => goto::ledger(state),
    }
}

fn rebuild(state: &State, overlay: DraftOverlay) -> Option<Overlay> {
    let lang = state.ctx.lang;
    match overlay {
        DraftOverlay::Capture { session, purpose, text, initial } => {
            let purpose = match purpose {
                Purpose::Finding { check: Some((checklist, item)), .. } => {
                    CapturePurpose::Finding { link: Some(FindingLink::Check { checklist, item }) }
                }
                Purpose::Finding { ticket: Some(t), .. } => {
                    CapturePurpose::Finding { link: Some(FindingLink::Ticket(t)) }
                }
                Purpose::Finding { .. } => CapturePurpose::Finding { link: None },
                Purpose::Answer { checklist, item, kind } => CapturePurpose::Answer { checklist, item, kind },
                Purpose::Note { checklist, item } => CapturePurpose::Note { checklist, item },
                Purpose::Transfer { ticket } => CapturePurpose::Transfer { ticket },
                Purpose::Stage { at } => CapturePurpose::Stage { at },
                Purpose::Inspector => CapturePurpose::Inspector,
            };
            // Opened with its original text, so Esc still asks before dropping the typing.
            let mut capture = CaptureState::new(session, purpose, &initial);
            capture.input.set_text(&text);
            Some(Overlay::Capture(capture))
        }
        DraftOverlay::Form { kind, title, focus, fields } => {
            let mut form = match kind {
                Kind::Session { editing } => {
                    let mut f = FormState::new_session(lang, None, &state.inspector);
                    f.kind = FormKind::Session { editing };
                    f
                }
                Kind::Finding { session, editing } => {
                    let mut f = FormState::new_finding(session, lang);
                    f.kind = FormKind::Finding { session, editing };
                    f
                }
                Kind::Ticket { editing } => {
                    FormState::edit_ticket(&Ticket::from_record(&Record::new(editing, EntityKind::Ticket)), lang)
                }
                Kind::Move { finding, to, reopen } => {
                    let to = FindingStatus::parse(&to)?;
                    let mut blank = Finding::blank(0);
                    blank.id = finding;
                    rectify::move_form(&blank, MoveChoice { to, reopen }, lang, &state.inspector)
                }
            };
            for saved in fields {
                if let Some(field) = form.fields.iter_mut().find(|f| f.name == saved.name) {
                    field.original = saved.original;
                    field.input.set_text(&saved.text);
                }
            }
            form.title = title;
            form.focus = focus.min(form.fields.len().saturating_sub(1));
            Some(Overlay::Form(Box::new(form)))
        }
    }
}
