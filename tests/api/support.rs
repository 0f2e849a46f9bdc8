//! Support requests (portal and `portal-admin support`) and notifications.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal::store::support::Status;
use portal_admin::Stores;
use portal_tests::{unique, TestPortal};
use serde_json::{json, Value};

fn stores(portal: &TestPortal) -> Stores {
    let sdk = devstack::local::sdk_config(portal_tests::moto_url());
    let mut stores = portal.admin_stores();
    stores.notifier = Some(portal_admin::notify::Notifier::new(
        &sdk,
        "Kundenportal <portal@example.com>",
        &portal.base_url,
    ));
    stores
}

fn request(subject: &str) -> Value {
    json!({ "category": "invoice", "subject": subject, "text": "Zeile 1\nZeile 2" })
}

#[tokio::test]
async fn a_member_writes_to_support_who_gets_a_mail_and_the_company_sees_the_request() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, email) = portal
        .member_session("Hilfe GmbH", Lang::De, Role::Viewer)
        .await;
    let doc = portal
        .add_document(&company, "R-5", "2026-02-01", Some(b"%PDF-1.4 x"), None)
        .await;
    let mut body = request("Frage zur Rechnung R-5");
    body["document"] = json!(doc.id.as_str());
    let created = browser.post("/api/support/requests", &body).await;
    assert_eq!(created.status, 201, "{created:?}");
    let id = created.json["request"]["id"].as_str().unwrap().to_string();
    assert_eq!(created.json["request"]["status"], "open");
    assert_eq!(created.json["request"]["text"], "Zeile 1\nZeile 2");

    // Every test's support mail goes to the same address: find this one.
    let mail = portal.mail_containing("support@example.com", &id).await;
    assert!(
        mail.subject.contains("Frage zur Rechnung R-5"),
        "{}",
        mail.subject
    );
    assert!(mail.body.contains(&id) && mail.body.contains("R-5") && mail.body.contains(&email));

    // A colleague sees it too; search and status filter work.
    let owner = portal
        .add_login(Lang::De, &[(&company, "Hilfe GmbH", Role::Owner)])
        .await;
    let mut colleague = portal.browser();
    portal.log_in(&mut colleague, &owner).await;
    let list = colleague.get("/api/support/requests").await;
    assert_eq!(list.json["requests"][0]["id"], id.as_str(), "{list:?}");
    for (query, found) in [
        ("?q=rechnung%20r-5", 1),
        ("?q=zeile%202", 1),
        ("?q=nichts", 0),
        ("?status=open", 1),
        ("?status=closed", 0),
    ] {
        let reply = colleague
            .get(&format!("/api/support/requests{query}"))
            .await;
        assert_eq!(
            reply.json["requests"].as_array().unwrap().len(),
            found,
            "{query}"
        );
    }
    let detail = colleague.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(detail.json["document"], doc.id.as_str());
    let activity = colleague.get("/api/account/activity").await;
    assert!(activity.text.contains("support_requested"), "{activity:?}");
}

#[tokio::test]
async fn bad_requests_are_refused_with_the_fields_named_and_other_companies_see_nothing() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company, _) = portal
        .member_session("Eins GmbH", Lang::De, Role::Owner)
        .await;
    let (mut other, other_company, _) = portal
        .member_session("Zwei GmbH", Lang::De, Role::Owner)
        .await;
    let foreign = portal
        .add_document(&other_company, "R-9", "2026-02-01", None, None)
        .await;
    let reply = browser
        .post(
            "/api/support/requests",
            &json!({ "category": "gossip", "subject": " ", "text": "a\u{202e}b", "document": foreign.id.as_str() }),
        )
        .await;
    assert_eq!(reply.code(), "validation_failed", "{reply:?}");
    let fields = reply.fields();
    assert_eq!(fields, ["category", "subject", "text"]);
    let foreign_doc = browser
        .post(
            "/api/support/requests",
            &json!({ "category": "invoice", "subject": "x", "text": "y", "document": foreign.id.as_str() }),
        )
        .await;
    assert_eq!(
        (foreign_doc.status, foreign_doc.code()),
        (409, "unknown_document"),
        "{foreign_doc:?}"
    );
    let extra = browser
        .post(
            "/api/support/requests",
            &json!({ "category": "invoice", "subject": "x", "text": "y", "status": "closed" }),
        )
        .await;
    assert_eq!(extra.status, 400);

    let id = portal
        .add_support_request(&company, "a@example.com", "Nur für Eins")
        .await;
    for path in [
        format!("/api/support/requests/{id}"),
        "/api/support/requests/../x".to_string(),
        "/api/support/requests/001795000000-ZZZZZZZZ".to_string(),
    ] {
        assert_eq!(other.get(&path).await.status, 404, "{path}");
    }
    assert_eq!(
        other.get("/api/support/requests").await.json["requests"],
        json!([])
    );
}

#[tokio::test]
async fn an_answer_from_portal_admin_notifies_the_company_and_mails_the_writer() {
    let portal = TestPortal::spawn().await;
    let stores = stores(&portal);
    let (mut browser, company, email) = portal
        .member_session("Antwort GmbH", Lang::De, Role::Billing)
        .await;
    let created = browser
        .post("/api/support/requests", &request("Bitte Gutschrift"))
        .await;
    let id = created.json["request"]["id"].as_str().unwrap().to_string();
    let listed = portal_admin::support::list(&stores, Some(Status::Open))
        .await
        .unwrap();
    assert!(listed.iter().any(|r| r.id == id && r.company == company));

    let done = portal_admin::support::answer(
        &stores,
        company.as_str(),
        &id,
        Some("Die Gutschrift ist unterwegs.\nViele Grüße"),
        None,
        portal.clock.now() + 5,
    )
    .await
    .unwrap();
    assert_eq!(
        (done.status, done.notified, done.mailed),
        (Status::Answered, 1, true)
    );
    let detail = browser.get(&format!("/api/support/requests/{id}")).await;
    assert_eq!(detail.json["status"], "answered");
    assert_eq!(
        detail.json["answers"][0]["text"],
        "Die Gutschrift ist unterwegs.\nViele Grüße"
    );
    let mail = portal.mail(&email, 2).await;
    assert!(
        mail.subject.contains("Bitte Gutschrift"),
        "{}",
        mail.subject
    );
    assert!(
        !mail.body.contains("unterwegs"),
        "the answer itself stays in the portal"
    );

    let notes = browser.get("/api/notifications").await;
    let kinds: Vec<&str> = notes.json["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"request_status"), "{notes:?}");
    assert!(portal_admin::support::list(&stores, Some(Status::Open))
        .await
        .unwrap()
        .iter()
        .all(|r| r.id != id));

    for (company, request, text, status) in [
        ("x y", id.as_str(), Some("a"), None),
        (company.as_str(), "nope", Some("a"), None),
        (company.as_str(), "001795000000-0a1b2c3d", Some("a"), None),
        (company.as_str(), id.as_str(), None, None),
        (company.as_str(), id.as_str(), Some("\u{0}"), None),
    ] {
        let refused =
            portal_admin::support::answer(&stores, company, request, text, status, 1).await;
        assert!(refused.is_err(), "{company} {request} {text:?}");
    }
}

#[tokio::test]
async fn a_sign_in_from_a_new_browser_is_a_notification_and_reading_clears_the_count() {
    let portal = TestPortal::spawn().await;
    let company = portal.add_company("Gerät GmbH").await;
    let email = portal
        .add_login(Lang::De, &[(&company, "Gerät GmbH", Role::Owner)])
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    assert!(browser.cookie("__Host-portal_device").is_some());
    let first = browser.get("/api/notifications").await;
    assert_eq!(first.json["unread"], 1, "{first:?}");
    assert_eq!(first.json["notifications"][0]["kind"], "new_device");

    let read = browser.post("/api/notifications/read", &json!({})).await;
    assert_eq!(read.status, 204, "{read:?}");
    assert_eq!(browser.get("/api/notifications").await.json["unread"], 0);

    // The same browser again: nothing new. Another browser: a new notification.
    portal.clock.advance(10);
    portal.log_in(&mut browser, &email).await;
    assert_eq!(browser.get("/api/notifications").await.json["unread"], 0);
    let mut other = portal.browser();
    portal.log_in(&mut other, &email).await;
    let after = other.get("/api/notifications").await;
    assert_eq!(after.json["unread"], 1, "{after:?}");
    assert_eq!(after.json["notifications"].as_array().unwrap().len(), 2);
    assert_eq!(
        other
            .post("/api/notifications/read", &json!({ "all": true }))
            .await
            .status,
        400
    );
}

#[tokio::test]
async fn an_imported_invoice_is_a_notification_for_every_login_of_the_company() {
    let portal = TestPortal::spawn().await;
    let mut stores = stores(&portal);
    stores.notifier = None;
    let id = format!("n{}", unique("c").replace('-', ""));
    let dir = std::env::temp_dir().join(unique("notify-import-"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("c.csv"),
        format!("customer_id,number,name\n{id},{id},Neu GmbH\n"),
    )
    .unwrap();
    let run = |kind, file: &str| {
        let path = dir.join(file);
        let stores = &stores;
        async move {
            portal_admin::import::run(
                stores,
                kind,
                &path,
                &portal_admin::import::Options {
                    files: None,
                    skip_invalid: false,
                },
            )
            .await
            .unwrap()
        }
    };
    run(portal_admin::import::Kind::Companies, "c.csv").await;
    let company = portal::domain::ids::CompanyId::parse(&id).unwrap();
    let email = portal
        .add_login(Lang::De, &[(&company, "Neu GmbH", Role::Viewer)])
        .await;
    std::fs::write(dir.join("r.pdf"), b"%PDF-1.4 r").unwrap();
    std::fs::write(
        dir.join("d.csv"),
        format!("customer_id,kind,number,issued,net,tax,gross,currency,status,pdf\n{id},invoice,R-100,2026-04-01,100,19,119,EUR,open,r.pdf\n"),
    )
    .unwrap();
    run(portal_admin::import::Kind::Documents, "d.csv").await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let notes = browser.get("/api/notifications").await;
    let invoice = notes.json["notifications"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["kind"] == "new_invoice")
        .cloned()
        .unwrap_or_else(|| panic!("{notes:?}"));
    assert_eq!(invoice["detail"], "R-100");
    assert_eq!(invoice["customer_name"], "Neu GmbH");
    assert_eq!(invoice["unread"], true);
}
