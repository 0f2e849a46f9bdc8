//! Adapters to DynamoDB and SES. They turn items into domain types; no SDK type leaves here.

pub mod auth;
pub mod batches;
pub mod calls;
pub mod company;
pub mod contracts;
pub mod directory;
pub mod documents;
pub mod events;
pub mod feedback;
pub mod mail;
pub mod notifications;
pub mod received;
pub mod support;

use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// A backend call failed after the SDK's retries; the text is for the log only.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct StoreError(pub(crate) String);

impl StoreError {
    /// The error with its whole cause chain, addresses masked: AWS messages can name them
    /// (SES lists rejected recipients, DynamoDB echoes keys such as `login#<address>`), and
    /// this text goes to the logs.
    pub fn from_sdk<E: std::error::Error + 'static>(what: &str, err: E) -> Self {
        StoreError(crate::domain::email::mask_addresses(&format!(
            "{what}: {}",
            aws_sdk_dynamodb::error::DisplayErrorContext(err)
        )))
    }

    pub fn corrupt(what: &str) -> Self {
        StoreError(format!("stored item is malformed: {what}"))
    }
}

pub(crate) type Item = HashMap<String, AttributeValue>;

/// Commits `writes` as one DynamoDB transaction. `Ok(false)` when DynamoDB cancelled it (a
/// condition failed, or a parallel transaction held one of the items): then nothing is written.
pub(crate) async fn commit(
    client: &aws_sdk_dynamodb::Client,
    writes: Vec<aws_sdk_dynamodb::types::TransactWriteItem>,
    what: &str,
) -> Result<bool, StoreError> {
    use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
    match client
        .transact_write_items()
        .set_transact_items(Some(writes))
        .send()
        .await
    {
        Ok(_) => Ok(true),
        Err(err) => match err.into_service_error() {
            TransactWriteItemsError::TransactionCanceledException(_) => Ok(false),
            other => Err(StoreError::from_sdk(what, other)),
        },
    }
}

pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

pub(crate) fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

pub(crate) fn get_s<'a>(item: &'a Item, name: &str) -> Option<&'a str> {
    item.get(name)
        .and_then(|v| v.as_s().ok())
        .map(String::as_str)
}

pub(crate) fn get_n(item: &Item, name: &str) -> Option<u64> {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|v| v.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::StoreError;
    use aws_sdk_sesv2::operation::send_email::SendEmailError;
    use aws_sdk_sesv2::types::error::MessageRejected;

    #[test]
    fn an_ses_refusal_naming_the_recipient_is_logged_masked() {
        let refusal = SendEmailError::MessageRejected(
            MessageRejected::builder()
                .message("Email address is not verified. The following identities failed the check in region EU-CENTRAL-1: anna.schmidt@example.com")
                .build(),
        );
        let logged = StoreError::from_sdk("send mail", refusal).to_string();
        assert!(logged.contains("a***@example.com"), "{logged}");
        assert!(!logged.contains("anna.schmidt"), "{logged}");
    }
}
