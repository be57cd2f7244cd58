//! The words for what records hold, in the user's language: one function for each, called by
//! the screens, the command line and reports alike.

use crate::domain::rectify::{Due, due as due_of};
use crate::domain::{Answer, Finding, FindingStatus, SessionStatus, Step, Ticket};
use crate::i18n::{Lang, Strings};
use crate::vocab::ChoiceList;

/// A share as a whole percentage, "63%", or "-" when there is nothing to divide. It lives in
/// `text` because the ledger's counts line (in `domain`) says it too.
pub use crate::text::percent;

/// An average score to one decimal, "4.2", or "-" when nothing was scored.
pub fn average(avg: Option<f64>) -> String {
    avg.map(|a| format!("{a:.1}")).unwrap_or_else(|| "-".into())
}

/// How an answer reads: 通过, 不通过, 不适用, 是, 否, "4分", a count with the item's unit
/// ("12分钟"), or the text given.
pub fn answer(s: &Strings, answer: &Answer, unit: &str) -> String {
    match answer {
        Answer::Pass => s.t("answer.pass").into(),
        Answer::Fail => s.t("answer.fail").into(),
        Answer::NotApplicable => s.t("answer.na").into(),
        Answer::Yes => s.t("answer.yes").into(),
        Answer::No => s.t("answer.no").into(),
        Answer::Score(n) => s.tf("answer.score", &[("n", &n.to_string())]),
        Answer::Count(n) => format!("{n}{unit}"),
        Answer::Text(t) => t.clone(),
    }
}

/// The i18n key of a session's state: 进行中 or 已结束.
pub fn session_status_key(status: SessionStatus) -> &'static str {
    match status {
        SessionStatus::Open => "session.open",
        SessionStatus::Finished => "session.finished",
    }
}

/// 进行中 / 已结束.
pub fn session_status(s: &Strings, status: SessionStatus) -> &'static str {
    s.t(session_status_key(status))
}

/// 待核查, 已核查, … 已销号.
pub fn finding_status(lang: Lang, status: FindingStatus) -> &'static str {
    status.label(lang)
}

/// A status in a table's narrow column: the label, but in English a shorter word where the
/// label is long ("not valid" for "not a problem", "closed" for "closed off"), so no two
/// statuses are cut to the same "rect..".
pub fn finding_status_short(lang: Lang, status: FindingStatus) -> &'static str {
    match (lang, status) {
        (Lang::En, FindingStatus::NotAProblem) => "not valid",
        (Lang::En, FindingStatus::Closed) => "closed",
        _ => finding_status(lang, status),
    }
}

/// The width of a table's status column: the widest short status label in `lang`.
pub fn finding_status_width(lang: Lang) -> u16 {
    FindingStatus::ALL.iter().map(|s| crate::text::width(finding_status_short(lang, *s))).max().unwrap_or(0) as u16
}

/// A status as stored in a move (a code), in words; a code this version does not know is
/// shown as it is.
pub fn finding_status_code(lang: Lang, code: &str) -> String {
    FindingStatus::parse(code).map(|st| finding_status(lang, st).to_string()).unwrap_or_else(|| code.to_string())
}

/// 等候 / 已叫号 / 办理中 / 办结 / 离开 / 计时结束; 已转窗口 for a ticket waiting again after a
/// transfer.
pub fn ticket_state(s: &Strings, t: &Ticket) -> &'static str {
    if t.events.last().is_some_and(|(_, step, _)| *step == Step::Transferred) {
        return s.t(&format!("step.{}", Step::Transferred.code()));
    }
    s.t(&format!("ticket.state.{}", t.state().code()))
}

/// A severity code from the vocabulary (`assets/vocab/severities.toml`) in words; a code
/// not in it is shown as stored.
pub fn severity(lang: Lang, code: &str) -> String {
    ChoiceList::Severities.display(code, lang)
}

/// A duration as a clock: "1:05:09", "12:04", "0:07", hours only when there are any (queue
/// board, wait figures, the stage stopwatch, `list tickets`).
pub fn duration(secs: i64) -> String {
    let secs = secs.max(0);
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    if h > 0 { format!("{h}:{m:02}:{s:02}") } else { format!("{m}:{s:02}") }
}

/// A duration that may not exist yet: [`duration`], or "-".
pub fn duration_or_dash(secs: Option<i64>) -> String {
    secs.map(duration).unwrap_or_else(|| "-".into())
}

/// How a finding stands against its deadline: "逾期3天", "2天后到期", "今天到期"; empty
/// when it is not due or not due soon.
pub fn due(s: &Strings, f: &Finding, today: chrono::NaiveDate) -> String {
    match due_of(f, today) {
        Due::Overdue { days_over } => s.tf("due.overdue", &[("n", &days_over.to_string())]),
        Due::Soon { days_left: 0 } => s.t("due.today").to_string(),
        Due::Soon { days_left } => s.tf("due.soon", &[("n", &days_left.to_string())]),
        Due::OnTime { .. } | Due::NotDue => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_show_hours_only_when_there_are_any() {
        assert_eq!(duration(7), "0:07");
        assert_eq!(duration(724), "12:04");
        assert_eq!(duration(3909), "1:05:09");
        assert_eq!(duration(-5), "0:00");
        assert_eq!(duration_or_dash(None), "-");
        assert_eq!(average(Some(4.25)), "4.2");
        assert_eq!(average(None), "-");
        assert_eq!(percent(Some(0.625)), "63%");
    }

    #[test]
    fn answers_and_dues_read_in_the_language_given() {
        let (zh, en) = (Strings::get(Lang::Zh), Strings::get(Lang::En));
        assert_eq!(answer(zh, &Answer::Fail, ""), "不通过");
        assert_eq!(answer(en, &Answer::Count(12), "分钟"), "12分钟");
        let mut f = Finding::blank(1);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        f.status = FindingStatus::Rectifying;
        f.deadline = Some(today - chrono::Days::new(3));
        assert_eq!(due(zh, &f, today), "逾期3天");
        f.deadline = Some(today);
        assert_eq!(due(zh, &f, today), "今天到期");
        f.deadline = None;
        assert_eq!(due(zh, &f, today), "");
        assert_eq!(session_status(zh, SessionStatus::Finished), "已结束");
        assert_eq!(finding_status_code(Lang::Zh, "closed"), "已销号");
        assert_eq!(finding_status_code(Lang::Zh, "someday"), "someday");
    }
}
