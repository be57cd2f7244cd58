//! `<config dir>/units.toml` replaces the shipped units for the whole run: in the picker and in
//! what is stored. Its own binary, as the replacement is process-wide (set once at start-up).

use crate::app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::{Overlay, update};
use tiyan::i18n::Lang;
use tiyan::vocab::{ChoiceList, use_user_units};

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

const UNITS: &str = r#"# 本县自己的承办单位
[[unit]]
code = "medical_security"
zh = "县医保局"
en = "County Medical Security Bureau"

[[unit]]
code = "water"
zh = "县水务局"
en = "County Water Bureau"
"#;

#[test]
fn a_user_units_file_replaces_the_shipped_list_and_a_broken_one_is_reported() {
    let home = tempfile::tempdir().unwrap();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    let file = config.join("units.toml");

    // Broken: start-up says where, and the shipped 37 stay.
    std::fs::write(&file, UNITS.replace("[[unit]]\ncode = \"water\"", "[[unit]]\ncode = 7")).unwrap();
    let out = std::process::Command::new(BIN)
        .args(["--home"])
        .arg(home.path())
        .args(["stats", "waits"])
        .env_remove("TIYAN_CONFIG_DIR")
        .env_remove("TIYAN_HOME")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}:8:8: ", file.display())), "{stderr}");
    assert!(use_user_units(&file).is_err());
    assert_eq!(ChoiceList::Units.options(Lang::Zh).len(), 37);

    // Sound: its units are the ones offered, matched by pinyin, and stored by Chinese name.
    std::fs::write(&file, UNITS).unwrap();
    assert_eq!(use_user_units(&file), Ok(()));
    assert_eq!(ChoiceList::Units.options(Lang::Zh), ["县医保局", "县水务局"]);
    let mut s = findings_screen(Lang::Zh, (80, 24));
    update(&mut s, ch('n'));
    type_text(&mut s, "供水窗口无人");
    for _ in 0..4 {
        update(&mut s, key(KeyCode::Tab));
    }
    update(&mut s, ctrl('p'));
    type_text(&mut s, "sw");
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!("form") };
    let picker = f.picker.as_ref().expect("picker");
    assert_eq!((picker.total(), picker.selected()), (2, Some("县水务局")));
    update(&mut s, key(KeyCode::Enter));
    let changes = applied(update(&mut s, ctrl('s')));
    let unit = changes.iter().find(|c| c.field == "unit").map(|c| c.value.as_text().to_string());
    assert_eq!(unit.as_deref(), Some("县水务局"));
    assert_eq!(ChoiceList::Units.display("water", Lang::En), "County Water Bureau");
}
