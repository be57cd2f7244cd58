//! 督查提醒函 as documents: a letter to each unit with findings past their deadline, each on
//! its own page: the addressee, what is overdue (a table), a reply-by line, the sender (the
//! office) and the date. The ledger's plain-text letter (`tiyan ledger --reminders`) says the
//! same; this is the one a clerk prints and stamps.

use chrono::NaiveDate;

use super::session::chinese_date;
use super::{Block, Cell, Doc, Table};
use crate::domain::Finding;
use crate::domain::ledger::SessionIndex;
use crate::domain::rectify::{Due, due};
use crate::domain::workdays::Calendar;

/// Working days a unit has to answer.
pub const REPLY_DAYS: u32 = 5;

/// The letters for the overdue ones of `findings` (only `unit`'s, when given), from `sender`.
pub fn letters(
    findings: &[Finding],
    sessions: &SessionIndex<'_>,
    unit: Option<&str>,
    sender: &str,
    today: NaiveDate,
    calendar: &Calendar,
) -> Doc {
    // The same letters, to the same units in the same order, as the ledger's plain text.
    // Findings without a unit go to 待定责, asked for by that name (as `tiyan ledger --unit`).
    let unassigned = crate::i18n::Strings::get(crate::i18n::Lang::Zh).t(crate::domain::ledger::UNASSIGNED_KEY);
    let by_unit: Vec<(&str, Vec<&Finding>)> = crate::domain::ledger::overdue_by_unit(findings, today)
        .into_iter()
        .map(|(name, fs)| (if name.is_empty() { unassigned } else { name }, fs))
        .filter(|(name, _)| unit.is_none_or(|u| u.trim() == *name))
        .collect();
    let sender = if sender.trim().is_empty() { "×××单位".to_string() } else { sender.trim().to_string() };
    let reply_by = calendar.add_working_days(today, REPLY_DAYS);
    let mut blocks = Vec::new();
    if by_unit.is_empty() {
        blocks.push(Block::Para(format!("截至{}，没有超过整改时限的问题。", chinese_date(today))));
    }
    for (i, (name, fs)) in by_unit.into_iter().enumerate() {
        if i > 0 {
            blocks.push(Block::PageBreak);
        }
        blocks.push(Block::Heading(format!("{name}：")));
        blocks.push(Block::Para(format!(
            "在“我陪群众走流程”政务服务体验活动中发现的以下 {} 个问题，截至{}已超过整改时限，请抓紧整改。",
            fs.len(),
            chinese_date(today)
        )));
        let rows = fs
            .iter()
            .enumerate()
            .map(|(k, f)| {
                let days = match due(f, today) {
                    Due::Overdue { days_over } => days_over,
                    _ => 0,
                };
                let item = sessions.get(f.session_id).map(|w| w.session.item.clone()).unwrap_or_default();
                vec![
                    Cell::Int(k as i64 + 1),
                    Cell::Text(item),
                    Cell::Text(f.description.clone()),
                    Cell::Text(f.measure.clone()),
                    f.deadline.map(Cell::Date).unwrap_or_else(|| Cell::Text(String::new())),
                    Cell::Int(days),
                    Cell::Text(f.owner.clone()),
                ]
            })
            .collect();
        blocks.push(Block::Table(Table {
            name: String::new(),
            header: ["序号", "体验事项", "问题描述", "整改措施", "整改时限", "逾期天数", "责任人"]
                .map(String::from)
                .to_vec(),
            widths: vec![3, 8, 18, 16, 7, 5, 5],
            rows,
        }));
        blocks.push(Block::Para(format!("请于{}前将整改情况（含佐证材料）书面反馈{sender}。", chinese_date(reply_by))));
        blocks.push(Block::Right(vec![sender.clone(), chinese_date(today)]));
    }
    Doc { title: "督查提醒函".into(), blocks }
}
