//! Billing data: validation with field errors, optimistic locking, locked fields and change
//! requests, roles.

use portal::domain::ids::{CompanyId, Role};
use portal::domain::lang::Lang;
use portal_tests::{Browser, Reply, TestPortal};
use serde_json::{json, Value};

async fn logged_in(portal: &TestPortal, role: Role) -> (Browser, CompanyId) {
    let (browser, company, _) = portal
        .member_session("Stammdaten GmbH", Lang::De, role)
        .await;
    (browser, company)
}

fn valid() -> Value {
    json!({
        "legal_name": "Stammdaten GmbH",
        "address": { "line1": "Hauptstraße 1", "line2": "", "postal_code": "10115", "city": "Berlin", "country": "de" },
        "vat_id": "de 136 695 976",
        "invoice_emails": ["Rechnung@Example.com"],
        "po_reference": "PO-1"
    })
}

async fn put(browser: &mut Browser, body: &Value, version: Option<&str>) -> Reply {
    let mut req = browser
        .request(reqwest::Method::PUT, "/api/account/billing")
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(version) = version {
        req = req.header("if-match", version);
    }
    browser.send(req).await
}

fn fields(reply: &Reply) -> Vec<String> {
    reply.json["error"]["fields"]
        .as_array()
        .map(|list| {
            list.iter()
                .map(|f| f["field"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn billing_data_is_read_and_saved_with_its_version() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Billing).await;
    let first = browser.get("/api/account/billing").await;
    assert_eq!(first.status, 200, "{first:?}");
    assert_eq!(first.json["legal_name"], "Stammdaten GmbH");
    assert_eq!(first.header("etag"), Some("\"0\""));
    let saved = put(&mut browser, &valid(), Some("\"0\"")).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved.header("etag"), Some("\"1\""));
    let again = browser.get("/api/account/billing").await;
    assert_eq!(again.json["version"], 1);
    assert_eq!(again.json["address"]["country"], "DE");
    assert_eq!(again.json["vat_id"], "DE136695976");
    assert_eq!(
        again.json["invoice_emails"],
        json!(["rechnung@example.com"])
    );
}

#[tokio::test]
async fn an_update_without_or_with_a_stale_version_gets_428_or_412_with_the_current_data() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Owner).await;
    let missing = put(&mut browser, &valid(), None).await;
    assert_eq!((missing.status, missing.code()), (428, "version_required"));
    assert_eq!(
        missing.json["error"]["current"]["legal_name"],
        "Stammdaten GmbH"
    );
    assert_eq!(missing.header("etag"), Some("\"0\""));
    assert_eq!(put(&mut browser, &valid(), Some("\"0\"")).await.status, 200);
    let stale = put(&mut browser, &valid(), Some("\"0\"")).await;
    assert_eq!((stale.status, stale.code()), (412, "version_conflict"));
    assert_eq!(stale.json["error"]["current"]["version"], 1);
    assert_eq!(stale.header("etag"), Some("\"1\""));
    // A malformed tag names no version that exists: 412, not 428.
    for malformed in ["1", "W/\"1\"", "\"x\"", "\"18446744073709551615\""] {
        let reply = put(&mut browser, &valid(), Some(malformed)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (412, "version_conflict"),
            "{malformed}"
        );
    }
}

#[tokio::test]
async fn if_match_star_updates_whatever_version_is_current() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Owner).await;
    assert_eq!(put(&mut browser, &valid(), Some("\"0\"")).await.status, 200);
    let reply = put(&mut browser, &valid(), Some("*")).await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.header("etag"), Some("\"2\""));
}

#[tokio::test]
async fn of_twenty_parallel_updates_with_one_version_exactly_one_succeeds() {
    let portal = TestPortal::spawn().await;
    let (browser, _) = logged_in(&portal, Role::Owner).await;
    let handles: Vec<_> = (0..20)
        .map(|i| {
            let mut browser = browser.clone();
            tokio::spawn(async move {
                let mut body = valid();
                body["po_reference"] = json!(format!("PO-{i}"));
                put(&mut browser, &body, Some("\"0\"")).await.status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for handle in handles {
        statuses.push(handle.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| *s == 200 || *s == 412),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn every_bad_field_is_named_at_once() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Owner).await;
    let body = json!({
        "legal_name": "Evil\u{202e}Corp",
        "address": { "line1": "", "postal_code": "1234", "city": "x".repeat(10_000), "country": "DE" },
        "vat_id": "DE136695977",
        "invoice_emails": ["ok@example.com", "a@example.com\r\nBcc: x@example.com"],
        "po_reference": "PO\u{0}1"
    });
    let reply = put(&mut browser, &body, Some("\"0\"")).await;
    assert_eq!((reply.status, reply.code()), (400, "validation_failed"));
    let named = fields(&reply);
    for field in [
        "legal_name",
        "address.line1",
        "address.postal_code",
        "address.city",
        "vat_id",
        "invoice_emails[1]",
        "po_reference",
    ] {
        assert!(
            named.contains(&field.to_string()),
            "{field} missing in {named:?}"
        );
    }
    browser.lang = "en";
    let english = put(&mut browser, &body, Some("\"0\"")).await;
    assert_eq!(
        english.json["error"]["message"],
        "Please check the marked fields."
    );
}

#[tokio::test]
async fn the_vat_ids_prefix_must_fit_the_country_with_el_for_greece() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Owner).await;
    let mut body = valid();
    body["address"]["country"] = json!("AT");
    body["address"]["postal_code"] = json!("1010");
    let reply = put(&mut browser, &body, Some("\"0\"")).await;
    assert_eq!(fields(&reply), vec!["vat_id"]);
    assert_eq!(
        reply.json["error"]["fields"][0]["code"],
        "vat_country_mismatch"
    );
    body["vat_id"] = json!("");
    assert_eq!(
        put(&mut browser, &body, Some("\"0\"")).await.status,
        200,
        "no VAT ID is fine"
    );
}

#[tokio::test]
async fn fields_nobody_may_set_are_refused() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Owner).await;
    for extra in ["version", "customer_id", "role", "locked"] {
        let mut body = valid();
        body[extra] = json!("x");
        let reply = put(&mut browser, &body, Some("\"0\"")).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, "unknown_field"),
            "{extra}"
        );
    }
}

#[tokio::test]
async fn after_the_first_invoice_name_and_country_change_only_by_request() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company) = logged_in(&portal, Role::Owner).await;
    assert_eq!(put(&mut browser, &valid(), Some("\"0\"")).await.status, 200);
    portal
        .add_document(&company, "R-1", "2026-01-01", None, None)
        .await;
    let current = browser.get("/api/account/billing").await;
    assert_eq!(
        current.json["locked"],
        json!(["legal_name", "address.country"])
    );
    let mut renamed = valid();
    renamed["legal_name"] = json!("Neuer Name AG");
    let reply = put(&mut browser, &renamed, Some("\"1\"")).await;
    assert_eq!(
        (reply.status, reply.code(), reply.field()),
        (409, "field_locked", "legal_name")
    );
    let mut moved = valid();
    moved["address"]["country"] = json!("AT");
    moved["address"]["postal_code"] = json!("1010");
    moved["vat_id"] = json!("");
    let reply = put(&mut browser, &moved, Some("\"1\"")).await;
    assert_eq!(reply.field(), "address.country");
    let mut street = valid();
    street["address"]["line1"] = json!("Nebenstraße 2");
    assert_eq!(
        put(&mut browser, &street, Some("\"1\"")).await.status,
        200,
        "other fields stay editable"
    );

    let request = browser
        .post(
            "/api/account/billing/change-request",
            &json!({ "legal_name": "Neuer Name AG", "reason": "Umfirmierung zum 1.1." }),
        )
        .await;
    assert_eq!(request.status, 202, "{request:?}");
    let pending = browser.get("/api/account/billing").await;
    assert_eq!(
        pending.json["pending_changes"][0]["legal_name"],
        "Neuer Name AG"
    );
    assert_eq!(pending.json["pending_changes"][0]["status"], "pending");
    // Support's mailbox is shared by every test: find this request's mail.
    let mail = portal
        .mail_containing("support@example.com", "Neuer Name AG")
        .await;
    assert!(mail.subject.contains("Änderungsantrag"), "{}", mail.subject);
    let empty = browser
        .post(
            "/api/account/billing/change-request",
            &json!({ "reason": "x" }),
        )
        .await;
    assert_eq!((empty.status, empty.field()), (400, "legal_name"));
}

#[tokio::test]
async fn viewers_and_strangers_see_no_billing_data() {
    let portal = TestPortal::spawn().await;
    let (mut viewer, _) = logged_in(&portal, Role::Viewer).await;
    let reply = viewer.get("/api/account/billing").await;
    assert_eq!((reply.status, reply.code()), (403, "forbidden"));
    assert_eq!(put(&mut viewer, &valid(), Some("\"0\"")).await.status, 403);
    let mut stranger = portal.browser();
    assert_eq!(stranger.get("/api/account/billing").await.status, 401);
}

#[tokio::test]
async fn the_activity_log_shows_logins_downloads_and_changes_newest_first_in_pages() {
    let portal = TestPortal::spawn().await;
    let (mut browser, company) = logged_in(&portal, Role::Owner).await;
    let doc = portal
        .add_document(&company, "R-1", "2026-01-01", Some(b"%PDF-1.4\n"), None)
        .await;
    assert_eq!(
        browser
            .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
            .await
            .status,
        303
    );
    assert_eq!(put(&mut browser, &valid(), Some("\"0\"")).await.status, 200);
    let mut moved = valid();
    moved["address"]["city"] = json!("Hamburg");
    moved["address"]["postal_code"] = json!("20095");
    portal.clock.advance(1);
    assert_eq!(put(&mut browser, &moved, Some("\"1\"")).await.status, 200);
    let page = browser.get("/api/account/activity").await;
    assert_eq!(page.status, 200, "{page:?}");
    let events: Vec<&str> = page.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(events[0], "billing_updated");
    assert!(
        events.contains(&"document_downloaded") && events.contains(&"login"),
        "{events:?}"
    );
    let changes = page.json["events"][0]["changes"].as_str().unwrap();
    assert!(
        changes.contains("address.city: Berlin → Hamburg"),
        "{changes}"
    );
    assert!(page.json["next_cursor"].is_null());

    for n in 0..30 {
        portal
            .app_for_seeding
            .companies
            .record_activity(
                &portal::store::company::NewActivity::new(&company, 10 + n, "test")
                    .with("by", "x@example.com"),
            )
            .await
            .unwrap();
    }
    let first = browser.get("/api/account/activity").await;
    assert_eq!(first.json["events"].as_array().unwrap().len(), 25);
    let cursor = first.json["next_cursor"].as_str().unwrap().to_string();
    let second = browser
        .get(&format!("/api/account/activity?cursor={cursor}"))
        .await;
    assert!(!second.json["events"].as_array().unwrap().is_empty());
    let tampered = browser
        .get(&format!("/api/account/activity?cursor={}x", cursor))
        .await;
    assert_eq!((tampered.status, tampered.field()), (400, "cursor"));
}

#[tokio::test]
async fn the_data_export_holds_what_the_role_may_see() {
    let portal = TestPortal::spawn().await;
    let (mut owner, company) = logged_in(&portal, Role::Owner).await;
    portal
        .add_document(&company, "R-1", "2026-01-01", None, None)
        .await;
    assert_eq!(put(&mut owner, &valid(), Some("\"0\"")).await.status, 200);
    let export = owner.get("/api/account/export").await;
    assert_eq!(export.status, 200);
    assert!(export
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment; filename=\"kundenportal-export-"));
    assert_eq!(export.json["company"]["name"], "Stammdaten GmbH");
    assert_eq!(export.json["documents"][0]["number"], "R-1");
    assert_eq!(export.json["billing"]["address"]["city"], "Berlin");
    assert!(export.json["team"].as_array().unwrap().len() == 1);
    assert!(!export.json["activity"].as_array().unwrap().is_empty());

    let viewer_email = portal
        .add_login(Lang::En, &[(&company, "Stammdaten GmbH", Role::Viewer)])
        .await;
    let mut viewer = portal.browser();
    portal.log_in(&mut viewer, &viewer_email).await;
    let export = viewer.get("/api/account/export").await;
    assert_eq!(export.status, 200);
    assert_eq!(export.json["login"]["email"], viewer_email.as_str());
    assert_eq!(export.json["documents"].as_array().unwrap().len(), 1);
    assert!(export.json.get("billing").is_none() && export.json.get("team").is_none());
}

#[tokio::test]
async fn contacts_are_validated_stored_in_e164_and_versioned() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Billing).await;
    let empty = browser.get("/api/account/contacts").await;
    assert_eq!(empty.json["version"], 0);
    let body =
        json!({ "emails": ["Einkauf@Example.com"], "phones": ["030 901820", "+41 44 668 18 00"] });
    let mut req = browser
        .request(reqwest::Method::PUT, "/api/account/contacts")
        .header("content-type", "application/json")
        .header("if-match", "\"0\"")
        .body(body.to_string());
    let saved = browser.send(req).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(saved.json["phones"], json!(["+4930901820", "+41446681800"]));
    assert_eq!(saved.json["emails"], json!(["einkauf@example.com"]));
    let bad = json!({ "emails": ["x@@example.com"], "phones": ["12", "+49 30 901820\u{202e}"], "extra": 1 });
    req = browser
        .request(reqwest::Method::PUT, "/api/account/contacts")
        .header("content-type", "application/json")
        .header("if-match", "\"1\"")
        .body(bad.to_string());
    assert_eq!(browser.send(req).await.code(), "unknown_field");
    let bad = json!({ "emails": ["x@@example.com"], "phones": ["12"] });
    req = browser
        .request(reqwest::Method::PUT, "/api/account/contacts")
        .header("content-type", "application/json")
        .header("if-match", "\"1\"")
        .body(bad.to_string());
    let reply = browser.send(req).await;
    assert_eq!(fields(&reply), vec!["emails[0]", "phones[0]"]);
    let too_many =
        json!({ "phones": (0..11).map(|n| format!("+49 30 90182{n}")).collect::<Vec<_>>() });
    req = browser
        .request(reqwest::Method::PUT, "/api/account/contacts")
        .header("content-type", "application/json")
        .header("if-match", "\"1\"")
        .body(too_many.to_string());
    assert!(fields(&browser.send(req).await).contains(&"phones".to_string()));
}

#[tokio::test]
async fn address_fields_take_unicode_but_refuse_hidden_characters_wrong_types_and_duplicates() {
    let portal = TestPortal::spawn().await;
    let (mut browser, _) = logged_in(&portal, Role::Owner).await;
    let mut body = valid();
    body["address"]["line1"] = json!("Cafe\u{301} 🏠 Straße 1");
    body["address"]["line2"] = json!("<script>alert(1)</script>");
    let saved = put(&mut browser, &body, Some("\"0\"")).await;
    assert_eq!(saved.status, 200, "{saved:?}");
    assert_eq!(
        saved.json["address"]["line1"],
        "Cafe\u{301} 🏠 Straße 1".nfc_like()
    );
    assert_eq!(
        saved.json["address"]["line2"], "<script>alert(1)</script>",
        "stored as text, escaped by JSON"
    );
    for bad in ["a\u{200b}b", "a\u{0}b", "a\u{202e}b"] {
        let mut body = valid();
        body["address"]["line1"] = json!(bad);
        let reply = put(&mut browser, &body, Some("\"1\"")).await;
        assert_eq!(fields(&reply), vec!["address.line1"], "{bad:?}");
    }
    let wrong_type = r#"{"legal_name": 5, "address": {"line1": "a", "postal_code": "10115", "city": "B", "country": "DE"}}"#;
    let duplicate = r#"{"legal_name": "A", "legal_name": "B", "address": {"line1": "a", "postal_code": "10115", "city": "B", "country": "DE"}}"#;
    for raw in [wrong_type, duplicate] {
        let req = browser
            .request(reqwest::Method::PUT, "/api/account/billing")
            .header("content-type", "application/json")
            .header("if-match", "\"1\"")
            .body(raw);
        let reply = browser.send(req).await;
        assert_eq!((reply.status, reply.field()), (400, "legal_name"), "{raw}");
    }
}

trait NfcLike {
    fn nfc_like(&self) -> String;
}

impl NfcLike for &str {
    /// `e` + combining acute becomes `é`, as the server normalises to NFC.
    fn nfc_like(&self) -> String {
        self.replace("e\u{301}", "é")
    }
}

#[tokio::test]
async fn the_data_export_is_complete_and_each_part_follows_its_routes_roles() {
    let portal = TestPortal::spawn().await;
    let company = portal.add_company("Auskunft GmbH").await;
    portal
        .add_document(&company, "R-9", "2026-02-01", None, None)
        .await;
    let mut browsers = Vec::new();
    for role in [Role::Owner, Role::Billing, Role::Viewer] {
        let email = portal
            .add_login(Lang::De, &[(&company, "Auskunft GmbH", role)])
            .await;
        let mut browser = portal.browser();
        portal.log_in(&mut browser, &email).await;
        browsers.push((role, email, browser));
    }
    let writer = browsers[2].1.clone();
    portal.add_route_samples(&company, &writer).await;
    // Contacts and payment details, as the owner enters them.
    let owner = &mut browsers[0].2;
    let mut req = owner
        .request(reqwest::Method::PUT, "/api/account/contacts")
        .header("content-type", "application/json")
        .header("if-match", "\"0\"")
        .body(json!({ "emails": ["einkauf@example.com"], "phones": [] }).to_string());
    assert_eq!(owner.send(req).await.status, 200);
    req = owner
        .request(reqwest::Method::PUT, "/api/account/payment")
        .header("content-type", "application/json")
        .header("if-match", "\"0\"")
        .body(
            json!({ "holder": "Auskunft GmbH", "iban": "DE89 3704 0044 0532 0130 00", "mandate": true })
                .to_string(),
        );
    assert_eq!(owner.send(req).await.status, 200);

    // Each part of the export, and the route that shows the same to this role.
    let parts = [
        ("documents", "/api/documents"),
        ("contracts", "/api/contracts"),
        ("support_requests", "/api/support/requests"),
        ("team", "/api/team"),
        ("billing", "/api/account/billing"),
        ("contacts", "/api/account/contacts"),
        ("payment", "/api/account/payment"),
        ("activity", "/api/account/activity"),
    ];
    for (role, email, browser) in browsers.iter_mut() {
        let export = browser.get("/api/account/export").await;
        assert_eq!(export.status, 200, "{role:?}");
        for (part, route) in parts {
            let allowed = browser.get(route).await.status == 200;
            assert_eq!(
                export.json.get(part).is_some(),
                allowed,
                "{role:?}: {part} in the export, but {route} says {allowed}"
            );
        }
        assert_eq!(export.json["login"]["email"], email.as_str());
        assert!(export.json["notifications"].is_array(), "{role:?}");
        assert_eq!(export.json["contracts"][0]["id"], "V-1", "{role:?}");
        assert_eq!(export.json["support_requests"][0]["subject"], "Matrix");
        if *role != Role::Viewer {
            assert_eq!(export.json["contacts"]["emails"][0], "einkauf@example.com");
            let payment = export.json["payment"].to_string();
            assert!(
                payment.contains("DE89") && !payment.contains("0532"),
                "{payment}"
            );
        }
    }
}
