//! Local resources created from the template, and the function environment that points at them.

use crate::template::{EnvValue, Template};
use crate::DevError;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};
use std::collections::{BTreeMap, HashMap};

pub const REGION: &str = "eu-central-1";

/// The SDK configuration for the stand-in at `endpoint`, with dummy credentials.
/// The secret of the local credentials (moto accepts any; the dev gateway checks upload
/// signatures with it).
pub const SECRET_ACCESS_KEY: &str = "local";

pub fn sdk_config(endpoint: &str) -> SdkConfig {
    let credentials = aws_sdk_dynamodb::config::Credentials::new(
        "local",
        SECRET_ACCESS_KEY,
        None,
        None,
        "devstack",
    );
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_dynamodb::config::SharedCredentialsProvider::new(
            credentials,
        ))
        .http_client(portal::app::http_client())
        .build()
}

/// Names of the local tables and buckets: `<prefix><LogicalId>` (buckets in lower case).
#[derive(Debug, Clone)]
pub struct LocalResources {
    pub prefix: String,
    pub tables: BTreeMap<String, String>,
    pub buckets: BTreeMap<String, String>,
    /// EventBridge buses; each also gets the rule that copies the portal's events to the log
    /// group `/aws/events/<bus>`, as in the template, which is where tests read them.
    pub event_buses: BTreeMap<String, String>,
    /// Secrets Manager secrets by logical id: their ARNs (what `!Ref` of a secret gives).
    pub secrets: BTreeMap<String, String>,
}

fn sdk_err(what: String) -> impl FnOnce(String) -> DevError {
    move |detail| DevError::msg(format!("{what}: {detail}"))
}

/// Creates every table, bucket, SES identity, event bus and secret of the template in the
/// stand-in. Idempotent: what exists already is kept (a secret keeps its value, as on AWS).
pub async fn ensure_resources(
    sdk: &SdkConfig,
    template: &Template,
    prefix: &str,
) -> Result<LocalResources, DevError> {
    let dynamo = aws_sdk_dynamodb::Client::new(sdk);
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(sdk)
            .force_path_style(true)
            .build(),
    );
    let ses = aws_sdk_sesv2::Client::new(sdk);
    let mut resources = LocalResources {
        prefix: prefix.to_string(),
        tables: BTreeMap::new(),
        buckets: BTreeMap::new(),
        event_buses: BTreeMap::new(),
        secrets: BTreeMap::new(),
    };

    for table in template.tables() {
        let name = format!("{prefix}{}", table.logical_id);
        let exists = dynamo
            .describe_table()
            .table_name(&name)
            .send()
            .await
            .is_ok();
        if !exists {
            let key = |k: &crate::template::KeyElement| {
                KeySchemaElement::builder()
                    .attribute_name(&k.name)
                    .key_type(KeyType::from(k.key_type.as_str()))
                    .build()
                    .expect("key element")
            };
            let mut create = dynamo
                .create_table()
                .table_name(&name)
                .billing_mode(BillingMode::PayPerRequest)
                .set_key_schema(Some(table.key_schema.iter().map(key).collect()));
            for (attribute, kind) in &table.attributes {
                create = create.attribute_definitions(
                    AttributeDefinition::builder()
                        .attribute_name(attribute)
                        .attribute_type(ScalarAttributeType::from(kind.as_str()))
                        .build()
                        .expect("attribute definition"),
                );
            }
            for index in &table.global_indexes {
                create = create.global_secondary_indexes(
                    GlobalSecondaryIndex::builder()
                        .index_name(&index.name)
                        .set_key_schema(Some(index.key_schema.iter().map(key).collect()))
                        .projection(
                            Projection::builder()
                                .projection_type(ProjectionType::All)
                                .build(),
                        )
                        .build()
                        .expect("index"),
                );
            }
            create
                .send()
                .await
                .map_err(|e| aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())
                .map_err(sdk_err(format!("creating table {name}")))?;
            if let Some(ttl) = &table.ttl_attribute {
                dynamo
                    .update_time_to_live()
                    .table_name(&name)
                    .time_to_live_specification(
                        TimeToLiveSpecification::builder()
                            .attribute_name(ttl)
                            .enabled(true)
                            .build()
                            .expect("ttl"),
                    )
                    .send()
                    .await
                    .map_err(|e| aws_sdk_dynamodb::error::DisplayErrorContext(e).to_string())
                    .map_err(sdk_err(format!("enabling TTL on {name}")))?;
            }
        }
        resources.tables.insert(table.logical_id.clone(), name);
    }

    for logical_id in template.buckets() {
        let name = format!("{prefix}{logical_id}").to_ascii_lowercase();
        if s3.head_bucket().bucket(&name).send().await.is_err() {
            s3.create_bucket()
                .bucket(&name)
                .create_bucket_configuration(
                    aws_sdk_s3::types::CreateBucketConfiguration::builder()
                        .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                            REGION,
                        ))
                        .build(),
                )
                .send()
                .await
                .map_err(|e| aws_sdk_s3::error::DisplayErrorContext(e).to_string())
                .map_err(sdk_err(format!("creating bucket {name}")))?;
        }
        resources.buckets.insert(logical_id, name);
    }

    for identity in template.email_identities() {
        let known = ses
            .get_email_identity()
            .email_identity(&identity)
            .send()
            .await
            .is_ok();
        if !known {
            ses.create_email_identity()
                .email_identity(&identity)
                .send()
                .await
                .map_err(|e| aws_sdk_sesv2::error::DisplayErrorContext(e).to_string())
                .map_err(sdk_err(format!("creating SES identity {identity}")))?;
        }
    }
    let events = aws_sdk_eventbridge::Client::new(sdk);
    let logs = aws_sdk_cloudwatchlogs::Client::new(sdk);
    for logical_id in template.event_buses() {
        let name = format!("{prefix}{logical_id}");
        if events
            .describe_event_bus()
            .name(&name)
            .send()
            .await
            .is_err()
        {
            events
                .create_event_bus()
                .name(&name)
                .send()
                .await
                .map_err(|e| aws_sdk_eventbridge::error::DisplayErrorContext(e).to_string())
                .map_err(sdk_err(format!("creating event bus {name}")))?;
            let group = format!("/aws/events/{name}");
            let _ = logs.create_log_group().log_group_name(&group).send().await;
            events
                .put_rule()
                .name(format!("{name}-to-logs"))
                .event_bus_name(&name)
                .event_pattern(r#"{"source":["kundenportal"]}"#)
                .send()
                .await
                .map_err(|e| aws_sdk_eventbridge::error::DisplayErrorContext(e).to_string())
                .map_err(sdk_err(format!("creating the rule of {name}")))?;
            events
                .put_targets()
                .rule(format!("{name}-to-logs"))
                .event_bus_name(&name)
                .targets(
                    aws_sdk_eventbridge::types::Target::builder()
                        .id("log-group")
                        .arn(format!(
                            "arn:aws:logs:{REGION}:123456789012:log-group:{group}"
                        ))
                        .build()
                        .expect("target"),
                )
                .send()
                .await
                .map_err(|e| aws_sdk_eventbridge::error::DisplayErrorContext(e).to_string())
                .map_err(sdk_err(format!("creating the target of {name}")))?;
        }
        resources.event_buses.insert(logical_id, name);
    }
    let secrets = aws_sdk_secretsmanager::Client::new(sdk);
    for (logical_id, length) in template.secrets() {
        let name = format!("{prefix}{logical_id}");
        let arn = match secrets.describe_secret().secret_id(&name).send().await {
            Ok(found) => found.arn,
            Err(_) => {
                // As GenerateSecretString does on AWS: a random value of the declared length.
                let value = secrets
                    .get_random_password()
                    .password_length(length)
                    .exclude_punctuation(true)
                    .send()
                    .await
                    .map_err(|e| aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string())
                    .map_err(sdk_err(format!("generating the value of secret {name}")))?
                    .random_password
                    .unwrap_or_default();
                secrets
                    .create_secret()
                    .name(&name)
                    .secret_string(value)
                    .send()
                    .await
                    .map_err(|e| aws_sdk_secretsmanager::error::DisplayErrorContext(e).to_string())
                    .map_err(sdk_err(format!("creating secret {name}")))?
                    .arn
            }
        };
        let arn = arn.ok_or_else(|| DevError::msg(format!("secret {name} has no ARN")))?;
        resources.secrets.insert(logical_id, arn);
    }
    Ok(resources)
}

/// The portal's events the stand-in received (through the rule into the log group), oldest
/// first, as EventBridge delivers them (`detail-type`, `source`, `detail`, …).
pub async fn published_events(moto_url: &str) -> Result<Vec<serde_json::Value>, DevError> {
    let data: serde_json::Value = reqwest::get(format!("{moto_url}/moto-api/data.json"))
        .await
        .map_err(|e| DevError::msg(format!("reading the stand-in's events: {e}")))?
        .json()
        .await
        .map_err(|e| DevError::msg(format!("reading the stand-in's events: {e}")))?;
    Ok(data["logs"]["LogEvent"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| serde_json::from_str::<serde_json::Value>(e["message"].as_str()?).ok())
        .filter(|e| e["source"] == "kundenportal")
        .collect())
}

impl LocalResources {
    /// `INBOX_URI` of the local stack: the template's inbox bucket, prefix `inbox/`.
    pub fn inbox_uri(&self) -> String {
        format!(
            "s3://{}/{}",
            self.buckets.get("InboxBucket").map_or("", String::as_str),
            portal::routes::triggered::INBOX_PREFIX
        )
    }

    /// The functions' environment as the template defines it, with resources pointing at the
    /// local names, parameters at their defaults, and `overrides` on top (e.g. the base URL,
    /// which has no default).
    pub fn function_env(
        &self,
        template: &Template,
        overrides: &[(&str, &str)],
    ) -> HashMap<String, String> {
        let mut env = HashMap::new();
        for (name, value) in template.function_environment() {
            let resolved = match value {
                EnvValue::Literal(v) => Some(v),
                EnvValue::Ref(target) => self
                    .tables
                    .get(&target)
                    .or_else(|| self.buckets.get(&target))
                    .or_else(|| self.event_buses.get(&target))
                    .or_else(|| self.secrets.get(&target))
                    .cloned()
                    .or_else(|| template.parameter_default(&target)),
                EnvValue::Other => None,
            };
            if let Some(v) = resolved.filter(|v| !v.is_empty()) {
                env.insert(name, v);
            }
        }
        // No CloudFront stands in front of the dev gateway: it passes the TCP peer as API
        // Gateway passes `sourceIp`, and there is no origin secret, so the deployed stack's
        // client-IP header (which the functions trust only with that secret) is not used here.
        env.remove("CLIENT_IP_HEADER");
        for (name, value) in overrides {
            env.insert(name.to_string(), value.to_string());
        }
        env
    }
}
