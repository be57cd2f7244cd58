//! The `meta` table: schema version, replica id, the clock (last HLC stamp) and the next seq.

use redb::{ReadableTable, Table};

use super::codec::{self, MetaValue};
use super::error::StoreError;
use super::tables::{meta_key, name};
use crate::domain::{Hlc, ReplicaId};

/// The first seq a replica uses; 0 means "none yet" in version vectors.
pub const FIRST_SEQ: u64 = 1;

type MetaTable<'t> = Table<'t, &'static str, &'static [u8]>;

pub fn schema_version(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<u32>, StoreError> {
    match t.get(meta_key::SCHEMA_VERSION)? {
        Some(v) => Ok(Some(codec::decode_schema_version(v.value())?)),
        None => Ok(None),
    }
}

fn get(t: &impl ReadableTable<&'static str, &'static [u8]>, key: &str) -> Result<Option<MetaValue>, StoreError> {
    match t.get(key)? {
        Some(v) => Ok(Some(codec::decode_meta(v.value(), key)?)),
        None => Ok(None),
    }
}

fn wrong_kind(key: &str, found: MetaValue) -> StoreError {
    StoreError::Decode {
        table: name::META,
        key: key.to_string(),
        detail: format!("holds {found:?}, which belongs under another key"),
    }
}

pub fn replica(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<ReplicaId>, StoreError> {
    match get(t, meta_key::REPLICA)? {
        None => Ok(None),
        Some(MetaValue::Replica(r)) => Ok(Some(r)),
        Some(other) => Err(wrong_kind(meta_key::REPLICA, other)),
    }
}

/// The last stamp handed out (or seen); the zero stamp in a new store.
pub fn hlc(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Hlc, StoreError> {
    match get(t, meta_key::HLC)? {
        None => Ok(Hlc::default()),
        Some(MetaValue::Hlc(h)) => Ok(h),
        Some(other) => Err(wrong_kind(meta_key::HLC, other)),
    }
}

pub fn next_seq(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<u64, StoreError> {
    match get(t, meta_key::NEXT_SEQ)? {
        None => Ok(FIRST_SEQ),
        Some(MetaValue::NextSeq(s)) => Ok(s),
        Some(other) => Err(wrong_kind(meta_key::NEXT_SEQ, other)),
    }
}

/// The profile's inspector name, if one was given.
pub fn inspector(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<String>, StoreError> {
    match get(t, meta_key::INSPECTOR)? {
        None => Ok(None),
        Some(MetaValue::Inspector(name)) => Ok(Some(name)),
        Some(other) => Err(wrong_kind(meta_key::INSPECTOR, other)),
    }
}

pub fn set_inspector(t: &mut MetaTable<'_>, name: &str) -> Result<(), StoreError> {
    put(t, meta_key::INSPECTOR, MetaValue::Inspector(name.to_string()))
}

fn put(t: &mut MetaTable<'_>, key: &str, value: MetaValue) -> Result<(), StoreError> {
    let bytes = codec::encode_meta(value)?;
    t.insert(key, bytes.as_slice())?;
    Ok(())
}

pub fn set_schema_version(t: &mut MetaTable<'_>, version: u32) -> Result<(), StoreError> {
    t.insert(meta_key::SCHEMA_VERSION, codec::encode_schema_version(version).as_slice())?;
    Ok(())
}

pub fn set_replica(t: &mut MetaTable<'_>, replica: ReplicaId) -> Result<(), StoreError> {
    put(t, meta_key::REPLICA, MetaValue::Replica(replica))
}

pub fn set_hlc(t: &mut MetaTable<'_>, hlc: Hlc) -> Result<(), StoreError> {
    put(t, meta_key::HLC, MetaValue::Hlc(hlc))
}

pub fn set_next_seq(t: &mut MetaTable<'_>, seq: u64) -> Result<(), StoreError> {
    put(t, meta_key::NEXT_SEQ, MetaValue::NextSeq(seq))
}

/// The device's secret keys (signing key bytes, age identity text), once made.
pub fn device_keys(
    t: &impl ReadableTable<&'static str, &'static [u8]>,
) -> Result<Option<([u8; 32], String)>, StoreError> {
    match get(t, meta_key::DEVICE_KEYS)? {
        None => Ok(None),
        Some(MetaValue::DeviceKeys { signing, age }) => Ok(Some((signing, age))),
        Some(other) => Err(wrong_kind(meta_key::DEVICE_KEYS, other)),
    }
}

pub fn set_device_keys(t: &mut MetaTable<'_>, signing: [u8; 32], age: String) -> Result<(), StoreError> {
    put(t, meta_key::DEVICE_KEYS, MetaValue::DeviceKeys { signing, age })
}

/// The office's name when this profile is an office's.
pub fn office(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<String>, StoreError> {
    match get(t, meta_key::OFFICE)? {
        None => Ok(None),
        Some(MetaValue::Office(name)) => Ok(Some(name)),
        Some(other) => Err(wrong_kind(meta_key::OFFICE, other)),
    }
}

pub fn set_office(t: &mut MetaTable<'_>, name: &str) -> Result<(), StoreError> {
    put(t, meta_key::OFFICE, MetaValue::Office(name.to_string()))
}

/// The kiosk's admin PIN as kept: scrypt's cost (log2 of its rounds), the salt, the hash.
pub struct PinHash {
    pub log_n: u8,
    pub salt: [u8; 16],
    pub hash: [u8; 32],
}

/// The kiosk's admin PIN hash, when one was set.
pub fn kiosk_pin(t: &impl ReadableTable<&'static str, &'static [u8]>) -> Result<Option<PinHash>, StoreError> {
    match get(t, meta_key::KIOSK_PIN)? {
        None => Ok(None),
        Some(MetaValue::KioskPin { log_n, salt, hash }) => Ok(Some(PinHash { log_n, salt, hash })),
        Some(other) => Err(wrong_kind(meta_key::KIOSK_PIN, other)),
    }
}

pub fn set_kiosk_pin(t: &mut MetaTable<'_>, log_n: u8, salt: [u8; 16], hash: [u8; 32]) -> Result<(), StoreError> {
    put(t, meta_key::KIOSK_PIN, MetaValue::KioskPin { log_n, salt, hash })
}
