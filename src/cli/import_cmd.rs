//! `tiyan import FILE... [--dry-run] [--trust-new] [--json]` and `tiyan imports [--json]`:
//! bundles taken whole or refused whole (see `store::sync`), and the log of those taken.
//! Exit 1 when any bundle is refused; the others are still imported.

use std::path::PathBuf;

use serde::Serialize;

use super::args::ImportArgs;
use super::keys_cmd::{time_json, time_text};
use super::open::{CliError, Setup};
use super::out::{say, warn};
use crate::app::sync_text::refusal_text;
use crate::bundle::identity::fingerprint;
use crate::bundle::stick;
use crate::store::sync::{BundleImport, ImportOptions, Refused};

#[derive(Serialize)]
struct GapJson {
    replica: String,
    from: u64,
    to: u64,
}

#[derive(Serialize)]
struct ImportJson<'a> {
    file: String,
    bundle_id: Option<&'a str>,
    hash: Option<&'a str>,
    sender_fingerprint: Option<&'a str>,
    sender_name: Option<&'a str>,
    written_at: Option<String>,
    ops: usize,
    ops_new: usize,
    ops_duplicate: usize,
    conflicts_opened: usize,
    sessions_new: usize,
    findings_new: usize,
    findings_changed: usize,
    gaps: Vec<GapJson>,
    future_ops: usize,
    already_imported_at: Option<String>,
    trusted_now: bool,
    dry_run: bool,
    quarantined_as: Option<String>,
    refused: Option<&'static str>,
    refused_detail: Option<String>,
    /// Photos and scans carried (kept in the profile unless a dry run or refused).
    files: usize,
}

fn import_json(r: &BundleImport) -> ImportJson<'_> {
    ImportJson {
        file: r.file.display().to_string(),
        bundle_id: r.bundle_id.as_deref(),
        hash: r.hash.as_deref(),
        sender_fingerprint: r.sender_fingerprint.as_deref(),
        sender_name: r.sender_name.as_deref(),
        written_at: r.written_ms.map(time_json),
        ops: r.ops,
        ops_new: r.ops_new,
        ops_duplicate: r.ops_duplicate,
        conflicts_opened: r.conflicts_opened,
        sessions_new: r.records_new[0],
        findings_new: r.records_new[1],
        findings_changed: r.records_changed[1],
        gaps: r.gaps.iter().map(|g| GapJson { replica: g.replica.to_string(), from: g.from, to: g.to }).collect(),
        future_ops: r.future.iter().map(|f| f.ops).sum(),
        already_imported_at: r.already_imported.map(time_json),
        trusted_now: r.trusted_now,
        dry_run: r.dry_run,
        quarantined_as: r.quarantined_as.as_ref().map(|p| p.display().to_string()),
        refused: r.refused.as_ref().map(Refused::code),
        refused_detail: r.refused.as_ref().map(ToString::to_string),
        files: r.files,
    }
}

/// The files named, a directory standing for every bundle in it (`.part` files left out); each
/// with whether it was found in a directory (then a bundle for other devices is passed over).
fn expand(setup: &Setup, named: &[PathBuf]) -> Result<Vec<(PathBuf, bool)>, CliError> {
    let mut out = Vec::new();
    for path in named {
        if path.is_dir() {
            let found = stick::bundles_in(path).map_err(|e| {
                CliError::refused(
                    setup
                        .strings()
                        .tf("sync.import.dir", &[("path", &path.display().to_string()), ("error", &e.to_string())]),
                )
            })?;
            out.extend(found.into_iter().map(|f| (f, true)));
        } else {
            out.push((path.clone(), false));
        }
    }
    Ok(out)
}

pub fn run(setup: &Setup, args: &ImportArgs) -> Result<(), CliError> {
    let s = setup.strings();
    let files = expand(setup, &args.files)?;
    let mut store = setup.open_store_existing()?;
    let options = ImportOptions { dry_run: args.dry_run, trust_new: args.trust_new };
    let mut results = Vec::new();
    for (file, in_dir) in &files {
        let result = store.import_bundle(file, options, &mut |_, _| {}).map_err(|e| setup.store_error(e))?;
        // A shared stick holds our own bundles and those for other devices: passed over.
        let for_others = matches!(result.refused, Some(Refused::Bundle(crate::bundle::format::BundleError::NotForUs)));
        if *in_dir && (result.written_here || for_others) {
            if !args.json {
                let key = if result.written_here { "sync.import.skip_own" } else { "sync.import.skip_others" };
                say!("{}", s.tf(key, &[("file", &file.display().to_string())]));
            }
            continue;
        }
        if !args.json {
            describe(setup, &result);
        }
        results.push(result);
    }
    if args.json {
        let out: Vec<ImportJson> = results.iter().map(import_json).collect();
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| CliError::refused(e.to_string()))?);
    }
    if files.is_empty() {
        return Err(CliError::refused(s.t("sync.import.none")));
    }
    let refused = results.iter().filter(|r| r.refused.is_some()).count();
    if refused > 0 {
        return Err(CliError::refused(s.tf("sync.import.refused_count", &[("n", &refused.to_string())])));
    }
    Ok(())
}

fn describe(setup: &Setup, r: &BundleImport) {
    let s = setup.strings();
    let file = r.file.display().to_string();
    let name = r.sender_name.clone().unwrap_or_default();
    let fp = r.sender_fingerprint.clone().unwrap_or_default();
    if let Some(refused) = &r.refused {
        warn(&s.tf("sync.import.refused", &[("file", &file), ("why", &refusal_text(s, refused))]));
        match refused {
            Refused::UnknownDevice => {
                warn(&s.tf("sync.import.unknown", &[("name", &name), ("fp", &fp), ("file", &file)]));
            }
            Refused::Quarantined(_) => {
                let kept = r.quarantined_as.as_ref().map(|p| p.display().to_string()).unwrap_or_default();
                warn(&s.tf("sync.import.quarantined", &[("kept", &kept)]));
            }
            _ => {}
        }
        return;
    }
    if r.written_here {
        say!("{}", s.tf("sync.import.skip_own", &[("file", &file)]));
        return;
    }
    if let Some(at) = r.already_imported {
        say!("{}", s.tf("sync.import.already", &[("file", &file), ("at", &time_text(at))]));
        return;
    }
    let key = if r.dry_run { "sync.import.would" } else { "sync.import.done" };
    say!(
        "{}",
        s.tf(
            key,
            &[
                ("file", &file),
                ("name", &name),
                ("fp", &fp),
                ("new", &r.ops_new.to_string()),
                ("dup", &r.ops_duplicate.to_string()),
                ("findings", &r.records_new[1].to_string()),
                ("changed", &r.records_changed[1].to_string()),
                ("conflicts", &r.conflicts_opened.to_string()),
            ]
        )
    );
    if r.files > 0 {
        say!("{}", s.tf("sync.import.files", &[("n", &r.files.to_string())]));
    }
    if r.trusted_now {
        let key = if r.dry_run { "sync.import.would_trust" } else { "sync.import.trusted" };
        say!("{}", s.tf(key, &[("name", &name), ("fp", &fp)]));
    }
    for gap in &r.gaps {
        warn(&s.tf(
            "sync.import.gap",
            &[("replica", &gap.replica.to_string()), ("from", &gap.from.to_string()), ("to", &gap.to.to_string())],
        ));
    }
    for f in &r.future {
        warn(
            &s.tf("sync.import.future", &[("n", &f.ops.to_string()), ("hours", &(f.ahead_ms / 3_600_000).to_string())]),
        );
    }
}

#[derive(Serialize)]
struct LogJson<'a> {
    bundle_id: String,
    hash: String,
    file: &'a str,
    sender_fingerprint: String,
    sender_name: &'a str,
    written_at: String,
    imported_at: String,
    ops_new: u64,
    ops_duplicate: u64,
    conflicts_opened: u64,
    gaps: u64,
    future_ops: u64,
}

pub fn list(setup: &Setup, json: bool) -> Result<(), CliError> {
    let s = setup.strings();
    let store = setup.open_store_read_only()?;
    let all = store.imports().map_err(|e| setup.store_error(e))?;
    if json {
        let out: Vec<LogJson> = all
            .iter()
            .map(|e| LogJson {
                bundle_id: ulid::Ulid::from_bytes(e.bundle_id).to_string(),
                hash: crate::bundle::identity::hex(&e.hash),
                file: &e.file,
                sender_fingerprint: fingerprint(&e.sender),
                sender_name: &e.sender_name,
                written_at: time_json(e.written_ms),
                imported_at: time_json(e.imported_ms),
                ops_new: e.ops_new,
                ops_duplicate: e.ops_duplicate,
                conflicts_opened: e.conflicts_opened,
                gaps: e.gaps,
                future_ops: e.future_ops,
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| CliError::refused(e.to_string()))?);
        return Ok(());
    }
    if all.is_empty() {
        say!("{}", s.t("sync.imports.none"));
    }
    for e in &all {
        say!(
            "{}",
            s.tf(
                "sync.imports.row",
                &[
                    ("at", &time_text(e.imported_ms)),
                    ("name", &e.sender_name),
                    ("fp", &fingerprint(&e.sender)),
                    ("new", &e.ops_new.to_string()),
                    ("dup", &e.ops_duplicate.to_string()),
                    ("file", &e.file),
                ]
            )
        );
    }
    Ok(())
}
