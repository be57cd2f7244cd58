//! A State with Chinese fixture data, fed through `update` the way the store thread would.
#![allow(dead_code)]

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

use tiyan::app::{Context, Effect, Msg, State, update};
use tiyan::clock::ManualClock;
use tiyan::config::WaitRules;
use tiyan::domain::{Finding, FindingStatus, Session, SessionStatus, SessionSummary};
use tiyan::i18n::Lang;
use tiyan::keymap::Keymap;
use tiyan::store::{StoreEvent, StoreRequest};
use tiyan::term::caps::Caps;

pub mod live;

/// 2026-11-26 09:30 UTC; snapshot tests pin TZ=UTC so dates do not depend on the machine.
pub const T0: u64 = 1_795_685_400_000;

pub fn pin_timezone() {
    // SAFETY: every test sets the same value before any time is formatted.
    unsafe { std::env::set_var("TZ", "UTC") };
}

pub fn id(ms: u64, n: u128) -> u128 {
    ulid::Ulid::from_parts(ms, n).0
}

pub fn context(lang: Lang) -> Context {
    context_with_clock(lang, Arc::new(ManualClock::new(1, T0 as i64)))
}

/// A context whose clock the test moves (`advance`, `jump_wall`, `restart`).
pub fn context_with_clock(lang: Lang, clock: Arc<ManualClock>) -> Context {
    Context {
        keymap: Keymap::builtin(),
        lang,
        caps: Caps::default(),
        profile: "张三".into(),
        startup_notice: None,
        templates: templates(lang),
        clock,
        waits: WaitRules::default(),
        ids: Arc::new(tiyan::domain::ids::SeededIds::new(1)),
        zone: tiyan::domain::zone::Zone::local(),
        calendar: std::sync::Arc::new(tiyan::holidays::shipped()),
        attach_cap: tiyan::domain::attachment::DEFAULT_MAX_BYTES,
    }
}

pub fn session(n: u64, item: &str, findings: usize) -> SessionSummary {
    SessionSummary {
        session: Session {
            id: id(T0 - n * 86_400_000, n as u128),
            item: item.into(),
            mode: "accompany".into(),
            channel: "hall_window".into(),
            theme: "market_access".into(),
            place: "县政务服务中心".into(),
            window: "3号窗口".into(),
            inspectors: vec!["王建国".into(), "李秀英".into()],
            measures: String::new(),
            advice: String::new(),
            status: if n == 0 { SessionStatus::Open } else { SessionStatus::Finished },
            created_ms: (T0 - n * 86_400_000) as i64,
            finished_ms: None,
            deleted: false,
            conflicts: vec![],
            clock_jumps: vec![],
            walk: Default::default(),
            attachments: Vec::new(),
            kiosk: None,
        },
        findings,
        max_seq: findings as i64,
        conflicts: 0,
    }
}

pub fn finding(session: u128, seq: i64, description: &str) -> Finding {
    Finding {
        id: id(T0 + seq as u64 * 60_000, seq as u128),
        session_id: session,
        seq,
        description: description.into(),
        category: "blockage".into(),
        tags: vec!["排队等待时间过长".into()],
        severity: "minor".into(),
        unit: "县市场监管局".into(),
        measure: String::new(),
        deadline: chrono::NaiveDate::from_ymd_opt(2026, 12, 1),
        progress: String::new(),
        note: String::new(),
        status: FindingStatus::Found,
        created_ms: (T0 + seq as u64 * 60_000) as i64,
        deleted: false,
        conflicts: vec![],
        check: None,
        ticket: None,
        ..Finding::blank(session)
    }
}

pub fn sessions() -> Vec<SessionSummary> {
    vec![session(0, "企业开办", 3), session(1, "不动产登记（二手房转移）", 1), session(2, "医保报销", 0)]
}

pub fn findings(session: u128) -> Vec<Finding> {
    vec![
        finding(session, 1, "取号后等候叫号超过四十分钟，大厅无等候时长提示"),
        finding(session, 2, "窗口要求重复提交营业执照复印件，办事指南未列明"),
        finding(session, 3, "网上预约系统无法选择下午时段"),
    ]
}

/// A state at `size` showing the fixture sessions.
pub fn state_with_sessions(lang: Lang, size: (u16, u16)) -> State {
    let mut s = State::new(context(lang), size);
    update(&mut s, Msg::Store(StoreEvent::Sessions(sessions())));
    s
}

/// Sessions listed, the newest opened, its findings loaded (as the store thread answers).
pub fn findings_screen(lang: Lang, size: (u16, u16)) -> State {
    let mut s = state_with_sessions(lang, size);
    update(&mut s, key(KeyCode::Enter));
    let session = s.sessions.list[0].session.id;
    update(&mut s, Msg::Store(StoreEvent::Findings { session, findings: findings(session) }));
    s
}

pub fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Msg {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Type text key by key (as an IME commits it).
pub fn type_text(state: &mut State, text: &str) {
    for c in text.chars() {
        update(state, ch(c));
    }
}

/// The store requests among effects.
pub fn requests(effects: Vec<Effect>) -> Vec<StoreRequest> {
    effects
        .into_iter()
        .filter_map(|e| match e {
            Effect::Store(r) => Some(r),
            Effect::Quit | Effect::WriteFile { .. } | Effect::Document(_) => None,
        })
        .collect()
}

/// The shipped templates, as the add-checklist list offers them.
pub fn templates(lang: Lang) -> Vec<tiyan::app::TemplateChoice> {
    tiyan::checklist::choices(&tiyan::checklist::Catalog::load(tiyan::checklist::SHIPPED, None), lang)
}

/// The small test template: one item of every answer kind (tests/fixtures/templates/valid.toml).
pub fn fixture_template() -> tiyan::domain::Template {
    let text = std::fs::read_to_string("tests/fixtures/templates/valid.toml").unwrap();
    tiyan::checklist::parse_template("valid.toml", &text).unwrap()
}

/// The fixture template attached to `session`, with `answers` given as (item id, answer).
pub fn checklist(session: u128, answers: &[(&str, tiyan::domain::Answer)]) -> tiyan::domain::Checklist {
    tiyan::domain::Checklist {
        id: id(T0 + 1_000, 77),
        session_id: session,
        template: fixture_template(),
        answers: answers.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        notes: Default::default(),
        created_ms: (T0 + 1_000) as i64,
        deleted: false,
        conflicts: vec![],
        conflict_values: vec![],
    }
}

/// The newest session's page with `checklist` loaded, then that checklist opened (Tab, Enter).
pub fn checklist_screen(lang: Lang, size: (u16, u16), checklist: tiyan::domain::Checklist) -> State {
    let mut s = findings_screen(lang, size);
    let session = s.sessions.list[0].session.id;
    update(&mut s, Msg::Store(StoreEvent::Checklists { session, checklists: vec![checklist] }));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Enter));
    s
}

/// The changes of the Apply requests among effects.
pub fn applied(effects: Vec<Effect>) -> Vec<tiyan::domain::Change> {
    requests(effects)
        .into_iter()
        .flat_map(|r| match r {
            StoreRequest::Apply { changes, .. } => changes,
            _ => vec![],
        })
        .collect()
}

pub fn render(state: &State) -> ratatui::Terminal<ratatui::backend::TestBackend> {
    let (w, h) = state.size;
    let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).unwrap();
    t.draw(|f| tiyan::ui::draw(f, state)).unwrap();
    t
}

/// The screen as text, one row per line (a wide glyph's second cell is skipped).
pub fn text(t: &ratatui::Terminal<ratatui::backend::TestBackend>) -> String {
    let buf = t.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut skip = 0;
        for x in 0..buf.area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            out.push_str(sym);
            skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
        }
        out.push('\n');
    }
    out
}
