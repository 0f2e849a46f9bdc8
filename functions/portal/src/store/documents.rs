//! Documents in the portal table (`customer#<id>` / `doc#<document id>`) and their files in the
//! documents bucket. Every key starts from the session's company id.

use super::{get_s, s, Item, StoreError};
use crate::domain::documents::{
    Currency, Date, DocumentId, DocumentKind, DocumentNumber, DocumentStatus, Money,
};
use crate::domain::ids::CompanyId;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem};
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
    /// The customer's proof of payment, once one was uploaded (kept across re-imports).
    pub proof: Option<Proof>,
}

/// A proof of payment a customer uploaded for an open invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    pub submitted_at: u64,
    pub by: String,
    pub file_type: crate::domain::upload::FileType,
    pub size: u64,
    /// The object in the documents bucket (`uploads/<customer>/…`).
    pub key: String,
}

/// A page request: filters, where to continue, how many.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub kind: Option<DocumentKind>,
    pub status: Option<DocumentStatus>,
    pub year: Option<u16>,
    pub month: Option<u8>,
    pub after: Option<DocumentId>,
    pub limit: usize,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub documents: Vec<Document>,
    /// Where the next page starts, when there may be one.
    pub next: Option<DocumentId>,
    /// Queries sent and items DynamoDB read for this page (what a page costs; `make bench`
    /// shows it does not grow with the size of the history).
    pub queries: u32,
    pub items_read: u64,
}

/// The gross total of one month in one currency.
#[derive(Debug, Clone, PartialEq)]
pub struct MonthTotal {
    pub month: u8,
    pub total: Money,
    pub count: u32,
}

/// Upper bound of queries for one filtered page (kind *and* status filter).
const MAX_ROUNDS: usize = 10;
/// With a filter expression DynamoDB counts items before filtering: read in larger steps.
fn round_limit(wanted: usize, filtered: bool) -> i32 {
    (if filtered { wanted.max(100) } else { wanted }) as i32
}

/// Upper bound of items a search reads per index.
const SEARCH_CAP: i32 = 100;

pub struct DocumentStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

fn pk(company: &CompanyId) -> String {
    format!("customer#{}", company.as_str())
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

    /// The document item (with its index attributes) and one search item per reference.
    fn document_puts(&self, company: &CompanyId, doc: &Document) -> Result<Vec<Put>, StoreError> {
        let build = |e| StoreError::from_sdk("build", e);
        let mut item = Put::builder()
            .table_name(&self.table)
            .item("pk", s(pk(company)))
            .item("sk", s(sk(&doc.id)))
            .item(
                "kind_pk",
                s(format!("{}#kind#{}", pk(company), doc.kind.code())),
            )
            .item(
                "status_pk",
                s(format!("{}#status#{}", pk(company), doc.status.code())),
            )
            .item("num_pk", s(pk(company)))
            .item("number_lc", s(doc.number.as_str().to_lowercase()))
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
            item = item.item("due", s(due.to_string()));
        }
        if let Some(proof) = &doc.proof {
            item = item.item("proof", proof_attribute(proof));
        }
        if !doc.references.is_empty() {
            let refs = doc
                .references
                .iter()
                .map(|(k, v)| (k.clone(), s(v)))
                .collect();
            item = item.item("refs", AttributeValue::M(refs));
        }
        let mut puts = vec![item.build().map_err(build)?];
        for value in doc.references.values() {
            let reference = Put::builder()
                .table_name(&self.table)
                .item("pk", s(pk(company)))
                .item(
                    "sk",
                    s(format!("ref#{}#{}", value.to_lowercase(), doc.id.as_str())),
                )
                .item("doc", s(doc.id.as_str()))
                .build()
                .map_err(build)?;
            puts.push(reference);
        }
        Ok(puts)
    }

    /// Writes a document and its search items in one transaction.
    pub async fn put(&self, company: &CompanyId, doc: &Document) -> Result<(), StoreError> {
        let writes = self
            .document_puts(company, doc)?
            .into_iter()
            .map(|put| TransactWriteItem::builder().put(put).build())
            .collect();
        self.client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("put document", e))?;
        Ok(())
    }

    /// Writes many documents fast (BatchWriteItem, 25 items a call, unprocessed items retried):
    /// for bulk loads where each document's files are already in place.
    pub async fn put_many(&self, company: &CompanyId, docs: &[Document]) -> Result<(), StoreError> {
        let mut requests = Vec::new();
        for doc in docs {
            for put in self.document_puts(company, doc)? {
                let item = put.item().clone();
                requests.push(
                    aws_sdk_dynamodb::types::WriteRequest::builder()
                        .put_request(
                            aws_sdk_dynamodb::types::PutRequest::builder()
                                .set_item(Some(item))
                                .build()
                                .map_err(|e| StoreError::from_sdk("build", e))?,
                        )
                        .build(),
                );
            }
        }
        for chunk in requests.chunks(25) {
            let mut pending = Some(chunk.to_vec());
            for attempt in 0..8u32 {
                let Some(batch) = pending.take().filter(|b| !b.is_empty()) else {
                    break;
                };
                if attempt > 0 {
                    tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
                }
                let output = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, batch)
                    .send()
                    .await
                    .map_err(|e| StoreError::from_sdk("batch write documents", e))?;
                pending = output
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table));
            }
            if pending.is_some_and(|p| !p.is_empty()) {
                return Err(StoreError::corrupt("batch write left unprocessed items"));
            }
        }
        Ok(())
    }

    /// One page of `customer`'s documents, newest first. Every read is a key-condition query on
    /// the table or on the kind / status index, never a scan.
    pub async fn list(&self, company: &CompanyId, query: &ListQuery) -> Result<Page, StoreError> {
        let (index, pk_attribute, pk_value) = match (query.status, query.kind) {
            (Some(status), _) => (
                Some("ByStatus"),
                "status_pk",
                format!("{}#status#{}", pk(company), status.code()),
            ),
            (None, Some(kind)) => (
                Some("ByKind"),
                "kind_pk",
                format!("{}#kind#{}", pk(company), kind.code()),
            ),
            (None, None) => (None, "pk", pk(company)),
        };
        let prefix = match (query.year, query.month) {
            (Some(year), Some(month)) => format!("doc#{year:04}{month:02}"),
            (Some(year), None) => format!("doc#{year:04}"),
            _ => "doc#".to_string(),
        };
        let filter_kind = query.status.is_some().then_some(query.kind).flatten();
        let mut start: Option<Item> = query.after.as_ref().map(|after| {
            let mut key = Item::new();
            key.insert("pk".into(), s(pk(company)));
            key.insert("sk".into(), s(sk(after)));
            key.insert(pk_attribute.into(), s(&pk_value));
            key
        });
        let mut documents = Vec::new();
        let (mut queries, mut items_read) = (0, 0);
        for _ in 0..MAX_ROUNDS {
            let mut request = self
                .client
                .query()
                .table_name(&self.table)
                .set_index_name(index.map(str::to_string))
                .key_condition_expression("#p = :p AND begins_with(sk, :prefix)")
                .expression_attribute_names("#p", pk_attribute)
                .expression_attribute_values(":p", s(&pk_value))
                .expression_attribute_values(":prefix", s(&prefix))
                .scan_index_forward(false)
                .limit(round_limit(
                    query.limit + 1 - documents.len(),
                    filter_kind.is_some(),
                ))
                .set_exclusive_start_key(start.take());
            if let Some(kind) = filter_kind {
                request = request
                    .filter_expression("#kind = :kind")
                    .expression_attribute_names("#kind", "kind")
                    .expression_attribute_values(":kind", s(kind.code()));
            }
            let output = request
                .send()
                .await
                .map_err(|e| StoreError::from_sdk("list documents", e))?;
            queries += 1;
            items_read += output.scanned_count().max(0) as u64;
            for item in output.items() {
                documents.push(document_from(item)?);
            }
            start = output.last_evaluated_key;
            if documents.len() > query.limit || start.is_none() {
                break;
            }
        }
        let next = if documents.len() > query.limit {
            documents.truncate(query.limit);
            documents.last().map(|d| d.id.clone())
        } else {
            start
                .as_ref()
                .and_then(|key| get_s(key, "sk"))
                .and_then(|sk| sk.strip_prefix("doc#"))
                .and_then(|id| DocumentId::parse(id).ok())
        };
        Ok(Page {
            documents,
            next,
            queries,
            items_read,
        })
    }

    /// Whether the company has received any invoice (then its legal name and country are locked).
    pub async fn has_invoice(&self, company: &CompanyId) -> Result<bool, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByKind")
            .key_condition_expression("kind_pk = :p")
            .expression_attribute_values(
                ":p",
                s(format!(
                    "{}#kind#{}",
                    pk(company),
                    DocumentKind::Invoice.code()
                )),
            )
            .limit(1)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("has invoice", e))?;
        Ok(output.count() > 0)
    }

    /// Gross totals of invoices and credit notes per month of `year`, from a projection of the
    /// year's key range (a few bytes per document, so even 20,000 documents read in one or two
    /// pages). Credit notes count negatively; cancelled documents do not count.
    pub async fn month_totals(
        &self,
        company: &CompanyId,
        year: u16,
    ) -> Result<Vec<MonthTotal>, StoreError> {
        let mut totals: BTreeMap<(u8, String), (i64, u32)> = BTreeMap::new();
        let mut start: Option<Item> = None;
        loop {
            let output = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
                .expression_attribute_values(":p", s(pk(company)))
                .expression_attribute_values(":prefix", s(format!("doc#{year:04}")))
                .projection_expression("sk, #kind, #status, gross, currency")
                .expression_attribute_names("#kind", "kind")
                .expression_attribute_names("#status", "status")
                .set_exclusive_start_key(start.take())
                .send()
                .await
                .map_err(|e| StoreError::from_sdk("month totals", e))?;
            for item in output.items() {
                let kind = get_s(item, "kind").and_then(DocumentKind::from_code);
                let sign = match kind {
                    Some(DocumentKind::Invoice) => 1,
                    Some(DocumentKind::CreditNote) => -1,
                    _ => continue,
                };
                if get_s(item, "status") == Some(DocumentStatus::Cancelled.code()) {
                    continue;
                }
                let month = get_s(item, "sk")
                    .and_then(|sk| sk.get(8..10))
                    .and_then(|m| m.parse::<u8>().ok())
                    .ok_or_else(|| StoreError::corrupt("document key"))?;
                let gross = item
                    .get("gross")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse::<i64>().ok())
                    .ok_or_else(|| StoreError::corrupt("gross"))?;
                let currency = get_s(item, "currency").unwrap_or("EUR").to_string();
                let entry = totals.entry((month, currency)).or_default();
                entry.0 += sign * gross;
                entry.1 += 1;
            }
            start = output.last_evaluated_key;
            if start.is_none() {
                break;
            }
        }
        totals
            .into_iter()
            .map(|((month, currency), (minor, count))| {
                Ok(MonthTotal {
                    month,
                    total: Money {
                        minor,
                        currency: Currency::parse(&currency)
                            .map_err(|_| StoreError::corrupt("currency"))?,
                    },
                    count,
                })
            })
            .collect()
    }

    /// Documents whose number starts with `term` or that carry a reference starting with it
    /// (case-insensitive), newest first, at most `limit`.
    pub async fn search(
        &self,
        company: &CompanyId,
        term: &str,
        limit: usize,
    ) -> Result<Vec<Document>, StoreError> {
        let term = term.to_lowercase();
        let by_number = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByNumber")
            .key_condition_expression("num_pk = :p AND begins_with(number_lc, :term)")
            .expression_attribute_values(":p", s(pk(company)))
            .expression_attribute_values(":term", s(&term))
            .limit(SEARCH_CAP)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("search numbers", e))?;
        let by_reference = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :term)")
            .expression_attribute_values(":p", s(pk(company)))
            .expression_attribute_values(":term", s(format!("ref#{term}")))
            .limit(SEARCH_CAP)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("search references", e))?;
        let mut found: BTreeMap<DocumentId, Document> = BTreeMap::new();
        for item in by_number.items() {
            let doc = document_from(item)?;
            found.insert(doc.id.clone(), doc);
        }
        for item in by_reference.items() {
            let Some(id) = get_s(item, "doc").and_then(|id| DocumentId::parse(id).ok()) else {
                continue;
            };
            if found.contains_key(&id) {
                continue;
            }
            // The reference item may be stale (a re-import changed it): check the document.
            if let Some(doc) = self.get(company, &id).await? {
                if doc
                    .references
                    .values()
                    .any(|v| v.to_lowercase().starts_with(&term))
                {
                    found.insert(id, doc);
                }
            }
        }
        Ok(found.into_values().rev().take(limit).collect())
    }

    /// The documents of `customer` with exactly this number (case-insensitive; at most a few:
    /// an invoice and its credit note may share one).
    pub async fn with_number(
        &self,
        company: &CompanyId,
        number: &DocumentNumber,
    ) -> Result<Vec<Document>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name("ByNumber")
            .key_condition_expression("num_pk = :p AND number_lc = :n")
            .expression_attribute_values(":p", s(pk(company)))
            .expression_attribute_values(":n", s(number.as_str().to_lowercase()))
            .limit(10)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("find by number", e))?;
        output.items().iter().map(document_from).collect()
    }

    /// Marks an open or overdue invoice as "proof submitted" together with `activity`, in one
    /// transaction. `Ok(false)` when the document is no longer open (paid or cancelled since).
    pub async fn record_proof(
        &self,
        company: &CompanyId,
        id: &DocumentId,
        proof: &Proof,
        activity: &crate::store::company::NewActivity,
    ) -> Result<bool, StoreError> {
        let update = aws_sdk_dynamodb::types::Update::builder()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s(sk(id)))
            .update_expression("SET proof = :proof")
            .condition_expression(
                "attribute_exists(pk) AND kind = :invoice AND #status IN (:open, :overdue)",
            )
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":proof", proof_attribute(proof))
            .expression_attribute_values(":invoice", s(DocumentKind::Invoice.code()))
            .expression_attribute_values(":open", s(DocumentStatus::Open.code()))
            .expression_attribute_values(":overdue", s(DocumentStatus::Overdue.code()))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        super::commit(
            &self.client,
            vec![
                TransactWriteItem::builder().update(update).build(),
                activity.transact_put(&self.table)?,
            ],
            "record proof of payment",
        )
        .await
    }

    /// One document of `customer`; a foreign or unknown id is simply `None`.
    pub async fn get(
        &self,
        company: &CompanyId,
        id: &DocumentId,
    ) -> Result<Option<Document>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
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
        proof: item
            .get("proof")
            .and_then(|v| v.as_m().ok())
            .map(proof_from)
            .transpose()?,
    })
}

fn proof_attribute(proof: &Proof) -> AttributeValue {
    AttributeValue::M(
        [
            ("at", AttributeValue::N(proof.submitted_at.to_string())),
            ("by", s(&proof.by)),
            ("type", s(proof.file_type.content_type())),
            ("size", AttributeValue::N(proof.size.to_string())),
            ("key", s(&proof.key)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

fn proof_from(map: &Item) -> Result<Proof, StoreError> {
    let corrupt = || StoreError::corrupt("proof of payment");
    Ok(Proof {
        submitted_at: super::get_n(map, "at").ok_or_else(corrupt)?,
        by: get_s(map, "by").ok_or_else(corrupt)?.to_string(),
        file_type: get_s(map, "type")
            .and_then(crate::domain::upload::FileType::from_content_type)
            .ok_or_else(corrupt)?,
        size: super::get_n(map, "size").ok_or_else(corrupt)?,
        key: get_s(map, "key").ok_or_else(corrupt)?.to_string(),
    })
}

/// An S3 client; path-style addressing for stand-ins such as moto.
/// `attachment` under `filename`: as a quoted ASCII name, and for any other name also as
/// RFC 6266's `filename*` in UTF-8 (a header value must be ASCII; browsers take `filename*`).
pub fn content_disposition(filename: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    /// RFC 5987's attr-char, which `filename*` leaves as it is.
    const VALUE: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let plain = |c: char| c.is_ascii() && !c.is_ascii_control() && c != '"' && c != '\\';
    if filename.chars().all(plain) {
        return format!("attachment; filename=\"{filename}\"");
    }
    let fallback: String = filename
        .chars()
        .map(|c| if plain(c) { c } else { '_' })
        .collect();
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(filename, VALUE)
    )
}

pub fn s3_client(sdk: &aws_config::SdkConfig, force_path_style: bool) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(force_path_style)
            .build(),
    )
}

/// The documents bucket: presigned downloads after the ownership check, uploads by import.
pub struct FileStore {
    client: std::sync::OnceLock<aws_sdk_s3::Client>,
    /// How to build the client on first use (see `FileStore::lazy`).
    recipe: Option<(
        aws_config::SdkConfig,
        bool,
        Option<crate::store::calls::CallLog>,
    )>,
    bucket: String,
}

/// What `FileStore::inspect_upload` sees of an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadedFile {
    pub size: u64,
    pub content_type: String,
    /// The first bytes (at most 16).
    pub head: Vec<u8>,
}

/// Metadata of an imported file: the ETag of the inbox object it was copied from.
const SOURCE_ETAG: &str = "source-etag";

/// What `x-amz-copy-source` escapes: everything but unreserved characters and `/`.
const COPY_SOURCE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Presigned URLs live this long (SECURITY.md: at most 60 s).
pub const PRESIGN_SECONDS: u64 = 60;

impl FileStore {
    pub fn new(client: aws_sdk_s3::Client, bucket: &str) -> Self {
        FileStore {
            client: client.into(),
            recipe: None,
            bucket: bucket.to_string(),
        }
    }

    /// A store whose S3 client is built on first use: a function that never touches S3 then
    /// neither builds nor links the client.
    pub fn lazy(
        sdk: &aws_config::SdkConfig,
        force_path_style: bool,
        log: Option<crate::store::calls::CallLog>,
        bucket: &str,
    ) -> Self {
        FileStore {
            client: std::sync::OnceLock::new(),
            recipe: Some((sdk.clone(), force_path_style, log)),
            bucket: bucket.to_string(),
        }
    }

    fn client(&self) -> &aws_sdk_s3::Client {
        self.client.get_or_init(|| {
            let (sdk, path_style, log) = self.recipe.as_ref().expect("a client or a recipe");
            let mut config = aws_sdk_s3::config::Builder::from(sdk).force_path_style(*path_style);
            if let Some(log) = log {
                config.push_interceptor(aws_sdk_s3::config::SharedInterceptor::new(log.clone()));
            }
            aws_sdk_s3::Client::from_conf(config.build())
        })
    }

    /// The object's ETag without quotes (the MD5 of single-part uploads), `None` when missing.
    pub async fn etag(&self, key: &str) -> Result<Option<String>, StoreError> {
        match self
            .client()
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => Ok(Some(
                output
                    .e_tag()
                    .unwrap_or_default()
                    .trim_matches('"')
                    .to_string(),
            )),
            Err(err) => match err.into_service_error() {
                aws_sdk_s3::operation::head_object::HeadObjectError::NotFound(_) => Ok(None),
                other => Err(StoreError::from_sdk("head object", other)),
            },
        }
    }

    pub async fn exists(&self, key: &str) -> Result<bool, StoreError> {
        Ok(self.etag(key).await?.is_some())
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
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .response_content_disposition(content_disposition(filename))
            .response_content_type(content_type)
            .presigned(config)
            .await
            .map_err(|e| StoreError::from_sdk("presign", e))?;
        Ok(request.uri().to_string())
    }

    /// The object's bytes, or `None` when it is missing.
    pub async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, StoreError> {
        match self
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(output) => {
                let bytes = output
                    .body
                    .collect()
                    .await
                    .map_err(|e| StoreError::from_sdk("read object", e))?;
                Ok(Some(bytes.into_bytes().to_vec()))
            }
            Err(err) => match err.into_service_error() {
                aws_sdk_s3::operation::get_object::GetObjectError::NoSuchKey(_) => Ok(None),
                other => Err(StoreError::from_sdk("get object", other)),
            },
        }
    }

    /// A presigned POST that lets the browser upload one file of `file_type` (≤ `max_bytes`)
    /// to `key`, signed with the function's own credentials (so its role needs `s3:PutObject`
    /// there). `url` is where browsers send it (see `Config::upload_url`).
    pub async fn presign_upload(
        &self,
        url: &str,
        key: &str,
        file_type: crate::domain::upload::FileType,
        max_bytes: u64,
        now: u64,
    ) -> Result<crate::domain::upload::PresignedPost, StoreError> {
        use aws_sdk_s3::config::ProvideCredentials;
        let unavailable = |what: &str| StoreError(format!("presign upload: {what}"));
        let sdk = self
            .recipe
            .as_ref()
            .map(|(sdk, _, _)| sdk)
            .ok_or_else(|| unavailable("a store built without its SDK configuration"))?;
        let credentials = sdk
            .credentials_provider()
            .ok_or_else(|| unavailable("no credentials provider"))?
            .provide_credentials()
            .await
            .map_err(|e| unavailable(&e.to_string()))?;
        let region = sdk
            .region()
            .map(|r| r.to_string())
            .ok_or_else(|| unavailable("no region"))?;
        Ok(crate::domain::upload::presigned_post(
            url,
            &self.bucket,
            key,
            file_type,
            max_bytes,
            &crate::domain::upload::SigningCredentials {
                access_key_id: credentials.access_key_id(),
                secret_access_key: credentials.secret_access_key(),
                session_token: credentials.session_token(),
                region: &region,
            },
            now,
        ))
    }

    /// An uploaded object's size, content type and first 16 bytes, in one ranged GET;
    /// `None` when nothing was uploaded to `key`.
    pub async fn inspect_upload(&self, key: &str) -> Result<Option<UploadedFile>, StoreError> {
        match self
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .range("bytes=0-15")
            .send()
            .await
        {
            Ok(output) => {
                let size = output
                    .content_range()
                    .and_then(|r| r.rsplit('/').next())
                    .and_then(|total| total.parse::<u64>().ok())
                    .or_else(|| output.content_length().map(|n| n.max(0) as u64))
                    .unwrap_or(0);
                let content_type = output.content_type().unwrap_or_default().to_string();
                let head = output
                    .body
                    .collect()
                    .await
                    .map_err(|e| StoreError::from_sdk("read object", e))?
                    .into_bytes()
                    .to_vec();
                Ok(Some(UploadedFile {
                    size,
                    content_type,
                    head,
                }))
            }
            Err(err) => match err.into_service_error() {
                aws_sdk_s3::operation::get_object::GetObjectError::NoSuchKey(_) => Ok(None),
                other => Err(StoreError::from_sdk("get object", other)),
            },
        }
    }

    /// Copies the object under `from` to `to` (within the bucket); `false` when `from` is gone.
    pub async fn copy(&self, from: &str, to: &str) -> Result<bool, StoreError> {
        use aws_sdk_s3::operation::copy_object::CopyObjectError;
        match self
            .client()
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(format!("{}/{from}", self.bucket))
            .key(to)
            .send()
            .await
        {
            Ok(_) => Ok(true),
            Err(err) => {
                let missing = matches!(
                    err.as_service_error(),
                    Some(CopyObjectError::ObjectNotInActiveTierError(_))
                ) || err
                    .raw_response()
                    .is_some_and(|r| r.status().as_u16() == 404);
                if missing {
                    Ok(false)
                } else {
                    Err(StoreError::from_sdk("copy object", err))
                }
            }
        }
    }

    /// Copies `source_key` of `source_bucket` (the import inbox) to `key`, unless the object
    /// there was copied from the same content before (its `source-etag` metadata equals the
    /// source's ETag): a batch imported again copies nothing, and the bytes never pass through
    /// the function. `None` when the source is missing, else whether it copied.
    pub async fn copy_in(
        &self,
        source_bucket: &str,
        source_key: &str,
        key: &str,
        content_type: &str,
    ) -> Result<Option<bool>, StoreError> {
        use aws_sdk_s3::operation::head_object::HeadObjectError;
        let source = match self
            .client()
            .head_object()
            .bucket(source_bucket)
            .key(source_key)
            .send()
            .await
        {
            Ok(head) => head
                .e_tag()
                .unwrap_or_default()
                .trim_matches('"')
                .to_string(),
            Err(err) => {
                return match err.into_service_error() {
                    HeadObjectError::NotFound(_) => Ok(None),
                    other => Err(StoreError::from_sdk("head object", other)),
                }
            }
        };
        let copied_from = match self
            .client()
            .head_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
        {
            Ok(head) => head.metadata().and_then(|m| m.get(SOURCE_ETAG)).cloned(),
            Err(err) => match err.into_service_error() {
                HeadObjectError::NotFound(_) => None,
                other => return Err(StoreError::from_sdk("head object", other)),
            },
        };
        if copied_from.as_deref() == Some(source.as_str()) {
            return Ok(Some(false));
        }
        let encoded: String = percent_encoding::utf8_percent_encode(
            &format!("{source_bucket}/{source_key}"),
            COPY_SOURCE,
        )
        .collect();
        self.client()
            .copy_object()
            .bucket(&self.bucket)
            .copy_source(encoded)
            .key(key)
            .content_type(content_type)
            .metadata_directive(aws_sdk_s3::types::MetadataDirective::Replace)
            .metadata(SOURCE_ETAG, source)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("copy object", e))?;
        Ok(Some(true))
    }

    pub async fn delete(&self, key: &str) -> Result<(), StoreError> {
        self.client()
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("delete object", e))?;
        Ok(())
    }

    pub async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), StoreError> {
        self.client()
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

#[cfg(test)]
mod tests {
    #[test]
    fn a_file_name_beyond_ascii_is_sent_as_filename_star() {
        assert_eq!(
            super::content_disposition("Rechnung-R-1.pdf"),
            "attachment; filename=\"Rechnung-R-1.pdf\""
        );
        assert_eq!(
            super::content_disposition("Gutschrift März \"1\".pdf"),
            "attachment; filename=\"Gutschrift M_rz _1_.pdf\"; filename*=UTF-8''Gutschrift%20M%C3%A4rz%20%221%22.pdf"
        );
    }
}
