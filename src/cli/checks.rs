//! `tiyan list checks --session ID [--json]`: every checklist item of a session with its
//! answer, note and the findings made from it. JSON fields are a contract (see README).

use serde::Serialize;

use super::list::{print_json, resolve_session};
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::op::entity_id_string;
use crate::domain::{Checklist, Finding};
use crate::store::Store;
use crate::text;

#[derive(Serialize)]
pub struct CheckJson {
    pub checklist_id: String,
    pub session_id: String,
    pub template_id: String,
    pub template_version: u32,
    pub template_title: String,
    pub dimension_id: String,
    pub dimension: String,
    pub item_id: String,
    pub item: String,
    pub kind: &'static str,
    /// The answer code: pass, fail, na, yes, no, score:N, count:N, text:…; null if unanswered.
    pub answer: Option<String>,
    pub note: String,
    pub findings: Vec<LinkedFindingJson>,
}

#[derive(Serialize)]
pub struct LinkedFindingJson {
    pub id: String,
    pub seq: i64,
    pub description: String,
}

fn rows(checklist: &Checklist, findings: &[Finding]) -> Vec<CheckJson> {
    let t = &checklist.template;
    t.dimensions
        .iter()
        .flat_map(|d| d.items.iter().map(move |i| (d, i)))
        .map(|(d, i)| CheckJson {
            checklist_id: entity_id_string(checklist.id),
            session_id: entity_id_string(checklist.session_id),
            template_id: t.id.clone(),
            template_version: t.version,
            template_title: t.title.zh.clone(),
            dimension_id: d.id.clone(),
            dimension: d.title.zh.clone(),
            item_id: i.id.clone(),
            item: i.text.clone(),
            kind: i.kind.code(),
            answer: checklist.answer(&i.id).map(|a| a.code()),
            note: checklist.notes.get(&i.id).cloned().unwrap_or_default(),
            findings: findings
                .iter()
                .filter(|f| f.check.as_ref().is_some_and(|(c, item)| *c == checklist.id && *item == i.id))
                .map(|f| LinkedFindingJson {
                    id: entity_id_string(f.id),
                    seq: f.seq,
                    description: f.description.clone(),
                })
                .collect(),
        })
        .collect()
}

pub fn run(store: &Store, setup: &Setup, session: &str, json: bool) -> Result<(), CliError> {
    let err = |e| setup.store_error(e);
    let id = resolve_session(setup, store, session)?;
    if store.session(id).map_err(err)?.is_none() {
        return Err(CliError::refused(setup.strings().tf("cli.session.not_found", &[("id", session)])));
    }
    let checklists = store.checklists_of(id).map_err(err)?;
    let findings = store.findings_of(id).map_err(err)?;
    if json {
        let all: Vec<CheckJson> = checklists.iter().flat_map(|c| rows(c, &findings)).collect();
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
        let pass = crate::text::percent(r.pass_rate());
        let score = crate::ui::checklist::average(r.average_score());
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
        for (row, (d, item)) in rows(c, &findings).into_iter().zip(c.template.items()) {
            let answer = c.answer(&item.id).map(|a| crate::ui::checklist::answer_label(s, a, &item.unit));
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
