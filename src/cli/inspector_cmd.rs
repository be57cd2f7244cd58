//! `tiyan inspector [NAME]`: the profile's inspector name, who acts in status moves (the TUI
//! asks for it on first start; scripts and tests set it here).

use super::open::{CliError, Setup};
use super::out::say;

pub fn run(setup: &Setup, name: Option<&str>) -> Result<(), CliError> {
    let s = setup.strings();
    // Checked before the store is opened: a refused name needs no profile.
    if let Some(name) = name {
        if name.trim().is_empty() {
            return Err(CliError::refused(s.t("cli.inspector.empty")));
        }
        super::input::name(setup, "NAME", name)?;
    }
    // Setting a name may make the profile (scripts name a new inspector first); showing it
    // only reads.
    let mut store = match name {
        Some(_) => setup.open_store().inspect(|store| setup.say_if_created(store))?,
        None => setup.open_store_read_only()?,
    };
    let err = |e| setup.store_error(e);
    match name {
        Some(name) => {
            store.set_inspector(name).map_err(err)?;
            say!("{}", s.tf("cli.inspector.set", &[("name", name.trim())]));
            Ok(())
        }
        None => {
            match store.inspector().map_err(err)? {
                Some(name) => say!("{}", s.tf("cli.inspector.is", &[("name", &name)])),
                None => say!("{}", s.t("cli.inspector.none")),
            }
            Ok(())
        }
    }
}
