//! The roster of 体验官 (`o` on the session list; seed 004's 动态管理): the office adds, changes,
//! dismisses and sets PINs here as with `tiyan officers`. Phones are masked in the list and
//! whole only on the officer's own form; a PIN is typed unseen and hashed on the store thread.

use ratatui::crossterm::event::KeyEvent;

use super::common::{ask, global_key};
use super::effect::Effect;
use super::form::{FieldKind, FormField, FormKind, FormState};
use super::layout::page;
use super::nav::move_cursor;
use super::state::{CapturePurpose, CaptureState, ConfirmAction, Overlay, Screen, State};
use crate::domain::officer::{Officer, OfficerKind, OfficerStatus, field};
use crate::domain::{Change, EntityId, EntityKind, Value};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;

/// The roster as loaded, and the row under the cursor.
#[derive(Default)]
pub struct OfficersView {
    pub list: Option<Vec<Officer>>,
    pub cursor: usize,
}

impl OfficersView {
    fn selected(&self) -> Option<&Officer> {
        self.list.as_ref()?.get(self.cursor)
    }
}

pub fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Officers;
    state.officers.list = None;
    state.officers.cursor = 0;
    vec![Effect::Store(StoreRequest::LoadOfficers)]
}

pub(super) fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Officers, &key) else {
        return global_key(state, &key, false);
    };
    let len = state.officers.list.as_ref().map_or(0, Vec::len);
    if let Some(c) = move_cursor(state.officers.cursor, len, page(state), action) {
        state.officers.cursor = c;
        return vec![];
    }
    let selected = state.officers.selected().cloned();
    match (action, selected) {
        (Action::New, _) => state.overlays.push(Overlay::Form(Box::new(form(None)))),
        (Action::Edit, Some(o)) => state.overlays.push(Overlay::Form(Box::new(form(Some(&o))))),
        (Action::Delete, Some(o)) => {
            ask(state, "officers.confirm_retire", &[("name", &o.name)], ConfirmAction::RetireOfficer(o.id));
        }
        (Action::SetPin, Some(o)) => {
            let purpose = CapturePurpose::OfficerPin { officer: o.id, name: o.name.clone() };
            state.overlays.push(Overlay::Capture(CaptureState::new(0, purpose, "")));
        }
        (Action::Back, _) => {
            state.screen = Screen::Sessions;
            return vec![Effect::Store(StoreRequest::LoadSessions)];
        }
        _ => {}
    }
    vec![]
}

/// An officer's form: their details, the phone whole (it is their own form).
pub fn form(o: Option<&Officer>) -> FormState {
    let text = |f: fn(&Officer) -> String| o.map(f).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let fields = vec![
        FormField::new(field::NUMBER, "field.officer_number", FieldKind::Text, &text(|o| o.number.clone())).required(),
        FormField::new(field::NAME, "field.officer_name", FieldKind::Text, &text(|o| o.name.clone())).required(),
        FormField::new(
            field::KIND,
            "field.officer_kind",
            FieldKind::Text,
            &text(|o| o.kind.map_or("", OfficerKind::zh).into()),
        ),
        FormField::new(field::UNIT, "field.officer_unit", FieldKind::Text, &text(|o| o.unit.clone())),
        FormField::new(field::PHONE, "field.officer_phone", FieldKind::Text, &text(|o| o.phone.clone())),
        FormField::new(
            field::APPOINTED,
            "field.officer_appointed",
            FieldKind::Text,
            &date(o.and_then(|o| o.appointed)),
        ),
        FormField::new(field::TERM_END, "field.officer_term_end", FieldKind::Text, &date(o.and_then(|o| o.term_end))),
        FormField::new(
            field::STATUS,
            "field.officer_status",
            FieldKind::Text,
            o.map_or(OfficerStatus::Active.zh(), |o| o.status.zh()),
        ),
    ];
    FormState::new(FormKind::Officer { editing: o.map(|o| o.id) }, fields)
}

/// The form's values as the roster stores them (codes, dates), or which field is wrong.
pub fn values(form: &FormState, strings: &crate::i18n::Strings) -> Result<Vec<(&'static str, Value)>, (usize, String)> {
    let mut out = Vec::new();
    for (i, f) in form.fields.iter().enumerate() {
        let text = f.input.text().trim();
        if f.required && text.is_empty() {
            return Err((i, strings.tf("error.required", &[("field", strings.t(f.label))])));
        }
        let value = match f.name {
            field::KIND if text.is_empty() => Value::text(""),
            field::KIND => match OfficerKind::parse(text) {
                Some(k) => Value::text(k.code()),
                None => return Err((i, strings.t("error.officer_kind").to_string())),
            },
            field::STATUS => match OfficerStatus::parse(text) {
                Some(s) => Value::text(s.code()),
                None => return Err((i, strings.t("error.officer_status").to_string())),
            },
            field::APPOINTED | field::TERM_END if text.is_empty() => Value::Null,
            field::APPOINTED | field::TERM_END => match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
                Ok(d) => Value::date(d),
                Err(_) => return Err((i, strings.tf("error.officer_date", &[("field", strings.t(f.label))]))),
            },
            _ => Value::text(text),
        };
        out.push((f.name, value));
    }
    Ok(out)
}

/// The changes saving the form makes: every field of a new officer, the changed ones of one
/// edited. A number another officer has is refused.
pub fn changes(state: &State, form: &FormState, id: EntityId) -> Result<Vec<Change>, (usize, String)> {
    let strings = state.ctx.strings();
    let values = values(form, strings)?;
    let number = form.fields[0].input.text().trim();
    let taken = state.officers.list.iter().flatten().any(|o| o.number == number && o.id != id);
    if taken {
        return Err((0, strings.t("error.officer_number_taken").to_string()));
    }
    let editing = matches!(form.kind, FormKind::Officer { editing: Some(_) });
    Ok(values
        .into_iter()
        .zip(&form.fields)
        .filter(|(_, f)| !editing || f.changed())
        .map(|((name, value), _)| Change::set(EntityKind::Officer, id, name, value))
        .collect())
}

/// Yes to dismissing: one op.
pub fn retire(state: &mut State, officer: EntityId) -> Vec<Effect> {
    let change = Change::set(EntityKind::Officer, officer, field::STATUS, Value::text(OfficerStatus::Dismissed.code()));
    super::common::save(state, officer, vec![change], None)
}

/// Enter on the PIN line: 4 to 12 digits, hashed on the store thread.
pub fn submit_pin(state: &mut State, officer: EntityId, name: &str, pin: &str) -> Vec<Effect> {
    let s = state.ctx.strings();
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        let purpose = CapturePurpose::OfficerPin { officer, name: name.to_string() };
        let mut line = CaptureState::new(0, purpose, "");
        line.error = Some(s.t("officers.pin_bad").to_string());
        state.overlays.push(Overlay::Capture(line));
        return vec![];
    }
    let req = state.next_req;
    state.next_req += 1;
    state.pin_pending = Some((req, name.to_string()));
    vec![Effect::Store(StoreRequest::SetOfficerPin { req, officer, pin: pin.to_string() })]
}
