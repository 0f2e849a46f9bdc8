//! Which AWS calls each function makes: an SDK interceptor that notes service, operation and
//! resource of every call, attributed to the function that runs it. Tests use it to check the
//! template's IAM grants against the real calls and to hold each endpoint to its call budget;
//! `make bench` reports the counts. Not installed on Lambda.

use aws_sdk_dynamodb::config::interceptors::BeforeTransmitInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use std::future::Future;
use std::sync::{Arc, Mutex};

tokio::task_local! {
    static FUNCTION: &'static str;
}

/// Runs `future` as `function`, so that its AWS calls are attributed to it.
pub async fn attributed<F: Future>(function: &'static str, future: F) -> F::Output {
    FUNCTION.scope(function, future).await
}

/// One AWS call. `resource` is a table (`table/<name>` or `table/<name>/index/<index>`), an
/// object (`bucket/<name>/<key>`) or `identity` for SES; `action` is the IAM action it needs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AwsCall {
    pub function: &'static str,
    /// The request (round trip) this call is part of: a transaction's items share one.
    pub request: u64,
    pub action: String,
    pub resource: String,
}

/// The interceptor; clones share one log.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    calls: Arc<Mutex<Vec<AwsCall>>>,
    requests: Arc<std::sync::atomic::AtomicU64>,
}

impl CallLog {
    /// Everything noted so far; the log is empty afterwards.
    pub fn take(&self) -> Vec<AwsCall> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "CallLog"
    }

    // Before signing the endpoint (and so the bucket) is known; it also runs for presigning.
    // It runs once per attempt, so a retried call counts twice (the local stand-in never
    // throttles, so the counts in tests are exact).
    fn read_before_signing(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(metadata) = cfg.load::<Metadata>() else {
            return Ok(());
        };
        let function = FUNCTION.try_with(|f| *f).unwrap_or("-");
        let request = context.request();
        let body = request.body().bytes().unwrap_or_default();
        let copy_source = request.headers().get("x-amz-copy-source");
        let calls = calls_of(
            metadata.service(),
            metadata.name(),
            request.uri(),
            body,
            copy_source,
        );
        let request = self
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut log = self.calls.lock().unwrap_or_else(|e| e.into_inner());
        log.extend(calls.into_iter().map(|(action, resource)| AwsCall {
            function,
            request,
            action,
            resource,
        }));
        Ok(())
    }
}

/// (IAM action, resource) pairs of one SDK operation. A DynamoDB transaction needs the action
/// of each of its items, so it yields one pair per item.
fn calls_of(
    service: &str,
    operation: &str,
    uri: &str,
    body: &[u8],
    copy_source: Option<&str>,
) -> Vec<(String, String)> {
    let service = service.to_ascii_lowercase();
    if service.contains("dynamodb") {
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let table = |v: &serde_json::Value| {
            let name = v["TableName"].as_str().unwrap_or("?");
            match v["IndexName"].as_str() {
                Some(index) => format!("table/{name}/index/{index}"),
                None => format!("table/{name}"),
            }
        };
        if let Some(items) = json["TransactItems"].as_array() {
            return items
                .iter()
                .filter_map(|item| item.as_object()?.iter().next())
                .map(|(kind, inner)| {
                    let action = match kind.as_str() {
                        "Put" => "PutItem",
                        "Update" => "UpdateItem",
                        "Delete" => "DeleteItem",
                        "ConditionCheck" => "ConditionCheckItem",
                        "Get" => "GetItem",
                        other => other,
                    };
                    (format!("dynamodb:{action}"), table(inner))
                })
                .collect();
        }
        if let Some(tables) = json["RequestItems"].as_object() {
            return tables
                .keys()
                .map(|name| (format!("dynamodb:{operation}"), format!("table/{name}")))
                .collect();
        }
        vec![(format!("dynamodb:{operation}"), table(&json))]
    } else if service.contains("s3") {
        // Path-style locally: http://host/<bucket>/<key>?…
        let path = uri
            .split_once("://")
            .map_or(uri, |(_, rest)| rest.split_once('/').map_or("", |(_, p)| p));
        let path = path.split('?').next().unwrap_or("");
        // A copy needs GetObject on its source and PutObject on its target.
        if let Some(source) = copy_source.filter(|_| operation == "CopyObject") {
            return vec![
                ("s3:PutObject".to_string(), format!("bucket/{path}")),
                (
                    "s3:GetObject".to_string(),
                    format!("bucket/{}", source.trim_start_matches('/')),
                ),
            ];
        }
        // HEAD needs the same permission as GET.
        let action = if operation == "HeadObject" {
            "GetObject"
        } else {
            operation
        };
        vec![(format!("s3:{action}"), format!("bucket/{path}"))]
    } else if service.contains("ses") {
        vec![(format!("ses:{operation}"), "identity".to_string())]
    } else if service.contains("eventbridge") {
        let json: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        json["Entries"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|entry| {
                let bus = entry["EventBusName"].as_str().unwrap_or("default");
                (format!("events:{operation}"), format!("event-bus/{bus}"))
            })
            .collect()
    } else {
        vec![(format!("{service}:{operation}"), "?".to_string())]
    }
}

#[cfg(test)]
mod tests {
    use super::calls_of;

    #[test]
    fn a_transaction_needs_the_action_of_each_item() {
        let body = br#"{"TransactItems":[{"Put":{"TableName":"auth"}},{"Update":{"TableName":"portal"}}]}"#;
        assert_eq!(
            calls_of("DynamoDB", "TransactWriteItems", "http://x/", body, None),
            vec![
                ("dynamodb:PutItem".to_string(), "table/auth".to_string()),
                (
                    "dynamodb:UpdateItem".to_string(),
                    "table/portal".to_string()
                ),
            ]
        );
    }

    #[test]
    fn queries_on_an_index_name_the_index() {
        let body = br#"{"TableName":"portal","IndexName":"ByKind"}"#;
        assert_eq!(
            calls_of("dynamodb", "Query", "http://x/", body, None),
            vec![(
                "dynamodb:Query".to_string(),
                "table/portal/index/ByKind".to_string()
            )]
        );
    }

    #[test]
    fn objects_are_named_by_bucket_and_key() {
        assert_eq!(
            calls_of(
                "s3",
                "GetObject",
                "http://127.0.0.1:5555/docs/documents/a.pdf?x-id=GetObject",
                b"",
                None
            ),
            vec![(
                "s3:GetObject".to_string(),
                "bucket/docs/documents/a.pdf".to_string()
            )]
        );
    }

    #[test]
    fn a_copy_needs_get_on_its_source_and_put_on_its_target() {
        assert_eq!(
            calls_of(
                "s3",
                "CopyObject",
                "http://127.0.0.1:5555/docs/checked/k/a?x-id=CopyObject",
                b"",
                Some("docs/uploads/k/a")
            ),
            vec![
                (
                    "s3:PutObject".to_string(),
                    "bucket/docs/checked/k/a".to_string()
                ),
                (
                    "s3:GetObject".to_string(),
                    "bucket/docs/uploads/k/a".to_string()
                ),
            ]
        );
    }
}
