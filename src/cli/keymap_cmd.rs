//! `tiyan keymap check [FILE]` and `tiyan keymap show`.
//!
//! `check` reads through the same loader as the TUI ([`Keymap::check_user_file`]), so a file
//! that cannot be read (a link loop, a pipe, too large) is reported in the same words both ways;
//! only a file that does not exist at all means "the built-in default is in force".

use super::args::KeymapCmd;
use super::open::{CliError, Setup};
use super::out::{self, say};
use crate::keymap::{Keymap, Problem};

pub fn run(setup: &Setup, cmd: &KeymapCmd) -> Result<(), CliError> {
    let s = setup.strings();
    match cmd {
        KeymapCmd::Check { file } => {
            let path = file.clone().unwrap_or_else(|| setup.paths.keymap_file());
            let shown = path.display().to_string();
            let Some(problems) = Keymap::check_user_file(&path) else {
                if file.is_none() {
                    say!("{}", s.tf("cli.keymap.none", &[("path", &shown)]));
                    return Ok(());
                }
                return Err(CliError::refused(format!("{shown}: {}", s.t("file.missing"))));
            };
            print_problems(&problems);
            if problems.is_empty() {
                say!("{}", s.tf("cli.keymap.ok", &[("path", &shown)]));
                return Ok(());
            }
            let (errors, warnings) = crate::problem::totals(&problems);
            let args = [("path", shown.as_str()), ("errors", &errors.to_string()), ("warnings", &warnings.to_string())];
            Err(CliError::refused(s.tf("cli.keymap.problems", &args)))
        }
        KeymapCmd::Show { markdown } => {
            let (km, problems) = setup.keymap();
            print_problems(&problems);
            out::print_lines(&if *markdown { km.to_markdown(s) } else { km.to_toml() });
            Ok(())
        }
    }
}

/// Each problem on stderr as FILE:LINE:COLUMN: severity: message (at most 50 and a count).
fn print_problems(problems: &[Problem]) {
    for p in problems {
        out::note(&p.to_string());
    }
}
