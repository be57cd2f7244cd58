//! The hall's kiosk (`tiyan kiosk`): a model of its own beside the inspector's `State`, so no
//! key can reach the inspector's screens, lists or anyone else's entries: it has none to show.
//! Its keys are fixed (a user keymap changes nothing here), and every key goes through
//! [`update`] as in the inspector's TUI.
//!
//! The start screen offers 开始登记 and 查询办理结果. An entry goes step by step
//! (`kiosk_steps`), is written in one durable transaction (已保存 only after the commit) and
//! answered with a receipt code; a lookup by that code shows only that entry's problems and
//! where they stand. Left idle, an entry is warned about, then discarded, so the next person
//! never sees the last one's text. Leaving the kiosk needs the admin PIN, checked on the store
//! thread.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::effect::Effect;
pub use super::kiosk_state::{Kiosk, KioskContext, RECEIPT_SECS, Screen};
use super::kiosk_steps::{MAX_PROBLEM_CHARS, MAX_SHORT_CHARS, Step, StepKind, channel_codes, edit};
use super::kiosk_who;
use super::msg::Msg;
use crate::domain::kiosk::{Dimension, Level, parse_receipt, receipt_code};
use crate::edit::TextInput;
use crate::store::{StoreEvent, StoreRequest};
use crate::term::signals::Signal;

pub fn update(k: &mut Kiosk, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => {
            k.last_key = k.ctx.clock.now();
            k.notice = None;
            if scrolled(k, &key) {
                return vec![];
            }
            let before = place(k);
            let effects = key_pressed(k, &key);
            // A new page starts at its top.
            if place(k) != before {
                k.scroll = 0;
            }
            effects
        }
        Msg::Paste(text) => {
            k.last_key = k.ctx.clock.now();
            paste(k, &text);
            vec![]
        }
        Msg::Resize(w, h) => {
            k.size = (w, h);
            vec![]
        }
        Msg::Store(ev) => on_store(k, ev),
        // A signal or a terminal gone ends the kiosk; an entry not submitted is not kept.
        Msg::Signal(s) => end(k, Some(s)),
        Msg::InputClosed(_) => end(k, Some(Signal::Hangup)),
        Msg::Tick => tick(k),
        Msg::FileWritten { .. } => vec![],
    }
}

/// Which page is on screen: the screen, and the step of an entry.
fn place(k: &Kiosk) -> (std::mem::Discriminant<Screen>, Option<StepKind>) {
    let step = match &k.screen {
        Screen::Entry { step, .. } => Some(step.kind()),
        _ => None,
    };
    (std::mem::discriminant(&k.screen), step)
}

/// Up, Down, PageUp and PageDown scroll the pages people read: the review and a lookup's answer.
fn scrolled(k: &mut Kiosk, key: &KeyEvent) -> bool {
    let reading = matches!(k.screen, Screen::Found { .. } | Screen::Entry { step: Step::Review, .. });
    let by: isize = match key.code {
        KeyCode::Up => -1,
        KeyCode::Down => 1,
        KeyCode::PageUp => -5,
        KeyCode::PageDown => 5,
        _ => return false,
    };
    if reading {
        k.scroll = k.scroll.saturating_add_signed(by).min(60);
    }
    reading
}

fn end(k: &mut Kiosk, signal: Option<Signal>) -> Vec<Effect> {
    k.ended = Some(signal);
    vec![Effect::Quit]
}

/// Idle entries are warned about, then discarded; a receipt goes after its time.
fn tick(k: &mut Kiosk) -> Vec<Effect> {
    let idle = k.idle_secs();
    match &k.screen {
        Screen::Start { .. } | Screen::Saving { .. } => {}
        // Half a minute after it is shown, or after the last key (someone reading on).
        Screen::Receipt { at, .. } | Screen::Found { at, .. }
            if crate::domain::stamp::secs_between(at, &k.ctx.clock.now()) >= RECEIPT_SECS && idle >= RECEIPT_SECS =>
        {
            to_start(k);
        }
        Screen::Receipt { .. } | Screen::Found { .. } => {}
        _ if idle >= k.ctx.idle_reset_secs => {
            to_start(k);
            k.notice = Some(k.t("kiosk.idle.discarded").to_string());
        }
        _ => {}
    }
    vec![]
}

/// Back to the start screen, nothing of the last person's kept on screen.
fn to_start(k: &mut Kiosk) {
    k.screen = Screen::Start { cursor: 0 };
    k.scroll = 0;
}

/// F10 (or Ctrl-Q) asks for the admin PIN, from anywhere; Ctrl-C does nothing here.
fn is_admin_key(key: &KeyEvent) -> bool {
    key.code == KeyCode::F(10) || (key.code == KeyCode::Char('q') && key.modifiers.contains(KeyModifiers::CONTROL))
}

fn key_pressed(k: &mut Kiosk, key: &KeyEvent) -> Vec<Effect> {
    if is_admin_key(key) && !matches!(k.screen, Screen::Admin { .. } | Screen::Saving { .. }) {
        let back = std::mem::replace(&mut k.screen, Screen::Start { cursor: 0 });
        k.screen = Screen::Admin { input: TextInput::single(), error: None, req: None, back: Box::new(back) };
        return vec![];
    }
    let next_req = k.next_req + 1;
    let bad_code = k.t("kiosk.lookup.bad_code");
    let mut asked: Option<StoreRequest> = None;
    match &mut k.screen {
        Screen::Start { cursor } => match key.code {
            KeyCode::Up | KeyCode::Down | KeyCode::Tab => *cursor = 1 - *cursor,
            KeyCode::Home => *cursor = 0,
            KeyCode::End => *cursor = 1,
            KeyCode::Enter if *cursor == 0 => kiosk_who::begin(k),
            KeyCode::Enter => k.screen = Screen::Lookup { input: TextInput::single(), error: None, req: None },
            _ => {}
        },
        Screen::Entry { .. } => return entry_key(k, key),
        Screen::Who { .. } => return kiosk_who::who_key(k, key),
        Screen::OfficerPick { .. } => return kiosk_who::pick_key(k, key),
        Screen::OfficerPin { .. } => return kiosk_who::pin_key(k, key),
        Screen::Saving { .. } => {}
        Screen::Receipt { .. } | Screen::Found { .. } => to_start(k),
        Screen::Lookup { input, error, req } => match key.code {
            KeyCode::Esc => to_start(k),
            KeyCode::Enter if req.is_none() => match parse_receipt(input.text()) {
                Some(code) => {
                    *req = Some(next_req);
                    asked = Some(StoreRequest::KioskLookup { req: next_req, code });
                }
                None => *error = Some(bad_code.to_string()),
            },
            _ => edit(&k.keymap, input, key, MAX_SHORT_CHARS),
        },
        Screen::Admin { input, req, .. } => match key.code {
            KeyCode::Esc => {
                if let Screen::Admin { back, .. } = std::mem::replace(&mut k.screen, Screen::Start { cursor: 0 }) {
                    k.screen = *back;
                }
            }
            KeyCode::Enter if req.is_none() && !input.text().is_empty() => {
                *req = Some(next_req);
                asked = Some(StoreRequest::KioskCheckPin { req: next_req, pin: input.text().to_string() });
            }
            // Digits only, and not echoed (the screen shows dots).
            KeyCode::Char(c) if c.is_ascii_digit() && input.text().len() < 32 => {
                input.insert_char(c);
            }
            KeyCode::Backspace => {
                input.backspace();
            }
            _ => {}
        },
    }
    match asked {
        Some(request) => {
            k.next_req = next_req;
            vec![Effect::Store(request)]
        }
        None => vec![],
    }
}

fn entry_key(k: &mut Kiosk, key: &KeyEvent) -> Vec<Effect> {
    let lang = k.ctx.lang;
    let Screen::Entry { entry, step } = &mut k.screen else { return vec![] };
    let kind = step.kind();
    match key.code {
        KeyCode::Esc => {
            match kind.back_for(entry) {
                Some(back) => *step = Step::open(back, entry, lang),
                None => to_start(k),
            }
            return vec![];
        }
        KeyCode::Enter => {
            // On the problems' step a typed line is one more problem; Enter on an empty line
            // goes on.
            if let Step::Problems(input) = step
                && !input.text().trim().is_empty()
            {
                entry.problems.push(input.text().trim().to_string());
                input.clear();
                return vec![];
            }
            // A ticket number instead of minutes: the board's stamps give the wait.
            if let Step::Wait(input) = step
                && is_ticket_number(input.text())
            {
                let number = input.text().trim().to_uppercase();
                let now = k.ctx.clock.now();
                let req = k.next_req + 1;
                k.next_req = req;
                k.pending_ticket = Some((req, number.clone()));
                return vec![Effect::Store(StoreRequest::KioskTicket { req, number, now })];
            }
            if let Err(missing) = step.keep(entry) {
                k.notice = Some(k.t(missing).to_string());
                return vec![];
            }
            match kind.next_for(entry) {
                Some(next) => *step = Step::open(next, entry, lang),
                None => return submit(k),
            }
            return vec![];
        }
        _ => {}
    }
    match step {
        Step::Item(picker) => match key.code {
            KeyCode::Up => picker.move_by(-1),
            KeyCode::Down => picker.move_by(1),
            _ => {
                edit(&k.keymap, &mut picker.query, key, MAX_SHORT_CHARS);
                picker.refilter();
            }
        },
        Step::Channel { cursor } => {
            let last = channel_codes().len().saturating_sub(1);
            match key.code {
                KeyCode::Up => *cursor = cursor.saturating_sub(1),
                KeyCode::Down => *cursor = (*cursor + 1).min(last),
                KeyCode::Char(c) => {
                    if let Some(n) = c.to_digit(10).filter(|n| (1..=last as u32 + 1).contains(n)) {
                        *cursor = n as usize - 1;
                    }
                }
                _ => {}
            }
        }
        Step::Ratings { cursor, levels } => match key.code {
            KeyCode::Up => *cursor = cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Tab => *cursor = (*cursor + 1).min(Dimension::ALL.len() - 1),
            KeyCode::Left => levels[*cursor] = Some(shift(levels[*cursor], -1)),
            KeyCode::Right => levels[*cursor] = Some(shift(levels[*cursor], 1)),
            // 1 非常满意 … 5 非常不满意, as the screen lists them; the next dimension follows.
            KeyCode::Char(c) => {
                if let Some(l) = c.to_digit(10).and_then(|n| Level::ALL.get((n as usize).wrapping_sub(1))) {
                    levels[*cursor] = Some(*l);
                    *cursor = (*cursor + 1).min(Dimension::ALL.len() - 1);
                }
            }
            _ => {}
        },
        // Minutes, or a ticket number (A012) from the hall's queue board.
        Step::Wait(input) => {
            if matches!(key.code, KeyCode::Char(c) if !c.is_ascii_alphanumeric()) {
                return vec![];
            }
            edit(&k.keymap, input, key, 8);
        }
        Step::Window(input) | Step::Contact(input) => edit(&k.keymap, input, key, MAX_SHORT_CHARS),
        Step::Problems(input) => {
            // Backspace on an empty line takes the last problem back into it.
            if key.code == KeyCode::Backspace && input.text().is_empty() {
                if let Some(last) = entry.problems.pop() {
                    input.set_text(&last);
                }
                return vec![];
            }
            edit(&k.keymap, input, key, MAX_PROBLEM_CHARS);
        }
        Step::Review => {}
    }
    vec![]
}

/// A wait typed as a ticket number (letters and digits), not as minutes.
fn is_ticket_number(text: &str) -> bool {
    let text = text.trim();
    !text.is_empty() && text.chars().any(|c| c.is_ascii_alphabetic())
}

/// The level `by` steps from `from` along the list as shown (left is better).
fn shift(from: Option<Level>, by: isize) -> Level {
    let at = from.map_or(1, |l| l as isize);
    Level::ALL[(at + by).clamp(0, Level::ALL.len() as isize - 1) as usize]
}

fn paste(k: &mut Kiosk, text: &str) {
    let line: String = text.chars().filter(|c| !c.is_control()).collect();
    let input = match &mut k.screen {
        Screen::Entry { step: Step::Window(i) | Step::Contact(i), .. } | Screen::Lookup { input: i, .. } => {
            Some((i, MAX_SHORT_CHARS))
        }
        Screen::Entry { step: Step::Problems(i), .. } => Some((i, MAX_PROBLEM_CHARS)),
        Screen::Entry { step: Step::Item(p), .. } => Some((&mut p.query, MAX_SHORT_CHARS)),
        _ => None,
    };
    if let Some((input, max)) = input {
        let room = max.saturating_sub(input.text().chars().count());
        input.insert_str(&line.chars().take(room).collect::<String>());
    }
    if let Screen::Entry { step: Step::Item(p), .. } = &mut k.screen {
        p.refilter();
    }
}

/// Review's Enter: the entry and its problems in one durable transaction.
fn submit(k: &mut Kiosk) -> Vec<Effect> {
    let Screen::Entry { entry, .. } = std::mem::replace(&mut k.screen, Screen::Start { cursor: 0 }) else {
        return vec![];
    };
    let now = k.ctx.clock.now().wall_ms;
    let session = k.ctx.ids.next_id(now);
    let findings: Vec<_> = entry.problems.iter().map(|_| k.ctx.ids.next_id(now)).collect();
    let receipt = receipt_code(session as u64 ^ (session >> 64) as u64);
    let changes = entry.changes(session, &findings, &receipt);
    let req = k.req();
    k.screen = Screen::Saving { req, entry, receipt };
    vec![Effect::Store(StoreRequest::Apply { req, changes })]
}

fn on_store(k: &mut Kiosk, ev: StoreEvent) -> Vec<Effect> {
    let now = k.ctx.clock.now();
    let s = k.strings();
    match (ev, &mut k.screen) {
        (StoreEvent::Saved { req }, Screen::Saving { req: asked, receipt, .. }) if req == *asked => {
            let code = std::mem::take(receipt);
            k.screen = Screen::Receipt { code, at: now };
        }
        (StoreEvent::SaveFailed { req, error }, Screen::Saving { req: asked, .. }) if req == *asked => {
            // Nothing is lost: back to the review, the reason said.
            if let Screen::Saving { entry, .. } = std::mem::replace(&mut k.screen, Screen::Start { cursor: 0 }) {
                k.screen = Screen::Entry { entry, step: Step::Review };
            }
            k.notice = Some(k.strings().tf("kiosk.save_failed", &[("error", &error.localized(k.strings()))]));
        }
        (StoreEvent::KioskFound { req, result }, Screen::Lookup { req: asked, error, .. }) if Some(req) == *asked => {
            match result {
                Ok(Some(receipt)) => match receipt.session.kiosk.as_ref().and_then(|f| f.officer) {
                    Some(officer) => kiosk_who::ask_pin_for(k, receipt, officer),
                    None => k.screen = Screen::Found { receipt, at: now },
                },
                Ok(None) => {
                    *asked = None;
                    *error = Some(s.t("kiosk.lookup.not_found").to_string());
                }
                Err(e) => {
                    *asked = None;
                    *error = Some(e.localized(s));
                }
            }
        }
        (StoreEvent::KioskOfficers { roster, .. }, Screen::OfficerPick { .. }) => kiosk_who::roster(k, roster),
        (StoreEvent::KioskTicket { req, result }, Screen::Entry { entry, step })
            if k.pending_ticket.as_ref().is_some_and(|(asked, _)| *asked == req) =>
        {
            let number = k.pending_ticket.take().map(|(_, n)| n).unwrap_or_default();
            match result {
                Ok(Some((ticket, secs))) if matches!(step, Step::Wait(_)) => {
                    entry.wait_minutes = Some((secs + 30) / 60);
                    entry.ticket = Some((ticket, number));
                    if let Some(next) = StepKind::Wait.next_for(entry) {
                        *step = Step::open(next, entry, k.ctx.lang);
                    }
                }
                Ok(_) => k.notice = Some(s.tf("kiosk.ticket.not_found", &[("number", &number)])),
                Err(e) => k.notice = Some(e.localized(s)),
            }
        }
        (StoreEvent::KioskOfficerPin { req, result }, Screen::OfficerPin { .. }) => {
            kiosk_who::pin_checked(k, req, result)
        }
        (StoreEvent::KioskPin { req, right }, Screen::Admin { req: asked, error, input, .. })
            if Some(req) == *asked =>
        {
            if right {
                return end(k, None);
            }
            *asked = None;
            input.clear();
            *error = Some(s.t("kiosk.admin.wrong").to_string());
        }
        _ => {}
    }
    vec![]
}
