//! What tiyan promises about the data, held against the real binary: drafts through signals,
//! damaged and missing stores, reading without writing, a full disk (on a real tmpfs when the
//! test runs as root), and SIGKILL at random moments of a first open and of capture.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::app_fixtures::*;
use crate::common::{DEFAULT_TIMEOUT, Key, Tui, temp_home};
use ratatui::crossterm::event::KeyCode;
use tiyan::app::draft::{self, DraftOverlay};
use tiyan::app::{Effect, Msg, Overlay, update};
use tiyan::i18n::Lang;
use tiyan::store::StoreRequest;
use tiyan::term::signals::Signal;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const PROFILE: &str = "体验员";

fn tiyan(home: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .args(["--home", home.to_str().unwrap(), "--profile", PROFILE])
        .args(args)
        .env("LANG", "zh_CN.UTF-8")
        .env_remove("LC_ALL")
        .output()
        .expect("tiyan runs")
}

fn store_file(home: &Path) -> PathBuf {
    home.join(PROFILE).join("tiyan.redb")
}

fn draft_file(home: &Path) -> PathBuf {
    home.join(PROFILE).join("draft.json")
}

fn start(home: &Path) -> Tui {
    let tui = Tui::spawn(Path::new(BIN), &["--home", home.to_str().unwrap(), "--profile", PROFILE], &[], 100, 30);
    // The title bar: a restored draft may open on another screen than the session list.
    tui.expect_text("体验 tiyan");
    tui.wait_until(|_| tui.tty_is_raw(), DEFAULT_TIMEOUT).expect("raw mode");
    tui
}

/// A profile with an inspector and one session, by the command line and a first TUI run.
fn profile_with_a_session(home: &Path) -> Tui {
    crate::common::name_the_inspector(home, "测试员");
    let mut tui = start(home);
    tui.type_text("n");
    tui.expect_text("新建体验活动");
    tui.type_text("不动产登记");
    tui.key(Key::Ctrl('s'));
    tui.wait_until(|s| s.contains("已保存") && s.contains("不动产登记"), DEFAULT_TIMEOUT).expect("session saved");
    tui
}

fn wait_for_file_containing(path: &Path, needle: &str) -> String {
    let deadline = Instant::now() + DEFAULT_TIMEOUT;
    loop {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        if text.contains(needle) {
            return text;
        }
        assert!(Instant::now() < deadline, "{} never held {needle:?}: {text:?}", path.display());
        std::thread::sleep(Duration::from_millis(20));
    }
}

// ---- drafts: typed text survives the terminal going away ----

#[test]
fn text_typed_when_the_ssh_link_drops_is_offered_back_and_saved() {
    let home = temp_home();
    let mut tui = profile_with_a_session(home.path());
    tui.type_text("c");
    tui.expect_text("快速记录问题");
    tui.type_text("叫号屏坏了三天无人修");
    tui.expect_text("无人修");
    tui.signal(libc::SIGHUP);
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(128 + libc::SIGHUP), "exit status after SIGHUP");
    assert!(std::fs::read_to_string(draft_file(home.path())).unwrap().contains("叫号屏坏了三天无人修"));

    let mut tui = start(home.path());
    tui.wait_until(|s| s.contains("快速记录问题") && s.contains("叫号屏坏了三天无人修"), DEFAULT_TIMEOUT)
        .expect("the capture line is back with its text, at once");
    tui.expect_text("已恢复上次未保存的文字");
    tui.type_text("，群众只能反复询问");
    tui.key(Key::Enter);
    tui.wait_until(|_| !draft_file(home.path()).exists(), DEFAULT_TIMEOUT).expect("the draft is gone once saved");
    tui.type_text("q");
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));
    let out = tiyan(home.path(), &["list", "findings", "--json"]);
    let json = String::from_utf8_lossy(&out.stdout);
    assert!(json.contains("叫号屏坏了三天无人修，群众只能反复询问"), "{json}");
    assert_eq!(json.matches("叫号屏坏了三天无人修").count(), 1, "saved once: {json}");
}

#[test]
fn a_form_killed_by_sigterm_comes_back_on_its_page_and_esc_discards_it() {
    let home = temp_home();
    let mut tui = profile_with_a_session(home.path());
    tui.key(Key::Enter);
    tui.expect_text("不动产登记 的问题");
    tui.type_text("n");
    tui.expect_text("记录问题");
    tui.type_text("材料清单与窗口要求不一致");
    tui.expect_text("窗口要求不一致");
    tui.signal(libc::SIGTERM);
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(128 + libc::SIGTERM), "exit status after SIGTERM");

    let mut tui = start(home.path());
    // The form, on its session's page (drawn once the list has loaded).
    tui.wait_until(
        |s| s.contains("材料清单与窗口要求不一致") && s.contains("记录问题") && s.contains("不动产登记 的问题"),
        DEFAULT_TIMEOUT,
    )
    .expect("the form is back on its session's page");
    // A habitual Enter does not lose it: it moves to the next field.
    tui.key(Key::Esc);
    tui.expect_text("放弃对表单的修改");
    tui.type_text("y");
    tui.wait_until(|_| !draft_file(home.path()).exists(), DEFAULT_TIMEOUT).expect("discarded");
    tui.type_text("q");
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));
    // And the next start brings nothing back.
    let mut tui = start(home.path());
    assert!(!tui.screen().contains("已恢复"));
    tui.type_text("q");
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(0));
}

#[test]
fn text_being_typed_reaches_the_disk_within_seconds_so_sigkill_keeps_it() {
    let home = temp_home();
    let mut tui = profile_with_a_session(home.path());
    tui.type_text("c");
    tui.expect_text("快速记录问题");
    tui.type_text("自助机无法打印回执");
    // The checkpoint follows the typing without another key (the loop wakes for it).
    wait_for_file_containing(&draft_file(home.path()), "自助机无法打印回执");
    tui.kill9();
    let tui = start(home.path());
    let screen = tui.expect_text("自助机无法打印回执");
    assert!(screen.contains("快速记录问题"), "{screen}");
}

#[test]
fn a_closed_terminal_keeps_the_draft_and_ends_as_a_hangup() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    type_text(&mut s, "窗口无人");
    let effects = update(&mut s, Msg::InputClosed("the terminal is gone".into()));
    let [Effect::Store(StoreRequest::SaveDraft { bytes }), Effect::Quit] = effects.as_slice() else {
        panic!("the draft is written, then the program ends: {effects:?}")
    };
    let saved = draft::from_bytes(bytes).unwrap();
    assert!(matches!(&saved.overlays[..], [DraftOverlay::Capture { text, .. }] if text == "窗口无人"));
    assert_eq!(s.ended_by, Some(Signal::Hangup));
    // With nothing typed, nothing is written.
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    assert!(matches!(update(&mut s, Msg::Signal(Signal::Terminate)).as_slice(), [Effect::Quit]));
}

#[test]
fn a_restored_form_keeps_which_fields_were_changed() {
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    type_text(&mut s, "窗口要求原件");
    update(&mut s, key(KeyCode::Tab));
    let effects = update(&mut s, Msg::Signal(Signal::Hangup));
    let Some(Effect::Store(StoreRequest::SaveDraft { bytes })) = effects.first() else { panic!("{effects:?}") };
    let saved = draft::from_bytes(bytes).unwrap();

    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    let session = s.sessions.list[0].session.id;
    let loads = requests(tiyan::app::resume::restore_on_start(&mut s, saved));
    assert!(loads.contains(&StoreRequest::LoadFindings { session }), "{loads:?}");
    assert_eq!(s.screen, tiyan::app::Screen::SessionPage { session });
    assert!(s.notice.as_deref().is_some_and(|n| n.contains("已恢复")));
    let Some(Overlay::Form(form)) = s.overlays.last() else { panic!("the form is back") };
    assert_eq!(form.fields[0].input.text(), "窗口要求原件");
    assert_eq!(form.focus, 1, "on the field the user had moved to");
    assert!(form.has_changes(), "Esc still asks before dropping it");
}

// ---- damaged, missing and read-only stores ----

#[test]
fn an_empty_store_file_is_reported_as_damage_and_kept() {
    let home = temp_home();
    std::fs::create_dir_all(home.path().join(PROFILE)).unwrap();
    std::fs::write(store_file(home.path()), b"").unwrap();
    for args in [&["list", "sessions"][..], &["inspector", "王芳"], &["demo", "--sessions", "1"]] {
        let out = tiyan(home.path(), args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("已损坏") && err.contains("备份恢复"), "{args:?}: {err}");
        assert!(err.contains(&store_file(home.path()).display().to_string()), "names the file: {err}");
    }
    assert_eq!(std::fs::metadata(store_file(home.path())).unwrap().len(), 0, "never re-initialized");
}

#[test]
fn a_corrupted_store_says_damaged_and_never_prints_a_panic() {
    let home = temp_home();
    assert!(
        tiyan(home.path(), &["demo", "--sessions", "30", "--findings-per-session", "4", "--seed", "11"])
            .status
            .success()
    );
    let path = store_file(home.path());
    let good = std::fs::read(&path).unwrap();
    // The trial's two cases: the first page kept and the rest zeroed; and bytes flipped.
    let mut cut = good.clone();
    cut[4096..].iter_mut().for_each(|b| *b = 0);
    let mut damaged_runs = 0;
    let mut cases = vec![cut];
    for page in (1..good.len() / 4096).step_by(9) {
        let mut flipped = good.clone();
        flipped[page * 4096 + 200..page * 4096 + 260].iter_mut().for_each(|b| *b ^= 0x41);
        cases.push(flipped);
    }
    for bytes in cases {
        std::fs::write(&path, &bytes).unwrap();
        for args in [&["list", "findings"][..], &["ledger", "--json"], &["list", "sessions", "--json"]] {
            let out = tiyan(home.path(), args);
            let err = String::from_utf8_lossy(&out.stderr);
            for forbidden in ["panicked", "unreachable", "RUST_BACKTRACE", "redb-4", ".rs:"] {
                assert!(!err.contains(forbidden), "{args:?} printed {forbidden:?}: {err}");
            }
            if !out.status.success() {
                damaged_runs += 1;
                assert!(err.contains("损坏") || err.contains("无法读取"), "{args:?}: {err}");
            }
        }
    }
    assert!(damaged_runs > 0, "some damage was seen");
    assert!(!home.path().join("tiyan-crash.log").exists(), "reading commands wrote a crash log");
}

/// No open verifies every page any more (that is `tiyan check`'s job): the TUI and a writing
/// command on a damaged file meet the damage on their first read or write, and still say
/// "damaged" in words, never a panic; `tiyan check` names it.
#[test]
fn the_tui_and_writing_commands_on_a_damaged_store_say_damaged_and_never_print_a_panic() {
    let home = temp_home();
    let demo = ["demo", "--sessions", "30", "--findings-per-session", "4", "--seed", "11"];
    assert!(tiyan(home.path(), &demo).status.success());
    let path = store_file(home.path());
    let good = std::fs::read(&path).unwrap();
    let forbidden = ["panicked", "unreachable", "RUST_BACKTRACE", "redb-4", ".rs:"];
    // Damage the reads meet: the first page kept and the rest zeroed, and the pages whose
    // damage a listing of the findings trips over.
    let mut cut = good.clone();
    cut[4096..].iter_mut().for_each(|b| *b = 0);
    let mut cases = vec![cut];
    for page in (1..good.len() / 4096).step_by(5) {
        let mut flipped = good.clone();
        flipped[page * 4096 + 200..page * 4096 + 260].iter_mut().for_each(|b| *b ^= 0x41);
        std::fs::write(&path, &flipped).unwrap();
        if !tiyan(home.path(), &["list", "sessions"]).status.success() {
            cases.push(flipped);
        }
    }
    assert!(cases.len() > 1, "some flipped page is met by a read");
    for bytes in cases.iter().take(3) {
        std::fs::write(&path, bytes).unwrap();
        let out = tiyan(home.path(), &["inspector", "王芳"]);
        let err = String::from_utf8_lossy(&out.stderr);
        for word in forbidden {
            assert!(!err.contains(word), "inspector NAME printed {word:?}: {err}");
        }
        if !out.status.success() {
            assert!(err.contains("损坏") || err.contains("无法读取"), "{err}");
        }
        std::fs::write(&path, bytes).unwrap();
        let check = tiyan(home.path(), &["check"]);
        let said = format!("{}{}", String::from_utf8_lossy(&check.stdout), String::from_utf8_lossy(&check.stderr));
        assert_eq!(check.status.code(), Some(1), "check names the damage: {said}");
        assert!(!said.contains("panicked"), "{said}");

        std::fs::write(&path, bytes).unwrap();
        let mut tui =
            Tui::spawn(Path::new(BIN), &["--home", home.path().to_str().unwrap(), "--profile", PROFILE], &[], 100, 30);
        let screen = tui
            .wait_until(|s| s.contains("损坏") || s.contains("无法读取"), DEFAULT_TIMEOUT)
            .unwrap_or_else(|why| panic!("the TUI says the store is damaged: {why}"));
        for word in forbidden {
            assert!(!screen.contains(word), "the TUI showed {word:?}:\n{screen}");
        }
        tui.kill9();
    }
    assert!(!home.path().join("tiyan-crash.log").exists(), "a crash log was written");
}

#[test]
fn a_typo_in_home_creates_nothing_and_says_there_is_no_profile() {
    let home = temp_home();
    let missing = home.path().join("does").join("not").join("exist");
    for args in [&["list", "sessions"][..], &["ledger"], &["inspector"], &["stats", "waits"]] {
        let out = tiyan(&missing, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("没有档案"), "{args:?}: {err}");
    }
    let out = tiyan(&missing, &["finding", "set-status", "01ABC", "confirmed"]);
    assert!(!out.status.success());
    assert!(!home.path().join("does").exists(), "nothing was created");
    // Naming an inspector makes the profile, and says so.
    let out = tiyan(&missing, &["inspector", "王芳"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("已新建档案"));
}

#[test]
fn reading_commands_change_no_byte_of_the_store() {
    let home = temp_home();
    assert!(tiyan(home.path(), &["demo", "--sessions", "5"]).status.success());
    let path = store_file(home.path());
    let before = std::fs::read(&path).unwrap();
    for args in [
        &["list", "sessions"][..],
        &["list", "findings", "--json"],
        &["list", "tickets"],
        &["ledger"],
        &["ledger", "--reminders"],
        &["stats", "waits"],
        &["inspector"],
    ] {
        let out = tiyan(home.path(), args);
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(std::fs::read(&path).unwrap(), before, "{args:?} changed the store");
        assert!(!home.path().join(PROFILE).join("tiyan.pid").exists(), "{args:?} left a pid file");
    }
}

// ---- a full disk, on a real small tmpfs (root only) ----

/// A tmpfs of `size` mounted on a new directory, unmounted on drop; None (with the reason
/// printed) where this process may not mount.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    fn mount(size: &str) -> Option<SmallDisk> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: mounting a small tmpfs needs root");
            return None;
        }
        let dir = tempfile::tempdir().ok()?;
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output();
        match out {
            Ok(o) if o.status.success() => Some(SmallDisk { dir }),
            Ok(o) => {
                eprintln!("skipped: mount failed: {}", String::from_utf8_lossy(&o.stderr));
                None
            }
            Err(e) => {
                eprintln!("skipped: no mount command: {e}");
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Fills every free byte with a file; removing it frees the space again.
    fn fill(&self) -> PathBuf {
        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0x55u8; 4096];
        while std::io::Write::write_all(&mut file, &block).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.dir.path()).output();
    }
}

#[test]
fn on_a_full_disk_a_save_fails_in_words_keeps_the_text_and_lands_after_space_is_freed() {
    let Some(disk) = SmallDisk::mount("4m") else { return };
    let home = disk.path().join("home");
    let mut tui = profile_with_a_session(&home);
    tui.key(Key::Enter);
    tui.expect_text("不动产登记 的问题");
    let filler = disk.fill();

    // The store has room of its own inside its file; long findings use it up, and the first
    // save that needs a new block of the disk fails.
    let long = "材料重复提交".repeat(3_000);
    let mut failed_at = None;
    for n in 1..=60 {
        tui.type_text("c");
        tui.expect_text("快速记录问题");
        tui.paste(&format!("第{n}条{long}"));
        tui.key(Key::Enter);
        let screen = tui
            .wait_until(
                |s| s.contains("磁盘空间已满") || (s.contains("已保存") && s.contains(&format!("第{n}条"))),
                DEFAULT_TIMEOUT,
            )
            .expect("saved or refused");
        if screen.contains("磁盘空间已满") {
            failed_at = Some(n);
            break;
        }
    }
    let n = failed_at.expect("the disk filled up");
    let screen = tui.expect_text("腾出空间");
    assert!(screen.contains("快速记录问题") && screen.contains("材料重复提交"), "the text stays:\n{screen}");
    for english in ["Previous I/O error", "No space left", "os error"] {
        assert!(!screen.contains(english), "{english}:\n{screen}");
    }
    // Still full: Enter again fails again, in the same words; nothing is shown as saved.
    tui.key(Key::Enter);
    tui.expect_text("磁盘空间已满");

    std::fs::remove_file(filler).unwrap();
    tui.key(Key::Enter);
    tui.wait_until(|s| s.contains("已保存") && !s.contains("快速记录问题"), DEFAULT_TIMEOUT)
        .expect("the retry lands without a restart");
    tui.kill9();
    let out = tiyan(&home, &["list", "findings", "--json"]);
    let json = String::from_utf8_lossy(&out.stdout);
    for k in 1..=n {
        assert_eq!(json.matches(&format!("第{k}条")).count(), 1, "finding {k} saved once");
    }
}

#[test]
fn with_no_space_left_reading_commands_still_work() {
    let Some(disk) = SmallDisk::mount("4m") else { return };
    let home = disk.path().join("home");
    assert!(tiyan(&home, &["demo", "--sessions", "3"]).status.success());
    let before = std::fs::read(store_file(&home)).unwrap();
    let _filler = disk.fill();
    for args in [&["list", "sessions"][..], &["list", "findings", "--json"], &["ledger"], &["inspector"]] {
        let out = tiyan(&home, args);
        assert!(out.status.success(), "{args:?} on a full disk: {}", String::from_utf8_lossy(&out.stderr));
    }
    assert_eq!(std::fs::read(store_file(&home)).unwrap(), before);
}

// ---- SIGKILL at random moments ----

/// How many runs of each crash loop: a few dozen in `cargo test`, more with
/// TIYAN_CRASH_RUNS=1000 for a long run.
fn crash_runs(default: usize) -> usize {
    std::env::var("TIYAN_CRASH_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn a_profile_killed_during_its_first_open_always_opens_again() {
    let home = temp_home();
    let runs = crash_runs(30);
    let mut rng = rand::rng();
    for n in 0..runs {
        let profile = format!("p{n}");
        let mut child = Command::new(BIN)
            .args(["--home", home.path().to_str().unwrap(), "--profile", &profile, "inspector", "王芳"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_micros(rand::Rng::random_range(&mut rng, 0..12_000)));
        let _ = child.kill();
        let _ = child.wait();
        // Whatever moment it died at, the profile is either absent or whole: naming the
        // inspector again works, and so does reading.
        let out = Command::new(BIN)
            .args(["--home", home.path().to_str().unwrap(), "--profile", &profile, "inspector", "王芳"])
            .output()
            .unwrap();
        assert!(out.status.success(), "run {n}: {}", String::from_utf8_lossy(&out.stderr));
        let out = Command::new(BIN)
            .args(["--home", home.path().to_str().unwrap(), "--profile", &profile, "list", "sessions"])
            .output()
            .unwrap();
        assert!(out.status.success(), "run {n}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

#[test]
fn every_acknowledged_finding_survives_sigkill_at_a_random_moment() {
    let home = temp_home();
    let _first = {
        let mut tui = profile_with_a_session(home.path());
        tui.type_text("q");
        tui.wait_exit(DEFAULT_TIMEOUT)
    };
    let runs = crash_runs(24);
    let mut rng = rand::rng();
    let mut acknowledged: Vec<String> = Vec::new();
    for run in 0..runs {
        let mut tui = start(home.path());
        // The list loads after the first frame; a kill during typing may bring a draft back.
        let screen = tui.expect_text("进行中");
        if screen.contains("已恢复上次未保存的文字") {
            tui.key(Key::Esc);
            tui.expect_text("放弃");
            tui.type_text("y");
            tui.wait_until(|s| !s.contains("快速记录问题"), DEFAULT_TIMEOUT).expect("dropped");
        }
        if !tui.screen().contains("不动产登记 的问题") {
            tui.key(Key::Enter);
        }
        tui.expect_text("不动产登记 的问题");
        for n in 0..3 {
            let text = format!("第{run}轮第{n}个问题：窗口排队过长");
            tui.type_text("c");
            tui.expect_text("快速记录问题");
            tui.type_text(&text);
            tui.key(Key::Enter);
            // Sometimes kill at once, before the acknowledgement can be seen.
            if rand::Rng::random_bool(&mut rng, 0.3) {
                std::thread::sleep(Duration::from_micros(rand::Rng::random_range(&mut rng, 0..3_000)));
                break;
            }
            tui.wait_until(|s| s.contains("已保存") && s.contains(&text), DEFAULT_TIMEOUT).expect("acknowledged");
            acknowledged.push(text);
        }
        tui.kill9();
        let out = tiyan(home.path(), &["list", "findings", "--json"]);
        assert!(out.status.success(), "run {run}: the store opens: {}", String::from_utf8_lossy(&out.stderr));
        let json = String::from_utf8_lossy(&out.stdout);
        for text in &acknowledged {
            assert!(json.contains(text.as_str()), "run {run}: {text} was acknowledged and is lost");
        }
    }
}

#[test]
fn tiyan_check_says_sound_or_names_the_damage_and_exits_1() {
    let home = temp_home();
    assert!(tiyan(home.path(), &["demo", "--sessions", "6"]).status.success());
    let out = tiyan(home.path(), &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("结论：完好"), "{stdout}");
    let out = tiyan(home.path(), &["check", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sound"], true);
    assert!(json["ops"].as_u64().unwrap() > 0);

    // The trial's damage: the first page kept and the rest zeroed.
    let path = store_file(home.path());
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[4096..].iter_mut().for_each(|b| *b = 0);
    std::fs::write(&path, &bytes).unwrap();
    let out = tiyan(home.path(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("损坏") && !err.contains("panicked"), "{err}");
}

#[test]
fn a_failed_save_brings_the_screen_back_to_what_is_on_disk_and_says_what_is_kept() {
    use tiyan::store::{StoreError, StoreEvent};
    let mut s = findings_screen(Lang::Zh, (80, 24));
    let session = s.sessions.list[0].session.id;
    update(&mut s, ch('t'));
    update(&mut s, Msg::Store(StoreEvent::Tickets { session, tickets: vec![] }));
    // A ticket is listed at once, before the store answers.
    let [StoreRequest::Apply { req, .. }] = requests(update(&mut s, ch('a')))[..] else { panic!() };
    assert_eq!(s.board.tickets.len(), 1);
    let full = StoreError::NoSpace("No space left on device".into());
    let reloads = requests(update(&mut s, Msg::Store(StoreEvent::SaveFailed { req, error: full.clone() })));
    assert!(reloads.contains(&StoreRequest::LoadTickets { session }), "back to what is on disk: {reloads:?}");
    let notice = s.notice.clone().unwrap_or_default();
    assert!(notice.contains("磁盘空间已满") && !notice.contains("文字"), "no text to keep here: {notice}");

    // A capture's text comes back, and the line says so.
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    update(&mut s, ch('c'));
    type_text(&mut s, "窗口无人");
    let [StoreRequest::Apply { req, .. }] = requests(update(&mut s, key(KeyCode::Enter)))[..] else { panic!() };
    update(&mut s, Msg::Store(StoreEvent::SaveFailed { req, error: full }));
    assert!(
        s.notice.as_deref().is_some_and(|n| n.contains("磁盘空间已满") && n.contains("文字仍在")),
        "{:?}",
        s.notice
    );
}

#[test]
fn on_a_full_disk_a_hangup_still_keeps_the_typed_text() {
    let Some(disk) = SmallDisk::mount("4m") else { return };
    let home = disk.path().join("home");
    let mut tui = profile_with_a_session(&home);
    let filler = disk.fill();
    tui.type_text("c");
    tui.expect_text("快速记录问题");
    tui.paste(&"磁盘满时输入的长段文字".repeat(400));
    tui.expect_text("磁盘满时输入的长段文字");
    tui.signal(libc::SIGHUP);
    assert_eq!(tui.wait_exit(DEFAULT_TIMEOUT), Some(128 + libc::SIGHUP));
    assert!(!draft_file(&home).exists(), "the profile's disk could not take it");
    std::fs::remove_file(filler).unwrap();
    // It was kept in the user's private folder on a memory file system, and comes back.
    let tui = start(&home);
    tui.wait_until(|s| s.contains("快速记录问题") && s.contains("磁盘满时输入的长段文字"), DEFAULT_TIMEOUT)
        .expect("the text is back");
    let fallback = tiyan::store::fallback_draft_path(&store_file(&home)).unwrap();
    assert!(fallback.exists());
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(fallback.parent().unwrap()).unwrap().permissions());
    assert_eq!(mode & 0o077, 0, "a folder nobody else can read");
}

#[test]
fn a_command_printing_to_a_terminal_that_cannot_show_chinese_speaks_english() {
    let home = temp_home();
    let args = ["--home", home.path().to_str().unwrap(), "list", "sessions"];
    let tui = Tui::spawn(Path::new(BIN), &args, &[("LANG", "C")], 100, 10);
    tui.expect_text("there is no profile here");
    // Into a pipe, the locale names no language: Chinese, the default.
    let out = Command::new(BIN).args(args).env("LANG", "C").env_remove("LC_ALL").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("这里没有档案"));
}

/// The terminal closes and no hangup signal reaches tiyan: its parent survives the hangup (a
/// wrapper ignoring SIGHUP, as some terminal multiplexers and supervisors are), so only the
/// closed terminal tells. The text typed is kept as a draft, tiyan ends as a hangup, and does
/// not spin on the dead terminal. This pty is driven by hand: the shared harness keeps the
/// master open for as long as it runs.
#[test]
fn a_terminal_closed_without_a_hangup_signal_keeps_the_draft_and_ends() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    use std::io::{Read, Write};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};

    let home = temp_home();
    assert!(tiyan(home.path(), &["demo", "--sessions", "1"]).status.success());
    assert!(tiyan(home.path(), &["inspector", "测试员"]).status.success());
    let exit_file = home.path().join("exit");
    let pair = native_pty_system().openpty(PtySize { rows: 24, cols: 80, pixel_width: 0, pixel_height: 0 }).unwrap();
    let mut command = CommandBuilder::new("sh");
    let script = format!("trap '' HUP; \"$@\"; echo $? > '{}'", exit_file.display());
    command.args(["-c", &script, "sh", BIN, "--home", home.path().to_str().unwrap(), "--profile", PROFILE]);
    command.env("TERM", "xterm-256color");
    command.env("LANG", "zh_CN.UTF-8");
    let mut child = pair.slave.spawn_command(command).unwrap();
    drop(pair.slave);
    // Drain the output without ever blocking, so the reader can let go of the pty when asked.
    let fd = pair.master.as_raw_fd().unwrap();
    // SAFETY: fcntl on a descriptor we own; O_NONBLOCK applies to its clones too.
    unsafe { libc::fcntl(fd, libc::F_SETFL, libc::fcntl(fd, libc::F_GETFL) | libc::O_NONBLOCK) };
    let mut reader = pair.master.try_clone_reader().unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let seen = Arc::new(std::sync::Mutex::new(vt100::Parser::new(24, 80, 0)));
    let drain = {
        let (stop, seen) = (Arc::clone(&stop), Arc::clone(&seen));
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while !stop.load(Ordering::Acquire) {
                match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => seen.lock().unwrap().process(&buf[..n]),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(10))
                    }
                    Err(_) => break,
                }
            }
        })
    };
    let mut writer = pair.master.take_writer().unwrap();
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + DEFAULT_TIMEOUT;
        while !seen.lock().unwrap().screen().contents().contains(needle) {
            assert!(Instant::now() < deadline, "never saw {needle:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    // The list loaded (the demo's one walk is under way only while the hall is open).
    wait_for("体验活动 (1)");
    std::thread::sleep(Duration::from_millis(300));
    writer.write_all("c".as_bytes()).unwrap();
    wait_for("快速记录问题");
    writer.write_all("终端关闭时的文字".as_bytes()).unwrap();
    wait_for("终端关闭时的文字");
    // Close every descriptor of the master side: the terminal is gone.
    stop.store(true, Ordering::Release);
    drain.join().unwrap();
    drop(writer);
    drop(pair.master);
    let deadline = Instant::now() + DEFAULT_TIMEOUT;
    while !exit_file.exists() {
        assert!(Instant::now() < deadline, "tiyan did not end when its terminal closed");
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.wait();
    assert_eq!(std::fs::read_to_string(&exit_file).unwrap().trim(), "129", "ends as a hangup");
    let draft = std::fs::read_to_string(draft_file(home.path())).unwrap();
    assert!(draft.contains("终端关闭时的文字"), "{draft}");
}

#[test]
fn an_answer_that_was_not_saved_brings_the_cursor_back_to_its_item() {
    use tiyan::store::{StoreError, StoreEvent};
    let session = id(T0, 0);
    let mut s = checklist_screen(Lang::Zh, (80, 24), checklist(session, &[]));
    let item = s.checklist.item_cursor;
    let [StoreRequest::Apply { req, .. }] = requests(update(&mut s, ch('y')))[..] else { panic!() };
    assert_eq!(s.checklist.item_cursor, item + 1, "a pass moves on at once");
    let full = StoreError::NoSpace("No space left on device".into());
    update(&mut s, Msg::Store(StoreEvent::SaveFailed { req, error: full }));
    assert_eq!(s.checklist.item_cursor, item, "not saved: back on the item, so the retry answers it");
}
