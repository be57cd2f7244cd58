//! Sync bundles at the office's scale: an inspector profile holding the 100,000-finding demo
//! (`tiyan demo --sessions 1000 --findings-per-session 100 --seed 1`) writes a bundle of
//! everything for the office, and an empty office profile imports it; whole processes of the
//! release binary, as a clerk meets them.
//!
//! - Export (`export --all`) beside its anchor in alternating runs: `list findings --json |
//!   zstd -3` of the same profile (`sh -c`), the same rows compressed the same way. Time, peak
//!   memory (the child's maximum resident set; the pipe's is left out) and bytes written.
//! - Import into an empty office profile (a copy of one made once, so the bundle is addressed
//!   to it), with `--trust-new`: time, ops per second, peak memory. Then the same file again:
//!   time, and whether its log changed (`strace -c -e fdatasync,pwrite64` shows it makes the
//!   very calls of opening and closing the profile, and no more).
//!
//! `TIYAN_BUNDLE_SESSIONS` (default 1000) and `TIYAN_BUNDLE_RUNS` (default 5) change the scale
//! and the number of runs; the work happens under `TIYAN_BENCH_DIR` (else the temp dir).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs a command to the end (stdout captured); its wall time, maximum resident set in KB and
/// stdout.
fn run(cmd: &mut Command) -> (Duration, i64, String) {
    let t0 = Instant::now();
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = std::io::Read::read_to_string(&mut stdout, &mut text);
        text
    });
    let (elapsed, kb) = support::reap(child, t0, &format!("{cmd:?}"));
    (elapsed, kb, reader.join().unwrap_or_default())
}

fn tiyan(home: &Path, profile: &str, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--home", home.to_str().expect("utf-8 path"), "--profile", profile, "--lang", "zh"]).args(args);
    cmd
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1e6
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sessions = env_usize("TIYAN_BUNDLE_SESSIONS", 1000).to_string();
    let runs = env_usize("TIYAN_BUNDLE_RUNS", 5).max(1);
    let base = std::env::var_os("TIYAN_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new().prefix("tiyan-bundles-").tempdir_in(&base).expect("bench dir");
    let home = dir.path();

    // The inspector's profile and an empty office it trusts.
    let demo = ["demo", "--sessions", sessions.as_str(), "--findings-per-session", "100", "--seed", "1"];
    run(&mut tiyan(home, "wang", &["inspector", "王建国"]));
    let (t, _, _) = run(&mut tiyan(home, "wang", &demo));
    println!("demo of {sessions} sessions x 100 findings: {:.1} s", t.as_secs_f64());
    run(&mut tiyan(home, "office", &["office", "init", "--name", "巫溪县政务服务中心"]));
    let cards = home.join("cards");
    std::fs::create_dir(&cards).unwrap();
    run(&mut tiyan(home, "office", &["office", "card", "--to", cards.to_str().unwrap()]));
    let card = std::fs::read_dir(&cards).unwrap().next().unwrap().unwrap().path();
    run(&mut tiyan(home, "wang", &["peers", "trust", card.to_str().unwrap()]));
    let empty_office = std::fs::read(home.join("office").join("tiyan.redb")).expect("the office store");

    let mut export = Vec::new();
    let mut anchor = Vec::new();
    let (mut export_kb, mut bundle_bytes, mut zstd_bytes) = (0i64, 0u64, 0u64);
    let mut bundle = PathBuf::new();
    for i in 0..runs {
        let out = home.join(format!("stick-{i}"));
        std::fs::create_dir(&out).unwrap();
        let (t, kb, _) = run(&mut tiyan(home, "wang", &["export", "--to", out.to_str().unwrap(), "--all"]));
        export.push(t);
        export_kb = export_kb.max(kb);
        bundle = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap().path();
        bundle_bytes = std::fs::metadata(&bundle).unwrap().len();

        let zst = home.join(format!("findings-{i}.json.zst"));
        let script = format!(
            "{BIN} --home '{}' --profile wang --lang zh list findings --json | zstd -3 -q -f -o '{}'",
            home.display(),
            zst.display()
        );
        let (t, _, _) = run(Command::new("sh").args(["-c", &script]));
        anchor.push(t);
        zstd_bytes = std::fs::metadata(&zst).unwrap().len();
    }
    let (e, a) = (median(&mut export), median(&mut anchor));
    println!(
        "export --all: median {:.2} s, peak {:.0} MB, bundle {:.1} MB | list findings --json | zstd -3: median {:.2} s, {:.1} MB | time {:.2}x, size {:.2}x",
        e.as_secs_f64(),
        export_kb as f64 / 1e3,
        mb(bundle_bytes),
        a.as_secs_f64(),
        mb(zstd_bytes),
        e.as_secs_f64() / a.as_secs_f64(),
        bundle_bytes as f64 / zstd_bytes as f64
    );

    let mut import = Vec::new();
    let mut again = Vec::new();
    let (mut import_kb, mut ops, mut unchanged) = (0i64, 0u64, true);
    for i in 0..runs {
        let profile = format!("office-{i}");
        std::fs::create_dir(home.join(&profile)).unwrap();
        let store = home.join(&profile).join("tiyan.redb");
        std::fs::write(&store, &empty_office).unwrap();
        let file = bundle.to_str().unwrap();
        let (t, kb, json) = run(&mut tiyan(home, &profile, &["import", file, "--trust-new", "--json"]));
        import.push(t);
        import_kb = import_kb.max(kb);
        let report: serde_json::Value = serde_json::from_str(&json).expect("import --json");
        ops = report[0]["ops_new"].as_u64().unwrap_or(0);
        let log = |home: &Path| run(&mut tiyan(home, &profile, &["imports", "--json"])).2;
        let before = log(home);
        let (t, _, json) = run(&mut tiyan(home, &profile, &["import", file, "--json"]));
        again.push(t);
        let report: serde_json::Value = serde_json::from_str(&json).expect("import --json");
        assert!(report[0]["already_imported_at"].is_string(), "the second import is known as one");
        // The file's bytes cannot tell: redb rewrites its header and allocator state on every
        // writable open and close. The imports log would hold a second entry.
        unchanged &= log(home) == before;
        std::fs::remove_dir_all(home.join(&profile)).unwrap();
    }
    let (i, r) = (median(&mut import), median(&mut again));
    println!(
        "import into an empty office: median {:.2} s for {ops} ops = {:.0} ops/s, peak {:.0} MB | again: median {:.3} s ({:.1}% of the first), imports log unchanged: {unchanged}",
        i.as_secs_f64(),
        ops as f64 / i.as_secs_f64(),
        import_kb as f64 / 1e3,
        r.as_secs_f64(),
        100.0 * r.as_secs_f64() / i.as_secs_f64()
    );
    println!(
        "memory goal (2 x bundle + 30 MB = {:.0} MB): export {:.0} MB, import {:.0} MB",
        2.0 * mb(bundle_bytes) + 30.0,
        export_kb as f64 / 1e3,
        import_kb as f64 / 1e3
    );
}
