//! "New invoice available" mails after an import: to the company's invoice addresses, with a
//! link to the portal and never the PDF itself; companies can switch them off in their billing
//! data.

use portal::domain::email::EmailAddress;
use portal::domain::ids::CompanyId;
use portal::store::company::CompanyStore;
use portal::store::company::NewActivity;
use portal::store::documents::Document;
use portal::store::mail::{Mailer, OutgoingMail};
use portal::store::StoreError;

pub struct Notifier {
    mailer: Mailer,
    base_url: String,
}

impl Notifier {
    pub fn new(sdk: &aws_types::SdkConfig, from: &str, base_url: &str) -> Notifier {
        Notifier {
            mailer: Mailer::with_sender(aws_sdk_sesv2_client(sdk), from, None)
                .with_legal_links(base_url),
            base_url: base_url.trim_end_matches('/').to_string(),
        }
    }

    /// Tells the company about a new invoice; returns how many mails went out.
    pub async fn new_invoice(
        &self,
        companies: &CompanyStore,
        company: &CompanyId,
        document: &Document,
    ) -> Result<usize, StoreError> {
        let Some(billing) = companies.billing(company).await? else {
            return Ok(0);
        };
        if !billing.data.notify_new_invoices {
            return Ok(0);
        }
        let link = format!("{}/portal/dokumente/", self.base_url);
        let link_en = format!("{}/en/portal/documents/", self.base_url);
        let number = document.number.as_str();
        let amount = format!(
            "{} {}",
            document.gross.decimal(),
            document.gross.currency.as_str()
        );
        let text = format!(
            "Guten Tag,\n\nim Kundenportal liegt eine neue Rechnung für Sie bereit: {number} vom {} über {amount}.\n\n{link}\n\nSie möchten diese Benachrichtigung nicht mehr? Schalten Sie sie im Portal unter Rechnungsdaten aus.\n\n---\n\nHello,\n\na new invoice is available in the customer portal: {number} of {} for {amount}.\n\n{link_en}\n\nTo stop these notifications, switch them off under billing data in the portal.\n",
            document.issued, document.issued
        );
        let html = format!(
            "<!doctype html><html lang=\"de\"><body><p>{}</p></body></html>",
            portal::http::escape_html(&text).replace('\n', "<br>")
        );
        let mut sent = 0;
        for address in &billing.data.invoice_emails {
            let Ok(to) = EmailAddress::parse(address) else {
                continue;
            };
            self.mailer
                .send(OutgoingMail {
                    to,
                    subject: format!("Neue Rechnung {number} / New invoice {number}"),
                    text: text.clone(),
                    html: html.clone(),
                })
                .await?;
            companies
                .record_activity(
                    &NewActivity::new(company, crate::portal_now(), "invoice_notified")
                        .with("by", "portal-admin")
                        .with("to", address.as_str())
                        .with("document", document.id.as_str()),
                )
                .await?;
            sent += 1;
        }
        Ok(sent)
    }
}

impl Notifier {
    /// The mailer and the portal's origin, for the other mails of the same sender (support's
    /// answers: `portal::support::answer`).
    pub fn mailer(&self) -> &Mailer {
        &self.mailer
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }
}

fn aws_sdk_sesv2_client(sdk: &aws_types::SdkConfig) -> aws_sdk_sesv2::Client {
    aws_sdk_sesv2::Client::new(sdk)
}
