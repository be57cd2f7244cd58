//! The kiosk's model: what it shows and holds (`kiosk` handles its messages). Nothing in it
//! can name an inspector's screen: the kiosk has only these.

use std::sync::Arc;

use crate::clock::Clock;
use crate::domain::Stamp;
use crate::domain::kiosk::Entry;
use crate::edit::TextInput;
use crate::i18n::{Lang, Strings};
use crate::keymap::Keymap;
use crate::store::kiosk::Receipt;
use crate::term::signals::Signal;

use super::kiosk_steps::Step;
use super::picker::Picker;

/// How long a receipt stays on screen when no key is pressed.
pub const RECEIPT_SECS: i64 = 30;

/// Settings of the kiosk that do not change while it runs.
pub struct KioskContext {
    pub lang: Lang,
    pub clock: Arc<dyn Clock>,
    pub ids: Arc<dyn crate::domain::ids::IdSource>,
    /// The hall's name, shown on the start screen ("" : none set).
    pub hall: String,
    pub caps: crate::term::caps::Caps,
    /// Seconds without a key before the warning, and before the entry is cleared.
    pub idle_warn_secs: i64,
    pub idle_reset_secs: i64,
}

pub enum Screen {
    /// 0: 开始登记, 1: 查询办理结果.
    Start {
        cursor: usize,
    },
    Entry {
        entry: Entry,
        step: Step,
    },
    /// Written, waiting for the commit; the entry kept should it fail.
    Saving {
        req: u64,
        entry: Entry,
        receipt: String,
    },
    Receipt {
        code: String,
        at: Stamp,
    },
    Lookup {
        input: TextInput,
        error: Option<String>,
        req: Option<u64>,
    },
    Found {
        receipt: Box<Receipt>,
        at: Stamp,
    },
    /// 匿名群众 (0) or 体验官 (1).
    Who {
        cursor: usize,
    },
    /// An officer finds themselves on the roster (number, name or pinyin); `roster` is the
    /// officers 在任 as (id, number, name), loaded when asked.
    OfficerPick {
        picker: Picker,
        roster: Vec<(crate::domain::EntityId, String, String)>,
    },
    /// The officer's PIN, then the entry (`lookup`: the entry a code found, shown once the PIN
    /// is right).
    OfficerPin {
        officer: (crate::domain::EntityId, String),
        input: TextInput,
        error: Option<String>,
        req: Option<u64>,
        lookup: Option<Box<Receipt>>,
    },
    /// The admin PIN to leave the kiosk; `back` is where Esc returns.
    Admin {
        input: TextInput,
        error: Option<String>,
        req: Option<u64>,
        back: Box<Screen>,
    },
}

pub struct Kiosk {
    pub ctx: KioskContext,
    pub screen: Screen,
    pub size: (u16, u16),
    /// The last key, by the run's monotonic clock: what idleness counts from.
    pub last_key: Stamp,
    pub next_req: u64,
    /// How far a page to read (the review, a lookup's answer) is scrolled, in rows.
    pub scroll: usize,
    /// A ticket number asked about on the wait's step (its request and the number).
    pub pending_ticket: Option<(u64, String)>,
    /// A one-line message (a refused save, a wrong PIN).
    pub notice: Option<String>,
    /// Set when the kiosk ends: by the admin (None) or a signal.
    pub ended: Option<Option<Signal>>,
    /// The editor's keys as shipped: a user keymap does not reach the kiosk.
    pub keymap: Keymap,
}

impl Kiosk {
    pub fn new(ctx: KioskContext, size: (u16, u16)) -> Kiosk {
        let now = ctx.clock.now();
        Kiosk {
            ctx,
            screen: Screen::Start { cursor: 0 },
            size,
            last_key: now,
            next_req: 1,
            notice: None,
            pending_ticket: None,
            scroll: 0,
            ended: None,
            keymap: Keymap::builtin(),
        }
    }
    pub fn strings(&self) -> &'static Strings {
        Strings::get(self.ctx.lang)
    }
    pub fn t(&self, key: &str) -> &'static str {
        self.strings().t(key)
    }
    /// Seconds since the last key.
    pub fn idle_secs(&self) -> i64 {
        crate::domain::stamp::secs_between(&self.last_key, &self.ctx.clock.now())
    }
    /// Whether the screen changes with time (a countdown, a receipt's timeout).
    pub fn is_ticking(&self) -> bool {
        !matches!(self.screen, Screen::Start { .. })
    }
    pub fn req(&mut self) -> u64 {
        self.next_req += 1;
        self.next_req
    }
}
