//! 整改台账 on screen: every finding across sessions, filtered and sorted once per load or
//! filter change (not per frame: the ledger may hold 100,000 findings). The rules are
//! `domain::ledger`; this keeps the view, its filter form and its keys.

use ratatui::crossterm::event::KeyEvent;

use super::common::global_key;
use super::effect::Effect;
use super::form::{FieldKind, FormField, FormKind, FormState, split_list};
use super::layout::page;
use super::nav::{move_cursor, scroll};
use super::state::{Overlay, Screen, State};
use super::{goto, rectify};
use crate::domain::deadline::parse_date;
use crate::domain::ledger::{self, Counts, LedgerFilter, SessionIndex, UnitRow};
use crate::domain::op::entity_id_string;
use crate::domain::{EntityId, Finding, FindingStatus};
use crate::keymap::{Action, Layer};
use crate::store::StoreRequest;
use crate::vocab::ChoiceList;

#[derive(Default)]
pub struct LedgerView {
    /// Every finding of every live session, as last loaded.
    pub findings: Vec<Finding>,
    pub loaded: bool,
    pub filter: LedgerFilter,
    /// Indices into `findings` that pass the filter, earliest deadline first.
    pub rows: Vec<usize>,
    pub cursor: usize,
    /// Where the list's view starts (kept by drawing: see [`super::nav::ViewTop`]).
    pub top: super::nav::ViewTop,
    /// The weekly figures over the filter's scope.
    pub counts: Counts,
    /// The findings that pass, by unit.
    pub units: Vec<UnitRow>,
    /// One row per unit instead of one per finding.
    pub by_unit: bool,
    pub unit_cursor: usize,
    pub unit_top: super::nav::ViewTop,
    /// How far the reminder text is scrolled.
    pub reminder_scroll: u16,
}

impl LedgerView {
    /// The finding under the cursor; none on the table by unit, where a unit is highlighted
    /// and no finding is visible (a key must never act on a finding the user cannot see).
    pub fn selected(&self) -> Option<&Finding> {
        if self.by_unit {
            return None;
        }
        self.rows.get(self.cursor).and_then(|&i| self.findings.get(i))
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
            ..LedgerView::default()
        };
    }
}

/// Fresh findings from the store: filter and sort again, keeping the cursor on the same
/// finding when it is still listed.
pub fn loaded(state: &mut State, findings: Vec<Finding>) {
    let keep = state.ledger.selected().map(|f| f.id);
    state.ledger.findings = findings;
    state.ledger.loaded = true;
    refilter(state);
    if let Some(pos) = keep.and_then(|id| state.ledger.rows.iter().position(|&i| state.ledger.findings[i].id == id)) {
        state.ledger.cursor = pos;
    }
    state.ledger.cursor = state.ledger.cursor.min(state.ledger.rows.len().saturating_sub(1));
}

/// Recompute rows, counts and units from the findings and the filter.
pub fn refilter(state: &mut State) {
    let today = state.today();
    let index = SessionIndex::in_zone(state.sessions.list.iter().map(|s| &s.session), state.ctx.zone);
    let view = &mut state.ledger;
    let mut rows = ledger::filter(&view.findings, &index, &view.filter, today);
    ledger::sort_by_deadline(&mut rows, &view.findings);
    view.rows = rows;
    view.counts = ledger::counts(&index, &view.findings, &view.filter, today);
    view.units = ledger::by_unit(&view.findings, &index, &view.filter, today);
    view.unit_cursor = view.unit_cursor.min(view.units.len().saturating_sub(1));
}

/// The reminder letter for the findings the ledger shows.
pub fn reminder_text(state: &State) -> String {
    let index = SessionIndex::in_zone(state.sessions.list.iter().map(|s| &s.session), state.ctx.zone);
    let view = &state.ledger;
    ledger::reminders(view.rows.iter().map(|&i| &view.findings[i]), &index, state.today(), state.ctx.strings())
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
        return vec![];
    }
    let selected = state.ledger.selected().map(|f| (f.session_id, f.id));
    match (action, selected) {
        (Action::Back, _) => {
            state.screen = Screen::Sessions;
            return vec![Effect::Store(StoreRequest::LoadSessions)];
        }
        (Action::GroupBy, _) => state.ledger.by_unit = !state.ledger.by_unit,
        (Action::Filter, _) => open_filter(state),
        (Action::OverdueOnly, _) => {
            state.ledger.filter.overdue = !state.ledger.filter.overdue;
            refiltered(state);
        }
        (Action::ClearFilter, _) => {
            state.ledger.filter = LedgerFilter::default();
            refiltered(state);
        }
        (Action::Reminders, _) => {
            state.screen = Screen::Reminders;
            state.ledger.reminder_scroll = 0;
        }
        // On the table by unit, Enter lists that unit's findings.
        (Action::Open, _) if state.ledger.by_unit => {
            if let Some(unit) = state.ledger.units.get(state.ledger.unit_cursor).map(|u| u.unit.clone()) {
                state.ledger.filter.unit = Some(unit);
                state.ledger.by_unit = false;
                refiltered(state);
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

fn refiltered(state: &mut State) {
    refilter(state);
    state.ledger.cursor = 0;
}

pub fn reminders_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(action) = state.ctx.keymap.lookup(Layer::Reminders, &key) else {
        return global_key(state, &key, false);
    };
    let page = page(state);
    if !scroll(&mut state.ledger.reminder_scroll, page, action) && action == Action::Back {
        state.screen = Screen::Ledger;
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
            refiltered(state);
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
