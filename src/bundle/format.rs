//! The bundle file, format 1 (see `../shared/research-sync.md` §7):
//!
//! ```text
//! "TIYANBND" | u16 format (LE) | u32 header length (LE) | postcard OuterHeader
//! | payload: age( zstd( postcard Signed{ body: postcard BundleBody, signature } ) ),
//!            or without age when the bundle is not encrypted; the ed25519 signature is over
//!            "tiyan bundle body, format 1\n" and the body's BLAKE3
//! | BLAKE3 of every byte before it (32 bytes)
//! ```
//!
//! The header is plain so a file can be told apart before any key is tried: which bundle,
//! whether encrypted, the sender's signing key. Everything a reader acts on is in the signed
//! body, which names the sender's card and the bundle id again. Every length is checked
//! against a cap and against the bytes left before anything is allocated.

use std::io::{Read, Write};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

/// What every bundle file starts with.
pub const MAGIC: &[u8; 8] = b"TIYANBND";
/// The format this build writes and the newest it reads.
pub const FORMAT: u16 = 1;
/// The largest bundle file read.
pub const MAX_FILE: u64 = 256 << 20;
/// The largest body a bundle may declare (what zstd may decompress to).
pub const MAX_BODY: u64 = 1 << 30;
const MAX_HEADER: u32 = 4096;
const TRAILER: usize = 32;
const PREFIX: usize = MAGIC.len() + 2 + 4;

/// Why a bundle file is refused. Each names one check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BundleError {
    /// Not a tiyan bundle at all (no magic).
    NotABundle,
    /// Shorter than it says it is: a stick pulled mid-write, a copy cut short.
    Truncated,
    /// The bytes do not add up (the checksum, the header, the compressed or encrypted body).
    Damaged(String),
    /// Written by a newer tiyan.
    FormatTooNew(u16),
    /// Over a size cap: the file, or the body it declares.
    TooLarge(u64),
    /// Encrypted to others: none of our keys opens it.
    NotForUs,
    /// The signature does not verify with the key it names.
    SignatureInvalid,
}

impl std::fmt::Display for BundleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BundleError::NotABundle => f.write_str("not a bundle"),
            BundleError::Truncated => f.write_str("truncated"),
            BundleError::Damaged(why) => write!(f, "damaged: {why}"),
            BundleError::FormatTooNew(v) => write!(f, "format {v} is newer than this tiyan reads ({FORMAT})"),
            BundleError::TooLarge(n) => write!(f, "too large ({n} bytes)"),
            BundleError::NotForUs => f.write_str("not addressed to this profile"),
            BundleError::SignatureInvalid => f.write_str("signature invalid"),
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Role {
    Inspector,
    Office,
}

/// Who a device is, as it introduces itself: the inspector's or office's name, its role, the
/// key it signs with and the age recipient bundles for it are encrypted to.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Card {
    pub name: String,
    pub role: Role,
    pub signing_key: [u8; 32],
    pub age_recipient: String,
}

/// One op as its replica numbered it, its bytes as the store keeps them (`store::codec`, V2).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct FramedOp {
    pub replica: [u8; 16],
    pub seq: u64,
    pub bytes: Vec<u8>,
}

/// A file carried with the ops (a photo of the hall, a scanned notice), by its BLAKE3.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Blob {
    pub hash: [u8; 32],
    pub bytes: Vec<u8>,
}

/// What a bundle says, signed by its sender.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct BundleBody {
    pub bundle_id: [u8; 16],
    /// Unix ms when written.
    pub written_ms: i64,
    pub sender: Card,
    /// The sender profile's replica id: whose ops in `ops` are its own (an office sends a
    /// device back the ops on entities that replica made or changed).
    pub sender_replica: [u8; 16],
    /// The signing keys of the devices it is encrypted to (none: not encrypted).
    pub recipients: Vec<[u8; 32]>,
    /// The sender's knowledge: per replica, the highest contiguous seq it holds (a receipt).
    pub version_vector: Vec<([u8; 16], u64)>,
    /// A bundle that carries only the ops meant for its recipient (an office's return bundle):
    /// per replica, the seq up to which it carries every op of that replica meant for it. The
    /// recipient then holds all it should up to there, though not every op: its receipt says
    /// so, and the ops left out are not a gap. Empty for a bundle that leaves nothing out.
    pub covers: Vec<([u8; 16], u64)>,
    pub ops: Vec<FramedOp>,
    pub blobs: Vec<Blob>,
}

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Debug)]
enum Compression {
    None,
    Zstd,
}

#[derive(Serialize, Deserialize, Debug)]
struct OuterHeader {
    bundle_id: [u8; 16],
    encrypted: bool,
    compression: Compression,
    /// The sender's signing key (its card is in the body).
    sender: [u8; 32],
    /// Bytes of the payload that follows the header.
    payload_len: u64,
    /// Bytes of the signed body once decompressed.
    body_len: u64,
}

/// The signed body's layout (written by `signed_bytes`, read as `SignedRef`).
#[cfg(test)]
#[derive(Serialize)]
struct Signed {
    body: Vec<u8>,
    signature: Vec<u8>,
}

/// `Signed` as read: the same bytes, borrowed.
#[derive(Deserialize)]
struct SignedRef<'a> {
    #[serde(borrow)]
    body: &'a [u8],
    #[serde(borrow)]
    signature: &'a [u8],
}

/// The bundle's bytes: signed with `key` (whose public half must be `body.sender`'s), compressed,
/// encrypted to `recipients` when there are any.
pub fn write(body: &BundleBody, key: &SigningKey, recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>, String> {
    let head = BodyHead::of(body);
    let mut size = OpsSize::default();
    let ops = || body.ops.iter().map(|o| StreamedOp { replica: o.replica, seq: o.seq, bytes: &o.bytes });
    ops().for_each(|op| size.add(op));
    let walk = |sink: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| ops().try_for_each(sink);
    write_streamed(&head, size, walk, key, recipients).map_err(|e| match e {
        StreamError::Ops(e) => format!("cannot write the ops: {e}"),
        StreamError::Write(why) => why,
    })
}

/// An op as a streamed body carries it (a `FramedOp`), its bytes borrowed from where they are
/// kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamedOp<'a> {
    pub replica: [u8; 16],
    pub seq: u64,
    pub bytes: &'a [u8],
}

impl StreamedOp<'_> {
    /// The bytes it takes in a body, as postcard writes a `FramedOp`.
    pub fn encoded_len(&self) -> u64 {
        let len = self.bytes.len() as u64;
        16 + varint_len(self.seq) + varint_len(len) + len
    }
}

/// How many ops a streamed body carries and the bytes they take in it, counted before it is
/// written (its length leads it).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpsSize {
    pub count: u64,
    pub bytes: u64,
}

impl OpsSize {
    pub fn add(&mut self, op: StreamedOp<'_>) {
        self.count += 1;
        self.bytes += op.encoded_len();
    }
}

/// Every part of a `BundleBody` but its ops, borrowed: what `write_streamed` writes around them.
#[derive(Clone, Copy, Debug)]
pub struct BodyHead<'a> {
    pub bundle_id: [u8; 16],
    pub written_ms: i64,
    pub sender: &'a Card,
    pub sender_replica: [u8; 16],
    pub recipients: &'a [[u8; 32]],
    pub version_vector: &'a [([u8; 16], u64)],
    pub covers: &'a [([u8; 16], u64)],
    pub blobs: &'a [Blob],
}

impl<'a> BodyHead<'a> {
    /// The parts of a whole body around its ops.
    pub fn of(body: &'a BundleBody) -> BodyHead<'a> {
        BodyHead {
            bundle_id: body.bundle_id,
            written_ms: body.written_ms,
            sender: &body.sender,
            sender_replica: body.sender_replica,
            recipients: &body.recipients,
            version_vector: &body.version_vector,
            covers: &body.covers,
            blobs: &body.blobs,
        }
    }
}

/// `BundleBody`'s fields before its ops, as postcard writes them: a struct is its fields in
/// order, a slice the same as a Vec.
#[derive(Serialize)]
struct BeforeOps<'a> {
    bundle_id: [u8; 16],
    written_ms: i64,
    sender: &'a Card,
    sender_replica: [u8; 16],
    recipients: &'a [[u8; 32]],
    version_vector: &'a [([u8; 16], u64)],
    covers: &'a [([u8; 16], u64)],
}

/// Why a streamed write failed: the walk over the ops, or the writing itself.
#[derive(Debug)]
pub enum StreamError<E> {
    Ops(E),
    Write(String),
}

/// `write` with the ops given one at a time rather than held: `walk` hands each to its sink, in
/// order, `size` of them (`OpsSize::add` over the same ops). The body is compressed (and
/// encrypted) as it is made and hashed on the way for the signature; what is held is the file
/// being written and zstd's window. The body's length leads it, so a walk that gives more or
/// fewer ops or bytes than were counted fails the write.
pub fn write_streamed<E>(
    head: &BodyHead<'_>,
    size: OpsSize,
    walk: impl FnOnce(&mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>) -> Result<(), E>,
    key: &SigningKey,
    recipients: &[age::x25519::Recipient],
) -> Result<Vec<u8>, StreamError<E>> {
    let before = BeforeOps {
        bundle_id: head.bundle_id,
        written_ms: head.written_ms,
        sender: head.sender,
        sender_replica: head.sender_replica,
        recipients: head.recipients,
        version_vector: head.version_vector,
        covers: head.covers,
    };
    let body_len = [encoded_len(&before)?, varint_len(size.count), size.bytes, encoded_len(&head.blobs)?]
        .into_iter()
        .try_fold(0u64, u64::checked_add)
        .ok_or_else(|| StreamError::Write("the body's length overflows".into()))?;
    let signed_len = varint_len(body_len) + body_len + varint_len(SIGNATURE_LEN) + SIGNATURE_LEN;
    // Room for the prefix and the longest header, filled in once the payload's length is known.
    let longest = outer_header(head.bundle_id, true, key, u64::MAX, u64::MAX);
    let room = PREFIX + encode("the header", &longest).map_err(StreamError::Write)?.len();
    // Pages never written take no memory: this is far more than the payload will need, and the
    // Vec is not moved (copied) as it fills.
    let capacity = room + (signed_len + 4096).min(MAX_FILE) as usize + TRAILER;
    let mut out = Vec::with_capacity(capacity);
    out.resize(room, 0);
    let signed = Signing { before: &before, blobs: head.blobs, size, body_len, signed_len, key };
    if recipients.is_empty() {
        signed.write_to(&mut out, walk)?;
    } else {
        let encrypt = |e: String| StreamError::Write(format!("cannot encrypt: {e}"));
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| encrypt(e.to_string()))?;
        let writer = encryptor.wrap_output(&mut out).map_err(|e| encrypt(e.to_string()))?;
        signed.write_to(writer, walk)?.finish().map_err(|e| encrypt(e.to_string()))?;
    }
    let payload_len = (out.len() - room) as u64;
    let header = outer_header(head.bundle_id, !recipients.is_empty(), key, payload_len, signed_len);
    let header = encode("the header", &header).map_err(StreamError::Write)?;
    let start = room - PREFIX - header.len();
    let mut at = start;
    for part in [&MAGIC[..], &FORMAT.to_le_bytes(), &(header.len() as u32).to_le_bytes(), &header] {
        out[at..at + part.len()].copy_from_slice(part);
        at += part.len();
    }
    out.drain(..start);
    let trailer = blake3::hash(&out);
    out.extend_from_slice(trailer.as_bytes());
    Ok(out)
}

const SIGNATURE_LEN: u64 = Signature::BYTE_SIZE as u64;

fn outer_header(
    bundle_id: [u8; 16],
    encrypted: bool,
    key: &SigningKey,
    payload_len: u64,
    body_len: u64,
) -> OuterHeader {
    OuterHeader {
        bundle_id,
        encrypted,
        compression: Compression::Zstd,
        sender: key.verifying_key().to_bytes(),
        payload_len,
        body_len,
    }
}

/// The signed body of a streamed write, and what is known of it before it is written.
struct Signing<'a> {
    before: &'a BeforeOps<'a>,
    blobs: &'a [Blob],
    size: OpsSize,
    body_len: u64,
    signed_len: u64,
    key: &'a SigningKey,
}

impl Signing<'_> {
    /// Writes `Signed { body, signature }` through zstd into `out`, the body's parts in order and
    /// the ops as `walk` gives them; `out` back once zstd is finished.
    fn write_to<W: Write, E>(
        &self,
        out: W,
        walk: impl FnOnce(&mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>) -> Result<(), E>,
    ) -> Result<W, StreamError<E>> {
        let compress = |e: std::io::Error| StreamError::Write(format!("cannot compress: {e}"));
        let mut sink = BodySink::new(out, self.signed_len, self.body_len).map_err(compress)?;
        postcard::to_io(self.before, &mut sink)
            .map_err(|e| StreamError::Write(format!("cannot encode the body: {e}")))?;
        sink.write_varint(self.size.count).map_err(compress)?;
        let mut given = 0u64;
        let mut broke: Option<String> = None;
        let walked = walk(&mut |op: StreamedOp<'_>| {
            given += 1;
            let written = sink
                .write_all(&op.replica)
                .and_then(|()| sink.write_varint(op.seq))
                .and_then(|()| sink.write_varint(op.bytes.len() as u64))
                .and_then(|()| sink.write_all(op.bytes));
            if let Err(e) = &written {
                broke.get_or_insert_with(|| format!("cannot compress: {e}"));
            }
            written
        });
        // The sink's own failure first: the walk only passed it on.
        if let Some(why) = broke {
            return Err(StreamError::Write(why));
        }
        walked.map_err(StreamError::Ops)?;
        if given != self.size.count {
            return Err(StreamError::Write(format!("{given} ops were given where {} were counted", self.size.count)));
        }
        postcard::to_io(self.blobs, &mut sink)
            .map_err(|e| StreamError::Write(format!("cannot encode the carried files: {e}")))?;
        if sink.taken != self.body_len {
            return Err(StreamError::Write(format!(
                "a body of {} bytes was written where {} were counted",
                sink.taken, self.body_len
            )));
        }
        let hash = sink.end_body().map_err(compress)?;
        let signature = self.key.sign(&message_for(&hash)).to_bytes();
        sink.finish(&signature).map_err(compress)
    }
}

/// Where a signed body goes: the length of the body, then the body (hashed on the way, in
/// writes of `GATHER` bytes), then the signature, all through zstd at level 3.
struct BodySink<W: Write> {
    zstd: zstd::stream::Encoder<'static, W>,
    hasher: blake3::Hasher,
    gathered: Vec<u8>,
    /// Bytes of the body taken so far.
    taken: u64,
}

/// zstd's block size: an op of a hundred bytes is not a call into zstd and BLAKE3 of its own.
const GATHER: usize = 128 << 10;

impl<W: Write> BodySink<W> {
    fn new(out: W, signed_len: u64, body_len: u64) -> std::io::Result<Self> {
        let mut zstd = zstd::stream::Encoder::new(out, 3)?;
        // As `zstd::bulk` does: the frame says its size, and zstd sizes its tables to it.
        zstd.set_pledged_src_size(Some(signed_len))?;
        let mut len = [0u8; 10];
        let n = put_varint(body_len, &mut len);
        zstd.write_all(&len[..n])?;
        Ok(BodySink { zstd, hasher: blake3::Hasher::new(), gathered: Vec::with_capacity(GATHER), taken: 0 })
    }

    fn write_varint(&mut self, n: u64) -> std::io::Result<()> {
        let mut bytes = [0u8; 10];
        let len = put_varint(n, &mut bytes);
        self.write_all(&bytes[..len])
    }

    fn pass_on(&mut self) -> std::io::Result<()> {
        self.hasher.update(&self.gathered);
        self.zstd.write_all(&self.gathered)?;
        self.gathered.clear();
        Ok(())
    }

    /// The body is whole: its BLAKE3.
    fn end_body(&mut self) -> std::io::Result<blake3::Hash> {
        self.pass_on()?;
        Ok(self.hasher.finalize())
    }

    fn finish(mut self, signature: &[u8; 64]) -> std::io::Result<W> {
        let mut len = [0u8; 10];
        let n = put_varint(signature.len() as u64, &mut len);
        self.zstd.write_all(&len[..n])?;
        self.zstd.write_all(signature)?;
        self.zstd.finish()
    }
}

impl<W: Write> Write for BodySink<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        if self.gathered.len() + data.len() > GATHER {
            self.pass_on()?;
        }
        if data.len() >= GATHER {
            self.hasher.update(data);
            self.zstd.write_all(data)?;
        } else {
            self.gathered.extend_from_slice(data);
        }
        self.taken += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The bytes postcard writes for `value`, counted without keeping them.
fn encoded_len<T: Serialize + ?Sized, E>(value: &T) -> Result<u64, StreamError<E>> {
    struct Count(u64);
    impl Write for Count {
        fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
            self.0 += data.len() as u64;
            Ok(data.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    postcard::to_io(value, Count(0))
        .map(|c| c.0)
        .map_err(|e| StreamError::Write(format!("cannot encode the body: {e}")))
}

/// `n` as a postcard varint (7 bits a byte, the low first, the high bit set on all but the
/// last) into `out`; how many bytes it took.
fn put_varint(mut n: u64, out: &mut [u8; 10]) -> usize {
    let mut i = 0;
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out[i] = byte;
            return i + 1;
        }
        out[i] = byte | 0x80;
        i += 1;
    }
}

fn varint_len(n: u64) -> u64 {
    put_varint(n, &mut [0; 10]) as u64
}

/// A bundle read back: its body, and the key that signed it (verified).
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub body: BundleBody,
    pub signed_by: [u8; 32],
}

/// Reads a bundle file's bytes, opening it with `identity` when it is encrypted.
pub fn read(bytes: &[u8], identity: Option<&age::x25519::Identity>) -> Result<Opened, BundleError> {
    let decoded = open(bytes, identity)?;
    let body = decoded.body()?.to_owned();
    Ok(Opened { body, signed_by: decoded.signed_by })
}

/// A bundle opened and checked whole (checksum, decryption, signature, the body read), its body
/// kept as the decompressed bytes: `body()` reads it again borrowing the ops' bytes, so a big
/// bundle is not copied op by op.
pub struct Decoded {
    signed: Vec<u8>,
    body: std::ops::Range<usize>,
    pub signed_by: [u8; 32],
}

/// `BundleBody` read in place.
#[derive(Deserialize)]
pub struct BundleBodyRef<'a> {
    pub bundle_id: [u8; 16],
    pub written_ms: i64,
    pub sender: Card,
    pub sender_replica: [u8; 16],
    pub recipients: Vec<[u8; 32]>,
    pub version_vector: Vec<([u8; 16], u64)>,
    pub covers: Vec<([u8; 16], u64)>,
    #[serde(borrow)]
    pub ops: Vec<FramedOpRef<'a>>,
    #[serde(borrow)]
    pub blobs: Vec<BlobRef<'a>>,
}

/// `FramedOp` read in place.
#[derive(Deserialize, Clone, Copy)]
pub struct FramedOpRef<'a> {
    pub replica: [u8; 16],
    pub seq: u64,
    #[serde(borrow)]
    pub bytes: &'a [u8],
}

/// `Blob` read in place.
#[derive(Deserialize)]
pub struct BlobRef<'a> {
    pub hash: [u8; 32],
    #[serde(borrow)]
    pub bytes: &'a [u8],
}

impl Decoded {
    pub fn body(&self) -> Result<BundleBodyRef<'_>, BundleError> {
        match postcard::take_from_bytes(self.signed.get(self.body.clone()).unwrap_or_default()) {
            Ok((b, [])) => Ok(b),
            _ => Err(BundleError::Damaged("the body does not read".into())),
        }
    }
}

impl BundleBodyRef<'_> {
    pub fn to_owned(&self) -> BundleBody {
        BundleBody {
            bundle_id: self.bundle_id,
            written_ms: self.written_ms,
            sender: self.sender.clone(),
            sender_replica: self.sender_replica,
            recipients: self.recipients.clone(),
            version_vector: self.version_vector.clone(),
            covers: self.covers.clone(),
            ops: self
                .ops
                .iter()
                .map(|o| FramedOp { replica: o.replica, seq: o.seq, bytes: o.bytes.to_vec() })
                .collect(),
            blobs: self.blobs.iter().map(|b| Blob { hash: b.hash, bytes: b.bytes.to_vec() }).collect(),
        }
    }
}

/// Opens and checks a bundle file's bytes, decrypting with `identity` when it is encrypted.
pub fn open(bytes: &[u8], identity: Option<&age::x25519::Identity>) -> Result<Decoded, BundleError> {
    if bytes.len() as u64 > MAX_FILE {
        return Err(BundleError::TooLarge(bytes.len() as u64));
    }
    if bytes.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(bytes) { BundleError::Truncated } else { BundleError::NotABundle });
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(BundleError::NotABundle);
    }
    let Some(prefix) = bytes.get(..PREFIX) else { return Err(BundleError::Truncated) };
    let format = u16::from_le_bytes([prefix[8], prefix[9]]);
    if format > FORMAT {
        return Err(BundleError::FormatTooNew(format));
    }
    if format == 0 {
        return Err(BundleError::Damaged("format 0".into()));
    }
    let header_len = u32::from_le_bytes([prefix[10], prefix[11], prefix[12], prefix[13]]);
    if header_len > MAX_HEADER {
        return Err(BundleError::Damaged(format!("a header of {header_len} bytes")));
    }
    let header_end = PREFIX + header_len as usize;
    let Some(header_bytes) = bytes.get(PREFIX..header_end) else { return Err(BundleError::Truncated) };
    let header: OuterHeader = match postcard::take_from_bytes(header_bytes) {
        Ok((h, [])) => h,
        _ => return Err(BundleError::Damaged("the header does not read".into())),
    };
    // The header says how long the file is: shorter is a cut, anything else damage.
    let whole = (header_end as u64).checked_add(header.payload_len).and_then(|n| n.checked_add(TRAILER as u64));
    match whole {
        Some(n) if n > bytes.len() as u64 => return Err(BundleError::Truncated),
        Some(n) if n == bytes.len() as u64 => {}
        _ => return Err(BundleError::Damaged("its length is not the one its header gives".into())),
    }
    let (content, trailer) = bytes.split_at(bytes.len() - TRAILER);
    if blake3::hash(content).as_bytes() != trailer {
        return Err(BundleError::Damaged("checksum mismatch".into()));
    }
    if header.body_len > MAX_BODY {
        return Err(BundleError::TooLarge(header.body_len));
    }
    let payload = &content[header_end..];
    let compressed = if header.encrypted {
        let Some(identity) = identity else { return Err(BundleError::NotForUs) };
        decrypt(payload, identity)?
    } else {
        payload.to_vec()
    };
    let signed_bytes_read = match header.compression {
        Compression::None => compressed,
        Compression::Zstd => zstd::bulk::decompress(&compressed, header.body_len as usize)
            .map_err(|e| BundleError::Damaged(format!("does not decompress within its declared size: {e}")))?,
    };
    if signed_bytes_read.len() as u64 != header.body_len {
        return Err(BundleError::Damaged("the body is not the length declared".into()));
    }
    // Borrowed from the decompressed bytes: a copy of a body of a hundred MB is not made.
    let signed: SignedRef<'_> = match postcard::take_from_bytes(&signed_bytes_read) {
        Ok((s, [])) => s,
        _ => return Err(BundleError::Damaged("the signed body does not read".into())),
    };
    let key = VerifyingKey::from_bytes(&header.sender).map_err(|_| BundleError::SignatureInvalid)?;
    let signature = Signature::from_slice(signed.signature).map_err(|_| BundleError::SignatureInvalid)?;
    key.verify_strict(&signed_message(signed.body), &signature).map_err(|_| BundleError::SignatureInvalid)?;
    let body: BundleBodyRef<'_> = match postcard::take_from_bytes(signed.body) {
        Ok((b, [])) => b,
        _ => return Err(BundleError::Damaged("the body does not read".into())),
    };
    // The signed body must say what the plain header says.
    if body.sender.signing_key != header.sender {
        return Err(BundleError::SignatureInvalid);
    }
    if body.bundle_id != header.bundle_id {
        return Err(BundleError::Damaged("the body names another bundle".into()));
    }
    for blob in &body.blobs {
        if blake3::hash(blob.bytes).as_bytes() != &blob.hash {
            return Err(BundleError::Damaged("a carried file does not match its hash".into()));
        }
    }
    let start = signed.body.as_ptr() as usize - signed_bytes_read.as_ptr() as usize;
    let range = start..start + signed.body.len();
    Ok(Decoded { signed: signed_bytes_read, body: range, signed_by: header.sender })
}

/// `Signed { body, signature }` as postcard writes it (each byte string after its length as a
/// varint), made whole: what a streamed write must decompress to.
#[cfg(test)]
fn signed_bytes(body: &[u8], signature: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(body.len() + signature.len() + 20);
    for part in [body, signature] {
        let mut n = part.len() as u64;
        loop {
            let byte = (n & 0x7f) as u8;
            n >>= 7;
            if n == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(part);
    }
    out
}

/// What the signature covers: a label and the BLAKE3 of the body. ed25519 hashes its message
/// twice with SHA-512, which over a body of a hundred MB was a fifth of an export; BLAKE3 reads
/// it once, several times faster, and binds every byte just the same.
fn signed_message(body: &[u8]) -> Vec<u8> {
    message_for(&blake3::hash(body))
}

/// `signed_message` of a body whose BLAKE3 is `hash` (hashed as it was written).
fn message_for(hash: &blake3::Hash) -> Vec<u8> {
    let mut message = b"tiyan bundle body, format 1\n".to_vec();
    message.extend_from_slice(hash.as_bytes());
    message
}

fn decrypt(payload: &[u8], identity: &age::x25519::Identity) -> Result<Vec<u8>, BundleError> {
    let decryptor =
        age::Decryptor::new(payload).map_err(|e| BundleError::Damaged(format!("the encryption does not read: {e}")))?;
    let mut reader = decryptor.decrypt(std::iter::once(identity as &dyn age::Identity)).map_err(|e| match e {
        age::DecryptError::NoMatchingKeys => BundleError::NotForUs,
        other => BundleError::Damaged(format!("does not decrypt: {other}")),
    })?;
    let mut out = Vec::with_capacity(payload.len());
    // The plaintext is never longer than the ciphertext.
    (&mut reader)
        .take(payload.len() as u64)
        .read_to_end(&mut out)
        .map_err(|e| BundleError::Damaged(format!("does not decrypt: {e}")))?;
    Ok(out)
}

fn encode<T: Serialize>(what: &str, value: &T) -> Result<Vec<u8>, String> {
    postcard::to_allocvec(value).map_err(|e| format!("cannot encode {what}: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signed_body_is_written_as_postcard_writes_it() {
        for len in [0usize, 1, 127, 128, 300, 20_000] {
            let body: Vec<u8> = (0..len).map(|i| i as u8).collect();
            let signature = vec![7u8; 64];
            let expected = postcard::to_allocvec(&Signed { body: body.clone(), signature: signature.clone() }).unwrap();
            assert_eq!(signed_bytes(&body, &signature), expected, "a body of {len} bytes");
        }
    }

    fn sample(ops: usize, blobs: usize) -> (BundleBody, SigningKey) {
        let key = SigningKey::from_bytes(&[3; 32]);
        let body = BundleBody {
            bundle_id: [5; 16],
            written_ms: -1_795_689_000_000,
            sender: Card {
                name: "督查办".into(),
                role: Role::Office,
                signing_key: key.verifying_key().to_bytes(),
                age_recipient: "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p".into(),
            },
            sender_replica: [9; 16],
            recipients: vec![[1; 32], [2; 32]],
            version_vector: vec![([1; 16], 300), ([2; 16], u64::MAX)],
            covers: vec![([3; 16], 129)],
            ops: (0..ops)
                .map(|i| FramedOp {
                    replica: [(i % 3) as u8; 16],
                    seq: (i as u64) << (i % 50),
                    bytes: "窗口".repeat(i % 90).into_bytes(),
                })
                .collect(),
            blobs: (0..blobs)
                .map(|i| vec![i as u8; i * 1000])
                .map(|bytes| Blob { hash: *blake3::hash(&bytes).as_bytes(), bytes })
                .collect(),
        };
        (body, key)
    }

    /// The payload of a written bundle, decrypted and decompressed.
    fn signed_of(bytes: &[u8], identity: Option<&age::x25519::Identity>) -> Vec<u8> {
        let header_len = u32::from_le_bytes(bytes[10..14].try_into().unwrap()) as usize;
        let header: OuterHeader = postcard::from_bytes(&bytes[PREFIX..PREFIX + header_len]).unwrap();
        let payload = &bytes[PREFIX + header_len..bytes.len() - TRAILER];
        assert_eq!(payload.len() as u64, header.payload_len);
        let compressed = match identity {
            Some(identity) => decrypt(payload, identity).unwrap(),
            None => payload.to_vec(),
        };
        let signed = zstd::stream::decode_all(&compressed[..]).unwrap();
        assert_eq!(signed.len() as u64, header.body_len);
        signed
    }

    #[test]
    fn a_streamed_body_is_byte_for_byte_the_whole_one() {
        let office = age::x25519::Identity::generate();
        for (ops, blobs) in [(0, 0), (1, 0), (7, 2), (3000, 1), (20_000, 0)] {
            let (body, key) = sample(ops, blobs);
            let whole = encode("the body", &body).unwrap();
            let signature = key.sign(&signed_message(&whole)).to_bytes();
            let expected = signed_bytes(&whole, &signature);
            let plain = write(&body, &key, &[]).unwrap();
            assert_eq!(signed_of(&plain, None), expected, "{ops} ops, {blobs} files");
            assert_eq!(read(&plain, None).unwrap().body, body);
            let sealed = write(&body, &key, &[office.to_public()]).unwrap();
            assert_eq!(signed_of(&sealed, Some(&office)), expected, "{ops} ops, {blobs} files, encrypted");
            assert_eq!(read(&sealed, Some(&office)).unwrap().body, body);
        }
    }

    #[test]
    fn a_walk_that_gives_other_ops_than_counted_fails_the_write() {
        let (body, key) = sample(10, 0);
        let head = BodyHead::of(&body);
        fn op(o: &FramedOp) -> StreamedOp<'_> {
            StreamedOp { replica: o.replica, seq: o.seq, bytes: &o.bytes }
        }
        let mut size = OpsSize::default();
        body.ops.iter().for_each(|o| size.add(op(o)));
        let fewer = |sink: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| {
            body.ops[1..].iter().map(op).try_for_each(sink)
        };
        assert!(matches!(write_streamed(&head, size, fewer, &key, &[]), Err(StreamError::Write(_))));
        let longer = |sink: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| {
            body.ops
                .iter()
                .try_for_each(|o| sink(StreamedOp { bytes: &o.bytes[..o.bytes.len().saturating_sub(1)], ..op(o) }))
        };
        assert!(matches!(write_streamed(&head, size, longer, &key, &[]), Err(StreamError::Write(_))));
        let broken = |_: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| Err("the log does not read");
        assert!(matches!(
            write_streamed(&head, size, broken, &key, &[]),
            Err(StreamError::Ops("the log does not read"))
        ));
    }
}
