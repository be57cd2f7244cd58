//! Who a device is: its secret keys (an ed25519 signing key and an age X25519 identity, kept
//! in the profile's store and never written into a bundle), the card it shows others, the
//! fingerprint people read aloud to check a card, and the card file an office writes to a stick.

use age::secrecy::ExposeSecret;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};

use super::format::{Card, Role};

/// A device's secret keys.
pub struct DeviceKeys {
    pub signing: SigningKey,
    pub age: age::x25519::Identity,
}

impl DeviceKeys {
    /// New keys from the operating system's randomness.
    pub fn generate() -> DeviceKeys {
        DeviceKeys {
            signing: SigningKey::from_bytes(&rand::random::<[u8; 32]>()),
            age: age::x25519::Identity::generate(),
        }
    }

    /// The secret halves as stored: the signing key's 32 bytes and the age identity's text.
    pub fn to_parts(&self) -> ([u8; 32], String) {
        (self.signing.to_bytes(), self.age.to_string().expose_secret().to_string())
    }

    pub fn from_parts(signing: [u8; 32], age_text: &str) -> Result<DeviceKeys, String> {
        let age = age_text.parse::<age::x25519::Identity>().map_err(|e| format!("the stored age identity: {e}"))?;
        Ok(DeviceKeys { signing: SigningKey::from_bytes(&signing), age })
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.signing.verifying_key().to_bytes()
    }

    pub fn card(&self, name: &str, role: Role) -> Card {
        Card {
            name: name.to_string(),
            role,
            signing_key: self.public_key(),
            age_recipient: self.age.to_public().to_string(),
        }
    }
}

impl std::fmt::Debug for DeviceKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the secrets, not even in a debug print.
        write!(f, "DeviceKeys({})", fingerprint(&self.public_key()))
    }
}

/// The short name of a signing key people read aloud to check a card: the first 8 bytes of its
/// BLAKE3 in hex, in groups of four (`7F3A-91C2-5D0E-B4A8`).
pub fn fingerprint(signing_key: &[u8; 32]) -> String {
    let hash = blake3::hash(signing_key);
    let hex: String = hash.as_bytes()[..8].iter().map(|b| format!("{b:02X}")).collect();
    hex.as_bytes().chunks(4).map(|c| std::str::from_utf8(c).unwrap_or_default()).collect::<Vec<_>>().join("-")
}

/// A fingerprint as typed (any case, dashes and spaces optional), as the hex it stands for;
/// None when it has anything but hex digits.
pub fn normalize_fingerprint(typed: &str) -> Option<String> {
    let hex: String = typed.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect();
    (!hex.is_empty() && hex.chars().all(|c| c.is_ascii_hexdigit())).then(|| hex.to_ascii_uppercase())
}

/// Whether `typed` names `signing_key`: its fingerprint or the start of it (at least 4 digits).
pub fn fingerprint_matches(typed: &str, signing_key: &[u8; 32]) -> bool {
    let Some(typed) = normalize_fingerprint(typed) else { return false };
    typed.len() >= 4 && fingerprint(signing_key).replace('-', "").starts_with(&typed)
}

pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Inspector => "inspector",
        Role::Office => "office",
    }
}

/// The card file: JSON a person can read, signed by the key it names so its name and
/// recipient cannot be changed on the stick without the signature failing.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardFile {
    tiyan_card: u32,
    name: String,
    role: String,
    signing_key: String,
    age_recipient: String,
    fingerprint: String,
    signature: String,
}

const CARD_FORMAT: u32 = 1;
/// A card file is a few hundred bytes; anything much larger is not one.
pub const MAX_CARD_FILE: u64 = 64 * 1024;

/// What is signed in a card file: the card, postcard-encoded.
fn card_message(card: &Card) -> Vec<u8> {
    let mut message = b"tiyan card 1\n".to_vec();
    message.extend(postcard::to_allocvec(card).unwrap_or_default());
    message
}

/// The card file's text for `keys`' own card.
pub fn card_file_text(keys: &DeviceKeys, card: &Card) -> String {
    let signature = keys.signing.sign(&card_message(card));
    let file = CardFile {
        tiyan_card: CARD_FORMAT,
        name: card.name.clone(),
        role: role_name(card.role).to_string(),
        signing_key: hex(&card.signing_key),
        age_recipient: card.age_recipient.clone(),
        fingerprint: fingerprint(&card.signing_key),
        signature: hex(&signature.to_bytes()),
    };
    let mut text = serde_json::to_string_pretty(&file).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads a card file's text: every field present and well formed, the fingerprint the key's
/// own, the signature good. The error names the field, or the line and column.
pub fn parse_card_file(text: &str) -> Result<Card, String> {
    let file: CardFile =
        serde_json::from_str(text).map_err(|e| format!("line {}, column {}: {e}", e.line(), e.column()))?;
    if file.tiyan_card != CARD_FORMAT {
        return Err(format!(
            "field `tiyan_card`: format {} is not one this tiyan reads ({CARD_FORMAT})",
            file.tiyan_card
        ));
    }
    let role = match file.role.as_str() {
        "inspector" => Role::Inspector,
        "office" => Role::Office,
        other => return Err(format!("field `role`: {other:?} is neither \"inspector\" nor \"office\"")),
    };
    let signing_key: [u8; 32] =
        unhex(&file.signing_key).and_then(|b| b.try_into().ok()).ok_or("field `signing_key`: not 64 hex digits")?;
    VerifyingKey::from_bytes(&signing_key).map_err(|_| "field `signing_key`: not an ed25519 public key")?;
    if file.age_recipient.parse::<age::x25519::Recipient>().is_err() {
        return Err("field `age_recipient`: not an age recipient (age1…)".into());
    }
    if file.name.trim().is_empty() || file.name.chars().any(char::is_control) {
        return Err("field `name`: empty or holds control characters".into());
    }
    if normalize_fingerprint(&file.fingerprint) != normalize_fingerprint(&fingerprint(&signing_key)) {
        return Err("field `fingerprint`: not the fingerprint of `signing_key`".into());
    }
    let card = Card { name: file.name, role, signing_key, age_recipient: file.age_recipient };
    let signature: [u8; 64] =
        unhex(&file.signature).and_then(|b| b.try_into().ok()).ok_or("field `signature`: not 128 hex digits")?;
    VerifyingKey::from_bytes(&signing_key)
        .and_then(|k| k.verify_strict(&card_message(&card), &Signature::from_bytes(&signature)))
        .map_err(|_| "field `signature`: does not verify (the card was changed after it was written)")?;
    Ok(card)
}

/// The card file's name for a card: `tiyan-office-<fingerprint>.card` (or `-inspector-`).
pub fn card_file_name(card: &Card) -> String {
    format!("tiyan-{}-{}.card", role_name(card.role), fingerprint(&card.signing_key))
}

pub use crate::domain::ids::{hex, unhex};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_file_reads_back_and_a_changed_name_is_caught() {
        let keys = DeviceKeys::generate();
        let card = keys.card("巫溪县政务服务中心", Role::Office);
        let text = card_file_text(&keys, &card);
        assert_eq!(parse_card_file(&text).unwrap(), card);
        let forged = text.replace("巫溪县政务服务中心", "另一个中心");
        assert!(parse_card_file(&forged).unwrap_err().contains("signature"));
        let err = parse_card_file("{\n \"tiyan_card\": 1,\n \"name\": 3\n}").unwrap_err();
        assert!(err.starts_with("line 3, column"), "{err}");
    }

    #[test]
    fn fingerprints_are_grouped_and_match_when_typed_loosely() {
        let key = [9u8; 32];
        let fp = fingerprint(&key);
        assert_eq!(fp.len(), 19);
        assert_eq!(fp.matches('-').count(), 3);
        assert!(fingerprint_matches(&fp.to_lowercase(), &key));
        assert!(fingerprint_matches(&fp.replace('-', " ")[..6], &key));
        assert!(!fingerprint_matches(&fp[..3], &key));
        assert!(!fingerprint_matches("zzzz", &key));
    }

    #[test]
    fn keys_survive_their_stored_parts() {
        let keys = DeviceKeys::generate();
        let (signing, age_text) = keys.to_parts();
        let back = DeviceKeys::from_parts(signing, &age_text).unwrap();
        assert_eq!(back.public_key(), keys.public_key());
        assert_eq!(back.age.to_public().to_string(), keys.age.to_public().to_string());
        assert!(!format!("{keys:?}").contains(&age_text));
    }
}
