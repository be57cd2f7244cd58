//! The bundle file, format 1 (see `../shared/research-sync.md` §7):
//!
//! ```text
//! "TIYANBND" | u16 format (LE) | u32 header length (LE) | postcard OuterHeader
//! | payload: age( zstd( postcard Signed{ body: postcard BundleBody, signature } ) ),
//!            or without age when the bundle is not encrypted
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
    let body_bytes = encode("the body", body)?;
    let signature = key.sign(&signed_message(&body_bytes)).to_bytes().to_vec();
    let signed = signed_bytes(&body_bytes, &signature);
    drop(body_bytes);
    let compressed = zstd::bulk::compress(&signed, 3).map_err(|e| format!("cannot compress: {e}"))?;
    let payload = if recipients.is_empty() {
        compressed
    } else {
        let encryptor = age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| format!("cannot encrypt: {e}"))?;
        let mut out = Vec::with_capacity(compressed.len() + 512);
        let mut writer = encryptor.wrap_output(&mut out).map_err(|e| format!("cannot encrypt: {e}"))?;
        writer.write_all(&compressed).and_then(|()| writer.finish().map(drop)).map_err(|e| e.to_string())?;
        out
    };
    let header = OuterHeader {
        bundle_id: body.bundle_id,
        encrypted: !recipients.is_empty(),
        compression: Compression::Zstd,
        sender: key.verifying_key().to_bytes(),
        payload_len: payload.len() as u64,
        body_len: signed.len() as u64,
    };
    let header = encode("the header", &header)?;
    let mut out = Vec::with_capacity(PREFIX + header.len() + payload.len() + TRAILER);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    out.extend_from_slice(&payload);
    let trailer = blake3::hash(&out);
    out.extend_from_slice(trailer.as_bytes());
    Ok(out)
}

/// A bundle read back: its body, and the key that signed it (verified).
#[derive(Debug, PartialEq, Eq)]
pub struct Opened {
    pub body: BundleBody,
    pub signed_by: [u8; 32],
}

/// Reads a bundle file's bytes, opening it with `identity` when it is encrypted.
pub fn read(bytes: &[u8], identity: Option<&age::x25519::Identity>) -> Result<Opened, BundleError> {
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
    let signed = match header.compression {
        Compression::None => compressed,
        Compression::Zstd => zstd::bulk::decompress(&compressed, header.body_len as usize)
            .map_err(|e| BundleError::Damaged(format!("does not decompress within its declared size: {e}")))?,
    };
    if signed.len() as u64 != header.body_len {
        return Err(BundleError::Damaged("the body is not the length declared".into()));
    }
    // Borrowed from the decompressed bytes: a copy of a body of a hundred MB is not made.
    let signed: SignedRef<'_> = match postcard::take_from_bytes(&signed) {
        Ok((s, [])) => s,
        _ => return Err(BundleError::Damaged("the signed body does not read".into())),
    };
    let key = VerifyingKey::from_bytes(&header.sender).map_err(|_| BundleError::SignatureInvalid)?;
    let signature = Signature::from_slice(signed.signature).map_err(|_| BundleError::SignatureInvalid)?;
    key.verify_strict(&signed_message(signed.body), &signature).map_err(|_| BundleError::SignatureInvalid)?;
    let body: BundleBody = match postcard::take_from_bytes(signed.body) {
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
        if blake3::hash(&blob.bytes).as_bytes() != &blob.hash {
            return Err(BundleError::Damaged("a carried file does not match its hash".into()));
        }
    }
    Ok(Opened { body, signed_by: header.sender })
}

/// `Signed { body, signature }` as postcard writes it (each byte string after its length as a
/// varint), made without copying the body through a serializer twice.
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
    let mut message = b"tiyan bundle body, format 1\n".to_vec();
    message.extend_from_slice(blake3::hash(body).as_bytes());
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
}
