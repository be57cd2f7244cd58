//! Reads a template TOML file into a [`Template`], reporting every problem with its position:
//! syntax, missing or unknown keys, wrong types, unknown answer kinds, bad or duplicate ids,
//! versions below 1 and empty lists.
//!
//! Like the keymap, it reads `toml::de::DeTable` rather than deriving `Deserialize`: serde
//! stops at the first error and forgets where values were written, while the spanned table
//! lets each problem point at its own key or value.

use std::collections::HashMap;
use std::ops::Range;

use toml::de::DeTable;

use super::fields::{Fields, Value, describe_value};
use crate::domain::template::{AnswerKind, Dimension, Item, Template, Title};
use crate::problem::{Problem, Report};

const TEMPLATE_KEYS: &[&str] = &["id", "version", "source", "title", "dimensions"];
const TITLE_KEYS: &[&str] = &["zh", "en"];
const DIMENSION_KEYS: &[&str] = &["id", "title", "items"];
const ITEM_KEYS: &[&str] = &["id", "text", "hint", "kind", "unit", "finding"];

/// Parses template `text`; `file` names it in problems. On any problem, all of them in file
/// order.
pub fn parse_template(file: &str, text: &str) -> Result<Template, Vec<Problem>> {
    // Editors that write a byte-order mark hide it; skipping it keeps line 1's columns as shown.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut report = Report::new(file, text);
    let (document, syntax_errors) = DeTable::parse_recoverable(text);
    if !syntax_errors.is_empty() {
        // What the parser recovered may miss entries; checking it would invent problems.
        for error in syntax_errors {
            let span = error.span().unwrap_or(0..0);
            let mut message = error.message().trim_end().to_string();
            if message == "duplicate key" {
                if let Some(key) = text.get(span.clone()) {
                    message = format!("duplicate key {key}");
                }
            }
            report.error(span, format!("TOML syntax: {message}"));
        }
        return Err(report.finish());
    }
    let root = Fields::new(document.get_ref(), document.span(), "the template".to_string());
    let template = read_template(&root, &mut report);
    match template {
        Some(template) if !report.has_errors() => Ok(template),
        _ if report.has_errors() => Err(report.finish()),
        // Every read that gives up reports why; this only guards that promise.
        _ => Err(vec![Problem::whole_file(file, "the template could not be read".to_string())]),
    }
}

/// Item and dimension ids already taken, with where each was first written.
#[derive(Default)]
struct Seen {
    dimensions: HashMap<String, Range<usize>>,
    items: HashMap<String, Range<usize>>,
}

fn read_template(root: &Fields, report: &mut Report) -> Option<Template> {
    root.reject_unknown_keys(TEMPLATE_KEYS, report);
    // Every field is read before any `?` so that one pass reports all of them.
    let id = read_id(root, report).map(|(id, _)| id);
    let version = read_version(root, report);
    let source = root.optional_string("source", report);
    let title = read_title(root, true, report);
    let dimensions = read_dimensions(root, report);
    Some(Template { id: id?, version: version?, title: title?, source: source?, dimensions: dimensions? })
}

fn read_version(root: &Fields, report: &mut Report) -> Option<u32> {
    let value = root.required("version", report)?;
    let number = root.integer("version", value, report)?;
    match u32::try_from(number) {
        Ok(version) if version >= 1 => Some(version),
        _ => {
            let shown = report.source(value.span()).to_string();
            report.error(
                value.span(),
                format!("\"version\" of the template must be a whole number from 1 to {}, found {shown}", u32::MAX),
            );
            None
        }
    }
}

/// `{ zh = "…", en = "…" }`; the template's own title needs both, a dimension's only `zh`.
fn read_title(owner: &Fields, en_required: bool, report: &mut Report) -> Option<Title> {
    let value = owner.required("title", report)?;
    let table = owner.table("title", value, "a table like { zh = \"…\", en = \"…\" }", report)?;
    let title = Fields::new(table, value.span(), format!("the title of {}", owner.place));
    title.reject_unknown_keys(TITLE_KEYS, report);
    let zh = title.text("zh", report).map(|(text, _)| text);
    let en =
        if en_required { title.text("en", report).map(|(text, _)| text) } else { title.optional_string("en", report) };
    Some(Title { zh: zh?, en: en? })
}

fn read_dimensions(root: &Fields, report: &mut Report) -> Option<Vec<Dimension>> {
    let value = root.required("dimensions", report)?;
    let list = root.array("dimensions", value, "an array of tables written [[dimensions]]", report)?;
    if list.is_empty() {
        report.error(value.span(), "\"dimensions\" is empty: a template needs at least one [[dimensions]]".to_string());
        return None;
    }
    let mut seen = Seen::default();
    let mut dimensions = Vec::new();
    let mut all_read = true;
    for (index, entry) in list.iter().enumerate() {
        match read_dimension(index + 1, entry, &mut seen, report) {
            Some(dimension) => dimensions.push(dimension),
            None => all_read = false,
        }
    }
    all_read.then_some(dimensions)
}

fn read_dimension(number: usize, entry: Value, seen: &mut Seen, report: &mut Report) -> Option<Dimension> {
    let Some(table) = entry.get_ref().as_table() else {
        let found = describe_value(entry.get_ref());
        report.error(entry.span(), format!("dimension {number} must be a table ([[dimensions]]), found {found}"));
        return None;
    };
    let place = match table.get("id").and_then(|id| id.get_ref().as_str()) {
        Some(id) if !id.trim().is_empty() => format!("dimension \"{id}\""),
        _ => format!("dimension {number}"),
    };
    let fields = Fields::new(table, entry.span(), place);
    fields.reject_unknown_keys(DIMENSION_KEYS, report);
    let id = read_id(&fields, report).and_then(|(id, span)| claim(&mut seen.dimensions, "dimension", id, span, report));
    let title = read_title(&fields, false, report);
    let items = read_items(&fields, seen, report);
    Some(Dimension { id: id?, title: title?, items: items? })
}

fn read_items(dimension: &Fields, seen: &mut Seen, report: &mut Report) -> Option<Vec<Item>> {
    // The fix for a missing list is a header, not a key, so the message says which.
    let advice = ": add at least one [[dimensions.items]] under it";
    let value = dimension.required_or_explain("items", advice, report)?;
    let list = dimension.array("items", value, "an array of tables written [[dimensions.items]]", report)?;
    if list.is_empty() {
        report.error(value.span(), format!("\"items\" of {} is empty{advice}", dimension.place));
        return None;
    }
    let mut items = Vec::new();
    let mut all_read = true;
    for (index, entry) in list.iter().enumerate() {
        match read_item(index + 1, &dimension.place, entry, seen, report) {
            Some(item) => items.push(item),
            None => all_read = false,
        }
    }
    all_read.then_some(items)
}

fn read_item(number: usize, dimension: &str, entry: Value, seen: &mut Seen, report: &mut Report) -> Option<Item> {
    let place = format!("item {number} of {dimension}");
    let Some(table) = entry.get_ref().as_table() else {
        let found = describe_value(entry.get_ref());
        report.error(entry.span(), format!("{place} must be a table ([[dimensions.items]]), found {found}"));
        return None;
    };
    let fields = Fields::new(table, entry.span(), place);
    fields.reject_unknown_keys(ITEM_KEYS, report);
    let id = read_id(&fields, report).and_then(|(id, span)| claim(&mut seen.items, "item", id, span, report));
    let text = fields.text("text", report).map(|(text, _)| text);
    let hint = fields.optional_string("hint", report);
    let kind = read_kind(&fields, report);
    let unit = fields.optional_string("unit", report);
    let finding = fields.optional_string("finding", report);
    Some(Item { id: id?, text: text?, hint: hint?, kind: kind?, unit: unit?, finding: finding? })
}

fn read_kind(item: &Fields, report: &mut Report) -> Option<AnswerKind> {
    let value = item.required("kind", report)?;
    let code = item.string("kind", value, report)?;
    let kind = AnswerKind::ALL.into_iter().find(|kind| kind.code() == code);
    if kind.is_none() {
        let valid: Vec<&str> = AnswerKind::ALL.iter().map(|kind| kind.code()).collect();
        report.error(
            value.span(),
            format!("unknown kind \"{code}\" in {} (valid kinds: {})", item.place, valid.join(", ")),
        );
    }
    kind
}

/// The `id` of a template, dimension or item: answers and pinned copies are keyed by it, so
/// it is kept to characters that survive file names, URLs and shells unchanged.
fn read_id(owner: &Fields, report: &mut Report) -> Option<(String, Range<usize>)> {
    let value = owner.required("id", report)?;
    let id = owner.string("id", value, report)?;
    let valid = !id.is_empty() && id.bytes().all(|byte| matches!(byte, b'a'..=b'z' | b'0'..=b'9' | b'-'));
    if !valid {
        report.error(
            value.span(),
            format!("\"id\" of {} is \"{id}\": use only lowercase letters a-z, digits 0-9 and \"-\"", owner.place),
        );
        return None;
    }
    Some((id, value.span()))
}

/// Takes `id` for the first `what` that uses it; a later one is reported with the line of
/// the first, so both can be found.
fn claim(
    taken: &mut HashMap<String, Range<usize>>,
    what: &str,
    id: String,
    span: Range<usize>,
    report: &mut Report,
) -> Option<String> {
    if let Some(first) = taken.get(&id) {
        let first_line = report.line(first.start);
        report.error(span, format!("{what} id \"{id}\" is used twice: first on line {first_line}"));
        return None;
    }
    taken.insert(id.clone(), span);
    Some(id)
}
