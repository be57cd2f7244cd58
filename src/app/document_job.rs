//! A document as asked for (`p` on a session's page or on the ledger) and as the TUI makes
//! it: plain data, below the files that use it (the picker, the state, the effects).

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::domain::EntityId;
use crate::domain::ledger::{Counts, UnitRow};
use crate::domain::waits::WaitStats;
use crate::store::thread::{LedgerData, ReportData};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 体验报告 (seed 003 附件2).
    Report,
    /// 问题整改清单 (seed 003 附件3).
    List,
    /// 整改台账 (seed 002).
    Ledger,
    /// 督查提醒函.
    Reminders,
    /// 成果清单 (seed 001): the findings closed off.
    Achievements,
}

/// A document and the format to write it in (its file extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub kind: Kind,
    pub format: &'static str,
}

/// Whose documents: a session's, or the ledger's (the findings its filter shows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Session(EntityId),
    Ledger,
}

const fn choice(kind: Kind, format: &'static str) -> Choice {
    Choice { kind, format }
}

/// What the picker offers, in its order: Word and Excel first, as the offices file.
pub fn choices(target: Target) -> &'static [Choice] {
    const SESSION: [Choice; 7] = [
        choice(Kind::Report, "docx"),
        choice(Kind::Report, "html"),
        choice(Kind::Report, "md"),
        choice(Kind::List, "xlsx"),
        choice(Kind::List, "docx"),
        choice(Kind::List, "csv"),
        choice(Kind::List, "html"),
    ];
    const LEDGER: [Choice; 8] = [
        choice(Kind::Ledger, "xlsx"),
        choice(Kind::Ledger, "csv"),
        choice(Kind::Ledger, "html"),
        choice(Kind::Reminders, "docx"),
        choice(Kind::Reminders, "html"),
        choice(Kind::Reminders, "md"),
        choice(Kind::Achievements, "xlsx"),
        choice(Kind::Achievements, "docx"),
    ];
    match target {
        Target::Session(_) => &SESSION,
        Target::Ledger => &LEDGER,
    }
}

/// What the store read for a document.
#[derive(Debug)]
pub enum Loaded {
    Session(Box<ReportData>),
    Ledger(Box<LedgerData>),
}

/// What a document is made from.
#[derive(Debug)]
pub enum JobData {
    Session {
        data: Box<ReportData>,
        /// 事项办理全过程 as the stage stopwatch tells it now.
        walk: String,
        waits: Option<WaitStats>,
        /// The day of the walk, in the user's zone.
        day: NaiveDate,
    },
    /// The ledger's findings, with the figures and the table by unit its screen shows.
    Ledger { data: Box<LedgerData>, counts: Counts, units: Vec<UnitRow> },
}

/// Everything the TUI needs to make the document and write it.
#[derive(Debug)]
pub struct DocumentJob {
    pub req: u64,
    pub choice: Choice,
    pub data: JobData,
    /// The user's zone, and today in it.
    pub zone: crate::domain::zone::Zone,
    pub today: NaiveDate,
    /// Where to write it (None: where tiyan was started).
    pub dir: Option<PathBuf>,
}
