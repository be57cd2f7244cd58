//! The ledger's compact index: one small row per finding (its id, its session and unit as
//! small integers, status, deadline as a day number, 序号, whether it was fixed on the spot),
//! so the office's 100,000 findings take a few MB and a filter, a sort or the counts are a
//! pass over an array. Text (the description, the measure …) is not here: the screen fetches
//! it for the rows in view.
//!
//! The rules are `domain::ledger`'s, over these rows instead of whole findings: what passes a
//! [`LedgerFilter`], the order by deadline, the weekly [`Counts`] and the table by unit give
//! the same answers for the same findings (a property test holds the two to it).

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::finding::{Finding, FindingStatus};
use super::ledger::{Counts, LedgerFilter, SessionIndex, UnitRow, fixed_on_the_spot};
use super::op::{EntityId, entity_created_ms};
use super::zone::Zone;

/// A deadline no finding has: no deadline.
pub const NO_DEADLINE: i32 = i32::MIN;

/// One finding of the ledger, in 48 bytes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LedgerRow {
    pub id: EntityId,
    /// 序号, and its rank among the findings of its session holding the same number.
    pub seq: i64,
    pub seq_rank: u32,
    /// Index into [`LedgerRows::sessions`].
    pub session: u32,
    /// Index into [`LedgerRows::units`].
    pub unit: u32,
    /// Days from the common era ([`Datelike::num_days_from_ce`]), or [`NO_DEADLINE`].
    pub deadline: i32,
    pub status: FindingStatus,
    /// 立行立改: moved from 待核查 straight to 已整改 (see `ledger::fixed_on_the_spot`).
    pub on_the_spot: bool,
}

impl LedgerRow {
    pub fn deadline(&self) -> Option<NaiveDate> {
        (self.deadline != NO_DEADLINE).then(|| NaiveDate::from_num_days_from_ce_opt(self.deadline)).flatten()
    }

    /// Past the deadline and not yet rectified (`rectify::is_overdue`).
    pub fn is_overdue(&self, today: i32) -> bool {
        self.deadline != NO_DEADLINE && self.deadline < today && self.status.awaits_rectification()
    }
}

/// A day as the rows hold it.
pub fn day_number(date: NaiveDate) -> i32 {
    date.num_days_from_ce()
}

/// Every finding of the ledger: the findings not deleted of the sessions not deleted, by
/// session, 序号 and id (as `Store::all_findings` orders them).
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub struct LedgerRows {
    /// The sessions the rows refer to, ascending (so a row's session index orders as its id).
    pub sessions: Vec<EntityId>,
    /// The units the rows refer to, trimmed, each once.
    pub units: Vec<String>,
    pub rows: Vec<LedgerRow>,
    /// Every row's index, earliest deadline first ([`sort_by_deadline`]): sorted once per
    /// load, so a filter is a pass down it that keeps the order, and no filter is all of it.
    by_deadline: Vec<u32>,
}

impl LedgerRows {
    /// The rows of `findings` (already ranked and without deleted ones, as the store gives
    /// them), for tests, benches, and reading a store whose records the fast path cannot.
    pub fn from_findings(findings: &[Finding]) -> LedgerRows {
        let mut sessions: Vec<EntityId> = findings.iter().map(|f| f.session_id).collect();
        sessions.sort_unstable();
        sessions.dedup();
        let mut units = Interner::default();
        let rows = findings
            .iter()
            .map(|f| LedgerRow {
                id: f.id,
                seq: f.seq,
                seq_rank: f.seq_rank,
                session: sessions.binary_search(&f.session_id).unwrap_or(0) as u32,
                unit: units.get(f.unit.trim()),
                deadline: f.deadline.map(day_number).unwrap_or(NO_DEADLINE),
                status: f.status,
                on_the_spot: fixed_on_the_spot(f),
            })
            .collect();
        LedgerRows::new(sessions, units.names, rows)
    }

    /// The rows of the findings, by session, 序号 and id; `sessions` ascending and `units`
    /// each once, as the rows refer to them.
    pub fn new(sessions: Vec<EntityId>, units: Vec<String>, rows: Vec<LedgerRow>) -> LedgerRows {
        let mut out = LedgerRows { sessions, units, rows, by_deadline: Vec::new() }.canonical();
        let mut order: Vec<u32> = (0..out.rows.len() as u32).collect();
        sort_by_deadline(&mut order, &out);
        out.by_deadline = order;
        out
    }

    /// Every row's index, earliest deadline first.
    pub fn by_deadline(&self) -> &[u32] {
        &self.by_deadline
    }

    /// The same rows with the units they name numbered in name order (units no row names
    /// left out): one form for the same findings, however they were read.
    fn canonical(mut self) -> LedgerRows {
        let mut used = vec![false; self.units.len()];
        for r in &self.rows {
            if let Some(u) = used.get_mut(r.unit as usize) {
                *u = true;
            }
        }
        let mut order: Vec<u32> = (0..self.units.len() as u32).filter(|&u| used[u as usize]).collect();
        order.sort_unstable_by(|a, b| self.units[*a as usize].cmp(&self.units[*b as usize]));
        let mut new_of = vec![0u32; self.units.len()];
        for (new, old) in order.iter().enumerate() {
            new_of[*old as usize] = new as u32;
        }
        let mut names = std::mem::take(&mut self.units);
        self.units = order.iter().map(|&o| std::mem::take(&mut names[o as usize])).collect();
        for r in &mut self.rows {
            r.unit = new_of.get(r.unit as usize).copied().unwrap_or(0);
        }
        self
    }

    pub fn session_id(&self, row: &LedgerRow) -> EntityId {
        self.sessions.get(row.session as usize).copied().unwrap_or(0)
    }

    pub fn unit(&self, row: &LedgerRow) -> &str {
        self.units.get(row.unit as usize).map(String::as_str).unwrap_or("")
    }

    /// The row of finding `id`.
    pub fn position(&self, id: EntityId) -> Option<usize> {
        self.rows.iter().position(|r| r.id == id)
    }

    /// The memory the rows take, roughly.
    pub fn heap_bytes(&self) -> usize {
        self.rows.capacity() * std::mem::size_of::<LedgerRow>()
            + self.by_deadline.capacity() * 4
            + self.sessions.capacity() * 16
            + self.units.iter().map(|u| u.capacity() + 24).sum::<usize>()
    }
}

/// Unit names to small integers, for building rows.
#[derive(Default)]
pub struct Interner {
    ids: HashMap<String, u32>,
    pub names: Vec<String>,
}

impl Interner {
    pub fn get(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.ids.get(name) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(name.to_string());
        self.ids.insert(name.to_string(), id);
        id
    }
}

/// What the filter needs of a row's walk: its date, theme, and whether it was deleted.
#[derive(Clone, Copy, Debug)]
struct Walk {
    date: i32,
    /// Whether its theme is the one the filter asks for.
    theme_matches: bool,
    deleted: bool,
}

/// A [`LedgerFilter`] made ready for the rows: names and ids turned into the rows' small
/// integers, each session's walk looked up once.
pub struct RowFilter {
    statuses: u8,
    overdue: bool,
    session: Option<Option<u32>>,
    unit: Option<Option<u32>>,
    /// Whether the walk must be read at all (a theme, dates, or deleted walks to leave out).
    reads_walk: bool,
    theme: bool,
    from: Option<i32>,
    to: Option<i32>,
    /// Per session of the rows: its walk, when the session index knows it.
    walks: Vec<Option<Walk>>,
    today: i32,
    zone: Zone,
}

fn status_bit(s: FindingStatus) -> u8 {
    1 << (FindingStatus::ALL.iter().position(|x| *x == s).unwrap_or(0) as u8)
}

impl RowFilter {
    pub fn new(
        rows: &LedgerRows,
        sessions: &SessionIndex<'_>,
        filter: &LedgerFilter,
        today: NaiveDate,
        zone: Zone,
    ) -> RowFilter {
        let statuses = filter.statuses.iter().fold(0u8, |bits, s| bits | status_bit(*s));
        let session = filter.session.map(|id| rows.sessions.binary_search(&id).ok().map(|i| i as u32));
        let unit = filter.unit.as_deref().map(|u| rows.units.iter().position(|x| x == u.trim()).map(|i| i as u32));
        let has_deleted = sessions.walks().any(|w| w.session.deleted);
        let walks = rows
            .sessions
            .iter()
            .map(|id| {
                sessions.get(*id).map(|w| Walk {
                    date: day_number(w.date),
                    theme_matches: filter.theme.as_ref().is_some_and(|t| *t == w.session.theme),
                    deleted: w.session.deleted,
                })
            })
            .collect();
        RowFilter {
            statuses,
            overdue: filter.overdue,
            session,
            unit,
            reads_walk: has_deleted || filter.theme.is_some() || filter.from.is_some() || filter.to.is_some(),
            theme: filter.theme.is_some(),
            from: filter.from.map(day_number),
            to: filter.to.map(day_number),
            walks,
            today: day_number(today),
            zone,
        }
    }

    /// The status and overdue parts.
    fn by_status(&self, r: &LedgerRow) -> bool {
        (self.statuses == 0 || self.statuses & status_bit(r.status) != 0) && (!self.overdue || r.is_overdue(self.today))
    }

    /// The part the counts and the unit table share: which walks, which unit.
    fn in_scope(&self, r: &LedgerRow) -> bool {
        if self.session.is_some_and(|s| s != Some(r.session)) || self.unit.is_some_and(|u| u != Some(r.unit)) {
            return false;
        }
        if !self.reads_walk {
            return true;
        }
        let walk = self.walks.get(r.session as usize).copied().flatten();
        if walk.is_some_and(|w| w.deleted) || (self.theme && walk.is_none_or(|w| !w.theme_matches)) {
            return false;
        }
        if self.from.is_some() || self.to.is_some() {
            // A finding whose session is unknown is dated by its own creation.
            let date = walk.map(|w| w.date).unwrap_or_else(|| day_number(self.zone.date(entity_created_ms(r.id))));
            if self.from.is_some_and(|f| date < f) || self.to.is_some_and(|t| date > t) {
                return false;
            }
        }
        true
    }

    pub fn passes(&self, r: &LedgerRow) -> bool {
        self.by_status(r) && self.in_scope(r)
    }

    /// Whether every row passes: no part of the filter leaves one out.
    fn passes_all(&self) -> bool {
        self.statuses == 0 && !self.overdue && self.session.is_none() && self.unit.is_none() && !self.reads_walk
    }

    pub fn is_overdue(&self, r: &LedgerRow) -> bool {
        r.is_overdue(self.today)
    }
}

/// The indices of the rows that pass, earliest deadline first (as [`sort_by_deadline`]
/// orders them): the rows' order by deadline, kept once per load, walked and kept in order.
pub fn filter(rows: &LedgerRows, f: &RowFilter) -> Vec<u32> {
    if f.passes_all() {
        return rows.by_deadline.clone();
    }
    rows.by_deadline.iter().copied().filter(|&i| f.passes(&rows.rows[i as usize])).collect()
}

/// Earliest deadline first, those without one last; then by session and 序号 (then id).
pub fn sort_by_deadline(indices: &mut [u32], rows: &LedgerRows) {
    indices.sort_unstable_by_key(|&i| {
        let r = &rows.rows[i as usize];
        // NO_DEADLINE is the least day: without one sorts after every day by the first key.
        (r.deadline == NO_DEADLINE, r.deadline, r.session, r.seq, r.id)
    });
}

/// The weekly figures over the filter's scope (its status and overdue parts do not apply:
/// the counts are by status), as `ledger::counts` gives them.
pub fn counts(rows: &LedgerRows, f: &RowFilter, sessions: &SessionIndex<'_>, filter: &LedgerFilter) -> Counts {
    let counts_walk = |w: &&super::ledger::DatedWalk<'_>| {
        !w.session.deleted
            && filter.session.is_none_or(|s| s == w.session.id)
            && filter.theme.as_deref().is_none_or(|t| t == w.session.theme)
            && filter.from.is_none_or(|from| w.date >= from)
            && filter.to.is_none_or(|to| w.date <= to)
    };
    let mut c = Counts { walks_done: sessions.walks().filter(counts_walk).count(), ..Counts::default() };
    for r in rows.rows.iter().filter(|r| f.in_scope(r)) {
        if r.status == FindingStatus::NotAProblem {
            c.not_a_problem += 1;
            continue;
        }
        c.found += 1;
        c.on_the_spot += usize::from(r.on_the_spot);
        c.overdue += usize::from(f.is_overdue(r));
        c.closed += usize::from(r.status == FindingStatus::Closed);
    }
    c.close_rate = (c.found > 0).then(|| c.closed as f64 / c.found as f64);
    c
}

/// The rows that pass (`shown`, from [`filter`]) by unit: most overdue first, then the most
/// findings, then by name, as `ledger::by_unit` gives them.
pub fn by_unit(rows: &LedgerRows, f: &RowFilter, shown: &[u32]) -> Vec<UnitRow> {
    // Units are small integers: a slot each.
    let mut by: Vec<UnitRow> = vec![UnitRow::default(); rows.units.len()];
    for r in shown.iter().map(|&i| &rows.rows[i as usize]) {
        let Some(row) = by.get_mut(r.unit as usize) else { continue };
        row.total += 1;
        if r.status == FindingStatus::NotAProblem {
            continue;
        }
        row.found += 1;
        row.rectifying += usize::from(matches!(r.status, FindingStatus::Assigned | FindingStatus::Rectifying));
        row.overdue += usize::from(f.is_overdue(r));
        row.closed += usize::from(r.status == FindingStatus::Closed);
    }
    let mut out: Vec<UnitRow> = by
        .into_iter()
        .zip(&rows.units)
        .filter(|(row, _)| row.total > 0)
        .map(|(row, unit)| UnitRow { unit: unit.clone(), ..row })
        .collect();
    out.sort_unstable_by(|a, b| {
        b.overdue.cmp(&a.overdue).then(b.total.cmp(&a.total)).then_with(|| a.unit.cmp(&b.unit))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_is_small() {
        assert!(std::mem::size_of::<LedgerRow>() <= 48, "{}", std::mem::size_of::<LedgerRow>());
    }

    #[test]
    fn without_a_deadline_sorts_last() {
        let mut f = [Finding::blank(1), Finding::blank(1)];
        f[0].id = 1;
        f[1].id = 2;
        f[1].deadline = NaiveDate::from_ymd_opt(2026, 11, 1);
        let rows = LedgerRows::from_findings(&f);
        let mut idx = vec![0, 1];
        sort_by_deadline(&mut idx, &rows);
        assert_eq!(idx, vec![1, 0]);
        assert_eq!(rows.rows[1].deadline(), f[1].deadline);
    }
}
