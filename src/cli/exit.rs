//! Exit codes, a contract for office scripts (README lists them; `tiyan --help` too):
//!
//! | code | meaning |
//! |---|---|
//! | 0 | done |
//! | 1 | refused or bad input: a move the rules refuse, an unknown id, unit or date, a file that cannot be read |
//! | 2 | usage: unknown command or flag, a missing or malformed argument (clap's convention) |
//! | 3 | the profile is open in another process (the TUI or another command); nothing was done |
//! | 128 + N | the TUI was ended by signal N (129: hangup, the terminal went away; 143: SIGTERM); unsaved text was kept as a draft |

/// Done.
pub const OK: u8 = 0;
/// Refused, or bad input that parsed as arguments: the message says why.
pub const REFUSED: u8 = 1;
/// The command line itself is wrong. clap exits with this code on its own; named here so the
/// table is whole.
pub const USAGE: u8 = 2;
/// The profile's store is held by another process.
pub const LOCKED: u8 = 3;

/// What `tiyan --help` says about them, in both languages (it is shown before any language is
/// chosen).
pub const HELP: &str = "Exit codes / 退出码: 0 done 完成; 1 refused or bad input 拒绝或输入有误; \
                        2 usage error 用法错误; 3 profile open in another process 档案已被其他进程打开";

#[cfg(test)]
mod tests {
    #[test]
    fn codes_are_distinct_and_usage_is_clap_s() {
        let codes = [super::OK, super::REFUSED, super::USAGE, super::LOCKED];
        for (i, a) in codes.iter().enumerate() {
            assert!(codes[i + 1..].iter().all(|b| a != b));
        }
        let usage = <super::super::Cli as clap::Parser>::try_parse_from(["tiyan", "--no-such-flag"]).unwrap_err();
        assert_eq!(usage.exit_code(), i32::from(super::USAGE));
    }
}
