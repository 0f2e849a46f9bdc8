//! The import inbox's batches: one item per batch (`import-batch#<name>` / `batch`) that makes
//! a batch run once however often its marker is uploaded or its event delivered, and records
//! how far a long batch got so that the next invocation continues there.
//!
//! An invocation holds a batch by a lease (until its own deadline). A marker uploaded again, or
//! an event delivered twice, finds the batch held or finished and does nothing; after a crash,
//! the marker uploaded again once the lease has passed continues from the last checkpoint.

use super::{get_n, get_s, n, s, StoreError};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Every row of every manifest is being checked; nothing written yet.
    Checking,
    /// Writing manifest `manifest` (index into the import order) after line `line`.
    Writing,
    Done,
    Failed,
}

impl Phase {
    fn code(self) -> &'static str {
        match self {
            Phase::Checking => "checking",
            Phase::Writing => "writing",
            Phase::Done => "done",
            Phase::Failed => "failed",
        }
    }

    fn from_code(code: &str) -> Option<Phase> {
        Some(match code {
            "checking" => Phase::Checking,
            "writing" => Phase::Writing,
            "done" => Phase::Done,
            "failed" => Phase::Failed,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchState {
    pub batch: String,
    pub phase: Phase,
    /// Index of the manifest being written, in the import order.
    pub manifest: u64,
    /// Every row of that manifest up to this line is written.
    pub line: u64,
    /// The number of the continuation marker the next invocation is started by.
    pub continuation: u64,
    pub skip_invalid: bool,
    /// The counts so far (JSON, written by the import).
    pub counts: String,
    pub started_at: u64,
}

/// What starting a batch found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This invocation holds the batch (new, or taken over after a lease ran out).
    Held(BatchState),
    /// Another invocation holds it.
    Busy,
    /// It ran before (done or failed): nothing to do.
    Finished(Phase),
}

#[derive(Clone)]
pub struct BatchStore {
    client: Client,
    table: String,
}

fn key(batch: &str) -> [(&'static str, AttributeValue); 2] {
    [
        ("pk", s(format!("import-batch#{batch}"))),
        ("sk", s("batch")),
    ]
}

impl BatchStore {
    pub fn new(client: Client, table: &str) -> Self {
        BatchStore {
            client,
            table: table.to_string(),
        }
    }

    /// Takes the batch for this invocation until `lease_until`: a new batch starts checking; a
    /// batch whose holder's lease ran out (a crash) is taken over where it was.
    pub async fn start(
        &self,
        batch: &str,
        skip_invalid: bool,
        now: u64,
        lease_until: u64,
    ) -> Result<Claim, StoreError> {
        let [(pk, pk_value), (sk, sk_value)] = key(batch);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(pk, pk_value)
            .key(sk, sk_value)
            .update_expression(
                "SET lease_until = :lease, started_at = if_not_exists(started_at, :now), \
                 phase = if_not_exists(phase, :checking), manifest = if_not_exists(manifest, :zero), \
                 line = if_not_exists(line, :zero), continuation = if_not_exists(continuation, :zero), \
                 skip_invalid = if_not_exists(skip_invalid, :skip), counts = if_not_exists(counts, :none)",
            )
            .condition_expression(
                "attribute_not_exists(pk) OR ((phase = :checking OR phase = :writing) AND lease_until < :now)",
            )
            .expression_attribute_values(":lease", n(lease_until))
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":checking", s(Phase::Checking.code()))
            .expression_attribute_values(":writing", s(Phase::Writing.code()))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":skip", AttributeValue::Bool(skip_invalid))
            .expression_attribute_values(":none", s("{}"))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => state(batch, output.attributes())
                .map(Claim::Held)
                .ok_or_else(|| StoreError::corrupt("import batch")),
            Err(err) if is_condition_failure(&err) => {
                let found = self.get(batch).await?;
                Ok(match found.map(|s| s.phase) {
                    Some(phase @ (Phase::Done | Phase::Failed)) => Claim::Finished(phase),
                    _ => Claim::Busy,
                })
            }
            Err(err) => Err(StoreError::from_sdk("start import batch", err)),
        }
    }

    /// Takes the batch for the invocation that continuation marker `continuation` started;
    /// `None` when that marker was handled already (an event delivered twice).
    pub async fn resume(
        &self,
        batch: &str,
        continuation: u64,
        lease_until: u64,
    ) -> Result<Option<BatchState>, StoreError> {
        let [(pk, pk_value), (sk, sk_value)] = key(batch);
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key(pk, pk_value)
            .key(sk, sk_value)
            .update_expression("SET lease_until = :lease, continuation = :next")
            .condition_expression("continuation = :n AND phase = :writing")
            .expression_attribute_values(":lease", n(lease_until))
            .expression_attribute_values(":n", n(continuation))
            .expression_attribute_values(":next", n(continuation + 1))
            .expression_attribute_values(":writing", s(Phase::Writing.code()))
            .return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew)
            .send()
            .await;
        match result {
            Ok(output) => Ok(state(batch, output.attributes())),
            Err(err) if is_condition_failure(&err) => Ok(None),
            Err(err) => Err(StoreError::from_sdk("resume import batch", err)),
        }
    }

    /// Records progress: the phase, the manifest and line written up to, and the counts.
    pub async fn save(
        &self,
        batch: &str,
        phase: Phase,
        manifest: u64,
        line: u64,
        counts: &str,
    ) -> Result<(), StoreError> {
        let [(pk, pk_value), (sk, sk_value)] = key(batch);
        self.client
            .update_item()
            .table_name(&self.table)
            .key(pk, pk_value)
            .key(sk, sk_value)
            .update_expression("SET phase = :phase, manifest = :m, line = :line, counts = :counts")
            .expression_attribute_values(":phase", s(phase.code()))
            .expression_attribute_values(":m", n(manifest))
            .expression_attribute_values(":line", n(line))
            .expression_attribute_values(":counts", s(counts))
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("save import batch", e))?;
        Ok(())
    }

    pub async fn get(&self, batch: &str) -> Result<Option<BatchState>, StoreError> {
        let [(pk, pk_value), (sk, sk_value)] = key(batch);
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(pk, pk_value)
            .key(sk, sk_value)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::from_sdk("get import batch", e))?;
        Ok(state(batch, output.item()))
    }
}

fn state(
    batch: &str,
    item: Option<&std::collections::HashMap<String, AttributeValue>>,
) -> Option<BatchState> {
    let item = item?;
    Some(BatchState {
        batch: batch.to_string(),
        phase: Phase::from_code(get_s(item, "phase")?)?,
        manifest: get_n(item, "manifest").unwrap_or(0),
        line: get_n(item, "line").unwrap_or(0),
        continuation: get_n(item, "continuation").unwrap_or(0),
        skip_invalid: matches!(item.get("skip_invalid"), Some(AttributeValue::Bool(true))),
        counts: get_s(item, "counts").unwrap_or("{}").to_string(),
        started_at: get_n(item, "started_at").unwrap_or(0),
    })
}

fn is_condition_failure<R>(
    err: &aws_sdk_dynamodb::error::SdkError<
        aws_sdk_dynamodb::operation::update_item::UpdateItemError,
        R,
    >,
) -> bool {
    matches!(
        err.as_service_error(),
        Some(aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(_))
    )
}
