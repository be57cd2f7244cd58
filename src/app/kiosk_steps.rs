//! The kiosk's guided steps, one screen each (seed 004's 体验 then 评价): what is asked, in
//! order, and what each keeps of the answer. A step is built from the entry so far, so Esc
//! back and Enter again show what was given.

use ratatui::crossterm::event::KeyEvent;

use super::common::{EditOutcome, edit_key};
use super::picker::{Picker, vocab_options};
use crate::domain::kiosk::{Dimension, Entry, Level};
use crate::edit::TextInput;
use crate::i18n::Lang;
use crate::keymap::Keymap;
use crate::vocab::ChoiceList;

/// The longest texts a kiosk line takes: a problem, a window, a phone number.
pub const MAX_PROBLEM_CHARS: usize = 500;
pub const MAX_SHORT_CHARS: usize = 40;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepKind {
    Item,
    Window,
    Channel,
    Wait,
    Ratings,
    Problems,
    Contact,
    Review,
}

impl StepKind {
    pub const ALL: [StepKind; 8] = [
        StepKind::Item,
        StepKind::Window,
        StepKind::Channel,
        StepKind::Wait,
        StepKind::Ratings,
        StepKind::Problems,
        StepKind::Contact,
        StepKind::Review,
    ];
    /// 1-based, for "第 2/8 步".
    pub fn number(self) -> usize {
        StepKind::ALL.iter().position(|s| *s == self).unwrap_or(0) + 1
    }
    pub fn next(self) -> Option<StepKind> {
        StepKind::ALL.get(self.number()).copied()
    }
    pub fn back(self) -> Option<StepKind> {
        self.number().checked_sub(2).map(|i| StepKind::ALL[i])
    }
    /// The next step for `entry`: an officer is not asked for a phone (the roster has it).
    pub fn next_for(self, entry: &Entry) -> Option<StepKind> {
        self.next().and_then(|n| if n == StepKind::Contact && entry.officer.is_some() { n.next() } else { Some(n) })
    }
    pub fn back_for(self, entry: &Entry) -> Option<StepKind> {
        self.back().and_then(|b| if b == StepKind::Contact && entry.officer.is_some() { b.back() } else { Some(b) })
    }
    /// The i18n key of the line under its title, for the steps that are a line to type in.
    pub fn hint_key(self) -> &'static str {
        match self {
            StepKind::Window => "kiosk.step_hint.window",
            StepKind::Wait => "kiosk.step_hint.wait",
            StepKind::Contact => "kiosk.step_hint.contact",
            _ => "kiosk.step_hint.problems",
        }
    }
    /// The i18n key of its title.
    pub fn key(self) -> &'static str {
        match self {
            StepKind::Item => "kiosk.step.item",
            StepKind::Window => "kiosk.step.window",
            StepKind::Channel => "kiosk.step.channel",
            StepKind::Wait => "kiosk.step.wait",
            StepKind::Ratings => "kiosk.step.ratings",
            StepKind::Problems => "kiosk.step.problems",
            StepKind::Contact => "kiosk.step.contact",
            StepKind::Review => "kiosk.step.review",
        }
    }
}

/// A step on screen, with what is being typed or chosen in it.
pub enum Step {
    Item(Picker),
    Window(TextInput),
    Channel {
        cursor: usize,
    },
    Wait(TextInput),
    /// The dimension under the cursor and each one's level so far.
    Ratings {
        cursor: usize,
        levels: [Option<Level>; 4],
    },
    /// The line a new problem is typed in; the ones given are in the entry.
    Problems(TextInput),
    Contact(TextInput),
    Review,
}

impl Step {
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Item(_) => StepKind::Item,
            Step::Window(_) => StepKind::Window,
            Step::Channel { .. } => StepKind::Channel,
            Step::Wait(_) => StepKind::Wait,
            Step::Ratings { .. } => StepKind::Ratings,
            Step::Problems(_) => StepKind::Problems,
            Step::Contact(_) => StepKind::Contact,
            Step::Review => StepKind::Review,
        }
    }

    /// The step `kind`, showing what `entry` holds for it.
    pub fn open(kind: StepKind, entry: &Entry, lang: Lang) -> Step {
        let line = |text: &str| TextInput::single().with_text(text);
        match kind {
            StepKind::Item => {
                let shown = ChoiceList::Items.display(&entry.item, lang);
                let mut picker = Picker::new(vocab_options(ChoiceList::Items, lang), &shown);
                picker.accepts_unlisted = true;
                Step::Item(picker)
            }
            StepKind::Window => Step::Window(line(&entry.window)),
            StepKind::Channel => {
                let codes = channel_codes();
                Step::Channel { cursor: codes.iter().position(|c| *c == entry.channel).unwrap_or(0) }
            }
            StepKind::Wait => {
                let given = match &entry.ticket {
                    Some((_, number)) => number.clone(),
                    None => entry.wait_minutes.map(|m| m.to_string()).unwrap_or_default(),
                };
                Step::Wait(line(&given))
            }
            StepKind::Ratings => {
                let mut levels = [None; 4];
                for (d, l) in &entry.ratings {
                    levels[*d as usize] = Some(*l);
                }
                Step::Ratings { cursor: 0, levels }
            }
            StepKind::Problems => Step::Problems(line("")),
            StepKind::Contact => Step::Contact(line(&entry.contact)),
            StepKind::Review => Step::Review,
        }
    }

    /// Keeps what this step holds in `entry`; Err is the i18n key of what is missing.
    pub fn keep(&self, entry: &mut Entry) -> Result<(), &'static str> {
        match self {
            Step::Item(picker) => {
                let typed = picker.query.text().trim();
                let chosen = picker.selected().filter(|_| !typed.is_empty()).unwrap_or(typed);
                if chosen.is_empty() {
                    return Err("kiosk.need.item");
                }
                entry.item = ChoiceList::Items.to_stored(chosen);
            }
            Step::Window(input) => entry.window = input.text().trim().to_string(),
            Step::Channel { cursor } => {
                entry.channel = channel_codes().get(*cursor).map(|c| c.to_string()).unwrap_or_default()
            }
            Step::Wait(input) => {
                let text = input.text().trim();
                // Minutes typed over a ticket's number: the ticket no longer stands.
                if entry.ticket.as_ref().is_some_and(|(_, n)| n != text) {
                    entry.ticket = None;
                } else if entry.ticket.is_some() {
                    return Ok(());
                }
                entry.wait_minutes = match text {
                    "" => None,
                    t => match t.parse::<i64>() {
                        Ok(m) if (0..=24 * 60).contains(&m) => Some(m),
                        _ => return Err("kiosk.need.minutes"),
                    },
                };
            }
            Step::Ratings { levels, .. } => {
                if levels.iter().any(Option::is_none) {
                    return Err("kiosk.need.ratings");
                }
                entry.ratings = Dimension::ALL.into_iter().zip(levels).filter_map(|(d, l)| l.map(|l| (d, l))).collect();
            }
            // Each problem was kept as it was entered; a line left typed is kept too.
            Step::Problems(input) => {
                let text = input.text().trim();
                if !text.is_empty() {
                    entry.problems.push(text.to_string());
                }
            }
            Step::Contact(input) => entry.contact = input.text().trim().to_string(),
            Step::Review => {}
        }
        Ok(())
    }
}

/// The channels offered, as stored.
pub fn channel_codes() -> Vec<&'static str> {
    ChoiceList::Channels.entries().into_iter().map(|e| e.code()).collect()
}

/// Edits a line with the shipped editor keys, to at most `max` characters.
pub fn edit(keymap: &Keymap, input: &mut TextInput, key: &KeyEvent, max: usize) {
    let before = input.text().to_string();
    if let EditOutcome::Done = edit_key(keymap, input, key)
        && input.text().chars().count() > max
    {
        input.set_text(&before);
    }
}
