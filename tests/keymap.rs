//! Keymap files: parsing, every kind of problem with its position, layer replacement, and
//! matching real key events.

use std::path::PathBuf;

use proptest::prelude::*;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tiyan::keymap::{Action, DEFAULT_TOML, KeyChord, Keymap, Layer, Problem, Severity};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keymaps").join(name)
}

fn chord(text: &str) -> KeyChord {
    KeyChord::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn chords(texts: &[&str]) -> Vec<KeyChord> {
    texts.iter().map(|text| chord(text)).collect()
}

fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
    KeyEvent::new(code, modifiers)
}

/// The one problem a fixture has, checked for position and severity.
fn only_problem(name: &str, line: usize, column: usize, severity: Severity) -> Problem {
    let problems = Keymap::check_file(&fixture(name));
    assert_eq!(problems.len(), 1, "{name}: {problems:#?}");
    let problem = problems.into_iter().next().unwrap();
    assert_eq!((problem.line, problem.column, problem.severity), (line, column, severity), "{problem}");
    assert!(problem.file.ends_with(name), "{problem}");
    problem
}

#[test]
fn default_keymap_has_no_problems() {
    assert_eq!(Keymap::check_str("default.toml", DEFAULT_TOML), vec![]);
    let builtin = Keymap::builtin();
    for layer in Layer::ALL {
        assert!(!builtin.bindings(layer).is_empty(), "[{layer}] is empty");
        for (action, _) in builtin.bindings(layer) {
            assert!(layer.allows(action));
        }
    }
}

#[test]
fn default_bindings_are_as_documented() {
    let keymap = Keymap::builtin();
    assert_eq!(keymap.keys_for(Layer::Global, Action::Quit), chords(&["q", "ctrl-c"]));
    assert_eq!(keymap.keys_for(Layer::Sessions, Action::Bottom), chords(&["end", "G"]));
    assert_eq!(keymap.keys_for(Layer::SessionPage, Action::Back), chords(&["esc", "h", "left"]));
    assert_eq!(keymap.keys_for(Layer::Editor, Action::DeleteWord), chords(&["ctrl-w", "alt-backspace"]));
    assert_eq!(keymap.keys_for(Layer::Form, Action::Pick), chords(&["ctrl-p", "f2"]));
    let order: Vec<Action> = keymap.bindings(Layer::Sessions).into_iter().map(|(action, _)| action).collect();
    assert_eq!(order, Layer::Sessions.actions());
}

#[test]
fn syntax_error_points_at_the_bad_value() {
    let problem = only_problem("syntax_error.toml", 2, 7, Severity::Error);
    assert!(problem.to_string().contains("syntax_error.toml:2:7: error: "), "{problem}");
}

#[test]
fn duplicate_toml_key_points_at_the_second_key() {
    let problem = only_problem("duplicate_toml_key.toml", 3, 1, Severity::Error);
    assert!(problem.message.contains("duplicate key \"q\""), "{problem}");
}

#[test]
fn unknown_layer_points_at_its_name() {
    let problem = only_problem("unknown_layer.toml", 5, 2, Severity::Error);
    assert!(problem.message.contains("unknown layer \"sesions\""), "{problem}");
    assert!(problem.message.contains("sessions"), "lists the real layers: {problem}");
}

#[test]
fn unknown_action_points_at_the_value_counting_characters() {
    // `"，" = "退出"`: the value starts at the 7th character, not the 9th byte.
    let problem = only_problem("unknown_action.toml", 3, 7, Severity::Error);
    assert!(problem.message.contains("unknown action \"退出\""), "{problem}");
    assert!(problem.message.contains("quit, help, capture"), "{problem}");
}

#[test]
fn action_from_another_layer_is_an_error_at_the_value() {
    let problem = only_problem("action_not_in_layer.toml", 3, 9, Severity::Error);
    assert!(problem.message.contains("\"pass\" is not valid in [findings]"), "{problem}");
}

#[test]
fn unparseable_key_points_at_the_key() {
    let problem = only_problem("bad_key.toml", 3, 1, Severity::Error);
    assert!(problem.message.contains("[sessions]"), "{problem}");
    assert!(problem.message.contains("shfit-x"), "{problem}");
}

#[test]
fn same_key_spelled_twice_is_an_error_at_the_second() {
    let problem = only_problem("same_key_twice.toml", 4, 1, Severity::Error);
    assert!(problem.message.contains("\"escape\""), "{problem}");
    assert!(problem.message.contains("\"esc\" on line 2"), "{problem}");
}

#[test]
fn non_string_value_is_an_error_at_the_value() {
    let problem = only_problem("value_not_string.toml", 2, 7, Severity::Error);
    assert!(problem.message.contains("found an array"), "{problem}");
}

#[test]
fn layer_that_is_not_a_table_is_an_error() {
    let problem = only_problem("layer_not_table.toml", 1, 1, Severity::Error);
    assert!(problem.message.contains("[global]"), "{problem}");
}

#[test]
fn screen_key_shadowing_global_is_a_warning_naming_both_layers() {
    let problem = only_problem("shadows_global.toml", 3, 1, Severity::Warning);
    assert!(problem.message.contains("[sessions]"), "{problem}");
    assert!(problem.message.contains("[global]"), "{problem}");
    assert!(problem.to_string().contains(":3:1: warning: "), "{problem}");
    // A warning does not stop the file from applying.
    let (keymap, problems) = Keymap::load(Some(&fixture("shadows_global.toml")));
    assert_eq!(problems.len(), 1);
    let c = press(KeyCode::Char('c'), KeyModifiers::NONE);
    assert_eq!(keymap.lookup(Layer::Sessions, &c), Some(Action::New));
    assert_eq!(keymap.lookup(Layer::Global, &c), Some(Action::Capture));
}

#[test]
fn new_global_key_hidden_by_default_layers_is_warned_at_the_global_key() {
    let problems = Keymap::check_file(&fixture("global_shadowed.toml"));
    // "n" is `new` in default [sessions] and [findings]; in [dialog] it dismisses (no warning).
    let layers: Vec<bool> = ["[sessions]", "[findings]", "[dialog]"]
        .iter()
        .map(|layer| problems.iter().any(|p| p.message.contains(layer)))
        .collect();
    assert_eq!(layers, [true, true, false], "{problems:#?}");
    assert!(problems.iter().all(|p| (p.line, p.column, p.severity) == (3, 1, Severity::Warning)), "{problems:#?}");
}

#[test]
fn printable_key_in_a_text_layer_is_a_warning() {
    let problem = only_problem("printable_in_editor.toml", 3, 1, Severity::Warning);
    assert!(problem.message.contains("typed as text"), "{problem}");
}

#[test]
fn user_layer_replaces_the_default_layer_whole() {
    let (keymap, problems) = Keymap::load(Some(&fixture("replace_sessions.toml")));
    assert_eq!(problems, vec![]);
    let builtin = Keymap::builtin();
    assert_eq!(
        keymap.bindings(Layer::Sessions),
        vec![(Action::Down, chords(&["J"])), (Action::New, chords(&["x", "ctrl-n"])),]
    );
    let up = press(KeyCode::Up, KeyModifiers::NONE);
    assert_eq!(keymap.lookup(Layer::Sessions, &up), None, "default key gone");
    for layer in Layer::ALL.into_iter().filter(|l| *l != Layer::Sessions) {
        assert_eq!(keymap.bindings(layer), builtin.bindings(layer), "[{layer}]");
    }
}

#[test]
fn a_file_with_any_error_is_ignored_whole() {
    let (keymap, problems) = Keymap::load(Some(&fixture("unknown_layer.toml")));
    assert!(problems.iter().any(Problem::is_error));
    assert_eq!(keymap, Keymap::builtin());
}

#[test]
fn missing_file_is_fine_to_load_but_not_to_check() {
    let missing = fixture("does_not_exist.toml");
    assert_eq!(Keymap::load(Some(&missing)), (Keymap::builtin(), vec![]));
    assert_eq!(Keymap::load(None), (Keymap::builtin(), vec![]));
    let problems = Keymap::check_file(&missing);
    assert_eq!(problems.len(), 1);
    assert!(problems[0].is_error());
    assert!(problems[0].to_string().contains("does_not_exist.toml: error: "));
}

#[test]
fn non_utf8_file_is_reported_not_panicked() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keymap.toml");
    std::fs::write(&path, b"[global]\n\"q\" = \"\xff\"\n").unwrap();
    let (keymap, problems) = Keymap::load(Some(&path));
    assert_eq!(keymap, Keymap::builtin());
    assert!(problems[0].message.contains("UTF-8"), "{problems:?}");
}

#[test]
fn shown_keymap_checks_clean_and_loads_back_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for keymap in [Keymap::builtin(), Keymap::load(Some(&fixture("replace_sessions.toml"))).0] {
        let shown = keymap.to_toml();
        assert_eq!(Keymap::check_str("shown.toml", &shown), vec![], "{shown}");
        let path = dir.path().join("shown.toml");
        std::fs::write(&path, &shown).unwrap();
        assert_eq!(Keymap::load(Some(&path)), (keymap, vec![]));
    }
}

#[test]
fn shifted_characters_match_with_or_without_shift_reported() {
    let keymap = Keymap::builtin();
    for modifiers in [KeyModifiers::NONE, KeyModifiers::SHIFT] {
        let big_g = press(KeyCode::Char('G'), modifiers);
        assert_eq!(keymap.lookup(Layer::Sessions, &big_g), Some(Action::Bottom));
        let question = press(KeyCode::Char('?'), modifiers);
        assert_eq!(keymap.lookup(Layer::Global, &question), Some(Action::Help));
    }
    // kitty-style: the unshifted character with SHIFT.
    let kitty_g = press(KeyCode::Char('g'), KeyModifiers::SHIFT);
    assert_eq!(keymap.lookup(Layer::Sessions, &kitty_g), Some(Action::Bottom));
    let small_g = press(KeyCode::Char('g'), KeyModifiers::NONE);
    assert_eq!(keymap.lookup(Layer::Sessions, &small_g), Some(Action::Top));
}

#[test]
fn ctrl_letters_match_regardless_of_case() {
    let keymap = Keymap::builtin();
    for (c, modifiers) in
        [('c', KeyModifiers::CONTROL), ('C', KeyModifiers::CONTROL), ('C', KeyModifiers::CONTROL | KeyModifiers::SHIFT)]
    {
        let event = press(KeyCode::Char(c), modifiers);
        assert_eq!(keymap.lookup(Layer::Global, &event), Some(Action::Quit), "{event:?}");
    }
    let alt_c = press(KeyCode::Char('c'), KeyModifiers::ALT);
    assert_eq!(keymap.lookup(Layer::Global, &alt_c), None);
}

#[test]
fn backtab_matches_however_it_arrives() {
    let keymap = Keymap::builtin();
    for event in [
        press(KeyCode::BackTab, KeyModifiers::NONE),
        press(KeyCode::BackTab, KeyModifiers::SHIFT),
        press(KeyCode::Tab, KeyModifiers::SHIFT),
    ] {
        assert_eq!(keymap.lookup(Layer::Form, &event), Some(Action::PrevField), "{event:?}");
    }
    let tab = press(KeyCode::Tab, KeyModifiers::NONE);
    assert_eq!(keymap.lookup(Layer::Form, &tab), Some(Action::NextField));
}

#[test]
fn only_presses_and_repeats_count() {
    let keymap = Keymap::builtin();
    let mut event = press(KeyCode::Down, KeyModifiers::NONE);
    event.kind = KeyEventKind::Repeat;
    assert_eq!(keymap.lookup(Layer::Help, &event), Some(Action::Down));
    event.kind = KeyEventKind::Release;
    assert_eq!(keymap.lookup(Layer::Help, &event), None);
}

#[test]
fn lookup_is_per_layer() {
    let keymap = Keymap::builtin();
    let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
    assert_eq!(keymap.lookup(Layer::Help, &q), Some(Action::Close));
    assert_eq!(keymap.lookup(Layer::Sessions, &q), None);
    let enter = press(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(keymap.lookup(Layer::SessionPage, &enter), Some(Action::Open));
    assert_eq!(keymap.lookup(Layer::Capture, &enter), Some(Action::Submit));
}

#[test]
fn chord_display_is_canonical() {
    let texts: Vec<String> = ["Ctrl-S", "shift-g", "PageDown", "escape", "shift-tab", " "]
        .iter()
        .map(|text| chord(text).to_string())
        .collect();
    assert_eq!(texts, ["ctrl-s", "G", "pagedown", "esc", "backtab", "space"]);
}

proptest! {
    #[test]
    fn any_text_is_checked_without_panicking(text in any::<String>()) {
        let _ = Keymap::check_str("fuzz.toml", &text);
    }

    #[test]
    fn keymap_shaped_text_never_panics_and_clean_files_round_trip(
        layer in "[a-z]{0,9}",
        lines in proptest::collection::vec(("[a-zA-Z?，\\- ]{0,12}", "[a-z_]{0,14}"), 0..8),
    ) {
        let mut text = format!("[{layer}]\n");
        for (key, action) in &lines {
            text.push_str(&format!("\"{key}\" = \"{action}\"\n"));
        }
        let problems = Keymap::check_str("fuzz.toml", &text);
        for problem in &problems {
            prop_assert!(problem.line >= 1 && problem.column >= 1, "{}", problem);
        }
        if !problems.iter().any(Problem::is_error) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("k.toml");
            std::fs::write(&path, &text).unwrap();
            let (keymap, _) = Keymap::load(Some(&path));
            let shown = keymap.to_toml();
            prop_assert!(
                !Keymap::check_str("shown.toml", &shown).iter().any(Problem::is_error),
                "{}", shown
            );
        }
    }

    #[test]
    fn parsed_chords_print_back_to_the_same_chord(text in any::<String>()) {
        if let Ok(parsed) = KeyChord::parse(&text) {
            prop_assert_eq!(KeyChord::parse(&parsed.to_string()), Ok(parsed));
        }
    }
}

#[test]
fn a_layer_without_its_way_out_is_refused() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/keymaps/no_quit.toml");
    let problems = tiyan::keymap::Keymap::check_file(&path);
    let quit = problems.iter().find(|p| p.message.contains("\"quit\"")).expect("quit is required");
    assert_eq!((quit.line, quit.column), (3, 1));
    assert!(quit.is_error());
    let (km, _) = tiyan::keymap::Keymap::load(Some(&path));
    assert_eq!(km, tiyan::keymap::Keymap::builtin(), "the defaults stay in force");
}
