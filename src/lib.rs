//! tiyan (体验): a keyboard-only terminal tool for inspecting public-service halls.
//! Layers, top to bottom: cli / ui → app (Elm-style core) → store, keymap → domain. Beside
//! them, `present` (labels, dates in the user's zone, the rows `--json` prints) serves cli, ui
//! and app, and imports only domain and what lies below it.

pub mod app;
pub mod checklist;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crash;
pub mod demo;
pub mod domain;
pub mod edit;
pub mod holidays;
pub mod i18n;
pub mod keymap;
pub mod paths;
pub mod pinyin_match;
pub mod present;
pub mod problem;
pub mod store;
pub mod term;
pub mod text;
pub mod tui;
pub mod ui;
pub mod vocab;
