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

/// The 体验报告 of session `id` from `unit`, and the day it was walked; None when there is no
/// such session.
pub fn session_report(
    store: &Store,
    id: EntityId,
    unit: &str,
    waits: &WaitRules,
    at: &At<'_>,
) -> Result<Option<(Doc, Session)>, StoreError> {
    let Some(s) = store.session(id)?.filter(|s| !s.deleted) else { return Ok(None) };
    let findings = store.findings_of(id)?;
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
    let figures = super::figures::load(&store.attachments_dir(), &s, &findings);
    Ok(Some((session::report(&facts, figures), s)))
}

/// The 问题整改清单 of session `id`; None when there is no such session.
pub fn session_rectification(
    store: &Store,
    id: EntityId,
    unit: &str,
    today: NaiveDate,
) -> Result<Option<(Doc, Session)>, StoreError> {
    let Some(s) = store.session(id)?.filter(|s| !s.deleted) else { return Ok(None) };
    let findings = store.findings_of(id)?;
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
        for f in store.findings_of(s.id)? {
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

/// seed 002's 整改台账: its columns (问题, 原因, 整改优化措施, 工作建议, 责任部门), then 状态,
/// 整改时限, 到期情况, 体验日期, 体验事项; after 序号.
pub const LEDGER_COLUMNS: [&str; 11] = [
    "序号",
    "问题",
    "原因",
    "整改优化措施",
    "工作建议",
    "责任部门",
    "状态",
    "整改时限",
    "到期情况",
    "体验日期",
    "体验事项",
];

/// A row of the 整改台账 (its 序号 set once the rows are in order), with the walk's date and the
/// finding's 序号 to order by.
type LedgerRow = (NaiveDate, i64, Vec<crate::report::Cell>);

fn ledger_row(f: &Finding, walk: crate::domain::ledger::DatedWalk<'_>, today: NaiveDate) -> LedgerRow {
    use crate::i18n::{Lang, Strings};
    use crate::present::labels;
    use crate::report::Cell;
    let s = walk.session;
    let row = vec![
        Cell::Int(0),
        Cell::Text(f.description.clone()),
        Cell::Text(f.cause.clone()),
        Cell::Text(f.measure.clone()),
        Cell::Text(s.advice.clone()),
        Cell::Text(f.unit.clone()),
        Cell::Text(labels::finding_status(Lang::Zh, f.status).to_string()),
        f.deadline.map(Cell::Date).unwrap_or_else(|| Cell::Text(String::new())),
        Cell::Text(labels::due(Strings::get(Lang::Zh), f, today)),
        Cell::Date(walk.date),
        Cell::Text(s.item.clone()),
    ];
    (walk.date, f.seq, row)
}

/// The 整改台账 of the findings `filter` passes (the filter of `tiyan ledger`), by walk date and
/// 序号: one row per finding; then the week's figures and the table by unit the ledger screen
/// shows, each a table of its own (a sheet of its own in Excel).
pub fn ledger(
    store: &Store,
    filter: &crate::domain::ledger::LedgerFilter,
    unit: &str,
    at: &At<'_>,
) -> Result<Doc, StoreError> {
    use crate::domain::ledger::{self, SessionIndex};
    let sessions: Vec<Session> = store.sessions()?.into_iter().map(|s| s.session).collect();
    let index = SessionIndex::in_zone(&sessions, *at.zone);
    let today = at.today;
    let rows = passed(store, &index, filter, at, |f, walk| Some(ledger_row(&f, walk, today)))?;
    let (counts, units) = ledger::from_tally(&store.ledger_tally()?, &index, filter, today);
    Ok(ledger_doc(rows, &counts, &units, unit, today))
}

/// The 整改台账 of `findings` (already filtered), with the figures and the table by unit given
/// (the ledger screen's, in the TUI).
pub fn ledger_of(
    sessions: &[Session],
    findings: &[Finding],
    counts: &crate::domain::ledger::Counts,
    units: &[crate::domain::ledger::UnitRow],
    unit: &str,
    zone: Zone,
    today: NaiveDate,
) -> Doc {
    let index = crate::domain::ledger::SessionIndex::in_zone(sessions, zone);
    let rows = findings.iter().filter_map(|f| Some(ledger_row(f, index.get(f.session_id)?, today))).collect();
    ledger_doc(rows, counts, units, unit, today)
}

fn ledger_doc(
    mut rows: Vec<LedgerRow>,
    counts: &crate::domain::ledger::Counts,
    units: &[crate::domain::ledger::UnitRow],
    unit: &str,
    today: NaiveDate,
) -> Doc {
    use crate::i18n::{Lang, Strings};
    use crate::report::{Block, Cell, Table};
    let zh = Strings::get(Lang::Zh);
    rows.sort_by_key(|(date, seq, _)| (*date, *seq));
    let rows: Vec<Vec<Cell>> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (_, _, mut row))| {
            row[0] = Cell::Int(i as i64 + 1);
            row
        })
        .collect();
    let n = |x: usize| Cell::Int(x as i64);
    let figures = vec![
        vec![Cell::Text("走流程次数".into()), n(counts.walks_done)],
        vec![Cell::Text("发现问题".into()), n(counts.found)],
        vec![Cell::Text("立行立改".into()), n(counts.on_the_spot)],
        vec![Cell::Text("逾期未整改".into()), n(counts.overdue)],
        vec![Cell::Text("已销号".into()), n(counts.closed)],
        vec![Cell::Text("不成立".into()), n(counts.not_a_problem)],
        vec![Cell::Text("销号率".into()), Cell::Text(crate::text::percent(counts.close_rate))],
    ];
    let by_unit = units
        .iter()
        .map(|u| {
            vec![
                Cell::Text(u.label(zh).to_string()),
                n(u.found),
                n(u.rectifying),
                n(u.overdue),
                n(u.closed),
                n(u.total),
            ]
        })
        .collect();
    let unit = unit.trim();
    Doc {
        title: "“我陪群众走流程”政务服务体验活动问题整改台账".into(),
        blocks: vec![
            Block::Para(format!("填报单位：{unit}        统计日期：{}", super::session::chinese_date(today))),
            Block::Table(Table {
                name: "整改台账".into(),
                header: LEDGER_COLUMNS.map(String::from).to_vec(),
                widths: vec![4, 24, 14, 20, 14, 10, 6, 8, 8, 8, 10],
                rows,
            }),
            Block::Heading("统计".into()),
            Block::Para(counts.line(zh)),
            Block::Table(Table {
                name: "统计".into(),
                header: vec!["项目".into(), "数量".into()],
                widths: vec![10, 8],
                rows: figures,
            }),
            Block::Heading("按责任单位".into()),
            Block::Table(Table {
                name: "按责任单位".into(),
                header: ["责任单位", "发现问题", "整改中", "逾期", "已销号", "合计"].map(String::from).to_vec(),
                widths: vec![16, 8, 8, 6, 8, 6],
                rows: by_unit,
            }),
        ],
    }
}

/// 督查提醒函 for `findings` (those past their deadline among them), from `sender`.
pub fn reminders_of(sessions: &[Session], findings: &[Finding], sender: &str, zone: Zone, today: NaiveDate) -> Doc {
    let index = crate::domain::ledger::SessionIndex::in_zone(sessions, zone);
    super::reminders::letters(findings, &index, None, sender, today, &crate::holidays::calendar())
}

/// 督查提醒函 to each unit with findings past their deadline (only to `responsible` when
/// given), from `sender`; reply by five working days of the holiday calendar in force.
pub fn reminders(store: &Store, responsible: Option<&str>, sender: &str, at: &At<'_>) -> Result<Doc, StoreError> {
    use crate::domain::ledger::SessionIndex;
    use crate::domain::rectify::is_overdue;
    let sessions: Vec<Session> = store.sessions()?.into_iter().map(|s| s.session).filter(|s| !s.deleted).collect();
    let index = SessionIndex::in_zone(&sessions, *at.zone);
    let today = at.today;
    let mut overdue = Vec::new();
    // Findings of a deleted walk are not the unit's to answer for.
    let keep = |fs: Vec<Finding>| -> Vec<Finding> {
        fs.into_iter().filter(|f| is_overdue(f, today) && index.get(f.session_id).is_some()).collect()
    };
    store.each_session_findings(keep, |fs| -> Result<(), StoreError> {
        overdue.extend(fs);
        Ok(())
    })??;
    let calendar = crate::holidays::calendar();
    Ok(super::reminders::letters(&overdue, &index, responsible, sender, today, &calendar))
}

/// seed 001's 成果清单: the findings `filter` passes that are closed off, by unit.
pub fn achievements(
    store: &Store,
    filter: &crate::domain::ledger::LedgerFilter,
    unit: &str,
    at: &At<'_>,
) -> Result<Doc, StoreError> {
    use crate::domain::ledger::SessionIndex;
    let sessions: Vec<Session> = store.sessions()?.into_iter().map(|s| s.session).collect();
    let index = SessionIndex::in_zone(&sessions, *at.zone);
    let closed =
        passed(store, &index, filter, at, |f, _| (f.status == crate::domain::FindingStatus::Closed).then_some(f))?;
    drop(index);
    Ok(super::achievements::list(unit, &sessions, &closed, *at.zone, at.today))
}

/// Each officer's part in `year` (the user's days): the entries they made at the kiosk and
/// what became of the problems in them.
pub fn officer_years(store: &Store, year: i32, zone: &Zone) -> Result<Vec<super::officers::OfficerYear>, StoreError> {
    use crate::domain::FindingStatus;
    use chrono::Datelike;
    let sessions: Vec<Session> = store.sessions()?.into_iter().map(|s| s.session).collect();
    let mut rows = Vec::new();
    for officer in store.officers()? {
        let mine: Vec<&Session> = sessions
            .iter()
            .filter(|s| !s.deleted && s.kiosk.as_ref().and_then(|k| k.officer) == Some(officer.id))
            .filter(|s| zone.date(s.created_ms).year() == year)
            .collect();
        let mut row = super::officers::OfficerYear {
            entries: mine.len(),
            problems: 0,
            confirmed: 0,
            closed: 0,
            last_visit: mine.iter().map(|s| s.created_ms).max().map(|ms| zone.date(ms)),
            officer,
        };
        for s in &mine {
            for f in store.findings_of(s.id)?.into_iter().filter(|f| !f.deleted) {
                row.problems += 1;
                row.confirmed += usize::from(!matches!(f.status, FindingStatus::Found | FindingStatus::NotAProblem));
                row.closed += usize::from(f.status == FindingStatus::Closed);
            }
        }
        rows.push(row);
    }
    Ok(rows)
}

/// What `make` makes of each finding (not deleted) that `filter` passes, with its walk: on the
/// store's reading threads, a session's findings at a time.
fn passed<T: Send>(
    store: &Store,
    index: &crate::domain::ledger::SessionIndex<'_>,
    filter: &crate::domain::ledger::LedgerFilter,
    at: &At<'_>,
    make: impl Fn(Finding, crate::domain::ledger::DatedWalk<'_>) -> Option<T> + Sync,
) -> Result<Vec<T>, StoreError> {
    let keep = |findings: Vec<Finding>| -> Vec<T> {
        findings
            .into_iter()
            .filter_map(|f| {
                let walk = index.get(f.session_id)?;
                let shown = !f.deleted && filter.matches_walk(&f, || Some(walk), at.today, *at.zone);
                if shown { make(f, walk) } else { None }
            })
            .collect()
    };
    let mut out = Vec::new();
    store.each_session_findings(keep, |batch| -> Result<(), StoreError> {
        out.extend(batch);
        Ok(())
    })??;
    Ok(out)
}
