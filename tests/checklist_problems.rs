//! Problems found in one pass and reported in file order, for files with many mistakes and
//! for the less common shapes (inline tables, dotted keys, empty lists, odd numbers).

use tiyan::checklist::parse_template;

/// (line, column, message) of every problem, or a panic if `text` parses.
fn problems(text: &str) -> Vec<(usize, usize, String)> {
    match parse_template("t.toml", text) {
        Ok(template) => panic!("parsed but should not have: {template:?}"),
        Err(problems) => problems.into_iter().map(|p| (p.line, p.column, p.message)).collect(),
    }
}

fn assert_has(found: &[(usize, usize, String)], line: usize, column: usize, needle: &str) {
    assert!(
        found.iter().any(|(l, c, message)| (*l, *c) == (line, column) && message.contains(needle)),
        "no {needle:?} at {line}:{column} in {found:#?}"
    );
}

const MANY_MISTAKES: &str = r#"id = "Bad_Id"
version = "1"
tittle = { zh = "标题" }

[[dimensions]]
id = "d"
title = "平铺"

[[dimensions.items]]
text = 5
kind = "pass"

[[dimensions]]
id = "d"
title = { zh = "二", fr = "deux" }
items = []
"#;

#[test]
fn every_problem_is_reported_in_file_order() {
    let found = problems(MANY_MISTAKES);
    let places: Vec<(usize, usize)> = found.iter().map(|(line, column, _)| (*line, *column)).collect();
    let mut sorted = places.clone();
    sorted.sort();
    assert_eq!(places, sorted, "file order");
    assert_has(&found, 1, 1, "the template has no \"title\"");
    assert_has(&found, 1, 6, "\"id\" of the template is \"Bad_Id\"");
    assert_has(&found, 2, 11, "\"version\" of the template must be an integer, found a string");
    assert_has(
        &found,
        3,
        1,
        "unknown key \"tittle\" in the template (allowed: id, version, source, title, dimensions)",
    );
    assert_has(&found, 7, 9, "\"title\" of dimension \"d\" must be a table");
    assert_has(&found, 9, 1, "item 1 of dimension \"d\" has no \"id\"");
    assert_has(&found, 10, 8, "\"text\" of item 1 of dimension \"d\" must be a string, found an integer");
    assert_has(&found, 11, 8, "unknown kind \"pass\"");
    assert_has(&found, 14, 6, "dimension id \"d\" is used twice: first on line 6");
    assert_has(&found, 15, 21, "unknown key \"fr\" in the title of dimension \"d\" (allowed: zh, en)");
    assert_has(&found, 16, 9, "\"items\" of dimension \"d\" is empty");
    assert_eq!(found.len(), 11, "{found:#?}");
}

#[test]
fn empty_file_lacks_every_required_field() {
    let found = problems("");
    let messages: Vec<&str> = found.iter().map(|(_, _, message)| message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "the template has no \"id\"",
            "the template has no \"version\"",
            "the template has no \"title\"",
            "the template has no \"dimensions\""
        ]
    );
    assert!(found.iter().all(|(line, column, _)| (*line, *column) == (1, 1)));
}

#[test]
fn template_title_needs_both_languages_and_no_blank() {
    let found = problems("id = \"a\"\nversion = 1\ntitle = { zh = \"  \" }\ndimensions = []\n");
    assert_has(&found, 3, 16, "\"zh\" of the title of the template is empty");
    assert_has(&found, 3, 9, "the title of the template has no \"en\"");
    assert_has(&found, 4, 14, "\"dimensions\" is empty");
}

#[test]
fn dotted_title_without_en_points_at_the_title_key() {
    let found = problems("title.zh = \"中\"\n");
    assert_has(&found, 1, 1, "the title of the template has no \"en\"");
}

#[test]
fn inline_dimensions_point_inside_the_line() {
    let text = "id = \"x\"\nversion = 0x10\ntitle = { zh = \"中\", en = \"e\" }\n\
                dimensions = [ { id = \"a\", title = { zh = \"维\" }, items = [ { id = \"i\", text = \"t\" }, 3 ] }, \"s\" ]\n";
    let found = problems(text);
    assert_has(&found, 4, 60, "item 1 of dimension \"a\" has no \"kind\"");
    assert_has(&found, 4, 86, "item 2 of dimension \"a\" must be a table ([[dimensions.items]]), found an integer");
    assert_has(&found, 4, 93, "dimension 2 must be a table ([[dimensions]]), found a string");
    assert_eq!(found.len(), 3, "0x10 is a fine version: {found:#?}");
}

#[test]
fn items_before_any_dimension_say_dimensions_is_not_a_list() {
    let found = problems("[[dimensions.items]]\nid = \"a\"\n");
    assert_has(
        &found,
        1,
        3,
        "\"dimensions\" of the template must be an array of tables written [[dimensions]], found a table",
    );
}

#[test]
fn versions_out_of_range_are_refused_with_what_was_written() {
    for (written, column) in [("-3", 11), ("4294967296", 11), ("99999999999999999999999999999999999999999", 11)] {
        let found = problems(&format!("version = {written}\n"));
        assert_has(&found, 1, column, &format!("from 1 to 4294967295, found {written}"));
    }
    assert_has(&problems("version = 1.0\n"), 1, 11, "must be an integer, found a float");
}

#[test]
fn toml_duplicate_keys_name_the_key() {
    let found = problems("id = \"x\"\nid = \"y\"\n");
    assert_eq!(found, [(2, 1, "TOML syntax: duplicate key id".to_string())]);
}

#[test]
fn a_byte_order_mark_does_not_shift_columns() {
    let found = problems("\u{feff}id = 5\n");
    assert_has(&found, 1, 6, "\"id\" of the template must be a string, found an integer");
}

#[test]
fn problems_carry_the_file_label() {
    let Err(found) = parse_template("checklists/mine.toml", "id = 1") else { panic!("parsed") };
    assert!(found.iter().all(|problem| problem.file == "checklists/mine.toml"));
    assert!(found[0].to_string().starts_with("checklists/mine.toml:1:1: error: "), "{}", found[0]);
}
