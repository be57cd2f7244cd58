//! The create/edit forms of sessions and findings: which fields, how typed text becomes
//! stored values, and validation that says which field is wrong.

use chrono::NaiveDate;

use crate::domain::finding::field as ff;
use crate::domain::session::field as sf;
use crate::domain::ticket::field as tf;
use crate::domain::{Change, EntityId, EntityKind, Finding, FindingStatus, Session, Ticket, Value};
use crate::edit::TextInput;
use crate::i18n::{Lang, Strings};
use crate::vocab::ChoiceList;

pub use super::picker::Picker;
pub use crate::text::{LIST_SEPARATORS, split_list};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormKind {
    Session {
        editing: Option<EntityId>,
    },
    Finding {
        session: EntityId,
        editing: Option<EntityId>,
    },
    /// A ticket's number, window and service item (tickets are added by one key, not a form).
    Ticket {
        editing: EntityId,
    },
    /// What the ledger shows (see `app::ledger`).
    LedgerFilter,
    /// A 体验官 on the roster (see `app::officers`).
    Officer {
        editing: Option<EntityId>,
    },
    /// What a status move needs (see `app::rectify`).
    Move {
        finding: EntityId,
        to: FindingStatus,
        reopen: bool,
    },
}

/// Lists of names that grow with use, collected when a picker opens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Names {
    /// The profile's inspector, then everyone named as an inspector in the sessions loaded,
    /// the most recent first.
    Inspectors,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    Text,
    MultiLine,
    /// One value, typed or picked from a list.
    Choice(ChoiceList),
    /// Several values separated by 、 , ， ; or ；, picked or typed.
    List(ChoiceList),
    /// Several values, typed or picked from names already in use (the inspectors), kept as
    /// typed.
    FreeList(Names),
    /// 整改时限: a date, or a period from today (5个工作日, 10天).
    Deadline,
}

pub struct FormField {
    /// The stored field name.
    pub name: &'static str,
    /// i18n key of the label.
    pub label: &'static str,
    pub kind: FieldKind,
    pub required: bool,
    pub input: TextInput,
    /// The text the field started with, to tell what changed.
    pub original: String,
}

impl FormField {
    pub fn new(name: &'static str, label: &'static str, kind: FieldKind, text: &str) -> FormField {
        let input = match kind {
            FieldKind::MultiLine => TextInput::multi(),
            _ => TextInput::single(),
        }
        .with_text(text);
        FormField { name, label, kind, required: false, input, original: text.to_string() }
    }
    pub fn required(mut self) -> Self {
        self.required = true;
        self
    }
    pub fn changed(&self) -> bool {
        self.input.text() != self.original
    }
    /// The vocabulary of a choice or list field (not of the names lists).
    pub fn choices(&self) -> Option<ChoiceList> {
        match self.kind {
            FieldKind::Choice(c) | FieldKind::List(c) => Some(c),
            _ => None,
        }
    }
}

pub struct FormState {
    pub kind: FormKind,
    pub fields: Vec<FormField>,
    pub focus: usize,
    pub picker: Option<Picker>,
    /// A validation error: which field, and the message.
    pub error: Option<(usize, String)>,
    /// A title made for this form (a move names its target and who acts), else `title_key`'s.
    pub title: Option<String>,
    /// The user has said yes to saving a deadline that is already past.
    pub past_deadline_ok: bool,
}

impl FormState {
    /// A form of `fields`, the first focused.
    pub fn new(kind: FormKind, fields: Vec<FormField>) -> FormState {
        FormState { kind, fields, focus: 0, picker: None, error: None, title: None, past_deadline_ok: false }
    }

    /// A deadline typed into this form that is already past, which is asked about before
    /// saving (it is allowed: a finding recorded late may be overdue at once).
    pub fn past_deadline(&self, changes: &[Change], today: NaiveDate) -> Option<NaiveDate> {
        if self.past_deadline_ok {
            return None;
        }
        let field = self.fields.iter().find(|f| f.kind == FieldKind::Deadline && f.changed())?;
        let d = changes.iter().find(|c| c.field == field.name).and_then(|c| c.value.as_date())?;
        (d < today).then_some(d)
    }

    /// A new session's form. A new walk usually happens in the same hall as the last one:
    /// mode, channel and place are prefilled from it. 体验人 starts with the profile's
    /// `inspector` (the one at the keyboard), joined by the last walk's companions when the
    /// inspector walked it too (a team goes on together; someone else's walk is not theirs).
    pub fn new_session(lang: Lang, last: Option<&Session>, inspector: &str) -> FormState {
        let mut s = Session {
            id: 0,
            item: String::new(),
            mode: String::new(),
            channel: String::new(),
            theme: String::new(),
            place: String::new(),
            window: String::new(),
            inspectors: Vec::new(),
            measures: String::new(),
            advice: String::new(),
            status: crate::domain::SessionStatus::Open,
            created_ms: 0,
            finished_ms: None,
            deleted: false,
            conflicts: Vec::new(),
            clock_jumps: Vec::new(),
            walk: Default::default(),
            attachments: Vec::new(),
            kiosk: None,
        };
        if let Some(l) = last {
            s.mode = l.mode.clone();
            s.channel = l.channel.clone();
            s.place = l.place.clone();
        }
        let me = inspector.trim();
        let same = |name: &String| crate::domain::rectify::same_person(name, me);
        s.inspectors = match last {
            _ if me.is_empty() => last.map(|l| l.inspectors.clone()).unwrap_or_default(),
            Some(l) if l.inspectors.iter().any(same) => {
                std::iter::once(me.to_string()).chain(l.inspectors.iter().filter(|n| !same(n)).cloned()).collect()
            }
            _ => vec![me.to_string()],
        };
        // The prefilled text counts as untouched, so Esc on an untouched form does not ask.
        FormState::session_fields(&s, lang, FormKind::Session { editing: None })
    }

    pub fn edit_session(s: &Session, lang: Lang) -> FormState {
        FormState::session_fields(s, lang, FormKind::Session { editing: Some(s.id) })
    }

    fn session_fields(s: &Session, lang: Lang, kind: FormKind) -> FormState {
        let shown = |list: ChoiceList, stored: &str| list.display(stored, lang);
        let fields = vec![
            FormField::new(sf::ITEM, "field.item", FieldKind::Choice(ChoiceList::Items), &s.item).required(),
            FormField::new(
                sf::MODE,
                "field.mode",
                FieldKind::Choice(ChoiceList::Modes),
                &shown(ChoiceList::Modes, &s.mode),
            ),
            FormField::new(
                sf::CHANNEL,
                "field.channel",
                FieldKind::Choice(ChoiceList::Channels),
                &shown(ChoiceList::Channels, &s.channel),
            ),
            FormField::new(
                sf::THEME,
                "field.theme",
                FieldKind::Choice(ChoiceList::Themes),
                &shown(ChoiceList::Themes, &s.theme),
            ),
            FormField::new(sf::PLACE, "field.place", FieldKind::Choice(ChoiceList::Places), &s.place),
            FormField::new(sf::WINDOW, "field.window", FieldKind::Text, &s.window),
            FormField::new(
                sf::INSPECTORS,
                "field.inspectors",
                FieldKind::FreeList(Names::Inspectors),
                &s.inspectors.join("、"),
            ),
            FormField::new(sf::MEASURES, "field.measures", FieldKind::MultiLine, &s.measures),
            FormField::new(sf::ADVICE, "field.advice", FieldKind::MultiLine, &s.advice),
        ];
        FormState::new(kind, fields)
    }

    pub fn new_finding(session: EntityId, lang: Lang) -> FormState {
        let blank = Finding::blank(session);
        FormState::finding_fields(&blank, lang, FormKind::Finding { session, editing: None })
    }

    pub fn edit_finding(f: &Finding, lang: Lang) -> FormState {
        FormState::finding_fields(f, lang, FormKind::Finding { session: f.session_id, editing: Some(f.id) })
    }

    fn finding_fields(f: &Finding, lang: Lang, kind: FormKind) -> FormState {
        let shown = |list: ChoiceList, stored: &str| list.display(stored, lang);
        let deadline = f.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        let fields = vec![
            FormField::new(ff::DESCRIPTION, "field.description", FieldKind::MultiLine, &f.description).required(),
            FormField::new(
                ff::CATEGORY,
                "field.category",
                FieldKind::Choice(ChoiceList::Categories),
                &shown(ChoiceList::Categories, &f.category),
            ),
            FormField::new(ff::TAGS, "field.tags", FieldKind::List(ChoiceList::Tags), &f.tags.join("、")),
            FormField::new(
                ff::SEVERITY,
                "field.severity",
                FieldKind::Choice(ChoiceList::Severities),
                &shown(ChoiceList::Severities, &f.severity),
            ),
            FormField::new(ff::UNIT, "field.unit", FieldKind::Choice(ChoiceList::Units), &f.unit),
            FormField::new(ff::MEASURE, "field.measure", FieldKind::MultiLine, &f.measure),
            FormField::new(ff::DEADLINE, "field.deadline", FieldKind::Deadline, &deadline),
            FormField::new(ff::PROGRESS, "field.progress", FieldKind::Text, &f.progress),
            FormField::new(ff::NOTE, "field.note", FieldKind::Text, &f.note),
            // Last, so the fields before keep their places (and Tab counts).
            FormField::new(ff::CAUSE, "field.cause", FieldKind::MultiLine, &f.cause),
        ];
        FormState::new(kind, fields)
    }

    pub fn edit_ticket(t: &Ticket, lang: Lang) -> FormState {
        let item = ChoiceList::Items.display(&t.item, lang);
        let fields = vec![
            FormField::new(tf::NUMBER, "field.ticket_number", FieldKind::Text, &t.number),
            FormField::new(tf::WINDOW, "field.window", FieldKind::Text, &t.first_window),
            FormField::new(tf::ITEM, "field.item", FieldKind::Choice(ChoiceList::Items), &item),
        ];
        FormState::new(FormKind::Ticket { editing: t.id }, fields)
    }

    pub fn is_new(&self) -> bool {
        matches!(self.kind, FormKind::Session { editing: None } | FormKind::Finding { editing: None, .. })
    }

    pub fn has_changes(&self) -> bool {
        self.fields.iter().any(FormField::changed)
    }

    pub fn focused(&mut self) -> &mut FormField {
        &mut self.fields[self.focus]
    }

    pub fn title_key(&self) -> &'static str {
        match self.kind {
            FormKind::Session { editing: None } => "form.session.new",
            FormKind::Session { editing: Some(_) } => "form.session.edit",
            FormKind::Finding { editing: None, .. } => "form.finding.new",
            FormKind::Finding { editing: Some(_), .. } => "form.finding.edit",
            FormKind::Ticket { .. } => "form.ticket.edit",
            FormKind::Officer { editing: None } => "form.officer.new",
            FormKind::Officer { editing: Some(_) } => "form.officer.edit",
            FormKind::Move { .. } => "form.move",
            FormKind::LedgerFilter => "form.ledger_filter",
        }
    }

    /// Turn the form into changes for the store, or say which field is wrong.
    /// `next_seq` is the 序号 a new finding takes, `new_id` the id a new record takes.
    pub fn to_changes(
        &self,
        strings: &Strings,
        next_seq: i64,
        today: NaiveDate,
        calendar: &crate::domain::workdays::Calendar,
        new_id: EntityId,
    ) -> Result<(EntityId, Vec<Change>), (usize, String)> {
        let mut values = Vec::new();
        for (i, f) in self.fields.iter().enumerate() {
            let text = f.input.text().trim();
            if f.required && text.is_empty() {
                return Err((i, strings.tf("error.required", &[("field", strings.t(f.label))])));
            }
            if !self.is_new() && !f.changed() {
                continue;
            }
            let value = match f.kind {
                FieldKind::Text | FieldKind::MultiLine => Value::text(text),
                FieldKind::Choice(_) if text.is_empty() => Value::text(""),
                FieldKind::Choice(list) => match list.strict_code(text) {
                    Some(Ok(code)) => Value::text(code),
                    Some(Err(())) => {
                        let label = strings.t(f.label);
                        return Err((i, strings.tf("error.pick_from_list", &[("field", label)])));
                    }
                    None => Value::text(list.to_stored(text)),
                },
                FieldKind::List(_) | FieldKind::FreeList(_) => Value::TextList(split_list(text)),
                FieldKind::Deadline if text.is_empty() => Value::Null,
                FieldKind::Deadline => match crate::holidays::parse_deadline(text, today, calendar, strings) {
                    Ok(d) => Value::date(d),
                    Err(message) => return Err((i, message)),
                },
            };
            if self.is_new() && matches!(&value, Value::Text(t) if t.is_empty()) {
                continue;
            }
            if self.is_new() && matches!(&value, Value::TextList(l) if l.is_empty()) {
                continue;
            }
            values.push((f.name, value));
        }
        let (kind, id, extra) = match self.kind {
            FormKind::Session { editing: Some(id) } => (EntityKind::Session, id, vec![]),
            FormKind::Session { editing: None } => {
                (EntityKind::Session, new_id, vec![(sf::STATUS, Value::text("open"))])
            }
            FormKind::Finding { editing: Some(id), .. } => (EntityKind::Finding, id, vec![]),
            FormKind::Ticket { editing } => (EntityKind::Ticket, editing, vec![]),
            // Moves and the ledger's filter are read by their own modules, never from here.
            FormKind::Move { finding, .. } => (EntityKind::Finding, finding, vec![]),
            FormKind::LedgerFilter | FormKind::Officer { .. } => return Ok((0, vec![])),
            FormKind::Finding { session, editing: None } => {
                (EntityKind::Finding, new_id, new_finding_fields(session, next_seq))
            }
        };
        let changes =
            extra.into_iter().chain(values).map(|(field, value)| Change::set(kind, id, field, value)).collect();
        Ok((id, changes))
    }
}

/// The fields every new finding carries besides what was typed.
pub fn new_finding_fields(session: EntityId, seq: i64) -> Vec<(&'static str, Value)> {
    vec![
        (ff::SESSION, Value::Ref(session)),
        (ff::SEQ, Value::Int(seq)),
        (ff::STATUS, Value::text(FindingStatus::Found.code())),
    ]
}
