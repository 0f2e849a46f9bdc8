//! Mails SES stored for the portal (support's replies), one item per stored mail
//! (`received-mail#<key>` / `mail`): S3 may deliver an object's event more than once, and a
//! reply must become one answer, not two.

use super::{s, StoreError};
use aws_sdk_dynamodb::Client;

#[derive(Clone)]
pub struct ReceivedMails {
    client: Client,
    table: String,
}

impl ReceivedMails {
    pub fn new(client: Client, table: &str) -> ReceivedMails {
        ReceivedMails {
            client,
            table: table.to_string(),
        }
    }

    /// Records the mail at `key` as taken; `false` when it was taken before.
    pub async fn claim(&self, key: &str, now: u64) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", s(format!("received-mail#{key}")))
            .item("sk", s("mail"))
            .item("taken_at", super::n(now))
            .condition_expression("attribute_not_exists(pk)")
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(err) => Err(StoreError::from_sdk("recording a received mail", err)),
        }
    }

    /// Takes the record back after the mail could not be taken, so that Lambda's retry of the
    /// event takes it again.
    pub async fn release(&self, key: &str) -> Result<(), StoreError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", s(format!("received-mail#{key}")))
            .key("sk", s("mail"))
            .send()
            .await
            .map(|_| ())
            .map_err(|err| StoreError::from_sdk("releasing a received mail", err))
    }
}
