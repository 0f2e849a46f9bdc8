//! "Was this helpful?" counts of the help centre: one item per article in one partition
//! (`help-feedback` / `<article path>`), so ops read them all with one query. No personal data:
//! the rate limit stores only a hash of the client IP, and it expires.

use super::{get_n, get_s, n, s, StoreError};
use aws_sdk_dynamodb::Client;

const PARTITION: &str = "help-feedback";

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArticleFeedback {
    pub article: String,
    pub helpful: u64,
    pub not_helpful: u64,
    pub updated_at: u64,
}

#[derive(Clone)]
pub struct FeedbackStore {
    client: Client,
    table: String,
}

impl FeedbackStore {
    pub fn new(client: Client, table: &str) -> Self {
        FeedbackStore {
            client,
            table: table.to_string(),
        }
    }

    /// Adds one vote atomically (parallel votes are all counted).
    pub async fn count(&self, article: &str, helpful: bool, now: u64) -> Result<(), StoreError> {
        let counter = if helpful { "helpful" } else { "not_helpful" };
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", s(PARTITION))
            .key("sk", s(article))
            .update_expression("ADD #c :one SET updated_at = :now")
            .expression_attribute_names("#c", counter)
            .expression_attribute_values(":one", n(1))
            .expression_attribute_values(":now", n(now))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("count feedback", e))?;
        Ok(())
    }

    /// Every article's counts, ordered by path.
    pub async fn all(&self) -> Result<Vec<ArticleFeedback>, StoreError> {
        let items = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", s(PARTITION))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| StoreError::from_sdk("list feedback", e))?;
        items
            .iter()
            .map(|item| {
                Ok(ArticleFeedback {
                    article: get_s(item, "sk")
                        .ok_or_else(|| StoreError::corrupt("feedback sk"))?
                        .to_string(),
                    helpful: get_n(item, "helpful").unwrap_or(0),
                    not_helpful: get_n(item, "not_helpful").unwrap_or(0),
                    updated_at: get_n(item, "updated_at").unwrap_or(0),
                })
            })
            .collect()
    }
}
