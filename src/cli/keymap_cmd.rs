//! `tiyan keymap check [FILE]` and `tiyan keymap show`.

use super::args::KeymapCmd;
use super::open::{CliError, Setup};
use crate::keymap::{Keymap, Severity};

pub fn run(setup: &Setup, cmd: &KeymapCmd) -> Result<(), CliError> {
    match cmd {
        KeymapCmd::Check { file } => {
            let path = file.clone().unwrap_or_else(|| setup.paths.keymap_file());
            if file.is_none() && !path.exists() {
                println!("{}: no user keymap; the built-in default is in force", path.display());
                return Ok(());
            }
            if !path.exists() {
                return Err(CliError::new(1, format!("{}: no such file", path.display())));
            }
            let problems = Keymap::check_file(&path);
            for p in &problems {
                eprintln!("{p}");
            }
            let errors = problems.iter().filter(|p| p.severity == Severity::Error).count();
            if problems.is_empty() {
                println!("{}: ok", path.display());
                Ok(())
            } else {
                Err(CliError::new(
                    1,
                    format!("{}: {} error(s), {} warning(s)", path.display(), errors, problems.len() - errors),
                ))
            }
        }
        KeymapCmd::Show => {
            let (km, problems) = setup.keymap();
            for p in &problems {
                eprintln!("{p}");
            }
            print!("{}", km.to_toml());
            Ok(())
        }
    }
}
