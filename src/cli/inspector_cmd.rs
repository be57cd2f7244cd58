//! `tiyan inspector [NAME]`: the profile's inspector name, who acts in status moves (the TUI
//! asks for it on first start; scripts and tests set it here).

use super::open::{CliError, Setup};

pub fn run(setup: &Setup, name: Option<&str>) -> Result<(), CliError> {
    let s = setup.strings();
    // Setting a name may make the profile (scripts name a new inspector first); showing it
    // only reads.
    let mut store = match name {
        Some(_) => setup.open_store().inspect(|store| setup.say_if_created(store))?,
        None => setup.open_store_read_only()?,
    };
    let err = |e| setup.store_error(e);
    match name {
        Some(name) if name.trim().is_empty() => Err(CliError::new(1, s.t("cli.inspector.empty"))),
        Some(name) => {
            store.set_inspector(name).map_err(err)?;
            println!("{}", s.tf("cli.inspector.set", &[("name", name.trim())]));
            Ok(())
        }
        None => {
            match store.inspector().map_err(err)? {
                Some(name) => println!("{}", s.tf("cli.inspector.is", &[("name", &name)])),
                None => println!("{}", s.t("cli.inspector.none")),
            }
            Ok(())
        }
    }
}
