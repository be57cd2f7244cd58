//! 冲突: a finding's or a checklist's field with several values after a merge. A finding's
//! page lists each value with the device that wrote it and when; `r` (on a finding's page, or
//! on a checklist's item) opens a pick list of them, each with who wrote it and when, and
//! keeping one writes it again as a new op, which supersedes every live value (`store::apply`
//! supersedes what a field holds), so the conflict closes on every device the op reaches.
//! Typing a new value (or answering the item again) closes it the same way.

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

/// A value as one line: its text (a status by its name, a date as a date, an answer as the
/// checklist shows it).
pub fn value_text(state: &State, field: &str, value: &Value) -> String {
    use crate::domain::finding::field as ff;
    if field.starts_with(crate::domain::checklist::field::ANSWER_PREFIX)
        && let Some(answer) = crate::domain::Answer::parse(value.as_text())
    {
        return crate::present::labels::answer(state.ctx.strings(), &answer, "");
    }
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
    let first = state.finding(finding).and_then(|f| f.conflict_values.first()).map(|c| c.field.clone());
    offer(state, EntityKind::Finding, finding, first)
}

/// `r` on a checklist: the values of the item under the cursor when it is in conflict, else of
/// the checklist's first conflicting field.
pub fn open_checklist(state: &mut State, checklist: EntityId, item: Option<&str>) -> Vec<Effect> {
    let Some(c) = state.page.checklists.iter().find(|c| c.id == checklist) else { return vec![] };
    let at_cursor = item.map(crate::domain::checklist::field::answer);
    let field = at_cursor
        .filter(|f| c.conflict_values.iter().any(|v| &v.field == f))
        .or_else(|| c.conflict_values.first().map(|v| v.field.clone()));
    offer(state, EntityKind::Checklist, checklist, field)
}

/// The conflicting field as the picker's title names it: a checklist item by its text.
pub fn field_label(state: &State, kind: EntityKind, entity: EntityId, field: &str) -> String {
    if kind == EntityKind::Checklist
        && let Some(item) = field.strip_prefix(crate::domain::checklist::field::ANSWER_PREFIX)
        && let Some(c) = state.page.checklists.iter().find(|c| c.id == entity)
        && let Some((_, i)) = c.template.items().find(|(_, i)| i.id == item)
    {
        return i.text.clone();
    }
    state.ctx.strings().lookup(&format!("field.{field}")).unwrap_or(field).to_string()
}

fn offer(state: &mut State, kind: EntityKind, entity: EntityId, field: Option<String>) -> Vec<Effect> {
    match field {
        Some(field) => state.overlays.push(Overlay::ResolvePicker { kind, entity, field, cursor: 0 }),
        None => state.notice = Some(state.t("conflict.none").to_string()),
    }
    vec![]
}

/// The values offered, newest (the one shown) first.
pub fn choices(state: &State, kind: EntityKind, entity: EntityId, field: &str) -> Vec<ConflictValue> {
    let fields = match kind {
        EntityKind::Finding => state.finding(entity).map(|f| &f.conflict_values),
        EntityKind::Checklist => state.page.checklists.iter().find(|c| c.id == entity).map(|c| &c.conflict_values),
        _ => None,
    };
    fields
        .and_then(|fields| fields.iter().find(|c| c.field == field))
        .map(|c| c.values.iter().rev().cloned().collect())
        .unwrap_or_default()
}

pub fn picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Some(Overlay::ResolvePicker { kind, entity, field, cursor }) = state.overlays.last() else { return vec![] };
    let (kind, entity, field, mut at) = (*kind, *entity, field.clone(), *cursor);
    let values = choices(state, kind, entity, &field);
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
    let change = Change::set(kind, entity, &field, kept.value.clone());
    save(state, entity, vec![change], None)
}
