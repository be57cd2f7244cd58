//! Tests through the built binary and a pseudo-terminal (typing, signals, kills, hostile files), in one binary of their own: they are slower and start processes.

mod app_fixtures;
mod common;
mod photo_fixture;
mod rectify_fixtures;

mod checklist_e2e;
mod data_safety;
mod e2e;
mod hostile;
mod kiosk_e2e;
mod pty_harness;
mod rectify_e2e;
mod screen_bytes;
mod sync_e2e;
mod timers_e2e;
mod workdays_e2e;
