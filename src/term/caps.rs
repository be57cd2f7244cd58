//! What the terminal can show. Box-drawing glyphs are ambiguous-width and break on
//! CJK-configured terminals and the Linux console, so those get ASCII borders. A terminal that
//! cannot show Chinese at all (the Linux console has no CJK glyphs; a locale that is not UTF-8,
//! such as C or POSIX, cannot carry them) gets English by default too, see
//! [`crate::i18n::Lang::detect_for_terminal`].

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Caps {
    /// Draw borders with ASCII (+-|) instead of box-drawing characters.
    pub ascii: bool,
    /// The locale or terminal cannot display Chinese: say so (in English) on every frame.
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
        let limited = !shows_chinese(term, locale);
        Caps { ascii: limited || force_ascii, cjk_warning: limited, no_color }
    }
}

/// Whether a terminal of this TERM under this character locale can show Chinese: not the
/// Linux console (no CJK glyphs), and only under a UTF-8 locale (C, POSIX or no locale at
/// all cannot carry it).
pub fn shows_chinese(term: Option<&str>, locale: Option<&str>) -> bool {
    let linux_console = term == Some("linux");
    let utf8 = locale.is_some_and(|l| {
        let l = l.to_ascii_lowercase();
        l.contains("utf-8") || l.contains("utf8")
    });
    !linux_console && utf8
}

/// [`shows_chinese`] for this process's environment.
pub fn terminal_shows_chinese() -> bool {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    shows_chinese(env("TERM").as_deref(), locale(env("LC_ALL"), env("LC_CTYPE"), env("LANG")).as_deref())
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

    #[test]
    fn chinese_needs_a_utf8_locale_and_not_the_linux_console() {
        assert!(shows_chinese(Some("xterm-256color"), Some("C.UTF-8")));
        assert!(shows_chinese(Some("screen"), Some("zh_CN.utf8")));
        for (term, locale) in [
            (Some("linux"), Some("zh_CN.UTF-8")),
            (Some("xterm"), Some("C")),
            (Some("xterm"), Some("POSIX")),
            (None, None),
        ] {
            assert!(!shows_chinese(term, locale), "{term:?} {locale:?}");
        }
        assert!(!shows_chinese(Some("xterm"), Some("zh_CN.GB18030")), "a Chinese locale that is not UTF-8");
    }
}
