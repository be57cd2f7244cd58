//! `p` on a session's page: its documents (the 体验报告, the 问题整改清单) in the formats the
//! office opens. The store thread reads what they are made of (`LoadReportData`); the document
//! is made and written off the UI thread (`Effect::Document`, carried out by the TUI), into the
//! place chosen on the sync screen (a stick, a typed directory) or where tiyan was started,
//! under a name not taken; the notice says where it went.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

pub use super::document_job::{CHOICES, Choice, DocumentJob, Kind};
use super::effect::Effect;
use super::state::{Overlay, State};
use crate::domain::EntityId;
use crate::present::rows::{WaitsBy, wait_rows};
use crate::store::StoreError;
use crate::store::thread::{ReportData, StoreRequest};

pub fn label(state: &State, choice: Choice) -> String {
    let what = state.t(match choice.kind {
        Kind::Report => "documents.report",
        Kind::List => "documents.list",
    });
    let format = match choice.format {
        "docx" => "Word (.docx)",
        "xlsx" => "Excel (.xlsx)",
        "html" => "HTML (.html)",
        "csv" => "CSV (.csv)",
        _ => "Markdown (.md)",
    };
    format!("{what} · {format}")
}

/// Where documents go: the place chosen on the sync screen (a stick, a typed directory),
/// else the one last used there; None: where tiyan was started.
fn destination_dir(state: &State) -> Option<PathBuf> {
    state.sync.chosen().map(|p| p.path.clone()).or_else(|| state.sync.last_used.clone())
}

/// The directory the documents go to, as the picker's title names it.
pub fn destination(state: &State) -> String {
    match destination_dir(state) {
        Some(dir) => crate::text::sanitize(&dir.display().to_string()).into_owned(),
        None => state.t("documents.here").to_string(),
    }
}

pub fn open(state: &mut State, session: EntityId) -> Vec<Effect> {
    state.overlays.push(Overlay::DocumentPicker { session, cursor: 0 });
    vec![]
}

pub fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::DocumentPicker { session, cursor }) = state.overlays.last_mut() else { return vec![] };
    let session = *session;
    let last = CHOICES.len() - 1;
    match key.code {
        // Fixed keys, as every pick list: arrows and j/k, Enter, Esc (q leaves too).
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(last),
        KeyCode::Home => *cursor = 0,
        KeyCode::End => *cursor = last,
        KeyCode::Esc | KeyCode::Char('q') => {
            state.overlays.pop();
        }
        KeyCode::Enter => {
            let choice = CHOICES[(*cursor).min(last)];
            state.overlays.pop();
            let req = state.next_req;
            state.next_req += 1;
            state.document_pending = Some((req, choice));
            let what = label(state, choice);
            state.notice = Some(state.ctx.strings().tf("documents.making", &[("what", &what)]));
            return vec![Effect::Store(StoreRequest::LoadReportData { req, session })];
        }
        _ => {}
    }
    vec![]
}

/// The session's data is read: make the document (off this thread).
pub fn loaded(state: &mut State, req: u64, result: Result<Box<ReportData>, StoreError>) -> Vec<Effect> {
    let Some((pending, choice)) = state.document_pending else { return vec![] };
    if pending != req {
        return vec![];
    }
    state.document_pending = None;
    let data = match result {
        Ok(data) => *data,
        Err(e) => {
            state.notice = Some(state.ctx.strings().tf("documents.failed", &[("error", &e.to_string())]));
            return vec![];
        }
    };
    let now = state.now();
    let zone = state.ctx.zone;
    let thresholds = |t: &crate::domain::Ticket| state.ctx.waits.for_item(&t.item);
    let place = data.session.place.clone();
    let waits = wait_rows(WaitsBy::All, &data.tickets, |_| place.clone(), &thresholds).pop().map(|r| r.stats);
    let job = DocumentJob {
        req,
        choice,
        walk: data.session.walk.narrative(&now, &zone),
        waits,
        day: zone.date(data.session.created_ms),
        today: state.today(),
        dir: destination_dir(state),
        data,
    };
    vec![Effect::Document(Box::new(job))]
}
