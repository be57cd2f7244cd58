//! A session's document as asked for (`p` on its page) and as the TUI makes it: plain data,
//! below the files that use it (the picker, the state, the effects).

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::domain::waits::WaitStats;
use crate::store::thread::ReportData;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// 体验报告 (seed 003 附件2).
    Report,
    /// 问题整改清单 (seed 003 附件3).
    List,
}

/// A document and the format to write it in (its file extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Choice {
    pub kind: Kind,
    pub format: &'static str,
}

/// What the picker offers, in its order: Word first, as the offices file.
pub const CHOICES: [Choice; 7] = [
    Choice { kind: Kind::Report, format: "docx" },
    Choice { kind: Kind::Report, format: "html" },
    Choice { kind: Kind::Report, format: "md" },
    Choice { kind: Kind::List, format: "xlsx" },
    Choice { kind: Kind::List, format: "docx" },
    Choice { kind: Kind::List, format: "csv" },
    Choice { kind: Kind::List, format: "html" },
];

/// Everything the TUI needs to make the document and write it.
#[derive(Debug)]
pub struct DocumentJob {
    pub req: u64,
    pub choice: Choice,
    pub data: ReportData,
    /// 事项办理全过程 as the stage stopwatch tells it now.
    pub walk: String,
    pub waits: Option<WaitStats>,
    /// The day of the walk, and today, in the user's zone.
    pub day: NaiveDate,
    pub today: NaiveDate,
    /// Where to write it (None: where tiyan was started).
    pub dir: Option<PathBuf>,
}
