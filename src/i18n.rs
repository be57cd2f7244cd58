//! UI language and strings. Chinese is the first language, English the second.
//!
//! Strings live in `assets/i18n/{zh-CN,en}.toml` as `dotted.key = "text"` lines, compiled in and
//! flattened once into a map keyed by the full dotted key. A lookup never panics: a key missing
//! in one language falls back to the other, then to the key itself, so a forgotten line shows up
//! on screen as its key instead of crashing in front of a citizen.

use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, OnceLock, PoisonError};

const ZH_SOURCE: &str = include_str!("../assets/i18n/zh-CN.toml");
const EN_SOURCE: &str = include_str!("../assets/i18n/en.toml");

#[derive(Clone, Copy, PartialEq, Eq, Debug, Hash, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Zh, Lang::En];

    /// Short code used in config files and on the command line.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
        }
    }

    pub fn other(self) -> Lang {
        match self {
            Lang::Zh => Lang::En,
            Lang::En => Lang::Zh,
        }
    }

    /// Picks the UI language: the command line beats the config file beats the locale.
    /// An explicit value (cli or config) that is not recognised is an error naming it; a locale
    /// that is not Chinese simply means English; nothing set at all means Chinese.
    pub fn detect(cli: Option<&str>, config: Option<&str>, env_lang: Option<&str>) -> Result<Lang, String> {
        for (value, source) in [(cli, "--lang"), (config, "config lang")] {
            if let Some(value) = value.filter(|v| !v.trim().is_empty()) {
                return parse_explicit(value).ok_or_else(|| {
                    format!(
                        "无法识别的界面语言 \"{value}\"（来自 {source}，可用 zh 或 en）/ \
                         unknown language \"{value}\" from {source} (use zh or en)"
                    )
                });
            }
        }
        // The C/POSIX locale (common on servers reached over SSH) names no language: keep
        // the default, Chinese.
        Ok(match env_lang.filter(|v| !v.trim().is_empty() && !is_c_locale(v)) {
            Some(locale) => parse_explicit(locale).filter(|lang| *lang == Lang::Zh).unwrap_or(Lang::En),
            None => Lang::Zh,
        })
    }
}

impl Lang {
    /// [`Lang::detect`] for a terminal that may not show Chinese: with no explicit choice
    /// (command line or config), a terminal that cannot (`TERM=linux`, a C/POSIX or other
    /// non-UTF-8 locale) gets English, whatever the locale's language. An explicit `zh` keeps
    /// Chinese there too.
    pub fn detect_for_terminal(
        cli: Option<&str>,
        config: Option<&str>,
        env_lang: Option<&str>,
        shows_chinese: bool,
    ) -> Result<Lang, String> {
        let explicit = [cli, config].into_iter().flatten().any(|v| !v.trim().is_empty());
        if !explicit && !shows_chinese {
            return Ok(Lang::En);
        }
        Lang::detect(cli, config, env_lang)
    }
}

/// The locale the environment asks for, in POSIX precedence: LC_ALL, then LC_MESSAGES, then
/// LANG; empty values count as unset.
pub fn env_locale() -> Option<String> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .find(|value| !value.trim().is_empty())
}

/// "C", "POSIX", "C.UTF-8" …: the locale that names no language.
fn is_c_locale(value: &str) -> bool {
    let base = value.trim().split(['.', '@']).next().unwrap_or_default();
    base.eq_ignore_ascii_case("c") || base.eq_ignore_ascii_case("posix")
}

/// Accepts "zh", "zh-CN", "zh_CN.UTF-8", "en", "en_US.UTF-8", "C", "POSIX" … (any case).
fn parse_explicit(value: &str) -> Option<Lang> {
    if is_c_locale(value) {
        return Some(Lang::En);
    }
    let lowered = value.trim().to_ascii_lowercase();
    // Drop the encoding (".UTF-8") and modifier ("@euro") a locale name may carry.
    let base = lowered.split(['.', '@']).next().unwrap_or_default();
    match base.split(['-', '_']).next().unwrap_or_default() {
        "zh" | "chinese" | "中文" => Some(Lang::Zh),
        "en" | "english" => Some(Lang::En),
        _ => None,
    }
}

/// All UI strings of one language.
#[derive(Debug)]
pub struct Strings {
    lang: Lang,
    map: HashMap<String, String>,
}

impl Strings {
    pub fn get(lang: Lang) -> &'static Strings {
        static ZH: OnceLock<Strings> = OnceLock::new();
        static EN: OnceLock<Strings> = OnceLock::new();
        let (cell, source) = match lang {
            Lang::Zh => (&ZH, ZH_SOURCE),
            Lang::En => (&EN, EN_SOURCE),
        };
        cell.get_or_init(|| Strings {
            lang,
            // The files are compiled in and checked by the tests below; should one still fail to
            // parse, every lookup falls back rather than the program refusing to start.
            map: parse_strings(source).unwrap_or_default(),
        })
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// The text for `key`; falls back to the other language, then to the key itself.
    /// Returns `'static` text so callers can hold it beyond the key they built; a missing key is
    /// interned once (see [`missing_keys`]).
    pub fn t(&self, key: &str) -> &'static str {
        // Strings only exist as the two statics of `get`, so look up through them.
        let own = &Strings::get(self.lang).map;
        let other = &Strings::get(self.lang.other()).map;
        resolve(own, other, key).unwrap_or_else(|| intern_missing(key))
    }

    /// The text for `key` if either language has it (for optional, more specific keys).
    pub fn lookup(&self, key: &str) -> Option<&'static str> {
        let own = &Strings::get(self.lang).map;
        let other = &Strings::get(self.lang.other()).map;
        resolve(own, other, key)
    }

    /// Like [`Strings::t`], with each `{name}` replaced by its value from `args`. Placeholders
    /// without a value stay as written; inserted values are never scanned again.
    pub fn tf(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill_placeholders(self.t(key), args)
    }

    /// Every key this language defines (for checks and tests).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.map.keys().map(String::as_str)
    }
}

fn fill_placeholders(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            let found = args.iter().find(|(arg, _)| *arg == name);
            found.map(|(_, value)| (*value, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Parses a strings file into full dotted key → text. Errors name the offending key.
pub fn parse_strings(source: &str) -> Result<HashMap<String, String>, String> {
    let table: toml::Table = toml::from_str(source).map_err(|e| e.to_string())?;
    let mut map = HashMap::new();
    flatten("", &table, &mut map)?;
    Ok(map)
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut HashMap<String, String>) -> Result<(), String> {
    for (name, value) in table {
        let key = if prefix.is_empty() { name.clone() } else { format!("{prefix}.{name}") };
        match value {
            toml::Value::String(text) => {
                out.insert(key, text.clone());
            }
            toml::Value::Table(inner) => flatten(&key, inner, out)?,
            other => {
                return Err(format!("{key}: expected text, found {}", other.type_str()));
            }
        }
    }
    Ok(())
}

fn resolve<'a>(own: &'a HashMap<String, String>, other: &'a HashMap<String, String>, key: &str) -> Option<&'a str> {
    own.get(key).or_else(|| other.get(key)).map(String::as_str)
}

fn missing_set() -> std::sync::MutexGuard<'static, HashSet<&'static str>> {
    static MISSING: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let lock = MISSING.get_or_init(Default::default).lock();
    // A panic elsewhere while holding the lock leaves the set intact; keep using it.
    lock.unwrap_or_else(PoisonError::into_inner)
}

/// Keys are program constants, so the set of missing ones is small and fixed: leaking each once
/// is bounded, and buys a `'static` answer without a lifetime tie to the caller's key.
fn intern_missing(key: &str) -> &'static str {
    let mut missing = missing_set();
    if let Some(known) = missing.get(key) {
        return known;
    }
    let leaked: &'static str = Box::leak(key.to_owned().into_boxed_str());
    missing.insert(leaked);
    leaked
}

/// Every key looked up so far that neither language defines, sorted. Tests of the screens can
/// assert this stays empty after drawing.
pub fn missing_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = missing_set().iter().copied().collect();
    keys.sort_unstable();
    keys
}

/// The `{name}` placeholders a text uses, sorted and deduplicated.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    names.push(name);
                }
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use unicode_width::UnicodeWidthChar;

    fn parsed(source: &str) -> HashMap<String, String> {
        parse_strings(source).unwrap_or_else(|e| panic!("strings file does not parse: {e}"))
    }

    #[test]
    fn both_files_parse_and_are_not_empty() {
        assert!(parsed(ZH_SOURCE).len() > 50);
        assert!(parsed(EN_SOURCE).len() > 50);
    }

    #[test]
    fn every_key_exists_in_both_languages() {
        let zh = parsed(ZH_SOURCE);
        let en = parsed(EN_SOURCE);
        let mut only_zh: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut only_en: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        only_zh.sort();
        only_en.sort();
        assert!(only_zh.is_empty(), "missing in en.toml: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN.toml: {only_en:?}");
    }

    #[test]
    fn placeholders_match_between_languages() {
        let zh = parsed(ZH_SOURCE);
        let en = parsed(EN_SOURCE);
        for (key, zh_text) in &zh {
            let Some(en_text) = en.get(key) else { continue };
            assert_eq!(placeholders(zh_text), placeholders(en_text), "placeholders differ for {key}");
        }
    }

    #[test]
    fn no_empty_texts() {
        for source in [ZH_SOURCE, EN_SOURCE] {
            for (key, text) in parsed(source) {
                assert!(!text.trim().is_empty(), "{key} is empty");
            }
        }
    }

    /// “”…—· and the like are one column wide to unicode-width but two on CJK-configured
    /// terminals, which breaks alignment; the strings must not use them.
    #[test]
    fn no_ambiguous_width_characters() {
        for source in [ZH_SOURCE, EN_SOURCE] {
            for (key, text) in parsed(source) {
                for c in text.chars() {
                    assert_eq!(c.width(), c.width_cjk(), "{key}: ambiguous-width {c:?}");
                }
            }
        }
    }

    // Every key the code names exists in both files, and every key is used: checked by
    // reading the code (tests/i18n_keys.rs), not by a list kept here by hand.

    #[test]
    fn every_action_has_a_hint() {
        let zh = parsed(ZH_SOURCE);
        for key in zh.keys() {
            if let Some(action) = key.strip_prefix("action.") {
                assert!(zh.contains_key(&format!("hint.{action}")), "no hint.{action}");
            }
        }
    }

    #[test]
    fn lookup_formats_and_falls_back() {
        let zh = Strings::get(Lang::Zh);
        let en = Strings::get(Lang::En);
        assert_eq!(zh.lang(), Lang::Zh);
        assert_eq!(zh.t("status.saved"), "已保存");
        assert_eq!(en.t("status.saved"), "saved");
        assert_eq!(
            zh.tf("app.too_small", &[("need", "80x24"), ("have", "60x20")]),
            "终端太小（至少 80x24，当前 60x20）"
        );
        assert_eq!(en.tf("status.failed", &[("error", "disk full")]), "save failed: disk full");
        assert_eq!(zh.t("no.such.key"), "no.such.key");
        assert_eq!(en.tf("no.such.key", &[("a", "b")]), "no.such.key");
    }

    #[test]
    fn missing_key_falls_back_to_the_other_language() {
        let own = HashMap::from([("a".to_string(), "甲".to_string())]);
        let other = HashMap::from([("a".to_string(), "A".to_string()), ("b".to_string(), "B".to_string())]);
        assert_eq!(resolve(&own, &other, "a"), Some("甲"));
        assert_eq!(resolve(&own, &other, "b"), Some("B"));
        assert_eq!(resolve(&own, &other, "c"), None);
    }

    #[test]
    fn missing_keys_are_recorded_once_and_returned_as_is() {
        let key = format!("test.missing.{}", std::process::id());
        let first = Strings::get(Lang::En).t(&key);
        let second = Strings::get(Lang::Zh).t(&key);
        assert_eq!(first, key);
        assert!(std::ptr::eq(first, second), "interned once");
        assert!(missing_keys().contains(&key.as_str()));
        assert!(!missing_keys().contains(&"status.saved"));
    }

    #[test]
    fn fill_leaves_unknown_and_unclosed_braces_and_does_not_rescan_values() {
        assert_eq!(fill_placeholders("a {x} {y} {", &[("x", "1")]), "a 1 {y} {");
        assert_eq!(fill_placeholders("{x}", &[("x", "{x}")]), "{x}");
        assert_eq!(fill_placeholders("{n}{n}", &[("n", "中")]), "中中");
        assert_eq!(fill_placeholders("}{", &[]), "}{");
    }

    #[test]
    fn placeholder_extraction() {
        assert_eq!(placeholders("{b} {a} {b} {} {x y} {"), vec!["a", "b"]);
    }

    #[test]
    fn parse_strings_reports_non_text_values() {
        let err = parse_strings("a.b = 3").unwrap_err();
        assert!(err.contains("a.b"), "{err}");
        assert!(parse_strings("a = ").is_err());
    }

    #[test]
    fn detect_precedence_and_defaults() {
        assert_eq!(Lang::detect(None, None, None), Ok(Lang::Zh));
        assert_eq!(Lang::detect(None, None, Some("")), Ok(Lang::Zh));
        assert_eq!(Lang::detect(Some("en"), Some("zh"), Some("zh_CN.UTF-8")), Ok(Lang::En));
        assert_eq!(Lang::detect(None, Some("en"), Some("zh_CN.UTF-8")), Ok(Lang::En));
        assert_eq!(Lang::detect(Some("zh"), Some("en"), None), Ok(Lang::Zh));
        assert_eq!(Lang::detect(Some(" "), Some("en"), None), Ok(Lang::En));
    }

    #[test]
    fn detect_recognises_locale_spellings() {
        for zh in ["zh", "zh-CN", "zh_CN", "zh_CN.UTF-8", "ZH_cn.utf8", "zh_TW.Big5", "zh_CN.GB18030"] {
            assert_eq!(Lang::detect(Some(zh), None, None), Ok(Lang::Zh), "{zh}");
            assert_eq!(Lang::detect(None, Some(zh), None), Ok(Lang::Zh), "{zh}");
            assert_eq!(Lang::detect(None, None, Some(zh)), Ok(Lang::Zh), "{zh}");
        }
        for en in ["en", "en_US.UTF-8", "en-GB", "en_US@euro"] {
            assert_eq!(Lang::detect(Some(en), None, None), Ok(Lang::En), "{en}");
            assert_eq!(Lang::detect(None, None, Some(en)), Ok(Lang::En), "{en}");
        }
        // The C locale names no language: the default (Chinese) stays.
        for c in ["C", "POSIX", "C.UTF-8"] {
            assert_eq!(Lang::detect(None, None, Some(c)), Ok(Lang::Zh), "{c}");
        }
    }

    #[test]
    fn a_terminal_that_cannot_show_chinese_gets_english_unless_chinese_is_asked_for() {
        // TERM=linux or LANG=C: English by default, whatever the locale names.
        assert_eq!(Lang::detect_for_terminal(None, None, Some("C"), false), Ok(Lang::En));
        assert_eq!(Lang::detect_for_terminal(None, None, Some("zh_CN.UTF-8"), false), Ok(Lang::En));
        assert_eq!(Lang::detect_for_terminal(None, Some(" "), None, false), Ok(Lang::En));
        // Forced by the command line or the config file.
        assert_eq!(Lang::detect_for_terminal(Some("zh"), None, Some("C"), false), Ok(Lang::Zh));
        assert_eq!(Lang::detect_for_terminal(None, Some("zh"), Some("C"), false), Ok(Lang::Zh));
        // A terminal that shows Chinese: as before.
        assert_eq!(Lang::detect_for_terminal(None, None, Some("C.UTF-8"), true), Ok(Lang::Zh));
        assert!(Lang::detect_for_terminal(Some("fr"), None, None, false).is_err());
    }

    #[test]
    fn other_locales_in_the_environment_mean_english() {
        for other in ["de_DE.UTF-8", "fr_FR", "ja_JP.UTF-8", "garbage"] {
            assert_eq!(Lang::detect(None, None, Some(other)), Ok(Lang::En), "{other}");
        }
    }

    #[test]
    fn unknown_explicit_values_are_errors_naming_them() {
        let err = Lang::detect(Some("fr"), None, Some("zh_CN.UTF-8")).unwrap_err();
        assert!(err.contains("\"fr\"") && err.contains("--lang"), "{err}");
        let err = Lang::detect(None, Some("klingon"), None).unwrap_err();
        assert!(err.contains("\"klingon\"") && err.contains("config"), "{err}");
    }

    #[test]
    fn codes_round_trip() {
        for lang in Lang::ALL {
            assert_eq!(Lang::detect(Some(lang.code()), None, None), Ok(lang));
            assert_eq!(lang.other().other(), lang);
        }
    }
}
