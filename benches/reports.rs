//! Office documents at the office's scale: the 整改台账 of the 100,000-finding demo
//! (`tiyan demo --sessions 1000 --findings-per-session 100 --seed 1`) as Excel and as CSV, and a
//! session's 体验报告 in Word, each a whole process of the release binary (time and peak
//! memory, the maximum resident set), beside `list findings --json` of the same profile, which
//! reads the same findings. The session reported carries ten photos of 4 MB (two of its own,
//! one on each of eight findings), as an inspector's phone takes them. Medians of `TIYAN_REPORT_RUNS` (default 5) alternating runs;
//! `TIYAN_REPORT_SESSIONS` (default 1000) changes the scale; the work happens under
//! `TIYAN_BENCH_DIR` (else the temp dir).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[path = "../tests/photo_fixture/mod.rs"]
mod photo_fixture;
mod support;

/// Photos attached to the session reported, and the size of each.
const PHOTOS: usize = 10;
const PHOTO_BYTES: usize = 4_000_000;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// A whole process to its end: its wall time and maximum resident set in KB.
fn run(home: &Path, args: &[&str]) -> (Duration, i64) {
    let t0 = Instant::now();
    let child = Command::new(BIN)
        .args(["--home", home.to_str().expect("utf-8 path"), "--profile", "p", "--lang", "zh"])
        .args(args)
        .current_dir(home)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    support::reap(child, t0, &format!("{args:?}"))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sessions = env_usize("TIYAN_REPORT_SESSIONS", 1000).to_string();
    let runs = env_usize("TIYAN_REPORT_RUNS", 5).max(1);
    let base = std::env::var_os("TIYAN_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let dir = tempfile::Builder::new().prefix("tiyan-reports-").tempdir_in(&base).expect("bench dir");
    let home = dir.path();
    let (t, _) = run(home, &["demo", "--sessions", &sessions, "--findings-per-session", "100", "--seed", "1"]);
    println!("demo of {sessions} sessions x 100 findings: {:.1} s", t.as_secs_f64());
    let session = {
        let out = Command::new(BIN)
            .args(["--home", home.to_str().unwrap(), "--profile", "p", "list", "sessions", "--json"])
            .output()
            .expect("list sessions");
        let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        list[0]["id"].as_str().expect("a session").to_string()
    };
    attach_photos(home, &session);
    let jobs: [(&str, Vec<&str>); 5] = [
        ("report ledger --format xlsx", vec!["report", "ledger", "--format", "xlsx", "--force", "--out", "l.xlsx"]),
        ("report ledger --format csv", vec!["report", "ledger", "--format", "csv", "--force", "--out", "l.csv"]),
        (
            "report session --format docx (10 photos)",
            vec!["report", "session", &session, "--format", "docx", "--force", "--out", "s.docx"],
        ),
        (
            "report session --format html (10 photos)",
            vec!["report", "session", &session, "--format", "html", "--force", "--out", "s.html"],
        ),
        ("list findings --json (anchor)", vec!["list", "findings", "--json"]),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); jobs.len()];
    let mut peaks = vec![0i64; jobs.len()];
    // The floor under a report with photos: the same bytes read and written to one file, made
    // durable, by coreutils.
    let mut copies = Vec::new();
    for _ in 0..runs {
        for (i, (_, args)) in jobs.iter().enumerate() {
            let (t, kb) = run(home, args);
            times[i].push(t);
            peaks[i] = peaks[i].max(kb);
        }
        copies.push(copy_photos(home));
    }
    copies.sort();
    let copy = copies[copies.len() / 2];
    println!("cat of the 10 photos into one file + sync (the photos' floor): median {:.2} s", copy.as_secs_f64());
    let anchor = {
        let mut t = times[jobs.len() - 1].clone();
        t.sort();
        t[t.len() / 2]
    };
    for (i, (name, _)) in jobs.iter().enumerate() {
        times[i].sort();
        let m = times[i][times[i].len() / 2];
        println!(
            "{name}: median {:.2} s ({:.2}x the anchor), peak {:.0} MB",
            m.as_secs_f64(),
            m.as_secs_f64() / anchor.as_secs_f64(),
            peaks[i] as f64 / 1e3
        );
    }
}

/// `cat` the photos into one file and `sync` it: a whole process, timed.
fn copy_photos(home: &Path) -> Duration {
    let t0 = Instant::now();
    let status = Command::new("sh")
        .args(["-c", "cat 照片*.jpg > photos.bin && sync photos.bin"])
        .current_dir(home)
        .status()
        .expect("sh runs");
    assert!(status.success(), "cat and sync");
    t0.elapsed()
}

/// Ten photos on `session`: two on the session, one on each of its first eight findings.
fn attach_photos(home: &Path, session: &str) {
    let tiyan = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(["--home", home.to_str().unwrap(), "--profile", "p"])
            .args(args)
            .output()
            .expect("tiyan runs");
        assert!(out.status.success(), "tiyan {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    let photos: Vec<String> = (0..PHOTOS)
        .map(|i| {
            let path = home.join(format!("照片{i}.jpg"));
            // Distinct bytes each (a turned one among them), so each is its own file.
            let orientation = if i == 3 { 6 } else { 1 };
            std::fs::write(&path, photo_fixture::jpeg(4000 + i as u16, 3000, orientation, PHOTO_BYTES)).unwrap();
            path.to_str().unwrap().to_string()
        })
        .collect();
    tiyan(&["attach", "--session", session, &photos[0], &photos[1]]);
    let findings: serde_json::Value =
        serde_json::from_slice(&tiyan(&["list", "findings", "--session", session, "--json"])).expect("json");
    for (photo, finding) in photos[2..].iter().zip(findings.as_array().expect("findings")) {
        tiyan(&["attach", "--finding", finding["id"].as_str().unwrap(), photo]);
    }
}
