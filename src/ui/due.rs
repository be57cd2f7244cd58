//! How a finding stands against its deadline, in words and colour, wherever findings are
//! listed (a session's page, the ledger, a finding's page).

use ratatui::style::Style;

use super::theme::Theme;
use crate::domain::Finding;
use crate::domain::rectify::{Due, due};
use crate::i18n::Strings;

/// "逾期 3 天", "2 天后到期", "今天到期"; empty when not due or not soon.
pub fn due_text(f: &Finding, today: chrono::NaiveDate, s: &Strings) -> String {
    match due(f, today) {
        Due::Overdue { days_over } => s.tf("due.overdue", &[("n", &days_over.to_string())]),
        Due::Soon { days_left: 0 } => s.t("due.today").to_string(),
        Due::Soon { days_left } => s.tf("due.soon", &[("n", &days_left.to_string())]),
        Due::OnTime { .. } | Due::NotDue => String::new(),
    }
}

/// Overdue rows in the error colour, rows due soon in the warning colour.
pub fn due_style(f: &Finding, today: chrono::NaiveDate, theme: &Theme) -> Style {
    match due(f, today) {
        Due::Overdue { .. } => theme.error(),
        Due::Soon { .. } => theme.label(),
        Due::OnTime { .. } | Due::NotDue => Style::new(),
    }
}
