//! The per-function part of `infra/template.yaml`, generated from the route table: each
//! function's resource (memory, timeout, description, route), its least-privilege IAM policy
//! from the route's permissions (declared grants plus what its access and limits imply), its log group and its two alarms. `make template` rewrites the part
//! between the markers; a test fails when the file and the route table disagree.

use portal::routes::triggered::{EnvSource, Trigger, Triggered, TRIGGERED};
use portal::routes::{Permission, Resource, Route, SecretDelivery, ROUTES};
use std::fmt::Write;

pub const BEGIN: &str =
    "  # --- functions: generated from functions/portal/src/routes/table.rs by `make template` --";
pub const END: &str =
    "  # --- end of generated functions ---------------------------------------------------------";

/// `auth-request` → `AuthRequest`.
pub fn logical_name(function: &str) -> String {
    function
        .split('-')
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// The template with its generated part replaced by the route table's current state.
pub fn regenerate(template: &str) -> Result<String, String> {
    let start = template
        .find(BEGIN)
        .ok_or("infra/template.yaml has no start marker of the generated functions")?;
    let end = template
        .find(END)
        .ok_or("infra/template.yaml has no end marker of the generated functions")?;
    Ok(format!(
        "{}{}{}",
        &template[..start],
        functions(),
        &template[end..]
    ))
}

/// The generated part, from the start marker up to (not including) the end marker.
pub fn functions() -> String {
    let mut out = String::new();
    writeln!(out, "{BEGIN}").unwrap();
    for route in ROUTES {
        function(&mut out, route);
    }
    for triggered in TRIGGERED {
        triggered_function(&mut out, triggered);
    }
    out
}

/// The inbox bucket's name, built from the stack id rather than `!Ref InboxBucket`: the bucket's
/// notification refers to the function, so the function (its policy and environment) must not
/// refer to the bucket resource, or CloudFormation finds a circular dependency.
pub const INBOX_BUCKET_NAME: &str =
    r#"!Join ["-", ["portal-inbox", !Select [2, !Split ["/", !Ref "AWS::StackId"]]]]"#;

fn triggered_function(out: &mut String, triggered: &Triggered) {
    let name = logical_name(triggered.function);
    let f = triggered.function;
    let mut environment = String::from("      Environment:\n        Variables:\n");
    for (variable, source) in triggered.environment {
        let value = match source {
            EnvSource::InboxUri(prefix) => {
                format!("!Sub [\"s3://${{Bucket}}/{prefix}\", {{ Bucket: {INBOX_BUCKET_NAME} }}]")
            }
            EnvSource::InboxBucket => INBOX_BUCKET_NAME.to_string(),
            EnvSource::Parameter(parameter) => format!("!Ref {parameter}"),
        };
        environment.push_str(&format!("          {variable}: {value}\n"));
    }
    for secret in triggered.secrets {
        environment.push_str(&format!(
            "          {}: !Ref {}\n",
            secret.variable(),
            secret.secret_resource()
        ));
    }
    if triggered.environment.is_empty() && triggered.secrets.is_empty() {
        environment.clear();
    }
    // Why checkov's reserved-concurrency and dead-letter-queue checks do not fit, per trigger.
    let reasons = match triggered.trigger {
        Trigger::InboxObject { .. } => (
            "Concurrency is bounded by what arrives in the inbox bucket (the operator's batches, support's replies), and each batch or mail is claimed in the table, so parallel runs do no harm.",
            "A failure is reported by the function itself (result.json, the summary mail and the ImportFailed alarm for a batch; a refusal mail or the Errors alarm for a reply), and Lambda retries a failed invocation twice; a DLQ would hold only the S3 event.",
        ),
        Trigger::BusEvent { .. } => (
            "Concurrency is bounded by what the billing system publishes; each event changes one request once (a closed request is not closed again), so parallel runs do no harm.",
            "The rule retries a failed delivery for a day (RetryPolicy) and the Errors alarm reports failures; an event that cannot apply is logged and dropped by design.",
        ),
    };
    write!(
        out,
        r#"  {name}Function:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: {f}
      checkov:
        skip:
          - {{ id: CKV_AWS_115, comment: "{concurrency}" }}
          - {{ id: CKV_AWS_116, comment: "{dead_letters}" }}
          - {{ id: CKV_AWS_117, comment: "Only AWS APIs are called; a VPC adds cost, not protection." }}
          - {{ id: CKV_AWS_173, comment: "Only the origin-verification secret (see the note above Resources) and the ARNs of secrets read at init; encrypted at rest by Lambda." }}
    Properties:
      FunctionName: !Sub "${{AWS::StackName}}-{f}"
      CodeUri: ..
      Description: "{description}"
      MemorySize: {memory}
      Timeout: {timeout}
      LoggingConfig:
        LogFormat: JSON
        LogGroup: !Ref {name}LogGroup
{environment}"#,
        description = triggered.summary.replace('"', "\\\""),
        concurrency = reasons.0,
        dead_letters = reasons.1,
        memory = triggered.memory_mb,
        timeout = triggered.timeout_s,
    )
    .unwrap();
    out.push_str("      Policies:\n        - Statement:\n");
    for permission in &triggered.permissions() {
        statement(out, permission);
    }
    out.push_str("      Events:\n");
    match triggered.trigger {
        Trigger::InboxObject { prefix, suffixes } => {
            for (i, suffix) in suffixes.iter().enumerate() {
                write!(
                    out,
                    r#"        Inbox{i}:
          Type: S3
          Properties:
            Bucket: !Ref InboxBucket
            Events: s3:ObjectCreated:*
            Filter:
              S3Key:
                Rules:
                  - {{ Name: prefix, Value: {prefix} }}
"#
                )
                .unwrap();
                // S3 refuses an empty suffix rule: "" stands for every key under the prefix.
                if !suffix.is_empty() {
                    writeln!(
                        out,
                        "                  - {{ Name: suffix, Value: \"{suffix}\" }}"
                    )
                    .unwrap();
                }
            }
        }
        Trigger::BusEvent {
            source,
            detail_type,
        } => {
            write!(
                out,
                r#"        Bus:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref PortalEventBus
            Pattern:
              source: ["{source}"]
              detail-type: ["{detail_type}"]
            RetryPolicy:
              MaximumRetryAttempts: 10
              MaximumEventAgeInSeconds: 86400
"#
            )
            .unwrap();
        }
    }
    write!(
        out,
        r#"
  {name}LogGroup:
    Type: AWS::Logs::LogGroup
    Metadata:
      checkov:
        skip:
          - {{ id: CKV_AWS_158, comment: "Encrypted at rest by CloudWatch Logs; a KMS CMK adds cost, not protection (no secrets are logged)." }}
    Properties:
      LogGroupName: !Sub "/aws/lambda/${{AWS::StackName}}-{f}"
      RetentionInDays: !Ref LogRetentionDays

  {name}ErrorsAlarm:
    Type: AWS::CloudWatch::Alarm
    Condition: HasAlarms
    Properties:
      AlarmDescription: !Sub "${{AWS::StackName}}: {f} failed (function error)"
      Namespace: AWS/Lambda
      MetricName: Errors
      Dimensions: [{{ Name: FunctionName, Value: !Ref {name}Function }}]
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      AlarmActions: [!Ref AlarmTopicArn]
      OKActions: [!Ref AlarmTopicArn]

"#
    )
    .unwrap();
}

fn function(out: &mut String, route: &Route) {
    let name = logical_name(route.function);
    let f = route.function;
    let description = format!("{} {}: {}", route.method, route.path, route.summary);
    let path = if route.path.contains('{') {
        format!("\"{}\"", route.path)
    } else {
        route.path.to_string()
    };
    write!(
        out,
        r#"  {name}Function:
    Type: AWS::Serverless::Function
    Metadata:
      BuildMethod: rust-cargolambda
      BuildProperties:
        Binary: {f}
      checkov:
        skip:
          - {{ id: CKV_AWS_115, comment: "Load is capped by the API stage throttle; see the note above Resources." }}
          - {{ id: CKV_AWS_116, comment: "Synchronous API Gateway invocations never reach a DLQ." }}
          - {{ id: CKV_AWS_117, comment: "Only AWS APIs are called; a VPC adds cost, not protection." }}
          - {{ id: CKV_AWS_173, comment: "{secrets} (see the note above Resources); encrypted at rest by Lambda." }}
    Properties:
      FunctionName: !Sub "${{AWS::StackName}}-{f}"
      CodeUri: ..
      Description: "{description}"
      MemorySize: {memory}
      Timeout: {timeout}
      LoggingConfig:
        LogFormat: JSON
        LogGroup: !Ref {name}LogGroup
{environment}"#,
        description = description.replace('"', "\\\""),
        secrets = secrets_note(route),
        environment = environment(route),
        memory = route.memory_mb,
        timeout = route.timeout_s,
    )
    .unwrap();
    let permissions = route.permissions();
    if !permissions.is_empty() {
        out.push_str("      Policies:\n        - Statement:\n");
        for permission in &permissions {
            statement(out, permission);
        }
    }
    write!(
        out,
        r#"      Events:
        Route:
          Type: HttpApi
          Properties: {{ ApiId: !Ref Api, Method: {method}, Path: {path} }}

  {name}LogGroup:
    Type: AWS::Logs::LogGroup
    Metadata:
      checkov:
        skip:
          - {{ id: CKV_AWS_158, comment: "Encrypted at rest by CloudWatch Logs; a KMS CMK adds cost, not protection (no secrets are logged)." }}
    Properties:
      LogGroupName: !Sub "/aws/lambda/${{AWS::StackName}}-{f}"
      RetentionInDays: !Ref LogRetentionDays

"#,
        method = route.method,
    )
    .unwrap();
    for (metric, what) in [
        ("Errors", "failed (function error)"),
        ("Throttles", "was throttled"),
    ] {
        write!(
            out,
            r#"  {name}{metric}Alarm:
    Type: AWS::CloudWatch::Alarm
    Condition: HasAlarms
    Properties:
      AlarmDescription: !Sub "${{AWS::StackName}}: {f} {what}"
      Namespace: AWS/Lambda
      MetricName: {metric}
      Dimensions: [{{ Name: FunctionName, Value: !Ref {name}Function }}]
      Statistic: Sum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      AlarmActions: [!Ref AlarmTopicArn]
      OKActions: [!Ref AlarmTopicArn]

"#
        )
        .unwrap();
    }
}

/// The checkov note on what secrets the function's environment holds.
fn secrets_note(route: &Route) -> String {
    let own: Vec<&str> = route
        .secrets
        .iter()
        .filter(|s| s.delivery() == SecretDelivery::Environment)
        .map(|s| s.variable())
        .collect();
    let mut note = if own.is_empty() {
        "Only the origin-verification secret".to_string()
    } else {
        format!("Only the origin-verification secret and {}", own.join(", "))
    };
    for secret in route.secrets {
        if secret.delivery() == SecretDelivery::ReadAtInit {
            note.push_str(&format!(
                "; {} only names a secret, read at init",
                secret.variable()
            ));
        }
    }
    note
}

/// The function's own environment: the secrets it declares, and no other function's. A secret
/// read at init appears only as its ARN (`!Ref` of a secret is its ARN).
fn environment(route: &Route) -> String {
    if route.secrets.is_empty() {
        return String::new();
    }
    let mut out = String::from("      Environment:\n        Variables:\n");
    for secret in route.secrets {
        let value = match secret.delivery() {
            SecretDelivery::Environment => format!(
                "!Sub \"{{{{resolve:secretsmanager:${{{}}}:SecretString}}}}\"",
                secret.secret_resource()
            ),
            SecretDelivery::ReadAtInit => format!("!Ref {}", secret.secret_resource()),
        };
        out.push_str(&format!("          {}: {value}\n", secret.variable()));
    }
    out
}

fn statement(out: &mut String, grant: &Permission) {
    let actions = grant.actions.iter().copied().collect::<Vec<_>>().join(", ");
    writeln!(
        out,
        "            - Effect: Allow\n              Action: [{actions}]"
    )
    .unwrap();
    let index;
    let resource = match grant.resource {
        Resource::AuthTable => "              Resource: !GetAtt AuthTable.Arn\n",
        Resource::PortalTable => "              Resource: !GetAtt PortalTable.Arn\n",
        Resource::PortalIndex(name) => {
            index = format!("              Resource: !Sub \"${{PortalTable.Arn}}/index/{name}\"\n");
            &index
        }
        Resource::DocumentFiles => {
            "              Resource: !Sub \"${DocumentsBucket.Arn}/documents/*\"\n"
        }
        Resource::UploadFiles => {
            "              Resource: !Sub \"${DocumentsBucket.Arn}/uploads/*\"\n"
        }
        Resource::CheckedFiles => {
            "              Resource: !Sub \"${DocumentsBucket.Arn}/checked/*\"\n"
        }
        Resource::AnswerFiles => {
            "              Resource: !Sub \"${DocumentsBucket.Arn}/answers/*\"\n"
        }
        Resource::DocumentsBucket => "              Resource: !GetAtt DocumentsBucket.Arn\n",
        Resource::EventBus => "              Resource: !GetAtt PortalEventBus.Arn\n",
        Resource::InboxFiles => {
            index = format!(
                "              Resource: !Sub [\"arn:${{AWS::Partition}}:s3:::${{Bucket}}/{}*\", {{ Bucket: {INBOX_BUCKET_NAME} }}]\n",
                portal::routes::triggered::INBOX_PREFIX
            );
            &index
        }
        Resource::InboxMail => {
            index = format!(
                "              Resource: !Sub [\"arn:${{AWS::Partition}}:s3:::${{Bucket}}/{}*\", {{ Bucket: {INBOX_BUCKET_NAME} }}]\n",
                portal::routes::triggered::MAIL_PREFIX
            );
            &index
        }
        Resource::InboxBucket => {
            index = format!(
                "              Resource: !Sub [\"arn:${{AWS::Partition}}:s3:::${{Bucket}}\", {{ Bucket: {INBOX_BUCKET_NAME} }}]\n"
            );
            &index
        }
        Resource::Secret(logical_id) => {
            index = format!("              Resource: !Ref {logical_id}\n");
            &index
        }
        Resource::MailIdentity => {
            r#"              Resource:
                - !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${SenderIdentity}"
                - !If
                  - HasConfigurationSet
                  - !Sub "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:configuration-set/${SesConfigurationSet}"
                  - !Ref AWS::NoValue
              Condition:
                StringLike:
                  ses:FromAddress: !Sub "*@${SenderIdentity}"
"#
        }
    };
    out.push_str(resource);
}

#[cfg(test)]
mod tests {
    use super::logical_name;

    #[test]
    fn logical_names_are_pascal_case() {
        assert_eq!(logical_name("auth-request"), "AuthRequest");
        assert_eq!(
            logical_name("account-billing-update"),
            "AccountBillingUpdate"
        );
    }
}
