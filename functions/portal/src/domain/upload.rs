//! Customer uploads (proofs of payment, support attachments): what may be uploaded, and the S3
//! presigned POST that lets the browser send the file straight to the bucket. The POST policy
//! fixes the key, the content type and the size range, so S3 itself refuses anything else; the
//! portal then checks the stored object once more (size, type and the file's first bytes) before
//! it records the upload.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use std::collections::BTreeMap;

/// The largest upload: 10 MiB.
pub const MAX_BYTES: u64 = 10 * 1024 * 1024;
/// How long a presigned POST may be used.
pub const POST_SECONDS: u64 = 600;

/// The file types a customer may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileType {
    Pdf,
    Png,
    Jpeg,
}

impl FileType {
    pub const ALL: [FileType; 3] = [FileType::Pdf, FileType::Png, FileType::Jpeg];

    pub fn content_type(self) -> &'static str {
        match self {
            FileType::Pdf => "application/pdf",
            FileType::Png => "image/png",
            FileType::Jpeg => "image/jpeg",
        }
    }

    pub fn from_content_type(raw: &str) -> Option<FileType> {
        FileType::ALL
            .into_iter()
            .find(|t| t.content_type() == raw.trim().to_ascii_lowercase())
    }

    /// The file name extension the portal gives a file of this type.
    pub fn extension(self) -> &'static str {
        match self {
            FileType::Pdf => "pdf",
            FileType::Png => "png",
            FileType::Jpeg => "jpg",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FileType::Pdf => "PDF",
            FileType::Png => "PNG",
            FileType::Jpeg => "JPEG",
        }
    }

    /// Whether `head` (the file's first bytes) starts like a file of this type: a renamed
    /// `.exe` declared as `application/pdf` passes S3's policy but not this check.
    pub fn matches(self, head: &[u8]) -> bool {
        match self {
            FileType::Pdf => head.starts_with(b"%PDF-"),
            FileType::Png => head.starts_with(b"\x89PNG\r\n\x1a\n"),
            FileType::Jpeg => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        }
    }
}

impl serde::Serialize for FileType {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.content_type())
    }
}

/// Why an announced upload is refused before any presigned POST is issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    WrongType,
    TooLarge,
    Empty,
}

/// Checks what the browser announces (type and size of the chosen file).
pub fn admit(content_type: &str, size: u64) -> Result<FileType, Refusal> {
    let kind = FileType::from_content_type(content_type).ok_or(Refusal::WrongType)?;
    match size {
        0 => Err(Refusal::Empty),
        n if n > MAX_BYTES => Err(Refusal::TooLarge),
        _ => Ok(kind),
    }
}

/// A new upload id: 16 random bytes, hex.
pub fn new_upload_id() -> String {
    crate::domain::secret::Secret::generate().hash()[..32].to_string()
}

/// Whether `raw` has the shape `new_upload_id` produces (checked before any AWS call).
pub fn valid_upload_id(raw: &str) -> bool {
    raw.len() == 32
        && raw
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

/// The credentials that sign a POST (the function role's temporary ones on Lambda).
pub struct SigningCredentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
    pub region: &'a str,
}

/// What the browser needs for the upload: a multipart/form-data POST of `fields` (in this
/// order) followed by the file as the field `file`, to `url`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PresignedPost {
    pub url: String,
    pub fields: BTreeMap<String, String>,
    pub expires_at: u64,
}

/// `YYYYMMDDTHHMMSSZ` and `YYYY-MM-DDTHH:MM:SSZ` of a Unix timestamp (UTC).
fn timestamps(unix_seconds: u64) -> (String, String, String) {
    let date = crate::domain::documents::date_of(unix_seconds);
    let secs = unix_seconds % 86_400;
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    (
        date.compact(),
        format!("{}T{h:02}{m:02}{s:02}Z", date.compact()),
        format!("{date}T{h:02}:{m:02}:{s:02}Z"),
    )
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// The SigV4 signature of a base64 POST policy: HMAC-SHA256 under the signing key of `day`
/// (`YYYYMMDD`), `region` and `s3`, hex.
pub fn sign_policy(
    secret_access_key: &str,
    day: &str,
    region: &str,
    policy_base64: &str,
) -> String {
    let signing_key = [region, "s3", "aws4_request"].iter().fold(
        hmac(
            format!("AWS4{secret_access_key}").as_bytes(),
            day.as_bytes(),
        ),
        |key, part| hmac(&key, part.as_bytes()),
    );
    crate::domain::secret::hex(&hmac(&signing_key, policy_base64.as_bytes()))
}

/// A SigV4 presigned POST for `bucket`/`key` (Signature Version 4 POST policy, as S3 documents
/// it: the policy is base64-encoded and signed with the day's signing key). The policy admits
/// exactly this key, exactly `file_type`'s content type and 1 byte to `max_bytes`.
pub fn presigned_post(
    url: &str,
    bucket: &str,
    key: &str,
    file_type: FileType,
    max_bytes: u64,
    credentials: &SigningCredentials<'_>,
    now: u64,
) -> PresignedPost {
    let (day, amz_date, _) = timestamps(now);
    let (_, _, expiration) = timestamps(now + POST_SECONDS);
    let credential = format!(
        "{}/{day}/{}/s3/aws4_request",
        credentials.access_key_id, credentials.region
    );
    let mut fields = BTreeMap::new();
    fields.insert("key".to_string(), key.to_string());
    fields.insert(
        "Content-Type".to_string(),
        file_type.content_type().to_string(),
    );
    fields.insert(
        "x-amz-algorithm".to_string(),
        "AWS4-HMAC-SHA256".to_string(),
    );
    fields.insert("x-amz-credential".to_string(), credential);
    fields.insert("x-amz-date".to_string(), amz_date);
    if let Some(token) = credentials.session_token {
        fields.insert("x-amz-security-token".to_string(), token.to_string());
    }
    let mut conditions = vec![serde_json::json!({ "bucket": bucket })];
    for (name, value) in &fields {
        conditions.push(serde_json::json!({ name.as_str(): value }));
    }
    conditions.push(serde_json::json!(["content-length-range", 1, max_bytes]));
    let policy = serde_json::json!({ "expiration": expiration, "conditions": conditions });
    let policy = STANDARD.encode(policy.to_string());
    let signature = sign_policy(
        credentials.secret_access_key,
        &day,
        credentials.region,
        &policy,
    );
    fields.insert("policy".to_string(), policy);
    fields.insert("x-amz-signature".to_string(), signature);
    PresignedPost {
        url: url.to_string(),
        fields,
        expires_at: now + POST_SECONDS,
    }
}

/// What a POST policy demands, read back from its base64 JSON (the dev gateway checks local
/// uploads with it, since the local S3 stand-in does not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyTerms {
    pub expiration: String,
    /// Exact-match conditions: field name (lower case) → value.
    pub exact: BTreeMap<String, String>,
    pub min_bytes: u64,
    pub max_bytes: u64,
}

impl PolicyTerms {
    pub fn parse(policy_base64: &str) -> Option<PolicyTerms> {
        let json: serde_json::Value =
            serde_json::from_slice(&STANDARD.decode(policy_base64.trim()).ok()?).ok()?;
        let mut terms = PolicyTerms {
            expiration: json.get("expiration")?.as_str()?.to_string(),
            exact: BTreeMap::new(),
            min_bytes: 0,
            max_bytes: u64::MAX,
        };
        for condition in json.get("conditions")?.as_array()? {
            if let Some(map) = condition.as_object() {
                for (name, value) in map {
                    terms
                        .exact
                        .insert(name.to_ascii_lowercase(), value.as_str()?.to_string());
                }
            } else {
                let list = condition.as_array()?;
                if list.first()?.as_str()? == "content-length-range" {
                    terms.min_bytes = list.get(1)?.as_u64()?;
                    terms.max_bytes = list.get(2)?.as_u64()?;
                } else {
                    return None;
                }
            }
        }
        Some(terms)
    }

    /// The expiration as `YYYY-MM-DDTHH:MM:SSZ` compared with `now` (same format, so the
    /// strings sort like the times).
    pub fn expired(&self, now: u64) -> bool {
        self.expiration.as_str() < timestamps(now).2.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CREDS: SigningCredentials<'static> = SigningCredentials {
        access_key_id: "AKIAIOSFODNN7EXAMPLE",
        secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        session_token: Some("token"),
        region: "eu-central-1",
    };

    #[test]
    fn announced_files_are_admitted_by_type_and_size() {
        assert_eq!(admit("application/pdf", 1), Ok(FileType::Pdf));
        assert_eq!(admit("IMAGE/PNG", MAX_BYTES), Ok(FileType::Png));
        assert_eq!(admit("image/jpeg", 10), Ok(FileType::Jpeg));
        assert_eq!(admit("image/gif", 10), Err(Refusal::WrongType));
        assert_eq!(
            admit("application/x-msdownload", 10),
            Err(Refusal::WrongType)
        );
        assert_eq!(
            admit("application/pdf", MAX_BYTES + 1),
            Err(Refusal::TooLarge)
        );
        assert_eq!(admit("application/pdf", 0), Err(Refusal::Empty));
    }

    #[test]
    fn file_heads_must_match_the_declared_type() {
        assert!(FileType::Pdf.matches(b"%PDF-1.7\n"));
        assert!(!FileType::Pdf.matches(b"MZ\x90\x00"));
        assert!(FileType::Png.matches(b"\x89PNG\r\n\x1a\n...."));
        assert!(!FileType::Png.matches(b"%PDF-1.7"));
        assert!(FileType::Jpeg.matches(&[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!FileType::Jpeg.matches(b""));
    }

    #[test]
    fn upload_ids_are_random_hex_of_one_shape() {
        let a = new_upload_id();
        assert!(valid_upload_id(&a));
        assert_ne!(a, new_upload_id());
        assert!(!valid_upload_id("../../documents/x"));
        assert!(!valid_upload_id(&a.to_uppercase()));
    }

    #[test]
    fn the_policy_fixes_key_type_size_and_expiry_and_is_signed() {
        // 2026-11-23T06:40:00Z
        let post = presigned_post(
            "https://b.s3.eu-central-1.amazonaws.com",
            "b",
            "uploads/c/k",
            FileType::Pdf,
            MAX_BYTES,
            &CREDS,
            1_795_416_000,
        );
        assert_eq!(post.fields["x-amz-date"], "20261123T064000Z");
        assert_eq!(
            post.fields["x-amz-credential"],
            "AKIAIOSFODNN7EXAMPLE/20261123/eu-central-1/s3/aws4_request"
        );
        assert_eq!(post.fields["x-amz-security-token"], "token");
        let terms = PolicyTerms::parse(&post.fields["policy"]).expect("policy parses");
        assert_eq!(terms.expiration, "2026-11-23T06:50:00Z");
        assert_eq!(terms.exact["bucket"], "b");
        assert_eq!(terms.exact["key"], "uploads/c/k");
        assert_eq!(terms.exact["content-type"], "application/pdf");
        assert_eq!(terms.exact["x-amz-security-token"], "token");
        assert_eq!((terms.min_bytes, terms.max_bytes), (1, MAX_BYTES));
        assert!(!terms.expired(1_795_416_000 + POST_SECONDS));
        assert!(terms.expired(1_795_416_000 + POST_SECONDS + 1));
        assert_eq!(post.fields["x-amz-signature"].len(), 64);
        // The signature is the one S3 computes: HMAC of the base64 policy under the day key
        // (cross-checked with botocore's own presigned POST in tests/api/uploads.rs).
        let again = presigned_post(
            "u",
            "b",
            "uploads/c/k",
            FileType::Pdf,
            MAX_BYTES,
            &CREDS,
            1_795_416_000,
        );
        assert_eq!(
            again.fields["x-amz-signature"],
            post.fields["x-amz-signature"]
        );
    }
}
