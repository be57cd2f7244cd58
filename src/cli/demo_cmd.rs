//! `tiyan demo` fills a profile; `tiyan --demo` opens the TUI on a throwaway one.

use super::Cli;
use super::open::{CliError, Setup};

pub fn fill(setup: &Setup, sessions: usize, per_session: usize, seed: Option<u64>) -> Result<(), CliError> {
    let mut store = setup.open_store()?;
    setup.say_if_created(&store);
    let seed = seed.unwrap_or_else(rand::random);
    let counts = crate::demo::fill(&mut store, sessions, per_session, seed).map_err(|e| setup.store_error(e))?;
    let path = setup.paths.store_file().display().to_string();
    let [sessions, checklists, findings, tickets] =
        [counts.sessions, counts.checklists, counts.findings, counts.tickets].map(|n| n.to_string());
    let seed = seed.to_string();
    let args = [
        ("path", path.as_str()),
        ("sessions", &sessions),
        ("checklists", &checklists),
        ("findings", &findings),
        ("tickets", &tickets),
        ("seed", &seed),
    ];
    super::out::say!("{}", setup.strings().tf("cli.demo.added", &args));
    Ok(())
}

/// A fresh profile in a temporary directory, filled, opened, and removed afterwards.
pub fn run_demo_tui(cli: &Cli) -> Result<Option<crate::term::signals::Signal>, CliError> {
    let dir = std::env::temp_dir().join(format!("tiyan-demo-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    let result = (|| {
        let mut setup = Setup::resolve(cli)?;
        setup.paths.home = dir.clone();
        setup.paths.profile = "demo".into();
        let mut store = setup.open_store()?;
        crate::demo::fill(&mut store, 12, 6, 2024).map_err(|e| setup.store_error(e))?;
        // Act as a demo inspector at once (`i` changes it): a throwaway profile need not ask.
        if let Some(inspector) = crate::vocab::vocab().demo.inspectors.first() {
            store.set_inspector(&inspector.zh).map_err(|e| setup.store_error(e))?;
        }
        let mut ctx = setup.context(cli.ascii);
        // Nobody should record real findings in a profile that vanishes on exit.
        ctx.profile = format!("demo: {}", setup.strings().t("app.demo_profile"));
        crate::tui::run(store, ctx).map_err(|message| CliError::new(1, message))
    })();
    let _ = std::fs::remove_dir_all(&dir);
    result
}
