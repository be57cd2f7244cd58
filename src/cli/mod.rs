//! Command-line wiring: arguments → the TUI or a headless subcommand. Subcommands use the
//! same store, domain and keymap modules as the TUI, never the UI.

mod args;
mod checks;
mod demo_cmd;
pub mod exit;
mod finding_cmd;
mod input;
mod inspector_cmd;
mod keymap_cmd;
mod ledger_cmd;
mod list;
mod open;
pub(crate) mod out;
mod template_cmd;
mod tickets;

use std::process::ExitCode;

use clap::Parser;

use args::StatsWhat;
pub use args::{Cli, Command};
use open::{CliError, Setup};

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // A usage error echoes what was typed: through the sanitizer like every other line
        // (plain, without clap's colours), with clap's exit code (2, see `exit`).
        Err(e) if e.use_stderr() => {
            out::note(&e.render().to_string());
            return ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(exit::USAGE));
        }
        // --help and --version: clap prints them on stdout and exits 0.
        Err(e) => e.exit(),
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out::warn(&e.message);
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
    if cli.command.is_none() && cli.demo {
        return demo_cmd::run_demo_tui(&cli);
    }
    // One place loads the config, units and holidays files for every command; the TUI shows
    // their problems on its first frame, a command says them on stderr, once, before its work.
    let setup = Setup::resolve(&cli)?;
    let Some(command) = &cli.command else {
        let store = setup.open_store()?;
        let ctx = setup.context(cli.ascii);
        return crate::tui::run(store, ctx).map_err(|e| CliError::new(1, format!("terminal: {e}")));
    };
    setup.print_warnings();
    match command {
        Command::Demo { sessions, findings_per_session, seed } => {
            demo_cmd::fill(&setup, *sessions, *findings_per_session, *seed)
        }
        Command::List { what } => list::run(&setup, what),
        Command::Keymap { cmd } => keymap_cmd::run(&setup, cmd),
        Command::Template { cmd } => template_cmd::run(&setup, cmd),
        Command::Stats { what: StatsWhat::Waits { session, by, json } } => {
            tickets::stats(&setup, session.as_deref(), by.as_deref(), *json)
        }
        Command::Finding { cmd } => finding_cmd::run(&setup, cmd),
        Command::Ledger(args) => ledger_cmd::run(&setup, args),
        Command::Inspector { name } => inspector_cmd::run(&setup, name.as_deref()),
    }
}
