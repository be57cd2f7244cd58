//! What `update` asks the outside world to do. The main loop carries effects out, in one place
//! (`tui::carry_out`), and nothing here waits on a disk.

use std::path::PathBuf;

use crate::store::StoreRequest;

#[derive(Debug)]
pub enum Effect {
    /// A request to the store thread: a save, a load, an import or an export (a bundle's ops
    /// are a store request; writing them to a stick is a `WriteFile`).
    Store(StoreRequest),
    /// Write a file the user asked for (a report, the office's card, a bundle), whole or not at
    /// all, off the UI thread; answered with `Msg::FileWritten { req, .. }`.
    WriteFile { req: u64, path: PathBuf, bytes: Vec<u8> },
    /// Make a document of a session and write it (in `dir`, or where tiyan was started, under
    /// a name not taken); answered with `Msg::FileWritten { req, .. }`.
    Document(Box<super::document_job::DocumentJob>),
    /// Flush pending writes, restore the terminal, exit.
    Quit,
}
