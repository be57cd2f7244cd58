//! The command line, as clap parses it. Command names and flags are contracts for office
//! scripts: add, never rename.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "tiyan",
    version,
    about = "体验 — walk the process at public-service windows: sessions, findings, rectification"
)]
pub struct Cli {
    /// Data directory (default: $TIYAN_HOME, else the platform data dir)
    #[arg(long, global = true, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Profile name: one store per profile (default: the OS user name)
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Interface language: zh or en (default: config file, else LANG, else zh)
    #[arg(long, global = true, value_name = "zh|en")]
    pub lang: Option<String>,
    /// Open the TUI on a throwaway profile filled with demo data
    #[arg(long)]
    pub demo: bool,
    /// Draw borders with ASCII characters
    #[arg(long)]
    pub ascii: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Fill the profile with realistic Chinese demo data
    Demo {
        #[arg(long, default_value_t = 8)]
        sessions: usize,
        #[arg(long = "findings-per-session", default_value_t = 5)]
        findings_per_session: usize,
        /// Seed for repeatable data
        #[arg(long)]
        seed: Option<u64>,
    },
    /// Print records (plain text, or JSON with --json)
    List {
        #[command(subcommand)]
        what: ListWhat,
    },
    /// Check or show keymaps
    Keymap {
        #[command(subcommand)]
        cmd: KeymapCmd,
    },
    /// List or check checklist templates
    Template {
        #[command(subcommand)]
        cmd: TemplateCmd,
    },
    /// Statistics (JSON with --json)
    Stats {
        #[command(subcommand)]
        what: StatsWhat,
    },
}

#[derive(Subcommand, Debug)]
pub enum StatsWhat {
    /// Queue waits: count, median, 90th percentile and maximum (nearest rank), median service
    /// time, share over the threshold, share who left unserved
    Waits {
        /// Session id (ULID, or a unique prefix of it); default: every session
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        /// Group by window or by service item
        #[arg(long, value_name = "window|item")]
        by: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TemplateCmd {
    /// Every template: shipped, the user's own (config dir checklists/), and broken files
    List {
        #[arg(long)]
        json: bool,
    },
    /// Check a template file; problems are printed as FILE:LINE:COLUMN and exit non-zero
    Check { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum ListWhat {
    /// Inspection sessions (体验活动), newest first
    Sessions {
        #[arg(long)]
        json: bool,
    },
    /// Findings (问题), of one session or of all
    Findings {
        /// Session id (ULID, or a unique prefix of it)
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Queue tickets (排队号) with their stamps, wait and service times
    Tickets {
        /// Session id (ULID, or a unique prefix of it); default: every session
        #[arg(long, value_name = "ID")]
        session: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Checklist answers of one session: every item with its answer, note and findings
    Checks {
        /// Session id (ULID, or a unique prefix of it)
        #[arg(long, value_name = "ID")]
        session: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeymapCmd {
    /// Check a keymap file (default: the user keymap); exits non-zero on any problem
    Check { file: Option<PathBuf> },
    /// Print the bindings in force, in keymap file format
    Show,
}
