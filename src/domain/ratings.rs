//! 好差评 figures of the kiosk's entries (seed 004: the centre reports what citizens and 体验官
//! rated): for each dimension, how many entries gave each of the five levels and their share,
//! over all entries or grouped by service item, window or ISO week.

use std::collections::BTreeMap;

use chrono::Datelike;

use super::kiosk::{Dimension, Level};
use super::session::Session;
use super::zone::Zone;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupBy {
    All,
    Item,
    Window,
    /// ISO week of the entry, in the user's zone: `2026-W48`.
    Week,
}

impl GroupBy {
    pub fn parse(s: &str) -> Option<GroupBy> {
        match s.trim() {
            "item" => Some(GroupBy::Item),
            "window" => Some(GroupBy::Window),
            "week" => Some(GroupBy::Week),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            GroupBy::All => "all",
            GroupBy::Item => "item",
            GroupBy::Window => "window",
            GroupBy::Week => "week",
        }
    }
}

/// One group's figures: entries rated, and per dimension the count at each level (in
/// `Level::ALL` order, 非常满意 first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RatingRow {
    pub group: String,
    pub entries: usize,
    pub counts: BTreeMap<Dimension, [usize; 5]>,
}

impl RatingRow {
    fn new(group: String) -> RatingRow {
        RatingRow { group, entries: 0, counts: Dimension::ALL.into_iter().map(|d| (d, [0; 5])).collect() }
    }
    /// The share of entries rating `d` at `level` (None when none rated `d`).
    pub fn share(&self, d: Dimension, level: Level) -> Option<f64> {
        let counts = self.counts.get(&d)?;
        let total: usize = counts.iter().sum();
        (total > 0).then(|| counts[level as usize] as f64 / total as f64)
    }
    /// 满意率: the share at 满意 or better plus 基本满意, as 好差评 counts satisfaction.
    pub fn satisfied(&self, d: Dimension) -> Option<f64> {
        [Level::VerySatisfied, Level::Satisfied, Level::Fair].into_iter().map(|l| self.share(d, l)).sum()
    }
}

/// The figures of every kiosk entry among `sessions` (deleted ones left out), grouped.
pub fn figures<'a>(sessions: impl IntoIterator<Item = &'a Session>, by: GroupBy, zone: &Zone) -> Vec<RatingRow> {
    let mut rows: BTreeMap<String, RatingRow> = BTreeMap::new();
    for s in sessions.into_iter().filter(|s| !s.deleted) {
        let Some(k) = s.kiosk.as_ref().filter(|k| !k.ratings.is_empty()) else { continue };
        let group = match by {
            GroupBy::All => String::new(),
            GroupBy::Item => s.item.trim().to_string(),
            GroupBy::Window => s.window.trim().to_string(),
            GroupBy::Week => {
                let week = zone.date(s.created_ms).iso_week();
                format!("{}-W{:02}", week.year(), week.week())
            }
        };
        let row = rows.entry(group.clone()).or_insert_with(|| RatingRow::new(group));
        row.entries += 1;
        for (d, l) in &k.ratings {
            if let Some(counts) = row.counts.get_mut(d) {
                counts[*l as usize] += 1;
            }
        }
    }
    let mut out: Vec<RatingRow> = rows.into_values().collect();
    if out.is_empty() && by == GroupBy::All {
        out.push(RatingRow::new(String::new()));
    }
    out
}
