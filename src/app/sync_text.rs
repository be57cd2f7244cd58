//! Sync outcomes in the user's language, for the sync screen and the command line alike.

use std::path::Path;

use crate::bundle::format::{BundleError, Role};
use crate::i18n::Strings;
use crate::store::sync::{ExportError, PeerError, Refused};

pub fn role_text(s: &Strings, role: Role) -> &'static str {
    match role {
        Role::Inspector => s.t("sync.role.inspector"),
        Role::Office => s.t("sync.role.office"),
    }
}

/// Why a bundle was refused, with the detail that names the check.
pub fn refusal_text(s: &Strings, refused: &Refused) -> String {
    let reason = s.t(&format!("sync.refused.{}", refused.code()));
    let detail = match refused {
        Refused::Unreadable(d) | Refused::OpsDamaged(d) | Refused::Invalid(d) | Refused::Quarantined(d) => d.clone(),
        Refused::Bundle(BundleError::Damaged(d)) => d.clone(),
        Refused::Bundle(BundleError::FormatTooNew(v)) => format!("format {v}"),
        Refused::Bundle(BundleError::TooLarge(n)) => format!("{n} bytes"),
        _ => String::new(),
    };
    if detail.is_empty() { reason.to_string() } else { format!("{reason} ({detail})") }
}

pub fn peer_error_text(s: &Strings, e: &PeerError) -> String {
    match e {
        PeerError::Store(e) => e.localized(s),
        PeerError::NotFound(fp) => s.tf("sync.peers.not_found", &[("fp", fp)]),
        PeerError::Ambiguous(all) => s.tf("sync.peers.ambiguous", &[("fps", &all.join(", "))]),
        PeerError::Own => s.t("sync.peers.own").to_string(),
    }
}

/// Why an export wrote nothing. `card` names a card file to trust, when there is one.
pub fn export_error_text(s: &Strings, e: &ExportError, card: Option<&Path>) -> String {
    match e {
        ExportError::Store(e) => e.localized(s),
        ExportError::Peer(e) => peer_error_text(s, e),
        ExportError::NoOffice => {
            let card = card.map(|c| c.display().to_string()).unwrap_or_else(|| "<tiyan-office-XXXX.card>".into());
            s.tf("sync.export.no_office", &[("card", &card)])
        }
        ExportError::NoDevices => s.t("sync.export.no_devices").to_string(),
        ExportError::Revoked(fp) => s.tf("sync.export.revoked", &[("fp", fp)]),
        ExportError::Directory { path, detail } => {
            s.tf("sync.export.directory", &[("path", &path.display().to_string()), ("error", detail)])
        }
        ExportError::Write { path, step, detail } => {
            s.tf("sync.export.write", &[("path", &path.display().to_string()), ("step", step), ("error", detail)])
        }
        ExportError::Encode(detail) => detail.clone(),
    }
}
