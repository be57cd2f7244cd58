//! A broken holidays.toml, end to end: the TUI still starts and says on its first frame where
//! the file is wrong and that the built-in list is used.

use crate::common::{start_tiyan, temp_home};

#[test]
fn a_broken_holidays_file_is_shown_on_the_first_frame() {
    let home = temp_home();
    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    // Line 4, column 8: a Thursday listed as a make-up working day.
    let text = "covers_from = 2026\ncovers_until = 2026\n[[workday]]\ndate = 2026-10-08\n";
    std::fs::write(config.join("holidays.toml"), text).unwrap();
    let tui = start_tiyan(home.path(), 160, 24);
    let screen = tui.expect_text("已改用内置节假日表");
    assert!(screen.contains("holidays.toml:4:8: 2026-10-08 不是周六或周日"), "{screen}");
}
