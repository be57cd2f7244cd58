//! 政务服务体验官 (seed 004; 体验员 in seed 001): the roster the office keeps and the kiosk
//! checks an officer's number and PIN against. Only what the roster's work needs is kept:
//! number, name, type, unit, phone, term and status. Seed 004's forms also ask for ethnicity,
//! political status, health and a CV; tiyan keeps none of those (README says why).
//!
//! A roster change is an op like any other, so the office's roster reaches the hall terminal
//! in a bundle, with each officer's PIN as a salted slow hash (never the PIN).

use chrono::NaiveDate;

use super::op::{EntityId, Value};
use super::record::Record;

pub mod field {
    pub const NUMBER: &str = "number";
    pub const NAME: &str = "name";
    pub const KIND: &str = "kind";
    pub const UNIT: &str = "unit";
    pub const PHONE: &str = "phone";
    pub const APPOINTED: &str = "appointed";
    pub const TERM_END: &str = "term_end";
    pub const STATUS: &str = "status";
    /// The PIN as `[scrypt, log_n, salt hex, hash hex]`.
    pub const PIN: &str = "pin";
    /// Wrong PINs in a row at the kiosk, and until when the officer is locked out (Unix ms).
    pub const PIN_FAILURES: &str = "pin_failures";
    pub const LOCKED_UNTIL: &str = "locked_until";
}

/// Wrong PINs in a row that lock an officer out of the kiosk, and for how long.
pub const MAX_PIN_FAILURES: i64 = 5;
pub const LOCKOUT_MS: i64 = 15 * 60 * 1000;

/// Seed 004's four kinds of 体验官.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficerKind {
    Citizen,
    Business,
    Unit,
    Supervisor,
}

impl OfficerKind {
    pub const ALL: [OfficerKind; 4] =
        [OfficerKind::Citizen, OfficerKind::Business, OfficerKind::Unit, OfficerKind::Supervisor];
    pub fn code(self) -> &'static str {
        match self {
            OfficerKind::Citizen => "citizen",
            OfficerKind::Business => "business",
            OfficerKind::Unit => "unit",
            OfficerKind::Supervisor => "supervisor",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            OfficerKind::Citizen => "群众代表",
            OfficerKind::Business => "企业代表",
            OfficerKind::Unit => "单位代表",
            OfficerKind::Supervisor => "行业特邀监督员",
        }
    }
    /// The code or the Chinese name.
    pub fn parse(s: &str) -> Option<OfficerKind> {
        OfficerKind::ALL.into_iter().find(|k| k.code() == s.trim() || k.zh() == s.trim())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OfficerStatus {
    Active,
    Suspended,
    Dismissed,
}

impl OfficerStatus {
    pub const ALL: [OfficerStatus; 3] = [OfficerStatus::Active, OfficerStatus::Suspended, OfficerStatus::Dismissed];
    pub fn code(self) -> &'static str {
        match self {
            OfficerStatus::Active => "active",
            OfficerStatus::Suspended => "suspended",
            OfficerStatus::Dismissed => "dismissed",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            OfficerStatus::Active => "在任",
            OfficerStatus::Suspended => "暂停",
            OfficerStatus::Dismissed => "解聘",
        }
    }
    pub fn parse(s: &str) -> Option<OfficerStatus> {
        OfficerStatus::ALL.into_iter().find(|k| k.code() == s.trim() || k.zh() == s.trim())
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Officer {
    pub id: EntityId,
    pub number: String,
    pub name: String,
    pub kind: Option<OfficerKind>,
    pub unit: String,
    pub phone: String,
    pub appointed: Option<NaiveDate>,
    pub term_end: Option<NaiveDate>,
    pub status: OfficerStatus,
    /// The PIN's hash, as kept (`[scrypt, log_n, salt, hash]`); empty: none set.
    pub pin: Vec<String>,
    pub pin_failures: i64,
    pub locked_until_ms: Option<i64>,
}

impl Officer {
    pub fn from_record(r: &Record) -> Officer {
        Officer {
            id: r.id,
            number: r.text(field::NUMBER),
            name: r.text(field::NAME),
            kind: OfficerKind::parse(r.get(field::KIND).as_text()),
            unit: r.text(field::UNIT),
            phone: r.text(field::PHONE),
            appointed: r.get(field::APPOINTED).as_date(),
            term_end: r.get(field::TERM_END).as_date(),
            status: OfficerStatus::parse(r.get(field::STATUS).as_text()).unwrap_or(OfficerStatus::Active),
            pin: r.get(field::PIN).as_list().to_vec(),
            pin_failures: r.get(field::PIN_FAILURES).as_int().unwrap_or(0),
            locked_until_ms: r.get(field::LOCKED_UNTIL).as_timestamp(),
        }
    }

    /// Whether the kiosk takes this officer now (在任, not locked out).
    pub fn may_enter(&self, now_ms: i64) -> bool {
        self.status == OfficerStatus::Active && self.locked_until_ms.is_none_or(|until| now_ms >= until)
    }

    /// The phone as lists show it: 138****5678.
    pub fn masked_phone(&self) -> String {
        mask_phone(&self.phone)
    }
}

/// A phone number with its middle hidden (the first three and last four shown).
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.trim().chars().collect();
    if chars.len() < 8 {
        return "*".repeat(chars.len());
    }
    let (head, tail) = (&chars[..3], &chars[chars.len() - 4..]);
    format!("{}{}{}", head.iter().collect::<String>(), "*".repeat(chars.len() - 7), tail.iter().collect::<String>())
}

/// The value a date field takes (or Null to clear it).
pub fn date_value(d: Option<NaiveDate>) -> Value {
    d.map(Value::date).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_show_their_ends_only() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone(" 023-12345678 "), "023*****5678");
        assert_eq!(mask_phone("110"), "***");
        assert_eq!(OfficerKind::parse("企业代表"), Some(OfficerKind::Business));
        assert_eq!(OfficerStatus::parse("dismissed"), Some(OfficerStatus::Dismissed));
    }
}
