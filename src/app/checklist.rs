//! Checklists in the app: the add-checklist list, the keys of a checklist screen (single-key
//! answers, number and text entry, notes, next unanswered, finding from an item) and the
//! entries they open. Every answer is one change, saved durably as soon as it is given.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::common::{ask, global_key, save};
use super::effect::Effect;
use super::layout::page;
use super::nav::{SessionList, move_cursor};
use super::state::{CapturePurpose, CaptureState, Confirm, ConfirmAction, Overlay, Pane, Screen, State};
use crate::domain::checklist::field as cf;
use crate::domain::{Answer, AnswerKind, Change, Checklist, EntityId, EntityKind, FindingLink, Value};
use crate::keymap::{Action, Layer};

/// The checklist screen (the checklist itself is the session page's, `SessionPageView`).
#[derive(Default)]
pub struct ChecklistView {
    /// The item under the cursor, as an index into the checklist's items.
    pub item_cursor: usize,
    /// Where the list's view starts (kept by drawing: see [`super::nav::ViewTop`]).
    pub top: super::nav::ViewTop,
}

/// Opens a checklist, with the cursor on its first unanswered item.
pub(super) fn open(state: &mut State, session: EntityId, checklist: EntityId) {
    state.screen = Screen::Checklist { session, checklist };
    state.checklist.item_cursor = 0;
    if let Some(c) = state.open_checklist() {
        state.checklist.item_cursor = first_unanswered(c, 0).unwrap_or(0);
    }
}

/// The first unanswered item at or after `from`, wrapping round.
fn first_unanswered(c: &Checklist, from: usize) -> Option<usize> {
    let items = c.items();
    let n = items.len();
    (0..n).map(|k| (from + k) % n).find(|&i| !c.answers.contains_key(&items[i].1.id))
}

pub(super) fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::TemplatePicker { session, cursor }) = state.overlays.last_mut() else { return vec![] };
    let session = *session;
    let last = state.ctx.templates.len().saturating_sub(1);
    match key.code {
        // Fixed keys, like the form's pick list; j/k as on every list, q leaves like Esc.
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(last),
        KeyCode::PageUp => *cursor = cursor.saturating_sub(10),
        KeyCode::PageDown => *cursor = (*cursor + 10).min(last),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = last,
        KeyCode::Esc | KeyCode::Char('q') => {
            state.overlays.pop();
        }
        KeyCode::Enter => {
            let chosen = state.ctx.templates.get(*cursor).map(|c| c.template.clone());
            match chosen {
                Some(Ok(template)) => {
                    state.overlays.pop();
                    let (id, changes) = Checklist::attach(state.ctx.new_id(), session, &template);
                    state.screen = Screen::Checklist { session, checklist: id };
                    state.checklist.item_cursor = 0;
                    return save(state, id, changes, None);
                }
                Some(Err(problem)) => {
                    state.notice = Some(state.ctx.strings().tf("checklist.broken", &[("error", &problem)]));
                }
                None => {}
            }
        }
        _ => return global_key(state, key, false),
    }
    vec![]
}

/// Keys of a session page's checklist pane that differ from the findings pane.
pub(super) fn pane_key(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let Screen::SessionPage { session } = state.screen else { return None };
    let len = state.checklists_of(session).len();
    if let Some(c) = move_cursor(state.page.checklist_cursor, len, page(state), action) {
        state.page.checklist_cursor = c;
        return Some(vec![]);
    }
    let selected = state.selected_checklist().cloned();
    match (action, selected) {
        (Action::Open | Action::Edit, Some(c)) => {
            open(state, session, c.id);
            Some(vec![])
        }
        // Enter on the empty list offers the templates; nothing there acts on a finding.
        (Action::Open | Action::Edit, None) => {
            state.overlays.push(Overlay::TemplatePicker { session, cursor: 0 });
            Some(vec![])
        }
        (Action::Delete, Some(c)) => {
            let linked =
                state.findings_of(session).iter().filter(|f| f.check.as_ref().is_some_and(|(id, _)| *id == c.id));
            let linked = linked.count().to_string();
            let answered = c.answers.len().to_string();
            ask(
                state,
                "confirm.remove_checklist",
                &[("title", &c.template.title.zh), ("answered", &answered), ("findings", &linked)],
                ConfirmAction::RemoveChecklist(c.id),
            );
            Some(vec![])
        }
        (Action::Delete, None) => Some(vec![]),
        _ => None,
    }
}

pub(super) fn remove(state: &mut State, id: EntityId) -> Vec<Effect> {
    save(state, id, vec![Change::set(EntityKind::Checklist, id, cf::DELETED, Value::Bool(true))], None)
}

fn is_digit(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if c.is_ascii_digit() && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

pub(super) fn screen_key(state: &mut State, key: KeyEvent, session: EntityId) -> Vec<Effect> {
    let action = state.ctx.keymap.lookup(Layer::Checklist, &key);
    let Some((checklist, item)) = state.selected_item().map(|(c, i)| (c.clone(), i.clone())) else {
        // Not loaded yet (just attached): only the way back works.
        if action == Some(Action::Back) {
            back(state, session);
            return vec![];
        }
        return global_key(state, &key, false);
    };
    // On a count item a digit starts the number entry: numbers are typed, not chosen.
    if item.kind == AnswerKind::Count {
        if let Some(digit) = is_digit(&key) {
            return open_entry(state, &checklist, &item.id, item.kind, &digit.to_string());
        }
    }
    let Some(action) = action else {
        // A digit no binding takes (0, 6–9 on a score …): say what the item takes.
        if is_digit(&key).is_some() {
            wrong_key(state, item.kind);
            return vec![];
        }
        return global_key(state, &key, false);
    };
    let len = checklist.items().len();
    if let Some(c) = move_cursor(state.checklist.item_cursor, len, page(state), action) {
        state.checklist.item_cursor = c;
        return vec![];
    }
    let score = |n: u8| match item.kind {
        AnswerKind::Score => Ok(Answer::Score(n)),
        _ => Err(n),
    };
    let answer = match action {
        Action::Pass => Some(match item.kind {
            AnswerKind::YesNo => Ok(Answer::Yes),
            _ => Ok(Answer::Pass),
        }),
        Action::Fail => Some(match item.kind {
            AnswerKind::YesNo => Ok(Answer::No),
            _ => Ok(Answer::Fail),
        }),
        Action::NotApplicable => Some(Ok(Answer::NotApplicable)),
        Action::Score1 => Some(score(1)),
        Action::Score2 => Some(score(2)),
        Action::Score3 => Some(score(3)),
        Action::Score4 => Some(score(4)),
        Action::Score5 => Some(score(5)),
        _ => None,
    };
    if let Some(answer) = answer {
        return match answer {
            Ok(a) if a.fits(item.kind) => give_or_ask(state, &checklist, &item.id, Some(a)),
            // A digit on a count item was taken above; elsewhere say what the item takes.
            _ => {
                wrong_key(state, item.kind);
                vec![]
            }
        };
    }
    match action {
        Action::Back => {
            back(state, session);
            vec![]
        }
        Action::EnterAnswer => match item.kind {
            AnswerKind::Count | AnswerKind::Text | AnswerKind::Score => {
                let current = match checklist.answer(&item.id) {
                    Some(Answer::Count(n)) => n.to_string(),
                    Some(Answer::Score(n)) => n.to_string(),
                    Some(Answer::Text(t)) => t.clone(),
                    _ => String::new(),
                };
                open_entry(state, &checklist, &item.id, item.kind, &current)
            }
            AnswerKind::PassFail | AnswerKind::YesNo => {
                wrong_key(state, item.kind);
                vec![]
            }
        },
        Action::ClearAnswer if checklist.answer(&item.id).is_some() => give_or_ask(state, &checklist, &item.id, None),
        Action::Note => {
            let note = checklist.notes.get(&item.id).map(String::as_str).unwrap_or("");
            let purpose = CapturePurpose::Note { checklist: checklist.id, item: item.id.clone() };
            state.overlays.push(Overlay::Capture(CaptureState::new(session, purpose, note)));
            vec![]
        }
        Action::NextUnanswered => {
            match first_unanswered(&checklist, (state.checklist.item_cursor + 1) % len.max(1)) {
                Some(i) => state.checklist.item_cursor = i,
                None => state.notice = Some(state.t("checklist.all_answered").to_string()),
            }
            vec![]
        }
        Action::Resolve => super::conflicts::open_checklist(state, checklist.id, Some(&item.id)),
        Action::MakeFinding => {
            let text = if item.finding.is_empty() { &item.text } else { &item.finding };
            let purpose = CapturePurpose::Finding {
                link: Some(FindingLink::Check { checklist: checklist.id, item: item.id.clone() }),
            };
            state.overlays.push(Overlay::Capture(CaptureState::new(session, purpose, text)));
            vec![]
        }
        _ => vec![],
    }
}

fn back(state: &mut State, session: EntityId) {
    state.screen = Screen::SessionPage { session };
    state.page.pane = Pane::Checklists;
}

/// Says how this item is answered, with the keys in force.
fn wrong_key(state: &mut State, kind: AnswerKind) {
    let keys = answer_keys(state, kind);
    state.notice = Some(state.ctx.strings().tf("checklist.wrong_key", &[("keys", &keys)]));
}

/// How to answer an item of `kind` with the keymap in force: "y 通过  n 不通过  - 不适用".
pub fn answer_keys(state: &State, kind: AnswerKind) -> String {
    let key = |a: Action| state.key_for(Layer::Checklist, a);
    let pair = |a: Action, label: &str| key(a).map(|k| format!("{k} {}", state.t(label)));
    let mut parts: Vec<String> = match kind {
        AnswerKind::PassFail => {
            [pair(Action::Pass, "answer.pass"), pair(Action::Fail, "answer.fail")].into_iter().flatten().collect()
        }
        AnswerKind::YesNo => {
            [pair(Action::Pass, "answer.yes"), pair(Action::Fail, "answer.no")].into_iter().flatten().collect()
        }
        AnswerKind::Score => match (key(Action::Score1), key(Action::Score5)) {
            (Some(lo), Some(hi)) => vec![format!("{lo}-{hi} {}", state.t("hint.score"))],
            _ => vec![],
        },
        // Digits are typed into the entry on a count item (not a binding): "0-9 输入数量".
        AnswerKind::Count => vec![format!("0-9 {}", state.t("entry.count"))],
        AnswerKind::Text => pair(Action::EnterAnswer, "entry.text").into_iter().collect(),
    };
    parts.extend(pair(Action::NotApplicable, "answer.na"));
    parts.join("  ")
}

fn open_entry(state: &mut State, checklist: &Checklist, item: &str, kind: AnswerKind, text: &str) -> Vec<Effect> {
    let purpose = CapturePurpose::Answer { checklist: checklist.id, item: item.to_string(), kind };
    let mut entry = CaptureState::new(checklist.session_id, purpose, text);
    // A digit that opened the entry was typed by the user: Esc should ask about it.
    if kind == AnswerKind::Count && checklist.answer(item).is_none() {
        entry.initial.clear();
    }
    state.overlays.push(Overlay::Capture(entry));
    vec![]
}

/// The answer of an item that findings were made from is what those findings rest on: a
/// different answer (通过 after 不通过, say) is asked about first, naming the findings.
fn give_or_ask(state: &mut State, checklist: &Checklist, item: &str, answer: Option<Answer>) -> Vec<Effect> {
    let current = checklist.answer(item);
    let linked: Vec<String> = state.findings_of_item(checklist.id, item).iter().map(|f| f.seq.to_string()).collect();
    if linked.is_empty() || current == answer.as_ref() {
        return give(state, checklist, item, answer);
    }
    let s = state.ctx.strings();
    let unit = checklist.template.item(item).map(|(_, i)| i.unit.as_str()).unwrap_or("");
    let shown = |a: Option<&Answer>| match a {
        Some(a) => crate::present::labels::answer(s, a, unit),
        None => state.t("answer.none").to_string(),
    };
    let sep = if state.ctx.lang == crate::i18n::Lang::Zh { "、" } else { ", " };
    let question = s.tf(
        "confirm.change_answer",
        &[("from", &shown(current)), ("to", &shown(answer.as_ref())), ("findings", &linked.join(sep))],
    );
    let action = ConfirmAction::ChangeAnswer { checklist: checklist.id, item: item.to_string(), answer };
    state.overlays.push(Overlay::Confirm(Confirm { question, action }));
    vec![]
}

/// Yes to [`give_or_ask`]'s question.
pub(super) fn change_answer(state: &mut State, checklist: EntityId, item: &str, answer: Option<Answer>) -> Vec<Effect> {
    let Some(c) = state.page.checklists.iter().find(|c| c.id == checklist).cloned() else { return vec![] };
    give(state, &c, item, answer)
}

/// Moves the cursor to the next item (after a finding made from the one under it).
pub(super) fn advance(state: &mut State) {
    let len = state.open_checklist().map(|c| c.items().len()).unwrap_or(0);
    state.checklist.item_cursor = (state.checklist.item_cursor + 1).min(len.saturating_sub(1));
}

/// Saves one answer (None clears it) and moves to the next item, so a run of single keys
/// answers a run of items; clearing stays. A failure stays put: the next key is usually the one that makes a
/// finding about this very item (and once it is made, the cursor moves on).
fn give(state: &mut State, checklist: &Checklist, item: &str, answer: Option<Answer>) -> Vec<Effect> {
    let change = Checklist::answer_change(checklist.id, item, answer.as_ref());
    let before = state.checklist.item_cursor;
    match &answer {
        Some(a) if a.is_negative() => {
            if let Some(key) = state.key_for(Layer::Checklist, Action::MakeFinding) {
                state.notice = Some(state.ctx.strings().tf("checklist.failed_hint", &[("key", &key)]));
            }
        }
        Some(_) => {
            state.checklist.item_cursor =
                (state.checklist.item_cursor + 1).min(checklist.items().len().saturating_sub(1))
        }
        // Clearing stays on the item, to answer it again.
        None => {}
    }
    let effects = save(state, checklist.id, vec![change], None);
    remember_item(state, before);
    effects
}

/// The answer just sent moved the cursor on from `before`: a failure brings it back there.
fn remember_item(state: &mut State, before: usize) {
    let req = state.next_req - 1;
    if let Some(p) = state.pending.get_mut(&req) {
        p.item_cursor_back = Some(before);
    }
}

/// Enter in an answer or note entry. A bad number keeps the entry open with the reason.
pub(super) fn submit_entry(state: &mut State, mut capture: CaptureState) -> Vec<Effect> {
    let text = capture.input.text().trim().to_string();
    let (checklist_id, change, advance) = match &capture.purpose {
        CapturePurpose::Answer { checklist, item, kind } => {
            let answer = match parse_entry(*kind, &text) {
                Ok(a) => a,
                Err(key) => {
                    capture.error = Some(state.t(key).to_string());
                    state.overlays.push(Overlay::Capture(capture));
                    return vec![];
                }
            };
            // Findings rest on this answer: a different one is asked about first.
            let linked = !state.findings_of_item(*checklist, item).is_empty();
            let listed = state.page.checklists.iter().find(|c| c.id == *checklist).cloned();
            if let Some(c) = listed.filter(|c| linked && c.answer(item) != answer.as_ref()) {
                let item = item.clone();
                return give_or_ask(state, &c, &item, answer);
            }
            (*checklist, Checklist::answer_change(*checklist, item, answer.as_ref()), true)
        }
        CapturePurpose::Note { checklist, item } => {
            (*checklist, Checklist::note_change(*checklist, item, &text), false)
        }
        CapturePurpose::Finding { .. }
        | CapturePurpose::Transfer { .. }
        | CapturePurpose::Stage { .. }
        | CapturePurpose::Inspector
        | CapturePurpose::SyncPath
        | CapturePurpose::OfficerPin { .. }
        | CapturePurpose::AttachPath { .. } => return vec![],
    };
    let before = state.checklist.item_cursor;
    if advance {
        let len = state.open_checklist().map(|c| c.items().len()).unwrap_or(0);
        state.checklist.item_cursor = (state.checklist.item_cursor + 1).min(len.saturating_sub(1));
    }
    let effects = save(state, checklist_id, vec![change], Some(Overlay::Capture(capture)));
    remember_item(state, before);
    effects
}

/// What an entry's text means for an item of `kind`: empty clears the answer. Full-width
/// digits (as a Chinese IME types them) count as digits.
fn parse_entry(kind: AnswerKind, text: &str) -> Result<Option<Answer>, &'static str> {
    if text.is_empty() {
        return Ok(None);
    }
    let digits: String = text
        .chars()
        .map(|c| if ('０'..='９').contains(&c) { char::from(b'0' + (c as u32 - '０' as u32) as u8) } else { c })
        .collect();
    match kind {
        AnswerKind::Count => match digits.parse::<u32>() {
            Ok(n) => Ok(Some(Answer::Count(n))),
            Err(_) if digits.chars().all(|c| c.is_ascii_digit()) => Err("checklist.count_too_large"),
            Err(_) => Err("checklist.count_invalid"),
        },
        AnswerKind::Score => match digits.parse::<u8>() {
            Ok(n @ 1..=5) => Ok(Some(Answer::Score(n))),
            _ => Err("checklist.score_invalid"),
        },
        AnswerKind::Text => Ok(Some(Answer::Text(text.to_string()))),
        AnswerKind::PassFail | AnswerKind::YesNo => Err("checklist.use_keys"),
    }
}

/// A new list of checklists from the store.
pub(super) fn loaded(state: &mut State, session: EntityId, checklists: Vec<Checklist>) {
    let first_load_of_open = state.open_checklist().is_none();
    let list = SessionList {
        items: &mut state.page.checklists,
        session: &mut state.page.checklists_session,
        cursor: &mut state.page.checklist_cursor,
    };
    list.replace(session, checklists, &mut state.select_after_load, |c| c.id);
    if let Screen::Checklist { checklist, .. } = state.screen {
        if first_load_of_open {
            if let Some(c) = state.open_checklist() {
                state.checklist.item_cursor = first_unanswered(c, 0).unwrap_or(0);
            }
        }
        if let Some(i) = state.page.checklists.iter().position(|c| c.id == checklist) {
            state.page.checklist_cursor = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_parse_by_kind() {
        assert_eq!(parse_entry(AnswerKind::Count, "12"), Ok(Some(Answer::Count(12))));
        assert_eq!(parse_entry(AnswerKind::Count, "１２"), Ok(Some(Answer::Count(12))));
        assert_eq!(parse_entry(AnswerKind::Count, "十二"), Err("checklist.count_invalid"));
        assert_eq!(parse_entry(AnswerKind::Count, "-1"), Err("checklist.count_invalid"));
        assert_eq!(parse_entry(AnswerKind::Count, "99999999999"), Err("checklist.count_too_large"));
        assert_eq!(parse_entry(AnswerKind::Score, "5"), Ok(Some(Answer::Score(5))));
        assert_eq!(parse_entry(AnswerKind::Score, "6"), Err("checklist.score_invalid"));
        assert_eq!(parse_entry(AnswerKind::Text, "窗口无人"), Ok(Some(Answer::Text("窗口无人".into()))));
        assert_eq!(parse_entry(AnswerKind::Count, ""), Ok(None));
    }
}
