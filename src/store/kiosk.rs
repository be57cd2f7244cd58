//! What the hall's kiosk asks of the store: its admin PIN (kept in `meta` as a salted scrypt
//! hash, so a copy of the profile does not give the PIN away, and checked here, off the UI
//! thread: the hash is slow on purpose) and the entry a receipt code names, with only what
//! became of its problems.

use super::error::StoreError;
use super::{Store, apply, meta, tables};
use crate::domain::{EntityId, Finding, FindingStatus};

/// scrypt's cost: 2^15 rounds of 8 × 128 bytes: 32 MiB and about a tenth of a second, each try.
const LOG_N: u8 = 15;
const R: u32 = 8;
const P: u32 = 1;

pub(super) fn pin_hash(pin: &str, log_n: u8, salt: &[u8; 16]) -> Result<[u8; 32], StoreError> {
    let params = scrypt::Params::new(log_n, R, P, 32).map_err(|e| StoreError::Db(format!("scrypt: {e}")))?;
    let mut out = [0u8; 32];
    scrypt::scrypt(pin.as_bytes(), salt, &params, &mut out).map_err(|e| StoreError::Db(format!("scrypt: {e}")))?;
    Ok(out)
}

/// Equal without saying where they differ by how long it takes.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A PIN as an officer's record keeps it: `[scrypt, log_n, salt hex, hash hex]`.
pub fn officer_pin_value(pin: &str) -> Result<Vec<String>, StoreError> {
    let salt: [u8; 16] = rand::random();
    let hash = pin_hash(pin, LOG_N, &salt)?;
    Ok(vec!["scrypt".into(), LOG_N.to_string(), crate::domain::ids::hex(&salt), crate::domain::ids::hex(&hash)])
}

/// Whether `pin` matches what an officer's record keeps (false for none, or one unreadable).
fn officer_pin_matches(kept: &[String], pin: &str) -> Result<bool, StoreError> {
    let [kind, log_n, salt, hash] = kept else { return Ok(false) };
    let parsed = (|| {
        let log_n: u8 = log_n.parse().ok().filter(|n| (10..=20).contains(n))?;
        let salt: [u8; 16] = crate::domain::ids::unhex(salt)?.try_into().ok()?;
        let hash: [u8; 32] = crate::domain::ids::unhex(hash)?.try_into().ok()?;
        Some((log_n, salt, hash))
    })();
    match (kind.as_str(), parsed) {
        ("scrypt", Some((log_n, salt, hash))) => Ok(same(&pin_hash(pin, log_n, &salt)?, &hash)),
        _ => Ok(false),
    }
}

/// How an officer's PIN at the kiosk went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OfficerPin {
    Right,
    /// Wrong; this many more wrong ones lock the officer out.
    Wrong {
        left: i64,
    },
    /// Locked out (now, or already) until this moment (Unix ms).
    Locked {
        until_ms: i64,
    },
    /// Not on the roster, not 在任, or without a PIN.
    NotAllowed,
}

/// An entry as its receipt shows it: the session, and its problems in plain words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    pub session: crate::domain::Session,
    pub findings: Vec<Finding>,
}

impl Store {
    /// Sets (or changes) the kiosk's admin PIN.
    pub fn set_kiosk_pin(&mut self, pin: &str) -> Result<(), StoreError> {
        let salt: [u8; 16] = rand::random();
        let hash = pin_hash(pin, LOG_N, &salt)?;
        self.write(|db| {
            let txn = apply::begin_durable(db)?;
            meta::set_kiosk_pin(&mut txn.open_table(tables::META)?, LOG_N, salt, hash)?;
            txn.commit()?;
            Ok(())
        })
    }

    /// Whether an admin PIN is set (the kiosk will not start without one).
    pub fn kiosk_pin_is_set(&self) -> Result<bool, StoreError> {
        Ok(self.read(|db| meta::kiosk_pin(&db.begin_read()?.open_table(tables::META)?))?.is_some())
    }

    /// Whether `pin` is the admin PIN (false when none is set).
    pub fn check_kiosk_pin(&self, pin: &str) -> Result<bool, StoreError> {
        let Some(kept) = self.read(|db| meta::kiosk_pin(&db.begin_read()?.open_table(tables::META)?))? else {
            return Ok(false);
        };
        Ok(same(&pin_hash(pin, kept.log_n, &kept.salt)?, &kept.hash))
    }

    /// Sets an officer's PIN (and clears a lockout).
    pub fn set_officer_pin(&mut self, officer: EntityId, pin: &str) -> Result<(), StoreError> {
        use crate::domain::officer::field;
        use crate::domain::{Change, EntityKind, Value};
        let set = |f: &str, v: Value| Change::set(EntityKind::Officer, officer, f, v);
        let value = officer_pin_value(pin)?;
        self.apply(&[
            set(field::PIN, Value::TextList(value)),
            set(field::PIN_FAILURES, Value::Int(0)),
            set(field::LOCKED_UNTIL, Value::Null),
        ])?;
        Ok(())
    }

    /// Every officer on the roster (retired ones too), by number.
    pub fn officers(&self) -> Result<Vec<crate::domain::officer::Officer>, StoreError> {
        self.read(super::query::officers)
    }

    /// Checks an officer's PIN at the kiosk, `now_ms` by the wall clock. A wrong one is
    /// recorded (an op), and the fifth in a row locks the officer out for 15 minutes; a right
    /// one clears the count.
    pub fn check_officer_pin(&mut self, officer: EntityId, pin: &str, now_ms: i64) -> Result<OfficerPin, StoreError> {
        use crate::domain::officer::{LOCKOUT_MS, MAX_PIN_FAILURES, Officer, field};
        use crate::domain::{Change, EntityKind, Value};
        let Some(record) = self.record(EntityKind::Officer, officer)? else { return Ok(OfficerPin::NotAllowed) };
        let o = Officer::from_record(&record);
        if o.status != crate::domain::officer::OfficerStatus::Active || o.pin.is_empty() {
            return Ok(OfficerPin::NotAllowed);
        }
        if let Some(until_ms) = o.locked_until_ms.filter(|until| now_ms < *until) {
            return Ok(OfficerPin::Locked { until_ms });
        }
        let set = |f: &str, v: Value| Change::set(EntityKind::Officer, officer, f, v);
        if officer_pin_matches(&o.pin, pin)? {
            if o.pin_failures != 0 || o.locked_until_ms.is_some() {
                self.apply(&[set(field::PIN_FAILURES, Value::Int(0)), set(field::LOCKED_UNTIL, Value::Null)])?;
            }
            return Ok(OfficerPin::Right);
        }
        // A lockout that has run out starts the count again.
        let failures = if o.locked_until_ms.is_some() { 1 } else { o.pin_failures + 1 };
        if failures >= MAX_PIN_FAILURES {
            let until_ms = now_ms + LOCKOUT_MS;
            self.apply(&[
                set(field::PIN_FAILURES, Value::Int(failures)),
                set(field::LOCKED_UNTIL, Value::Timestamp(until_ms)),
            ])?;
            return Ok(OfficerPin::Locked { until_ms });
        }
        let mut changes = vec![set(field::PIN_FAILURES, Value::Int(failures))];
        if o.locked_until_ms.is_some() {
            changes.push(set(field::LOCKED_UNTIL, Value::Null));
        }
        self.apply(&changes)?;
        Ok(OfficerPin::Wrong { left: MAX_PIN_FAILURES - failures })
    }

    /// The queue ticket numbered `number` (any case) taken within the last 12 hours, the newest
    /// such, with its wait in whole seconds by the board's stamps; None when there is none, or
    /// it has no wait yet.
    pub fn kiosk_ticket(
        &self,
        number: &str,
        now: &crate::domain::Stamp,
    ) -> Result<Option<(EntityId, i64)>, StoreError> {
        const RECENT_MS: i64 = 12 * 3600 * 1000;
        let wanted = number.trim().to_uppercase();
        let found = self
            .all_tickets()?
            .into_iter()
            .filter(|t| t.number.trim().to_uppercase() == wanted)
            .filter(|t| t.taken().is_some_and(|s| now.wall_ms - s.wall_ms <= RECENT_MS))
            .max_by_key(|t| t.taken().map(|s| s.wall_ms));
        Ok(found.and_then(|t| t.wait_secs(now).map(|w| (t.id, w))))
    }

    /// The kiosk entry whose receipt is `code` (the newest, should two share it), with its
    /// problems; None when no entry has it.
    pub fn kiosk_receipt(&self, code: &str) -> Result<Option<Receipt>, StoreError> {
        let found = self
            .sessions()?
            .into_iter()
            .map(|s| s.session)
            .filter(|s| !s.deleted && s.kiosk.as_ref().is_some_and(|k| k.receipt == code))
            .max_by_key(|s| s.id);
        let Some(session) = found else { return Ok(None) };
        let findings = self.findings_of(session.id)?.into_iter().filter(|f| !f.deleted).collect();
        Ok(Some(Receipt { session, findings }))
    }
}

/// Where a problem stands, in the plain words a citizen reads.
pub fn plain_status(f: &Finding) -> &'static str {
    match f.status {
        FindingStatus::Found => "已收到，待核查",
        FindingStatus::Confirmed => "已核查，正在交办",
        FindingStatus::NotAProblem => "经核查不属于问题",
        FindingStatus::Assigned | FindingStatus::Rectifying => "已交责任单位整改",
        FindingStatus::Rectified => "已整改，待核验",
        FindingStatus::Closed => "已整改并核验销号",
    }
}
