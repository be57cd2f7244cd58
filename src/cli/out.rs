//! Every plain-text line the command line prints goes through here, to stdout or stderr, made
//! safe for a terminal by [`crate::text::sanitize`]: a unit or inspector name holding escape
//! sequences prints as `?`, never as a command to the terminal. Each line is sanitized whole,
//! after columns were padded (and padding sanitizes before it cuts, so a cut never splits an
//! escape sequence). `--json` output does not come here: serde_json escapes control characters,
//! so it stays exact.

use std::io::Write;

use crate::text::sanitize;

/// Print `text` on stdout, each of its lines sanitized.
pub fn print_lines(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if text.is_empty() {
        let _ = writeln!(stdout);
    }
    for line in text.lines() {
        let _ = writeln!(stdout, "{}", sanitize(line));
    }
}

/// Print `text` on stderr, each of its lines sanitized, the first after `tiyan: `.
pub fn warn(text: &str) {
    let mut stderr = std::io::stderr().lock();
    for (i, line) in text.lines().enumerate() {
        let prefix = if i == 0 { "tiyan: " } else { "" };
        let _ = writeln!(stderr, "{prefix}{}", sanitize(line));
    }
}

/// Print `text` on stderr as it is, each line sanitized, without a prefix (problem lists that
/// name their file themselves).
pub fn note(text: &str) {
    let mut stderr = std::io::stderr().lock();
    for line in text.lines() {
        let _ = writeln!(stderr, "{}", sanitize(line));
    }
}

/// `println!` through [`print_lines`].
macro_rules! say {
    () => {
        $crate::cli::out::print_lines("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::out::print_lines(&format!($($arg)*))
    };
}

pub(crate) use say;
