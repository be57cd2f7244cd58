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

fn pin_hash(pin: &str, log_n: u8, salt: &[u8; 16]) -> Result<[u8; 32], StoreError> {
    let params = scrypt::Params::new(log_n, R, P, 32).map_err(|e| StoreError::Db(format!("scrypt: {e}")))?;
    let mut out = [0u8; 32];
    scrypt::scrypt(pin.as_bytes(), salt, &params, &mut out).map_err(|e| StoreError::Db(format!("scrypt: {e}")))?;
    Ok(out)
}

/// Equal without saying where they differ by how long it takes.
fn same(a: &[u8; 32], b: &[u8; 32]) -> bool {
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
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

    /// The kiosk entry whose receipt is `code` (the newest, should two share it), with its
    /// problems; None when no entry has it.
    pub fn kiosk_receipt(&self, code: &str) -> Result<Option<Receipt>, StoreError> {
        let mut found: Option<EntityId> = None;
        for s in self.sessions()? {
            let s = s.session;
            if s.deleted || s.kiosk.as_ref().is_none_or(|k| k.receipt != code) {
                continue;
            }
            found = Some(found.map_or(s.id, |f| f.max(s.id)));
        }
        let Some(id) = found else { return Ok(None) };
        let Some(session) = self.session(id)? else { return Ok(None) };
        let findings = self.findings_of(id)?.into_iter().filter(|f| !f.deleted).collect();
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
