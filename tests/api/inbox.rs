//! The import inbox (issue #18, part 1): batches in the local stand-in's inbox bucket, imported
//! by the function's own handler (`portal_import::inbox`), from real objects and the events S3
//! sends.

use portal::domain::ids::CompanyId;
use portal_import::inbox::Marker;
use portal_tests::{logs, unique, TestPortal};
use serde_json::Value;
use std::time::{Duration, Instant};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";

fn s3() -> aws_sdk_s3::Client {
    portal::store::documents::s3_client(
        &devstack::local::sdk_config(portal_tests::moto_url()),
        true,
    )
}

fn inbox_bucket(portal: &TestPortal) -> String {
    portal.resources.buckets["InboxBucket"].clone()
}

async fn put(portal: &TestPortal, batch: &str, name: &str, body: &[u8]) {
    s3().put_object()
        .bucket(inbox_bucket(portal))
        .key(format!("inbox/{batch}/{name}"))
        .body(body.to_vec().into())
        .send()
        .await
        .unwrap();
}

async fn result(portal: &TestPortal, batch: &str) -> Option<Value> {
    let output = s3()
        .get_object()
        .bucket(inbox_bucket(portal))
        .key(format!("inbox/{batch}/result.json"))
        .send()
        .await
        .ok()?;
    let bytes = output.body.collect().await.unwrap().into_bytes();
    Some(serde_json::from_slice(&bytes).unwrap())
}

fn ready(batch: &str) -> Marker {
    Marker::Ready {
        batch: batch.to_string(),
    }
}

fn later() -> Instant {
    Instant::now() + Duration::from_secs(900)
}

/// A batch of a new customer with a login and two invoices (PDFs in the folder).
async fn good_batch(portal: &TestPortal, batch: &str, company: &str) {
    put(
        portal,
        batch,
        "customers.csv",
        format!("customer_id,number,name\n{company},{company},Inbox GmbH\n").as_bytes(),
    )
    .await;
    put(
        portal,
        batch,
        "logins.csv",
        format!("email,customer_id,role,language\n{company}@example.com,{company},owner,de\n")
            .as_bytes(),
    )
    .await;
    put(
        portal,
        batch,
        "documents.csv",
        format!(
            "customer_id;kind;number;issued;due;net;tax;gross;currency;status;pdf\n\
             {company};invoice;R-1;2026-11-02;2026-11-16;100.00;19.00;119.00;EUR;open;pdf/R-1.pdf\n\
             {company};invoice;R-2;2026-11-03;2026-11-17;200.00;38.00;238.00;EUR;open;pdf/R 2.pdf\n"
        )
        .as_bytes(),
    )
    .await;
    put(portal, batch, "pdf/R-1.pdf", PDF).await;
    put(portal, batch, "pdf/R 2.pdf", PDF).await;
}

async fn documents_of(portal: &TestPortal, company: &str) -> usize {
    let company = CompanyId::parse(company).unwrap();
    portal
        .app_for_seeding
        .documents
        .list(
            &company,
            &portal::store::documents::ListQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .documents
        .len()
}

#[tokio::test]
async fn a_batch_is_imported_once_with_its_files_result_and_summary_mail() {
    let portal = TestPortal::spawn().await;
    let inbox = portal.inbox();
    let (batch, company) = (unique("batch"), unique("c"));
    good_batch(&portal, &batch, &company).await;
    put(&portal, &batch, "READY", b"").await;

    inbox.process(&ready(&batch), later()).await.unwrap();
    let result = result(&portal, &batch).await.expect("result.json");
    assert_eq!(result["status"], "imported", "{result:#}");
    assert_eq!(result["manifests"]["customers"]["created"], 1);
    assert_eq!(result["manifests"]["logins"]["created"], 1);
    assert_eq!(result["manifests"]["documents"]["created"], 2);
    assert_eq!(result["problems"], serde_json::json!([]));
    assert_eq!(documents_of(&portal, &company).await, 2);
    // The files were copied (the key with a space too), the bytes as uploaded.
    let id = CompanyId::parse(&company).unwrap();
    let listed = portal
        .app_for_seeding
        .documents
        .list(
            &id,
            &portal::store::documents::ListQuery {
                limit: 100,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    for document in &listed.documents {
        let key = portal::domain::documents::object_key(&id, &document.id, "pdf");
        assert_eq!(
            portal
                .app_for_seeding
                .files
                .get(&key)
                .await
                .unwrap()
                .as_deref(),
            Some(PDF)
        );
    }
    let mails = portal.mailbox.to("ops@example.com").await.unwrap();
    let summary: Vec<_> = mails
        .iter()
        .filter(|m| m.subject.contains(&batch))
        .collect();
    assert_eq!(summary.len(), 1, "one summary mail");
    assert!(
        summary[0].subject.contains("importiert / imported"),
        "{}",
        summary[0].subject
    );

    // The marker uploaded again, or its event delivered twice: nothing happens.
    put(&portal, &batch, "READY", b"").await;
    inbox.process(&ready(&batch), later()).await.unwrap();
    let event: aws_lambda_events::event::s3::S3Event =
        serde_json::from_value(devstack::watch::s3_event(
            &inbox_bucket(&portal),
            &format!("inbox/{batch}/READY"),
            0,
            "x",
            1,
        ))
        .unwrap();
    inbox.handle(&event, later()).await.unwrap();
    let mails = portal.mailbox.to("ops@example.com").await.unwrap();
    assert_eq!(
        mails.iter().filter(|m| m.subject.contains(&batch)).count(),
        1,
        "still one summary mail"
    );
    assert_eq!(documents_of(&portal, &company).await, 2);

    // The same files under a new batch name change nothing.
    let again = unique("batch");
    good_batch(&portal, &again, &company).await;
    put(&portal, &again, "READY", b"").await;
    inbox.process(&ready(&again), later()).await.unwrap();
    let result = result_of(&portal, &again).await;
    assert_eq!(
        result["manifests"]["documents"]["unchanged"], 2,
        "{result:#}"
    );
    assert_eq!(
        result["manifests"]["customers"]["unchanged"], 1,
        "{result:#}"
    );
}

async fn result_of(portal: &TestPortal, batch: &str) -> Value {
    result(portal, batch).await.expect("result.json")
}

#[tokio::test]
async fn an_invalid_row_fails_the_whole_batch_unless_the_marker_asks_to_skip_it() {
    let portal = TestPortal::spawn().await;
    let inbox = portal.inbox();
    let (batch, company) = (unique("bad"), unique("c"));
    good_batch(&portal, &batch, &company).await;
    // Line 3: gross is not net + tax; line 4 names a PDF that is not in the batch.
    put(
        &portal,
        &batch,
        "documents.csv",
        format!(
            "customer_id,kind,number,issued,net,tax,gross,currency,status,pdf\n\
             {company},invoice,R-1,2026-11-02,100.00,19.00,119.00,EUR,open,pdf/R-1.pdf\n\
             {company},invoice,R-2,2026-11-03,100.00,19.00,120.00,EUR,open,pdf/R-1.pdf\n\
             {company},invoice,R-3,2026-11-04,100.00,19.00,119.00,EUR,open,pdf/missing.pdf\n"
        )
        .as_bytes(),
    )
    .await;
    put(&portal, &batch, "READY", b"").await;
    inbox.process(&ready(&batch), later()).await.unwrap();
    let result = result_of(&portal, &batch).await;
    assert_eq!(result["status"], "failed", "{result:#}");
    let problems: Vec<&str> = result["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        problems,
        [
            "documents.csv:3: gross: must equal net + tax",
            "documents.csv:4: pdf: file pdf/missing.pdf not found in the batch",
        ],
        "{result:#}"
    );
    assert_eq!(documents_of(&portal, &company).await, 0, "nothing imported");
    assert!(
        portal
            .app_for_seeding
            .directory
            .get_company(&CompanyId::parse(&company).unwrap())
            .await
            .unwrap()
            .is_none(),
        "not even the customer"
    );
    assert!(logs::captured().contains("import_failed"));
    let mails = portal.mailbox.to("ops@example.com").await.unwrap();
    let mail = mails
        .iter()
        .find(|m| m.subject.contains(&batch))
        .expect("summary mail");
    assert!(mail.subject.contains("fehlgeschlagen"), "{}", mail.subject);
    assert!(
        mail.body.contains("documents.csv:3: gross"),
        "{}",
        mail.body
    );

    // The same rows, asking to skip invalid ones: the valid ones land, the others are listed.
    let skipping = unique("skip");
    good_batch(&portal, &skipping, &company).await;
    put(
        &portal,
        &skipping,
        "documents.csv",
        format!(
            "customer_id,kind,number,issued,net,tax,gross,currency,status,pdf\n\
             {company},invoice,R-1,2026-11-02,100.00,19.00,119.00,EUR,open,pdf/R-1.pdf\n\
             {company},invoice,R-2,2026-11-03,100.00,19.00,120.00,EUR,open,pdf/R-1.pdf\n"
        )
        .as_bytes(),
    )
    .await;
    put(&portal, &skipping, "READY", br#"{"skip_invalid": true}"#).await;
    inbox.process(&ready(&skipping), later()).await.unwrap();
    let result = result_of(&portal, &skipping).await;
    assert_eq!(result["status"], "imported", "{result:#}");
    assert_eq!(result["manifests"]["documents"]["created"], 1);
    assert_eq!(result["manifests"]["documents"]["skipped"], 1);
    assert_eq!(documents_of(&portal, &company).await, 1);

    // A marker that is not what the docs describe fails the batch with the reason.
    let odd = unique("odd");
    good_batch(&portal, &odd, &unique("c")).await;
    put(&portal, &odd, "READY", b"yes please").await;
    inbox.process(&ready(&odd), later()).await.unwrap();
    let result = result_of(&portal, &odd).await;
    assert_eq!(result["status"], "failed");
    assert!(
        result["problems"][0]
            .as_str()
            .unwrap()
            .starts_with("READY:1:"),
        "{result:#}"
    );
}

/// 10,000 customers in one batch, stopped after its first chunk as an invocation near its end
/// would be: the continuation marker's event continues where it stopped, and every row lands
/// once.
#[tokio::test]
async fn a_long_batch_continues_in_a_further_invocation_where_it_stopped() {
    let portal = TestPortal::spawn().await;
    let inbox = portal.inbox();
    let batch = unique("long");
    let prefix = unique("m");
    let mut manifest = String::from("customer_id,number,name\n");
    for i in 0..10_000 {
        manifest.push_str(&format!("{prefix}-{i},{i},Firma {i}\n"));
    }
    put(&portal, &batch, "customers.csv", manifest.as_bytes()).await;
    put(&portal, &batch, "READY", b"").await;
    // An invocation with less than its margin left: one chunk, then the hand-off.
    inbox
        .process(&ready(&batch), Instant::now() + Duration::from_secs(60))
        .await
        .unwrap();
    assert!(result(&portal, &batch).await.is_none(), "not finished yet");
    let marker = s3()
        .get_object()
        .bucket(inbox_bucket(&portal))
        .key(format!("inbox/{batch}/0.continue"))
        .send()
        .await;
    assert!(marker.is_ok(), "the continuation marker is written");
    let continuation = Marker::Continue {
        batch: batch.clone(),
        number: 0,
    };
    inbox.process(&continuation, later()).await.unwrap();
    // The same continuation delivered twice does nothing.
    inbox.process(&continuation, later()).await.unwrap();
    let result = result_of(&portal, &batch).await;
    assert_eq!(result["status"], "imported", "{result:#}");
    assert_eq!(
        result["manifests"]["customers"]["created"], 10_000,
        "{result:#}"
    );
    let last = CompanyId::parse(&format!("{prefix}-9999")).unwrap();
    assert!(portal
        .app_for_seeding
        .directory
        .get_company(&last)
        .await
        .unwrap()
        .is_some());
}

/// The local stack's watcher (what the bucket notification is on AWS): a batch without its
/// marker is left alone; the marker starts it within a few seconds.
#[tokio::test]
async fn the_local_stack_imports_a_batch_within_seconds_of_its_marker_and_not_before() {
    let portal = TestPortal::spawn().await;
    let config = portal.app_for_seeding.config.clone();
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    devstack::watch::spawn_inbox(
        config,
        &sdk,
        &portal.env,
        std::env::temp_dir().join(unique("watch-work")),
    )
    .unwrap();
    let (batch, company) = (unique("watched"), unique("c"));
    good_batch(&portal, &batch, &company).await;
    tokio::time::sleep(devstack::watch::INTERVAL * 3).await;
    assert!(
        result(&portal, &batch).await.is_none(),
        "no marker, no import"
    );
    assert_eq!(documents_of(&portal, &company).await, 0);
    put(&portal, &batch, "READY", b"").await;
    let started = Instant::now();
    while result(&portal, &batch).await.is_none() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "imported within seconds"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(result_of(&portal, &batch).await["status"], "imported");
    assert_eq!(documents_of(&portal, &company).await, 2);
}
