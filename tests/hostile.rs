//! Hostile files and hostile text, through the real binary: names holding terminal escape
//! sequences, config files that are pipes, devices, loops or huge, keymaps and templates with
//! hundreds of thousands of problems, and the exit codes scripts rely on. Every run of the
//! binary is guarded by a timeout: a hang fails the test instead of stalling the suite.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::rectify_fixtures::{day, finding_through_moves, id_at};
use tiyan::domain::FindingStatus::{self, *};
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityKind, Value};
use tiyan::keymap::Keymap;
use tiyan::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const PROFILE: &str = "督查科";
/// Long enough for a loaded machine, short enough that a hang is not mistaken for slowness.
const HANG: Duration = Duration::from_secs(60);

/// A unit name as in the issue: set the window title, clear the screen, then the real name.
const EVIL_UNIT: &str = "\u{1b}]0;PWNED\u{7}\u{1b}[2J县医保局";
/// An inspector name: red background, set the title, then the name.
const EVIL_INSPECTOR: &str = "\u{1b}[41m坏人\u{1b}]2;T\u{7}";

struct Home {
    dir: tempfile::TempDir,
}

/// What a run printed, and how it ended.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn ok(&self) -> &Run {
        assert_eq!(self.code, Some(0), "stdout: {}\nstderr: {}", self.stdout, self.stderr);
        self
    }
}

/// Runs `command` to its end, or kills it and fails after [`HANG`].
fn guarded(command: &mut Command) -> Output {
    let mut child =
        command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("tiyan starts");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            bytes
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > HANG {
            let _ = child.kill();
            let _ = child.wait();
            panic!("tiyan {command:?} did not finish in {HANG:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output { status, stdout: stdout.join().unwrap(), stderr: stderr.join().unwrap() }
}

impl Home {
    /// A home with a config dir and an empty profile (reading commands never make one).
    fn new() -> Home {
        let home = Home { dir: tempfile::tempdir().unwrap() };
        std::fs::create_dir_all(home.config()).unwrap();
        drop(tiyan::store::Store::open(&home.store_path()).unwrap());
        home
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    fn store_path(&self) -> PathBuf {
        self.dir.path().join(PROFILE).join("tiyan.redb")
    }

    fn tiyan_in(&self, lang: &str, args: &[&str]) -> Run {
        let out = guarded(
            Command::new(BIN)
                .args(["--home", self.dir.path().to_str().unwrap(), "--profile", PROFILE, "--lang", lang])
                .args(args)
                .env("TZ", "UTC")
                .env_remove("TIYAN_CONFIG_DIR")
                .env_remove("TIYAN_HOME"),
        );
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    fn tiyan(&self, args: &[&str]) -> Run {
        self.tiyan_in("zh", args)
    }

    /// One walk and one finding per (description, unit, deadline, status), with the library.
    fn seed(&self, rows: &[(&str, &str, &str, FindingStatus)]) -> Vec<String> {
        let mut store = Store::open(&self.store_path()).unwrap();
        let ms = day("2026-11-02").and_hms_opt(9, 0, 0).unwrap().and_utc().timestamp_millis();
        let session = id_at(ms, 1);
        let set = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
        store
            .apply(&[set(sf::ITEM, Value::text("医保报销")), set(sf::THEME, Value::text("medical_insurance"))])
            .unwrap();
        let mut ids = Vec::new();
        for (n, (description, unit, deadline, status)) in rows.iter().enumerate() {
            let id = finding_through_moves(&mut store, session, n as i64 + 1, description, (unit, deadline, *status));
            ids.push(tiyan::domain::op::entity_id_string(id));
        }
        ids
    }
}

/// Nothing a terminal would act on: no C0 or C1 control but the newline.
fn assert_inert(what: &str, text: &str) {
    let bad: Vec<char> = text.chars().filter(|c| c.is_control() && *c != '\n').collect();
    assert!(bad.is_empty(), "{what} printed control characters {bad:?}:\n{text:?}");
}

// 9. Terminal injection.

#[test]
fn names_with_escape_sequences_never_reach_the_terminal_raw_but_json_stays_exact() {
    let home = Home::new();
    home.seed(&[("窗口排队久\u{1b}[2J", EVIL_UNIT, "2020-01-10", Assigned)]);
    let mut store = Store::open(&home.store_path()).unwrap();
    store.set_inspector(EVIL_INSPECTOR).unwrap();
    drop(store);

    let runs = [
        ("list findings", home.tiyan(&["list", "findings"])),
        ("ledger", home.tiyan(&["ledger"])),
        ("ledger --reminders", home.tiyan(&["ledger", "--reminders"])),
        ("inspector", home.tiyan(&["inspector"])),
        ("list sessions", home.tiyan(&["list", "sessions"])),
    ];
    for (what, run) in &runs {
        run.ok();
        assert_inert(what, &run.stdout);
        assert_inert(what, &run.stderr);
    }
    // What was there is still shown, each control as `?`; the column holds the real name.
    // 14 columns for the unit: cut after sanitizing, so the cut cannot leave an open OSC.
    assert!(
        runs[0].1.stdout.contains("窗口排队久?[2J") && runs[0].1.stdout.contains("?]0;PWNED??[.."),
        "{}",
        runs[0].1.stdout
    );
    assert!(runs[1].1.stdout.contains("?]0;PWNED??[2J县医保局"), "{}", runs[1].1.stdout);
    assert!(runs[2].1.stdout.contains("?]0;PWNED??[2J县医保局（逾期 1 项）"), "{}", runs[2].1.stdout);
    assert!(runs[3].1.stdout.contains("?[41m坏人?]2;T?"), "{}", runs[3].1.stdout);

    // --json keeps the exact text, escaped as JSON escapes it.
    let json = home.tiyan(&["list", "findings", "--json"]);
    assert_inert("list findings --json", &json.ok().stdout);
    let findings: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(findings[0]["unit"], EVIL_UNIT);
    assert_eq!(findings[0]["description"], "窗口排队久\u{1b}[2J");
}

#[test]
fn control_characters_in_names_are_refused_at_input_naming_the_field() {
    let home = Home::new();
    let ids = home.seed(&[("叫号屏不显示窗口号", "", "", Confirmed)]);
    let run = home.tiyan(&["inspector", EVIL_INSPECTOR]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("NAME") && run.stderr.contains("U+001B"), "{}", run.stderr);
    assert_inert("inspector refusal", &run.stderr);
    assert!(home.tiyan(&["inspector"]).ok().stdout.contains("尚未设置经办人"), "nothing was stored");

    let assign = |extra: &[&str]| {
        let mut args = vec!["finding", "set-status", &ids[0], "assigned", "--deadline", "2099-12-31"];
        for (flag, value) in [("--by", "张三"), ("--unit", "县医保局"), ("--measure", "修复叫号屏")] {
            if !extra.contains(&flag) {
                args.extend_from_slice(&[flag, value]);
            }
        }
        args.extend_from_slice(extra);
        home.tiyan(&args)
    };
    for (flag, value) in [
        ("--unit", EVIL_UNIT),
        ("--by", EVIL_INSPECTOR),
        ("--owner", "赵\u{7}科长"),
        ("--measure", "修复\u{1b}[2J"),
        ("--target", "a\u{9b}31m"),
    ] {
        let run = assign(&[flag, value]);
        assert_eq!(run.code, Some(1), "{flag}: {}", run.stderr);
        assert!(run.stderr.contains(flag), "{flag}: {}", run.stderr);
        assert_inert(flag, &run.stderr);
    }
    // Free text may span lines.
    assign(&["--standard", "高峰时段\n开足窗口"]).ok();
    let json = home.tiyan(&["list", "findings", "--json"]);
    let f: serde_json::Value = serde_json::from_str(&json.ok().stdout).unwrap();
    assert_eq!((&f[0]["unit"], &f[0]["standard"]), (&"县医保局".into(), &"高峰时段\n开足窗口".into()));
    let run = home.tiyan(&["list", "findings", "--unit", "\u{1b}[2J"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    let home_dir = home.dir.path().to_str().unwrap();
    let out = guarded(Command::new(BIN).args(["--home", home_dir, "--profile", "a\u{1b}b", "list", "sessions"]));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(1) && stderr.contains("--profile"), "{stderr}");
    assert!(!home.dir.path().join("a\u{1b}b").exists(), "no folder made for it");
}

// 10. Config paths that are not regular files.

fn mkfifo(path: &Path) {
    let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0, "mkfifo {}", path.display());
}

#[test]
fn named_pipes_in_place_of_every_config_file_are_reported_not_waited_on() {
    let home = Home::new();
    let config = home.config();
    for name in ["config.toml", "units.toml", "holidays.toml", "keymap.toml"] {
        mkfifo(&config.join(name));
    }
    std::fs::create_dir_all(config.join("checklists")).unwrap();
    mkfifo(&config.join("checklists").join("mine.toml"));

    let run = home.tiyan(&["list", "sessions"]);
    run.ok();
    for name in ["config.toml", "units.toml", "holidays.toml"] {
        let line = run.stderr.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name}: {}", run.stderr));
        assert!(line.starts_with("tiyan: ") && line.contains("是命名管道，不是普通文件"), "{line}");
    }
    let run = home.tiyan_in("en", &["keymap", "check"]);
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(
        run.stderr.contains("keymap.toml: error: cannot read keymap: a named pipe, not a regular file"),
        "{}",
        run.stderr
    );
    let run = home.tiyan_in("en", &["keymap", "show"]);
    assert!(run.ok().stderr.contains("a named pipe"), "{}", run.stderr);
    let run = home.tiyan_in("en", &["template", "list"]);
    let broken = run.ok().stdout.lines().find(|l| l.contains("mine.toml")).unwrap_or_default().to_string();
    assert!(broken.contains("broken") && broken.contains("a named pipe, not a regular file"), "{}", run.stdout);
    let run = home.tiyan_in("en", &["template", "check", config.join("checklists/mine.toml").to_str().unwrap()]);
    assert!(run.code == Some(1) && run.stderr.contains("a named pipe"), "{}", run.stderr);
}

#[test]
fn the_tui_starts_and_says_so_when_the_keymap_is_a_pipe() {
    let home = crate::common::temp_home();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    mkfifo(&config.join("keymap.toml"));
    let tui = crate::common::start_tiyan(home.path(), 160, 24);
    let screen = tui.expect_text("a named pipe");
    assert!(screen.contains("keymap.toml"), "{screen}");
}

#[test]
fn a_link_to_dev_zero_and_a_huge_file_are_refused_at_the_cap() {
    let home = Home::new();
    let config = home.config();
    std::os::unix::fs::symlink("/dev/zero", config.join("config.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", config.join("keymap.toml")).unwrap();
    // One byte over 1 MiB, and sound TOML otherwise: the size alone refuses it.
    let mut units = String::from("# 单位\n");
    units.push_str(&" ".repeat((1 << 20) + 1 - units.len()));
    std::fs::write(config.join("units.toml"), &units).unwrap();

    let run = home.tiyan_in("en", &["list", "sessions"]);
    run.ok();
    assert!(run.stderr.contains("config.toml: a character device, not a regular file"), "{}", run.stderr);
    assert!(run.stderr.contains("units.toml: larger than 1 MiB; not read"), "{}", run.stderr);
    let run = home.tiyan_in("en", &["keymap", "check"]);
    assert!(run.code == Some(1) && run.stderr.contains("a character device"), "{}", run.stderr);

    let template = config.join("big.toml");
    std::fs::write(&template, "#".repeat((4 << 20) + 1)).unwrap();
    let run = home.tiyan_in("en", &["template", "check", template.to_str().unwrap()]);
    assert!(run.code == Some(1) && run.stderr.contains("larger than 4 MiB"), "{}", run.stderr);
}

// 11. Problems reported in linear time, at most 50 and a count.

/// About 10 MB of `"kN" = "nope"` lines: two errors each (no such key, no such action).
fn hostile_keymap() -> String {
    let mut text = String::from("[global]\n");
    let mut n = 0;
    while text.len() < 10_000_000 {
        text.push_str(&format!("\"k{n}\" = \"nope\"\n"));
        n += 1;
    }
    text
}

/// About 10 MB of lines that are not TOML.
fn hostile_template() -> String {
    let mut text = String::new();
    let mut n = 0;
    while text.len() < 10_000_000 {
        text.push_str(&format!("bad line {n} = = \n"));
        n += 1;
    }
    text
}

#[test]
fn a_10_mb_hostile_keymap_and_template_report_fifty_problems_and_a_count() {
    let keymap = hostile_keymap();
    let problems = Keymap::check_str("k.toml", &keymap);
    assert_eq!(problems.len(), 51, "50 and the count");
    assert_eq!((problems[0].line, problems[49].line), (2, 26), "the first ones, in file order");
    let (errors, _) = tiyan::problem::totals(&problems);
    assert!(errors > 1_000_000, "every problem counted: {errors}");
    assert!(problems[50].message.contains("more problem(s) not shown"), "{}", problems[50]);

    let template = hostile_template();
    let Err(problems) = tiyan::checklist::parse_template("t.toml", &template) else { panic!("parsed") };
    assert_eq!(problems.len(), 51);
    assert!(problems[..50].iter().all(|p| p.line <= 50), "{:?}", &problems[..3]);
    assert!(problems[50].omitted().is_some_and(|(errors, _)| errors > 100_000), "{}", problems[50]);

    // The same files on disk are refused by size before they are parsed.
    let home = Home::new();
    let (k, t) = (home.config().join("keymap.toml"), home.config().join("t.toml"));
    std::fs::write(&k, &keymap).unwrap();
    std::fs::write(&t, &template).unwrap();
    let run = home.tiyan_in("en", &["keymap", "check"]);
    assert!(run.code == Some(1) && run.stderr.contains("larger than 1 MiB"), "{}", run.stderr);
    let run = home.tiyan_in("en", &["template", "check", t.to_str().unwrap()]);
    assert!(run.code == Some(1) && run.stderr.contains("larger than 4 MiB"), "{}", run.stderr);
}

#[test]
fn a_keymap_with_many_problems_under_the_cap_lists_fifty_and_the_totals() {
    let home = Home::new();
    let mut text = String::from("[global]\n");
    for n in 0..20_000 {
        text.push_str(&format!("\"k{n}\" = \"nope\"\n"));
    }
    std::fs::write(home.config().join("keymap.toml"), &text).unwrap();
    let run = home.tiyan_in("en", &["keymap", "check"]);
    assert_eq!(run.code, Some(1));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 52, "50, the count, the summary: {}", &run.stderr[..500.min(run.stderr.len())]);
    assert!(lines[50].contains("39950 more problem(s) not shown: 40000 error(s)"), "{}", lines[50]);
    assert!(lines[51].ends_with("keymap.toml: 40000 error(s), 0 warning(s)"), "{}", lines[51]);
}

// 12. Broken config files are reported by every command.

#[test]
fn every_command_says_a_config_file_is_broken_once_on_stderr() {
    let home = Home::new();
    let ids = home.seed(&[("叫号屏不显示窗口号", "", "", Found)]);
    std::fs::write(home.config().join("units.toml"), "[[unit]]\ncode = 7\n").unwrap();
    std::fs::write(home.config().join("config.toml"), "colour = 1\n").unwrap();
    for args in [
        &["list", "sessions"][..],
        &["list", "findings"],
        &["ledger"],
        &["finding", "set-status", &ids[0], "confirmed", "--by", "张三"],
        &["stats", "waits"],
    ] {
        let run = home.tiyan(args);
        run.ok();
        let units: Vec<&str> = run.stderr.lines().filter(|l| l.contains("units.toml:2:8")).collect();
        assert_eq!(units.len(), 1, "{args:?}: {}", run.stderr);
        assert!(units[0].starts_with("tiyan: 责任单位文件有误，已改用内置列表："), "{}", units[0]);
        let config: Vec<&str> = run.stderr.lines().filter(|l| l.contains("config.toml:1:1")).collect();
        assert_eq!(config.len(), 1, "{args:?}: {}", run.stderr);
        assert!(config[0].starts_with("tiyan: 配置文件有误，已忽略："), "{}", config[0]);
    }
}

// 13. One loader: `keymap check` and the TUI say the same of a link loop.

#[test]
fn keymap_check_reports_a_link_loop_as_the_tui_does() {
    let home = Home::new();
    let keymap = home.config().join("keymap.toml");
    std::os::unix::fs::symlink(&keymap, &keymap).unwrap();
    let run = home.tiyan_in("en", &["keymap", "check"]);
    assert_eq!(run.code, Some(1), "{}{}", run.stdout, run.stderr);
    let (_, problems) = Keymap::load(Some(&keymap));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].message.contains("too many levels of symbolic links"), "{}", problems[0]);
    assert_eq!(run.stderr.lines().next(), Some(problems[0].to_string().as_str()), "{}", run.stderr);
    assert!(!run.stdout.contains("built-in default is in force"), "{}", run.stdout);
    // No file at all is still fine.
    std::fs::remove_file(&keymap).unwrap();
    let run = home.tiyan_in("en", &["keymap", "check"]);
    assert!(run.ok().stdout.contains("no user keymap; the built-in default is in force"), "{}", run.stdout);
}

// 14. Exit codes: 0 done, 1 refused, 2 usage, 3 profile in use.

#[test]
fn exit_codes_tell_usage_refusal_and_a_profile_in_use_apart() {
    let home = Home::new();
    let ids = home.seed(&[("窗口无人值守", "", "", Found)]);
    let usage = home.tiyan(&["finding", "set-status", &ids[0], "assigned", "--deadline", "-5个工作日"]);
    assert_eq!(usage.code, Some(2), "{}", usage.stderr);
    let unknown = home.tiyan(&["list", "findings", "\u{1b}]0;PWNED\u{7}"]);
    assert_eq!(unknown.code, Some(2), "{}", unknown.stderr);
    assert_inert("a usage error", &unknown.stderr);
    let refused = home.tiyan(&["finding", "set-status", &ids[0], "closed", "--by", "张三"]);
    assert_eq!(refused.code, Some(1), "{}", refused.stderr);
    let store = Store::open(&home.store_path()).unwrap();
    let locked = home.tiyan(&["finding", "set-status", &ids[0], "confirmed", "--by", "张三"]);
    assert_eq!(locked.code, Some(3), "{}", locked.stderr);
    assert!(locked.stderr.contains("已在另一个进程中打开"), "{}", locked.stderr);
    drop(store);
    assert_eq!(home.tiyan(&["finding", "set-status", &ids[0], "confirmed", "--by", "张三"]).code, Some(0));
    let help = home.tiyan(&["--help"]);
    assert!(help.ok().stdout.contains("3 profile open in another process"), "{}", help.stdout);
}

// 21 (part). Error texts in the user's language.

#[test]
fn cli_errors_are_in_the_language_of_the_run() {
    let home = Home::new();
    home.seed(&[("窗口无人值守", "", "", Found)]);
    let zh = home.tiyan(&["list", "findings", "--session", "ZZZ"]);
    assert_eq!(zh.code, Some(1));
    assert!(zh.stderr.contains("--session ZZZ：没有这个编号的体验活动"), "{}", zh.stderr);
    let en = home.tiyan_in("en", &["list", "findings", "--session", "ZZZ"]);
    assert!(en.stderr.contains("--session ZZZ: no session with that id"), "{}", en.stderr);
    let zh = home.tiyan(&["stats", "waits", "--by", "hall"]);
    assert!(zh.code == Some(1) && zh.stderr.contains("应为 window（按窗口）或 item（按事项）"), "{}", zh.stderr);
    let zh = home.tiyan(&["keymap", "check"]);
    assert!(zh.ok().stdout.contains("没有用户按键配置"), "{}", zh.stdout);
}
