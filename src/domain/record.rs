//! A materialized record: for each field, the op(s) no other op supersedes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::op::{EntityId, EntityKind, Hlc, OpId, Value};

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct LiveValue {
    pub op: OpId,
    pub hlc: Hlc,
    pub value: Value,
}

/// The live values of one field, kept sorted by `(hlc, replica, seq)` ascending:
/// the last one is shown; more than one is a conflict to resolve.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct FieldState {
    pub live: Vec<LiveValue>,
}

impl FieldState {
    pub fn winner(&self) -> Option<&LiveValue> {
        self.live.last()
    }
    pub fn is_conflict(&self) -> bool {
        self.live.len() > 1
    }
    /// Apply one Set op: drop the values it supersedes, add it (unless something already
    /// superseded it, which the caller tracks), keep the order.
    pub fn apply(&mut self, op: OpId, hlc: Hlc, value: Value, supersedes: &[OpId]) {
        self.live.retain(|l| !supersedes.contains(&l.op));
        if self.live.iter().any(|l| l.op == op) {
            return;
        }
        self.live.push(LiveValue { op, hlc, value });
        self.live.sort_by_key(|l| (l.hlc, l.op.replica, l.op.seq));
    }
}

/// A field's name: most are the rules' own (`description`), held without a copy; a name with
/// a suffix (`move/01J…`) is made once when read.
pub type FieldName = std::borrow::Cow<'static, str>;

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Record {
    pub id: EntityId,
    pub kind: EntityKind,
    pub fields: BTreeMap<FieldName, FieldState>,
}

static NULL: Value = Value::Null;

impl Record {
    pub fn new(id: EntityId, kind: EntityKind) -> Record {
        Record { id, kind, fields: BTreeMap::new() }
    }
    /// The fields whose names start with `prefix` (a family: `move/…`, `event/…`), by name.
    pub fn fields_with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = (&'a str, &'a FieldState)> {
        use std::ops::Bound;
        self.fields
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .map(|(name, state)| (name.as_ref(), state))
            .take_while(move |(name, _)| name.starts_with(prefix))
    }
    /// The shown value of a field (Null when never set).
    pub fn get(&self, field: &str) -> &Value {
        self.fields.get(field).and_then(|f| f.winner()).map(|l| &l.value).unwrap_or(&NULL)
    }
    pub fn text(&self, field: &str) -> String {
        self.get(field).as_text().to_string()
    }
    /// The winning value of `field`, taken out (Null is left): a record made into its entity
    /// gives its text up instead of copying it.
    pub fn take(&mut self, field: &str) -> Value {
        self.fields
            .get_mut(field)
            .and_then(|f| f.live.last_mut())
            .map_or(Value::Null, |l| std::mem::replace(&mut l.value, Value::Null))
    }
    pub fn take_text(&mut self, field: &str) -> String {
        match self.take(field) {
            Value::Text(s) => s,
            _ => String::new(),
        }
    }
    pub fn live_ops(&self, field: &str) -> Vec<OpId> {
        self.fields.get(field).map(|f| f.live.iter().map(|l| l.op).collect()).unwrap_or_default()
    }
    /// Fields with more than one live value (only after merging other replicas).
    pub fn conflicts(&self) -> Vec<&str> {
        self.fields.iter().filter(|(_, f)| f.is_conflict()).map(|(k, _)| k.as_ref()).collect()
    }
}
