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
