//! No panic text ever reaches the user. redb trusts pages it has not verified and panics on
//! some damaged files (`unreachable code`, a `Utf8Error`); those panics are contained where
//! the store is read and become a translated "damaged" error. Any other panic is a defect of
//! ours: its text and place go to a crash log, and the user reads one plain line saying where
//! the log is.

use std::cell::Cell;
use std::io::Write;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::OnceLock;

thread_local! {
    /// Set while `contain` runs: a panic there is expected and handled by the caller.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
    /// The last contained panic's message and place, for the caller's error.
    static LAST: Cell<Option<String>> = const { Cell::new(None) };
}

static LOG: OnceLock<(PathBuf, &'static str)> = OnceLock::new();

/// Runs `f`; a panic inside it is returned as its message (nothing is printed).
pub fn contain<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let outer = CONTAINED.with(|c| c.replace(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    CONTAINED.with(|c| c.set(outer));
    result.map_err(|payload| {
        LAST.with(|l| l.take()).unwrap_or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default()
        })
    })
}

/// Whether the current thread is inside `contain` (the terminal stays as it is then).
pub fn is_contained() -> bool {
    CONTAINED.with(Cell::get)
}

/// Installs the hook: no panic's text reaches the terminal. A contained one is handled by its
/// caller; any other (a defect) goes to `log` with its backtrace, and stderr gets one line
/// (`notice`, with `{path}` for the log's path).
pub fn install_hook(log: PathBuf, notice: &'static str) {
    if LOG.set((log, notice)).is_err() {
        return;
    }
    panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        if is_contained() {
            // The caller turns it into a translated "damaged" message; `tiyan check` names the
            // damage. Nothing is written: a reading command writes nothing, even then.
            LAST.with(|l| l.set(Some(format!("{message}{place}"))));
            return;
        }
        let Some((path, notice)) = LOG.get() else { return };
        let thread = std::thread::current().name().unwrap_or("?").to_string();
        let when = chrono::Utc::now().to_rfc3339();
        // A defect's log carries its backtrace, for whoever fixes it.
        let trace = std::backtrace::Backtrace::force_capture();
        let mut options = std::fs::OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let written = options.open(path).and_then(|mut f| {
            writeln!(f, "{when} tiyan {} thread {thread}: {message}{place}\n{trace}", env!("CARGO_PKG_VERSION"))
        });
        let shown = if written.is_ok() { path.display().to_string() } else { "-".to_string() };
        // Never `eprintln!`: with the terminal gone it panics inside the hook, and that aborts.
        let _ = writeln!(std::io::stderr(), "tiyan: {}", notice.replace("{path}", &shown));
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contained_panic_comes_back_as_its_message() {
        let r: Result<(), String> = contain(|| panic!("boom {}", 7));
        assert!(r.unwrap_err().contains("boom 7"));
        assert!(!is_contained());
        assert_eq!(contain(|| 5), Ok(5));
    }
}
