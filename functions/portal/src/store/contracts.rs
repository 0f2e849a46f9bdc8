//! A company's contracts (`customer#<id>` / `contract#<contract id>`, written by
//! `portal-admin import contracts` from the billing system) and the change requests made in the
//! portal (`contract-request#<request id>`). One request of a kind per contract may be pending:
//! a marker item (`contract-pending#<contract>#<kind>`) written with the request holds the place.

use super::company::NewActivity;
use super::{get_n, get_s, n, s, Item, StoreError};
use crate::domain::contract::{ChangeKind, Contract, Licence, Term};
use crate::domain::documents::{Currency, Date, Money};
use crate::domain::ids::CompanyId;
use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Pending,
    Done,
    Rejected,
}

impl RequestStatus {
    pub fn code(self) -> &'static str {
        match self {
            RequestStatus::Pending => "pending",
            RequestStatus::Done => "done",
            RequestStatus::Rejected => "rejected",
        }
    }

    pub fn from_code(code: &str) -> Option<RequestStatus> {
        [
            RequestStatus::Pending,
            RequestStatus::Done,
            RequestStatus::Rejected,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRequest {
    pub id: String,
    pub contract: String,
    pub kind: ChangeKind,
    pub seats: Option<u32>,
    pub effective: Date,
    pub status: RequestStatus,
    pub requested_at: u64,
    pub requested_by: String,
}

#[derive(Clone)]
pub struct ContractStore {
    client: Client,
    table: String,
}

fn pk(company: &CompanyId) -> String {
    format!("customer#{}", company.as_str())
}

fn marker(contract: &str, kind: ChangeKind) -> String {
    format!("contract-pending#{contract}#{}", kind.code())
}

/// Whether `raw` can be a contract id (as the billing system gives it): checked before any call.
pub fn valid_contract_id(raw: &str) -> bool {
    (1..=40).contains(&raw.len())
        && raw
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
}

impl ContractStore {
    pub fn new(client: Client, table: &str) -> Self {
        ContractStore {
            client,
            table: table.to_string(),
        }
    }

    /// Writes a contract as the billing system reports it (import).
    pub async fn put(
        &self,
        company: &CompanyId,
        contract: &Contract,
        now: u64,
    ) -> Result<(), StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk(company)))
            .item("sk", s(format!("contract#{}", contract.id)))
            .item("plan", s(&contract.plan))
            .item("licence", s(contract.licence.code()))
            .item("seats", n(u64::from(contract.seats)))
            .item("term", s(contract.term.code()))
            .item(
                "price_minor",
                AttributeValue::N(contract.price.minor.to_string()),
            )
            .item("currency", s(contract.price.currency.as_str()))
            .item("started", s(contract.started.to_string()))
            .item("next_billing", s(contract.next_billing.to_string()))
            .item("cancelled", AttributeValue::Bool(contract.cancelled))
            .item("updated_at", n(now));
        if let Some(ends) = contract.ends {
            put = put.item("ends", s(ends.to_string()));
        }
        put.send()
            .await
            .map_err(|e| StoreError::from_sdk("put contract", e))?;
        Ok(())
    }

    /// The company's contracts and its change requests (newest first), in one query.
    pub async fn all(
        &self,
        company: &CompanyId,
    ) -> Result<(Vec<Contract>, Vec<ContractRequest>), StoreError> {
        let items = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
            .expression_attribute_values(":p", s(pk(company)))
            .expression_attribute_values(":prefix", s("contract"))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| StoreError::from_sdk("list contracts", e))?;
        let mut contracts = Vec::new();
        let mut requests = Vec::new();
        for item in &items {
            let sk = get_s(item, "sk").unwrap_or_default();
            if let Some(id) = sk.strip_prefix("contract#") {
                contracts.push(contract_from(id, item)?);
            } else if let Some(id) = sk.strip_prefix("contract-request#") {
                requests.push(request_from(id, item)?);
            }
        }
        requests.sort_by(|a, b| b.id.cmp(&a.id));
        Ok((contracts, requests))
    }

    /// Stores a pending request with its activity entry; `false` when one of the same kind is
    /// already pending for the contract.
    pub async fn add_request(
        &self,
        company: &CompanyId,
        request: &ContractRequest,
        activity: &NewActivity,
    ) -> Result<bool, StoreError> {
        let build = |e| StoreError::from_sdk("build", e);
        let hold = Put::builder()
            .table_name(&self.table)
            .item("pk", s(pk(company)))
            .item("sk", s(marker(&request.contract, request.kind)))
            .item("request", s(&request.id))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(build)?;
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(company)));
        item.insert("sk".into(), s(format!("contract-request#{}", request.id)));
        item.insert("contract".into(), s(&request.contract));
        item.insert("kind".into(), s(request.kind.code()));
        if let Some(seats) = request.seats {
            item.insert("seats".into(), n(u64::from(seats)));
        }
        item.insert("effective".into(), s(request.effective.to_string()));
        item.insert("status".into(), s(request.status.code()));
        item.insert("requested_at".into(), n(request.requested_at));
        item.insert("requested_by".into(), s(&request.requested_by));
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .build()
            .map_err(build)?;
        let writes = vec![
            TransactWriteItem::builder().put(hold).build(),
            TransactWriteItem::builder().put(put).build(),
            activity.transact_put(&self.table)?,
        ];
        super::commit(&self.client, writes, "add contract request").await
    }

    /// Closes a pending request as done or rejected, with support's or the billing system's
    /// reason, and writes `activity(&request)` in the same transaction. Only a pending request
    /// closes, so a repeated answer (an event delivered twice, an import run again) changes
    /// nothing.
    pub async fn resolve(
        &self,
        company: &CompanyId,
        id: &str,
        status: RequestStatus,
        reason: Option<&str>,
        now: u64,
        activity: impl FnOnce(&ContractRequest) -> NewActivity,
    ) -> Result<Resolve, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s(format!("contract-request#{id}")))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get contract request", e))?;
        let Some(item) = output.item else {
            return Ok(Resolve::Missing);
        };
        let mut request = request_from(id, &item)?;
        if request.status != RequestStatus::Pending {
            return Ok(Resolve::AlreadyClosed(request.status));
        }
        let build = |e| StoreError::from_sdk("build", e);
        let mut update = Update::builder()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s(format!("contract-request#{id}")))
            .update_expression(if reason.is_some() {
                "SET #status = :status, resolved_at = :now, reason = :reason"
            } else {
                "SET #status = :status, resolved_at = :now"
            })
            .condition_expression("#status = :pending")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status.code()))
            .expression_attribute_values(":pending", s("pending"))
            .expression_attribute_values(":now", n(now));
        if let Some(reason) = reason {
            update = update.expression_attribute_values(":reason", s(reason));
        }
        let update = update.build().map_err(build)?;
        let release = Delete::builder()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s(marker(&request.contract, request.kind)))
            .build()
            .map_err(build)?;
        request.status = status;
        let writes = vec![
            TransactWriteItem::builder().update(update).build(),
            TransactWriteItem::builder().delete(release).build(),
            activity(&request).transact_put(&self.table)?,
        ];
        if !super::commit(&self.client, writes, "resolve contract request").await? {
            // Another answer closed it between the read and the write.
            return Ok(Resolve::AlreadyClosed(RequestStatus::Pending));
        }
        Ok(Resolve::Closed(request))
    }
}

/// What [`ContractStore::resolve`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolve {
    /// Closed now; the request with its new status.
    Closed(ContractRequest),
    /// The company has no request of that id.
    Missing,
    /// Already done or rejected (`Pending`: closed by a concurrent answer).
    AlreadyClosed(RequestStatus),
}

fn contract_from(id: &str, item: &Item) -> Result<Contract, StoreError> {
    let corrupt = || StoreError::corrupt("contract");
    let text = |name: &str| get_s(item, name).ok_or_else(corrupt);
    let date = |name: &str| Date::parse(text(name)?).map_err(|_| corrupt());
    let minor: i64 = item
        .get("price_minor")
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
        .ok_or_else(corrupt)?;
    Ok(Contract {
        id: id.to_string(),
        plan: text("plan")?.to_string(),
        licence: Licence::from_code(text("licence")?).ok_or_else(corrupt)?,
        seats: get_n(item, "seats")
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(corrupt)?,
        term: Term::from_code(text("term")?).ok_or_else(corrupt)?,
        price: Money {
            minor,
            currency: Currency::parse(text("currency")?).map_err(|_| corrupt())?,
        },
        started: date("started")?,
        next_billing: date("next_billing")?,
        ends: get_s(item, "ends").and_then(|d| Date::parse(d).ok()),
        cancelled: item
            .get("cancelled")
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(false),
    })
}

fn request_from(id: &str, item: &Item) -> Result<ContractRequest, StoreError> {
    let corrupt = || StoreError::corrupt("contract request");
    let text = |name: &str| get_s(item, name).ok_or_else(corrupt);
    Ok(ContractRequest {
        id: id.to_string(),
        contract: text("contract")?.to_string(),
        kind: ChangeKind::from_code(text("kind")?).ok_or_else(corrupt)?,
        seats: get_n(item, "seats").and_then(|v| u32::try_from(v).ok()),
        effective: Date::parse(text("effective")?).map_err(|_| corrupt())?,
        status: RequestStatus::from_code(text("status")?).ok_or_else(corrupt)?,
        requested_at: get_n(item, "requested_at").ok_or_else(corrupt)?,
        requested_by: text("requested_by")?.to_string(),
    })
}
