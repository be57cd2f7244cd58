//! `tiyan keys`, `tiyan office init|card` and `tiyan peers [trust|revoke]`: who this profile is
//! and whom it trusts (see `store::sync`).

use serde::Serialize;

use super::args::{OfficeCmd, PeersCmd};
use super::open::{CliError, Setup};
use super::out::say;
use crate::app::sync_text::{peer_error_text, role_text};
use crate::bundle::format::{Card, Role};
use crate::bundle::identity::{self, card_file_name, card_file_text, fingerprint, hex, role_name};
use crate::store::sync::{Peer, PeerError, Trust};

#[derive(Serialize)]
struct CardJson<'a> {
    name: &'a str,
    role: &'static str,
    fingerprint: String,
    signing_key: String,
    age_recipient: &'a str,
}

fn card_json(card: &Card) -> CardJson<'_> {
    CardJson {
        name: &card.name,
        role: role_name(card.role),
        fingerprint: fingerprint(&card.signing_key),
        signing_key: hex(&card.signing_key),
        age_recipient: &card.age_recipient,
    }
}

fn print_json(value: &impl Serialize) -> Result<(), CliError> {
    println!("{}", serde_json::to_string_pretty(value).map_err(|e| CliError::refused(e.to_string()))?);
    Ok(())
}

pub fn keys(setup: &Setup, json: bool) -> Result<(), CliError> {
    let s = setup.strings();
    // The keys are made on a writable open (a store from before them gets them now).
    let store = setup.open_store().inspect(|store| setup.say_if_created(store))?;
    let (card, _) = store.own_card().map_err(|e| setup.store_error(e))?;
    if json {
        return print_json(&card_json(&card));
    }
    say!("{}", s.tf("sync.keys.name", &[("name", &card.name)]));
    say!("{}", s.tf("sync.keys.role", &[("role", role_text(s, card.role))]));
    say!("{}", s.tf("sync.keys.fingerprint", &[("fp", &fingerprint(&card.signing_key))]));
    say!("{}", s.tf("sync.keys.signing", &[("key", &hex(&card.signing_key))]));
    say!("{}", s.tf("sync.keys.age", &[("age", &card.age_recipient)]));
    Ok(())
}

pub fn office(setup: &Setup, cmd: &OfficeCmd) -> Result<(), CliError> {
    let s = setup.strings();
    match cmd {
        OfficeCmd::Init { name } => {
            if name.trim().is_empty() {
                return Err(CliError::refused(s.t("sync.office.empty")));
            }
            super::input::name(setup, "--name", name)?;
            let mut store = setup.open_store().inspect(|store| setup.say_if_created(store))?;
            store.set_office(name).map_err(|e| setup.store_error(e))?;
            let (card, _) = store.own_card().map_err(|e| setup.store_error(e))?;
            let fp = fingerprint(&card.signing_key);
            say!("{}", s.tf("sync.office.set", &[("name", name.trim()), ("fp", &fp)]));
            Ok(())
        }
        OfficeCmd::Card { to } => {
            let store = setup.open_store_existing()?;
            let (card, keys) = store.own_card().map_err(|e| setup.store_error(e))?;
            if card.role != Role::Office {
                return Err(CliError::refused(s.t("sync.office.not_office")));
            }
            let name = card_file_name(&card);
            let path = to.join(&name);
            crate::files::write_atomically(&path, card_file_text(&keys, &card).as_bytes()).map_err(|e| {
                CliError::refused(
                    s.tf("sync.write_failed", &[("path", &path.display().to_string()), ("error", &e.to_string())]),
                )
            })?;
            say!(
                "{}",
                s.tf(
                    "sync.office.card_written",
                    &[("path", &path.display().to_string()), ("fp", &fingerprint(&card.signing_key))]
                )
            );
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct PeerJson<'a> {
    #[serde(flatten)]
    card: CardJson<'a>,
    trusted_at: String,
    trusted_how: &'static str,
    trusted_from: &'a str,
    revoked: bool,
    revoked_at: Option<String>,
    last_bundle_at: Option<String>,
}

/// A time as the plain text shows it.
pub fn time_text(ms: i64) -> String {
    crate::present::time::date_time(&crate::present::Zone::local(), ms)
}

/// A time as JSON gives it (RFC 3339, as every other `--json`).
pub fn time_json(ms: i64) -> String {
    crate::present::time::rfc3339(&crate::present::Zone::local(), ms)
}

fn peer_json(peer: &Peer) -> PeerJson<'_> {
    let (how, from) = match &peer.how {
        Trust::CardFile(f) => ("card_file", f.as_str()),
        Trust::Bundle(f) => ("bundle", f.as_str()),
    };
    PeerJson {
        card: card_json(&peer.card),
        trusted_at: time_json(peer.trusted_ms),
        trusted_how: how,
        trusted_from: from,
        revoked: peer.revoked_ms.is_some(),
        revoked_at: peer.revoked_ms.map(time_json),
        last_bundle_at: peer.last_bundle_ms.map(time_json),
    }
}

fn peer_error(setup: &Setup, e: PeerError) -> CliError {
    match e {
        PeerError::Store(e) => setup.store_error(e),
        other => CliError::refused(peer_error_text(setup.strings(), &other)),
    }
}

pub fn peers(setup: &Setup, cmd: Option<&PeersCmd>, json: bool) -> Result<(), CliError> {
    let s = setup.strings();
    match cmd {
        None => {
            let store = setup.open_store_read_only()?;
            let peers = store.peers().map_err(|e| setup.store_error(e))?;
            if json {
                return print_json(&peers.iter().map(peer_json).collect::<Vec<_>>());
            }
            if peers.is_empty() {
                say!("{}", s.t("sync.peers.none"));
            }
            for peer in &peers {
                let state = match peer.revoked_ms {
                    Some(ms) => s.tf("sync.peers.revoked_at", &[("at", &time_text(ms))]),
                    None => s.tf("sync.peers.trusted_at", &[("at", &time_text(peer.trusted_ms))]),
                };
                say!(
                    "{}  {}  {}  {}",
                    fingerprint(&peer.card.signing_key),
                    role_text(s, peer.card.role),
                    peer.card.name,
                    state
                );
            }
            Ok(())
        }
        Some(PeersCmd::Trust { card }) => {
            let text = match crate::files::read_optional(card, identity::MAX_CARD_FILE) {
                Ok(Some(text)) => text,
                Ok(None) => {
                    return Err(CliError::refused(s.tf("sync.card.missing", &[("path", &card.display().to_string())])));
                }
                Err(problem) => return Err(CliError::refused(problem.message(s))),
            };
            let parsed = identity::parse_card_file(&text).map_err(|why| {
                CliError::refused(s.tf("sync.card.bad", &[("path", &card.display().to_string()), ("why", &why)]))
            })?;
            let mut store = setup.open_store_existing()?;
            let from = card.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let peer = store.trust(&parsed, Trust::CardFile(from)).map_err(|e| peer_error(setup, e))?;
            say!(
                "{}",
                s.tf(
                    "sync.peers.trusted",
                    &[
                        ("name", &peer.card.name),
                        ("role", role_text(s, peer.card.role)),
                        ("fp", &fingerprint(&peer.card.signing_key))
                    ]
                )
            );
            Ok(())
        }
        Some(PeersCmd::Revoke { fingerprint: typed }) => {
            let mut store = setup.open_store_existing()?;
            let peer = store.revoke(typed).map_err(|e| peer_error(setup, e))?;
            say!(
                "{}",
                s.tf("sync.peers.revoked", &[("name", &peer.card.name), ("fp", &fingerprint(&peer.card.signing_key))])
            );
            Ok(())
        }
    }
}
