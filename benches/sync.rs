//! A store ready for bundles, at 100,000 ops (four replicas of 25,000: a hall terminal's
//! year of findings and their moves): importing them in one checked batch, reading the
//! version vector, and what a peer lacking the last 100 ops of each replica is sent —
//! `ops_since` reading only those ranges, against decoding the whole log and filtering it
//! (what `ops_since` did before). On the bench disk ($TIYAN_BENCH_DIR, else the temp dir).

mod support;

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::{Duration, Instant};

use tiyan::domain::finding::field as ff;
use tiyan::domain::{EntityKind, Hlc, Op, OpId, OpPayload, ReplicaId, Value};
use tiyan::store::Store;

const REPLICAS: u128 = 4;
const PER_REPLICA: u64 = 25_000;
const LACKING: u64 = 100;
const YEAR_START_MS: u64 = 1_767_225_600_000;

/// Per replica, sessions of eight findings: a session op, then per finding its session,
/// 序号 and text (25 ops a session).
fn ops() -> Vec<Op> {
    let mut out = Vec::new();
    for r in 1..=REPLICAS {
        let replica = ReplicaId::from_u128(r << 64 | 0x7777);
        let (mut session, mut finding, mut k) = (0, 0, 0);
        for seq in 1..=PER_REPLICA {
            let id = |n: u64| ulid::Ulid::from_parts(YEAR_START_MS + seq, r << 64 | u128::from(n)).0;
            let (entity, kind, field, value) = match (seq - 1) % 25 {
                0 => {
                    session = id(seq);
                    k = 0;
                    (session, EntityKind::Session, "item", Value::text("企业开办"))
                }
                i => match (i - 1) % 3 {
                    0 => {
                        k += 1;
                        finding = id(seq);
                        (finding, EntityKind::Finding, ff::SESSION, Value::Ref(session))
                    }
                    1 => (finding, EntityKind::Finding, ff::SEQ, Value::Int(k)),
                    _ => (
                        finding,
                        EntityKind::Finding,
                        ff::DESCRIPTION,
                        Value::text("取号后等候时间过长，叫号屏不显示窗口号"),
                    ),
                },
            };
            out.push(Op {
                id: OpId { replica, seq },
                hlc: Hlc { wall_ms: YEAR_START_MS + seq * 60_000, counter: r as u32 },
                payload: OpPayload::Set { entity, kind, field: field.into(), value, supersedes: vec![] },
            });
        }
    }
    out
}

fn time<T>(samples: &mut Vec<Duration>, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    samples.push(start.elapsed());
    out
}

fn main() {
    let ops = ops();
    assert_eq!(ops.len() as u64, REPLICAS as u64 * PER_REPLICA);
    let dir = std::env::var_os("TIYAN_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::tempdir_in(&dir).expect("temp dir");
    println!("disk: {}", tmp.path().display());

    let mut import = Vec::new();
    let mut again = Vec::new();
    let mut store = None;
    for round in 0..3 {
        let mut s = Store::open(&tmp.path().join(format!("p{round}/tiyan.redb"))).expect("open");
        let report = time(&mut import, || s.import(&ops).expect("import"));
        assert_eq!(report.new, ops.len());
        let report = time(&mut again, || s.import(&ops).expect("import again"));
        assert_eq!(report.duplicates, ops.len());
        store = Some(s);
    }
    support::report("import 100,000 ops, one checked durable batch", &mut import);
    support::report("import the same 100,000 again (all duplicates)", &mut again);
    let store = store.expect("a store");

    let mut vector_times = Vec::new();
    let mut vector = BTreeMap::new();
    for _ in 0..200 {
        vector = time(&mut vector_times, || store.version_vector().expect("vector"));
    }
    support::report("version_vector at 100,000 ops", &mut vector_times);
    let peer: BTreeMap<ReplicaId, u64> = vector.iter().map(|(r, s)| (*r, s - LACKING)).collect();

    let mut ranged = Vec::new();
    let mut whole = Vec::new();
    for _ in 0..30 {
        let sent = time(&mut ranged, || store.ops_since(&peer).expect("ops_since"));
        assert_eq!(sent.len() as u64, REPLICAS as u64 * LACKING);
        let filtered = time(&mut whole, || {
            let all = store.all_ops().expect("all_ops");
            all.into_iter().filter(|op| op.id.seq > peer.get(&op.id.replica).copied().unwrap_or(0)).count()
        });
        assert_eq!(black_box(filtered), sent.len());
    }
    support::report("ops_since: a peer lacking 100 ops of each of 4 replicas (reads 400)", &mut ranged);
    support::report("the same by decoding the whole log and filtering (before)", &mut whole);

    let mut full = Vec::new();
    for _ in 0..5 {
        let sent = time(&mut full, || store.ops_since(&BTreeMap::new()).expect("ops_since"));
        assert_eq!(sent.len(), ops.len());
    }
    support::report("ops_since an empty vector (all 100,000)", &mut full);
}
