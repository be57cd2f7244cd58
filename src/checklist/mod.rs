//! Checklist templates as files: parsing them with positioned problems, and the catalog of
//! the shipped ones (compiled in) and the user's own (the config dir's `checklists/`).

mod catalog;
mod fields;
mod parse;

use std::path::Path;

pub use crate::problem::Problem;
pub use catalog::{Catalog, Entry, Origin, Status, read_template_file};
pub use parse::parse_template;

use crate::domain::Template;
use crate::i18n::{Lang, Strings};

macro_rules! shipped {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../assets/checklists/", $name)))),*]
    };
}

/// (file name, text) of every template that ships in the binary, in the order offered.
pub const SHIPPED: &[(&str, &str)] = shipped!(
    "onsite-experience.toml",
    "online-experience.toml",
    "four-diagnoses.toml",
    "immersive-supervision.toml",
    "head-on-duty.toml",
);

/// The shipped templates and those in `user_dir` (which may not exist).
pub fn load(user_dir: &Path) -> Catalog {
    Catalog::load(SHIPPED, Some(user_dir))
}

/// One template in the add-checklist list. A broken user file is listed with its first
/// problem and cannot be picked; it never stops the program.
#[derive(Clone, Debug)]
pub struct TemplateChoice {
    /// "四度诊断 (four-diagnoses v1)" or the file name when the file could not be read.
    pub label: String,
    pub template: Result<Template, String>,
}

/// The add-checklist list: the template in force for each id, and every broken file with its
/// first problem. Templates replaced by a newer version are left out.
pub fn choices(catalog: &Catalog, lang: Lang) -> Vec<TemplateChoice> {
    let strings = Strings::get(lang);
    catalog
        .listing()
        .into_iter()
        .filter_map(|(entry, status)| match status {
            Status::Active(t) => {
                let mut label = label(t, lang);
                if matches!(entry.origin, Origin::User(_)) {
                    label.push_str(strings.t("picker.templates.user"));
                }
                Some(TemplateChoice { label, template: Ok(t.clone()) })
            }
            Status::Broken(problems) => {
                let first = problems.first().map(short_problem).unwrap_or_default();
                Some(TemplateChoice { label: file_name(&entry.file), template: Err(first) })
            }
            Status::Replaced { .. } | Status::Shadowed { .. } => None,
        })
        .collect()
}

/// "四度诊断 (four-diagnoses v1)"
pub fn label(t: &Template, lang: Lang) -> String {
    format!("{} ({} v{})", t.title.label(lang), t.id, t.version)
}

fn file_name(path: &str) -> String {
    Path::new(path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| path.to_string())
}

/// A problem as one line of a narrow list: "3:7: message".
fn short_problem(p: &Problem) -> String {
    if p.line == 0 { p.message.clone() } else { format!("{}:{}: {}", p.line, p.column, p.message) }
}
