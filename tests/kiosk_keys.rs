//! 20,000 random events through the kiosk's `update()` from its start screen: every key of the
//! default keymap, Ctrl and Alt combinations, function keys, Chinese text, pastes, resizes and
//! the clock running on; the store's answers come from a real store holding an inspector's
//! walk. The kiosk never panics, never ends without its admin PIN, and no frame ever shows
//! anything of the walk (its findings, its inspectors) that the entries typed did not put
//! there.

use std::sync::Arc;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tiyan::app::Msg;
use tiyan::app::kiosk::{Kiosk, KioskContext, Screen, update};
use tiyan::clock::ManualClock;
use tiyan::i18n::Lang;
use tiyan::keymap::{Keymap, Layer};
use tiyan::store::{Store, thread};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Every key the default keymap binds, in every layer.
fn keymap_keys() -> Vec<KeyEvent> {
    let keymap = Keymap::builtin();
    let mut out = Vec::new();
    for layer in Layer::ALL {
        for (_, chords) in keymap.bindings(layer) {
            out.extend(chords.iter().map(|c| KeyEvent::new(c.code(), c.modifiers())));
        }
    }
    out
}

fn random_msg(rng: &mut Rng, bound: &[KeyEvent]) -> Msg {
    let plain = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    match rng.below(100) {
        0..=29 => Msg::Key(bound[rng.below(bound.len())]),
        30..=44 => Msg::Key(plain(char::from(b'0' + rng.below(10) as u8))),
        45..=59 => {
            let letters: Vec<char> = "abcdefghijklmnopqrstuvwxyz不动产窗口排队慢".chars().collect();
            Msg::Key(plain(letters[rng.below(letters.len())]))
        }
        60..=69 => Msg::Key(KeyEvent::new(
            [
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::Backspace,
            ][rng.below(7)],
            KeyModifiers::NONE,
        )),
        70..=79 => {
            let modifiers =
                [KeyModifiers::CONTROL, KeyModifiers::ALT, KeyModifiers::CONTROL | KeyModifiers::SHIFT][rng.below(3)];
            Msg::Key(KeyEvent::new(KeyCode::Char(char::from(b'a' + rng.below(26) as u8)), modifiers))
        }
        80 => Msg::Key(KeyEvent::new(KeyCode::F(1 + rng.below(12) as u8), KeyModifiers::NONE)),
        81..=84 => Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
        85..=87 => Msg::Paste(["取号机坏了\n", "\u{1b}[31m红\u{7}", "窗口人员不在岗，等了很久"][rng.below(3)].into()),
        88..=89 => Msg::Resize(20 + rng.below(100) as u16, 6 + rng.below(40) as u16),
        _ => Msg::Tick,
    }
}

#[test]
fn twenty_thousand_random_events_never_leave_the_kiosk_nor_show_the_walk() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("hall").join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 1, 6, 9, 1_795_689_000_000).unwrap();
    store.set_kiosk_pin("97531").unwrap();
    // An officer on the roster, whose phone the kiosk never shows.
    let officer = tiyan::domain::op::new_entity_id();
    let set = |f: &str, v: tiyan::domain::Value| {
        tiyan::domain::Change::set(tiyan::domain::EntityKind::Officer, officer, f, v)
    };
    use tiyan::domain::officer::field as of;
    let pin = tiyan::store::kiosk::officer_pin_value("2468").unwrap();
    store
        .apply(&[
            set(of::NUMBER, tiyan::domain::Value::text("TY001")),
            set(of::NAME, tiyan::domain::Value::text("李娜")),
            set(of::PHONE, tiyan::domain::Value::text("13812345678")),
            set(of::STATUS, tiyan::domain::Value::text("active")),
            set(of::PIN, tiyan::domain::Value::TextList(pin)),
        ])
        .unwrap();
    let walk = store.sessions().unwrap().remove(0).session;
    let secrets: Vec<String> = store
        .findings_of(walk.id)
        .unwrap()
        .into_iter()
        .map(|f| f.description)
        .chain(walk.inspectors.clone())
        .chain(["13812345678".to_string(), "5678".to_string()])
        .filter(|s| s.chars().count() >= 3)
        .collect();
    assert!(!secrets.is_empty());
    let clock = Arc::new(ManualClock::new(1, 1_795_689_000_000));
    let ctx = KioskContext {
        lang: Lang::Zh,
        clock: clock.clone(),
        ids: Arc::new(tiyan::domain::ids::SeededIds::new(3)),
        hall: "巫溪县政务服务中心".into(),
        caps: tiyan::term::caps::Caps::default(),
        idle_warn_secs: 90,
        idle_reset_secs: 120,
    };
    let mut kiosk = Kiosk::new(ctx, (80, 24));
    let bound = keymap_keys();
    assert!(bound.len() > 100, "{}", bound.len());
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
    let mut typed = String::new();
    let mut visited = [0usize; 10];
    let mut pins = 0usize;
    let mut codes: Vec<String> = Vec::new();
    let mut script: std::collections::VecDeque<Msg> = Default::default();
    for step in 0..20_000 {
        // Now and then a whole entry, or a lookup of a code shown earlier, is typed among the
        // random keys: so entries are made and looked up, not only begun.
        if script.is_empty() && rng.below(200) == 0 {
            script.extend(match codes.last() {
                Some(code) if rng.below(2) == 0 => lookup(code),
                _ => whole_entry(&mut rng),
            });
        }
        let msg = script.pop_front().unwrap_or_else(|| random_msg(&mut rng, &bound));
        match &msg {
            Msg::Key(k) => {
                if let KeyCode::Char(c) = k.code {
                    typed.push(c);
                }
            }
            Msg::Paste(p) => typed.push_str(p),
            Msg::Resize(w, h) => terminal.backend_mut().resize(*w, *h),
            Msg::Tick => clock.advance(1_000 + rng.below(30_000) as i64),
            _ => {}
        }
        let mut queue = std::collections::VecDeque::from([msg]);
        while let Some(msg) = queue.pop_front() {
            for effect in update(&mut kiosk, msg) {
                match effect {
                    tiyan::app::Effect::Store(req) => {
                        pins += usize::from(matches!(
                            req,
                            tiyan::store::StoreRequest::KioskCheckPin { .. }
                                | tiyan::store::StoreRequest::KioskOfficerPin { .. }
                        ));
                        queue.extend(thread::answer(&mut store, req).map(Msg::Store));
                    }
                    tiyan::app::Effect::Quit => panic!("step {step}: the kiosk ended without its PIN"),
                    _ => {}
                }
            }
        }
        assert!(kiosk.ended.is_none(), "step {step}");
        let seen = match &kiosk.screen {
            Screen::Start { .. } => 0,
            Screen::Entry { .. } => 1,
            Screen::Saving { .. } => 2,
            Screen::Receipt { .. } => 3,
            Screen::Lookup { .. } => 4,
            Screen::Found { .. } => 5,
            Screen::Admin { .. } => 6,
            Screen::Who { .. } => 7,
            Screen::OfficerPick { .. } => 8,
            Screen::OfficerPin { .. } => 9,
        };
        visited[seen] += 1;
        if let Screen::Receipt { code, .. } = &kiosk.screen
            && codes.last() != Some(code)
        {
            codes.push(code.clone());
        }
        terminal.draw(|f| tiyan::ui::kiosk::draw(f, &kiosk)).unwrap();
        // Row by row: a problem wrapped over two rows is caught by its first part.
        let frame = crate::app_fixtures::text(&terminal);
        for secret in &secrets {
            let shown = frame.contains(secret.as_str());
            assert!(!shown || typed.contains(secret.as_str()), "step {step}: the walk's {secret:?} on screen");
        }
    }
    eprintln!(
        "screens visited (start, entry, saving, receipt, lookup, found, admin, who, officer, PIN): {visited:?}, PINs tried: {pins}"
    );
    assert!(visited[8] > 0 && visited[9] > 0, "officers were picked: {visited:?}");
    assert!(codes.len() >= 5, "entries were made: {codes:?}");
    assert!(visited[5] > 0, "entries were looked up: {visited:?}");
}

fn keys(text: &str) -> Vec<Msg> {
    text.chars().map(|c| Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))).collect()
}

fn enter() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE))
}

fn esc() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE))
}

/// From wherever the kiosk is: back to the start (Esc enough times), then a whole entry.
fn whole_entry(rng: &mut Rng) -> Vec<Msg> {
    let mut out: Vec<Msg> = (0..10).map(|_| esc()).collect();
    // A receipt on screen goes with any key; Home is the first line of the start screen.
    out.push(Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)));
    out.push(Msg::Key(KeyEvent::new(KeyCode::Home, KeyModifiers::NONE)));
    out.extend([enter(), enter()]);
    out.extend(keys("bdc"));
    out.push(enter());
    out.extend(keys("窗口"));
    out.extend([enter(), enter()]);
    out.extend(keys(&rng.below(90).to_string()));
    out.push(enter());
    out.extend(keys(&format!("{}{}{}{}", 1 + rng.below(5), 1 + rng.below(5), 1 + rng.below(5), 1 + rng.below(5))));
    out.push(enter());
    out.extend(keys("排队慢"));
    out.extend([enter(), enter(), enter(), enter()]);
    out
}

/// From the start screen (reached as above): the lookup of `code`.
fn lookup(code: &str) -> Vec<Msg> {
    let mut out: Vec<Msg> = (0..10).map(|_| esc()).collect();
    out.push(Msg::Key(KeyEvent::new(KeyCode::Char('x'), KeyModifiers::NONE)));
    out.push(Msg::Key(KeyEvent::new(KeyCode::End, KeyModifiers::NONE)));
    out.push(enter());
    out.extend(keys(&code.to_lowercase()));
    out.push(enter());
    out
}

/// A ticket number on the wait's step: the queue board's stamps give the minutes, and the
/// entry keeps the ticket.
#[test]
fn a_ticket_number_fills_the_wait_from_the_boards_stamps() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("hall").join("tiyan.redb")).unwrap();
    let t0 = 1_795_689_000_000;
    tiyan::demo::fill_at(&mut store, 1, 2, 9, t0).unwrap();
    let clock = Arc::new(ManualClock::new(1, t0 + 3_600_000));
    let now = tiyan::clock::Clock::now(clock.as_ref());
    let ticket = store
        .all_tickets()
        .unwrap()
        .into_iter()
        .find(|t| t.final_wait_secs().is_some() && !t.number.trim().is_empty())
        .expect("a called ticket in the demo");
    let wait = ticket.wait_secs(&now).unwrap();
    let ctx = KioskContext {
        lang: Lang::Zh,
        clock: clock.clone(),
        ids: Arc::new(tiyan::domain::ids::SeededIds::new(3)),
        hall: String::new(),
        caps: tiyan::term::caps::Caps::default(),
        idle_warn_secs: 90,
        idle_reset_secs: 120,
    };
    let mut kiosk = Kiosk::new(ctx, (80, 24));
    let mut script = vec![enter(), enter()];
    script.extend(keys("bdc"));
    script.extend([enter(), enter(), enter()]);
    script.extend(keys(&ticket.number.to_lowercase()));
    script.push(enter());
    script.extend(keys("1234"));
    script.extend([enter(), enter(), enter(), enter()]);
    let mut queue: std::collections::VecDeque<Msg> = script.into();
    while let Some(msg) = queue.pop_front() {
        for effect in update(&mut kiosk, msg) {
            if let tiyan::app::Effect::Store(req) = effect {
                if let Some(answer) = thread::answer(&mut store, req) {
                    queue.push_front(Msg::Store(answer));
                }
            }
        }
    }
    assert!(matches!(kiosk.screen, Screen::Receipt { .. }), "the entry was made: {:?}", kiosk.notice);
    let entry = store
        .sessions()
        .unwrap()
        .into_iter()
        .map(|s| s.session)
        .find(|s| s.kiosk.is_some())
        .expect("the kiosk's entry");
    let facts = entry.kiosk.unwrap();
    assert_eq!(facts.wait_minutes, Some((wait + 30) / 60), "the board's wait, in minutes");
    let record = store.record(tiyan::domain::EntityKind::Session, entry.id).unwrap().unwrap();
    assert_eq!(record.get(tiyan::domain::kiosk::field::TICKET).as_ref_id(), Some(ticket.id));
}
