//! 冲突: a finding's field with several values after a merge. Its page lists each value with
//! the device that wrote it and when; `r` opens a pick list of them, and keeping one writes it
//! again as a new op, which supersedes every live value (`store::apply` supersedes what a
//! field holds), so the conflict closes on every device the op reaches. Typing a new value in
//! the editor closes it the same way.

use std::collections::HashMap;

use ratatui::crossterm::event::KeyEvent;

use super::common::{global_key, save};
use super::effect::Effect;
use super::nav::{Pick, pick_key};
use super::state::{Overlay, State};
use crate::domain::finding::ConflictValue;
use crate::domain::{Change, EntityId, EntityKind, ReplicaId, Value};

/// Which device is which, as far as this profile knows.
#[derive(Default, Clone, Debug)]
pub struct Devices {
    pub own: Option<ReplicaId>,
    pub names: HashMap<ReplicaId, String>,
}

/// Who wrote a value: 本机, a trusted device's name, or the start of its replica id.
pub fn writer(state: &State, replica: ReplicaId) -> String {
    if state.devices.own == Some(replica) {
        return state.t("conflict.this_device").to_string();
    }
    match state.devices.names.get(&replica) {
        Some(name) => name.clone(),
        None => replica.to_string().chars().take(8).collect(),
    }
}

/// A value as one line: its text (a status by its name, a date as a date).
pub fn value_text(state: &State, field: &str, value: &Value) -> String {
    use crate::domain::finding::field as ff;
    match value {
        Value::Text(t) if field == ff::STATUS => crate::domain::FindingStatus::parse(t)
            .map(|st| crate::present::labels::finding_status(state.ctx.lang, st).to_string())
            .unwrap_or_else(|| t.clone()),
        Value::Text(t) => t.clone(),
        Value::Date(_) => value.as_date().map(crate::present::time::date).unwrap_or_default(),
        Value::Int(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::TextList(list) => list.join("、"),
        Value::Null => state.t("finding.unset").to_string(),
        other => format!("{other:?}"),
    }
}

/// One value's line: the value, who wrote it, when.
pub fn value_line(state: &State, field: &str, v: &ConflictValue) -> String {
    let when = crate::present::time::date_time(&state.ctx.zone, v.wall_ms as i64);
    format!("{}  ({} {})", value_text(state, field, &v.value), writer(state, v.replica), when)
}

/// `r` on a finding's page: the values of its first conflicting field to keep one of.
pub fn open(state: &mut State, finding: EntityId) -> Vec<Effect> {
    let Some(f) = state.finding(finding) else { return vec![] };
    let Some(first) = f.conflict_values.first() else {
        state.notice = Some(state.t("conflict.none").to_string());
        return vec![];
    };
    let field = first.field.clone();
    state.overlays.push(Overlay::ResolvePicker { finding, field, cursor: 0 });
    vec![]
}

/// The values offered, newest (the one shown) first.
pub fn choices(state: &State, finding: EntityId, field: &str) -> Vec<ConflictValue> {
    let Some(f) = state.finding(finding) else { return Vec::new() };
    f.conflict_values
        .iter()
        .find(|c| c.field == field)
        .map(|c| c.values.iter().rev().cloned().collect())
        .unwrap_or_default()
}

pub fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::ResolvePicker { finding, field, cursor }) = state.overlays.last() else { return vec![] };
    let (finding, field, mut at) = (*finding, field.clone(), *cursor);
    let values = choices(state, finding, &field);
    let picked = pick_key(&mut at, values.len(), key);
    if let Some(Overlay::ResolvePicker { cursor, .. }) = state.overlays.last_mut() {
        *cursor = at;
    }
    let i = match picked {
        Pick::Moved => return vec![],
        Pick::Other => return global_key(state, key, false),
        Pick::Cancel => {
            state.overlays.pop();
            return vec![];
        }
        Pick::Chosen(i) => i,
    };
    state.overlays.pop();
    let Some(kept) = values.get(i) else { return vec![] };
    let change = Change::set(EntityKind::Finding, finding, &field, kept.value.clone());
    save(state, finding, vec![change], None)
}
