//! The bundle file reads back what was written, and refuses everything else with a
//! named reason and never a panic: a cut at every offset, flipped and spliced bytes, a body
//! re-signed by another key, another profile's encryption, a newer format, a zstd bomb.

use ed25519_dalek::SigningKey;
use rand::{Rng, SeedableRng};
use tiyan::bundle::format::{self, Blob, BundleBody, BundleError, Card, FramedOp, Head, MAGIC, Role, read, write};

fn key(seed: u8) -> SigningKey {
    SigningKey::from_bytes(&[seed; 32])
}

fn body(key: &SigningKey, ops: usize) -> BundleBody {
    let photo = "等候区照片".repeat(20).into_bytes();
    BundleBody {
        head: Head {
            bundle_id: [7; 16],
            written_ms: 1_795_689_000_000,
            sender: Card {
                name: "王建国".into(),
                role: Role::Inspector,
                signing_key: key.verifying_key().to_bytes(),
                age_recipient: age::x25519::Identity::generate().to_public().to_string(),
            },
            sender_replica: [1; 16],
            recipients: vec![],
            version_vector: vec![([1; 16], ops as u64)],
            covers: vec![],
        },
        ops: (0..ops)
            .map(|i| FramedOp {
                replica: [1; 16],
                seq: i as u64 + 1,
                bytes: format!("叫号屏不显示窗口号{i}").into_bytes(),
            })
            .collect(),
        blobs: vec![Blob { hash: *blake3::hash(&photo).as_bytes(), bytes: photo }],
    }
}

#[test]
fn a_bundle_reads_back_what_was_written_encrypted_or_not() {
    let k = key(1);
    let b = body(&k, 20);
    let plain = write(&b, &k, &[]).unwrap();
    assert!(plain.starts_with(MAGIC));
    let opened = read(&plain, None).unwrap();
    assert_eq!((opened.body, opened.signed_by), (b.clone(), k.verifying_key().to_bytes()));

    let office = age::x25519::Identity::generate();
    let sealed = write(&b, &k, &[office.to_public()]).unwrap();
    assert_eq!(read(&sealed, Some(&office)).unwrap().body, b);
    // The text is not readable on the stick.
    assert!(!sealed.windows("叫号屏".len()).any(|w| w == "叫号屏".as_bytes()));
}

#[test]
fn another_profiles_bundle_is_not_for_us() {
    let k = key(1);
    let office = age::x25519::Identity::generate();
    let other = age::x25519::Identity::generate();
    let sealed = write(&body(&k, 3), &k, &[office.to_public()]).unwrap();
    assert_eq!(read(&sealed, Some(&other)), Err(BundleError::NotForUs));
    assert_eq!(read(&sealed, None), Err(BundleError::NotForUs));
}

#[test]
fn a_cut_at_every_offset_is_refused() {
    let k = key(2);
    let bytes = write(&body(&k, 5), &k, &[]).unwrap();
    for n in 0..bytes.len() {
        match read(&bytes[..n], None) {
            Err(BundleError::Truncated | BundleError::NotABundle) => {}
            other => panic!("cut at {n} of {}: {other:?}", bytes.len()),
        }
    }
}

#[test]
fn flipped_and_spliced_bytes_are_refused_with_a_reason() {
    let k = key(3);
    let office = age::x25519::Identity::generate();
    let originals = [write(&body(&k, 8), &k, &[]).unwrap(), write(&body(&k, 8), &k, &[office.to_public()]).unwrap()];
    let runs: usize = std::env::var("TIYAN_BUNDLE_FUZZ").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let mut rng = rand::rngs::StdRng::seed_from_u64(14);
    for run in 0..runs {
        let mut bytes = originals[run % 2].clone();
        match rng.random_range(0..3) {
            0 => {
                let i = rng.random_range(0..bytes.len());
                bytes[i] ^= 1 << rng.random_range(0..8);
            }
            1 => {
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
        if bytes == originals[run % 2] {
            continue;
        }
        let result = read(&bytes, Some(&office));
        assert!(result.is_err(), "run {run}: a changed bundle was read as whole");
    }
}

#[test]
fn a_body_re_signed_by_another_key_is_refused() {
    let (k, mallory) = (key(4), key(5));
    let mut b = body(&k, 2);
    // The body still names the inspector's key, signed by another.
    b.ops[0].bytes = b"forged".to_vec();
    let forged = write(&b, &mallory, &[]).unwrap();
    assert_eq!(read(&forged, None), Err(BundleError::SignatureInvalid));
}

#[test]
fn a_newer_format_and_a_non_bundle_say_so() {
    let k = key(6);
    let mut bytes = write(&body(&k, 1), &k, &[]).unwrap();
    bytes[8..10].copy_from_slice(&(format::FORMAT + 1).to_le_bytes());
    assert_eq!(read(&bytes, None), Err(BundleError::FormatTooNew(format::FORMAT + 1)));
    assert_eq!(read(b"PK\x03\x04 a zip file, not a bundle", None), Err(BundleError::NotABundle));
    assert_eq!(read(&[], None), Err(BundleError::Truncated));
}

/// A body that decompresses past the size its header declares is refused without inflating it.
#[test]
fn a_zstd_bomb_is_refused() {
    let k = key(7);
    let bytes = write(&body(&k, 2000), &k, &[]).unwrap();
    // Declare a far smaller body than the real one, keeping the checksum right.
    let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
    let header = &bytes[14..14 + header_len];
    let mut smaller = header.to_vec();
    // The body length is the header's last varint: make it 1.
    let last = smaller.iter().rposition(|b| b & 0x80 != 0).map_or(smaller.len() - 1, |i| i + 1);
    smaller.truncate(smaller.iter().take(last).rposition(|b| b & 0x80 == 0).map_or(0, |i| i + 1));
    smaller.push(1);
    let mut bomb = bytes[..10].to_vec();
    bomb.extend_from_slice(&(smaller.len() as u32).to_le_bytes());
    bomb.extend_from_slice(&smaller);
    bomb.extend_from_slice(&bytes[14 + header_len..bytes.len() - 32]);
    let trailer = *blake3::hash(&bomb).as_bytes();
    bomb.extend_from_slice(&trailer);
    match read(&bomb, None) {
        Err(BundleError::Damaged(why)) => assert!(why.contains("decompress"), "{why}"),
        other => panic!("{other:?}"),
    }
}

/// Ops as the store writes them (a finding's text, then a new text superseding it, a date):
/// format 2 splits these into its columns.
fn store_ops() -> Vec<FramedOp> {
    use tiyan::domain::{EntityKind, Hlc, Op, OpId, OpPayload, ReplicaId, Value};
    let replica = ReplicaId::from_u128(0x0192_0000_0000_0000_0000_0000_0000_0001);
    let finding = 0x0192_aaaa_0000_0000_0000_0000_0000_0002u128;
    let set = |seq: u64, field: &str, value: Value, supersedes: Vec<OpId>| Op {
        id: OpId { replica, seq },
        hlc: Hlc { wall_ms: 1_795_689_000_000 + seq * 1000, counter: (seq % 2) as u32 },
        payload: OpPayload::Set { entity: finding, kind: EntityKind::Finding, field: field.into(), value, supersedes },
    };
    let ops = [
        set(4, "description", Value::text("叫号屏不显示窗口号"), vec![]),
        set(5, "description", Value::text("叫号屏不显示窗口号，群众找不到窗口"), vec![OpId { replica, seq: 4 }]),
        set(6, "deadline", Value::Date(739_580), vec![]),
    ];
    ops.iter()
        .map(|op| FramedOp {
            replica: replica.as_u128().to_be_bytes(),
            seq: op.id.seq,
            bytes: tiyan::store::codec::encode_op(op).unwrap(),
        })
        .collect()
}

/// Bundles as each format first wrote them, kept in the repository: they must read the same
/// forever. (A later build may write other bytes for the same body: zstd may compress
/// differently; what is read is what matters.) `TIYAN_WRITE_GOLDEN=1` writes the current
/// format's file anew (only when that format itself changes: then it is a new format, and
/// its file is added beside these).
#[test]
fn the_golden_bundles_read_forever() {
    let k = key(9);
    let mut b = body(&k, 3);
    b.head.sender.age_recipient = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into();
    // Format 1's file was written before these were added.
    let first = b.clone();
    b.ops.extend(store_ops());
    let written = write(&b, &k, &[]).unwrap();
    let golden = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let current = golden.join(format!("format-{}-plain.tiyan", format::FORMAT));
    if std::env::var_os("TIYAN_WRITE_GOLDEN").is_some() {
        std::fs::create_dir_all(&golden).unwrap();
        std::fs::write(&current, &written).unwrap();
    }
    for version in 1..=format::FORMAT {
        let path = golden.join(format!("format-{version}-plain.tiyan"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(u16::from_le_bytes([bytes[8], bytes[9]]), version, "{}", path.display());
        let expected = if version == 1 { &first } else { &b };
        assert_eq!(&read(&bytes, None).unwrap().body, expected, "{}", path.display());
    }
    assert_eq!(read(&written, None).unwrap().body, b);
}

/// Every op the store writes is split into format 2's columns (none goes whole, which would
/// mean `bundle::columns` no longer follows `store::codec`'s layout), and comes back byte for
/// byte: a demo of every kind of record, exported and read.
#[test]
fn every_op_the_store_writes_is_split_and_read_back_exactly() {
    use tiyan::bundle::columns::ColumnWriter;
    use tiyan::store::Store;
    use tiyan::store::sync::ExportRequest;
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::open(&dir.path().join("p").join("tiyan.redb")).unwrap();
    tiyan::demo::fill_at(&mut store, 6, 5, 14, 1_795_689_000_000).unwrap();
    let out = dir.path().join("stick");
    std::fs::create_dir(&out).unwrap();
    let request = ExportRequest { to: out.clone(), unencrypted: true, ..ExportRequest::default() };
    let exported = store.export(&request, &mut |_, _| {}).unwrap();
    let bytes = std::fs::read(&exported[0].path).unwrap();
    let ops = read(&bytes, None).unwrap().body.ops;
    assert!(ops.len() > 500, "{} ops", ops.len());
    let mut writer = ColumnWriter::default();
    for op in &ops {
        writer.push(op.replica, op.seq, &op.bytes);
    }
    assert_eq!(writer.whole, 0, "ops written whole");
    let held = store.digest().unwrap();
    let mut again = Store::open(&dir.path().join("q").join("tiyan.redb")).unwrap();
    let options = tiyan::store::sync::ImportOptions { trust_new: true, ..Default::default() };
    let imported = again.import_bundle(&exported[0].path, options, &mut |_, _| {}).unwrap();
    assert_eq!((imported.refused, imported.ops_new), (None, ops.len()));
    assert_eq!(again.digest().unwrap(), held, "the same ops, byte for byte");
}

/// An import checks a bundle, lets its bytes go and reads the ops from the file again: a file
/// that changed in between (another bundle copied over it on the stick) is refused at the end
/// of the ops, and the same file gives every op back.
#[test]
fn ops_read_again_from_a_changed_file_are_refused() {
    let k = key(10);
    let b = body(&k, 50);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.tiyan");
    let bytes = write(&b, &k, &[]).unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let mut verified = format::open(bytes, None).unwrap();
    verified.release_bytes();
    let all_ops = |verified: &format::Verified| -> Result<usize, BundleError> {
        let mut reader = verified.ops_from_file(std::fs::File::open(&path).unwrap())?;
        let mut chunk = format::OpsRead::default();
        let mut n = 0;
        loop {
            match reader.next_chunk(&mut chunk)? {
                0 => return Ok(n),
                got => n += got,
            }
        }
    };
    assert_eq!(all_ops(&verified), Ok(50));
    for changed in [0usize, 49] {
        let mut other = b.clone();
        other.ops[changed].bytes = "叫号屏不显示窗口号X".into();
        std::fs::write(&path, write(&other, &k, &[]).unwrap()).unwrap();
        assert!(matches!(all_ops(&verified), Err(BundleError::Damaged(_))), "op {changed} changed");
    }
}
