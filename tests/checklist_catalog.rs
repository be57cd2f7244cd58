//! The catalog: shipped templates plus the user's folder, which version is in force for an
//! id, and how entries that are not pickable are listed.

use std::fs;
use std::path::Path;

use tiyan::checklist::{Catalog, Origin, Status};

const VALID: &str = include_str!("fixtures/templates/valid.toml");
const SHIPPED: &[(&str, &str)] = &[("hall-basics.toml", VALID)];

/// The valid fixture at another version (it is written at version 2).
fn at_version(version: u32) -> String {
    VALID.replace("version = 2", &format!("version = {version}"))
}

fn user_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        fs::write(dir.path().join(name), text).expect("write user file");
    }
    dir
}

#[test]
fn shipped_only_when_there_is_no_user_folder() {
    let missing = Path::new("/nonexistent/tiyan/checklists");
    for catalog in [Catalog::load(SHIPPED, None), Catalog::load(SHIPPED, Some(missing))] {
        assert_eq!(catalog.entries.len(), 1);
        assert_eq!(catalog.entries[0].origin, Origin::Shipped);
        assert_eq!(catalog.usable().len(), 1);
        assert_eq!(catalog.get("hall-basics").map(|t| t.version), Some(2));
        assert!(catalog.get("nope").is_none());
    }
}

#[test]
fn user_file_with_a_higher_version_replaces_the_shipped_one() {
    let dir = user_dir(&[("mine.toml", &at_version(3))]);
    let catalog = Catalog::load(SHIPPED, Some(dir.path()));
    assert_eq!(catalog.get("hall-basics").map(|t| t.version), Some(3));
    assert_eq!(catalog.usable().len(), 1, "one template per id");
    let listing = catalog.listing();
    let user = listing[1].0;
    assert_eq!(user.origin, Origin::User(dir.path().join("mine.toml")));
    assert_eq!(listing[0].1, Status::Replaced { by: user });
    assert!(!listing[0].1.is_pickable());
    assert!(matches!(listing[1].1, Status::Active(template) if template.version == 3));
}

#[test]
fn user_file_with_the_same_or_a_lower_version_is_shadowed() {
    for version in [1, 2] {
        let dir = user_dir(&[("mine.toml", &at_version(version))]);
        let catalog = Catalog::load(SHIPPED, Some(dir.path()));
        assert_eq!(catalog.get("hall-basics").map(|t| t.version), Some(2), "shipped stays at user v{version}");
        let listing = catalog.listing();
        assert_eq!(listing.len(), 2, "the shadowed file is still listed");
        assert!(listing[0].1.is_pickable());
        assert_eq!(listing[1].1, Status::Shadowed { by: listing[0].0 });
    }
}

#[test]
fn broken_user_file_is_listed_with_its_first_problem_and_not_usable() {
    let dir = user_dir(&[("a-broken.toml", "id = \"x\"\nversion = \"1\"\n"), ("b-ok.toml", &at_version(5))]);
    let catalog = Catalog::load(SHIPPED, Some(dir.path()));
    let listing = catalog.listing();
    assert_eq!(listing.len(), 3);
    let (broken, status) = listing[1];
    assert!(broken.file.ends_with("a-broken.toml"), "user files in name order: {}", broken.file);
    let Status::Broken(problems) = status else { panic!("expected broken, got {status:?}") };
    assert!(!status.is_pickable());
    let first = broken.first_problem().expect("a first problem");
    assert_eq!(first, &problems[0]);
    assert_eq!((first.line, first.column), (1, 1));
    assert!(first.message.contains("has no \"title\""), "{first}");
    assert!(first.file.ends_with("a-broken.toml"));
    let ids: Vec<(&str, u32)> = catalog.usable().iter().map(|t| (t.id.as_str(), t.version)).collect();
    assert_eq!(ids, [("hall-basics", 5)]);
}

#[test]
fn only_visible_toml_files_are_read() {
    let dir = user_dir(&[
        ("notes.txt", "not a template"),
        ("mine.toml.bak", "id = 1"),
        (".#mine.toml", "id = 1"),
        ("other.toml", &at_version(3).replace("hall-basics", "other")),
    ]);
    fs::create_dir(dir.path().join("folder.toml")).expect("dir");
    let catalog = Catalog::load(&[], Some(dir.path()));
    let files: Vec<&str> = catalog.entries.iter().map(|entry| entry.file.as_str()).collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].ends_with("other.toml"));
    assert_eq!(catalog.get("other").map(|t| t.version), Some(3));
}

#[test]
fn unreadable_file_is_a_whole_file_problem() {
    let dir = user_dir(&[]);
    fs::write(dir.path().join("latin1.toml"), b"id = \"caf\xe9\"\n").expect("write");
    let catalog = Catalog::load(&[], Some(dir.path()));
    let problem = catalog.entries[0].first_problem().expect("broken");
    assert_eq!((problem.line, problem.column), (0, 0));
    assert!(problem.message.contains("not valid UTF-8"), "{problem}");
    assert!(catalog.usable().is_empty());
}

#[test]
fn a_file_where_the_folder_should_be_is_reported() {
    let dir = user_dir(&[("checklists", "oops")]);
    let catalog = Catalog::load(SHIPPED, Some(&dir.path().join("checklists")));
    assert_eq!(catalog.entries.len(), 2);
    let problem = catalog.entries[1].first_problem().expect("broken");
    assert!(problem.message.contains("cannot read the checklists folder"), "{problem}");
    assert_eq!(catalog.usable().len(), 1, "the shipped template is still usable");
}

#[test]
fn two_user_files_with_one_id_take_the_higher_version_then_the_first_name() {
    let dir = user_dir(&[("a.toml", &at_version(4)), ("b.toml", &at_version(4)), ("c.toml", &at_version(3))]);
    let catalog = Catalog::load(SHIPPED, Some(dir.path()));
    let listing = catalog.listing();
    let winner = listing[1].0;
    assert!(winner.file.ends_with("a.toml"));
    assert_eq!(listing[0].1, Status::Replaced { by: winner });
    assert!(listing[1].1.is_pickable());
    assert_eq!(listing[2].1, Status::Shadowed { by: winner });
    assert_eq!(listing[3].1, Status::Shadowed { by: winner });
}
