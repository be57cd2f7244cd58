//! A real store in a temp dir with sessions and findings written as the app writes them, and
//! status moves made through `rectify::changes` + `Store::apply`, as the TUI and CLI make them.
#![allow(dead_code)]

use chrono::NaiveDate;
use tiyan::domain::finding::field as ff;
use tiyan::domain::rectify::{self, Assignment, MoveError, MoveRequest};
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Finding, FindingStatus, Record, Session, Value};
use tiyan::store::Store;

/// 2026-11-20 09:30 UTC.
pub const T0: i64 = 1_795_685_400_000;
pub const DAY_MS: i64 = 86_400_000;

pub fn pin_timezone() {
    // SAFETY: every test sets the same value before any time is formatted.
    unsafe { std::env::set_var("TZ", "UTC") };
}

pub fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// A ULID made at `ms`: a session's id carries its walk date.
pub fn id_at(ms: i64, n: u128) -> EntityId {
    ulid::Ulid::from_parts(ms as u64, n).0
}

pub struct Desk {
    _dir: tempfile::TempDir,
    pub store: Store,
    next: u128,
}

impl Desk {
    pub fn new() -> Desk {
        pin_timezone();
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join("督查科").join("tiyan.redb")).unwrap();
        Desk { _dir: dir, store, next: 1 }
    }

    fn fresh(&mut self, ms: i64) -> EntityId {
        self.next += 1;
        id_at(ms, self.next)
    }

    /// A walk of `item` (theme code) made at `ms`.
    pub fn session(&mut self, item: &str, theme: &str, ms: i64) -> EntityId {
        let id = self.fresh(ms);
        let set = |f: &str, v: Value| Change::set(EntityKind::Session, id, f, v);
        self.store
            .apply(&[
                set(sf::ITEM, Value::text(item)),
                set(sf::THEME, Value::text(theme)),
                set(sf::PLACE, Value::text("县政务服务中心")),
                set(sf::INSPECTORS, Value::TextList(vec!["王芳".into()])),
            ])
            .unwrap();
        id
    }

    /// A finding of `session`, recorded at `ms` (status 待核查).
    pub fn finding(&mut self, session: EntityId, seq: i64, description: &str, ms: i64) -> EntityId {
        let id = self.fresh(ms);
        let set = |f: &str, v: Value| Change::set(EntityKind::Finding, id, f, v);
        self.store
            .apply(&[
                set(ff::SESSION, Value::Ref(session)),
                set(ff::SEQ, Value::Int(seq)),
                set(ff::DESCRIPTION, Value::text(description)),
            ])
            .unwrap();
        id
    }

    pub fn read(&self, id: EntityId) -> Finding {
        Finding::from_record(self.store.record(EntityKind::Finding, id).unwrap().unwrap())
    }

    pub fn sessions(&self) -> Vec<Session> {
        self.store.sessions().unwrap().into_iter().map(|s| s.session).collect()
    }

    /// Every record and the op count: what a refused move must leave exactly as it was.
    pub fn snapshot(&self) -> (u64, Vec<Record>) {
        (self.store.op_count().unwrap(), self.store.all_records().unwrap())
    }

    /// One move at `at_ms` on day `today`, through the rules and one transaction.
    pub fn apply(&mut self, id: EntityId, req: &MoveRequest, at_ms: i64, today: NaiveDate) -> Result<(), MoveError> {
        let changes = rectify::changes(&self.read(id), req, at_ms, today, tiyan::domain::op::new_entity_id())?;
        self.store.apply(&changes).unwrap();
        Ok(())
    }

    /// A move that must be allowed.
    pub fn step(&mut self, id: EntityId, req: &MoveRequest, at_ms: i64, today: NaiveDate) {
        let from = self.read(id).status;
        self.apply(id, req, at_ms, today).unwrap_or_else(|e| panic!("{from:?} -> {:?}: {e:?}", req.to));
    }

    /// Takes a finding along the usual road to `status`: confirmed, assigned to `unit` with
    /// `deadline`, rectifying, rectified by 张三, closed by 李四. Moves are
    /// an hour apart from `at_ms`.
    pub fn bring_to(&mut self, id: EntityId, status: FindingStatus, unit: &str, deadline: &str, at_ms: i64) {
        for (k, to) in road(status).iter().enumerate() {
            let at = at_ms + k as i64 * 3_600_000;
            let today = chrono::DateTime::from_timestamp_millis(at).unwrap().date_naive();
            self.step(id, &request(*to, unit, deadline), at, today);
        }
    }
}

/// A request carrying what the move to `to` needs (and nothing it would not use); 张三 acts,
/// except that 李四 closes off.
pub fn request(to: FindingStatus, unit: &str, deadline: &str) -> MoveRequest {
    use FindingStatus::*;
    let mut req = MoveRequest::new(to, if to == Closed { "李四" } else { "张三" });
    match to {
        NotAProblem => req.note = "经核查系群众误解，窗口已按规定一次性告知".into(),
        Assigned => {
            req.assignment = Assignment {
                unit: unit.into(),
                deadline: Some(day(deadline)),
                measure: "增设综合窗口，高峰时段弹性排班".into(),
                ..Default::default()
            }
        }
        Rectified => req.evidence = "已增设两个综合窗口，回访群众满意".into(),
        _ => {}
    }
    req
}

/// The moves that bring a new finding to `status`, in order.
pub fn road(status: FindingStatus) -> &'static [FindingStatus] {
    use FindingStatus::*;
    match status {
        Found => &[],
        NotAProblem => &[NotAProblem],
        Confirmed => &[Confirmed],
        Assigned => &[Confirmed, Assigned],
        Rectifying => &[Confirmed, Assigned, Rectifying],
        Rectified => &[Confirmed, Assigned, Rectifying, Rectified],
        Closed => &[Confirmed, Assigned, Rectifying, Rectified, Closed],
    }
}

/// A finding `seq` of `session` made on `store` and brought to `status` through real moves
/// (assigned to `unit` with `deadline` on the way, the moves made on 2026-11-10); its id.
pub fn finding_through_moves(
    store: &mut Store,
    session: EntityId,
    seq: i64,
    description: &str,
    (unit, deadline, status): (&str, &str, FindingStatus),
) -> EntityId {
    let id = tiyan::domain::op::new_entity_id();
    let set = |f: &str, v: Value| Change::set(EntityKind::Finding, id, f, v);
    store
        .apply(&[
            set(ff::SESSION, Value::Ref(session)),
            set(ff::SEQ, Value::Int(seq)),
            set(ff::DESCRIPTION, Value::text(description)),
        ])
        .unwrap();
    for to in road(status) {
        let f = Finding::from_record(store.record(EntityKind::Finding, id).unwrap().unwrap());
        let entry = tiyan::domain::op::new_entity_id();
        let changes = rectify::changes(&f, &request(*to, unit, deadline), 0, day("2026-11-10"), entry).unwrap();
        store.apply(&changes).unwrap();
    }
    id
}
