//! The templates a session can be attached to: those shipped inside the binary plus the user's
//! `*.toml` files in the config dir's `checklists/` folder.
//!
//! Which one is in force for an id: the highest version; on equal versions the one listed
//! first, so shipped beats user and user files go by file name. A user file therefore
//! replaces a shipped template only by raising the version, never by accident of copying it.
//! Every entry stays listed, with a [`Status`] saying why it is or is not pickable.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use super::parse::parse_template;
use crate::domain::template::Template;
use crate::files::{MAX_TEMPLATE_BYTES, ReadError, read_text};
use crate::problem::Problem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// Compiled into the binary.
    Shipped,
    /// A file in the user's checklists folder.
    User(PathBuf),
}

/// One template file, read or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub origin: Origin,
    /// The label problems use: the shipped name, or the user file's path.
    pub file: String,
    pub template: Result<Template, Vec<Problem>>,
}

impl Entry {
    /// The problem to show on one line next to a broken entry.
    pub fn first_problem(&self) -> Option<&Problem> {
        self.template.as_ref().err().and_then(|problems| problems.first())
    }
}

/// Why an entry is or is not pickable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status<'a> {
    /// In force for its id: the only pickable status.
    Active(&'a Template),
    /// A shipped template that a user file with a higher version (`by`) replaces.
    Replaced { by: &'a Entry },
    /// A valid user template not in force: its version is not above that of `by`, which stays.
    Shadowed { by: &'a Entry },
    /// Could not be read or has problems (never empty, in file order).
    Broken(&'a [Problem]),
}

impl Status<'_> {
    pub fn is_pickable(&self) -> bool {
        matches!(self, Status::Active(_))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalog {
    /// Display order: shipped in the order given, then user files by file name.
    pub entries: Vec<Entry>,
}

impl Catalog {
    /// `shipped`: (file label, text) pairs, e.g. `include_str!` contents. `user_dir`: the
    /// config dir's `checklists/` folder; a missing folder means no user templates, an
    /// unreadable file (or folder) becomes an entry with a whole-file problem.
    pub fn load(shipped: &[(&str, &str)], user_dir: Option<&Path>) -> Catalog {
        let mut entries: Vec<Entry> = shipped
            .iter()
            .map(|(file, text)| Entry {
                origin: Origin::Shipped,
                file: file.to_string(),
                template: parse_template(file, text),
            })
            .collect();
        if let Some(dir) = user_dir {
            entries.extend(load_user_dir(dir));
        }
        Catalog { entries }
    }

    /// Every entry in display order with its status, for a picker that also shows what it
    /// cannot offer.
    pub fn listing(&self) -> Vec<(&Entry, Status<'_>)> {
        self.entries.iter().enumerate().map(|(index, entry)| (entry, self.status_at(index))).collect()
    }

    /// The templates in force, one per id, in display order.
    pub fn usable(&self) -> Vec<&Template> {
        self.listing()
            .into_iter()
            .filter_map(|(_, status)| match status {
                Status::Active(template) => Some(template),
                _ => None,
            })
            .collect()
    }

    /// The template in force for `id`.
    pub fn get(&self, id: &str) -> Option<&Template> {
        self.in_force(id).and_then(|index| self.entries[index].template.as_ref().ok())
    }

    fn status_at(&self, index: usize) -> Status<'_> {
        let entry = &self.entries[index];
        let template = match &entry.template {
            Ok(template) => template,
            Err(problems) => return Status::Broken(problems),
        };
        match self.in_force(&template.id) {
            Some(winner) if winner != index => {
                let by = &self.entries[winner];
                match entry.origin {
                    Origin::Shipped => Status::Replaced { by },
                    Origin::User(_) => Status::Shadowed { by },
                }
            }
            _ => Status::Active(template),
        }
    }

    /// Index of the entry in force for `id`: highest version, the earliest listed on a tie.
    /// Recomputed on each call (a handful of entries) so it can never disagree with `entries`.
    fn in_force(&self, id: &str) -> Option<usize> {
        let mut best: Option<(usize, u32)> = None;
        for (index, entry) in self.entries.iter().enumerate() {
            let Ok(template) = &entry.template else { continue };
            if template.id != id {
                continue;
            }
            if best.is_none_or(|(_, version)| template.version > version) {
                best = Some((index, template.version));
            }
        }
        best.map(|(index, _)| index)
    }
}

/// The `*.toml` files of `dir` in file-name order. Hidden files are skipped: editors leave
/// lock and backup files there (`.#name.toml`) that are not the user's templates.
fn load_user_dir(dir: &Path) -> Vec<Entry> {
    let listing = match fs::read_dir(dir) {
        Ok(listing) => listing,
        Err(error) if error.kind() == io::ErrorKind::NotFound => return Vec::new(),
        Err(error) => return vec![unreadable(dir, "cannot read the checklists folder", &error)],
    };
    let mut paths = Vec::new();
    let mut entries = Vec::new();
    for item in listing {
        match item {
            Ok(item) => paths.push(item.path()),
            Err(error) => entries.push(unreadable(dir, "cannot read the checklists folder", &error)),
        }
    }
    paths.retain(|path| is_template_file(path));
    paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    entries.extend(paths.into_iter().map(|path| load_user_file(&path)));
    entries
}

fn is_template_file(path: &Path) -> bool {
    let visible = path.file_name().and_then(|name| name.to_str()).is_some_and(|name| !name.starts_with('.'));
    let toml = path.extension().is_some_and(|extension| extension == "toml");
    // Anything else that can be opened is tried, so a dangling link shows up as unreadable.
    let folder = fs::metadata(path).is_ok_and(|metadata| metadata.is_dir());
    visible && toml && !folder
}

/// Read through the one reader of config files: a regular file of at most 4 MiB, else a
/// problem saying what stands there.
fn load_user_file(path: &Path) -> Entry {
    let file = path.display().to_string();
    let template = match read_template_file(path) {
        Ok(text) => parse_template(&file, &text),
        Err(error) => return unreadable(path, "cannot read template", &error),
    };
    Entry { origin: Origin::User(path.to_path_buf()), file, template }
}

/// A template file's text, as the catalog reads it (`tiyan template check` too).
pub fn read_template_file(path: &Path) -> Result<String, ReadError> {
    read_text(path, MAX_TEMPLATE_BYTES)
}

fn unreadable(path: &Path, what: &str, reason: &dyn std::fmt::Display) -> Entry {
    let file = path.display().to_string();
    let problem = Problem::whole_file(&file, format!("{what}: {reason}"));
    Entry { origin: Origin::User(path.to_path_buf()), file, template: Err(vec![problem]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(id: &str, version: u32) -> String {
        format!(
            "id = \"{id}\"\nversion = {version}\ntitle = {{ zh = \"模板\", en = \"T\" }}\n\
             [[dimensions]]\nid = \"d\"\ntitle = {{ zh = \"维度\" }}\n\
             [[dimensions.items]]\nid = \"i\"\ntext = \"检查项\"\nkind = \"text\"\n"
        )
    }

    #[test]
    fn on_equal_versions_the_first_listed_stays_in_force() {
        let (first, second) = (template("a", 1), template("a", 1));
        let catalog = Catalog::load(&[("first.toml", &first), ("second.toml", &second)], None);
        let listing = catalog.listing();
        assert!(listing[0].1.is_pickable());
        assert_eq!(listing[1].1, Status::Replaced { by: listing[0].0 }, "a shipped loser is replaced");
    }

    #[test]
    fn status_follows_edits_to_entries() {
        let (old, new) = (template("a", 1), template("a", 2));
        let mut catalog = Catalog::load(&[("old.toml", &old), ("new.toml", &new)], None);
        assert_eq!(catalog.get("a").map(|t| t.version), Some(2));
        catalog.entries.pop();
        assert_eq!(catalog.get("a").map(|t| t.version), Some(1));
        assert!(Catalog::default().usable().is_empty());
    }

    #[test]
    fn usable_keeps_display_order_with_one_template_per_id() {
        let (b, a, b2) = (template("b", 1), template("a", 1), template("b", 2));
        let catalog = Catalog::load(&[("b.toml", &b), ("a.toml", &a), ("b2.toml", &b2)], None);
        let usable: Vec<(&str, u32)> = catalog.usable().iter().map(|t| (t.id.as_str(), t.version)).collect();
        assert_eq!(usable, [("a", 1), ("b", 2)]);
    }
}
