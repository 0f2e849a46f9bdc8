//! The files of a reply: PDF, PNG and JPEG the customer can open from the item, checked as
//! uploads are (`upload::FileType`): declared type, file name extension and the file's first
//! bytes must agree, so a renamed `.exe` is refused whatever it claims.

use super::Refusal;
use crate::domain::upload::FileType;
use mail_parser::{Message, MessagePart, MimeHeaders};
use std::collections::HashSet;
use std::fmt;

/// Longest file name kept, in characters.
const MAX_NAME_CHARS: usize = 120;

/// A file of an accepted reply.
#[derive(Clone, PartialEq, Eq)]
pub struct ReplyAttachment {
    /// The sender's name for the file, without path, control or invisible characters, ending
    /// in the type's extension; `Anhang-<n>.<ext>` when the mail gave none.
    pub filename: String,
    pub file_type: FileType,
    pub bytes: Vec<u8>,
}

impl fmt::Debug for ReplyAttachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplyAttachment")
            .field("filename", &self.filename)
            .field("file_type", &self.file_type)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// Every attachment of `message`, or the refusal of the first that may not be kept.
pub(super) fn collect(
    message: &Message<'_>,
    max_bytes: u64,
) -> Result<Vec<ReplyAttachment>, Refusal> {
    let shown = content_ids_shown(message);
    let mut files = Vec::new();
    for part in message.attachments() {
        if is_signature(part) || is_shown_inline(part, &shown) {
            continue;
        }
        let number = files.len() + 1;
        let name = part
            .attachment_name()
            .map(clean_name)
            .filter(|name| !name.is_empty());
        let declared = declared_type(part);
        let refuse_type = || Refusal::AttachmentType {
            filename: name.clone().unwrap_or_else(|| format!("Anhang {number}")),
            content_type: declared.clone(),
        };
        if part.is_message() {
            return Err(refuse_type());
        }
        let file_type = claimed_type(&declared, name.as_deref()).ok_or_else(refuse_type)?;
        let bytes = part.contents();
        let size = bytes.len() as u64;
        if size > max_bytes {
            return Err(Refusal::AttachmentTooLarge {
                filename: name.unwrap_or_else(|| format!("Anhang {number}")),
                size,
                max: max_bytes,
            });
        }
        if !file_type.matches(bytes) {
            return Err(refuse_type());
        }
        files.push(ReplyAttachment {
            filename: file_name(name, file_type, number),
            file_type,
            bytes: bytes.to_vec(),
        });
    }
    Ok(files)
}

/// S/MIME and PGP signatures: part of how the mail was sent, not files anybody attached.
fn is_signature(part: &MessagePart<'_>) -> bool {
    ["pkcs7-signature", "x-pkcs7-signature", "pgp-signature"]
        .iter()
        .any(|subtype| part.is_content_type("application", subtype))
}

/// An image the HTML body shows by `cid:` (a logo in a signature) and not offered as an
/// attachment: left out, not refused.
fn is_shown_inline(part: &MessagePart<'_>, shown: &HashSet<String>) -> bool {
    let attachment = part
        .content_disposition()
        .is_some_and(|disposition| disposition.is_attachment());
    let id = part.content_id().map(|id| {
        id.trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .to_ascii_lowercase()
    });
    !attachment && id.is_some_and(|id| shown.contains(&id))
}

/// The ids that `cid:` URLs of the HTML bodies name, lower case.
fn content_ids_shown(message: &Message<'_>) -> HashSet<String> {
    let mut ids = HashSet::new();
    for part in message.html_bodies() {
        let Some(html) = part.text_contents() else {
            continue;
        };
        let lower = html.to_ascii_lowercase();
        for (at, _) in lower.match_indices("cid:") {
            let id: String = lower[at + 4..]
                .chars()
                .take_while(|c| !matches!(c, '"' | '\'' | '>' | ')' | ' ' | '\t' | '\r' | '\n'))
                .take(200)
                .collect();
            // Some clients write the `@` of an id percent-encoded in the URL.
            ids.insert(id.replace("%40", "@"));
            ids.insert(id);
        }
    }
    ids
}

/// `type/subtype` in lower case, only the characters such names have (it is logged); MIME's
/// default `text/plain` when the part declares none.
fn declared_type(part: &MessagePart<'_>) -> String {
    let Some(content_type) = part.content_type() else {
        return "text/plain".to_string();
    };
    let full = format!(
        "{}/{}",
        content_type.ctype(),
        content_type.subtype().unwrap_or("")
    );
    full.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "/.+-_".contains(*c))
        .take(80)
        .collect::<String>()
        .to_ascii_lowercase()
}

/// The type the part claims to be, when declaration and name agree on one the portal takes.
/// `application/octet-stream` (what some clients send for any file) leaves it to the name.
fn claimed_type(declared: &str, name: Option<&str>) -> Option<FileType> {
    let by_declaration = match declared {
        "application/pdf" | "application/x-pdf" => Some(FileType::Pdf),
        "image/png" => Some(FileType::Png),
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(FileType::Jpeg),
        "application/octet-stream" | "binary/octet-stream" => None,
        _ => return None,
    };
    match (by_declaration, name.and_then(extension)) {
        (Some(declared), None) => Some(declared),
        (declared, Some(extension)) => {
            let named = type_of_extension(&extension)?;
            declared
                .is_none_or(|declared| declared == named)
                .then_some(named)
        }
        (None, None) => None,
    }
}

/// The extension, lower case, when the name has one: 1 to 5 letters and digits after the last
/// dot, at least one a letter (so "Rechnung 2026.0042" has none).
fn extension(name: &str) -> Option<String> {
    let (_, extension) = name.rsplit_once('.')?;
    let ok = (1..=5).contains(&extension.len())
        && extension.chars().all(|c| c.is_ascii_alphanumeric())
        && extension.chars().any(|c| c.is_ascii_alphabetic());
    ok.then(|| extension.to_ascii_lowercase())
}

fn type_of_extension(extension: &str) -> Option<FileType> {
    match extension {
        "pdf" => Some(FileType::Pdf),
        "png" => Some(FileType::Png),
        "jpg" | "jpeg" | "jpe" => Some(FileType::Jpeg),
        _ => None,
    }
}

/// The last path segment, without control or invisible characters and leading dots.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
    let visible: String = base
        .chars()
        .filter(|&c| !c.is_control() && !super::is_refused(c))
        .collect();
    visible.trim().trim_start_matches('.').trim().to_string()
}

fn file_name(name: Option<String>, file_type: FileType, number: usize) -> String {
    let wanted = file_type.extension();
    let (stem, extension) = match name {
        None => (format!("Anhang-{number}"), wanted.to_string()),
        Some(name) => match extension(&name) {
            Some(extension) if type_of_extension(&extension) == Some(file_type) => {
                let stem = name[..name.len() - extension.len() - 1].to_string();
                (stem, extension)
            }
            _ => (name, wanted.to_string()),
        },
    };
    let room = MAX_NAME_CHARS - extension.len() - 1;
    let stem: String = stem.chars().take(room).collect();
    format!("{}.{extension}", stem.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declaration_and_name_must_agree_on_a_type_the_portal_takes() {
        assert_eq!(claimed_type("application/pdf", None), Some(FileType::Pdf));
        assert_eq!(
            claimed_type("application/pdf", Some("Rechnung.PDF")),
            Some(FileType::Pdf)
        );
        assert_eq!(
            claimed_type("application/pdf", Some("Rechnung 2026.0042")),
            Some(FileType::Pdf)
        );
        assert_eq!(
            claimed_type("application/octet-stream", Some("foto.jpeg")),
            Some(FileType::Jpeg)
        );
        assert_eq!(
            claimed_type("image/jpg", Some("foto.jpg")),
            Some(FileType::Jpeg)
        );
        for (declared, name) in [
            ("application/pdf", Some("setup.exe")),
            ("image/png", Some("bild.pdf")),
            ("application/octet-stream", None),
            ("application/octet-stream", Some("tool.exe")),
            ("application/x-msdownload", Some("tool.pdf")),
            ("text/html", Some("rechnung.html")),
            ("text/plain", None),
        ] {
            assert_eq!(claimed_type(declared, name), None, "{declared} {name:?}");
        }
    }

    #[test]
    fn file_names_lose_paths_and_invisible_characters_and_keep_the_right_extension() {
        assert_eq!(
            clean_name("C:\\Users\\max\\Bestätigung.pdf"),
            "Bestätigung.pdf"
        );
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("a\u{202e}fdp.exe\r\n"), "afdp.exe");
        assert_eq!(clean_name(" .hidden.pdf"), "hidden.pdf");
        assert_eq!(
            file_name(Some("Bestätigung.pdf".into()), FileType::Pdf, 1),
            "Bestätigung.pdf"
        );
        assert_eq!(
            file_name(Some("scan".into()), FileType::Jpeg, 1),
            "scan.jpg"
        );
        assert_eq!(file_name(None, FileType::Png, 2), "Anhang-2.png");
        let long = file_name(Some(format!("{}.pdf", "ä".repeat(300))), FileType::Pdf, 1);
        assert_eq!(long.chars().count(), MAX_NAME_CHARS);
        assert!(long.ends_with(".pdf"));
    }
}
