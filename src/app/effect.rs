//! What `update` asks the outside world to do. The main loop carries effects out.

use crate::store::StoreRequest;

#[derive(Debug)]
pub enum Effect {
    Store(StoreRequest),
    /// Flush pending writes, restore the terminal, exit.
    Quit,
}
