//! tiyan (体验): a keyboard-only terminal tool for inspecting public-service halls.
//!
//! The layers, top to bottom: `cli` (the commands; it starts the TUI) → `tui` (the threads
//! and the one loop) → `ui` (drawing) → `app` (the Elm-style core: `State`, `Msg`, `update`,
//! `Effect`; no terminal, no disk) → `store`, `present`, `config` → `keymap`, `checklist`,
//! `vocab`, `holidays`, `clock`, `term` → `domain`, `edit`, `pinyin_match` → `text`, `i18n`
//! and the other leaves. A module imports only from layers below its own, so there is no
//! import circle between modules; ARCHITECTURE.md has the table, the rules that come with it,
//! and where a new screen, command or report goes.

pub mod app;
pub mod bundle;
pub mod checklist;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crash;
pub mod demo;
pub mod domain;
pub mod edit;
pub mod files;
pub mod holidays;
pub mod i18n;
pub mod keymap;
pub mod paths;
pub mod pinyin_match;
pub mod present;
pub mod problem;
pub mod report;
pub mod store;
pub mod term;
pub mod text;
pub mod tui;
pub mod ui;
pub mod vocab;
