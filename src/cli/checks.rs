//! `tiyan list checks --session ID [--json]`: every checklist item of a session with its
//! answer, note and the findings made from it. The JSON rows are `present::rows` (a contract,
//! README); the plain text says answers as the checklist screen does.

use super::common::{print_json, resolve_session};
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::op::entity_id_string;
use crate::present::labels;
use crate::present::rows::{CheckRow, check_rows};
use crate::store::Store;
use crate::text;

pub fn run(store: &Store, setup: &Setup, session: &str, json: bool) -> Result<(), CliError> {
    let err = |e| setup.store_error(e);
    let id = resolve_session(setup, store, session)?;
    if store.session(id).map_err(err)?.is_none() {
        return Err(CliError::refused(setup.strings().tf("cli.session.not_found", &[("id", session)])));
    }
    let checklists = store.checklists_of(id).map_err(err)?;
    let findings = store.findings_of(id).map_err(err)?;
    if json {
        let all: Vec<CheckRow> = checklists.iter().flat_map(|c| check_rows(c, &findings)).collect();
        return print_json(&all);
    }
    if checklists.is_empty() {
        say!("{}", setup.strings().t("cli.checks.none"));
    }
    // In the user's language, as the TUI says it; the JSON keeps the codes and Chinese titles.
    let (s, lang) = (setup.strings(), setup.lang);
    for c in &checklists {
        let r = c.result().overall;
        let (answered, total) = (r.answered.to_string(), r.total.to_string());
        let pass = labels::percent(r.pass_rate());
        let score = labels::average(r.average_score());
        let args = [("answered", answered.as_str()), ("total", &total), ("pass", &pass), ("score", &score)];
        say!(
            "{}  {} ({} v{})  {}",
            entity_id_string(c.id),
            c.template.title.label(lang),
            c.template.id,
            c.template.version,
            s.tf("cli.checks.summary", &args)
        );
        let mut dimension = None;
        for (row, (d, item)) in check_rows(c, &findings).into_iter().zip(c.template.items()) {
            let answer = c.answer(&item.id).map(|a| labels::answer(s, a, &item.unit));
            if dimension != Some(&d.id) {
                say!("  {}", s.tf("cli.checks.dimension", &[("dimension", d.title.label(lang))]));
                dimension = Some(&d.id);
            }
            let seqs: Vec<String> = row.findings.iter().map(|f| format!("#{}", f.seq)).collect();
            say!(
                "    {}  {}  {}  {}",
                text::pad(&row.item, 30),
                text::pad(answer.as_deref().unwrap_or("-"), 10),
                text::pad(&row.note, 20),
                seqs.join(" ")
            );
        }
    }
    Ok(())
}
