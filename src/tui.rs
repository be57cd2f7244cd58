//! Running the TUI: three threads (input, store, signals) feed one channel of `Msg`; the
//! main loop calls `update`, carries out effects, and draws after each batch of messages: a
//! lone message at once; what is already queued when it is taken (a paste, a burst of keys,
//! a tick behind a key) merged into one frame. Nothing waits for more to arrive: a frame
//! timer would hold the store's "saved" back for nothing. Between messages the loop sleeps.
//! The first frame is drawn before the first query. Frames go out through
//! [`crate::term::backend::TermBackend`], which writes only the cells that changed and moves
//! the cursor only where it is not already.
//! While a timer is on screen the loop also wakes at each whole second of the run's monotonic
//! clock (every timer turns over then), and at no other time.

use crossbeam_channel::{Receiver, RecvTimeoutError, Sender, unbounded};
use ratatui::Terminal;
use ratatui::crossterm::event::{self, Event};
use std::io::{Write, stdout};

use crate::app::{Context, Effect, Msg, State, draft, update};
use crate::store::{Store, StoreRequest, thread::StoreHandle};
use crate::term::backend::TermBackend;
use crate::term::guard::TerminalGuard;
use crate::term::signals::{self, Signal};

/// Runs the TUI until the user quits (Ok(None)) or a signal or a closed terminal ends it
/// (Ok(Some(signal)): the exit status is then 128 + the signal's number). Err is what to tell
/// the user, in their language: the terminal failed, or the store thread stopped.
pub fn run(store: Store, ctx: Context) -> Result<Option<Signal>, String> {
    let strings = ctx.strings();
    let terminal_error = |e: std::io::Error| strings.tf("app.terminal_error", &[("error", &e.to_string())]);
    run_in(store, ctx).map_err(|stop| match stop {
        Stop::Terminal(e) => terminal_error(e),
        Stop::StoreGone => strings.t("app.store_gone").to_string(),
    })
}

/// Why the loop ended without the user quitting.
enum Stop {
    Terminal(std::io::Error),
    /// The store thread is gone: nothing more can be saved, so the program ends at once.
    StoreGone,
}

impl From<std::io::Error> for Stop {
    fn from(e: std::io::Error) -> Stop {
        Stop::Terminal(e)
    }
}

/// What carrying out effects leads to.
#[derive(PartialEq, Eq)]
enum Flow {
    Go,
    Quit,
    StoreGone,
}

fn run_in(store: Store, ctx: Context) -> Result<Option<Signal>, Stop> {
    // Read before the store moves to its thread; an unreadable name is asked for again.
    let inspector = store.inspector().ok().flatten();
    let draft = store.draft();
    let store_path = store.path().to_path_buf();
    let (store, tx, rx) = start_threads(store)?;

    let guard = TerminalGuard::enter()?;
    let mut terminal = Terminal::new(TermBackend::new(stdout()))?;
    let size = terminal.size()?;
    let mut state = State::new(ctx, (size.width, size.height));
    crate::app::rectify::first_start(&mut state, inspector);
    let restored = restore_draft(&mut state, draft, &store_path);
    // A terminal already gone is the same as one that goes away later (see the loop).
    let first_frame = terminal.draw(|f| crate::ui::draw(f, &state));
    let mut gone = carry_out(restored, &store, &tx) == Flow::StoreGone;
    gone |= !store.send(StoreRequest::LoadSessions);
    spawn_hangup_watch(tx.clone());
    spawn_input(tx.clone());

    let result = match first_frame {
        _ if gone => Err(Stop::StoreGone),
        Ok(_) => event_loop(&mut terminal, &mut state, &rx, &store, &tx),
        Err(e) => {
            carry_out(update(&mut state, Msg::InputClosed(e.to_string())), &store, &tx);
            Ok(())
        }
    };
    // Flush every queued write (the draft of a hangup among them) before the terminal is
    // given back, or the process ends.
    store.shutdown();
    give_back(terminal, guard);
    // The draft written on the way out could be kept nowhere: said where a terminal may
    // still read it (SIGTERM; after a hangup nobody will, and nothing else can be done).
    for msg in rx.try_iter() {
        if let Msg::Store(crate::store::StoreEvent::DraftFailed(e)) = msg {
            let error = e.localized(state.ctx.strings());
            // stderr may be the terminal that is gone: a failed write is not a second failure.
            let line =
                crate::text::sanitize(&state.ctx.strings().tf("draft.failed", &[("error", &error)])).into_owned();
            let _ = writeln!(std::io::stderr(), "tiyan: {line}");
        }
    }
    result.map(|()| state.ended_by)
}

/// The text the last run left unsaved is put back (the loads its screen needs are returned);
/// a draft that cannot be read is said, and its file is left where it is.
fn restore_draft(
    state: &mut State,
    draft: Result<Option<Vec<u8>>, crate::store::StoreError>,
    store_path: &std::path::Path,
) -> Vec<Effect> {
    let unreadable = || {
        let path = crate::store::draft_path(store_path).display().to_string();
        Some(state.ctx.strings().tf("draft.unreadable", &[("path", &path)]))
    };
    match draft.map(|d| d.map(|bytes| draft::from_bytes(&bytes))) {
        Ok(None) => vec![],
        Ok(Some(Ok(d))) => crate::app::resume::restore_on_start(state, d),
        Ok(Some(Err(_))) | Err(_) => {
            state.notice = unreadable();
            vec![]
        }
    }
}

fn event_loop(
    terminal: &mut Terminal<TermBackend<std::io::Stdout>>,
    state: &mut State,
    rx: &Receiver<Msg>,
    store: &StoreHandle,
    tx: &Sender<Msg>,
) -> Result<(), Stop> {
    loop {
        // A timer on screen asks for the frame of the next whole second, and unsaved text for
        // its checkpoint; nothing else ticks.
        let first = if state.is_ticking() || draft::pending(state) {
            match rx.recv_timeout(state.ctx.clock.until_next_second()) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => Msg::Tick,
                Err(RecvTimeoutError::Disconnected) => return Ok(()),
            }
        } else {
            let Ok(m) = rx.recv() else { return Ok(()) };
            m
        };
        let mut next = Some(first);
        // Take what is already queued, without waiting for more, then draw.
        while let Some(msg) = next.take() {
            if let Msg::Resize(width, height) = msg {
                terminal.backend_mut().resized(width, height);
            }
            match carry_out(update(state, msg), store, tx) {
                Flow::Go => {}
                Flow::Quit => return Ok(()),
                Flow::StoreGone => return Err(Stop::StoreGone),
            }
            next = rx.try_recv().ok();
        }
        // Unsaved text goes to disk as a draft every few seconds while it changes, so even a
        // SIGKILL or a power cut loses only the last moments of typing.
        if carry_out(draft::checkpoint(state, false), store, tx) == Flow::StoreGone {
            return Err(Stop::StoreGone);
        }
        // A frame that cannot be written means the terminal is gone (the pty closed without a
        // hangup reaching us): end as a hangup does, keeping what was typed, not with an error.
        if let Err(e) = terminal.draw(|f| crate::ui::draw(f, state)) {
            carry_out(update(state, Msg::InputClosed(e.to_string())), store, tx);
            return Ok(());
        }
    }
}

/// Carries out effects in order: the one place they are. A request the store thread can no
/// longer take (it stopped) ends the program with a message rather than leaving 正在保存 on
/// screen for ever.
fn carry_out(effects: Vec<Effect>, store: &StoreHandle, tx: &Sender<Msg>) -> Flow {
    for effect in effects {
        match effect {
            Effect::Store(req) => {
                if !store.send(req) {
                    return Flow::StoreGone;
                }
            }
            Effect::WriteFile { req, path, bytes } => write_file(req, path, bytes, tx.clone()),
            Effect::Document(job) => write_document(*job, tx.clone()),
            Effect::Quit => return Flow::Quit,
        }
    }
    Flow::Go
}

/// Makes a document and writes it, on a thread of its own (a 台账 of many rows is not made on
/// the UI thread), into the job's directory under its Chinese name, or that name with (2),
/// (3) … when it is taken: a document written earlier is never replaced from here.
fn write_document(job: crate::app::documents::DocumentJob, tx: Sender<Msg>) {
    let req = job.req;
    on_a_thread("document", req, tx, move || {
        let format = crate::report::Format::parse(job.choice.format).ok_or("unknown format")?;
        let dir = job.dir.clone().unwrap_or_else(|| std::path::PathBuf::from("."));
        // The job's data goes once the document is made: not held while it is written out.
        let (doc, what) = make_document(job);
        let bytes = format.render(&doc)?;
        drop(doc);
        let parts: Vec<&str> = what.iter().map(String::as_str).collect();
        let path = free_name(&dir, &crate::report::file_name(&parts, format));
        crate::files::write_atomically(&path, &bytes).map_err(|e| e.to_string())?;
        Ok(std::fs::canonicalize(&path).unwrap_or(path))
    });
}

/// Runs `work` (a file the user asked for) on a thread of its own and says how it went as
/// `Msg::FileWritten`; no thread, no file: said like any failed write.
fn on_a_thread(
    name: &str,
    req: u64,
    tx: Sender<Msg>,
    work: impl FnOnce() -> Result<std::path::PathBuf, String> + Send + 'static,
) {
    let answer = tx.clone();
    let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
        let _ = answer.send(Msg::FileWritten { req, result: work() });
    });
    if let Err(e) = spawned {
        let _ = tx.send(Msg::FileWritten { req, result: Err(e.to_string()) });
    }
}

/// The document a job asks for, and the words its file is named by, its date last: the walk's
/// for a 体验报告, today's for the rest (as `tiyan report` names them).
fn make_document(job: crate::app::documents::DocumentJob) -> (crate::report::Doc, Vec<String>) {
    use crate::app::documents::{JobData, Kind};
    use crate::report::{build, rectification, session};
    let (zone, today) = (job.zone, job.today);
    let on = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    match (&job.data, job.choice.kind) {
        (JobData::Session { data, walk, waits, day }, Kind::Report) => {
            let facts = session::SessionFacts {
                unit: &data.office,
                session: &data.session,
                findings: &data.findings,
                checklists: &data.checklists,
                waits: waits.as_ref(),
                walk,
                day: *day,
            };
            let figures = crate::report::figures::load(&data.files_dir, &data.session, &data.findings);
            (session::report(&facts, figures), vec!["体验报告".into(), data.session.item.clone(), on(*day)])
        }
        (JobData::Session { data, .. }, _) => {
            let pairs: Vec<_> = data.findings.iter().map(|f| (&data.session, f)).collect();
            (
                rectification::list(&data.office, &pairs, today),
                vec!["整改清单".into(), data.session.item.clone(), on(today)],
            )
        }
        (JobData::Ledger { data, .. }, Kind::Achievements) => {
            let doc = crate::report::achievements::list(&data.office, &data.sessions, &data.findings, zone, today);
            (doc, vec!["成果清单".into(), on(today)])
        }
        (JobData::Ledger { data, .. }, Kind::Reminders) => (
            build::reminders_of(&data.sessions, &data.findings, &data.office, zone, today),
            vec!["督查提醒函".into(), on(today)],
        ),
        (JobData::Ledger { data, counts, units }, _) => {
            let doc = build::ledger_of(&data.sessions, &data.findings, counts, units, &data.office, zone, today);
            (doc, vec!["整改台账".into(), on(today)])
        }
    }
}

/// `name` in `dir`, or with (2), (3) … before its extension when taken.
fn free_name(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    (1..1000)
        .map(|n| if n == 1 { dir.join(name) } else { dir.join(format!("{stem}({n}).{ext}")) })
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| dir.join(name))
}

/// Writes a file the user asked for on a thread of its own (a report of many pages must not
/// hold up a save behind it on the store thread, nor the UI), whole or not at all, and says
/// how it went as a message.
fn write_file(req: u64, path: std::path::PathBuf, bytes: Vec<u8>, tx: Sender<Msg>) {
    on_a_thread("file", req, tx, move || {
        crate::files::write_atomically(&path, &bytes).map(|()| path).map_err(|e| e.to_string())
    });
}

/// Watches the terminal for a hangup (the pty closed, the SSH link dropped) and says so as
/// `InputClosed`. Needed beside the input thread: when a terminal closes without a SIGHUP
/// reaching us (a parent that survives it), crossterm's reader loops on the end of input inside
/// `event::read` and never returns, so the input thread cannot report it. `poll` with no events
/// asked for blocks until the descriptor hangs up or fails, costing nothing meanwhile.
fn spawn_hangup_watch(tx: Sender<Msg>) {
    #[cfg(unix)]
    {
        // SAFETY: isatty only inspects the descriptor.
        if unsafe { libc::isatty(0) } != 1 {
            return; // crossterm reads /dev/tty then, not stdin: nothing here to watch
        }
        let _ = std::thread::Builder::new().name("hangup".into()).spawn(move || {
            let mut fds = libc::pollfd { fd: 0, events: 0, revents: 0 };
            loop {
                // SAFETY: one valid pollfd, for the length given.
                let n = unsafe { libc::poll(&mut fds, 1, -1) };
                if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                    continue;
                }
                if n != 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
                    let _ = tx.send(Msg::InputClosed("the terminal hung up".into()));
                    return;
                }
                if n < 0 {
                    return;
                }
            }
        });
    }
    #[cfg(not(unix))]
    let _ = tx;
}

/// Reads terminal events. An error or end of input (the TTY is gone) is fatal, not retried:
/// retrying is how TUIs spin at 100% CPU after an SSH drop.
fn spawn_input(tx: Sender<Msg>) {
    std::thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            // crossterm hears of resizes from its first poll on: a window resized while tiyan
            // started (before that) was missed, and the screen kept the old size until another
            // event. Listening now, say the size as it is.
            let _ = event::poll(std::time::Duration::ZERO);
            if let Ok((w, h)) = ratatui::crossterm::terminal::size() {
                let _ = tx.send(Msg::Resize(w, h));
            }
            loop {
                let msg = match event::read() {
                    Ok(Event::Key(k)) => Msg::Key(k),
                    Ok(Event::Paste(s)) => Msg::Paste(s),
                    Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => {
                        let _ = tx.send(Msg::InputClosed(e.to_string()));
                        return;
                    }
                };
                if tx.send(msg).is_err() {
                    return;
                }
            }
        })
        .expect("spawn input thread");
}

/// Runs the hall's kiosk (`tiyan kiosk`) until the admin leaves it (Ok(None)) or a signal or a
/// closed terminal ends it: the same threads and terminal handling as the TUI, with the kiosk's
/// own model (`app::kiosk`), which has no screen but its own. No draft is kept: an entry not
/// submitted is gone with the process, so the next person never meets it.
pub fn run_kiosk(store: Store, ctx: crate::app::kiosk::KioskContext) -> Result<Option<Signal>, String> {
    use crate::app::kiosk::{Kiosk, update};
    let strings = crate::i18n::Strings::get(ctx.lang);
    let terminal_error = |e: std::io::Error| strings.tf("app.terminal_error", &[("error", &e.to_string())]);
    let (store, tx, rx) = start_threads(store).map_err(terminal_error)?;
    let guard = TerminalGuard::enter().map_err(terminal_error)?;
    let mut terminal = Terminal::new(TermBackend::new(stdout())).map_err(terminal_error)?;
    let size = terminal.size().map_err(terminal_error)?;
    let mut kiosk = Kiosk::new(ctx, (size.width, size.height));
    let drawn = terminal.draw(|f| crate::ui::kiosk::draw(f, &kiosk));
    spawn_hangup_watch(tx.clone());
    spawn_input(tx.clone());
    let mut result = drawn.map(|_| ()).map_err(terminal_error);
    'run: while result.is_ok() {
        // A countdown or a receipt on screen turns over each second.
        let first = if kiosk.is_ticking() {
            match rx.recv_timeout(kiosk.ctx.clock.until_next_second()) {
                Ok(m) => m,
                Err(RecvTimeoutError::Timeout) => Msg::Tick,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        } else {
            let Ok(m) = rx.recv() else { break };
            m
        };
        let mut next = Some(first);
        while let Some(msg) = next.take() {
            if let Msg::Resize(width, height) = msg {
                terminal.backend_mut().resized(width, height);
            }
            match carry_out(update(&mut kiosk, msg), &store, &tx) {
                Flow::Go => {}
                Flow::Quit => break 'run,
                Flow::StoreGone => {
                    result = Err(strings.t("app.store_gone").to_string());
                    break 'run;
                }
            }
            next = rx.try_recv().ok();
        }
        if terminal.draw(|f| crate::ui::kiosk::draw(f, &kiosk)).is_err() {
            kiosk.ended = Some(Some(Signal::Hangup));
            break;
        }
    }
    store.shutdown();
    give_back(terminal, guard);
    result.map(|()| kiosk.ended.flatten())
}

/// The store's thread and the signal watch, both answering on one channel of `Msg`.
fn start_threads(store: Store) -> std::io::Result<(StoreHandle, Sender<Msg>, Receiver<Msg>)> {
    let (tx, rx) = unbounded::<Msg>();
    let store_tx = tx.clone();
    let store = crate::store::thread::spawn(store, move |ev| {
        let _ = store_tx.send(Msg::Store(ev));
    });
    let sig_tx = tx.clone();
    signals::spawn(move |s| {
        let _ = sig_tx.send(Msg::Signal(s));
    })?;
    Ok((store, tx, rx))
}

/// The terminal given back as it was found. ratatui's Terminal prints with `eprintln!` when it
/// cannot show the cursor on drop, which panics when the terminal is gone: show it here, and if
/// that fails the terminal is gone and there is nothing to give back, so the value is not
/// dropped. (The backend queues what it writes until flushed.)
fn give_back(mut terminal: Terminal<TermBackend<std::io::Stdout>>, guard: TerminalGuard) {
    if terminal.show_cursor().and_then(|()| ratatui::backend::Backend::flush(terminal.backend_mut())).is_ok() {
        drop(terminal);
    } else {
        std::mem::forget(terminal);
    }
    drop(guard);
}
