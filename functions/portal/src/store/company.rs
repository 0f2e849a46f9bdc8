//! A company's billing data (`customer#<id>` / `billing`, versioned for optimistic locking) and
//! its change requests for locked fields (`customer#<id>` / `change#<time>#<random>`).

use super::{get_n, get_s, n, s, Item, StoreError};
use crate::domain::ids::CompanyId;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
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

/// A bank account for SEPA direct debit as stored: the IBAN only sealed and masked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPayment {
    pub holder: String,
    pub iban_sealed: String,
    pub iban_masked: String,
    pub bic: Option<String>,
    pub mandate_accepted_at: u64,
    pub mandate_accepted_by: String,
    pub version: u64,
}

/// An activity-log entry to write. A change and the entry that records it are written in one
/// transaction, so a failed request never leaves the one without the other.
#[derive(Debug, Clone)]
pub struct NewActivity {
    company: CompanyId,
    at: u64,
    fields: Vec<(&'static str, String)>,
}

impl NewActivity {
    /// `event` at `at` for `company`; add `by`, `changes`, … with [`NewActivity::with`].
    pub fn new(company: &CompanyId, at: u64, event: &str) -> Self {
        NewActivity {
            company: company.clone(),
            at,
            fields: vec![("event", event.to_string())],
        }
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((name, value.into()));
        self
    }

    /// The item (`activity#<time>#<random>`: parallel entries of one second never collide).
    fn item(&self) -> Item {
        let suffix = crate::domain::secret::Secret::generate().hash();
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(&self.company)));
        item.insert(
            "sk".into(),
            s(format!("activity#{:012}#{}", self.at, &suffix[..12])),
        );
        item.insert("at".into(), n(self.at));
        for (name, value) in &self.fields {
            item.insert((*name).to_string(), s(value.as_str()));
        }
        item
    }

    pub(crate) fn transact_put(&self, table: &str) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(self.item()))
            .build()
            .map_err(|e| StoreError::from_sdk("build activity", e))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }
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

pub struct CompanyStore {
    client: Client,
    table: String,
}

fn pk(company: &CompanyId) -> String {
    format!("customer#{}", company.as_str())
}

impl CompanyStore {
    pub fn new(client: Client, table: &str) -> Self {
        CompanyStore {
            client,
            table: table.to_string(),
        }
    }

    pub async fn billing(&self, company: &CompanyId) -> Result<Option<Billing>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
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
        company: &CompanyId,
        data: &BillingData,
        expected: u64,
        by: &str,
        now: u64,
        activity: &NewActivity,
    ) -> Result<SaveOutcome, StoreError> {
        let mut item = Item::new();
        for (name, value) in [
            ("pk", pk(company)),
            ("sk", "billing".to_string()),
            ("legal_name", data.legal_name.clone()),
            ("line1", data.line1.clone()),
            ("line2", data.line2.clone()),
            ("postal_code", data.postal_code.clone()),
            ("city", data.city.clone()),
            ("country", data.country.clone()),
            ("vat_id", data.vat_id.clone()),
            ("po_reference", data.po_reference.clone()),
            ("updated_by", by.to_string()),
        ] {
            item.insert(name.into(), s(value));
        }
        item.insert(
            "invoice_emails".into(),
            AttributeValue::L(data.invoice_emails.iter().map(s).collect()),
        );
        item.insert(
            "notify_new_invoices".into(),
            AttributeValue::Bool(data.notify_new_invoices),
        );
        item.insert("version".into(), n(expected + 1));
        item.insert("updated_at".into(), n(now));
        self.save_versioned(item, expected, activity, "save billing")
            .await
    }

    pub async fn contacts(&self, company: &CompanyId) -> Result<Contacts, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
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
    #[allow(clippy::too_many_arguments)]
    pub async fn save_contacts(
        &self,
        company: &CompanyId,
        emails: &[String],
        phones: &[String],
        expected: u64,
        by: &str,
        now: u64,
        activity: &NewActivity,
    ) -> Result<SaveOutcome, StoreError> {
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(company)));
        item.insert("sk".into(), s("contacts"));
        item.insert(
            "emails".into(),
            AttributeValue::L(emails.iter().map(s).collect()),
        );
        item.insert(
            "phones".into(),
            AttributeValue::L(phones.iter().map(s).collect()),
        );
        item.insert("version".into(), n(expected + 1));
        item.insert("updated_at".into(), n(now));
        item.insert("updated_by".into(), s(by));
        self.save_versioned(item, expected, activity, "save contacts")
            .await
    }

    /// Puts `item` only if the stored `version` is `expected` (0: nothing stored yet), together
    /// with the activity entry that records it.
    async fn save_versioned(
        &self,
        item: Item,
        expected: u64,
        activity: &NewActivity,
        what: &str,
    ) -> Result<SaveOutcome, StoreError> {
        let put = Put::builder().table_name(&self.table).set_item(Some(item));
        let put = if expected == 0 {
            put.condition_expression("attribute_not_exists(pk)")
        } else {
            put.condition_expression("version = :expected")
                .expression_attribute_values(":expected", n(expected))
        };
        let put = put.build().map_err(|e| StoreError::from_sdk("build", e))?;
        let writes = vec![
            TransactWriteItem::builder().put(put).build(),
            activity.transact_put(&self.table)?,
        ];
        // Cancelled: the version condition failed or a parallel save held the item; either way
        // somebody else saved first, and the caller answers with the current data.
        Ok(if super::commit(&self.client, writes, what).await? {
            SaveOutcome::Saved {
                version: expected + 1,
            }
        } else {
            SaveOutcome::Stale
        })
    }

    /// `activity` as one write of a transaction another store commits.
    pub(crate) fn activity_write(
        &self,
        activity: &NewActivity,
    ) -> Result<TransactWriteItem, StoreError> {
        activity.transact_put(&self.table)
    }

    /// The stored bank account for SEPA direct debit (IBAN sealed), if any.
    pub async fn payment(&self, company: &CompanyId) -> Result<Option<StoredPayment>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s("payment"))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get payment details", e))?;
        Ok(output.item.map(|item| StoredPayment {
            holder: get_s(&item, "holder").unwrap_or_default().to_string(),
            iban_sealed: get_s(&item, "iban_sealed").unwrap_or_default().to_string(),
            iban_masked: get_s(&item, "iban_masked").unwrap_or_default().to_string(),
            bic: get_s(&item, "bic").map(str::to_string),
            mandate_accepted_at: get_n(&item, "mandate_accepted_at").unwrap_or_default(),
            mandate_accepted_by: get_s(&item, "mandate_accepted_by")
                .unwrap_or_default()
                .to_string(),
            version: get_n(&item, "version").unwrap_or(0),
        }))
    }

    /// Saves bank details as version `expected + 1` if the stored version is still `expected`.
    pub async fn save_payment(
        &self,
        company: &CompanyId,
        payment: &StoredPayment,
        expected: u64,
        activity: &NewActivity,
    ) -> Result<SaveOutcome, StoreError> {
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(company)));
        item.insert("sk".into(), s("payment"));
        item.insert("holder".into(), s(&payment.holder));
        item.insert("iban_sealed".into(), s(&payment.iban_sealed));
        item.insert("iban_masked".into(), s(&payment.iban_masked));
        if let Some(bic) = &payment.bic {
            item.insert("bic".into(), s(bic));
        }
        item.insert("mandate_accepted_at".into(), n(payment.mandate_accepted_at));
        item.insert(
            "mandate_accepted_by".into(),
            s(&payment.mandate_accepted_by),
        );
        item.insert("version".into(), n(expected + 1));
        self.save_versioned(item, expected, activity, "save payment details")
            .await
    }

    /// Records an event that changes nothing else (a download, a login, an export).
    pub async fn record_activity(&self, activity: &NewActivity) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(activity.item()))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("record activity", e))?;
        Ok(())
    }

    /// One page of the activity log, newest first, continuing after the sort key `after`.
    pub async fn activity(
        &self,
        company: &CompanyId,
        after: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Activity>, Option<String>), StoreError> {
        let start = after.map(|sk| {
            let mut key = Item::new();
            key.insert("pk".into(), s(pk(company)));
            key.insert("sk".into(), s(sk));
            key
        });
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
            .expression_attribute_values(":p", s(pk(company)))
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

    /// Stores a change request together with the activity entry that records it.
    pub async fn add_change_request(
        &self,
        company: &CompanyId,
        request: &ChangeRequest,
        activity: &NewActivity,
    ) -> Result<(), StoreError> {
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(company)));
        item.insert("sk".into(), s(format!("change#{}", request.id)));
        item.insert("requested_at".into(), n(request.requested_at));
        item.insert("requested_by".into(), s(&request.requested_by));
        item.insert("reason".into(), s(&request.reason));
        item.insert("status".into(), s(&request.status));
        if let Some(name) = &request.legal_name {
            item.insert("legal_name".into(), s(name));
        }
        if let Some(country) = &request.country {
            item.insert("country".into(), s(country));
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(activity.transact_put(&self.table)?)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("add change request", e))?;
        Ok(())
    }

    pub async fn change_requests(
        &self,
        company: &CompanyId,
    ) -> Result<Vec<ChangeRequest>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
            .expression_attribute_values(":p", s(pk(company)))
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
