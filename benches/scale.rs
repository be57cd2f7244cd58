//! The office's scale: the 100,000-finding demo store (`tiyan demo --sessions 1000
//! --findings-per-session 100 --seed 1`), measured as a clerk meets it, with SQLite on the same
//! rows where there is an anchor.
//!
//! - Whole processes of the release binary, each against its anchor in alternating runs (the
//!   two share whatever the machine is doing): opening the store (`inspector`), and with a
//!   durable commit (`inspector NAME`) beside a bare 4 KiB write + fsync; `list sessions
//!   --json`; `list findings --json` beside sqlite3 printing the same rows and fields as JSON;
//!   `ledger --json` beside a SQLite GROUP BY giving the same counts. Median, p99 and peak
//!   memory (the child's maximum resident set).
//! - The demo itself: time, peak memory, and the file's size (its length, and what it takes
//!   on disk).
//! - In process: opening, `Store::sessions()`, the ledger's figures from the tally, and one
//!   pass over every finding.
//!
//! The SQLite side is made once from this very store: `list findings --json` and `list
//! sessions --json` loaded into a table each (sqlite3's `readfile` and JSON functions). Without
//! sqlite3 on the PATH its rows are left out. `TIYAN_SCALE_SESSIONS` (default 1000) and
//! `TIYAN_SCALE_RUNS` (default 15) change the scale and the number of runs.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Runs a command to the end with stdout to `out` (or nowhere); its wall time and maximum
/// resident set in KB.
fn run(cmd: &mut Command, out: Option<&Path>) -> (Duration, i64) {
    let stdout = match out {
        Some(path) => Stdio::from(std::fs::File::create(path).expect("output file")),
        None => Stdio::null(),
    };
    let t0 = Instant::now();
    let child = cmd.stdout(stdout).stderr(Stdio::null()).spawn().expect("spawn");
    support::reap(child, t0, &format!("{cmd:?}"))
}

fn tiyan(home: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(["--home", home.to_str().expect("utf-8 path"), "--profile", "office", "--lang", "zh"]).args(args);
    cmd
}

fn sqlite(db: &Path, sql: &str) -> Command {
    let mut cmd = Command::new("sqlite3");
    cmd.arg(db).arg(sql);
    cmd
}

struct Series {
    name: String,
    times: Vec<Duration>,
    peak_kb: i64,
}

impl Series {
    fn new(name: &str) -> Series {
        Series { name: name.to_string(), times: Vec::new(), peak_kb: 0 }
    }

    fn add(&mut self, (time, kb): (Duration, i64)) {
        self.times.push(time);
        self.peak_kb = self.peak_kb.max(kb);
    }

    fn median(&mut self) -> Duration {
        self.times.sort();
        support::percentile(&self.times, 50.0)
    }

    fn print(&mut self) {
        let median = self.median();
        println!(
            "{}: n={} median={:.1} ms p99={:.1} ms peak={:.1} MB",
            self.name,
            self.times.len(),
            median.as_secs_f64() * 1e3,
            support::percentile(&self.times, 99.0).as_secs_f64() * 1e3,
            self.peak_kb as f64 / 1024.0
        );
    }
}

/// A named run of one process: its wall time and maximum resident set in KB.
type Measure<'a> = (&'a str, &'a mut dyn FnMut() -> (Duration, i64));

/// `a` and `b` in turn, `runs` times each; both printed, and how many times `b` `a` took.
fn alternate(runs: usize, a: Measure<'_>, b: Option<Measure<'_>>) {
    let (name_a, run_a) = a;
    let mut sa = Series::new(name_a);
    let mut b = b.map(|(name, f)| (Series::new(name), f));
    for _ in 0..runs {
        sa.add(run_a());
        if let Some((sb, run_b)) = &mut b {
            sb.add(run_b());
        }
    }
    sa.print();
    if let Some((mut sb, _)) = b {
        sb.print();
        println!("  ratio of medians: {:.2}x", sa.median().as_secs_f64() / sb.median().as_secs_f64());
    }
}

/// A bare 4 KiB write and fsync in the store's directory: what one durable commit cannot beat.
fn write_fsync(dir: &Path) -> (Duration, i64) {
    use std::io::Write;
    let path = dir.join("fsync-anchor");
    let t0 = Instant::now();
    let mut file = std::fs::File::create(&path).expect("anchor file");
    file.write_all(&[7u8; 4096]).expect("write");
    file.sync_all().expect("fsync");
    let elapsed = t0.elapsed();
    drop(file);
    let _ = std::fs::remove_file(&path);
    (elapsed, 0)
}

fn in_process(name: &str, runs: usize, mut f: impl FnMut()) {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t0 = Instant::now();
        f();
        times.push(t0.elapsed());
    }
    support::report(name, &mut times);
}

fn main() {
    let sessions = env_usize("TIYAN_SCALE_SESSIONS", 1000);
    let runs = env_usize("TIYAN_SCALE_RUNS", 15);
    let base = std::env::var_os("TIYAN_BENCH_DIR").map(PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::tempdir_in(&base).expect("temp dir");
    let home = tmp.path().join("home");
    let store_file = home.join("office").join("tiyan.redb");
    let (s, n) = (sessions.to_string(), "100".to_string());
    let demo_args = ["demo", "--sessions", s.as_str(), "--findings-per-session", n.as_str(), "--seed", "1"];
    println!("scale: {sessions} sessions x 100 findings; disk: {}", tmp.path().display());

    // The demo: a fresh home each run; the last one is kept for the rest.
    let mut demo = Series::new("tiyan demo (whole process)");
    for _ in 0..3 {
        let _ = std::fs::remove_dir_all(&home);
        demo.add(run(&mut tiyan(&home, &demo_args), None));
    }
    demo.print();
    let length = std::fs::metadata(&store_file).expect("store").len();
    #[cfg(unix)]
    let on_disk = std::os::unix::fs::MetadataExt::blocks(&std::fs::metadata(&store_file).expect("store")) * 512;
    #[cfg(not(unix))]
    let on_disk = length;
    println!("demo file: {:.1} MB long, {:.1} MB on disk", length as f64 / 1e6, on_disk as f64 / 1e6);

    // The anchor: the same rows in SQLite.
    let rows_json = tmp.path().join("findings.json");
    let sessions_json = tmp.path().join("sessions.json");
    run(&mut tiyan(&home, &["list", "findings", "--json"]), Some(&rows_json));
    run(&mut tiyan(&home, &["list", "sessions", "--json"]), Some(&sessions_json));
    let anchor = tmp.path().join("anchor.db");
    let have_sqlite = Command::new("sqlite3").arg("--version").output().is_ok_and(|o| o.status.success());
    if have_sqlite {
        let load = format!(
            "create table findings(id, seq, seq_label, session_id, description, category, tags, severity, unit, \
             measure, deadline, progress, note, status, created_at, checklist_id, check_item, ticket_id, due, \
             days_overdue, target, standard, owner, evidence, rectified_by, rectified_on, closed_by, closed_on, \
             moves, on_the_spot); \
             insert into findings select j.value->>'id', j.value->>'seq', j.value->>'seq_label', \
             j.value->>'session_id', j.value->>'description', j.value->>'category', j.value->'tags', \
             j.value->>'severity', j.value->>'unit', j.value->>'measure', j.value->>'deadline', \
             j.value->>'progress', j.value->>'note', j.value->>'status', j.value->>'created_at', \
             j.value->>'checklist_id', j.value->>'check_item', j.value->>'ticket_id', j.value->>'due', \
             j.value->>'days_overdue', j.value->>'target', j.value->>'standard', j.value->>'owner', \
             j.value->>'evidence', j.value->>'rectified_by', j.value->>'rectified_on', j.value->>'closed_by', \
             j.value->>'closed_on', j.value->'moves', \
             (select m.value->>'from' = 'found' and m.value->>'to' = 'rectified' and m.value->>'evidence' != '' \
              and not m.value->>'reopen' from json_each(j.value->'moves') m limit 1) \
             from json_each(readfile('{}')) j; \
             create table sessions(id, theme, created_at); \
             insert into sessions select j.value->>'id', j.value->>'theme', j.value->>'created_at' \
             from json_each(readfile('{}')) j;",
            rows_json.display(),
            sessions_json.display()
        );
        run(&mut sqlite(&anchor, &load), None);
    } else {
        println!("sqlite3 is not on the PATH: the SQLite anchors are left out");
    }
    let _ = std::fs::remove_file(&rows_json);
    let _ = std::fs::remove_file(&sessions_json);
    const SQL_FINDINGS: &str = "select json_object('id', id, 'seq', seq, 'seq_label', seq_label, 'session_id', \
        session_id, 'description', description, 'category', category, 'tags', json(tags), 'severity', severity, \
        'unit', unit, 'measure', measure, 'deadline', deadline, 'progress', progress, 'note', note, 'status', \
        status, 'created_at', created_at, 'checklist_id', checklist_id, 'check_item', check_item, 'ticket_id', \
        ticket_id, 'due', due, 'days_overdue', days_overdue, 'target', target, 'standard', standard, 'owner', \
        owner, 'evidence', evidence, 'rectified_by', rectified_by, 'rectified_on', rectified_on, 'closed_by', \
        closed_by, 'closed_on', closed_on, 'moves', json(moves)) from findings order by rowid;";
    const SQL_LEDGER: &str = "with f as (select trim(unit) unit, status, on_the_spot, (deadline is not null and \
        deadline < date('now') and status in ('found', 'confirmed', 'assigned', 'rectifying')) overdue from \
        findings), u as (select unit, sum(status != 'not-a-problem') found, sum(status in ('assigned', \
        'rectifying')) rectifying, sum(overdue) overdue, sum(status = 'closed') closed, count(*) total from f \
        group by unit order by overdue desc, total desc, unit) select json_object('counts', (select \
        json_object('walks_done', (select count(*) from sessions), 'found', sum(status != 'not-a-problem'), \
        'on_the_spot', sum(on_the_spot and status != 'not-a-problem'), 'overdue', sum(overdue), 'closed', \
        sum(status = 'closed'), 'not_a_problem', sum(status = 'not-a-problem'), 'close_rate', \
        1.0 * sum(status = 'closed') / sum(status != 'not-a-problem')) from f), 'units', (select \
        json_group_array(json_object('unit', unit, 'found', found, 'rectifying', rectifying, 'overdue', overdue, \
        'closed', closed, 'total', total)) from u));";

    println!("\nwhole processes, alternating:");
    let dir = store_file.parent().expect("profile dir").to_path_buf();
    alternate(
        runs,
        ("tiyan inspector (open, read the name)", &mut || run(&mut tiyan(&home, &["inspector"]), None)),
        None,
    );
    alternate(
        runs,
        ("tiyan inspector NAME (open, one durable commit)", &mut || {
            run(&mut tiyan(&home, &["inspector", "王芳"]), None)
        }),
        Some(("bare 4 KiB write + fsync", &mut || write_fsync(&dir))),
    );
    alternate(
        runs,
        ("tiyan list sessions --json", &mut || run(&mut tiyan(&home, &["list", "sessions", "--json"]), None)),
        None,
    );
    let sql = |q: &'static str| {
        let anchor = anchor.clone();
        move || run(&mut sqlite(&anchor, q), None)
    };
    let (mut sql_findings, mut sql_ledger) = (sql(SQL_FINDINGS), sql(SQL_LEDGER));
    alternate(
        runs,
        ("tiyan list findings --json", &mut || run(&mut tiyan(&home, &["list", "findings", "--json"]), None)),
        have_sqlite
            .then_some(("sqlite3, the same rows and fields as JSON", &mut sql_findings as &mut dyn FnMut() -> _)),
    );
    alternate(
        runs,
        ("tiyan ledger --json", &mut || run(&mut tiyan(&home, &["ledger", "--json"]), None)),
        have_sqlite.then_some(("sqlite3, GROUP BY with the same counts", &mut sql_ledger as &mut dyn FnMut() -> _)),
    );

    println!("\nin process:");
    in_process("Store::open_read_only", runs * 4, || {
        drop(tiyan::store::Store::open_read_only(&store_file).expect("open"))
    });
    in_process("Store::open (writable)", runs * 4, || drop(tiyan::store::Store::open(&store_file).expect("open")));
    let store = tiyan::store::Store::open_read_only(&store_file).expect("open");
    in_process("Store::sessions()", runs * 4, || assert_eq!(store.sessions().expect("sessions").len(), sessions));
    let zone = tiyan::domain::zone::Zone::local();
    let today = zone.date(tiyan::clock::wall_ms_now());
    in_process("ledger figures from the tally (read, filter, count)", runs * 4, || {
        let list: Vec<tiyan::domain::Session> =
            store.sessions().expect("sessions").into_iter().map(|s| s.session).collect();
        let index = tiyan::domain::ledger::SessionIndex::in_zone(&list, zone);
        let rows = store.ledger_tally().expect("tally");
        let (counts, _) = tiyan::domain::ledger::from_tally(&rows, &index, &Default::default(), today);
        assert_eq!(counts.found + counts.not_a_problem, sessions * 100);
    });
    in_process("every finding, a session at a time (each_session_findings)", 3, || {
        let mut n = 0;
        let count = |len: usize| -> Result<(), ()> {
            n += len;
            Ok(())
        };
        store.each_session_findings(|f| f.len(), count).expect("read").expect("counted");
        assert_eq!(n, sessions * 100);
    });
}
