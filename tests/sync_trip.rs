//! The whole trip of a sync bundle through the real binary: two inspectors (王建国, 李娜) and two
//! supervision office profiles of 巫溪县政务服务中心, each office taking the inspectors' bundles in
//! the other order. An inspector cannot export before it trusts an office; an office refuses an
//! unknown device until told to trust it; a second and third import change nothing; the
//! office's verdict reaches the inspector whose finding it is (and only that one), the
//! inspector's rectification comes back, and the office closes the finding.
//!
//! The stores are looked at with the library after each process has exited (read-only), so
//! "nothing was written" means: the same digest over the op log and the records.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;
use tiyan::store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");
const OFFICE: &str = "巫溪县政务服务中心";

struct Profile<'a> {
    home: &'a Path,
    name: &'static str,
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

impl Profile<'_> {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["--home", self.home.to_str().unwrap(), "--profile", self.name, "--lang", "zh"])
            .args(args)
            .env("TZ", "UTC")
            .output()
            .unwrap()
    }

    /// Runs and expects success; returns stdout.
    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "{}: tiyan {args:?} failed: {stdout}{stderr}", self.name);
        stdout
    }

    fn json(&self, args: &[&str]) -> Json {
        let stdout = self.ok(args);
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{}: tiyan {args:?}: {e}: {stdout}", self.name))
    }

    /// `import --json` of these files, expecting `code` as the exit code.
    fn import(&self, files: &[&Path], extra: &[&str], code: i32) -> Vec<Json> {
        let mut args: Vec<&str> = vec!["import", "--json"];
        args.extend_from_slice(extra);
        args.extend(files.iter().map(|f| f.to_str().unwrap()));
        let out = self.run(&args);
        let (stdout, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(code), "{}: tiyan {args:?}: {stdout}{stderr}", self.name);
        let json: Json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
        json.as_array().unwrap().clone()
    }

    /// `export --json` into `dir`: the bundles written.
    fn export(&self, dir: &Path) -> Vec<Json> {
        std::fs::create_dir_all(dir).unwrap();
        self.json(&["export", "--to", dir.to_str().unwrap(), "--json"]).as_array().unwrap().clone()
    }

    fn store_path(&self) -> PathBuf {
        self.home.join(self.name).join("tiyan.redb")
    }

    fn store(&self) -> Store {
        Store::open_read_only(&self.store_path()).unwrap()
    }

    fn digest(&self) -> [u8; 32] {
        self.store().digest().unwrap()
    }

    fn findings(&self) -> Vec<Json> {
        self.json(&["list", "findings", "--json"]).as_array().unwrap().clone()
    }

    fn finding(&self, id: &str) -> Json {
        self.findings().into_iter().find(|f| f["id"] == id).unwrap_or_else(|| panic!("{}: no finding {id}", self.name))
    }

    fn sessions_of_findings(&self) -> BTreeSet<String> {
        self.findings().iter().map(|f| f["session_id"].as_str().unwrap_or_default().to_string()).collect()
    }

    fn set_status(&self, id: &str, rest: &[&str]) {
        let mut args = vec!["finding", "set-status", id];
        args.extend_from_slice(rest);
        self.ok(&args);
    }
}

fn path_of(bundle: &Json) -> PathBuf {
    PathBuf::from(bundle["file"].as_str().unwrap())
}

fn recipient_names(bundle: &Json) -> Vec<String> {
    bundle["recipients"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
}

/// A finding still 待核查 (found) in `profile`'s demo data.
fn a_found_finding(profile: &Profile) -> String {
    let findings = profile.findings();
    let found = findings.iter().find(|f| f["status"] == "found");
    found.unwrap_or_else(|| panic!("{}: no finding is found: {findings:?}", profile.name))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn all_duplicate(results: &[Json], what: &str) {
    for r in results {
        assert!(r["refused"].is_null(), "{what}: {r}");
        assert!(r["already_imported_at"].is_string(), "{what}: already imported: {r}");
        assert_eq!(r["ops_new"], 0, "{what}: {r}");
        assert_eq!(r["ops_duplicate"], r["ops"], "{what}: {r}");
    }
}

#[test]
fn the_whole_trip_between_two_inspectors_and_an_office() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let sticks = home.join("sticks");
    let a = Profile { home, name: "王建国的电脑" };
    let b = Profile { home, name: "李娜的电脑" };
    // One office profile takes 王建国's bundle first, the other 李娜's.
    let o1 = Profile { home, name: "督查科" };
    let o2 = Profile { home, name: "督查科备机" };

    a.ok(&["inspector", "王建国"]);
    b.ok(&["inspector", "李娜"]);
    a.ok(&["demo", "--sessions", "2", "--findings-per-session", "3", "--seed", "4"]);
    b.ok(&["demo", "--sessions", "2", "--findings-per-session", "3", "--seed", "5"]);
    let sessions_a = a.sessions_of_findings();
    let sessions_b = b.sessions_of_findings();
    assert!(sessions_a.is_disjoint(&sessions_b), "{sessions_a:?} {sessions_b:?}");

    // No office trusted yet: nothing to encrypt to, and the message says what to do.
    let card_dir = sticks.join("cards");
    std::fs::create_dir_all(&card_dir).unwrap();
    for office in [&o1, &o2] {
        office.ok(&["office", "init", "--name", OFFICE]);
        office.ok(&["office", "card", "--to", card_dir.to_str().unwrap()]);
    }
    let early = sticks.join("early");
    std::fs::create_dir_all(&early).unwrap();
    let out = a.run(&["export", "--to", early.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("tiyan peers trust"), "{stderr}");
    assert_eq!(std::fs::read_dir(&early).unwrap().count(), 0, "nothing written");

    let cards: Vec<PathBuf> = std::fs::read_dir(&card_dir).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(cards.len(), 2, "{cards:?}");
    for inspector in [&a, &b] {
        for card in &cards {
            inspector.ok(&["peers", "trust", card.to_str().unwrap()]);
        }
    }

    // Each inspector writes one bundle, for both office profiles.
    let out_a = a.export(&sticks.join("a1"));
    let out_b = b.export(&sticks.join("b1"));
    for out in [&out_a, &out_b] {
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0]["encrypted"], true);
        assert_eq!(recipient_names(&out[0]), [OFFICE, OFFICE]);
        assert_eq!(out[0]["findings"], 6, "{out:?}");
    }
    let (bundle_a1, bundle_b1) = (path_of(&out_a[0]), path_of(&out_b[0]));

    // An unknown device is refused and nothing is written; then trusted from the bundle.
    for (office, order) in [(&o1, [&bundle_a1, &bundle_b1]), (&o2, [&bundle_b1, &bundle_a1])] {
        let before = office.digest();
        let findings_before = office.findings();
        let refused = office.import(&[order[0].as_path()], &[], 1);
        assert_eq!(refused[0]["refused"], "unknown_device", "{}", refused[0]);
        assert_eq!(refused[0]["ops_new"], 0);
        assert_eq!(office.digest(), before, "{}: a refused bundle wrote nothing", office.name);
        assert_eq!(office.findings(), findings_before);
        assert!(office.store().imports().unwrap().is_empty());

        // A dry run tells what would happen, trusting nobody and writing nothing.
        let preview = office.import(&[order[0].as_path()], &["--dry-run", "--trust-new"], 0);
        assert!(preview[0]["refused"].is_null(), "{}", preview[0]);
        assert_eq!(preview[0]["dry_run"], true);
        assert_eq!(preview[0]["findings_new"], 6, "{}", preview[0]);
        assert_eq!(office.digest(), before, "{}: a dry run wrote nothing", office.name);
        assert!(office.store().imports().unwrap().is_empty());
        assert!(office.store().peers().unwrap().is_empty(), "a dry run trusts nobody");

        for bundle in order {
            let taken = office.import(&[bundle.as_path()], &["--trust-new"], 0);
            assert!(taken[0]["refused"].is_null(), "{}", taken[0]);
            assert_eq!(taken[0]["trusted_now"], true);
            assert_eq!(taken[0]["ops_new"], taken[0]["ops"]);
            assert_eq!(taken[0]["findings_new"], 6);
        }
        // Again, both at once: every op a duplicate, nothing written.
        let (digest, imports) = (office.digest(), office.store().imports().unwrap().len());
        assert_eq!(imports, 2);
        let again = office.import(&[bundle_a1.as_path(), bundle_b1.as_path()], &[], 0);
        all_duplicate(&again, office.name);
        assert_eq!(office.digest(), digest, "{}", office.name);
        assert_eq!(office.store().imports().unwrap().len(), imports);
    }

    // Either order, the same office.
    assert_eq!(o1.json(&["ledger", "--json"]), o2.json(&["ledger", "--json"]));
    let (s1, s2) = (o1.store(), o2.store());
    assert_eq!(s1.op_count().unwrap(), s2.op_count().unwrap());
    assert_eq!(s1.all_ops().unwrap(), s2.all_ops().unwrap());
    assert_eq!(s1.digest().unwrap(), s2.digest().unwrap());
    let inspectors_ops = a.store().op_count().unwrap() + b.store().op_count().unwrap();
    assert_eq!(s1.op_count().unwrap(), inspectors_ops, "every op of both inspectors");
    drop((s1, s2));

    // The office gives a verdict on one finding of each inspector.
    let (fa, fb) = (a_found_finding(&a), a_found_finding(&b));
    o1.ok(&["inspector", "赵主任"]);
    for id in [&fa, &fb] {
        o1.set_status(id, &["confirmed"]);
        o1.set_status(id, &["assigned", "--unit", "医保局", "--deadline", "2026-12-31", "--measure", "增设窗口"]);
    }
    let returns = o1.export(&sticks.join("o1"));
    assert_eq!(returns.len(), 2, "one bundle per device: {returns:?}");
    let for_whom = |name: &str| {
        let found = returns.iter().find(|r| recipient_names(r) == [name]);
        path_of(found.unwrap_or_else(|| panic!("no bundle for {name}: {returns:?}")))
    };
    let (return_a, return_b) = (for_whom("王建国"), for_whom("李娜"));

    // Each inspector takes its own return bundle, and only that one opens for it.
    for (inspector, mine, theirs, own_id, own_sessions, other_sessions) in [
        (&a, &return_a, &return_b, &fa, &sessions_a, &sessions_b),
        (&b, &return_b, &return_a, &fb, &sessions_b, &sessions_a),
    ] {
        let before = inspector.digest();
        let wrong = inspector.import(&[theirs.as_path()], &[], 1);
        assert_eq!(wrong[0]["refused"], "not_for_us", "{}", wrong[0]);
        assert_eq!(inspector.digest(), before);

        let taken = inspector.import(&[mine.as_path()], &[], 0);
        let taken = &taken[0];
        assert!(taken["refused"].is_null(), "{taken}");
        assert_eq!(taken["gaps"], serde_json::json!([]), "ops meant for others are not a gap: {taken}");
        assert_eq!(taken["sender_name"], OFFICE);
        assert_eq!(taken["findings_new"], 0, "{}: no finding of the other inspector: {taken}", inspector.name);
        assert_eq!(taken["sessions_new"], 0, "{taken}");
        assert_eq!(taken["findings_changed"], 1, "{taken}");
        let shown = inspector.finding(own_id);
        assert_eq!(shown["status"], "assigned", "{shown}");
        assert!(shown["unit"].as_str().unwrap().contains("医保局"), "{shown}");
        assert_eq!(shown["deadline"], "2026-12-31");
        assert_eq!(shown["measure"], "增设窗口");
        let sessions = inspector.sessions_of_findings();
        assert_eq!(&sessions, own_sessions, "{}", inspector.name);
        assert!(sessions.is_disjoint(other_sessions));
        assert_eq!(inspector.findings().len(), 6, "{}", inspector.name);
    }

    // 王建国 rectifies; the office takes it and closes the finding.
    a.set_status(&fa, &["rectifying"]);
    a.set_status(&fa, &["rectified", "--evidence", "已增设两个综合窗口，高峰期排队不超过20分钟"]);
    let out_a2 = a.export(&sticks.join("a2"));
    assert_eq!(out_a2.len(), 1);
    let bundle_a2 = path_of(&out_a2[0]);
    let taken = o1.import(&[bundle_a2.as_path()], &[], 0);
    assert!(taken[0]["refused"].is_null(), "{}", taken[0]);
    assert_eq!(taken[0]["findings_changed"], 1, "{}", taken[0]);
    assert_eq!(o1.finding(&fa)["status"], "rectified");
    o1.set_status(&fa, &["closed"]);

    // The closing goes back to 王建国: both sides agree.
    let returns2 = o1.export(&sticks.join("o1-2"));
    let return_a2 = path_of(returns2.iter().find(|r| recipient_names(r) == ["王建国"]).unwrap());
    let return_b2 = path_of(returns2.iter().find(|r| recipient_names(r) == ["李娜"]).unwrap());
    // 王建国's bundle said what it held, the office's ops it had been sent included: only the
    // close-off comes back, nothing twice.
    let again = a.import(&[return_a2.as_path()], &[], 0);
    assert_eq!(again[0]["ops_duplicate"], 0, "{}", again[0]);
    assert!(again[0]["ops_new"].as_u64().unwrap() > 0, "{}", again[0]);
    b.import(&[return_b2.as_path()], &[], 0);
    assert_eq!(a.finding(&fa)["status"], "closed");
    assert_eq!(o1.finding(&fa)["status"], "closed");
    assert_eq!(o1.finding(&fa)["evidence"], a.finding(&fa)["evidence"]);
    assert_eq!(b.finding(&fb)["status"], "assigned");
    assert_eq!(o1.finding(&fb)["status"], "assigned");
    assert!(b.sessions_of_findings().is_disjoint(&sessions_a), "李娜 never sees 王建国's sessions");

    // A third import of every bundle changes nothing anywhere.
    let inspector_bundles = [bundle_a1.as_path(), bundle_b1.as_path(), bundle_a2.as_path()];
    let everyone: [(&Profile, Vec<&Path>); 3] = [
        (&o1, inspector_bundles.to_vec()),
        (&a, vec![return_a.as_path(), return_a2.as_path()]),
        (&b, vec![return_b.as_path(), return_b2.as_path()]),
    ];
    for (profile, bundles) in &everyone {
        let (digest, imports) = (profile.digest(), profile.store().imports().unwrap().len());
        for _ in 0..2 {
            let again = profile.import(bundles, &[], 0);
            all_duplicate(&again, profile.name);
        }
        assert_eq!(profile.digest(), digest, "{}", profile.name);
        assert_eq!(profile.store().imports().unwrap().len(), imports, "{}", profile.name);
    }
    let again = o2.import(&[bundle_a1.as_path(), bundle_b1.as_path()], &[], 0);
    all_duplicate(&again, o2.name);
}
