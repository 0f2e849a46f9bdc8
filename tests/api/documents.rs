//! Documents: detail, PDF / XML downloads, and the data-access rules of SECURITY.md.

use portal::domain::ids::Role;
use portal::domain::lang::Lang;
use portal_tests::TestPortal;

const PDF: &[u8] = b"%PDF-1.4\n% test document\n%%EOF\n";

async fn customer_with_login(
    portal: &TestPortal,
    lang: Lang,
    role: Role,
) -> (portal::domain::ids::CustomerId, String) {
    let company = portal.add_company("Dokument GmbH").await;
    let email = portal
        .add_login(lang, &[(&company, "Dokument GmbH", role)])
        .await;
    (company, email)
}

#[tokio::test]
async fn a_customer_sees_the_details_of_its_own_document() {
    let portal = TestPortal::spawn().await;
    let (company, email) = customer_with_login(&portal, Lang::De, Role::Viewer).await;
    let doc = portal
        .add_document(&company, "R-2026-0042", "2026-03-15", Some(PDF), None)
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser
        .get(&format!("/api/documents/{}", doc.id.as_str()))
        .await;
    assert_eq!(reply.status, 200, "{reply:?}");
    assert_eq!(reply.json["number"], "R-2026-0042");
    assert_eq!(reply.json["kind"], "invoice");
    assert_eq!(reply.json["gross"], "119.00");
    assert_eq!(reply.json["currency"], "EUR");
    assert_eq!(reply.json["status"], "open");
    assert_eq!(reply.json["references"]["order"], "PO-7");
    assert!(reply.json["links"]["xml"].is_null());
}

#[tokio::test]
async fn the_pdf_redirects_to_a_short_lived_url_with_the_real_bytes_and_a_german_name() {
    let portal = TestPortal::spawn().await;
    let (company, email) = customer_with_login(&portal, Lang::De, Role::Billing).await;
    let doc = portal
        .add_document(&company, "R-2026-0042", "2026-03-15", Some(PDF), None)
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser
        .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
        .await;
    assert_eq!(reply.status, 303, "{reply:?}");
    let location = reply.header("location").unwrap().to_string();
    assert!(location.contains("X-Amz-Expires=60"), "{location}");
    let download = reqwest::get(&location).await.unwrap();
    assert_eq!(download.status(), 200);
    let disposition = download
        .headers()
        .get("content-disposition")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    assert_eq!(
        disposition,
        "attachment; filename=\"Rechnung-R-2026-0042.pdf\""
    );
    assert_eq!(download.bytes().await.unwrap().as_ref(), PDF);
}

#[tokio::test]
async fn an_english_customer_downloads_an_english_file_name() {
    let portal = TestPortal::spawn().await;
    let (company, email) = customer_with_login(&portal, Lang::En, Role::Owner).await;
    let doc = portal
        .add_document(&company, "R-7", "2026-01-02", Some(PDF), None)
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser
        .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
        .await;
    let download = reqwest::get(reply.header("location").unwrap())
        .await
        .unwrap();
    assert_eq!(
        download.headers()["content-disposition"].to_str().unwrap(),
        "attachment; filename=\"Invoice-R-7.pdf\""
    );
}

#[tokio::test]
async fn the_xml_is_offered_only_where_it_exists() {
    let portal = TestPortal::spawn().await;
    let (company, email) = customer_with_login(&portal, Lang::De, Role::Viewer).await;
    let with = portal
        .add_document(
            &company,
            "R-1",
            "2026-02-01",
            Some(PDF),
            Some(b"<Invoice/>"),
        )
        .await;
    let without = portal
        .add_document(&company, "R-2", "2026-02-02", Some(PDF), None)
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser
        .get(&format!("/api/documents/{}/xml", with.id.as_str()))
        .await;
    assert_eq!(reply.status, 303);
    let body = reqwest::get(reply.header("location").unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.as_ref(), b"<Invoice/>");
    let reply = browser
        .get(&format!("/api/documents/{}/xml", without.id.as_str()))
        .await;
    assert_eq!((reply.status, reply.code()), (404, "file_missing"));
    assert!(!reply.json["error"]["message"].as_str().unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_pdf_in_the_bucket_is_a_clear_404_not_a_500() {
    let portal = TestPortal::spawn().await;
    let (company, email) = customer_with_login(&portal, Lang::De, Role::Viewer).await;
    let doc = portal
        .add_document(&company, "R-3", "2026-02-03", None, None)
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser
        .get(&format!("/api/documents/{}/pdf", doc.id.as_str()))
        .await;
    assert_eq!((reply.status, reply.code()), (404, "file_missing"));
}

#[tokio::test]
async fn another_companys_document_is_exactly_as_unknown_as_a_made_up_one() {
    let portal = TestPortal::spawn().await;
    let (mine, email) = customer_with_login(&portal, Lang::De, Role::Owner).await;
    let (theirs, _) = customer_with_login(&portal, Lang::De, Role::Owner).await;
    portal
        .add_document(&mine, "R-2026-0001", "2026-03-01", Some(PDF), None)
        .await;
    let foreign = portal
        .add_document(&theirs, "R-2026-0002", "2026-03-01", Some(PDF), None)
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let foreign_reply = browser
        .get(&format!("/api/documents/{}", foreign.id.as_str()))
        .await;
    // Sequential and guessed numbers next to the customer's own.
    let guessed = browser
        .get("/api/documents/20260301-invoice-R-2026-0003")
        .await;
    assert_eq!(foreign_reply.status, 404);
    assert_eq!(foreign_reply.text, guessed.text);
    for suffix in ["", "/pdf", "/xml"] {
        let reply = browser
            .get(&format!("/api/documents/{}{suffix}", foreign.id.as_str()))
            .await;
        assert_eq!((reply.status, reply.code()), (404, "not_found"), "{suffix}");
        assert!(reply.header("location").is_none());
    }
}

#[tokio::test]
async fn traversal_and_encoded_ids_are_not_found_before_any_lookup() {
    let portal = TestPortal::spawn().await;
    let (_, email) = customer_with_login(&portal, Lang::De, Role::Owner).await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    for id in [
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e%2f20260301-invoice-R-1",
        "20260301-invoice-R-1%2Fpdf",
        "20260301-invoice-R-1%00",
        "..",
        "20269999-invoice-R-1",
        &"9".repeat(200),
    ] {
        for suffix in ["", "/pdf"] {
            let reply = browser.get(&format!("/api/documents/{id}{suffix}")).await;
            assert_eq!(reply.status, 404, "{id}{suffix}");
        }
    }
}

#[tokio::test]
async fn documents_need_a_session_and_a_chosen_company() {
    let portal = TestPortal::spawn().await;
    let first = portal.add_company("Eins GmbH").await;
    let second = portal.add_company("Zwei GmbH").await;
    let doc = portal
        .add_document(&first, "R-9", "2026-04-01", Some(PDF), None)
        .await;
    let path = format!("/api/documents/{}", doc.id.as_str());
    assert_eq!(portal.browser().get(&path).await.status, 401);
    let email = portal
        .add_login(
            Lang::De,
            &[
                (&first, "Eins GmbH", Role::Viewer),
                (&second, "Zwei GmbH", Role::Viewer),
            ],
        )
        .await;
    let mut browser = portal.browser();
    portal.log_in(&mut browser, &email).await;
    let reply = browser.get(&path).await;
    assert_eq!((reply.status, reply.code()), (409, "no_customer_selected"));
    browser
        .put(
            "/api/auth/session/customer",
            &serde_json::json!({ "customer_id": first.as_str() }),
        )
        .await;
    assert_eq!(browser.get(&path).await.status, 200);
    browser
        .put(
            "/api/auth/session/customer",
            &serde_json::json!({ "customer_id": second.as_str() }),
        )
        .await;
    assert_eq!(
        browser.get(&path).await.status,
        404,
        "the other company's view"
    );
}
