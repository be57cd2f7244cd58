//! 问题整改清单: seed 003's 附件3, its columns exactly: 序号, 体验事项, 体验人, 发现的问题描述,
//! 细化整改措施, 整改时限, 完成情况, 备注. 完成情况 comes from the status and the close-off;
//! 备注 carries 立行立改, days overdue and reopenings.

use chrono::NaiveDate;

use super::session::chinese_date;
use super::{Block, Cell, Doc, Table};
use crate::domain::rectify::{Due, due};
use crate::domain::{Finding, FindingStatus, Session};

pub const COLUMNS: [&str; 8] =
    ["序号", "体验事项", "体验人", "发现的问题描述", "细化整改措施", "整改时限", "完成情况", "备注"];

/// The list for `findings` (each with its session), as filed by `unit` on `today`.
pub fn list(unit: &str, findings: &[(&Session, &Finding)], today: NaiveDate) -> Doc {
    let rows = findings
        .iter()
        .enumerate()
        .map(|(i, (s, f))| {
            vec![
                Cell::Int(i as i64 + 1),
                Cell::Text(s.item.clone()),
                Cell::Text(s.inspectors.join("、")),
                Cell::Text(f.description.clone()),
                Cell::Text(f.measure.clone()),
                f.deadline.map(Cell::Date).unwrap_or_else(|| Cell::Text(String::new())),
                Cell::Text(done_text(f)),
                Cell::Text(remarks(f, today)),
            ]
        })
        .collect();
    let unit = unit.trim();
    Doc {
        title: "“我陪群众走流程”政务服务体验活动问题整改清单".into(),
        blocks: vec![
            Block::Para(format!(
                "填报单位（盖章）：{unit}        主要负责人（签字）：        填报日期：{}",
                chinese_date(today)
            )),
            Block::Table(Table {
                name: String::new(),
                header: COLUMNS.map(String::from).to_vec(),
                widths: vec![3, 8, 8, 18, 18, 7, 12, 8],
                rows,
            }),
        ],
    }
}

/// 完成情况: where the finding stands, in the words the offices use.
pub fn done_text(f: &Finding) -> String {
    let on = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let by_on = |by: &str, d: Option<NaiveDate>| [on(d), by.trim().to_string()].join(" ").trim().to_string();
    match f.status {
        FindingStatus::Found => "待核查".into(),
        FindingStatus::Confirmed => "已核查，待交办".into(),
        FindingStatus::NotAProblem => "经核查不成立".into(),
        FindingStatus::Assigned | FindingStatus::Rectifying => {
            if f.progress.trim().is_empty() {
                "整改中".into()
            } else {
                format!("整改中：{}", f.progress.trim())
            }
        }
        FindingStatus::Rectified => format!("已整改，待核验（{}）", by_on(&f.rectified_by, f.rectified_on)),
        FindingStatus::Closed => format!("已整改，{}核验销号", by_on(&f.closed_by, f.closed_on)),
    }
}

/// 备注: 立行立改 (as the ledger counts it: straight from 待核查 to 已整改), days overdue,
/// reopenings, the finding's note.
pub fn remarks(f: &Finding, today: NaiveDate) -> String {
    let mut out = Vec::new();
    if crate::domain::ledger::fixed_on_the_spot(f) {
        out.push("立行立改".to_string());
    }
    if let Due::Overdue { days_over } = due(f, today) {
        out.push(format!("逾期 {days_over} 天"));
    }
    let reopened = f.moves.iter().filter(|m| m.reopen).count();
    if reopened > 0 {
        out.push(format!("重新整改 {reopened} 次"));
    }
    if !f.note.trim().is_empty() {
        out.push(f.note.trim().to_string());
    }
    out.join("；")
}
