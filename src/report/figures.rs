//! The attachments a session's report carries (seed 003 sends the 活动图片 with it): the
//! session's own, then each finding's, numbered 图1, 图2 … with a caption saying what they
//! show. Photos are read from the profile with their size and orientation (`picture`); a scan
//! (PDF) or a file this profile does not hold is named, not embedded.

use std::path::Path;

use super::picture::{self, Picture};
use crate::domain::{Attachment, Finding, Session};

/// One attachment as the report shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// 「图1 大厅取号机.jpg（体验活动）」.
    pub caption: String,
    pub shown: Shown,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Shown {
    /// A photo: its bytes and what its header says.
    Photo { bytes: Vec<u8>, picture: Picture },
    /// A PDF scan: named only.
    Scan,
    /// Not in this profile (an op that came without its file), or unreadable.
    Missing,
}

/// The longest piece of a finding's description a caption quotes.
const QUOTED_CHARS: usize = 20;

/// Every attachment of `session` and its `findings` (not deleted, by 序号), read from `dir`.
pub fn load(dir: &Path, session: &Session, findings: &[Finding]) -> Vec<Figure> {
    let own = session.attachments.iter().map(|a| (a, "体验活动".to_string()));
    let theirs = findings.iter().filter(|f| !f.deleted).flat_map(|f| {
        let about = format!("问题{}：{}", f.seq_label(), quoted(&f.description));
        f.attachments.iter().map(move |a| (a, about.clone()))
    });
    own.chain(theirs)
        .enumerate()
        .map(|(i, (a, about))| Figure {
            caption: format!("图{} {}（{about}）", i + 1, a.name), shown: shown(dir, a)
        })
        .collect()
}

fn shown(dir: &Path, a: &Attachment) -> Shown {
    if !a.file_type.is_picture() {
        return Shown::Scan;
    }
    let bytes = crate::store::attachments::read(dir, &a.hash, crate::store::attachments::READ_CAP);
    match bytes.and_then(|bytes| picture::read(&bytes).map(|picture| (bytes, picture))) {
        Some((bytes, picture)) => Shown::Photo { bytes, picture },
        None => Shown::Missing,
    }
}

fn quoted(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default().trim();
    match line.char_indices().nth(QUOTED_CHARS) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

/// The size a photo is set at, upright, in hundredths of a millimetre: as large as fits in
/// `max_w` × `max_h` without changing its shape.
pub fn fitted(picture: &Picture, max_w: u32, max_h: u32) -> (u32, u32) {
    let (w, h) = picture.upright_size();
    let (w, h) = (u64::from(w.max(1)), u64::from(h.max(1)));
    let (max_w, max_h) = (u64::from(max_w), u64::from(max_h));
    // Scale to the width, then shrink to the height if still too tall.
    let (mut fw, mut fh) = (max_w, max_w * h / w);
    if fh > max_h {
        fh = max_h;
        fw = max_h * w / h;
    }
    (fw.max(1) as u32, fh.max(1) as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::picture::PictureKind;

    #[test]
    fn a_photo_is_fitted_upright_into_its_box() {
        let p = |width, height, orientation| Picture { kind: PictureKind::Jpeg, width, height, orientation };
        assert_eq!(fitted(&p(4000, 3000, 1), 15_000, 11_000), (14_666, 11_000), "landscape: the height binds");
        assert_eq!(fitted(&p(4000, 1000, 1), 15_000, 11_000), (15_000, 3_750), "wide: the width binds");
        assert_eq!(fitted(&p(4000, 3000, 6), 15_000, 11_000), (8_250, 11_000), "turned upright it is tall");
        assert_eq!(
            quoted("窗口工作人员态度生硬，群众反映强烈，多次投诉无果\n第二行"),
            "窗口工作人员态度生硬，群众反映强烈，多次…"
        );
    }
}
