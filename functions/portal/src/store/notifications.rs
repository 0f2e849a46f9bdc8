//! A login's notifications (`notify#<email>` / `n#<time, 12 digits>#<random>`): a new invoice, a
//! support request or a contract change request whose status changed, a sign-in from a browser not seen before. `state`
//! holds how far they are read; `device#<hash>` the browsers seen (by a random device cookie,
//! no fingerprinting). Notifications expire after 180 days, devices after 400.

use super::{get_n, get_s, n, s, Item, StoreError};
use crate::domain::email::EmailAddress;
use crate::domain::ids::CompanyId;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use aws_sdk_dynamodb::Client;

pub const KEEP_SECONDS: u64 = 180 * 86_400;
pub const DEVICE_SECONDS: u64 = 400 * 86_400;
/// Notifications a list shows; the unread count stops there too ("50+").
pub const LIST_CAP: usize = 50;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    NewInvoice,
    RequestStatus,
    NewDevice,
    /// A contract change request was done or rejected (subject: its id, detail: the status).
    ContractStatus,
}

impl Kind {
    pub fn code(self) -> &'static str {
        match self {
            Kind::NewInvoice => "new_invoice",
            Kind::RequestStatus => "request_status",
            Kind::NewDevice => "new_device",
            Kind::ContractStatus => "contract_status",
        }
    }

    fn from_code(code: &str) -> Option<Kind> {
        [
            Kind::NewInvoice,
            Kind::RequestStatus,
            Kind::NewDevice,
            Kind::ContractStatus,
        ]
        .into_iter()
        .find(|k| k.code() == code)
    }
}

/// One notification. `subject` is what it is about: a document id, a request id, a browser.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Notification {
    pub id: String,
    pub kind: Kind,
    pub at: u64,
    #[serde(rename = "customer")]
    pub company: Option<String>,
    #[serde(rename = "customer_name")]
    pub company_name: Option<String>,
    pub subject: String,
    /// Kind-specific detail: the invoice number, the new status, …
    pub detail: String,
    pub unread: bool,
}

/// A notification to write (the id is made when it is written).
#[derive(Debug, Clone)]
pub struct NewNotification {
    pub to: EmailAddress,
    pub kind: Kind,
    pub at: u64,
    pub company: Option<(CompanyId, String)>,
    pub subject: String,
    pub detail: String,
}

#[derive(Clone)]
pub struct NotificationStore {
    client: Client,
    table: String,
}

fn pk(email: &EmailAddress) -> String {
    format!("notify#{}", email.as_str())
}

impl NewNotification {
    fn item(&self) -> Item {
        let random = crate::domain::secret::Secret::generate().hash();
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(&self.to)));
        item.insert(
            "sk".into(),
            s(format!("n#{:012}#{}", self.at, &random[..8])),
        );
        item.insert("kind".into(), s(self.kind.code()));
        item.insert("at".into(), n(self.at));
        if let Some((id, name)) = &self.company {
            item.insert("customer".into(), s(id.as_str()));
            item.insert("customer_name".into(), s(name));
        }
        item.insert("subject".into(), s(&self.subject));
        item.insert("detail".into(), s(&self.detail));
        item.insert("expires_at".into(), n(self.at + KEEP_SECONDS));
        item
    }
}

impl NotificationStore {
    pub fn new(client: Client, table: &str) -> Self {
        NotificationStore {
            client,
            table: table.to_string(),
        }
    }

    pub async fn add(&self, notification: &NewNotification) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(notification.item()))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("add notification", e))?;
        Ok(())
    }

    /// `notification` as one write of a transaction another store commits.
    pub(crate) fn write(
        &self,
        notification: &NewNotification,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(notification.item()))
            .build()
            .map_err(|e| StoreError::from_sdk("build notification", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// The newest notifications (at most [`LIST_CAP`]) and how many of them are unread.
    pub async fn list(
        &self,
        email: &EmailAddress,
    ) -> Result<(Vec<Notification>, usize), StoreError> {
        // `state` sorts after every `n#…`, so newest first it comes first.
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":p", s(pk(email)))
            .expression_attribute_values(":from", s("n#"))
            .expression_attribute_values(":to", s("state"))
            .scan_index_forward(false)
            .limit(LIST_CAP as i32 + 1)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("list notifications", e))?;
        let mut read_until = 0;
        let mut list = Vec::new();
        for item in output.items() {
            let sk = get_s(item, "sk").unwrap_or_default();
            if sk == "state" {
                read_until = get_n(item, "read_until").unwrap_or(0);
                continue;
            }
            let Some(kind) = get_s(item, "kind").and_then(Kind::from_code) else {
                continue;
            };
            let at = get_n(item, "at").unwrap_or(0);
            list.push(Notification {
                id: sk.trim_start_matches("n#").replace('#', "-"),
                kind,
                at,
                company: get_s(item, "customer").map(str::to_string),
                company_name: get_s(item, "customer_name").map(str::to_string),
                subject: get_s(item, "subject").unwrap_or_default().to_string(),
                detail: get_s(item, "detail").unwrap_or_default().to_string(),
                unread: false,
            });
        }
        list.truncate(LIST_CAP);
        for notification in &mut list {
            notification.unread = notification.at > read_until;
        }
        let unread = list.iter().filter(|n| n.unread).count();
        Ok((list, unread))
    }

    /// Marks everything up to `until` as read (never moves backwards).
    pub async fn mark_read(&self, email: &EmailAddress, until: u64) -> Result<(), StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(pk(email)))
            .key("sk", s("state"))
            .update_expression("SET read_until = :until")
            .condition_expression("attribute_not_exists(read_until) OR read_until < :until")
            .expression_attribute_values(":until", n(until))
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(err) => match err.into_service_error() {
                aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(_) => Ok(()),
                other => Err(StoreError::from_sdk("mark notifications read", other)),
            },
        }
    }

    /// Whether the browser with device id hash `device` signed in as `email` before.
    pub async fn knows_device(
        &self,
        email: &EmailAddress,
        device: &str,
    ) -> Result<bool, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(email)))
            .key("sk", s(format!("device#{device}")))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get device", e))?;
        Ok(output.item.is_some())
    }

    /// Remembers a device as one write of a transaction (the sign-in's).
    pub(crate) fn device_write(
        &self,
        email: &EmailAddress,
        device: &str,
        now: u64,
    ) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .item("pk", s(pk(email)))
            .item("sk", s(format!("device#{device}")))
            .item("seen_at", n(now))
            .item("expires_at", n(now + DEVICE_SECONDS))
            .build()
            .map_err(|e| StoreError::from_sdk("build device", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
}

/// "Firefox · Windows" from a User-Agent header: enough to recognise one's own browser, no
/// version numbers. Unknown parts stay out.
pub fn browser_summary(user_agent: &str) -> String {
    let ua = user_agent;
    let browser = if ua.contains("Edg/") {
        Some("Edge")
    } else if ua.contains("OPR/") {
        Some("Opera")
    } else if ua.contains("Firefox/") {
        Some("Firefox")
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") || ua.contains("CriOS/") {
        Some("Chrome")
    } else if ua.contains("Safari/") {
        Some("Safari")
    } else {
        None
    };
    let system = if ua.contains("iPhone") || ua.contains("iPad") {
        Some("iOS")
    } else if ua.contains("Android") {
        Some("Android")
    } else if ua.contains("Windows") {
        Some("Windows")
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        Some("macOS")
    } else if ua.contains("CrOS") {
        Some("ChromeOS")
    } else if ua.contains("Linux") {
        Some("Linux")
    } else {
        None
    };
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        (None, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::browser_summary as b;

    #[test]
    fn browsers_are_named_without_versions() {
        assert_eq!(
            b("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
            "Edge · Windows"
        );
        assert_eq!(
            b("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0"),
            "Firefox · macOS"
        );
        assert_eq!(
            b("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
            "Safari · iOS"
        );
        assert_eq!(b("curl/8.5.0"), "");
        assert_eq!(b("<script>"), "");
    }
}
