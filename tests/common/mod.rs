//! Pseudo-terminal harness for end-to-end tests.
//!
//! [`Tui::spawn`] starts a program in a pty of a given size. A reader thread drains the pty
//! continuously (so the child never blocks on a full buffer), feeds a `vt100` screen model,
//! logs how many bytes arrived when, and answers the terminal queries crossterm sends on
//! start-up (cursor position `ESC[6n`, primary device attributes `ESC[c`), which would
//! otherwise hang the program. Input goes through a writer thread so that neither the test
//! nor the reader thread ever blocks on a child that is not reading its input.
//!
//! Every failure here panics with a readable message: this is test support, and a panic is
//! how a test fails.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize, native_pty_system};

/// Generous default for every wait: CI machines are slow. Never assert durations.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How often `wait_*` re-reads the screen or the child's status.
const POLL_INTERVAL: Duration = Duration::from_millis(10);

/// Pause after a lone Esc so the program does not read it together with the next key
/// (crossterm would then parse `ESC x` as Alt+x).
const ESC_SETTLE: Duration = Duration::from_millis(60);

/// Pause between typed characters and keys, roughly like a fast typist.
const KEY_PAUSE: Duration = Duration::from_millis(2);

/// Gives the test profile its inspector name by the command line, so the TUI does not ask
/// for it on first start (tests of that question start the TUI without this).
pub fn name_the_inspector(home: &Path, name: &str) {
    let home = home.to_str().expect("a UTF-8 temp dir");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tiyan"))
        .args(["--home", home, "--profile", "体验员", "inspector", name])
        .output()
        .expect("tiyan inspector runs");
    assert!(out.status.success(), "tiyan inspector: {}", String::from_utf8_lossy(&out.stderr));
}

/// A fresh, empty directory to use as `HOME` (and XDG dirs) of the program under test.
pub fn temp_home() -> tempfile::TempDir {
    tempfile::Builder::new().prefix("tiyan-home-").tempdir().expect("cannot create a temporary home directory")
}

/// A key as an xterm sends it (normal cursor-key mode unless the program asked for
/// application mode, which is honoured).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
    /// Function key F1..=F12.
    F(u8),
    /// Ctrl plus a letter or one of `@[\]^_ ` (e.g. `Ctrl('c')` is byte 0x03).
    Ctrl(char),
    /// Alt (meta) plus a character: ESC followed by the character.
    Alt(char),
}

impl Key {
    /// The bytes an xterm writes for this key.
    pub fn bytes(self, application_cursor: bool) -> Vec<u8> {
        let cursor = |letter: u8| {
            if application_cursor { vec![0x1b, b'O', letter] } else { vec![0x1b, b'[', letter] }
        };
        match self {
            Key::Enter => b"\r".to_vec(),
            Key::Esc => b"\x1b".to_vec(),
            Key::Tab => b"\t".to_vec(),
            Key::BackTab => b"\x1b[Z".to_vec(),
            Key::Backspace => b"\x7f".to_vec(),
            Key::Delete => b"\x1b[3~".to_vec(),
            Key::Insert => b"\x1b[2~".to_vec(),
            Key::Up => cursor(b'A'),
            Key::Down => cursor(b'B'),
            Key::Right => cursor(b'C'),
            Key::Left => cursor(b'D'),
            Key::Home => cursor(b'H'),
            Key::End => cursor(b'F'),
            Key::PageUp => b"\x1b[5~".to_vec(),
            Key::PageDown => b"\x1b[6~".to_vec(),
            Key::F(n) => function_key(n),
            Key::Ctrl(c) => vec![ctrl_byte(c)],
            Key::Alt(c) => {
                let mut bytes = vec![0x1b];
                bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                bytes
            }
        }
    }
}

fn function_key(n: u8) -> Vec<u8> {
    let tilde_code = match n {
        1 => return b"\x1bOP".to_vec(),
        2 => return b"\x1bOQ".to_vec(),
        3 => return b"\x1bOR".to_vec(),
        4 => return b"\x1bOS".to_vec(),
        5 => 15,
        6 => 17,
        7 => 18,
        8 => 19,
        9 => 20,
        10 => 21,
        11 => 23,
        12 => 24,
        _ => panic!("Key::F({n}): only F1..=F12 exist on an xterm"),
    };
    format!("\x1b[{tilde_code}~").into_bytes()
}

fn ctrl_byte(c: char) -> u8 {
    match c {
        'a'..='z' => c as u8 - b'a' + 1,
        'A'..='Z' => c as u8 - b'A' + 1,
        ' ' | '@' => 0,
        '[' => 0x1b,
        '\\' => 0x1c,
        ']' => 0x1d,
        '^' => 0x1e,
        '_' => 0x1f,
        _ => panic!("Key::Ctrl({c:?}): no control byte for this character"),
    }
}

/// Answers terminal queries seen in the output. The parser calls these at the exact point
/// in the byte stream, so the cursor reported is the one the program expects.
#[derive(Default)]
struct QueryResponder {
    pending_replies: Vec<u8>,
}

impl vt100::Callbacks for QueryResponder {
    fn unhandled_csi(
        &mut self,
        screen: &mut vt100::Screen,
        i1: Option<u8>,
        _i2: Option<u8>,
        params: &[&[u16]],
        c: char,
    ) {
        let first_param = params.first().and_then(|p| p.first()).copied();
        match (i1, c, first_param) {
            // Device status report: cursor position, 1-based.
            (None, 'n', Some(6)) => {
                let (row, col) = screen.cursor_position();
                let reply = format!("\x1b[{};{}R", row + 1, col + 1);
                self.pending_replies.extend_from_slice(reply.as_bytes());
            }
            // Primary device attributes: "VT100 with advanced video option".
            (None, 'c', None | Some(0)) => self.pending_replies.extend_from_slice(b"\x1b[?1;2c"),
            _ => {}
        }
    }
}

/// One chunk of output as the reader thread received it.
struct Arrival {
    at: Instant,
    bytes: u64,
}

/// Text to look for after each chunk of output, and when it first showed.
struct Watch {
    needle: String,
    seen: Option<Instant>,
}

/// State shared between the test thread and the reader thread.
struct Shared {
    parser: Mutex<vt100::Parser<QueryResponder>>,
    arrivals: Mutex<Vec<Arrival>>,
    total_bytes: AtomicU64,
    output_closed: AtomicBool,
    watch: Mutex<Vec<Watch>>,
    /// Every byte written since `record_bytes` was last called, when recording.
    recorded: Mutex<Option<Vec<u8>>>,
}

/// How the child ended, in shell convention: the exit code, or 128 + signal number.
fn exit_code_of(status: libc::c_int) -> i32 {
    if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else if libc::WIFSIGNALED(status) {
        128 + libc::WTERMSIG(status)
    } else {
        -1
    }
}

/// A program running in a pseudo-terminal, with a model of its screen.
pub struct Tui {
    pid: libc::pid_t,
    exit_code: Option<i32>,
    master: Box<dyn MasterPty + Send>,
    input: Sender<Vec<u8>>,
    shared: Arc<Shared>,
}

impl Tui {
    /// Starts `program` with `args` in a `cols` x `rows` pty, in the current directory.
    ///
    /// The environment is the test's, with TERM=xterm-256color and LANG=zh_CN.UTF-8 set and
    /// LC_ALL and NO_COLOR removed; every pair in `env` then overrides or adds a variable.
    pub fn spawn(program: &Path, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Tui {
        Tui::spawn_watching(program, args, env, cols, rows, &[])
    }

    /// [`Tui::spawn`], noting from the first byte of output when the screen first holds each
    /// of `watch` (see [`Tui::seen`]).
    pub fn spawn_watching(
        program: &Path,
        args: &[&str],
        env: &[(&str, &str)],
        cols: u16,
        rows: u16,
        watch: &[&str],
    ) -> Tui {
        let size = PtySize { rows, cols, pixel_width: 0, pixel_height: 0 };
        let pair =
            native_pty_system().openpty(size).unwrap_or_else(|e| panic!("cannot open a pty of {cols}x{rows}: {e:#}"));

        let mut command = CommandBuilder::new(program);
        command.args(args);
        if let Ok(dir) = std::env::current_dir() {
            command.cwd(dir);
        }
        command.env("TERM", "xterm-256color");
        command.env("LANG", "zh_CN.UTF-8");
        command.env_remove("LC_ALL");
        command.env_remove("NO_COLOR");
        for (key, value) in env {
            command.env(key, value);
        }

        let child =
            pair.slave.spawn_command(command).unwrap_or_else(|e| panic!("cannot start {}: {e:#}", program.display()));
        let pid = child.process_id().unwrap_or_else(|| panic!("{} started without a pid", program.display()));
        // The child has its own copy; ours must close so the reader sees EOF when it exits.
        drop(pair.slave);
        // We reap the child with waitpid ourselves (to learn the signal number), so the
        // handle is not needed; dropping a std child neither kills nor waits.
        drop(child);

        let reader = pair.master.try_clone_reader().expect("cannot clone the pty reader");
        let writer = pair.master.take_writer().expect("cannot take the pty writer");
        let input = spawn_writer_thread(writer);

        let shared = Arc::new(Shared {
            parser: Mutex::new(vt100::Parser::new_with_callbacks(rows, cols, 0, QueryResponder::default())),
            arrivals: Mutex::new(Vec::new()),
            total_bytes: AtomicU64::new(0),
            output_closed: AtomicBool::new(false),
            watch: Mutex::new(watch.iter().map(|n| Watch { needle: n.to_string(), seen: None }).collect()),
            recorded: Mutex::new(None),
        });
        spawn_reader_thread(reader, Arc::clone(&shared), input.clone());

        Tui { pid: pid as libc::pid_t, exit_code: None, master: pair.master, input, shared }
    }

    /// The child's process id.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// Sends raw bytes as if typed.
    pub fn send(&mut self, s: &str) {
        self.send_bytes(s.as_bytes());
    }

    /// Sends raw bytes as if typed.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        // The writer thread only stops when the pty is gone; then the send is moot.
        let _ = self.input.send(bytes.to_vec());
    }

    /// Types text (Chinese included) one character at a time, as UTF-8.
    pub fn type_text(&mut self, s: &str) {
        for c in s.chars() {
            self.send(c.encode_utf8(&mut [0; 4]));
            thread::sleep(KEY_PAUSE);
        }
    }

    /// Presses one key.
    pub fn key(&mut self, key: Key) {
        let application_cursor = self.lock_parser().screen().application_cursor();
        self.send_bytes(&key.bytes(application_cursor));
        thread::sleep(if key == Key::Esc { ESC_SETTLE } else { KEY_PAUSE });
    }

    /// Presses several keys in order.
    pub fn keys(&mut self, keys: &[Key]) {
        for &key in keys {
            self.key(key);
        }
    }

    /// Pastes text wrapped in bracketed-paste markers, as a terminal does.
    pub fn paste(&mut self, s: &str) {
        self.send(&format!("\x1b[200~{s}\x1b[201~"));
    }

    /// The visible screen as text: one line per row (trailing blanks trimmed), joined with
    /// '\n'. A wide CJK character appears once.
    pub fn screen(&self) -> String {
        let parser = self.lock_parser();
        let (_, cols) = parser.screen().size();
        let rows: Vec<String> = parser.screen().rows(0, cols).map(|row| row.trim_end().to_string()).collect();
        rows.join("\n")
    }

    /// Runs `f` on the screen model, for checks beyond text (colours, attributes, modes).
    pub fn with_screen<R>(&self, f: impl FnOnce(&vt100::Screen) -> R) -> R {
        f(self.lock_parser().screen())
    }

    /// Cursor position as (row, col), 0-based, in display cells.
    pub fn cursor(&self) -> (u16, u16) {
        self.lock_parser().screen().cursor_position()
    }

    /// Waits until the screen contains `needle`; returns that screen. On timeout, or if the
    /// program's output ended first, the Err holds a description and the last screen.
    pub fn wait_for(&self, needle: &str, timeout: Duration) -> Result<String, String> {
        self.wait_until(|screen| screen.contains(needle), timeout)
            .map_err(|why| format!("waiting for {needle:?}: {why}"))
    }

    /// Waits until `pred` holds for the screen; returns that screen. The Err holds a
    /// description and the last screen.
    pub fn wait_until(&self, pred: impl Fn(&str) -> bool, timeout: Duration) -> Result<String, String> {
        let deadline = Instant::now() + timeout;
        loop {
            // Read the flag before the screen: once closed, this screen is final.
            let closed = self.shared.output_closed.load(Ordering::Acquire);
            let screen = self.screen();
            if pred(&screen) {
                return Ok(screen);
            }
            if closed {
                return Err(format!("the program's output ended\n{}", framed(&screen)));
            }
            if Instant::now() >= deadline {
                return Err(format!("timed out after {timeout:?}\n{}", framed(&screen)));
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Waits (up to [`DEFAULT_TIMEOUT`]) for `needle` on screen, panicking with the last
    /// screen drawn readably if it never appears. Returns the screen.
    pub fn expect_text(&self, needle: &str) -> String {
        self.wait_for(needle, DEFAULT_TIMEOUT).unwrap_or_else(|why| panic!("{why}"))
    }

    /// Total bytes the program has written to the terminal so far.
    pub fn bytes_received(&self) -> u64 {
        self.shared.total_bytes.load(Ordering::Acquire)
    }

    /// Bytes that arrived at or after `t0` and before `t1`.
    pub fn bytes_between(&self, t0: Instant, t1: Instant) -> u64 {
        let arrivals = lock(&self.shared.arrivals);
        arrivals.iter().filter(|a| a.at >= t0 && a.at < t1).map(|a| a.bytes).sum()
    }

    /// Arrival times of the output since `t0`, with how many bytes each brought.
    pub fn arrivals_since(&self, t0: Instant) -> Vec<(Instant, u64)> {
        let arrivals = lock(&self.shared.arrivals);
        arrivals.iter().filter(|a| a.at >= t0).map(|a| (a.at, a.bytes)).collect()
    }

    /// Waits until no output has arrived for `quiet` (up to `timeout` in all), and returns
    /// when the last output since `t0` arrived (None: nothing arrived). A measure of when a
    /// key's frame was complete, for benches; tests assert on bytes, never on times.
    pub fn wait_quiet(&self, t0: Instant, quiet: Duration, timeout: Duration) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        loop {
            let last = self.arrivals_since(t0).last().map(|a| a.0);
            let since = last.unwrap_or(t0);
            if since.elapsed() >= quiet || Instant::now() >= deadline {
                return last;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// From now on, the reader notes when the screen first holds `needle` (checked after
    /// each chunk of output, at the moment the chunk arrived), instead of what it watched
    /// for before: see [`Tui::seen`].
    pub fn watch_for(&self, needle: &str) {
        *lock(&self.shared.watch) = vec![Watch { needle: needle.to_string(), seen: None }];
    }

    /// When the screen first held `needle`, a text watched for, if it has.
    pub fn seen(&self, needle: &str) -> Option<Instant> {
        lock(&self.shared.watch).iter().find(|w| w.needle == needle).and_then(|w| w.seen)
    }

    /// Waits (up to `timeout`) for the watched text `needle`; when it showed.
    pub fn wait_seen(&self, needle: &str, timeout: Duration) -> Option<Instant> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(at) = self.seen(needle) {
                return Some(at);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(1));
        }
    }

    /// Starts keeping every byte the program writes (dropping what was kept before).
    pub fn record_bytes(&self) {
        *lock(&self.shared.recorded) = Some(Vec::new());
    }

    /// The bytes written since [`Tui::record_bytes`], and stops keeping them.
    pub fn recorded_bytes(&self) -> Vec<u8> {
        lock(&self.shared.recorded).take().unwrap_or_default()
    }

    /// Whether the child has not been reaped yet (it may be a zombie about to be).
    pub fn is_running(&mut self) -> bool {
        self.try_reap().is_none()
    }

    /// Sends SIGKILL and waits for the child to die.
    pub fn kill9(&mut self) {
        if self.try_reap().is_some() {
            return;
        }
        // SAFETY: kill has no memory-safety preconditions; pid is our unreaped child.
        unsafe { libc::kill(self.pid, libc::SIGKILL) };
        if self.wait_exit(DEFAULT_TIMEOUT).is_none() {
            panic!("pid {} did not die within {DEFAULT_TIMEOUT:?} of SIGKILL", self.pid);
        }
    }

    /// Sends a signal (SIGTERM, SIGHUP, SIGINT, ...) to the child, if it is still running.
    pub fn signal(&mut self, sig: i32) {
        if self.try_reap().is_none() {
            // SAFETY: kill has no memory-safety preconditions; pid is our unreaped child.
            unsafe { libc::kill(self.pid, sig) };
        }
    }

    /// Waits for the child to end; returns its exit code, or 128 + the signal that killed
    /// it. None if it is still running after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<i32> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(code) = self.try_reap() {
                return Some(code);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(POLL_INTERVAL);
        }
    }

    /// Changes the terminal size; the child receives SIGWINCH.
    pub fn resize(&mut self, cols: u16, rows: u16) {
        self.lock_parser().screen_mut().set_size(rows, cols);
        let size = PtySize { rows, cols, pixel_width: 0, pixel_height: 0 };
        self.master.resize(size).unwrap_or_else(|e| panic!("cannot resize the pty to {cols}x{rows}: {e:#}"));
    }

    /// Whether the program has put its terminal in raw mode (no line editing), as TUIs do
    /// on start-up. Useful to wait for before typing.
    pub fn tty_is_raw(&self) -> bool {
        let Some(fd) = self.master.as_raw_fd() else {
            return false;
        };
        let mut termios = std::mem::MaybeUninit::<libc::termios>::zeroed();
        // SAFETY: tcgetattr only writes into the termios we own; on a pty master it reports
        // the slave side's settings.
        let ok = unsafe { libc::tcgetattr(fd, termios.as_mut_ptr()) } == 0;
        // SAFETY: zero-initialised, and filled in by tcgetattr when ok.
        ok && unsafe { termios.assume_init() }.c_lflag & libc::ICANON == 0
    }

    fn try_reap(&mut self) -> Option<i32> {
        if self.exit_code.is_none() {
            let mut status: libc::c_int = 0;
            // SAFETY: status is a valid out-pointer; WNOHANG keeps this non-blocking.
            let reaped = unsafe { libc::waitpid(self.pid, &mut status, libc::WNOHANG) };
            if reaped == self.pid {
                self.exit_code = Some(exit_code_of(status));
            }
        }
        self.exit_code
    }

    fn lock_parser(&self) -> MutexGuard<'_, vt100::Parser<QueryResponder>> {
        lock(&self.shared.parser)
    }
}

impl Drop for Tui {
    fn drop(&mut self) {
        if self.try_reap().is_none() {
            // SAFETY: as in kill9. Blocking waitpid reaps it so no zombie outlives the test.
            // The child leads its own session and process group (portable-pty calls setsid),
            // so this also ends helpers it started that would keep the pty open.
            unsafe {
                libc::kill(-self.pid, libc::SIGKILL);
                libc::kill(self.pid, libc::SIGKILL);
                libc::waitpid(self.pid, std::ptr::null_mut(), 0);
            }
        }
    }
}

/// A poisoned lock only means another test thread panicked; the data is still usable.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The screen drawn inside a frame, so blank lines and trailing text are visible.
fn framed(screen: &str) -> String {
    let lines: Vec<&str> = screen.lines().collect();
    let used = lines.iter().rposition(|line| !line.is_empty()).map_or(0, |last| last + 1);
    let mut out = String::from("┌── screen ──\n");
    for line in &lines[..used] {
        out.push('│');
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("└── {} blank rows below ──", lines.len() - used));
    out
}

fn spawn_writer_thread(mut writer: Box<dyn Write + Send>) -> Sender<Vec<u8>> {
    let (sender, receiver) = mpsc::channel::<Vec<u8>>();
    thread::spawn(move || {
        for bytes in receiver {
            if writer.write_all(&bytes).and_then(|()| writer.flush()).is_err() {
                break;
            }
        }
    });
    sender
}

fn spawn_reader_thread(mut reader: Box<dyn Read + Send>, shared: Arc<Shared>, replies: Sender<Vec<u8>>) {
    thread::spawn(move || {
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = match reader.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let at = Instant::now();
            let reply = {
                let mut parser = lock(&shared.parser);
                parser.process(&buf[..n]);
                let mut watch = lock(&shared.watch);
                if watch.iter().any(|w| w.seen.is_none()) {
                    let screen = parser.screen().contents();
                    for w in watch.iter_mut().filter(|w| w.seen.is_none() && screen.contains(&w.needle)) {
                        w.seen = Some(at);
                    }
                }
                drop(watch);
                std::mem::take(&mut parser.callbacks_mut().pending_replies)
            };
            if let Some(kept) = lock(&shared.recorded).as_mut() {
                kept.extend_from_slice(&buf[..n]);
            }
            if !reply.is_empty() {
                let _ = replies.send(reply);
            }
            lock(&shared.arrivals).push(Arrival { at, bytes: n as u64 });
            shared.total_bytes.fetch_add(n as u64, Ordering::AcqRel);
        }
        shared.output_closed.store(true, Ordering::Release);
    });
}

/// The built tiyan on `home` (profile 体验员) at `cols`x`rows`, once its session list is drawn
/// and the terminal is in raw mode, so keys sent next are read as keys.
pub fn start_tiyan(home: &Path, cols: u16, rows: u16) -> Tui {
    name_the_inspector(home, "测试员");
    let home = home.to_str().expect("a UTF-8 temp dir");
    let tui =
        Tui::spawn(Path::new(env!("CARGO_BIN_EXE_tiyan")), &["--home", home, "--profile", "体验员"], &[], cols, rows);
    tui.expect_text("体验活动");
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).expect("raw mode");
    tui
}
