//! `tiyan export --to DIR [--all] [--for FINGERPRINT] [--unencrypted] [--json]`: write the
//! bundles `store::sync` chooses into DIR, each read back and checked before it is reported.

use serde::Serialize;

use super::args::ExportArgs;
use super::open::{CliError, Setup};
use super::out::say;
use crate::app::sync_text::export_error_text;
use crate::bundle::identity::role_name;
use crate::files::size_text;
use crate::store::sync::{ExportError, ExportRequest, Exported, PeerError};

#[derive(Serialize)]
struct RecipientJson<'a> {
    name: &'a str,
    fingerprint: &'a str,
    role: &'static str,
}

#[derive(Serialize)]
struct ExportJson<'a> {
    file: String,
    bundle_id: &'a str,
    bytes: u64,
    hash: &'a str,
    ops: usize,
    encrypted: bool,
    since_receipt: bool,
    /// When the receipt it starts after was written (the oldest, for several recipients).
    receipt_at: Option<String>,
    recipients: Vec<RecipientJson<'a>>,
    sessions: usize,
    findings: usize,
    checklists: usize,
    tickets: usize,
}

fn export_json(e: &Exported) -> ExportJson<'_> {
    ExportJson {
        file: e.path.display().to_string(),
        bundle_id: &e.bundle_id,
        bytes: e.bytes,
        hash: &e.hash,
        ops: e.plan.ops,
        encrypted: !e.plan.recipients.is_empty(),
        since_receipt: e.plan.since_receipt,
        receipt_at: e.plan.receipt_ms.map(super::keys_cmd::time_json),
        recipients: e
            .plan
            .recipients
            .iter()
            .map(|r| RecipientJson { name: &r.name, fingerprint: &r.fingerprint, role: role_name(r.role) })
            .collect(),
        sessions: e.plan.entities[0],
        findings: e.plan.entities[1],
        checklists: e.plan.entities[2],
        tickets: e.plan.entities[3],
    }
}

fn export_error(setup: &Setup, error: ExportError, dir: &std::path::Path) -> CliError {
    match error {
        ExportError::Store(e) => setup.store_error(e),
        ExportError::Peer(PeerError::Store(e)) => setup.store_error(e),
        other => {
            let card = crate::bundle::stick::cards_in(dir).unwrap_or_default().into_iter().next();
            CliError::refused(export_error_text(setup.strings(), &other, card.as_deref()))
        }
    }
}

pub fn run(setup: &Setup, args: &ExportArgs) -> Result<(), CliError> {
    let s = setup.strings();
    let mut store = setup.open_store_existing()?;
    let request = ExportRequest {
        to: args.to.clone(),
        all: args.all,
        for_device: args.for_device.clone(),
        unencrypted: args.unencrypted,
    };
    let written = store.export(&request, &mut |_, _| {}).map_err(|e| export_error(setup, e, &args.to))?;
    if args.json {
        let out: Vec<ExportJson> = written.iter().map(export_json).collect();
        println!("{}", serde_json::to_string_pretty(&out).map_err(|e| CliError::refused(e.to_string()))?);
        return Ok(());
    }
    for e in &written {
        let to = if e.plan.recipients.is_empty() {
            s.t("sync.export.unencrypted").to_string()
        } else {
            e.plan.recipients.iter().map(|r| format!("{} {}", r.name, r.fingerprint)).collect::<Vec<_>>().join("、")
        };
        say!(
            "{}",
            s.tf(
                "sync.export.done",
                &[
                    ("path", &e.path.display().to_string()),
                    ("size", &size_text(e.bytes)),
                    ("ops", &e.plan.ops.to_string()),
                    ("findings", &e.plan.entities[1].to_string()),
                    ("to", &to),
                ]
            )
        );
    }
    say!("{}", s.t("sync.export.eject"));
    Ok(())
}
