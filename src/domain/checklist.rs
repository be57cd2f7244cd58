//! 检查表: a template attached to a session, pinned as it was when attached, with one answer
//! and one note per item. Each answer is its own field (`answer/<item id>`), so answering is
//! one op and two inspectors answering different items never conflict on merge.

use std::collections::BTreeMap;

use super::op::{Change, EntityId, EntityKind, Value, entity_created_ms};
use super::record::Record;
use super::template::{AnswerKind, Item, Template};

pub mod field {
    pub const SESSION: &str = "session";
    pub const TEMPLATE_ID: &str = "template_id";
    pub const TEMPLATE_VERSION: &str = "template_version";
    /// The template pinned as JSON.
    pub const TEMPLATE: &str = "template";
    pub const DELETED: &str = "deleted";
    pub const ANSWER_PREFIX: &str = "answer/";
    pub const NOTE_PREFIX: &str = "note/";

    pub fn answer(item: &str) -> String {
        format!("{ANSWER_PREFIX}{item}")
    }
    pub fn note(item: &str) -> String {
        format!("{NOTE_PREFIX}{item}")
    }
}

/// One item's answer. Stored as text codes ("pass", "score:4", "text:…") so a value says
/// what it is without its template, and JSON shows it as written.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Answer {
    Pass,
    Fail,
    NotApplicable,
    Score(u8),
    Count(u32),
    Yes,
    No,
    Text(String),
}

impl Answer {
    pub fn code(&self) -> String {
        match self {
            Answer::Pass => "pass".into(),
            Answer::Fail => "fail".into(),
            Answer::NotApplicable => "na".into(),
            Answer::Score(n) => format!("score:{n}"),
            Answer::Count(n) => format!("count:{n}"),
            Answer::Yes => "yes".into(),
            Answer::No => "no".into(),
            Answer::Text(t) => format!("text:{t}"),
        }
    }

    pub fn parse(code: &str) -> Option<Answer> {
        Some(match code {
            "pass" => Answer::Pass,
            "fail" => Answer::Fail,
            "na" => Answer::NotApplicable,
            "yes" => Answer::Yes,
            "no" => Answer::No,
            _ => {
                let (kind, rest) = code.split_once(':')?;
                match kind {
                    "score" => Answer::Score(rest.parse().ok().filter(|n| (1..=5).contains(n))?),
                    "count" => Answer::Count(rest.parse().ok()?),
                    "text" => Answer::Text(rest.to_string()),
                    _ => return None,
                }
            }
        })
    }

    pub fn to_value(&self) -> Value {
        Value::Text(self.code())
    }

    /// Whether this answer can be given to an item of `kind` (不适用 fits every kind).
    pub fn fits(&self, kind: AnswerKind) -> bool {
        match self {
            Answer::NotApplicable => true,
            Answer::Pass | Answer::Fail => kind == AnswerKind::PassFail,
            Answer::Score(_) => kind == AnswerKind::Score,
            Answer::Count(_) => kind == AnswerKind::Count,
            Answer::Yes | Answer::No => kind == AnswerKind::YesNo,
            Answer::Text(_) => kind == AnswerKind::Text,
        }
    }

    /// A failed check or a "no": the answers a finding usually comes from.
    pub fn is_negative(&self) -> bool {
        matches!(self, Answer::Fail | Answer::No)
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Checklist {
    pub id: EntityId,
    pub session_id: EntityId,
    pub template: Template,
    pub answers: BTreeMap<String, Answer>,
    pub notes: BTreeMap<String, String>,
    pub created_ms: i64,
    pub deleted: bool,
    pub conflicts: Vec<String>,
    /// The values of each field in `conflicts`, with who wrote them and when.
    pub conflict_values: Vec<super::finding::ConflictField>,
}

impl Checklist {
    pub const KIND: EntityKind = EntityKind::Checklist;

    /// None when the pinned template cannot be read (a record from a future version, or one
    /// whose `template` field never arrived in an import).
    pub fn from_record(r: &Record) -> Option<Checklist> {
        let conflicts: Vec<String> = r.conflicts().into_iter().map(String::from).collect();
        let template: Template = serde_json::from_str(r.get(field::TEMPLATE).as_text()).ok()?;
        let mut answers = BTreeMap::new();
        let mut notes = BTreeMap::new();
        for name in r.fields.keys() {
            if let Some(item) = name.strip_prefix(field::ANSWER_PREFIX) {
                if let Some(answer) = Answer::parse(r.get(name).as_text()) {
                    answers.insert(item.to_string(), answer);
                }
            } else if let Some(item) = name.strip_prefix(field::NOTE_PREFIX) {
                let note = r.text(name);
                if !note.is_empty() {
                    notes.insert(item.to_string(), note);
                }
            }
        }
        Some(Checklist {
            id: r.id,
            session_id: r.get(field::SESSION).as_ref_id().unwrap_or(0),
            template,
            answers,
            notes,
            created_ms: entity_created_ms(r.id),
            deleted: r.get(field::DELETED).as_bool(),
            conflict_values: super::finding::conflict_values(r, &conflicts),
            conflicts,
        })
    }

    /// The changes that attach `template` to `session` as checklist `id`, pinning its content.
    pub fn attach(id: EntityId, session: EntityId, template: &Template) -> (EntityId, Vec<Change>) {
        let json = serde_json::to_string(template).expect("a template always serializes");
        let set = |field: &str, value| Change::set(EntityKind::Checklist, id, field, value);
        let changes = vec![
            set(field::SESSION, Value::Ref(session)),
            set(field::TEMPLATE_ID, Value::text(&template.id)),
            set(field::TEMPLATE_VERSION, Value::Int(template.version.into())),
            set(field::TEMPLATE, Value::Text(json)),
        ];
        (id, changes)
    }

    /// The change that answers (or, with None, clears) one item of checklist `id`.
    pub fn answer_change(id: EntityId, item: &str, answer: Option<&Answer>) -> Change {
        let value = answer.map(Answer::to_value).unwrap_or(Value::Null);
        Change::set(EntityKind::Checklist, id, &field::answer(item), value)
    }

    /// The change that sets (or, when empty, clears) the note on one item of checklist `id`.
    pub fn note_change(id: EntityId, item: &str, note: &str) -> Change {
        Change::set(EntityKind::Checklist, id, &field::note(item), Value::text(note))
    }

    pub fn answer(&self, item: &str) -> Option<&Answer> {
        self.answers.get(item)
    }

    /// Items in template order, each with its dimension index.
    pub fn items(&self) -> Vec<(usize, &Item)> {
        let mut out = Vec::new();
        for (d, dimension) in self.template.dimensions.iter().enumerate() {
            out.extend(dimension.items.iter().map(|item| (d, item)));
        }
        out
    }

    pub fn result(&self) -> ChecklistResult {
        let dimensions: Vec<Tally> = self
            .template
            .dimensions
            .iter()
            .map(|d| Tally::of(d.items.iter().map(|i| self.answers.get(&i.id))))
            .collect();
        let overall = Tally::of(self.template.items().map(|(_, i)| self.answers.get(&i.id)));
        ChecklistResult { dimensions, overall }
    }
}

/// Counts over some items: how many answered, passed (通过, 是) and failed (不通过, 否), and
/// the scores given.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Tally {
    pub total: usize,
    pub answered: usize,
    pub passed: usize,
    pub failed: usize,
    pub scored: usize,
    pub score_sum: u32,
}

impl Tally {
    fn of<'a>(answers: impl Iterator<Item = Option<&'a Answer>>) -> Tally {
        let mut t = Tally::default();
        for answer in answers {
            t.total += 1;
            let Some(answer) = answer else { continue };
            t.answered += 1;
            match answer {
                // Templates word yes/no items so that 否 is the problem (README says so).
                Answer::Pass | Answer::Yes => t.passed += 1,
                Answer::Fail | Answer::No => t.failed += 1,
                Answer::Score(n) => {
                    t.scored += 1;
                    t.score_sum += u32::from(*n);
                }
                _ => {}
            }
        }
        t
    }

    /// Passed over passed + failed (不适用, scores, counts and text left out); None when
    /// nothing was checked.
    pub fn pass_rate(&self) -> Option<f64> {
        let checked = self.passed + self.failed;
        (checked > 0).then(|| self.passed as f64 / checked as f64)
    }

    pub fn average_score(&self) -> Option<f64> {
        (self.scored > 0).then(|| f64::from(self.score_sum) / self.scored as f64)
    }

    pub fn is_complete(&self) -> bool {
        self.answered == self.total
    }
}

#[derive(Clone, PartialEq, Debug)]
pub struct ChecklistResult {
    /// One per dimension, in template order.
    pub dimensions: Vec<Tally>,
    pub overall: Tally,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answer_codes_round_trip() {
        let all = [
            Answer::Pass,
            Answer::Fail,
            Answer::NotApplicable,
            Answer::Score(1),
            Answer::Score(5),
            Answer::Count(0),
            Answer::Count(12),
            Answer::Yes,
            Answer::No,
            Answer::Text("窗口无人：问询台".into()),
        ];
        for a in all {
            assert_eq!(Answer::parse(&a.code()), Some(a.clone()), "{a:?}");
        }
    }

    #[test]
    fn bad_codes_are_none() {
        for code in ["", "score:0", "score:6", "count:-1", "count:x", "maybe", "x:1"] {
            assert_eq!(Answer::parse(code), None, "{code}");
        }
    }

    #[test]
    fn tally_rates_leave_out_not_applicable() {
        let answers = [
            Some(Answer::Pass),
            Some(Answer::Fail),
            Some(Answer::NotApplicable),
            None,
            Some(Answer::Score(4)),
            Some(Answer::No),
            Some(Answer::Count(3)),
        ];
        let t = Tally::of(answers.iter().map(Option::as_ref));
        assert_eq!((t.total, t.answered, t.passed, t.failed), (7, 6, 1, 2));
        assert_eq!(t.pass_rate(), Some(1.0 / 3.0));
        assert_eq!(t.average_score(), Some(4.0));
        assert!(!t.is_complete());
        assert_eq!(Tally::of(std::iter::empty()).pass_rate(), None);
    }
}
