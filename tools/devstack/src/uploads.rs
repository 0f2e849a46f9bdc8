//! Browser uploads to the local bucket (`POST /_dev/s3/<bucket>`): the dev gateway checks the
//! presigned POST the way S3 does (signature, expiry, every exact condition of the policy and
//! its `content-length-range`) and answers refusals with S3's own status, code and message, then
//! passes the upload on to moto. moto accepts POST uploads but checks no policy, and a browser
//! test must see S3's refusals; on AWS, S3 itself does all of this.

use bytes::Bytes;
use http::StatusCode;
use portal::domain::upload::{sign_policy, PolicyTerms};
use std::collections::BTreeMap;

/// Where checked uploads go, and the secret the local credentials sign with.
#[derive(Debug, Clone)]
pub struct LocalS3 {
    pub endpoint: String,
    pub secret_access_key: String,
    client: reqwest::Client,
}

impl LocalS3 {
    /// moto at `endpoint`, signed with the local credentials (`local::sdk_config`).
    pub fn new(endpoint: &str) -> LocalS3 {
        LocalS3 {
            endpoint: endpoint.trim_end_matches('/').to_string(),
            secret_access_key: crate::local::SECRET_ACCESS_KEY.to_string(),
            client: reqwest::Client::new(),
        }
    }

    /// Passes a checked upload (the same multipart body) on to moto.
    pub async fn forward(
        &self,
        bucket: &str,
        content_type: &str,
        body: Bytes,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.client
            .post(format!("{}/{bucket}", self.endpoint))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
    }
}

/// A multipart/form-data body of `fields` (in this order) and then `file` as the part `file`,
/// as a browser sends a presigned POST; with its content type.
pub fn form_body(fields: &[(String, String)], file: &[u8]) -> (String, Bytes) {
    let boundary = "----portal-upload-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"upload\"\r\n\r\n")
            .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (
        format!("multipart/form-data; boundary={boundary}"),
        Bytes::from(body),
    )
}

/// S3's answer to a refused POST: status, code, message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    fn denied(message: impl Into<String>) -> Refusal {
        Refusal {
            status: StatusCode::FORBIDDEN,
            code: "AccessDenied",
            message: message.into(),
        }
    }

    /// S3's XML error document.
    pub fn xml(&self) -> String {
        let escape = |s: &str| {
            s.replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        };
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{}</Code><Message>{}</Message></Error>",
            self.code,
            escape(&self.message)
        )
    }
}

/// A parsed multipart/form-data body: the text fields (names as sent) and the file.
#[derive(Debug, Default)]
pub struct Form {
    pub fields: BTreeMap<String, String>,
    pub file: Option<Bytes>,
    /// The `file` part's `filename` and `Content-Type`, as the browser sent them.
    pub file_name: Option<String>,
    pub file_content_type: Option<String>,
}

/// Splits a multipart/form-data body (RFC 7578). Only what S3 POST uploads use: fields and one
/// `file` part, which S3 requires to be the last.
pub fn parse_form(content_type: &str, body: &Bytes) -> Option<Form> {
    let boundary = content_type
        .split(';')
        .map(str::trim)
        .find_map(|p| p.strip_prefix("boundary="))?
        .trim_matches('"');
    let delimiter = format!("--{boundary}");
    let mut form = Form::default();
    let mut rest = &body[..];
    let start = find(rest, delimiter.as_bytes())?;
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Some(form);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, format!("\r\n{delimiter}").as_bytes())?;
        let part = &rest[..end];
        rest = &rest[end + 2 + delimiter.len()..];
        let split = find(part, b"\r\n\r\n")?;
        let headers = std::str::from_utf8(&part[..split]).ok()?;
        let content = &part[split + 4..];
        let name = headers
            .lines()
            .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))?
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("name="))?
            .trim_matches('"')
            .to_string();
        if name == "file" {
            form.file = Some(body.slice_ref(content));
            form.file_name = headers
                .lines()
                .find(|l| l.to_ascii_lowercase().starts_with("content-disposition:"))
                .and_then(|l| {
                    l.split(';')
                        .map(str::trim)
                        .find_map(|p| p.strip_prefix("filename="))
                })
                .map(|n| n.trim_matches('"').to_string());
            form.file_content_type = headers
                .lines()
                .find_map(|l| {
                    l.split_once(':')
                        .filter(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                })
                .map(|(_, value)| value.trim().to_string());
        } else {
            form.fields
                .insert(name, String::from_utf8(content.to_vec()).ok()?);
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// S3's checks of a POST upload to `bucket` at `now`, in S3's order of answers.
pub fn check(bucket: &str, form: &Form, secret_access_key: &str, now: u64) -> Result<(), Refusal> {
    // S3 matches field names case-insensitively.
    let field = |name: &str| {
        form.fields
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let policy = field("policy")
        .ok_or_else(|| Refusal::denied("Bucket POST must contain a field named 'policy'."))?;
    let credential = field("x-amz-credential").unwrap_or_default();
    let parts: Vec<&str> = credential.split('/').collect();
    let expected = match parts.as_slice() {
        [_, day, region, "s3", "aws4_request"] => {
            sign_policy(secret_access_key, day, region, policy)
        }
        _ => {
            return Err(Refusal::denied(
                "Invalid according to Policy: x-amz-credential is malformed",
            ))
        }
    };
    if field("x-amz-signature") != Some(expected.as_str()) {
        return Err(Refusal {
            status: StatusCode::FORBIDDEN,
            code: "SignatureDoesNotMatch",
            message:
                "The request signature we calculated does not match the signature you provided."
                    .into(),
        });
    }
    let terms = PolicyTerms::parse(policy)
        .ok_or_else(|| Refusal::denied("Invalid Policy: Invalid JSON."))?;
    if terms.expired(now) {
        return Err(Refusal::denied(
            "Invalid according to Policy: Policy expired.",
        ));
    }
    for (name, value) in &terms.exact {
        let given = if name == "bucket" {
            Some(bucket)
        } else {
            field(name)
        };
        if given != Some(value.as_str()) {
            return Err(Refusal::denied(format!(
                "Invalid according to Policy: Policy Condition failed: [\"eq\", \"${name}\", \"{value}\"]"
            )));
        }
    }
    let size = form.file.as_ref().map_or(0, |f| f.len() as u64);
    if size > terms.max_bytes {
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "EntityTooLarge",
            message: "Your proposed upload exceeds the maximum allowed size".into(),
        });
    }
    if size < terms.min_bytes {
        return Err(Refusal {
            status: StatusCode::BAD_REQUEST,
            code: "EntityTooSmall",
            message: "Your proposed upload is smaller than the minimum allowed size".into(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use portal::domain::upload::{presigned_post, FileType, SigningCredentials};

    const NOW: u64 = 1_795_416_000;

    fn form(fields: &BTreeMap<String, String>, file: &[u8]) -> (String, Bytes) {
        let fields: Vec<(String, String)> =
            fields.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        form_body(&fields, file)
    }

    fn post() -> BTreeMap<String, String> {
        presigned_post(
            "http://x/_dev/s3/b",
            "b",
            "uploads/c/k",
            FileType::Pdf,
            16,
            &SigningCredentials {
                access_key_id: "local",
                secret_access_key: "local",
                session_token: None,
                region: "eu-central-1",
            },
            NOW,
        )
        .fields
    }

    fn verdict(fields: &BTreeMap<String, String>, file: &[u8], now: u64) -> Result<(), Refusal> {
        let (content_type, body) = form(fields, file);
        let form = parse_form(&content_type, &body).expect("form parses");
        assert_eq!(form.file.as_deref(), Some(file));
        check("b", &form, "local", now)
    }

    /// What the dev mailbox's reply form reads of its file: the name and type the browser gave.
    #[test]
    fn the_file_parts_name_and_type_are_read() {
        let body = Bytes::from_static(b"--b\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nHallo\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"Rechnung korrigiert.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--b--\r\n");
        let form = parse_form("multipart/form-data; boundary=b", &body).unwrap();
        assert_eq!(form.fields["text"], "Hallo");
        assert_eq!(form.file.as_deref(), Some(&b"%PDF-1.4"[..]));
        assert_eq!(form.file_name.as_deref(), Some("Rechnung korrigiert.pdf"));
        assert_eq!(form.file_content_type.as_deref(), Some("application/pdf"));
    }

    #[test]
    fn a_presigned_post_within_its_policy_passes() {
        assert_eq!(verdict(&post(), b"%PDF-1.4\n\r\n--", NOW), Ok(()));
    }

    #[test]
    fn s3s_refusals_are_reproduced() {
        let code = |r: Result<(), Refusal>| r.unwrap_err().code;
        assert_eq!(code(verdict(&post(), &[b'%'; 17], NOW)), "EntityTooLarge");
        assert_eq!(code(verdict(&post(), b"", NOW)), "EntityTooSmall");
        assert_eq!(code(verdict(&post(), b"%PDF", NOW + 601)), "AccessDenied");
        let mut other_type = post();
        other_type.insert("Content-Type".into(), "text/html".into());
        let refusal = verdict(&other_type, b"<html>", NOW).unwrap_err();
        assert_eq!(refusal.status, StatusCode::FORBIDDEN);
        assert!(
            refusal.message.contains("$content-type"),
            "{}",
            refusal.message
        );
        let mut other_key = post();
        other_key.insert("key".into(), "documents/c/invoice.pdf".into());
        assert_eq!(code(verdict(&other_key, b"%PDF", NOW)), "AccessDenied");
        let mut forged = post();
        forged.insert("x-amz-signature".into(), "0".repeat(64));
        assert_eq!(
            code(verdict(&forged, b"%PDF", NOW)),
            "SignatureDoesNotMatch"
        );
        assert!(refusal.xml().contains("<Code>AccessDenied</Code>"));
    }
}
