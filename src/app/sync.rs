//! 同步: the sync screen. The destinations (sticks mounted now, the directory last exported
//! to, one typed), what an export there would carry, the bundles found there with a dry run of
//! each, and the imports log. `e` exports, `i` imports; a card or a sender not trusted yet is
//! asked about (name and fingerprint) first. Everything is done on the store thread.

use std::path::PathBuf;

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::state::{CapturePurpose, ConfirmAction, Overlay, Screen, State};
use super::sync_text::{export_error_text, peer_error_text, refusal_text, role_text};
use crate::app::state::CaptureState;
use crate::bundle::format::Card;
use crate::bundle::identity::fingerprint;
use crate::bundle::stick;
use crate::files::size_text;
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;
use crate::store::sync::{ExportRequest, Refused};
use crate::store::thread::SyncLook;

/// Where a destination came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlaceKind {
    Stick { fstype: String },
    LastUsed,
    Typed,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Place {
    pub path: PathBuf,
    pub kind: PlaceKind,
}

/// What the sync screen shows.
#[derive(Default)]
pub struct SyncView {
    pub places: Vec<Place>,
    pub cursor: usize,
    /// The store's look at the chosen place (None while it looks).
    pub look: Option<Box<SyncLook>>,
    /// An export or import under way: its request and progress (done, total).
    pub busy: Option<(u64, usize, usize)>,
    /// The outcome of the last export or import, line by line.
    pub outcome: Vec<String>,
    /// The directory last used on this run (kept while the program runs).
    pub last_used: Option<PathBuf>,
    pub typed: Option<PathBuf>,
    /// The sticks mounted, as the store thread last read them.
    pub mounts: Vec<stick::Mount>,
    /// `i` came while the store was looking: import once the look is back.
    pub import_when_looked: bool,
    /// `e` asked to trust an office card first: export once it is trusted.
    pub export_when_trusted: bool,
    /// Lines scrolled past (PgUp/PgDn), when there is more than the screen holds.
    pub scroll: u16,
}

impl SyncView {
    pub fn chosen(&self) -> Option<&Place> {
        self.places.get(self.cursor)
    }
}

/// Opens the sync screen on the session list's key.
pub fn open(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Sync;
    state.sync.outcome.clear();
    refresh_places(state);
    let mut effects = look(state);
    effects.push(Effect::Store(StoreRequest::SyncPlaces));
    effects
}

/// The sticks mounted now and the directory last exported to, as the store thread found them.
pub fn places(state: &mut State, mounts: Vec<stick::Mount>, last_dir: Option<PathBuf>) -> Vec<Effect> {
    let before = state.sync.chosen().map(|p| p.path.clone());
    state.sync.mounts = mounts;
    if state.sync.last_used.is_none() {
        state.sync.last_used = last_dir;
    }
    refresh_places(state);
    // Look again only when the chosen destination changed (or there was none).
    let after = state.sync.chosen().map(|p| p.path.clone());
    if after != before && state.screen == Screen::Sync { look(state) } else { vec![] }
}

fn refresh_places(state: &mut State) {
    let view = &mut state.sync;
    let chosen = view.chosen().map(|p| p.path.clone());
    let mut places: Vec<Place> = view
        .mounts
        .iter()
        .map(|m| Place { path: m.path.clone(), kind: PlaceKind::Stick { fstype: m.fstype.clone() } })
        .collect();
    for (path, kind) in [(&view.last_used, PlaceKind::LastUsed), (&view.typed, PlaceKind::Typed)] {
        if let Some(path) = path
            && !places.iter().any(|p| &p.path == path)
        {
            places.push(Place { path: path.clone(), kind });
        }
    }
    view.cursor = chosen.and_then(|c| places.iter().position(|p| p.path == c)).unwrap_or(0);
    view.places = places;
}

/// Asks the store to look at the chosen place.
fn look(state: &mut State) -> Vec<Effect> {
    state.sync.look = None;
    match state.sync.chosen() {
        Some(place) => vec![Effect::Store(StoreRequest::SyncLook { dir: place.path.clone() })],
        None => vec![],
    }
}

pub(super) fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Sync, &key) else {
        return global_key(state, &key, false);
    };
    if state.sync.busy.is_some() && action != Action::Back {
        return vec![];
    }
    // An import waiting for a look is for the place it was asked at, and only until another key.
    state.sync.import_when_looked &= action == Action::ImportBundles;
    match action {
        Action::Up | Action::Down => {
            let n = state.sync.places.len();
            if n == 0 {
                return vec![];
            }
            let c = state.sync.cursor;
            state.sync.cursor = if action == Action::Up { c.saturating_sub(1) } else { (c + 1).min(n - 1) };
            if state.sync.cursor == c { vec![] } else { look(state) }
        }
        Action::PageUp | Action::PageDown => {
            let page = super::layout::page(state).max(1) as u16;
            // The screen's lines, about: the drawing stops at the last one in any case.
            let bundles = state.sync.look.as_ref().map_or(0, |l| l.bundles.len() + l.written_here.len());
            let most = (state.sync.places.len() + bundles + 20) as u16;
            let s = state.sync.scroll;
            let next = if action == Action::PageUp { s.saturating_sub(page) } else { s.saturating_add(page) };
            state.sync.scroll = next.min(most);
            vec![]
        }
        Action::Refresh => {
            let mut effects = look(state);
            effects.push(Effect::Store(StoreRequest::SyncPlaces));
            effects
        }
        Action::TypePath => {
            let session = state.current_session().unwrap_or(0);
            let start = state.sync.chosen().map(|p| p.path.display().to_string()).unwrap_or_default();
            state.overlays.push(Overlay::Capture(CaptureState::new(session, CapturePurpose::SyncPath, &start)));
            vec![]
        }
        Action::ExportBundle => export(state),
        Action::ImportBundles => import(state, None),
        Action::Back => {
            state.screen = Screen::Sessions;
            vec![Effect::Store(StoreRequest::LoadSessions)]
        }
        _ => vec![],
    }
}

/// The typed directory becomes a destination and is looked at.
pub fn submit_path(state: &mut State, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        return vec![];
    }
    let path = PathBuf::from(text);
    state.sync.typed = Some(path.clone());
    refresh_places(state);
    state.sync.cursor = state.sync.places.iter().position(|p| p.path == path).unwrap_or(0);
    look(state)
}

fn export(state: &mut State) -> Vec<Effect> {
    let Some(dir) = state.sync.chosen().map(|p| p.path.clone()) else { return vec![] };
    // While the store looks again (just after a trust, say), export all the same: it refuses
    // by itself what the look would have asked about.
    let Some(look) = &state.sync.look else { return start_export(state, dir) };
    // An office card on the stick not trusted yet: ask first (name and fingerprint).
    if look.plan.is_err()
        && let Some(card) = look.untrusted_cards.first()
    {
        let s = state.ctx.strings();
        let question = s.tf(
            "sync.confirm.trust_card",
            &[("role", role_text(s, card.role)), ("name", &card.name), ("fp", &fingerprint(&card.signing_key))],
        );
        state.overlays.push(Overlay::Confirm(super::state::Confirm {
            question,
            action: ConfirmAction::TrustCard(Box::new(card.clone())),
        }));
        return vec![];
    }
    if let Err(e) = &look.plan {
        state.sync.outcome = vec![export_error_text(state.ctx.strings(), e, look.card_file.as_deref())];
        return vec![];
    }
    start_export(state, dir)
}

fn start_export(state: &mut State, dir: PathBuf) -> Vec<Effect> {
    let req = state.next_req;
    state.next_req += 1;
    state.sync.busy = Some((req, 0, 0));
    state.sync.outcome.clear();
    let request = ExportRequest { to: dir, ..ExportRequest::default() };
    vec![Effect::Store(StoreRequest::SyncExport { req, request })]
}

/// Imports the bundles found that are not refused, from trusted senders and, after the user
/// said yes to its name and fingerprint, from the one sender `trusting` names. A sender not
/// trusted yet is asked about first, one at a time: a yes trusts that device alone.
fn import(state: &mut State, trusting: Option<String>) -> Vec<Effect> {
    let Some(look) = &state.sync.look else {
        // What to import is what the look finds: done when it is back, not lost.
        state.sync.import_when_looked = true;
        state.sync.outcome = vec![state.t("sync.looking").to_string()];
        return vec![];
    };
    let takeable = |b: &&crate::store::sync::BundleImport| b.refused.is_none() && b.already_imported.is_none();
    let unknown_sender = |b: &crate::store::sync::BundleImport| b.trusted_now && b.sender_fingerprint != trusting;
    if trusting.is_none()
        && let Some(first) = look.bundles.iter().filter(takeable).find(|b| unknown_sender(b))
    {
        let s = state.ctx.strings();
        let fp = first.sender_fingerprint.clone().unwrap_or_default();
        let question = s.tf(
            "sync.confirm.trust_sender",
            &[("name", first.sender_name.as_deref().unwrap_or_default()), ("fp", &fp)],
        );
        let action = ConfirmAction::ImportTrusting(fp);
        state.overlays.push(Overlay::Confirm(super::state::Confirm { question, action }));
        return vec![];
    }
    let taken: Vec<_> = look.bundles.iter().filter(takeable).filter(|b| !unknown_sender(b)).collect();
    if taken.is_empty() {
        state.sync.outcome = vec![state.t("sync.done.nothing").to_string()];
        return vec![];
    }
    let files = taken.iter().map(|b| b.file.clone()).collect();
    let trust_new = taken.iter().filter(|b| b.trusted_now).map(|b| b.file.clone()).collect();
    let req = state.next_req;
    state.next_req += 1;
    state.sync.busy = Some((req, 0, 0));
    state.sync.outcome.clear();
    vec![Effect::Store(StoreRequest::SyncImport { req, files, trust_new })]
}

/// Yes to "trust this card?".
pub fn trust_card(state: &mut State, card: Card) -> Vec<Effect> {
    // Asked only on the way to an export: the yes carries on with it.
    state.sync.export_when_trusted = true;
    let from = crate::bundle::identity::card_file_name(&card);
    vec![Effect::Store(StoreRequest::SyncTrust { card, from })]
}

/// Yes to "trust this sender and import?": that sender's bundles and the trusted ones.
pub fn import_trusting(state: &mut State, fingerprint: String) -> Vec<Effect> {
    import(state, Some(fingerprint))
}

pub fn looked(state: &mut State, look: Box<SyncLook>) -> Vec<Effect> {
    if state.sync.chosen().is_some_and(|p| p.path == look.dir) {
        state.sync.look = Some(look);
        state.sync.scroll = 0;
        if std::mem::take(&mut state.sync.import_when_looked) {
            state.sync.outcome.clear();
            return import(state, None);
        }
    }
    vec![]
}

pub fn progress(state: &mut State, req: u64, done: usize, total: usize) {
    if let Some(busy) = &mut state.sync.busy
        && busy.0 == req
    {
        *busy = (req, done, total);
    }
}

pub fn exported(
    state: &mut State,
    req: u64,
    result: Result<Vec<crate::store::sync::Exported>, crate::store::sync::ExportError>,
) -> Vec<Effect> {
    if state.sync.busy.map(|b| b.0) != Some(req) {
        return vec![];
    }
    state.sync.busy = None;
    let s = state.ctx.strings();
    match result {
        Ok(written) => {
            state.sync.outcome = written
                .iter()
                .map(|e| {
                    s.tf("sync.done.export", &[("file", &e.path.display().to_string()), ("size", &size_text(e.bytes))])
                })
                .collect();
            if let Some(dir) = written.first().and_then(|e| e.path.parent()) {
                state.sync.last_used = Some(dir.to_path_buf());
            }
        }
        Err(e) => {
            // Naming the card on the stick, as the look does (the two are then said once).
            let card = state.sync.look.as_ref().and_then(|l| l.card_file.clone());
            state.sync.outcome = vec![export_error_text(s, &e, card.as_deref())];
        }
    }
    refresh_places(state);
    look(state)
}

pub fn imported(
    state: &mut State,
    req: u64,
    results: Result<Vec<crate::store::sync::BundleImport>, crate::store::StoreError>,
) -> Vec<Effect> {
    if state.sync.busy.map(|b| b.0) != Some(req) {
        return vec![];
    }
    state.sync.busy = None;
    let s = state.ctx.strings();
    match results {
        Ok(results) => {
            let taken: Vec<_> = results.iter().filter(|r| r.refused.is_none()).collect();
            let new: usize = taken.iter().map(|r| r.ops_new).sum();
            let conflicts: usize = taken.iter().map(|r| r.conflicts_opened).sum();
            let mut lines = vec![s.tf(
                "sync.done.import",
                &[("n", &taken.len().to_string()), ("new", &new.to_string()), ("conflicts", &conflicts.to_string())],
            )];
            for r in results.iter().filter(|r| r.refused.is_some()) {
                let file = r.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                let why = r.refused.as_ref().map(|w| refusal_text(s, w)).unwrap_or_default();
                lines.push(s.tf("sync.bundle.refused", &[("file", &file), ("why", &why)]));
            }
            state.sync.outcome = lines;
        }
        Err(e) => state.sync.outcome = vec![e.localized(s)],
    }
    look(state)
}

pub fn trusted(
    state: &mut State,
    result: Result<crate::store::sync::Peer, crate::store::sync::PeerError>,
) -> Vec<Effect> {
    let s = state.ctx.strings();
    let export_now = std::mem::take(&mut state.sync.export_when_trusted) && result.is_ok();
    state.sync.outcome = vec![match result {
        Ok(peer) => s.tf("sync.trusted", &[("name", &peer.card.name), ("fp", &fingerprint(&peer.card.signing_key))]),
        Err(e) => peer_error_text(s, &e),
    }];
    let mut effects = look(state);
    if export_now && let Some(dir) = state.sync.chosen().map(|p| p.path.clone()) {
        // What the look will show is the trusted office: export to it, as `e` asked.
        effects.extend(start_export(state, dir));
    }
    effects
}

/// A bundle's line in the list of those found.
pub fn bundle_line(state: &State, b: &crate::store::sync::BundleImport) -> String {
    let s = state.ctx.strings();
    let file = b.file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let name = b.sender_name.clone().unwrap_or_default();
    let fp = b.sender_fingerprint.clone().unwrap_or_default();
    if let Some(at) = b.already_imported {
        let at = crate::present::time::date_time(&state.ctx.zone, at);
        return s.tf("sync.bundle.already", &[("file", &file), ("at", &at)]);
    }
    match &b.refused {
        Some(Refused::Bundle(crate::bundle::format::BundleError::NotForUs)) => {
            s.tf("sync.bundle.for_others", &[("file", &file)])
        }
        Some(Refused::UnknownDevice) => s.tf("sync.bundle.unknown", &[("file", &file), ("name", &name), ("fp", &fp)]),
        Some(why) => s.tf("sync.bundle.refused", &[("file", &file), ("why", &refusal_text(s, why))]),
        None if b.trusted_now => s.tf("sync.bundle.unknown", &[("file", &file), ("name", &name), ("fp", &fp)]),
        None => s.tf(
            "sync.bundle.preview",
            &[
                ("file", &file),
                ("name", &name),
                ("fp", &fp),
                ("ops", &b.ops.to_string()),
                ("new", &b.ops_new.to_string()),
                ("dup", &b.ops_duplicate.to_string()),
                ("conflicts", &b.conflicts_opened.to_string()),
            ],
        ),
    }
}
