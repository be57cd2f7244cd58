//! Who is at the kiosk: 匿名群众 (anonymous, a phone number optional at the end), or a 体验官
//! from the roster who finds themselves by number, name or pinyin and gives their PIN. The
//! PIN is checked on the store thread, where five wrong in a row lock the officer out for 15
//! minutes. An officer's entry is looked up with the code and the same PIN.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::effect::Effect;
use super::kiosk_state::{Kiosk, Screen};
use super::kiosk_steps::{MAX_SHORT_CHARS, Step, StepKind};
use super::picker::Picker;
use crate::domain::EntityId;
use crate::domain::kiosk::Entry;
use crate::edit::TextInput;
use crate::pinyin_match::PickKey;
use crate::store::StoreRequest;
use crate::store::kiosk::{OfficerPin, Receipt};

/// 开始登记: who is it?
pub fn begin(k: &mut Kiosk) {
    k.screen = Screen::Who { cursor: 0 };
}

/// The first step of an entry, by `officer` (None: anonymous).
pub fn start_entry(k: &mut Kiosk, officer: Option<(EntityId, String)>) {
    let entry = Entry { officer, ..Entry::default() };
    let step = Step::open(StepKind::Item, &entry, k.ctx.lang);
    k.screen = Screen::Entry { entry, step };
}

pub fn who_key(k: &mut Kiosk, key: &KeyEvent) -> Vec<Effect> {
    let Screen::Who { cursor } = &mut k.screen else { return vec![] };
    match key.code {
        KeyCode::Up | KeyCode::Down | KeyCode::Tab => *cursor = 1 - *cursor,
        KeyCode::Esc => k.screen = Screen::Start { cursor: 0 },
        KeyCode::Enter if *cursor == 0 => start_entry(k, None),
        KeyCode::Enter => {
            k.screen = Screen::OfficerPick { picker: Picker::new(Vec::new(), ""), roster: Vec::new() };
            let req = k.req();
            return vec![Effect::Store(StoreRequest::KioskOfficers { req })];
        }
        _ => {}
    }
    vec![]
}

/// The roster arrived: each officer 在任 by number and name, matched as every picker matches.
pub fn roster(k: &mut Kiosk, roster: Vec<(EntityId, String, String)>) {
    let Screen::OfficerPick { picker, roster: held } = &mut k.screen else { return };
    let options =
        roster.iter().map(|(_, number, name)| (format!("{number} {name}"), PickKey::new(name, &[number]))).collect();
    let query = picker.query.text().to_string();
    *picker = Picker::new(options, &query);
    *held = roster;
}

pub fn pick_key(k: &mut Kiosk, key: &KeyEvent) -> Vec<Effect> {
    let Screen::OfficerPick { picker, roster } = &mut k.screen else { return vec![] };
    match key.code {
        KeyCode::Esc => k.screen = Screen::Who { cursor: 1 },
        KeyCode::Up => picker.move_by(-1),
        KeyCode::Down => picker.move_by(1),
        KeyCode::Enter => {
            let chosen =
                picker.selected().and_then(|label| roster.iter().find(|(_, n, name)| format!("{n} {name}") == label));
            if let Some((id, _, name)) = chosen {
                let officer = (*id, name.clone());
                k.screen =
                    Screen::OfficerPin { officer, input: TextInput::single(), error: None, req: None, lookup: None };
            }
        }
        _ => {
            super::kiosk_steps::edit(&k.keymap, &mut picker.query, key, MAX_SHORT_CHARS);
            picker.refilter();
        }
    }
    vec![]
}

/// An officer's entry found by its code: their PIN first.
pub fn ask_pin_for(k: &mut Kiosk, receipt: Box<Receipt>, officer: EntityId) {
    let name = receipt.session.inspectors.first().cloned().unwrap_or_default();
    k.screen = Screen::OfficerPin {
        officer: (officer, name),
        input: TextInput::single(),
        error: None,
        req: None,
        lookup: Some(receipt),
    };
}

pub fn pin_key(k: &mut Kiosk, key: &KeyEvent) -> Vec<Effect> {
    let next_req = k.next_req + 1;
    let Screen::OfficerPin { officer, input, req, .. } = &mut k.screen else { return vec![] };
    match key.code {
        KeyCode::Esc => k.screen = Screen::Start { cursor: 0 },
        KeyCode::Enter if req.is_none() && !input.text().is_empty() => {
            *req = Some(next_req);
            let request =
                StoreRequest::KioskOfficerPin { req: next_req, officer: officer.0, pin: input.text().to_string() };
            input.clear();
            k.next_req = next_req;
            return vec![Effect::Store(request)];
        }
        KeyCode::Char(c) if c.is_ascii_digit() && input.text().len() < 12 => {
            input.insert_char(c);
        }
        KeyCode::Backspace => {
            input.backspace();
        }
        _ => {}
    }
    vec![]
}

/// The store's word on an officer's PIN.
pub fn pin_checked(k: &mut Kiosk, req: u64, result: Result<OfficerPin, crate::store::StoreError>) {
    let s = k.strings();
    let now = k.ctx.clock.now();
    let Screen::OfficerPin { officer, error, req: asked, lookup, .. } = &mut k.screen else { return };
    if *asked != Some(req) {
        return;
    }
    *asked = None;
    match result {
        Ok(OfficerPin::Right) => match lookup.take() {
            Some(receipt) => k.screen = Screen::Found { receipt, at: now },
            None => {
                let officer = officer.clone();
                start_entry(k, Some(officer));
            }
        },
        Ok(OfficerPin::Wrong { left }) => {
            *error = Some(s.tf("kiosk.officer.wrong", &[("left", &left.to_string())]));
        }
        Ok(OfficerPin::Locked { until_ms }) => {
            let until = crate::present::time::clock(&crate::domain::zone::Zone::local(), until_ms);
            *error = Some(s.tf("kiosk.officer.locked", &[("until", &until)]));
        }
        Ok(OfficerPin::NotAllowed) => *error = Some(s.t("kiosk.officer.not_allowed").to_string()),
        Err(e) => *error = Some(e.localized(s)),
    }
}
