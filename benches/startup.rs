//! Figure (b): start to first frame with 10,000 findings in the store (100 sessions × 100),
//! through the real path: open the redb file, start the store thread, draw the first frame
//! (before any query), then the first frame with the session list loaded.

mod support;

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tiyan::app::{Msg, State, update};
use tiyan::store::{Store, StoreRequest};

const RUNS: usize = 30;

fn main() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let path = tmp.path().join("p/tiyan.redb");
    {
        let mut store = Store::open(&path).expect("open");
        let counts = tiyan::demo::fill(&mut store, 100, 100, 7).expect("demo");
        println!("store: {} sessions, {} findings", counts.sessions, counts.findings);
    }
    let mut first = Vec::new();
    let mut populated = Vec::new();
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let store = Store::open(&path).expect("open");
        let (tx, rx) = crossbeam_channel::unbounded();
        let handle = tiyan::store::thread::spawn(store, move |ev| {
            let _ = tx.send(ev);
        });
        let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
        let mut state = State::new(support::context(), (100, 30));
        terminal.draw(|f| tiyan::ui::draw(f, &state)).expect("draw");
        first.push(t0.elapsed());
        handle.send(StoreRequest::LoadSessions);
        while !state.sessions.loaded {
            update(&mut state, Msg::Store(rx.recv().expect("event")));
        }
        terminal.draw(|f| tiyan::ui::draw(f, &state)).expect("draw");
        populated.push(t0.elapsed());
        handle.shutdown();
    }
    support::report("start → first frame (10,000 findings)", &mut first);
    support::report("start → first frame with sessions listed", &mut populated);
}
