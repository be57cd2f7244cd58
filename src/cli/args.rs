//! The command line, as clap parses it. Command names and flags are contracts for office
//! scripts: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "tiyan",
    version,
    about = "体验 — walk the process at public-service windows: sessions, findings, rectification",
    after_help = super::exit::HELP
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
    /// Findings (问题): change a finding's rectification status
    Finding {
        #[command(subcommand)]
        cmd: FindingCmd,
    },
    /// 整改台账: the weekly counts and the table by unit (JSON with --json), or the reminder
    /// text for units past their deadlines (--reminders)
    Ledger(LedgerArgs),
    /// Show the profile's inspector name (who acts in status moves), or set it
    Inspector {
        /// The name to set; without it, the name in force is printed
        name: Option<String>,
    },
    /// Look at the whole store without changing it: every value read, the op log replayed and
    /// compared with the records; exits 1 and names what is damaged
    Check {
        #[arg(long)]
        json: bool,
    },
    /// This profile's card: name, role, signing key, age recipient and the fingerprint to read
    /// aloud (JSON with --json)
    Keys {
        #[arg(long)]
        json: bool,
    },
    /// Make this profile a supervision office's, or write its card to a stick
    Office {
        #[command(subcommand)]
        cmd: OfficeCmd,
    },
    /// The devices this profile trusts (JSON with --json); trust a card file, revoke a device
    Peers {
        #[command(subcommand)]
        cmd: Option<PeersCmd>,
        #[arg(long)]
        json: bool,
    },
    /// Office documents: a session's 体验报告 (docx, html, md), a 问题整改清单 (xlsx, docx, csv,
    /// html, md); written whole, never over a file without --force
    Report {
        #[command(subcommand)]
        what: ReportCmd,
    },
    /// Write a sync bundle into DIR (a USB stick): what the office lacks, or for an office,
    /// what each inspector device lacks; read back and checked before it is reported
    Export(ExportArgs),
    /// Import sync bundles (files, or every *.tiyan in a directory); each is taken whole or
    /// refused whole; exits 1 when any is refused
    Import(ImportArgs),
    /// The bundles imported so far (JSON with --json)
    Imports {
        #[arg(long)]
        json: bool,
    },
    /// Attach photos or scans (JPEG, PNG, PDF) to a session or a finding: each is copied into
    /// the profile (the same file twice is kept once); all are checked before any is attached
    Attach(AttachArgs),
    /// Remove an attachment from its session or finding (the removal is kept in its history)
    Detach(DetachArgs),
    /// The roster of 体验官 (政务服务体验官): add, edit, retire, set a PIN, list, the year's
    /// participation summary
    Officers {
        #[command(subcommand)]
        cmd: OfficersCmd,
    },
    /// The hall terminal's kiosk: citizens record their experience and look up the answer;
    /// nothing else is shown, and leaving needs the admin PIN (set it first with set-pin)
    Kiosk {
        #[command(subcommand)]
        cmd: Option<KioskCmd>,
    },
}

#[derive(Subcommand, Debug)]
pub enum OfficersCmd {
    /// Add an officer (--number and --name needed)
    Add(OfficerFields),
    /// Change an officer's details (only the flags given)
    Edit {
        /// The officer's number, or name when unique
        officer: String,
        #[command(flatten)]
        fields: OfficerFields,
    },
    /// Take an officer off the kiosk: dismissed (解聘, default) or suspended (暂停)
    Retire {
        officer: String,
        #[arg(long, value_name = "dismissed|suspended", default_value = "dismissed")]
        status: String,
    },
    /// Set an officer's PIN for the kiosk (4 to 12 digits), from the terminal or one line of
    /// standard input
    SetPin { officer: String },
    /// The roster, phones masked (138****5678) unless --show-phones
    List {
        #[arg(long)]
        json: bool,
        #[arg(long)]
        show_phones: bool,
    },
    /// Each officer's part in a year: entries, problems reported, confirmed, closed off, last
    /// visit
    Summary {
        #[arg(long)]
        year: i32,
        #[arg(long)]
        json: bool,
    },
}

/// An officer's details as flags (all optional for `edit`).
#[derive(Args, Debug)]
pub struct OfficerFields {
    /// The officer's number (编号), as the kiosk asks for it
    #[arg(long)]
    pub number: Option<String>,
    #[arg(long)]
    pub name: Option<String>,
    /// citizen (群众代表), business (企业代表), unit (单位代表), supervisor (行业特邀监督员)
    #[arg(long, value_name = "KIND")]
    pub kind: Option<String>,
    /// The unit or company the officer comes from
    #[arg(long)]
    pub unit: Option<String>,
    #[arg(long)]
    pub phone: Option<String>,
    /// Appointed on (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub appointed: Option<String>,
    /// Term ends on (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub term_end: Option<String>,
    /// active (在任), suspended (暂停) or dismissed (解聘)
    #[arg(long, value_name = "STATUS")]
    pub status: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum KioskCmd {
    /// Set the kiosk's admin PIN (4 to 12 digits), read from the terminal without echo, or one
    /// line of standard input
    SetPin,
}

/// Which record an attachment belongs to: exactly one of `--session`, `--finding`.
#[derive(Args, Debug)]
#[group(required = true, multiple = false)]
pub struct AttachOwner {
    /// The session's id, or a unique start of it
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// The finding's id, or a unique start of it
    #[arg(long, value_name = "ID")]
    pub finding: Option<String>,
}

#[derive(Args, Debug)]
pub struct AttachArgs {
    #[command(flatten)]
    pub owner: AttachOwner,
    /// The files: JPEG, PNG or PDF, each at most [attachments] max_file_mib (default 20 MiB)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Print what was attached as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DetachArgs {
    #[command(flatten)]
    pub owner: AttachOwner,
    /// The attachment's id (or a unique start of it), or its file name
    #[arg(value_name = "ATTACHMENT")]
    pub attachment: String,
}

#[derive(Subcommand, Debug)]
pub enum OfficeCmd {
    /// Make this profile the supervision office's (it can still do all an inspector's can)
    Init {
        /// The office's name, e.g. 巫溪县政务服务中心
        #[arg(long, value_name = "NAME")]
        name: String,
    },
    /// Write the office's card (tiyan-office-<fingerprint>.card) into DIR for inspectors to trust
    Card {
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum PeersCmd {
    /// Trust the device a card file names (an office's card from a stick)
    Trust {
        #[arg(value_name = "CARD-FILE")]
        card: PathBuf,
    },
    /// Revoke a device: its bundles are refused and nothing is encrypted to it any more
    Revoke {
        /// Its fingerprint (or a unique start of it, at least 4 digits)
        fingerprint: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// 体验报告 of one session (seed 003 附件2): docx, html or md
    Session {
        /// The session's id, or a unique start of it
        id: String,
        #[command(flatten)]
        out: ReportOut,
    },
    /// 问题整改清单 (seed 003 附件3): of one session, or of one responsible unit's findings
    /// found between two dates; xlsx, docx, csv, html or md
    Rectification {
        #[arg(long, value_name = "ID", conflicts_with_all = ["unit", "from", "to"])]
        session: Option<String>,
        /// The responsible unit (责任单位) whose findings are listed
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        /// First day found (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        from: Option<String>,
        /// Last day found (YYYY-MM-DD)
        #[arg(long, value_name = "DATE")]
        to: Option<String>,
        #[command(flatten)]
        out: ReportOut,
    },
    /// 督查提醒函: a letter to each unit with findings past their deadline (or to one), each on
    /// its own page, with a reply-by line; docx, html or md
    Reminders {
        /// Only the letter to this unit
        #[arg(long, value_name = "UNIT")]
        unit: Option<String>,
        #[command(flatten)]
        out: ReportOut,
    },
    /// 成果清单 (seed 001): the findings closed off (已销号) that the filters pass (those of
    /// `tiyan ledger`), by unit, with what was done and who verified it; xlsx, docx, csv, html
    /// or md
    Achievements {
        #[command(flatten)]
        which: LedgerFilterArgs,
        #[command(flatten)]
        out: ReportOut,
    },
    /// 体验官年度参与情况 (seed 004): each officer's entries, problems reported, confirmed and
    /// closed off in a year; xlsx, docx, csv, html or md
    Officers {
        #[arg(long)]
        year: i32,
        #[command(flatten)]
        out: ReportOut,
    },
    /// 整改台账 (seed 002): every finding the filters pass (those of `tiyan ledger`), with the
    /// figures and the table by unit; xlsx, csv or html
    Ledger {
        #[command(flatten)]
        which: LedgerFilterArgs,
        #[command(flatten)]
        out: ReportOut,
    },
}

#[derive(Args, Debug)]
pub struct ReportOut {
    /// docx, xlsx, html, md or csv (which ones a document has: see its help)
    #[arg(long, value_name = "FORMAT")]
    pub format: String,
    /// Where to write it (default: a Chinese name in the current directory)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write over a file that is there
    #[arg(long)]
    pub force: bool,
    /// The unit the document is from (its title, 填报单位); default: the office's name
    #[arg(long, value_name = "NAME")]
    pub org: Option<String>,
}

#[derive(Args, Debug)]
pub struct ExportArgs {
    /// The directory to write into (the stick's mount point, or any directory)
    #[arg(long, value_name = "DIR")]
    pub to: PathBuf,
    /// Every op, whatever the recipient is known to hold
    #[arg(long)]
    pub all: bool,
    /// Only for this device (fingerprint, or a unique start of it)
    #[arg(long = "for", value_name = "FINGERPRINT")]
    pub for_device: Option<String>,
    /// Write without encryption (still signed); the file name says so
    #[arg(long)]
    pub unencrypted: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Bundle files, or directories holding them
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Check and count what would be imported, writing nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Trust a device not seen before (its card travels in the bundle); check its fingerprint
    #[arg(long)]
    pub trust_new: bool,
    #[arg(long)]
    pub json: bool,
}

/// Which findings: shared by `list findings` and `ledger`.
#[derive(Args, Debug, Default)]
pub struct FindingFilterArgs {
    /// Only these statuses: a code (found, confirmed, not-a-problem, assigned, rectifying,
    /// rectified, closed) or its Chinese name; repeat the flag or separate with , or 、
    #[arg(long, value_name = "STATUS", value_delimiter = ',')]
    pub status: Vec<String>,
    /// Only this responsible unit: its Chinese or English name, code or pinyin (yb, scjg), as
    /// the TUI's picker matches it; a name matching several units or none is refused
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// Take --unit as typed instead of matching it against the list of units
    #[arg(long, requires = "unit")]
    pub free_text: bool,
    /// Only findings past their deadline and not yet rectified
    #[arg(long)]
    pub overdue: bool,
}

#[derive(Args, Debug)]
pub struct LedgerArgs {
    #[command(flatten)]
    pub which: LedgerFilterArgs,
    #[arg(long)]
    pub json: bool,
    /// Print the reminder letter (督查提醒函) for the overdue findings instead
    #[arg(long, conflicts_with = "json")]
    pub reminders: bool,
}

/// The findings the ledger and its 台账 take: `tiyan ledger`'s filters.
#[derive(Args, Debug)]
pub struct LedgerFilterArgs {
    #[command(flatten)]
    pub filter: FindingFilterArgs,
    /// Only one session (ULID, or a unique prefix of it)
    #[arg(long, value_name = "ID")]
    pub session: Option<String>,
    /// Only walks of this theme (code or Chinese name, e.g. medical_insurance or 医保服务)
    #[arg(long, value_name = "THEME")]
    pub theme: Option<String>,
    /// Only walks on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only walks on or before this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum FindingCmd {
    /// Apply one status move under the same rules as the TUI; a refused move exits 1 and
    /// says why
    SetStatus(SetStatusArgs),
}

#[derive(Args, Debug)]
pub struct SetStatusArgs {
    /// Finding id (ULID, or a unique prefix of it)
    pub id: String,
    /// The new status: found, confirmed, not-a-problem, assigned, rectifying, rectified,
    /// closed, or the Chinese name; may be left out with --reopen
    pub status: Option<String>,
    /// Who acts (default: the profile's inspector, see `tiyan inspector`)
    #[arg(long, value_name = "NAME")]
    pub by: Option<String>,
    /// Why (needed for not-a-problem and for reopening)
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// What was done (needed for rectified)
    #[arg(long, value_name = "TEXT")]
    pub evidence: Option<String>,
    /// Responsible unit (for assigned): its Chinese or English name, code or pinyin (yb,
    /// scjg), as the TUI's picker matches it; a name matching several units or none is refused
    #[arg(long, value_name = "NAME")]
    pub unit: Option<String>,
    /// Store --unit as typed, for a unit not in the list
    #[arg(long, requires = "unit")]
    pub free_text: bool,
    /// Deadline (for assigned), e.g. 2026-12-01 or 5个工作日; a date already past is taken
    /// with a warning, a year outside 2000-2100 is refused
    #[arg(long, value_name = "DATE")]
    pub deadline: Option<String>,
    /// Rectification measure (for assigned)
    #[arg(long, value_name = "TEXT")]
    pub measure: Option<String>,
    /// Target (for assigned, optional)
    #[arg(long, value_name = "TEXT")]
    pub target: Option<String>,
    /// Standard (for assigned, optional)
    #[arg(long, value_name = "TEXT")]
    pub standard: Option<String>,
    /// Person responsible (for assigned, optional)
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Reopen a rectified or closed finding (back to rectifying, or to confirmed when no unit
    /// was assigned); needs --note
    #[arg(long)]
    pub reopen: bool,
    /// Print the finding as JSON (as in `list findings --json`)
    #[arg(long)]
    pub json: bool,
}

#[derive(Subcommand, Debug)]
pub enum StatsWhat {
    /// 好差评 of the kiosk's entries: per dimension (服务态度, 办事效率, 指引清晰, 环境设施) how many
    /// gave each of the five levels, their share and the 满意率; over all entries, or by service
    /// item, window or ISO week
    Ratings {
        /// Group by service item, window or week
        #[arg(long, value_name = "item|window|week")]
        by: Option<String>,
        #[arg(long)]
        json: bool,
    },
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
        #[command(flatten)]
        filter: FindingFilterArgs,
        /// Only findings with a conflict (冲突: a field with more than one value after a merge)
        #[arg(long)]
        conflicts: bool,
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
    /// Print the bindings in force, in keymap file format (or, with --markdown, as the table
    /// README shows)
    Show {
        #[arg(long)]
        markdown: bool,
    },
}
