//! `tiyan check [--json]`: the store looked at whole, nothing changed (see `store::check`).
//! Exit 0 when it is sound, 1 when anything is damaged or disagrees with the op log.

use serde::Serialize;

use super::exit;
use super::open::{CliError, Setup};
use super::out::say;
use crate::store::check::{Mismatch, Problem};
use crate::store::{Store, StoreError};

#[derive(Serialize)]
struct CheckJson<'a> {
    path: String,
    sound: bool,
    schema_version: u32,
    ops: u64,
    records: u64,
    problem_count: usize,
    problems: Vec<ProblemJson<'a>>,
}

#[derive(Serialize)]
struct ProblemJson<'a> {
    table: &'a str,
    key: &'a str,
    kind: &'static str,
    detail: String,
}

pub fn run(setup: &Setup, json: bool) -> Result<(), CliError> {
    let s = setup.strings();
    let path = setup.paths.store_file().display().to_string();
    let opened = Store::open_read_only(&setup.paths.store_file()).and_then(|store| store.check());
    let report = match opened {
        Ok(report) => report,
        // A store that cannot even be opened is the worst finding of all: scripts reading
        // --json get it as JSON too.
        Err(e) if json && !matches!(e, StoreError::AlreadyOpen { .. }) => {
            let detail = e.to_string();
            let kind = if matches!(e, StoreError::NoProfile { .. }) { "missing" } else { "unopenable" };
            let problems = vec![ProblemJson { table: "", key: "", kind, detail }];
            let out =
                CheckJson { path, sound: false, schema_version: 0, ops: 0, records: 0, problem_count: 1, problems };
            println!("{}", serde_json::to_string_pretty(&out).map_err(|e| CliError::refused(e.to_string()))?);
            return Err(setup.store_error(e));
        }
        Err(e) => return Err(setup.store_error(e)),
    };
    if json {
        let problems = report.problems.iter().map(problem_json).collect();
        let out = CheckJson {
            path: path.clone(),
            sound: report.is_sound(),
            schema_version: report.schema_version,
            ops: report.ops,
            records: report.records,
            problem_count: report.problem_count,
            problems,
        };
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| CliError::refused(e.to_string()))?);
    } else {
        say!("{}", s.tf("cli.check.title", &[("path", &path)]));
        say!(
            "{}",
            s.tf("cli.check.counts", &[("ops", &report.ops.to_string()), ("records", &report.records.to_string())])
        );
        for problem in &report.problems {
            say!("  {}", describe(problem, s));
        }
        let hidden = report.problem_count - report.problems.len();
        if hidden > 0 {
            say!("  {}", s.tf("cli.check.more", &[("n", &hidden.to_string())]));
        }
    }
    if report.is_sound() {
        if !json {
            say!("{}", s.t("cli.check.sound"));
        }
        Ok(())
    } else {
        Err(CliError::new(
            exit::REFUSED,
            s.tf("cli.check.unsound", &[("n", &report.problem_count.to_string()), ("path", &path)]),
        ))
    }
}

fn problem_json(p: &Problem) -> ProblemJson<'_> {
    match p {
        Problem::Unreadable { table, key, detail } => {
            ProblemJson { table, key, kind: "unreadable", detail: detail.clone() }
        }
        Problem::Derived { table, key, what } => {
            let kind = match what {
                Mismatch::Extra => "extra",
                Mismatch::Missing => "missing",
                Mismatch::Differs => "differs",
            };
            ProblemJson { table, key, kind, detail: String::new() }
        }
        Problem::MetaBehind { key, stored, needed } => {
            ProblemJson { table: "meta", key, kind: "meta", detail: format!("{stored} < {needed}") }
        }
        Problem::Pages => ProblemJson { table: "", key: "", kind: "pages", detail: String::new() },
    }
}

fn describe(p: &Problem, s: &crate::i18n::Strings) -> String {
    match p {
        // The decoder's own words stay in --json: here only what and where.
        Problem::Unreadable { table, key, .. } => s.tf("cli.check.unreadable", &[("table", table), ("key", key)]),
        Problem::Derived { table, key, what } => {
            let what = match what {
                Mismatch::Extra => "cli.check.extra",
                Mismatch::Missing => "cli.check.missing",
                Mismatch::Differs => "cli.check.differs",
            };
            s.tf(what, &[("table", table), ("key", key)])
        }
        Problem::MetaBehind { key, stored, needed } => {
            s.tf("cli.check.meta", &[("key", key), ("stored", stored), ("needed", needed)])
        }
        Problem::Pages => s.t("cli.check.pages").to_string(),
    }
}
