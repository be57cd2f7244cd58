//! A checklist template: what an inspector looks at, grouped by dimension (维度).
//! Templates are read from TOML (`crate::checklist`) and pinned into a session as JSON when
//! attached, so later edits to a template never change what an old session asked.
//! Fields may be added with `#[serde(default)]`; renaming breaks pinned copies.

use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Template {
    /// Stable id, e.g. "four-diagnoses"; a user file with the same id and a higher version
    /// replaces the shipped one.
    pub id: String,
    pub version: u32,
    pub title: Title,
    /// Where the content comes from, e.g. "seed 003 (无锡县)".
    #[serde(default)]
    pub source: String,
    pub dimensions: Vec<Dimension>,
}

/// A name in Chinese and English; `en` may be empty where a file gives none (dimensions).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug, Default)]
pub struct Title {
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Dimension {
    pub id: String,
    pub title: Title,
    pub items: Vec<Item>,
}

#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Item {
    /// Stable across versions and unique within the template: answers are keyed by it.
    pub id: String,
    pub text: String,
    #[serde(default)]
    pub hint: String,
    pub kind: AnswerKind,
    /// For `count`: what is counted, e.g. "份", "次", "分钟".
    #[serde(default)]
    pub unit: String,
    /// Suggested finding text when the item fails.
    #[serde(default)]
    pub finding: String,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
#[serde(rename_all = "kebab-case")]
pub enum AnswerKind {
    /// 通过 / 不通过 / 不适用
    PassFail,
    /// 1 to 5
    Score,
    /// A whole number >= 0 (documents required, trips made, minutes)
    Count,
    /// 是 / 否
    YesNo,
    /// Free text
    Text,
}

impl AnswerKind {
    pub const ALL: [AnswerKind; 5] =
        [AnswerKind::PassFail, AnswerKind::Score, AnswerKind::Count, AnswerKind::YesNo, AnswerKind::Text];

    /// The name used in template files.
    pub fn code(self) -> &'static str {
        match self {
            AnswerKind::PassFail => "pass-fail",
            AnswerKind::Score => "score",
            AnswerKind::Count => "count",
            AnswerKind::YesNo => "yes-no",
            AnswerKind::Text => "text",
        }
    }
}

impl Title {
    /// The name in the interface language; Chinese where no English was given.
    pub fn label(&self, lang: crate::i18n::Lang) -> &str {
        match lang {
            crate::i18n::Lang::En if !self.en.is_empty() => &self.en,
            _ => &self.zh,
        }
    }
}

impl Template {
    pub fn items(&self) -> impl Iterator<Item = (&Dimension, &Item)> {
        self.dimensions.iter().flat_map(|d| d.items.iter().map(move |i| (d, i)))
    }
    pub fn item_count(&self) -> usize {
        self.dimensions.iter().map(|d| d.items.len()).sum()
    }
    pub fn item(&self, id: &str) -> Option<(&Dimension, &Item)> {
        self.items().find(|(_, i)| i.id == id)
    }
}
