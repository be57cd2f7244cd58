//! 整改台账: every finding across sessions, filtered, counted and grouped by unit, and the
//! 督查提醒函 text for units past their deadlines.
//!
//! Pure: the caller reads the store and gives today's date. A walk's date is its session's
//! creation date in the user's zone ([`Zone`]); [`SessionIndex`] works it out once per
//! session, so filtering 100,000 findings converts no timestamps and allocates nothing per
//! finding.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::finding::{Finding, FindingStatus};
use super::op::EntityId;
use super::rectify::is_overdue;
use super::session::Session;
use super::zone::Zone;
use crate::i18n::Strings;

/// The i18n key of the row holding findings without a unit.
pub const UNASSIGNED_KEY: &str = "ledger.unassigned";

/// A session as the ledger dates it: the session and the date of its walk (its creation day in
/// the user's zone). Not to be confused with [`crate::domain::walk::Walk`], the stage stopwatch.
#[derive(Clone, Copy, Debug)]
pub struct DatedWalk<'a> {
    pub session: &'a Session,
    pub date: NaiveDate,
}

/// Hashes entity ids (ULIDs: their low 80 bits are random) by folding them, far cheaper than
/// SipHash; the ids come from our own store, so hash flooding is not a concern.
#[derive(Default, Clone, Copy)]
pub struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    /// Unit names: eight bytes at a time.
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let word = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u128(&mut self, id: u128) {
        self.0 = ((id as u64) ^ ((id >> 64) as u64)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type IdMap<V> = HashMap<EntityId, V, std::hash::BuildHasherDefault<IdHasher>>;

/// Sessions by id, each with its walk date computed once.
#[derive(Default)]
pub struct SessionIndex<'a> {
    by_id: IdMap<DatedWalk<'a>>,
    /// Whether any is deleted: only then must every finding's session be looked at.
    has_deleted: bool,
    /// Where walks are dated.
    zone: Zone,
}

impl<'a> SessionIndex<'a> {
    /// Walks dated in the local zone.
    pub fn new(sessions: impl IntoIterator<Item = &'a Session>) -> SessionIndex<'a> {
        SessionIndex::in_zone(sessions, Zone::local())
    }

    /// Walks dated in `zone`.
    pub fn in_zone(sessions: impl IntoIterator<Item = &'a Session>, zone: Zone) -> SessionIndex<'a> {
        let by_id: IdMap<DatedWalk<'a>> =
            sessions.into_iter().map(|s| (s.id, DatedWalk { session: s, date: zone.date(s.created_ms) })).collect();
        let has_deleted = by_id.values().any(|w| w.session.deleted);
        SessionIndex { by_id, has_deleted, zone }
    }

    pub fn get(&self, id: EntityId) -> Option<DatedWalk<'a>> {
        self.by_id.get(&id).copied()
    }

    pub fn walks(&self) -> impl Iterator<Item = &DatedWalk<'a>> {
        self.by_id.values()
    }
}

/// Session lookups for findings that come grouped by session (as the store returns them):
/// one hash lookup per run of a session's findings.
struct Cursor<'i, 'a> {
    index: &'i SessionIndex<'a>,
    last: Option<(EntityId, Option<DatedWalk<'a>>)>,
}

impl<'i, 'a> Cursor<'i, 'a> {
    fn new(index: &'i SessionIndex<'a>) -> Self {
        Cursor { index, last: None }
    }

    fn walk(&mut self, id: EntityId) -> Option<DatedWalk<'a>> {
        match self.last {
            Some((last, walk)) if last == id => walk,
            _ => {
                let walk = self.index.get(id);
                self.last = Some((id, walk));
                walk
            }
        }
    }
}

/// What the ledger shows. Empty or None fields do not narrow.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct LedgerFilter {
    /// Any of these (empty = any status).
    pub statuses: Vec<FindingStatus>,
    /// The unit as stored, compared after trimming; `Some("")` = findings without a unit.
    pub unit: Option<String>,
    /// Only findings past their deadline and not yet rectified.
    pub overdue: bool,
    pub session: Option<EntityId>,
    /// A theme code as stored on the session.
    pub theme: Option<String>,
    /// DatedWalk dates, both ends included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl LedgerFilter {
    /// Whether `f` passes, given its session (when known) and today; walks are dated in the
    /// local zone.
    pub fn matches(&self, f: &Finding, session: Option<&Session>, today: NaiveDate) -> bool {
        let zone = Zone::local();
        let walk = session.map(|s| DatedWalk { session: s, date: zone.date(s.created_ms) });
        self.matches_walk(f, || walk, today, zone)
    }

    fn by_status(&self, f: &Finding, today: NaiveDate) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&f.status)) && (!self.overdue || is_overdue(f, today))
    }

    /// The cheap tests first (fields held in the finding itself), the session last and only
    /// when asked for.
    /// `matches` with the walk already dated (`walk` is asked only when the session matters).
    pub fn matches_walk<'a>(
        &self,
        f: &Finding,
        walk: impl FnOnce() -> Option<DatedWalk<'a>>,
        today: NaiveDate,
        zone: Zone,
    ) -> bool {
        self.by_status(f, today) && self.in_scope(f, walk, false, zone)
    }

    /// The part of the filter the counts and the unit table share: which walks, which unit.
    /// Status and overdue are left out: the counts are themselves by status. `deleted_walks`
    /// says whether the walk must be read to see if it was deleted; `zone` dates a finding
    /// whose walk is unknown.
    fn in_scope<'a>(
        &self,
        f: &Finding,
        walk: impl FnOnce() -> Option<DatedWalk<'a>>,
        deleted_walks: bool,
        zone: Zone,
    ) -> bool {
        if f.deleted || self.session.is_some_and(|s| s != f.session_id) {
            return false;
        }
        if self.unit.as_deref().is_some_and(|u| u.trim() != f.unit.trim()) {
            return false;
        }
        // The session is read only when the answer depends on it.
        if !(deleted_walks || self.theme.is_some() || self.from.is_some() || self.to.is_some()) {
            return true;
        }
        let walk = walk();
        if walk.is_some_and(|w| w.session.deleted) {
            return false;
        }
        if let Some(theme) = &self.theme {
            if walk.is_none_or(|w| w.session.theme != *theme) {
                return false;
            }
        }
        if self.from.is_some() || self.to.is_some() {
            // A finding whose session is unknown is dated by its own creation.
            let date = walk.map(|w| w.date).unwrap_or_else(|| zone.date(f.created_ms));
            if !self.in_range(date) {
                return false;
            }
        }
        true
    }

    fn in_range(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| date >= from) && self.to.is_none_or(|to| date <= to)
    }

    /// A walk that the counts count: not deleted, of the session, theme and dates asked for.
    fn counts_walk(&self, w: &DatedWalk<'_>) -> bool {
        !w.session.deleted
            && self.session.is_none_or(|s| s == w.session.id)
            && self.theme.as_deref().is_none_or(|t| t == w.session.theme)
            && self.in_range(w.date)
    }
}

/// The findings of `findings` in the filter's scope (and, with `whole`, passing its status and
/// overdue parts too), in order.
fn scoped<'f, 'a>(
    findings: &'f [Finding],
    sessions: &SessionIndex<'a>,
    filter: &LedgerFilter,
    today: NaiveDate,
    whole: bool,
) -> impl Iterator<Item = (usize, &'f Finding)> {
    let (deleted_walks, zone) = (sessions.has_deleted, sessions.zone);
    let mut cursor = Cursor::new(sessions);
    findings.iter().enumerate().filter(move |(_, f)| {
        (!whole || filter.by_status(f, today)) && filter.in_scope(f, || cursor.walk(f.session_id), deleted_walks, zone)
    })
}

/// The indices of the findings that pass, in their given order.
pub fn filter(
    findings: &[Finding],
    sessions: &SessionIndex<'_>,
    filter: &LedgerFilter,
    today: NaiveDate,
) -> Vec<usize> {
    scoped(findings, sessions, filter, today, true).map(|(i, _)| i).collect()
}

/// Earliest deadline first, those without one last; then by session and 序号.
pub fn sort_by_deadline(indices: &mut [usize], findings: &[Finding]) {
    // Keys are read once each (a compare would read two findings at random).
    indices.sort_by_cached_key(|&i| {
        let f = &findings[i];
        (f.deadline.is_none(), f.deadline, f.session_id, f.seq, f.id)
    });
}

/// 立行立改: fixed on the spot, straight from 待核查 to 已整改. Nothing moves back to 待核查,
/// so only a finding's first move can be that one; and only a move to 已整改 carries evidence,
/// which is tested first as it needs no read of the status texts.
pub fn fixed_on_the_spot(f: &Finding) -> bool {
    // Hand edits of the 六明确 are history too, but not moves.
    f.moves.iter().find(|m| !m.is_edit()).is_some_and(fixes_on_the_spot)
}

/// Whether a finding whose first move (hand edits aside) is `m` was fixed on the spot.
pub fn fixes_on_the_spot(m: &crate::domain::StatusMove) -> bool {
    let (found, rectified) = (FindingStatus::Found.code(), FindingStatus::Rectified.code());
    !m.evidence.is_empty() && !m.reopen && m.to == rectified && m.from == found
}

/// The figures the office reports each week.
#[derive(Clone, Copy, PartialEq, Debug, Default, Serialize)]
pub struct Counts {
    /// Walks (sessions not deleted) in the date range, of the session and theme asked for.
    pub walks_done: usize,
    /// Problems recorded, not counting those found 不成立.
    pub found: usize,
    /// 立行立改: moved from 待核查 straight to 已整改.
    pub on_the_spot: usize,
    /// Past the deadline and not yet rectified.
    pub overdue: usize,
    /// 已销号.
    pub closed: usize,
    /// 不成立.
    pub not_a_problem: usize,
    /// closed / found; None when nothing was found.
    pub close_rate: Option<f64>,
}

impl Counts {
    /// "走流程 12 次，发现问题 40 个，…，销号率 25%": the line the office reports.
    pub fn line(&self, s: &Strings) -> String {
        let n = |x: usize| x.to_string();
        let rate = crate::text::percent(self.close_rate);
        s.tf(
            "ledger.counts",
            &[
                ("walks", &n(self.walks_done)),
                ("found", &n(self.found)),
                ("on_the_spot", &n(self.on_the_spot)),
                ("overdue", &n(self.overdue)),
                ("closed", &n(self.closed)),
                ("rate", &rate),
            ],
        )
    }
}

/// Counts over the filter's scope (walks, unit, dates); its status and overdue parts do not
/// apply, since the counts are by status. The unit does not narrow walks (a walk has none).
pub fn counts(sessions: &SessionIndex<'_>, findings: &[Finding], filter: &LedgerFilter, today: NaiveDate) -> Counts {
    let mut c = Counts { walks_done: sessions.walks().filter(|w| filter.counts_walk(w)).count(), ..Counts::default() };
    for (_, f) in scoped(findings, sessions, filter, today, false) {
        c.add(f.status, fixed_on_the_spot(f), is_overdue(f, today), 1);
    }
    c.finish();
    c
}

impl Counts {
    /// Counts `n` findings of one status (not deleted, in scope).
    fn add(&mut self, status: FindingStatus, on_the_spot: bool, overdue: bool, n: usize) {
        if status == FindingStatus::NotAProblem {
            self.not_a_problem += n;
            return;
        }
        self.found += n;
        self.on_the_spot += if on_the_spot { n } else { 0 };
        self.overdue += if overdue { n } else { 0 };
        self.closed += if status == FindingStatus::Closed { n } else { 0 };
    }

    fn finish(&mut self) {
        self.close_rate = (self.found > 0).then(|| self.closed as f64 / self.found as f64);
    }
}

/// One unit's line in the ledger.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize)]
pub struct UnitRow {
    /// The unit as stored; "" for findings without one (shown as [`UNASSIGNED_KEY`]).
    pub unit: String,
    /// Problems, not counting 不成立.
    pub found: usize,
    /// 已定责 and 整改中.
    pub rectifying: usize,
    pub overdue: usize,
    pub closed: usize,
    /// Every finding of the unit, 不成立 included.
    pub total: usize,
}

impl UnitRow {
    pub fn label<'s>(&'s self, strings: &Strings) -> &'s str {
        if self.unit.is_empty() { strings.t(UNASSIGNED_KEY) } else { &self.unit }
    }
}

/// The findings that pass the whole filter, by unit: most overdue first, then the most
/// findings, then by name.
pub fn by_unit(
    findings: &[Finding],
    sessions: &SessionIndex<'_>,
    filter: &LedgerFilter,
    today: NaiveDate,
) -> Vec<UnitRow> {
    let mut rows: HashMap<&str, UnitRow, std::hash::BuildHasherDefault<IdHasher>> = HashMap::default();
    for (_, f) in scoped(findings, sessions, filter, today, true) {
        rows.entry(f.unit.trim()).or_default().add(f.status, is_overdue(f, today), 1);
    }
    sorted_units(rows.into_iter().map(|(unit, row)| UnitRow { unit: unit.to_string(), ..row }).collect())
}

impl UnitRow {
    /// Counts `n` findings of one status (not deleted, passing the filter).
    fn add(&mut self, status: FindingStatus, overdue: bool, n: usize) {
        self.total += n;
        if status == FindingStatus::NotAProblem {
            return;
        }
        self.found += n;
        self.rectifying += if matches!(status, FindingStatus::Assigned | FindingStatus::Rectifying) { n } else { 0 };
        self.overdue += if overdue { n } else { 0 };
        self.closed += if status == FindingStatus::Closed { n } else { 0 };
    }
}

/// Most overdue first, then the most findings, then by name.
fn sorted_units(mut rows: Vec<UnitRow>) -> Vec<UnitRow> {
    rows.sort_unstable_by(|a, b| {
        b.overdue.cmp(&a.overdue).then(b.total.cmp(&a.total)).then_with(|| a.unit.cmp(&b.unit))
    });
    rows
}

/// How many findings (not deleted) of a session share a unit (trimmed), a status, a deadline
/// and whether they were fixed on the spot: a row of the store's ledger tally, which the store
/// keeps as findings change so the ledger's figures need no finding read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct TallyRow {
    pub session: EntityId,
    pub unit: String,
    pub status: FindingStatus,
    pub deadline: Option<NaiveDate>,
    pub on_the_spot: bool,
    pub count: usize,
}

/// [`counts`] and [`by_unit`] from the tally instead of the findings: the same figures as they
/// give over the findings of the walks in `sessions` that are not deleted (what
/// `Store::all_findings` returns, which leaves out the findings of deleted or unknown walks).
pub fn from_tally(
    rows: &[TallyRow],
    sessions: &SessionIndex<'_>,
    filter: &LedgerFilter,
    today: NaiveDate,
) -> (Counts, Vec<UnitRow>) {
    let mut c = Counts { walks_done: sessions.walks().filter(|w| filter.counts_walk(w)).count(), ..Counts::default() };
    let mut units: HashMap<&str, UnitRow, std::hash::BuildHasherDefault<IdHasher>> = HashMap::default();
    let mut cursor = Cursor::new(sessions);
    for row in rows {
        if filter.session.is_some_and(|s| s != row.session) {
            continue;
        }
        if filter.unit.as_deref().is_some_and(|u| u.trim() != row.unit) {
            continue;
        }
        // As `LedgerFilter::in_scope` decides for each of the row's findings, whose walk is
        // known and not deleted.
        let Some(walk) = cursor.walk(row.session).filter(|w| !w.session.deleted) else { continue };
        if filter.theme.as_ref().is_some_and(|theme| walk.session.theme != *theme) || !filter.in_range(walk.date) {
            continue;
        }
        let overdue = overdue_at(row.status, row.deadline, today);
        c.add(row.status, row.on_the_spot, overdue, row.count);
        let passes =
            (filter.statuses.is_empty() || filter.statuses.contains(&row.status)) && (!filter.overdue || overdue);
        if passes {
            units.entry(row.unit.as_str()).or_default().add(row.status, overdue, row.count);
        }
    }
    c.finish();
    let units = sorted_units(units.into_iter().map(|(unit, row)| UnitRow { unit: unit.to_string(), ..row }).collect());
    (c, units)
}

/// `rectify::is_overdue` for a status and a deadline: past the deadline and not yet rectified.
fn overdue_at(status: FindingStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    deadline.is_some_and(|d| status.awaits_rectification() && d < today)
}

/// 督查提醒函: the overdue ones among `findings`, by unit (most overdue findings first, then by
/// name), each with its item, problem, measure, deadline, days over and owner. Plain lines,
/// ready to print or paste.
pub fn reminders<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
    sessions: &SessionIndex<'_>,
    today: NaiveDate,
    strings: &Strings,
) -> String {
    let units = overdue_by_unit(findings, today);
    let date = today.format("%Y-%m-%d").to_string();
    let total: usize = units.iter().map(|(_, fs)| fs.len()).sum();
    let mut out =
        vec![strings.t("ledger.reminder.title").to_string(), strings.tf("ledger.reminder.date", &[("date", &date)])];
    if total == 0 {
        out.push(strings.tf("ledger.reminder.none", &[("date", &date)]));
        return lines(out);
    }
    let (n_units, n) = (units.len().to_string(), total.to_string());
    out.push(strings.tf("ledger.reminder.intro", &[("date", &date), ("units", &n_units), ("n", &n)]));
    for (unit, fs) in units {
        let label = if unit.is_empty() { strings.t(UNASSIGNED_KEY) } else { unit };
        out.push(String::new());
        out.push(strings.tf("ledger.reminder.unit", &[("unit", label), ("n", &fs.len().to_string())]));
        for (k, f) in fs.iter().enumerate() {
            reminder_entry(&mut out, k + 1, f, sessions, today, strings);
        }
    }
    lines(out)
}

/// The overdue ones among `findings` by unit ("" for none), the unit with most first (then by
/// name), each unit's by deadline: whom the reminder letters go to, and about what.
pub fn overdue_by_unit<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
    today: NaiveDate,
) -> Vec<(&'f str, Vec<&'f Finding>)> {
    let mut by_unit: HashMap<&str, Vec<&Finding>> = HashMap::new();
    for f in findings.into_iter().filter(|f| !f.deleted && is_overdue(f, today)) {
        by_unit.entry(f.unit.trim()).or_default().push(f);
    }
    let mut units: Vec<(&str, Vec<&Finding>)> = by_unit.into_iter().collect();
    units.sort_unstable_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(b.0)));
    for (_, fs) in &mut units {
        fs.sort_unstable_by_key(|f| (f.deadline, f.session_id, f.seq, f.id));
    }
    units
}

/// A finding's detail lines sit under its numbered line.
const INDENT: &str = "   ";

fn reminder_entry(
    out: &mut Vec<String>,
    n: usize,
    f: &Finding,
    sessions: &SessionIndex<'_>,
    today: NaiveDate,
    strings: &Strings,
) {
    // One finding per block of lines: newlines typed into a field would break the block.
    let one_line = |s: &str| crate::text::sanitize(s.trim()).into_owned();
    let item = sessions.get(f.session_id).map(|w| one_line(&w.session.item)).filter(|i| !i.is_empty());
    let item = item.unwrap_or_else(|| "-".into());
    out.push(strings.tf("ledger.reminder.item", &[("n", &n.to_string()), ("seq", &f.seq_label()), ("item", &item)]));
    out.push(INDENT.to_string() + &strings.tf("ledger.reminder.problem", &[("text", &one_line(&f.description))]));
    if !f.measure.trim().is_empty() {
        out.push(INDENT.to_string() + &strings.tf("ledger.reminder.measure", &[("text", &one_line(&f.measure))]));
    }
    if let Some(deadline) = f.deadline {
        let days = (today - deadline).num_days().to_string();
        let date = deadline.format("%Y-%m-%d").to_string();
        out.push(INDENT.to_string() + &strings.tf("ledger.reminder.deadline", &[("date", &date), ("days", &days)]));
    }
    if !f.owner.trim().is_empty() {
        out.push(INDENT.to_string() + &strings.tf("ledger.reminder.owner", &[("name", &one_line(&f.owner))]));
    }
}

fn lines(out: Vec<String>) -> String {
    let mut text = out.join("\n");
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{Lang, Strings};

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn finding(status: FindingStatus, unit: &str, deadline: Option<&str>) -> Finding {
        let mut f = Finding::blank(1);
        f.status = status;
        f.unit = unit.into();
        f.deadline = deadline.map(day);
        f
    }

    #[test]
    fn unit_filter_trims_and_empty_means_no_unit() {
        let today = day("2026-11-22");
        let f = finding(FindingStatus::Assigned, " 县医保局 ", Some("2026-11-30"));
        let mut filter = LedgerFilter { unit: Some("县医保局".into()), ..Default::default() };
        assert!(filter.matches(&f, None, today));
        filter.unit = Some(String::new());
        assert!(!filter.matches(&f, None, today));
        assert!(filter.matches(&finding(FindingStatus::Found, "", None), None, today));
    }

    #[test]
    fn sort_puts_findings_without_deadline_last() {
        let fs = vec![
            finding(FindingStatus::Found, "", None),
            finding(FindingStatus::Assigned, "县医保局", Some("2026-12-01")),
            finding(FindingStatus::Assigned, "县公安局", Some("2026-11-01")),
        ];
        let mut idx = vec![0, 1, 2];
        sort_by_deadline(&mut idx, &fs);
        assert_eq!(idx, vec![2, 1, 0]);
    }

    #[test]
    fn overdue_at_agrees_with_is_overdue() {
        let today = day("2026-11-22");
        for status in FindingStatus::ALL {
            for deadline in [None, Some("2026-11-21"), Some("2026-11-22"), Some("2026-11-23")] {
                let f = finding(status, "", deadline);
                assert_eq!(overdue_at(status, f.deadline, today), is_overdue(&f, today), "{status:?} {deadline:?}");
            }
        }
    }

    #[test]
    fn no_overdue_says_so() {
        let text = reminders(std::iter::empty(), &SessionIndex::default(), day("2026-11-22"), Strings::get(Lang::Zh));
        assert!(text.contains("督查提醒函") && text.contains("没有超过整改时限"), "{text}");
    }
}
