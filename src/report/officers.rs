//! 体验官年度参与情况 (seed 004: the officers are managed 「依据体验官参与体验的评价记录」 and the
//! year is summed up): each officer's entries, problems reported, confirmed and closed off,
//! and the last visit.

use chrono::NaiveDate;

use super::session::chinese_date;
use super::{Block, Cell, Doc, Table};
use crate::domain::officer::Officer;

/// One officer's year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OfficerYear {
    pub officer: Officer,
    pub entries: usize,
    pub problems: usize,
    /// Confirmed: 已核查 or later, 不成立 left out.
    pub confirmed: usize,
    pub closed: usize,
    pub last_visit: Option<NaiveDate>,
}

pub const COLUMNS: [&str; 10] =
    ["序号", "编号", "姓名", "类别", "所在单位", "状态", "登记次数", "反映问题", "核实问题", "已销号"];

pub fn summary(unit: &str, year: i32, rows: &[OfficerYear], today: NaiveDate) -> Doc {
    let n = |x: usize| Cell::Int(x as i64);
    let table_rows = rows
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let o = &r.officer;
            vec![
                n(i + 1),
                Cell::Text(o.number.clone()),
                Cell::Text(o.name.clone()),
                Cell::Text(o.kind.map_or("", |k| k.zh()).to_string()),
                Cell::Text(o.unit.clone()),
                Cell::Text(o.status.zh().to_string()),
                n(r.entries),
                n(r.problems),
                n(r.confirmed),
                n(r.closed),
            ]
        })
        .collect();
    let total = |f: fn(&OfficerYear) -> usize| rows.iter().map(f).sum::<usize>();
    Doc {
        title: format!("{year}年度政务服务体验官参与情况"),
        blocks: vec![
            Block::Para(format!("填报单位：{}        统计日期：{}", unit.trim(), chinese_date(today))),
            Block::Para(format!(
                "在册体验官 {} 人，全年登记 {} 次，反映问题 {} 个，经核实 {} 个，已整改销号 {} 个。",
                rows.len(),
                total(|r| r.entries),
                total(|r| r.problems),
                total(|r| r.confirmed),
                total(|r| r.closed)
            )),
            Block::Table(Table {
                name: String::new(),
                header: COLUMNS.map(String::from).to_vec(),
                widths: vec![3, 6, 5, 7, 10, 4, 5, 5, 5, 4],
                rows: table_rows,
            }),
        ],
    }
}
