//! Proofs of payment and support attachments: presigned POSTs to the bucket (checked like S3
//! checks them by the dev gateway in front of moto), then the portal's own check of the file.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::{Browser, TestPortal};
use serde_json::{json, Value};

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// What the browser does with a presigned POST: a multipart form of the given fields and then
/// the file. Returns S3's status and body.
async fn upload(offer: &Value, file: &[u8], tamper: &[(&str, &str)]) -> (u16, String) {
    let mut fields: Vec<(String, String)> = offer["fields"]
        .as_object()
        .expect("fields")
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    for (name, value) in tamper {
        fields.retain(|(k, _)| k != name);
        fields.push((name.to_string(), value.to_string()));
    }
    let (content_type, body) = devstack::uploads::form_body(&fields, file);
    let reply = reqwest::Client::new()
        .post(offer["url"].as_str().unwrap())
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    (reply.status().as_u16(), reply.text().await.unwrap())
}

async fn offer(browser: &mut Browser, path: &str, content_type: &str, size: usize) -> Value {
    let reply = browser
        .post(path, &json!({ "content_type": content_type, "size": size }))
        .await;
    assert_eq!(reply.status, 201, "{reply:?}");
    reply.json
}

#[tokio::test]
async fn a_billing_contact_uploads_a_proof_of_payment_and_support_is_told() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, email) = portal
        .member_session("Beleg GmbH", Lang::De, Role::Billing)
        .await;
    let doc = portal
        .add_document(&company, "R-77", "2026-03-01", Some(PDF), None)
        .await;
    let base = format!("/api/documents/{}", doc.id.as_str());
    let detail = browser.get(&base).await;
    assert_eq!(detail.json["proof"], Value::Null);
    assert_eq!(detail.json["links"]["proof"], format!("{base}/proof"));

    let offer = offer(
        &mut browser,
        &format!("{base}/proof/upload"),
        "application/pdf",
        PDF.len(),
    )
    .await;
    assert_eq!(offer["max_bytes"], 10 * 1024 * 1024);
    assert_eq!(offer["fields"]["Content-Type"], "application/pdf");
    let key = offer["fields"]["key"].as_str().unwrap();
    assert!(
        key.starts_with(&format!("uploads/{company}/proof/{}/", doc.id.as_str())),
        "{key}"
    );
    assert!(
        !offer.to_string().contains("local\""),
        "no secret in the offer"
    );
    assert_eq!(upload(&offer, PDF, &[]).await.0, 204);

    let confirmed = browser
        .post(
            &format!("{base}/proof"),
            &json!({ "upload_id": offer["upload_id"] }),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    assert_eq!(
        confirmed.json["document"]["proof"]["content_type"],
        "application/pdf"
    );
    assert_eq!(confirmed.json["document"]["proof"]["size"], PDF.len());
    assert!(confirmed.json["message"]
        .as_str()
        .unwrap()
        .contains("Zahlungsnachweis"));

    // The invoice shows it from now on, in the list too.
    let list = browser.get("/api/documents").await;
    assert_eq!(
        list.json["documents"][0]["proof"]["size"],
        PDF.len(),
        "{list:?}"
    );
    // Support is pointed at the checked copy, which no upload form can reach.
    let checked = key.replacen("uploads/", "checked/", 1);
    let key = checked.as_str();
    let mail = portal.mail_containing("support@example.com", key).await;
    assert!(mail.subject.contains("R-77"), "{}", mail.subject);
    assert!(
        mail.body.contains(&email) && mail.body.contains(key),
        "{}",
        mail.body
    );
    assert!(mail.body.contains("portal-admin files get"));
    let activity = browser.get("/api/account/activity").await;
    assert!(
        activity.text.contains("payment_proof_submitted"),
        "{activity:?}"
    );
}

#[tokio::test]
async fn s3_refuses_files_outside_the_policy_and_the_portal_explains_why() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Streng GmbH", Lang::En, Role::Owner)
        .await;
    browser.lang = "en";
    let doc = portal
        .add_document(&company, "R-78", "2026-03-01", Some(PDF), None)
        .await;
    let path = format!("/api/documents/{}/proof/upload", doc.id.as_str());

    // Announced wrong type, size or nothing at all: refused before any upload, in English here.
    for (content_type, size, code, field) in [
        ("image/gif", 10, "upload_wrong_type", "content_type"),
        (
            "application/x-msdownload",
            10,
            "upload_wrong_type",
            "content_type",
        ),
        (
            "application/pdf",
            10 * 1024 * 1024 + 1,
            "upload_too_large",
            "size",
        ),
        ("application/pdf", 0, "upload_empty", "size"),
    ] {
        let reply = browser
            .post(
                &path,
                &json!({ "content_type": content_type, "size": size }),
            )
            .await;
        assert_eq!(reply.status, 400, "{content_type} {size}: {reply:?}");
        assert_eq!(reply.code(), code);
        assert!(reply.text.contains(field), "{reply:?}");
        assert!(
            reply.json["error"]["message"]
                .as_str()
                .unwrap()
                .contains("file"),
            "{reply:?}"
        );
    }

    // A client that ignores the announcement: S3 checks the policy itself.
    let offer = offer(&mut browser, &path, "application/pdf", 100).await;
    let too_big = vec![b'%'; 10 * 1024 * 1024 + 1];
    let (status, body) = upload(&offer, &too_big, &[]).await;
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>EntityTooLarge</Code>"), "{body}");
    let (status, body) = upload(&offer, b"<html>", &[("Content-Type", "text/html")]).await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("Policy Condition failed"), "{body}");
    let other = format!("documents/{company}/x.pdf");
    let (status, _) = upload(&offer, PDF, &[("key", &other)]).await;
    assert_eq!(status, 403, "another key is refused");
    let (status, _) = upload(&offer, b"", &[]).await;
    assert_eq!(status, 400, "an empty file is refused");

    // Nothing arrived: confirming says so and records nothing.
    let confirm = format!("/api/documents/{}/proof", doc.id.as_str());
    let reply = browser
        .post(&confirm, &json!({ "upload_id": offer["upload_id"] }))
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (409, "upload_missing"),
        "{reply:?}"
    );

    // Passes S3's policy (declared a PDF, right size) but is no PDF: refused and deleted.
    assert_eq!(upload(&offer, b"MZ\x90\0 not a pdf", &[]).await.0, 204);
    let reply = browser
        .post(&confirm, &json!({ "upload_id": offer["upload_id"] }))
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, "upload_content_mismatch"),
        "{reply:?}"
    );
    let reply = browser
        .post(&confirm, &json!({ "upload_id": offer["upload_id"] }))
        .await;
    assert_eq!(reply.code(), "upload_missing", "the refused file is gone");
    assert_eq!(
        browser
            .get(&format!("/api/documents/{}", doc.id.as_str()))
            .await
            .json["proof"],
        Value::Null
    );

    // Ids of another shape never reach S3.
    let reply = browser
        .post(&confirm, &json!({ "upload_id": "../../documents/x" }))
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (400, "invalid_upload"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn only_open_invoices_take_a_proof_and_viewers_cannot_send_one() {
    use portal::domain::documents::DocumentStatus;
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Bezahlt GmbH", Lang::De, Role::Owner)
        .await;
    let mut doc = portal
        .add_document(&company, "R-79", "2026-03-01", Some(PDF), None)
        .await;
    doc.status = DocumentStatus::Paid;
    portal
        .app_for_seeding
        .documents
        .put(&company, &doc)
        .await
        .unwrap();
    let path = format!("/api/documents/{}/proof/upload", doc.id.as_str());
    let reply = browser
        .post(
            &path,
            &json!({ "content_type": "application/pdf", "size": 10 }),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (409, "invoice_not_open"),
        "{reply:?}"
    );
    let detail = browser
        .get(&format!("/api/documents/{}", doc.id.as_str()))
        .await;
    assert_eq!(detail.json["links"]["proof"], Value::Null);

    let viewer = portal
        .add_login(Lang::De, &[(&company, "Bezahlt GmbH", Role::Viewer)])
        .await;
    let mut viewer_browser = portal.browser();
    portal.log_in(&mut viewer_browser, &viewer).await;
    let reply = viewer_browser
        .post(
            &path,
            &json!({ "content_type": "application/pdf", "size": 10 }),
        )
        .await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn a_proof_survives_a_re_import_of_its_invoice() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Import GmbH", Lang::De, Role::Owner)
        .await;
    let doc = portal
        .add_document(&company, "R-80", "2026-03-01", Some(PDF), None)
        .await;
    let base = format!("/api/documents/{}", doc.id.as_str());
    let offer = offer(
        &mut browser,
        &format!("{base}/proof/upload"),
        "image/png",
        PNG.len(),
    )
    .await;
    assert_eq!(upload(&offer, PNG, &[]).await.0, 204);
    let reply = browser
        .post(
            &format!("{base}/proof"),
            &json!({ "upload_id": offer["upload_id"] }),
        )
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");

    let stores = portal.admin_stores();
    portal_admin::import::write_document(&stores, &company, &doc, vec![("pdf", PDF.to_vec())])
        .await
        .unwrap();
    let detail = browser.get(&base).await;
    assert_eq!(
        detail.json["proof"]["content_type"], "image/png",
        "{detail:?}"
    );
}

#[tokio::test]
async fn a_support_request_carries_a_checked_attachment() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _, _) = portal
        .member_session("Anhang GmbH", Lang::De, Role::Viewer)
        .await;
    let offer = offer(
        &mut browser,
        "/api/support/attachments",
        "image/png",
        PNG.len(),
    )
    .await;
    assert_eq!(upload(&offer, PNG, &[]).await.0, 204);
    let created = browser
        .post(
            "/api/support/requests",
            &json!({
                "category": "technical",
                "subject": "Fehlermeldung",
                "text": "Siehe Bildschirmfoto.",
                "attachment": offer["upload_id"],
            }),
        )
        .await;
    assert_eq!(created.status, 201, "{created:?}");
    assert_eq!(
        created.json["request"]["attachment"]["content_type"],
        "image/png"
    );
    let id = created.json["request"]["id"].as_str().unwrap();
    let detail = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(detail.json["attachment"]["size"], PNG.len());
    let mail = portal.mail_containing("support@example.com", id).await;
    assert!(mail.body.contains("Anhang: PNG"), "{}", mail.body);

    // An attachment that is not there (or not of this company) stores nothing.
    let reply = browser
        .post(
            "/api/support/requests",
            &json!({
                "category": "technical",
                "subject": "Noch eine",
                "text": "Ohne Datei.",
                "attachment": "ffffffffffffffffffffffffffffffff",
            }),
        )
        .await;
    assert_eq!(
        (reply.status, reply.code()),
        (409, "upload_missing"),
        "{reply:?}"
    );
    let list = browser.get("/api/support/requests").await;
    assert_eq!(list.json["requests"].as_array().unwrap().len(), 1);
}

/// The signature is the one S3 computes: botocore (the AWS SDK for Python, installed with
/// moto) signs the same policy with the same credentials and date to the same value.
#[test]
fn presigned_posts_are_signed_exactly_like_botocore_signs_them() {
    use portal::domain::upload::{presigned_post, FileType, SigningCredentials, MAX_BYTES};
    let post = presigned_post(
        "https://b.s3.eu-central-1.amazonaws.com",
        "b",
        "uploads/K-1/proof/d/0123456789abcdef0123456789abcdef",
        FileType::Jpeg,
        MAX_BYTES,
        &SigningCredentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            session_token: Some("FQoGZXIvYXdzEXAMPLE"),
            region: "eu-central-1",
        },
        1_795_416_000,
    );
    let python = devstack::workspace_root().join(".venv/bin/python");
    let script = r#"
import sys
from botocore.auth import S3SigV4PostAuth
from botocore.credentials import Credentials
from botocore.awsrequest import AWSRequest
policy_b64, amz_date = sys.argv[1], sys.argv[2]
auth = S3SigV4PostAuth(Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "FQoGZXIvYXdzEXAMPLE"), "s3", "eu-central-1")
request = AWSRequest(method="POST", url="https://b.s3.eu-central-1.amazonaws.com/")
request.context["timestamp"] = amz_date
print(auth.scope(request))
print(auth.signature(policy_b64, request))
"#;
    let out = std::process::Command::new(python)
        .args([
            "-c",
            script,
            &post.fields["policy"],
            &post.fields["x-amz-date"],
        ])
        .output()
        .expect("the project venv has botocore (make setup)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            post.fields["x-amz-credential"].as_str(),
            post.fields["x-amz-signature"].as_str()
        ]
    );
}

#[tokio::test]
async fn a_login_confirms_at_most_ten_proofs_an_hour() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Viel GmbH", Lang::De, Role::Billing)
        .await;
    let doc = portal
        .add_document(&company, "R-81", "2026-03-01", Some(PDF), None)
        .await;
    let confirm = format!("/api/documents/{}/proof", doc.id.as_str());
    let body = json!({ "upload_id": "ffffffffffffffffffffffffffffffff" });
    for _ in 0..10 {
        let reply = browser.post(&confirm, &body).await;
        assert_eq!(reply.code(), "upload_missing", "{reply:?}");
    }
    let reply = browser.post(&confirm, &body).await;
    assert_eq!(reply.status, 429, "{reply:?}");
    assert!(reply.header("retry-after").is_some());
}

#[tokio::test]
async fn bytes_sent_again_through_a_used_form_change_nothing_the_portal_checked() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Endgültig GmbH", Lang::De, Role::Billing)
        .await;
    let doc = portal
        .add_document(&company, "R-78", "2026-03-01", Some(PDF), None)
        .await;
    let base = format!("/api/documents/{}", doc.id.as_str());
    let offer = offer(
        &mut browser,
        &format!("{base}/proof/upload"),
        "application/pdf",
        PDF.len(),
    )
    .await;
    assert_eq!(upload(&offer, PDF, &[]).await.0, 204);
    let confirmed = browser
        .post(
            &format!("{base}/proof"),
            &json!({ "upload_id": offer["upload_id"] }),
        )
        .await;
    assert_eq!(confirmed.status, 200, "{confirmed:?}");
    // The form is valid for ten minutes: S3 takes other bytes through it …
    let other: &[u8] = b"%PDF-1.4\nsomething else entirely\n";
    assert_eq!(upload(&offer, other, &[]).await.0, 204);
    // … but what the portal recorded is the checked copy, which no form can reach.
    let upload_key = offer["fields"]["key"].as_str().unwrap();
    let checked = upload_key.replacen("uploads/", "checked/", 1);
    let held = portal.app_for_seeding.files.get(&checked).await.unwrap();
    assert_eq!(held.as_deref(), Some(PDF), "the checked bytes");
    let detail = browser.get(&base).await;
    assert_eq!(detail.json["proof"]["size"], PDF.len());
}

#[test]
fn unconfirmed_uploads_expire_by_a_lifecycle_rule() {
    let template: serde_yaml::Value = serde_yaml::from_str(
        &std::fs::read_to_string(devstack::workspace_root().join("infra/template.yaml")).unwrap(),
    )
    .unwrap();
    let rules = template["Resources"]["DocumentsBucket"]["Properties"]["LifecycleConfiguration"]
        ["Rules"]
        .as_sequence()
        .unwrap();
    let rule = rules
        .iter()
        .find(|r| r["Prefix"] == "uploads/")
        .expect("a lifecycle rule for uploads/");
    assert_eq!(rule["Status"], "Enabled");
    assert_eq!(rule["ExpirationInDays"], 1);
    assert_eq!(rule["NoncurrentVersionExpiration"]["NoncurrentDays"], 1);
    // Nothing the portal keeps lives there: checked files are under checked/.
    assert!(!rules
        .iter()
        .any(|r| r["Prefix"] == "checked/" || r["Prefix"] == "documents/"));
}
