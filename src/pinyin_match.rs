//! Matching a pick list option against what was typed: Chinese, English, a code, or pinyin —
//! initials (`scjg` → 县市场监管局), full syllables (`yibao`) or a mix (`shicjg`).
//!
//! One rule covers every pinyin form: a run of consecutive characters of the Chinese name, each
//! matched by a non-empty prefix of one of its readings, consumes the query left to right.
//! Every reading of a heteronym counts (长 chang/zhang, 行 xing/hang, 重, 和, 会 …): a picker
//! cannot know which reading a name uses, and offering one more option beats hiding the right
//! one. A character may also be typed as itself, so a query the IME committed halfway (`县jg`)
//! still matches. Characters without a reading (digits, Latin letters) match themselves;
//! spaces and punctuation inside a name are skipped, as nobody types them in a query.
//!
//! A [`PickKey`] is built once per option when a picker opens, so a keystroke only compares
//! precomputed bytes: no allocation per option, no pinyin lookup.

use pinyin::{Pinyin, ToPinyinMulti};

/// How well an option matches; smaller is better. Ties keep the list's own order, so callers
/// sort stably.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score {
    /// 0 the whole name (or every syllable of it), 1 from its start, 2 from a later character
    /// or word, 3 inside a word of another name (`yb` in "forestry bureau": noise, kept last).
    tier: u8,
    /// Where the match starts, in characters of the name matched.
    position: u16,
    /// Display width of the Chinese name: a shorter name is the likelier meant.
    width: u16,
}

/// A normalized query, in two forms: for the Chinese name and its pinyin, lowercase without
/// spaces or apostrophes (`xi'an`), ü typed as v; for other names, lowercase with spaces kept
/// (one each), so `yb` does not match across the words of "forestry bureau".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    pinyin: String,
    words: String,
}

impl Query {
    pub fn new(raw: &str) -> Query {
        Query { pinyin: normalize(raw), words: words(raw) }
    }

    pub fn is_empty(&self) -> bool {
        self.pinyin.is_empty()
    }

    pub fn as_str(&self) -> &str {
        &self.pinyin
    }
}

/// Lowercase, with runs of whitespace as one space and none at the ends.
fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

/// Lowercase, drop whitespace and apostrophes (ASCII and the typographic ones IMEs insert),
/// and spell ü as v, for queries and the names they are compared with alike.
fn normalize(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '\u{2019}' | '\u{2018}'))
        .flat_map(char::to_lowercase)
        .map(|c| if c == 'ü' { 'v' } else { c })
        .collect()
}

/// The readings of each character of a name, flattened: `spellings` is every reading's ASCII
/// text back to back, `readings[k]` one reading's byte range in it, `chars[i]` the range of
/// `readings` that belongs to the name's i-th (kept) character.
#[derive(Clone, Debug, Default)]
struct Syllables {
    spellings: String,
    readings: Vec<(u32, u32)>,
    chars: Vec<(u32, u32)>,
}

impl Syllables {
    fn new(name: &str) -> Syllables {
        let mut s = Syllables::default();
        let mut buf = [0u8; 4];
        for c in name.chars() {
            let first = s.readings.len() as u32;
            match c.to_pinyin_multi() {
                Some(multi) => {
                    for reading in multi.into_iter().map(Pinyin::plain) {
                        s.push_reading(&plain_ascii(reading));
                    }
                    // The character itself, for a query half committed by the IME: 县jg.
                    s.push_reading(c.encode_utf8(&mut buf));
                }
                // Skipped: nobody types spaces or punctuation into a query.
                None if c.is_whitespace() || !c.is_alphanumeric() => continue,
                None => {
                    for lower in c.to_lowercase() {
                        s.push_reading(lower.encode_utf8(&mut buf));
                    }
                }
            }
            s.chars.push((first, s.readings.len() as u32));
        }
        s
    }

    /// Add a reading to the current character unless it already has it (readings that differ
    /// only in tone are one spelling here).
    fn push_reading(&mut self, text: &str) {
        let current = self.chars.last().map_or(0, |c| c.1) as usize;
        if text.is_empty() || self.readings[current..].iter().any(|&r| self.reading(r) == text) {
            return;
        }
        let start = self.spellings.len() as u32;
        self.spellings.push_str(text);
        self.readings.push((start, self.spellings.len() as u32));
    }

    fn reading(&self, (start, end): (u32, u32)) -> &str {
        &self.spellings[start as usize..end as usize]
    }

    fn readings_of(&self, char_index: usize) -> impl Iterator<Item = &[u8]> {
        let (first, end) = self.chars[char_index];
        self.readings[first as usize..end as usize].iter().map(|&r| self.reading(r).as_bytes())
    }

    /// The first character a run matching all of `query` can start at, and whether that run
    /// covers the name from its first character to its last.
    ///
    /// For each start, `reach` holds as bits the query offsets some run from the start can
    /// have consumed up to the current character: every reading's every non-empty prefix that
    /// matches the query there moves an offset on. Bits beat backtracking: no allocation, and
    /// `zhang` never has to guess whether 长 took `z` or `zhang`.
    fn find_run(&self, query: &[u8]) -> Option<(usize, bool)> {
        let n = query.len();
        if n == 0 || n >= 128 {
            return None;
        }
        let done = 1u128 << n;
        for start in 0..self.chars.len() {
            if !self.readings_of(start).any(|r| r[0] == query[0]) {
                continue;
            }
            let mut reach = 1u128;
            for i in start..self.chars.len() {
                let mut next = 0u128;
                let mut bits = reach;
                while bits != 0 {
                    let at = bits.trailing_zeros() as usize;
                    bits &= bits - 1;
                    for reading in self.readings_of(i) {
                        let common = reading.iter().zip(&query[at..]).take_while(|(a, b)| a == b).count();
                        if reading.is_ascii() {
                            for k in 1..=common {
                                next |= 1 << (at + k);
                            }
                        } else if common == reading.len() {
                            // A character typed as itself counts whole, never by its first bytes.
                            next |= 1 << (at + common);
                        }
                    }
                }
                if next & done != 0 {
                    return Some((start, start == 0 && i + 1 == self.chars.len()));
                }
                // Offsets that consumed the whole query are done; the rest go on.
                reach = next & (done - 1);
                if reach == 0 {
                    break;
                }
            }
        }
        None
    }
}

/// A reading as plain lowercase ASCII: ü as v, ê as e, tone marks and anything else dropped.
fn plain_ascii(reading: &str) -> String {
    reading
        .chars()
        .filter_map(|c| match c {
            'ü' => Some('v'),
            'ê' => Some('e'),
            c if c.is_ascii_alphabetic() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// What one option is matched on: its Chinese (or only) name and its pinyin, plus other
/// names (English, a code) matched as case-insensitive substrings.
#[derive(Clone, Debug)]
pub struct PickKey {
    /// The name, normalized as queries are.
    name: String,
    name_width: u16,
    syllables: Syllables,
    /// Other names, lowercase, words one space apart.
    others: Vec<String>,
}

impl PickKey {
    /// `name` is matched as text and by pinyin; each of `others` as text.
    pub fn new(name: &str, others: &[&str]) -> PickKey {
        PickKey {
            name: normalize(name),
            name_width: crate::text::width(name).min(usize::from(u16::MAX)) as u16,
            syllables: Syllables::new(name),
            others: others.iter().map(|o| words(o)).filter(|o| !o.is_empty()).collect(),
        }
    }

    /// How `query` matches, or None when it does not. An empty query matches everything alike.
    pub fn score(&self, query: &Query) -> Option<Score> {
        let q = query.as_str();
        let score = |tier: u8, position: usize| Score {
            tier,
            position: position.min(usize::from(u16::MAX)) as u16,
            width: self.name_width,
        };
        if q.is_empty() {
            // Nothing to rank by: every option alike, so the list keeps its order.
            return Some(Score { tier: 0, position: 0, width: 0 });
        }
        let tier = |name: &str, at: usize, len: usize| match at {
            0 if name.len() == len => 0,
            0 => 1,
            _ => 2,
        };
        let chinese = self.name.find(q).map(|at| score(tier(&self.name, at, q.len()), self.name[..at].chars().count()));
        let other = self.others.iter().filter_map(|name| {
            let w = query.words.as_str();
            // The first match at a word's start, else the first inside a word.
            let mut hits = name.match_indices(w).map(|(at, _)| at);
            let first = hits.next()?;
            let word_start = |at: usize| at == 0 || !name[..at].ends_with(char::is_alphanumeric);
            let (at, tier) = match std::iter::once(first).chain(hits).find(|&at| word_start(at)) {
                Some(at) => (at, tier(name, at, w.len())),
                None => (first, 3),
            };
            Some(score(tier, name[..at].chars().count()))
        });
        let run = self.syllables.find_run(q.as_bytes()).map(|(start, whole)| {
            let tier = if whole {
                0
            } else if start == 0 {
                1
            } else {
                2
            };
            score(tier, start)
        });
        chinese.into_iter().chain(other).chain(run).min()
    }
}

impl Score {
    /// The whole name, a whole other name or code, or every syllable of the name.
    pub fn is_whole(&self) -> bool {
        self.tier == 0
    }

    /// Only inside a word of another name: noise the picker keeps last.
    pub fn is_noise(&self) -> bool {
        self.tier == 3
    }
}

/// What a name typed where no picker can be shown (the command line) resolves to, by the
/// picker's own ranking.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// One clear match: the only option matching wholly (name, code, every syllable), else the
    /// only option matching at all. Matches inside words of other names count only when
    /// nothing better matched.
    Found(usize),
    NotFound,
    /// Several, best first (all of them; callers show a few).
    Ambiguous(Vec<usize>),
}

/// Resolve `text` against `keys` as the picker would rank it (see [`Resolution`]).
pub fn resolve(keys: &[PickKey], text: &str) -> Resolution {
    let query = Query::new(text);
    if query.is_empty() {
        return Resolution::NotFound;
    }
    let mut hits: Vec<(Score, usize)> =
        keys.iter().enumerate().filter_map(|(i, k)| Some((k.score(&query)?, i))).collect();
    hits.sort_unstable();
    if hits.iter().any(|(score, _)| !score.is_noise()) {
        hits.retain(|(score, _)| !score.is_noise());
    }
    let whole: Vec<usize> = hits.iter().filter(|(score, _)| score.is_whole()).map(|&(_, i)| i).collect();
    match (whole.as_slice(), hits.as_slice()) {
        ([one], _) | ([], [(_, one)]) => Resolution::Found(*one),
        (_, []) => Resolution::NotFound,
        _ => Resolution::Ambiguous(hits.into_iter().map(|(_, i)| i).collect()),
    }
}

/// The indices of `keys` that match `query`, best first; ties in list order. An empty query
/// gives every index in list order.
pub fn rank(keys: &[PickKey], query: &Query) -> Vec<usize> {
    let mut hits: Vec<(Score, usize)> =
        keys.iter().enumerate().filter_map(|(i, k)| Some((k.score(query)?, i))).collect();
    // (score, index) pairs are distinct, so an unstable sort keeps list order on ties.
    hits.sort_unstable();
    hits.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(name: &str, query: &str) -> Option<Score> {
        PickKey::new(name, &[]).score(&Query::new(query))
    }

    fn ranked<'a>(names: &[&'a str], query: &str) -> Vec<&'a str> {
        let keys: Vec<PickKey> = names.iter().map(|n| PickKey::new(n, &[])).collect();
        rank(&keys, &Query::new(query)).into_iter().map(|i| names[i]).collect()
    }

    #[test]
    fn initials_full_pinyin_and_mixes() {
        for q in ["scjg", "shichangjianguan", "shicjg", "sc jg", "ShiChang", "xscjgj", "jgj", "guanj"] {
            assert!(hit("县市场监管局", q).is_some(), "{q}");
        }
        for q in ["scjgx", "sjg", "shichangjiangu2", "xx", "changshi"] {
            assert_eq!(hit("县市场监管局", q), None, "{q}");
        }
        assert!(hit("县医保局", "yb").is_some());
        assert!(hit("县医保局", "yibao").is_some());
        assert!(hit("县医保局", "yi'bao").is_some(), "apostrophes are ignored");
        assert!(hit("县医保局", "县yb").is_some(), "Chinese and pinyin mixed");
        assert!(hit("县医保局", "xian医b").is_some());
        assert_eq!(hit("县医保局", "县b"), None);
    }

    #[test]
    fn a_run_never_skips_a_character() {
        assert_eq!(hit("县医保局", "xb"), None);
        assert_eq!(hit("县医保局", "xianbao"), None);
    }

    #[test]
    fn every_reading_of_a_heteronym_matches() {
        for (name, queries) in [
            ("县长", &["xz", "xc", "xianzhang", "xianchang"][..]),
            ("银行", &["yh", "yx", "yinhang", "yinxing"]),
            ("重庆", &["cq", "zq", "chongqing"]),
            ("和平", &["hp", "huoping", "heping"]),
            ("会计", &["kj", "hj", "kuaiji"]),
        ] {
            for q in queries {
                assert!(hit(name, q).is_some(), "{name} {q}");
            }
        }
    }

    #[test]
    fn umlaut_is_typed_as_v() {
        assert!(hit("绿色通道", "lvsetongdao").is_some());
        assert!(hit("绿色通道", "lstd").is_some());
        assert!(hit("女", "nv").is_some());
        assert!(hit("女", "nü").is_some(), "a typed ü is v too");
    }

    #[test]
    fn digits_and_latin_inside_names_match_themselves() {
        assert!(hit("12345热线", "12345rx").is_some());
        assert!(hit("12345 热线", "12345rx").is_some(), "a space in a name is skipped");
        assert!(hit("3号窗口", "3hck").is_some());
        assert!(hit("3号窗口", "3haochuangkou").is_some());
        assert!(hit("AI导办", "aidb").is_some());
        assert!(hit("不动产登记（二手房转移）", "esfzy").is_some(), "punctuation is skipped");
        assert!(hit("不动产登记（二手房转移）", "djesf").is_some());
        assert_eq!(hit("3号窗口", "4hck"), None);
    }

    #[test]
    fn chinese_english_and_code_substrings() {
        let key = PickKey::new("县医保局", &["County Medical Security Bureau", "medical_security"]);
        for q in ["医保", "县医保局", "medical", "MEDICAL  SECURITY", " security bureau", "al_sec", "curi"] {
            assert!(key.score(&Query::new(q)).is_some(), "{q}");
        }
        assert_eq!(key.score(&Query::new("税务")), None);
        assert_eq!(key.score(&Query::new("tax")), None);
        assert_eq!(key.score(&Query::new("medicalsecurity")), None, "English words keep their spaces");
    }

    #[test]
    fn empty_query_keeps_list_order() {
        let names = ["县委办公室", "县医保局", "渝宁公司"];
        assert_eq!(ranked(&names, ""), names);
        assert_eq!(ranked(&names, "   "), names);
    }

    #[test]
    fn exact_before_prefix_before_later_position_before_shorter_before_order() {
        // Exact name beats a name that merely starts with it.
        assert_eq!(ranked(&["医保局长", "医保局"], "医保局"), ["医保局", "医保局长"]);
        // Every syllable (exact by pinyin) beats a prefix run.
        assert_eq!(ranked(&["医保局长", "医保局"], "ybj"), ["医保局", "医保局长"]);
        // A run from the first character beats one further in.
        assert_eq!(ranked(&["县医保局", "医保中心"], "yb"), ["医保中心", "县医保局"]);
        // Earlier beats later.
        assert_eq!(ranked(&["县委医保", "县医保局"], "yb"), ["县医保局", "县委医保"]);
        // Same position: the shorter name first, then list order.
        assert_eq!(
            ranked(&["县医保服务中心", "县医保局", "县医保处"], "yb"),
            ["县医保局", "县医保处", "县医保服务中心"]
        );
    }

    #[test]
    fn a_match_inside_an_english_word_comes_after_pinyin_and_word_starts() {
        let keys = [
            PickKey::new("县林业局", &["County Forestry Bureau"]),
            PickKey::new("县医保局", &["County Medical Security Bureau"]),
        ];
        let names = ["县林业局", "县医保局"];
        let order = |q: &str| rank(&keys, &Query::new(q)).into_iter().map(|i| names[i]).collect::<Vec<_>>();
        assert_eq!(order("yb"), ["县医保局"], "no match across the words of forestry bureau");
        assert_eq!(order("ry"), ["县林业局"], "forest-ry, inside a word, still found");
        assert_eq!(order("bur"), ["县林业局", "县医保局"], "word starts alike: earlier, then shorter");
        assert_eq!(order("se"), ["县医保局"]);
    }

    #[test]
    fn no_match_is_empty() {
        assert!(ranked(&["县医保局", "县税务局"], "zzzz").is_empty());
    }

    #[test]
    fn resolve_takes_one_clear_match_only() {
        let keys: Vec<PickKey> = [
            ("县医保局", "County Medical Security Bureau", "medical_security"),
            ("县市场监管局", "County Market Regulation Bureau", "market_regulation"),
            ("县林业局", "County Forestry Bureau", "forestry"),
            ("县医保局长办公室", "Office of the Director", "director"),
        ]
        .iter()
        .map(|(zh, en, code)| PickKey::new(zh, &[en, code]))
        .collect();
        assert_eq!(resolve(&keys, "scjg"), Resolution::Found(1));
        assert_eq!(resolve(&keys, "县医保局"), Resolution::Found(0), "whole name beats a longer one");
        assert_eq!(resolve(&keys, "xybj"), Resolution::Found(0), "every syllable is whole");
        assert_eq!(resolve(&keys, "forestry"), Resolution::Found(2), "a whole code");
        assert_eq!(resolve(&keys, "ry"), Resolution::Found(2), "only one, even inside a word");
        assert_eq!(resolve(&keys, "yb"), Resolution::Ambiguous(vec![0, 3]));
        assert_eq!(resolve(&keys, "bureau"), Resolution::Ambiguous(vec![2, 0, 1]), "earlier in the name first");
        assert_eq!(resolve(&keys, "zzz"), Resolution::NotFound);
        assert_eq!(resolve(&keys, "  "), Resolution::NotFound);
    }

    #[test]
    fn long_queries_do_not_overflow() {
        let long = "a".repeat(300);
        assert_eq!(hit("县医保局", &long), None);
        let name = "一".repeat(200);
        assert!(hit(&name, &"y".repeat(127)).is_some());
        assert!(hit(&name, &"yi".repeat(60)).is_some());
    }
}
