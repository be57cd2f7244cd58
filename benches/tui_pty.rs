//! The TUI at office scale, measured as a user meets it: the built binary in a real
//! pseudo-terminal (the pty harness of `tests/common`, which logs every chunk of output with
//! its arrival time) on the demo store of 100,000 findings (1,000 walks × 100, seed 1).
//!
//! Groups (`cargo bench --bench tui_pty -- <group>` runs one):
//! - `startup`: start → first frame, start → session list shown, and the peak memory then;
//! - `save`: Enter on the capture line → 已保存 on screen, beside a bare 4 KiB write + fsync
//!   on the same disk in the same run (on a copy of the store: the saves add findings);
//! - `sessions`: key → screen quiet for `j` and `k` on the session list at 200x60, and the
//!   bytes each writes, beside `less` paging a file of Chinese lines one line (`j`);
//! - `ledger`: open the ledger (`l`) to its drawn frame, `!`, a filter applied (Ctrl-S) and
//!   cleared (`x`), bytes per `j`, and the peak memory with the ledger open.
//!
//! "Screen quiet" is the arrival of the last byte before 40 ms without output. Times include
//! the pty and the harness's terminal model, as a user's terminal would.
//!
//! Environment: `TIYAN_BIN` measures another build of tiyan (an older one, for a before and
//! after); `TIYAN_BENCH_HOME` names a home holding profile `p` with the demo store, made
//! there (or under target/) with `tiyan demo` when absent.

#[path = "../tests/common/mod.rs"]
#[allow(unused_imports)]
mod common;
mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Key, Tui};

const QUIET: Duration = Duration::from_millis(40);
const LONG: Duration = Duration::from_secs(60);
const SESSIONS: usize = 1000;
const PER_SESSION: usize = 100;

fn bin() -> PathBuf {
    std::env::var_os("TIYAN_BIN").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_tiyan")))
}

/// The home holding profile `p` with the demo store (made once, then kept).
fn demo_home() -> PathBuf {
    let home = std::env::var_os("TIYAN_BENCH_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-home-100k"));
    if !home.join("p/tiyan.redb").exists() {
        let t0 = Instant::now();
        let (s, f) = (SESSIONS.to_string(), PER_SESSION.to_string());
        tiyan(&home, &["demo", "--sessions", &s, "--findings-per-session", &f, "--seed", "1"]);
        tiyan(&home, &["inspector", "王建国"]);
        println!("made the demo store in {:.1?}", t0.elapsed());
    }
    home
}

fn tiyan(home: &Path, args: &[&str]) {
    let out = Command::new(bin())
        .args(["--home", home.to_str().expect("utf-8 home"), "--profile", "p"])
        .args(args)
        .output()
        .expect("tiyan runs");
    assert!(out.status.success(), "tiyan {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn spawn(home: &Path, cols: u16, rows: u16, watch: &[&str]) -> Tui {
    let home = home.to_str().expect("utf-8 home");
    Tui::spawn_watching(&bin(), &["--home", home, "--profile", "p"], &[], cols, rows, watch)
}

fn loaded_title() -> String {
    format!("体验活动 ({SESSIONS})")
}

/// The process's peak resident memory (VmHWM), in MiB.
fn peak_mib(pid: i32) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// Sends `key` and waits for its output, then for the screen to go quiet: how long until
/// its last byte, and how many bytes it wrote.
fn press(tui: &mut Tui, key: &str) -> (Duration, u64) {
    let t0 = Instant::now();
    tui.send(key);
    let first = Instant::now() + LONG;
    while tui.arrivals_since(t0).is_empty() && Instant::now() < first {
        std::thread::sleep(Duration::from_micros(200));
    }
    let last = tui.wait_quiet(t0, QUIET, LONG);
    let bytes = tui.bytes_between(t0, Instant::now());
    (last.map(|l| l - t0).unwrap_or_default(), bytes)
}

fn report_bytes(name: &str, bytes: &mut [u64]) {
    bytes.sort_unstable();
    let median = bytes.get(bytes.len() / 2).copied().unwrap_or(0);
    println!(
        "{name}: n={} median={median} B max={} B min={} B",
        bytes.len(),
        bytes.last().copied().unwrap_or(0),
        bytes.first().copied().unwrap_or(0)
    );
}

fn quit(mut tui: Tui) {
    tui.send("q");
    if tui.wait_exit(Duration::from_secs(20)).is_none() {
        tui.kill9();
    }
}

fn startup(home: &Path) {
    let (mut first, mut listed) = (Vec::new(), Vec::new());
    let mut peak = 0.0f64;
    let title = loaded_title();
    for _ in 0..10 {
        let t0 = Instant::now();
        let tui = spawn(home, 100, 30, &["体验活动", &title]);
        let shown = tui.wait_seen(&title, LONG).expect("the session list shows");
        first.push(tui.seen("体验活动").expect("first frame") - t0);
        listed.push(shown - t0);
        tui.wait_quiet(shown, QUIET, LONG);
        peak = peak.max(peak_mib(tui.pid()));
        quit(tui);
    }
    support::report("start → first frame (100x30)", &mut first);
    support::report("start → session list shown (100x30)", &mut listed);
    println!("peak memory with the session list shown: {peak:.0} MiB");
}

fn save(home: &Path) {
    // A copy: the saves add findings to the first walk.
    let copy = tempfile::tempdir_in(home.parent().unwrap_or(Path::new("/tmp"))).expect("temp home");
    std::fs::create_dir_all(copy.path().join("p")).expect("profile dir");
    std::fs::copy(home.join("p/tiyan.redb"), copy.path().join("p/tiyan.redb")).expect("copy the store");
    let mut tui = spawn(copy.path(), 100, 30, &[]);
    tui.wait_for(&loaded_title(), LONG).expect("the session list shows");
    tui.wait_quiet(Instant::now(), QUIET, LONG);
    tui.key(Key::Enter);
    tui.wait_quiet(Instant::now(), Duration::from_millis(300), LONG);
    let mut file = std::fs::File::create(copy.path().join("bare.bin")).expect("bare file");
    let block = vec![0x5au8; 4096];
    let (mut saves, mut bare) = (Vec::new(), Vec::new());
    for i in 0..100 {
        tui.send("c");
        tui.wait_quiet(Instant::now(), QUIET, LONG);
        let text = format!("叫号屏不显示窗口号{i}");
        tui.paste(&text);
        tui.wait_for(&text, LONG).expect("the text on the capture line");
        tui.wait_until(|s| !s.contains("已保存"), LONG).expect("no 已保存 before Enter");
        tui.wait_quiet(Instant::now(), QUIET, LONG);
        tui.watch_for("已保存");
        let t0 = Instant::now();
        tui.key(Key::Enter);
        saves.push(tui.wait_seen("已保存", LONG).expect("已保存 shows") - t0);
        tui.wait_quiet(Instant::now(), QUIET, LONG);
        let t0 = Instant::now();
        file.write_all(&block).expect("write");
        file.sync_all().expect("fsync");
        bare.push(t0.elapsed());
    }
    quit(tui);
    support::report("Enter → 已保存 on screen (pty, 100,000 findings)", &mut saves);
    support::report("bare 4 KiB write + fsync, same disk, same run", &mut bare);
}

/// `j` and `k` within the first page (no scrolling), then `j` scrolling a row each.
fn keys_on_a_list(tui: &mut Tui, what: &str, rounds: usize, moves: usize) {
    let (mut j_time, mut j_bytes, mut k_time, mut k_bytes) = (vec![], vec![], vec![], vec![]);
    for _ in 0..rounds {
        for _ in 0..moves {
            let (t, b) = press(tui, "j");
            j_time.push(t);
            j_bytes.push(b);
        }
        for _ in 0..moves {
            let (t, b) = press(tui, "k");
            k_time.push(t);
            k_bytes.push(b);
        }
    }
    support::report(&format!("{what}: j → screen quiet"), &mut j_time);
    report_bytes(&format!("{what}: bytes per j"), &mut j_bytes);
    support::report(&format!("{what}: k → screen quiet"), &mut k_time);
    report_bytes(&format!("{what}: bytes per k"), &mut k_bytes);
    let (mut s_time, mut s_bytes) = (vec![], vec![]);
    for _ in 0..80 {
        let (t, b) = press(tui, "j");
        s_time.push(t);
        s_bytes.push(b);
    }
    // The first ~60 moves of these reach the bottom of the page; the rest scroll.
    let (s_time, s_bytes) = (&mut s_time[60..], &mut s_bytes[60..]);
    support::report(&format!("{what}: j scrolling a row → screen quiet"), s_time);
    report_bytes(&format!("{what}: bytes per j scrolling a row"), s_bytes);
}

fn sessions(home: &Path) {
    let mut tui = spawn(home, 200, 60, &[]);
    tui.wait_for(&loaded_title(), LONG).expect("the session list shows");
    tui.wait_quiet(Instant::now(), QUIET, LONG);
    keys_on_a_list(&mut tui, "session list 200x60", 4, 40);
    quit(tui);
    less_anchor(home);
}

/// `less` paging a file of Chinese lines one line forward, at the same size.
fn less_anchor(home: &Path) {
    let path = home.join("less-anchor.txt");
    let lines: String = (0..2000)
        .map(|i| {
            format!(
                "{i:>5}  11-22 09:30  企业开办  陪同体验  窗口办理  县政务服务中心 {}号窗口  已结束  {}\n",
                i % 9 + 1,
                i % 7
            )
        })
        .collect();
    std::fs::write(&path, lines).expect("anchor file");
    let env = [("LESSCHARSET", "utf-8")];
    let mut tui = Tui::spawn(Path::new("less"), &[path.to_str().expect("utf-8")], &env, 200, 60);
    tui.wait_for("企业开办", LONG).expect("less shows the file");
    tui.wait_quiet(Instant::now(), QUIET, LONG);
    let (mut time, mut bytes) = (vec![], vec![]);
    for _ in 0..100 {
        let (t, b) = press(&mut tui, "j");
        time.push(t);
        bytes.push(b);
    }
    support::report("less 200x60: j → screen quiet", &mut time);
    report_bytes("less 200x60: bytes per j", &mut bytes);
    tui.send("q");
    let _ = tui.wait_exit(Duration::from_secs(5));
}

fn ledger(home: &Path) {
    // The first opening in a run (a second one shows the last load at once, then reloads).
    let (mut open, mut before, mut peak) = (vec![], 0.0f64, 0.0f64);
    for _ in 0..5 {
        let mut tui = spawn(home, 200, 60, &[]);
        tui.wait_for(&loaded_title(), LONG).expect("the session list shows");
        tui.wait_quiet(Instant::now(), QUIET, LONG);
        before = before.max(peak_mib(tui.pid()));
        tui.watch_for("销号率");
        let t0 = Instant::now();
        tui.send("l");
        let seen = tui.wait_seen("销号率", LONG).expect("the ledger shows");
        let last = tui.wait_quiet(seen, QUIET, LONG).unwrap_or(seen);
        open.push(last - t0);
        peak = peak.max(peak_mib(tui.pid()));
        quit(tui);
    }
    support::report("open the ledger (l) → drawn, 200x60", &mut open);
    println!("peak memory before the ledger: {before:.0} MiB; with the ledger open: {peak:.0} MiB");
    let mut tui = spawn(home, 200, 60, &[]);
    tui.wait_for(&loaded_title(), LONG).expect("the session list shows");
    tui.send("l");
    tui.wait_for("销号率", LONG).expect("the ledger shows");
    tui.wait_quiet(Instant::now(), Duration::from_millis(300), LONG);
    let (mut bang, mut apply, mut clear) = (vec![], vec![], vec![]);
    for _ in 0..20 {
        bang.push(press(&mut tui, "!").0);
    }
    for _ in 0..10 {
        tui.send("f");
        tui.wait_quiet(Instant::now(), QUIET, LONG);
        tui.paste("整改中");
        tui.wait_quiet(Instant::now(), QUIET, LONG);
        apply.push(press(&mut tui, "\x13").0);
        clear.push(press(&mut tui, "x").0);
    }
    support::report("ledger: ! → screen quiet", &mut bang);
    support::report("ledger: filter applied (Ctrl-S) → screen quiet", &mut apply);
    support::report("ledger: filter cleared (x) → screen quiet", &mut clear);
    keys_on_a_list(&mut tui, "ledger 200x60", 2, 40);
    quit(tui);
}

type Group = (&'static str, fn(&Path));

fn main() {
    let home = demo_home();
    println!("binary: {}", bin().display());
    let groups: [Group; 4] = [("startup", startup), ("save", save), ("sessions", sessions), ("ledger", ledger)];
    let only: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    for (name, group) in groups {
        if only.is_empty() || only.iter().any(|o| name.contains(o.as_str())) {
            group(&home);
        }
    }
}
