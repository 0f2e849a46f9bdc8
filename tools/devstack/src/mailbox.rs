//! The dev mailbox: mails sent through SES, read back from moto's state. Local only.

use crate::DevError;
use portal::http::escape_html as escape;
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Mail {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The HTML body as sent (moto keeps the HTML part of a simple message; for raw MIME
    /// messages the HTML part, else the text part).
    pub body: String,
    /// Attachments of raw MIME messages: (file name, content type, size in bytes).
    pub attachments: Vec<(String, String, usize)>,
    /// The complete MIME source of a raw message.
    pub raw: Option<String>,
}

impl Mail {
    /// The login link in the mail, if any.
    pub fn login_link(&self) -> Option<String> {
        let start = self.body.find("href=\"")? + 6;
        let end = self.body[start..].find('"')? + start;
        Some(self.body[start..end].replace("&amp;", "&"))
    }

    /// The signed reply address a mail to support names (`reply address: …`), if any.
    pub fn reply_address(&self) -> Option<String> {
        let start = self.body.find("reply address: ")? + "reply address: ".len();
        let address: String = self.body[start..]
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '<' && *c != '&')
            .collect();
        address.contains('@').then_some(address)
    }

    /// The 8-digit login code in the mail, if any (printed as `1234 5678`).
    pub fn login_code(&self) -> Option<String> {
        let b = self.body.as_bytes();
        let digits = |range: std::ops::Range<usize>| b[range].iter().all(u8::is_ascii_digit);
        (0..b.len().saturating_sub(8)).find_map(|i| {
            let fits = (i == 0 || !b[i - 1].is_ascii_digit())
                && b.get(i + 9).is_none_or(|c| !c.is_ascii_digit())
                && digits(i..i + 4)
                && b[i + 4] == b' '
                && digits(i + 5..i + 9);
            fits.then(|| format!("{}{}", &self.body[i..i + 4], &self.body[i + 5..i + 9]))
        })
    }
}

#[derive(Clone)]
pub struct Mailbox {
    moto_url: String,
    http: reqwest::Client,
}

impl Mailbox {
    pub fn new(moto_url: &str) -> Self {
        Mailbox {
            moto_url: moto_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::new(),
        }
    }

    /// moto's whole state as JSON. moto serialises it while other requests change it and then
    /// sometimes answers with an error page: such a read is retried.
    async fn state(&self) -> Result<serde_json::Value, DevError> {
        let url = format!("{}/moto-api/data.json", self.moto_url);
        let mut last_error = String::new();
        for attempt in 0..5u64 {
            if attempt > 0 {
                tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
            }
            let response = match self.http.get(&url).send().await {
                Ok(response) => response,
                Err(err) => {
                    last_error = err.to_string();
                    continue;
                }
            };
            match response.json().await {
                Ok(state) => return Ok(state),
                Err(err) => last_error = err.to_string(),
            }
        }
        Err(DevError::msg(format!("reading {url}: {last_error}")))
    }

    /// All mails, oldest first.
    pub async fn all(&self) -> Result<Vec<Mail>, DevError> {
        let data = self.state().await?;
        let text = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
        let raw = data["ses"]["RawMessage"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|m| parse_raw(&text(&m["id"]), &text(&m["raw_data"])));
        Ok(data["ses"]["Message"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|m| Mail {
                attachments: Vec::new(),
                raw: None,
                id: text(&m["id"]),
                from: text(&m["source"]),
                to: m["destinations"]["ToAddresses"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(text)
                    .collect(),
                subject: text(&m["subject"]),
                body: text(&m["body"]),
            })
            .chain(raw)
            .collect())
    }

    /// Mails to one address, oldest first.
    pub async fn to(&self, address: &str) -> Result<Vec<Mail>, DevError> {
        Ok(self
            .all()
            .await?
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
            .collect())
    }
}

/// A raw MIME message as a `Mail`; order in the list: after the simple messages.
fn parse_raw(id: &str, source: &str) -> Option<Mail> {
    use mail_parser::{MessageParser, MimeHeaders};
    let message = MessageParser::default().parse(source.as_bytes())?;
    let addresses = |list: Option<&mail_parser::Address>| -> Vec<String> {
        list.map(|a| {
            a.iter()
                .filter_map(|addr| addr.address().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
    };
    let body = message
        .body_html(0)
        .or_else(|| message.body_text(0))
        .map(|b| b.into_owned())
        .unwrap_or_default();
    Some(Mail {
        id: id.to_string(),
        from: addresses(message.from()).join(", "),
        to: addresses(message.to()),
        subject: message.subject().unwrap_or_default().to_string(),
        body,
        attachments: message
            .attachments()
            .map(|part| {
                let name = part.attachment_name().unwrap_or("attachment").to_string();
                let content_type = part
                    .content_type()
                    .map(|ct| format!("{}/{}", ct.ctype(), ct.subtype().unwrap_or("")))
                    .unwrap_or_default();
                (name, content_type, part.contents().len())
            })
            .collect(),
        raw: Some(source.to_string()),
    })
}

/// The `/_dev/mail` page: newest first, with the login link and code pulled out for one click.
pub fn render_html(mails: &[Mail]) -> String {
    let mut out = String::from(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Dev-Postfach · dev mailbox</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>\
<body><main class=\"container\"><h1>Dev-Postfach <small>(nur lokal · local only)</small></h1>\
<p>Alle über SES (moto) gesendeten E-Mails, neueste zuerst. All mails sent through SES (moto), newest first.</p>",
    );
    if mails.is_empty() {
        out.push_str("<p><em>Noch keine E-Mails. No mails yet.</em></p>");
    }
    for mail in mails.iter().rev() {
        out.push_str(&format!(
            "<article class=\"card mail\"><h2>{}</h2><p><strong>An / To:</strong> {} · <strong>Von / From:</strong> {}</p>",
            escape(&mail.subject),
            escape(&mail.to.join(", ")),
            escape(&mail.from)
        ));
        if let Some(link) = mail.login_link() {
            out.push_str(&format!(
                "<p><a class=\"button\" href=\"{}\">Link öffnen · open link</a></p>",
                escape(&link)
            ));
        }
        for (name, content_type, size) in &mail.attachments {
            out.push_str(&format!(
                "<p>📎 {} ({}, {} Bytes)</p>",
                escape(name),
                escape(content_type),
                size
            ));
        }
        if let Some(address) = mail.reply_address() {
            // SES receiving, emulated: the reply lands under mail/ of the inbox bucket as SES
            // stores it, and the local mail-reply handler takes it (crate::watch).
            out.push_str(&format!(
                "<form method=\"post\" action=\"/_dev/mail/reply\" enctype=\"multipart/form-data\" class=\"stack\">\
<input type=\"hidden\" name=\"to\" value=\"{}\"><input type=\"hidden\" name=\"subject\" value=\"Re: {}\">\
<label>Als Support antworten · reply as support<textarea name=\"text\" rows=\"3\" required></textarea></label>\
<label>Datei (PDF, PNG, JPEG) · file<input type=\"file\" name=\"file\" accept=\"application/pdf,image/png,image/jpeg\"></label>\
<button type=\"submit\">Antwort senden · send reply</button></form>",
                escape(&address),
                escape(&mail.subject)
            ));
        }
        if let Some(code) = mail.login_code() {
            out.push_str(&format!("<p>Code: <code>{}</code></p>", escape(&code)));
        }
        out.push_str(&format!(
            "<details><summary>HTML</summary><pre>{}</pre></details></article>",
            escape(&mail.body)
        ));
    }
    out.push_str("</main></body></html>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_and_code_are_found_in_a_login_mail() {
        let mail = Mail {
            id: "1".into(),
            from: "p@example.com".into(),
            to: vec!["a@example.com".into()],
            subject: "s".into(),
            attachments: Vec::new(),
            raw: None,
            body: "<p>x</p><a href=\"http://127.0.0.1:8080/anmelden/bestaetigen/#abc\">go</a>\
<p style=\"font-size:24px\">1234 5678</p><p>Sent 2026</p>"
                .into(),
        };
        assert_eq!(
            mail.login_link().as_deref(),
            Some("http://127.0.0.1:8080/anmelden/bestaetigen/#abc")
        );
        assert_eq!(mail.login_code().as_deref(), Some("12345678"));
    }
}
