//! 整改: the rules that carry a finding from 待核查 to 已销号 (seed 001's closed loop:
//! 发现问题 → 组织核查 → 建账定责 → 督促整改 → 成效反馈 → 对账销号).
//!
//! A move is written as one `move/<ULID>` field holding a [`StatusMove`] (who, when, why), plus
//! the fields it sets (status, the 六明确, evidence, who rectified and who closed), all in one
//! transaction. Moves get unique field names rather than a counter so that two inspectors' moves
//! on the same finding both survive a merge; the `status` field is the one that can conflict,
//! and a conflict there is shown like any other.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::finding::{Finding, FindingStatus, field};
use super::op::{Change, EntityId, EntityKind, Value, entity_id_string};
use super::record::Record;

/// Move fields are `move/<ULID>`: time-ordered and unique across replicas.
pub const MOVE_PREFIX: &str = "move/";

/// Days before the deadline from which a finding is marked as due soon.
pub const DUE_SOON_DAYS: i64 = 3;

/// One step of a finding's history, as stored. Statuses are kept as their codes so a store
/// read by an older tiyan (or a status added later) never fails to decode.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct StatusMove {
    pub from: String,
    pub to: String,
    /// Who acted: the profile's inspector name, or `--by` on the command line.
    pub by: String,
    /// Wall clock, Unix ms.
    pub at_ms: i64,
    /// Why: required for 不成立 and for reopening, optional otherwise.
    pub note: String,
    /// What was done: required for 已整改.
    pub evidence: String,
    /// The fields an assignment set (field name, text), so the timeline shows the 六明确.
    pub details: Vec<(String, String)>,
    /// A reopening rather than a forward move.
    pub reopen: bool,
}

impl StatusMove {
    pub fn from_status(&self) -> Option<FindingStatus> {
        FindingStatus::parse(&self.from)
    }
    pub fn to_status(&self) -> Option<FindingStatus> {
        FindingStatus::parse(&self.to)
    }
}

/// The field a new history entry takes: unique (a fresh id), so entries from two replicas
/// never collide.
fn move_field(entry: EntityId) -> String {
    format!("{MOVE_PREFIX}{}", entity_id_string(entry))
}

/// A finding's moves, oldest first.
pub fn take_moves(r: &mut Record) -> Vec<StatusMove> {
    let names: Vec<String> = r.fields_with_prefix(MOVE_PREFIX).map(|(name, _)| name.to_string()).collect();
    let mut moves: Vec<(String, StatusMove)> = names
        .into_iter()
        .filter_map(|name| match r.take(&name) {
            Value::Move(m) => Some((name, *m)),
            _ => None,
        })
        .collect();
    // Wall time first: moves made on different machines interleave by when they were made;
    // the ULID in the name breaks ties.
    moves.sort_by(|a, b| a.1.at_ms.cmp(&b.1.at_ms).then_with(|| a.0.cmp(&b.0)));
    moves.into_iter().map(|(_, m)| m).collect()
}

/// The forward moves allowed from a status (reopening is separate: [`reopen_target`]).
pub fn targets(from: FindingStatus) -> &'static [FindingStatus] {
    use FindingStatus::*;
    match from {
        // 立行立改: fixed on the spot goes straight to rectified (and still needs close-off).
        Found => &[Confirmed, NotAProblem, Rectified],
        Confirmed => &[Assigned],
        Assigned => &[Rectifying],
        Rectifying => &[Rectified],
        Rectified => &[Closed],
        NotAProblem | Closed => &[],
    }
}

/// Where a reopened finding goes: back to 整改中 when a unit was assigned, else to 已核查 so
/// that it is assigned. None when it cannot be reopened (only 已整改 and 已销号 can).
pub fn reopen_target(f: &Finding) -> Option<FindingStatus> {
    match f.status {
        FindingStatus::Rectified | FindingStatus::Closed if f.unit.trim().is_empty() => Some(FindingStatus::Confirmed),
        FindingStatus::Rectified | FindingStatus::Closed => Some(FindingStatus::Rectifying),
        _ => None,
    }
}

/// The 六明确 given when a unit is assigned (任务 is the finding's description).
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct Assignment {
    pub unit: String,
    pub deadline: Option<NaiveDate>,
    pub measure: String,
    pub target: String,
    pub standard: String,
    pub owner: String,
}

/// A move as asked for, from the TUI or the command line.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MoveRequest {
    pub to: FindingStatus,
    pub reopen: bool,
    pub by: String,
    pub note: String,
    pub evidence: String,
    pub assignment: Assignment,
}

impl MoveRequest {
    pub fn new(to: FindingStatus, by: &str) -> MoveRequest {
        MoveRequest {
            to,
            reopen: false,
            by: by.to_string(),
            note: String::new(),
            evidence: String::new(),
            assignment: Assignment::default(),
        }
    }
}

/// The field a move needs and did not get.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Needed {
    By,
    Note,
    Evidence,
    Unit,
    Deadline,
    Measure,
}

impl Needed {
    /// The i18n key of the field's label.
    pub fn label_key(self) -> &'static str {
        match self {
            Needed::By => "field.by",
            Needed::Note => "field.move_note",
            Needed::Evidence => "field.evidence",
            Needed::Unit => "field.unit",
            Needed::Deadline => "field.deadline",
            Needed::Measure => "field.measure",
        }
    }
    /// The command-line flag that gives it.
    pub fn flag(self) -> &'static str {
        match self {
            Needed::By => "--by",
            Needed::Note => "--note",
            Needed::Evidence => "--evidence",
            Needed::Unit => "--unit",
            Needed::Deadline => "--deadline",
            Needed::Measure => "--measure",
        }
    }
}

#[derive(Clone, PartialEq, Eq, Debug)]
pub enum MoveError {
    /// Not a move the rules allow from here; says what is.
    NotAllowed {
        from: FindingStatus,
        to: FindingStatus,
        allowed: Vec<FindingStatus>,
        reopen: Option<FindingStatus>,
    },
    /// Reopening asked of a finding that is neither rectified nor closed.
    CannotReopen {
        from: FindingStatus,
    },
    Missing(Needed),
    /// Close-off by the one who marked it rectified: someone else must check it.
    SameCloser {
        name: String,
    },
    Deleted,
}

impl MoveError {
    /// The message in the UI language, naming the allowed moves.
    pub fn message(&self, strings: &crate::i18n::Strings) -> String {
        let lang = strings.lang();
        let name = |s: FindingStatus| s.label(lang).to_string();
        let sep = if lang == crate::i18n::Lang::Zh { "、" } else { ", " };
        match self {
            MoveError::NotAllowed { from, to, allowed, reopen } => {
                let mut options: Vec<String> = allowed.iter().map(|s| name(*s)).collect();
                if let Some(r) = reopen {
                    options.push(strings.tf("move.reopen_to", &[("status", &name(*r))]));
                }
                let allowed = if options.is_empty() { strings.t("move.none").to_string() } else { options.join(sep) };
                strings
                    .tf("move.error.not_allowed", &[("from", &name(*from)), ("to", &name(*to)), ("allowed", &allowed)])
            }
            MoveError::CannotReopen { from } => strings.tf("move.error.cannot_reopen", &[("from", &name(*from))]),
            MoveError::Missing(n) => strings.tf("move.error.missing", &[("field", strings.t(n.label_key()))]),
            MoveError::SameCloser { name } => strings.tf("move.error.same_closer", &[("name", name)]),
            MoveError::Deleted => strings.t("move.error.deleted").to_string(),
        }
    }
}

/// Names compared the way people write them: without spaces, case-insensitive.
pub fn same_person(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect::<String>();
    let (a, b) = (norm(a), norm(b));
    !a.is_empty() && a == b
}

/// Check a move against the rules; Ok is the status it leads to.
pub fn check(f: &Finding, req: &MoveRequest) -> Result<FindingStatus, MoveError> {
    use FindingStatus::*;
    if f.deleted {
        return Err(MoveError::Deleted);
    }
    let to = if req.reopen {
        reopen_target(f).ok_or(MoveError::CannotReopen { from: f.status })?
    } else {
        if !targets(f.status).contains(&req.to) {
            return Err(MoveError::NotAllowed {
                from: f.status,
                to: req.to,
                allowed: targets(f.status).to_vec(),
                reopen: reopen_target(f),
            });
        }
        req.to
    };
    let blank = |s: &str| s.trim().is_empty();
    if blank(&req.by) {
        return Err(MoveError::Missing(Needed::By));
    }
    if (req.reopen || to == NotAProblem) && blank(&req.note) {
        return Err(MoveError::Missing(Needed::Note));
    }
    if !req.reopen && to == Rectified && blank(&req.evidence) {
        return Err(MoveError::Missing(Needed::Evidence));
    }
    if !req.reopen && to == Assigned {
        let a = &req.assignment;
        if blank(&a.unit) {
            return Err(MoveError::Missing(Needed::Unit));
        }
        if a.deadline.is_none() {
            return Err(MoveError::Missing(Needed::Deadline));
        }
        if blank(&a.measure) {
            return Err(MoveError::Missing(Needed::Measure));
        }
    }
    if to == Closed && same_person(&req.by, &f.rectified_by) {
        return Err(MoveError::SameCloser { name: req.by.trim().to_string() });
    }
    Ok(to)
}

/// The changes that make the move: the history entry and every field it sets. `today` is the
/// local date at `at_ms` (the date recorded for rectification and close-off).
pub fn changes(
    f: &Finding,
    req: &MoveRequest,
    at_ms: i64,
    today: NaiveDate,
    entry_id: EntityId,
) -> Result<Vec<Change>, MoveError> {
    use FindingStatus::*;
    let to = check(f, req)?;
    let set = |name: &str, v: Value| Change::set(EntityKind::Finding, f.id, name, v);
    let by = req.by.trim().to_string();
    let mut out = vec![set(field::STATUS, Value::text(to.code()))];
    let mut details = Vec::new();
    if !req.reopen && to == Assigned {
        let a = &req.assignment;
        let deadline = a.deadline.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        for (name, text) in [
            (field::UNIT, a.unit.trim()),
            (field::MEASURE, a.measure.trim()),
            (field::DEADLINE, deadline.as_str()),
            (field::TARGET, a.target.trim()),
            (field::STANDARD, a.standard.trim()),
            (field::OWNER, a.owner.trim()),
        ] {
            if text.is_empty() {
                continue;
            }
            let value = match name {
                field::DEADLINE => a.deadline.map(Value::date).unwrap_or(Value::Null),
                _ => Value::text(text),
            };
            out.push(set(name, value));
            details.push((name.to_string(), text.to_string()));
        }
    }
    if !req.reopen && to == Rectified {
        out.push(set(field::EVIDENCE, Value::text(req.evidence.trim())));
        out.push(set(field::RECTIFIED_BY, Value::text(&by)));
        out.push(set(field::RECTIFIED_ON, Value::date(today)));
    }
    if to == Closed {
        out.push(set(field::CLOSED_BY, Value::text(&by)));
        out.push(set(field::CLOSED_ON, Value::date(today)));
    }
    if req.reopen {
        // The rectification (and any close-off) no longer holds; the history keeps who did
        // them, when, and the evidence given.
        out.push(set(field::EVIDENCE, Value::text("")));
        out.push(set(field::RECTIFIED_BY, Value::text("")));
        out.push(set(field::RECTIFIED_ON, Value::Null));
        if f.status == Closed {
            out.push(set(field::CLOSED_BY, Value::text("")));
            out.push(set(field::CLOSED_ON, Value::Null));
        }
    }
    let entry = StatusMove {
        from: f.status.code().to_string(),
        to: to.code().to_string(),
        by,
        at_ms,
        note: req.note.trim().to_string(),
        evidence: if to == Rectified { req.evidence.trim().to_string() } else { String::new() },
        details,
        reopen: req.reopen,
    };
    let field = move_field(entry_id);
    out.push(set(&field, Value::Move(Box::new(entry))));
    Ok(out)
}

/// The history entry for a hand edit of the 六明确 (unit, measure, deadline …) among
/// `changes`: a move from the status to itself, with what was set. None when they touch none.
pub fn edit_entry(f: &Finding, by: &str, at_ms: i64, changes: &[Change], entry_id: EntityId) -> Option<Change> {
    let details: Vec<(String, String)> = changes
        .iter()
        .filter(|c| SIX_CLARITIES.contains(&c.field.as_str()))
        .map(|c| {
            let text = match &c.value {
                Value::Date(_) => c.value.as_date().map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(),
                v => v.as_text().to_string(),
            };
            (c.field.clone(), text)
        })
        .collect();
    if details.is_empty() {
        return None;
    }
    let entry = StatusMove {
        from: f.status.code().to_string(),
        to: f.status.code().to_string(),
        by: by.trim().to_string(),
        at_ms,
        note: String::new(),
        evidence: String::new(),
        details,
        reopen: false,
    };
    let field = move_field(entry_id);
    Some(Change::set(EntityKind::Finding, f.id, &field, Value::Move(Box::new(entry))))
}

/// The fields an assignment sets, in the order the history shows them.
pub const SIX_CLARITIES: [&str; 6] =
    [field::UNIT, field::MEASURE, field::DEADLINE, field::TARGET, field::STANDARD, field::OWNER];

impl StatusMove {
    /// A hand edit of the 六明确 rather than a change of status.
    pub fn is_edit(&self) -> bool {
        self.from == self.to && !self.reopen
    }
}

/// Where a finding stands against its deadline.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Due {
    /// No deadline, or nothing left to rectify.
    NotDue,
    /// More than [`DUE_SOON_DAYS`] days left.
    OnTime { days_left: i64 },
    /// Due within [`DUE_SOON_DAYS`] days (0 = due today).
    Soon { days_left: i64 },
    /// Past the deadline and not yet rectified.
    Overdue { days_over: i64 },
}

impl FindingStatus {
    /// Still to be rectified: what a deadline applies to.
    pub fn awaits_rectification(self) -> bool {
        matches!(
            self,
            FindingStatus::Found | FindingStatus::Confirmed | FindingStatus::Assigned | FindingStatus::Rectifying
        )
    }
}

pub fn due(f: &Finding, today: NaiveDate) -> Due {
    let Some(deadline) = f.deadline else { return Due::NotDue };
    if !f.status.awaits_rectification() {
        return Due::NotDue;
    }
    let days = (deadline - today).num_days();
    match days {
        d if d < 0 => Due::Overdue { days_over: -d },
        d if d <= DUE_SOON_DAYS => Due::Soon { days_left: d },
        d => Due::OnTime { days_left: d },
    }
}

pub fn is_overdue(f: &Finding, today: NaiveDate) -> bool {
    matches!(due(f, today), Due::Overdue { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use FindingStatus::*;

    fn finding(status: FindingStatus) -> Finding {
        let mut f = Finding::blank(1);
        f.id = 2;
        f.status = status;
        f
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_status_has_its_forward_moves_and_only_those() {
        for from in FindingStatus::ALL {
            for to in FindingStatus::ALL {
                let mut req = MoveRequest::new(to, "张三");
                req.note = "原因".into();
                req.evidence = "已整改".into();
                req.assignment = Assignment {
                    unit: "县医保局".into(),
                    deadline: Some(day("2026-12-01")),
                    measure: "增设窗口".into(),
                    ..Default::default()
                };
                let allowed = check(&finding(from), &req).is_ok();
                assert_eq!(allowed, targets(from).contains(&to), "{from:?} -> {to:?}");
            }
        }
    }

    #[test]
    fn a_refused_move_names_what_is_allowed() {
        let err = check(&finding(Found), &MoveRequest::new(Closed, "张三")).unwrap_err();
        let MoveError::NotAllowed { allowed, reopen, .. } = &err else { panic!("{err:?}") };
        assert_eq!(allowed, &vec![Confirmed, NotAProblem, Rectified]);
        assert_eq!(*reopen, None);
        let zh = err.message(crate::i18n::Strings::get(crate::i18n::Lang::Zh));
        assert!(zh.contains("待核查") && zh.contains("已销号") && zh.contains("已核查、不成立、已整改"), "{zh}");
    }

    #[test]
    fn close_off_needs_someone_other_than_who_rectified() {
        let mut f = finding(Rectified);
        f.rectified_by = "张三".into();
        let err = check(&f, &MoveRequest::new(Closed, " 张 三 ")).unwrap_err();
        assert_eq!(err, MoveError::SameCloser { name: "张 三".into() });
        assert_eq!(check(&f, &MoveRequest::new(Closed, "李四")), Ok(Closed));
    }

    #[test]
    fn reopen_goes_back_to_rectifying_or_to_be_assigned() {
        let mut f = finding(Closed);
        let mut req = MoveRequest::new(Found, "李四");
        req.reopen = true;
        assert_eq!(check(&f, &req), Err(MoveError::Missing(Needed::Note)));
        req.note = "复查仍未解决".into();
        assert_eq!(check(&f, &req), Ok(Confirmed));
        f.unit = "县医保局".into();
        assert_eq!(check(&f, &req), Ok(Rectifying));
        assert_eq!(check(&finding(Assigned), &req), Err(MoveError::CannotReopen { from: Assigned }));
    }

    #[test]
    fn required_fields_per_move() {
        let f = finding(Found);
        assert_eq!(check(&f, &MoveRequest::new(NotAProblem, "张三")), Err(MoveError::Missing(Needed::Note)));
        assert_eq!(check(&f, &MoveRequest::new(Rectified, "张三")), Err(MoveError::Missing(Needed::Evidence)));
        assert_eq!(check(&f, &MoveRequest::new(Confirmed, "  ")), Err(MoveError::Missing(Needed::By)));
        let c = finding(Confirmed);
        let mut req = MoveRequest::new(Assigned, "张三");
        assert_eq!(check(&c, &req), Err(MoveError::Missing(Needed::Unit)));
        req.assignment.unit = "县医保局".into();
        assert_eq!(check(&c, &req), Err(MoveError::Missing(Needed::Deadline)));
        req.assignment.deadline = Some(day("2026-12-01"));
        assert_eq!(check(&c, &req), Err(MoveError::Missing(Needed::Measure)));
        req.assignment.measure = "增设窗口".into();
        assert_eq!(check(&c, &req), Ok(Assigned));
    }

    #[test]
    fn due_soon_and_overdue() {
        let mut f = finding(Rectifying);
        let today = day("2026-11-22");
        assert_eq!(due(&f, today), Due::NotDue);
        f.deadline = Some(day("2026-11-25"));
        assert_eq!(due(&f, today), Due::Soon { days_left: 3 });
        f.deadline = Some(day("2026-11-26"));
        assert_eq!(due(&f, today), Due::OnTime { days_left: 4 });
        f.deadline = Some(day("2026-11-22"));
        assert_eq!(due(&f, today), Due::Soon { days_left: 0 });
        f.deadline = Some(day("2026-11-21"));
        assert_eq!(due(&f, today), Due::Overdue { days_over: 1 });
        f.status = Rectified;
        assert_eq!(due(&f, today), Due::NotDue);
    }
}
