//! The pick list: pinyin matching over every one of the 37 units of seed 003, and the live
//! picker in the forms (type to filter, arrows, Enter, Esc) through `update`.

use crate::app_fixtures::*;
use ratatui::crossterm::event::KeyCode;
use tiyan::app::{Overlay, State, update};
use tiyan::domain::Value;
use tiyan::i18n::Lang;
use tiyan::pinyin_match::{PickKey, Query, rank};
use tiyan::store::StoreRequest;
use tiyan::vocab::ChoiceList;

/// Each unit's reading, syllable by syllable, written out by hand (旅 as lv).
const READINGS: [(&str, &str); 37] = [
    ("县委办公室", "xian wei ban gong shi"),
    ("县委宣传部", "xian wei xuan chuan bu"),
    ("县委统战部", "xian wei tong zhan bu"),
    ("县发展改革委", "xian fa zhan gai ge wei"),
    ("县教委", "xian jiao wei"),
    ("县科技局", "xian ke ji ju"),
    ("县经济信息委", "xian jing ji xin xi wei"),
    ("县公安局", "xian gong an ju"),
    ("县民政局", "xian min zheng ju"),
    ("县司法局", "xian si fa ju"),
    ("县财政局", "xian cai zheng ju"),
    ("县人力社保局", "xian ren li she bao ju"),
    ("县规划自然资源局", "xian gui hua zi ran zi yuan ju"),
    ("县生态环境局", "xian sheng tai huan jing ju"),
    ("县住房城乡建委", "xian zhu fang cheng xiang jian wei"),
    ("县城市管理局", "xian cheng shi guan li ju"),
    ("县交通局", "xian jiao tong ju"),
    ("县水利局", "xian shui li ju"),
    ("县农业农村委", "xian nong ye nong cun wei"),
    ("县商务委", "xian shang wu wei"),
    ("县文化旅游委", "xian wen hua lv you wei"),
    ("县卫生健康委", "xian wei sheng jian kang wei"),
    ("县退役军人事务局", "xian tui yi jun ren shi wu ju"),
    ("县应急局", "xian ying ji ju"),
    ("县市场监管局", "xian shi chang jian guan ju"),
    ("县统计局", "xian tong ji ju"),
    ("县医保局", "xian yi bao ju"),
    ("县林业局", "xian lin ye ju"),
    ("县信访办", "xian xin fang ban"),
    ("县残联", "xian can lian"),
    ("县消防救援大队", "xian xiao fang jiu yuan da dui"),
    ("县税务局", "xian shui wu ju"),
    ("县气象局", "xian qi xiang ju"),
    ("县烟草局", "xian yan cao ju"),
    ("公积金中心巫溪分中心", "gong ji jin zhong xin wu xi fen zhong xin"),
    ("县政务服务中心", "xian zheng wu fu wu zhong xin"),
    ("渝宁公司", "yu ning gong si"),
];

/// The keys the picker builds for the units, and their Chinese names, in list order.
fn units() -> (Vec<PickKey>, Vec<String>) {
    let entries = ChoiceList::Units.entries();
    let keys = entries.iter().map(|e| PickKey::new(e.zh(), &[e.en(), e.code()])).collect();
    (keys, entries.iter().map(|e| e.zh().to_string()).collect())
}

fn found(keys: &[PickKey], names: &[String], query: &str) -> Vec<String> {
    rank(keys, &Query::new(query)).into_iter().map(|i| names[i].clone()).collect()
}

#[test]
fn the_readings_cover_the_shipped_units_in_order() {
    let (_, names) = units();
    let ours: Vec<&str> = READINGS.iter().map(|(zh, _)| *zh).collect();
    assert_eq!(names, ours);
}

#[test]
fn every_unit_is_found_by_initials_full_pinyin_and_its_name() {
    let (keys, names) = units();
    for (zh, reading) in READINGS {
        let syllables: Vec<&str> = reading.split(' ').collect();
        let initials: String = syllables.iter().map(|s| &s[..1]).collect();
        let full: String = syllables.concat();
        let mut queries = vec![initials.clone(), full.clone(), reading.to_string(), zh.to_string()];
        if zh.starts_with('县') {
            // People skip the 县 everyone shares: 市场监管局 is `scjgj`, or just `scjg`.
            let rest = &syllables[1..];
            queries.push(rest.iter().map(|s| &s[..1]).collect());
            queries.push(rest[..rest.len() - 1].iter().map(|s| &s[..1]).collect());
            queries.push(rest.concat());
        }
        for q in &queries {
            let hits = found(&keys, &names, q);
            assert!(hits.iter().any(|h| h == zh), "{q:?} should find {zh}, got {hits:?}");
        }
        for q in [&full, &zh.to_string(), &initials] {
            let hits = found(&keys, &names, q);
            assert_eq!(hits.first().map(String::as_str), Some(zh), "{q:?} should rank {zh} first: {hits:?}");
        }
    }
}

#[test]
fn the_examples_of_the_issue_rank_their_unit_first() {
    let (keys, names) = units();
    assert_eq!(found(&keys, &names, "scjg").first().map(String::as_str), Some("县市场监管局"));
    assert_eq!(found(&keys, &names, "yb").first().map(String::as_str), Some("县医保局"));
    assert_eq!(found(&keys, &names, "yibao").first().map(String::as_str), Some("县医保局"));
    assert_eq!(found(&keys, &names, "shicjg").first().map(String::as_str), Some("县市场监管局"));
}

#[test]
fn english_names_and_codes_match_in_any_case() {
    let (keys, names) = units();
    assert_eq!(found(&keys, &names, "medical security"), ["县医保局"]);
    assert_eq!(found(&keys, &names, "TAX BUREAU").first().map(String::as_str), Some("县税务局"));
    assert_eq!(found(&keys, &names, "market_reg"), ["县市场监管局"]);
}

#[test]
fn nothing_matches_gibberish() {
    let (keys, names) = units();
    assert!(found(&keys, &names, "qqqq").is_empty());
    assert!(found(&keys, &names, "不存在").is_empty());
}

// ----- the live picker in the forms, through `update` -----

/// The form's open picker: (query, matching labels best first, label under the cursor).
fn picker(s: &State) -> (String, Vec<String>, Option<String>) {
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!("no form") };
    let p = f.picker.as_ref().expect("picker open");
    (p.query.text().to_string(), p.shown().map(String::from).collect(), p.selected().map(String::from))
}

fn picker_open(s: &State) -> bool {
    matches!(s.overlays.last(), Some(Overlay::Form(f)) if f.picker.is_some())
}

fn field_text(s: &State) -> String {
    let Some(Overlay::Form(f)) = s.overlays.last() else { panic!("no form") };
    f.fields[f.focus].input.text().to_string()
}

/// A new finding described, the focus on its unit field (the fifth).
fn unit_field(lang: Lang) -> State {
    let mut s = findings_screen(lang, (80, 24));
    update(&mut s, ch('n'));
    type_text(&mut s, "医保报销窗口排长队");
    for _ in 0..4 {
        update(&mut s, key(KeyCode::Tab));
    }
    s
}

fn saved_field(s: &mut State, name: &str) -> Option<Value> {
    let reqs = requests(update(s, ctrl('s')));
    let [StoreRequest::Apply { changes, .. }] = reqs.as_slice() else { panic!("one Apply, got {reqs:?}") };
    changes.iter().find(|c| c.field == name).map(|c| c.value.clone())
}

#[test]
fn open_type_yb_and_enter_picks_the_medical_security_bureau() {
    let mut s = unit_field(Lang::Zh);
    update(&mut s, ctrl('p'));
    let (query, shown, _) = picker(&s);
    assert_eq!((query.as_str(), shown.len()), ("", 37), "an empty field offers every unit");
    type_text(&mut s, "yb");
    let (query, shown, selected) = picker(&s);
    assert_eq!(query, "yb");
    assert_eq!(selected.as_deref(), Some("县医保局"), "{shown:?}");
    assert!(shown.len() < 37, "typing filters: {shown:?}");
    update(&mut s, key(KeyCode::Enter));
    assert!(!picker_open(&s));
    assert_eq!(field_text(&s), "县医保局");
    assert_eq!(saved_field(&mut s, "unit"), Some(Value::text("县医保局")));
}

#[test]
fn the_query_starts_from_what_was_typed_in_the_field() {
    let mut s = unit_field(Lang::Zh);
    type_text(&mut s, "scjg");
    update(&mut s, ctrl('p'));
    let (query, _, selected) = picker(&s);
    assert_eq!((query.as_str(), selected.as_deref()), ("scjg", Some("县市场监管局")));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "县市场监管局", "the typed initials are replaced by the pick");
    // Opened again on a whole choice: every unit, that one under the cursor, an empty query.
    update(&mut s, ctrl('p'));
    let (query, shown, selected) = picker(&s);
    assert_eq!((query.as_str(), shown.len(), selected.as_deref()), ("", 37, Some("县市场监管局")));
}

#[test]
fn backspace_refilters_arrows_move_and_esc_leaves_the_field_alone() {
    let mut s = unit_field(Lang::Zh);
    update(&mut s, ctrl('p'));
    type_text(&mut s, "ybx");
    assert!(picker(&s).1.is_empty(), "nothing is 医保 then x");
    update(&mut s, key(KeyCode::Backspace));
    let (query, shown, selected) = picker(&s);
    assert_eq!(query, "yb");
    assert_eq!(selected.as_deref(), Some("县医保局"));
    if shown.len() > 1 {
        update(&mut s, key(KeyCode::Down));
        assert_eq!(picker(&s).2.as_deref(), Some(shown[1].as_str()));
        update(&mut s, key(KeyCode::Up));
    }
    update(&mut s, key(KeyCode::PageDown));
    assert_eq!(picker(&s).2.as_deref(), shown.last().map(String::as_str), "PageDown stops at the last");
    update(&mut s, key(KeyCode::PageUp));
    assert_eq!(picker(&s).2.as_deref(), Some("县医保局"));
    // j and k are text in the query, not moves.
    type_text(&mut s, "j");
    assert_eq!(picker(&s).0, "ybj");
    update(&mut s, key(KeyCode::Esc));
    assert!(!picker_open(&s));
    assert_eq!(field_text(&s), "", "Esc picks nothing");
}

#[test]
fn no_match_says_so_and_enter_keeps_typed_text_only_where_the_list_allows_it() {
    // Units accept a unit nobody listed: Enter takes the query as typed.
    let mut s = unit_field(Lang::Zh);
    update(&mut s, ctrl('p'));
    type_text(&mut s, "乡镇便民服务中心");
    assert!(picker(&s).1.is_empty());
    let screen = text(&render(&s));
    assert!(screen.contains("没有匹配的选项") && screen.contains("0/37"), "{screen}");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "乡镇便民服务中心");

    // Severities are stored as codes: nothing to take, the picker stays open.
    let mut s = unit_field(Lang::Zh);
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, ctrl('p'));
    type_text(&mut s, "qq");
    update(&mut s, key(KeyCode::Enter));
    assert!(picker_open(&s), "a coded list cannot take unlisted text");
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    type_text(&mut s, "yz");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "严重");
    assert_eq!(saved_field(&mut s, "severity"), Some(Value::text("severe")));
}

#[test]
fn a_list_field_replaces_its_partly_typed_last_entry() {
    let mut s = unit_field(Lang::Zh);
    for _ in 0..2 {
        update(&mut s, key(KeyCode::BackTab));
    }
    type_text(&mut s, "服务态度、xtbt");
    update(&mut s, ctrl('p'));
    assert_eq!(picker(&s).0, "xtbt");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "服务态度、系统不通");
    // After a separator the pick is appended.
    type_text(&mut s, "、");
    update(&mut s, ctrl('p'));
    type_text(&mut s, "gzjl");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "服务态度、系统不通、工作纪律");
}

#[test]
fn inspectors_are_picked_from_names_already_used_and_typed_names_stay() {
    let mut s = state_with_sessions(Lang::Zh, (80, 24));
    s.sessions.list[1].session.inspectors = vec!["张伟".into(), "王建国".into()];
    s.sessions.list[2].session.inspectors = vec!["欧阳长青".into()];
    update(&mut s, ch('n'));
    type_text(&mut s, "婚姻登记");
    for _ in 0..6 {
        update(&mut s, key(KeyCode::Tab));
    }
    assert_eq!(field_text(&s), "王建国、李秀英", "prefilled from the newest session");
    type_text(&mut s, "、zw");
    update(&mut s, ctrl('p'));
    let (query, shown, _) = picker(&s);
    assert_eq!(query, "zw");
    assert_eq!(shown, ["张伟"]);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "王建国、李秀英、张伟");
    // Every reading of 长: ouyang zhang qing.
    type_text(&mut s, "、");
    update(&mut s, ctrl('p'));
    assert_eq!(picker(&s).1, ["王建国", "李秀英", "张伟", "欧阳长青"], "each name once, newest sessions first");
    type_text(&mut s, "oyzq");
    update(&mut s, key(KeyCode::Enter));
    // A name nobody used yet is typed, and kept exactly as typed.
    type_text(&mut s, "、赵 六");
    let inspectors = saved_field(&mut s, "inspectors");
    let expected = ["王建国", "李秀英", "张伟", "欧阳长青", "赵 六"].map(String::from).to_vec();
    assert_eq!(inspectors, Some(Value::TextList(expected)));
}

#[test]
fn english_ui_shows_english_names_and_stores_the_chinese_one() {
    let mut s = unit_field(Lang::En);
    update(&mut s, ctrl('p'));
    type_text(&mut s, "yb");
    assert_eq!(picker(&s).2.as_deref(), Some("County Medical Security Bureau"));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(saved_field(&mut s, "unit"), Some(Value::text("县医保局")));
}

#[test]
fn picker_snapshot_with_a_query_and_the_cursor_on_the_query_line() {
    pin_timezone();
    for size in [(80u16, 24u16), (40, 12)] {
        let mut s = unit_field(Lang::Zh);
        s.size = size;
        update(&mut s, ctrl('p'));
        type_text(&mut s, "县j");
        let mut t = render(&s);
        let screen = text(&t);
        insta::assert_snapshot!(format!("unit_picker_{}x{}", size.0, size.1), screen);
        // The real cursor sits after 县j on the query line, after the "> " prompt.
        let (row, line) = screen.lines().enumerate().find(|(_, l)| l.contains("> 县j")).expect("query line shown");
        let before = &line[..line.find("> 县j").unwrap()];
        let column = unicode_width::UnicodeWidthStr::width(before) + 2 + 3;
        t.backend_mut().assert_cursor_position((column as u16, row as u16));
    }
}

#[test]
fn with_no_names_yet_the_inspectors_picker_says_so_and_takes_a_typed_name() {
    let mut s = State::new(context(Lang::Zh), (80, 24));
    update(&mut s, tiyan::app::Msg::Store(tiyan::store::StoreEvent::Sessions(vec![])));
    update(&mut s, ch('n'));
    for _ in 0..6 {
        update(&mut s, key(KeyCode::Tab));
    }
    update(&mut s, ctrl('p'));
    let screen = text(&render(&s));
    assert!(screen.contains("列表还是空的") && screen.contains("0/0"), "{screen}");
    type_text(&mut s, "李四");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(field_text(&s), "李四");
}
