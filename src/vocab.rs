//! Vocabularies compiled in from `assets/vocab/*.toml`: service items, modes, channels, themes,
//! responsible units, problem categories and tags, severities, places, windows, and material for
//! demo data. Every entry traces back to the seed documents (see the comments in each file).
//!
//! Parsed once on first use. A compiled-in file that fails to parse cannot be fixed by the user,
//! so [`vocab`] then degrades to empty lists instead of panicking; [`check`] reports why (for
//! `tiyan check`), and the tests below keep that from ever shipping.
//!
//! The units alone can be replaced: `<config dir>/units.toml`, in the format of the shipped
//! file, read at start-up by [`use_user_units`] with the same parser and checks. A broken file
//! is reported (file:line:column) and the shipped list stays.

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::sync::OnceLock;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::files::FileProblem;
use crate::i18n::Lang;
use crate::pinyin_match::{PickKey, Resolution};

/// An entry with a stable code (stored and exported) and a name in each UI language.
pub trait Coded {
    fn code(&self) -> &str;
    fn zh(&self) -> &str;
    fn en(&self) -> &str;
    fn label(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }
    /// The label for a narrow column: the short form where the file gives one (`short_en`:
    /// "accompany" for "accompany an applicant"; `short_zh`), else the label.
    fn short_label(&self, lang: Lang) -> &str {
        self.label(lang)
    }
}

macro_rules! coded {
    ($($ty:ty),* $(,)?) => {$(
        impl $ty {
            pub fn label(&self, lang: Lang) -> &str {
                Coded::label(self, lang)
            }
        }
        impl Coded for $ty {
            fn code(&self) -> &str { &self.code }
            fn zh(&self) -> &str { &self.zh }
            fn en(&self) -> &str { &self.en }
        }
    )*};
}

/// A plain coded entry: modes, channels, themes, units, tags, severities, windows, sectors.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub code: String,
    pub zh: String,
    pub en: String,
    /// A short English label for narrow columns (the session list's mode and channel), where
    /// `en` is a phrase; optional.
    #[serde(default)]
    pub short_en: Option<String>,
    /// The same in Chinese, where `zh` is longer than the column (体验官 for 体验官体验).
    #[serde(default)]
    pub short_zh: Option<String>,
}

impl Entry {
    pub fn label(&self, lang: Lang) -> &str {
        Coded::label(self, lang)
    }
}

impl Coded for Entry {
    fn code(&self) -> &str {
        &self.code
    }
    fn zh(&self) -> &str {
        &self.zh
    }
    fn en(&self) -> &str {
        &self.en
    }
    fn short_label(&self, lang: Lang) -> &str {
        let short = match lang {
            Lang::En => &self.short_en,
            Lang::Zh => &self.short_zh,
        };
        match short {
            Some(short) if !short.trim().is_empty() => short,
            _ => self.label(lang),
        }
    }
}

pub type Mode = Entry;
pub type Channel = Entry;
pub type Theme = Entry;
pub type Unit = Entry;
pub type Tag = Entry;
pub type Severity = Entry;
pub type Window = Entry;
pub type Sector = Entry;

/// 体验事项, with its theme and the unit that usually handles it (codes).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub theme: String,
    pub unit: String,
}

/// 堵点 / 难点 / 痛点, with a one-line meaning for the help text.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub meaning_zh: String,
    pub meaning_en: String,
}

impl Category {
    pub fn meaning(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.meaning_zh,
            Lang::En => &self.meaning_en,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlaceKind {
    /// The county government service centre.
    Hall,
    /// A branch hall (分中心) or a department's own hall.
    Branch,
    /// A township or street service centre (便民／为民服务中心).
    Township,
    /// A village or community service station.
    Village,
    /// The 12345 hotline centre.
    Hotline,
}

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Place {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub kind: PlaceKind,
}

coded!(Item, Category, Place);

/// A fictitious problem description for demo data; codes refer to the vocabularies.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoFinding {
    pub text: String,
    pub category: String,
    pub tag: String,
    pub item: Option<String>,
    pub unit: Option<String>,
    pub severity: Option<String>,
}

/// A 细化整改措施 that answers findings with the given tag.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoMeasure {
    pub text: String,
    pub tag: String,
}

/// A clearly fictitious inspector (name in Chinese and pinyin) with a sector code.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoInspector {
    pub zh: String,
    pub en: String,
    pub sector: String,
}

impl DemoInspector {
    pub fn name(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DemoMaterial {
    #[serde(rename = "finding")]
    pub findings: Vec<DemoFinding>,
    #[serde(rename = "measure")]
    pub measures: Vec<DemoMeasure>,
    #[serde(rename = "inspector")]
    pub inspectors: Vec<DemoInspector>,
    #[serde(rename = "sector")]
    pub sectors: Vec<Sector>,
    /// 完成情况 phrases.
    pub progress: Vec<String>,
    /// 备注 phrases.
    pub notes: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Vocab {
    pub items: Vec<Item>,
    pub modes: Vec<Mode>,
    pub channels: Vec<Channel>,
    pub themes: Vec<Theme>,
    pub units: Vec<Unit>,
    pub categories: Vec<Category>,
    pub tags: Vec<Tag>,
    pub severities: Vec<Severity>,
    pub places: Vec<Place>,
    pub windows: Vec<Window>,
    pub demo: DemoMaterial,
}

/// The entry whose code is `code`.
pub fn find<'a, T: Coded>(entries: &'a [T], code: &str) -> Option<&'a T> {
    entries.iter().find(|e| e.code() == code)
}

/// The entry named by `text`: its code, Chinese or English name (trimmed; English any case).
/// For typed or imported input.
pub fn lookup<'a, T: Coded>(entries: &'a [T], text: &str) -> Option<&'a T> {
    let text = text.trim();
    entries.iter().find(|e| names(*e, text))
}

/// Whether `text` (trimmed) names `e`: its code, Chinese name, or English name or short name
/// (any case), so a short label seen in a list and typed back finds its entry.
fn names<T: Coded + ?Sized>(e: &T, text: &str) -> bool {
    e.code() == text
        || e.zh() == text
        || e.en().eq_ignore_ascii_case(text)
        || e.short_label(Lang::En).eq_ignore_ascii_case(text)
}

/// The vocabularies, parsed once.
pub fn vocab() -> &'static Vocab {
    static VOCAB: OnceLock<Vocab> = OnceLock::new();
    VOCAB.get_or_init(|| load().unwrap_or_default())
}

/// Everything wrong with the compiled-in vocabularies: a parse error, or broken references and
/// duplicates. Empty when all is well.
pub fn check() -> Vec<String> {
    match load() {
        Ok(vocab) => validate(&vocab),
        Err(e) => vec![e.to_string()],
    }
}

/// The pick lists the forms offer. Short closed lists (modes, channels, themes, categories,
/// severities) store the entry's code and show its label in the UI language. Long lists (items,
/// places, windows, units, tags) store the Chinese name, as seed 003's 清单 does, and accept text
/// that is not listed: a hall may handle an item or have a window nobody put in the vocabulary.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChoiceList {
    Items,
    Modes,
    Channels,
    Themes,
    Places,
    Windows,
    Units,
    Categories,
    Tags,
    Severities,
}

impl ChoiceList {
    pub const ALL: [ChoiceList; 10] = [
        ChoiceList::Items,
        ChoiceList::Modes,
        ChoiceList::Channels,
        ChoiceList::Themes,
        ChoiceList::Places,
        ChoiceList::Windows,
        ChoiceList::Units,
        ChoiceList::Categories,
        ChoiceList::Tags,
        ChoiceList::Severities,
    ];

    /// Whether a stored value is the entry's code (otherwise its Chinese name).
    pub fn stores_code(self) -> bool {
        matches!(
            self,
            ChoiceList::Modes
                | ChoiceList::Channels
                | ChoiceList::Themes
                | ChoiceList::Categories
                | ChoiceList::Severities
        )
    }

    pub fn entries(self) -> Vec<&'static dyn Coded> {
        fn all<T: Coded>(list: &'static [T]) -> Vec<&'static dyn Coded> {
            list.iter().map(|e| e as &dyn Coded).collect()
        }
        let v = vocab();
        match self {
            ChoiceList::Items => all(&v.items),
            ChoiceList::Modes => all(&v.modes),
            ChoiceList::Channels => all(&v.channels),
            ChoiceList::Themes => all(&v.themes),
            ChoiceList::Places => all(&v.places),
            ChoiceList::Windows => all(&v.windows),
            ChoiceList::Units => all(units()),
            ChoiceList::Categories => all(&v.categories),
            ChoiceList::Tags => all(&v.tags),
            ChoiceList::Severities => all(&v.severities),
        }
    }

    /// The entry a stored or typed value names: its code, Chinese or English name.
    pub fn find(self, text: &str) -> Option<&'static dyn Coded> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        self.entries().into_iter().find(|e| names(*e, text))
    }

    /// What the picker offers: every label in the UI language, in file order.
    pub fn options(self, lang: Lang) -> Vec<String> {
        self.entries().into_iter().map(|e| e.label(lang).to_string()).collect()
    }

    /// A stored value as shown in the UI language; unlisted text is shown as it was typed.
    pub fn display(self, stored: &str, lang: Lang) -> String {
        match self.find(stored) {
            Some(e) => e.label(lang).to_string(),
            None => stored.trim().to_string(),
        }
    }

    /// A stored value as a narrow column shows it: the entry's short label (see
    /// [`Coded::short_label`]); unlisted text as it was typed.
    pub fn short_display(self, stored: &str, lang: Lang) -> String {
        match self.find(stored) {
            Some(e) => e.short_label(lang).to_string(),
            None => stored.trim().to_string(),
        }
    }

    /// The widest short label of the list in `lang`, counting only labels of at most `cap`
    /// columns (a column sized to fit them; longer ones are cut).
    pub fn short_width(self, lang: Lang, cap: usize) -> usize {
        self.entries()
            .into_iter()
            .map(|e| crate::text::width(e.short_label(lang)))
            .filter(|w| *w <= cap)
            .max()
            .unwrap_or(0)
    }

    /// For lists stored as codes (a JSON contract), the code of `text`, or Err when `text`
    /// names no entry; None for lists that keep free text.
    pub fn strict_code(self, text: &str) -> Option<Result<String, ()>> {
        self.stores_code().then(|| self.find(text).map(|e| e.code().to_string()).ok_or(()))
    }

    /// The entry `text` names where no picker can be shown (the command line), ranked as the
    /// picker ranks (see [`crate::pinyin_match::resolve`]): an exact code or name first, then one
    /// clear match by Chinese, English, code or pinyin; several or none otherwise.
    pub fn resolve(self, text: &str) -> Resolved {
        if let Some(entry) = self.find(text) {
            return Resolved::One(entry);
        }
        let entries = self.entries();
        let keys: Vec<PickKey> = entries.iter().map(|e| pick_key(*e)).collect();
        match crate::pinyin_match::resolve(&keys, text) {
            Resolution::Found(i) => Resolved::One(entries[i]),
            Resolution::NotFound => Resolved::None,
            Resolution::Ambiguous(indices) => Resolved::Several(indices.into_iter().map(|i| entries[i]).collect()),
        }
    }

    /// What to store for text typed or picked in either language (see [`ChoiceList`]).
    pub fn to_stored(self, text: &str) -> String {
        match self.find(text) {
            Some(e) if self.stores_code() => e.code().to_string(),
            Some(e) => e.zh().to_string(),
            None => text.trim().to_string(),
        }
    }
}

/// What a typed name resolves to in a [`ChoiceList`].
pub enum Resolved {
    One(&'static dyn Coded),
    None,
    /// Best first.
    Several(Vec<&'static dyn Coded>),
}

/// How the picker matches an entry: its Chinese name (also by pinyin), its English name and its
/// code.
pub fn pick_key(entry: &dyn Coded) -> PickKey {
    PickKey::new(entry.zh(), &[entry.en(), entry.code()])
}

/// A vocabulary file that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VocabError {
    pub file: &'static str,
    /// Located: "file:line:column: what is wrong".
    pub message: String,
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for VocabError {}

macro_rules! vocab_file {
    ($name:literal) => {
        (concat!("assets/vocab/", $name), include_str!(concat!("../assets/vocab/", $name)))
    };
}

const ITEMS: (&str, &str) = vocab_file!("items.toml");
const MODES: (&str, &str) = vocab_file!("modes.toml");
const CHANNELS: (&str, &str) = vocab_file!("channels.toml");
const THEMES: (&str, &str) = vocab_file!("themes.toml");
const UNITS: (&str, &str) = vocab_file!("units.toml");
const CATEGORIES: (&str, &str) = vocab_file!("categories.toml");
const SEVERITIES: (&str, &str) = vocab_file!("severities.toml");
const PLACES: (&str, &str) = vocab_file!("places.toml");
const DEMO: (&str, &str) = vocab_file!("demo.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ItemsFile {
    item: Vec<Item>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ModesFile {
    mode: Vec<Mode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChannelsFile {
    channel: Vec<Channel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemesFile {
    theme: Vec<Theme>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitsFile {
    unit: Vec<Unit>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    category: Vec<Category>,
    tag: Vec<Tag>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SeveritiesFile {
    severity: Vec<Severity>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PlacesFile {
    place: Vec<Place>,
    window: Vec<Window>,
}

fn parse<T: DeserializeOwned>((file, source): (&'static str, &str)) -> Result<T, VocabError> {
    parse_text(file, source).map_err(|message| VocabError { file, message })
}

/// Parse a vocabulary file, shipped or the user's; an error says file:line:column.
fn parse_text<T: DeserializeOwned>(file: &str, source: &str) -> Result<T, String> {
    toml::from_str(source).map_err(|e| located(file, source, e.span().map_or(0, |s| s.start), e.message()))
}

fn located(file: &str, source: &str, offset: usize, message: &str) -> String {
    let (line, column) = crate::problem::line_column(source, offset);
    format!("{file}:{line}:{column}: {message}")
}

/// The user's units, once [`use_user_units`] has installed them. A static set once at
/// start-up rather than a field of the app's Context: units are resolved through
/// [`ChoiceList`] in places that have no Context (forms, config, CLI import and export), and
/// the list does not change while the program runs.
static USER_UNITS: OnceLock<Vec<Unit>> = OnceLock::new();

/// The units in force: the user's `units.toml` if start-up installed one, else seed 003's 37.
pub fn units() -> &'static [Unit] {
    USER_UNITS.get().map_or(&vocab().units, Vec::as_slice)
}

/// Read `path` (`<config dir>/units.toml`) and, when it exists and is sound, make its units the
/// ones [`ChoiceList::Units`] offers for the rest of the run. Err is the file's first problem,
/// located; the shipped list then stays. A second call changes nothing.
pub fn use_user_units(path: &Path) -> Result<(), FileProblem> {
    if let Some(units) = load_units(path)? {
        let _ = USER_UNITS.set(units);
    }
    Ok(())
}

/// The units of a units file (the shipped file's format), checked as the shipped list is;
/// None when the file does not exist. Read as every config file is: a regular file under the
/// cap ([`crate::files::read_text`]).
pub fn load_units(path: &Path) -> Result<Option<Vec<Unit>>, FileProblem> {
    let Some(source) = crate::files::read_optional(path, crate::files::MAX_CONFIG_BYTES)? else {
        return Ok(None);
    };
    let file = path.display().to_string();
    let units = parse_text::<UnitsFile>(&file, &source).map_err(FileProblem::Located)?.unit;
    if units.is_empty() {
        return Err(FileProblem::Located(located(&file, &source, 0, "no [[unit]] entries")));
    }
    if let Some((index, problem)) = entry_problems("unit", &units).into_iter().next() {
        return Err(FileProblem::Located(located(&file, &source, entry_offset(&source, index), &problem)));
    }
    Ok(Some(units))
}

/// Where the `index`-th `[[unit]]` entry starts in `source` (0 when it cannot be told).
fn entry_offset(source: &str, index: usize) -> usize {
    #[derive(Deserialize)]
    struct Spans {
        unit: Vec<toml::Spanned<toml::Table>>,
    }
    toml::from_str::<Spans>(source).ok().and_then(|s| s.unit.get(index).map(|u| u.span().start)).unwrap_or(0)
}

/// Parses every vocabulary file (no cross-checks; see [`validate`]).
pub fn load() -> Result<Vocab, VocabError> {
    let categories: CategoriesFile = parse(CATEGORIES)?;
    let places: PlacesFile = parse(PLACES)?;
    Ok(Vocab {
        items: parse::<ItemsFile>(ITEMS)?.item,
        modes: parse::<ModesFile>(MODES)?.mode,
        channels: parse::<ChannelsFile>(CHANNELS)?.channel,
        themes: parse::<ThemesFile>(THEMES)?.theme,
        units: parse::<UnitsFile>(UNITS)?.unit,
        categories: categories.category,
        tags: categories.tag,
        severities: parse::<SeveritiesFile>(SEVERITIES)?.severity,
        places: places.place,
        windows: places.window,
        demo: parse(DEMO)?,
    })
}

/// Duplicates, malformed codes, empty names and references to unknown codes.
pub fn validate(v: &Vocab) -> Vec<String> {
    let mut problems = Vec::new();
    check_list(&mut problems, ITEMS.0, "item", &v.items);
    check_list(&mut problems, MODES.0, "mode", &v.modes);
    check_list(&mut problems, CHANNELS.0, "channel", &v.channels);
    check_list(&mut problems, THEMES.0, "theme", &v.themes);
    check_list(&mut problems, UNITS.0, "unit", &v.units);
    check_list(&mut problems, CATEGORIES.0, "category", &v.categories);
    check_list(&mut problems, CATEGORIES.0, "tag", &v.tags);
    check_list(&mut problems, SEVERITIES.0, "severity", &v.severities);
    check_list(&mut problems, PLACES.0, "place", &v.places);
    check_list(&mut problems, PLACES.0, "window", &v.windows);
    check_list(&mut problems, DEMO.0, "sector", &v.demo.sectors);

    let mut refers = |file: &str, what: &str, code: &str, list: &str, known: bool| {
        if !known {
            problems.push(format!("{file}: {what} refers to unknown {list} \"{code}\""));
        }
    };
    for item in &v.items {
        let what = format!("item \"{}\"", item.code);
        refers(ITEMS.0, &what, &item.theme, "theme", find(&v.themes, &item.theme).is_some());
        refers(ITEMS.0, &what, &item.unit, "unit", find(&v.units, &item.unit).is_some());
    }
    for (n, f) in v.demo.findings.iter().enumerate() {
        let what = format!("finding #{}", n + 1);
        refers(DEMO.0, &what, &f.category, "category", find(&v.categories, &f.category).is_some());
        refers(DEMO.0, &what, &f.tag, "tag", find(&v.tags, &f.tag).is_some());
        if let Some(code) = &f.item {
            refers(DEMO.0, &what, code, "item", find(&v.items, code).is_some());
        }
        if let Some(code) = &f.unit {
            refers(DEMO.0, &what, code, "unit", find(&v.units, code).is_some());
        }
        if let Some(code) = &f.severity {
            refers(DEMO.0, &what, code, "severity", find(&v.severities, code).is_some());
        }
    }
    for (n, m) in v.demo.measures.iter().enumerate() {
        let what = format!("measure #{}", n + 1);
        refers(DEMO.0, &what, &m.tag, "tag", find(&v.tags, &m.tag).is_some());
    }
    for p in &v.demo.inspectors {
        let what = format!("inspector \"{}\"", p.zh);
        refers(DEMO.0, &what, &p.sector, "sector", find(&v.demo.sectors, &p.sector).is_some());
    }

    let texts = [
        ("finding", v.demo.findings.iter().map(|f| f.text.as_str()).collect::<Vec<_>>()),
        ("measure", v.demo.measures.iter().map(|m| m.text.as_str()).collect()),
        ("inspector", v.demo.inspectors.iter().map(|p| p.zh.as_str()).collect()),
        ("inspector name", v.demo.inspectors.iter().map(|p| p.en.as_str()).collect()),
        ("progress", v.demo.progress.iter().map(String::as_str).collect()),
        ("note", v.demo.notes.iter().map(String::as_str).collect()),
    ];
    for (what, list) in texts {
        let mut seen = HashSet::new();
        for text in list {
            if text.trim().is_empty() {
                problems.push(format!("{}: empty {what}", DEMO.0));
            } else if !seen.insert(text) {
                problems.push(format!("{}: duplicate {what} \"{text}\"", DEMO.0));
            }
        }
    }
    problems
}

fn check_list<T: Coded>(problems: &mut Vec<String>, file: &str, what: &str, entries: &[T]) {
    problems.extend(entry_problems(what, entries).into_iter().map(|(_, p)| format!("{file}: {p}")));
}

/// Malformed codes, empty names and duplicates, each with the index of the entry at fault.
fn entry_problems<T: Coded>(what: &str, entries: &[T]) -> Vec<(usize, String)> {
    let mut problems = Vec::new();
    let mut codes = HashSet::new();
    let mut zh = HashSet::new();
    let mut en = HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let code = e.code();
        let snake = !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !snake {
            problems.push((i, format!("{what} code \"{code}\" is not snake_case")));
        }
        if e.zh().trim().is_empty() || e.en().trim().is_empty() {
            problems.push((i, format!("{what} \"{code}\" has an empty name")));
        }
        if !codes.insert(code) {
            problems.push((i, format!("duplicate {what} code \"{code}\"")));
        }
        if !zh.insert(e.zh()) {
            problems.push((i, format!("duplicate {what} name \"{}\"", e.zh())));
        }
        if !en.insert(e.en().to_ascii_lowercase()) {
            problems.push((i, format!("duplicate {what} name \"{}\"", e.en())));
        }
        let short = e.short_label(Lang::En);
        if short != e.en() && !en.insert(short.to_ascii_lowercase()) {
            problems.push((i, format!("duplicate {what} short name \"{short}\"")));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthChar;

    /// Seed 003 (巫溪县), 附件1 “参与部门单位名单”, copied verbatim.
    const SEED_003_UNITS: &str = "县委办公室、县委宣传部、县委统战部、县发展改革委、县教委、县科技局、\
        县经济信息委、县公安局、县民政局、县司法局、县财政局、县人力社保局、县规划自然资源局、县生态环境局、\
        县住房城乡建委、县城市管理局、县交通局、县水利局、县农业农村委、县商务委、县文化旅游委、县卫生健康委、\
        县退役军人事务局、县应急局、县市场监管局、县统计局、县医保局、县林业局、县信访办、县残联、\
        县消防救援大队、县税务局、县气象局、县烟草局、公积金中心巫溪分中心、县政务服务中心、渝宁公司。";

    fn loaded() -> Vocab {
        load().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn modes_and_channels_have_short_english_labels_that_fit_a_column() {
        for list in [ChoiceList::Modes, ChoiceList::Channels] {
            for e in list.entries() {
                let short = e.short_label(Lang::En);
                assert!(crate::text::width(short) <= 10, "{short:?} is wider than the column");
                // Typed back, a short label finds its entry; Chinese keeps its own label, but one.
                assert_eq!(list.find(short).map(|f| f.code()), Some(e.code()));
                // 体验官体验 alone is longer than the column.
                let zh = if e.code() == "officer_visit" { "体验官" } else { e.zh() };
                assert_eq!(e.short_label(Lang::Zh), zh);
            }
        }
        assert_eq!(ChoiceList::Modes.short_display("accompany", Lang::En), "accompany");
        assert_eq!(ChoiceList::Modes.short_display("open_or_covert_visit", Lang::En), "spot check");
        assert_eq!(ChoiceList::Channels.short_display("mobile_app", Lang::En), "mobile app");
        assert_eq!(ChoiceList::Channels.short_display("自带的渠道", Lang::En), "自带的渠道");
        assert_eq!(ChoiceList::Channels.short_width(Lang::En, 10), 10);
    }

    #[test]
    fn every_file_parses() {
        let v = loaded();
        assert_eq!(&v, vocab(), "vocab() must serve the parsed files");
    }

    #[test]
    fn no_duplicates_and_all_references_resolve() {
        let problems = validate(&loaded());
        assert!(problems.is_empty(), "{problems:#?}");
        assert!(check().is_empty());
    }

    #[test]
    fn units_are_exactly_the_seed_003_list() {
        let seed: Vec<&str> = SEED_003_UNITS.trim_end_matches('。').split('、').collect();
        assert_eq!(seed.len(), 37);
        let ours: Vec<&str> = vocab().units.iter().map(|u| u.zh.as_str()).collect();
        assert_eq!(ours, seed);
    }

    #[test]
    fn sizes_asked_for() {
        let v = vocab();
        assert!(v.items.len() >= 40, "items: {}", v.items.len());
        // Nine ways to walk, and the two of the kiosk (群众评价, 体验官体验).
        assert_eq!(v.modes.len(), 11);
        assert_eq!(v.channels.len(), 5);
        assert!(v.themes.len() >= 10);
        assert_eq!(v.categories.len(), 3);
        assert_eq!(v.severities.len(), 3);
        assert!(v.tags.len() >= 11);
        assert!(!v.places.is_empty() && !v.windows.is_empty());
        assert!(v.demo.findings.len() >= 40);
        assert!(v.demo.measures.len() >= 20);
        assert_eq!(v.demo.inspectors.len(), 12);
        assert!(!v.demo.progress.is_empty() && !v.demo.notes.is_empty());
    }

    #[test]
    fn names_from_the_brief_and_seeds_are_present() {
        let v = vocab();
        let zh = |list: &[Entry]| list.iter().map(|e| e.zh.clone()).collect::<Vec<_>>();
        for name in ["堵点", "难点", "痛点"] {
            assert!(lookup(&v.categories, name).is_some(), "{name}");
        }
        assert_eq!(zh(&v.severities), ["一般", "较重", "严重"]);
        for name in ["亲身办", "帮代办", "陪同办", "坐窗口", "现场勘验", "基层蹲点", "明察暗访", "督导办"]
        {
            assert!(lookup(&v.modes, name).is_some(), "{name}");
        }
        let themes = zh(&v.themes);
        for name in [
            "市场准入",
            "惠企政策",
            "就业创业",
            "医保服务",
            "婚育服务",
            "出行服务",
            "助残服务",
            "老年人服务",
            "不动产",
            "一件事一次办",
        ] {
            assert!(themes.iter().any(|t| t == name), "{name}");
        }
        for name in ["排队等待时间过长", "一次性告知不到位", "服务态度", "系统不通", "工作纪律"]
        {
            assert!(lookup(&v.tags, name).is_some(), "{name}");
        }
        let business = lookup(&v.items, "企业开办").map(|i| i.unit.as_str());
        assert_eq!(business.and_then(|u| find(&v.units, u)).map(|u| u.zh.as_str()), Some("县市场监管局"));
    }

    /// Every tag a demo finding uses has a measure answering it, so generated rows make sense.
    #[test]
    fn every_demo_finding_tag_has_a_measure() {
        let demo = &vocab().demo;
        for f in &demo.findings {
            assert!(demo.measures.iter().any(|m| m.tag == f.tag), "no measure for {}", f.tag);
        }
    }

    /// Ambiguous-width characters (“”…—·) misalign on CJK-configured terminals.
    #[test]
    fn labels_have_no_ambiguous_width_characters() {
        let v = vocab();
        let mut labels: Vec<&str> = Vec::new();
        for list in [&v.modes, &v.channels, &v.themes, &v.units, &v.tags, &v.severities, &v.windows] {
            labels.extend(list.iter().flat_map(|e| [e.zh.as_str(), e.en.as_str()]));
        }
        labels.extend(v.items.iter().flat_map(|e| [e.zh.as_str(), e.en.as_str()]));
        labels.extend(v.places.iter().flat_map(|e| [e.zh.as_str(), e.en.as_str()]));
        labels.extend(v.categories.iter().flat_map(|e| [e.zh.as_str(), e.meaning_zh.as_str()]));
        labels.extend(v.demo.findings.iter().map(|f| f.text.as_str()));
        labels.extend(v.demo.measures.iter().map(|m| m.text.as_str()));
        labels.extend(v.demo.progress.iter().chain(&v.demo.notes).map(String::as_str));
        for label in labels {
            for c in label.chars() {
                assert_eq!(c.width(), c.width_cjk(), "{label}: ambiguous-width {c:?}");
            }
        }
    }

    #[test]
    fn label_and_lookup() {
        let v = vocab();
        let mode = find(&v.modes, "accompany").map(|m| (m.label(Lang::Zh), m.label(Lang::En)));
        assert_eq!(mode, Some(("陪同办", "accompany an applicant")));
        assert_eq!(lookup(&v.channels, " 12345 HOTLINE ").map(|c| c.code.as_str()), Some("hotline_12345"));
        assert_eq!(lookup(&v.units, "县医保局").map(|u| u.code.as_str()), Some("medical_security"));
        assert!(lookup(&v.units, "不存在的单位").is_none());
        let inspector = &v.demo.inspectors[0];
        assert_ne!(inspector.name(Lang::Zh), inspector.name(Lang::En));
    }

    #[test]
    fn choice_lists_store_codes_or_chinese_names_and_round_trip() {
        for list in ChoiceList::ALL {
            for lang in Lang::ALL {
                let options = list.options(lang);
                assert!(!options.is_empty(), "{list:?}");
                for option in &options {
                    let stored = list.to_stored(option);
                    assert_eq!(&list.display(&stored, lang), option, "{list:?} {option}");
                }
            }
        }
        assert_eq!(ChoiceList::Modes.to_stored("陪同办"), "accompany");
        assert_eq!(ChoiceList::Modes.to_stored("Accompany an applicant "), "accompany");
        assert_eq!(ChoiceList::Modes.display("accompany", Lang::En), "accompany an applicant");
        assert_eq!(ChoiceList::Items.to_stored("business start-up"), "企业开办");
        assert_eq!(ChoiceList::Items.to_stored("business_startup"), "企业开办");
        assert_eq!(ChoiceList::Units.display("县医保局", Lang::En), "County Medical Security Bureau");
    }

    #[test]
    fn typed_units_resolve_as_the_picker_ranks_them() {
        let one = |text: &str| match ChoiceList::Units.resolve(text) {
            Resolved::One(e) => e.zh().to_string(),
            Resolved::None => "none".into(),
            Resolved::Several(list) => format!("{} units", list.len()),
        };
        assert_eq!(one("yb"), "县医保局");
        assert_eq!(one("scjg"), "县市场监管局");
        assert_eq!(one("County Medical Security Bureau"), "县医保局");
        assert_eq!(one("县"), "35 units", "every 县 unit");
        assert_eq!(one("zzzz"), "none");
    }

    #[test]
    fn choice_lists_keep_unlisted_text() {
        assert_eq!(ChoiceList::Items.to_stored(" 临时占道许可 "), "临时占道许可");
        assert_eq!(ChoiceList::Places.display("某某临时服务点", Lang::En), "某某临时服务点");
        assert_eq!(ChoiceList::Modes.display("", Lang::Zh), "");
        assert!(ChoiceList::Tags.find("  ").is_none());
    }

    #[test]
    fn validate_catches_duplicates_and_dangling_codes() {
        let mut v = loaded();
        v.units.push(v.units[0].clone());
        v.items[0].theme = "nowhere".into();
        v.modes[0].code = "Bad Code".into();
        v.demo.findings[0].tag = "no_such_tag".into();
        let problems = validate(&v).join("\n");
        assert!(problems.contains("duplicate unit code \"party_office\""), "{problems}");
        assert!(problems.contains("duplicate unit name \"县委办公室\""), "{problems}");
        assert!(problems.contains("unknown theme \"nowhere\""), "{problems}");
        assert!(problems.contains("\"Bad Code\" is not snake_case"), "{problems}");
        assert!(problems.contains("finding #1 refers to unknown tag \"no_such_tag\""), "{problems}");
    }

    const TWO_UNITS: &str = "# 本县的承办单位\n[[unit]]\ncode = \"medical_security\"\nzh = \"县医保局\"\nen = \"County Medical Security Bureau\"\n\n[[unit]]\ncode = \"water\"\nzh = \"县水务局\"\nen = \"County Water Bureau\"\n";

    #[test]
    fn a_user_units_file_is_read_with_the_shipped_format_and_checks() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.toml");
        assert_eq!(load_units(&path), Ok(None), "no file: the shipped list");
        std::fs::write(&path, TWO_UNITS).unwrap();
        let units = load_units(&path).unwrap().unwrap();
        assert_eq!(units.iter().map(|u| u.zh.as_str()).collect::<Vec<_>>(), ["县医保局", "县水务局"]);
        // The shipped file itself is a valid user file.
        std::fs::write(&path, UNITS.1).unwrap();
        assert_eq!(load_units(&path).unwrap().map(|u| u.len()), Some(37));
    }

    #[test]
    fn a_broken_user_units_file_is_located() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("units.toml");
        let file = path.display().to_string();
        let cases = [
            // A field the format does not have: where it is.
            (TWO_UNITS.replace("en = \"County Water Bureau\"", "name = \"x\""), ":10:1: unknown field `name`"),
            // A duplicate Chinese name: the entry that repeats it.
            (TWO_UNITS.replace("县水务局", "县医保局"), ":7:1: duplicate unit name \"县医保局\""),
            (TWO_UNITS.replace("\"water\"", "\"Water Bureau\""), ":7:1: unit code \"Water Bureau\" is not snake_case"),
            ("unit = []\n".to_string(), ":1:1: no [[unit]] entries"),
            ("[[unit]]\ncode = \"a\"\nzh = \"甲\"\n".to_string(), ":1:1: "),
        ];
        for (text, want) in cases {
            std::fs::write(&path, &text).unwrap();
            let err = load_units(&path).unwrap_err().to_string();
            assert!(err.starts_with(&format!("{file}{want}")), "{err}\nfor\n{text}");
        }
    }

    #[test]
    fn parse_errors_name_the_file() {
        let err = parse::<UnitsFile>(("assets/vocab/units.toml", "[[unit]]\ncode = 1\n"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.starts_with("assets/vocab/units.toml:2:8: "), "{err}");
        let unknown_field = parse::<UnitsFile>((
            "assets/vocab/units.toml",
            "[[unit]]\ncode = \"a\"\nzh = \"甲\"\nen = \"a\"\ncolour = \"red\"\n",
        ));
        assert!(unknown_field.is_err());
    }
}
