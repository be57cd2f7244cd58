//! Photos and scans (附件) through the real binary: `tiyan attach` checks every file before it
//! attaches any, keeps each once by its BLAKE3, honours the configured cap; `tiyan detach`
//! removes one by id or name; a bundle carries the files its ops attach, and the office's
//! 体验报告 shows them (turned upright in Word, inlined in HTML, named in Markdown).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value as Json;

const BIN: &str = env!("CARGO_BIN_EXE_tiyan");

use crate::photo_fixture::jpeg;

struct Profile<'a> {
    home: &'a Path,
    name: &'static str,
}

impl Profile<'_> {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(["--home", self.home.to_str().unwrap(), "--profile", self.name, "--lang", "zh"])
            .args(args)
            .env("TZ", "UTC")
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{}: tiyan {args:?} failed: {stdout}{stderr}", self.name);
        stdout.into_owned()
    }

    fn refused(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert_eq!(out.status.code(), Some(1), "tiyan {args:?} should be refused");
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    fn json(&self, args: &[&str]) -> Json {
        serde_json::from_str(&self.ok(args)).unwrap()
    }

    fn first(&self, what: &str) -> Json {
        self.json(&["list", what, "--json"])[0].clone()
    }

    fn files_dir(&self) -> PathBuf {
        self.home.join(self.name).join("attachments")
    }

    /// Every file kept in the profile's attachments directory.
    fn kept(&self) -> Vec<PathBuf> {
        let Ok(dirs) = std::fs::read_dir(self.files_dir()) else { return Vec::new() };
        let mut out: Vec<PathBuf> =
            dirs.flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().map(|f| f.unwrap().path())).collect();
        out.sort();
        out
    }
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn attach_checks_every_file_first_keeps_each_once_and_detach_takes_one_off() {
    let home = tempfile::tempdir().unwrap();
    let me = Profile { home: home.path(), name: "王建国" };
    me.ok(&["inspector", "王建国"]);
    me.ok(&["demo", "--sessions", "1", "--findings-per-session", "2", "--seed", "3"]);
    let finding = me.first("findings")["id"].as_str().unwrap().to_string();
    let files = tempfile::tempdir().unwrap();
    let photo = write(files.path(), "大厅 取号机.jpg", &jpeg(4000, 3000, 6, 2_000));
    let notes = write(files.path(), "说明.jpg", "不是照片，只是改了扩展名".as_bytes());
    let scan = write(files.path(), "告知单.pdf", b"%PDF-1.7\n%\xe2\xe3\n");

    // One file that is not a photo: none of them is attached, and it is named.
    let said = me.refused(&["attach", "--finding", &finding, &photo, &notes]);
    assert!(said.contains("说明.jpg") && said.contains("不是 JPEG、PNG 或 PDF"), "{said}");
    assert_eq!(me.first("findings")["attachments"], Json::Array(vec![]));
    assert!(me.kept().is_empty(), "nothing copied: {:?}", me.kept());

    // A photo and a scan: two attachments, two files kept.
    let out = me.json(&["attach", "--finding", &finding, &photo, &scan, "--json"]);
    let attached = out.as_array().unwrap();
    assert_eq!(attached.len(), 2);
    assert_eq!(attached[0]["name"], "大厅 取号机.jpg");
    assert_eq!(attached[0]["type"], "image/jpeg");
    assert_eq!(attached[1]["type"], "application/pdf");
    assert_eq!(attached[0]["by"], "王建国");
    let hash = attached[0]["hash"].as_str().unwrap();
    assert_eq!(hash, blake3::hash(&std::fs::read(&photo).unwrap()).to_hex().as_str());
    assert_eq!(me.kept().len(), 2, "{:?}", me.kept());
    assert!(me.kept().contains(&me.files_dir().join(&hash[..2]).join(hash)));
    // The same photo on the same record again is a slip: said, and nothing attached.
    let said = me.refused(&["attach", "--finding", &finding, &photo]);
    assert!(said.contains("已附在这条记录上") && said.contains("大厅 取号机.jpg"), "{said}");
    // A copy under another name is the same file.
    let copy = write(files.path(), "取号机副本.jpg", &std::fs::read(&photo).unwrap());
    let said = me.refused(&["attach", "--finding", &finding, &copy]);
    assert!(said.contains("已附在这条记录上"), "{said}");
    assert_eq!(me.first("findings")["attachments"].as_array().unwrap().len(), 2);

    // By name, or by id (a unique start of it).
    me.ok(&["detach", "--finding", &finding, "告知单.pdf"]);
    let said = me.refused(&["detach", "--finding", &finding, "告知单.pdf"]);
    assert!(said.contains("没有附件"), "{said}");
    me.ok(&["detach", "--finding", &finding, attached[0]["id"].as_str().unwrap()]);
    assert_eq!(me.first("findings")["attachments"], Json::Array(vec![]));
    assert_eq!(me.kept().len(), 2, "removing one keeps its file");
    // Removed, it may be attached again.
    me.ok(&["attach", "--finding", &finding, &photo]);

    // A session takes them too.
    let session = me.first("sessions")["id"].as_str().unwrap().to_string();
    me.ok(&["attach", "--session", &session, &photo]);
    assert_eq!(me.first("sessions")["attachments"][0]["name"], "大厅 取号机.jpg");
    assert_eq!(me.kept().len(), 2, "the same photo again is the same file");
}

#[test]
fn the_cap_is_the_configs_and_a_bad_cap_is_named_with_its_place() {
    let home = tempfile::tempdir().unwrap();
    let me = Profile { home: home.path(), name: "王建国" };
    me.ok(&["demo", "--sessions", "1", "--findings-per-session", "1", "--seed", "3"]);
    let finding = me.first("findings")["id"].as_str().unwrap().to_string();
    let files = tempfile::tempdir().unwrap();
    let big = write(files.path(), "全景.jpg", &jpeg(8000, 6000, 1, 1_600_000));
    // The default cap (20 MiB) takes it.
    me.ok(&["attach", "--finding", &finding, &big]);

    let config = home.path().join("config");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), "[attachments]\nmax_file_mib = 1\n").unwrap();
    let said = me.refused(&["attach", "--finding", &finding, &big]);
    assert!(said.contains("全景.jpg") && said.contains("超过上限 1 MiB") && said.contains("1.5 MiB"), "{said}");
    assert_eq!(me.first("findings")["attachments"].as_array().unwrap().len(), 1);

    std::fs::write(config.join("config.toml"), "[attachments]\nmax_file_mib = 0\n").unwrap();
    let session = me.first("sessions")["id"].as_str().unwrap().to_string();
    let out = me.run(&["attach", "--session", &session, &big]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("config.toml:2:16") && stderr.contains("max_file_mib"), "{stderr}");
    assert!(out.status.success(), "a broken config is said and the default cap used: {stderr}");
}

#[test]
fn a_bundle_carries_the_files_its_ops_attach_and_the_office_report_shows_them() {
    let home = tempfile::tempdir().unwrap();
    let home = home.path();
    let me = Profile { home, name: "王建国" };
    let office = Profile { home, name: "督查科" };
    me.ok(&["inspector", "王建国"]);
    me.ok(&["demo", "--sessions", "1", "--findings-per-session", "2", "--seed", "3"]);
    office.ok(&["office", "init", "--name", "巫溪县政务服务中心"]);
    let stick = home.join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    office.ok(&["office", "card", "--to", stick.to_str().unwrap()]);
    let card = std::fs::read_dir(&stick).unwrap().next().unwrap().unwrap().path();
    me.ok(&["peers", "trust", card.to_str().unwrap()]);

    let files = tempfile::tempdir().unwrap();
    let upright = write(files.path(), "取号机（竖拍）.jpg", &jpeg(4000, 3000, 6, 5_000));
    let scan = write(files.path(), "告知单.pdf", b"%PDF-1.7\n");
    let finding = me.first("findings")["id"].as_str().unwrap().to_string();
    let session = me.first("sessions")["id"].as_str().unwrap().to_string();
    me.ok(&["attach", "--finding", &finding, &upright, &scan]);

    let out = me.json(&["export", "--to", stick.to_str().unwrap(), "--json"]);
    let bundle = out[0]["file"].as_str().unwrap().to_string();
    let preview = office.json(&["import", "--json", "--dry-run", "--trust-new", &bundle]);
    assert_eq!(preview[0]["files"], 2, "{preview}");
    assert!(office.kept().is_empty(), "a dry run keeps no file");
    let taken = office.json(&["import", "--json", "--trust-new", &bundle]);
    assert!(taken[0]["refused"].is_null(), "{taken}");
    assert_eq!(taken[0]["files"], 2);
    assert_eq!(office.kept(), {
        let mut mine: Vec<PathBuf> =
            me.kept().iter().map(|p| office.files_dir().join(p.strip_prefix(me.files_dir()).unwrap())).collect();
        mine.sort();
        mine
    });
    let theirs = office.json(&["list", "findings", "--json"]);
    let theirs = theirs.as_array().unwrap().iter().find(|f| f["id"] == finding.as_str()).unwrap();
    assert_eq!(theirs["attachments"].as_array().unwrap().len(), 2);

    // The office's report shows the photo, turned upright in Word, inlined in HTML.
    let docs = home.join("docs");
    std::fs::create_dir_all(&docs).unwrap();
    for format in ["docx", "html", "md"] {
        let out = docs.join(format!("report.{format}"));
        office.ok(&["report", "session", &session, "--format", format, "--out", out.to_str().unwrap()]);
    }
    let docx = std::fs::read(docs.join("report.docx")).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).unwrap();
    let media: Vec<String> =
        zip.file_names().filter(|n| n.starts_with("word/media/") && !n.ends_with('/')).map(String::from).collect();
    assert_eq!(media.len(), 1, "one photo embedded, the scan named: {media:?}");
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml).unwrap();
    assert!(xml.contains("附件：活动图片及扫描件"));
    assert!(xml.contains("图1 取号机（竖拍）.jpg（问题1："), "{xml}");
    assert!(xml.contains("图2 告知单.pdf") && xml.contains("PDF 扫描件"));
    assert!(xml.contains("rot=\"5400000\""), "orientation 6 is turned a quarter clockwise");
    let html = std::fs::read_to_string(docs.join("report.html")).unwrap();
    assert!(html.contains("src=\"data:image/jpeg;base64,"), "the photo is inlined");
    assert!(html.contains("图2 告知单.pdf"));
    let md = std::fs::read_to_string(docs.join("report.md")).unwrap();
    assert!(md.contains("图1 取号机（竖拍）.jpg"), "{md}");
}
