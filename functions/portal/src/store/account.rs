//! A company's billing data (`customer#<id>` / `billing`, versioned for optimistic locking) and
//! its change requests for locked fields (`customer#<id>` / `change#<time>#<random>`).

use super::{get_n, get_s, n, s, Item, StoreError};
use crate::domain::ids::CustomerId;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BillingData {
    pub legal_name: String,
    pub line1: String,
    pub line2: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub vat_id: String,
    pub invoice_emails: Vec<String>,
    pub po_reference: String,
    /// Mail the invoice addresses when a new invoice is available (never the PDF itself).
    pub notify_new_invoices: bool,
}

impl Default for BillingData {
    fn default() -> Self {
        BillingData {
            legal_name: String::new(),
            line1: String::new(),
            line2: String::new(),
            postal_code: String::new(),
            city: String::new(),
            country: String::new(),
            vat_id: String::new(),
            invoice_emails: Vec::new(),
            po_reference: String::new(),
            notify_new_invoices: true,
        }
    }
}

/// Stored billing data with its version (0 = never saved).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Billing {
    pub data: BillingData,
    pub version: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangeRequest {
    pub id: String,
    pub requested_at: u64,
    pub requested_by: String,
    pub legal_name: Option<String>,
    pub country: Option<String>,
    pub reason: String,
    pub status: String,
}

/// One entry of the activity log: who did what, when (`fields` holds `event`, `by`, …).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Activity {
    #[serde(skip)]
    pub key: String,
    pub at: u64,
    #[serde(flatten)]
    pub fields: std::collections::BTreeMap<String, String>,
}

/// Further contact addresses and phone numbers (E.164) support uses to recognise the customer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Contacts {
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub version: u64,
}

pub enum SaveOutcome {
    Saved {
        version: u64,
    },
    /// Somebody saved another version first.
    Stale,
}

pub struct AccountStore {
    client: Client,
    table: String,
}

fn pk(customer: &CustomerId) -> String {
    format!("customer#{}", customer.as_str())
}

impl AccountStore {
    pub fn new(client: Client, table: &str) -> Self {
        AccountStore {
            client,
            table: table.to_string(),
        }
    }

    pub async fn billing(&self, customer: &CustomerId) -> Result<Option<Billing>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(customer)))
            .key("sk", s("billing"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get billing", e))?;
        Ok(output.item.as_ref().map(billing_from))
    }

    /// Saves `data` as version `expected + 1` only if the stored version is still `expected`
    /// (0: nothing stored yet). Of parallel saves with the same expected version exactly one wins.
    pub async fn save_billing(
        &self,
        customer: &CustomerId,
        data: &BillingData,
        expected: u64,
        by: &str,
        now: u64,
    ) -> Result<SaveOutcome, StoreError> {
        let version = expected + 1;
        let text = |v: &str| s(v);
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk(customer)))
            .item("sk", s("billing"))
            .item("legal_name", text(&data.legal_name))
            .item("line1", text(&data.line1))
            .item("line2", text(&data.line2))
            .item("postal_code", text(&data.postal_code))
            .item("city", text(&data.city))
            .item("country", text(&data.country))
            .item("vat_id", text(&data.vat_id))
            .item(
                "invoice_emails",
                AttributeValue::L(data.invoice_emails.iter().map(s).collect()),
            )
            .item("po_reference", text(&data.po_reference))
            .item(
                "notify_new_invoices",
                AttributeValue::Bool(data.notify_new_invoices),
            )
            .item("version", n(version))
            .item("updated_at", n(now))
            .item("updated_by", s(by));
        save_versioned(put, expected).await
    }

    pub async fn contacts(&self, customer: &CustomerId) -> Result<Contacts, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(customer)))
            .key("sk", s("contacts"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get contacts", e))?;
        let list = |item: &Item, name: &str| -> Vec<String> {
            item.get(name)
                .and_then(|v| v.as_l().ok())
                .map(|l| l.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
                .unwrap_or_default()
        };
        Ok(match output.item {
            Some(item) => Contacts {
                emails: list(&item, "emails"),
                phones: list(&item, "phones"),
                version: get_n(&item, "version").unwrap_or(0),
            },
            None => Contacts::default(),
        })
    }

    /// Saves contacts as version `expected + 1` if the stored version is still `expected`.
    pub async fn save_contacts(
        &self,
        customer: &CustomerId,
        emails: &[String],
        phones: &[String],
        expected: u64,
        by: &str,
        now: u64,
    ) -> Result<SaveOutcome, StoreError> {
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk(customer)))
            .item("sk", s("contacts"))
            .item("emails", AttributeValue::L(emails.iter().map(s).collect()))
            .item("phones", AttributeValue::L(phones.iter().map(s).collect()))
            .item("version", n(expected + 1))
            .item("updated_at", n(now))
            .item("updated_by", s(by));
        save_versioned(put, expected).await
    }

    /// Records an event in the company's activity log (`activity#<time>#<random>` items).
    pub async fn record_activity(
        &self,
        customer: &CustomerId,
        now: u64,
        fields: &[(&str, &str)],
    ) -> Result<(), StoreError> {
        let suffix = crate::domain::secret::Secret::generate().hash();
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk(customer)))
            .item("sk", s(format!("activity#{now:012}#{}", &suffix[..12])))
            .item("at", AttributeValue::N(now.to_string()));
        for (name, value) in fields {
            put = put.item(*name, s(*value));
        }
        put.send()
            .await
            .map_err(|e| StoreError::from_sdk("record activity", e))?;
        Ok(())
    }

    /// One page of the activity log, newest first, continuing after the sort key `after`.
    pub async fn activity(
        &self,
        customer: &CustomerId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Activity>, Option<String>), StoreError> {
        let start = after.map(|sk| {
            let mut key = Item::new();
            key.insert("pk".into(), s(pk(customer)));
            key.insert("sk".into(), s(sk));
            key
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
            .expression_attribute_values(":p", s(pk(customer)))
            .expression_attribute_values(":prefix", s("activity#"))
            .scan_index_forward(false)
            .limit(limit as i32)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("list activity", e))?;
        let events = output
            .items()
            .iter()
            .map(|item| Activity {
                key: get_s(item, "sk").unwrap_or_default().to_string(),
                at: get_n(item, "at").unwrap_or_default(),
                fields: item
                    .iter()
                    .filter(|(name, _)| !["pk", "sk", "at"].contains(&name.as_str()))
                    .filter_map(|(name, value)| Some((name.clone(), value.as_s().ok()?.clone())))
                    .collect(),
            })
            .collect();
        let next = output
            .last_evaluated_key
            .as_ref()
            .and_then(|key| get_s(key, "sk"))
            .map(str::to_string);
        Ok((events, next))
    }

    pub async fn add_change_request(
        &self,
        customer: &CustomerId,
        request: &ChangeRequest,
    ) -> Result<(), StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk(customer)))
            .item("sk", s(format!("change#{}", request.id)))
            .item("requested_at", n(request.requested_at))
            .item("requested_by", s(&request.requested_by))
            .item("reason", s(&request.reason))
            .item("status", s(&request.status));
        if let Some(name) = &request.legal_name {
            put = put.item("legal_name", s(name));
        }
        if let Some(country) = &request.country {
            put = put.item("country", s(country));
        }
        put.send()
            .await
            .map_err(|e| StoreError::from_sdk("add change request", e))?;
        Ok(())
    }

    pub async fn change_requests(
        &self,
        customer: &CustomerId,
    ) -> Result<Vec<ChangeRequest>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
            .expression_attribute_values(":p", s(pk(customer)))
            .expression_attribute_values(":prefix", s("change#"))
            .scan_index_forward(false)
            .limit(50)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("list change requests", e))?;
        Ok(output
            .items()
            .iter()
            .map(|item| ChangeRequest {
                id: get_s(item, "sk")
                    .unwrap_or_default()
                    .trim_start_matches("change#")
                    .to_string(),
                requested_at: get_n(item, "requested_at").unwrap_or_default(),
                requested_by: get_s(item, "requested_by").unwrap_or_default().to_string(),
                legal_name: get_s(item, "legal_name").map(str::to_string),
                country: get_s(item, "country").map(str::to_string),
                reason: get_s(item, "reason").unwrap_or_default().to_string(),
                status: get_s(item, "status").unwrap_or("pending").to_string(),
            })
            .collect())
    }
}

/// Puts the item only if the stored `version` is `expected` (0: nothing stored yet).
async fn save_versioned(
    put: aws_sdk_dynamodb::operation::put_item::builders::PutItemFluentBuilder,
    expected: u64,
) -> Result<SaveOutcome, StoreError> {
    let put = if expected == 0 {
        put.condition_expression("attribute_not_exists(pk)")
    } else {
        put.condition_expression("version = :expected")
            .expression_attribute_values(":expected", n(expected))
    };
    match put.send().await {
        Ok(_) => Ok(SaveOutcome::Saved {
            version: expected + 1,
        }),
        Err(err) => match err.into_service_error() {
            PutItemError::ConditionalCheckFailedException(_) => Ok(SaveOutcome::Stale),
            other => Err(StoreError::from_sdk("versioned save", other)),
        },
    }
}

fn billing_from(item: &Item) -> Billing {
    let text = |name: &str| get_s(item, name).unwrap_or_default().to_string();
    Billing {
        data: BillingData {
            legal_name: text("legal_name"),
            line1: text("line1"),
            line2: text("line2"),
            postal_code: text("postal_code"),
            city: text("city"),
            country: text("country"),
            vat_id: text("vat_id"),
            invoice_emails: item
                .get("invoice_emails")
                .and_then(|v| v.as_l().ok())
                .map(|list| list.iter().filter_map(|v| v.as_s().ok().cloned()).collect())
                .unwrap_or_default(),
            po_reference: text("po_reference"),
            notify_new_invoices: item
                .get("notify_new_invoices")
                .and_then(|v| v.as_bool().ok())
                .copied()
                .unwrap_or(true),
        },
        version: get_n(item, "version").unwrap_or(0),
    }
}
