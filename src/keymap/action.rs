//! The layers a keymap has and the actions a key can trigger in each.

use std::fmt;

/// An enum whose variants each have a file name, with `ALL` in declaration order and
/// `name()`: one list to keep, so a new variant cannot miss its name or its place in `ALL`.
macro_rules! named_enum {
    ($(#[$meta:meta])* $vis:vis enum $ty:ident { $($(#[$vmeta:meta])* $variant:ident = $name:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $ty { $($(#[$vmeta])* $variant,)* }

        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: [$ty; [$(stringify!($variant)),*].len()] = [$($ty::$variant,)*];

            /// The name used in keymap files.
            pub fn name(self) -> &'static str {
                match self { $($ty::$variant => $name,)* }
            }
        }
    };
}

named_enum! {
    /// A group of bindings that is active together: `[global]` always, plus the layer of the
    /// screen or overlay that has focus.
    pub enum Layer {
        Global = "global",
        Sessions = "sessions",
        /// A session's page. Its file name stays `findings`: users' keymap files say `[findings]`.
        SessionPage = "findings",
        Checklist = "checklist",
        Board = "board",
        Walk = "walk",
        Stats = "stats",
        Finding = "finding",
        Ledger = "ledger",
        Reminders = "reminders",
        /// 体验官名册: the roster of experience officers.
        Officers = "officers",
        /// 同步: bundles to and from a USB stick.
        Sync = "sync",
        Form = "form",
        Editor = "editor",
        Capture = "capture",
        Dialog = "dialog",
        Help = "help",
    }
}

impl Layer {
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
            Layer::Sessions => &[
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
                Undo,
                WaitStats,
                Ratings,
                OpenOfficers,
                OpenLedger,
                SetInspector,
                OpenSync,
            ],
            Layer::SessionPage => &[
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                Open,
                New,
                Edit,
                MoveStatus,
                Delete,
                Undo,
                Back,
                EditSession,
                Finish,
                SwitchPane,
                AddChecklist,
                OpenBoard,
                OpenWalk,
                Documents,
                Attach,
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
                Resolve,
                Back,
            ],
            Layer::Board => &[
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                AddTicket,
                Advance,
                Recall,
                LeftUnserved,
                Transfer,
                Undo,
                Edit,
                Delete,
                MakeFinding,
                Back,
            ],
            Layer::Walk => &[MarkStage, PauseResume, StopWalk, Undo, Back],
            Layer::Stats => &[Up, Down, PageUp, PageDown, Top, Bottom, GroupBy, Back],
            Layer::Finding => {
                &[Up, Down, PageUp, PageDown, Top, Bottom, MoveStatus, Edit, GotoSession, Resolve, Attach, Back]
            }
            Layer::Ledger => &[
                Up,
                Down,
                PageUp,
                PageDown,
                Top,
                Bottom,
                Open,
                MoveStatus,
                GotoSession,
                GroupBy,
                Filter,
                OverdueOnly,
                ClearFilter,
                Reminders,
                Documents,
                Back,
            ],
            Layer::Reminders => &[Up, Down, PageUp, PageDown, Top, Bottom, Back],
            Layer::Officers => &[Up, Down, PageUp, PageDown, Top, Bottom, New, Edit, Delete, SetPin, Back],
            Layer::Sync => &[Up, Down, PageUp, PageDown, ExportBundle, ImportBundles, TypePath, Refresh, Back],
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
            Layer::Capture => &[Submit, Cancel, Complete],
            Layer::Dialog => &[Yes, No],
            Layer::Help => &[Close, Up, Down, PageUp, PageDown, Top, Bottom],
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

named_enum! {
    /// Something a key can make the app do. Which layers accept it: [`Layer::actions`].
    pub enum Action {
        // global
        Quit = "quit",
        Help = "help",
        Capture = "capture",
        // lists
        Up = "up",
        Down = "down",
        PageUp = "page_up",
        PageDown = "page_down",
        Top = "top",
        Bottom = "bottom",
        Open = "open",
        New = "new",
        Edit = "edit",
        Finish = "finish",
        Delete = "delete",
        Back = "back",
        EditSession = "edit_session",
        // form
        NextField = "next_field",
        PrevField = "prev_field",
        Save = "save",
        Cancel = "cancel",
        Pick = "pick",
        // text editor
        Left = "left",
        Right = "right",
        Home = "home",
        End = "end",
        WordLeft = "word_left",
        WordRight = "word_right",
        Backspace = "backspace",
        DeleteChar = "delete_char",
        DeleteWord = "delete_word",
        DeleteToStart = "delete_to_start",
        DeleteToEnd = "delete_to_end",
        Newline = "newline",
        // capture, dialog, help
        Submit = "submit",
        Yes = "yes",
        No = "no",
        Close = "close",
        // a session's page
        SwitchPane = "switch_pane",
        AddChecklist = "add_checklist",
        // checklist
        Pass = "pass",
        Fail = "fail",
        NotApplicable = "not_applicable",
        Score1 = "score_1",
        Score2 = "score_2",
        Score3 = "score_3",
        Score4 = "score_4",
        Score5 = "score_5",
        EnterAnswer = "enter_answer",
        ClearAnswer = "clear_answer",
        Note = "note",
        NextUnanswered = "next_unanswered",
        MakeFinding = "make_finding",
        // timers: the queue board, the walk's stopwatch, wait statistics
        OpenBoard = "queue_board",
        OpenWalk = "walk",
        WaitStats = "wait_stats",
        AddTicket = "add_ticket",
        Advance = "advance",
        Recall = "recall",
        LeftUnserved = "left_unserved",
        Transfer = "transfer",
        Undo = "undo",
        MarkStage = "mark_stage",
        PauseResume = "pause_resume",
        StopWalk = "stop_walk",
        GroupBy = "group_by",
        // rectification and the ledger
        MoveStatus = "move_status",
        OpenLedger = "ledger",
        SetInspector = "inspector",
        GotoSession = "goto_session",
        Filter = "filter",
        ClearFilter = "clear_filter",
        OverdueOnly = "overdue_only",
        Reminders = "reminders",
        // sync bundles
        OpenSync = "sync",
        ExportBundle = "export",
        ImportBundles = "import",
        TypePath = "type_path",
        Refresh = "refresh",
        Resolve = "resolve",
        // office documents
        Documents = "documents",
        // attachments (附件)
        Attach = "attach",
        // the kiosk's ratings (好差评)
        Ratings = "ratings",
        // the roster of 体验官
        OpenOfficers = "officers",
        SetPin = "set_pin",
        Complete = "complete",
    }
}

impl Action {
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
