//! `tiyan finding set-status ID [STATUS] --by NAME …`: one status move under the same rules
//! as the TUI (`domain::rectify`). A refused move writes nothing, says why on stderr and exits
//! 1; a profile open elsewhere exits 3 (see [`super::exit`]).

use super::args::{FindingCmd, SetStatusArgs};
use super::common::{Moment, print_json};
use super::input;
use super::input::parse_status;
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::op::entity_id_string;
use crate::domain::rectify::{self, Assignment, MoveError, MoveRequest};
use crate::domain::{EntityId, EntityKind, Finding, FindingStatus};
use crate::present::labels;
use crate::present::rows::FindingRow;
use crate::store::{Lookup, Store};

pub fn run(setup: &Setup, cmd: &FindingCmd) -> Result<(), CliError> {
    match cmd {
        FindingCmd::SetStatus(args) => set_status(setup, args),
    }
}

fn set_status(setup: &Setup, a: &SetStatusArgs) -> Result<(), CliError> {
    let s = setup.strings();
    // Everything that can be checked without the store is checked first.
    let status = a.status.as_deref().map(|v| parse_status(setup, "STATUS", v)).transpose()?;
    if status.is_none() && !a.reopen {
        return Err(CliError::refused(s.t("cli.finding.status_needed")));
    }
    // Names and texts are stored: no control character gets in (newlines only where a text
    // may span lines).
    for (flag, value) in [("--by", &a.by), ("--owner", &a.owner)] {
        if let Some(value) = value {
            input::name(setup, flag, value)?;
        }
    }
    let texts = [
        ("--note", &a.note),
        ("--evidence", &a.evidence),
        ("--measure", &a.measure),
        ("--target", &a.target),
        ("--standard", &a.standard),
    ];
    for (flag, value) in texts {
        if let Some(value) = value {
            input::multiline(setup, flag, value)?;
        }
    }
    // A date or a period from today ("5个工作日", "10天"), as the TUI takes it.
    let today = Moment::current().today;
    let deadline = a
        .deadline
        .as_deref()
        .map(|d| {
            crate::holidays::parse_deadline(d, today, &crate::holidays::calendar(), setup.strings())
                .map_err(|why| CliError::refused(format!("--deadline {d}: {why}")))
        })
        .transpose()?;
    let unit = a.unit.as_deref().map(|u| input::unit(setup, "--unit", u, a.free_text)).transpose()?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let assignment = Assignment {
        unit: unit.unwrap_or_default(),
        deadline,
        measure: text(&a.measure),
        target: text(&a.target),
        standard: text(&a.standard),
        owner: text(&a.owner),
    };
    let mut store = setup.open_store_existing()?;
    let finding = load_finding(setup, &store, &a.id)?;
    let by_default = a.by.is_none();
    let by = match &a.by {
        Some(by) => by.clone(),
        None => store.inspector().map_err(|e| setup.store_error(e))?.unwrap_or_default(),
    };
    let req = MoveRequest {
        // A reopening's target is decided by the rules; any status stands in until compared.
        to: status.unwrap_or(FindingStatus::Found),
        reopen: a.reopen,
        by,
        note: text(&a.note),
        evidence: text(&a.evidence),
        assignment,
    };
    let to = rectify::check(&finding, &req).map_err(|e| refused(setup, &e))?;
    if let (true, Some(asked)) = (a.reopen, status) {
        if asked != to {
            let (target, status) = (labels::finding_status(s.lang(), to), labels::finding_status(s.lang(), asked));
            return Err(CliError::refused(
                s.tf("cli.finding.reopen_mismatch", &[("target", target), ("status", status)]),
            ));
        }
    }
    unused_flags(setup, a, to)?;
    // The inspector stored in the profile was checked when it was set; an older one is checked
    // here, as any name about to be stored.
    if by_default {
        input::name(setup, "inspector", &req.by)?;
    }
    // Warnings only for a move that will be made: the TUI asks to confirm a past deadline,
    // a script cannot answer, so it is said and kept.
    if let (Some(text), Some(d)) = (a.deadline.as_deref(), deadline) {
        if let Some(warning) = crate::holidays::coverage_warning(text, d, &crate::holidays::calendar(), s) {
            super::out::warn(&format!("--deadline {text}: {warning}"));
        }
        if d < today {
            let args = [("value", text), ("date", &d.to_string()), ("today", &today.to_string())];
            super::out::warn(&s.tf("cli.deadline.past", &args));
        }
    }
    let now = Moment::current();
    let entry = crate::domain::op::new_entity_id();
    let changes =
        rectify::changes(&finding, &req, now.now.wall_ms, now.today, entry).map_err(|e| refused(setup, &e))?;
    store.apply(&changes).map_err(|e| setup.store_error(e))?;
    let after = load_finding(setup, &store, &entity_id_string(finding.id))?;
    if a.json {
        return print_json(&FindingRow::of(after, now.today, &now.zone));
    }
    let lang = s.lang();
    let id = entity_id_string(after.id);
    let (from, to) = (labels::finding_status(lang, finding.status), labels::finding_status(lang, after.status));
    say!("{}", s.tf("cli.finding.moved", &[("id", &id), ("seq", &after.seq.to_string()), ("from", from), ("to", to)]));
    Ok(())
}

/// The finding a full id or a unique prefix names, or an error saying which of the two failed.
pub(super) fn load_finding(setup: &Setup, store: &Store, text_id: &str) -> Result<Finding, CliError> {
    let s = setup.strings();
    let err = |e| setup.store_error(e);
    let id: EntityId = match store.lookup_prefix(EntityKind::Finding, text_id).map_err(err)? {
        Lookup::Found(id) => id,
        Lookup::NotFound => return Err(CliError::refused(s.tf("cli.finding.not_found", &[("id", text_id)]))),
        Lookup::Ambiguous { candidates, total } => {
            let mut list: Vec<String> = candidates.into_iter().map(entity_id_string).collect();
            if total > list.len() {
                list.push("..".into());
            }
            let message = s.tf(
                "cli.finding.ambiguous",
                &[("id", text_id), ("total", &total.to_string()), ("candidates", &list.join(", "))],
            );
            return Err(CliError::refused(message));
        }
    };
    match store.record(EntityKind::Finding, id).map_err(err)? {
        Some(record) => Ok(Finding::from_record(record)),
        None => Err(CliError::refused(s.tf("cli.finding.not_found", &[("id", text_id)]))),
    }
}

/// The rules' message; a missing field also names its flag, and a move not allowed lists the
/// STATUS codes that are.
fn refused(setup: &Setup, e: &MoveError) -> CliError {
    let s = setup.strings();
    let message = e.message(s);
    let message = match e {
        MoveError::Missing(needed) => {
            s.tf("cli.finding.missing_flag", &[("message", &message), ("flag", needed.flag())])
        }
        MoveError::NotAllowed { allowed, reopen, .. } => {
            let mut codes: Vec<&str> = allowed.iter().map(|st| st.code()).collect();
            if reopen.is_some() {
                codes.push("--reopen");
            }
            if codes.is_empty() {
                message
            } else {
                format!("{message}\n{}", s.tf("cli.finding.allowed_codes", &[("codes", &codes.join(", "))]))
            }
        }
        _ => message,
    };
    CliError::refused(message)
}

/// Flags the move would silently drop are refused: `--unit` on a move to 已核查 would
/// otherwise look accepted and be lost.
fn unused_flags(setup: &Setup, a: &SetStatusArgs, to: FindingStatus) -> Result<(), CliError> {
    let assigned = !a.reopen && to == FindingStatus::Assigned;
    let rectified = !a.reopen && to == FindingStatus::Rectified;
    let checks = [
        ("--unit", a.unit.is_some(), assigned, FindingStatus::Assigned),
        ("--deadline", a.deadline.is_some(), assigned, FindingStatus::Assigned),
        ("--measure", a.measure.is_some(), assigned, FindingStatus::Assigned),
        ("--target", a.target.is_some(), assigned, FindingStatus::Assigned),
        ("--standard", a.standard.is_some(), assigned, FindingStatus::Assigned),
        ("--owner", a.owner.is_some(), assigned, FindingStatus::Assigned),
        ("--evidence", a.evidence.is_some(), rectified, FindingStatus::Rectified),
    ];
    for (flag, given, used, status) in checks {
        if given && !used {
            let label = labels::finding_status(setup.lang, status);
            return Err(CliError::refused(
                setup.strings().tf("cli.finding.flag_unused", &[("flag", flag), ("status", label)]),
            ));
        }
    }
    Ok(())
}
