//! How a finding stands against its deadline in colour, wherever findings are listed (a
//! session's page, the ledger, a finding's page); the words are `present::labels::due`.

use ratatui::style::Style;

use super::theme::Theme;
use crate::domain::Finding;
use crate::domain::rectify::{Due, due};

/// Overdue rows in the error colour, rows due soon in the warning colour.
pub fn due_style(f: &Finding, today: chrono::NaiveDate, theme: &Theme) -> Style {
    match due(f, today) {
        Due::Overdue { .. } => theme.error(),
        Due::Soon { .. } => theme.label(),
        Due::OnTime { .. } | Due::NotDue => Style::new(),
    }
}
