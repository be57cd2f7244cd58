//! Figure (a): a finding's save, from Enter on the capture line to the store thread's
//! acknowledgement of the durable commit, over 1,000 saves through the real path
//! (update → effect → store thread → redb Durability::Immediate → Saved message);
//! beside a bare 4 KiB write + fsync on the same disk.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tiyan::app::{Effect, Msg, State, update};

use tiyan::store::{StoreEvent, StoreRequest};

const SAVES: usize = 1000;

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn main() {
    let (tmp, store, _session) = support::store_with_session();
    let (tx, rx) = crossbeam_channel::unbounded();
    let handle = tiyan::store::thread::spawn(store, move |ev| {
        let _ = tx.send(ev);
    });
    let mut state = State::new(support::context(), (100, 30));
    handle.send(StoreRequest::LoadSessions);
    while !state.sessions.loaded {
        update(&mut state, Msg::Store(rx.recv().expect("store event")));
    }

    let mut samples = Vec::with_capacity(SAVES);
    for i in 0..SAVES {
        update(&mut state, key(KeyCode::Char('c')));
        update(&mut state, Msg::Paste(format!("排队等待时间过长，第{i}号等候超过三十分钟")));
        let t0 = Instant::now();
        for effect in update(&mut state, key(KeyCode::Enter)) {
            if let Effect::Store(req) = effect {
                handle.send(req);
            }
        }
        loop {
            match rx.recv().expect("store event") {
                ev @ StoreEvent::Saved { .. } => {
                    samples.push(t0.elapsed());
                    update(&mut state, Msg::Store(ev));
                    break;
                }
                StoreEvent::SaveFailed { error, .. } => panic!("save failed: {error}"),
                other => {
                    update(&mut state, Msg::Store(other));
                }
            }
        }
    }
    handle.shutdown();
    support::report("finding save (Enter → acknowledged durable commit)", &mut samples);

    let mut file = std::fs::File::create(tmp.path().join("bare.bin")).expect("bare file");
    let block = vec![0x5au8; 4096];
    let mut bare: Vec<Duration> = (0..SAVES)
        .map(|_| {
            let t0 = Instant::now();
            file.write_all(&block).expect("write");
            file.sync_all().expect("fsync");
            t0.elapsed()
        })
        .collect();
    support::report("bare 4 KiB write + fsync", &mut bare);
}
