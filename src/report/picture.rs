//! Reads a photo's size and EXIF orientation from its header, without decoding pixels, so a report with ten photos
//! is made in milliseconds. Photos come from users: every read is bounds-checked and nothing is allocated.

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum PictureKind {
    Jpeg,
    Png,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Picture {
    pub kind: PictureKind,
    pub width: u32,
    pub height: u32,
    /// EXIF orientation 1..=8 (1 when absent or invalid)
    pub orientation: u8,
}

impl Picture {
    /// The size as shown once the orientation is applied (orientations 5–8 swap width and height).
    pub fn upright_size(&self) -> (u32, u32) {
        if (5..=8).contains(&self.orientation) { (self.height, self.width) } else { (self.width, self.height) }
    }

    /// Clockwise degrees a viewer turns the stored pixels to show them upright: 0, 90, 180 or 270 (orientations
    /// 3→180, 6→90, 8→270; the mirrored ones 2,4,5,7 map to the nearest rotation: 2→0, 4→180, 5→90, 7→270).
    pub fn rotation(&self) -> u16 {
        match self.orientation {
            3 | 4 => 180,
            5 | 6 => 90,
            7 | 8 => 270,
            _ => 0,
        }
    }
}

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1A, b'\n'];

/// Reads the header; None when the bytes are not a JPEG or PNG whose size can be read (or width/height is 0).
pub fn read(bytes: &[u8]) -> Option<Picture> {
    let picture = if bytes.starts_with(&PNG_SIGNATURE) {
        read_png(bytes)?
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        read_jpeg(bytes)?
    } else {
        return None;
    };
    (picture.width > 0 && picture.height > 0).then_some(picture)
}

/// The IHDR chunk must come first, so its fixed position holds the size.
fn read_png(bytes: &[u8]) -> Option<Picture> {
    if u32_at(bytes, 8, false)? != 13 || bytes.get(12..16)? != b"IHDR" {
        return None;
    }
    let (width, height) = (u32_at(bytes, 16, false)?, u32_at(bytes, 20, false)?);
    Some(Picture { kind: PictureKind::Png, width, height, orientation: 1 })
}

/// Walks the marker segments up to the scan; a file cut short still yields the size if its SOF was read.
fn read_jpeg(bytes: &[u8]) -> Option<Picture> {
    let mut pos = 2;
    let mut size = None;
    let mut orientation = None;
    while bytes.get(pos) == Some(&0xFF) {
        // Any number of 0xFF fill bytes may precede a marker.
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1;
        }
        let Some(&marker) = bytes.get(pos) else { break };
        pos += 1;
        match marker {
            0xD9 | 0xDA => break,           // EOI or SOS: no headers after this point
            0x01 | 0xD0..=0xD8 => continue, // TEM, RST0-7, SOI stand alone, without a length
            _ => {}
        }
        // The length counts its own two bytes; jumping over it never allocates, whatever it claims.
        let Some(len) = u16_at(bytes, pos, false).map(usize::from).filter(|&len| len >= 2) else { break };
        let Some(body) = bytes.get(pos + 2..pos + len) else { break };
        pos += len;
        if is_sof(marker) && size.is_none() {
            size = u16_at(body, 3, false).zip(u16_at(body, 1, false));
        } else if marker == 0xE1 && orientation.is_none() && body.starts_with(b"Exif\0\0") {
            // Only the first Exif block counts; later ones (e.g. from editors) are ignored.
            orientation = Some(exif_orientation(&body[6..]).unwrap_or(1));
        }
    }
    let (width, height) = size?;
    let (width, height) = (u32::from(width), u32::from(height));
    Some(Picture { kind: PictureKind::Jpeg, width, height, orientation: orientation.unwrap_or(1) })
}

/// Start of frame: C0–CF, except DHT (C4), JPG (C8) and DAC (CC), which share the range.
fn is_sof(marker: u8) -> bool {
    matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC)
}

/// Tag 0x0112 in IFD0 of a TIFF structure; None when absent or not 1..=8.
fn exif_orientation(tiff: &[u8]) -> Option<u8> {
    let little = match tiff.get(..2)? {
        b"II" => true,
        b"MM" => false,
        _ => return None,
    };
    if u16_at(tiff, 2, little)? != 42 {
        return None;
    }
    let ifd = usize::try_from(u32_at(tiff, 4, little)?).ok()?;
    let count = u16_at(tiff, ifd, little)?;
    // At most 65535 entries, and the search stops at the first one past the end of the data.
    for i in 0..usize::from(count) {
        let start = ifd.checked_add(2 + 12 * i)?;
        let entry = tiff.get(start..start.checked_add(12)?)?;
        if u16_at(entry, 0, little)? == 0x0112 {
            // Type 3 is SHORT; its value sits in the first two bytes of the value field.
            let (is_short, value) = (u16_at(entry, 2, little)? == 3, u16_at(entry, 8, little)?);
            return u8::try_from(value).ok().filter(|v| is_short && (1..=8).contains(v));
        }
    }
    None
}

fn u16_at(bytes: &[u8], at: usize, little: bool) -> Option<u16> {
    let b: [u8; 2] = bytes.get(at..at.checked_add(2)?)?.try_into().ok()?;
    Some(if little { u16::from_le_bytes(b) } else { u16::from_be_bytes(b) })
}

fn u32_at(bytes: &[u8], at: usize, little: bool) -> Option<u32> {
    let b: [u8; 4] = bytes.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(if little { u32::from_le_bytes(b) } else { u32::from_be_bytes(b) })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A TIFF block whose IFD0 holds a Make tag and then the orientation.
    fn tiff(little: bool, orientation: u16) -> Vec<u8> {
        let u16b = |v: u16| if little { v.to_le_bytes() } else { v.to_be_bytes() };
        let u32b = |v: u32| if little { v.to_le_bytes() } else { v.to_be_bytes() };
        let mut t = if little { b"II".to_vec() } else { b"MM".to_vec() };
        t.extend(u16b(42));
        t.extend(u32b(8));
        t.extend(u16b(2));
        for (tag, kind, value) in
            [(0x010F, 2, u32b(0)), (0x0112, 3, [u16b(orientation), [0, 0]].concat().try_into().unwrap())]
        {
            t.extend(u16b(tag));
            t.extend(u16b(kind));
            t.extend(u32b(1));
            t.extend(value);
        }
        t.extend(u32b(0));
        t
    }

    fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
        [&[0xFF, marker][..], &(body.len() as u16 + 2).to_be_bytes(), body].concat()
    }

    fn exif(tiff: &[u8]) -> Vec<u8> {
        segment(0xE1, &[b"Exif\0\0", tiff].concat())
    }

    fn sof(marker: u8, width: u16, height: u16) -> Vec<u8> {
        let body = [&[8][..], &height.to_be_bytes(), &width.to_be_bytes(), &[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]];
        segment(marker, &body.concat())
    }

    /// SOI, the given segments, a scan with entropy data that looks like markers, and EOI.
    fn jpeg(segments: &[Vec<u8>]) -> Vec<u8> {
        let scan = [segment(0xDA, &[1, 1, 0, 0, 0x3F, 0]), vec![0x12, 0xFF, 0x00, 0xFF, 0xC0, 0, 1], vec![0xFF, 0xD9]];
        [vec![0xFF, 0xD8], segments.concat(), scan.concat()].concat()
    }

    fn png(width: u32, height: u32) -> Vec<u8> {
        let ihdr = [&width.to_be_bytes()[..], &height.to_be_bytes(), &[8, 2, 0, 0, 0]].concat();
        [&PNG_SIGNATURE[..], &13u32.to_be_bytes(), b"IHDR", &ihdr, &[0; 4], &[0; 4], b"IEND", &[0; 4]].concat()
    }

    fn samples() -> Vec<Vec<u8>> {
        let jfif = segment(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        vec![
            jpeg(&[jfif.clone(), exif(&tiff(true, 6)), sof(0xC0, 640, 480)]),
            jpeg(&[exif(&tiff(false, 3)), segment(0xC4, &[0; 20]), sof(0xC2, 4000, 3000)]),
            jpeg(&[jfif, sof(0xC0, 1, 1)]),
            png(800, 600),
        ]
    }

    fn jpeg_picture(width: u32, height: u32, orientation: u8) -> Option<Picture> {
        Some(Picture { kind: PictureKind::Jpeg, width, height, orientation })
    }

    #[test]
    fn jpeg_exif_in_both_byte_orders() {
        let [little, big, plain, _] = &samples()[..] else { panic!() };
        let p = read(little).unwrap();
        assert_eq!(Some(p), jpeg_picture(640, 480, 6));
        assert_eq!((p.upright_size(), p.rotation()), ((480, 640), 90));
        let p = read(big).unwrap();
        assert_eq!(Some(p), jpeg_picture(4000, 3000, 3));
        assert_eq!((p.upright_size(), p.rotation()), ((4000, 3000), 180));
        assert_eq!(read(plain), jpeg_picture(1, 1, 1));
    }

    #[test]
    fn jpeg_fill_bytes_standalone_markers_and_first_exif_only() {
        let standalone = vec![0xFF, 0xFF, 0xD0, 0xFF, 0x01, 0xFF, 0xFF]; // fill bytes before each marker
        let exifs = [exif(&tiff(false, 8)), exif(&tiff(true, 6))];
        let sofs = [segment(0xCC, &[0; 6]), sof(0xC1, 3, 2), sof(0xC0, 99, 99)]; // DAC is no SOF; the first SOF wins
        assert_eq!(read(&jpeg(&[&[standalone][..], &exifs, &sofs].concat())), jpeg_picture(3, 2, 8));
    }

    #[test]
    fn invalid_or_missing_sizes_and_orientations() {
        assert_eq!(read(&jpeg(&[exif(&tiff(true, 9)), sof(0xC0, 5, 7)])), jpeg_picture(5, 7, 1));
        assert_eq!(read(&jpeg(&[exif(b"XX\0\0"), sof(0xC0, 5, 7)])), jpeg_picture(5, 7, 1));
        assert_eq!(read(&jpeg(&[sof(0xC0, 5, 0)])), None); // height set later by DNL: not supported
        assert_eq!(read(&jpeg(&[segment(0xC4, &[0, 0, 9, 0, 9])])), None);
        assert_eq!(read(&png(0, 600)), None);
        for bytes in [&b""[..], b"GIF89a", &[0xFF], &[0xFF, 0xD8], &PNG_SIGNATURE] {
            assert_eq!(read(bytes), None);
        }
    }

    #[test]
    fn png_ihdr() {
        let p = read(&png(800, 600)).unwrap();
        assert_eq!(p, Picture { kind: PictureKind::Png, width: 800, height: 600, orientation: 1 });
        assert_eq!((p.upright_size(), p.rotation()), ((800, 600), 0));
    }

    #[test]
    fn every_orientation() {
        let rotations = [0, 0, 0, 180, 180, 90, 90, 270, 270, 0];
        for (orientation, rotation) in (0..10).zip(rotations) {
            let p = Picture { kind: PictureKind::Jpeg, width: 4, height: 3, orientation };
            let swapped = (5..=8).contains(&orientation);
            assert_eq!((p.upright_size(), p.rotation()), (if swapped { (3, 4) } else { (4, 3) }, rotation));
        }
    }

    #[test]
    fn truncated_prefixes() {
        for bytes in samples() {
            let full = read(&bytes).unwrap();
            for len in 0..bytes.len() {
                assert!(read(&bytes[..len]).is_none_or(|p| p == full), "prefix {len} of {bytes:02X?}");
            }
        }
    }

    #[test]
    fn random_and_mutated_bytes_never_panic() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let prefixes =
            [&[][..], &[0xFF, 0xD8], &PNG_SIGNATURE, b"\xFF\xD8\xFF\xE1\x00\x40Exif\0\0II*\0", b"\xFF\xD8\xFF"];
        let samples = samples();
        for i in 0..5000 {
            let mut bytes = match i % 6 {
                5 => samples[(next() % 4) as usize].clone(),
                k => prefixes[k].to_vec(),
            };
            let extra = (next() % 120) as usize;
            bytes.extend((0..extra).map(|_| next() as u8));
            for _ in 0..(next() % 4).min(bytes.len() as u64) {
                let at = (next() as usize) % bytes.len();
                bytes[at] = [0xFF, 0x00, next() as u8][(next() % 3) as usize];
            }
            let _ = read(&bytes).map(|p| (p.upright_size(), p.rotation()));
        }
    }

    #[test]
    fn huge_claimed_lengths_and_counts() {
        // A segment claiming 65535 bytes, an IFD at offset 4 GiB, an IFD claiming 65535 entries.
        assert_eq!(read(&[0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, b'E', b'x']), None);
        let far = b"II*\0\xFF\xFF\xFF\xFF".to_vec();
        let many = b"MM\0\x2A\0\0\0\x08\xFF\xFF\x01\x12".to_vec();
        for tiff in [far, many] {
            assert_eq!(read(&jpeg(&[exif(&tiff), sof(0xC0, 2, 2)])), jpeg_picture(2, 2, 1));
        }
        let fill = [&[0xFF, 0xD8][..], &vec![0xFF; 1 << 20]].concat();
        assert_eq!(read(&fill), None);
    }
}
