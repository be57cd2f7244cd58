//! Pick list figures: one keystroke in the picker, through `update` as the TUI sends it (the
//! query edited, every option re-matched and ranked), over (1) the 37 units and (2) 2,000
//! service-item-like names; (3) opening the 2,000-name picker (a match key built per option);
//! (4) one frame of the form with the picker open at 80x24, drawn by `tiyan::ui::draw` into a
//! ratatui TestBackend.

mod support;

use std::time::Instant;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tiyan::app::form::FormState;
use tiyan::app::picker::Picker;
use tiyan::app::{Msg, Overlay, State, update};
use tiyan::pinyin_match::PickKey;
use tiyan::vocab::vocab;

const ROUNDS: usize = 100;
const FRAMES: usize = 2000;
const OPENS: usize = 200;
/// What people type: initials, full pinyin, Chinese, a mix, English; each typed key by key
/// and then erased key by key, so every sample is one keystroke.
const QUERIES: [&str; 6] = ["scjg", "yibao", "bdcdj", "shebaoka", "企业", "tax"];

fn key(code: KeyCode, modifiers: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, modifiers))
}

/// ~2,000 plausible service items: each shipped item under each unit's name
/// (医保局企业开办 …), with the English names as aliases.
fn names() -> Vec<(String, String)> {
    let v = vocab();
    let all = v.units.iter().flat_map(|unit| {
        v.items.iter().map(move |item| {
            (format!("{}{}", unit.zh.trim_start_matches('县'), item.zh), format!("{} {}", unit.en, item.en))
        })
    });
    all.take(2000).collect()
}

/// The picker's options: label and match key.
fn options(names: &[(String, String)]) -> Vec<(String, PickKey)> {
    names.iter().map(|(zh, en)| (zh.clone(), PickKey::new(zh, &[en]))).collect()
}

/// A new finding's form at 80x24, the focus on its unit field, the picker open over `options`
/// (the real units when None).
fn state(options: Option<Vec<(String, PickKey)>>) -> State {
    let mut state = State::new(support::context(), (80, 24));
    state.sessions.loaded = true;
    let mut form = FormState::new_finding(1, state.ctx.lang);
    form.focus = 4;
    state.overlays.push(Overlay::Form(Box::new(form)));
    update(&mut state, key(KeyCode::Char('p'), KeyModifiers::CONTROL));
    if let (Some(options), Some(Overlay::Form(form))) = (options, state.overlays.last_mut()) {
        form.picker = Some(Picker::new(options, ""));
    }
    state
}

fn picker(state: &State) -> &Picker {
    match state.overlays.last() {
        Some(Overlay::Form(form)) => form.picker.as_ref().expect("picker open"),
        _ => panic!("no form"),
    }
}

fn keystrokes(name: &str, mut state: State) {
    let total = picker(&state).total();
    let mut samples = Vec::new();
    let mut matched = 0;
    for _ in 0..ROUNDS {
        for query in QUERIES {
            let typed = query.chars().map(|c| key(KeyCode::Char(c), KeyModifiers::NONE));
            let erased = query.chars().map(|_| key(KeyCode::Backspace, KeyModifiers::NONE));
            for msg in typed.chain(erased) {
                let t0 = Instant::now();
                update(&mut state, msg);
                samples.push(t0.elapsed());
                matched += picker(&state).matches();
            }
        }
    }
    let mean = matched / samples.len();
    support::report(&format!("picker keystroke, {total} {name} (mean {mean} shown)"), &mut samples);
}

fn frames(state: &mut State, query: &str) {
    for c in query.chars() {
        update(state, key(KeyCode::Char(c), KeyModifiers::NONE));
    }
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| tiyan::ui::draw(f, state)).expect("draw");
    let first = picker(state).selected().unwrap_or_default().to_string();
    // A wide glyph's second cell reads as a space.
    let screen: String = terminal.backend().buffer().content().iter().map(|c| c.symbol()).collect();
    assert!(!first.is_empty() && screen.replace(' ', "").contains(&first), "picker not drawn:\n{screen}");
    let mut samples = Vec::with_capacity(FRAMES);
    for _ in 0..FRAMES {
        let t0 = Instant::now();
        terminal.draw(|f| tiyan::ui::draw(f, state)).expect("draw");
        samples.push(t0.elapsed());
    }
    let p = picker(state);
    support::report(&format!("picker frame 80x24, query {query:?}, {}/{} shown", p.matches(), p.total()), &mut samples);
}

fn main() {
    keystrokes("units", state(None));
    let names = names();
    keystrokes("item names", state(Some(options(&names))));

    let mut samples = Vec::with_capacity(OPENS);
    for _ in 0..OPENS {
        let t0 = Instant::now();
        let picker = Picker::new(options(std::hint::black_box(&names)), "");
        samples.push(t0.elapsed());
        std::hint::black_box(picker);
    }
    support::report(&format!("picker open over {} item names (a match key each)", names.len()), &mut samples);

    frames(&mut state(None), "yb");
    frames(&mut state(Some(options(&names))), "y");
}
