//! Everything that can happen to the app arrives as one `Msg` on one channel.

use ratatui::crossterm::event::KeyEvent;

use crate::store::StoreEvent;
use crate::term::signals::Signal;

#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    /// Bracketed paste: the whole pasted text at once.
    Paste(String),
    Resize(u16, u16),
    Store(StoreEvent),
    Signal(Signal),
    /// The terminal's event source failed or ended (e.g. the SSH connection is gone): fatal.
    InputClosed(String),
    /// A timer on screen reached the next whole second.
    Tick,
    /// A file asked for with `Effect::WriteFile` was written (its path), or why not.
    FileWritten {
        req: u64,
        result: Result<std::path::PathBuf, String>,
    },
}
