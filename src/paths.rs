//! Where data and configuration live. Home: `--home`, else `$TIYAN_HOME`, else the platform
//! data dir. Profile: `--profile`, else the OS user name. The store of a profile is
//! `<home>/<profile>/tiyan.redb`. Config: `$TIYAN_CONFIG_DIR`, else `<home>/config` when a home
//! was given explicitly (so a test or a USB-stick home carries its own keymap), else the
//! platform config dir.

use std::path::{Path, PathBuf};

#[derive(Clone, Debug)]
pub struct Paths {
    pub home: PathBuf,
    pub profile: String,
    pub config_dir: PathBuf,
}

impl Paths {
    pub fn resolve(home_flag: Option<&Path>, profile_flag: Option<&str>) -> Result<Paths, String> {
        let explicit_home = home_flag
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os("TIYAN_HOME").filter(|v| !v.is_empty()).map(PathBuf::from));
        let dirs = directories::ProjectDirs::from("", "", "tiyan");
        let home = match &explicit_home {
            Some(h) => h.clone(),
            None => dirs
                .as_ref()
                .map(|d| d.data_dir().to_path_buf())
                .ok_or("cannot find a data directory: pass --home DIR or set TIYAN_HOME")?,
        };
        let config_dir = match std::env::var_os("TIYAN_CONFIG_DIR").filter(|v| !v.is_empty()) {
            Some(c) => PathBuf::from(c),
            None if explicit_home.is_some() => home.join("config"),
            None => dirs.map(|d| d.config_dir().to_path_buf()).unwrap_or_else(|| home.join("config")),
        };
        let profile = match profile_flag {
            Some(p) => p.to_string(),
            None => os_user_name(),
        };
        validate_profile(&profile)?;
        Ok(Paths { home, profile, config_dir })
    }

    pub fn profile_dir(&self) -> PathBuf {
        self.home.join(&self.profile)
    }
    pub fn store_file(&self) -> PathBuf {
        self.profile_dir().join("tiyan.redb")
    }
    pub fn keymap_file(&self) -> PathBuf {
        self.config_dir.join("keymap.toml")
    }
    /// The user's own checklist templates.
    pub fn checklists_dir(&self) -> PathBuf {
        self.config_dir.join("checklists")
    }
    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }
    /// The user's own list of units, replacing seed 003's.
    pub fn units_file(&self) -> PathBuf {
        self.config_dir.join("units.toml")
    }
}

/// A profile name becomes a directory name: keep it to one plain path component.
pub fn validate_profile(name: &str) -> Result<(), String> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.contains(['/', '\\', '\0'])
        || name.chars().any(char::is_control);
    if bad {
        Err(format!("invalid profile name {name:?}: use a plain name without '/' (e.g. zhangsan)"))
    } else {
        Ok(())
    }
}

fn os_user_name() -> String {
    for var in ["USER", "LOGNAME", "USERNAME"] {
        if let Ok(v) = std::env::var(var) {
            if validate_profile(&v).is_ok() {
                return v;
            }
        }
    }
    // SAFETY: getpwuid returns a pointer into static storage or null; we copy the name out at once.
    unsafe {
        let pw = libc::getpwuid(libc::getuid());
        if !pw.is_null() && !(*pw).pw_name.is_null() {
            let name = std::ffi::CStr::from_ptr((*pw).pw_name).to_string_lossy().into_owned();
            if validate_profile(&name).is_ok() {
                return name;
            }
        }
    }
    "default".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_home_puts_config_and_store_under_it() {
        let p = Paths::resolve(Some(Path::new("/tmp/h")), Some("张三")).unwrap();
        assert_eq!(p.store_file(), Path::new("/tmp/h/张三/tiyan.redb"));
        if std::env::var_os("TIYAN_CONFIG_DIR").is_none() {
            assert_eq!(p.keymap_file(), Path::new("/tmp/h/config/keymap.toml"));
        }
    }

    #[test]
    fn profile_names_that_escape_the_home_are_refused() {
        for bad in ["", "..", "a/b", "x\0"] {
            assert!(validate_profile(bad).is_err(), "{bad:?}");
        }
        assert!(validate_profile("zhang_san").is_ok());
    }
}
