//! `POST /api/documents/{id}/send`: forward a document as PDF attachment to any address, e.g.
//! to the accountant. Rate-limited per login and recorded in the company's activity log.

use super::owned_document;
use crate::app::App;
use crate::auth::Caller;
use crate::domain::documents::{download_name, object_key};
use crate::domain::email::EmailAddress;
use crate::domain::lang::Lang;
use crate::error::ApiError;
use crate::http::{escape_html as escape, ApiRequest, ApiResponse};
use crate::store::company::NewActivity;
use crate::store::documents::Document;
use http::StatusCode;
use mail_builder::MessageBuilder;
use serde::Deserialize;

/// Longest personal note in a sent mail.
pub const MAX_NOTE_CHARS: usize = 1000;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SendBody {
    to: String,
    #[serde(default)]
    note: Option<String>,
}

/// A personal note: line breaks kept, every other control, bidi or zero-width character refused.
fn parse_note(raw: Option<&str>) -> Result<Option<String>, ApiError> {
    let Some(note) = raw.map(str::trim).filter(|n| !n.is_empty()) else {
        return Ok(None);
    };
    let forbidden = |c: char| {
        (c.is_control() && c != '\n' && c != '\r')
            || matches!(c, '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{feff}')
    };
    if note.chars().count() > MAX_NOTE_CHARS || note.chars().any(forbidden) {
        return Err(ApiError::invalid_field(
            "note",
            "invalid_note",
            "Die Nachricht darf höchstens 1000 Zeichen lang sein und keine Steuerzeichen enthalten.",
            "The note may be at most 1000 characters long and must not contain control characters.",
        ));
    }
    Ok(Some(note.replace("\r\n", "\n")))
}

pub async fn send(app: &App, req: ApiRequest, caller: Caller) -> Result<ApiResponse, ApiError> {
    let body: SendBody = req.json()?;
    let to = EmailAddress::parse(&body.to).map_err(|_| {
        ApiError::invalid_field(
            "to",
            "invalid_email",
            "Bitte geben Sie eine gültige E-Mail-Adresse ein, z. B. buchhaltung@firma.de.",
            "Please enter a valid email address, e.g. accounts@company.com.",
        )
    })?;
    let note = parse_note(body.note.as_deref())?;
    let doc = owned_document(app, &req, &caller).await?;
    let sender = caller.session.login.email.clone();
    let now = app.clock.now();
    let pdf = app
        .files
        .get(&object_key(&caller.company, &doc.id, "pdf"))
        .await?
        .ok_or(ApiError::FileMissing)?;
    let lang = caller.session.login.lang.unwrap_or_else(|| req.lang());
    let message = compose(app, &doc, &sender, &to, note.as_deref(), lang, pdf);
    app.mailer.send_raw(&to, message).await?;
    app.companies
        .record_activity(
            &NewActivity::new(&caller.company, now, "document_sent")
                .with("by", sender.as_str())
                .with("to", to.as_str())
                .with("document", doc.id.as_str()),
        )
        .await?;
    tracing::info!(document = doc.id.as_str(), to = %to.masked(), "document sent");
    let reply = req.lang().pick(
        "Das Dokument ist unterwegs. Der Versand steht im Aktivitätsprotokoll Ihres Unternehmens.",
        "The document is on its way. The sending is recorded in your company's activity log.",
    );
    Ok(ApiResponse::json(
        StatusCode::ACCEPTED,
        &serde_json::json!({ "message": reply }),
    ))
}

/// The MIME message: text and HTML part plus the PDF; replies go to the person who sent it.
pub fn compose(
    app: &App,
    doc: &Document,
    sender: &EmailAddress,
    to: &EmailAddress,
    note: Option<&str>,
    lang: Lang,
    pdf: Vec<u8>,
) -> Vec<u8> {
    let (from_name, from_address) = app.mailer.sender();
    let kind = doc.kind.label(lang);
    let number = doc.number.as_str();
    let subject = format!("{kind} {number}");
    let intro = match lang {
        Lang::De => format!(
            "{} hat Ihnen über das Kundenportal das Dokument „{kind} {number}“ vom {} gesendet. Sie finden es im Anhang als PDF.",
            sender.as_str(),
            doc.issued
        ),
        Lang::En => format!(
            "{} sent you the document \"{kind} {number}\" of {} through the customer portal. You will find it attached as a PDF.",
            sender.as_str(),
            doc.issued
        ),
    };
    let reply_hint = lang.pick(
        "Wenn Sie antworten, geht Ihre Antwort direkt an diese Person.",
        "If you reply, your answer goes straight to that person.",
    );
    let note_label = lang.pick("Nachricht", "Message");
    let mut text = format!("{intro}\n\n");
    let mut html = format!("<p>{}</p>", escape(&intro));
    if let Some(note) = note {
        text.push_str(&format!("{note_label}:\n{note}\n\n"));
        html.push_str(&format!(
            "<p><strong>{note_label}:</strong><br>{}</p>",
            escape(note).replace('\n', "<br>")
        ));
    }
    text.push_str(reply_hint);
    text.push('\n');
    html.push_str(&format!("<p>{}</p>", escape(reply_hint)));
    let (legal_text, legal_html) = crate::store::mail::legal_footer(&app.config.base_url);
    text.push_str(&legal_text);
    html.push_str(&legal_html);
    let filename = download_name(doc.kind, &doc.number, lang, "pdf");
    MessageBuilder::new()
        .from((from_name.as_str(), from_address.as_str()))
        .to(to.as_str())
        .reply_to(sender.as_str())
        .subject(subject)
        .text_body(text)
        .html_body(format!(
            "<!doctype html><html lang=\"{}\"><body>{html}</body></html>",
            lang.code()
        ))
        .attachment("application/pdf", filename, pdf)
        .write_to_vec()
        .expect("writing MIME to memory cannot fail")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_keep_line_breaks_and_refuse_hidden_characters() {
        assert_eq!(
            parse_note(Some("  Hallo\r\nGruß ")).unwrap().as_deref(),
            Some("Hallo\nGruß")
        );
        assert_eq!(parse_note(Some("   ")).unwrap(), None);
        for bad in ["a\u{0}b", "a\u{202e}b", "a\u{200b}b", "x\u{7}"] {
            assert!(parse_note(Some(bad)).is_err(), "{bad:?}");
        }
        assert!(parse_note(Some(&"a".repeat(1001))).is_err());
    }
}
