//! What a citizen or a 体验官 records at the hall's kiosk (seed 004: 体验、评价、反馈、整改、核验;
//! 件件有反馈、事事有回应). An entry is a session like any walk (mode 群众评价 or 体验官体验, its
//! findings 待核查) with a rating on the national 好差评 five levels for four dimensions, the wait,
//! a contact for the answer, and a receipt code to look the entry up by later.

use super::op::{EntityId, EntityKind, Value};
use super::record::Record;

/// Fields a kiosk entry adds to its session (and `SOURCE` to its findings).
pub mod field {
    /// `kiosk` on an entry made there (sessions and findings).
    pub const SOURCE: &str = "source";
    /// The code the person keeps to look the entry up (`RECEIPT_ALPHABET`).
    pub const RECEIPT: &str = "receipt";
    /// A phone number left for the answer (anonymous entries), as typed.
    pub const CONTACT: &str = "contact";
    /// The wait, in whole minutes, as the person gave it.
    pub const WAIT_MINUTES: &str = "wait_minutes";
    /// The queue ticket (Ref) the person gave instead of minutes: the wait is its stamps'.
    pub const TICKET: &str = "ticket";
    /// The 体验官 who made the entry (Ref to the roster), when not anonymous.
    pub const OFFICER: &str = "officer";
    /// One rating per dimension: `rating/attitude` … , 1 (非常不满意) to 5 (非常满意).
    pub const RATING_PREFIX: &str = "rating/";
}

/// The value of `source` on what the kiosk writes.
pub const SOURCE_KIOSK: &str = "kiosk";
/// Who made an entry nobody signed: 匿名群众.
pub const ANONYMOUS: &str = "匿名群众";
/// The modes of a kiosk entry (codes in `assets/vocab/modes.toml`).
pub const MODE_CITIZEN: &str = "citizen_rating";
pub const MODE_OFFICER: &str = "officer_visit";

/// The national 好差评 levels, best first as people read them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    VerySatisfied,
    Satisfied,
    Fair,
    Dissatisfied,
    VeryDissatisfied,
}

impl Level {
    pub const ALL: [Level; 5] =
        [Level::VerySatisfied, Level::Satisfied, Level::Fair, Level::Dissatisfied, Level::VeryDissatisfied];

    /// As stored: 5 (非常满意) down to 1 (非常不满意).
    pub fn score(self) -> i64 {
        5 - self as i64
    }
    pub fn from_score(score: i64) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.score() == score)
    }
    pub fn zh(self) -> &'static str {
        match self {
            Level::VerySatisfied => "非常满意",
            Level::Satisfied => "满意",
            Level::Fair => "基本满意",
            Level::Dissatisfied => "不满意",
            Level::VeryDissatisfied => "非常不满意",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Level::VerySatisfied => "very satisfied",
            Level::Satisfied => "satisfied",
            Level::Fair => "fairly satisfied",
            Level::Dissatisfied => "dissatisfied",
            Level::VeryDissatisfied => "very dissatisfied",
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match lang {
            crate::i18n::Lang::Zh => self.zh(),
            crate::i18n::Lang::En => self.en(),
        }
    }
    /// The JSON code.
    pub fn code(self) -> &'static str {
        match self {
            Level::VerySatisfied => "very_satisfied",
            Level::Satisfied => "satisfied",
            Level::Fair => "fair",
            Level::Dissatisfied => "dissatisfied",
            Level::VeryDissatisfied => "very_dissatisfied",
        }
    }
}

/// What is rated (seed 004's 体验内容: 服务态度, 办事效率, 指引, 环境设施).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Dimension {
    Attitude,
    Efficiency,
    Guidance,
    Environment,
}

impl Dimension {
    pub const ALL: [Dimension; 4] =
        [Dimension::Attitude, Dimension::Efficiency, Dimension::Guidance, Dimension::Environment];

    pub fn code(self) -> &'static str {
        match self {
            Dimension::Attitude => "attitude",
            Dimension::Efficiency => "efficiency",
            Dimension::Guidance => "guidance",
            Dimension::Environment => "environment",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Dimension::Attitude => "服务态度",
            Dimension::Efficiency => "办事效率",
            Dimension::Guidance => "指引清晰",
            Dimension::Environment => "环境设施",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Dimension::Attitude => "attitude",
            Dimension::Efficiency => "efficiency",
            Dimension::Guidance => "clear guidance",
            Dimension::Environment => "environment",
        }
    }
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match lang {
            crate::i18n::Lang::Zh => self.zh(),
            crate::i18n::Lang::En => self.en(),
        }
    }
    pub fn field(self) -> String {
        format!("{}{}", field::RATING_PREFIX, self.code())
    }
}

/// The ratings a session holds (kiosk entries have them; walks do not).
pub fn ratings(r: &Record) -> Vec<(Dimension, Level)> {
    Dimension::ALL
        .into_iter()
        .filter_map(|d| r.get(&d.field()).as_int().and_then(Level::from_score).map(|l| (d, l)))
        .collect()
}

/// What a session made at the kiosk holds beyond a walk's fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KioskFacts {
    pub receipt: String,
    pub contact: String,
    pub wait_minutes: Option<i64>,
    pub ratings: Vec<(Dimension, Level)>,
    /// The 体验官 who made it; None: 匿名群众.
    pub officer: Option<EntityId>,
}

impl KioskFacts {
    /// Its kiosk facts, when `r` is a session made at the kiosk.
    pub fn of(r: &Record) -> Option<KioskFacts> {
        (r.get(field::SOURCE).as_text() == SOURCE_KIOSK).then(|| KioskFacts {
            receipt: r.text(field::RECEIPT),
            contact: r.text(field::CONTACT),
            wait_minutes: r.get(field::WAIT_MINUTES).as_int(),
            ratings: ratings(r),
            officer: r.get(field::OFFICER).as_ref_id(),
        })
    }
}

/// Receipt codes: six characters a person reads aloud and types without doubt (no 0/O, 1/I).
pub const RECEIPT_ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
pub const RECEIPT_LEN: usize = 6;

/// A receipt code from 30 random bits (one in a billion that two entries share one).
pub fn receipt_code(random: u64) -> String {
    (0..RECEIPT_LEN).map(|i| char::from(RECEIPT_ALPHABET[((random >> (5 * i)) & 31) as usize])).collect()
}

/// A code as typed (any case, spaces and dashes ignored), if it can be one.
pub fn parse_receipt(text: &str) -> Option<String> {
    let code: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != '-').map(|c| c.to_ascii_uppercase()).collect();
    let ok = code.len() == RECEIPT_LEN && code.bytes().all(|b| RECEIPT_ALPHABET.contains(&b));
    ok.then_some(code)
}

/// One kiosk entry as the person gave it, before it is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The service item, as stored (a code or the text typed).
    pub item: String,
    pub window: String,
    pub channel: String,
    pub wait_minutes: Option<i64>,
    pub ratings: Vec<(Dimension, Level)>,
    /// Problems and suggestions, one finding each.
    pub problems: Vec<String>,
    pub contact: String,
    /// The 体验官 making it (their id and name), once their PIN was right; None: anonymous.
    pub officer: Option<(EntityId, String)>,
    /// The queue ticket the wait was read from, with its number as typed.
    pub ticket: Option<(EntityId, String)>,
}

impl Entry {
    /// The changes that write it: the session `id` (made `at_ms`, its receipt `receipt`), then
    /// each problem a finding numbered from 1 with the ids given.
    pub fn changes(&self, session: EntityId, findings: &[EntityId], receipt: &str) -> Vec<super::op::Change> {
        use super::finding::field as ff;
        use super::op::Change;
        use super::session::field as sf;
        let s = |f: &str, v: Value| Change::set(EntityKind::Session, session, f, v);
        let (mode, who) = match &self.officer {
            Some((_, name)) => (MODE_OFFICER, name.clone()),
            None => (MODE_CITIZEN, ANONYMOUS.to_string()),
        };
        let mut out = vec![
            s(sf::ITEM, Value::text(&self.item)),
            s(sf::MODE, Value::text(mode)),
            s(sf::CHANNEL, Value::text(&self.channel)),
            s(sf::WINDOW, Value::text(self.window.trim())),
            s(sf::INSPECTORS, Value::TextList(vec![who])),
            s(sf::STATUS, Value::text("finished")),
            s(field::SOURCE, Value::text(SOURCE_KIOSK)),
            s(field::RECEIPT, Value::text(receipt)),
        ];
        if let Some((ticket, _)) = &self.ticket {
            out.push(s(field::TICKET, Value::Ref(*ticket)));
        }
        if let Some((officer, _)) = &self.officer {
            out.push(s(field::OFFICER, Value::Ref(*officer)));
        }
        if !self.contact.trim().is_empty() {
            out.push(s(field::CONTACT, Value::text(self.contact.trim())));
        }
        if let Some(minutes) = self.wait_minutes {
            out.push(s(field::WAIT_MINUTES, Value::Int(minutes)));
        }
        for (d, l) in &self.ratings {
            out.push(s(&d.field(), Value::Int(l.score())));
        }
        for (n, (text, id)) in self.problems.iter().zip(findings).enumerate() {
            let f = |name: &str, v: Value| Change::set(EntityKind::Finding, *id, name, v);
            out.push(f(ff::SESSION, Value::Ref(session)));
            out.push(f(ff::SEQ, Value::Int(n as i64 + 1)));
            out.push(f(ff::DESCRIPTION, Value::text(text.trim())));
            out.push(f(ff::STATUS, Value::text(super::FindingStatus::Found.code())));
            out.push(f(field::SOURCE, Value::text(SOURCE_KIOSK)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_read_aloud_without_doubt_and_are_typed_back_in_any_case() {
        let code = receipt_code(0x0123_4567_89ab_cdef);
        assert_eq!(code.len(), RECEIPT_LEN);
        assert!(!code.contains(['0', 'O', '1', 'I']), "{code}");
        assert_eq!(parse_receipt(&code.to_lowercase()), Some(code.clone()));
        assert_eq!(parse_receipt(&format!("{}-{} ", &code[..3], &code[3..])), Some(code));
        assert_eq!(parse_receipt("ABC10O"), None, "0, O, 1 are not in codes");
        assert_eq!(parse_receipt("ABCDE"), None);
        assert_eq!(parse_receipt("收据码"), None);
        let all: std::collections::HashSet<String> = (0..2000u64).map(|i| receipt_code(i * 0x9E37_79B9)).collect();
        assert!(all.len() > 1990, "codes spread");
    }

    #[test]
    fn levels_keep_their_scores() {
        assert_eq!(Level::VerySatisfied.score(), 5);
        assert_eq!(Level::VeryDissatisfied.score(), 1);
        assert!(Level::ALL.into_iter().all(|l| Level::from_score(l.score()) == Some(l)));
        assert_eq!(Level::from_score(0), None);
    }
}
