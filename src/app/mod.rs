//! The Elm-style core: plain `State`, `Msg`s in, `Effect`s out. No terminal, no disk:
//! every behaviour here is testable by feeding messages and reading state and effects.

pub mod effect;
pub mod form;
pub mod msg;
pub mod nav;
pub mod state;
pub mod update;

pub use effect::Effect;
pub use msg::Msg;
pub use state::{Context, Overlay, SaveStatus, Screen, State};
pub use update::update;
