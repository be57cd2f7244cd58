//! `tiyan template list [--json]` and `tiyan template check FILE`.

use std::path::Path;

use serde::Serialize;

use super::args::TemplateCmd;
use super::list::print_json;
use super::open::{CliError, Setup};
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
        TemplateCmd::Check { file } => check(file),
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
    for r in &rows {
        let version = r.version.map(|v| format!("v{v}")).unwrap_or_default();
        let what = r.error.clone().unwrap_or_else(|| format!("{}  {} items", r.title_zh, r.items));
        println!("{:<24} {:<4} {:<9} {}  ({})", r.id, version, r.status, what, r.origin);
    }
    Ok(())
}

fn check(file: &Path) -> Result<(), CliError> {
    let label = file.display().to_string();
    let text = std::fs::read_to_string(file).map_err(|e| CliError::new(1, format!("{label}: cannot read: {e}")))?;
    match checklist::parse_template(&label, &text) {
        Ok(t) => {
            println!(
                "{label}: ok ({} v{}, {} dimensions, {} items)",
                t.id,
                t.version,
                t.dimensions.len(),
                t.item_count()
            );
            Ok(())
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("{p}");
            }
            Err(CliError::new(1, format!("{label}: {} error(s)", problems.len())))
        }
    }
}
