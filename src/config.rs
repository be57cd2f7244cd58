//! The optional config file `<config dir>/config.toml`. Today it holds the UI language:
//! `lang = "en"` or `lang = "zh"`. A bad file is reported with line and column and ignored.

use std::path::Path;

use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub lang: Option<String>,
}

impl Config {
    /// A missing file is the default config; a broken one is an error naming file:line:column.
    pub fn load(path: &Path) -> Result<Config, String> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        };
        toml::from_str(&text).map_err(|e| {
            let (line, col) = e.span().map(|s| line_col(&text, s.start)).unwrap_or((1, 1));
            format!("{}:{line}:{col}: {}", path.display(), e.message())
        })
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_config_names_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("config.toml");
        std::fs::write(&p, "# 配置\nlang = \"en\"\ncolour = 1\n").unwrap();
        let err = Config::load(&p).unwrap_err();
        assert!(err.contains("config.toml:3:1"), "{err}");
        std::fs::write(&p, "lang = \"en\"\n").unwrap();
        assert_eq!(Config::load(&p).unwrap().lang.as_deref(), Some("en"));
        assert!(Config::load(&dir.path().join("missing.toml")).unwrap().lang.is_none());
    }
}
