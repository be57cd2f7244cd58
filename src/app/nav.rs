//! Moving a cursor in a list: one piece of code for every list screen.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use crate::keymap::Action;

/// What a key did in a short numbered pick list (stage names, status moves). Such a list is
/// transient and keeps fixed keys: arrows or j/k, Home/g, End/G, 1–9 then 0, Enter, Esc or q.
pub enum Pick {
    Moved,
    Chosen(usize),
    Cancel,
    /// Not a pick-list key (the caller may try it as a global one).
    Other,
}

pub fn pick_key(cursor: &mut usize, len: usize, key: &KeyEvent) -> Pick {
    let last = len.saturating_sub(1);
    match key.code {
        KeyCode::Up | KeyCode::Char('k') => *cursor = cursor.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => *cursor = (*cursor + 1).min(last),
        KeyCode::Home | KeyCode::Char('g') => *cursor = 0,
        KeyCode::End | KeyCode::Char('G') => *cursor = last,
        KeyCode::Esc | KeyCode::Char('q') => return Pick::Cancel,
        KeyCode::Enter if len > 0 => return Pick::Chosen(*cursor),
        // 1–9 then 0 pick the first ten rows, as they are numbered on screen.
        KeyCode::Char(c @ '0'..='9') => {
            let row = (c as usize + 9 - '0' as usize) % 10;
            return if row < len { Pick::Chosen(row) } else { Pick::Moved };
        }
        _ => return Pick::Other,
    }
    Pick::Moved
}

/// Scrolling a page of text (a finding's page, the reminder letter) by the list keys; Bottom
/// scrolls as far as it goes and the drawing clamps it to the last page. False for other keys.
pub fn scroll(scroll: &mut u16, page: usize, action: Action) -> bool {
    let page = page.max(1) as u16;
    *scroll = match action {
        Action::Up => scroll.saturating_sub(1),
        Action::Down => scroll.saturating_add(1),
        Action::PageUp => scroll.saturating_sub(page),
        Action::PageDown => scroll.saturating_add(page),
        Action::Top => 0,
        Action::Bottom => u16::MAX,
        _ => return false,
    };
    true
}

/// The new cursor after `action` in a list of `len` rows with `page` rows visible;
/// None when the action is not a movement.
pub fn move_cursor(cursor: usize, len: usize, page: usize, action: Action) -> Option<usize> {
    if len == 0 {
        return matches!(
            action,
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom
        )
        .then_some(0);
    }
    let last = len - 1;
    let page = page.max(1);
    Some(match action {
        Action::Up => cursor.saturating_sub(1),
        Action::Down => (cursor + 1).min(last),
        Action::PageUp => cursor.saturating_sub(page),
        Action::PageDown => (cursor + page).min(last),
        Action::Top => 0,
        Action::Bottom => last,
        _ => return None,
    })
}

/// After a list reloads: the cursor goes to `keep` if that record is still listed (clearing
/// `pending` once the record it names is found), and stays inside the list.
pub fn reselect(
    ids: impl Iterator<Item = crate::domain::EntityId>,
    keep: Option<crate::domain::EntityId>,
    cursor: &mut usize,
    pending: &mut Option<crate::domain::EntityId>,
) {
    let ids: Vec<_> = ids.collect();
    if let Some(id) = keep {
        if let Some(i) = ids.iter().position(|x| *x == id) {
            *cursor = i;
            if *pending == Some(id) {
                *pending = None;
            }
        }
    }
    *cursor = (*cursor).min(ids.len().saturating_sub(1));
}

/// A session's list (findings, checklists) as reloaded from the store: the cursor stays on
/// the record it was on, or goes to `pending` (a record just saved) once that appears; a list
/// of another session starts at the top.
pub struct SessionList<'a, T> {
    pub items: &'a mut Vec<T>,
    pub session: &'a mut Option<crate::domain::EntityId>,
    pub cursor: &'a mut usize,
}

impl<T> SessionList<'_, T> {
    pub fn replace(
        self,
        session: crate::domain::EntityId,
        new: Vec<T>,
        pending: &mut Option<crate::domain::EntityId>,
        id: impl Fn(&T) -> crate::domain::EntityId,
    ) {
        let same = *self.session == Some(session);
        let keep = pending.filter(|p| new.iter().any(|x| id(x) == *p));
        let keep = keep.or_else(|| if same { self.items.get(*self.cursor).map(&id) } else { None });
        *self.items = new;
        *self.session = Some(session);
        if !same {
            *self.cursor = 0;
        }
        reselect(self.items.iter().map(&id), keep, self.cursor, pending);
    }
}

/// Where a list's view starts, kept from one frame to the next so that moving the cursor
/// within the view does not scroll it (a scroll rewrites every row of the list; a move, two).
/// Only drawing knows how many rows fit, so drawing keeps it: the one value of `State` the UI
/// writes, through this cell; the core never reads it.
#[derive(Default, Debug, Clone, PartialEq, Eq)]
pub struct ViewTop(std::cell::Cell<usize>);

impl ViewTop {
    /// The first row shown for `len` rows with `visible` in view: where it was, moved only as
    /// far as `selected` needs to be seen, and never leaving rows empty that rows could fill.
    pub fn settle(&self, len: usize, visible: usize, selected: Option<usize>) -> usize {
        let last_start = len.saturating_sub(visible);
        let top = match selected {
            Some(s) => self.0.get().clamp((s + 1).saturating_sub(visible), s.min(last_start)),
            None => self.0.get().min(last_start),
        };
        self.0.set(top);
        top
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_view_moves_only_as_far_as_the_selection_needs() {
        let top = ViewTop::default();
        // Down past the bottom of 5 visible rows: the view follows one row at a time.
        assert_eq!(top.settle(100, 5, Some(4)), 0);
        assert_eq!(top.settle(100, 5, Some(5)), 1);
        assert_eq!(top.settle(100, 5, Some(9)), 5);
        // Back up within the view: it stays.
        assert_eq!(top.settle(100, 5, Some(6)), 5);
        assert_eq!(top.settle(100, 5, Some(4)), 4);
        // A shorter list leaves no rows empty; no selection keeps the view.
        assert_eq!(top.settle(7, 5, Some(4)), 2);
        assert_eq!(top.settle(7, 5, None), 2);
        assert_eq!(top.settle(3, 5, None), 0);
    }

    #[test]
    fn cursor_stays_inside_the_list() {
        assert_eq!(move_cursor(0, 5, 2, Action::Up), Some(0));
        assert_eq!(move_cursor(4, 5, 2, Action::Down), Some(4));
        assert_eq!(move_cursor(1, 5, 10, Action::PageDown), Some(4));
        assert_eq!(move_cursor(3, 5, 2, Action::PageUp), Some(1));
        assert_eq!(move_cursor(3, 5, 2, Action::Top), Some(0));
        assert_eq!(move_cursor(0, 5, 2, Action::Bottom), Some(4));
        assert_eq!(move_cursor(0, 0, 2, Action::Down), Some(0));
        assert_eq!(move_cursor(0, 5, 2, Action::Open), None);
    }
}
