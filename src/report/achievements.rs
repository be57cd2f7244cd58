//! 成果清单 (seed 001, 闭环管理): 「对问题整改完成的，要把‘问题清单’变成‘成果清单’」. The findings
//! closed off (已销号), each with what was done about it and who verified it, by responsible
//! unit: what the office turns into rules and mechanisms (固化为制度机制), which it writes in
//! the last column.

use chrono::NaiveDate;

use super::session::chinese_date;
use super::{Block, Cell, Doc, Table};
use crate::domain::ledger::SessionIndex;
use crate::domain::zone::Zone;
use crate::domain::{Finding, FindingStatus, Session};

pub const COLUMNS: [&str; 9] =
    ["序号", "责任单位", "体验事项", "问题", "整改措施", "整改成效", "核验销号", "体验日期", "固化成果（制度机制）"];

/// The list of the closed findings among `findings` (each looked up in `sessions`), by unit
/// and the day it was closed off, as filed by `unit` on `today`.
pub fn list(unit: &str, sessions: &[Session], findings: &[Finding], zone: Zone, today: NaiveDate) -> Doc {
    let index = SessionIndex::in_zone(sessions, zone);
    let mut closed: Vec<(&Finding, NaiveDate, &Session)> = findings
        .iter()
        .filter(|f| f.status == FindingStatus::Closed && !f.deleted)
        .filter_map(|f| index.get(f.session_id).map(|w| (f, w.date, w.session)))
        .collect();
    closed.sort_by(|a, b| {
        (a.0.unit.trim(), a.0.closed_on, a.1, a.0.seq).cmp(&(b.0.unit.trim(), b.0.closed_on, b.1, b.0.seq))
    });
    let units: std::collections::BTreeSet<&str> = closed.iter().map(|(f, ..)| f.unit.trim()).collect();
    let rows = closed
        .iter()
        .enumerate()
        .map(|(i, (f, walked, s))| {
            let verified =
                [f.closed_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default(), f.closed_by.clone()];
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(f.unit.trim().to_string()),
                Cell::Text(s.item.clone()),
                Cell::Text(f.description.clone()),
                Cell::Text(f.measure.clone()),
                Cell::Text(f.evidence.clone()),
                Cell::Text(verified.join(" ").trim().to_string()),
                Cell::Date(*walked),
                Cell::Text(String::new()),
            ]
        })
        .collect();
    Doc {
        title: "“我陪群众走流程”问题整改成果清单".into(),
        blocks: vec![
            Block::Para(format!(
                "填报单位：{}        统计日期：{}        已销号问题 {} 个，涉及责任单位 {} 个",
                unit.trim(),
                chinese_date(today),
                closed.len(),
                units.len()
            )),
            Block::Table(Table {
                name: String::new(),
                header: COLUMNS.map(String::from).to_vec(),
                widths: vec![3, 8, 8, 16, 14, 14, 9, 7, 12],
                rows,
            }),
        ],
    }
}
