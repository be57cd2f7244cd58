//! Watching the system clock while timers run: a jump of the wall clock against the
//! monotonic clock (more than 2 s since last looked) is said in the status line and recorded
//! with the session on screen. Timers are not moved by it: within a run they count monotonic
//! time. Looked at on every tick and on each key of the board and the stopwatch.

use super::common::save;
use super::effect::Effect;
use super::state::{Screen, State};
use crate::domain::{Change, EntityKind, Session, Stamp, TimedEvent, Value};
use crate::domain::{session::field as sf, stamp::CLOCK_JUMP_MS, stamp::event_field};
use crate::i18n::Strings;

/// Notices a jump since last looked, says so, and records it with the session on screen.
pub(super) fn check_clock(state: &mut State) -> Vec<Effect> {
    let now = state.now();
    let offset = now.clock_offset();
    let previous = state.clock_offset.replace((now.run, offset));
    let Some((run, before)) = previous else { return vec![] };
    let jump = offset - before;
    if run != now.run || jump.abs() <= CLOCK_JUMP_MS {
        return vec![];
    }
    let text = jump_text(state.ctx.strings(), jump);
    state.notice = Some(state.ctx.strings().tf("clock.jumped", &[("jump", &text)]));
    let session = match state.screen {
        Screen::Board { session } | Screen::Walk { session } => session,
        _ => return vec![],
    };
    let Some(s) = state.session_summary(session).map(|s| s.session.clone()) else { return vec![] };
    save(state, session, vec![jump_change(&s, now, jump)], None)
}

fn jump_change(s: &Session, now: Stamp, jump_ms: i64) -> Change {
    let event = TimedEvent::new("clock_jump", now, &jump_ms.to_string());
    let field = event_field(sf::CLOCK_JUMP_PREFIX, s.clock_jumps.len() + 1);
    Change::set(EntityKind::Session, s.id, &field, Value::Event(Box::new(event)))
}

/// "+5分0秒" / "-1时0分3秒": a jump's size and direction.
pub fn jump_text(strings: &Strings, jump_ms: i64) -> String {
    let sign = if jump_ms < 0 { "-" } else { "+" };
    let secs = jump_ms.abs() / 1000;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let body = if h > 0 {
        strings.tf("clock.hms", &[("h", &h.to_string()), ("m", &m.to_string()), ("s", &s.to_string())])
    } else {
        strings.tf("clock.ms", &[("m", &m.to_string()), ("s", &s.to_string())])
    };
    format!("{sign}{body}")
}
