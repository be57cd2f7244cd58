//! The Elm-style core: plain `State`, `Msg`s in, `Effect`s out. No terminal, no disk:
//! every behaviour here is testable by feeding messages and reading state and effects.

pub mod board;
pub mod capture;
pub mod checklist;
pub mod clock_watch;
pub mod common;
pub mod deleted;
pub mod dialog;
pub mod draft;
pub mod effect;
pub mod finding_view;
pub mod finish;
pub mod form;
pub mod form_keys;
pub mod goto;
pub mod help;
pub mod layout;
pub mod ledger;
pub mod msg;
pub mod nav;
pub mod picker;
pub mod rectify;
pub mod resume;
pub mod session_page;
pub mod sessions;
pub mod state;
pub mod stats;
pub mod status_line;
pub mod store_events;
pub mod update;
pub mod walk;

pub use effect::Effect;
pub use msg::Msg;
pub use session_page::Pane;
pub use state::{Context, Overlay, SaveStatus, Screen, State, TemplateChoice};
pub use stats::StatsBy;
pub use update::update;
