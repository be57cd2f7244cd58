//! Typed reads from one TOML table that keep positions: each read that fails reports why,
//! pointing at the value (wrong type) or at the table that lacks the key (missing field).
//!
//! Reads never stop at the first problem; they return `None` and the caller keeps reading
//! the other fields, so one pass reports everything wrong in a file.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeArray, DeTable, DeValue};

use crate::problem::Report;

pub(super) type Value<'t, 'i> = &'t Spanned<DeValue<'i>>;

/// A table being read: its entries, where it starts and how messages name it.
pub(super) struct Fields<'t, 'i> {
    table: &'t DeTable<'i>,
    /// The `[[header]]`, `{` of an inline table, or 0..0 for the file itself: where a
    /// missing key is reported, since it has no place of its own.
    span: Range<usize>,
    /// e.g. `the template`, `item 3 of dimension "satisfaction"`.
    pub(super) place: String,
}

impl<'t, 'i> Fields<'t, 'i> {
    pub(super) fn new(table: &'t DeTable<'i>, span: Range<usize>, place: String) -> Self {
        Fields { table, span, place }
    }

    /// Reports every key not in `allowed`; a typo like `tittle` would otherwise be silently
    /// ignored and the real field reported missing, or worse, not at all if it is optional.
    pub(super) fn reject_unknown_keys(&self, allowed: &[&str], report: &mut Report) {
        for (key, _) in self.table.iter() {
            if !allowed.contains(&key.get_ref().as_ref()) {
                report.error(
                    key.span(),
                    format!("unknown key \"{}\" in {} (allowed: {})", key.get_ref(), self.place, allowed.join(", ")),
                );
            }
        }
    }

    pub(super) fn optional(&self, key: &str) -> Option<Value<'t, 'i>> {
        self.table.get(key)
    }

    /// The value of `key`, or a "has no" problem at the table.
    pub(super) fn required(&self, key: &str, report: &mut Report) -> Option<Value<'t, 'i>> {
        self.required_or_explain(key, "", report)
    }

    /// As [`Fields::required`], with `advice` after the "has no" message.
    pub(super) fn required_or_explain(&self, key: &str, advice: &str, report: &mut Report) -> Option<Value<'t, 'i>> {
        let value = self.table.get(key);
        if value.is_none() {
            report.error(self.span.clone(), format!("{} has no \"{key}\"{advice}", self.place));
        }
        value
    }

    /// A required string that must not be blank.
    pub(super) fn text(&self, key: &str, report: &mut Report) -> Option<(String, Range<usize>)> {
        let value = self.required(key, report)?;
        let text = self.string(key, value, report)?;
        if text.trim().is_empty() {
            report.error(value.span(), format!("\"{key}\" of {} is empty", self.place));
            return None;
        }
        Some((text, value.span()))
    }

    /// An optional string; absent reads as "". `None` only when it has the wrong type.
    pub(super) fn optional_string(&self, key: &str, report: &mut Report) -> Option<String> {
        match self.optional(key) {
            None => Some(String::new()),
            Some(value) => self.string(key, value, report),
        }
    }

    pub(super) fn string(&self, key: &str, value: Value, report: &mut Report) -> Option<String> {
        match value.get_ref() {
            DeValue::String(text) => Some(text.to_string()),
            other => {
                self.wrong_type(key, value, "a string", other, report);
                None
            }
        }
    }

    pub(super) fn integer(&self, key: &str, value: Value, report: &mut Report) -> Option<i128> {
        match value.get_ref() {
            // The parser hands over the digits (sign included) and the radix; anything too
            // large for i128 is far beyond every limit we check, so it reads as out of range.
            DeValue::Integer(integer) => {
                Some(i128::from_str_radix(integer.as_str(), integer.radix()).unwrap_or(i128::MAX))
            }
            other => {
                self.wrong_type(key, value, "an integer", other, report);
                None
            }
        }
    }

    pub(super) fn table(
        &self,
        key: &str,
        value: Value<'t, 'i>,
        shape: &str,
        report: &mut Report,
    ) -> Option<&'t DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(table) => Some(table),
            other => {
                self.wrong_type(key, value, shape, other, report);
                None
            }
        }
    }

    pub(super) fn array(
        &self,
        key: &str,
        value: Value<'t, 'i>,
        shape: &str,
        report: &mut Report,
    ) -> Option<&'t DeArray<'i>> {
        match value.get_ref() {
            DeValue::Array(array) => Some(array),
            other => {
                self.wrong_type(key, value, shape, other, report);
                None
            }
        }
    }

    fn wrong_type(&self, key: &str, value: Value, expected: &str, found: &DeValue, report: &mut Report) {
        report.error(
            value.span(),
            format!("\"{key}\" of {} must be {expected}, found {}", self.place, describe_value(found)),
        );
    }
}

pub(super) use crate::problem::describe_value;

#[cfg(test)]
mod tests {
    use super::*;

    fn read_integer(text: &str) -> (Option<i128>, Vec<String>) {
        let document = DeTable::parse(text).expect("valid TOML");
        let fields = Fields::new(document.get_ref(), 0..0, "the test".to_string());
        let mut report = Report::new("t.toml", text);
        let value = fields.required("n", &mut report).expect("n is there");
        let number = fields.integer("n", value, &mut report);
        (number, report.finish().into_iter().map(|problem| problem.message).collect())
    }

    #[test]
    fn integers_read_in_every_toml_notation() {
        for (text, expected) in
            [("n = 1_000", 1000), ("n = 0x1F", 31), ("n = 0o17", 15), ("n = 0b101", 5), ("n = +7", 7)]
        {
            assert_eq!(read_integer(text), (Some(expected), Vec::new()), "{text}");
        }
        assert_eq!(read_integer("n = -3").0, Some(-3));
    }

    #[test]
    fn integers_too_large_for_any_check_read_as_out_of_range() {
        assert_eq!(read_integer("n = 999999999999999999999999999999999999999999").0, Some(i128::MAX));
    }

    #[test]
    fn a_string_is_not_an_integer() {
        let (number, messages) = read_integer("n = \"1\"");
        assert_eq!(number, None);
        assert_eq!(messages, ["\"n\" of the test must be an integer, found a string"]);
    }
}
