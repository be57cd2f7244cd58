//! Template files: the valid fixture reads into the expected template, and each invalid
//! fixture yields exactly one problem at the exact place, with a message naming what is wrong.

use std::path::Path;

use tiyan::checklist::parse_template;
use tiyan::domain::template::{AnswerKind, Template};
use tiyan::problem::Problem;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/templates").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn problems(name: &str, text: &str) -> Vec<Problem> {
    match parse_template(name, text) {
        Ok(template) => panic!("{name} parsed but should not have: {template:?}"),
        Err(problems) => problems,
    }
}

/// The single problem of an invalid fixture, checked for place and message.
fn assert_only_problem(name: &str, line: usize, column: usize, needle: &str) {
    let found = problems(name, &fixture(name));
    assert_eq!(found.len(), 1, "{name}: expected one problem, got {found:#?}");
    let problem = &found[0];
    assert_eq!(problem.file, name);
    assert_eq!((problem.line, problem.column), (line, column), "{name}: {problem}");
    assert!(problem.message.contains(needle), "{name}: {:?} lacks {needle:?}", problem.message);
    assert!(problem.is_error());
}

#[test]
fn valid_fixture_reads_every_field() {
    let template = parse_template("valid.toml", &fixture("valid.toml")).expect("valid.toml parses");
    assert_eq!(template.id, "hall-basics");
    assert_eq!(template.version, 2);
    assert_eq!(template.source, "test fixture");
    assert_eq!((template.title.zh.as_str(), template.title.en.as_str()), ("大厅基本情况", "Hall basics"));
    let dimensions: Vec<(&str, &str, &str)> =
        template.dimensions.iter().map(|d| (d.id.as_str(), d.title.zh.as_str(), d.title.en.as_str())).collect();
    assert_eq!(dimensions, [("satisfaction", "办事满意度", "Satisfaction"), ("convenience", "办事便利度", "")]);
    let kinds: Vec<AnswerKind> = template.items().map(|(_, item)| item.kind).collect();
    assert_eq!(kinds, AnswerKind::ALL, "the fixture uses every kind once, in order");
    let (dimension, steps) = template.item("sat-steps").expect("sat-steps");
    assert_eq!(dimension.id, "satisfaction");
    assert_eq!(steps.text, "办理环节是否精简");
    assert_eq!(steps.hint, "对照办事指南数一数环节");
    assert_eq!(steps.finding, "办理环节过多");
    let (_, documents) = template.item("conv-documents").expect("conv-documents");
    assert_eq!(documents.unit, "份");
    let (_, notes) = template.item("conv-notes").expect("conv-notes");
    assert_eq!((notes.hint.as_str(), notes.unit.as_str(), notes.finding.as_str()), ("", "", ""));
}

#[test]
fn valid_template_survives_json_pinning() {
    let template = parse_template("valid.toml", &fixture("valid.toml")).expect("valid.toml parses");
    let json = serde_json::to_string(&template).expect("serializes");
    let back: Template = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, template);
}

#[test]
fn syntax_error_points_at_the_unclosed_string_counting_characters() {
    // `text = "` then 12 Chinese characters: column 21 in characters (45 in bytes).
    assert_only_problem("syntax.toml", 11, 21, "TOML syntax");
}

#[test]
fn missing_title_points_at_the_file_start() {
    assert_only_problem("missing_title.toml", 1, 1, "the template has no \"title\"");
}

#[test]
fn missing_kind_points_at_the_item_header() {
    assert_only_problem("missing_kind.toml", 19, 1, "item 3 of dimension \"satisfaction\" has no \"kind\"");
}

#[test]
fn unknown_kind_lists_the_valid_kinds() {
    assert_only_problem("unknown_kind.toml", 12, 8, "unknown kind \"minutes\"");
    assert_only_problem("unknown_kind.toml", 12, 8, "pass-fail, score, count, yes-no, text");
}

#[test]
fn duplicate_item_points_at_the_second_and_names_the_first_line() {
    assert_only_problem("duplicate_item.toml", 19, 6, "item id \"wait-time\" is used twice: first on line 10");
}

#[test]
fn duplicate_dimension_points_at_the_second_and_names_the_first_line() {
    assert_only_problem("duplicate_dimension.toml", 15, 6, "dimension id \"waiting\" is used twice: first on line 6");
}

#[test]
fn bad_id_characters_are_named() {
    assert_only_problem("bad_id.toml", 10, 6, "\"Wait_Time\": use only lowercase letters a-z, digits 0-9 and \"-\"");
}

#[test]
fn version_zero_is_refused() {
    assert_only_problem("bad_version.toml", 2, 11, "\"version\" of the template must be a whole number from 1");
}

#[test]
fn wrong_type_points_at_the_value_after_chinese_text() {
    // `title = { zh = "等候区与排队", en = ` is 30 characters but 42 bytes.
    assert_only_problem(
        "wrong_type.toml",
        7,
        31,
        "\"en\" of the title of dimension \"waiting\" must be a string, found an integer",
    );
}

#[test]
fn unknown_key_names_the_allowed_keys() {
    assert_only_problem("unknown_key.toml", 13, 1, "unknown key \"hnit\"");
    assert_only_problem("unknown_key.toml", 13, 1, "allowed: id, text, hint, kind, unit, finding");
}

#[test]
fn dimension_without_items_is_refused() {
    assert_only_problem("empty_dimension.toml", 14, 1, "dimension \"guidance\" has no \"items\"");
}
