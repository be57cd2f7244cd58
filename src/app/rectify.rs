//! Status moves in the TUI: the picker of moves allowed from where a finding stands, the form
//! that asks what the move needs (the 六明确, evidence, a reason), and the inspector's name that
//! every move is made under. The rules themselves are `domain::rectify`; this only asks.

use ratatui::crossterm::event::KeyEvent;

use super::common::{ask, global_key, save};
use super::effect::Effect;
use super::form::{FieldKind, FormField, FormKind, FormState};
use super::nav::{Pick, pick_key};
use super::state::{CapturePurpose, CaptureState, ConfirmAction, MoveChoice, Overlay, State};
use crate::domain::finding::field as ff;
use crate::domain::rectify::{self, MoveRequest, Needed};
use crate::domain::{EntityId, Finding, FindingStatus};
use crate::holidays::{coverage_warning, parse_deadline};
use crate::i18n::Lang;
use crate::store::StoreRequest;
use crate::vocab::ChoiceList;

/// The field names of the move form that are not finding fields.
const NOTE: &str = "move_note";
/// 核验人: who verifies a close-off (on a shared terminal, not always the profile's inspector).
const BY: &str = "move_by";

/// `m` on a finding: the moves allowed from here, or why there are none. Without an
/// inspector name the move would be anonymous: ask for it first.
pub fn open_moves(state: &mut State, finding: EntityId) -> Vec<Effect> {
    let Some(f) = state.finding(finding) else { return vec![] };
    if state.inspector.trim().is_empty() {
        state.notice = Some(state.t("inspector.needed").to_string());
        ask_inspector(state);
        return vec![];
    }
    let choices = choices(f);
    if choices.is_empty() {
        let status = f.status.label(state.ctx.lang);
        state.notice = Some(state.ctx.strings().tf("move.final", &[("status", status)]));
        return vec![];
    }
    state.overlays.push(Overlay::MovePicker { finding, choices, cursor: 0 });
    vec![]
}

/// Forward moves first, then reopening.
pub fn choices(f: &Finding) -> Vec<MoveChoice> {
    let forward = rectify::targets(f.status).iter().map(|&to| MoveChoice { to, reopen: false });
    let reopen = rectify::reopen_target(f).map(|to| MoveChoice { to, reopen: true });
    forward.chain(reopen).collect()
}

/// How a choice reads in the picker: 已整改（立行立改）, 重新打开（回到整改中）.
pub fn choice_label(state: &State, from: FindingStatus, c: MoveChoice) -> String {
    let s = state.ctx.strings();
    let name = c.to.label(state.ctx.lang);
    if c.reopen {
        s.tf("move.reopen_to", &[("status", name)])
    } else if from == FindingStatus::Found && c.to == FindingStatus::Rectified {
        s.tf("move.on_the_spot", &[("status", name)])
    } else {
        name.to_string()
    }
}

/// The moves picker: the keys of every short numbered list (`nav::pick_key`).
pub fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::MovePicker { finding, choices, cursor }) = state.overlays.last_mut() else { return vec![] };
    let i = match pick_key(cursor, choices.len(), key) {
        Pick::Moved => return vec![],
        Pick::Other => return global_key(state, key, false),
        Pick::Cancel => {
            state.overlays.pop();
            return vec![];
        }
        Pick::Chosen(i) => i,
    };
    let (finding, choice) = (*finding, choices[i]);
    state.overlays.pop();
    let Some(f) = state.finding(finding) else { return vec![] };
    let form = move_form(f, choice, state.ctx.lang, state.inspector.trim());
    // A close-off names its verifier in a field of its own, not in the title.
    let key = match choice {
        MoveChoice { reopen: true, .. } => "move.reopen_title",
        MoveChoice { to: FindingStatus::Closed, .. } => "move.verify_title",
        _ => "move.form_title",
    };
    let status = choice_label(state, f.status, choice);
    let title = state.ctx.strings().tf(key, &[("status", &status), ("by", state.inspector.trim())]);
    state.overlays.push(Overlay::Form(Box::new(FormState { title: Some(title), ..form })));
    vec![]
}

/// The fields a move asks for. What the finding already has (a unit typed in the editor) is
/// offered again. A close-off asks who verified it (核验人), prefilled with `inspector`: on
/// a shared terminal the one who checks is often not the profile's owner, and the rule that
/// the verifier is not who rectified compares this name.
pub fn move_form(f: &Finding, choice: MoveChoice, lang: Lang, inspector: &str) -> FormState {
    let note = |required: bool| {
        let field = FormField::new(NOTE, "field.move_note", FieldKind::Text, "");
        if required { field.required() } else { field }
    };
    // A reason that is required is named for what it is.
    let reason = |label| FormField::new(NOTE, label, FieldKind::MultiLine, "").required();
    let fields = match (choice.reopen, choice.to) {
        (true, _) => vec![reason("field.reason_reopen")],
        (false, FindingStatus::NotAProblem) => vec![reason("field.reason_not_a_problem")],
        (false, FindingStatus::Assigned) => {
            let deadline = f.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
            let unit = ChoiceList::Units.display(&f.unit, lang);
            vec![
                FormField::new(ff::UNIT, "field.unit", FieldKind::Choice(ChoiceList::Units), &unit).required(),
                FormField::new(ff::DEADLINE, "field.deadline", FieldKind::Deadline, &deadline).required(),
                FormField::new(ff::MEASURE, "field.measure", FieldKind::MultiLine, &f.measure).required(),
                FormField::new(ff::TARGET, "field.target", FieldKind::Text, &f.target),
                FormField::new(ff::STANDARD, "field.standard", FieldKind::Text, &f.standard),
                FormField::new(ff::OWNER, "field.owner", FieldKind::Text, &f.owner),
                note(false),
            ]
        }
        (false, FindingStatus::Rectified) => {
            vec![FormField::new(ff::EVIDENCE, "field.evidence", FieldKind::MultiLine, "").required(), note(false)]
        }
        (false, FindingStatus::Closed) => {
            vec![FormField::new(BY, "field.verifier", FieldKind::Text, inspector).required(), note(false)]
        }
        (false, _) => vec![note(false)],
    };
    let kind = FormKind::Move { finding: f.id, to: choice.to, reopen: choice.reopen };
    FormState::new(kind, fields)
}

/// Ctrl-S in a move form: the rules decide; a refusal points at the field it concerns.
pub fn submit(state: &mut State) -> Vec<Effect> {
    let strings = state.ctx.strings();
    let Some(Overlay::Form(form)) = state.overlays.last() else { return vec![] };
    let FormKind::Move { finding, to, reopen } = form.kind else { return vec![] };
    let Some(f) = state.finding(finding).cloned() else { return vec![] };
    let fields: Vec<(&str, String)> = form.fields.iter().map(|x| (x.name, x.input.text().trim().to_string())).collect();
    let labels: Vec<&'static str> = form.fields.iter().map(|x| x.label).collect();
    let text = |name: &str| fields.iter().find(|x| x.0 == name).map(|x| x.1.clone());
    let index = |name: &str| fields.iter().position(|x| x.0 == name).unwrap_or(0);
    let by = text(BY).unwrap_or_else(|| state.inspector.clone());
    let mut req = MoveRequest::new(to, &by);
    req.reopen = reopen;
    req.note = text(NOTE).unwrap_or_default();
    req.evidence = text(ff::EVIDENCE).unwrap_or_default();
    req.assignment.unit = text(ff::UNIT).map(|u| ChoiceList::Units.to_stored(&u)).unwrap_or_default();
    req.assignment.measure = text(ff::MEASURE).unwrap_or_default();
    req.assignment.target = text(ff::TARGET).unwrap_or_default();
    req.assignment.standard = text(ff::STANDARD).unwrap_or_default();
    req.assignment.owner = text(ff::OWNER).unwrap_or_default();
    let deadline = text(ff::DEADLINE).unwrap_or_default();
    let refuse = |state: &mut State, field: usize, message: String| {
        if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
            form.focus = field;
            form.error = Some((field, message));
        }
        vec![]
    };
    if !deadline.is_empty() {
        match parse_deadline(&deadline, state.today(), &state.ctx.calendar, strings) {
            Ok(d) => req.assignment.deadline = Some(d),
            Err(message) => return refuse(state, index(ff::DEADLINE), message),
        }
    }
    // A deadline already past is allowed (a late record may be overdue at once), once asked.
    if let Some(d) = req.assignment.deadline.filter(|d| *d < state.today() && !form.past_deadline_ok) {
        let date = d.format("%Y-%m-%d").to_string();
        ask(state, "confirm.past_deadline", &[("date", &date)], ConfirmAction::SavePastDeadline);
        return vec![];
    }
    let now_ms = state.now().wall_ms;
    match rectify::changes(&f, &req, now_ms, state.today(), state.ctx.new_id()) {
        Ok(changes) => {
            let overlay = state.overlays.pop();
            let mut notice =
                strings.tf("move.done", &[("seq", &f.seq.to_string()), ("status", to_label(state, &f, &req))]);
            let calendar = &state.ctx.calendar;
            if let Some(warning) =
                req.assignment.deadline.and_then(|d| coverage_warning(&deadline, d, calendar, strings))
            {
                notice = format!("{notice}；{warning}");
            }
            state.notice = Some(notice);
            save(state, f.id, changes, overlay)
        }
        Err(e) => {
            let (field, message) = match e {
                // Named by the label the form shows (不成立理由, not 说明).
                rectify::MoveError::Missing(n) => match fields.iter().position(|x| x.0 == field_of(n)) {
                    Some(i) => (i, strings.tf("move.error.missing", &[("field", strings.t(labels[i]))])),
                    None => (0, e.message(strings)),
                },
                rectify::MoveError::SameCloser { .. } => (index(BY), e.message(strings)),
                _ => (0, e.message(strings)),
            };
            refuse(state, field, message)
        }
    }
}

fn to_label(state: &State, f: &Finding, req: &MoveRequest) -> &'static str {
    let to = if req.reopen { rectify::reopen_target(f).unwrap_or(req.to) } else { req.to };
    to.label(state.ctx.lang)
}

fn field_of(n: Needed) -> &'static str {
    match n {
        // Only a close-off has a 核验人 field; a move by no one else lacks a name in the note.
        Needed::By => BY,
        Needed::Note => NOTE,
        Needed::Evidence => ff::EVIDENCE,
        Needed::Unit => ff::UNIT,
        Needed::Deadline => ff::DEADLINE,
        Needed::Measure => ff::MEASURE,
    }
}

/// On start: the profile's inspector name, or the question on the first start.
pub fn first_start(state: &mut State, inspector: Option<String>) {
    state.inspector = inspector.unwrap_or_default();
    if state.inspector.trim().is_empty() {
        ask_inspector(state);
    }
}

/// The one-line prompt for the inspector's name, prefilled with the current one.
pub fn ask_inspector(state: &mut State) {
    let name = state.inspector.clone();
    let session = state.current_session().unwrap_or(0);
    state.overlays.push(Overlay::Capture(CaptureState::new(session, CapturePurpose::Inspector, &name)));
}

pub fn submit_inspector(state: &mut State, text: &str) -> Vec<Effect> {
    let name = text.trim();
    if name.is_empty() {
        // Nothing to save; ask again rather than leave moves anonymous.
        state.notice = Some(state.t("inspector.empty").to_string());
        ask_inspector(state);
        return vec![];
    }
    vec![Effect::Store(StoreRequest::SetInspector { name: name.to_string() })]
}

/// The store's answer to a new name.
pub fn inspector_saved(state: &mut State, result: Result<String, String>) {
    match result {
        Ok(name) => {
            state.notice = Some(state.ctx.strings().tf("inspector.saved", &[("name", &name)]));
            state.inspector = name;
        }
        Err(error) => {
            state.notice = Some(state.ctx.strings().tf("status.failed", &[("error", &error)]));
        }
    }
}
