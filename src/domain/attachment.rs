//! 附件: a photo or a scan attached to a session or a finding (seed 003 sends the 活动图片
//! with the report; seed 002 wants the 影像资料 with the 台账).
//!
//! The bytes live beside the store, named by their BLAKE3 (the same photo twice is kept once);
//! the op log holds what is known of them, one field per attachment on the owning record,
//! `attachment/<ULID>`. Removing one sets its field to Null: the op stays, and so do the bytes.
//!
//! The value is a `TextList` (version, hash, name, size, type, who, when): `Value`'s layout is
//! frozen (see `op::Value`), and a list with a version in front can grow without a new variant.

use super::ids::{hex, unhex};
use super::op::{EntityId, Value, entity_id_string, parse_entity_id};
use super::record::Record;

/// The field family on a session or finding record.
pub const FIELD_PREFIX: &str = "attachment/";

/// The cap on one file when the config does not set another.
pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;

/// What a file is, by its first bytes (never by its name).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FileType {
    Jpeg,
    Png,
    Pdf,
}

impl FileType {
    pub const ALL: [FileType; 3] = [FileType::Jpeg, FileType::Png, FileType::Pdf];

    /// The type the bytes start as, if it is one tiyan keeps.
    pub fn sniff(bytes: &[u8]) -> Option<FileType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(FileType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(FileType::Png)
        } else if bytes.starts_with(b"%PDF-") {
            Some(FileType::Pdf)
        } else {
            None
        }
    }
    /// The MIME type, as stored and as the JSON says it.
    pub fn mime(self) -> &'static str {
        match self {
            FileType::Jpeg => "image/jpeg",
            FileType::Png => "image/png",
            FileType::Pdf => "application/pdf",
        }
    }
    pub fn from_mime(s: &str) -> Option<FileType> {
        FileType::ALL.into_iter().find(|t| t.mime() == s)
    }
    pub fn is_picture(self) -> bool {
        matches!(self, FileType::Jpeg | FileType::Png)
    }
    /// A short name for lists: JPEG, PNG, PDF.
    pub fn label(self) -> &'static str {
        match self {
            FileType::Jpeg => "JPEG",
            FileType::Png => "PNG",
            FileType::Pdf => "PDF",
        }
    }
}

/// One attachment as recorded.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Attachment {
    /// Its own id (a ULID), naming its field.
    pub id: EntityId,
    pub hash: [u8; 32],
    /// The file's name when attached (its last path component).
    pub name: String,
    pub size: u64,
    pub file_type: FileType,
    /// Who attached it (the inspector's name) and when (Unix ms).
    pub by: String,
    pub at_ms: i64,
}

const VERSION: &str = "1";

impl Attachment {
    pub fn field(&self) -> String {
        field_name(self.id)
    }
    pub fn hash_hex(&self) -> String {
        hex(&self.hash)
    }
    pub fn to_value(&self) -> Value {
        Value::TextList(vec![
            VERSION.to_string(),
            self.hash_hex(),
            self.name.clone(),
            self.size.to_string(),
            self.file_type.mime().to_string(),
            self.by.clone(),
            self.at_ms.to_string(),
        ])
    }
    /// The attachment a field holds; None for a removed one (Null) or a value this version
    /// cannot read (a later layout is read by its own version first).
    pub fn from_field(name: &str, value: &Value) -> Option<Attachment> {
        let id = parse_entity_id(name.strip_prefix(FIELD_PREFIX)?)?;
        let [version, hash, file, size, mime, by, at, ..] = value.as_list() else { return None };
        if version != VERSION {
            return None;
        }
        Some(Attachment {
            id,
            hash: unhex(hash)?.try_into().ok()?,
            name: file.clone(),
            size: size.parse().ok()?,
            file_type: FileType::from_mime(mime)?,
            by: by.clone(),
            at_ms: at.parse().ok()?,
        })
    }
}

pub fn field_name(id: EntityId) -> String {
    format!("{FIELD_PREFIX}{}", entity_id_string(id))
}

/// The live attachments of a session or finding, oldest first (ULIDs sort by time).
pub fn of_record(r: &Record) -> Vec<Attachment> {
    r.fields_with_prefix(FIELD_PREFIX).filter_map(|(name, _)| Attachment::from_field(name, r.get(name))).collect()
}

/// The hash an attach op names, if `field`/`value` is one: what a bundle must carry with it.
pub fn hash_of(field: &str, value: &Value) -> Option<[u8; 32]> {
    Attachment::from_field(field, value).map(|a| a.hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::op::{EntityKind, Hlc, OpId, ReplicaId};

    fn sample() -> Attachment {
        Attachment {
            id: crate::domain::op::new_entity_id(),
            hash: [7; 32],
            name: "大厅取号机.jpg".into(),
            size: 1_234_567,
            file_type: FileType::Jpeg,
            by: "王建国".into(),
            at_ms: 1_764_000_000_000,
        }
    }

    #[test]
    fn an_attachment_reads_back_from_its_field_as_written() {
        let a = sample();
        assert_eq!(Attachment::from_field(&a.field(), &a.to_value()), Some(a.clone()));
        assert_eq!(hash_of(&a.field(), &a.to_value()), Some([7; 32]));
        assert_eq!(Attachment::from_field(&a.field(), &Value::Null), None, "removed");
        assert_eq!(Attachment::from_field("attachment/nonsense", &a.to_value()), None);
        let mut later = a.to_value();
        if let Value::TextList(l) = &mut later {
            l[0] = "2".into();
        }
        assert_eq!(Attachment::from_field(&a.field(), &later), None, "a later layout is not guessed at");
    }

    #[test]
    fn a_records_live_attachments_leave_out_the_removed_ones() {
        let (a, b) = (sample(), sample());
        let mut r = Record::new(1, EntityKind::Finding);
        let op = |seq| OpId { replica: ReplicaId([1; 16]), seq };
        for (seq, (field, value)) in
            [(a.field(), a.to_value()), (b.field(), b.to_value()), (a.field(), Value::Null)].into_iter().enumerate()
        {
            let supersedes = r.live_ops(&field);
            r.fields.entry(field.into()).or_default().apply(op(seq as u64 + 1), Hlc::default(), value, &supersedes);
        }
        assert_eq!(of_record(&r), vec![b]);
    }

    #[test]
    fn types_are_known_by_their_first_bytes() {
        assert_eq!(FileType::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(FileType::Jpeg));
        assert_eq!(FileType::sniff(b"\x89PNG\r\n\x1a\n...."), Some(FileType::Png));
        assert_eq!(FileType::sniff(b"%PDF-1.7"), Some(FileType::Pdf));
        assert_eq!(FileType::sniff(b"GIF89a"), None);
        assert_eq!(FileType::sniff(b""), None);
    }
}
