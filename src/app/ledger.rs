//! 整改台账 on screen: every finding across sessions, filtered and sorted once per load or
//! filter change (not per frame: the ledger may hold 100,000 findings). The store gives the
//! ledger's compact rows (`domain::ledger_index`: a few MB at 100,000 findings, filtered and
//! counted as arrays); the text of a finding (its description, its 六明确, its history) is
//! fetched whole for the rows around the cursor only, and for the reminder letter when it is
//! asked for. The rules are `domain::ledger`'s; this keeps the view, its filter form and its
//! keys.

use std::collections::{HashMap, HashSet};

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::form::{FieldKind, FormField, FormKind, FormState, split_list};
use super::layout::{main_area, page};
use super::nav::{ViewTop, move_cursor, scroll};
use super::state::{Overlay, Screen, State};
use super::{goto, rectify};
use crate::domain::deadline::parse_date;
use crate::domain::ledger::{self, Counts, LedgerFilter, SessionIndex, UnitRow};
use crate::domain::ledger_index::{self as index, LedgerRow, LedgerRows, RowFilter};
use crate::domain::op::entity_id_string;
use crate::domain::{EntityId, Finding, FindingStatus};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;
use crate::vocab::ChoiceList;

/// Whole findings are kept for the rows within this many pages of the cursor; more are
/// fetched when the cursor comes within a page of the edge of what is kept.
const KEPT_PAGES: usize = 2;

/// The request numbers of the ledger's fetches by id (apart from saves' numbers).
const FETCH_REQ_BASE: u64 = 1 << 62;

#[derive(Default)]
pub struct LedgerView {
    /// Every finding of every live session, as last loaded: compact rows, no text.
    pub index: LedgerRows,
    pub loaded: bool,
    pub filter: LedgerFilter,
    /// Indices into `index.rows` that pass the filter, earliest deadline first.
    pub rows: Vec<u32>,
    pub cursor: usize,
    /// Where the list's view starts (kept by drawing: see [`ViewTop`]).
    pub top: ViewTop,
    /// The weekly figures over the filter's scope.
    pub counts: Counts,
    /// The findings that pass, by unit.
    pub units: Vec<UnitRow>,
    /// One row per unit instead of one per finding.
    pub by_unit: bool,
    pub unit_cursor: usize,
    pub unit_top: ViewTop,
    /// How far the reminder text is scrolled.
    pub reminder_scroll: u16,
    /// Whole findings of the rows around the cursor (and of a finding opened from here),
    /// fetched by id.
    pub details: HashMap<EntityId, Finding>,
    /// Ids asked for and not answered yet (not asked again meanwhile), with the rank of their
    /// 序号 as their rows say: the store's finding alone does not know it.
    pub asked: HashMap<EntityId, u32>,
    /// The number of the last fetch asked for, so an answer to an older one is told apart.
    pub fetch_req: u64,
    /// The reminder letter: asked for (its fetch's number), then made.
    pub reminder: Reminder,
}

/// The 督查提醒函 of the rows shown: its overdue findings are fetched (text only) when the
/// letter is opened, then it is made once and wrapped to the screen's width.
#[derive(Default)]
pub enum Reminder {
    #[default]
    None,
    Asked(u64),
    Made {
        text: String,
        /// `text` wrapped to `width` columns.
        lines: Vec<String>,
        width: u16,
    },
}

impl LedgerView {
    /// The row under the cursor; none on the table by unit, where a unit is highlighted and
    /// no finding is visible (a key must never act on a finding the user cannot see).
    pub fn selected_row(&self) -> Option<&LedgerRow> {
        if self.by_unit {
            return None;
        }
        self.row(self.cursor)
    }

    /// The `r`th row shown.
    pub fn row(&self, r: usize) -> Option<&LedgerRow> {
        self.rows.get(r).and_then(|&i| self.index.rows.get(i as usize))
    }

    /// The finding under the cursor, once fetched.
    pub fn selected(&self) -> Option<&Finding> {
        self.selected_row().and_then(|r| self.details.get(&r.id))
    }

    /// The finding of the `r`th row shown, once fetched.
    pub fn finding(&self, r: usize) -> Option<&Finding> {
        self.row(r).and_then(|row| self.details.get(&row.id))
    }

    /// The selected finding's session and id (what opening it or its session needs).
    pub fn selected_ids(&self) -> Option<(EntityId, EntityId)> {
        self.selected_row().map(|r| (self.index.session_id(r), r.id))
    }

    /// Drops the findings (stale after a change made elsewhere); the filter, the grouping and
    /// the cursor's place stay for when the ledger is opened again and reloaded.
    pub fn forget(&mut self) {
        *self = LedgerView {
            filter: std::mem::take(&mut self.filter),
            by_unit: self.by_unit,
            cursor: self.cursor,
            unit_cursor: self.unit_cursor,
            top: self.top.clone(),
            unit_top: self.unit_top.clone(),
            fetch_req: self.fetch_req,
            ..LedgerView::default()
        };
    }
}

/// Fresh rows from the store: filter and sort again, keeping the cursor on the same finding
/// when it is still listed; the findings kept whole are fetched again (one of them may be
/// what changed), and kept meanwhile.
pub fn loaded(state: &mut State, rows: LedgerRows) -> Vec<Effect> {
    let keep = state.ledger.selected_row().map(|r| r.id);
    state.ledger.index = rows;
    state.ledger.loaded = true;
    refilter(state);
    let view = &mut state.ledger;
    if let Some(pos) = keep.and_then(|id| view.rows.iter().position(|&i| view.index.rows[i as usize].id == id)) {
        view.cursor = pos;
    }
    view.cursor = view.cursor.min(view.rows.len().saturating_sub(1));
    let open = match state.screen {
        Screen::Finding { finding, from_ledger: true, .. } => Some(finding),
        _ => None,
    };
    // The few kept whole that are still listed (not a set of every row's id: 100,000 of them).
    let listed: HashSet<EntityId> = {
        let kept: HashSet<EntityId> = view.details.keys().copied().collect();
        view.index.rows.iter().filter(|r| kept.contains(&r.id)).map(|r| r.id).collect()
    };
    view.details.retain(|id, _| listed.contains(id) || Some(*id) == open);
    view.asked.clear();
    let mut effects = fetch(state, true);
    if let Some(id) = open.filter(|id| !state.ledger.asked.contains_key(id)) {
        let rank = state.ledger.index.rows.iter().find(|r| r.id == id).map_or(0, |r| r.seq_rank);
        effects.push(ask(state, vec![(id, rank)], true));
    }
    effects
}

/// Recompute rows, counts and units from the rows and the filter.
pub fn refilter(state: &mut State) {
    let today = state.today();
    let zone = state.ctx.zone;
    let sessions = SessionIndex::in_zone(state.sessions.list.iter().map(|s| &s.session), zone);
    let view = &mut state.ledger;
    let f = RowFilter::new(&view.index, &sessions, &view.filter, today, zone);
    // In deadline order already: the index keeps its rows' order by deadline.
    let rows = index::filter(&view.index, &f);
    view.counts = index::counts(&view.index, &f, &sessions, &view.filter);
    view.units = index::by_unit(&view.index, &f, &rows);
    view.rows = rows;
    view.unit_cursor = view.unit_cursor.min(view.units.len().saturating_sub(1));
    if !matches!(view.reminder, Reminder::None) {
        view.reminder = Reminder::None;
    }
}

/// Asks for the findings around the cursor that are not kept whole yet (all of them again
/// when `again`), once the cursor is within a page of the edge of what is kept.
pub fn fetch(state: &mut State, again: bool) -> Vec<Effect> {
    let page = page(state).max(1);
    let view = &state.ledger;
    if view.by_unit || view.rows.is_empty() {
        return vec![];
    }
    let near = view.cursor.saturating_sub(page)..(view.cursor + page + 1).min(view.rows.len());
    let have = |id: &EntityId| view.details.contains_key(id) || view.asked.contains_key(id);
    if !again && near.clone().all(|r| view.row(r).is_some_and(|row| have(&row.id))) {
        return vec![];
    }
    let wide =
        view.cursor.saturating_sub(KEPT_PAGES * page)..(view.cursor + KEPT_PAGES * page + 1).min(view.rows.len());
    let rows: Vec<(EntityId, u32)> = wide
        .clone()
        .filter_map(|r| view.row(r).map(|row| (row.id, row.seq_rank)))
        .filter(|(id, _)| again || !have(id))
        .collect();
    // What lies far from the cursor is let go, so scrolling through 100,000 keeps a few pages.
    let kept: HashSet<EntityId> = wide.filter_map(|r| view.row(r).map(|row| row.id)).collect();
    let open = match state.screen {
        Screen::Finding { finding, from_ledger: true, .. } => Some(finding),
        _ => None,
    };
    state.ledger.details.retain(|id, _| kept.contains(id) || Some(*id) == open);
    if rows.is_empty() {
        return vec![];
    }
    vec![ask(state, rows, true)]
}

/// Asks the store for these rows' findings (whole, or without their history), keeping each
/// one's 序号 rank for the answer.
fn ask(state: &mut State, rows: Vec<(EntityId, u32)>, whole: bool) -> Effect {
    let view = &mut state.ledger;
    view.fetch_req = view.fetch_req.max(FETCH_REQ_BASE) + 1;
    view.asked.extend(rows.iter().copied());
    let ids = rows.into_iter().map(|(id, _)| id).collect();
    Effect::Store(StoreRequest::LoadFindingsById { req: view.fetch_req, ids, whole })
}

/// Findings fetched by id: kept whole for the screen (their 序号 ranked as the rows say), or
/// made into the reminder letter.
pub fn fetched(state: &mut State, req: u64, mut findings: Vec<Finding>) {
    for f in &mut findings {
        f.seq_rank = state.ledger.asked.remove(&f.id).unwrap_or(0);
    }
    if matches!(state.ledger.reminder, Reminder::Asked(r) if r == req) {
        let sessions = SessionIndex::in_zone(state.sessions.list.iter().map(|s| &s.session), state.ctx.zone);
        let text = ledger::reminders(&findings, &sessions, state.today(), state.ctx.strings());
        let width = main_area(state).width;
        state.ledger.reminder = Reminder::Made { lines: wrap(&text, width), text, width };
        return;
    }
    let view = &mut state.ledger;
    for f in findings {
        view.details.insert(f.id, f);
    }
}

fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = width.max(1) as usize;
    text.lines().flat_map(|l| crate::text::wrap(l, width)).collect()
}

/// The letter's lines for a new width of the screen.
pub fn resized(state: &mut State) {
    let width = main_area(state).width;
    if let Reminder::Made { text, lines, width: w } = &mut state.ledger.reminder {
        if *w != width {
            *lines = wrap(text, width);
            *w = width;
        }
    }
}

/// Opens the reminder letter: its findings (the overdue ones among the rows shown) are
/// fetched, text only.
fn open_reminders(state: &mut State) -> Vec<Effect> {
    state.screen = Screen::Reminders;
    state.ledger.reminder_scroll = 0;
    if matches!(state.ledger.reminder, Reminder::Made { .. }) {
        return vec![];
    }
    let today = index::day_number(state.today());
    let view = &state.ledger;
    let overdue: Vec<(EntityId, u32)> = view
        .rows
        .iter()
        .map(|&i| &view.index.rows[i as usize])
        .filter(|r| r.is_overdue(today))
        .map(|r| (r.id, r.seq_rank))
        .collect();
    let effect = ask(state, overdue, false);
    state.ledger.reminder = Reminder::Asked(state.ledger.fetch_req);
    vec![effect]
}

/// The reminder letter for the findings the ledger shows, once made.
pub fn reminder_lines(state: &State) -> Option<&[String]> {
    match &state.ledger.reminder {
        Reminder::Made { lines, .. } => Some(lines),
        _ => None,
    }
}

/// Whether `req` is one of the ledger's fetches.
pub fn is_fetch(req: u64) -> bool {
    req > FETCH_REQ_BASE
}

pub fn screen_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Ledger, &key) else {
        return global_key(state, &key, false);
    };
    if state.ledger.by_unit {
        if let Some(c) = move_cursor(state.ledger.unit_cursor, state.ledger.units.len(), page(state), action) {
            state.ledger.unit_cursor = c;
            return vec![];
        }
    } else if let Some(c) = move_cursor(state.ledger.cursor, state.ledger.rows.len(), page(state), action) {
        state.ledger.cursor = c;
        return fetch(state, false);
    }
    let selected = state.ledger.selected_ids();
    match (action, selected) {
        (Action::Back, _) => {
            state.screen = Screen::Sessions;
            return vec![Effect::Store(StoreRequest::LoadSessions)];
        }
        (Action::GroupBy, _) => {
            state.ledger.by_unit = !state.ledger.by_unit;
            return fetch(state, false);
        }
        (Action::Filter, _) => open_filter(state),
        (Action::OverdueOnly, _) => {
            state.ledger.filter.overdue = !state.ledger.filter.overdue;
            return refiltered(state);
        }
        (Action::ClearFilter, _) => {
            state.ledger.filter = LedgerFilter::default();
            return refiltered(state);
        }
        (Action::Reminders, _) => return open_reminders(state),
        (Action::Documents, _) => return super::documents::open(state, super::document_job::Target::Ledger),
        // On the table by unit, Enter lists that unit's findings.
        (Action::Open, _) if state.ledger.by_unit => {
            if let Some(unit) = state.ledger.units.get(state.ledger.unit_cursor).map(|u| u.unit.clone()) {
                state.ledger.filter.unit = Some(unit);
                state.ledger.by_unit = false;
                return refiltered(state);
            }
        }
        (Action::Open, Some((session, id))) => return goto::finding(state, session, id, true),
        (Action::MoveStatus, Some((_, id))) => return rectify::open_moves(state, id),
        (Action::MoveStatus | Action::GotoSession, None) if state.ledger.by_unit => {
            state.notice = Some(state.t("ledger.pick_a_finding_first").to_string());
        }
        (Action::GotoSession, Some((session, id))) => return goto::session_page_at(state, session, Some(id)),
        _ => {}
    }
    vec![]
}

fn refiltered(state: &mut State) -> Vec<Effect> {
    refilter(state);
    state.ledger.cursor = 0;
    fetch(state, false)
}

pub fn reminders_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Reminders, &key) else {
        return global_key(state, &key, false);
    };
    let page = page(state);
    if !scroll(&mut state.ledger.reminder_scroll, page, action) && action == Action::Back {
        state.screen = Screen::Ledger;
        return fetch(state, false);
    }
    vec![]
}

// The filter form's fields (not finding fields).
const STATUSES: &str = "statuses";
const UNIT: &str = "unit";
const SESSION: &str = "session";
const THEME: &str = "theme";
const FROM: &str = "from";
const TO: &str = "to";

fn open_filter(state: &mut State) {
    let lang = state.ctx.lang;
    let f = &state.ledger.filter;
    let statuses: Vec<&str> = f.statuses.iter().map(|s| s.label(lang)).collect();
    let unit = f.unit.as_deref().map(|u| ChoiceList::Units.display(u, lang)).unwrap_or_default();
    let session = f.session.map(|id| session_label(state, id)).unwrap_or_default();
    let theme = f.theme.as_deref().map(|t| ChoiceList::Themes.display(t, lang)).unwrap_or_default();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let fields = vec![
        FormField::new(STATUSES, "ledger.filter.statuses", FieldKind::Text, &statuses.join("、")),
        FormField::new(UNIT, "field.unit", FieldKind::Choice(ChoiceList::Units), &unit),
        FormField::new(SESSION, "ledger.filter.session", FieldKind::Text, &session),
        FormField::new(THEME, "field.theme", FieldKind::Choice(ChoiceList::Themes), &theme),
        FormField::new(FROM, "ledger.filter.from", FieldKind::Text, &date(f.from)),
        FormField::new(TO, "ledger.filter.to", FieldKind::Text, &date(f.to)),
    ];
    let form = FormState::new(FormKind::LedgerFilter, fields);
    state.overlays.push(Overlay::Form(Box::new(form)));
}

/// How a session is named in the filter: its item, or its id when two share the item.
fn session_label(state: &State, id: EntityId) -> String {
    let Some(s) = state.session_summary(id) else { return entity_id_string(id) };
    let same_item = state.sessions.list.iter().filter(|x| x.session.item == s.session.item).count();
    if same_item > 1 { entity_id_string(id) } else { s.session.item.clone() }
}

/// Ctrl-S in the filter form: every field checked, the first bad one named.
pub fn submit_filter(state: &mut State) -> Vec<Effect> {
    let Some(Overlay::Form(form)) = state.overlays.last() else { return vec![] };
    let texts: Vec<String> = form.fields.iter().map(|f| f.input.text().trim().to_string()).collect();
    match parse_filter(state, &texts) {
        Ok(filter) => {
            state.overlays.pop();
            state.ledger.filter = LedgerFilter { overdue: state.ledger.filter.overdue, ..filter };
            return refiltered(state);
        }
        Err((field, message)) => {
            if let Some(Overlay::Form(form)) = state.overlays.last_mut() {
                form.focus = field;
                form.error = Some((field, message));
            }
        }
    }
    vec![]
}

/// The form's texts (in field order) as a filter, or which field is wrong and why.
fn parse_filter(state: &State, texts: &[String]) -> Result<LedgerFilter, (usize, String)> {
    let s = state.ctx.strings();
    let [statuses, unit, session, theme, from, to] = texts else { return Err((0, String::new())) };
    let mut filter = LedgerFilter::default();
    for name in split_list(statuses) {
        let status = FindingStatus::parse(&name)
            .or_else(|| FindingStatus::ALL.into_iter().find(|st| st.label(state.ctx.lang).eq_ignore_ascii_case(&name)));
        match status {
            Some(st) => filter.statuses.push(st),
            None => {
                let all: Vec<&str> = FindingStatus::ALL.iter().map(|st| st.label(state.ctx.lang)).collect();
                return Err((0, s.tf("ledger.filter.bad_status", &[("text", &name), ("all", &all.join("、"))])));
            }
        }
    }
    if !unit.is_empty() {
        filter.unit = Some(ChoiceList::Units.to_stored(unit));
    }
    if !session.is_empty() {
        filter.session = Some(find_session(state, session).map_err(|m| (2, m))?);
    }
    if !theme.is_empty() {
        match ChoiceList::Themes.strict_code(theme) {
            Some(Ok(code)) => filter.theme = Some(code),
            _ => return Err((3, s.tf("error.pick_from_list", &[("field", s.t("field.theme"))]))),
        }
    }
    for (i, text, slot) in [(4, from, &mut filter.from), (5, to, &mut filter.to)] {
        if !text.is_empty() {
            *slot = Some(parse_date(text).ok_or_else(|| (i, s.tf("ledger.filter.bad_date", &[("text", text)])))?);
        }
    }
    if let (Some(from), Some(to)) = (filter.from, filter.to) {
        if from > to {
            let (from, to) = (from.format("%Y-%m-%d").to_string(), to.format("%Y-%m-%d").to_string());
            return Err((5, s.tf("ledger.filter.bad_range", &[("from", &from), ("to", &to)])));
        }
    }
    Ok(filter)
}

/// The one session a typed text names: an id (or its start), else an item, whole or in part.
fn find_session(state: &State, text: &str) -> Result<EntityId, String> {
    let s = state.ctx.strings();
    let upper = text.to_uppercase();
    let by_id: Vec<EntityId> = state
        .sessions
        .list
        .iter()
        .map(|x| x.session.id)
        .filter(|id| entity_id_string(*id).starts_with(&upper))
        .collect();
    if by_id.len() == 1 {
        return Ok(by_id[0]);
    }
    let exact: Vec<EntityId> =
        state.sessions.list.iter().filter(|x| x.session.item == text).map(|x| x.session.id).collect();
    let partial: Vec<EntityId> =
        state.sessions.list.iter().filter(|x| x.session.item.contains(text)).map(|x| x.session.id).collect();
    let matches = if exact.is_empty() { partial } else { exact };
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => Err(s.tf("ledger.filter.no_session", &[("text", text)])),
        many => Err(s.tf("ledger.filter.many_sessions", &[("text", text), ("n", &many.len().to_string())])),
    }
}

/// "状态：整改中、已定责  单位：县医保局  仅逾期  2026-11-01 至 2026-11-30", empty without a filter.
pub fn filter_summary(state: &State) -> String {
    let s = state.ctx.strings();
    let lang = state.ctx.lang;
    let f = &state.ledger.filter;
    let mut parts: Vec<String> = Vec::new();
    if !f.statuses.is_empty() {
        let names: Vec<&str> = f.statuses.iter().map(|st| st.label(lang)).collect();
        parts.push(format!("{}：{}", s.t("findings.col.status"), names.join("、")));
    }
    if let Some(unit) = &f.unit {
        let name =
            if unit.is_empty() { s.t("ledger.unassigned").to_string() } else { ChoiceList::Units.display(unit, lang) };
        parts.push(format!("{}：{name}", s.t("field.unit")));
    }
    if let Some(id) = f.session {
        parts.push(format!("{}：{}", s.t("ledger.filter.session"), session_label(state, id)));
    }
    if let Some(theme) = &f.theme {
        parts.push(format!("{}：{}", s.t("field.theme"), ChoiceList::Themes.display(theme, lang)));
    }
    if f.from.is_some() || f.to.is_some() {
        let d = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        parts.push(s.tf("ledger.filter.range", &[("from", &d(f.from)), ("to", &d(f.to))]));
    }
    if f.overdue {
        parts.push(s.t("ledger.filter.overdue").to_string());
    }
    parts.join("  ")
}
