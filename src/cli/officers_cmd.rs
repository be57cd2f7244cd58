//! `tiyan officers add|edit|retire|set-pin|list|summary`: the roster of 体验官 (seed 004's
//! 动态管理), kept as ops so it travels to the hall terminal in a bundle.

use serde::Serialize;

use super::args::{OfficerFields, OfficersCmd};
use super::common::print_json;
use super::input::parse_date;
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::officer::{Officer, OfficerKind, OfficerStatus, date_value, field};
use crate::domain::op::entity_id_string;
use crate::domain::{Change, EntityId, EntityKind, Value};
use crate::store::Store;

pub fn run(setup: &Setup, cmd: &OfficersCmd) -> Result<(), CliError> {
    match cmd {
        OfficersCmd::Add(fields) => add(setup, fields),
        OfficersCmd::Edit { officer, fields } => edit(setup, officer, fields),
        OfficersCmd::Retire { officer, status } => {
            let status = OfficerStatus::parse(status).filter(|s| *s != OfficerStatus::Active).ok_or_else(|| {
                CliError::refused(setup.strings().tf("cli.officers.bad_retire", &[("value", status)]))
            })?;
            let mut store = setup.open_store_existing()?;
            let o = find(setup, &store, officer)?;
            let change = Change::set(EntityKind::Officer, o.id, field::STATUS, Value::text(status.code()));
            store.apply(&[change]).map_err(|e| setup.store_error(e))?;
            say!("{}", setup.strings().tf("cli.officers.retired", &[("name", &o.name), ("status", status.zh())]));
            Ok(())
        }
        OfficersCmd::SetPin { officer } => {
            let pin = super::kiosk_cmd::read_pin(setup)?;
            let mut store = setup.open_store_existing()?;
            let o = find(setup, &store, officer)?;
            store.set_officer_pin(o.id, &pin).map_err(|e| setup.store_error(e))?;
            say!("{}", setup.strings().tf("cli.officers.pin_set", &[("name", &o.name)]));
            Ok(())
        }
        OfficersCmd::List { json, show_phones } => list(setup, *json, *show_phones),
        OfficersCmd::Summary { year, json } => summary(setup, *year, *json),
    }
}

/// The officer a number names, else a unique name.
fn find(setup: &Setup, store: &Store, text: &str) -> Result<Officer, CliError> {
    let all = store.officers().map_err(|e| setup.store_error(e))?;
    let text = text.trim();
    if let Some(o) = all.iter().find(|o| o.number == text) {
        return Ok(o.clone());
    }
    let named: Vec<&Officer> = all.iter().filter(|o| o.name == text).collect();
    match named.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(CliError::refused(setup.strings().tf("cli.officers.not_found", &[("officer", text)]))),
        _ => Err(CliError::refused(setup.strings().tf("cli.officers.ambiguous", &[("officer", text)]))),
    }
}

/// The changes the flags given make to officer `id`.
fn changes(setup: &Setup, id: EntityId, f: &OfficerFields) -> Result<Vec<Change>, CliError> {
    let s = setup.strings();
    let set = |name: &str, v: Value| Change::set(EntityKind::Officer, id, name, v);
    let mut out = Vec::new();
    for (flag, name, value) in [
        ("--number", field::NUMBER, &f.number),
        ("--name", field::NAME, &f.name),
        ("--unit", field::UNIT, &f.unit),
        ("--phone", field::PHONE, &f.phone),
    ] {
        if let Some(v) = value {
            super::input::name(setup, flag, v)?;
            out.push(set(name, Value::text(v.trim())));
        }
    }
    if let Some(k) = &f.kind {
        let kind =
            OfficerKind::parse(k).ok_or_else(|| CliError::refused(s.tf("cli.officers.bad_kind", &[("value", k)])))?;
        out.push(set(field::KIND, Value::text(kind.code())));
    }
    if let Some(st) = &f.status {
        let status = OfficerStatus::parse(st)
            .ok_or_else(|| CliError::refused(s.tf("cli.officers.bad_status", &[("value", st)])))?;
        out.push(set(field::STATUS, Value::text(status.code())));
    }
    for (flag, name, value) in
        [("--appointed", field::APPOINTED, &f.appointed), ("--term-end", field::TERM_END, &f.term_end)]
    {
        if let Some(d) = value {
            out.push(set(name, date_value(Some(parse_date(setup, flag, d)?))));
        }
    }
    Ok(out)
}

fn add(setup: &Setup, f: &OfficerFields) -> Result<(), CliError> {
    let s = setup.strings();
    let (Some(number), Some(name)) = (f.number.as_deref(), f.name.as_deref()) else {
        return Err(CliError::refused(s.t("cli.officers.need_number_and_name")));
    };
    let mut store = setup.open_store()?;
    setup.say_if_created(&store);
    let all = store.officers().map_err(|e| setup.store_error(e))?;
    if all.iter().any(|o| o.number == number.trim()) {
        return Err(CliError::refused(s.tf("cli.officers.number_taken", &[("number", number)])));
    }
    let id = crate::domain::op::new_entity_id();
    let mut changes = changes(setup, id, f)?;
    if f.status.is_none() {
        changes.push(Change::set(EntityKind::Officer, id, field::STATUS, Value::text(OfficerStatus::Active.code())));
    }
    store.apply(&changes).map_err(|e| setup.store_error(e))?;
    say!("{}", s.tf("cli.officers.added", &[("number", number.trim()), ("name", name.trim())]));
    Ok(())
}

fn edit(setup: &Setup, officer: &str, f: &OfficerFields) -> Result<(), CliError> {
    let mut store = setup.open_store_existing()?;
    let o = find(setup, &store, officer)?;
    if let Some(number) = f.number.as_deref().map(str::trim).filter(|n| *n != o.number) {
        let all = store.officers().map_err(|e| setup.store_error(e))?;
        if all.iter().any(|x| x.number == number) {
            return Err(CliError::refused(setup.strings().tf("cli.officers.number_taken", &[("number", number)])));
        }
    }
    let changes = changes(setup, o.id, f)?;
    store.apply(&changes).map_err(|e| setup.store_error(e))?;
    say!("{}", setup.strings().tf("cli.officers.edited", &[("name", &o.name)]));
    Ok(())
}

/// `officers list --json`: one per officer.
#[derive(Serialize)]
struct OfficerJson {
    id: String,
    number: String,
    name: String,
    /// `citizen`, `business`, `unit`, `supervisor`, or null.
    kind: Option<&'static str>,
    unit: String,
    /// Masked (138****5678) unless `--show-phones`.
    phone: String,
    appointed: Option<String>,
    term_end: Option<String>,
    /// `active`, `suspended`, `dismissed`.
    status: &'static str,
    pin_set: bool,
    /// Locked out of the kiosk until (RFC 3339), after five wrong PINs.
    locked_until: Option<String>,
}

fn list(setup: &Setup, json: bool, show_phones: bool) -> Result<(), CliError> {
    let store = setup.open_store_read_only()?;
    let all = store.officers().map_err(|e| setup.store_error(e))?;
    let zone = super::common::Moment::current().zone;
    let now = crate::store::wall_clock_ms() as i64;
    let phone = |o: &Officer| if show_phones { o.phone.clone() } else { o.masked_phone() };
    if json {
        let rows: Vec<OfficerJson> = all
            .iter()
            .map(|o| OfficerJson {
                id: entity_id_string(o.id),
                number: o.number.clone(),
                name: o.name.clone(),
                kind: o.kind.map(OfficerKind::code),
                unit: o.unit.clone(),
                phone: phone(o),
                appointed: o.appointed.map(|d| d.to_string()),
                term_end: o.term_end.map(|d| d.to_string()),
                status: o.status.code(),
                pin_set: !o.pin.is_empty(),
                locked_until: o.locked_until_ms.filter(|t| *t > now).map(|t| crate::present::time::rfc3339(&zone, t)),
            })
            .collect();
        return print_json(&rows);
    }
    let s = setup.strings();
    say!("{}", s.t("cli.officers.list_head"));
    for o in &all {
        let kind = o.kind.map_or("-", OfficerKind::zh);
        let term = o.term_end.map_or("-".to_string(), |d| d.to_string());
        let pin = match o.locked_until_ms.filter(|t| *t > now) {
            Some(t) => s.tf("cli.officers.locked", &[("until", &crate::present::time::clock(&zone, t))]),
            None if o.pin.is_empty() => s.t("cli.officers.no_pin").to_string(),
            None => s.t("cli.officers.pin_ok").to_string(),
        };
        let unit = if o.unit.is_empty() { "-" } else { &o.unit };
        say!("{}  {}  {}  {}  {}  {}  {}  {}", o.number, o.name, kind, unit, phone(o), o.status.zh(), term, pin);
    }
    Ok(())
}

/// `officers summary --json`: an officer's part in the year.
#[derive(Serialize)]
struct SummaryJson {
    number: String,
    name: String,
    status: &'static str,
    entries: usize,
    problems: usize,
    /// Problems confirmed: 已核查 or later, 不成立 left out.
    confirmed: usize,
    closed: usize,
    last_visit: Option<String>,
}

fn summary(setup: &Setup, year: i32, json: bool) -> Result<(), CliError> {
    let store = setup.open_store_read_only()?;
    let zone = super::common::Moment::current().zone;
    let years = crate::report::build::officer_years(&store, year, &zone).map_err(|e| setup.store_error(e))?;
    let rows: Vec<SummaryJson> = years
        .into_iter()
        .map(|y| SummaryJson {
            number: y.officer.number,
            name: y.officer.name,
            status: y.officer.status.code(),
            entries: y.entries,
            problems: y.problems,
            confirmed: y.confirmed,
            closed: y.closed,
            last_visit: y.last_visit.map(|d| d.to_string()),
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    let s = setup.strings();
    for r in &rows {
        let args = [
            ("number", r.number.as_str()),
            ("name", r.name.as_str()),
            ("entries", &r.entries.to_string()),
            ("problems", &r.problems.to_string()),
            ("confirmed", &r.confirmed.to_string()),
            ("closed", &r.closed.to_string()),
            ("last", r.last_visit.as_deref().unwrap_or("-")),
        ];
        say!("{}", s.tf("cli.officers.summary_line", &args));
    }
    Ok(())
}
