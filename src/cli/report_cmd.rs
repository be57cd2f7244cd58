//! `tiyan report session ID --format docx|html|md` and `tiyan report rectification (--session
//! ID | --unit U --from D --to D) --format xlsx|docx|csv|html|md`, each `[--out FILE] [--force]
//! [--org NAME]`: the documents of `report`, written whole (temp file, fsync, rename), never
//! over a file that is there unless `--force`.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::args::{ReportCmd, ReportOut};
use super::common::{Moment, resolve_session};
use super::input::parse_date;
use super::open::{CliError, Setup};
use super::out::say;
use crate::report::{self, Doc, Format, build};
use crate::store::Store;

pub fn run(setup: &Setup, what: &ReportCmd) -> Result<(), CliError> {
    let store = setup.open_store_read_only()?;
    let moment = Moment::current();
    let at = build::At { now: &moment.now, zone: &moment.zone, today: moment.today };
    let err = |e| setup.store_error(e);
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    match what {
        ReportCmd::Session { id, out } => {
            let format = format(setup, out, &[Format::Docx, Format::Html, Format::Md])?;
            let id = resolve_session(setup, &store, id)?;
            let unit = org(&store, out);
            let (doc, s) = build::session_report(&store, id, &unit, &setup.waits, &at)
                .map_err(err)?
                .ok_or_else(|| no_session(setup, id))?;
            let walked = day(moment.zone.date(s.created_ms));
            write(setup, out, format, &doc, report::file_name(&["体验报告", &s.item, &walked], format))
        }
        ReportCmd::Rectification { session: Some(id), out, .. } => {
            let format = format(setup, out, SHEETS)?;
            let id = resolve_session(setup, &store, id)?;
            let unit = org(&store, out);
            let (doc, s) = build::session_rectification(&store, id, &unit, moment.today)
                .map_err(err)?
                .ok_or_else(|| no_session(setup, id))?;
            write(setup, out, format, &doc, report::file_name(&["整改清单", &s.item, &day(moment.today)], format))
        }
        ReportCmd::Reminders { unit, out } => {
            let format = format(setup, out, &[Format::Docx, Format::Html, Format::Md])?;
            let doc = build::reminders(&store, unit.as_deref(), &org(&store, out), &at).map_err(err)?;
            let parts = ["督查提醒函", unit.as_deref().unwrap_or_default(), &day(moment.today)];
            write(setup, out, format, &doc, report::file_name(&parts, format))
        }
        ReportCmd::Ledger { which, out } => {
            let format = format(setup, out, &[Format::Xlsx, Format::Csv, Format::Html, Format::Md])?;
            let filter = super::ledger_cmd::ledger_filter(setup, &store, which)?;
            let doc = build::ledger(&store, &filter, &org(&store, out), &at).map_err(err)?;
            write(setup, out, format, &doc, report::file_name(&["整改台账", &day(moment.today)], format))
        }
        ReportCmd::Officers { year, out } => {
            let format = format(setup, out, SHEETS)?;
            let rows = build::officer_years(&store, *year, &moment.zone).map_err(err)?;
            let doc = report::officers::summary(&org(&store, out), *year, &rows, moment.today);
            write(setup, out, format, &doc, report::file_name(&["体验官参与情况", &year.to_string()], format))
        }
        ReportCmd::Achievements { which, out } => {
            let format = format(setup, out, SHEETS)?;
            let filter = super::ledger_cmd::ledger_filter(setup, &store, which)?;
            let doc = build::achievements(&store, &filter, &org(&store, out), &at).map_err(err)?;
            write(setup, out, format, &doc, report::file_name(&["成果清单", &day(moment.today)], format))
        }
        ReportCmd::Rectification { session: None, unit, from, to, out } => {
            let format = format(setup, out, SHEETS)?;
            let (Some(unit), Some(from), Some(to)) = (unit, from, to) else {
                return Err(CliError::refused(setup.strings().t("cli.report.which_list").to_string()));
            };
            let (from, to) = (parse_date(setup, "--from", from)?, parse_date(setup, "--to", to)?);
            if from > to {
                let (from, to) = (from.to_string(), to.to_string());
                let args = [("from", from.as_str()), ("to", to.as_str())];
                return Err(CliError::refused(setup.strings().tf("cli.ledger.bad_range", &args)));
            }
            let doc = build::unit_rectification(&store, unit, from, to, &org(&store, out), &at).map_err(err)?;
            let range = format!("{}至{}", day(from), day(to));
            write(setup, out, format, &doc, report::file_name(&["整改清单", unit, &range], format))
        }
    }
}

/// The formats of a 整改清单 and a 成果清单.
const SHEETS: &[Format] = &[Format::Xlsx, Format::Docx, Format::Csv, Format::Html, Format::Md];

fn no_session(setup: &Setup, id: crate::domain::EntityId) -> CliError {
    let id = crate::domain::op::entity_id_string(id);
    CliError::refused(setup.strings().tf("cli.session.not_found", &[("id", &id)]))
}

fn format(setup: &Setup, out: &ReportOut, allowed: &[Format]) -> Result<Format, CliError> {
    match Format::parse(&out.format) {
        Some(f) if allowed.contains(&f) => Ok(f),
        _ => {
            let names: Vec<&str> = allowed.iter().map(|f| f.extension()).collect();
            let sep = if setup.lang == crate::i18n::Lang::Zh { "、" } else { ", " };
            let args = [("value", crate::text::sanitize(&out.format).into_owned()), ("formats", names.join(sep))];
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Err(CliError::refused(setup.strings().tf("cli.report.bad_format", &args)))
        }
    }
}

/// The unit a document is from: `--org`, else the office's name, else blank (the template's
/// ×××).
fn org(store: &Store, out: &ReportOut) -> String {
    match &out.org {
        Some(name) => name.trim().to_string(),
        None => store.office_name().ok().flatten().unwrap_or_default(),
    }
}

fn write(setup: &Setup, out: &ReportOut, format: Format, doc: &Doc, default_name: String) -> Result<(), CliError> {
    let s = setup.strings();
    let path = out.out.clone().unwrap_or_else(|| PathBuf::from(default_name));
    let shown = crate::text::sanitize(&path.display().to_string()).into_owned();
    if !out.force && std::fs::symlink_metadata(&path).is_ok() {
        return Err(CliError::refused(s.tf("cli.report.exists", &[("path", &shown)])));
    }
    let bytes = format.render(doc).map_err(CliError::refused)?;
    crate::files::write_atomically(&path, &bytes).map_err(|e| {
        CliError::refused(s.tf("cli.report.not_written", &[("path", &shown), ("error", &e.to_string())]))
    })?;
    let size = crate::files::size_text(bytes.len() as u64);
    say!("{}", s.tf("cli.report.written", &[("path", &shown), ("size", &size)]));
    Ok(())
}
