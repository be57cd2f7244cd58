//! Shared bench helpers: percentiles and an app context like the TUI's.
#![allow(dead_code)]

use std::time::Duration;

use tiyan::app::Context;
use tiyan::i18n::Lang;
use tiyan::keymap::Keymap;
use tiyan::term::caps::Caps;

pub fn context() -> Context {
    Context {
        keymap: Keymap::builtin(),
        lang: Lang::Zh,
        caps: Caps::default(),
        profile: "bench".into(),
        startup_notice: None,
        templates: tiyan::checklist::choices(
            &tiyan::checklist::Catalog::load(tiyan::checklist::SHIPPED, None),
            Lang::Zh,
        ),
        clock: std::sync::Arc::new(tiyan::clock::SystemClock::start()),
        waits: Default::default(),
        ids: std::sync::Arc::new(tiyan::domain::ids::UlidIds),
        zone: tiyan::domain::zone::Zone::local(),
        calendar: std::sync::Arc::new(tiyan::holidays::shipped()),
        attach_cap: tiyan::domain::attachment::DEFAULT_MAX_BYTES,
    }
}

/// Nearest-rank percentile of sorted samples.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

pub fn report(name: &str, samples: &mut [Duration]) {
    samples.sort();
    println!(
        "{name}: n={} median={:.3} ms p99={:.3} ms max={:.3} ms",
        samples.len(),
        percentile(samples, 50.0).as_secs_f64() * 1e3,
        percentile(samples, 99.0).as_secs_f64() * 1e3,
        samples.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// A fresh store on the bench disk ($TIYAN_BENCH_DIR, else the temp dir) with one session.
/// Keep the TempDir alive as long as the store.
pub fn store_with_session() -> (tempfile::TempDir, tiyan::store::Store, tiyan::domain::EntityId) {
    use tiyan::domain::{Change, EntityKind, Value, op::new_entity_id};
    let dir = std::env::var_os("TIYAN_BENCH_DIR").map(std::path::PathBuf::from).unwrap_or_else(std::env::temp_dir);
    let tmp = tempfile::tempdir_in(&dir).expect("temp dir");
    println!("disk: {}", tmp.path().display());
    let mut store = tiyan::store::Store::open(&tmp.path().join("p/tiyan.redb")).expect("open store");
    let session = new_entity_id();
    store.apply(&[Change::set(EntityKind::Session, session, "item", Value::text("企业开办"))]).expect("session");
    (tmp, store, session)
}

/// Waits for `child` (spawned at `t0`) to end: its wall time and maximum resident set in KB.
/// Panics if it did not exit 0.
pub fn reap(child: std::process::Child, t0: std::time::Instant, what: &str) -> (Duration, i64) {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our child, not yet reaped; status and usage are ours to write.
    let reaped = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = t0.elapsed();
    assert_eq!(reaped, pid, "wait4");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "{what} failed: {status}");
    // Reaped by wait4 above; dropping a `Child` neither waits nor kills.
    drop(child);
    (elapsed, usage.ru_maxrss)
}
