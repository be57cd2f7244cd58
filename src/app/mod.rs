//! The Elm-style core: plain `State`, `Msg`s in, `Effect`s out. No terminal, no disk:
//! every behaviour here is testable by feeding messages and reading state and effects.
//!
//! How the files divide the work, top to bottom (a file imports only from files below it;
//! the one exception is `state`, which is made of each screen's data struct, defined beside
//! that screen's keys; a test below holds the files to this):
//!
//! - `update`: the dispatcher. A key goes to the top overlay or the screen, a store answer
//!   to `store_events`, a signal ends the run. Nothing imports it.
//! - overlays: `capture` (the one-line entry), `form_keys` and `picker_keys` (a form and its
//!   pick list), `dialog` (confirm), `help`; and `store_events` (the store's answers).
//! - screens, each its keys and its data: `sessions`, `session_page`, `checklist` (also the
//!   page's checklist pane), `board`, `walk`, `stats`, `finding_view`, `ledger` (with the
//!   reminder letter); `rectify` (status moves, from three screens); `resume` (a draft put
//!   back on start).
//! - helpers the screens call back into: `goto` (opening a screen and what it loads),
//!   `finish` (finishing a session), `deleted` (delete and `u`), `clock_watch`, `common`
//!   (`save`, `ask`, `global_key`, `edit_key`, …), `draft` (unsaved text kept on disk),
//!   `layout` (the frame's rows, a page, the help's box, a form's columns), `status_line`,
//!   `nav` (cursor moves), `form` and `picker` (the models of a form and its pick list).
//! - `state`, `msg`, `effect`: the data.

pub mod attachments;
pub mod board;
pub mod capture;
pub mod checklist;
pub mod clock_watch;
pub mod common;
pub mod conflicts;
pub mod deleted;
pub mod dialog;
pub mod document_job;
pub mod documents;
pub mod draft;
pub mod effect;
pub mod finding_view;
pub mod finish;
pub mod form;
pub mod form_keys;
pub mod goto;
pub mod help;
pub mod kiosk;
pub mod kiosk_state;
pub mod kiosk_steps;
pub mod kiosk_who;
pub mod layout;
pub mod ledger;
pub mod msg;
pub mod nav;
pub mod officers;
pub mod picker;
pub mod picker_keys;
pub mod ratings;
pub mod rectify;
pub mod reload;
pub mod resume;
pub mod session_page;
pub mod sessions;
pub mod state;
pub mod stats;
pub mod status_line;
pub mod store_events;
pub mod sync;
pub mod sync_text;
pub mod update;
pub mod walk;

pub use effect::Effect;
pub use msg::Msg;
pub use state::{Context, Overlay, Pane, SaveStatus, Screen, State, TemplateChoice};
pub use stats::StatsBy;
pub use update::update;

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    /// The files of `app/` each import only files below them (see the module doc): no file
    /// imports the dispatcher, and apart from `state`'s own imports (the screens' data types
    /// it is made of) there is no circle.
    #[test]
    fn app_files_import_downwards() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/app");
        let mut files = BTreeMap::new();
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")).flatten() {
            let name = entry.file_name().to_string_lossy().trim_end_matches(".rs").to_string();
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            // The code, not its tests or comments.
            let code = text.split("#[cfg(test)]").next().unwrap_or_default();
            let code: String =
                code.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
            files.insert(name, code);
        }
        let names: BTreeSet<String> = files.keys().filter(|n| *n != "mod").cloned().collect();
        let mut imports: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (name, code) in &files {
            if name == "mod" || name == "state" {
                continue;
            }
            // `super::kiosk` and not `super::kiosk_state`: a path ends where the name does.
            let names_module = |prefix: String| {
                code.match_indices(&prefix)
                    .any(|(at, _)| !code[at + prefix.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'))
            };
            let used = names.iter().filter(|other| {
                *other != name
                    && (names_module(format!("super::{other}"))
                        || names_module(format!("crate::app::{other}"))
                        || code.split("super::{").skip(1).any(|group| {
                            let group = group.split('}').next().unwrap_or_default();
                            group.split(',').any(|m| m.trim() == other.as_str())
                        }))
            });
            imports.insert(name, used.map(String::as_str).collect());
        }
        for (name, used) in &imports {
            assert!(!used.contains("update"), "{name} imports the dispatcher");
        }
        // Take away, again and again, the files that import nothing left: what stays is a circle.
        let mut left = imports.clone();
        while let Some(leaf) = left.iter().find(|(_, used)| used.iter().all(|u| !left.contains_key(u))).map(|(n, _)| *n)
        {
            left.remove(leaf);
        }
        assert!(
            left.is_empty(),
            "an import circle (these files are in or above it): {:?}",
            left.keys().collect::<Vec<_>>()
        );
    }
}
