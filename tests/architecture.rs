//! The layering of ARCHITECTURE.md, held by reading the code: every `crate::` path in `src/`
//! (comments left out) names a module of a lower layer than the file's own, so nothing low
//! reaches up and no two top-level modules import each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layer of every top-level module, as ARCHITECTURE.md's table has it.
const LAYERS: &[(&str, u8)] = &[
    ("cli", 7),
    ("tui", 6),
    ("ui", 5),
    ("app", 4),
    ("demo", 4),
    ("report", 4),
    ("config", 3),
    ("present", 3),
    ("store", 3),
    ("vocab", 2),
    ("holidays", 2),
    ("clock", 2),
    ("keymap", 2),
    ("checklist", 2),
    ("term", 2),
    ("domain", 1),
    ("edit", 1),
    ("files", 1),
    ("pinyin_match", 1),
    ("bundle", 2),
    ("text", 0),
    ("i18n", 0),
    ("problem", 0),
    ("paths", 0),
    ("crash", 0),
];

fn layer(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, l)| *l)
}

/// The top-level module a file under `src/` belongs to (`app/update.rs` is `app`).
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules a source names through `crate::`, comments left out.
fn imports(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

fn walk(dir: &Path, root: &Path, out: &mut BTreeMap<String, BTreeSet<String>>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, root, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path.strip_prefix(root).unwrap();
            let module = module_of(relative);
            if module == "main" || module == "lib" {
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            out.entry(module).or_default().extend(imports(&source));
        }
    }
}

#[test]
fn every_module_imports_only_lower_layers() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph = BTreeMap::new();
    walk(&root, &root, &mut graph);
    let mut wrong = Vec::new();
    for (module, uses) in &graph {
        let Some(own) = layer(module) else {
            wrong.push(format!("{module}: not in ARCHITECTURE.md's table"));
            continue;
        };
        for used in uses.iter().filter(|u| *u != module) {
            match layer(used) {
                Some(theirs) if theirs < own => {}
                Some(theirs) => wrong.push(format!("{module} (layer {own}) imports {used} (layer {theirs})")),
                None => wrong.push(format!("{module} imports {used}, which is not in ARCHITECTURE.md's table")),
            }
        }
    }
    assert!(wrong.is_empty(), "the layering is broken:\n{}", wrong.join("\n"));
}

#[test]
fn the_table_names_every_module_once_and_architecture_md_agrees() {
    let names: BTreeSet<&str> = LAYERS.iter().map(|(m, _)| *m).collect();
    assert_eq!(names.len(), LAYERS.len(), "a module listed twice");
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).unwrap();
    for (module, layer) in LAYERS {
        let row = doc.lines().find(|l| l.starts_with(&format!("| {layer} |"))).unwrap_or_default();
        assert!(row.contains(&format!("`{module}`")), "ARCHITECTURE.md's layer {layer} lacks `{module}`");
    }
}
