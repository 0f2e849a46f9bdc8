//! Support requests of a company (`customer#<id>` / `support#<created, 12 digits>#<random>`):
//! category, subject, text, an optional document, a status and the answers of support. Created
//! in the portal, answered with `portal-admin support answer`.

use super::company::NewActivity;
use super::{get_n, get_s, n, s, Item, StoreError};
use crate::domain::ids::CompanyId;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use aws_sdk_dynamodb::Client;

/// Newest requests a list reads (one query); older ones are closed history.
pub const LIST_CAP: i32 = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Invoice,
    Payment,
    Contract,
    Access,
    Technical,
    Other,
}

impl Category {
    pub const ALL: [Category; 6] = [
        Category::Invoice,
        Category::Payment,
        Category::Contract,
        Category::Access,
        Category::Technical,
        Category::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Category::Invoice => "invoice",
            Category::Payment => "payment",
            Category::Contract => "contract",
            Category::Access => "access",
            Category::Technical => "technical",
            Category::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label_de(self) -> &'static str {
        match self {
            Category::Invoice => "Rechnung",
            Category::Payment => "Zahlung",
            Category::Contract => "Vertrag",
            Category::Access => "Zugang",
            Category::Technical => "Technik",
            Category::Other => "Sonstiges",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received, nobody has answered yet.
    Open,
    /// Support is on it.
    InProgress,
    /// Support answered; the customer may reply with a new request.
    Answered,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::InProgress,
        Status::Answered,
        Status::Closed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::InProgress => "in_progress",
            Status::Answered => "answered",
            Status::Closed => "closed",
        }
    }

    pub fn from_code(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Answer {
    pub at: u64,
    pub text: String,
    /// Files support sent with the answer (a reply mail's attachments), in the mail's order.
    pub files: Vec<AnswerFile>,
}

/// A file of an answer, stored under `answers/<customer>/<request>/…` in the documents bucket;
/// the customer downloads it by its place (`<answer>-<file>`, both counted from 0).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AnswerFile {
    /// The sender's file name, cleaned (`domain::reply`).
    pub name: String,
    pub file_type: crate::domain::upload::FileType,
    pub size: u64,
    #[serde(skip)]
    pub key: String,
}

/// Where the `number`th file (from 0) of an answer stored as `answer_id` lives; the answer id is
/// random, so a reply taken again never overwrites another answer's file.
pub fn answer_file_key(
    company: &CompanyId,
    request: &str,
    answer_id: &str,
    number: usize,
    file_type: crate::domain::upload::FileType,
) -> String {
    let extension = file_type.extension();
    format!(
        "{ANSWER_FILES_PREFIX}{}/{request}/{answer_id}/{number}.{extension}",
        company.as_str()
    )
}

/// The prefix of answer files in the documents bucket (`routes::Resource::AnswerFiles`).
pub const ANSWER_FILES_PREFIX: &str = "answers/";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SupportRequest {
    pub id: String,
    pub category: Category,
    pub subject: String,
    pub text: String,
    /// A document of the company the request is about.
    pub document: Option<String>,
    pub status: Status,
    pub created_at: u64,
    pub created_by: String,
    pub updated_at: u64,
    pub answers: Vec<Answer>,
    /// A file the writer attached (`uploads/<customer>/support/…` in the documents bucket).
    pub attachment: Option<Attachment>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Attachment {
    pub file_type: crate::domain::upload::FileType,
    pub size: u64,
    pub key: String,
}

#[derive(Clone)]
pub struct SupportStore {
    client: Client,
    table: String,
}

fn pk(company: &CompanyId) -> String {
    format!("customer#{}", company.as_str())
}

fn sk(id: &str) -> String {
    format!("support#{id}")
}

/// A request id: its creation time (so ids sort by age) and a random part.
pub fn new_id(now: u64) -> String {
    let random = crate::domain::secret::Secret::generate().hash();
    format!("{now:012}-{}", &random[..8])
}

/// Whether `raw` has the shape of a request id (checked before any store call).
pub fn valid_id(raw: &str) -> bool {
    raw.len() == 21
        && raw.as_bytes()[12] == b'-'
        && raw[..12].bytes().all(|c| c.is_ascii_digit())
        && raw[13..]
            .bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
}

impl SupportStore {
    pub fn new(client: Client, table: &str) -> Self {
        SupportStore {
            client,
            table: table.to_string(),
        }
    }

    /// Stores a new request together with its activity entry.
    pub async fn create(
        &self,
        company: &CompanyId,
        request: &SupportRequest,
        activity: &NewActivity,
    ) -> Result<(), StoreError> {
        let mut item = Item::new();
        item.insert("pk".into(), s(pk(company)));
        item.insert("sk".into(), s(sk(&request.id)));
        item.insert("category".into(), s(request.category.code()));
        item.insert("subject".into(), s(&request.subject));
        item.insert("text".into(), s(&request.text));
        if let Some(document) = &request.document {
            item.insert("document".into(), s(document));
        }
        item.insert("status".into(), s(request.status.code()));
        item.insert("created_at".into(), n(request.created_at));
        item.insert("created_by".into(), s(&request.created_by));
        item.insert("updated_at".into(), n(request.updated_at));
        item.insert("answers".into(), AttributeValue::L(Vec::new()));
        if let Some(attachment) = &request.attachment {
            item.insert(
                "attachment".into(),
                AttributeValue::M(
                    [
                        ("type".to_string(), s(attachment.file_type.content_type())),
                        ("size".to_string(), n(attachment.size)),
                        ("key".to_string(), s(&attachment.key)),
                    ]
                    .into_iter()
                    .collect(),
                ),
            );
        }
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        let index = Put::builder()
            .table_name(&self.table)
            .item("pk", s(INDEX_PK))
            .item("sk", s(index_sk(company, &request.id)))
            .item("customer", s(company.as_str()))
            .item("id", s(&request.id))
            .item("category", s(request.category.code()))
            .item("subject", s(&request.subject))
            .item("status", s(request.status.code()))
            .item("created_at", n(request.created_at))
            .item("updated_at", n(request.updated_at))
            .build()
            .map_err(|e| StoreError::from_sdk("build", e))?;
        self.client
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().put(index).build())
            .transact_items(activity.transact_put(&self.table)?)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("create support request", e))?;
        Ok(())
    }

    /// Every company's requests for support's own list (`portal-admin support list`), newest
    /// first, optionally only those in `status`.
    pub async fn all(&self, status: Option<Status>) -> Result<Vec<IndexEntry>, StoreError> {
        let items = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p")
            .expression_attribute_values(":p", s(INDEX_PK))
            .scan_index_forward(false)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| StoreError::from_sdk("list all support requests", e))?;
        Ok(items
            .iter()
            .filter_map(|item| {
                Some(IndexEntry {
                    company: CompanyId::parse(get_s(item, "customer")?).ok()?,
                    id: get_s(item, "id")?.to_string(),
                    category: Category::from_code(get_s(item, "category")?)?,
                    subject: get_s(item, "subject")?.to_string(),
                    status: Status::from_code(get_s(item, "status")?)?,
                    created_at: get_n(item, "created_at")?,
                    updated_at: get_n(item, "updated_at")?,
                })
            })
            .filter(|e| status.is_none_or(|s| e.status == s))
            .collect())
    }

    /// The company's requests, newest first (at most [`LIST_CAP`]).
    pub async fn list(&self, company: &CompanyId) -> Result<Vec<SupportRequest>, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :p AND begins_with(sk, :prefix)")
            .expression_attribute_values(":p", s(pk(company)))
            .expression_attribute_values(":prefix", s("support#"))
            .scan_index_forward(false)
            .limit(LIST_CAP)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("list support requests", e))?;
        output.items().iter().map(request_from).collect()
    }

    /// One request of `customer`; unknown ids (and those of other companies) are `None`.
    pub async fn get(
        &self,
        company: &CompanyId,
        id: &str,
    ) -> Result<Option<SupportRequest>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s(sk(id)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get support request", e))?;
        output.item.as_ref().map(request_from).transpose()
    }

    /// Sets the status and, when given, appends an answer (the request and support's list in
    /// one transaction). `false` when there is no such request.
    pub async fn answer(
        &self,
        company: &CompanyId,
        id: &str,
        status: Status,
        answer: Option<&Answer>,
        now: u64,
    ) -> Result<bool, StoreError> {
        let build = |e| StoreError::from_sdk("build", e);
        let mut update = Update::builder()
            .table_name(&self.table)
            .key("pk", s(pk(company)))
            .key("sk", s(sk(id)))
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status.code()))
            .expression_attribute_values(":now", n(now));
        update = match answer {
            Some(answer) => update
                .update_expression(
                    "SET #status = :status, updated_at = :now, answers = list_append(if_not_exists(answers, :empty), :answer)",
                )
                .expression_attribute_values(":empty", AttributeValue::L(Vec::new()))
                .expression_attribute_values(
                    ":answer",
                    AttributeValue::L(vec![AttributeValue::M(
                        [
                            ("at".to_string(), n(answer.at)),
                            ("text".to_string(), s(&answer.text)),
                            (
                                "files".to_string(),
                                AttributeValue::L(
                                    answer
                                        .files
                                        .iter()
                                        .map(|f| {
                                            AttributeValue::M(
                                                [
                                                    ("name".to_string(), s(&f.name)),
                                                    (
                                                        "type".to_string(),
                                                        s(f.file_type.content_type()),
                                                    ),
                                                    ("size".to_string(), n(f.size)),
                                                    ("key".to_string(), s(&f.key)),
                                                ]
                                                .into(),
                                            )
                                        })
                                        .collect(),
                                ),
                            ),
                        ]
                        .into(),
                    )]),
                ),
            None => update.update_expression("SET #status = :status, updated_at = :now"),
        };
        let index = Update::builder()
            .table_name(&self.table)
            .key("pk", s(INDEX_PK))
            .key("sk", s(index_sk(company, id)))
            .update_expression("SET #status = :status, updated_at = :now")
            .expression_attribute_names("#status", "status")
            .expression_attribute_values(":status", s(status.code()))
            .expression_attribute_values(":now", n(now))
            .build()
            .map_err(build)?;
        let writes = vec![
            TransactWriteItem::builder()
                .update(update.build().map_err(build)?)
                .build(),
            TransactWriteItem::builder().update(index).build(),
        ];
        super::commit(&self.client, writes, "answer support request").await
    }
}

/// Support's list of every company's requests: one small item per request in one partition
/// (requests are few; support reads them all with one query).
const INDEX_PK: &str = "support-requests";

fn index_sk(company: &CompanyId, id: &str) -> String {
    format!("{id}#{}", company.as_str())
}

/// One line of support's list.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct IndexEntry {
    #[serde(rename = "customer")]
    pub company: CompanyId,
    pub id: String,
    pub category: Category,
    pub subject: String,
    pub status: Status,
    pub created_at: u64,
    pub updated_at: u64,
}

fn request_from(item: &Item) -> Result<SupportRequest, StoreError> {
    let corrupt = || StoreError::corrupt("support request");
    let text = |name: &str| get_s(item, name).map(str::to_string).ok_or_else(corrupt);
    let answers = item
        .get("answers")
        .and_then(|v| v.as_l().ok())
        .map(|list| {
            list.iter()
                .filter_map(|v| v.as_m().ok())
                .map(|m| Answer {
                    at: get_n(m, "at").unwrap_or_default(),
                    text: get_s(m, "text").unwrap_or_default().to_string(),
                    files: m
                        .get("files")
                        .and_then(|v| v.as_l().ok())
                        .map(|files| files.iter().filter_map(answer_file_from).collect())
                        .unwrap_or_default(),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(SupportRequest {
        id: text("sk")?.trim_start_matches("support#").to_string(),
        category: Category::from_code(&text("category")?).ok_or_else(corrupt)?,
        subject: text("subject")?,
        text: text("text")?,
        document: get_s(item, "document").map(str::to_string),
        status: Status::from_code(&text("status")?).ok_or_else(corrupt)?,
        created_at: get_n(item, "created_at").ok_or_else(corrupt)?,
        created_by: text("created_by")?,
        updated_at: get_n(item, "updated_at").ok_or_else(corrupt)?,
        answers,
        attachment: item
            .get("attachment")
            .and_then(|v| v.as_m().ok())
            .map(|m| -> Result<Attachment, StoreError> {
                Ok(Attachment {
                    file_type: get_s(m, "type")
                        .and_then(crate::domain::upload::FileType::from_content_type)
                        .ok_or_else(corrupt)?,
                    size: get_n(m, "size").ok_or_else(corrupt)?,
                    key: get_s(m, "key").ok_or_else(corrupt)?.to_string(),
                })
            })
            .transpose()?,
    })
}

fn answer_file_from(value: &AttributeValue) -> Option<AnswerFile> {
    let m = value.as_m().ok()?;
    Some(AnswerFile {
        name: get_s(m, "name")?.to_string(),
        file_type: get_s(m, "type").and_then(crate::domain::upload::FileType::from_content_type)?,
        size: get_n(m, "size")?,
        key: get_s(m, "key")?.to_string(),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_checked_before_any_store_call() {
        let id = super::new_id(1_795_000_000);
        assert!(super::valid_id(&id), "{id}");
        for bad in [
            "",
            "../x",
            "001795000000-ABCDEFGH",
            "001795000000_12345678",
            "1-2",
        ] {
            assert!(!super::valid_id(bad), "{bad}");
        }
    }
}
