//! Bucket notifications, which moto does not send: the dev stack lists the import inbox every
//! `INTERVAL` and, for each new object whose key fits a trigger of `portal::routes::triggered`,
//! hands the function's handler the event S3 would deliver (`s3_event`, version 2.1 of the
//! documented "event message structure": keys URL-encoded with `+` for a space). Only this one
//! behaviour is emulated; the handlers are the deployed ones (`portal_import::inbox`,
//! `portal::support::replies`).
//!
//! SES receiving, which moto does not do either: `ses_stored_mail` writes a reply as SES's
//! receipt rule stores it (its S3 action), with the headers SES puts on top; the dev mailbox's
//! "reply as support" button uses it.

use portal::routes::triggered::{Trigger, Triggered};
use std::collections::HashSet;
use std::time::Duration;

/// How often the inbox is listed: "within a few seconds".
pub const INTERVAL: Duration = Duration::from_secs(2);

/// The event S3 sends for an object created in `bucket` under `key`.
pub fn s3_event(
    bucket: &str,
    key: &str,
    size: i64,
    etag: &str,
    sequencer: u64,
) -> serde_json::Value {
    let encoded: String = key
        .split(' ')
        .map(|part| percent_encoding::utf8_percent_encode(part, KEY_ESCAPES).to_string())
        .collect::<Vec<_>>()
        .join("+");
    serde_json::json!({
        "Records": [{
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": crate::local::REGION,
            "eventTime": now_iso8601(),
            "eventName": "ObjectCreated:Put",
            "userIdentity": { "principalId": "AWS:LOCALOPERATOR" },
            "requestParameters": { "sourceIPAddress": "127.0.0.1" },
            "responseElements": {
                "x-amz-request-id": format!("LOCAL{sequencer:011X}"),
                "x-amz-id-2": "devstack",
            },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": "devstack-watch",
                "bucket": {
                    "name": bucket,
                    "ownerIdentity": { "principalId": "LOCALOWNER" },
                    "arn": format!("arn:aws:s3:::{bucket}"),
                },
                "object": {
                    "key": encoded,
                    "size": size,
                    "eTag": etag.trim_matches('"'),
                    "sequencer": format!("{sequencer:016X}"),
                },
            },
        }]
    })
}

/// What S3 escapes in event keys: everything but unreserved characters and `/` (spaces become
/// `+` above).
const KEY_ESCAPES: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'/')
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn now_iso8601() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (days, rest) = (secs / 86_400, secs % 86_400);
    // Civil date from days since 1970 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// Whether `key` fits the trigger.
pub fn fits(trigger: &Trigger, key: &str) -> bool {
    match trigger {
        Trigger::InboxObject { prefix, suffixes } => {
            key.starts_with(prefix) && suffixes.iter().any(|s| key.ends_with(s))
        }
        Trigger::BusEvent { .. } => false,
    }
}

/// Lists `bucket` every `INTERVAL` and calls `deliver` with the event of each new object that
/// fits `triggered`'s trigger, one at a time (as one Lambda instance would). Runs until the
/// process ends. Objects present when it starts were delivered before (or never will be).
pub async fn watch<F, Fut>(
    s3: aws_sdk_s3::Client,
    bucket: String,
    triggered: &'static Triggered,
    deliver: F,
) where
    F: Fn(serde_json::Value) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut first = true;
    let mut sequencer = 0u64;
    loop {
        let Trigger::InboxObject { prefix, .. } = triggered.trigger else {
            return;
        };
        let mut pages = s3
            .list_objects_v2()
            .bucket(&bucket)
            .prefix(prefix)
            .into_paginator()
            .send();
        let mut new = Vec::new();
        while let Some(Ok(page)) = pages.next().await {
            for object in page.contents() {
                let (Some(key), Some(etag)) = (object.key(), object.e_tag()) else {
                    continue;
                };
                if !fits(&triggered.trigger, key) {
                    continue;
                }
                if seen.insert((key.to_string(), etag.to_string())) && !first {
                    new.push((
                        key.to_string(),
                        object.size().unwrap_or(0),
                        etag.to_string(),
                    ));
                }
            }
        }
        first = false;
        for (key, size, etag) in new {
            sequencer += 1;
            deliver(s3_event(&bucket, &key, size, &etag, sequencer)).await;
        }
        tokio::time::sleep(INTERVAL).await;
    }
}

/// A file of a reply: name, content type, bytes.
pub type ReplyFile<'a> = (&'a str, &'a str, &'a [u8]);

/// A mail as SES's S3 action stores it: SES's `Received` line naming the envelope recipient,
/// its spam and virus verdicts and its `Authentication-Results` (all passing, as for a support
/// sender whose domain publishes SPF, DKIM and DMARC), then the sender's message: `text` and
/// `files` as a mail program writes them (mail-builder's MIME).
pub fn ses_stored_mail(from: &str, to: &str, subject: &str, text: &str, id: &str) -> Vec<u8> {
    ses_stored_mail_with_files(from, to, subject, text, &[], id)
}

/// [`ses_stored_mail`] with files attached.
pub fn ses_stored_mail_with_files(
    from: &str,
    to: &str,
    subject: &str,
    text: &str,
    files: &[ReplyFile<'_>],
    id: &str,
) -> Vec<u8> {
    let domain = from.rsplit('@').next().unwrap_or("example.com");
    let mut message = mail_builder::MessageBuilder::new()
        .from(from)
        .to(to)
        .subject(subject.replace(['\r', '\n'], " "))
        .message_id(format!("{id}@mail.{domain}"))
        .text_body(text.replace("\r\n", "\n"));
    for (name, content_type, bytes) in files {
        message = message.attachment(content_type.to_string(), name.to_string(), bytes.to_vec());
    }
    let message = message
        .write_to_vec()
        .expect("writing MIME to memory cannot fail");
    let mut stored = ses_receipt_headers(from, to, id).into_bytes();
    stored.extend(message);
    stored
}

/// What SES puts on top of a message it receives from `from` for `to`.
fn ses_receipt_headers(from: &str, to: &str, id: &str) -> String {
    let domain = from.rsplit('@').next().unwrap_or("example.com");
    let date = now_iso8601();
    format!(
        "Return-Path: <{from}>\r\n\
Received: from mail.{domain} (mail.{domain} [192.0.2.10])\r\n by inbound-smtp.{region}.amazonaws.com with SMTP id {id}\r\n for {to};\r\n {date}\r\n\
X-SES-Spam-Verdict: PASS\r\n\
X-SES-Virus-Verdict: PASS\r\n\
Received-SPF: pass (spfCheck: domain of {domain} designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from={from}; helo=mail.{domain};\r\n\
Authentication-Results: amazonses.com;\r\n spf=pass (spfCheck: domain of {domain} designates 192.0.2.10 as permitted sender) client-ip=192.0.2.10; envelope-from={from}; helo=mail.{domain};\r\n dkim=pass header.i=@{domain};\r\n dmarc=pass header.from={domain};\r\n\
X-SES-RECEIPT: local\r\n",
        region = crate::local::REGION,
    )
}

/// Starts the replies by mail of the local stack: the `mail-reply` function's handler
/// (`portal::support::replies`) over `config`'s stores, fed by `watch` on `mail/` of the inbox
/// bucket `bucket`. `config` must hold the reply mailbox and key.
pub fn spawn_replies(
    config: portal::Config,
    sdk: &aws_types::SdkConfig,
    bucket: String,
) -> Result<(), crate::DevError> {
    use portal::support::replies::MailReplies;
    let received = portal::store::received::ReceivedMails::new(
        aws_sdk_dynamodb::Client::new(sdk),
        &config.portal_table,
    );
    let s3 = portal::store::documents::s3_client(sdk, true);
    let app: &'static portal::App = Box::leak(Box::new(portal::App::new(
        config,
        sdk,
        portal::Clock::system(),
    )));
    let replies: &'static MailReplies<'static> = Box::leak(Box::new(MailReplies {
        app,
        s3: s3.clone(),
        bucket: bucket.clone(),
        received,
    }));
    spawn_watcher(
        s3,
        bucket,
        &portal::routes::triggered::MAIL_REPLY,
        move |event| async move {
            match serde_json::from_value::<aws_lambda_events::event::s3::S3Event>(event) {
                Ok(event) => {
                    if let Err(err) = replies.handle(&event).await {
                        eprintln!("mail-reply: {err}");
                    }
                }
                Err(err) => eprintln!("mail-reply: unreadable event: {err}"),
            }
        },
    )
}

/// `watch` on its own thread with a single-threaded runtime, as the function runs on Lambda:
/// the handler's futures need not be `Send`.
fn spawn_watcher<F, Fut>(
    s3: aws_sdk_s3::Client,
    bucket: String,
    triggered: &'static Triggered,
    deliver: F,
) -> Result<(), crate::DevError>
where
    F: Fn(serde_json::Value) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()>,
{
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(crate::DevError::io(format!(
            "starting the runtime of {}",
            triggered.function
        )))?;
    std::thread::spawn(move || runtime.block_on(watch(s3, bucket, triggered, deliver)));
    Ok(())
}

/// Starts the import inbox of the local stack: the function's handler (`portal_import::inbox`)
/// over `config`'s stores, fed by `watch`. `env` holds `INBOX_URI` and `OPS_EMAIL`, as the
/// function's environment does. Returns the inbox, for callers that also drive it directly.
pub fn spawn_inbox(
    config: portal::Config,
    sdk: &aws_types::SdkConfig,
    env: &std::collections::HashMap<String, String>,
    work_dir: std::path::PathBuf,
) -> Result<&'static portal_import::inbox::Inbox<'static>, crate::DevError> {
    use portal_import::inbox::{Inbox, InboxConfig};
    let inbox_config = InboxConfig::from_lookup(|name| env.get(name).cloned())
        .map_err(|e| crate::DevError::msg(e.to_string()))?;
    std::fs::create_dir_all(&work_dir)
        .map_err(crate::DevError::io(work_dir.display().to_string()))?;
    let app: &'static portal::App = Box::leak(Box::new(portal::App::new(
        config,
        sdk,
        portal::Clock::system(),
    )));
    let bucket = inbox_config.bucket.clone();
    let inbox: &'static Inbox<'static> =
        Box::leak(Box::new(Inbox::new(app, sdk, inbox_config, work_dir)));
    let s3 = portal::store::documents::s3_client(sdk, true);
    spawn_watcher(
        s3,
        bucket,
        &portal::routes::triggered::INBOX_IMPORT,
        move |event| async move {
            match serde_json::from_value::<aws_lambda_events::event::s3::S3Event>(event) {
                Ok(event) => {
                    let deadline = std::time::Instant::now()
                        + Duration::from_secs(u64::from(
                            portal::routes::triggered::INBOX_IMPORT.timeout_s,
                        ));
                    if let Err(err) = inbox.handle(&event, deadline).await {
                        eprintln!("inbox-import: {err}");
                    }
                }
                Err(err) => eprintln!("inbox-import: unreadable event: {err}"),
            }
        },
    )?;
    Ok(inbox)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The emulated event has the fields of AWS's documented event message structure (version
    /// 2.1) and parses as the Lambda event type the function uses; the key is URL-encoded as
    /// S3 encodes it.
    #[test]
    fn the_emulated_event_has_the_documented_structure() {
        let event = s3_event("inbox-bucket", "inbox/Mai 2026/READY", 0, "\"d41d8\"", 7);
        let record = &event["Records"][0];
        for field in [
            "eventVersion",
            "eventSource",
            "awsRegion",
            "eventTime",
            "eventName",
            "userIdentity",
            "requestParameters",
            "responseElements",
            "s3",
        ] {
            assert!(!record[field].is_null(), "{field}");
        }
        assert_eq!(record["eventSource"], "aws:s3");
        assert_eq!(record["s3"]["s3SchemaVersion"], "1.0");
        assert_eq!(record["s3"]["object"]["key"], "inbox/Mai+2026/READY");
        assert_eq!(record["s3"]["object"]["eTag"], "d41d8");
        let parsed: aws_lambda_events::event::s3::S3Event =
            serde_json::from_value(event.clone()).unwrap();
        assert_eq!(
            parsed.records[0].s3.bucket.name.as_deref(),
            Some("inbox-bucket")
        );
        assert!(record["eventTime"].as_str().unwrap().ends_with(".000Z"));
    }

    #[test]
    fn only_keys_of_the_trigger_fit() {
        let trigger = portal::routes::triggered::INBOX_IMPORT.trigger;
        assert!(fits(&trigger, "inbox/b1/READY"));
        assert!(fits(&trigger, "inbox/b1/3.continue"));
        assert!(!fits(&trigger, "inbox/b1/result.json"));
        assert!(!fits(&trigger, "inbound/b1/READY"));
        let replies = portal::routes::triggered::MAIL_REPLY.trigger;
        assert!(fits(&replies, "mail/0f1e2d3c4b5a"));
        assert!(!fits(&replies, "inbox/b1/READY"));
    }

    /// The emulated stored mail has what AWS documents SES adds on receipt (a `Received` line
    /// by inbound-smtp naming the recipient, `X-SES-Spam-Verdict`, `X-SES-Virus-Verdict`,
    /// `Received-SPF`, `Authentication-Results` of `amazonses.com`) above the sender's own
    /// headers, and the portal reads the receipt from it.
    #[test]
    fn the_emulated_stored_mail_carries_ses_receipt_headers() {
        let raw = ses_stored_mail(
            "support@example.com",
            "support+r.10001.x.y@reply.example.com",
            "Re: Ihre Anfrage",
            "Danke, erledigt.\nGruß",
            "abc123",
        );
        let text = String::from_utf8(raw.clone()).unwrap();
        let (head, _) = text.split_once("\r\n\r\n").unwrap();
        let names: Vec<&str> = head
            .lines()
            .filter(|l| !l.starts_with(' '))
            .filter_map(|l| l.split_once(':').map(|(n, _)| n))
            .collect();
        let position = |name: &str| names.iter().position(|n| *n == name).unwrap();
        for ses in [
            "Received",
            "X-SES-Spam-Verdict",
            "X-SES-Virus-Verdict",
            "Received-SPF",
            "Authentication-Results",
        ] {
            assert!(
                position(ses) < position("From"),
                "{ses} comes before the sender's headers"
            );
        }
        assert!(head.contains("by inbound-smtp."));
        let message = mail_parser::MessageParser::new().parse(&raw).unwrap();
        let body = message.body_text(0).unwrap();
        assert!(
            body.contains("Danke, erledigt.") && body.contains("Gruß"),
            "{body}"
        );
        let receipt = portal::domain::reply::Receipt::from_stored_mail(&raw);
        assert!(receipt.authenticated());
        assert_eq!(
            receipt.recipients,
            vec!["support+r.10001.x.y@reply.example.com"]
        );
    }
}
