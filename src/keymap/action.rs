//! The layers a keymap has and the actions a key can trigger in each.

use std::fmt;

/// A group of bindings that is active together: `[global]` always, plus the layer of the screen
/// or overlay that has focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Layer {
    Global,
    Sessions,
    Findings,
    Checklist,
    Form,
    Editor,
    Capture,
    Dialog,
    Help,
}

impl Layer {
    /// Every layer, in the order files list them.
    pub const ALL: [Layer; 9] = [
        Layer::Global,
        Layer::Sessions,
        Layer::Findings,
        Layer::Checklist,
        Layer::Form,
        Layer::Editor,
        Layer::Capture,
        Layer::Dialog,
        Layer::Help,
    ];

    /// The table name used in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Global => "global",
            Layer::Sessions => "sessions",
            Layer::Findings => "findings",
            Layer::Checklist => "checklist",
            Layer::Form => "form",
            Layer::Editor => "editor",
            Layer::Capture => "capture",
            Layer::Dialog => "dialog",
            Layer::Help => "help",
        }
    }

    pub fn from_name(name: &str) -> Option<Layer> {
        Layer::ALL.into_iter().find(|layer| layer.name() == name)
    }

    /// Position in [`Layer::ALL`], for per-layer arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Layers with a focused text input: printable keys are typed as text there before any
    /// binding is looked up.
    pub fn is_text_entry(self) -> bool {
        matches!(self, Layer::Form | Layer::Editor | Layer::Capture)
    }

    /// The actions that may be bound in this layer, in display order.
    pub fn actions(self) -> &'static [Action] {
        use Action::*;
        match self {
            Layer::Global => &[Quit, Help, Capture],
            Layer::Sessions => &[Up, Down, PageUp, PageDown, Top, Bottom, Open, New, Edit, Finish, Delete],
            Layer::Findings => &[
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                New,
                Edit,
                Delete,
                Back,
                EditSession,
                Finish,
                SwitchPane,
                AddChecklist,
            ],
            Layer::Checklist => &[
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                Pass,
                Fail,
                NotApplicable,
                Score1,
                Score2,
                Score3,
                Score4,
                Score5,
                EnterAnswer,
                ClearAnswer,
                Note,
                NextUnanswered,
                MakeFinding,
                Back,
            ],
            Layer::Form => &[NextField, PrevField, Save, Cancel, Pick],
            Layer::Editor => &[
                Left,
                Right,
                Up,
                Down,
                Home,
                End,
                WordLeft,
                WordRight,
                Backspace,
                DeleteChar,
                DeleteWord,
                DeleteToStart,
                DeleteToEnd,
                Newline,
            ],
            Layer::Capture => &[Submit, Cancel],
            Layer::Dialog => &[Yes, No],
            Layer::Help => &[Close, Up, Down, PageUp, PageDown],
        }
    }

    pub fn allows(self, action: Action) -> bool {
        self.actions().contains(&action)
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Something a key can make the app do. Which layers accept it: [`Layer::actions`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    // global
    Quit,
    Help,
    Capture,
    // lists
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    New,
    Edit,
    Finish,
    Delete,
    Back,
    EditSession,
    // form
    NextField,
    PrevField,
    Save,
    Cancel,
    Pick,
    // text editor
    Left,
    Right,
    Home,
    End,
    WordLeft,
    WordRight,
    Backspace,
    DeleteChar,
    DeleteWord,
    DeleteToStart,
    DeleteToEnd,
    Newline,
    // capture, dialog, help
    Submit,
    Yes,
    No,
    Close,
    // session page
    SwitchPane,
    AddChecklist,
    // checklist
    Pass,
    Fail,
    NotApplicable,
    Score1,
    Score2,
    Score3,
    Score4,
    Score5,
    EnterAnswer,
    ClearAnswer,
    Note,
    NextUnanswered,
    MakeFinding,
}

impl Action {
    pub const ALL: [Action; 52] = [
        Action::Quit,
        Action::Help,
        Action::Capture,
        Action::Up,
        Action::Down,
        Action::PageUp,
        Action::PageDown,
        Action::Top,
        Action::Bottom,
        Action::Open,
        Action::New,
        Action::Edit,
        Action::Finish,
        Action::Delete,
        Action::Back,
        Action::EditSession,
        Action::NextField,
        Action::PrevField,
        Action::Save,
        Action::Cancel,
        Action::Pick,
        Action::Left,
        Action::Right,
        Action::Home,
        Action::End,
        Action::WordLeft,
        Action::WordRight,
        Action::Backspace,
        Action::DeleteChar,
        Action::DeleteWord,
        Action::DeleteToStart,
        Action::DeleteToEnd,
        Action::Newline,
        Action::Submit,
        Action::Yes,
        Action::No,
        Action::Close,
        Action::SwitchPane,
        Action::AddChecklist,
        Action::Pass,
        Action::Fail,
        Action::NotApplicable,
        Action::Score1,
        Action::Score2,
        Action::Score3,
        Action::Score4,
        Action::Score5,
        Action::EnterAnswer,
        Action::ClearAnswer,
        Action::Note,
        Action::NextUnanswered,
        Action::MakeFinding,
    ];

    /// The snake_case name used in keymap files.
    pub fn name(self) -> &'static str {
        match self {
            Action::Quit => "quit",
            Action::Help => "help",
            Action::Capture => "capture",
            Action::Up => "up",
            Action::Down => "down",
            Action::PageUp => "page_up",
            Action::PageDown => "page_down",
            Action::Top => "top",
            Action::Bottom => "bottom",
            Action::Open => "open",
            Action::New => "new",
            Action::Edit => "edit",
            Action::Finish => "finish",
            Action::Delete => "delete",
            Action::Back => "back",
            Action::EditSession => "edit_session",
            Action::NextField => "next_field",
            Action::PrevField => "prev_field",
            Action::Save => "save",
            Action::Cancel => "cancel",
            Action::Pick => "pick",
            Action::Left => "left",
            Action::Right => "right",
            Action::Home => "home",
            Action::End => "end",
            Action::WordLeft => "word_left",
            Action::WordRight => "word_right",
            Action::Backspace => "backspace",
            Action::DeleteChar => "delete_char",
            Action::DeleteWord => "delete_word",
            Action::DeleteToStart => "delete_to_start",
            Action::DeleteToEnd => "delete_to_end",
            Action::Newline => "newline",
            Action::Submit => "submit",
            Action::Yes => "yes",
            Action::No => "no",
            Action::Close => "close",
            Action::SwitchPane => "switch_pane",
            Action::AddChecklist => "add_checklist",
            Action::Pass => "pass",
            Action::Fail => "fail",
            Action::NotApplicable => "not_applicable",
            Action::Score1 => "score_1",
            Action::Score2 => "score_2",
            Action::Score3 => "score_3",
            Action::Score4 => "score_4",
            Action::Score5 => "score_5",
            Action::EnterAnswer => "enter_answer",
            Action::ClearAnswer => "clear_answer",
            Action::Note => "note",
            Action::NextUnanswered => "next_unanswered",
            Action::MakeFinding => "make_finding",
        }
    }

    pub fn from_name(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|action| action.name() == name)
    }

    /// Actions that leave the current screen or overlay. Taking a global key for one of these
    /// is a deliberate, familiar pattern (`q` closes help instead of quitting), so it is not
    /// reported as shadowing.
    pub fn dismisses(self) -> bool {
        matches!(self, Action::Close | Action::Cancel | Action::No | Action::Back)
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        for action in Action::ALL {
            assert_eq!(Action::from_name(action.name()), Some(action));
        }
        for layer in Layer::ALL {
            assert_eq!(Layer::from_name(layer.name()), Some(layer));
            assert_eq!(Layer::ALL[layer.index()], layer);
        }
        assert_eq!(Action::from_name("Quit"), None);
    }

    #[test]
    fn every_action_belongs_to_some_layer() {
        for action in Action::ALL {
            assert!(Layer::ALL.iter().any(|layer| layer.allows(action)), "{action} is in no layer");
        }
    }
}
