//! Command-line wiring: arguments → the TUI or a headless subcommand. Subcommands use the
//! same store, domain and keymap modules as the TUI, never the UI.

mod args;
mod checks;
mod demo_cmd;
mod finding_cmd;
mod inspector_cmd;
mod keymap_cmd;
mod ledger_cmd;
mod list;
mod open;
mod template_cmd;
mod tickets;

use std::process::ExitCode;

use clap::Parser;

use args::StatsWhat;
pub use args::{Cli, Command};
use open::{CliError, Setup};

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tiyan: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// Rust ignores SIGPIPE, so `tiyan list … | head` would panic on the closed pipe. A command
/// that prints should end quietly instead, as Unix tools do; the TUI keeps Rust's default
/// (it writes to a terminal and must restore it on every exit).
fn die_quietly_on_closed_pipe() {
    // SAFETY: setting a signal's disposition to the default before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn run(cli: Cli) -> Result<(), CliError> {
    if cli.command.is_some() {
        die_quietly_on_closed_pipe();
    }
    match &cli.command {
        None if cli.demo => demo_cmd::run_demo_tui(&cli),
        None => {
            let setup = Setup::resolve(&cli)?;
            let store = setup.open_store()?;
            let ctx = setup.context(cli.ascii);
            crate::tui::run(store, ctx).map_err(|e| CliError::new(1, format!("terminal: {e}")))
        }
        Some(Command::Demo { sessions, findings_per_session, seed }) => {
            let setup = Setup::resolve(&cli)?;
            demo_cmd::fill(&setup, *sessions, *findings_per_session, *seed)
        }
        Some(Command::List { what }) => list::run(&Setup::resolve(&cli)?, what),
        Some(Command::Keymap { cmd }) => keymap_cmd::run(&Setup::resolve(&cli)?, cmd),
        Some(Command::Template { cmd }) => template_cmd::run(&Setup::resolve(&cli)?, cmd),
        Some(Command::Stats { what: StatsWhat::Waits { session, by, json } }) => {
            tickets::stats(&Setup::resolve(&cli)?, session.as_deref(), by.as_deref(), *json)
        }
        Some(Command::Finding { cmd }) => finding_cmd::run(&Setup::resolve(&cli)?, cmd),
        Some(Command::Ledger(args)) => ledger_cmd::run(&Setup::resolve(&cli)?, args),
        Some(Command::Inspector { name }) => inspector_cmd::run(&Setup::resolve(&cli)?, name.as_deref()),
    }
}
