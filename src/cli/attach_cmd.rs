//! `tiyan attach (--session ID | --finding ID) FILE... [--json]` and `tiyan detach (--session
//! ID | --finding ID) ATTACHMENT`: photos and scans (附件) as `store::attachments` keeps them.
//! Every file is checked before any is attached, so a refused one attaches none; exit 1.

use super::args::{AttachArgs, AttachOwner, DetachArgs};
use super::common::{Moment, print_json, resolve_session};
use super::finding_cmd::load_finding;
use super::open::{CliError, Setup};
use super::out::say;
use crate::domain::op::entity_id_string;
use crate::domain::{Attachment, EntityId, EntityKind};
use crate::files::size_text;
use crate::present::rows::AttachmentRow;
use crate::store::Store;
use crate::store::attachments::{self, AttachError};

/// The record named, with its attachments and how messages name it.
struct Owner {
    kind: EntityKind,
    id: EntityId,
    label: String,
    attachments: Vec<Attachment>,
}

fn owner(setup: &Setup, store: &Store, which: &AttachOwner) -> Result<Owner, CliError> {
    let s = setup.strings();
    if let Some(text) = &which.finding {
        let f = load_finding(setup, store, text)?;
        let label = s.tf("cli.attach.finding", &[("seq", &f.seq_label())]);
        return Ok(Owner { kind: EntityKind::Finding, id: f.id, label, attachments: f.attachments });
    }
    let text = which.session.as_deref().unwrap_or_default();
    let id = resolve_session(setup, store, text)?;
    let session = store.session(id).map_err(|e| setup.store_error(e))?;
    let session = session.ok_or_else(|| CliError::refused(s.tf("cli.session.not_found", &[("id", text)])))?;
    let label = s.tf("cli.attach.session", &[("item", &session.item)]);
    Ok(Owner { kind: EntityKind::Session, id, label, attachments: session.attachments })
}

fn refused(setup: &Setup, e: AttachError) -> CliError {
    match e {
        AttachError::Store(e) => setup.store_error(e),
        e => CliError::refused(e.message(setup.strings())),
    }
}

pub fn attach(setup: &Setup, a: &AttachArgs) -> Result<(), CliError> {
    let s = setup.strings();
    // All files are read and checked before the store is touched.
    let loaded = a
        .files
        .iter()
        .map(|path| attachments::load(path, setup.attach_cap))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| refused(setup, e))?;
    let mut store = setup.open_store_existing()?;
    let owner = owner(setup, &store, &a.owner)?;
    let by = store.inspector().map_err(|e| setup.store_error(e))?.unwrap_or_default();
    let attached = store.attach(owner.kind, owner.id, &loaded, &by).map_err(|e| refused(setup, e))?;
    if a.json {
        return print_json(&AttachmentRow::all(&attached, &Moment::current().zone));
    }
    for x in &attached {
        let args = [
            ("name", x.name.as_str()),
            ("type", x.file_type.label()),
            ("size", &size_text(x.size)),
            ("what", &owner.label),
            ("id", &entity_id_string(x.id)),
        ];
        say!("{}", s.tf("cli.attach.done", &args));
    }
    Ok(())
}

pub fn detach(setup: &Setup, a: &DetachArgs) -> Result<(), CliError> {
    let s = setup.strings();
    let mut store = setup.open_store_existing()?;
    let owner = owner(setup, &store, &a.owner)?;
    let wanted = a.attachment.trim();
    let upper = wanted.to_ascii_uppercase();
    let matches: Vec<&Attachment> = owner
        .attachments
        .iter()
        .filter(|x| x.name == wanted || (!upper.is_empty() && entity_id_string(x.id).starts_with(&upper)))
        .collect();
    let args = [("what", owner.label.as_str()), ("attachment", wanted)];
    let x = match matches.as_slice() {
        [] => return Err(CliError::refused(s.tf("cli.detach.not_found", &args))),
        [one] => *one,
        many => {
            let list: Vec<String> = many.iter().map(|x| format!("{} {}", entity_id_string(x.id), x.name)).collect();
            let args = [("attachment", wanted), ("list", &list.join("; "))];
            return Err(CliError::refused(s.tf("cli.detach.ambiguous", &args)));
        }
    };
    store.detach(owner.kind, owner.id, x.id).map_err(|e| refused(setup, e))?;
    say!("{}", s.tf("cli.detach.done", &[("name", &x.name), ("what", &owner.label)]));
    Ok(())
}
