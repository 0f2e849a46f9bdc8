//! Customer uploads over presigned POSTs, shared by proofs of payment and support attachments:
//! the browser announces type and size, gets a POST whose policy S3 enforces (exact key, exact
//! type, at most 10 MB), sends the file straight to the bucket, and then names the upload in
//! the request that uses it. Before anything is recorded the stored object is checked again:
//! present, allowed type and size, and its first bytes match its type. A refused object is
//! deleted.

use crate::app::App;
use crate::domain::ids::CompanyId;
use crate::domain::upload::{self, FileType, Refusal, MAX_BYTES};
use crate::error::ApiError;
use crate::http::ApiResponse;
use http::StatusCode;
use serde::Deserialize;

/// What the browser says about the chosen file before uploading it.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Announcement {
    content_type: String,
    #[serde(deserialize_with = "whole_number")]
    size: u64,
}

/// A byte count: JSON has one number type, so `1147.0` is as good as `1147`.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    let number = serde_json::Number::deserialize(deserializer)?;
    number
        .as_u64()
        .or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(f))
                .map(|f| f as u64)
        })
        .ok_or_else(|| serde::de::Error::custom("expected a whole number of bytes"))
}

fn wrong_type(field: &'static str) -> ApiError {
    ApiError::invalid_field(
        field,
        "upload_wrong_type",
        "Bitte laden Sie eine PDF-, PNG- oder JPEG-Datei hoch.",
        "Please upload a PDF, PNG or JPEG file.",
    )
}

fn too_large(field: &'static str) -> ApiError {
    ApiError::invalid_field(
        field,
        "upload_too_large",
        "Die Datei ist größer als 10 MB. Bitte laden Sie eine kleinere Datei hoch, zum Beispiel einen Scan mit geringerer Auflösung.",
        "The file is larger than 10 MB. Please upload a smaller file, for example a scan at a lower resolution.",
    )
}

fn empty(field: &'static str) -> ApiError {
    ApiError::invalid_field(
        field,
        "upload_empty",
        "Die Datei ist leer.",
        "The file is empty.",
    )
}

/// The announced file's type, or why it cannot be uploaded (before any AWS call).
pub(crate) fn admit(announcement: &Announcement) -> Result<FileType, ApiError> {
    upload::admit(&announcement.content_type, announcement.size).map_err(|refusal| match refusal {
        Refusal::WrongType => wrong_type("content_type"),
        Refusal::TooLarge => too_large("size"),
        Refusal::Empty => empty("size"),
    })
}

/// The upload id a request names, checked for shape before any AWS call.
pub(crate) fn upload_id(raw: &str, field: &'static str) -> Result<String, ApiError> {
    if upload::valid_upload_id(raw) {
        Ok(raw.to_string())
    } else {
        Err(ApiError::invalid_field(
            field,
            "invalid_upload",
            "Diese Datei kennen wir nicht. Bitte laden Sie sie noch einmal hoch.",
            "We do not know this file. Please upload it again.",
        ))
    }
}

/// Where an upload of `customer` goes: `uploads/<customer>/<purpose>/<upload id>`. The customer
/// comes from the session, the id from `upload::new_upload_id`, so no input shapes the path.
pub(crate) fn key(company: &CompanyId, purpose: &str, upload_id: &str) -> String {
    format!("uploads/{company}/{purpose}/{upload_id}")
}

/// 201 with the presigned POST for a new upload of `file_type` under `purpose`.
pub(crate) async fn offer(
    app: &App,
    company: &CompanyId,
    purpose: &str,
    file_type: FileType,
) -> Result<ApiResponse, ApiError> {
    let id = upload::new_upload_id();
    let post = app
        .files
        .presign_upload(
            &app.config.upload_url,
            &key(company, purpose, &id),
            file_type,
            MAX_BYTES,
            app.clock.now(),
        )
        .await?;
    Ok(ApiResponse::json(
        StatusCode::CREATED,
        &serde_json::json!({
            "upload_id": id,
            "url": post.url,
            "fields": post.fields,
            "file_field": "file",
            "content_type": file_type.content_type(),
            "max_bytes": MAX_BYTES,
            "expires_at": post.expires_at,
        }),
    ))
}

/// A checked upload, under the key no upload form can reach.
pub(crate) struct Checked {
    pub file_type: FileType,
    pub size: u64,
    pub key: String,
}

/// Where a checked upload lives: `checked/…` instead of `uploads/…`. The presigned POSTs only
/// ever name keys under `uploads/`, so nothing can replace a file after its check.
pub(crate) fn checked_key(upload_key: &str) -> String {
    format!(
        "checked/{}",
        upload_key.strip_prefix("uploads/").unwrap_or(upload_key)
    )
}

fn missing() -> ApiError {
    ApiError::Conflict {
        code: "upload_missing",
        de: "Die Datei ist nicht angekommen. Bitte laden Sie sie noch einmal hoch.",
        en: "The file did not arrive. Please upload it again.",
    }
}

/// Takes the uploaded object under `key` into the portal: copies it to `checked_key` (which no
/// form can write, while the form for `key` stays valid for its ten minutes), checks the copy
/// after S3's own policy check (present, an allowed type of at most 10 MB whose first bytes
/// match it) and deletes the upload. What the portal records and later reads is exactly what
/// it checked. A refused file is deleted; an abandoned upload expires by the bucket's
/// lifecycle rule for `uploads/`.
pub(crate) async fn accept(app: &App, key: &str, field: &'static str) -> Result<Checked, ApiError> {
    let target = checked_key(key);
    if !app.files.copy(key, &target).await? {
        return Err(missing());
    }
    app.files.delete(key).await?;
    let key = target.as_str();
    let file = app.files.inspect_upload(key).await?.ok_or_else(missing)?;
    let verdict = match FileType::from_content_type(&file.content_type) {
        None => Err(wrong_type(field)),
        Some(_) if file.size > MAX_BYTES => Err(too_large(field)),
        Some(_) if file.size == 0 => Err(empty(field)),
        Some(t) if !t.matches(&file.head) => Err(ApiError::invalid_field(
            field,
            "upload_content_mismatch",
            "Der Inhalt der Datei passt nicht zu ihrem Typ. Bitte laden Sie eine echte PDF-, PNG- oder JPEG-Datei hoch.",
            "The file's content does not match its type. Please upload a genuine PDF, PNG or JPEG file.",
        )),
        Some(file_type) => Ok(Checked {
            file_type,
            size: file.size,
            key: key.to_string(),
        }),
    };
    if verdict.is_err() {
        app.files.delete(key).await?;
    }
    verdict
}

/// `1.2 MB`, `830 KB`: a size for people (mails, the portal).
pub(crate) fn human_size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", bytes.div_ceil(1024))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_may_be_written_as_whole_floats_but_not_as_fractions() {
        let size = |json: &str| {
            serde_json::from_str::<Announcement>(&format!(
                r#"{{"content_type": "application/pdf", "size": {json}}}"#
            ))
            .map(|a| a.size)
        };
        assert_eq!(size("1147").unwrap(), 1147);
        assert_eq!(size("1147.0").unwrap(), 1147);
        assert!(size("1147.5").is_err());
        assert!(size("-1").is_err());
        assert!(size("\"12\"").is_err());
    }

    #[test]
    fn sizes_read_like_people_write_them() {
        assert_eq!(human_size(1), "1 KB");
        assert_eq!(human_size(830 * 1024), "830 KB");
        assert_eq!(human_size(1_258_291), "1.2 MB");
    }

    #[test]
    fn upload_keys_come_from_the_session_and_a_generated_id_only() {
        let company = CompanyId::parse("K-1001").unwrap();
        assert_eq!(
            key(&company, "proof/d1", "0123456789abcdef0123456789abcdef"),
            "uploads/K-1001/proof/d1/0123456789abcdef0123456789abcdef"
        );
        assert!(upload_id("../x", "upload_id").is_err());
    }
}
