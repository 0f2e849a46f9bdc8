//! Documents in the portal table (`customer#<id>` / `doc#<document id>`) and their files in the
//! documents bucket. Every key starts from the session's customer id.

use super::{get_s, s, Item, StoreError};
use crate::domain::documents::{
    Currency, Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use crate::domain::ids::CustomerId;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::BTreeMap;
use std::time::Duration;

#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub id: DocumentId,
    pub kind: DocumentKind,
    pub number: DocumentNumber,
    pub issued: Date,
    pub due: Option<Date>,
    pub net: Money,
    pub tax: Money,
    pub gross: Money,
    pub status: DocumentStatus,
    /// An e-invoice (XRechnung / ZUGFeRD XML) is stored next to the PDF.
    pub has_xml: bool,
    /// Free-form references such as `order` or `commission`.
    pub references: BTreeMap<String, String>,
}

pub struct DocumentStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

fn pk(customer: &CustomerId) -> String {
    format!("customer#{}", customer.as_str())
}
fn sk(id: &DocumentId) -> String {
    format!("doc#{}", id.as_str())
}

impl DocumentStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: &str) -> Self {
        DocumentStore {
            client,
            table: table.to_string(),
        }
    }

    pub async fn put(&self, customer: &CustomerId, doc: &Document) -> Result<(), StoreError> {
        let mut put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(pk(customer)))
            .item("sk", s(sk(&doc.id)))
            .item("kind", s(doc.kind.code()))
            .item("number", s(doc.number.as_str()))
            .item("issued", s(doc.issued.to_string()))
            .item("net", AttributeValue::N(doc.net.minor.to_string()))
            .item("tax", AttributeValue::N(doc.tax.minor.to_string()))
            .item("gross", AttributeValue::N(doc.gross.minor.to_string()))
            .item("currency", s(doc.gross.currency.as_str()))
            .item("status", s(doc.status.code()))
            .item("has_xml", AttributeValue::Bool(doc.has_xml));
        if let Some(due) = doc.due {
            put = put.item("due", s(due.to_string()));
        }
        if !doc.references.is_empty() {
            let refs = doc
                .references
                .iter()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect();
            put = put.item("refs", AttributeValue::M(refs));
        }
        put.send()
            .await
            .map_err(|e| StoreError::from_sdk("put document", e))?;
        Ok(())
    }

    /// One document of `customer`; a foreign or unknown id is simply `None`.
    pub async fn get(
        &self,
        customer: &CustomerId,
        id: &DocumentId,
    ) -> Result<Option<Document>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(customer)))
            .key("sk", s(sk(id)))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get document", e))?;
        output.item.as_ref().map(document_from).transpose()
    }
}

fn document_from(item: &Item) -> Result<Document, StoreError> {
    let corrupt = || StoreError::corrupt("document");
    let text = |name: &str| get_s(item, name).ok_or_else(corrupt);
    let currency = Currency::parse(text("currency")?).map_err(|_| corrupt())?;
    let money = |name: &str| -> Result<Money, StoreError> {
        let minor = item
            .get(name)
            .and_then(|v| v.as_n().ok())
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(corrupt)?;
        Ok(Money { minor, currency })
    };
    let id = text("sk")?
        .strip_prefix("doc#")
        .and_then(|id| DocumentId::parse(id).ok())
        .ok_or_else(corrupt)?;
    Ok(Document {
        id,
        kind: DocumentKind::from_code(text("kind")?).ok_or_else(corrupt)?,
        number: DocumentNumber::parse(text("number")?).map_err(|_| corrupt())?,
        issued: Date::parse(text("issued")?).map_err(|_| corrupt())?,
        due: get_s(item, "due").and_then(|d| Date::parse(d).ok()),
        net: money("net")?,
        tax: money("tax")?,
        gross: money("gross")?,
        status: DocumentStatus::from_code(text("status")?).ok_or_else(corrupt)?,
        has_xml: item
            .get("has_xml")
            .and_then(|v| v.as_bool().ok())
            .copied()
            .unwrap_or(false),
        references: item
            .get("refs")
            .and_then(|v| v.as_m().ok())
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_s().ok()?.clone())))
                    .collect()
            })
            .unwrap_or_default(),
    })
}

/// The documents bucket: presigned downloads after the ownership check, uploads by import.
pub struct FileStore {
    client: aws_sdk_s3::Client,
    bucket: String,
}

/// Presigned URLs live this long (SECURITY.md: at most 60 s).
pub const PRESIGN_SECONDS: u64 = 60;

impl FileStore {
    pub fn new(client: aws_sdk_s3::Client, bucket: &str) -> Self {
        FileStore {
            client,
            bucket: bucket.to_string(),
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        match self
            .client
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(err) => match err.into_service_error() {
                aws_sdk_s3::operation::head_object::HeadObjectError::NotFound(_) => Ok(false),
                other => Err(StoreError::from_sdk("head object", other)),
            },
        }
    }

    /// A GET URL valid for `PRESIGN_SECONDS` that makes the browser save the file as `filename`.
    pub async fn presign_download(
        &self,
        key: &str,
        filename: &str,
        content_type: &str,
    ) -> Result<String, StoreError> {
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(Duration::from_secs(
            PRESIGN_SECONDS,
        ))
        .map_err(|e| StoreError::from_sdk("presign", e))?;
        let request = self
            .client
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(format!("attachment; filename=\"{filename}\""))
            .response_content_type(content_type)
            .presigned(config)
            .await
            .map_err(|e| StoreError::from_sdk("presign", e))?;
        Ok(request.uri().to_string())
    }

    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StoreError> {
        self.client
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(bytes.into())
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put object", e))?;
        Ok(())
    }
}
