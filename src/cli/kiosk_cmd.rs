//! `tiyan kiosk` (the hall terminal's locked-down TUI, `app::kiosk`) and `tiyan kiosk
//! set-pin`. The kiosk refuses to start without an admin PIN: it is the only way out.

use std::io::{BufRead, IsTerminal, Write};

use super::args::Cli;
use super::open::{CliError, Setup};
use super::out::say;
use crate::term::signals::Signal;

/// The kiosk on the profile's store, until the admin leaves it or a signal ends it.
pub fn run(cli: &Cli) -> Result<Option<Signal>, CliError> {
    let setup = Setup::resolve(cli)?;
    let store = setup.open_store_existing()?;
    let s = setup.strings();
    if !store.kiosk_pin_is_set().map_err(|e| setup.store_error(e))? {
        return Err(CliError::refused(s.t("cli.kiosk.no_pin")));
    }
    let hall = store.office_name().ok().flatten().unwrap_or_default();
    let ctx = crate::app::kiosk::KioskContext {
        lang: setup.lang,
        clock: std::sync::Arc::new(crate::clock::SystemClock::start()),
        ids: std::sync::Arc::new(crate::domain::ids::UlidIds),
        hall,
        caps: crate::term::caps::Caps::detect(cli.ascii),
        idle_warn_secs: setup.kiosk_idle.0,
        idle_reset_secs: setup.kiosk_idle.1,
    };
    crate::tui::run_kiosk(store, ctx).map_err(|message| CliError::new(1, message))
}

/// Sets the kiosk's admin PIN.
pub fn set_pin(setup: &Setup) -> Result<(), CliError> {
    let s = setup.strings();
    let pin = read_pin(setup)?;
    let mut store = setup.open_store()?;
    setup.say_if_created(&store);
    store.set_kiosk_pin(&pin).map_err(|e| setup.store_error(e))?;
    say!("{}", s.t("cli.kiosk.pin_set"));
    Ok(())
}

/// A PIN of 4 to 12 digits: asked twice on a terminal (not echoed), or one line of a pipe.
pub fn read_pin(setup: &Setup) -> Result<String, CliError> {
    let s = setup.strings();
    let pin = if std::io::stdin().is_terminal() {
        let first = read_hidden(s.t("cli.kiosk.pin_prompt"))?;
        let again = read_hidden(s.t("cli.kiosk.pin_again"))?;
        if first != again {
            return Err(CliError::refused(s.t("cli.kiosk.pin_mismatch")));
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).map_err(|e| CliError::refused(e.to_string()))?;
        line.trim().to_string()
    };
    if !(4..=12).contains(&pin.len()) || !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CliError::refused(s.t("cli.kiosk.pin_bad")));
    }
    Ok(pin)
}

/// A line typed on the terminal with its echo off (restored however the read ends).
fn read_hidden(prompt: &str) -> Result<String, CliError> {
    let mut err = std::io::stderr();
    let _ = write!(err, "{prompt}");
    let _ = err.flush();
    let fd = libc::STDIN_FILENO;
    // SAFETY: termios is plain data, filled by tcgetattr before it is read.
    let mut saved: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd is stdin, a terminal (checked by the caller); the struct is valid.
    let got = unsafe { libc::tcgetattr(fd, &mut saved) } == 0;
    if got {
        let mut quiet = saved;
        quiet.c_lflag &= !libc::ECHO;
        // SAFETY: as above; a failure only leaves the echo on.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    }
    let mut line = String::new();
    let read = std::io::stdin().lock().read_line(&mut line);
    if got {
        // SAFETY: restores what tcgetattr read.
        unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
    }
    let _ = writeln!(err);
    read.map_err(|e| CliError::refused(e.to_string()))?;
    Ok(line.trim().to_string())
}

/// `tiyan stats ratings [--by item|window|week] [--json]`.
pub fn ratings(setup: &Setup, by: Option<&str>, json: bool) -> Result<(), CliError> {
    use crate::domain::kiosk::Dimension;
    use crate::domain::ratings::{GroupBy, figures};
    let s = setup.strings();
    let by = match by {
        None => GroupBy::All,
        Some(text) => GroupBy::parse(text)
            .ok_or_else(|| CliError::refused(s.tf("cli.stats.bad_ratings_by", &[("value", text)])))?,
    };
    let store = setup.open_store_read_only()?;
    let sessions: Vec<_> = store.sessions().map_err(|e| setup.store_error(e))?.into_iter().map(|x| x.session).collect();
    let rows = figures(&sessions, by, &super::common::Moment::current().zone);
    if json {
        let rows: Vec<_> = rows.iter().map(|r| crate::present::rows::RatingRowJson::of(r, by)).collect();
        return super::common::print_json(&rows);
    }
    let pct = |x: Option<f64>| x.map_or("-".to_string(), |x| format!("{:.0}%", x * 100.0));
    let mut head =
        format!("{}  {:>6}", crate::text::pad(s.t("cli.stats.ratings.group"), 24), s.t("cli.stats.ratings.entries"));
    for d in Dimension::ALL {
        head.push_str(&format!("  {}", crate::text::pad(d.label(setup.lang), 10)));
    }
    say!("{}", s.t("cli.stats.ratings.note"));
    say!("{head}");
    for r in &rows {
        let group = match (r.group.is_empty(), by) {
            (false, _) => r.group.as_str(),
            (true, GroupBy::All) => s.t("ratings.all"),
            (true, _) => s.t("ratings.unnamed"),
        };
        let mut line = format!("{}  {:>6}", crate::text::pad(group, 24), r.entries);
        for d in Dimension::ALL {
            line.push_str(&format!("  {}", crate::text::pad(&pct(r.satisfied(d)), 10)));
        }
        say!("{line}");
    }
    Ok(())
}
