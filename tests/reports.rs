//! The office documents (seed 003's 体验报告 and 问题整改清单), each format opened with a reader
//! of its own: DOCX unzipped and its document.xml read, XLSX read back with calamine, CSV
//! parsed with the csv crate, HTML and Markdown as text. The demo is written at a fixed moment,
//! with a finding whose text tries to be a formula and markup.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use tiyan::config::WaitRules;
use tiyan::domain::finding::field as ff;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Stamp, Value};
use tiyan::present::Zone;
use tiyan::report::build::{self, At};
use tiyan::report::{Doc, Format, rectification};
use tiyan::store::Store;

use crate::app_fixtures::pin_timezone;

/// Thursday 2026-11-26 10:30 UTC.
const NOW: i64 = 1_795_689_000_000;
const FORMULA: &str = "=HYPERLINK(\"http://evil.example\",\"点我\")";
const AT_SUM: &str = "@SUM(A1:A9)";
const MARKUP: &str = "<script>alert('叫号屏')</script>";

struct Demo {
    _dir: tempfile::TempDir,
    store: Store,
    session: EntityId,
}

fn demo() -> Demo {
    pin_timezone();
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p").join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 3, 4, 15, NOW).unwrap();
    let session = store.sessions().unwrap()[0].session.id;
    let findings = store.findings_of(session).unwrap();
    let set = |id, field: &str, text: &str| Change::set(EntityKind::Finding, id, field, Value::text(text));
    store
        .apply_at(
            &[
                set(findings[0].id, ff::DESCRIPTION, FORMULA),
                set(findings[1].id, ff::DESCRIPTION, AT_SUM),
                set(findings[2].id, ff::MEASURE, MARKUP),
                Change::set(
                    EntityKind::Finding,
                    findings[3].id,
                    ff::DEADLINE,
                    Value::date(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
                ),
                Change::set(EntityKind::Session, session, sf::ADVICE, Value::text("建议推行“一件事一次办”")),
                // One closed off, for the 成果清单.
                set(findings[2].id, ff::UNIT, "县医保局"),
                set(findings[2].id, ff::STATUS, "closed"),
                set(findings[2].id, ff::EVIDENCE, "已在大厅增设自助终端两台"),
                set(findings[2].id, ff::CLOSED_BY, "李娜"),
                Change::set(
                    EntityKind::Finding,
                    findings[2].id,
                    ff::CLOSED_ON,
                    Value::date(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()),
                ),
            ],
            NOW as u64,
        )
        .unwrap();
    Demo { _dir: dir, store, session }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

/// The moment the documents are made: NOW, in UTC.
fn moment() -> (Stamp, Zone) {
    (Stamp { wall_ms: NOW, run: 7, mono_ms: 0 }, Zone::utc())
}

fn session_report(d: &Demo) -> Doc {
    let (now, zone) = moment();
    let at = At { now: &now, zone: &zone, today: today() };
    build::session_report(&d.store, d.session, "巫溪县政务服务中心", &WaitRules::default(), &at).unwrap().unwrap().0
}

fn rectification_list(d: &Demo) -> Doc {
    build::session_rectification(&d.store, d.session, "巫溪县政务服务中心", today()).unwrap().unwrap().0
}

fn descriptions(d: &Demo) -> Vec<String> {
    d.store.findings_of(d.session).unwrap().into_iter().filter(|f| !f.deleted).map(|f| f.description).collect()
}

const SECTIONS: [&str; 6] =
    ["一、体验事项", "二、体验人员", "三、事项办理全过程", "四、堵点难点问题", "五、优化措施", "六、工作建议"];

/// The text of a DOCX's body: its document.xml, the runs' text joined.
fn docx_text(bytes: &[u8]) -> (String, String) {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut read = |name: &str| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(name).unwrap(), &mut text).unwrap();
        text
    };
    let xml = read("word/document.xml");
    let footer = (1..=3).map(|n| format!("word/footer{n}.xml")).find_map(|n| {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut text = String::new();
        std::io::Read::read_to_string(&mut zip.by_name(&n).ok()?, &mut text).ok()?;
        Some(text)
    });
    // The runs' text, entities decoded: what Word shows.
    let mut text = String::new();
    for piece in xml.split("<w:t").skip(1) {
        let Some(start) = piece.find('>') else { continue };
        let Some(end) = piece.find("</w:t>") else { continue };
        text.push_str(&piece[start + 1..end]);
        text.push('\n');
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&");
    (text, footer.unwrap_or_default() + &xml)
}

#[test]
fn the_session_report_in_word_has_every_section_the_signature_block_and_the_findings() {
    let d = demo();
    let bytes = Format::Docx.render(&session_report(&d)).unwrap();
    let (text, xml) = docx_text(&bytes);
    assert!(text.contains("巫溪县政务服务中心“我陪群众走流程”政务服务体验活动报告"), "{text}");
    let mut at = 0;
    for head in SECTIONS {
        let found = text[at..].find(head).unwrap_or_else(|| panic!("{head} missing or out of order in\n{text}"));
        at += found;
    }
    for line in ["主要负责人（签字）", "单位（盖章）", "年    月    日"] {
        assert!(text.contains(line), "{line}");
    }
    for description in descriptions(&d) {
        assert!(text.contains(&description), "{description}");
    }
    assert!(text.contains("建议推行“一件事一次办”"));
    for font in ["方正小标宋简体", "黑体", "仿宋_GB2312"] {
        assert!(xml.contains(font), "font {font}");
    }
    assert!(xml.contains("PAGE"), "a page number field in the footer");
    assert!(xml.contains("w:tblBorders") || xml.contains("w:tcBorders"), "tables with borders");
    assert!(!xml.contains("landscape"), "the report is upright");
    // The 整改清单's eight columns are set on a page turned sideways, as offices print 附件3.
    let (text, xml) = docx_text(&Format::Docx.render(&rectification_list(&d)).unwrap());
    assert!(xml.contains("w:orient=\"landscape\""), "a landscape page");
    for column in rectification::COLUMNS {
        assert!(text.contains(column), "{column}");
    }
}

#[test]
fn a_section_with_nothing_recorded_says_so() {
    let d = demo();
    let mut doc = session_report(&d);
    let md = tiyan::report::markdown::render(&doc);
    assert!(md.contains("## 六、工作建议\n\n建议推行“一件事一次办”"), "{md}");
    // An empty session: every section is there, each saying 无.
    let (now, zone) = moment();
    let at = At { now: &now, zone: &zone, today: today() };
    let mut store = d.store;
    let empty = ulid::Ulid::from_parts(NOW as u64, 99).0;
    store.apply_at(&[Change::set(EntityKind::Session, empty, sf::ITEM, Value::text("企业开办"))], NOW as u64).unwrap();
    doc = build::session_report(&store, empty, "", &WaitRules::default(), &at).unwrap().unwrap().0;
    let md = tiyan::report::markdown::render(&doc);
    assert!(md.starts_with("# ×××单位“我陪群众走流程”政务服务体验活动报告"), "{md}");
    for head in &SECTIONS[1..] {
        assert!(md.contains(&format!("## {head}\n\n无\n")), "{head} in\n{md}");
    }
}

#[test]
fn the_rectification_list_in_excel_has_the_exact_columns_dates_and_no_formula() {
    let d = demo();
    let bytes = Format::Xlsx.render(&rectification_list(&d)).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["“我陪群众走流程”政务服务体验活动问题整改清单"]);
    let range = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows.iter().position(|r| r.first() == Some(&Data::String("序号".into()))).expect("a header row");
    let names: Vec<String> = rows[header].iter().map(|c| c.to_string()).collect();
    assert_eq!(names, rectification::COLUMNS);
    let body = &rows[header + 1..];
    assert_eq!(body.len(), descriptions(&d).len());
    let cell = |r: &[Data], col: &str| r[rectification::COLUMNS.iter().position(|c| *c == col).unwrap()].clone();
    let deadlines: Vec<Data> = body.iter().map(|r| cell(r, "整改时限")).collect();
    assert!(deadlines.iter().any(|c| matches!(c, Data::DateTime(_))), "a deadline is a date cell: {deadlines:?}");
    assert!(body.iter().any(|r| cell(r, "体验事项").to_string().chars().any(|c| c >= '\u{4e00}')));
    let texts: Vec<String> = body.iter().map(|r| cell(r, "发现的问题描述").to_string()).collect();
    assert!(texts.contains(&format!("'{FORMULA}")), "{texts:?}");
    assert!(texts.contains(&format!("'{AT_SUM}")), "{texts:?}");
    // And no formula anywhere in the sheet.
    assert!(
        book.worksheet_formula("“我陪群众走流程”政务服务体验活动问题整改清单").unwrap().used_cells().next().is_none()
    );
}

#[test]
fn the_rectification_list_as_csv_has_a_bom_the_columns_and_inert_cells() {
    let d = demo();
    let bytes = Format::Csv.render(&rectification_list(&d)).unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF");
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, rectification::COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), descriptions(&d).len());
    for row in &rows {
        for field in row {
            assert!(!field.starts_with(['=', '+', '-', '@']), "a cell that could run: {field}");
        }
    }
    assert!(rows.iter().any(|r| r[3] == format!("'{FORMULA}")));
}

#[test]
fn html_holds_every_finding_and_no_markup_that_was_typed() {
    let d = demo();
    let html = String::from_utf8(Format::Html.render(&session_report(&d)).unwrap()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@page { size: A4"));
    assert!(!html.contains("<script>"), "typed markup is text");
    assert!(html.contains("&lt;script&gt;"));
    for description in descriptions(&d) {
        assert!(html.contains(&tiyan::report::cell::html(&description)), "{description}");
    }
    let list = String::from_utf8(Format::Html.render(&rectification_list(&d)).unwrap()).unwrap();
    for column in rectification::COLUMNS {
        assert!(list.contains(&format!("<th>{column}</th>")));
    }
}

#[test]
fn the_session_report_in_markdown_is_pinned() {
    let d = demo();
    insta::assert_snapshot!("session_report_md", tiyan::report::markdown::render(&session_report(&d)));
    insta::assert_snapshot!("rectification_md", tiyan::report::markdown::render(&rectification_list(&d)));
}

/// The commands: a Chinese default name in the current directory, never over a file without
/// --force, and a format the document does not have refused with those it has.
#[test]
fn report_commands_write_once_and_refuse_what_they_cannot_do() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path().to_str().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_tiyan"))
            .args(["--home", h, "--lang", "zh"])
            .args(args)
            .current_dir(home.path())
            .output()
            .unwrap()
    };
    assert!(run(&["demo", "--sessions", "2", "--findings-per-session", "3", "--seed", "4"]).status.success());
    let list = run(&["list", "sessions", "--json"]);
    let sessions: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let id = sessions[0]["id"].as_str().unwrap();
    let item = sessions[0]["item"].as_str().unwrap();
    let first = run(&["report", "session", id, "--format", "docx"]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let written: Vec<String> = std::fs::read_dir(home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".docx"))
        .collect();
    assert_eq!(written.len(), 1);
    assert!(written[0].starts_with(&format!("体验报告-{item}-")), "{written:?}");
    let again = run(&["report", "session", id, "--format", "docx"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    assert!(run(&["report", "session", id, "--format", "docx", "--force"]).status.success());
    let wrong = run(&["report", "session", id, "--format", "xlsx"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("docx、html、md"));
    let out = home.path().join("清单.csv");
    let list = run(&["report", "rectification", "--session", id, "--format", "csv", "--out", out.to_str().unwrap()]);
    assert!(list.status.success(), "{}", String::from_utf8_lossy(&list.stderr));
    assert!(std::fs::read(&out).unwrap().starts_with(b"\xEF\xBB\xBF"));
    let neither = run(&["report", "rectification", "--format", "csv"]);
    assert_eq!(neither.status.code(), Some(1));
    let backwards = run(&[
        "report",
        "rectification",
        "--unit",
        "县医保局",
        "--from",
        "2026-12-01",
        "--to",
        "2026-11-01",
        "--format",
        "csv",
    ]);
    assert_eq!(backwards.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&backwards.stderr).contains("晚于"),
        "{}",
        String::from_utf8_lossy(&backwards.stderr)
    );
}

/// The 整改台账 in Excel: a sheet of findings with seed 002's columns, one row per finding the
/// filter passes, then the figures and the table by unit on sheets of their own.
#[test]
fn the_ledger_in_excel_has_its_three_sheets_and_a_row_per_finding() {
    let d = demo();
    let (now, zone) = moment();
    let at = At { now: &now, zone: &zone, today: today() };
    let all = tiyan::domain::ledger::LedgerFilter::default();
    let doc = build::ledger(&d.store, &all, "巫溪县政务服务中心", &at).unwrap();
    let bytes = Format::Xlsx.render(&doc).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["整改台账", "统计", "按责任单位"]);
    let range = book.worksheet_range("整改台账").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows.iter().position(|r| r.first() == Some(&Data::String("序号".into()))).expect("a header row");
    let names: Vec<String> = rows[header].iter().map(|c| c.to_string()).collect();
    assert_eq!(names, build::LEDGER_COLUMNS);
    let findings: usize = d
        .store
        .sessions()
        .unwrap()
        .iter()
        .map(|s| d.store.findings_of(s.session.id).unwrap().iter().filter(|f| !f.deleted).count())
        .sum();
    assert_eq!(rows.len() - header - 1, findings);
    let walked = rows[header + 1][build::LEDGER_COLUMNS.iter().position(|c| *c == "体验日期").unwrap()].clone();
    assert!(matches!(walked, Data::DateTime(_)), "{walked:?}");
    // Only the overdue: fewer rows, each overdue.
    let overdue = tiyan::domain::ledger::LedgerFilter { overdue: true, ..Default::default() };
    let doc = build::ledger(&d.store, &overdue, "", &at).unwrap();
    let table = doc.tables().next().unwrap();
    assert!(!table.rows.is_empty() && table.rows.len() < findings);
    let due = build::LEDGER_COLUMNS.iter().position(|c| *c == "到期情况").unwrap();
    assert!(table.rows.iter().all(|r| r[due].text().contains("逾期")), "{:?}", table.rows);
}

/// 督查提醒函: a letter to each unit with overdue findings, each on its own page, naming the
/// unit, the findings and the day to reply by; `--unit` keeps one.
#[test]
fn reminder_letters_go_one_to_a_unit_with_a_reply_by_line() {
    let d = demo();
    let (now, zone) = moment();
    let at = At { now: &now, zone: &zone, today: today() };
    let doc = build::reminders(&d.store, None, "巫溪县政务服务中心", &at).unwrap();
    let units: Vec<String> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            tiyan::report::Block::Heading(h) => Some(h.trim_end_matches('：').to_string()),
            _ => None,
        })
        .collect();
    assert!(units.len() >= 2, "{units:?}");
    let breaks = doc.blocks.iter().filter(|b| matches!(b, tiyan::report::Block::PageBreak)).count();
    assert_eq!(breaks, units.len() - 1, "each letter on a page of its own");
    let (text, xml) = docx_text(&Format::Docx.render(&doc).unwrap());
    assert!(xml.contains("w:type=\"page\""), "page breaks in Word");
    for unit in &units {
        assert!(text.contains(&format!("{unit}：")));
    }
    assert!(text.contains("书面反馈巫溪县政务服务中心"));
    let one = build::reminders(&d.store, Some(&units[0]), "", &at).unwrap();
    let md = tiyan::report::markdown::render(&one);
    assert!(md.contains(&format!("## {}：", units[0])) && !md.contains(&format!("## {}：", units[1])), "{md}");
    assert!(md.contains("×××单位"), "no sender given: the template's blank");
}

/// 成果清单 (seed 001): every finding closed off, and only those, by unit, with what was done
/// and who verified it; the office's column left to fill; in Excel as the other lists.
#[test]
fn the_achievements_list_holds_the_findings_closed_off_by_unit() {
    let d = demo();
    let (now, zone) = moment();
    let at = At { now: &now, zone: &zone, today: today() };
    let all = tiyan::domain::ledger::LedgerFilter::default();
    let doc = build::achievements(&d.store, &all, "巫溪县政务服务中心", &at).unwrap();
    let closed: Vec<tiyan::domain::Finding> = d
        .store
        .all_findings()
        .unwrap()
        .into_iter()
        .filter(|f| !f.deleted && f.status == tiyan::domain::FindingStatus::Closed)
        .collect();
    assert!(!closed.is_empty(), "the demo closes some findings off");
    let table = doc.tables().next().unwrap();
    assert_eq!(table.header, tiyan::report::achievements::COLUMNS);
    assert_eq!(table.rows.len(), closed.len());
    let column = |name: &str| tiyan::report::achievements::COLUMNS.iter().position(|c| *c == name).unwrap();
    let units: Vec<String> = table.rows.iter().map(|r| r[column("责任单位")].text()).collect();
    assert!(units.windows(2).all(|w| w[0] <= w[1]), "by unit: {units:?}");
    for f in &closed {
        let row = table.rows.iter().find(|r| r[column("问题")].text() == f.description).expect("each closed finding");
        assert_eq!(row[column("整改成效")].text(), f.evidence);
        assert!(row[column("核验销号")].text().contains(&f.closed_by), "{row:?}");
        assert_eq!(row[column("固化成果（制度机制）")].text(), "");
    }
    let bytes = Format::Xlsx.render(&doc).unwrap();
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let range = book.worksheet_range(&book.sheet_names()[0]).unwrap();
    let header = range.rows().find(|r| r.first() == Some(&Data::String("序号".into()))).expect("a header row");
    assert_eq!(header.iter().map(|c| c.to_string()).collect::<Vec<_>>(), tiyan::report::achievements::COLUMNS);
    // A unit's filter keeps its own.
    let unit = closed[0].unit.trim().to_string();
    let one = tiyan::domain::ledger::LedgerFilter { unit: Some(unit.clone()), ..Default::default() };
    let doc = build::achievements(&d.store, &one, "", &at).unwrap();
    let rows = &doc.tables().next().unwrap().rows;
    assert!(!rows.is_empty() && rows.iter().all(|r| r[column("责任单位")].text() == unit));
}

/// The plain text of every document in the format the office files it, as its own reader sees
/// it: Word's runs, Excel's cells (a row a line, cells by tabs, sheet by sheet), CSV as it is.
/// A change to any document's words shows here.
#[test]
fn the_plain_text_of_every_document_is_pinned() {
    let d = demo();
    let (now, zone) = moment();
    let at = At { now: &now, zone: &zone, today: today() };
    let all = tiyan::domain::ledger::LedgerFilter::default();
    let office = "巫溪县政务服务中心";
    let word = |doc: &Doc| docx_text(&Format::Docx.render(doc).unwrap()).0;
    let sheets = |doc: &Doc| {
        let bytes = Format::Xlsx.render(doc).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        for name in book.sheet_names() {
            out.push_str(&format!("[{name}]\n"));
            for row in book.worksheet_range(&name).unwrap().rows() {
                let cell = |c: &Data| match c {
                    // Excel counts days from 1899-12-30.
                    Data::DateTime(d) => (NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()
                        + chrono::Days::new(d.as_f64() as u64))
                    .to_string(),
                    c => c.to_string(),
                };
                out.push_str(&row.iter().map(cell).collect::<Vec<_>>().join("\t"));
                out.push('\n');
            }
        }
        out
    };
    insta::assert_snapshot!("session_report_docx_text", word(&session_report(&d)));
    insta::assert_snapshot!("rectification_xlsx_text", sheets(&rectification_list(&d)));
    let csv = String::from_utf8(Format::Csv.render(&rectification_list(&d)).unwrap()).unwrap();
    insta::assert_snapshot!("rectification_csv_text", csv);
    insta::assert_snapshot!("ledger_xlsx_text", sheets(&build::ledger(&d.store, &all, office, &at).unwrap()));
    insta::assert_snapshot!("reminders_docx_text", word(&build::reminders(&d.store, None, office, &at).unwrap()));
    insta::assert_snapshot!(
        "achievements_xlsx_text",
        sheets(&build::achievements(&d.store, &all, office, &at).unwrap())
    );
}
