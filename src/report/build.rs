//! The documents made from the store: what each reads, in one place for the command line and
//! (later) the TUI.

use chrono::NaiveDate;

use super::{Doc, rectification, session};
use crate::config::WaitRules;
use crate::domain::{EntityId, Finding, Session, Stamp, Ticket};
use crate::present::Zone;
use crate::present::rows::{WaitsBy, wait_rows};
use crate::store::{Store, StoreError};

/// When and where a document is made: the walk still under way is measured to `now`, days are
/// the user's.
pub struct At<'a> {
    pub now: &'a Stamp,
    pub zone: &'a Zone,
    pub today: NaiveDate,
}

/// Findings not deleted, by 序号.
fn live(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.retain(|f| !f.deleted);
    findings.sort_by_key(|f| (f.seq, f.created_ms));
    findings
}

/// The 体验报告 of session `id` from `unit`, and the day it was walked; None when there is no
/// such session.
pub fn session_report(
    store: &Store,
    id: EntityId,
    unit: &str,
    waits: &WaitRules,
    at: &At<'_>,
) -> Result<Option<(Doc, Session)>, StoreError> {
    let Some(s) = store.session(id)? else { return Ok(None) };
    let findings = live(store.findings_of(id)?);
    let checklists = store.checklists_of(id)?;
    let tickets = store.tickets_of(id)?;
    let thresholds = |t: &Ticket| waits.for_item(&t.item);
    let stats = wait_rows(WaitsBy::All, &tickets, |_| s.place.clone(), &thresholds).pop().map(|r| r.stats);
    let walk = s.walk.narrative(at.now, at.zone);
    let facts = session::SessionFacts {
        unit,
        session: &s,
        findings: &findings,
        checklists: &checklists,
        waits: stats.as_ref(),
        walk: &walk,
        day: at.zone.date(s.created_ms),
    };
    Ok(Some((session::report(&facts), s)))
}

/// The 问题整改清单 of session `id`; None when there is no such session.
pub fn session_rectification(
    store: &Store,
    id: EntityId,
    unit: &str,
    today: NaiveDate,
) -> Result<Option<(Doc, Session)>, StoreError> {
    let Some(s) = store.session(id)? else { return Ok(None) };
    let findings = live(store.findings_of(id)?);
    let pairs: Vec<(&Session, &Finding)> = findings.iter().map(|f| (&s, f)).collect();
    Ok(Some((rectification::list(unit, &pairs, today), s)))
}

/// The 问题整改清单 of the findings assigned to `responsible` (责任单位) found from `from` to
/// `to` (the user's days), oldest first.
pub fn unit_rectification(
    store: &Store,
    responsible: &str,
    from: NaiveDate,
    to: NaiveDate,
    unit: &str,
    at: &At<'_>,
) -> Result<Doc, StoreError> {
    let sessions: Vec<Session> = store.sessions()?.into_iter().map(|s| s.session).filter(|s| !s.deleted).collect();
    let mut found: Vec<(usize, Finding)> = Vec::new();
    for (i, s) in sessions.iter().enumerate() {
        for f in live(store.findings_of(s.id)?) {
            let day = at.zone.date(f.created_ms);
            if f.unit.trim() == responsible.trim() && day >= from && day <= to {
                found.push((i, f));
            }
        }
    }
    found.sort_by_key(|(_, f)| f.created_ms);
    let pairs: Vec<(&Session, &Finding)> = found.iter().map(|(i, f)| (&sessions[*i], f)).collect();
    Ok(rectification::list(unit, &pairs, at.today))
}
