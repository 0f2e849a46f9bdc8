//! Reply addresses: the `Reply-To` of a mail to support names the item it is about, signed, so a
//! reply can only ever attach to the item whose mail it answers.
//!
//! Format: `<local>+<kind>.<company>.<item>.<mac>@<domain>`, e.g.
//! `support+r.10001.001795416000-3f9a0c21.yjb2sm4e6tujw7os@reply.example.net`.
//!
//! - `<local>@<domain>` is the operator's reply mailbox ([`ReplyMailbox`]); the `+` detail is
//!   what SES receives on the reply domain.
//! - `<kind>` is one letter ([`ReferenceKind`]): `r` support request, `c` contract change
//!   request, `p` proof of payment, `b` change of a locked billing field.
//! - `<company>` and `<item>` are the ids as the portal stores them. Mail systems may change the
//!   case of a local part, and company ids and document numbers are case-sensitive, so every
//!   upper-case letter is written as `=` and the letter in lower case (`K-7` → `=k-7`); lower-case
//!   letters, digits, `-` and `_` stay. The address reads lower-case throughout and decodes
//!   exactly, whatever case a mail system gives it back in. (Base32 of the ids would also be
//!   case-safe but 60 % longer: a support request's id alone would take 34 of the 64 characters.)
//! - `<mac>` is HMAC-SHA256 under the reply key over kind, company and item, truncated to
//!   80 bits, in lower-case base32 (16 characters).
//!
//! The local part is at most 64 characters (RFC 5321, section 4.5.3.1.1): with `support` as
//! `<local>`, a support request's address leaves 15 characters for the company id. An address
//! that would be longer is not built ([`AddressError::TooLong`]); the mail then goes out with the
//! plain support address and support answers with `portal-admin`.

use crate::domain::email::{EmailAddress, EmailError};
use crate::domain::ids::{CompanyId, MalformedId};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::fmt;

/// RFC 5321's limit for the part before `@`.
pub const MAX_LOCAL_PART: usize = 64;
/// 80 bits: a forger has to guess one of 2^80 tags per item, and every guess is a mail.
const MAC_BYTES: usize = 10;
const MAC_CHARS: usize = 16;
/// RFC 4648 base32, lower case.
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
/// Marks an upper-case letter in an encoded id.
const UPPER: char = '=';
/// Binds the tags to this use of the key.
const MAC_CONTEXT: &[u8] = b"kundenportal reply address v1";

/// What a reply answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReferenceKind {
    /// A support request (`support#<id>`).
    SupportRequest,
    /// A contract change request (`contract-request#<id>`).
    ContractChange,
    /// A proof of payment (the invoice's document id).
    PaymentProof,
    /// A change request for a locked billing field (`change#<id>`).
    LockedFieldChange,
}

impl ReferenceKind {
    pub const ALL: [ReferenceKind; 4] = [
        ReferenceKind::SupportRequest,
        ReferenceKind::ContractChange,
        ReferenceKind::PaymentProof,
        ReferenceKind::LockedFieldChange,
    ];

    /// The letter in the address.
    pub fn letter(self) -> char {
        match self {
            ReferenceKind::SupportRequest => 'r',
            ReferenceKind::ContractChange => 'c',
            ReferenceKind::PaymentProof => 'p',
            ReferenceKind::LockedFieldChange => 'b',
        }
    }

    pub fn from_letter(letter: char) -> Option<ReferenceKind> {
        ReferenceKind::ALL
            .into_iter()
            .find(|kind| kind.letter() == letter)
    }

    /// For logs.
    pub fn code(self) -> &'static str {
        match self {
            ReferenceKind::SupportRequest => "support_request",
            ReferenceKind::ContractChange => "contract_change",
            ReferenceKind::PaymentProof => "payment_proof",
            ReferenceKind::LockedFieldChange => "locked_field_change",
        }
    }
}

/// One item of one company that a reply answers. The item id is checked for charset and length
/// only: the store that reads the item checks its shape, as for ids from a URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    kind: ReferenceKind,
    company: CompanyId,
    item: String,
}

impl Reference {
    pub fn new(
        kind: ReferenceKind,
        company: CompanyId,
        item: &str,
    ) -> Result<Reference, MalformedId> {
        let ok = (1..=80).contains(&item.len())
            && item
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_');
        if ok {
            Ok(Reference {
                kind,
                company,
                item: item.to_string(),
            })
        } else {
            Err(MalformedId)
        }
    }

    pub fn kind(&self) -> ReferenceKind {
        self.kind
    }

    pub fn company(&self) -> &CompanyId {
        &self.company
    }

    pub fn item(&self) -> &str {
        &self.item
    }

    fn tag(&self, key: &ReplyKey) -> [u8; MAC_BYTES] {
        let full = self.mac(key).finalize().into_bytes();
        let mut tag = [0u8; MAC_BYTES];
        tag.copy_from_slice(&full[..MAC_BYTES]);
        tag
    }

    fn mac(&self, key: &ReplyKey) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC-SHA256 takes keys of any length");
        // NUL never occurs in a company or item id, so the fields cannot run into each other.
        for field in [
            MAC_CONTEXT,
            self.kind.letter().to_string().as_bytes(),
            self.company.as_str().as_bytes(),
            self.item.as_bytes(),
        ] {
            mac.update(field);
            mac.update(b"\0");
        }
        mac
    }
}

/// The operator's reply mailbox: `support@reply.example.net` gives addresses
/// `support+…@reply.example.net`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyMailbox {
    local: String,
    domain: String,
}

impl ReplyMailbox {
    /// A plain address; its local part must not itself carry a `+` detail.
    pub fn parse(address: &str) -> Result<ReplyMailbox, EmailError> {
        let address = EmailAddress::parse(address)?;
        let (local, domain) = address.as_str().split_once('@').ok_or(EmailError::At)?;
        if local.contains('+') {
            return Err(EmailError::Local);
        }
        Ok(ReplyMailbox {
            local: local.to_string(),
            domain: domain.to_string(),
        })
    }

    /// The reply domain (lower case).
    pub fn domain(&self) -> &str {
        &self.domain
    }
}

/// The secret that signs reply addresses: at least 32 bytes, from the secret store.
#[derive(Clone, PartialEq, Eq)]
pub struct ReplyKey(Vec<u8>);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a reply key needs at least {} bytes", ReplyKey::MIN_BYTES)]
pub struct KeyTooShort;

impl ReplyKey {
    pub const MIN_BYTES: usize = 32;

    pub fn new(bytes: &[u8]) -> Result<ReplyKey, KeyTooShort> {
        if bytes.len() < ReplyKey::MIN_BYTES {
            return Err(KeyTooShort);
        }
        Ok(ReplyKey(bytes.to_vec()))
    }
}

impl fmt::Debug for ReplyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReplyKey(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    #[error("the reply address would have a local part of {length} characters (at most 64)")]
    TooLong { length: usize },
}

/// Why a recipient address does not name an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressRefusal {
    /// Another mailbox, another domain, or not of the format above.
    #[error("not a reply address")]
    NotAReplyAddress,
    /// The format fits but the tag does not: changed by hand or guessed.
    #[error("forged reference")]
    ForgedReference,
}

/// A reply address as built for one reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyAddress(String);

impl ReplyAddress {
    pub fn build(
        reference: &Reference,
        mailbox: &ReplyMailbox,
        key: &ReplyKey,
    ) -> Result<ReplyAddress, AddressError> {
        let local = format!(
            "{}+{}.{}.{}.{}",
            mailbox.local,
            reference.kind.letter(),
            encode_id(reference.company.as_str()),
            encode_id(&reference.item),
            encode_tag(&reference.tag(key)),
        );
        let length = local.chars().count();
        if length > MAX_LOCAL_PART {
            return Err(AddressError::TooLong { length });
        }
        Ok(ReplyAddress(format!("{local}@{}", mailbox.domain)))
    }

    /// The reference `address` names, if it is one of `mailbox`'s reply addresses with a tag
    /// made under `key`. Case does not matter; the tag is compared in constant time.
    pub fn verify(
        address: &str,
        mailbox: &ReplyMailbox,
        key: &ReplyKey,
    ) -> Result<Reference, AddressRefusal> {
        let not_ours = AddressRefusal::NotAReplyAddress;
        let address = address.trim().trim_start_matches('<').trim_end_matches('>');
        if !address.is_ascii() || address.len() > 254 {
            return Err(not_ours);
        }
        let address = address.to_ascii_lowercase();
        let (local, domain) = address.rsplit_once('@').ok_or(not_ours)?;
        let (base, detail) = local.split_once('+').ok_or(not_ours)?;
        if domain != mailbox.domain || base != mailbox.local {
            return Err(not_ours);
        }
        let mut fields = detail.split('.');
        let (Some(kind), Some(company), Some(item), Some(tag), None) = (
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
            fields.next(),
        ) else {
            return Err(not_ours);
        };
        let mut letters = kind.chars();
        let (Some(letter), None) = (letters.next(), letters.next()) else {
            return Err(not_ours);
        };
        let kind = ReferenceKind::from_letter(letter).ok_or(not_ours)?;
        let company = decode_id(company)
            .and_then(|raw| CompanyId::parse(&raw).ok())
            .ok_or(not_ours)?;
        let item = decode_id(item).ok_or(not_ours)?;
        let reference = Reference::new(kind, company, &item).map_err(|_| not_ours)?;
        let tag = decode_tag(tag).ok_or(AddressRefusal::ForgedReference)?;
        reference
            .mac(key)
            .verify_truncated_left(&tag)
            .map_err(|_| AddressRefusal::ForgedReference)?;
        Ok(reference)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ReplyAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn encode_id(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 4);
    for c in id.chars() {
        if c.is_ascii_uppercase() {
            out.push(UPPER);
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The id `encode_id` wrote, from an address already in lower case; `None` for anything
/// `encode_id` cannot have written (so each id has exactly one spelling).
fn decode_id(encoded: &str) -> Option<String> {
    let mut out = String::with_capacity(encoded.len());
    let mut chars = encoded.chars();
    while let Some(c) = chars.next() {
        match c {
            UPPER => match chars.next() {
                Some(letter) if letter.is_ascii_lowercase() => {
                    out.push(letter.to_ascii_uppercase())
                }
                _ => return None,
            },
            'a'..='z' | '0'..='9' | '-' | '_' => out.push(c),
            _ => return None,
        }
    }
    Some(out)
}

// 80 bits are exactly 16 base32 symbols, so one u128 does the conversion without padding rules:
// not worth a codec crate for one fixed-size value.
fn encode_tag(tag: &[u8; MAC_BYTES]) -> String {
    let mut wide = [0u8; 16];
    wide[16 - MAC_BYTES..].copy_from_slice(tag);
    let value = u128::from_be_bytes(wide);
    (0..MAC_CHARS)
        .map(|i| {
            let shift = 5 * (MAC_CHARS - 1 - i);
            char::from(BASE32[((value >> shift) & 31) as usize])
        })
        .collect()
}

fn decode_tag(encoded: &str) -> Option<[u8; MAC_BYTES]> {
    if encoded.len() != MAC_CHARS {
        return None;
    }
    let mut value: u128 = 0;
    for byte in encoded.bytes() {
        let symbol = BASE32.iter().position(|&s| s == byte)?;
        value = (value << 5) | symbol as u128;
    }
    let wide = value.to_be_bytes();
    let mut tag = [0u8; MAC_BYTES];
    tag.copy_from_slice(&wide[16 - MAC_BYTES..]);
    Some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> ReplyKey {
        ReplyKey::new(b"0123456789abcdef0123456789abcdef").unwrap()
    }

    fn mailbox() -> ReplyMailbox {
        ReplyMailbox::parse("support@reply.example.net").unwrap()
    }

    fn support_request() -> Reference {
        Reference::new(
            ReferenceKind::SupportRequest,
            CompanyId::parse("10001").unwrap(),
            "001795416000-3f9a0c21",
        )
        .unwrap()
    }

    #[test]
    fn an_address_names_its_reference_and_verifies() {
        let address = ReplyAddress::build(&support_request(), &mailbox(), &key()).unwrap();
        let (local, domain) = address.as_str().split_once('@').unwrap();
        assert_eq!(domain, "reply.example.net");
        assert!(local.starts_with("support+r.10001.001795416000-3f9a0c21."));
        assert!(local.len() <= MAX_LOCAL_PART);
        assert_eq!(
            ReplyAddress::verify(address.as_str(), &mailbox(), &key()),
            Ok(support_request())
        );
    }

    #[test]
    fn every_kind_round_trips_and_case_sensitive_ids_survive_a_change_of_case() {
        let company = CompanyId::parse("K-7_a").unwrap();
        for kind in ReferenceKind::ALL {
            let reference = Reference::new(kind, company.clone(), "R-2026-0042").unwrap();
            let address = ReplyAddress::build(&reference, &mailbox(), &key()).unwrap();
            assert_eq!(address.as_str(), address.as_str().to_ascii_lowercase());
            for variant in [
                address.as_str().to_string(),
                address.as_str().to_ascii_uppercase(),
                format!("<{address}>"),
            ] {
                assert_eq!(
                    ReplyAddress::verify(&variant, &mailbox(), &key()),
                    Ok(reference.clone()),
                    "{variant}"
                );
            }
        }
    }

    #[test]
    fn addresses_whose_local_part_would_pass_64_characters_are_not_built() {
        let long = Reference::new(
            ReferenceKind::SupportRequest,
            CompanyId::parse("ACME-Handelsgesellschaft").unwrap(),
            "001795416000-3f9a0c21",
        )
        .unwrap();
        assert!(matches!(
            ReplyAddress::build(&long, &mailbox(), &key()),
            Err(AddressError::TooLong { length }) if length > 64
        ));
        let fifteen = Reference::new(
            ReferenceKind::SupportRequest,
            CompanyId::parse("123456789012345").unwrap(),
            "001795416000-3f9a0c21",
        )
        .unwrap();
        assert!(ReplyAddress::build(&fifteen, &mailbox(), &key()).is_ok());
    }

    #[test]
    fn a_changed_id_kind_or_tag_is_a_forgery_and_another_key_does_not_verify() {
        let address = ReplyAddress::build(&support_request(), &mailbox(), &key())
            .unwrap()
            .to_string();
        let forged = [
            address.replace("r.10001.", "r.10002."),
            address.replace("r.10001.", "c.10001."),
            address.replace("3f9a0c21", "3f9a0c22"),
        ];
        for forged in forged {
            assert_eq!(
                ReplyAddress::verify(&forged, &mailbox(), &key()),
                Err(AddressRefusal::ForgedReference),
                "{forged}"
            );
        }
        let (head, tag) = address.split_once('@').unwrap().0.rsplit_once('.').unwrap();
        let mut flipped = tag.to_string();
        let last = if flipped.ends_with('a') { "b" } else { "a" };
        flipped.replace_range(15.., last);
        let flipped = format!("{head}.{flipped}@reply.example.net");
        assert_eq!(
            ReplyAddress::verify(&flipped, &mailbox(), &key()),
            Err(AddressRefusal::ForgedReference)
        );
        let other_key = ReplyKey::new(&[7u8; 32]).unwrap();
        assert_eq!(
            ReplyAddress::verify(&address, &mailbox(), &other_key),
            Err(AddressRefusal::ForgedReference)
        );
        assert_eq!(
            ReplyAddress::verify(
                &format!("{head}.short@reply.example.net"),
                &mailbox(),
                &key()
            ),
            Err(AddressRefusal::ForgedReference)
        );
    }

    #[test]
    fn other_mailboxes_and_malformed_details_are_not_reply_addresses() {
        let address = ReplyAddress::build(&support_request(), &mailbox(), &key())
            .unwrap()
            .to_string();
        let tag = address
            .split_once('@')
            .unwrap()
            .0
            .rsplit('.')
            .next()
            .unwrap();
        for other in [
            "support@reply.example.net".to_string(),
            address.replace("@reply.example.net", "@example.net"),
            address.replace("support+", "sales+"),
            format!("support+x.10001.001795416000-3f9a0c21.{tag}@reply.example.net"),
            format!("support+r.10001.{tag}@reply.example.net"),
            format!("support+r.10001.1.2.{tag}@reply.example.net"),
            format!("support+r.1=0001.001795416000-3f9a0c21.{tag}@reply.example.net"),
            format!("support+r.10001.0017954160003f9a0c21=.{tag}@reply.example.net"),
            format!("support+r..001795416000-3f9a0c21.{tag}@reply.example.net"),
            format!("support+r.10001.00179541600%2f.{tag}@reply.example.net"),
            format!("support+r.10001.001795416000-3f9a0c21.{tag}@reply.example.net\u{fe0f}"),
            String::new(),
            "@".to_string(),
            "+@".to_string(),
            "x".repeat(10_000),
        ] {
            assert_eq!(
                ReplyAddress::verify(&other, &mailbox(), &key()),
                Err(AddressRefusal::NotAReplyAddress),
                "{other}"
            );
        }
    }

    #[test]
    fn tags_round_trip_through_base32() {
        for tag in [[0u8; 10], [0xFF; 10], *b"0123456789"] {
            let encoded = encode_tag(&tag);
            assert_eq!(encoded.len(), 16);
            assert_eq!(decode_tag(&encoded), Some(tag));
        }
        assert_eq!(encode_tag(&[0u8; 10]), "aaaaaaaaaaaaaaaa");
        assert_eq!(encode_tag(&[0xFF; 10]), "7777777777777777");
        // RFC 4648's test vector "fooba" → MZXW6YTB, twice.
        assert_eq!(encode_tag(b"foobafooba"), "mzxw6ytbmzxw6ytb");
        assert_eq!(decode_tag("mzxw6ytbmzxw6ytb"), Some(*b"foobafooba"));
        assert_eq!(decode_tag("mzxw6ytbmzxw6yt1"), None);
    }

    #[test]
    fn mailboxes_and_keys_are_checked() {
        assert!(ReplyMailbox::parse("support+x@reply.example.net").is_err());
        assert!(ReplyMailbox::parse("not an address").is_err());
        assert_eq!(
            ReplyMailbox::parse("Support@Reply.Example.NET")
                .unwrap()
                .domain(),
            "reply.example.net"
        );
        assert_eq!(ReplyKey::new(&[1u8; 31]).unwrap_err(), KeyTooShort);
        assert_eq!(format!("{:?}", key()), "ReplyKey(***)");
    }

    #[test]
    fn item_ids_are_checked_for_charset_and_length() {
        let company = CompanyId::parse("10001").unwrap();
        for bad in ["", "a.b", "a/b", "ä", &"1".repeat(81)] {
            assert!(
                Reference::new(ReferenceKind::PaymentProof, company.clone(), bad).is_err(),
                "{bad}"
            );
        }
    }
}
