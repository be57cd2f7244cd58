//! The UI strings and the code agree, found by reading the code rather than by a list kept by
//! hand: every key the code names exists in both language files, and every key in the files is
//! named somewhere in the code (or belongs to a family the code builds at run time, listed
//! below with the place that builds it).

use std::collections::BTreeSet;
use std::path::Path;

/// Keys the code makes at run time from a prefix and a name (`format!("action.{}", …)`): a key
/// under one of these prefixes counts as used. Each names where it is built.
const BUILT_AT_RUN_TIME: &[(&str, &str)] = &[
    ("action.", "keymap actions, by name (help, hints)"),
    ("layer_action.", "an action that means something particular on one screen (help)"),
    ("help.layer.", "each keymap layer's screen name (help)"),
    ("hint.", "the status line's key hints, by action or pane"),
    ("key.", "key names as printed on the keyboard"),
    ("entry.", "the capture line's titles by purpose"),
    ("step.", "queue ticket steps"),
    ("session.", "session states (open, finished)"),
    ("ticket.state.", "queue ticket states"),
    ("status.", "finding statuses by code and save states"),
    ("answer.", "checklist answers by kind"),
    ("move.", "status moves by target"),
    ("field.", "form field labels (FormField keys)"),
    ("deadline.", "deadline parse errors by kind"),
    ("holidays.error.", "holiday file errors by kind"),
    ("stats.", "wait statistics groupings"),
    ("sync.refused.", "why a bundle is refused, by its JSON code"),
    ("test.", "tests of the fallback for missing keys"),
    ("cli.tickets.col.", "the columns of list tickets"),
    ("cli.stats.col.", "the columns of stats waits"),
    ("ledger.col.", "the columns of the table by unit"),
    ("store.thing.", "the kind of a record that cannot be read (store errors)"),
];

fn source_files(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            source_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(std::fs::read_to_string(&path).unwrap());
        }
    }
}

/// Every string literal in the source that looks like a dotted key (`a.b`: lowercase, digits,
/// `_`; file names too, such as `config.toml`). Found by its shape between two quotes, so char literals and
/// escaped quotes elsewhere cannot throw the pairing off.
fn literals(sources: &[String]) -> BTreeSet<String> {
    let key_char = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.';
    let mut out = BTreeSet::new();
    for source in sources {
        for (start, _) in source.match_indices('"') {
            let after = &source[start + 1..];
            let run = after.find(|c: char| !key_char(c)).unwrap_or(after.len());
            let literal = &after[..run];
            let closed = after[run..].starts_with('"');
            if closed && literal.contains('.') && !literal.starts_with('.') && !literal.ends_with('.') {
                out.insert(literal.to_string());
            }
        }
    }
    out
}

fn keys(lang: tiyan::i18n::Lang) -> BTreeSet<String> {
    tiyan::i18n::Strings::get(lang).keys().map(str::to_string).collect()
}

#[test]
fn every_key_the_code_names_exists_in_both_languages_and_every_key_is_used() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sources = Vec::new();
    source_files(&root.join("src"), &mut sources);
    let named = literals(&sources);
    let zh = keys(tiyan::i18n::Lang::Zh);
    let en = keys(tiyan::i18n::Lang::En);
    assert_eq!(zh, en, "the two files hold the same keys");
    let namespaces: BTreeSet<&str> = zh.iter().filter_map(|k| k.split('.').next()).collect();

    // Named in the code, in a namespace of the strings, but in neither file: a typo or a key
    // never written.
    let missing: Vec<&String> = named
        .iter()
        .filter(|k| namespaces.contains(k.split('.').next().unwrap_or_default()))
        .filter(|k| !zh.contains(*k))
        .filter(|k| !BUILT_AT_RUN_TIME.iter().any(|(prefix, _)| k.as_str() == prefix.trim_end_matches('.')))
        .filter(|k| !k.starts_with("test."))
        .filter(|k| ![".toml", ".redb", ".json", ".pid", ".log", ".rs", ".md", ".snap"].iter().any(|e| k.ends_with(e)))
        .collect();
    assert!(missing.is_empty(), "named in the code, missing from the strings: {missing:?}");

    // In the files, named nowhere and built by nothing: dead text that drifts.
    let unused: Vec<&String> = zh
        .iter()
        .filter(|k| !named.contains(*k))
        .filter(|k| !BUILT_AT_RUN_TIME.iter().any(|(prefix, _)| k.starts_with(prefix)))
        .collect();
    assert!(unused.is_empty(), "in the strings, used nowhere: {unused:?}");
}

#[test]
fn readme_key_table_is_the_keymap_in_force() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start =
        readme.find("<!-- keys:begin -->\n").expect("README marks its key table") + "<!-- keys:begin -->\n".len();
    let end = readme.find("<!-- keys:end -->").expect("README marks the end of its key table");
    let generated = tiyan::keymap::Keymap::builtin().to_markdown(tiyan::i18n::Strings::get(tiyan::i18n::Lang::En));
    assert_eq!(
        &readme[start..end],
        generated,
        "README's key table is out of date: paste `tiyan keymap show --markdown --lang en` between its markers"
    );
}
