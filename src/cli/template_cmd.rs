//! `tiyan template list [--json]` and `tiyan template check FILE`.

use std::path::Path;

use serde::Serialize;

use super::args::TemplateCmd;
use super::common::print_json;
use super::open::{CliError, Setup};
use super::out::say;
use crate::checklist::{self, Origin, Status};

#[derive(Serialize)]
pub struct TemplateJson {
    /// The file's id; for a file that cannot be read, its file name.
    pub id: String,
    pub version: Option<u32>,
    pub title_zh: String,
    pub title_en: String,
    /// "shipped", or the user file's path.
    pub origin: String,
    /// active, replaced, shadowed or broken.
    pub status: &'static str,
    pub dimensions: usize,
    pub items: usize,
    /// The first problem of a broken file, as FILE:LINE:COLUMN: message.
    pub error: Option<String>,
}

pub fn run(setup: &Setup, cmd: &TemplateCmd) -> Result<(), CliError> {
    match cmd {
        TemplateCmd::List { json } => list(setup, *json),
        TemplateCmd::Check { file } => check(setup, file),
    }
}

fn list(setup: &Setup, json: bool) -> Result<(), CliError> {
    let catalog = checklist::load(&setup.paths.checklists_dir());
    let rows: Vec<TemplateJson> = catalog
        .listing()
        .into_iter()
        .map(|(entry, status)| {
            let origin = match &entry.origin {
                Origin::Shipped => "shipped".to_string(),
                Origin::User(path) => path.display().to_string(),
            };
            let status_code = match status {
                Status::Active(_) => "active",
                Status::Replaced { .. } => "replaced",
                Status::Shadowed { .. } => "shadowed",
                Status::Broken(_) => "broken",
            };
            match &entry.template {
                Ok(t) => TemplateJson {
                    id: t.id.clone(),
                    version: Some(t.version),
                    title_zh: t.title.zh.clone(),
                    title_en: t.title.en.clone(),
                    origin,
                    status: status_code,
                    dimensions: t.dimensions.len(),
                    items: t.item_count(),
                    error: None,
                },
                Err(problems) => TemplateJson {
                    id: entry.file.clone(),
                    version: None,
                    title_zh: String::new(),
                    title_en: String::new(),
                    origin,
                    status: status_code,
                    dimensions: 0,
                    items: 0,
                    error: problems.first().map(|p| p.to_string()),
                },
            }
        })
        .collect();
    if json {
        return print_json(&rows);
    }
    let s = setup.strings();
    for r in &rows {
        let version = r.version.map(|v| format!("v{v}")).unwrap_or_default();
        let items = r.items.to_string();
        let what =
            r.error.clone().unwrap_or_else(|| s.tf("cli.template.items", &[("title", &r.title_zh), ("n", &items)]));
        say!("{:<24} {:<4} {:<9} {}  ({})", r.id, version, r.status, what, r.origin);
    }
    Ok(())
}

/// Read as the catalog reads a user template (a regular file of at most 4 MiB), so a check
/// says what loading would.
fn check(setup: &Setup, file: &Path) -> Result<(), CliError> {
    let s = setup.strings();
    let label = file.display().to_string();
    let text = checklist::read_template_file(file).map_err(|e| {
        CliError::refused(s.tf("cli.template.unreadable", &[("file", &label), ("error", &e.message(s))]))
    })?;
    match checklist::parse_template(&label, &text) {
        Ok(t) => {
            let args = [
                ("file", label.as_str()),
                ("id", &t.id),
                ("version", &t.version.to_string()),
                ("dimensions", &t.dimensions.len().to_string()),
                ("items", &t.item_count().to_string()),
            ];
            say!("{}", s.tf("cli.template.ok", &args));
            Ok(())
        }
        Err(problems) => {
            for p in &problems {
                super::out::note(&p.to_string());
            }
            let (errors, _) = crate::problem::totals(&problems);
            Err(CliError::refused(s.tf("cli.template.problems", &[("file", &label), ("n", &errors.to_string())])))
        }
    }
}
