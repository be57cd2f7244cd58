//! No input makes the template parser panic, and every problem it returns has a position in
//! the text (line >= 1 within it) or the whole-file convention (0, 0).

use proptest::prelude::*;
use tiyan::checklist::parse_template;

const VALID: &str = include_str!("fixtures/templates/valid.toml");

fn check(text: &str) -> Result<(), TestCaseError> {
    if let Err(problems) = parse_template("f.toml", text) {
        prop_assert!(!problems.is_empty(), "an Err always says why");
        let lines = text.split('\n').count();
        for problem in &problems {
            let whole_file = (problem.line, problem.column) == (0, 0);
            let placed = problem.line >= 1 && problem.line <= lines && problem.column >= 1;
            prop_assert!(whole_file || placed, "{problem} in a text of {lines} lines");
            prop_assert!(!problem.message.is_empty());
        }
        // A capped list ends with the count of those not shown; the others are in file order.
        let capped = problems.last().is_some_and(|p| p.omitted().is_some());
        let shown = &problems[..problems.len() - usize::from(capped)];
        prop_assert!(shown.iter().all(|p| p.omitted().is_none()), "only the last entry counts the rest");
        let order: Vec<(usize, usize)> = shown.iter().map(|p| (p.line, p.column)).collect();
        prop_assert!(order.windows(2).all(|pair| pair[0] <= pair[1]), "file order: {order:?}");
    }
    Ok(())
}

/// Characters that matter to TOML and to the checks, plus Chinese.
const PIECES: &str = "[\\[\\]{}=\"'.,#\\n\\\\ a-z0-9_中文体验-]{0,12}";

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: String },
    Replace { at: usize, len: usize, text: String },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..40usize).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), PIECES).prop_map(|(at, text)| Mutation::Insert { at, text }),
        (any::<usize>(), 0..20usize, PIECES).prop_map(|(at, len, text)| Mutation::Replace { at, len, text }),
    ]
}

/// Applies the mutations at character positions (wrapped into range), so the result is
/// still valid UTF-8, as the parser's input always is.
fn mutate(text: &str, mutations: &[Mutation]) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for mutation in mutations {
        let len = chars.len();
        let (at, remove, insert) = match mutation {
            Mutation::Delete { at, len: n } => (at % (len + 1), *n, ""),
            Mutation::Insert { at, text } => (at % (len + 1), 0, text.as_str()),
            Mutation::Replace { at, len: n, text } => (at % (len + 1), *n, text.as_str()),
        };
        let end = (at + remove).min(len);
        chars.splice(at..end, insert.chars());
    }
    chars.into_iter().collect()
}

/// Whole-line edits keep the TOML valid more often than character edits, so they reach the
/// template checks (missing fields, duplicates, empty lists) rather than stopping at syntax.
fn edit_lines(text: &str, edits: &[(usize, usize, bool)]) -> String {
    let mut lines: Vec<&str> = text.lines().collect();
    for &(from, to, copy) in edits {
        if lines.is_empty() {
            break;
        }
        let line = lines[from % lines.len()];
        if copy {
            lines.insert(to % (lines.len() + 1), line);
        } else {
            lines.remove(from % lines.len());
        }
    }
    lines.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        check(&text)?;
    }

    #[test]
    fn toml_like_text_never_panics(text in "[\\[\\]{}=\"'.,#\\n a-z0-9_中-]{0,200}") {
        check(&text)?;
    }

    #[test]
    fn mutated_valid_template_never_panics(mutations in prop::collection::vec(mutation(), 1..4)) {
        check(&mutate(VALID, &mutations))?;
    }

    #[test]
    fn valid_template_with_lines_copied_or_dropped_never_panics(
        edits in prop::collection::vec((any::<usize>(), any::<usize>(), any::<bool>()), 1..6)
    ) {
        check(&edit_lines(VALID, &edits))?;
    }
}

#[test]
fn the_unmutated_fixture_parses() {
    assert!(parse_template("valid.toml", &mutate(VALID, &[])).is_ok());
}
