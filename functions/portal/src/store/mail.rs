//! Sending mail through SES v2 from the configured sender.

use super::StoreError;
use crate::config::Config;
use crate::domain::email::EmailAddress;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message};
use aws_sdk_sesv2::Client;

/// A mail with a text and an HTML part; SES sends it as multipart/alternative.
pub struct OutgoingMail {
    pub to: EmailAddress,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl OutgoingMail {
    /// A plain-text mail (support's mails): the HTML part is the same text, escaped, as `<pre>`.
    pub fn plain(to: EmailAddress, subject: String, text: String) -> OutgoingMail {
        OutgoingMail {
            to,
            subject,
            html: format!("<pre>{}</pre>", crate::http::escape_html(&text)),
            text,
        }
    }
}

pub struct Mailer {
    client: std::sync::OnceLock<Client>,
    /// How to build the client on first use (see `Mailer::lazy`).
    recipe: Option<(aws_config::SdkConfig, Option<crate::store::calls::CallLog>)>,
    from: String,
    configuration_set: Option<String>,
    /// The portal's origin: every mail ends with links to its imprint and privacy notice.
    legal_links: Option<String>,
}

/// The end of every mail: the operator's imprint (§ 5 DDG) and privacy notice (Art. 13 GDPR),
/// in both languages, as text and as HTML.
pub fn legal_footer(base_url: &str) -> (String, String) {
    let base = base_url.trim_end_matches('/');
    let text = format!(
        "\n\n-- \nImpressum: {base}/impressum/ · Datenschutz: {base}/datenschutz/\nImprint: {base}/en/imprint/ · Privacy: {base}/en/privacy/\n"
    );
    let link = |path: &str, label: &str| {
        format!(
            "<a href=\"{}{path}\">{label}</a>",
            crate::http::escape_html(base)
        )
    };
    let html = format!(
        "<p style=\"font-size:small;color:#555\">{} · {}<br>{} · {}</p>",
        link("/impressum/", "Impressum"),
        link("/datenschutz/", "Datenschutz"),
        link("/en/imprint/", "Imprint"),
        link("/en/privacy/", "Privacy")
    );
    (text, html)
}

/// `html` with `footer` before its `</body>` (or at its end).
pub fn with_html_footer(html: &str, footer: &str) -> String {
    match html.rfind("</body>") {
        Some(at) => format!("{}{footer}{}", &html[..at], &html[at..]),
        None => format!("{html}{footer}"),
    }
}

fn utf8(data: String) -> Result<Content, StoreError> {
    Content::builder()
        .data(data)
        .charset("UTF-8")
        .build()
        .map_err(|e| StoreError::from_sdk("build mail", e))
}

impl Mailer {
    pub fn new(client: Client, config: &Config) -> Self {
        Mailer::with_sender(
            client,
            &config.mail_from,
            config.ses_configuration_set.clone(),
        )
        .with_legal_links(&config.base_url)
    }

    pub fn with_sender(client: Client, from: &str, configuration_set: Option<String>) -> Self {
        Mailer {
            client: client.into(),
            recipe: None,
            from: from.to_string(),
            configuration_set,
            legal_links: None,
        }
    }

    /// Ends every mail with the links to `base_url`'s imprint and privacy notice.
    pub fn with_legal_links(mut self, base_url: &str) -> Self {
        self.legal_links = Some(base_url.to_string());
        self
    }

    /// A mailer whose SES client is built on first use: a function that never sends mail then
    /// neither builds nor links the client.
    pub fn lazy(
        sdk: &aws_config::SdkConfig,
        log: Option<crate::store::calls::CallLog>,
        config: &Config,
    ) -> Self {
        Mailer {
            client: std::sync::OnceLock::new(),
            recipe: Some((sdk.clone(), log)),
            from: config.mail_from.clone(),
            configuration_set: config.ses_configuration_set.clone(),
            legal_links: Some(config.base_url.clone()),
        }
    }

    fn client(&self) -> &Client {
        self.client.get_or_init(|| {
            let (sdk, log) = self.recipe.as_ref().expect("a client or a recipe");
            let mut config = aws_sdk_sesv2::config::Builder::from(sdk);
            if let Some(log) = log {
                config.push_interceptor(aws_sdk_sesv2::config::SharedInterceptor::new(log.clone()));
            }
            Client::from_conf(config.build())
        })
    }

    /// Sends a complete MIME message (built with `mail-builder`, e.g. with an attachment).
    pub async fn send_raw(&self, to: &EmailAddress, message: Vec<u8>) -> Result<(), StoreError> {
        let raw = aws_sdk_sesv2::types::RawMessage::builder()
            .data(aws_sdk_sesv2::primitives::Blob::new(message))
            .build()
            .map_err(|e| StoreError::from_sdk("build mail", e))?;
        self.client()
            .send_email()
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(to.as_str()).build())
            .content(EmailContent::builder().raw(raw).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("send mail", e))?;
        Ok(())
    }

    /// The sender as (display name, address), for building MIME headers.
    pub fn sender(&self) -> (String, String) {
        match (self.from.rfind('<'), self.from.rfind('>')) {
            (Some(start), Some(end)) if start < end => (
                self.from[..start].trim().trim_matches('"').to_string(),
                self.from[start + 1..end].to_string(),
            ),
            _ => (String::new(), self.from.clone()),
        }
    }

    pub async fn send(&self, mail: OutgoingMail) -> Result<(), StoreError> {
        self.send_replying_to(mail, None).await
    }

    /// Like `send`, with a `Reply-To` (support's mails: the signed reply address that routes an
    /// answer back into the portal).
    pub async fn send_replying_to(
        &self,
        mail: OutgoingMail,
        reply_to: Option<&str>,
    ) -> Result<(), StoreError> {
        self.send_with(mail, reply_to, false).await
    }

    /// An automatic answer (a bounce to support's refused reply), marked
    /// `Auto-Submitted: auto-replied` (RFC 3834) so that no autoresponder answers it.
    pub async fn send_auto_reply(&self, mail: OutgoingMail) -> Result<(), StoreError> {
        self.send_with(mail, None, true).await
    }

    async fn send_with(
        &self,
        mail: OutgoingMail,
        reply_to: Option<&str>,
        auto_reply: bool,
    ) -> Result<(), StoreError> {
        let mut mail = mail;
        if let Some(base_url) = &self.legal_links {
            let (text, html) = legal_footer(base_url);
            mail.text.push_str(&text);
            mail.html = with_html_footer(&mail.html, &html);
        }
        let mut message = Message::builder();
        if auto_reply {
            message = message.headers(
                aws_sdk_sesv2::types::MessageHeader::builder()
                    .name("Auto-Submitted")
                    .value("auto-replied")
                    .build()
                    .map_err(|e| StoreError::from_sdk("build mail", e))?,
            );
        }
        let message = message
            .subject(utf8(mail.subject)?)
            .body(
                Body::builder()
                    .text(utf8(mail.text)?)
                    .html(utf8(mail.html)?)
                    .build(),
            )
            .build();
        self.client()
            .send_email()
            .from_email_address(&self.from)
            .destination(
                Destination::builder()
                    .to_addresses(mail.to.as_str())
                    .build(),
            )
            .content(EmailContent::builder().simple(message).build())
            .set_reply_to_addresses(reply_to.map(|r| vec![r.to_string()]))
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("send mail", e))?;
        Ok(())
    }
}
