//! Command-line wiring: arguments → the TUI or a headless subcommand. Subcommands use the
//! same store, present, domain and keymap modules as the TUI; the CLI starts the TUI
//! (`tui::run`, with the core's `Context`) but never draws or imports the UI.

mod args;
mod attach_cmd;
mod check_cmd;
mod checks;
mod common;
mod demo_cmd;
pub mod exit;
mod export_cmd;
mod finding_cmd;
mod import_cmd;
mod input;
mod inspector_cmd;
mod keymap_cmd;
mod keys_cmd;
mod kiosk_cmd;
mod ledger_cmd;
mod list;
mod officers_cmd;
mod open;
pub(crate) mod out;
mod report_cmd;
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
    install_crash_hook(&cli);
    match run(cli) {
        Ok(status) => ExitCode::from(status),
        Err(e) => {
            out::warn(&e.message);
            ExitCode::from(e.code)
        }
    }
}

/// No panic text reaches the user: a defect's details go to `crash.log` in the data home (or
/// the temporary directory when there is none yet), and stderr gets one line saying where.
fn install_crash_hook(cli: &Cli) {
    let home = crate::paths::Paths::resolve(cli.home.as_deref(), cli.profile.as_deref()).ok().map(|p| p.home);
    let dir = home.filter(|h| h.is_dir()).unwrap_or_else(std::env::temp_dir);
    let lang = crate::i18n::Lang::detect(cli.lang.as_deref(), None, crate::i18n::env_locale().as_deref())
        .unwrap_or(crate::i18n::Lang::Zh);
    crate::crash::install_hook(dir.join("tiyan-crash.log"), crate::i18n::Strings::get(lang).t("app.crashed"));
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

/// Runs the TUI or a command; Ok holds the exit status (0, or 128 + the signal that ended
/// the TUI).
fn run(cli: Cli) -> Result<u8, CliError> {
    let Some(command) = &cli.command else { return run_tui(&cli) };
    if let Command::Kiosk { cmd: None } = command {
        return kiosk_cmd::run(&cli).map(exit_status);
    }
    die_quietly_on_closed_pipe();
    run_command(&cli, command).map(|()| 0)
}

fn exit_status(ended_by: Option<crate::term::signals::Signal>) -> u8 {
    ended_by.map_or(0, |signal| signal.exit_status())
}

fn run_tui(cli: &Cli) -> Result<u8, CliError> {
    if cli.demo {
        return demo_cmd::run_demo_tui(cli).map(exit_status);
    }
    // One place loads the config, units and holidays files for every command; the TUI shows
    // their problems on its first frame.
    let setup = Setup::resolve(cli)?;
    let store = setup.open_store_for_screens()?;
    let mut ctx = setup.context(cli.ascii);
    // Said once, on the first frame: a new profile, and where (a typo in --home shows).
    if store.was_created() {
        let created = setup.created_notice();
        ctx.startup_notice = Some(match ctx.startup_notice.take() {
            Some(warning) => format!("{created}; {warning}"),
            None => created,
        });
    }
    crate::tui::run(store, ctx).map(exit_status).map_err(|message| CliError::new(1, message))
}

fn run_command(cli: &Cli, command: &Command) -> Result<(), CliError> {
    // A command says the config files' problems on stderr, once, before its work.
    let setup = Setup::resolve(cli)?;
    setup.print_warnings();
    match command {
        Command::Demo { sessions, findings_per_session, seed } => {
            demo_cmd::fill(&setup, *sessions, *findings_per_session, *seed)
        }
        Command::List { what } => list::run(&setup, what),
        Command::Keymap { cmd } => keymap_cmd::run(&setup, cmd),
        Command::Template { cmd } => template_cmd::run(&setup, cmd),
        Command::Stats { what: StatsWhat::Ratings { by, json } } => kiosk_cmd::ratings(&setup, by.as_deref(), *json),
        Command::Stats { what: StatsWhat::Waits { session, by, json } } => {
            tickets::stats(&setup, session.as_deref(), by.as_deref(), *json)
        }
        Command::Finding { cmd } => finding_cmd::run(&setup, cmd),
        Command::Ledger(args) => ledger_cmd::run(&setup, args),
        Command::Inspector { name } => inspector_cmd::run(&setup, name.as_deref()),
        Command::Check { json } => check_cmd::run(&setup, *json),
        Command::Keys { json } => keys_cmd::keys(&setup, *json),
        Command::Office { cmd } => keys_cmd::office(&setup, cmd),
        Command::Peers { cmd, json } => keys_cmd::peers(&setup, cmd.as_ref(), *json),
        Command::Report { what } => report_cmd::run(&setup, what),
        Command::Export(args) => export_cmd::run(&setup, args),
        Command::Import(args) => import_cmd::run(&setup, args),
        Command::Imports { json } => import_cmd::list(&setup, *json),
        Command::Attach(args) => attach_cmd::attach(&setup, args),
        Command::Detach(args) => attach_cmd::detach(&setup, args),
        Command::Officers { cmd } => officers_cmd::run(&setup, cmd),
        Command::Kiosk { cmd: Some(args::KioskCmd::SetPin) } => kiosk_cmd::set_pin(&setup),
        Command::Kiosk { cmd: None } => Ok(()),
    }
}
