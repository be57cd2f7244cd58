//! Convergence through real bundle files: an office and two to four inspectors edit at
//! random, often the same session or finding on two replicas at once (a conflict), export
//! after any number of edits, and carry bundles both ways in any order, some twice. In the
//! end every op created anywhere is at the office, and copies of the office that take every
//! inspector bundle in other shuffled orders, with repeats, reach the very same digest.
//!
//! 12 cases by default; `TIYAN_SYNC_FUZZ=N` runs N / 100 (at least 12).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use proptest::prelude::*;
use rand::SeedableRng;
use rand::seq::SliceRandom;
use tiyan::bundle::identity::fingerprint;
use tiyan::domain::finding::field as ff;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Op, Value};
use tiyan::store::Store;
use tiyan::store::sync::{ExportRequest, ImportOptions, Trust};

fn cases() -> u32 {
    let n: u32 = std::env::var("TIYAN_SYNC_FUZZ").ok().and_then(|v| v.parse().ok()).unwrap_or(0);
    (n / 100).max(12)
}

#[derive(Clone, Debug)]
enum Step {
    /// Replica `who` (the office is the last) makes a record or edits one of the pool.
    Edit { who: usize, pick: usize, new: bool, text: u8 },
    /// Inspector `who` writes a bundle for the office (after its receipt, or `--all`).
    InspectorExport { who: usize, all: bool },
    /// The office takes one of the inspector bundles written so far (again, maybe).
    OfficeImport { pick: usize },
    /// The office writes a bundle for each inspector.
    OfficeExport,
    /// An inspector takes one of the return bundles written so far (again, maybe).
    InspectorImport { pick: usize },
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        5 => (0..5usize, any::<usize>(), proptest::bool::weighted(0.3), 0..4u8)
            .prop_map(|(who, pick, new, text)| Step::Edit { who, pick, new, text }),
        2 => (0..4usize, proptest::bool::weighted(0.2)).prop_map(|(who, all)| Step::InspectorExport { who, all }),
        2 => any::<usize>().prop_map(|pick| Step::OfficeImport { pick }),
        1 => Just(Step::OfficeExport),
        2 => any::<usize>().prop_map(|pick| Step::InspectorImport { pick }),
    ]
}

fn path_of(dir: &Path, name: &str) -> PathBuf {
    dir.join(name).join("tiyan.redb")
}

fn import_ok(store: &mut Store, path: &Path) {
    let result = store.import_bundle(path, ImportOptions::default(), &mut |_, _| {}).unwrap();
    assert!(result.refused.is_none(), "{}: {result:?}", path.display());
}

fn export(store: &mut Store, to: &Path, all: bool) -> Vec<(String, PathBuf)> {
    std::fs::create_dir_all(to).unwrap();
    let request = ExportRequest { to: to.to_path_buf(), all, ..ExportRequest::default() };
    let written = store.export(&request, &mut |_, _| {}).unwrap();
    written.into_iter().map(|e| (e.plan.recipients[0].fingerprint.clone(), e.path)).collect()
}

/// One trip through `steps`, checked as the module doc says; returns the fields in conflict
/// at the office.
fn run(inspector_count: usize, steps: &[Step], seed: u64) -> usize {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut office = Store::open(&path_of(d, "督查科")).unwrap();
    office.set_office("巫溪县政务服务中心").unwrap();
    let (office_card, _) = office.own_card().unwrap();
    let names = ["王建国", "李娜", "张伟", "刘芳"];
    let mut inspectors: Vec<Store> = Vec::new();
    let mut fingerprints: Vec<String> = Vec::new();
    for name in &names[..inspector_count] {
        let mut s = Store::open(&path_of(d, name)).unwrap();
        s.set_inspector(name).unwrap();
        s.trust(&office_card, Trust::CardFile("office.card".into())).unwrap();
        let (card, _) = s.own_card().unwrap();
        office.trust(&card, Trust::CardFile(format!("{name}.card"))).unwrap();
        fingerprints.push(fingerprint(&card.signing_key));
        inspectors.push(s);
    }
    // The office as it was before any bundle: copies of it take every bundle in other orders.
    let template = path_of(d, "督查科-模板");
    let office_path = office.path().to_path_buf();
    drop(office);
    std::fs::create_dir_all(template.parent().unwrap()).unwrap();
    std::fs::copy(&office_path, &template).unwrap();
    let mut office = Store::open(&office_path).unwrap();

    let mut pool: Vec<(EntityKind, EntityId)> = Vec::new();
    let mut created = vec![0usize; inspector_count + 1];
    let mut to_office: Vec<PathBuf> = Vec::new();
    let mut returns: Vec<(usize, PathBuf)> = Vec::new();
    let mut stick = 0usize;
    let mut next_stick = |d: &Path| {
        stick += 1;
        d.join("sticks").join(stick.to_string())
    };
    let mut next_id = 0u128;

    for step in steps {
        match *step {
            Step::Edit { who, pick, new, text } => {
                let who = who % (inspector_count + 1);
                let sessions: Vec<EntityId> =
                    pool.iter().filter(|(k, _)| *k == EntityKind::Session).map(|(_, id)| *id).collect();
                let changes = if pool.is_empty() || new {
                    next_id += 1;
                    let id = ulid::Ulid::from_parts(1_790_000_000_000 + next_id as u64, next_id).0;
                    if sessions.is_empty() || next_id % 2 == 1 {
                        pool.push((EntityKind::Session, id));
                        vec![Change::set(EntityKind::Session, id, sf::ITEM, Value::text(format!("事项{next_id}")))]
                    } else {
                        pool.push((EntityKind::Finding, id));
                        let session = sessions[pick % sessions.len()];
                        vec![
                            Change::set(EntityKind::Finding, id, ff::SESSION, Value::Ref(session)),
                            Change::set(EntityKind::Finding, id, ff::SEQ, Value::Int(next_id as i64)),
                            Change::set(EntityKind::Finding, id, ff::DESCRIPTION, Value::text("叫号屏不显示窗口号")),
                        ]
                    }
                } else {
                    let (kind, id) = pool[pick % pool.len()];
                    let field = if kind == EntityKind::Session { sf::PLACE } else { ff::DESCRIPTION };
                    vec![Change::set(kind, id, field, Value::text(format!("{text}号窗口")))]
                };
                let store = if who == inspector_count { &mut office } else { &mut inspectors[who] };
                created[who] += store.apply(&changes).unwrap().len();
            }
            Step::InspectorExport { who, all } => {
                let who = who % inspector_count;
                let written = export(&mut inspectors[who], &next_stick(d), all);
                assert_eq!(written.len(), 1);
                to_office.push(written[0].1.clone());
            }
            Step::OfficeImport { pick } => {
                if !to_office.is_empty() {
                    import_ok(&mut office, &to_office[pick % to_office.len()]);
                }
            }
            Step::OfficeExport => {
                let written = export(&mut office, &next_stick(d), false);
                assert_eq!(written.len(), inspector_count);
                for (fp, path) in written {
                    returns.push((fingerprints.iter().position(|f| *f == fp).unwrap(), path));
                }
            }
            Step::InspectorImport { pick } => {
                if !returns.is_empty() {
                    let (who, path) = &returns[pick % returns.len()];
                    import_ok(&mut inspectors[*who], path);
                }
            }
        }
    }

    // Everything still on a stick is carried, in some order; then each inspector writes what
    // the office lacks by its receipt (not `--all`), and the office takes that too.
    let mut rest = to_office.clone();
    rest.shuffle(&mut rng);
    for path in &rest {
        import_ok(&mut office, path);
    }
    let mut back = returns.clone();
    back.shuffle(&mut rng);
    for (who, path) in &back {
        import_ok(&mut inspectors[*who], path);
    }
    for inspector in &mut inspectors {
        let written = export(inspector, &next_stick(d), false);
        import_ok(&mut office, &written[0].1);
        to_office.push(written[0].1.clone());
    }

    // Every op made anywhere is at the office, byte for byte as its replica holds it.
    let total: usize = created.iter().sum();
    assert_eq!(office.op_count().unwrap() as usize, total, "created per replica: {created:?}");
    let at_office: BTreeSet<String> = office.all_ops().unwrap().iter().map(|op| format!("{op:?}")).collect();
    for inspector in &inspectors {
        for op in inspector.all_ops().unwrap() {
            assert!(at_office.contains(&format!("{op:?}")), "{op:?} is not at the office");
        }
    }
    assert!(office.check().unwrap().is_sound());

    // Taking every bundle again changes nothing.
    let digest = office.digest().unwrap();
    for path in &to_office {
        let again = office.import_bundle(path, ImportOptions::default(), &mut |_, _| {}).unwrap();
        assert!(again.already_imported.is_some() && again.refused.is_none(), "{again:?}");
    }
    assert_eq!(office.digest().unwrap(), digest);

    // Other orders, with repeats, reach the same office.
    let own: Vec<Op> =
        office.all_ops().unwrap().into_iter().filter(|op| op.id.replica == office.replica_id()).collect();
    for copy in 0..3 {
        let path = path_of(d, &format!("督查科-副本{copy}"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(&template, &path).unwrap();
        let mut other = Store::open(&path).unwrap();
        let mut order: Vec<&PathBuf> = to_office.iter().collect();
        let repeats: Vec<&PathBuf> = to_office.iter().filter(|_| rand::Rng::random_bool(&mut rng, 0.3)).collect();
        order.extend(repeats);
        order.shuffle(&mut rng);
        // The office's own ops come back as from a restored profile, at a random point.
        let at = rand::Rng::random_range(&mut rng, 0..=order.len());
        for (i, bundle) in order.iter().enumerate() {
            if i == at {
                assert!(!other.import(&own).unwrap().is_refused());
            }
            let result = other.import_bundle(bundle, ImportOptions::default(), &mut |_, _| {}).unwrap();
            assert!(result.refused.is_none(), "{result:?}");
        }
        if at == order.len() {
            assert!(!other.import(&own).unwrap().is_refused());
        }
        assert_eq!(other.op_count().unwrap() as usize, total, "copy {copy}");
        assert_eq!(other.digest().unwrap(), digest, "copy {copy}: another order, the same office");
    }
    office.all_records().unwrap().iter().map(|r| r.fields.values().filter(|f| f.is_conflict()).count()).sum()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn every_order_of_bundles_converges_at_the_office_and_no_op_is_lost(
        inspector_count in 2..=4usize,
        steps in proptest::collection::vec(step(), 8..40),
        seed in any::<u64>(),
    ) {
        run(inspector_count, &steps, seed);
    }
}

/// A fixed trip with a conflict on each side: the same finding edited by its inspector and
/// the office before either saw the other's edit, and two inspectors editing one session.
#[test]
fn concurrent_edits_on_two_replicas_arrive_as_conflicts_and_still_converge() {
    use Step::*;
    let steps = vec![
        Edit { who: 0, pick: 0, new: true, text: 0 }, // 王建国: a session
        Edit { who: 0, pick: 0, new: true, text: 0 }, // 王建国: a finding in it
        InspectorExport { who: 0, all: false },
        OfficeImport { pick: 0 },
        OfficeExport,
        InspectorImport { pick: 0 },
        Edit { who: 0, pick: 1, new: false, text: 1 }, // 王建国 edits the finding
        Edit { who: 2, pick: 1, new: false, text: 2 }, // the office edits it too
        Edit { who: 1, pick: 0, new: false, text: 3 }, // 李娜 edits the session blind
        Edit { who: 0, pick: 0, new: false, text: 1 }, // and 王建国 too
        InspectorExport { who: 1, all: false },
        InspectorExport { who: 0, all: false },
        OfficeExport,
    ];
    assert_eq!(run(2, &steps, 7), 2, "the finding's description and the session's place");
}
