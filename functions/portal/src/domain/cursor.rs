//! Opaque, tamper-proof pagination cursors: the last key of a page plus the list and filter it
//! belongs to, sealed with an HMAC-SHA256 under the deployment's `CURSOR_SECRET`.

use super::documents::Invalid;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

fn mac(key: &[u8], payload: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(payload.as_bytes());
    mac
}

/// `after` and `filter` in, an opaque string out.
pub fn seal(key: &[u8], after: &str, filter: &str) -> String {
    let payload = format!("{after}\n{filter}");
    let tag = mac(key, &payload).finalize().into_bytes();
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(after),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// The key to continue after, if the cursor is genuine and was made for this very filter (the
/// caller still parses it into its key type).
pub fn open(key: &[u8], raw: &str, filter: &str) -> Result<String, Invalid> {
    let err = Invalid("cursor");
    if raw.len() > 200 {
        return Err(err);
    }
    let (id, tag) = raw.split_once('.').ok_or(err)?;
    let id = String::from_utf8(URL_SAFE_NO_PAD.decode(id).map_err(|_| err)?).map_err(|_| err)?;
    let tag = URL_SAFE_NO_PAD.decode(tag).map_err(|_| err)?;
    mac(key, &format!("{id}\n{filter}"))
        .verify_slice(&tag)
        .map_err(|_| err)?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::documents::DocumentId;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    #[test]
    fn a_sealed_cursor_opens_only_for_its_filter_and_key() {
        let id = DocumentId::parse("20260315-invoice-R-1").unwrap();
        let cursor = seal(KEY, id.as_str(), "kind=invoice");
        assert_eq!(open(KEY, &cursor, "kind=invoice").unwrap(), id.as_str());
        assert!(open(KEY, &cursor, "kind=offer").is_err());
        assert!(open(b"another key of 32 bytes length!!", &cursor, "kind=invoice").is_err());
    }

    #[test]
    fn a_tampered_cursor_is_refused() {
        let id = DocumentId::parse("20260315-invoice-R-1").unwrap();
        let cursor = seal(KEY, id.as_str(), "");
        let (_, tag) = cursor.split_once('.').unwrap();
        let forged = format!("{}.{tag}", URL_SAFE_NO_PAD.encode("20250101-invoice-R-9"));
        assert!(open(KEY, &forged, "").is_err());
        for bad in ["", ".", "abc", "a.b.c", &"x".repeat(300)] {
            assert!(open(KEY, bad, "").is_err(), "{bad}");
        }
    }
}
