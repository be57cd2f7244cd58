//! Every test of the library and the headless commands, in one binary: one link after a change, not one per file. Each module is a file of its own beside this one.

mod app_fixtures;
mod rectify_fixtures;

mod app_board;
mod app_checklist;
mod app_rectify;
mod app_update;
mod architecture;
mod bundle_format;
mod bundles;
mod checklist_catalog;
mod checklist_fuzz;
mod checklist_parse;
mod checklist_problems;
mod checklist_snapshots;
mod checklist_store;
mod cli_rectify;
mod finding_batches;
mod i18n_keys;
mod json_contract;
mod keymap;
mod ledger;
mod ledger_index;
mod picker;
mod rectify_moves;
mod replay;
mod reports;
mod store;
mod summaries;
mod sync_converge;
mod sync_hostile;
mod sync_trip;
mod ui_snapshots;
mod user_units;
mod waits_stats;
mod workdays;
