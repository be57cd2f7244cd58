//! Hostile and unlucky bundles at an office, through the library: every file that is not a
//! whole, signed, trusted bundle for this office is refused with a named reason and changes
//! nothing (the store's digest over its op log and records is the same), and never panics. A
//! cloned profile is quarantined, a gap and a clock far ahead are imported and flagged, and a
//! stick or a store that fills up leaves nothing claiming to be whole.
//!
//! `TIYAN_SYNC_FUZZ=N` runs N random mutations (default 300) and, when N is at least 10,000,
//! a bundle of a million tiny ops (default 20,000).

use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};
use tiyan::bundle::format::{self, BundleBody, FramedOp};
use tiyan::bundle::identity::fingerprint;
use tiyan::domain::finding::field as ff;
use tiyan::domain::session::field as sf;
use tiyan::domain::{Change, EntityId, EntityKind, Hlc, Op, OpId, OpPayload, ReplicaId, Value};
use tiyan::store::sync::{BundleImport, ExportError, ExportRequest, ImportOptions, Trust};
use tiyan::store::{Gap, Store, codec, wall_clock_ms};

const OFFICE: &str = "巫溪县政务服务中心";

fn fuzz_runs() -> usize {
    std::env::var("TIYAN_SYNC_FUZZ").ok().and_then(|v| v.parse().ok()).unwrap_or(300)
}

fn store_at(dir: &Path, name: &str) -> Store {
    Store::open(&dir.join(name).join("tiyan.redb")).unwrap()
}

fn id_at(ms: u64, random: u128) -> EntityId {
    ulid::Ulid::from_parts(ms, random).0
}

/// Random 汉字: text that does not compress, so a bundle's size follows the text.
fn hanzi(rng: &mut rand::rngs::StdRng, n: usize) -> String {
    (0..n).map(|_| char::from_u32(rng.random_range(0x4E00..0x9FA5)).unwrap()).collect()
}

/// A session with `findings` findings of `text_len` random characters each.
fn walk(store: &mut Store, seed: u64, findings: usize, text_len: usize) -> EntityId {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let base = 1_790_000_000_000 + seed * 1_000;
    let sid = id_at(base, u128::from(seed));
    store
        .apply(&[
            Change::set(EntityKind::Session, sid, sf::ITEM, Value::text("企业开办")),
            Change::set(EntityKind::Session, sid, sf::PLACE, Value::text("县政务服务中心二楼")),
        ])
        .unwrap();
    for i in 0..findings {
        let fid = id_at(base + 1 + i as u64, u128::from(seed) << 32 | i as u128);
        let description = format!("叫号屏不显示窗口号{}", hanzi(&mut rng, text_len));
        store
            .apply(&[
                Change::set(EntityKind::Finding, fid, ff::SESSION, Value::Ref(sid)),
                Change::set(EntityKind::Finding, fid, ff::SEQ, Value::Int(i as i64 + 1)),
                Change::set(EntityKind::Finding, fid, ff::DESCRIPTION, Value::text(description)),
            ])
            .unwrap();
    }
    sid
}

/// An inspector (王建国) and an office that trust each other, and a stick.
struct World {
    dir: tempfile::TempDir,
    inspector: Store,
    office: Store,
    stick: PathBuf,
}

fn world() -> World {
    let dir = tempfile::tempdir().unwrap();
    let mut inspector = store_at(dir.path(), "王建国");
    inspector.set_inspector("王建国").unwrap();
    walk(&mut inspector, 1, 3, 8);
    let mut office = store_at(dir.path(), "督查科");
    office.set_office(OFFICE).unwrap();
    let (office_card, _) = office.own_card().unwrap();
    inspector.trust(&office_card, Trust::CardFile("office.card".into())).unwrap();
    let (inspector_card, _) = inspector.own_card().unwrap();
    office.trust(&inspector_card, Trust::CardFile("inspector.card".into())).unwrap();
    let stick = dir.path().join("stick");
    std::fs::create_dir_all(&stick).unwrap();
    World { dir, inspector, office, stick }
}

fn export_to(store: &mut Store, to: &Path) -> PathBuf {
    std::fs::create_dir_all(to).unwrap();
    let request = ExportRequest { to: to.to_path_buf(), ..ExportRequest::default() };
    let mut written = store.export(&request, &mut |_, _| {}).unwrap();
    assert_eq!(written.len(), 1, "{written:?}");
    written.remove(0).path
}

fn import(store: &mut Store, path: &Path) -> BundleImport {
    store.import_bundle(path, ImportOptions::default(), &mut |_, _| {}).unwrap()
}

/// Imports `path` and expects it refused as `code`, with nothing written.
fn refused_as(store: &mut Store, path: &Path, code: &str) -> BundleImport {
    let before = (store.digest().unwrap(), store.imports().unwrap().len());
    let result = import(store, path);
    let refused = result.refused.as_ref().unwrap_or_else(|| panic!("taken, not refused as {code}: {result:?}"));
    assert_eq!(refused.code(), code, "{refused}");
    assert_eq!(result.ops_new, 0);
    assert_eq!((store.digest().unwrap(), store.imports().unwrap().len()), before, "{code}: nothing written");
    result
}

fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

impl World {
    /// The inspector's next bundle, as the office opens it: body and bytes.
    fn bundle(&mut self) -> (PathBuf, Vec<u8>, BundleBody) {
        let path = export_to(&mut self.inspector, &self.stick);
        let bytes = std::fs::read(&path).unwrap();
        let body = format::read(&bytes, Some(&self.office.device_keys().unwrap().age)).unwrap().body;
        (path, bytes, body)
    }

    fn office_recipient(&self) -> age::x25519::Recipient {
        self.office.device_keys().unwrap().age.to_public()
    }

    /// `body`, under a new bundle id, signed by `key` and encrypted to the office.
    fn seal(&self, mut body: BundleBody, key: &SigningKey, name: &str) -> PathBuf {
        body.head.bundle_id = ulid::Ulid::new().to_bytes();
        let bytes = format::write(&body, key, &[self.office_recipient()]).unwrap();
        write_file(self.dir.path(), name, &bytes)
    }

    fn inspector_key(&self) -> SigningKey {
        self.inspector.device_keys().unwrap().signing
    }
}

// ---- damage: cuts, flips, splices ----

#[test]
fn a_bundle_cut_at_every_offset_is_refused_as_truncated_and_changes_nothing() {
    let mut w = world();
    let (_, bytes, _) = w.bundle();
    let before = w.office.digest().unwrap();
    let cut = w.dir.path().join("cut.tiyan");
    for n in 0..bytes.len() {
        std::fs::write(&cut, &bytes[..n]).unwrap();
        let result = import(&mut w.office, &cut);
        let code = result.refused.as_ref().map(|r| r.code());
        assert_eq!(code, Some("truncated"), "cut at {n} of {}: {result:?}", bytes.len());
    }
    assert_eq!(w.office.digest().unwrap(), before);
    assert!(w.office.imports().unwrap().is_empty() && w.office.quarantined().unwrap().is_empty());
    // The whole file is taken.
    std::fs::write(&cut, &bytes).unwrap();
    let whole = import(&mut w.office, &cut);
    assert!(whole.refused.is_none() && whole.ops_new == whole.ops && whole.ops > 0, "{whole:?}");
}

#[test]
fn flipped_and_spliced_bundles_are_refused_with_a_reason_and_change_nothing() {
    let mut w = world();
    let (_, original, _) = w.bundle();
    let before = w.office.digest().unwrap();
    let file = w.dir.path().join("mutated.tiyan");
    let mut rng = rand::rngs::StdRng::seed_from_u64(1414);
    let mut tried = 0;
    for run in 0..fuzz_runs() {
        let mut bytes = original.clone();
        match rng.random_range(0..4) {
            0 => {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
                for _ in 0..rng.random_range(2..10) {
                    let i = rng.random_range(0..bytes.len());
                    bytes[i] = rng.random();
                }
            }
            2 => {
                let (a, b) = (rng.random_range(0..bytes.len()), rng.random_range(0..bytes.len()));
                let piece: Vec<u8> = bytes[a.min(b)..a.max(b)].to_vec();
                let at = rng.random_range(0..bytes.len());
                bytes.splice(at..at, piece);
            }
            _ => {
                let at = rng.random_range(0..bytes.len());
                let n = rng.random_range(1..64).min(bytes.len() - at);
                bytes.drain(at..at + n);
            }
        }
        if bytes == original {
            continue;
        }
        tried += 1;
        std::fs::write(&file, &bytes).unwrap();
        let result = import(&mut w.office, &file);
        let refused = result.refused.as_ref().unwrap_or_else(|| panic!("run {run}: a changed bundle was taken"));
        assert!(!refused.code().is_empty() && !refused.to_string().is_empty(), "run {run}");
        assert_eq!(result.ops_new, 0, "run {run}");
        assert_eq!(w.office.digest().unwrap(), before, "run {run}");
    }
    assert!(tried > fuzz_runs() / 2);
    assert_eq!(w.office.digest().unwrap(), before);
    assert!(w.office.imports().unwrap().is_empty() && w.office.quarantined().unwrap().is_empty());
}

// ---- who sent it, and to whom ----

#[test]
fn a_body_re_signed_by_an_untrusted_key_is_refused() {
    let mut w = world();
    let (_, _, body) = w.bundle();
    let mallory = SigningKey::from_bytes(&[66; 32]);
    // The body still names 王建国's card, signed by another key.
    let mut forged = body.clone();
    forged.ops.truncate(1);
    let path = w.seal(forged, &mallory, "forged.tiyan");
    refused_as(&mut w.office, &path, "signature_invalid");
    // Signed consistently by a stranger who puts its own key in the card: unknown.
    let mut stranger = body;
    stranger.head.sender.signing_key = mallory.verifying_key().to_bytes();
    stranger.head.sender.name = "王建国".into();
    let path = w.seal(stranger, &mallory, "stranger.tiyan");
    refused_as(&mut w.office, &path, "unknown_device");
}

#[test]
fn a_revoked_devices_bundle_is_refused_and_what_it_sent_before_stays() {
    let mut w = world();
    let (first, _, _) = w.bundle();
    assert!(import(&mut w.office, &first).refused.is_none());
    let held = w.office.op_count().unwrap();
    let fp = fingerprint(&w.inspector.device_keys().unwrap().public_key());
    w.office.revoke(&fp).unwrap();
    walk(&mut w.inspector, 2, 1, 4);
    let (second, _, body) = w.bundle();
    assert!(!body.ops.is_empty());
    refused_as(&mut w.office, &second, "revoked_device");
    assert_eq!(w.office.op_count().unwrap(), held);
}

#[test]
fn a_bundle_for_another_office_is_not_for_us() {
    let mut w = world();
    let (path, _, _) = w.bundle();
    let mut other = store_at(w.dir.path(), "另一个督查办");
    other.set_office("巫山县政务服务中心").unwrap();
    let (card, _) = w.inspector.own_card().unwrap();
    other.trust(&card, Trust::CardFile("inspector.card".into())).unwrap();
    refused_as(&mut other, &path, "not_for_us");
    // The office it is for takes it.
    assert!(import(&mut w.office, &path).refused.is_none());
}

#[test]
fn a_replayed_bundle_writes_nothing() {
    let mut w = world();
    let (path, bytes, _) = w.bundle();
    let first = import(&mut w.office, &path);
    assert!(first.refused.is_none() && first.ops_new > 0, "{first:?}");
    let after = (w.office.digest().unwrap(), w.office.imports().unwrap());
    // The same file again, and a copy of it under another name.
    let copy = write_file(w.dir.path(), "copy.tiyan", &bytes);
    for again in [path.as_path(), copy.as_path()] {
        let replay = import(&mut w.office, again);
        assert!(replay.refused.is_none(), "{replay:?}");
        assert!(replay.already_imported.is_some(), "{replay:?}");
        assert_eq!((replay.ops_new, replay.ops_duplicate), (0, first.ops));
        assert_eq!((w.office.digest().unwrap(), w.office.imports().unwrap()), after);
    }
}

// ---- the file itself ----

/// The plain header of format 1, as `bundle::format` writes it (checked by a round trip).
#[derive(Serialize, Deserialize, Debug)]
struct Header {
    bundle_id: [u8; 16],
    encrypted: bool,
    compression: Compression,
    sender: [u8; 32],
    payload_len: u64,
    body_len: u64,
}

#[derive(Serialize, Deserialize, Debug)]
enum Compression {
    None,
    Zstd,
}

/// `bytes` with its header changed by `f` and the checksum made right again.
fn with_header(bytes: &[u8], f: impl FnOnce(&mut Header)) -> Vec<u8> {
    let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
    let header_bytes = &bytes[14..14 + header_len];
    let mut header: Header = postcard::from_bytes(header_bytes).unwrap();
    assert_eq!(postcard::to_allocvec(&header).unwrap(), header_bytes, "the header mirror is format 1's");
    f(&mut header);
    let header = postcard::to_allocvec(&header).unwrap();
    let mut out = bytes[..10].to_vec();
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&bytes[14 + header_len..bytes.len() - 32]);
    let trailer = *blake3::hash(&out).as_bytes();
    out.extend_from_slice(&trailer);
    out
}

#[test]
fn a_newer_format_is_refused_as_too_new() {
    let mut w = world();
    let (_, mut bytes, _) = w.bundle();
    bytes[8..10].copy_from_slice(&(format::FORMAT + 1).to_le_bytes());
    let path = write_file(w.dir.path(), "newer.tiyan", &bytes);
    refused_as(&mut w.office, &path, "format_too_new");
    // An unchanged header through the mirror reads as before.
    let (_, bytes, _) = w.bundle();
    let same = write_file(w.dir.path(), "same.tiyan", &with_header(&bytes, |_| {}));
    assert!(import(&mut w.office, &same).refused.is_none());
}

#[test]
fn a_zstd_bomb_is_refused_without_inflating_it() {
    let mut w = world();
    let (_, _, mut body) = w.bundle();
    // 16 MiB of zeros compress to a few KiB.
    body.ops = (0..16).map(|i| FramedOp { replica: [9; 16], seq: i + 1, bytes: vec![0; 1 << 20] }).collect();
    let bytes = format::write(&body, &w.inspector_key(), &[]).unwrap();
    assert!(bytes.len() < 64 << 10, "{}", bytes.len());
    let small = with_header(&bytes, |h| h.body_len = 1_000);
    let path = write_file(w.dir.path(), "bomb.tiyan", &small);
    let result = refused_as(&mut w.office, &path, "damaged");
    assert!(result.refused.unwrap().to_string().contains("decompress"));
    let huge = with_header(&bytes, |h| h.body_len = format::MAX_BODY + 1);
    let path = write_file(w.dir.path(), "huge.tiyan", &huge);
    refused_as(&mut w.office, &path, "too_large");
    // Honest about its size, it opens, and its ops (over the size an op may have) are refused.
    let path = write_file(w.dir.path(), "honest.tiyan", &bytes);
    refused_as(&mut w.office, &path, "damaged");
}

fn max_rss_kib() -> i64 {
    // SAFETY: getrusage writes into the struct we pass.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage.ru_maxrss
    }
}

#[test]
fn a_300_mib_file_is_refused_as_too_large_unread() {
    let mut w = world();
    let path = w.dir.path().join("huge.tiyan");
    let file = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut &file, format::MAGIC).unwrap();
    file.set_len(300 << 20).unwrap();
    drop(file);
    let rss = max_rss_kib();
    let result = refused_as(&mut w.office, &path, "too_large");
    assert!(result.hash.is_none(), "not even hashed: {result:?}");
    // Reading it whole would take 300 MiB; the peak grew by far less.
    assert!(max_rss_kib() - rss < 100 << 10, "{} KiB more", max_rss_kib() - rss);
}

fn tiny_op(replica: ReplicaId, seq: u64, session: EntityId, wall_ms: u64) -> Vec<u8> {
    let supersedes = if seq > 1 { vec![OpId { replica, seq: seq - 1 }] } else { vec![] };
    let op = Op {
        id: OpId { replica, seq },
        hlc: Hlc { wall_ms, counter: 0 },
        payload: OpPayload::Set {
            entity: session,
            kind: EntityKind::Session,
            field: sf::WINDOW.to_string(),
            value: Value::text(format!("{seq}号")),
            supersedes,
        },
    };
    codec::encode_op(&op).unwrap()
}

#[test]
fn a_bundle_of_very_many_tiny_ops_imports_or_is_refused_cleanly() {
    let n: u64 = if fuzz_runs() >= 10_000 { 1_000_000 } else { 20_000 };
    let mut w = world();
    let (_, _, mut body) = w.bundle();
    let replica = ReplicaId::from_u128(0x7a11);
    let session = id_at(1_790_000_500_000, 77);
    let start = wall_clock_ms() - n;
    body.ops = (1..=n)
        .map(|seq| FramedOp {
            replica: replica.as_u128().to_be_bytes(),
            seq,
            bytes: tiny_op(replica, seq, session, start + seq),
        })
        .collect();
    let path = w.seal(body, &w.inspector_key(), "many.tiyan");
    let before = (w.office.digest().unwrap(), w.office.op_count().unwrap());
    let mut calls = 0usize;
    let result = w.office.import_bundle(&path, ImportOptions::default(), &mut |_, _| calls += 1).unwrap();
    match &result.refused {
        Some(refused) => {
            assert!(!refused.code().is_empty());
            assert_eq!(w.office.digest().unwrap(), before.0);
        }
        None => {
            assert_eq!(result.ops_new as u64, n, "{result:?}");
            assert_eq!(w.office.op_count().unwrap(), before.1 + n);
            let window = w.office.session(session).unwrap().unwrap().window;
            assert_eq!(window, format!("{n}号"));
            assert!(calls > 0, "progress was reported");
        }
    }
    eprintln!("{n} tiny ops: {}", result.refused.map_or("imported".to_string(), |r| r.to_string()));
}

// ---- what imports but is flagged ----

#[test]
fn a_cloned_profile_is_quarantined_and_nothing_of_it_imported() {
    let w = world();
    let World { dir, inspector, mut office, stick } = w;
    let original_path = inspector.path().to_path_buf();
    drop(inspector);
    let clone_path = dir.path().join("王建国的备份").join("tiyan.redb");
    std::fs::create_dir_all(clone_path.parent().unwrap()).unwrap();
    std::fs::copy(&original_path, &clone_path).unwrap();
    let mut original = Store::open(&original_path).unwrap();
    let mut clone = Store::open(&clone_path).unwrap();
    assert_eq!(original.replica_id(), clone.replica_id());
    let sid = original.sessions().unwrap()[0].session.id;
    // The same next seq on both, with different content.
    original.apply(&[Change::set(EntityKind::Session, sid, sf::WINDOW, Value::text("3号窗口"))]).unwrap();
    clone.apply(&[Change::set(EntityKind::Session, sid, sf::WINDOW, Value::text("8号窗口"))]).unwrap();
    let from_original = export_to(&mut original, &stick.join("a"));
    let from_clone = export_to(&mut clone, &stick.join("b"));
    let taken = import(&mut office, &from_original);
    assert!(taken.refused.is_none(), "{taken:?}");
    let result = refused_as(&mut office, &from_clone, "quarantined");
    assert!(result.quarantined_as.as_ref().is_some_and(|p| p.exists()), "{result:?}");
    let quarantined = office.quarantined().unwrap();
    assert_eq!(quarantined.len(), 1, "{quarantined:?}");
    assert_eq!(Some(blake3::Hash::from(quarantined[0].hash).to_hex().to_string()), result.hash);
    assert_eq!(office.session(sid).unwrap().unwrap().window, "3号窗口");
    assert_eq!(office.imports().unwrap().len(), 1);
}

#[test]
fn a_gap_in_a_replicas_seqs_is_imported_and_named() {
    let mut w = world();
    walk(&mut w.inspector, 3, 10, 4);
    let (_, _, mut body) = w.bundle();
    let replica = w.inspector.replica_id();
    let own = replica.as_u128().to_be_bytes();
    assert!(body.ops.iter().filter(|op| op.replica == own).count() >= 30);
    body.ops.retain(|op| op.replica == own && (op.seq <= 10 || (20..=30).contains(&op.seq)));
    assert_eq!(body.ops.len(), 21);
    let path = w.seal(body, &w.inspector_key(), "gap.tiyan");
    let result = import(&mut w.office, &path);
    assert!(result.refused.is_none(), "{result:?}");
    assert_eq!(result.ops_new, 21);
    assert_eq!(result.gaps, vec![Gap { replica, from: 11, to: 19 }]);
    assert_eq!(w.office.imports().unwrap()[0].gaps, 1);
}

#[test]
fn a_clock_more_than_a_day_ahead_is_imported_and_flagged() {
    let mut w = world();
    let sid = w.inspector.sessions().unwrap()[0].session.id;
    let two_days = 2 * 24 * 60 * 60 * 1000;
    w.inspector
        .apply_at(
            &[Change::set(EntityKind::Session, sid, sf::WINDOW, Value::text("5号窗口"))],
            wall_clock_ms() + two_days,
        )
        .unwrap();
    let (path, _, _) = w.bundle();
    let result = import(&mut w.office, &path);
    assert!(result.refused.is_none(), "{result:?}");
    assert_eq!(result.future.len(), 1, "{result:?}");
    assert_eq!(result.future[0].replica, w.inspector.replica_id());
    assert_eq!(result.future[0].ops, 1);
    assert!(result.future[0].ahead_ms > 24 * 60 * 60 * 1000);
    assert_eq!(w.office.imports().unwrap()[0].future_ops, 1);
}

// ---- full disks ----

/// A tmpfs mounted for the test, unmounted when dropped.
struct Tmpfs(PathBuf);

impl Tmpfs {
    /// None (with the reason printed) when not root or the mount is refused.
    fn mount(dir: &Path, size: &str) -> Option<Tmpfs> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            eprintln!("skipped: mounting a small tmpfs needs root");
            return None;
        }
        std::fs::create_dir_all(dir).unwrap();
        let out = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir)
            .output();
        match out {
            Ok(o) if o.status.success() => Some(Tmpfs(dir.to_path_buf())),
            Ok(o) => {
                eprintln!("skipped: mount refused: {}", String::from_utf8_lossy(&o.stderr));
                None
            }
            Err(e) => {
                eprintln!("skipped: no mount command: {e}");
                None
            }
        }
    }

    fn resize(&self, size: &str) {
        let out = std::process::Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).output();
    }
}

fn names_in(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect()
}

#[test]
fn a_full_stick_leaves_no_bundle_and_the_store_unchanged() {
    let mut w = world();
    // About 120 KiB that does not compress: more than the stick holds.
    walk(&mut w.inspector, 4, 40, 1_000);
    let Some(stick) = Tmpfs::mount(&w.dir.path().join("small-stick"), "64k") else { return };
    let before = (w.inspector.digest().unwrap(), w.inspector.exports().unwrap());
    let request = ExportRequest { to: stick.0.clone(), ..ExportRequest::default() };
    match w.inspector.export(&request, &mut |_, _| {}) {
        Err(ExportError::Write { step, detail, .. }) => eprintln!("full stick: {step}: {detail}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(names_in(&stick.0), Vec::<String>::new(), "neither a bundle nor a .part is left");
    assert_eq!((w.inspector.digest().unwrap(), w.inspector.exports().unwrap()), before);
    drop(stick);
    // A roomy stick takes it, and the office reads it.
    let path = export_to(&mut w.inspector, &w.dir.path().join("roomy"));
    assert!(std::fs::metadata(&path).unwrap().len() > 64 << 10);
    let taken = import(&mut w.office, &path);
    assert!(taken.refused.is_none() && taken.ops_new > 0, "{taken:?}");
}

#[test]
fn a_full_disk_under_the_office_store_imports_nothing_and_the_retry_lands() {
    let mut w = world();
    walk(&mut w.inspector, 5, 500, 1_000);
    let (_, _, body) = w.bundle();
    let Some(disk) = Tmpfs::mount(&w.dir.path().join("small-disk"), "2m") else { return };
    let store_path = disk.0.join("督查科").join("tiyan.redb");
    let mut office = Store::open(&store_path).unwrap();
    office.set_office(OFFICE).unwrap();
    let (card, _) = w.inspector.own_card().unwrap();
    office.trust(&card, Trust::CardFile("inspector.card".into())).unwrap();
    // The bundle is encrypted to the other office: this one gets it unencrypted (still signed).
    let bytes = format::write(&body, &w.inspector_key(), &[]).unwrap();
    let plain = write_file(w.dir.path(), "plain.tiyan", &bytes);
    let before = office.digest().unwrap();
    let failed = office.import_bundle(&plain, ImportOptions::default(), &mut |_, _| {});
    match &failed {
        Err(e) => assert!(e.is_io(), "{e}"),
        Ok(result) => panic!("a 2 MiB disk took {} ops: {result:?}", result.ops_new),
    }
    drop(office);
    let office = Store::open_read_only(&store_path).unwrap();
    assert_eq!(office.digest().unwrap(), before, "nothing of it written");
    assert!(office.imports().unwrap().is_empty());
    drop(office);
    disk.resize("64m");
    let mut office = Store::open(&store_path).unwrap();
    let taken = import(&mut office, &plain);
    assert!(taken.refused.is_none(), "{taken:?}");
    assert_eq!(taken.ops_new, body.ops.len());
    assert_eq!(office.op_count().unwrap() as usize, body.ops.len());
}
