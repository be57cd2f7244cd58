//! The bundle file (see `../shared/research-sync.md` §7). Format 2 is written; 1 is read too.
//!
//! ```text
//! "TIYANBND" | u16 format (LE) | u32 header length (LE) | postcard OuterHeader
//! | payload: age( zstd( body | ed25519 signature (64 bytes) ) ), without age when the
//!            bundle is not encrypted
//! | BLAKE3 of every byte before it (32 bytes)
//!
//! body (format 2): postcard head (the card, receipts …) | blocks of ops in columns
//!                  (`bundle::columns`), then a 0 | postcard carried files
//! the signature:   over "tiyan bundle body, format 2\n" and the body's BLAKE3
//! ```
//!
//! Format 1 framed each op whole and wrapped body and signature in a postcard struct (each
//! after its length); its bundles are still read. Format 2 came with the columns: the same
//! ops in 40% of the bytes.
//!
//! The header is plain so a file can be told apart before any key is tried: which bundle,
//! whether encrypted, the sender's signing key. Everything a reader acts on is in the signed
//! body, which names the sender's card and the bundle id again. Every length is checked
//! against a cap and against the bytes left before anything is allocated.
//!
//! A bundle is read twice, never held decompressed: `open` streams through the payload to
//! check its layout and signature and keep the head and the carried files; `Verified::ops`
//! streams through it again, a block of ops at a time, from the same bytes in memory.

use std::io::{Read, Write};

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

pub use super::columns::OpsRead;
use super::columns::{BLOCK_OPS, COLUMNS, ColumnReader, ColumnWriter, MAX_BLOCK_OPS, MAX_COLUMN_BYTES};

/// What every bundle file starts with.
pub const MAGIC: &[u8; 8] = b"TIYANBND";
/// The format this build writes and the newest it reads.
pub const FORMAT: u16 = 2;
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

/// What a bundle says, signed by its sender: its head, the ops, the files carried. (postcard
/// writes a struct as its fields in order: the head's fields come first, as if they were the
/// body's own.)
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct BundleBody {
    pub head: Head,
    pub ops: Vec<FramedOp>,
    pub blobs: Vec<Blob>,
}

/// Everything a bundle says about itself, before its ops.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Head {
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
    /// Bytes of the payload once decrypted and decompressed (the signed body and its signature).
    body_len: u64,
}

/// The bundle's bytes: signed with `key` (whose public half must be `body.sender`'s), compressed,
/// encrypted to `recipients` when there are any.
pub fn write(body: &BundleBody, key: &SigningKey, recipients: &[age::x25519::Recipient]) -> Result<Vec<u8>, String> {
    let ops = || body.ops.iter().map(|o| StreamedOp { replica: o.replica, seq: o.seq, bytes: &o.bytes });
    let walk = |sink: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| ops().try_for_each(sink);
    let written = write_streamed(&body.head, &body.blobs, walk, key, recipients).map_err(|e| match e {
        StreamError::Ops(e) => format!("cannot write the ops: {e}"),
        StreamError::Write(why) => why,
    })?;
    Ok(written.to_vec())
}

/// A bundle file's bytes as `write_streamed` made them: in pieces of a MB, never put together
/// (that would hold the bundle twice); written to a stick piece by piece.
pub struct Written {
    pub pieces: Vec<Vec<u8>>,
    pub len: u64,
    /// BLAKE3 of the whole file.
    pub hash: [u8; 32],
}

impl Written {
    pub fn to_vec(&self) -> Vec<u8> {
        self.pieces.concat()
    }
}

/// An op as a streamed body carries it (a `FramedOp`), its bytes borrowed from where they are
/// kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamedOp<'a> {
    pub replica: [u8; 16],
    pub seq: u64,
    pub bytes: &'a [u8],
}

/// Why a streamed write failed: the walk over the ops, or the writing itself.
#[derive(Debug)]
pub enum StreamError<E> {
    Ops(E),
    Write(String),
}

/// `write` with the ops given one at a time rather than held: `walk` hands each to its sink, in
/// order. The body is put in columns (`columns`), compressed (and encrypted) as it is made and
/// hashed on the way for the signature; what is held is the file being written, one block of
/// columns and zstd's window.
pub fn write_streamed<E>(
    head: &Head,
    blobs: &[Blob],
    walk: impl FnOnce(&mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>) -> Result<(), E>,
    key: &SigningKey,
    recipients: &[age::x25519::Recipient],
) -> Result<Written, StreamError<E>> {
    // The payload is gathered in pieces: a Vec grown by doubling would hold twice the bundle
    // while it is copied.
    let mut pieces = Pieces::default();
    let signed = Signing { head, blobs, key };
    let body_len = if recipients.is_empty() {
        signed.write_to(&mut pieces, walk)?.1
    } else {
        let encrypt = |e: String| StreamError::Write(format!("cannot encrypt: {e}"));
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| encrypt(e.to_string()))?;
        let writer = encryptor.wrap_output(&mut pieces).map_err(|e| encrypt(e.to_string()))?;
        let (writer, body_len) = signed.write_to(writer, walk)?;
        writer.finish().map_err(|e| encrypt(e.to_string()))?;
        body_len
    };
    let payload_len = pieces.len;
    let header = outer_header(head.bundle_id, !recipients.is_empty(), key, payload_len, body_len);
    let header = encode("the header", &header).map_err(StreamError::Write)?;
    let mut lead = Vec::with_capacity(PREFIX + header.len());
    for part in [&MAGIC[..], &FORMAT.to_le_bytes(), &(header.len() as u32).to_le_bytes(), &header] {
        lead.extend_from_slice(part);
    }
    let mut all = vec![lead];
    all.append(&mut pieces.done);
    all.push(pieces.filling);
    let hash_of = |pieces: &[Vec<u8>]| {
        let mut hasher = blake3::Hasher::new();
        for piece in pieces {
            hasher.update(piece);
        }
        *hasher.finalize().as_bytes()
    };
    let trailer = hash_of(&all);
    all.push(trailer.to_vec());
    let len = all.iter().map(|p| p.len() as u64).sum();
    let hash = hash_of(&all);
    Ok(Written { pieces: all, len, hash })
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

/// Bytes written in pieces of `PIECE`, none moved once written.
#[derive(Default)]
struct Pieces {
    done: Vec<Vec<u8>>,
    filling: Vec<u8>,
    len: u64,
}

const PIECE: usize = 1 << 20;

impl Write for Pieces {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        let mut rest = data;
        while !rest.is_empty() {
            if self.filling.len() == PIECE {
                self.done.push(std::mem::replace(&mut self.filling, Vec::with_capacity(PIECE)));
            }
            if self.filling.capacity() < PIECE {
                self.filling.reserve_exact(PIECE - self.filling.len());
            }
            let n = rest.len().min(PIECE - self.filling.len());
            self.filling.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
        }
        self.len += data.len() as u64;
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The signed body of a streamed write.
struct Signing<'a> {
    head: &'a Head,
    blobs: &'a [Blob],
    key: &'a SigningKey,
}

impl Signing<'_> {
    /// Writes the body and its signature through zstd into `out`, the ops in blocks of columns
    /// as `walk` gives them; `out` back once zstd is finished, and the bytes written into zstd.
    fn write_to<W: Write, E>(
        &self,
        out: W,
        walk: impl FnOnce(&mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>) -> Result<(), E>,
    ) -> Result<(W, u64), StreamError<E>> {
        let compress = |e: std::io::Error| StreamError::Write(format!("cannot compress: {e}"));
        let mut sink = BodySink::new(out).map_err(compress)?;
        postcard::to_io(self.head, &mut sink)
            .map_err(|e| StreamError::Write(format!("cannot encode the body: {e}")))?;
        let mut columns = ColumnWriter::default();
        let mut broke: Option<String> = None;
        let walked = walk(&mut |op: StreamedOp<'_>| {
            if !columns.push(op.replica, op.seq, op.bytes) {
                return Ok(());
            }
            let written = columns.write_block(&mut sink);
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
        if !columns.is_empty() {
            columns.write_block(&mut sink).map_err(compress)?;
        }
        sink.write_all(&[0]).map_err(compress)?;
        postcard::to_io(self.blobs, &mut sink)
            .map_err(|e| StreamError::Write(format!("cannot encode the carried files: {e}")))?;
        let (hash, body_len) = sink.end_body().map_err(compress)?;
        let signature = self.key.sign(&message_for(&hash)).to_bytes();
        Ok((sink.finish(&signature).map_err(compress)?, body_len + SIGNATURE_LEN))
    }
}

/// Where a signed body goes: the body (hashed on the way, in writes of `GATHER` bytes), then
/// the signature, all through zstd at level 3.
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
    fn new(out: W) -> std::io::Result<Self> {
        let mut zstd = zstd::stream::Encoder::new(out, 3)?;
        // The reader holds this much of the body to look back into: 2 MiB, as level 3 would
        // choose for a body of its size, said here so a reader may refuse more.
        zstd.window_log(WINDOW_LOG)?;
        Ok(BodySink { zstd, hasher: blake3::Hasher::new(), gathered: Vec::with_capacity(GATHER), taken: 0 })
    }

    fn pass_on(&mut self) -> std::io::Result<()> {
        self.hasher.update(&self.gathered);
        self.zstd.write_all(&self.gathered)?;
        self.gathered.clear();
        Ok(())
    }

    /// The body is whole: its BLAKE3 and length.
    fn end_body(&mut self) -> std::io::Result<(blake3::Hash, u64)> {
        self.pass_on()?;
        Ok((self.hasher.finalize(), self.taken))
    }

    fn finish(mut self, signature: &[u8; 64]) -> std::io::Result<W> {
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

/// The window zstd writes with (2 MiB), and the largest a reader accepts (8 MiB): a bundle
/// cannot make its reader hold more of its body than that.
const WINDOW_LOG: u32 = 21;
const MAX_WINDOW_LOG: u32 = 23;

/// A bundle read back whole: its body, and the key that signed it (verified).
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub body: BundleBody,
    pub signed_by: [u8; 32],
}

/// Reads a bundle file's bytes whole, opening it with `identity` when it is encrypted.
pub fn read(bytes: &[u8], identity: Option<&age::x25519::Identity>) -> Result<Opened, BundleError> {
    let opened = open(bytes.to_vec(), identity)?;
    let mut ops = Vec::with_capacity(opened.ops.min(1 << 20) as usize);
    let mut reader = opened.ops()?;
    let mut chunk = OpsRead::default();
    while reader.next_chunk(&mut chunk)? > 0 {
        ops.extend((0..chunk.ops.len()).map(|i| chunk.op(i)).map(|(replica, seq, bytes)| FramedOp {
            replica,
            seq,
            bytes: bytes.to_vec(),
        }));
    }
    let body = BundleBody { head: opened.head.clone(), ops, blobs: opened.blobs.clone() };
    Ok(Opened { body, signed_by: opened.signed_by })
}

/// A bundle opened and checked whole (checksum, decryption, signature, the body's layout),
/// its head and carried files read; its ops are read again by `ops()`, a chunk at a time, from
/// the compressed payload it keeps: a big bundle is never held decompressed.
pub struct Verified {
    payload: Payload,
    /// Where the body ends in the decompressed payload, and its BLAKE3.
    body_end: u64,
    body_hash: blake3::Hash,
    /// Where the ops start in the decompressed payload.
    ops_at: u64,
    pub signed_by: [u8; 32],
    pub head: Head,
    /// Ops it carries.
    pub ops: u64,
    pub blobs: Vec<Blob>,
}

/// A bundle's payload as the plain header describes it, and where its bytes are.
struct Payload {
    /// The file's bytes, or once decrypted the payload's (empty once `release_bytes`).
    kept: Vec<u8>,
    /// The compressed payload within `kept`.
    payload: std::ops::Range<usize>,
    /// Where the payload is in the file (offset, length), and the key it was decrypted with:
    /// to read it again from the file.
    in_file: (u64, u64),
    identity: Option<age::x25519::Identity>,
    encrypted: bool,
    format: u16,
    compression: Compression,
    body_len: u64,
}

/// Opens and checks a bundle file's bytes, decrypting with `identity` when it is encrypted.
pub fn open(bytes: Vec<u8>, identity: Option<&age::x25519::Identity>) -> Result<Verified, BundleError> {
    if bytes.len() as u64 > MAX_FILE {
        return Err(BundleError::TooLarge(bytes.len() as u64));
    }
    if bytes.len() < MAGIC.len() {
        return Err(if MAGIC.starts_with(&bytes) { BundleError::Truncated } else { BundleError::NotABundle });
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
    let payload = header_end..content.len();
    let in_file = (header_end as u64, header.payload_len);
    let (kept, payload) = if header.encrypted {
        let Some(identity) = identity else { return Err(BundleError::NotForUs) };
        let plain = decrypt(&bytes[payload], identity)?;
        drop(bytes);
        let len = plain.len();
        (plain, 0..len)
    } else {
        (bytes, payload)
    };
    let payload = Payload {
        kept,
        payload,
        in_file,
        identity: identity.filter(|_| header.encrypted).cloned(),
        encrypted: header.encrypted,
        format,
        compression: header.compression,
        body_len: header.body_len,
    };
    let walked = payload.walk_body()?;
    let (hash, signature) = (walked.hash, walked.signature);
    let verified = Verified {
        payload,
        body_end: walked.body_end,
        body_hash: hash,
        ops_at: walked.ops_at,
        signed_by: header.sender,
        head: walked.head,
        ops: walked.ops,
        blobs: walked.blobs,
    };
    let key = VerifyingKey::from_bytes(&header.sender).map_err(|_| BundleError::SignatureInvalid)?;
    let signature = Signature::from_slice(&signature).map_err(|_| BundleError::SignatureInvalid)?;
    key.verify_strict(&message(format, &hash), &signature).map_err(|_| BundleError::SignatureInvalid)?;
    // The signed body must say what the plain header says.
    if verified.head.sender.signing_key != header.sender {
        return Err(BundleError::SignatureInvalid);
    }
    if verified.head.bundle_id != header.bundle_id {
        return Err(BundleError::Damaged("the body names another bundle".into()));
    }
    for blob in &verified.blobs {
        if blake3::hash(&blob.bytes).as_bytes() != &blob.hash {
            return Err(BundleError::Damaged("a carried file does not match its hash".into()));
        }
    }
    Ok(verified)
}

impl Payload {
    /// The payload decompressed as a stream, at most its declared length.
    fn stream(&self) -> Result<BodyStream<'_>, BundleError> {
        self.decompressing(Box::new(&self.kept[self.payload.clone()]))
    }

    /// `compressed` (the payload, decrypted) decompressed as a stream.
    fn decompressing<'a>(&self, compressed: Box<dyn Read + 'a>) -> Result<BodyStream<'a>, BundleError> {
        let source: Box<dyn Read + 'a> = match self.compression {
            Compression::None => compressed,
            Compression::Zstd => {
                let mut decoder = zstd::stream::read::Decoder::new(compressed)
                    .map_err(|e| BundleError::Damaged(format!("does not decompress: {e}")))?;
                decoder.window_log_max(MAX_WINDOW_LOG).map_err(|e| BundleError::Damaged(e.to_string()))?;
                Box::new(decoder)
            }
        };
        Ok(BodyStream::new(source, self.body_len))
    }

    /// Reads the whole payload once: the body's layout (head, ops framed, carried files), its
    /// hash and the signature after it.
    fn walk_body(&self) -> Result<Walked, BundleError> {
        let mut s = self.stream()?;
        let body_end = if self.format == 1 {
            let len = s.varint()?;
            s.at().checked_add(len).ok_or_else(past_declared)?
        } else {
            self.body_len.checked_sub(SIGNATURE_LEN).ok_or_else(past_declared)?
        };
        s.hash_until(body_end);
        let head = s.postcard("the body's head")?;
        let ops_at = s.at();
        let ops = if self.format == 1 {
            let count = s.varint()?;
            for _ in 0..count {
                s.skip(16)?;
                s.varint()?;
                let len = s.varint()?;
                s.skip(len)?;
            }
            count
        } else {
            let mut count = 0u64;
            while let Some(n) = s.block_lead()? {
                for _ in 0..COLUMNS {
                    let len = s.column_len()?;
                    s.skip(len)?;
                }
                count += n;
            }
            count
        };
        let count = s.varint()?;
        let mut blobs = Vec::new();
        for _ in 0..count {
            let hash = s.array::<32>()?;
            let len = s.varint()?;
            let bytes = s.bytes(len)?;
            blobs.push(Blob { hash, bytes });
        }
        if s.at() != body_end {
            return Err(BundleError::Damaged("the body is not the length it says".into()));
        }
        let hash = s.hasher.finalize();
        if self.format == 1 && s.varint()? != SIGNATURE_LEN {
            return Err(BundleError::SignatureInvalid);
        }
        let signature = s.bytes(SIGNATURE_LEN)?;
        s.end()?;
        Ok(Walked { head, body_end, ops_at, ops, blobs, hash, signature })
    }
}

impl Verified {
    /// The ops, read again from the bytes kept, a chunk at a time.
    pub fn ops(&self) -> Result<OpsReader<'_>, BundleError> {
        if self.payload.kept.is_empty() {
            return Err(BundleError::Damaged("its bytes were let go: read the ops from the file".into()));
        }
        self.ops_reader(self.payload.stream()?)
    }

    /// Lets go of the bytes `open` was given: the ops are then read from the file again
    /// (`ops_from_file`), so a big import does not hold the bundle too.
    pub fn release_bytes(&mut self) {
        self.payload.kept = Vec::new();
    }

    /// The ops, read again from `file` (the bundle `open` was given, read anew: decrypted and
    /// decompressed again). Bytes that differ from what was checked (the file changed on the
    /// stick) fail the read at its end, before the last chunk is given.
    pub fn ops_from_file(&self, mut file: std::fs::File) -> Result<OpsReader<'_>, BundleError> {
        use std::io::{Seek, SeekFrom};
        let unreadable = |e: std::io::Error| BundleError::Damaged(format!("cannot be read again: {e}"));
        let p = &self.payload;
        file.seek(SeekFrom::Start(p.in_file.0)).map_err(unreadable)?;
        let payload = std::io::BufReader::new(file.take(p.in_file.1));
        let compressed: Box<dyn Read> = match (&p.identity, p.encrypted) {
            (Some(identity), true) => {
                let decryptor = age::Decryptor::new(payload)
                    .map_err(|e| BundleError::Damaged(format!("the encryption does not read: {e}")))?;
                let reader = decryptor
                    .decrypt(std::iter::once(identity as &dyn age::Identity))
                    .map_err(|e| BundleError::Damaged(format!("does not decrypt: {e}")))?;
                Box::new(reader)
            }
            (None, true) => return Err(BundleError::NotForUs),
            (_, false) => Box::new(payload),
        };
        self.ops_reader(p.decompressing(compressed)?)
    }

    fn ops_reader<'a>(&self, mut stream: BodyStream<'a>) -> Result<OpsReader<'a>, BundleError> {
        let format = self.payload.format;
        if format == 1 {
            stream.varint()?;
        }
        stream.hash_until(self.body_end);
        stream.skip(self.ops_at - stream.at())?;
        let left = if format == 1 { stream.varint()? } else { 0 };
        Ok(OpsReader {
            stream,
            format,
            left,
            columns: ColumnReader::default(),
            block: Vec::new(),
            body_end: self.body_end,
            body_hash: self.body_hash,
            done: false,
        })
    }
}

/// What the first read of a payload found.
struct Walked {
    head: Head,
    body_end: u64,
    ops_at: u64,
    ops: u64,
    blobs: Vec<Blob>,
    hash: blake3::Hash,
    signature: Vec<u8>,
}

/// The ops of a verified bundle, in order.
pub struct OpsReader<'a> {
    stream: BodyStream<'a>,
    format: u16,
    /// Format 1: ops not yet read.
    left: u64,
    columns: ColumnReader,
    block: Vec<u8>,
    /// What the body was when checked: read again, it must be the same.
    body_end: u64,
    body_hash: blake3::Hash,
    /// The last chunk was given.
    done: bool,
}

/// Format-1 ops read in a chunk.
const FRAMED_CHUNK: u64 = BLOCK_OPS as u64;

impl OpsReader<'_> {
    /// Replaces `out` with the next ops (a block of format 2; `FRAMED_CHUNK` of format 1); how
    /// many, 0 at the end.
    pub fn next_chunk(&mut self, out: &mut OpsRead) -> Result<usize, BundleError> {
        out.clear();
        if self.done {
            return Ok(0);
        }
        if self.format == 1 {
            let n = self.left.min(FRAMED_CHUNK);
            if n == 0 {
                self.same_as_checked()?;
            }
            self.left -= n;
            for _ in 0..n {
                let replica = self.stream.array::<16>()?;
                let seq = self.stream.varint()?;
                let len = self.stream.varint()?;
                let start = out.bytes.len();
                self.stream.append(len, &mut out.bytes)?;
                out.ops.push((replica, seq, start..out.bytes.len()));
            }
            return Ok(out.ops.len());
        }
        let Some(n) = self.stream.block_lead()? else {
            self.same_as_checked()?;
            return Ok(0);
        };
        self.block.clear();
        let mut ends = [0usize; COLUMNS];
        for end in &mut ends {
            let len = self.stream.column_len()?;
            self.stream.append(len, &mut self.block)?;
            *end = self.block.len();
        }
        let mut columns: [&[u8]; COLUMNS] = [&[]; COLUMNS];
        let mut start = 0;
        for (column, end) in columns.iter_mut().zip(ends) {
            *column = &self.block[start..end];
            start = end;
        }
        self.columns.read_block(n, columns, out).map_err(|e| BundleError::Damaged(format!("the ops: {}", e.0)))?;
        Ok(out.ops.len())
    }
}

impl OpsReader<'_> {
    /// At the end of the ops: the rest of the body read, all of it is what `open` checked.
    fn same_as_checked(&mut self) -> Result<(), BundleError> {
        self.done = true;
        self.stream.skip(self.body_end.saturating_sub(self.stream.at()))?;
        if self.stream.hasher.finalize() != self.body_hash {
            return Err(BundleError::Damaged("it changed while it was being read".into()));
        }
        Ok(())
    }
}

/// A decompressed payload read front to back, the body hashed as it passes.
struct BodyStream<'a> {
    source: Box<dyn Read + 'a>,
    /// The payload's declared length: nothing past it is read.
    len: u64,
    /// Bytes taken from `source` so far.
    pulled: u64,
    /// Bytes taken from `source` and given back (read past the head), read again first.
    pending: Vec<u8>,
    pending_at: usize,
    hasher: blake3::Hasher,
    /// Bytes before this offset are hashed (as they are taken from `source`).
    hash_end: u64,
}

/// Bytes skipped at a time.
const SKIP_STEP: usize = 64 << 10;

impl<'a> BodyStream<'a> {
    fn new(source: Box<dyn Read + 'a>, len: u64) -> Self {
        BodyStream {
            source,
            len,
            pulled: 0,
            pending: Vec::new(),
            pending_at: 0,
            hasher: blake3::Hasher::new(),
            hash_end: 0,
        }
    }

    /// Where the next byte read is in the payload.
    fn at(&self) -> u64 {
        self.pulled - (self.pending.len() - self.pending_at) as u64
    }

    fn hash_until(&mut self, end: u64) {
        self.hash_end = end;
    }

    /// Fills `out` with the next bytes (within the declared length: a cut or a bomb is an
    /// error before anything is allocated for it).
    fn fill(&mut self, out: &mut [u8]) -> Result<(), BundleError> {
        if out.len() as u64 > self.len - self.at() {
            return Err(past_declared());
        }
        let given = (self.pending.len() - self.pending_at).min(out.len());
        out[..given].copy_from_slice(&self.pending[self.pending_at..self.pending_at + given]);
        self.pending_at += given;
        let rest = &mut out[given..];
        self.source.read_exact(rest).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => BundleError::Damaged("the body ends early".into()),
            _ => BundleError::Damaged(format!("does not decompress: {e}")),
        })?;
        let hashed = self.hash_end.saturating_sub(self.pulled).min(rest.len() as u64) as usize;
        self.hasher.update(&rest[..hashed]);
        self.pulled += rest.len() as u64;
        Ok(())
    }

    /// Reads the next `len` bytes onto `out`.
    fn append(&mut self, len: u64, out: &mut Vec<u8>) -> Result<(), BundleError> {
        if len > self.len - self.at() {
            return Err(past_declared());
        }
        let start = out.len();
        out.resize(start + len as usize, 0);
        self.fill(&mut out[start..])
    }

    fn bytes(&mut self, len: u64) -> Result<Vec<u8>, BundleError> {
        let mut out = Vec::new();
        self.append(len, &mut out)?;
        Ok(out)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], BundleError> {
        let mut out = [0u8; N];
        self.fill(&mut out)?;
        Ok(out)
    }

    fn skip(&mut self, mut len: u64) -> Result<(), BundleError> {
        let mut buffer = vec![0u8; SKIP_STEP.min(len as usize)];
        while len > 0 {
            let step = len.min(SKIP_STEP as u64) as usize;
            self.fill(&mut buffer[..step])?;
            len -= step as u64;
        }
        Ok(())
    }

    fn varint(&mut self) -> Result<u64, BundleError> {
        let mut n = 0u64;
        for i in 0..10 {
            let [byte] = self.array::<1>()?;
            let part = u64::from(byte & 0x7f);
            if i == 9 && part > 1 {
                break;
            }
            n |= part << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(BundleError::Damaged("a number in the body does not read".into()))
    }

    /// A postcard value of at most `MAX_HEAD` bytes (the head): read in growing pieces until it
    /// parses, what was read past it given back.
    fn postcard<T: for<'de> Deserialize<'de>>(&mut self, what: &str) -> Result<T, BundleError> {
        let mut held: Vec<u8> = Vec::new();
        let mut want = 512u64;
        loop {
            let more = (want - held.len() as u64).min(self.len - self.at());
            self.append(more, &mut held)?;
            match postcard::take_from_bytes::<T>(&held) {
                Ok((value, rest)) => {
                    let mut pending = rest.to_vec();
                    pending.extend_from_slice(&self.pending[self.pending_at..]);
                    self.pending = pending;
                    self.pending_at = 0;
                    return Ok(value);
                }
                Err(postcard::Error::DeserializeUnexpectedEnd) if more > 0 && held.len() < MAX_HEAD => want *= 2,
                _ => return Err(BundleError::Damaged(format!("{what} does not read"))),
            }
        }
    }

    /// A block's lead in format 2: its op count, None after the last block.
    fn block_lead(&mut self) -> Result<Option<u64>, BundleError> {
        match self.varint()? {
            0 => Ok(None),
            n if n > MAX_BLOCK_OPS => Err(BundleError::Damaged(format!("a block of {n} ops"))),
            n => Ok(Some(n)),
        }
    }

    fn column_len(&mut self) -> Result<u64, BundleError> {
        match self.varint()? {
            len if len > MAX_COLUMN_BYTES => Err(BundleError::Damaged(format!("a column of {len} bytes"))),
            len => Ok(len),
        }
    }

    /// The payload is read whole: exactly its declared length, and nothing after it.
    fn end(&mut self) -> Result<(), BundleError> {
        if self.at() != self.len {
            return Err(BundleError::Damaged("the body is not the length declared".into()));
        }
        let mut more = [0u8; 1];
        match self.source.read(&mut more) {
            Ok(0) => Ok(()),
            Ok(_) => Err(BundleError::Damaged("does not decompress within its declared size".into())),
            Err(e) => Err(BundleError::Damaged(format!("does not decompress: {e}"))),
        }
    }
}

/// A body that goes on past the length its header declares: a bomb, or damage.
fn past_declared() -> BundleError {
    BundleError::Damaged("does not decompress within its declared size".into())
}

/// The largest head read (the card, the receipts: a few KB in practice).
const MAX_HEAD: usize = 1 << 20;

/// What the signature covers: a label naming the format and the BLAKE3 of the body. ed25519
/// hashes its message twice with SHA-512, which over a body of a hundred MB was a fifth of an
/// export; BLAKE3 reads it once, several times faster, and binds every byte just the same.
fn message(format: u16, hash: &blake3::Hash) -> Vec<u8> {
    let mut message = format!("tiyan bundle body, format {format}\n").into_bytes();
    message.extend_from_slice(hash.as_bytes());
    message
}

/// `message` of the format this build writes.
fn message_for(hash: &blake3::Hash) -> Vec<u8> {
    message(FORMAT, hash)
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

    fn sample(ops: usize, blobs: usize) -> (BundleBody, SigningKey) {
        let key = SigningKey::from_bytes(&[3; 32]);
        let body = BundleBody {
            head: Head {
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
            },
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
    fn payload_of(bytes: &[u8], identity: Option<&age::x25519::Identity>) -> Vec<u8> {
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

    /// The layout the module doc gives, made whole: what a streamed write must decompress to.
    fn layout(body: &BundleBody, key: &SigningKey) -> Vec<u8> {
        let mut out = postcard::to_allocvec(&body.head).unwrap();
        for chunk in body.ops.chunks(BLOCK_OPS) {
            let mut columns = ColumnWriter::default();
            for o in chunk {
                columns.push(o.replica, o.seq, &o.bytes);
            }
            columns.write_block(&mut out).unwrap();
        }
        out.push(0);
        out.extend_from_slice(&postcard::to_allocvec(&body.blobs).unwrap());
        let signature = key.sign(&message(FORMAT, &blake3::hash(&out))).to_bytes();
        out.extend_from_slice(&signature);
        out
    }

    #[test]
    fn a_streamed_body_is_byte_for_byte_the_layout() {
        let office = age::x25519::Identity::generate();
        for (ops, blobs) in [(0, 0), (1, 0), (7, 2), (3000, 1), (20_000, 0)] {
            let (body, key) = sample(ops, blobs);
            let plain = write(&body, &key, &[]).unwrap();
            if ops <= BLOCK_OPS {
                assert_eq!(payload_of(&plain, None), layout(&body, &key), "{ops} ops, {blobs} files");
            }
            assert_eq!(read(&plain, None).unwrap().body, body);
            let sealed = write(&body, &key, &[office.to_public()]).unwrap();
            assert_eq!(payload_of(&sealed, Some(&office)), payload_of(&plain, None), "{ops} ops, encrypted");
            assert_eq!(read(&sealed, Some(&office)).unwrap().body, body);
        }
    }

    #[test]
    fn a_head_longer_than_the_first_read_is_read_whole() {
        let (mut body, key) = sample(5, 1);
        body.head.version_vector = (0..2000u64).map(|i| ([i as u8; 16], i)).collect();
        let bytes = write(&body, &key, &[]).unwrap();
        assert_eq!(read(&bytes, None).unwrap().body, body);
    }

    #[test]
    fn a_walk_that_fails_fails_the_write() {
        let (body, key) = sample(10, 0);
        let broken = |_: &mut dyn FnMut(StreamedOp<'_>) -> std::io::Result<()>| Err("the log does not read");
        assert!(matches!(
            write_streamed(&body.head, &body.blobs, broken, &key, &[]),
            Err(StreamError::Ops("the log does not read"))
        ));
    }
}
