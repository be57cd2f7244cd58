//! `p` on a session's page: its documents (the 体验报告, the 问题整改清单) in the formats the
//! office opens. The store thread reads what they are made of (`LoadReportData`); the document
//! is made and written off the UI thread (`Effect::Document`, carried out by the TUI), into the
//! place chosen on the sync screen (a stick, a typed directory) or where tiyan was started,
//! under a name not taken; the notice says where it went.

use std::path::PathBuf;

use ratatui::crossterm::event::{KeyCode, KeyEvent};

pub use super::document_job::{Choice, DocumentJob, JobData, Kind, Loaded, Target, choices};
use super::effect::Effect;
use super::state::{Overlay, State};
use crate::present::rows::{WaitsBy, wait_rows};
use crate::store::StoreError;
use crate::store::thread::StoreRequest;

pub fn label(state: &State, choice: Choice) -> String {
    let what = state.t(match choice.kind {
        Kind::Report => "documents.report",
        Kind::List => "documents.list",
        Kind::Ledger => "documents.ledger",
        Kind::Reminders => "documents.reminders",
        Kind::Achievements => "documents.achievements",
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

pub fn open(state: &mut State, target: Target) -> Vec<Effect> {
    state.overlays.push(Overlay::DocumentPicker { target, cursor: 0 });
    vec![]
}

pub fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::DocumentPicker { target, cursor }) = state.overlays.last_mut() else { return vec![] };
    let target = *target;
    let offered = choices(target);
    let last = offered.len() - 1;
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
            let choice = offered[(*cursor).min(last)];
            state.overlays.pop();
            let req = state.next_req;
            state.next_req += 1;
            state.document_pending = Some((req, choice));
            let what = label(state, choice);
            state.notice = Some(state.ctx.strings().tf("documents.making", &[("what", &what)]));
            let request = match target {
                Target::Session(session) => StoreRequest::LoadReportData { req, session },
                Target::Ledger => {
                    let (filter, zone, today) = (state.ledger.filter.clone(), state.ctx.zone, state.today());
                    StoreRequest::LoadLedgerData { req, filter, zone, today }
                }
            };
            return vec![Effect::Store(request)];
        }
        _ => {}
    }
    vec![]
}

/// The data is read: make the document (off this thread).
pub fn loaded(state: &mut State, req: u64, result: Result<Loaded, StoreError>) -> Vec<Effect> {
    let Some((pending, choice)) = state.document_pending else { return vec![] };
    if pending != req {
        return vec![];
    }
    state.document_pending = None;
    let loaded = match result {
        Ok(loaded) => loaded,
        Err(e) => {
            state.notice = Some(state.ctx.strings().tf("documents.failed", &[("error", &e.to_string())]));
            return vec![];
        }
    };
    let data = match loaded {
        Loaded::Session(data) => {
            let now = state.now();
            let zone = state.ctx.zone;
            let thresholds = |t: &crate::domain::Ticket| state.ctx.waits.for_item(&t.item);
            let place = data.session.place.clone();
            let waits = wait_rows(WaitsBy::All, &data.tickets, |_| place.clone(), &thresholds).pop().map(|r| r.stats);
            JobData::Session {
                walk: data.session.walk.narrative(&now, &zone),
                waits,
                day: zone.date(data.session.created_ms),
                data,
            }
        }
        // The figures are the ones the ledger screen shows for the same filter.
        Loaded::Ledger(data) => {
            JobData::Ledger { data, counts: state.ledger.counts, units: state.ledger.units.clone() }
        }
    };
    let job =
        DocumentJob { req, choice, data, zone: state.ctx.zone, today: state.today(), dir: destination_dir(state) };
    vec![Effect::Document(Box::new(job))]
}
