//! Where the files a documents manifest names come from: a folder on the operator's machine
//! (`portal-admin import`) or the batch's folder in the inbox bucket (the inbox function). Both
//! are checked the same way before anything is written, and land at the same keys.

use crate::manifest::MAX_FILE_BYTES;
use crate::ImportError;
use md5::{Digest, Md5};
use portal::store::documents::FileStore;
use std::path::PathBuf;

pub enum FileSource {
    /// File names are relative to this folder.
    Folder(PathBuf),
    /// File names are relative to `prefix` (ends with `/`) in `bucket`.
    Inbox {
        client: aws_sdk_s3::Client,
        bucket: String,
        prefix: String,
    },
}

impl FileSource {
    /// Whether the file exists, is at most `MAX_FILE_BYTES` and starts like `magic` (after a
    /// BOM and white space); the message says what is wrong.
    pub async fn check(&self, name: &str, magic: &[u8]) -> Result<(), String> {
        let (size, head) = match self {
            FileSource::Folder(folder) => {
                let path = folder.join(name);
                let meta = std::fs::metadata(&path)
                    .ok()
                    .filter(|m| m.is_file())
                    .ok_or_else(|| format!("file {} not found", path.display()))?;
                let mut head = [0u8; 64];
                let read = std::fs::File::open(&path)
                    .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
                    .unwrap_or(0);
                (meta.len(), head[..read].to_vec())
            }
            FileSource::Inbox {
                client,
                bucket,
                prefix,
            } => {
                // One ranged GET gives the first bytes and, in Content-Range, the size.
                let output = client
                    .get_object()
                    .bucket(bucket)
                    .key(format!("{prefix}{name}"))
                    .range("bytes=0-63")
                    .send()
                    .await
                    .map_err(|err| match err.as_service_error() {
                        Some(e) if e.is_no_such_key() => {
                            format!("file {name} not found in the batch")
                        }
                        _ => format!("file {name} could not be read"),
                    })?;
                let size = output
                    .content_range()
                    .and_then(|r| r.rsplit('/').next())
                    .and_then(|total| total.parse().ok())
                    .or(output.content_length().and_then(|l| u64::try_from(l).ok()))
                    .unwrap_or(0);
                let head = output
                    .body
                    .collect()
                    .await
                    .map_err(|_| format!("file {name} could not be read"))?
                    .into_bytes()
                    .to_vec();
                (size, head)
            }
        };
        if size > MAX_FILE_BYTES {
            return Err("larger than 20 MB".into());
        }
        let start = head
            .strip_prefix(b"\xEF\xBB\xBF".as_slice())
            .unwrap_or(&head)
            .trim_ascii_start();
        if start.starts_with(magic) {
            Ok(())
        } else {
            Err(format!(
                "file does not start like a {} file",
                String::from_utf8_lossy(magic)
            ))
        }
    }

    /// Puts the file at `key` of the documents bucket unless the same content is there already
    /// (a folder's file by MD5 against the ETag; an inbox file by the ETag it was copied
    /// from). Returns whether it wrote.
    pub async fn deliver(
        &self,
        files: &FileStore,
        name: &str,
        key: &str,
        content_type: &str,
    ) -> Result<bool, ImportError> {
        match self {
            FileSource::Folder(folder) => {
                let path = folder.join(name);
                let bytes = std::fs::read(&path)
                    .map_err(|e| ImportError::Read(format!("{}: {e}", path.display())))?;
                if files.etag(key).await?.as_deref() == Some(md5_hex(&bytes).as_str()) {
                    return Ok(false);
                }
                files.put(key, bytes, content_type).await?;
                Ok(true)
            }
            FileSource::Inbox { bucket, prefix, .. } => files
                .copy_in(bucket, &format!("{prefix}{name}"), key, content_type)
                .await?
                .ok_or_else(|| {
                    ImportError::Read(format!("{name}: gone from the batch while importing"))
                }),
        }
    }
}

pub(crate) fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
