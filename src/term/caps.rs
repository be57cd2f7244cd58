//! What the terminal can show. Box-drawing glyphs are ambiguous-width and break on
//! CJK-configured terminals and the Linux console, so those get ASCII borders.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Caps {
    /// Draw borders with ASCII (+-|) instead of box-drawing characters.
    pub ascii: bool,
    /// The locale or terminal may not display Chinese: show a one-line warning.
    pub cjk_warning: bool,
    /// NO_COLOR is set: no colours; selection is shown with reverse + bold.
    pub no_color: bool,
}

impl Caps {
    pub fn detect(force_ascii: bool) -> Caps {
        let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        Caps::from_env(
            env("TERM").as_deref(),
            locale(env("LC_ALL"), env("LC_CTYPE"), env("LANG")).as_deref(),
            std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            force_ascii,
        )
    }

    pub fn from_env(term: Option<&str>, locale: Option<&str>, no_color: bool, force_ascii: bool) -> Caps {
        let linux_console = term == Some("linux");
        let utf8 = locale.is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        });
        let limited = linux_console || !utf8;
        Caps { ascii: limited || force_ascii, cjk_warning: limited, no_color }
    }
}

/// The effective character-type locale, as POSIX resolves it.
fn locale(lc_all: Option<String>, lc_ctype: Option<String>, lang: Option<String>) -> Option<String> {
    lc_all.or(lc_ctype).or(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linux_console_and_non_utf8_locales_get_ascii_and_a_warning() {
        let c = Caps::from_env(Some("linux"), Some("zh_CN.UTF-8"), false, false);
        assert!(c.ascii && c.cjk_warning);
        let c = Caps::from_env(Some("xterm-256color"), Some("C"), false, false);
        assert!(c.ascii && c.cjk_warning);
        let c = Caps::from_env(Some("xterm-256color"), Some("zh_CN.utf8"), true, false);
        assert!(!c.ascii && !c.cjk_warning && c.no_color);
        let c = Caps::from_env(Some("xterm"), Some("en_US.UTF-8"), false, true);
        assert!(c.ascii && !c.cjk_warning);
    }
}
