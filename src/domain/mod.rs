//! Pure types and rules: no I/O, no terminal. Everything the store persists and the UI shows
//! is defined here, in the words of DOMAIN.md (session 体验活动, finding 问题 …).

pub mod attachment;
pub mod checklist;
pub mod deadline;
pub mod finding;
pub mod ids;
pub mod kiosk;
pub mod ledger;
pub mod ledger_index;
pub mod numbering;
pub mod officer;
pub mod op;
pub mod ratings;
pub mod record;
pub mod rectify;
pub mod session;
pub mod stamp;
pub mod template;
pub mod ticket;
pub mod validate;
pub mod waits;
pub mod walk;
pub mod workdays;
pub mod zone;

pub use attachment::{Attachment, FileType};
pub use checklist::{Answer, Checklist, ChecklistResult, Tally};
pub use finding::{Finding, FindingLink, FindingStatus};
pub use op::{Change, EntityId, EntityKind, Hlc, Op, OpId, OpPayload, ReplicaId, Value};
pub use record::{FieldState, LiveValue, Record};
pub use rectify::{Assignment, Due, MoveError, MoveRequest, StatusMove};
pub use session::{Session, SessionStatus, SessionSummary};
pub use stamp::{Stamp, TimedEvent};
pub use template::{AnswerKind, Dimension, Item, Template, Title};
pub use ticket::{Step, Ticket, TicketState};
pub use waits::{Level, Thresholds, WaitStats};
