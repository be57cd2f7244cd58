//! The form's pick list as a model: options (a label and a match key each) filtered and
//! ranked on every change of its query by [`crate::pinyin_match`] (Chinese, English, a code,
//! pinyin initials or syllables). The match keys are built once when it opens; a keystroke
//! only re-ranks. Opening it on a field, its keys and putting the choice into the field are
//! `picker_keys`'.

use crate::edit::TextInput;
use crate::i18n::Lang;
use crate::pinyin_match::{PickKey, Query, rank};
use crate::vocab::ChoiceList;

/// A pick list over fixed options, its query, and the option under the cursor.
pub struct Picker {
    pub query: TextInput,
    labels: Vec<String>,
    keys: Vec<PickKey>,
    /// Indices into `labels` of the options matching the query, best first.
    shown: Vec<usize>,
    /// The query `shown` was ranked for, so caret moves do not re-rank.
    ranked_for: String,
    /// Index into `shown`.
    pub cursor: usize,
    /// Display width of the widest label, measured once for the UI.
    widest: usize,
    /// The query started as the field's partly typed last entry: a pick replaces that entry.
    pub(super) replaces_typed: bool,
    /// Enter with no match keeps the typed query (lists that store codes do not).
    pub(super) accepts_unlisted: bool,
}

impl Picker {
    /// A picker over `options` (label and match key, in list order) starting from `query`.
    pub fn new(options: Vec<(String, PickKey)>, query: &str) -> Picker {
        let (labels, keys): (Vec<String>, _) = options.into_iter().unzip();
        let widest = labels.iter().map(|l| crate::text::width(l)).max().unwrap_or(0);
        let mut picker = Picker {
            widest,
            query: TextInput::single().with_text(query),
            labels,
            keys,
            shown: Vec::new(),
            ranked_for: String::new(),
            cursor: 0,
            replaces_typed: false,
            accepts_unlisted: false,
        };
        picker.rank();
        picker
    }

    /// Re-rank for the query if it changed; the best match goes under the cursor.
    pub fn refilter(&mut self) {
        if self.query.text() != self.ranked_for {
            self.rank();
        }
    }

    fn rank(&mut self) {
        self.shown = rank(&self.keys, &Query::new(self.query.text()));
        self.ranked_for = self.query.text().to_string();
        self.cursor = 0;
    }

    /// The matching labels, best first.
    pub fn shown(&self) -> impl ExactSizeIterator<Item = &str> {
        self.shown.iter().map(|&i| self.labels[i].as_str())
    }

    /// How many options match.
    pub fn matches(&self) -> usize {
        self.shown.len()
    }

    /// How many options there are.
    pub fn total(&self) -> usize {
        self.labels.len()
    }

    /// Display width of the widest label.
    pub fn widest(&self) -> usize {
        self.widest
    }

    /// The label under the cursor.
    pub fn selected(&self) -> Option<&str> {
        self.shown.get(self.cursor).map(|&i| self.labels[i].as_str())
    }

    /// Whether Enter with no match keeps the typed query.
    pub fn accepts_unlisted(&self) -> bool {
        self.accepts_unlisted
    }

    pub(super) fn move_by(&mut self, delta: isize) {
        let last = self.shown.len().saturating_sub(1) as isize;
        self.cursor = (self.cursor as isize + delta).clamp(0, last) as usize;
    }
}

/// The options of a vocabulary list in `lang`: each label with the key it is matched by.
pub fn vocab_options(list: ChoiceList, lang: Lang) -> Vec<(String, PickKey)> {
    list.entries().into_iter().map(|e| (e.label(lang).to_string(), PickKey::new(e.zh(), &[e.en(), e.code()]))).collect()
}
